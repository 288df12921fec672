//===- IntegerExecTest.cpp - Integer and bit instructions executed --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for the integer and bit family: nvcc-generated PTX
// (test/data/exec/integer_kernels.ptx, source beside it) runs on the
// backend; every thread evaluates every form on one operand pair, and each
// result is compared with the PTX ISA's definition of the form, written
// here as plain host code (loops over bits where the ISA gives a loop, no
// C++ undefined behaviour). The operand pairs are the cross product of the
// edge values that trip translators (0, +-1, INT_MIN, INT_MAX, shift
// amounts around the width, 24-bit boundaries, sign bits of every byte)
// plus random pairs. Carry chains are checked against 128-bit host
// arithmetic.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

using u128 = unsigned __int128;
using s128 = __int128;

class IntegerExec : public cuport::test::PtxModuleTest<IntegerExec> {
public:
  static constexpr const char *kPtxFile = "exec/integer_kernels.ptx";
};

/// Compares form `form` of every thread with `expected(thread)`; reports
/// the first few mismatches with their operands.
template <typename T, typename Operand>
void checkForm(const char *name, const std::vector<T> &out, size_t form,
               const std::vector<Operand> &as, const std::vector<Operand> &bs,
               const std::function<T(size_t)> &expected) {
  size_t n = as.size(), failures = 0;
  for (size_t i = 0; i < n; ++i) {
    T want = expected(i), got = out[form * n + i];
    if (got == want)
      continue;
    if (++failures <= 3)
      ADD_FAILURE() << name << " a=0x" << std::hex << uint64_t(as[i]) << " b=0x"
                    << uint64_t(bs[i]) << ": got 0x" << uint64_t(got)
                    << ", PTX defines 0x" << uint64_t(want);
  }
  if (failures > 3)
    ADD_FAILURE() << name << ": " << failures << " mismatches in all";
}

/// Every pair of edge values, then random pairs.
template <typename T>
void operandPairs(const std::vector<T> &edges, size_t randomCount,
                  std::vector<T> &as, std::vector<T> &bs) {
  for (T a : edges)
    for (T b : edges) {
      as.push_back(a);
      bs.push_back(b);
    }
  std::mt19937_64 random(0xC0FFEE);
  for (size_t k = 0; k < randomCount; ++k) {
    uint64_t r = random();
    // Small second operands often, so shifts and positions stay in range.
    as.push_back(T(random()));
    bs.push_back(k % 3 == 0 ? T(r % 80) : T(r));
  }
}

//===----------------------------------------------------------------------===//
// Host definitions from the PTX ISA
//===----------------------------------------------------------------------===//

int32_t s32(uint32_t v) { return int32_t(v); }
uint32_t brev32(uint32_t v) {
  uint32_t r = 0;
  for (int k = 0; k < 32; ++k)
    r |= ((v >> k) & 1u) << (31 - k);
  return r;
}
uint64_t brev64(uint64_t v) {
  uint64_t r = 0;
  for (int k = 0; k < 64; ++k)
    r |= ((v >> k) & 1ull) << (63 - k);
  return r;
}

/// bfind as the ISA's loop.
uint32_t bfind(uint64_t a, unsigned bits, bool sign, bool shiftamt) {
  unsigned msb = bits - 1;
  if (sign && ((a >> msb) & 1))
    a = ~a;
  uint32_t d = 0xFFFFFFFFu;
  for (int k = int(msb); k >= 0; --k)
    if ((a >> k) & 1) {
      d = uint32_t(k);
      break;
    }
  if (shiftamt && d != 0xFFFFFFFFu)
    d = msb - d;
  return d;
}

/// bfi as the ISA's loop: insert `len` bits of `a` into `b` at `pos`.
uint64_t bfi(uint64_t a, uint64_t b, uint32_t c, uint32_t d, unsigned bits) {
  unsigned pos = c & 0xff, len = d & 0xff;
  uint64_t f = b;
  for (unsigned k = 0; k < len && pos + k <= bits - 1; ++k)
    f = (f & ~(1ull << (pos + k))) | (((a >> k) & 1ull) << (pos + k));
  return f;
}

uint32_t bmsk(uint32_t a, uint32_t b, bool clamp) {
  uint32_t a1 = a & 0x1f, b1 = b & 0x1f, sum = a1 + b1;
  uint32_t mask0 = ~0u << a1;
  uint32_t mask1 = sum >= 32 ? 0 : ~0u << sum;
  bool overflow = sum >= 32, positionOverflow = false, widthOverflow = false;
  if (clamp) {
    if (a >= 32) {
      positionOverflow = true;
      mask0 = 0;
    }
    widthOverflow = b >= 32;
  }
  if (overflow || positionOverflow || widthOverflow)
    mask1 = 0;
  else if (b1 == 0)
    mask1 = ~0u;
  return mask0 & ~mask1;
}

uint32_t szext(uint32_t a, uint32_t b, bool clamp, bool sign) {
  uint32_t b1 = b & 0x1f;
  bool tooLarge = b >= 32 && clamp;
  uint32_t mask = tooLarge ? 0 : ~0u << b1;
  uint32_t signPos = (b1 - 1) & 0x1f;
  bool signBit = !(b1 == 0 || tooLarge || !sign) && ((a >> signPos) & 1);
  return (a & ~mask) | (signBit ? mask : 0);
}

