//===- translate/FloatSemantics.cpp - IEEE building blocks for PTX --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// See FloatSemantics.h. The arguments for exactness, briefly:
//   - add/sub: TwoSum's error is exact for every finite input (sums that
//     underflow are exact); overflow (r = inf from finite inputs) means the
//     exact result lies on the finite side of r.
//   - f32 mul and f32 fma: the product of two f32 is exact in f64; for fma,
//     TwoSum(p, c) in f64 gives the exact sum s + t and s - r is exact
//     (Sterbenz, or r = 0), so sign((s - r) + t) is exact.
//   - f64 mul, div, sqrt, rcp: only the sign of the exact remainder
//     (a*b - r, a - q*b, a - r*r) is needed; fma computes each with a single
//     rounding, and a pair fma(x,y,z), fma(-x,y,-z) tells positive, negative
//     and exact zero apart even when the remainder underflows. fma never
//     overflows internally, so overflowed results (r = inf from finite
//     inputs) come out on the right side by themselves.
//   - f64 fma: ErrFma-style: a*b = u1 + u2 (exact), u1 + c = s + t (exact),
//     and sign(u2 + t + (s - r)) by a TwoSum cascade; when r == c the error
//     is a*b itself (any magnitude); products below 2^-969 run the cascade
//     scaled by 2^600 (then c and r are tiny too). Not exact only when a*b
//     overflows while the fma result does not (documented limitation).
//   - narrow types go through f32 (or f64 with round-to-odd).
//
//===----------------------------------------------------------------------===//
#include "translate/FloatSemantics.h"

#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace cuport::translate::fp {

Rounding roundingOf(const ptx::Instruction &inst) {
  if (inst.has("rz") || inst.has("rzi"))
    return Rounding::Zero;
  if (inst.has("rm") || inst.has("rmi"))
    return Rounding::Down;
  if (inst.has("rp") || inst.has("rpi"))
    return Rounding::Up;
  if (inst.has("rna"))
    return Rounding::NearestAway;
  return Rounding::Nearest;
}

bool hasIntegralRounding(const ptx::Instruction &inst) {
  return inst.has("rni") || inst.has("rzi") || inst.has("rmi") || inst.has("rpi");
}

namespace {

/// Bit layout of an IEEE-style format.
struct Layout {
  unsigned bits;
  uint64_t sign, exponent, mantissa;
};

Layout layoutOf(Type *type) {
  Type *scalar = type->getScalarType();
  if (scalar->isHalfTy())
    return {16, 0x8000, 0x7C00, 0x03FF};
  if (scalar->isBFloatTy())
    return {16, 0x8000, 0x7F80, 0x007F};
  if (scalar->isFloatTy())
    return {32, 0x80000000u, 0x7F800000u, 0x007FFFFFu};
  return {64, 0x8000000000000000ull, 0x7FF0000000000000ull,
          0x000FFFFFFFFFFFFFull};
}

} // namespace

//===----------------------------------------------------------------------===//
// Bits and classification
//===----------------------------------------------------------------------===//

Type *FloatBuilder::intTypeFor(Type *floatType) {
  Type *scalar = b_.getIntNTy(floatType->getScalarSizeInBits());
  if (auto *vector = dyn_cast<FixedVectorType>(floatType))
    return FixedVectorType::get(scalar, vector->getNumElements());
  return scalar;
}

Constant *FloatBuilder::splatInt(Type *intType, uint64_t value) {
  return ConstantInt::get(intType, value);
}

Value *FloatBuilder::bits(Value *v) {
  return b_.CreateBitCast(v, intTypeFor(v->getType()));
}

Value *FloatBuilder::fromBits(Value *i, Type *floatType) {
  return b_.CreateBitCast(i, floatType);
}

Value *FloatBuilder::signBit(Value *v) {
  Value *i = bits(v);
  return b_.CreateICmpSLT(i, splatInt(i->getType(), 0));
}

Value *FloatBuilder::isNaN(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *magnitude = b_.CreateAnd(i, splatInt(i->getType(), ~l.sign));
  return b_.CreateICmpUGT(magnitude, splatInt(i->getType(), l.exponent));
}

