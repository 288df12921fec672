// PTX corpus: integer and floating-point arithmetic, explicit rounding,
// conversions, comparisons with NaN, 16-bit and 64-bit integers, carries,
// the fast approximate math functions and the math library.
#include <cuda_runtime.h>
#include <cstdint>

__global__ void integers(const int *a, const unsigned *b, const long long *c,
                         const unsigned long long *d, const short *s,
                         const unsigned short *us, int *out, long long *lout,
                         short *sout, unsigned short *usout) {
  int i = threadIdx.x;
  int x = a[i];
  unsigned y = b[i];
  long long z = c[i];
  unsigned long long w = d[i];
  out[i] = x / 7 + x % 5 + (int)(y / 3u) + (int)(y % 11u) + __mulhi(x, 77) +
           (int)__umulhi(y, 99u) + max(x, 3) + min(x, -3) + abs(x) +
           (int)max(y, 10u) + (int)min(y, 20u) + (x >> 3) + (int)(y >> 5) + (x << 2) +
           (x / (int)y) + (int)(y / (unsigned)x);
  lout[i] = z * w + (long long)(w >> 7) + (z >> 9) + max(z, 5ll) + min(z, -5ll) +
            (long long)max(w, 3ull) + (long long)min(w, 4ull) + (long long)x * y +
            (long long)__umul64hi(w, 3ull) + __mul64hi(z, 5ll) + -z + llabs(z) +
            (long long)(unsigned long long)y * (unsigned long long)y + z / 3 + (long long)(w % 13ull);
  sout[i] = (short)(s[i] * s[i + 1] + s[i] - 3);
  usout[i] = (unsigned short)(max(us[i], us[i + 1]) + min(us[i], (unsigned short)7) +
                              us[i] / (unsigned short)3 + (us[i] >> 2) + (us[i] << 1));
  out[i + 64] = (s[i] == 3) + (s[i] != 4) + (s[i] > 5) + (us[i] <= 6) + (us[i] < 7) +
                (us[i] >= 8) + (x == 1) + (z < 0) + (z > 5) + (z <= 4) + (z >= 3) + (z != 2) +
                (w < 9) + (w > 9) + (w >= 1) + (w <= 1) + (z == 7);
}

__global__ void carries(const unsigned *a, unsigned *out) {
  unsigned r0, r1, r2, r3;
  asm("add.cc.u32 %0, %2, %3;\n\taddc.cc.u32 %1, %2, %3;" : "=r"(r0), "=r"(r1) : "r"(a[0]), "r"(a[1]));
  asm("addc.u32 %0, %1, %2;" : "=r"(r2) : "r"(a[2]), "r"(a[3]));
  asm("sub.cc.u32 %0, %2, %3;\n\tsubc.cc.u32 %1, %2, %3;" : "=r"(r3), "=r"(out[10]) : "r"(a[4]), "r"(a[5]));
  asm("subc.u32 %0, %1, %2;" : "=r"(out[11]) : "r"(a[6]), "r"(a[7]));
  asm("mad.lo.cc.u32 %0, %1, %2, %3;" : "=r"(out[12]) : "r"(a[0]), "r"(a[1]), "r"(a[2]));
  asm("madc.hi.cc.u32 %0, %1, %2, %3;" : "=r"(out[13]) : "r"(a[0]), "r"(a[1]), "r"(a[2]));
  asm("madc.hi.u32 %0, %1, %2, %3;" : "=r"(out[14]) : "r"(a[0]), "r"(a[1]), "r"(a[2]));
  asm("madc.lo.cc.u32 %0, %1, %2, %3;" : "=r"(out[15]) : "r"(a[0]), "r"(a[1]), "r"(a[2]));
  unsigned long long wide = (unsigned long long)a[0] * a[1] + (unsigned long long)(unsigned short)a[2] * (unsigned short)a[3];
  out[0] = r0 + r1 + r2 + r3 + (unsigned)wide + (unsigned)(wide >> 32);
}

