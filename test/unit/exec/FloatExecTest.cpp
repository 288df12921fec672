//===- FloatExecTest.cpp - Floating-point PTX executed on a backend -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for the floating-point family: every kernel of
// test/data/exec/float_kernels.ptx (one PTX form each, source beside it)
// runs over special values (±0, subnormals, FLT_MIN, FLT_MAX, ±inf, NaN,
// halfway cases) and random bit patterns, and each result is compared with
// what PTX defines, computed here on the host:
//   - round-to-nearest and directed rounding bit-exactly, the directed
//     references computed by the host FPU under fesetround;
//   - f16/bf16 against a table of every finite value of the format;
//   - .approx functions against CUDA's documented maximum error.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfenv>
#include <cfloat>
#include <climits>
#include <cmath>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

//===----------------------------------------------------------------------===//
// Host references
//===----------------------------------------------------------------------===//

/// Runs f with the host FPU rounding `mode` (FE_TONEAREST, FE_TOWARDZERO,
/// FE_DOWNWARD, FE_UPWARD). Operands pass through volatiles so that the
/// compiler cannot fold or move the operation out of the mode.
template <typename F> auto rounded(int mode, F f) {
  int old = std::fegetround();
  std::fesetround(mode);
  auto result = f();
  std::fesetround(old);
  return result;
}

template <typename T> T flush(T x) {
  return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(T(0), x) : x;
}

template <typename T> auto bitsOf(T x) {
  if constexpr (sizeof(T) == 4)
    return std::bit_cast<uint32_t>(x);
  else
    return std::bit_cast<uint64_t>(x);
}

/// Equal bit patterns; any NaN matches any NaN.
template <typename T> bool sameValue(T expected, T actual) {
  if (std::isnan(expected))
    return std::isnan(actual);
  return bitsOf(expected) == bitsOf(actual);
}

template <typename T> std::string show(T x) {
  std::ostringstream s;
  s << std::hexfloat << x << " (0x" << std::hex << uint64_t(bitsOf(x)) << ")";
  return s.str();
}

