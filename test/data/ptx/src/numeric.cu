// Half precision, double precision, math, conversions.
#include <cuda_fp16.h>

__global__ void halfMath(const __half *a, const __half *b, __half *c, __half2 *h2, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    __half x = __hadd(a[i], b[i]);
    c[i] = __hmul(x, __float2half(0.5f));
    h2[i] = __hfma2(h2[i], __halves2half2(a[i], b[i]), __float2half2_rn(1.0f));
  }
}

__global__ void doubleMath(const double *a, double *b, float *f, long long *l, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double x = a[i];
  b[i] = sqrt(x) + x / 3.0 + fma(x, x, 1.0) + exp(x) + sin(x);
  f[i] = (float)x * rsqrtf((float)x + 1.0f) + __expf((float)x) + floorf((float)x);
  l[i] = (long long)x + __double2ll_rz(x) + llrint(x);
}
