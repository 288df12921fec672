// Kernels for the integer and bit execution tests
// (test/unit/exec/IntegerExecTest.cpp). Every thread takes one pair of
// operands from memory (so nvcc cannot fold anything) and writes one result
// per instruction form to out[form * n + thread]; inline PTX pins the exact
// form. Carry chains sit in one asm block each, so nothing can come between
// the instruction that writes CC.CF and the one that reads it.
// Regenerate: see README.md in this directory.
#include <cstdint>

#define R1(op, k, a) asm(op " %0, %1;" : "=r"(o[(k) * n + i]) : "r"(a))
#define R2(op, k, a, b) asm(op " %0, %1, %2;" : "=r"(o[(k) * n + i]) : "r"(a), "r"(b))
#define R3(op, k, a, b, c)                                                     \
  asm(op " %0, %1, %2, %3;" : "=r"(o[(k) * n + i]) : "r"(a), "r"(b), "r"(c))
#define LOP3(lut, k)                                                           \
  asm("lop3.b32 %0, %1, %2, %3, " #lut ";" : "=r"(o[(k) * n + i]) : "r"(a), "r"(b), "r"(c))

// 32-bit forms: o[form * n + i] (u32), wide results in w[form * n + i].
extern "C" __global__ void ops32(const uint32_t *as, const uint32_t *bs, uint32_t *o,
                                 uint64_t *w, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  uint32_t a = as[i], b = bs[i], c = a ^ 0x5bd1e995u;
  R2("add.s32", 0, a, b);
  R2("sub.s32", 1, a, b);
  R2("mul.lo.s32", 2, a, b);
  R2("mul.lo.u32", 3, a, b);
  R2("mul.hi.s32", 4, a, b);
  R2("mul.hi.u32", 5, a, b);
  R2("div.u32", 6, a, b);
  R2("div.s32", 7, a, b);
  R2("rem.u32", 8, a, b);
  R2("rem.s32", 9, a, b);
  R2("min.s32", 10, a, b);
  R2("min.u32", 11, a, b);
  R2("max.s32", 12, a, b);
  R2("max.u32", 13, a, b);
  R2("and.b32", 14, a, b);
  R2("or.b32", 15, a, b);
  R2("xor.b32", 16, a, b);
  R2("shl.b32", 17, a, b);
  R2("shr.u32", 18, a, b);
  R2("shr.s32", 19, a, b);
  R2("shr.b32", 20, a, b);
  R1("abs.s32", 21, a);
  R1("neg.s32", 22, a);
  R1("not.b32", 23, a);
  R1("popc.b32", 24, a);
  R1("clz.b32", 25, a);
  R1("brev.b32", 26, a);
  R1("bfind.u32", 27, a);
  R1("bfind.shiftamt.u32", 28, a);
  R1("bfind.s32", 29, a);
  R1("bfind.shiftamt.s32", 30, a);
  R3("mad.lo.s32", 31, a, b, c);
  R2("bmsk.clamp.b32", 32, a, b);
  R2("bmsk.wrap.b32", 33, a, b);
  asm("bfi.b32 %0, %1, %2, %3, %4;" : "=r"(o[34 * n + i]) : "r"(a), "r"(c), "r"(b), "r"(b >> 8));
  R2("szext.clamp.s32", 35, a, b);
  R2("szext.wrap.s32", 36, a, b);
  R2("szext.clamp.u32", 37, a, b);
  R2("szext.wrap.u32", 38, a, b);
  R3("shf.l.wrap.b32", 39, a, c, b);
  R3("shf.l.clamp.b32", 40, a, c, b);
  R3("shf.r.wrap.b32", 41, a, c, b);
  R3("shf.r.clamp.b32", 42, a, c, b);
  R3("prmt.b32", 43, a, c, b);
  R3("prmt.b32.f4e", 44, a, c, b);
  R3("prmt.b32.b4e", 45, a, c, b);
  R3("prmt.b32.rc8", 46, a, c, b);
  R3("prmt.b32.ecl", 47, a, c, b);
  R3("prmt.b32.ecr", 48, a, c, b);
  R3("prmt.b32.rc16", 49, a, c, b);
  LOP3(0x96, 50);
  LOP3(0xE8, 51);
  LOP3(0x1A, 52);
  LOP3(0xCA, 53);
  LOP3(0x00, 54);
  LOP3(0xFF, 55);
  R3("dp4a.u32.u32", 56, a, b, c);
  R3("dp4a.s32.s32", 57, a, b, c);
  R3("dp4a.u32.s32", 58, a, b, c);
  R3("dp4a.s32.u32", 59, a, b, c);
  R3("dp2a.lo.u32.u32", 60, a, b, c);
  R3("dp2a.hi.s32.s32", 61, a, b, c);
  R3("dp2a.lo.s32.u32", 62, a, b, c);
  R3("dp2a.hi.u32.s32", 63, a, b, c);
  R2("mul24.lo.u32", 64, a, b);
  R2("mul24.hi.u32", 65, a, b);
  R2("mul24.lo.s32", 66, a, b);
  R2("mul24.hi.s32", 67, a, b);
  R3("mad24.lo.s32", 68, a, b, c);
  R3("mad24.hi.u32", 69, a, b, c);
  R3("mad24.hi.sat.s32", 70, a, b, c);
  R3("sad.u32", 71, a, b, c);
  R3("sad.s32", 72, a, b, c);
  R3("fns.b32", 73, a, b & 31u, int32_t(b) >> 27);
  R3("mad.hi.sat.s32", 74, a, b, c);
  R2("min.relu.s32", 75, a, b);
  R2("max.relu.s32", 76, a, b);
  R2("min.u16x2", 77, a, b);
  R2("max.s16x2", 78, a, b);
  R2("min.relu.s16x2", 79, a, b);
  R1("cnot.b32", 80, a);
  R3("mad.hi.u32", 81, a, b, c);
  R2("add.sat.s32", 82, a, b);
  R2("sub.sat.s32", 83, a, b);
  asm("mul.wide.u32 %0, %1, %2;" : "=l"(w[0 * n + i]) : "r"(a), "r"(b));
  asm("mul.wide.s32 %0, %1, %2;" : "=l"(w[1 * n + i]) : "r"(a), "r"(b));
  asm("mad.wide.u32 %0, %1, %2, %3;" : "=l"(w[2 * n + i]) : "r"(a), "r"(b), "l"(uint64_t(c) << 32 | b));
  asm("mad.wide.s32 %0, %1, %2, %3;" : "=l"(w[3 * n + i]) : "r"(a), "r"(b), "l"(uint64_t(c) << 32 | b));
  // Predicate logic on p = a != 0 and q = b != 0, packed as bits.
  uint32_t bits;
  asm("{ .reg .pred p, q, r;\n"
      "  .reg .b32 t;\n"
      "  setp.ne.u32 p, %1, 0;\n"
      "  setp.ne.u32 q, %2, 0;\n"
      "  and.pred r, p, q;  selp.b32 %0, 1, 0, r;\n"
      "  or.pred r, p, q;   selp.b32 t, 2, 0, r;  or.b32 %0, %0, t;\n"
      "  xor.pred r, p, q;  selp.b32 t, 4, 0, r;  or.b32 %0, %0, t;\n"
      "  not.pred r, p;     selp.b32 t, 8, 0, r;  or.b32 %0, %0, t;\n"
      "  not.pred r, q;     and.pred r, p, r;  selp.b32 t, 16, 0, r; or.b32 %0, %0, t;\n"
      "}"
      : "=r"(bits) : "r"(a), "r"(b));
  o[84 * n + i] = bits;
}
#undef R1
#undef R2
#undef R3
#undef LOP3

#define L1(op, k, a) asm(op " %0, %1;" : "=l"(o[(k) * n + i]) : "l"(a))
#define L2(op, k, a, b) asm(op " %0, %1, %2;" : "=l"(o[(k) * n + i]) : "l"(a), "l"(b))
#define L3(op, k, a, b, c)                                                     \
  asm(op " %0, %1, %2, %3;" : "=l"(o[(k) * n + i]) : "l"(a), "l"(b), "l"(c))
#define LR(op, k, a) asm(op " %0, %1;" : "=r"(r[(k) * n + i]) : "l"(a))

// 64-bit forms: o[form * n + i]; u32 results (clz, popc, bfind) in r.
extern "C" __global__ void ops64(const uint64_t *as, const uint64_t *bs, uint64_t *o,
                                 uint32_t *r, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  uint64_t a = as[i], b = bs[i], c = a ^ 0x9E3779B97F4A7C15ull;
  uint32_t amount = uint32_t(b);
  L2("add.s64", 0, a, b);
  L2("add.u64", 1, a, b);
  L2("sub.s64", 2, a, b);
  L2("mul.lo.s64", 3, a, b);
  L2("mul.hi.s64", 4, a, b);
  L2("mul.hi.u64", 5, a, b);
  L2("div.s64", 6, a, b);
  L2("div.u64", 7, a, b);
  L2("rem.s64", 8, a, b);
  L2("rem.u64", 9, a, b);
  L2("min.s64", 10, a, b);
  L2("min.u64", 11, a, b);
  L2("max.s64", 12, a, b);
  L2("max.u64", 13, a, b);
  L2("and.b64", 14, a, b);
  L2("or.b64", 15, a, b);
  L2("xor.b64", 16, a, b);
  L1("not.b64", 17, a);
  L1("neg.s64", 18, a);
  L1("abs.s64", 19, a);
  asm("shl.b64 %0, %1, %2;" : "=l"(o[20 * n + i]) : "l"(a), "r"(amount));
  asm("shr.u64 %0, %1, %2;" : "=l"(o[21 * n + i]) : "l"(a), "r"(amount));
  asm("shr.s64 %0, %1, %2;" : "=l"(o[22 * n + i]) : "l"(a), "r"(amount));
  L1("brev.b64", 23, a);
  asm("bfi.b64 %0, %1, %2, %3, %4;" : "=l"(o[24 * n + i]) : "l"(a), "l"(c), "r"(amount), "r"(amount >> 8));
  L3("sad.u64", 25, a, b, c);
  L3("sad.s64", 26, a, b, c);
  L3("mad.lo.s64", 27, a, b, c);
  L3("mad.hi.s64", 28, a, b, c);
  LR("clz.b64", 0, a);
  LR("popc.b64", 1, a);
  LR("bfind.u64", 2, a);
  LR("bfind.s64", 3, a);
  LR("bfind.shiftamt.s64", 4, a);
  LR("bfind.shiftamt.u64", 5, a);
}
#undef L1
#undef L2
#undef L3
#undef LR

#define H1(op, k, a) asm(op " %0, %1;" : "=h"(o[(k) * n + i]) : "h"(a))
#define H2(op, k, a, b) asm(op " %0, %1, %2;" : "=h"(o[(k) * n + i]) : "h"(a), "h"(b))
#define H3(op, k, a, b, c)                                                     \
  asm(op " %0, %1, %2, %3;" : "=h"(o[(k) * n + i]) : "h"(a), "h"(b), "h"(c))

// 16-bit forms: o[form * n + i]; widening multiplies in w.
extern "C" __global__ void ops16(const uint16_t *as, const uint16_t *bs, uint16_t *o,
                                 uint32_t *w, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  uint16_t a = as[i], b = bs[i], c = a ^ 0x9E37u;
  uint32_t amount = b;
  H2("add.s16", 0, a, b);
  H2("sub.s16", 1, a, b);
  H2("mul.lo.s16", 2, a, b);
  H2("mul.hi.s16", 3, a, b);
  H2("mul.hi.u16", 4, a, b);
  H2("div.u16", 5, a, b);
  H2("div.s16", 6, a, b);
  H2("rem.u16", 7, a, b);
  H2("rem.s16", 8, a, b);
  H2("min.u16", 9, a, b);
  H2("min.s16", 10, a, b);
  H2("max.u16", 11, a, b);
  H2("max.s16", 12, a, b);
  H2("and.b16", 13, a, b);
  H2("or.b16", 14, a, b);
  H2("xor.b16", 15, a, b);
  H1("not.b16", 16, a);
  H1("neg.s16", 17, a);
  H1("abs.s16", 18, a);
  asm("shl.b16 %0, %1, %2;" : "=h"(o[19 * n + i]) : "h"(a), "r"(amount));
  asm("shr.u16 %0, %1, %2;" : "=h"(o[20 * n + i]) : "h"(a), "r"(amount));
  asm("shr.s16 %0, %1, %2;" : "=h"(o[21 * n + i]) : "h"(a), "r"(amount));
  H3("sad.u16", 22, a, b, c);
  H3("sad.s16", 23, a, b, c);
  H3("mad.lo.s16", 24, a, b, c);
  asm("mul.wide.u16 %0, %1, %2;" : "=r"(w[0 * n + i]) : "h"(a), "h"(b));
  asm("mul.wide.s16 %0, %1, %2;" : "=r"(w[1 * n + i]) : "h"(a), "h"(b));
}
#undef H1
#undef H2
#undef H3

// Carry chains on 128-bit numbers x, y (four u32 words each, least
// significant first); out gets 30 words per thread.
extern "C" __global__ void carry128(const uint32_t *x, const uint32_t *y, uint32_t *out,
                                    int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  const uint32_t *a = x + 4 * i, *b = y + 4 * i;
  uint32_t *d = out + 30 * i;
  // x + y with the carry out of the top word.
  asm("add.cc.u32 %0, %5, %9;\n\t"
      "addc.cc.u32 %1, %6, %10;\n\t"
      "addc.cc.u32 %2, %7, %11;\n\t"
      "addc.cc.u32 %3, %8, %12;\n\t"
      "addc.u32 %4, 0, 0;"
      : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3]), "=r"(d[4])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]),
        "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]));
  // x - y with the borrow out of the top word (subc 0 - (0 + borrow)).
  asm("sub.cc.u32 %0, %5, %9;\n\t"
      "subc.cc.u32 %1, %6, %10;\n\t"
      "subc.cc.u32 %2, %7, %11;\n\t"
      "subc.cc.u32 %3, %8, %12;\n\t"
      "subc.u32 %4, 0, 0;"
      : "=r"(d[5]), "=r"(d[6]), "=r"(d[7]), "=r"(d[8]), "=r"(d[9])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]),
        "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]));
  // [x1,x0] * [y1,y0] -> 128 bits: the PTX ISA's madc example.
  asm("mul.lo.u32 %0, %4, %6;\n\t"
      "mul.hi.u32 %1, %4, %6;\n\t"
      "mad.lo.cc.u32 %1, %5, %6, %1;\n\t"
      "madc.hi.u32 %2, %5, %6, 0;\n\t"
      "mad.lo.cc.u32 %1, %4, %7, %1;\n\t"
      "madc.hi.cc.u32 %2, %4, %7, %2;\n\t"
      "addc.u32 %3, 0, 0;\n\t"
      "mad.lo.cc.u32 %2, %5, %7, %2;\n\t"
      "madc.hi.u32 %3, %5, %7, %3;"
      : "=r"(d[10]), "=r"(d[11]), "=r"(d[12]), "=r"(d[13])
      : "r"(a[0]), "r"(a[1]), "r"(b[0]), "r"(b[1]));
  // y(128) += [x2,x1,x0] * x3 (mod 2^128): lo and hi rows of a
  // multiply-accumulate, madc.lo.cc and mad.hi.cc included.
  asm("mov.b32 %0, %8;\n\t"
      "mov.b32 %1, %9;\n\t"
      "mov.b32 %2, %10;\n\t"
      "mov.b32 %3, %11;\n\t"
      "mad.lo.cc.u32 %0, %4, %7, %0;\n\t"
      "madc.lo.cc.u32 %1, %5, %7, %1;\n\t"
      "madc.lo.cc.u32 %2, %6, %7, %2;\n\t"
      "addc.u32 %3, %3, 0;\n\t"
      "mad.hi.cc.u32 %1, %4, %7, %1;\n\t"
      "madc.hi.cc.u32 %2, %5, %7, %2;\n\t"
      "madc.hi.u32 %3, %6, %7, %3;"
      : "=&r"(d[14]), "=&r"(d[15]), "=&r"(d[16]), "=&r"(d[17])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]),
        "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]));
  // Signed forms: (hi:lo) = x0 * x1 + (y1:y0) with s32 products; and
  // add.cc.s32 / addc.cc.s32 / addc.s32 / subc.s32 on the low words.
  asm("mad.lo.cc.s32 %0, %2, %3, %4;\n\t"
      "madc.hi.s32 %1, %2, %3, %5;"
      : "=r"(d[18]), "=r"(d[19])
      : "r"(a[0]), "r"(a[1]), "r"(b[0]), "r"(b[1]));
  asm("add.cc.s32 %0, %3, %4;\n\t"
      "addc.cc.s32 %1, %3, %5;\n\t"
      "addc.s32 %2, 0, 0;"
      : "=r"(d[20]), "=r"(d[21]), "=r"(d[22])
      : "r"(a[0]), "r"(b[0]), "r"(b[1]));
  asm("sub.cc.s32 %0, %3, %4;\n\t"
      "subc.cc.s32 %1, %3, %5;\n\t"
      "subc.s32 %2, 0, 0;"
      : "=r"(d[23]), "=r"(d[24]), "=r"(d[25])
      : "r"(a[0]), "r"(b[0]), "r"(b[1]));
  // Carry that a guarded-off instruction must not change: the second add
  // runs only when a[0] is odd.
  asm("{ .reg .pred p;\n\t"
      "  .reg .b32 t;\n\t"
      "  and.b32 t, %2, 1;\n\t"
      "  setp.ne.u32 p, t, 0;\n\t"
      "  add.cc.u32 %0, %2, %3;\n\t"
      "  @p add.cc.u32 t, %4, %5;\n\t"
      "  addc.u32 %1, 0, 0;\n\t"
      "}"
      : "=r"(d[26]), "=r"(d[27])
      : "r"(a[0]), "r"(b[0]), "r"(a[1]), "r"(b[1]));
  // sub.cc then addc: the flag holds the borrow.
  asm("sub.cc.u32 %0, %2, %3;\n\t"
      "addc.u32 %1, 0, 0;"
      : "=r"(d[28]), "=r"(d[29])
      : "r"(a[2]), "r"(b[2]));
}

