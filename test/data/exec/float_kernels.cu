// Floating-point and half-precision PTX forms, one kernel per form, each
// instruction written with inline PTX so the exact form is the one tested.
// Kernel k_<form>(a, b, c, d, n): d[i] = op(a[i], b[i], c[i]) for i < n.
// test/unit/exec/FloatExecTest.cpp computes every expected value on the host.
#include <cstdint>

#define IDX int i = blockIdx.x * blockDim.x + threadIdx.x; if (i >= n) return;

// f32 / f64 binary, ternary and unary forms.
#define BIN(name, T, C, inst)                                                  \
  extern "C" __global__ void k_##name(const T *a, const T *b, T *d, int n) {   \
    IDX T r; asm volatile(inst " %0, %1, %2;" : "=" C(r) : C(a[i]), C(b[i]));  \
    d[i] = r; }
#define TER(name, T, C, inst)                                                  \
  extern "C" __global__ void k_##name(const T *a, const T *b, const T *c,     \
                                      T *d, int n) {                           \
    IDX T r; asm volatile(inst " %0, %1, %2, %3;" : "=" C(r)                   \
                          : C(a[i]), C(b[i]), C(c[i])); d[i] = r; }
#define UN(name, TD, CD, TS, CS, inst)                                         \
  extern "C" __global__ void k_##name(const TS *a, TD *d, int n) {             \
    IDX TD r; asm volatile(inst " %0, %1;" : "=" CD(r) : CS(a[i])); d[i] = r; }
// Predicate results as 0/1.
#define PRED(name, T, C, inst)                                                 \
  extern "C" __global__ void k_##name(const T *a, const T *b, int *d, int n) { \
    IDX int r; asm volatile("{ .reg .pred p; " inst " p, %1, %2; "             \
                            "selp.s32 %0, 1, 0, p; }"                          \
                            : "=r"(r) : C(a[i]), C(b[i])); d[i] = r; }
#define TESTP(name, T, C, inst)                                                \
  extern "C" __global__ void k_##name(const T *a, int *d, int n) {             \
    IDX int r; asm volatile("{ .reg .pred p; " inst " p, %1; "                 \
                            "selp.s32 %0, 1, 0, p; }" : "=r"(r) : C(a[i]));   \
    d[i] = r; }

#define F "f"
#define D "d"
#define H "h"
#define R "r"
#define L "l"