__global__ void floats(const float *a, const double *b, float *out, double *dout, int *iout) {
  int i = threadIdx.x;
  float x = a[i], y = a[i + 1];
  double p = b[i], q = b[i + 1];
  out[i] = x * y + x / y - fabsf(x) + fmaxf(x, y) + fminf(x, y) + copysignf(x, y) +
           __fadd_rn(x, y) + __fmul_rn(x, y) + __fmaf_rd(x, y, 1.0f) + __frcp_rn(x) +
           __fsqrt_rn(y) + __fdividef(x, y) + __expf(x) + __log2f(y) + __sinf(x) +
           __cosf(y) + rsqrtf(x) + __saturatef(y) + exp2f(x) + -y + fmaf(x, y, 2.0f) +
           __fdiv_rn(x, y) + truncf(x) + floorf(y) + ceilf(x) + rintf(y) + sqrtf(fabsf(x));
  dout[i] = p * q + p / q - fabs(p) + fmax(p, q) + fmin(p, q) + __dadd_ru(p, q) +
            __dadd_rd(p, q) + __dmul_ru(p, q) + __dmul_rd(p, q) + __ddiv_ru(p, q) +
            __ddiv_rd(p, q) + __ddiv_rn(p, q) + __dadd_rn(p, q) + __dmul_rn(p, q) + sqrt(p) + -q +
            fma(p, q, 1.0) + (double)x + (double)(long long)q + (double)i + (double)(long long)i +
            rint(p) + trunc(q);
  iout[i] = __float2int_rn(x) + __float2int_rz(y) + (int)__float2uint_rz(x) + __double2int_rn(p) +
            (int)x + (int)(unsigned)y + (isnan(p) ? 1 : 0) + (p < q) + (p > q) + (p <= q) +
            (p >= q) + (p == q) + (p != q) + !(p < q) + !(p > q) + !(p <= q) + !(p >= q) +
            (x < y) + (x > y) + (x <= y) + (x >= y) + (x == y) + (x != y) + !(x < y) +
            !(x > y) + !(x <= y) + !(x >= y) + (isnan(x) ? 2 : 0) + (float)(unsigned)i +
            (float)i + (float)p;
}

__global__ void library(const float *a, const double *b, float *out, double *dout) {
  int i = threadIdx.x;
  out[i] = expf(a[i]) + logf(a[i]) + sinf(a[i]) + cosf(a[i]) + tanhf(a[i]) + powf(a[i], 2.5f) +
           erff(a[i]) + atan2f(a[i], 2.0f) + log1pf(a[i]) + cbrtf(a[i]) + hypotf(a[i], 3.0f) +
           roundf(a[i]) + fmodf(a[i], 3.0f) + lgammaf(a[i]) + exp10f(a[i]) + sinpif(a[i]);
  dout[i] = exp(b[i]) + log(b[i]) + sin(b[i]) + cos(b[i]) + tanh(b[i]) + pow(b[i], 1.5) +
            erf(b[i]) + atan2(b[i], 2.0) + log1p(b[i]) + cbrt(b[i]) + hypot(b[i], 2.0) +
            round(b[i]) + fmod(b[i], 3.0) + rsqrt(b[i]) + exp2(b[i]) + log2(b[i]) + sinpi(b[i]);
}

__global__ void conversions(const double *d, const float *f, const unsigned long long *u64,
                            const long long *s64, const unsigned short *u16, const signed char *s8,
                            float *fo, double *dout, unsigned *uo, unsigned short *u16o) {
  int i = threadIdx.x;
  fo[i] = (float)d[i] + (float)u64[i] + (float)s64[i] + (float)u16[i] + (float)s8[i];
  dout[i] = (double)f[i] + (double)u64[i] + (double)s64[i] + (double)(unsigned)u16[i];
  uo[i] = (unsigned)u64[i] + (unsigned)u16[i] + (unsigned)(int)s8[i] + (unsigned)f[i] +
          (unsigned)d[i] + (unsigned)(unsigned long long)f[i] + (unsigned)(long long)d[i];
  u16o[i] = (unsigned short)u64[i] + (unsigned short)f[i];
}