/// PTX min/max: a NaN operand loses, both NaN -> NaN, -0 < +0.
template <typename T> T ptxMin(T a, T b) {
  if (std::isnan(a))
    return b;
  if (std::isnan(b))
    return a;
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename T> T ptxMax(T a, T b) {
  if (std::isnan(a))
    return b;
  if (std::isnan(b))
    return a;
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

float saturate(float x) { return x > 0 ? (x < 1 ? x : 1.0f) : 0.0f; }

/// A 16-bit format (f16 or bf16) described by its values: every finite
/// pattern decoded exactly, sorted by value, for reference rounding.
class Format16 {
public:
  explicit Format16(bool bf16) : bf16_(bf16) {
    for (uint32_t bits = 0; bits < 0x10000; ++bits) {
      double v = decode(uint16_t(bits));
      if (std::isfinite(v) && !(v == 0 && (bits & 0x8000)))
        values_.push_back({v, uint16_t(bits)});
    }
    std::sort(values_.begin(), values_.end());
  }

  double decode(uint16_t h) const {
    if (bf16_)
      return std::bit_cast<float>(uint32_t(h) << 16);
    int exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
    double sign = (h & 0x8000) ? -1 : 1;
    if (exponent == 0x1F)
      return mantissa ? NAN : sign * INFINITY;
    if (exponent == 0)
      return sign * std::ldexp(double(mantissa), -24);
    return sign * std::ldexp(double(mantissa | 0x400), exponent - 25);
  }
  bool isNaN(uint16_t h) const { return std::isnan(decode(h)); }
  uint16_t infBits(bool negative) const {
    return uint16_t((bf16_ ? 0x7F80 : 0x7C00) | (negative ? 0x8000 : 0));
  }

  /// Rounds an exact value to the format with an FE_* mode.
  uint16_t round(double x, int mode) const {
    if (std::isnan(x))
      return 0x7FFF;
    if (x == 0)
      return std::signbit(x) ? 0x8000 : 0;
    if (std::isinf(x))
      return infBits(x < 0);
    // Neighbours lo <= x <= hi; past the largest value, the next one would
    // be max + ulp(max), which rounds to infinity.
    auto it = std::lower_bound(values_.begin(), values_.end(),
                               std::pair<double, uint16_t>{x, 0});
    const auto &max = values_.back();
    double beyond = max.first + (max.first - values_[values_.size() - 2].first);
    if (x > max.first) {
      bool toInf = mode == FE_UPWARD || (mode == FE_TONEAREST &&
                                         x >= (max.first + beyond) / 2);
      return toInf ? infBits(false) : max.second;
    }
    if (x < -max.first) {
      bool toInf = mode == FE_DOWNWARD || (mode == FE_TONEAREST &&
                                           -x >= (max.first + beyond) / 2);
      return toInf ? infBits(true) : uint16_t(max.second | 0x8000);
    }
    if (it->first == x)
      return fixZeroSign(it->second, x);
    const auto &hi = *it, &lo = *(it - 1);
    uint16_t pick;
    switch (mode) {
    case FE_UPWARD: pick = hi.second; break;
    case FE_DOWNWARD: pick = lo.second; break;
    case FE_TOWARDZERO: pick = x > 0 ? lo.second : hi.second; break;
    default: {
      double dl = x - lo.first, dh = hi.first - x;
      pick = dl < dh ? lo.second : dh < dl ? hi.second
             : (lo.second & 1) ? hi.second : lo.second;
    }
    }
    return fixZeroSign(pick, x);
  }

private:
  static uint16_t fixZeroSign(uint16_t bits, double x) {
    if ((bits & 0x7FFF) == 0 && x < 0)
      return 0x8000;
    return bits;
  }
  bool bf16_;
  std::vector<std::pair<double, uint16_t>> values_;
};

const Format16 &half() {
  static Format16 format(false);
  return format;
}
const Format16 &bfloat() {
  static Format16 format(true);
  return format;
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

std::vector<float> specialFloats() {
  return {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1.5f, 2.0f, 3.0f, 1.0f / 3, -1.0f / 3,
          3.14159265f, 0.1f, 7.0f, 1e-3f, 1e10f, -1e10f, 1e30f, -1e30f,
          FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, 1.5f * FLT_MIN,
          std::numeric_limits<float>::denorm_min(),
          -std::numeric_limits<float>::denorm_min(), 3e-39f, -2.5e-40f,
          1.0f + FLT_EPSILON, 1.0f - FLT_EPSILON / 2, 16777216.0f, 2.5f, -2.5f,
          65504.0f, 65520.0f, 6e-8f, INFINITY, -INFINITY, NAN};
}

std::vector<double> specialDoubles() {
  return {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.0, 3.0, 1.0 / 3, -1.0 / 3,
          3.141592653589793, 0.1, 7.0, 1e-300, 1e300, -1e300, 1e30, DBL_MAX,
          -DBL_MAX, DBL_MIN, -DBL_MIN, std::numeric_limits<double>::denorm_min(),
          -std::numeric_limits<double>::denorm_min(), 3e-310, 1.0 + DBL_EPSILON,
          1.0 - DBL_EPSILON / 2, 9007199254740993.0, 2.5, -2.5, double(FLT_MAX),
          1.0000000596046448, 3.4028235677973366e38, 1e-45, INFINITY, -INFINITY,
          NAN};
}

/// The special values of T's format.
template <typename T> std::vector<T> specialsOf() {
  if constexpr (sizeof(T) == 4)
    return specialFloats();
  else
    return specialDoubles();
}

template <typename T> std::vector<T> randomValues(size_t count, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> values;
  while (values.size() < count) {
    uint64_t bits = rng();
    T v;
    if (values.size() % 2) {
      // Moderate magnitudes, where most arithmetic happens.
      v = T(std::ldexp(double(int64_t(bits >> 11)) / double(1ull << 52),
                       int(bits % 40) - 20));
    } else if constexpr (sizeof(T) == 4) {
      v = std::bit_cast<float>(uint32_t(bits));
    } else {
      v = std::bit_cast<double>(bits);
    }
    if (!std::isnan(v))
      values.push_back(v);
  }
  return values;
}

template <typename T> std::vector<T> unaryInputs() {
  std::vector<T> in = specialsOf<T>();
  auto more = randomValues<T>(400, 7);
  in.insert(in.end(), more.begin(), more.end());
  return in;
}

/// Every pair of special values, then random pairs and near-cancelling
/// pairs (a, -a*(1+tiny)) that exercise the exact error terms.
template <typename T> std::pair<std::vector<T>, std::vector<T>> binaryInputs() {
  std::vector<T> specials = specialsOf<T>();
  std::vector<T> a, b;
  for (T x : specials)
    for (T y : specials) {
      a.push_back(x);
      b.push_back(y);
    }
  auto ra = randomValues<T>(600, 11), rb = randomValues<T>(600, 13);
  for (size_t i = 0; i < ra.size(); ++i) {
    a.push_back(ra[i]);
    b.push_back(i % 3 == 0 ? -ra[i] * (T(1) + std::numeric_limits<T>::epsilon() * T(i % 7))
                           : rb[i]);
  }
  return {a, b};
}

//===----------------------------------------------------------------------===//
// Fixture
//===----------------------------------------------------------------------===//

class FloatExec : public cuport::test::PtxModuleTest<FloatExec> {
public:
  static constexpr const char *kPtxFile = "exec/float_kernels.ptx";

protected:
  /// Kernels of this module are named "k_" + the instruction form.
  Kernel *kernel(const std::string &name) {
    Kernel *found = module->findKernel("k_" + name);
    EXPECT_NE(found, nullptr) << name;
    return found;
  }

  /// d[i] = kernel(in[0][i], in[1][i], ...), for n = in[0].size().
  template <typename TD, typename... TS>
  std::vector<TD> run(const std::string &name, const std::vector<TS> &...in) {
    Kernel *k = kernel(name);
    if (!k)
      return {};
    int n = int(std::get<0>(std::tie(in...)).size());
    TD *d = harness->upload(std::vector<TD>(n));
    uint32_t blocks = uint32_t((n + 63) / 64);
    EXPECT_EQ(harness->launch(*k, {blocks}, {64}, harness->upload(in)..., d, n),
              Status::Success)
        << name;
    return harness->download(d, n);
  }
};

#define EXPECT_SAME(expected, actual, what)                                    \
  EXPECT_TRUE(sameValue(expected, actual))                                     \
      << what << ": expected " << show(expected) << ", got " << show(actual)

//===----------------------------------------------------------------------===//
// add, sub, mul, div, fma in every rounding mode
//===----------------------------------------------------------------------===//

struct Mode {
  const char *suffix;
  int fe;
};
const Mode kModes[] = {{"rn", FE_TONEAREST},
                       {"rz", FE_TOWARDZERO},
                       {"rm", FE_DOWNWARD},
                       {"rp", FE_UPWARD}};

TEST_F(FloatExec, AddSubMulDivEveryRoundingF32) {
  auto [a, b] = binaryInputs<float>();
  for (const Mode &m : kModes) {
    auto add = run<float>(std::string("add_") + m.suffix + "_f32", a, b);
    auto mul = run<float>(std::string("mul_") + m.suffix + "_f32", a, b);
    auto div = run<float>(std::string("div_") + m.suffix + "_f32", a, b);
    for (size_t i = 0; i < a.size(); ++i) {
      float x = a[i], y = b[i];
      float eAdd = rounded(m.fe, [&] { volatile float p = x, q = y; volatile float r = p + q; return float(r); });
      float eMul = rounded(m.fe, [&] { volatile float p = x, q = y; volatile float r = p * q; return float(r); });
      float eDiv = rounded(m.fe, [&] { volatile float p = x, q = y; volatile float r = p / q; return float(r); });
      EXPECT_SAME(eAdd, add[i], "add." << m.suffix << ".f32 " << show(x) << " + " << show(y));
      EXPECT_SAME(eMul, mul[i], "mul." << m.suffix << ".f32 " << show(x) << " * " << show(y));
      EXPECT_SAME(eDiv, div[i], "div." << m.suffix << ".f32 " << show(x) << " / " << show(y));
    }
  }
  auto plain = run<float>("add_f32", a, b);
  auto sub = run<float>("sub_f32", a, b);
  auto subRm = run<float>("sub_rm_f32", a, b);
  auto mulPlain = run<float>("mul_f32", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_SAME(a[i] + b[i], plain[i], "add.f32");
    EXPECT_SAME(a[i] - b[i], sub[i], "sub.f32");
    EXPECT_SAME(a[i] * b[i], mulPlain[i], "mul.f32");
    float e = rounded(FE_DOWNWARD, [&] { volatile float p = a[i], q = b[i]; volatile float r = p - q; return float(r); });
    EXPECT_SAME(e, subRm[i], "sub.rm.f32 " << show(a[i]) << " - " << show(b[i]));
  }
}

TEST_F(FloatExec, AddSubMulDivEveryRoundingF64) {
  auto [a, b] = binaryInputs<double>();
  for (const Mode &m : kModes) {
    auto add = run<double>(std::string("add_") + m.suffix + "_f64", a, b);
    auto mul = run<double>(std::string("mul_") + m.suffix + "_f64", a, b);
    auto div = run<double>(std::string("div_") + m.suffix + "_f64", a, b);
    for (size_t i = 0; i < a.size(); ++i) {
      double x = a[i], y = b[i];
      double eAdd = rounded(m.fe, [&] { volatile double p = x, q = y; volatile double r = p + q; return double(r); });
      double eMul = rounded(m.fe, [&] { volatile double p = x, q = y; volatile double r = p * q; return double(r); });
      double eDiv = rounded(m.fe, [&] { volatile double p = x, q = y; volatile double r = p / q; return double(r); });
      EXPECT_SAME(eAdd, add[i], "add." << m.suffix << ".f64 " << show(x) << " + " << show(y));
      EXPECT_SAME(eMul, mul[i], "mul." << m.suffix << ".f64 " << show(x) << " * " << show(y));
      EXPECT_SAME(eDiv, div[i], "div." << m.suffix << ".f64 " << show(x) << " / " << show(y));
    }
  }
  auto plain = run<double>("add_f64", a, b);
  auto sub = run<double>("sub_f64", a, b);
  auto subRp = run<double>("sub_rp_f64", a, b);
  auto mulPlain = run<double>("mul_f64", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_SAME(a[i] + b[i], plain[i], "add.f64");
    EXPECT_SAME(a[i] - b[i], sub[i], "sub.f64");
    EXPECT_SAME(a[i] * b[i], mulPlain[i], "mul.f64");
    double e = rounded(FE_UPWARD, [&] { volatile double p = a[i], q = b[i]; volatile double r = p - q; return double(r); });
    EXPECT_SAME(e, subRp[i], "sub.rp.f64 " << show(a[i]) << " - " << show(b[i]));
  }
}

/// a*b + c triples: random, specials, and c = -(a*b) rounded, where the
/// result is the product's rounding error alone.
template <typename T> std::vector<std::array<T, 3>> fmaInputs() {
  auto [a, b] = binaryInputs<T>();
  auto c = randomValues<T>(a.size(), 17);
  std::vector<std::array<T, 3>> triples;
  auto specials = specialsOf<T>();
  for (size_t i = 0; i < a.size(); ++i) {
    T addend = i % 4 == 0 ? -(a[i] * b[i]) : i % 4 == 1 ? specials[i % specials.size()] : c[i];
    triples.push_back({a[i], b[i], addend});
  }
  return triples;
}

TEST_F(FloatExec, FmaEveryRounding) {
  auto f = fmaInputs<float>();
  std::vector<float> fa, fb, fc;
  for (auto &t : f) { fa.push_back(t[0]); fb.push_back(t[1]); fc.push_back(t[2]); }
  auto d = fmaInputs<double>();
  std::vector<double> da, db, dc;
  for (auto &t : d) { da.push_back(t[0]); db.push_back(t[1]); dc.push_back(t[2]); }
  for (const Mode &m : kModes) {
    auto r32 = run<float>(std::string("fma_") + m.suffix + "_f32", fa, fb, fc);
    auto r64 = run<double>(std::string("fma_") + m.suffix + "_f64", da, db, dc);
    for (size_t i = 0; i < fa.size(); ++i) {
      float e = rounded(m.fe, [&] { volatile float p = fa[i], q = fb[i], s = fc[i]; return std::fma(float(p), float(q), float(s)); });
      EXPECT_SAME(e, r32[i], "fma." << m.suffix << ".f32 " << show(fa[i]) << " " << show(fb[i]) << " " << show(fc[i]));
    }
    for (size_t i = 0; i < da.size(); ++i) {
      double e = rounded(m.fe, [&] { volatile double p = da[i], q = db[i], s = dc[i]; return std::fma(double(p), double(q), double(s)); });
      EXPECT_SAME(e, r64[i], "fma." << m.suffix << ".f64 " << show(da[i]) << " " << show(db[i]) << " " << show(dc[i]));
    }
  }
  auto mad = run<float>("mad_rn_f32", fa, fb, fc);
  auto ftz = run<float>("fma_rn_ftz_f32", fa, fb, fc);
  auto sat = run<float>("fma_rn_sat_f32", fa, fb, fc);
  for (size_t i = 0; i < fa.size(); ++i) {
    EXPECT_SAME(std::fma(fa[i], fb[i], fc[i]), mad[i], "mad.rn.f32 is fused");
    EXPECT_SAME(flush(std::fma(flush(fa[i]), flush(fb[i]), flush(fc[i]))), ftz[i], "fma.rn.ftz.f32");
    EXPECT_SAME(saturate(std::fma(fa[i], fb[i], fc[i])), sat[i], "fma.rn.sat.f32");
  }
}

TEST_F(FloatExec, FlushToZeroAndSaturate) {
  auto [a, b] = binaryInputs<float>();
  auto add = run<float>("add_ftz_f32", a, b);
  auto mul = run<float>("mul_ftz_f32", a, b);
  auto sat = run<float>("add_sat_f32", a, b);
  auto div = run<float>("div_rn_ftz_f32", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    float x = flush(a[i]), y = flush(b[i]);
    EXPECT_SAME(flush(x + y), add[i], "add.ftz.f32 " << show(a[i]) << " " << show(b[i]));
    EXPECT_SAME(flush(x * y), mul[i], "mul.ftz.f32 " << show(a[i]) << " " << show(b[i]));
    EXPECT_SAME(flush(x / y), div[i], "div.rn.ftz.f32 " << show(a[i]) << " " << show(b[i]));
    EXPECT_SAME(saturate(a[i] + b[i]), sat[i], "add.sat.f32 " << show(a[i]) << " " << show(b[i]));
  }
  // Subnormal results with and without .ftz.
  std::vector<float> tiny = {FLT_MIN, -FLT_MIN, 3e-39f};
  std::vector<float> half = {0.5f, 0.5f, 1.0f};
  auto plainMul = run<float>("mul_f32", tiny, half);
  auto ftzMul = run<float>("mul_ftz_f32", tiny, half);
  EXPECT_SAME(FLT_MIN / 2, plainMul[0], "mul.f32 keeps subnormal results");
  EXPECT_SAME(0.0f, ftzMul[0], "mul.ftz.f32 flushes subnormal results");
  EXPECT_SAME(-0.0f, ftzMul[1], "flushing keeps the sign");
  EXPECT_SAME(0.0f, ftzMul[2], "mul.ftz.f32 flushes subnormal inputs");
  EXPECT_SAME(3e-39f, plainMul[2], "mul.f32 keeps subnormal inputs");
}

TEST_F(FloatExec, DivisionApproximations) {
  auto [a, b] = binaryInputs<float>();
  auto approx = run<float>("div_approx_f32", a, b);
  auto full = run<float>("div_full_f32", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    float e = a[i] / b[i];
    // CUDA: div.full.f32 within 2 ulp; div.approx.f32 within 2 ulp for
    // |b| in [2^-126, 2^126]. cuport computes both correctly rounded.
    if (std::fabs(b[i]) >= FLT_MIN && std::fabs(b[i]) <= 0x1p126f && std::isnormal(e)) {
      double ulp = std::ldexp(1.0, std::ilogb(e) - 23);
      EXPECT_LE(std::fabs(double(approx[i]) - e), 2 * ulp) << "div.approx.f32 " << show(a[i]) << " " << show(b[i]);
      EXPECT_LE(std::fabs(double(full[i]) - e), 2 * ulp) << "div.full.f32 " << show(a[i]) << " " << show(b[i]);
    }
    if (std::isnan(e))
      EXPECT_TRUE(std::isnan(approx[i]) && std::isnan(full[i]));
  }
}

//===----------------------------------------------------------------------===//
// min, max, copysign, neg, abs
//===----------------------------------------------------------------------===//

TEST_F(FloatExec, MinMaxNaNAndSignedZero) {
  auto [a, b] = binaryInputs<float>();
  auto mn = run<float>("min_f32", a, b), mx = run<float>("max_f32", a, b);
  auto mnNaN = run<float>("min_NaN_f32", a, b), mxNaN = run<float>("max_NaN_f32", a, b);
  auto mnFtz = run<float>("min_ftz_f32", a, b);
  auto xs = run<float>("min_xorsign_f32", a, b);
  auto cs = run<float>("copysign_f32", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    float x = a[i], y = b[i];
    EXPECT_SAME(ptxMin(x, y), mn[i], "min.f32 " << show(x) << " " << show(y));
    EXPECT_SAME(ptxMax(x, y), mx[i], "max.f32 " << show(x) << " " << show(y));
    bool anyNaN = std::isnan(x) || std::isnan(y);
    EXPECT_SAME(anyNaN ? NAN : ptxMin(x, y), mnNaN[i], "min.NaN.f32");
    EXPECT_SAME(anyNaN ? NAN : ptxMax(x, y), mxNaN[i], "max.NaN.f32");
    EXPECT_SAME(ptxMin(flush(x), flush(y)), mnFtz[i], "min.ftz.f32 " << show(x) << " " << show(y));
    if (!anyNaN) {
      float m = ptxMin(std::fabs(x), std::fabs(y));
      EXPECT_SAME(std::signbit(x) != std::signbit(y) ? -m : m, xs[i], "min.xorsign.abs.f32 " << show(x) << " " << show(y));
    }
    EXPECT_SAME(std::copysign(y, x), cs[i], "copysign.f32 takes a's sign");
  }
  auto [da, db] = binaryInputs<double>();
  auto dmn = run<double>("min_f64", da, db), dmx = run<double>("max_f64", da, db);
  auto dcs = run<double>("copysign_f64", da, db);
  for (size_t i = 0; i < da.size(); ++i) {
    EXPECT_SAME(ptxMin(da[i], db[i]), dmn[i], "min.f64 " << show(da[i]) << " " << show(db[i]));
    EXPECT_SAME(ptxMax(da[i], db[i]), dmx[i], "max.f64 " << show(da[i]) << " " << show(db[i]));
    EXPECT_SAME(std::copysign(db[i], da[i]), dcs[i], "copysign.f64");
  }
  // Both NaN: the canonical NaN.
  auto both = run<float>("min_f32", std::vector<float>{NAN}, std::vector<float>{-NAN});
  EXPECT_EQ(bitsOf(both[0]), 0x7FFFFFFFu);
}

TEST_F(FloatExec, NegAbs) {
  auto in = unaryInputs<float>();
  auto neg = run<float>("neg_f32", in), abs = run<float>("abs_f32", in);
  auto negFtz = run<float>("neg_ftz_f32", in), absFtz = run<float>("abs_ftz_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_SAME(-in[i], neg[i], "neg.f32");
    EXPECT_SAME(std::fabs(in[i]), abs[i], "abs.f32");
    EXPECT_SAME(-flush(in[i]), negFtz[i], "neg.ftz.f32");
    EXPECT_SAME(std::fabs(flush(in[i])), absFtz[i], "abs.ftz.f32");
  }
  auto din = unaryInputs<double>();
  auto dneg = run<double>("neg_f64", din), dabs = run<double>("abs_f64", din);
  for (size_t i = 0; i < din.size(); ++i) {
    EXPECT_SAME(-din[i], dneg[i], "neg.f64");
    EXPECT_SAME(std::fabs(din[i]), dabs[i], "abs.f64");
  }
}

//===----------------------------------------------------------------------===//
// sqrt, rcp (every rounding), rsqrt and the .approx functions
//===----------------------------------------------------------------------===//

TEST_F(FloatExec, SqrtRcpEveryRounding) {
  auto in = unaryInputs<float>();
  auto din = unaryInputs<double>();
  for (const Mode &m : kModes) {
    auto sq = run<float>(std::string("sqrt_") + m.suffix + "_f32", in);
    auto rc = run<float>(std::string("rcp_") + m.suffix + "_f32", in);
    auto dsq = run<double>(std::string("sqrt_") + m.suffix + "_f64", din);
    auto drc = run<double>(std::string("rcp_") + m.suffix + "_f64", din);
    for (size_t i = 0; i < in.size(); ++i) {
      float e = rounded(m.fe, [&] { volatile float p = in[i]; volatile float r = std::sqrt(float(p)); return float(r); });
      float r = rounded(m.fe, [&] { volatile float p = in[i]; volatile float r = 1.0f / p; return float(r); });
      EXPECT_SAME(e, sq[i], "sqrt." << m.suffix << ".f32 " << show(in[i]));
      EXPECT_SAME(r, rc[i], "rcp." << m.suffix << ".f32 " << show(in[i]));
    }
    for (size_t i = 0; i < din.size(); ++i) {
      double e = rounded(m.fe, [&] { volatile double p = din[i]; volatile double r = std::sqrt(double(p)); return double(r); });
      double r = rounded(m.fe, [&] { volatile double p = din[i]; volatile double r = 1.0 / p; return double(r); });
      EXPECT_SAME(e, dsq[i], "sqrt." << m.suffix << ".f64 " << show(din[i]));
      EXPECT_SAME(r, drc[i], "rcp." << m.suffix << ".f64 " << show(din[i]));
    }
  }
  auto sqFtz = run<float>("sqrt_rn_ftz_f32", in);
  auto rcpFtzD = run<double>("rcp_approx_ftz_f64", din);
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_SAME(flush(std::sqrt(flush(in[i]))), sqFtz[i], "sqrt.rn.ftz.f32 " << show(in[i]));
  for (size_t i = 0; i < din.size(); ++i)
    EXPECT_SAME(flush(1.0 / flush(din[i])), rcpFtzD[i], "rcp.approx.ftz.f64 " << show(din[i]));
}

/// |actual - expected| <= ulps units in the last place of expected.
bool withinUlps(double expected, double actual, double ulps, bool isF32) {
  if (std::isnan(expected))
    return std::isnan(actual);
  if (std::isinf(expected) || expected == 0)
    return expected == actual;
  int exponent;
  std::frexp(expected, &exponent);
  double ulp = std::ldexp(1.0, exponent - (isF32 ? 24 : 53));
  return std::fabs(actual - expected) <= ulps * ulp;
}

TEST_F(FloatExec, ApproximationsWithinCudaBounds) {
  auto in = unaryInputs<float>();
  auto sqrtA = run<float>("sqrt_approx_f32", in);
  auto rcpA = run<float>("rcp_approx_f32", in);
  auto rcpFtz = run<float>("rcp_approx_ftz_f32", in);
  auto rsq = run<float>("rsqrt_approx_f32", in);
  auto sinA = run<float>("sin_approx_f32", in), cosA = run<float>("cos_approx_f32", in);
  auto sinFtz = run<float>("sin_approx_ftz_f32", in);
  auto lg2 = run<float>("lg2_approx_f32", in);
  auto ex2 = run<float>("ex2_approx_f32", in), ex2Ftz = run<float>("ex2_approx_ftz_f32", in);
  auto th = run<float>("tanh_approx_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    float x = in[i];
    double dx = x;
    EXPECT_TRUE(withinUlps(std::sqrt(dx), sqrtA[i], 1, true)) << "sqrt.approx.f32 " << show(x);
    if (std::isnormal(1.0 / dx) || std::isinf(1.0 / dx))
      EXPECT_TRUE(withinUlps(float(1.0 / dx), rcpA[i], 1, true)) << "rcp.approx.f32 " << show(x);
    EXPECT_TRUE(withinUlps(flush(float(1.0 / flush(x))), rcpFtz[i], 1, true)) << "rcp.approx.ftz.f32 " << show(x);
    if (dx >= 0 && std::isnormal(float(1.0 / std::sqrt(dx))))
      EXPECT_NEAR(rsq[i], 1.0 / std::sqrt(dx), std::ldexp(1.0 / std::sqrt(dx), -22)) << "rsqrt.approx.f32 " << show(x);
    if (x == 0)
      EXPECT_EQ(rsq[i], std::signbit(x) ? -INFINITY : INFINITY) << "rsqrt.approx.f32 of ±0";
    if (std::fabs(dx) <= M_PI) {
      EXPECT_NEAR(sinA[i], std::sin(dx), std::ldexp(1.0, -20)) << "sin.approx.f32 " << show(x);
      EXPECT_NEAR(cosA[i], std::cos(dx), std::ldexp(1.0, -20)) << "cos.approx.f32 " << show(x);
      EXPECT_NEAR(sinFtz[i], std::sin(double(flush(x))), std::ldexp(1.0, -20)) << "sin.approx.ftz.f32";
    }
    if (std::isinf(x))
      EXPECT_TRUE(std::isnan(sinA[i]) && std::isnan(cosA[i])) << "sin/cos of inf";
    if (dx > 0 && std::isfinite(dx)) {
      double l = std::log2(dx);
      if (dx > 0.5 && dx < 2)
        EXPECT_NEAR(lg2[i], l, std::ldexp(1.0, -22)) << "lg2.approx.f32 " << show(x);
      else
        EXPECT_NEAR(lg2[i], l, std::fabs(l) * std::ldexp(1.0, -22)) << "lg2.approx.f32 " << show(x);
    }
    if (x == 0)
      EXPECT_EQ(lg2[i], -INFINITY) << "lg2(±0) is -inf";
    if (x < 0)
      EXPECT_TRUE(std::isnan(lg2[i])) << "lg2 of a negative value";
    double e2 = std::exp2(dx);
    if (std::isnormal(float(e2)) || std::isinf(float(e2)))
      EXPECT_TRUE(withinUlps(float(e2), ex2[i], 2, true)) << "ex2.approx.f32 " << show(x);
    EXPECT_TRUE(withinUlps(flush(float(std::exp2(double(flush(x))))), ex2Ftz[i], 2, true)) << "ex2.approx.ftz.f32 " << show(x);
    double t = std::tanh(dx);
    if (std::isnan(x))
      EXPECT_TRUE(std::isnan(th[i])) << "tanh.approx.f32 of NaN";
    else
      EXPECT_NEAR(th[i], t, std::fabs(t) * std::ldexp(1.0, -11) + 1e-45) << "tanh.approx.f32 " << show(x);
  }
  auto din = unaryInputs<double>();
  auto rsqD = run<double>("rsqrt_approx_f64", din);
  auto rsqFtzD = run<double>("rsqrt_approx_ftz_f64", din);
  for (size_t i = 0; i < din.size(); ++i) {
    double e = 1.0 / std::sqrt(din[i]);
    EXPECT_TRUE(withinUlps(e, rsqD[i], 2, false)) << "rsqrt.approx.f64 " << show(din[i]);
    EXPECT_TRUE(withinUlps(flush(1.0 / std::sqrt(flush(din[i]))), rsqFtzD[i], 2, false))
        << "rsqrt.approx.ftz.f64 " << show(din[i]);
  }
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

template <typename T> bool compare(const std::string &op, T a, T b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  if (op == "eq") return !unordered && a == b;
  if (op == "ne") return !unordered && a != b;
  if (op == "lt") return !unordered && a < b;
  if (op == "le") return !unordered && a <= b;
  if (op == "gt") return !unordered && a > b;
  if (op == "ge") return !unordered && a >= b;
  if (op == "equ") return unordered || a == b;
  if (op == "neu") return unordered || a != b;
  if (op == "ltu") return unordered || a < b;
  if (op == "leu") return unordered || a <= b;
  if (op == "gtu") return unordered || a > b;
  if (op == "geu") return unordered || a >= b;
  if (op == "num") return !unordered;
  return unordered; // nan
}

const char *const kCompares[] = {"eq", "ne", "lt", "le", "gt", "ge", "equ",
                                 "neu", "ltu", "leu", "gtu", "geu", "num", "nan"};

TEST_F(FloatExec, SetpEveryComparison) {
  auto [a, b] = binaryInputs<float>();
  auto [da, db] = binaryInputs<double>();
  for (const char *op : kCompares) {
    auto r = run<int>(std::string("setp_") + op + "_f32", a, b);
    auto dr = run<int>(std::string("setp_") + op + "_f64", da, db);
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_EQ(r[i], int(compare(op, a[i], b[i]))) << "setp." << op << ".f32 " << show(a[i]) << " " << show(b[i]);
    for (size_t i = 0; i < da.size(); ++i)
      EXPECT_EQ(dr[i], int(compare(op, da[i], db[i]))) << "setp." << op << ".f64 " << show(da[i]) << " " << show(db[i]);
  }
  auto ftz = run<int>("setp_lt_ftz_f32", a, b);
  auto andQ = run<int>("setp_lt_and_f32", a, b);
  auto xorQ = run<int>("setp_gtu_xor_f64", da, db);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(ftz[i], int(compare("lt", flush(a[i]), flush(b[i])))) << "setp.lt.ftz.f32";
    bool t = compare("lt", a[i], b[i]), c = !(i & 1); // !c operand
    EXPECT_EQ(andQ[i], int(t && c) | (int(!t && c) << 1)) << "setp.lt.and.f32 p|q";
  }
  for (size_t i = 0; i < da.size(); ++i) {
    bool t = compare("gtu", da[i], db[i]), c = i & 1;
    EXPECT_EQ(xorQ[i], int(t != c) | (int(!t != c) << 1)) << "setp.gtu.xor.f64 p|q";
  }
}

TEST_F(FloatExec, SetSlctTestp) {
  auto [a, b] = binaryInputs<float>();
  auto mask = run<unsigned>("set_lt_u32_f32", a, b);
  auto one = run<float>("set_geu_f32_f32", a, b);
  auto sl = run<float>("slct_f32", a, b), slFtz = run<float>("slct_ftz_f32", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(mask[i], compare("lt", a[i], b[i]) ? 0xFFFFFFFFu : 0u) << "set.lt.u32.f32";
    EXPECT_SAME(compare("geu", a[i], b[i]) ? 1.0f : 0.0f, one[i], "set.geu.f32.f32");
    EXPECT_SAME(a[i] >= 0 ? 1.0f : 2.0f, sl[i], "slct.f32.f32 " << show(a[i]));
    EXPECT_SAME(flush(a[i]) >= 0 ? 1.0f : 2.0f, slFtz[i], "slct.ftz.f32.f32 " << show(a[i]));
  }
  const char *tests[] = {"finite", "infinite", "number", "notanumber", "normal", "subnormal"};
  auto in = unaryInputs<float>();
  auto din = unaryInputs<double>();
  for (const char *test : tests) {
    std::string t = test;
    auto expect = [&](auto x) {
      int c = std::fpclassify(x);
      if (t == "finite") return std::isfinite(x);
      if (t == "infinite") return std::isinf(x);
      if (t == "number") return !std::isnan(x);
      if (t == "notanumber") return bool(std::isnan(x));
      if (t == "normal") return c == FP_NORMAL;
      return c == FP_SUBNORMAL;
    };
    auto r = run<int>("testp_" + t + "_f32", in);
    auto dr = run<int>("testp_" + t + "_f64", din);
    for (size_t i = 0; i < in.size(); ++i)
      EXPECT_EQ(r[i], int(expect(in[i]))) << "testp." << t << ".f32 " << show(in[i]);
    for (size_t i = 0; i < din.size(); ++i)
      EXPECT_EQ(dr[i], int(expect(din[i]))) << "testp." << t << ".f64 " << show(din[i]);
  }
}

//===----------------------------------------------------------------------===//
// cvt
//===----------------------------------------------------------------------===//

TEST_F(FloatExec, CvtBetweenF32AndF64) {
  auto din = unaryInputs<double>();
  // Doubles just around float halfway points.
  for (float f : {1.0f, 3.0f, FLT_MAX, FLT_MIN, 1e-45f}) {
    double ulp = double(std::nextafter(f, INFINITY)) - double(f);
    for (double k : {0.5, 0.25, 0.75, 0.5000001, 1.5})
      din.push_back(double(f) + k * ulp), din.push_back(-(double(f) + k * ulp));
  }
  for (const Mode &m : kModes) {
    auto r = run<float>(std::string("cvt_") + m.suffix + "_f32_f64", din);
    for (size_t i = 0; i < din.size(); ++i) {
      float e = rounded(m.fe, [&] { volatile double p = din[i]; volatile float r = float(p); return float(r); });
      EXPECT_SAME(e, r[i], "cvt." << m.suffix << ".f32.f64 " << show(din[i]));
    }
  }
  auto ftz = run<float>("cvt_rn_ftz_f32_f64", din);
  for (size_t i = 0; i < din.size(); ++i)
    EXPECT_SAME(flush(float(din[i])), ftz[i], "cvt.rn.ftz.f32.f64 " << show(din[i]));
  auto in = unaryInputs<float>();
  auto up = run<double>("cvt_f64_f32", in), upFtz = run<double>("cvt_ftz_f64_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_SAME(double(in[i]), up[i], "cvt.f64.f32");
    EXPECT_SAME(double(flush(in[i])), upFtz[i], "cvt.ftz.f64.f32");
  }
}

TEST_F(FloatExec, CvtIntegralRoundingAndSaturation) {
  auto in = unaryInputs<float>();
  for (float f : {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 8388607.5f, -0.25f})
    in.push_back(f);
  auto rni = run<float>("cvt_rni_f32_f32", in), rzi = run<float>("cvt_rzi_f32_f32", in);
  auto rmi = run<float>("cvt_rmi_f32_f32", in), rpi = run<float>("cvt_rpi_f32_f32", in);
  auto sat = run<float>("cvt_sat_f32_f32", in), ftzSat = run<float>("cvt_ftz_sat_f32_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    float x = in[i];
    EXPECT_SAME(std::nearbyint(x), rni[i], "cvt.rni.f32.f32 " << show(x));
    EXPECT_SAME(std::trunc(x), rzi[i], "cvt.rzi.f32.f32 " << show(x));
    EXPECT_SAME(std::floor(x), rmi[i], "cvt.rmi.f32.f32 " << show(x));
    EXPECT_SAME(std::ceil(x), rpi[i], "cvt.rpi.f32.f32 " << show(x));
    EXPECT_SAME(saturate(x), sat[i], "cvt.sat.f32.f32 " << show(x));
    EXPECT_SAME(saturate(flush(x)), ftzSat[i], "cvt.ftz.sat.f32.f32 " << show(x));
  }
  auto din = unaryInputs<double>();
  auto drni = run<double>("cvt_rni_f64_f64", din);
  for (size_t i = 0; i < din.size(); ++i)
    EXPECT_SAME(std::nearbyint(din[i]), drni[i], "cvt.rni.f64.f64");
}

/// Saturating float -> integer with PTX's rules (NaN -> 0).
template <typename I, typename F> I saturatingCast(F x) {
  if (std::isnan(x))
    return 0;
  if (x <= F(std::numeric_limits<I>::min()))
    return std::numeric_limits<I>::min();
  if (x >= F(std::numeric_limits<I>::max()))
    return std::numeric_limits<I>::max();
  return I(x);
}

TEST_F(FloatExec, CvtFloatToInteger) {
  auto in = unaryInputs<float>();
  for (float f : {2.5f, 3.5f, -2.5f, 3e9f, -3e9f, 4294967040.0f, 0.99999994f})
    in.push_back(f);
  auto rzi = run<int>("cvt_rzi_s32_f32", in), rni = run<int>("cvt_rni_s32_f32", in);
  auto rmi = run<int>("cvt_rmi_s32_f32", in), rpi = run<int>("cvt_rpi_s32_f32", in);
  auto u = run<unsigned>("cvt_rzi_u32_f32", in);
  auto u64 = run<unsigned long long>("cvt_rni_u64_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    float x = in[i];
    EXPECT_EQ(rzi[i], saturatingCast<int>(std::trunc(x))) << "cvt.rzi.s32.f32 " << show(x);
    EXPECT_EQ(rni[i], saturatingCast<int>(std::nearbyint(x))) << "cvt.rni.s32.f32 " << show(x);
    EXPECT_EQ(rmi[i], saturatingCast<int>(std::floor(x))) << "cvt.rmi.s32.f32 " << show(x);
    EXPECT_EQ(rpi[i], saturatingCast<int>(std::ceil(x))) << "cvt.rpi.s32.f32 " << show(x);
    EXPECT_EQ(u[i], saturatingCast<unsigned>(std::trunc(x))) << "cvt.rzi.u32.f32 " << show(x);
    EXPECT_EQ(u64[i], saturatingCast<unsigned long long>(std::nearbyint(x))) << "cvt.rni.u64.f32 " << show(x);
  }
  auto din = unaryInputs<double>();
  auto drni = run<int>("cvt_rni_s32_f64", din);
  auto drzi = run<long long>("cvt_rzi_s64_f64", din);
  for (size_t i = 0; i < din.size(); ++i) {
    EXPECT_EQ(drni[i], saturatingCast<int>(std::nearbyint(din[i]))) << "cvt.rni.s32.f64 " << show(din[i]);
    EXPECT_EQ(drzi[i], saturatingCast<long long>(std::trunc(din[i]))) << "cvt.rzi.s64.f64 " << show(din[i]);
  }
  std::vector<uint16_t> h = {0x3E00 /*1.5*/, 0xC500 /*-5*/, 0x7C00, 0x7E00, 0x7BFF};
  auto fromHalf = run<int>("cvt_rzi_s32_f16", h);
  EXPECT_EQ(fromHalf[0], 1);
  EXPECT_EQ(fromHalf[1], -5);
  EXPECT_EQ(fromHalf[2], INT_MAX) << "+inf saturates";
  EXPECT_EQ(fromHalf[3], 0) << "NaN -> 0";
  EXPECT_EQ(fromHalf[4], 65504);
}

TEST_F(FloatExec, CvtIntegerToFloatEveryRounding) {
  std::vector<int> s32 = {0, 1, -1, 16777217, -16777217, INT_MAX, INT_MIN, 33554435, 123456789, -7};
  std::vector<unsigned> u32 = {0, 1, 16777217, 0xFFFFFFFFu, 0x80000001u, 33554435};
  std::vector<long long> s64 = {0, 1, -1, LLONG_MAX, LLONG_MIN, (1ll << 53) + 1, -((1ll << 53) + 3),
                                123456789012345678ll, -(1ll << 62) - 1};
  std::vector<unsigned long long> u64 = {0, 1, ULLONG_MAX, (1ull << 63) + 1, (1ull << 53) + 1, 0xFFFFFF0000000001ull};
  std::mt19937_64 rng(5);
  for (int k = 0; k < 200; ++k) {
    uint64_t v = rng() >> (k % 40);
    s32.push_back(int(uint32_t(v)));
    u32.push_back(uint32_t(v >> 7));
    s64.push_back((long long)v * (k % 2 ? 1 : -1));
    u64.push_back(v);
  }
  for (const Mode &m : kModes) {
    std::string s = m.suffix;
    if (s != "rm" && s != "rp" && s != "rz" && s != "rn")
      continue;
    auto f = run<float>("cvt_" + s + "_f32_s32", s32);
    for (size_t i = 0; i < s32.size(); ++i) {
      float e = rounded(m.fe, [&] { volatile int p = s32[i]; volatile float r = float(p); return float(r); });
      EXPECT_SAME(e, f[i], "cvt." << s << ".f32.s32 " << s32[i]);
    }
  }
  auto fu = run<float>("cvt_rn_f32_u32", u32), fuz = run<float>("cvt_rz_f32_u32", u32);
  auto d32 = run<double>("cvt_rn_f64_s32", s32);
  for (size_t i = 0; i < u32.size(); ++i) {
    EXPECT_SAME(float(u32[i]), fu[i], "cvt.rn.f32.u32 " << u32[i]);
    float e = rounded(FE_TOWARDZERO, [&] { volatile unsigned p = u32[i]; volatile float r = float(p); return float(r); });
    EXPECT_SAME(e, fuz[i], "cvt.rz.f32.u32 " << u32[i]);
  }
  for (size_t i = 0; i < s32.size(); ++i)
    EXPECT_SAME(double(s32[i]), d32[i], "cvt.rn.f64.s32");
  struct { const char *name; int fe; } d64[] = {{"cvt_rn_f64_s64", FE_TONEAREST},
                                                {"cvt_rz_f64_s64", FE_TOWARDZERO},
                                                {"cvt_rm_f64_s64", FE_DOWNWARD}};
  for (auto &c : d64) {
    auto r = run<double>(c.name, s64);
    for (size_t i = 0; i < s64.size(); ++i) {
      double e = rounded(c.fe, [&] { volatile long long p = s64[i]; volatile double r = double(p); return double(r); });
      EXPECT_SAME(e, r[i], c.name << " " << s64[i]);
    }
  }
  auto rpU = run<double>("cvt_rp_f64_u64", u64);
  auto rpF = run<float>("cvt_rp_f32_u64", u64);
  auto rnF = run<float>("cvt_rn_f32_s64", s64);
  for (size_t i = 0; i < u64.size(); ++i) {
    double e = rounded(FE_UPWARD, [&] { volatile unsigned long long p = u64[i]; volatile double r = double(p); return double(r); });
    float ef = rounded(FE_UPWARD, [&] { volatile unsigned long long p = u64[i]; volatile float r = float(p); return float(r); });
    EXPECT_SAME(e, rpU[i], "cvt.rp.f64.u64 " << u64[i]);
    EXPECT_SAME(ef, rpF[i], "cvt.rp.f32.u64 " << u64[i]);
  }
  for (size_t i = 0; i < s64.size(); ++i)
    EXPECT_SAME(float(s64[i]), rnF[i], "cvt.rn.f32.s64 " << s64[i]);
  auto h = run<uint16_t>("cvt_rn_f16_s32", s32);
  auto bf = run<uint16_t>("cvt_rn_bf16_s32", s32);
  for (size_t i = 0; i < s32.size(); ++i) {
    EXPECT_EQ(h[i], half().round(double(s32[i]), FE_TONEAREST)) << "cvt.rn.f16.s32 " << s32[i];
    EXPECT_EQ(bf[i], bfloat().round(double(s32[i]), FE_TONEAREST)) << "cvt.rn.bf16.s32 " << s32[i];
  }
}

/// Floats that hit every f16/bf16 rounding case: exact values, halfway
/// points, values just off them, overflow, subnormals of both formats.
std::vector<float> narrowingInputs() {
  std::vector<float> in = specialFloats();
  for (float base : {1.0f, 1.0009765625f, 2048.0f, 65504.0f, 6.103515625e-5f,
                     5.9604645e-8f, 3.0e-6f, 1.00390625f, 3.3895314e38f, 1e-40f}) {
    for (float k : {0.0f, 0.25f, 0.5f, 0.75f, 1.5f})
      for (float sign : {1.0f, -1.0f}) {
        float ulpHalf = base * 0x1p-10f, ulpBf = base * 0x1p-7f;
        in.push_back(sign * (base + k * ulpHalf));
        in.push_back(sign * (base + k * ulpBf));
        in.push_back(sign * std::nextafter(base + k * ulpHalf, INFINITY));
      }
  }
  auto more = randomValues<float>(300, 23);
  in.insert(in.end(), more.begin(), more.end());
  return in;
}

TEST_F(FloatExec, CvtToHalfAndBfloatEveryRounding) {
  auto in = narrowingInputs();
  for (const Mode &m : kModes) {
    auto h = run<uint16_t>(std::string("cvt_") + m.suffix + "_f16_f32", in);
    auto bf = run<uint16_t>(std::string("cvt_") + m.suffix + "_bf16_f32", in);
    for (size_t i = 0; i < in.size(); ++i) {
      uint16_t eh = half().round(in[i], m.fe), eb = bfloat().round(in[i], m.fe);
      if (std::isnan(in[i])) {
        EXPECT_TRUE(half().isNaN(h[i]) && bfloat().isNaN(bf[i]));
        continue;
      }
      EXPECT_EQ(h[i], eh) << "cvt." << m.suffix << ".f16.f32 " << show(in[i]);
      EXPECT_EQ(bf[i], eb) << "cvt." << m.suffix << ".bf16.f32 " << show(in[i]);
    }
  }
  auto relu = run<uint16_t>("cvt_rn_relu_f16_f32", in);
  auto bfRelu = run<uint16_t>("cvt_rn_relu_bf16_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    if (std::isnan(in[i])) {
      EXPECT_EQ(relu[i], 0x7FFF) << "relu: canonical NaN";
      EXPECT_EQ(bfRelu[i], 0x7FFF) << "relu: canonical NaN";
      continue;
    }
    double x = in[i] > 0 ? double(in[i]) : 0.0;
    EXPECT_EQ(relu[i], half().round(x, FE_TONEAREST)) << "cvt.rn.relu.f16.f32 " << show(in[i]);
    EXPECT_EQ(bfRelu[i], bfloat().round(x, FE_TONEAREST)) << "cvt.rn.relu.bf16.f32 " << show(in[i]);
  }
  // From f64: one rounding, never two (f64 -> f32 -> f16 would double-round).
  std::vector<double> din = unaryInputs<double>();
  for (double base : {1.0, 2048.0, 65504.0, 6.103515625e-5, 1.00390625})
    for (double k : {0.5, 0.5 + 1e-12, 0.5 - 1e-12, 0.25})
      din.push_back(base + k * base * 0x1p-10), din.push_back(base + k * base * 0x1p-7);
  auto h64 = run<uint16_t>("cvt_rn_f16_f64", din);
  auto hz64 = run<uint16_t>("cvt_rz_f16_f64", din);
  auto bf64 = run<uint16_t>("cvt_rn_bf16_f64", din);
  for (size_t i = 0; i < din.size(); ++i) {
    if (std::isnan(din[i]))
      continue;
    EXPECT_EQ(h64[i], half().round(din[i], FE_TONEAREST)) << "cvt.rn.f16.f64 " << show(din[i]);
    EXPECT_EQ(hz64[i], half().round(din[i], FE_TOWARDZERO)) << "cvt.rz.f16.f64 " << show(din[i]);
    EXPECT_EQ(bf64[i], bfloat().round(din[i], FE_TONEAREST)) << "cvt.rn.bf16.f64 " << show(din[i]);
  }
}

TEST_F(FloatExec, CvtFromHalfAndBfloatAndTf32) {
  std::vector<uint16_t> all(0x10000);
  for (uint32_t k = 0; k < 0x10000; ++k)
    all[k] = uint16_t(k);
  auto f = run<float>("cvt_f32_f16", all);
  auto d = run<double>("cvt_f64_f16", all);
  auto b = run<float>("cvt_f32_bf16", all);
  for (uint32_t k = 0; k < 0x10000; ++k) {
    EXPECT_SAME(float(half().decode(uint16_t(k))), f[k], "cvt.f32.f16 " << k);
    EXPECT_SAME(half().decode(uint16_t(k)), d[k], "cvt.f64.f16 " << k);
    EXPECT_SAME(float(bfloat().decode(uint16_t(k))), b[k], "cvt.f32.bf16 " << k);
  }
  auto in = narrowingInputs();
  auto tf = run<unsigned>("cvt_rna_tf32_f32", in);
  for (size_t i = 0; i < in.size(); ++i) {
    float x = in[i];
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(std::bit_cast<float>(tf[i])));
      continue;
    }
    // Round to 10 mantissa bits, ties away from zero.
    uint32_t bits = std::bit_cast<uint32_t>(x);
    uint32_t expect = std::isinf(x) ? bits : (bits + 0x1000u) & ~0x1FFFu;
    EXPECT_EQ(tf[i], expect) << "cvt.rna.tf32.f32 " << show(x);
  }
}

