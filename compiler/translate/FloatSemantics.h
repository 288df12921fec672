//===- translate/FloatSemantics.h - IEEE building blocks for PTX -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Internal to the translator (FloatingPoint.cpp, Conversion.cpp). Builds
// LLVM IR that computes PTX's floating-point results exactly, without ever
// touching the host's rounding mode:
//
//   directed rounding  the round-to-nearest result r is computed with plain
//                      IEEE operations; an error-free transformation gives
//                      the sign of (exact - r) (TwoSum for add, fma pairs for
//                      mul/div/sqrt, an exact double computation for f32 fma
//                      and f32 mul, a TwoSum cascade for f64 fma); r then
//                      steps one ulp (integer nextafter) toward the requested
//                      direction when the exact result lies on that side.
//                      Everything is select/integer arithmetic, so thread
//                      loops stay vectorizable;
//   narrow types       f16 and bf16 (and their x2 vectors) are computed in
//                      f32 and rounded once: f32 has >= 2p+2 bits, so the
//                      double rounding of +,-,*,/,sqrt is innocuous; fma
//                      rounds to odd in f32 first. bf16 conversions are
//                      integer code (no compiler-rt calls);
//   ftz                sign-preserving flush of subnormals, by bit tests.
//
// Every helper works elementwise on scalars and fixed vectors.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_FLOATSEMANTICS_H
#define CUPORT_TRANSLATE_FLOATSEMANTICS_H

#include "ptx/Ast.h"

#include "llvm/IR/IRBuilder.h"

#include <utility>

namespace cuport::translate::fp {

/// Odd is internal: round to odd, the exact intermediate step of double
/// roundings (rounding its result again to >= 2 fewer bits is correct).
enum class Rounding { Nearest, NearestAway, Zero, Down, Up, Odd };

/// .rn/.rna/.rz/.rm/.rp (and the integral forms .rni/.rzi/.rmi/.rpi) of an
/// instruction; Nearest when it names none.
Rounding roundingOf(const ptx::Instruction &inst);
/// True when the instruction names an integral rounding (.rni ...).
bool hasIntegralRounding(const ptx::Instruction &inst);

class FloatBuilder {
public:
  explicit FloatBuilder(llvm::IRBuilder<> &builder) : b_(builder) {}

  // Bits and classification.
  llvm::Type *intTypeFor(llvm::Type *floatType);
  llvm::Value *bits(llvm::Value *v);
  llvm::Value *fromBits(llvm::Value *bits, llvm::Type *floatType);
  llvm::Value *signBit(llvm::Value *v); ///< i1 (vector)
  llvm::Value *isNaN(llvm::Value *v);
  llvm::Value *isInf(llvm::Value *v);
  llvm::Value *isFinite(llvm::Value *v);
  llvm::Value *isZero(llvm::Value *v);
  llvm::Value *isSubnormal(llvm::Value *v);
  llvm::Value *canonicalNaN(llvm::Type *floatType);
  llvm::Value *largestFinite(llvm::Type *floatType, llvm::Value *negative);

  // PTX modifiers.
  llvm::Value *flushSubnormal(llvm::Value *v); ///< .ftz
  llvm::Value *saturate(llvm::Value *v);       ///< .sat: [0,1], NaN -> +0
  llvm::Value *relu(llvm::Value *v);           ///< .relu: NaN -> canonical
  llvm::Value *satFinite(llvm::Value *v);      ///< .satfinite: inf -> max

  // One-ulp steps (integer nextafter; never called on NaN).
  llvm::Value *stepUp(llvm::Value *v);
  llvm::Value *stepDown(llvm::Value *v);
  /// Corrects the round-to-nearest result `r` for `mode`, given whether the
  /// exact result lies above or below r.
  llvm::Value *applyRounding(Rounding mode, llvm::Value *r, llvm::Value *above,
                             llvm::Value *below);
  /// Rounds to odd: when inexact (above/below), an even r steps toward the
  /// exact value. Rounding the result again to >= 2 fewer bits is exact.
  llvm::Value *roundToOdd(llvm::Value *r, llvm::Value *above, llvm::Value *below);

  // Error-free transformations.
  std::pair<llvm::Value *, llvm::Value *> twoSum(llvm::Value *a, llvm::Value *b);
  /// Whether x*y+z (exact) is > 0 and < 0, from fma(x,y,z) and
  /// fma(-x,y,-z): IEEE keeps the sign of a nonzero result that rounds to
  /// zero, and gives +0 only for an exact zero.
  std::pair<llvm::Value *, llvm::Value *> fmaSign(llvm::Value *x, llvm::Value *y,
                                                  llvm::Value *z);

  // f32 / f64 arithmetic with every rounding mode.
  llvm::Value *add(llvm::Value *a, llvm::Value *b, Rounding mode);
  llvm::Value *mul(llvm::Value *a, llvm::Value *b, Rounding mode);
  llvm::Value *fma(llvm::Value *a, llvm::Value *b, llvm::Value *c, Rounding mode);
  llvm::Value *div(llvm::Value *a, llvm::Value *b, Rounding mode);
  llvm::Value *sqrt(llvm::Value *a, Rounding mode);

  // Narrow formats (half, bfloat and vectors of them).
  /// half/bfloat (vector) -> float (vector), exactly; f32/f64 unchanged.
  llvm::Value *widenToF32(llvm::Value *v);
  /// float (vector) -> half/bfloat (vector) with `mode`.
  llvm::Value *narrowFromF32(llvm::Value *v, llvm::Type *target, Rounding mode);
  /// fma of narrow values computed in f32 (round to odd), then narrowed.
  llvm::Value *narrowFma(llvm::Value *a, llvm::Value *b, llvm::Value *c,
                         llvm::Type *target);

  // Conversions.
  /// Any float (vector) -> any float type, with `mode` when narrowing.
  llvm::Value *convertFloat(llvm::Value *v, llvm::Type *target, Rounding mode);
  /// Integer -> float type with `mode`.
  llvm::Value *intToFloat(llvm::Value *v, bool isSigned, llvm::Type *target,
                          Rounding mode);

private:
  llvm::Constant *splatInt(llvm::Type *intType, uint64_t value);
  llvm::Value *f64ToF32(llvm::Value *v, Rounding mode);
  llvm::Value *f32ToBf16Nearest(llvm::Value *v, bool tiesAway);
  llvm::Value *intToF64(llvm::Value *v, bool isSigned, Rounding mode);

  llvm::IRBuilder<> &b_;
};

} // namespace cuport::translate::fp

#endif // CUPORT_TRANSLATE_FLOATSEMANTICS_H