// 64-bit carry chains: 128-bit add and sub as two u64 words, and
// (hi:lo) = x0 * y0 + (x1:y1) with u64 and s64 products.
extern "C" __global__ void carry64(const uint64_t *x, const uint64_t *y, uint64_t *out,
                                   int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  uint64_t a0 = x[2 * i], a1 = x[2 * i + 1], b0 = y[2 * i], b1 = y[2 * i + 1];
  uint64_t *d = out + 10 * i;
  asm("add.cc.u64 %0, %3, %5;\n\t"
      "addc.cc.u64 %1, %4, %6;\n\t"
      "addc.u64 %2, 0, 0;"
      : "=l"(d[0]), "=l"(d[1]), "=l"(d[2]) : "l"(a0), "l"(a1), "l"(b0), "l"(b1));
  asm("sub.cc.u64 %0, %3, %5;\n\t"
      "subc.cc.s64 %1, %4, %6;\n\t"
      "subc.u64 %2, 0, 0;"
      : "=l"(d[3]), "=l"(d[4]), "=l"(d[5]) : "l"(a0), "l"(a1), "l"(b0), "l"(b1));
  asm("mad.lo.cc.u64 %0, %2, %3, %4;\n\t"
      "madc.hi.u64 %1, %2, %3, %5;"
      : "=l"(d[6]), "=l"(d[7]) : "l"(a0), "l"(b0), "l"(a1), "l"(b1));
  asm("mad.lo.cc.s64 %0, %2, %3, %4;\n\t"
      "madc.hi.s64 %1, %2, %3, %5;"
      : "=l"(d[8]), "=l"(d[9]) : "l"(a0), "l"(b0), "l"(a1), "l"(b1));
}