TEST_F(FloatExec, CvtPackedPairs) {
  auto hi = narrowingInputs();
  std::vector<float> lo(hi.rbegin(), hi.rend());
  auto h2 = run<unsigned>("cvt_rn_f16x2_f32", hi, lo);
  auto b2 = run<unsigned>("cvt_rn_bf16x2_f32", hi, lo);
  auto r2 = run<unsigned>("cvt_rn_relu_f16x2_f32", hi, lo);
  for (size_t i = 0; i < hi.size(); ++i) {
    if (std::isnan(hi[i]) || std::isnan(lo[i]))
      continue;
    uint32_t eh = uint32_t(half().round(hi[i], FE_TONEAREST)) << 16 | half().round(lo[i], FE_TONEAREST);
    uint32_t eb = uint32_t(bfloat().round(hi[i], FE_TONEAREST)) << 16 | bfloat().round(lo[i], FE_TONEAREST);
    // .relu: negative values and -0 become +0.
    uint32_t er = uint32_t(half().round(hi[i] > 0 ? double(hi[i]) : 0.0, FE_TONEAREST)) << 16 |
                  half().round(lo[i] > 0 ? double(lo[i]) : 0.0, FE_TONEAREST);
    EXPECT_EQ(h2[i], eh) << "cvt.rn.f16x2.f32: a is the upper half " << show(hi[i]) << " " << show(lo[i]);
    EXPECT_EQ(b2[i], eb) << "cvt.rn.bf16x2.f32 " << show(hi[i]) << " " << show(lo[i]);
    EXPECT_EQ(r2[i], er) << "cvt.rn.relu.f16x2.f32";
  }
}

