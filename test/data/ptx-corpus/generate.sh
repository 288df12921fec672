#!/bin/sh
# Regenerates the PTX corpus of the opcode coverage test
# (test/unit/coverage, ctest coverage.ptxOpcodes) from src/*.cu with nvcc 13.0
# (V13.0.88), one file per program and architecture. Run from this
# directory: ./generate.sh  (NVCC=... to use another nvcc). Keep the corpus
# small (under ~5 MB): add a program only for forms the corpus lacks.
set -eu
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
for source in src/*.cu; do
  name=$(basename "$source" .cu)
  for arch in 75 80 86 90; do
    "$NVCC" -ptx -arch=sm_$arch -O3 "$source" -o "${name}_sm$arch.ptx"
  done
done
# Relocatable device code (-rdc=true): .extern/.visible/.weak linkage.
for arch in 75 90; do
  "$NVCC" -ptx -rdc=true -arch=sm_$arch ../../../samples/rdcTwoUnits/main.cu -o rdc_main_sm$arch.ptx
  "$NVCC" -ptx -rdc=true -arch=sm_$arch ../../../samples/rdcTwoUnits/scale.cu -o rdc_scale_sm$arch.ptx
done
# The absolute source path nvcc writes into the PTX is not kept.
sed -i "s|$(cd ../../.. && pwd)/||g" ./*.ptx
