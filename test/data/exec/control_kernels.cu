// Kernels for the control-flow execution tests (test/unit/exec/
// ControlExecTest.cpp): indirect calls through a function-pointer table,
// brx.idx over a .branchtargets list, direct calls with structs by value,
// several parameters and no return value, recursion, and exit in a kernel.
// Inputs arrive through memory so nvcc cannot fold them.
// Regenerate: see README.md in this directory.
#include <cuda_runtime.h>

typedef int (*IntOp)(int, int);
typedef float (*FloatOp)(float, double);

struct Item {
  int key;
  float value;
  double weight;
};
typedef Item (*ItemOp)(Item, char);

__device__ __noinline__ int addOp(int a, int b) { return a + b; }
__device__ __noinline__ int subOp(int a, int b) { return a - b; }
__device__ __noinline__ int mulOp(int a, int b) { return a * b; }
__device__ __noinline__ int minOp(int a, int b) { return a < b ? a : b; }
__device__ __noinline__ float scaleOp(float a, double k) { return a * float(k); }
__device__ __noinline__ float shiftOp(float a, double k) { return a + float(k); }
__device__ __noinline__ Item bumpOp(Item item, char by) {
  item.key += by;
  item.value *= 2.0f;
  item.weight -= by;
  return item;
}

__device__ IntOp intOps[4];
__device__ FloatOp floatOps[2];
__device__ ItemOp itemOp;

// Stores the function addresses at run time (mov.u64 %rd, _Z5addOpii).
extern "C" __global__ void fillOpTables() {
  intOps[0] = addOp;
  intOps[1] = subOp;
  intOps[2] = mulOp;
  intOps[3] = minOp;
  floatOps[0] = scaleOp;
  floatOps[1] = shiftOp;
  itemOp = bumpOp;
}

// call (retval0), %rd, (param0, param1), prototype_N;
extern "C" __global__ void callThroughTables(const int *selector, const int *a,
                                             const int *b, int *out,
                                             float *f, Item *items, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  out[i] = intOps[selector[i] & 3](a[i], b[i]);
  f[i] = floatOps[selector[i] & 1](f[i], 0.5 * double(b[i]));
  items[i] = itemOp(items[i], char(a[i]));
}

// brx.idx over a .branchtargets list; index 4 falls through to the default
// arm written in PTX after the bounds check.
extern "C" __global__ void indexedBranch(const unsigned *index, int *out) {
  int i = threadIdx.x;
  int result;
  asm("{\n\t"
      ".reg .pred outside;\n\t"
      "setp.ge.u32 outside, %1, 4;\n\t"
      "@outside bra.uni Ldefault;\n\t"
      "brx.idx %1, Ltargets;\n\t"
      "Ltargets: .branchtargets Lzero, Lone, Ltwo, Lthree;\n"
      "Lzero:\n\t"
      "mov.u32 %0, 100;\n\t"
      "bra.uni Ldone;\n"
      "Lone:\n\t"
      "add.s32 %0, %2, 1000;\n\t"
      "bra.uni Ldone;\n"
      "Ltwo:\n\t"
      "mul.lo.s32 %0, %2, %2;\n\t"
      "bra.uni Ldone;\n"
      "Lthree:\n\t"
      "neg.s32 %0, %2;\n\t"
      "bra.uni Ldone;\n"
      "Ldefault:\n\t"
      "mov.u32 %0, -1;\n"
      "Ldone:\n\t"
      "}"
      : "=r"(result)
      : "r"(index[i]), "r"(i));
  out[i] = result;
}

// Direct calls: a struct by value in and out, several parameters, a call
// without a return value; nvcc puts each call in a nested scope.
__device__ __noinline__ Item combine(Item item, int k, float f, double d) {
  Item r;
  r.key = item.key * k;
  r.value = item.value + f;
  r.weight = item.weight * d;
  return r;
}
__device__ __noinline__ void storeSum(int *where, int a, int b, int c) {
  *where = a + b + c;
}
extern "C" __global__ void directCalls(Item *items, int *sums, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  items[i] = combine(items[i], i - 3, 0.25f * float(i), 1.5);
  storeSum(sums + i, i, items[i].key, 7);
}

// Doubly recursive: nvcc cannot turn it into a loop, the CPU lowering cannot
// inline it; it must run as a real recursive function.
__device__ __noinline__ int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
extern "C" __global__ void recursion(const int *in, int *out) {
  out[threadIdx.x] = fib(in[threadIdx.x]);
}

// exit in a kernel ends only the thread that executes it.
extern "C" __global__ void exitInKernel(const int *in, int *out) {
  int i = threadIdx.x;
  out[i] = 1;
  if (in[i] & 1)
    asm volatile("exit;");
  out[i] = 2;
}