//===----------------------------------------------------------------------===//
// f16, f16x2, bf16, bf16x2 arithmetic
//===----------------------------------------------------------------------===//

/// Sample of 16-bit patterns: specials, subnormals, and a stride through all.
std::vector<uint16_t> halfPatterns(uint32_t stride, uint32_t offset) {
  std::vector<uint16_t> v = {0x0000, 0x8000, 0x3C00, 0xBC00, 0x0001, 0x8001, 0x03FF, 0x0400,
                             0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x3555, 0x3800, 0x4000,
                             0x3F80, 0xBF80, 0x7F7F, 0x7F80, 0x0080, 0x007F, 0x7FC0};
  for (uint32_t k = offset; k < 0x10000; k += stride)
    v.push_back(uint16_t(k));
  return v;
}

uint16_t ftzHalf(uint16_t h) { return (h & 0x7C00) == 0 ? uint16_t(h & 0x8000) : h; }

TEST_F(FloatExec, HalfArithmetic) {
  std::vector<uint16_t> a, b, c;
  auto pa = halfPatterns(97, 3), pb = halfPatterns(89, 11), pc = halfPatterns(83, 5);
  for (size_t i = 0; i < pa.size(); ++i)
    for (size_t j = 0; j < 7; ++j) {
      a.push_back(pa[i]);
      b.push_back(pb[(i * 7 + j) % pb.size()]);
      c.push_back(pc[(i * 13 + j) % pc.size()]);
    }
  const Format16 &H = half(), &B = bfloat();
  auto add = run<uint16_t>("add_f16", a, b), addRn = run<uint16_t>("add_rn_f16", a, b);
  auto addFtz = run<uint16_t>("add_ftz_f16", a, b), addSat = run<uint16_t>("add_sat_f16", a, b);
  auto sub = run<uint16_t>("sub_f16", a, b), mul = run<uint16_t>("mul_f16", a, b);
  auto mn = run<uint16_t>("min_f16", a, b), mxNaN = run<uint16_t>("max_NaN_f16", a, b);
  auto fma = run<uint16_t>("fma_rn_f16", a, b, c), fmaFtz = run<uint16_t>("fma_rn_ftz_f16", a, b, c);
  auto fmaSat = run<uint16_t>("fma_rn_sat_f16", a, b, c), fmaRelu = run<uint16_t>("fma_rn_relu_f16", a, b, c);
  auto bAdd = run<uint16_t>("add_rn_bf16", a, b), bMul = run<uint16_t>("mul_rn_bf16", a, b);
  auto bFma = run<uint16_t>("fma_rn_bf16", a, b, c), bMin = run<uint16_t>("min_bf16", a, b);
  auto neg = run<uint16_t>("neg_f16", a), abs = run<uint16_t>("abs_f16", a);
  auto bNeg = run<uint16_t>("neg_bf16", a);
  auto lt = run<int>("setp_lt_f16", a, b), geu = run<int>("setp_geu_bf16", a, b);
  auto nanOr = [&](const Format16 &F, uint16_t got, double expected, const char *what, size_t i) {
    if (std::isnan(expected))
      EXPECT_TRUE(F.isNaN(got)) << what << " " << a[i] << " " << b[i];
    else
      EXPECT_EQ(got, F.round(expected, FE_TONEAREST)) << what << " " << a[i] << " " << b[i] << " " << c[i];
  };
  for (size_t i = 0; i < a.size(); ++i) {
    double x = H.decode(a[i]), y = H.decode(b[i]), z = H.decode(c[i]);
    // Sums and products of two f16 are exact in double: one rounding.
    nanOr(H, add[i], x + y, "add.f16", i);
    nanOr(H, addRn[i], x + y, "add.rn.f16", i);
    nanOr(H, sub[i], x - y, "sub.f16", i);
    nanOr(H, mul[i], x * y, "mul.f16", i);
    double fx = H.decode(ftzHalf(a[i])), fy = H.decode(ftzHalf(b[i])), fz = H.decode(ftzHalf(c[i]));
    if (!std::isnan(fx + fy))
      EXPECT_EQ(addFtz[i], ftzHalf(H.round(fx + fy, FE_TONEAREST))) << "add.ftz.f16";
    if (!std::isnan(x + y))
      EXPECT_EQ(addSat[i], H.round(saturate(float(H.decode(H.round(x + y, FE_TONEAREST)))), FE_TONEAREST)) << "add.sat.f16";
    else
      EXPECT_EQ(addSat[i], 0) << "add.sat.f16 of NaN is +0";
    // x*y+z is exact in double for f16 operands (|terms| in 2^-48..2^32).
    nanOr(H, fma[i], x * y + z, "fma.rn.f16", i);
    if (!std::isnan(fx * fy + fz))
      EXPECT_EQ(fmaFtz[i], ftzHalf(H.round(fx * fy + fz, FE_TONEAREST))) << "fma.rn.ftz.f16";
    double r = H.decode(H.round(x * y + z, FE_TONEAREST));
    if (!std::isnan(x * y + z)) {
      EXPECT_EQ(fmaSat[i], H.round(saturate(float(r)), FE_TONEAREST)) << "fma.rn.sat.f16";
      EXPECT_EQ(fmaRelu[i], H.round(r > 0 ? r : 0.0, FE_TONEAREST)) << "fma.rn.relu.f16";
    } else {
      EXPECT_EQ(fmaRelu[i], 0x7FFF) << "fma.rn.relu.f16 NaN is canonical";
    }
    double m = ptxMin(x, y);
    if (std::isnan(m))
      EXPECT_EQ(mn[i], 0x7FFF) << "min.f16 of two NaNs";
    else
      EXPECT_EQ(mn[i], H.round(m, FE_TONEAREST)) << "min.f16 " << a[i] << " " << b[i];
    if (std::isnan(x) || std::isnan(y))
      EXPECT_EQ(mxNaN[i], 0x7FFF) << "max.NaN.f16";
    else
      EXPECT_EQ(mxNaN[i], H.round(ptxMax(x, y), FE_TONEAREST)) << "max.NaN.f16";
    EXPECT_EQ(neg[i], uint16_t(a[i] ^ 0x8000)) << "neg.f16";
    EXPECT_EQ(abs[i], uint16_t(a[i] & 0x7FFF)) << "abs.f16";
    EXPECT_EQ(bNeg[i], uint16_t(a[i] ^ 0x8000)) << "neg.bf16";
    EXPECT_EQ(lt[i], int(compare("lt", x, y))) << "setp.lt.f16";
    double bx = B.decode(a[i]), by = B.decode(b[i]), bz = B.decode(c[i]);
    EXPECT_EQ(geu[i], int(compare("geu", bx, by))) << "setp.geu.bf16";
    // bf16 sums can be inexact in double (wide exponent range): compare
    // with the sum rounded to odd in double, which rounds correctly again.
    auto roundOdd = [](double hiPart, double loPart) {
      double s = hiPart + loPart;
      double bb = s - hiPart, err = (hiPart - (s - bb)) + (loPart - bb);
      if (err != 0 && std::isfinite(s) && !(std::bit_cast<uint64_t>(s) & 1))
        s = std::nextafter(s, err > 0 ? INFINITY : -INFINITY);
      return s;
    };
    nanOr(B, bAdd[i], roundOdd(bx, by), "add.rn.bf16", i);
    nanOr(B, bMul[i], bx * by, "mul.rn.bf16", i);
    nanOr(B, bFma[i], roundOdd(bx * by, bz), "fma.rn.bf16", i);
    double bm = ptxMin(bx, by);
    if (std::isnan(bm))
      EXPECT_EQ(bMin[i], 0x7FFF);
    else
      EXPECT_EQ(bMin[i], B.round(bm, FE_TONEAREST)) << "min.bf16";
  }
}

