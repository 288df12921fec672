// Kernels for the PTX execution tests (test/unit/exec/SkeletonExecTest.cpp).
// Inputs arrive through memory so nvcc cannot fold them; inline PTX pins the
// exact instruction where the edge case is the instruction's own semantics.
// Regenerate: see README.md in this directory.
#include <cuda_runtime.h>

#define PTX1(op, out, a) asm(op " %0, %1;" : "=r"(out) : "r"(a))
#define PTX2(op, out, a, b) asm(op " %0, %1, %2;" : "=r"(out) : "r"(a), "r"(b))

extern "C" __global__ void intEdges(const int *in, int *out) {
  int hundred = in[0], zero = in[1], intMin = in[2], minusOne = in[3];
  int s33 = in[4], minusEight = in[5], s40 = in[6], bits = in[7];
  PTX2("div.u32", out[0], hundred, zero);
  PTX2("div.s32", out[1], intMin, minusOne);
  PTX2("shl.b32", out[2], hundred, s33);
  PTX2("shr.s32", out[3], minusEight, s40);
  PTX2("shr.u32", out[4], minusEight, s40);
  PTX2("mul.hi.u32", out[5], bits, bits);
  PTX2("mul.hi.s32", out[6], minusEight, bits);
  long long wide;
  asm("mad.wide.s32 %0, %1, %2, %3;" : "=l"(wide) : "r"(minusEight), "r"(bits), "l"((long long)hundred));
  out[7] = int(wide);
  out[8] = int(wide >> 32);
  PTX1("popc.b32", out[9], bits);
  PTX1("clz.b32", out[10], bits);
  PTX1("brev.b32", out[11], bits);
  PTX2("min.s32", out[12], intMin, minusOne);
  PTX2("max.u32", out[13], intMin, hundred);
  PTX1("abs.s32", out[14], minusEight);
  PTX2("add.sat.s32", out[15], intMin, minusOne);
  PTX2("rem.s32", out[16], minusEight, s33);
  PTX2("div.s32", out[17], minusEight, s33);
  PTX1("cvt.sat.u8.s32", out[18], minusEight);
  PTX1("cvt.s8.s32", out[19], bits);
  PTX2("sub.s32", out[20], intMin, hundred);
  PTX1("not.b32", out[21], bits);
  PTX1("cnot.b32", out[22], zero);
}

#define FPTX2(op, out, a, b) asm(op " %0, %1, %2;" : "=f"(out) : "f"(a), "f"(b))
#define FPTX1(op, out, a) asm(op " %0, %1;" : "=f"(out) : "f"(a))
#define CMP(op, out, a, b)                                                     \
  asm("{ .reg .pred p; " op " p, %1, %2; selp.s32 %0, 1, 0, p; }"              \
      : "=r"(out) : "f"(a), "f"(b))

