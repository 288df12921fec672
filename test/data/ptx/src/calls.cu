// printf, assert, device calls, function pointers, inline asm.
#include <cstdio>
#include <cassert>

__device__ __noinline__ int square(int x) { return x * x; }
__device__ __noinline__ float mix(float a, float b, float t) { return a + (b - a) * t; }
__device__ __noinline__ void noArgs() { asm volatile("" ::: "memory"); }

typedef int (*UnaryOp)(int);
__device__ __noinline__ int twice(int x) { return 2 * x; }
__device__ __noinline__ int negate(int x) { return -x; }
__device__ UnaryOp ops[2] = {twice, negate};

__global__ void useCalls(int *out, float *fout, int which) {
  int t = threadIdx.x;
  noArgs();
  out[t] = square(t) + ops[which & 1](t);
  fout[t] = mix(1.0f, 2.0f, t * 0.25f);
}

__global__ void usePrintf(const int *data) {
  printf("thread %d value %d %f\n", threadIdx.x, data[threadIdx.x], 1.5);
  printf("done\n");
}

__global__ void useAssert(const int *data) {
  assert(data[threadIdx.x] >= 0);
}

__global__ void inlineAsm(unsigned *out, unsigned a, unsigned b) {
  unsigned r, lane;
  asm("add.u32 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  asm("mov.u32 %0, %%laneid;" : "=r"(lane));
  asm("{\n\t.reg .pred p;\n\tsetp.ne.u32 p, %1, 0;\n\tselp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(r) : "r"(r));
  unsigned long long clk;
  asm volatile("mov.u64 %0, %%clock64;" : "=l"(clk));
  out[threadIdx.x] = r + lane + (unsigned)clk;
}