uint32_t shf(uint32_t lo, uint32_t hi, uint32_t c, bool left, bool clamp) {
  uint32_t n = clamp ? std::min(c, 32u) : c & 0x1f;
  uint64_t value = uint64_t(hi) << 32 | lo;
  return left ? uint32_t((value << n) >> 32) : uint32_t(value >> n);
}

/// prmt: the ISA's table of source bytes per mode, selector and byte
/// (columns d.b0 .. d.b3).
uint32_t prmt(uint32_t a, uint32_t b, uint32_t c, int mode) {
  static const uint8_t table[6][4][4] = {
      {{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 6}}, // f4e
      {{0, 7, 6, 5}, {1, 0, 7, 6}, {2, 1, 0, 7}, {3, 2, 1, 0}}, // b4e
      {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}, // rc8
      {{0, 1, 2, 3}, {1, 1, 2, 3}, {2, 2, 2, 3}, {3, 3, 3, 3}}, // ecl
      {{0, 0, 0, 0}, {0, 1, 1, 1}, {0, 1, 2, 2}, {0, 1, 2, 3}}, // ecr
      {{0, 1, 0, 1}, {2, 3, 2, 3}, {0, 1, 0, 1}, {2, 3, 2, 3}}, // rc16
  };
  uint64_t source = uint64_t(b) << 32 | a;
  uint32_t d = 0;
  for (unsigned k = 0; k < 4; ++k) {
    uint32_t byte;
    if (mode < 0) {
      uint32_t control = (c >> (4 * k)) & 0xf;
      byte = uint32_t(source >> (8 * (control & 7))) & 0xff;
      if (control & 8)
        byte = (byte & 0x80) ? 0xff : 0;
    } else {
      byte = uint32_t(source >> (8 * table[mode][c & 3][k])) & 0xff;
    }
    d |= byte << (8 * k);
  }
  return d;
}

uint32_t lop3(uint32_t a, uint32_t b, uint32_t c, uint32_t lut) {
  uint32_t d = 0;
  for (int k = 0; k < 32; ++k) {
    unsigned index = ((a >> k) & 1) << 2 | ((b >> k) & 1) << 1 | ((c >> k) & 1);
    d |= ((lut >> index) & 1u) << k;
  }
  return d;
}

int64_t extend(uint32_t v, unsigned bits, bool sign) {
  uint64_t mask = (1ull << bits) - 1, field = v & mask;
  if (sign && (field >> (bits - 1)))
    return int64_t(field) - int64_t(1ull << bits);
  return int64_t(field);
}

uint32_t dp4a(uint32_t a, uint32_t b, uint32_t c, bool sa, bool sb) {
  int64_t d = (sa || sb) ? int64_t(s32(c)) : int64_t(c);
  for (int k = 0; k < 4; ++k)
    d += extend(a >> (8 * k), 8, sa) * extend(b >> (8 * k), 8, sb);
  return uint32_t(uint64_t(d));
}

uint32_t dp2a(uint32_t a, uint32_t b, uint32_t c, bool sa, bool sb, bool hi) {
  int64_t d = (sa || sb) ? int64_t(s32(c)) : int64_t(c);
  unsigned first = hi ? 2 : 0;
  for (int k = 0; k < 2; ++k)
    d += extend(a >> (16 * k), 16, sa) * extend(b >> (8 * (first + k)), 8, sb);
  return uint32_t(uint64_t(d));
}

int64_t product24(uint32_t a, uint32_t b, bool sign) {
  return extend(a, 24, sign) * extend(b, 24, sign);
}

uint32_t saturate32(int64_t v) {
  return uint32_t(int32_t(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)));
}

uint32_t fns(uint32_t mask, uint32_t base, int32_t offset) {
  uint32_t d = 0xFFFFFFFFu;
  if (offset == 0) {
    if ((mask >> base) & 1)
      d = base;
    return d;
  }
  int pos = int(base);
  int64_t count = (offset < 0 ? -int64_t(offset) : int64_t(offset)) - 1;
  int inc = offset > 0 ? 1 : -1;
  while (pos >= 0 && pos < 32) {
    if ((mask >> pos) & 1) {
      if (count == 0)
        return uint32_t(pos);
      --count;
    }
    pos += inc;
  }
  return d;
}

template <typename S, typename U> U sdiv(U a, U b) {
  S x = S(a), y = S(b);
  if (y == 0)
    return U(~U(0));
  if (y == S(-1))
    return U(U(0) - a);
  return U(x / y);
}
template <typename S, typename U> U srem(U a, U b) {
  S x = S(a), y = S(b);
  if (y == 0)
    return a;
  if (y == S(-1))
    return 0;
  return U(x % y);
}
template <typename U> U udiv(U a, U b) { return b == 0 ? U(~U(0)) : U(a / b); }
template <typename U> U urem(U a, U b) { return b == 0 ? a : U(a % b); }

uint32_t halves(uint32_t a, uint32_t b,
                const std::function<int32_t(int32_t, int32_t)> &f, bool sign) {
  uint32_t d = 0;
  for (int k = 0; k < 2; ++k) {
    int32_t x = int32_t(extend(a >> (16 * k), 16, sign));
    int32_t y = int32_t(extend(b >> (16 * k), 16, sign));
    d |= (uint32_t(f(x, y)) & 0xffff) << (16 * k);
  }
  return d;
}

//===----------------------------------------------------------------------===//
// 32-bit forms
//===----------------------------------------------------------------------===//

