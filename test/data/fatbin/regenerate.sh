#!/bin/sh
# Regenerates the fatbinary test images from the .cu files here with nvcc 13.0
# (V13.0.88). Run from this directory: ./regenerate.sh [path/to/nvcc]
set -eu
NVCC=${1:-/usr/local/cuda/bin/nvcc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# PTX for compute_75, SASS and PTX for sm_86; zstd (nvcc 13's default).
"$NVCC" -fatbin -gencode arch=compute_75,code=compute_75 \
  -gencode 'arch=compute_86,code=[sm_86,compute_86]' -o mixed.fatbin kernels.cu
# SASS only: no PTX at all.
"$NVCC" -fatbin -gencode arch=compute_86,code=sm_86 -o sass_only.fatbin kernels.cu
# LZ4-compressed PTX (flag 0x2000).
"$NVCC" -fatbin --compress-mode=speed -gencode arch=compute_80,code=compute_80 \
  -o lz4.fatbin kernels.cu
# Uncompressed PTX, NUL-padded.
"$NVCC" -fatbin -no-compress -gencode arch=compute_80,code=compute_80 \
  -o uncompressed.fatbin kernels.cu
# Arch-specific (0x100000) and family-specific (0x200000) PTX.
"$NVCC" -fatbin -gencode arch=compute_90a,code=compute_90a \
  -gencode arch=compute_100f,code=compute_100f \
  -gencode arch=compute_120,code=compute_120 -o arch_specific.fatbin kernels.cu
# Debug PTX (-G): flag 0x2, identifier and ptxas options in the entry header.
"$NVCC" -fatbin -G -gencode arch=compute_86,code=compute_86 \
  -o debug.fatbin kernels.cu

# -rdc=true program: .nv_fatbin holds the device-linked SASS, __nv_relfatbin
# the two relocatable fatbinaries (one per translation unit) with the PTX.
"$NVCC" -cudart shared -rdc=true -gencode 'arch=compute_86,code=[sm_86,compute_86]' \
  -o "$TMP/rdc_app" rdc_a.cu rdc_b.cu
objcopy -O binary --only-section=.nv_fatbin "$TMP/rdc_app" rdc_linked.fatbin
objcopy -O binary --only-section=__nv_relfatbin "$TMP/rdc_app" rdc_relocatable.bin

# Whole-program two-file program: .nv_fatbin holds an empty fatbinary (from
# the device-link step) followed by one fatbinary per translation unit.
"$NVCC" -cudart shared -gencode arch=compute_86,code=compute_86 \
  -o "$TMP/multi_app" multi_1.cu multi_2.cu
objcopy -O binary --only-section=.nv_fatbin "$TMP/multi_app" multi_section.bin