Value *FloatBuilder::isInf(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *magnitude = b_.CreateAnd(i, splatInt(i->getType(), ~l.sign));
  return b_.CreateICmpEQ(magnitude, splatInt(i->getType(), l.exponent));
}

Value *FloatBuilder::isFinite(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *magnitude = b_.CreateAnd(i, splatInt(i->getType(), ~l.sign));
  return b_.CreateICmpULT(magnitude, splatInt(i->getType(), l.exponent));
}

Value *FloatBuilder::isZero(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *magnitude = b_.CreateAnd(i, splatInt(i->getType(), ~l.sign));
  return b_.CreateICmpEQ(magnitude, splatInt(i->getType(), 0));
}

Value *FloatBuilder::isSubnormal(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *exponentZero = b_.CreateICmpEQ(
      b_.CreateAnd(i, splatInt(i->getType(), l.exponent)), splatInt(i->getType(), 0));
  Value *mantissaSet = b_.CreateICmpNE(
      b_.CreateAnd(i, splatInt(i->getType(), l.mantissa)), splatInt(i->getType(), 0));
  return b_.CreateAnd(exponentZero, mantissaSet);
}

Value *FloatBuilder::canonicalNaN(Type *floatType) {
  Layout l = layoutOf(floatType);
  uint64_t all = l.bits == 64 ? ~0ull : ((1ull << l.bits) - 1);
  return fromBits(splatInt(intTypeFor(floatType), all & ~l.sign), floatType);
}

Value *FloatBuilder::largestFinite(Type *floatType, Value *negative) {
  Layout l = layoutOf(floatType);
  Type *it = intTypeFor(floatType);
  Value *magnitude = splatInt(it, l.exponent - 1);
  Value *withSign = b_.CreateSelect(
      negative, b_.CreateOr(magnitude, splatInt(it, l.sign)), magnitude);
  return fromBits(withSign, floatType);
}

//===----------------------------------------------------------------------===//
// PTX modifiers
//===----------------------------------------------------------------------===//

Value *FloatBuilder::flushSubnormal(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Value *signedZero = fromBits(b_.CreateAnd(i, splatInt(i->getType(), l.sign)),
                               v->getType());
  return b_.CreateSelect(isSubnormal(v), signedZero, v);
}

Value *FloatBuilder::saturate(Value *v) {
  Type *t = v->getType();
  Constant *zero = ConstantFP::get(t, 0.0), *one = ConstantFP::get(t, 1.0);
  // Ordered compares: NaN and -0 (and every negative) give +0.
  Value *belowOne = b_.CreateSelect(b_.CreateFCmpOLT(v, one), v, one);
  return b_.CreateSelect(b_.CreateFCmpOGT(v, zero), belowOne, zero);
}

Value *FloatBuilder::relu(Value *v) {
  Type *t = v->getType();
  Constant *zero = ConstantFP::get(t, 0.0);
  Value *positive = b_.CreateSelect(b_.CreateFCmpOGT(v, zero), v, zero);
  return b_.CreateSelect(isNaN(v), canonicalNaN(t), positive);
}

Value *FloatBuilder::satFinite(Value *v) {
  return b_.CreateSelect(isInf(v), largestFinite(v->getType(), signBit(v)), v);
}

//===----------------------------------------------------------------------===//
// Steps and rounding correction
//===----------------------------------------------------------------------===//

Value *FloatBuilder::stepUp(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Type *it = i->getType();
  Value *next = b_.CreateSelect(signBit(v), b_.CreateSub(i, splatInt(it, 1)),
                                b_.CreateAdd(i, splatInt(it, 1)));
  (void)l;
  next = b_.CreateSelect(isZero(v), splatInt(it, 1), next);
  return fromBits(next, v->getType());
}

Value *FloatBuilder::stepDown(Value *v) {
  Layout l = layoutOf(v->getType());
  Value *i = bits(v);
  Type *it = i->getType();
  Value *next = b_.CreateSelect(signBit(v), b_.CreateAdd(i, splatInt(it, 1)),
                                b_.CreateSub(i, splatInt(it, 1)));
  next = b_.CreateSelect(isZero(v), splatInt(it, l.sign | 1), next);
  return fromBits(next, v->getType());
}