extern "C" __global__ void floatEdges(const float *in, float *outf, int *outi) {
  float nan = in[0], big = in[1], minusBig = in[2], twoHalf = in[3];
  float one = in[4], minusZero = in[5], two = in[6], third = in[7];
  asm("cvt.rzi.s32.f32 %0, %1;" : "=r"(outi[0]) : "f"(nan));
  asm("cvt.rzi.s32.f32 %0, %1;" : "=r"(outi[1]) : "f"(big));
  asm("cvt.rzi.s32.f32 %0, %1;" : "=r"(outi[2]) : "f"(minusBig));
  asm("cvt.rni.s32.f32 %0, %1;" : "=r"(outi[3]) : "f"(twoHalf));
  asm("cvt.rpi.s32.f32 %0, %1;" : "=r"(outi[4]) : "f"(twoHalf));
  asm("cvt.rmi.u32.f32 %0, %1;" : "=r"(outi[5]) : "f"(minusBig));
  CMP("setp.ltu.f32", outi[6], nan, one);
  CMP("setp.lt.f32", outi[7], nan, one);
  CMP("setp.ne.f32", outi[8], nan, one);
  CMP("setp.neu.f32", outi[9], nan, one);
  CMP("setp.nan.f32", outi[10], nan, one);
  CMP("setp.num.f32", outi[11], two, one);
  FPTX2("min.f32", outf[0], nan, one);
  FPTX2("max.f32", outf[1], minusZero, nan);
  FPTX2("add.sat.f32", outf[2], twoHalf, one);
  FPTX2("add.sat.f32", outf[3], nan, one);
  asm("fma.rn.f32 %0, %1, %2, %3;" : "=f"(outf[4]) : "f"(third), "f"(third), "f"(minusZero));
  FPTX1("cvt.rni.f32.f32", outf[5], twoHalf);
  FPTX1("sqrt.rn.f32", outf[6], two);
  FPTX2("div.rn.f32", outf[7], one, third);
  asm("cvt.rn.f32.s32 %0, %1;" : "=f"(outf[8]) : "r"(16777217));
  FPTX1("neg.f32", outf[9], minusZero);
  FPTX1("abs.f32", outf[10], minusBig);
  FPTX2("mul.f32", outf[11], third, big);
  FPTX1("cvt.rzi.f32.f32", outf[12], minusBig);
  double d;
  asm("cvt.f64.f32 %0, %1;" : "=d"(d) : "f"(third));
  asm("cvt.rn.f32.f64 %0, %1;" : "=f"(outf[13]) : "d"(d * 3.0));
}

// Every thread writes its coordinates to its slot of a 3D grid of 3D blocks.
extern "C" __global__ void threadIds(int *out) {
  int threadsPerBlock = blockDim.x * blockDim.y * blockDim.z;
  int block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  int thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  int slot = block * threadsPerBlock + thread;
  out[slot] = threadIdx.x + 10 * threadIdx.y + 100 * threadIdx.z +
              1000 * blockIdx.x + 10000 * blockIdx.y + 100000 * blockIdx.z;
  if (slot == 0) {
    out[-3] = gridDim.x * 100 + gridDim.y * 10 + gridDim.z;
    out[-2] = blockDim.x * 100 + blockDim.y * 10 + blockDim.z;
    out[-1] = warpSize;
  }
}

struct Pair {
  int key;
  float value;
  double weight;
};

__device__ __noinline__ float weigh(Pair p, float scale) {
  return (p.value * scale + float(p.key)) * float(p.weight);
}

__device__ __noinline__ int pick(int a, int b) {
  int r;
  // A guarded instruction inside a nested scope with its own registers.
  asm("{ .reg .pred p; setp.gt.s32 p, %1, %2; mov.b32 %0, %2; @p mov.b32 %0, %1; }"
      : "=r"(r) : "r"(a), "r"(b));
  return r;
}

extern "C" __global__ void callsAndGuards(const Pair *pairs, float scale,
                                          float *weighted, int *larger, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  weighted[i] = weigh(pairs[i], scale);
  larger[i] = pick(pairs[i].key, n - i);
}

extern "C" __global__ void vectors(const float4 *in, float4 *out,
                                   const double2 *din, double2 *dout,
                                   unsigned long long *packed) {
  int i = threadIdx.x;
  float4 v = in[i];
  out[i] = make_float4(v.w, v.z, v.y, v.x);
  double2 d = din[i];
  dout[i] = make_double2(d.x + d.y, d.x - d.y);
  unsigned long long p;
  asm("mov.b64 %0, {%1, %2};" : "=l"(p) : "r"(i), "r"(i + 0x100));
  unsigned lo, hi;
  asm("mov.b64 {%0, %1}, %2;" : "=r"(lo), "=r"(hi) : "l"(p));
  packed[i] = (unsigned long long)hi << 32 | (lo ^ 0xFFu);
}

// A per-thread array indexed at run time lives in local memory.
extern "C" __global__ void localArray(const int *in, int *out, int n) {
  int scratch[32];
  int t = threadIdx.x;
  for (int k = 0; k < 32; ++k)
    scratch[k] = in[(t + k) % n] * (k + 1);
  int index = in[t] & 31;
  out[t] = scratch[index] + scratch[(index + 7) & 31];
}