TEST_F(IntegerExec, ThirtyTwoBitForms) {
  std::vector<uint32_t> as, bs;
  operandPairs<uint32_t>(
      {0,          1,          2,          7,          16,         24,
       31,         32,         33,         63,         64,         0x7F,
       0x80,       0xFF,       0x1234,     0x8000,     0xFFFF,     0x7FFFFF,
       0x800000,   0xFFFFFF,   0x12345678, 0x7FFFFFFF, 0x80000000, 0x80000001,
       0xDEADBEEF, 0xAAAAAAAA, 0xFFFFFFFE, 0xFFFFFFFF},
      1500, as, bs);
  const size_t n = as.size(), forms = 85, wideForms = 4;
  uint32_t *da = harness->upload(as), *db = harness->upload(bs);
  uint32_t *dout =
      harness->upload(std::vector<uint32_t>(forms * n, 0x5A5A5A5A));
  uint64_t *dwide =
      harness->upload(std::vector<uint64_t>(wideForms * n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("ops32"), {uint32_t((n + 127) / 128)}, {128},
                            da, db, dout, dwide, int(n)),
            Status::Success);
  std::vector<uint32_t> out = harness->download(dout, forms * n);
  std::vector<uint64_t> wide = harness->download(dwide, wideForms * n);

  auto A = [&](size_t i) { return as[i]; };
  auto B = [&](size_t i) { return bs[i]; };
  auto C = [&](size_t i) { return as[i] ^ 0x5bd1e995u; };
  auto check = [&](const char *name, size_t form,
                   std::function<uint32_t(size_t)> f) {
    checkForm<uint32_t, uint32_t>(name, out, form, as, bs, f);
  };
  auto smul = [&](size_t i) { return int64_t(s32(A(i))) * int64_t(s32(B(i))); };
  auto umul = [&](size_t i) { return uint64_t(A(i)) * uint64_t(B(i)); };

  check("add.s32", 0, [&](size_t i) { return A(i) + B(i); });
  check("sub.s32", 1, [&](size_t i) { return A(i) - B(i); });
  check("mul.lo.s32", 2, [&](size_t i) { return uint32_t(uint64_t(smul(i))); });
  check("mul.lo.u32", 3, [&](size_t i) { return uint32_t(umul(i)); });
  check("mul.hi.s32", 4,
        [&](size_t i) { return uint32_t(uint64_t(smul(i)) >> 32); });
  check("mul.hi.u32", 5, [&](size_t i) { return uint32_t(umul(i) >> 32); });
  check("div.u32", 6, [&](size_t i) { return udiv(A(i), B(i)); });
  check("div.s32", 7, [&](size_t i) { return sdiv<int32_t>(A(i), B(i)); });
  check("rem.u32", 8, [&](size_t i) { return urem(A(i), B(i)); });
  check("rem.s32", 9, [&](size_t i) { return srem<int32_t>(A(i), B(i)); });
  check("min.s32", 10,
        [&](size_t i) { return uint32_t(std::min(s32(A(i)), s32(B(i)))); });
  check("min.u32", 11, [&](size_t i) { return std::min(A(i), B(i)); });
  check("max.s32", 12,
        [&](size_t i) { return uint32_t(std::max(s32(A(i)), s32(B(i)))); });
  check("max.u32", 13, [&](size_t i) { return std::max(A(i), B(i)); });
  check("and.b32", 14, [&](size_t i) { return A(i) & B(i); });
  check("or.b32", 15, [&](size_t i) { return A(i) | B(i); });
  check("xor.b32", 16, [&](size_t i) { return A(i) ^ B(i); });
  check("shl.b32", 17,
        [&](size_t i) { return B(i) >= 32 ? 0u : A(i) << B(i); });
  check("shr.u32", 18,
        [&](size_t i) { return B(i) >= 32 ? 0u : A(i) >> B(i); });
  check("shr.s32", 19,
        [&](size_t i) { return uint32_t(s32(A(i)) >> std::min(B(i), 31u)); });
  check("shr.b32", 20,
        [&](size_t i) { return B(i) >= 32 ? 0u : A(i) >> B(i); });
  check("abs.s32", 21,
        [&](size_t i) { return s32(A(i)) < 0 ? 0u - A(i) : A(i); });
  check("neg.s32", 22, [&](size_t i) { return 0u - A(i); });
  check("not.b32", 23, [&](size_t i) { return ~A(i); });
  check("popc.b32", 24,
        [&](size_t i) { return uint32_t(std::popcount(A(i))); });
  check("clz.b32", 25,
        [&](size_t i) { return uint32_t(std::countl_zero(A(i))); });
  check("brev.b32", 26, [&](size_t i) { return brev32(A(i)); });
  check("bfind.u32", 27,
        [&](size_t i) { return bfind(A(i), 32, false, false); });
  check("bfind.shiftamt.u32", 28,
        [&](size_t i) { return bfind(A(i), 32, false, true); });
  check("bfind.s32", 29,
        [&](size_t i) { return bfind(A(i), 32, true, false); });
  check("bfind.shiftamt.s32", 30,
        [&](size_t i) { return bfind(A(i), 32, true, true); });
  check("mad.lo.s32", 31, [&](size_t i) { return A(i) * B(i) + C(i); });
  check("bmsk.clamp.b32", 32, [&](size_t i) { return bmsk(A(i), B(i), true); });
  check("bmsk.wrap.b32", 33, [&](size_t i) { return bmsk(A(i), B(i), false); });
  check("bfi.b32", 34, [&](size_t i) {
    return uint32_t(bfi(A(i), C(i), B(i), B(i) >> 8, 32));
  });
  check("szext.clamp.s32", 35,
        [&](size_t i) { return szext(A(i), B(i), true, true); });
  check("szext.wrap.s32", 36,
        [&](size_t i) { return szext(A(i), B(i), false, true); });
  check("szext.clamp.u32", 37,
        [&](size_t i) { return szext(A(i), B(i), true, false); });
  check("szext.wrap.u32", 38,
        [&](size_t i) { return szext(A(i), B(i), false, false); });
  check("shf.l.wrap.b32", 39,
        [&](size_t i) { return shf(A(i), C(i), B(i), true, false); });
  check("shf.l.clamp.b32", 40,
        [&](size_t i) { return shf(A(i), C(i), B(i), true, true); });
  check("shf.r.wrap.b32", 41,
        [&](size_t i) { return shf(A(i), C(i), B(i), false, false); });
  check("shf.r.clamp.b32", 42,
        [&](size_t i) { return shf(A(i), C(i), B(i), false, true); });
  const char *prmtNames[] = {"prmt.b32.f4e", "prmt.b32.b4e", "prmt.b32.rc8",
                             "prmt.b32.ecl", "prmt.b32.ecr", "prmt.b32.rc16"};
  check("prmt.b32", 43, [&](size_t i) { return prmt(A(i), C(i), B(i), -1); });
  for (int mode = 0; mode < 6; ++mode)
    check(prmtNames[mode], 44 + mode,
          [&, mode](size_t i) { return prmt(A(i), C(i), B(i), mode); });
  const uint32_t luts[] = {0x96, 0xE8, 0x1A, 0xCA, 0x00, 0xFF};
  for (int k = 0; k < 6; ++k) {
    std::string name = "lop3.b32 lut " + std::to_string(luts[k]);
    check(name.c_str(), 50 + k,
          [&, k](size_t i) { return lop3(A(i), B(i), C(i), luts[k]); });
  }
  check("dp4a.u32.u32", 56,
        [&](size_t i) { return dp4a(A(i), B(i), C(i), false, false); });
  check("dp4a.s32.s32", 57,
        [&](size_t i) { return dp4a(A(i), B(i), C(i), true, true); });
  check("dp4a.u32.s32", 58,
        [&](size_t i) { return dp4a(A(i), B(i), C(i), false, true); });
  check("dp4a.s32.u32", 59,
        [&](size_t i) { return dp4a(A(i), B(i), C(i), true, false); });
  check("dp2a.lo.u32.u32", 60,
        [&](size_t i) { return dp2a(A(i), B(i), C(i), false, false, false); });
  check("dp2a.hi.s32.s32", 61,
        [&](size_t i) { return dp2a(A(i), B(i), C(i), true, true, true); });
  check("dp2a.lo.s32.u32", 62,
        [&](size_t i) { return dp2a(A(i), B(i), C(i), true, false, false); });
  check("dp2a.hi.u32.s32", 63,
        [&](size_t i) { return dp2a(A(i), B(i), C(i), false, true, true); });
  auto p24 = [&](size_t i, bool sign) {
    return uint64_t(product24(A(i), B(i), sign));
  };
  check("mul24.lo.u32", 64, [&](size_t i) { return uint32_t(p24(i, false)); });
  check("mul24.hi.u32", 65,
        [&](size_t i) { return uint32_t(p24(i, false) >> 16); });
  check("mul24.lo.s32", 66, [&](size_t i) { return uint32_t(p24(i, true)); });
  check("mul24.hi.s32", 67,
        [&](size_t i) { return uint32_t(p24(i, true) >> 16); });
  check("mad24.lo.s32", 68,
        [&](size_t i) { return uint32_t(p24(i, true)) + C(i); });
  check("mad24.hi.u32", 69,
        [&](size_t i) { return uint32_t(p24(i, false) >> 16) + C(i); });
  check("mad24.hi.sat.s32", 70, [&](size_t i) {
    return saturate32(int64_t(s32(uint32_t(p24(i, true) >> 16))) + s32(C(i)));
  });
  check("sad.u32", 71, [&](size_t i) {
    return C(i) + (A(i) < B(i) ? B(i) - A(i) : A(i) - B(i));
  });
  check("sad.s32", 72, [&](size_t i) {
    return C(i) + (s32(A(i)) < s32(B(i)) ? B(i) - A(i) : A(i) - B(i));
  });
  check("fns.b32", 73,
        [&](size_t i) { return fns(A(i), B(i) & 31u, s32(B(i)) >> 27); });
  check("mad.hi.sat.s32", 74, [&](size_t i) {
    return saturate32(int64_t(s32(uint32_t(uint64_t(smul(i)) >> 32))) +
                      s32(C(i)));
  });
  check("min.relu.s32", 75, [&](size_t i) {
    return uint32_t(std::max(0, std::min(s32(A(i)), s32(B(i)))));
  });
  check("max.relu.s32", 76, [&](size_t i) {
    return uint32_t(std::max(0, std::max(s32(A(i)), s32(B(i)))));
  });
  check("min.u16x2", 77, [&](size_t i) {
    return halves(
        A(i), B(i), [](int32_t x, int32_t y) { return std::min(x, y); }, false);
  });
  check("max.s16x2", 78, [&](size_t i) {
    return halves(
        A(i), B(i), [](int32_t x, int32_t y) { return std::max(x, y); }, true);
  });
  check("min.relu.s16x2", 79, [&](size_t i) {
    return halves(
        A(i), B(i),
        [](int32_t x, int32_t y) { return std::max(0, std::min(x, y)); }, true);
  });
  check("cnot.b32", 80, [&](size_t i) { return A(i) == 0 ? 1u : 0u; });
  check("mad.hi.u32", 81,
        [&](size_t i) { return uint32_t(umul(i) >> 32) + C(i); });
  check("add.sat.s32", 82,
        [&](size_t i) { return saturate32(int64_t(s32(A(i))) + s32(B(i))); });
  check("sub.sat.s32", 83,
        [&](size_t i) { return saturate32(int64_t(s32(A(i))) - s32(B(i))); });
  check("and/or/xor/not.pred", 84, [&](size_t i) {
    bool p = A(i) != 0, q = B(i) != 0;
    return uint32_t((p && q) | (p || q) << 1 | (p != q) << 2 | (!p) << 3 |
                    (p && !q) << 4);
  });

  auto checkWide = [&](const char *name, size_t form,
                       std::function<uint64_t(size_t)> f) {
    checkForm<uint64_t, uint32_t>(name, wide, form, as, bs, f);
  };
  auto addend = [&](size_t i) { return uint64_t(C(i)) << 32 | B(i); };
  checkWide("mul.wide.u32", 0, umul);
  checkWide("mul.wide.s32", 1, [&](size_t i) { return uint64_t(smul(i)); });
  checkWide("mad.wide.u32", 2, [&](size_t i) { return umul(i) + addend(i); });
  checkWide("mad.wide.s32", 3,
            [&](size_t i) { return uint64_t(smul(i)) + addend(i); });
}