TEST_F(FloatExec, PackedHalfArithmetic) {
  auto pa = halfPatterns(61, 1), pb = halfPatterns(67, 2), pc = halfPatterns(71, 3);
  std::vector<unsigned> a, b, c;
  for (size_t i = 0; i < pa.size(); ++i) {
    a.push_back(uint32_t(pa[i]) << 16 | pb[(i * 3) % pb.size()]);
    b.push_back(uint32_t(pb[i % pb.size()]) << 16 | pc[(i * 5) % pc.size()]);
    c.push_back(uint32_t(pc[i % pc.size()]) << 16 | pa[(i * 7) % pa.size()]);
  }
  const Format16 &H = half(), &B = bfloat();
  auto add = run<unsigned>("add_f16x2", a, b), mul = run<unsigned>("mul_f16x2", a, b);
  auto mx = run<unsigned>("max_f16x2", a, b), fma = run<unsigned>("fma_rn_f16x2", a, b, c);
  auto bAdd = run<unsigned>("add_rn_bf16x2", a, b), bFma = run<unsigned>("fma_rn_bf16x2", a, b, c);
  auto abs = run<unsigned>("abs_f16x2", a);
  auto lt = run<int>("setp_lt_f16x2", a, b);
  auto gt = run<unsigned>("set_gt_f16x2_f16x2", a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    for (int lane = 0; lane < 2; ++lane) {
      int shift = 16 * lane;
      uint16_t ha = uint16_t(a[i] >> shift), hb = uint16_t(b[i] >> shift), hc = uint16_t(c[i] >> shift);
      double x = H.decode(ha), y = H.decode(hb), z = H.decode(hc);
      auto lanes = [&](unsigned v) { return uint16_t(v >> shift); };
      auto check = [&](const Format16 &F, unsigned got, double e, const char *what) {
        if (std::isnan(e))
          EXPECT_TRUE(F.isNaN(lanes(got))) << what;
        else
          EXPECT_EQ(lanes(got), F.round(e, FE_TONEAREST)) << what << " lane " << lane << " " << ha << " " << hb;
      };
      check(H, add[i], x + y, "add.f16x2");
      check(H, mul[i], x * y, "mul.f16x2");
      check(H, fma[i], x * y + z, "fma.rn.f16x2");
      double m = ptxMax(x, y);
      check(H, mx[i], m, "max.f16x2");
      EXPECT_EQ(lanes(abs[i]), uint16_t(ha & 0x7FFF)) << "abs.f16x2";
      EXPECT_EQ((lt[i] >> lane) & 1, int(compare("lt", x, y))) << "setp.lt.f16x2: p is the low half";
      EXPECT_EQ(lanes(gt[i]), compare("gt", x, y) ? 0x3C00 : 0) << "set.gt.f16x2.f16x2: 1.0 or 0.0";
      double bx = B.decode(ha), by = B.decode(hb), bz = B.decode(hc);
      if (std::isfinite(bx) && std::isfinite(by) && std::fabs(bx) > 1e-30 && std::fabs(by) > 1e-30 &&
          std::fabs(bx) < 1e30 && std::fabs(by) < 1e30) {
        check(B, bAdd[i], bx + by, "add.rn.bf16x2"); // exact in double in this range
        if (std::isfinite(bz) && (bz == 0 || (std::fabs(bz) > 1e-30 && std::fabs(bz) < 1e30)))
          check(B, bFma[i], bx * by + bz, "fma.rn.bf16x2");
      }
    }
  }
}

