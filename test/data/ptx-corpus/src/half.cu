// PTX corpus: half and bfloat16 arithmetic and conversions.
#include <cuda_fp16.h>
#include <cuda_bf16.h>

__global__ void halves(const __half *a, const __half2 *b, __half *out, __half2 *out2, float *f) {
  int i = threadIdx.x;
  __half x = a[i], y = a[i + 1];
  __half2 u = b[i], v = b[i + 1];
  out[i] = __hadd(x, y) * __hmul(x, y) - __hsub(x, y) + __hfma(x, y, x) + __hneg(x) +
           __habs(y) + hsqrt(x) + hexp(y) + __hmax(x, y) + __hmin(x, y) + __hdiv(x, y);
  out2[i] = __hadd2(u, v) * __hmul2(u, v) + __hfma2(u, v, u) + __hneg2(v) + h2sqrt(u) +
            __hmax2(u, v) + __h2div(u, v);
  f[i] = __half2float(x) + __low2float(u) + __high2float(v) + (__hlt(x, y) ? 1.0f : 0.0f) +
         (__hgt(x, y) ? 2.0f : 0.0f) + (__hisnan(x) ? 4.0f : 0.0f) + __half2float(__float2half_rn(f[i]));
  out[i + 64] = __float2half(f[i + 64]) + __int2half_rn(i) + __uint2half_rn(i) + __double2half((double)f[i]);
}

__global__ void bfloats(const __nv_bfloat16 *a, const __nv_bfloat162 *b, __nv_bfloat16 *out,
                        __nv_bfloat162 *out2, float *f) {
  int i = threadIdx.x;
#if __CUDA_ARCH__ >= 800 // bf16 arithmetic
  __nv_bfloat16 x = a[i], y = a[i + 1];
  out[i] = __hadd(x, y) * __hmul(x, y) + __hfma(x, y, x) + __hmax(x, y);
  out2[i] = __hadd2(b[i], b[i + 1]) * __hmul2(b[i], b[i + 1]);
  f[i] = __bfloat162float(x) + __low2float(b[i]) + __bfloat162float(__float2bfloat16(f[i]));
#endif
}