//===----------------------------------------------------------------------===//
// 64-bit forms
//===----------------------------------------------------------------------===//

TEST_F(IntegerExec, SixtyFourBitForms) {
  std::vector<uint64_t> as, bs;
  operandPairs<uint64_t>({0,
                          1,
                          2,
                          31,
                          32,
                          63,
                          64,
                          65,
                          0xFF,
                          0x7FFFFFFF,
                          0x80000000,
                          0xFFFFFFFF,
                          0x100000000ull,
                          0x123456789ABCDEF0ull,
                          0x7FFFFFFFFFFFFFFFull,
                          0x8000000000000000ull,
                          0x8000000000000001ull,
                          0xFFFFFFFF00000000ull,
                          0xFFFFFFFFFFFFFFFEull,
                          0xFFFFFFFFFFFFFFFFull},
                         1000, as, bs);
  const size_t n = as.size(), forms = 29, narrowForms = 6;
  uint64_t *da = harness->upload(as), *db = harness->upload(bs);
  uint64_t *dout =
      harness->upload(std::vector<uint64_t>(forms * n, 0x5A5A5A5A));
  uint32_t *dnarrow =
      harness->upload(std::vector<uint32_t>(narrowForms * n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("ops64"), {uint32_t((n + 127) / 128)}, {128},
                            da, db, dout, dnarrow, int(n)),
            Status::Success);
  std::vector<uint64_t> out = harness->download(dout, forms * n);
  std::vector<uint32_t> narrow = harness->download(dnarrow, narrowForms * n);

  auto A = [&](size_t i) { return as[i]; };
  auto B = [&](size_t i) { return bs[i]; };
  auto C = [&](size_t i) { return as[i] ^ 0x9E3779B97F4A7C15ull; };
  auto S = [](uint64_t v) { return int64_t(v); };
  auto amount = [&](size_t i) { return uint32_t(bs[i]); };
  auto check = [&](const char *name, size_t form,
                   std::function<uint64_t(size_t)> f) {
    checkForm<uint64_t, uint64_t>(name, out, form, as, bs, f);
  };
  auto smul = [&](size_t i) { return s128(S(A(i))) * s128(S(B(i))); };
  auto umul = [&](size_t i) { return u128(A(i)) * u128(B(i)); };

  check("add.s64", 0, [&](size_t i) { return A(i) + B(i); });
  check("add.u64", 1, [&](size_t i) { return A(i) + B(i); });
  check("sub.s64", 2, [&](size_t i) { return A(i) - B(i); });
  check("mul.lo.s64", 3, [&](size_t i) { return A(i) * B(i); });
  check("mul.hi.s64", 4,
        [&](size_t i) { return uint64_t(u128(smul(i)) >> 64); });
  check("mul.hi.u64", 5, [&](size_t i) { return uint64_t(umul(i) >> 64); });
  check("div.s64", 6, [&](size_t i) { return sdiv<int64_t>(A(i), B(i)); });
  check("div.u64", 7, [&](size_t i) { return udiv(A(i), B(i)); });
  check("rem.s64", 8, [&](size_t i) { return srem<int64_t>(A(i), B(i)); });
  check("rem.u64", 9, [&](size_t i) { return urem(A(i), B(i)); });
  check("min.s64", 10,
        [&](size_t i) { return uint64_t(std::min(S(A(i)), S(B(i)))); });
  check("min.u64", 11, [&](size_t i) { return std::min(A(i), B(i)); });
  check("max.s64", 12,
        [&](size_t i) { return uint64_t(std::max(S(A(i)), S(B(i)))); });
  check("max.u64", 13, [&](size_t i) { return std::max(A(i), B(i)); });
  check("and.b64", 14, [&](size_t i) { return A(i) & B(i); });
  check("or.b64", 15, [&](size_t i) { return A(i) | B(i); });
  check("xor.b64", 16, [&](size_t i) { return A(i) ^ B(i); });
  check("not.b64", 17, [&](size_t i) { return ~A(i); });
  check("neg.s64", 18, [&](size_t i) { return 0 - A(i); });
  check("abs.s64", 19, [&](size_t i) { return S(A(i)) < 0 ? 0 - A(i) : A(i); });
  check("shl.b64", 20,
        [&](size_t i) { return amount(i) >= 64 ? 0 : A(i) << amount(i); });
  check("shr.u64", 21,
        [&](size_t i) { return amount(i) >= 64 ? 0 : A(i) >> amount(i); });
  check("shr.s64", 22, [&](size_t i) {
    return uint64_t(S(A(i)) >> std::min(amount(i), 63u));
  });
  check("brev.b64", 23, [&](size_t i) { return brev64(A(i)); });
  check("bfi.b64", 24, [&](size_t i) {
    return bfi(A(i), C(i), amount(i), amount(i) >> 8, 64);
  });
  check("sad.u64", 25, [&](size_t i) {
    return C(i) + (A(i) < B(i) ? B(i) - A(i) : A(i) - B(i));
  });
  check("sad.s64", 26, [&](size_t i) {
    return C(i) + (S(A(i)) < S(B(i)) ? B(i) - A(i) : A(i) - B(i));
  });
  check("mad.lo.s64", 27, [&](size_t i) { return A(i) * B(i) + C(i); });
  check("mad.hi.s64", 28,
        [&](size_t i) { return uint64_t(u128(smul(i)) >> 64) + C(i); });

  auto checkNarrow = [&](const char *name, size_t form,
                         std::function<uint32_t(size_t)> f) {
    checkForm<uint32_t, uint64_t>(name, narrow, form, as, bs, f);
  };
  checkNarrow("clz.b64", 0,
              [&](size_t i) { return uint32_t(std::countl_zero(A(i))); });
  checkNarrow("popc.b64", 1,
              [&](size_t i) { return uint32_t(std::popcount(A(i))); });
  checkNarrow("bfind.u64", 2,
              [&](size_t i) { return bfind(A(i), 64, false, false); });
  checkNarrow("bfind.s64", 3,
              [&](size_t i) { return bfind(A(i), 64, true, false); });
  checkNarrow("bfind.shiftamt.s64", 4,
              [&](size_t i) { return bfind(A(i), 64, true, true); });
  checkNarrow("bfind.shiftamt.u64", 5,
              [&](size_t i) { return bfind(A(i), 64, false, true); });
}