Value *FloatBuilder::applyRounding(Rounding mode, Value *r, Value *above,
                                   Value *below) {
  switch (mode) {
  case Rounding::Nearest:
  case Rounding::NearestAway:
    return r;
  case Rounding::Odd:
    return roundToOdd(r, above, below);
  case Rounding::Down:
    return b_.CreateSelect(below, stepDown(r), r);
  case Rounding::Up:
    return b_.CreateSelect(above, stepUp(r), r);
  case Rounding::Zero: {
    Value *negative = signBit(r);
    Value *towardZeroDown = b_.CreateAnd(b_.CreateNot(negative), below);
    Value *towardZeroUp = b_.CreateAnd(negative, above);
    Value *result = b_.CreateSelect(towardZeroDown, stepDown(r), r);
    return b_.CreateSelect(towardZeroUp, stepUp(r), result);
  }
  }
  return r;
}

Value *FloatBuilder::roundToOdd(Value *r, Value *above, Value *below) {
  Value *i = bits(r);
  Value *even = b_.CreateICmpEQ(b_.CreateAnd(i, splatInt(i->getType(), 1)),
                                splatInt(i->getType(), 0));
  Value *inexact = b_.CreateOr(above, below);
  Value *stepped = b_.CreateSelect(above, stepUp(r), stepDown(r));
  return b_.CreateSelect(b_.CreateAnd(inexact, even), stepped, r);
}

//===----------------------------------------------------------------------===//
// Error-free transformations and arithmetic
//===----------------------------------------------------------------------===//

std::pair<Value *, Value *> FloatBuilder::twoSum(Value *a, Value *b) {
  Value *s = b_.CreateFAdd(a, b);
  Value *bb = b_.CreateFSub(s, a);
  Value *err = b_.CreateFAdd(b_.CreateFSub(a, b_.CreateFSub(s, bb)),
                             b_.CreateFSub(b, bb));
  return {s, err};
}

std::pair<Value *, Value *> FloatBuilder::fmaSign(Value *x, Value *y, Value *z) {
  Type *t = x->getType();
  Value *e1 = b_.CreateIntrinsic(Intrinsic::fma, {t}, {x, y, z});
  Value *e2 = b_.CreateIntrinsic(Intrinsic::fma, {t},
                                 {b_.CreateFNeg(x), y, b_.CreateFNeg(z)});
  // When x*y and z are both zero the exact result is a signed zero and the
  // rule above does not apply; there is nothing to correct.
  Value *zeroTerms = b_.CreateAnd(b_.CreateOr(isZero(x), isZero(y)), isZero(z));
  Value *valid = b_.CreateNot(b_.CreateOr(zeroTerms, isNaN(e1)));
  Value *positive = b_.CreateAnd(signBit(e2), valid);
  Value *negative = b_.CreateAnd(signBit(e1), valid);
  return {positive, negative};
}

