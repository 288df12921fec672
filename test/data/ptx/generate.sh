#!/bin/sh
# Regenerates the PTX test inputs from src/ with nvcc 13.0 (V13.0.88).
# Run from this directory: ./generate.sh  (zoo.ptx is hand-written.)
set -e
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
$NVCC -ptx src/basics.cu -o basics.ptx
$NVCC -ptx -arch=sm_86 -lineinfo src/basics.cu -o basics_sm86_lineinfo.ptx
$NVCC -ptx src/calls.cu -o calls.ptx
$NVCC -ptx -G src/calls.cu -o calls_debug.ptx
$NVCC -ptx -arch=sm_86 src/numeric.cu -o numeric_sm86.ptx
$NVCC -ptx -arch=sm_90 src/sm90.cu -o sm90.ptx
$NVCC -ptx -arch=sm_80 src/tensor_cg.cu -o tensor_cg_sm80.ptx
$NVCC -ptx -rdc=true src/rdc/main.cu -o rdc_main.ptx
$NVCC -ptx -rdc=true src/rdc/lib.cu -o rdc_lib.ptx
# zoo.ptx must stay valid PTX:
"$(dirname "$NVCC")/ptxas" -arch=sm_90a zoo.ptx -o /dev/null