//===----------------------------------------------------------------------===//
// 16-bit forms
//===----------------------------------------------------------------------===//

TEST_F(IntegerExec, SixteenBitForms) {
  std::vector<uint16_t> as, bs;
  operandPairs<uint16_t>({0, 1, 2, 7, 15, 16, 17, 31, 0x7F, 0x80, 0xFF, 0x1234,
                          0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF},
                         800, as, bs);
  const size_t n = as.size(), forms = 25, wideForms = 2;
  uint16_t *da = harness->upload(as), *db = harness->upload(bs);
  uint16_t *dout = harness->upload(std::vector<uint16_t>(forms * n, 0x5A5A));
  uint32_t *dwide =
      harness->upload(std::vector<uint32_t>(wideForms * n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("ops16"), {uint32_t((n + 127) / 128)}, {128},
                            da, db, dout, dwide, int(n)),
            Status::Success);
  std::vector<uint16_t> out = harness->download(dout, forms * n);
  std::vector<uint32_t> wide = harness->download(dwide, wideForms * n);

  auto A = [&](size_t i) { return as[i]; };
  auto B = [&](size_t i) { return bs[i]; };
  auto C = [&](size_t i) { return uint16_t(as[i] ^ 0x9E37u); };
  auto S = [](uint16_t v) { return int32_t(int16_t(v)); };
  auto check = [&](const char *name, size_t form,
                   std::function<uint16_t(size_t)> f) {
    checkForm<uint16_t, uint16_t>(name, out, form, as, bs, f);
  };
  auto h = [](auto v) { return uint16_t(v); };

  check("add.s16", 0, [&](size_t i) { return h(A(i) + B(i)); });
  check("sub.s16", 1, [&](size_t i) { return h(A(i) - B(i)); });
  check("mul.lo.s16", 2, [&](size_t i) { return h(uint32_t(A(i)) * B(i)); });
  check("mul.hi.s16", 3,
        [&](size_t i) { return h(uint32_t(S(A(i)) * S(B(i))) >> 16); });
  check("mul.hi.u16", 4,
        [&](size_t i) { return h((uint32_t(A(i)) * B(i)) >> 16); });
  check("div.u16", 5, [&](size_t i) { return udiv(A(i), B(i)); });
  check("div.s16", 6, [&](size_t i) { return sdiv<int16_t>(A(i), B(i)); });
  check("rem.u16", 7, [&](size_t i) { return urem(A(i), B(i)); });
  check("rem.s16", 8, [&](size_t i) { return srem<int16_t>(A(i), B(i)); });
  check("min.u16", 9, [&](size_t i) { return std::min(A(i), B(i)); });
  check("min.s16", 10, [&](size_t i) { return h(std::min(S(A(i)), S(B(i)))); });
  check("max.u16", 11, [&](size_t i) { return std::max(A(i), B(i)); });
  check("max.s16", 12, [&](size_t i) { return h(std::max(S(A(i)), S(B(i)))); });
  check("and.b16", 13, [&](size_t i) { return h(A(i) & B(i)); });
  check("or.b16", 14, [&](size_t i) { return h(A(i) | B(i)); });
  check("xor.b16", 15, [&](size_t i) { return h(A(i) ^ B(i)); });
  check("not.b16", 16, [&](size_t i) { return h(~A(i)); });
  check("neg.s16", 17, [&](size_t i) { return h(0u - A(i)); });
  check("abs.s16", 18,
        [&](size_t i) { return h(S(A(i)) < 0 ? 0u - A(i) : A(i)); });
  check("shl.b16", 19, [&](size_t i) {
    return B(i) >= 16 ? h(0) : h(uint32_t(A(i)) << B(i));
  });
  check("shr.u16", 20,
        [&](size_t i) { return B(i) >= 16 ? h(0) : h(A(i) >> B(i)); });
  check("shr.s16", 21,
        [&](size_t i) { return h(S(A(i)) >> std::min<int>(B(i), 15)); });
  check("sad.u16", 22, [&](size_t i) {
    return h(C(i) + (A(i) < B(i) ? B(i) - A(i) : A(i) - B(i)));
  });
  check("sad.s16", 23, [&](size_t i) {
    return h(C(i) + (S(A(i)) < S(B(i)) ? B(i) - A(i) : A(i) - B(i)));
  });
  check("mad.lo.s16", 24,
        [&](size_t i) { return h(uint32_t(A(i)) * B(i) + C(i)); });

  auto checkWide = [&](const char *name, size_t form,
                       std::function<uint32_t(size_t)> f) {
    checkForm<uint32_t, uint16_t>(name, wide, form, as, bs, f);
  };
  checkWide("mul.wide.u16", 0, [&](size_t i) { return uint32_t(A(i)) * B(i); });
  checkWide("mul.wide.s16", 1,
            [&](size_t i) { return uint32_t(S(A(i)) * S(B(i))); });
}

