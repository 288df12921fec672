// PTX corpus: generic-address loads, stores and atomics (pointers the
// compiler cannot place in a state space), device functions taking and
// returning small types by value (ld.param/st.param of bytes and halves),
// 16-bit and 64-bit logic, ordered accesses spelled in inline assembly.
#include <cuda_runtime.h>
#include <cstdint>

__device__ __noinline__ void genericOps(float *f, double *d, unsigned *u, unsigned long long *l,
                                        unsigned short *h, uint4 *v, uint2 *w, int *i,
                                        double *dd) {
  f[0] = f[1] * 2.0f;
  d[0] = d[1] + 1.0;
  u[0] = u[1] + 3u;
  l[0] = l[1] ^ ~l[2];
  h[0] = (unsigned short)(h[1] | h[2]);
  uint4 a = v[1];
  v[0] = make_uint4(a.w, a.z, a.y, a.x);
  uint2 b = w[1];
  w[0] = make_uint2(b.y, b.x);
  volatile unsigned *vu = u;
  vu[2] = vu[3] + 1;
  atomicAdd(u + 4, 1u);
  atomicAdd(dd, 1.0);
  atomicExch(u + 5, 7u);
  atomicMax(i, 5);
  unsigned ca, cg;
  asm volatile("ld.ca.u32 %0, [%1];" : "=r"(ca) : "l"(u + 6));
  asm volatile("ld.cg.u32 %0, [%1];" : "=r"(cg) : "l"(u + 7));
  asm volatile("st.cg.u32 [%0], %1;" ::"l"(u + 8), "r"(ca + cg));
  unsigned acq;
  asm volatile("ld.acquire.cta.u32 %0, [%1];" : "=r"(acq) : "l"(u + 9));
  asm volatile("ld.relaxed.gpu.u32 %0, [%1];" : "=r"(u[10]) : "l"(u + 11));
  asm volatile("st.release.gpu.u32 [%0], %1;" ::"l"(u + 12), "r"(acq));
}

__device__ __noinline__ unsigned char smallArgs(unsigned char a, signed char b, unsigned short c,
                                                uchar2 d, uint2 e, unsigned long long f) {
  return (unsigned char)(a + b + c + d.x + d.y + e.x + e.y + (unsigned)f);
}

__device__ __noinline__ short shortMath(short a, short b, unsigned short c, unsigned short d) {
  short r = (short)(a - b);
  unsigned short m = max(c, d) + min(c, d);
  unsigned short s = (unsigned short)(c << (d & 7));
  return (short)(r + m + s + (c / d) + (c == 3) + (c >= d) + (c <= 9));
}

__global__ void genericKernel(float *f, double *d, unsigned *u, unsigned long long *l,
                              unsigned short *h, uint4 *v, uint2 *w, int *i, double *dd,
                              unsigned char *out, short *sout, long long *lo) {
  // Shared or global, known only at run time: the accesses stay generic.
  __shared__ float sf[8];
  __shared__ double sd[8];
  __shared__ unsigned su[16];
  __shared__ unsigned long long sl[8];
  __shared__ unsigned short sh[8];
  __shared__ uint4 sv[2];
  __shared__ uint2 sw[2];
  __shared__ int si[2];
  bool local = threadIdx.x & 1;
  genericOps(local ? sf : f, local ? sd : d, local ? su : u, local ? sl : l, local ? sh : h,
             local ? sv : v, local ? sw : w, local ? si : i, local ? sd + 4 : dd);
  out[threadIdx.x] = smallArgs(out[1], (signed char)out[2], h[3], make_uchar2(out[4], out[5]),
                               w[2], l[3]);
  sout[threadIdx.x] = shortMath(sout[1], sout[2], h[4], h[5]);
  long long x = lo[threadIdx.x];
  lo[threadIdx.x + 32] = (x <= 7) + (x >= 9) + (long long)(signed char)out[7] +
                         (long long)(unsigned short)l[4];
  unsigned char byte;
  asm volatile("ld.acquire.sys.global.u8 %0, [%1];" : "=h"(*(unsigned short *)&h[6]) : "l"(out + 8));
  asm volatile("st.release.sys.global.u8 [%0], %1;" ::"l"(out + 9), "h"((unsigned short)1));
  (void)byte;
  double n = d[5];
  sout[64] = !isnan(n) && (n == n);
}