Value *FloatBuilder::add(Value *a, Value *b, Rounding mode) {
  Value *r = b_.CreateFAdd(a, b);
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return r;
  auto [sum, err] = twoSum(a, b);
  (void)sum;
  Constant *zero = ConstantFP::get(a->getType(), 0.0);
  Value *above = b_.CreateFCmpOGT(err, zero);
  Value *below = b_.CreateFCmpOLT(err, zero);
  Value *overflow = b_.CreateAnd(isInf(r), b_.CreateAnd(isFinite(a), isFinite(b)));
  Value *rNegative = signBit(r);
  above = b_.CreateOr(above, b_.CreateAnd(overflow, rNegative));
  below = b_.CreateOr(below, b_.CreateAnd(overflow, b_.CreateNot(rNegative)));
  if (mode == Rounding::Down) {
    // An exact zero sum is -0 when rounding down (x + -x, +0 + -0).
    Layout l = layoutOf(a->getType());
    Value *sign = b_.CreateAnd(b_.CreateOr(bits(a), bits(b)),
                               splatInt(intTypeFor(a->getType()), l.sign));
    r = b_.CreateSelect(isZero(r), fromBits(sign, a->getType()), r);
  }
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::mul(Value *a, Value *b, Rounding mode) {
  Value *r = b_.CreateFMul(a, b);
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return r;
  Value *above, *below;
  if (a->getType()->getScalarType()->isFloatTy()) {
    Type *d = a->getType()->getWithNewType(b_.getDoubleTy());
    Value *exact = b_.CreateFMul(b_.CreateFPExt(a, d), b_.CreateFPExt(b, d));
    Value *rounded = b_.CreateFPExt(r, d);
    above = b_.CreateFCmpOGT(exact, rounded);
    below = b_.CreateFCmpOLT(exact, rounded);
  } else {
    std::tie(above, below) = fmaSign(a, b, b_.CreateFNeg(r));
  }
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::fma(Value *a, Value *b, Value *c, Rounding mode) {
  Type *t = a->getType();
  Value *r = b_.CreateIntrinsic(Intrinsic::fma, {t}, {a, b, c});
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return r;
  Value *above, *below;
  if (t->getScalarType()->isFloatTy()) {
    Type *d = t->getWithNewType(b_.getDoubleTy());
    Value *product = b_.CreateFMul(b_.CreateFPExt(a, d), b_.CreateFPExt(b, d));
    auto [s, err] = twoSum(product, b_.CreateFPExt(c, d));
    Value *exactMinusR =
        b_.CreateFAdd(b_.CreateFSub(s, b_.CreateFPExt(r, d)), err);
    Constant *zero = ConstantFP::get(d, 0.0);
    above = b_.CreateFCmpOGT(exactMinusR, zero);
    below = b_.CreateFCmpOLT(exactMinusR, zero);
  } else {
    // a*b + c - r = (a*b - u1) + (u1 + c - s) + (s - r), each term exact
    // while a*b >= 2^-969.
    auto cascade = [&](Value *x, Value *y, Value *z, Value *rr) {
      Value *u1 = b_.CreateFMul(x, y);
      Value *u2 = b_.CreateIntrinsic(Intrinsic::fma, {t}, {x, y, b_.CreateFNeg(u1)});
      auto [s, t1] = twoSum(u1, z);
      Value *d = b_.CreateFSub(s, rr);
      auto [h, l] = twoSum(u2, t1);
      auto [g, l2] = twoSum(h, d);
      return b_.CreateFAdd(g, b_.CreateFAdd(l, l2));
    };
    Value *exactMinusR = cascade(a, b, c, r);
    // Below 2^-969 the product's low part underflows. Then (r != c) c and r
    // are below 2^-914 too: scale c, r and the smaller factor by 2^600
    // (exact) and run the cascade there.
    Value *tiny = b_.CreateFCmpOLT(
        b_.CreateUnaryIntrinsic(Intrinsic::fabs, b_.CreateFMul(a, b)),
        ConstantFP::get(t, 0x1p-969));
    Constant *scale = ConstantFP::get(t, 0x1p600);
    Value *aSmaller = b_.CreateFCmpOLT(b_.CreateUnaryIntrinsic(Intrinsic::fabs, a),
                                       b_.CreateUnaryIntrinsic(Intrinsic::fabs, b));
    Value *sa = b_.CreateSelect(aSmaller, b_.CreateFMul(a, scale), a);
    Value *sb = b_.CreateSelect(aSmaller, b, b_.CreateFMul(b, scale));
    Value *scaled = cascade(sa, sb, b_.CreateFMul(c, scale), b_.CreateFMul(r, scale));
    exactMinusR = b_.CreateSelect(tiny, scaled, exactMinusR);
    Constant *zero = ConstantFP::get(t, 0.0);
    Value *overflow = b_.CreateAnd(
        isInf(r), b_.CreateAnd(isFinite(a), b_.CreateAnd(isFinite(b), isFinite(c))));
    Value *rNegative = signBit(r);
    above = b_.CreateSelect(overflow, rNegative,
                            b_.CreateFCmpOGT(exactMinusR, zero));
    below = b_.CreateSelect(overflow, b_.CreateNot(rNegative),
                            b_.CreateFCmpOLT(exactMinusR, zero));
    // r == c (finite): the exact error is the product a*b itself, whatever
    // its size; this covers products far below the subnormal range.
    Value *rIsC = b_.CreateAnd(b_.CreateFCmpOEQ(r, c), isFinite(r));
    Value *productNonzero = b_.CreateNot(b_.CreateOr(isZero(a), isZero(b)));
    Value *productNegative = b_.CreateXor(signBit(a), signBit(b));
    above = b_.CreateSelect(
        rIsC, b_.CreateAnd(productNonzero, b_.CreateNot(productNegative)), above);
    below = b_.CreateSelect(rIsC, b_.CreateAnd(productNonzero, productNegative),
                            below);
  }
  if (mode == Rounding::Down) {
    // An exact zero of a*b + c is -0 when rounding down unless both the
    // product and c are +0.
    Layout l = layoutOf(t);
    Type *it = intTypeFor(t);
    Value *productSign = b_.CreateXor(bits(a), bits(b));
    Value *sign = b_.CreateAnd(b_.CreateOr(productSign, bits(c)),
                               splatInt(it, l.sign));
    Value *exactZero =
        b_.CreateAnd(isZero(r), b_.CreateNot(b_.CreateOr(above, below)));
    r = b_.CreateSelect(exactZero, fromBits(sign, t), r);
  }
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::div(Value *a, Value *b, Rounding mode) {
  Value *q = b_.CreateFDiv(a, b);
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return q;
  // a - q*b has the sign of (a/b - q) * b.
  auto [remPositive, remNegative] = fmaSign(b_.CreateFNeg(q), b, a);
  Value *bNegative = signBit(b);
  Value *above = b_.CreateSelect(bNegative, remNegative, remPositive);
  Value *below = b_.CreateSelect(bNegative, remPositive, remNegative);
  return applyRounding(mode, q, above, below);
}

Value *FloatBuilder::sqrt(Value *a, Rounding mode) {
  Value *r = b_.CreateUnaryIntrinsic(Intrinsic::sqrt, a);
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return r;
  auto [above, below] = fmaSign(b_.CreateFNeg(r), r, a); // a - r*r
  return applyRounding(mode, r, above, below);
}

//===----------------------------------------------------------------------===//
// Narrow formats
//===----------------------------------------------------------------------===//

Value *FloatBuilder::widenToF32(Value *v) {
  Type *t = v->getType();
  Type *f32 = t->getWithNewType(b_.getFloatTy());
  if (t->getScalarType()->isHalfTy())
    return b_.CreateFPExt(v, f32);
  if (t->getScalarType()->isBFloatTy()) {
    Type *i32 = t->getWithNewType(b_.getInt32Ty());
    Value *wide = b_.CreateShl(b_.CreateZExt(bits(v), i32), splatInt(i32, 16));
    return b_.CreateBitCast(wide, f32);
  }
  return v;
}

Value *FloatBuilder::f32ToBf16Nearest(Value *v, bool tiesAway) {
  Type *t = v->getType();
  Type *i32 = t->getWithNewType(b_.getInt32Ty());
  Type *i16 = t->getWithNewType(b_.getInt16Ty());
  Type *bf = t->getWithNewType(b_.getBFloatTy());
  Value *i = bits(v);
  Value *bias;
  if (tiesAway) {
    bias = splatInt(i32, 0x8000);
  } else {
    Value *lsb = b_.CreateAnd(b_.CreateLShr(i, splatInt(i32, 16)), splatInt(i32, 1));
    bias = b_.CreateAdd(splatInt(i32, 0x7FFF), lsb);
  }
  Value *rounded = b_.CreateLShr(b_.CreateAdd(i, bias), splatInt(i32, 16));
  Value *half = b_.CreateTrunc(rounded, i16);
  half = b_.CreateSelect(isNaN(v), splatInt(i16, 0x7FFF), half);
  return fromBits(half, bf);
}

Value *FloatBuilder::narrowFromF32(Value *v, Type *target, Rounding mode) {
  Type *narrow = v->getType()->getWithNewType(target->getScalarType());
  Value *r;
  if (target->getScalarType()->isHalfTy()) {
    r = b_.CreateFPTrunc(v, narrow);
  } else {
    if (mode == Rounding::Zero) {
      // Truncating the low half is round-toward-zero (NaN stays NaN).
      Type *i32 = v->getType()->getWithNewType(b_.getInt32Ty());
      Type *i16 = v->getType()->getWithNewType(b_.getInt16Ty());
      Value *high = b_.CreateTrunc(b_.CreateLShr(bits(v), splatInt(i32, 16)), i16);
      high = b_.CreateSelect(isNaN(v), splatInt(i16, 0x7FFF), high);
      return fromBits(high, narrow);
    }
    r = f32ToBf16Nearest(v, mode == Rounding::NearestAway);
  }
  if (mode == Rounding::Nearest || mode == Rounding::NearestAway)
    return r;
  Value *back = widenToF32(r); // exact
  Value *above = b_.CreateFCmpOGT(v, back);
  Value *below = b_.CreateFCmpOLT(v, back);
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::narrowFma(Value *a, Value *b, Value *c, Type *target) {
  Type *d = a->getType()->getWithNewType(b_.getDoubleTy());
  Value *da = b_.CreateFPExt(widenToF32(a), d);
  Value *db = b_.CreateFPExt(widenToF32(b), d);
  Value *dc = b_.CreateFPExt(widenToF32(c), d);
  Value *product = b_.CreateFMul(da, db); // <= 22 significant bits: exact
  auto [s, err] = twoSum(product, dc);
  Constant *zero = ConstantFP::get(d, 0.0);
  Value *odd = roundToOdd(s, b_.CreateFCmpOGT(err, zero), b_.CreateFCmpOLT(err, zero));
  return convertFloat(odd, target, Rounding::Nearest);
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

Value *FloatBuilder::f64ToF32(Value *v, Rounding mode) {
  Type *f32 = v->getType()->getWithNewType(b_.getFloatTy());
  Value *r = b_.CreateFPTrunc(v, f32);
  if (mode == Rounding::Nearest)
    return r;
  Value *back = b_.CreateFPExt(r, v->getType());
  Value *above = b_.CreateFCmpOGT(v, back);
  Value *below = b_.CreateFCmpOLT(v, back);
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::convertFloat(Value *v, Type *target, Rounding mode) {
  Type *from = v->getType()->getScalarType();
  Type *to = target->getScalarType();
  if (from == to)
    return v;
  Type *vectorTarget = v->getType()->getWithNewType(to);
  if (to->isDoubleTy())
    return b_.CreateFPExt(widenToF32(v), vectorTarget);
  if (to->isFloatTy())
    return from->isDoubleTy() ? f64ToF32(v, mode) : widenToF32(v);
  // half / bfloat: through f32, rounded to odd when coming from f64.
  Value *single = from->isDoubleTy() ? f64ToF32(v, Rounding::Odd)
                                     : widenToF32(v);
  return narrowFromF32(single, target, mode);
}

Value *FloatBuilder::intToF64(Value *v, bool isSigned, Rounding mode) {
  Type *d = v->getType()->getWithNewType(b_.getDoubleTy());
  Value *r = isSigned ? b_.CreateSIToFP(v, d) : b_.CreateUIToFP(v, d);
  unsigned width = v->getType()->getScalarSizeInBits();
  if (width <= 32 || mode == Rounding::Nearest)
    return r;
  // Compare the exact integer with r in the integer domain; r may be 2^63
  // (signed) or 2^64 (unsigned), just outside it.
  double limit = isSigned ? 9223372036854775808.0 : 18446744073709551616.0;
  Value *outside = b_.CreateFCmpOGE(r, ConstantFP::get(d, limit));
  Value *safe = b_.CreateSelect(outside, ConstantFP::get(d, 0.0), r);
  Value *back = isSigned ? b_.CreateFPToSI(safe, v->getType())
                         : b_.CreateFPToUI(safe, v->getType());
  Value *greater = isSigned ? b_.CreateICmpSGT(v, back) : b_.CreateICmpUGT(v, back);
  Value *less = isSigned ? b_.CreateICmpSLT(v, back) : b_.CreateICmpULT(v, back);
  Value *above = b_.CreateAnd(b_.CreateNot(outside), greater);
  Value *below = b_.CreateOr(outside, less);
  return applyRounding(mode, r, above, below);
}

Value *FloatBuilder::intToFloat(Value *v, bool isSigned, Type *target,
                                Rounding mode) {
  if (target->getScalarType()->isDoubleTy())
    return intToF64(v, isSigned, mode);
  // Exactly (<= 32 bits) or rounded to odd (64 bits) in f64, then once more.
  Value *wide = intToF64(v, isSigned, Rounding::Odd);
  return convertFloat(wide, target, mode);
}

} // namespace cuport::translate::fp