//===----------------------------------------------------------------------===//
// Carry chains
//===----------------------------------------------------------------------===//

/// 128-bit operands whose words are often 0, all ones or sign boundaries,
/// so carries and borrows ripple through every word.
std::vector<uint32_t> carryWords(size_t count, uint64_t seed) {
  static const uint32_t edges[] = {0,          1,          0x7FFFFFFF,
                                   0x80000000, 0xFFFFFFFE, 0xFFFFFFFF};
  std::mt19937_64 random(seed);
  std::vector<uint32_t> words(4 * count);
  for (uint32_t &word : words)
    word = random() % 2 ? edges[random() % 6] : uint32_t(random());
  return words;
}

u128 join(const uint32_t *w) {
  return u128(w[0]) | u128(w[1]) << 32 | u128(w[2]) << 64 | u128(w[3]) << 96;
}

TEST_F(IntegerExec, CarryChainsAgainst128BitArithmetic) {
  const size_t n = 2000;
  std::vector<uint32_t> x = carryWords(n, 1), y = carryWords(n, 2);
  uint32_t *dx = harness->upload(x), *dy = harness->upload(y);
  uint32_t *dout = harness->upload(std::vector<uint32_t>(30 * n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("carry128"), {uint32_t((n + 127) / 128)},
                            {128}, dx, dy, dout, int(n)),
            Status::Success);
  std::vector<uint32_t> out = harness->download(dout, 30 * n);

  size_t failures = 0;
  auto expectWords = [&](const char *name, size_t i, const uint32_t *got,
                         u128 want, int words) {
    for (int k = 0; k < words; ++k)
      if (got[k] != uint32_t(want >> (32 * k)) && ++failures <= 5)
        ADD_FAILURE() << name << " thread " << i << " word " << k << ": got 0x"
                      << std::hex << got[k] << ", expected 0x"
                      << uint32_t(want >> (32 * k));
  };
  for (size_t i = 0; i < n; ++i) {
    const uint32_t *a = &x[4 * i], *b = &y[4 * i], *d = &out[30 * i];
    u128 xa = join(a), yb = join(b);
    u128 sum = xa + yb;
    expectWords("add.cc/addc.cc/addc.u32 sum", i, d, sum, 4);
    expectWords("addc.u32 carry out", i, d + 4, sum < xa ? 1 : 0, 1);
    expectWords("sub.cc/subc.cc/subc.u32 difference", i, d + 5, xa - yb, 4);
    expectWords("subc.u32 borrow out", i, d + 9, xa < yb ? 0xFFFFFFFFu : 0, 1);
    u128 product = u128(uint64_t(xa)) * u128(uint64_t(yb));
    expectWords("mad.lo.cc/madc.hi(.cc) 64x64 product", i, d + 10, product, 4);
    u128 accumulated = yb + (xa & ((u128(1) << 96) - 1)) * a[3];
    expectWords("madc.lo.cc/mad.hi.cc multiply-accumulate", i, d + 14,
                accumulated, 4);
    uint64_t signedMad = uint64_t(int64_t(int32_t(a[0])) * int32_t(a[1])) +
                         (uint64_t(b[1]) << 32 | b[0]);
    expectWords("mad.lo.cc.s32/madc.hi.s32", i, d + 18, signedMad, 2);
    uint64_t first = uint64_t(a[0]) + b[0];
    uint64_t second = uint64_t(a[0]) + b[1] + (first >> 32);
    expectWords("add.cc.s32", i, d + 20, uint32_t(first), 1);
    expectWords("addc.cc.s32", i, d + 21, uint32_t(second), 1);
    expectWords("addc.s32 carry", i, d + 22, second >> 32, 1);
    uint32_t borrow1 = a[0] < b[0],
             borrow2 = uint64_t(a[0]) < uint64_t(b[1]) + borrow1;
    expectWords("sub.cc.s32", i, d + 23, uint32_t(a[0] - b[0]), 1);
    expectWords("subc.cc.s32", i, d + 24, uint32_t(a[0] - b[1] - borrow1), 1);
    expectWords("subc.s32 borrow", i, d + 25, borrow2 ? 0xFFFFFFFFu : 0, 1);
    bool odd = a[0] & 1;
    uint32_t carry = odd ? uint32_t((uint64_t(a[1]) + b[1]) >> 32)
                         : uint32_t((uint64_t(a[0]) + b[0]) >> 32);
    expectWords("add.cc under a guard", i, d + 26, uint32_t(a[0] + b[0]), 1);
    expectWords("carry of a guarded add.cc", i, d + 27, carry, 1);
    expectWords("sub.cc.u32", i, d + 28, uint32_t(a[2] - b[2]), 1);
    expectWords("addc.u32 after sub.cc reads the borrow", i, d + 29,
                a[2] < b[2] ? 1 : 0, 1);
  }
  EXPECT_EQ(failures, 0u);
}