// add / sub / mul, every rounding, ftz, sat.
BIN(add_f32, float, F, "add.f32")
BIN(add_rn_f32, float, F, "add.rn.f32")
BIN(add_rz_f32, float, F, "add.rz.f32")
BIN(add_rm_f32, float, F, "add.rm.f32")
BIN(add_rp_f32, float, F, "add.rp.f32")
BIN(add_ftz_f32, float, F, "add.ftz.f32")
BIN(add_sat_f32, float, F, "add.sat.f32")
BIN(sub_f32, float, F, "sub.f32")
BIN(sub_rm_f32, float, F, "sub.rm.f32")
BIN(mul_f32, float, F, "mul.f32")
BIN(mul_rn_f32, float, F, "mul.rn.f32")
BIN(mul_rz_f32, float, F, "mul.rz.f32")
BIN(mul_rm_f32, float, F, "mul.rm.f32")
BIN(mul_rp_f32, float, F, "mul.rp.f32")
BIN(mul_ftz_f32, float, F, "mul.ftz.f32")
BIN(add_f64, double, D, "add.f64")
BIN(add_rn_f64, double, D, "add.rn.f64")
BIN(add_rz_f64, double, D, "add.rz.f64")
BIN(add_rm_f64, double, D, "add.rm.f64")
BIN(add_rp_f64, double, D, "add.rp.f64")
BIN(sub_f64, double, D, "sub.f64")
BIN(sub_rp_f64, double, D, "sub.rp.f64")
BIN(mul_f64, double, D, "mul.f64")
BIN(mul_rn_f64, double, D, "mul.rn.f64")
BIN(mul_rz_f64, double, D, "mul.rz.f64")
BIN(mul_rm_f64, double, D, "mul.rm.f64")
BIN(mul_rp_f64, double, D, "mul.rp.f64")
// div
BIN(div_rn_f32, float, F, "div.rn.f32")
BIN(div_rz_f32, float, F, "div.rz.f32")
BIN(div_rm_f32, float, F, "div.rm.f32")
BIN(div_rp_f32, float, F, "div.rp.f32")
BIN(div_rn_ftz_f32, float, F, "div.rn.ftz.f32")
BIN(div_approx_f32, float, F, "div.approx.f32")
BIN(div_full_f32, float, F, "div.full.f32")
BIN(div_rn_f64, double, D, "div.rn.f64")
BIN(div_rz_f64, double, D, "div.rz.f64")
BIN(div_rm_f64, double, D, "div.rm.f64")
BIN(div_rp_f64, double, D, "div.rp.f64")
// min / max / copysign
BIN(min_f32, float, F, "min.f32")
BIN(max_f32, float, F, "max.f32")
BIN(min_ftz_f32, float, F, "min.ftz.f32")
BIN(min_NaN_f32, float, F, "min.NaN.f32")
BIN(max_NaN_f32, float, F, "max.NaN.f32")
BIN(min_xorsign_f32, float, F, "min.xorsign.abs.f32")
BIN(min_f64, double, D, "min.f64")
BIN(max_f64, double, D, "max.f64")
BIN(copysign_f32, float, F, "copysign.f32")
BIN(copysign_f64, double, D, "copysign.f64")
// fma / mad
TER(fma_rn_f32, float, F, "fma.rn.f32")
TER(fma_rz_f32, float, F, "fma.rz.f32")
TER(fma_rm_f32, float, F, "fma.rm.f32")
TER(fma_rp_f32, float, F, "fma.rp.f32")
TER(fma_rn_ftz_f32, float, F, "fma.rn.ftz.f32")
TER(fma_rn_sat_f32, float, F, "fma.rn.sat.f32")
TER(mad_rn_f32, float, F, "mad.rn.f32")
TER(fma_rn_f64, double, D, "fma.rn.f64")
TER(fma_rz_f64, double, D, "fma.rz.f64")
TER(fma_rm_f64, double, D, "fma.rm.f64")
TER(fma_rp_f64, double, D, "fma.rp.f64")
// unary f32
UN(neg_f32, float, F, float, F, "neg.f32")
UN(abs_f32, float, F, float, F, "abs.f32")
UN(neg_ftz_f32, float, F, float, F, "neg.ftz.f32")
UN(abs_ftz_f32, float, F, float, F, "abs.ftz.f32")
UN(sqrt_rn_f32, float, F, float, F, "sqrt.rn.f32")
UN(sqrt_rz_f32, float, F, float, F, "sqrt.rz.f32")
UN(sqrt_rm_f32, float, F, float, F, "sqrt.rm.f32")
UN(sqrt_rp_f32, float, F, float, F, "sqrt.rp.f32")
UN(sqrt_rn_ftz_f32, float, F, float, F, "sqrt.rn.ftz.f32")
UN(sqrt_approx_f32, float, F, float, F, "sqrt.approx.f32")
UN(rcp_rn_f32, float, F, float, F, "rcp.rn.f32")
UN(rcp_rz_f32, float, F, float, F, "rcp.rz.f32")
UN(rcp_rm_f32, float, F, float, F, "rcp.rm.f32")
UN(rcp_rp_f32, float, F, float, F, "rcp.rp.f32")
UN(rcp_approx_f32, float, F, float, F, "rcp.approx.f32")
UN(rcp_approx_ftz_f32, float, F, float, F, "rcp.approx.ftz.f32")
UN(rsqrt_approx_f32, float, F, float, F, "rsqrt.approx.f32")
UN(sin_approx_f32, float, F, float, F, "sin.approx.f32")
UN(cos_approx_f32, float, F, float, F, "cos.approx.f32")
UN(sin_approx_ftz_f32, float, F, float, F, "sin.approx.ftz.f32")
UN(lg2_approx_f32, float, F, float, F, "lg2.approx.f32")
UN(ex2_approx_f32, float, F, float, F, "ex2.approx.f32")
UN(ex2_approx_ftz_f32, float, F, float, F, "ex2.approx.ftz.f32")
UN(tanh_approx_f32, float, F, float, F, "tanh.approx.f32")
UN(cvt_rni_f32_f32, float, F, float, F, "cvt.rni.f32.f32")
UN(cvt_rzi_f32_f32, float, F, float, F, "cvt.rzi.f32.f32")
UN(cvt_rmi_f32_f32, float, F, float, F, "cvt.rmi.f32.f32")
UN(cvt_rpi_f32_f32, float, F, float, F, "cvt.rpi.f32.f32")
UN(cvt_sat_f32_f32, float, F, float, F, "cvt.sat.f32.f32")
UN(cvt_ftz_sat_f32_f32, float, F, float, F, "cvt.ftz.sat.f32.f32")
// unary f64
UN(neg_f64, double, D, double, D, "neg.f64")
UN(abs_f64, double, D, double, D, "abs.f64")
UN(sqrt_rn_f64, double, D, double, D, "sqrt.rn.f64")
UN(sqrt_rz_f64, double, D, double, D, "sqrt.rz.f64")
UN(sqrt_rm_f64, double, D, double, D, "sqrt.rm.f64")
UN(sqrt_rp_f64, double, D, double, D, "sqrt.rp.f64")
UN(rcp_rn_f64, double, D, double, D, "rcp.rn.f64")
UN(rcp_rz_f64, double, D, double, D, "rcp.rz.f64")
UN(rcp_rm_f64, double, D, double, D, "rcp.rm.f64")
UN(rcp_rp_f64, double, D, double, D, "rcp.rp.f64")
UN(rcp_approx_ftz_f64, double, D, double, D, "rcp.approx.ftz.f64")
UN(rsqrt_approx_f64, double, D, double, D, "rsqrt.approx.f64")
UN(rsqrt_approx_ftz_f64, double, D, double, D, "rsqrt.approx.ftz.f64")
UN(cvt_rni_f64_f64, double, D, double, D, "cvt.rni.f64.f64")
// conversions between float formats
UN(cvt_f64_f32, double, D, float, F, "cvt.f64.f32")
UN(cvt_ftz_f64_f32, double, D, float, F, "cvt.ftz.f64.f32")
UN(cvt_rn_f32_f64, float, F, double, D, "cvt.rn.f32.f64")
UN(cvt_rz_f32_f64, float, F, double, D, "cvt.rz.f32.f64")
UN(cvt_rm_f32_f64, float, F, double, D, "cvt.rm.f32.f64")
UN(cvt_rp_f32_f64, float, F, double, D, "cvt.rp.f32.f64")
UN(cvt_rn_ftz_f32_f64, float, F, double, D, "cvt.rn.ftz.f32.f64")
UN(cvt_f32_f16, float, F, unsigned short, H, "cvt.f32.f16")
UN(cvt_f64_f16, double, D, unsigned short, H, "cvt.f64.f16")
UN(cvt_rn_f16_f32, unsigned short, H, float, F, "cvt.rn.f16.f32")
UN(cvt_rz_f16_f32, unsigned short, H, float, F, "cvt.rz.f16.f32")
UN(cvt_rm_f16_f32, unsigned short, H, float, F, "cvt.rm.f16.f32")
UN(cvt_rp_f16_f32, unsigned short, H, float, F, "cvt.rp.f16.f32")
UN(cvt_rn_relu_f16_f32, unsigned short, H, float, F, "cvt.rn.relu.f16.f32")
UN(cvt_rn_f16_f64, unsigned short, H, double, D, "cvt.rn.f16.f64")
UN(cvt_rz_f16_f64, unsigned short, H, double, D, "cvt.rz.f16.f64")
UN(cvt_f32_bf16, float, F, unsigned short, H, "cvt.f32.bf16")
UN(cvt_rn_bf16_f32, unsigned short, H, float, F, "cvt.rn.bf16.f32")
UN(cvt_rz_bf16_f32, unsigned short, H, float, F, "cvt.rz.bf16.f32")
UN(cvt_rm_bf16_f32, unsigned short, H, float, F, "cvt.rm.bf16.f32")
UN(cvt_rp_bf16_f32, unsigned short, H, float, F, "cvt.rp.bf16.f32")
UN(cvt_rn_relu_bf16_f32, unsigned short, H, float, F, "cvt.rn.relu.bf16.f32")
UN(cvt_rn_bf16_f64, unsigned short, H, double, D, "cvt.rn.bf16.f64")
UN(cvt_rna_tf32_f32, unsigned, R, float, F, "cvt.rna.tf32.f32")
// float <-> integer
UN(cvt_rzi_s32_f32, int, R, float, F, "cvt.rzi.s32.f32")
UN(cvt_rni_s32_f32, int, R, float, F, "cvt.rni.s32.f32")
UN(cvt_rmi_s32_f32, int, R, float, F, "cvt.rmi.s32.f32")
UN(cvt_rpi_s32_f32, int, R, float, F, "cvt.rpi.s32.f32")
UN(cvt_rzi_u32_f32, unsigned, R, float, F, "cvt.rzi.u32.f32")
UN(cvt_rni_s32_f64, int, R, double, D, "cvt.rni.s32.f64")
UN(cvt_rzi_s64_f64, long long, L, double, D, "cvt.rzi.s64.f64")
UN(cvt_rni_u64_f32, unsigned long long, L, float, F, "cvt.rni.u64.f32")
UN(cvt_rzi_s32_f16, int, R, unsigned short, H, "cvt.rzi.s32.f16")
UN(cvt_rn_f32_s32, float, F, int, R, "cvt.rn.f32.s32")
UN(cvt_rz_f32_s32, float, F, int, R, "cvt.rz.f32.s32")
UN(cvt_rm_f32_s32, float, F, int, R, "cvt.rm.f32.s32")
UN(cvt_rp_f32_s32, float, F, int, R, "cvt.rp.f32.s32")
UN(cvt_rn_f32_u32, float, F, unsigned, R, "cvt.rn.f32.u32")
UN(cvt_rz_f32_u32, float, F, unsigned, R, "cvt.rz.f32.u32")
UN(cvt_rn_f64_s32, double, D, int, R, "cvt.rn.f64.s32")
UN(cvt_rn_f64_s64, double, D, long long, L, "cvt.rn.f64.s64")
UN(cvt_rz_f64_s64, double, D, long long, L, "cvt.rz.f64.s64")
UN(cvt_rm_f64_s64, double, D, long long, L, "cvt.rm.f64.s64")
UN(cvt_rp_f64_u64, double, D, unsigned long long, L, "cvt.rp.f64.u64")
UN(cvt_rn_f32_s64, float, F, long long, L, "cvt.rn.f32.s64")
UN(cvt_rp_f32_u64, float, F, unsigned long long, L, "cvt.rp.f32.u64")
UN(cvt_rn_f16_s32, unsigned short, H, int, R, "cvt.rn.f16.s32")
UN(cvt_rn_bf16_s32, unsigned short, H, int, R, "cvt.rn.bf16.s32")
// comparisons: every CmpOp on f32 and f64, bop combining, testp
#define CMPS(T, C, suffix)                                                     \
  PRED(setp_eq_##suffix, T, C, "setp.eq." #suffix)                             \
  PRED(setp_ne_##suffix, T, C, "setp.ne." #suffix)                             \
  PRED(setp_lt_##suffix, T, C, "setp.lt." #suffix)                             \
  PRED(setp_le_##suffix, T, C, "setp.le." #suffix)                             \
  PRED(setp_gt_##suffix, T, C, "setp.gt." #suffix)                             \
  PRED(setp_ge_##suffix, T, C, "setp.ge." #suffix)                             \
  PRED(setp_equ_##suffix, T, C, "setp.equ." #suffix)                           \
  PRED(setp_neu_##suffix, T, C, "setp.neu." #suffix)                           \
  PRED(setp_ltu_##suffix, T, C, "setp.ltu." #suffix)                           \
  PRED(setp_leu_##suffix, T, C, "setp.leu." #suffix)                           \
  PRED(setp_gtu_##suffix, T, C, "setp.gtu." #suffix)                           \
  PRED(setp_geu_##suffix, T, C, "setp.geu." #suffix)                           \
  PRED(setp_num_##suffix, T, C, "setp.num." #suffix)                           \
  PRED(setp_nan_##suffix, T, C, "setp.nan." #suffix)
CMPS(float, F, f32)
CMPS(double, D, f64)
PRED(setp_lt_ftz_f32, float, F, "setp.lt.ftz.f32")
#define TESTS(T, C, suffix)                                                    \
  TESTP(testp_finite_##suffix, T, C, "testp.finite." #suffix)                  \
  TESTP(testp_infinite_##suffix, T, C, "testp.infinite." #suffix)              \
  TESTP(testp_number_##suffix, T, C, "testp.number." #suffix)                  \
  TESTP(testp_notanumber_##suffix, T, C, "testp.notanumber." #suffix)          \
  TESTP(testp_normal_##suffix, T, C, "testp.normal." #suffix)                  \
  TESTP(testp_subnormal_##suffix, T, C, "testp.subnormal." #suffix)
TESTS(float, F, f32)
TESTS(double, D, f64)

// setp with a BoolOp and both destinations: d = p | (q << 1).
extern "C" __global__ void k_setp_lt_and_f32(const float *a, const float *b,
                                            int *d, int n) {
  IDX int r;
  asm volatile("{ .reg .pred p, q, c; setp.ne.s32 c, %3, 0;"
               " setp.lt.and.f32 p|q, %1, %2, !c;"
               " selp.s32 %0, 1, 0, p; @q add.s32 %0, %0, 2; }"
               : "=r"(r) : "f"(a[i]), "f"(b[i]), "r"(i & 1));
  d[i] = r;
}
extern "C" __global__ void k_setp_gtu_xor_f64(const double *a, const double *b,
                                             int *d, int n) {
  IDX int r;
  asm volatile("{ .reg .pred p, q, c; setp.ne.s32 c, %3, 0;"
               " setp.gtu.xor.f64 p|q, %1, %2, c;"
               " selp.s32 %0, 1, 0, p; @q add.s32 %0, %0, 2; }"
               : "=r"(r) : "d"(a[i]), "d"(b[i]), "r"(i & 1));
  d[i] = r;
}
// set: integer mask, float 1.0 and BoolOp forms.
BIN(set_lt_u32_f32, unsigned, R, "set.lt.u32.f32")
BIN(set_geu_f32_f32, float, F, "set.geu.f32.f32")
// slct with an f32 and an s32 selector.
extern "C" __global__ void k_slct_f32(const float *a, const float *b, float *d,
                                     int n) {
  IDX float r;
  asm volatile("slct.f32.f32 %0, 1.0, 2.0, %1;" : "=f"(r) : "f"(a[i]));
  d[i] = r;
}
extern "C" __global__ void k_slct_ftz_f32(const float *a, const float *b,
                                         float *d, int n) {
  IDX float r;
  asm volatile("slct.ftz.f32.f32 %0, 1.0, 2.0, %1;" : "=f"(r) : "f"(a[i]));
  d[i] = r;
}

// ---- half precision: 16-bit patterns in unsigned short, x2 in unsigned ----
BIN(add_f16, unsigned short, H, "add.f16")
BIN(add_rn_f16, unsigned short, H, "add.rn.f16")
BIN(add_ftz_f16, unsigned short, H, "add.ftz.f16")
BIN(add_sat_f16, unsigned short, H, "add.sat.f16")
BIN(sub_f16, unsigned short, H, "sub.f16")
BIN(mul_f16, unsigned short, H, "mul.f16")
BIN(min_f16, unsigned short, H, "min.f16")
BIN(max_NaN_f16, unsigned short, H, "max.NaN.f16")
BIN(add_rn_bf16, unsigned short, H, "add.rn.bf16")
BIN(mul_rn_bf16, unsigned short, H, "mul.rn.bf16")
BIN(min_bf16, unsigned short, H, "min.bf16")
BIN(add_f16x2, unsigned, R, "add.f16x2")
BIN(mul_f16x2, unsigned, R, "mul.f16x2")
BIN(max_f16x2, unsigned, R, "max.f16x2")
BIN(add_rn_bf16x2, unsigned, R, "add.rn.bf16x2")
TER(fma_rn_f16, unsigned short, H, "fma.rn.f16")
TER(fma_rn_ftz_f16, unsigned short, H, "fma.rn.ftz.f16")
TER(fma_rn_sat_f16, unsigned short, H, "fma.rn.sat.f16")
TER(fma_rn_relu_f16, unsigned short, H, "fma.rn.relu.f16")
TER(fma_rn_f16x2, unsigned, R, "fma.rn.f16x2")
TER(fma_rn_bf16, unsigned short, H, "fma.rn.bf16")
TER(fma_rn_bf16x2, unsigned, R, "fma.rn.bf16x2")
UN(neg_f16, unsigned short, H, unsigned short, H, "neg.f16")
UN(abs_f16, unsigned short, H, unsigned short, H, "abs.f16")
UN(neg_bf16, unsigned short, H, unsigned short, H, "neg.bf16")
UN(abs_f16x2, unsigned, R, unsigned, R, "abs.f16x2")
UN(ex2_approx_f16, unsigned short, H, unsigned short, H, "ex2.approx.f16")
UN(ex2_approx_ftz_bf16, unsigned short, H, unsigned short, H, "ex2.approx.ftz.bf16")
UN(tanh_approx_f16, unsigned short, H, unsigned short, H, "tanh.approx.f16")
PRED(setp_lt_f16, unsigned short, H, "setp.lt.f16")
PRED(setp_geu_bf16, unsigned short, H, "setp.geu.bf16")
// f16x2 setp: d = p | (q << 1); p compares the low halves.
extern "C" __global__ void k_setp_lt_f16x2(const unsigned *a, const unsigned *b,
                                          int *d, int n) {
  IDX int r;
  asm volatile("{ .reg .pred p, q; setp.lt.f16x2 p|q, %1, %2;"
               " selp.s32 %0, 1, 0, p; @q add.s32 %0, %0, 2; }"
               : "=r"(r) : "r"(a[i]), "r"(b[i]));
  d[i] = r;
}
BIN(set_gt_f16x2_f16x2, unsigned, R, "set.gt.f16x2.f16x2")



// Packing conversions: a goes to the upper half, b to the lower.
#define PACK(name, inst)                                                       \
  extern "C" __global__ void k_##name(const float *a, const float *b,         \
                                      unsigned *d, int n) {                    \
    IDX unsigned r; asm volatile(inst " %0, %1, %2;" : "=r"(r)                 \
                                 : "f"(a[i]), "f"(b[i])); d[i] = r; }
PACK(cvt_rn_f16x2_f32, "cvt.rn.f16x2.f32")
PACK(cvt_rn_bf16x2_f32, "cvt.rn.bf16x2.f32")
PACK(cvt_rn_relu_f16x2_f32, "cvt.rn.relu.f16x2.f32")
