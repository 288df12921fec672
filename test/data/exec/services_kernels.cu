// Kernels for test/unit/exec/ServicesExecTest.cpp: device printf with every
// conversion CUDA documents, assert() and __trap().
#include <cassert>
#include <cstdio>

extern "C" __global__ void printfKernel(int i, float f, double d) {
  if (threadIdx.x == 0 && blockIdx.x == 0)
    printf("int=%d neg=%i hex=%#x HEX=%X oct=%o long=%lld u=%u f=%.3f d=%e g=%g "
           "s=%s c=%c pct=%% pad=[%5d] left=[%-5d] zero=[%05.1f] ptr=%p\n",
           i, -i, i, i, i, (long long)i * 1000000000LL, (unsigned)i, f, d, d,
           "dev", 'Z', i, i, f, (void *)0);
  if (threadIdx.x < 4)
    printf("block %d thread %d\n", blockIdx.x, threadIdx.x);
}

extern "C" __global__ void assertKernel(int *out) {
  out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
  assert(threadIdx.x != 5 || blockIdx.x != 1);
}

extern "C" __global__ void trapKernel(int *out) {
  if (threadIdx.x == 3)
    __trap();
  out[threadIdx.x] = 1;
}

extern "C" __global__ void fineKernel(int *out) { out[threadIdx.x] = 7; }