TEST_F(FloatExec, HalfApproximations) {
  std::vector<uint16_t> in = halfPatterns(37, 0);
  const Format16 &H = half(), &B = bfloat();
  auto ex2 = run<uint16_t>("ex2_approx_f16", in);
  auto bex2 = run<uint16_t>("ex2_approx_ftz_bf16", in);
  auto th = run<uint16_t>("tanh_approx_f16", in);
  for (size_t i = 0; i < in.size(); ++i) {
    double x = H.decode(in[i]);
    double e = std::exp2(x);
    // CUDA documents max relative error 2^-9.9 for ex2.approx.f16 and
    // 2^-10.987 for tanh.approx.f16; 2^-7 for ex2.approx.ftz.bf16.
    if (std::isnan(x)) {
      EXPECT_TRUE(H.isNaN(ex2[i]));
      continue;
    }
    double got = H.decode(ex2[i]);
    if (e < 65504 && e > 6.2e-5)
      EXPECT_NEAR(got, e, e * std::ldexp(1.0, -9.9)) << "ex2.approx.f16 " << x;
    double t = std::tanh(x);
    if (std::fabs(t) > 6.2e-5)
      EXPECT_NEAR(H.decode(th[i]), t, std::fabs(t) * std::ldexp(1.0, -10.9)) << "tanh.approx.f16 " << x;
    double bx = B.decode(in[i]);
    if (std::isnan(bx))
      continue;
    double be = std::exp2(std::fpclassify(bx) == FP_SUBNORMAL ? 0.0 : bx);
    double bgot = B.decode(bex2[i]);
    if (be < 3e38 && be > 1.2e-38)
      EXPECT_NEAR(bgot, be, be * std::ldexp(1.0, -7)) << "ex2.approx.ftz.bf16 " << bx;
  }
}

} // namespace