TEST_F(IntegerExec, SixtyFourBitCarryChains) {
  const size_t n = 2000;
  std::vector<uint32_t> xw = carryWords(n, 3), yw = carryWords(n, 4);
  std::vector<uint64_t> x(2 * n), y(2 * n);
  for (size_t k = 0; k < 2 * n; ++k) {
    x[k] = uint64_t(xw[2 * k + 1]) << 32 | xw[2 * k];
    y[k] = uint64_t(yw[2 * k + 1]) << 32 | yw[2 * k];
  }
  uint64_t *dx = harness->upload(x), *dy = harness->upload(y);
  uint64_t *dout = harness->upload(std::vector<uint64_t>(10 * n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("carry64"), {uint32_t((n + 127) / 128)},
                            {128}, dx, dy, dout, int(n)),
            Status::Success);
  std::vector<uint64_t> out = harness->download(dout, 10 * n);
  size_t failures = 0;
  auto expect128 = [&](const char *name, size_t i, const uint64_t *got,
                       u128 want, int words) {
    for (int k = 0; k < words; ++k)
      if (got[k] != uint64_t(want >> (64 * k)) && ++failures <= 5)
        ADD_FAILURE() << name << " thread " << i << " word " << k << ": got 0x"
                      << std::hex << got[k] << ", expected 0x"
                      << uint64_t(want >> (64 * k));
  };
  for (size_t i = 0; i < n; ++i) {
    uint64_t a0 = x[2 * i], a1 = x[2 * i + 1], b0 = y[2 * i], b1 = y[2 * i + 1];
    const uint64_t *d = &out[10 * i];
    u128 xa = u128(a1) << 64 | a0, yb = u128(b1) << 64 | b0;
    expect128("add.cc.u64/addc.cc.u64", i, d, xa + yb, 2);
    expect128("addc.u64 carry", i, d + 2, xa + yb < xa ? 1 : 0, 1);
    expect128("sub.cc.u64/subc.cc.s64", i, d + 3, xa - yb, 2);
    expect128("subc.u64 borrow", i, d + 5, xa < yb ? ~uint64_t(0) : 0, 1);
    u128 addend = u128(b1) << 64 | a1;
    expect128("mad.lo.cc.u64/madc.hi.u64", i, d + 6, u128(a0) * b0 + addend, 2);
    u128 signedProduct = u128(s128(int64_t(a0)) * s128(int64_t(b0)));
    expect128("mad.lo.cc.s64/madc.hi.s64", i, d + 8, signedProduct + addend, 2);
  }
  EXPECT_EQ(failures, 0u);
}

TEST_F(IntegerExec, MalformedFormsAreDiagnosticsNotWrongCode) {
  // lop3's truth table must be a constant; shf needs its direction.
  const char *kernels[] = {"lop3.b32 %r3, %r1, %r2, %r1, %r2;",
                           "shf.wrap.b32 %r3, %r1, %r2, %r1;",
                           "addc.u16 %rs3, %rs1, %rs2;"};
  for (const char *body : kernels) {
    std::string ptx = ".version 9.0\n.target sm_90\n.address_size 64\n"
                      ".visible .entry k(.param .u32 a)\n{\n"
                      ".reg .b32 %r<4>;\n.reg .b16 %rs<4>;\n"
                      "ld.param.u32 %r1, [a];\nmov.b32 %r2, %r1;\n" +
                      std::string(body) + "\nret;\n}\n";
    std::string why;
    EXPECT_EQ(harness->load(ptx, &why), nullptr) << body;
    EXPECT_NE(why.find("unsupported instruction"), std::string::npos)
        << body << ": " << why;
  }
}

} // namespace
