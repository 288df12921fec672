//===- translate/FloatingPoint.cpp - Float and half-precision PTX ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// PTX floating-point instructions (f32, f64, f16, f16x2, bf16, bf16x2) in,
// NVVM-form LLVM IR out: plain IEEE operations, llvm.fma/sqrt/sin/cos/exp2/
// log2/exp, and integer bit manipulation; no NVVM intrinsics, so the CPU
// lowering has nothing left to reject. The PTX semantics that matter:
//
//   - rounding: .rn is IEEE round-to-nearest-even; .rz/.rm/.rp are computed
//     exactly without the host's rounding mode (FloatSemantics.h);
//   - .ftz flushes subnormal inputs and results to sign-preserving zero
//     (f32; f16/f16x2 where the ISA has it; rcp/rsqrt.approx.ftz.f64);
//   - .sat clamps to [0, 1] with NaN -> +0; .relu clamps negatives to +0
//     with NaN -> canonical NaN;
//   - min/max return the non-NaN operand, canonical NaN when both are NaN
//     (any NaN with .NaN), order -0 below +0, and .xorsign.abs gives the
//     magnitude's min/max with the xor of the signs;
//   - f16/bf16 arithmetic is done in f32 and rounded once (exact: f32 has
//     at least 2p+2 bits), fma through f64 rounded to odd.
//
// Approximate instructions and their accuracy on the CPU:
//   sqrt.approx.f32, rcp.approx.f32, div.approx.f32, div.full.f32 and
//   rcp.approx.ftz.f64 are computed correctly rounded (0 ulp; CUDA documents
//   up to 2 ulp for div.full/approx, 1 ulp for rcp.approx.f32, ~2^-22.9
//   relative for sqrt.approx);
//   rsqrt.approx is 1/sqrt(x) with two roundings (<= 1.5 ulp; CUDA: 2^-22.9
//   relative for f32);
//   sin/cos/ex2/lg2.approx.f32 use the host libm (<= 1 ulp; CUDA documents
//   2^-20.9 absolute for sin/cos on [-pi, pi], 2 ulp for ex2, 2^-22.6
//   absolute for lg2 on (0.5, 2));
//   tanh.approx is evaluated in f64 (relative error < 2^-40 before rounding;
//   CUDA documents 2^-10.987 relative for f32);
//   ex2/tanh on f16/bf16 compute in f32 and round once (<= 0.5 ulp of the
//   narrow format plus the f32 error).
//
//===----------------------------------------------------------------------===//
#include "translate/FloatSemantics.h"
#include "translate/FunctionTranslator.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace cuport::translate {

using fp::FloatBuilder;
using fp::Rounding;

namespace {

bool isNarrowFloat(ptx::Type type) {
  using T = ptx::Type;
  return type == T::F16 || type == T::F16x2 || type == T::BF16 || type == T::BF16x2;
}


/// .ftz is meaningful for f32 and f16 (and the .f64 approximations that name
/// it); bf16 forms keep subnormals.
bool flushes(const ptx::Instruction &inst) { return inst.has("ftz"); }

/// The comparison of setp/set on floats.
CmpInst::Predicate floatPredicate(const ptx::Instruction &inst) {
  for (const std::string &m : inst.modifiers) {
    CmpInst::Predicate p =
        StringSwitch<CmpInst::Predicate>(m)
            .Case("eq", CmpInst::FCMP_OEQ).Case("ne", CmpInst::FCMP_ONE)
            .Case("lt", CmpInst::FCMP_OLT).Case("le", CmpInst::FCMP_OLE)
            .Case("gt", CmpInst::FCMP_OGT).Case("ge", CmpInst::FCMP_OGE)
            .Case("equ", CmpInst::FCMP_UEQ).Case("neu", CmpInst::FCMP_UNE)
            .Case("ltu", CmpInst::FCMP_ULT).Case("leu", CmpInst::FCMP_ULE)
            .Case("gtu", CmpInst::FCMP_UGT).Case("geu", CmpInst::FCMP_UGE)
            .Case("num", CmpInst::FCMP_ORD).Case("nan", CmpInst::FCMP_UNO)
            .Default(CmpInst::BAD_FCMP_PREDICATE);
    if (p != CmpInst::BAD_FCMP_PREDICATE)
      return p;
  }
  return CmpInst::BAD_FCMP_PREDICATE;
}

CmpInst::Predicate intPredicate(const ptx::Instruction &inst, bool sign) {
  for (const std::string &m : inst.modifiers) {
    CmpInst::Predicate p =
        StringSwitch<CmpInst::Predicate>(m)
            .Case("eq", CmpInst::ICMP_EQ).Case("ne", CmpInst::ICMP_NE)
            .Case("lt", sign ? CmpInst::ICMP_SLT : CmpInst::ICMP_ULT)
            .Case("le", sign ? CmpInst::ICMP_SLE : CmpInst::ICMP_ULE)
            .Case("gt", sign ? CmpInst::ICMP_SGT : CmpInst::ICMP_UGT)
            .Case("ge", sign ? CmpInst::ICMP_SGE : CmpInst::ICMP_UGE)
            .Case("lo", CmpInst::ICMP_ULT).Case("ls", CmpInst::ICMP_ULE)
            .Case("hi", CmpInst::ICMP_UGT).Case("hs", CmpInst::ICMP_UGE)
            .Default(CmpInst::BAD_ICMP_PREDICATE);
    if (p != CmpInst::BAD_ICMP_PREDICATE)
      return p;
  }
  return CmpInst::BAD_ICMP_PREDICATE;
}

/// Widens narrow operands to f32 (exact) and leaves f32/f64 alone; applies
/// .ftz to the inputs first (f32 and f16 only).
struct Operands {
  FloatBuilder &fb;
  bool ftz;
  Value *operator()(Value *v) const {
    if (ftz)
      v = fb.flushSubnormal(v);
    return fb.widenToF32(v);
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Result post-processing shared by the handlers
//===----------------------------------------------------------------------===//

/// Rounds the wide result back to `type` (narrow: to nearest, once) and
/// applies .ftz, .sat, .relu, .satfinite as the instruction names them.
static Value *finishResult(IRBuilder<> &b, const ptx::Instruction &inst,
                           Value *wide, ptx::Type type, Type *llvmType) {
  FloatBuilder fb(b);
  if (inst.has("sat"))
    wide = fb.saturate(wide);
  if (inst.has("relu"))
    wide = fb.relu(wide);
  Value *result = isNarrowFloat(type)
                      ? fb.narrowFromF32(wide, llvmType, Rounding::Nearest)
                      : wide;
  if (flushes(inst))
    result = fb.flushSubnormal(result);
  if (inst.has("satfinite"))
    result = fb.satFinite(result);
  return result;
}

//===----------------------------------------------------------------------===//
// add, sub, mul
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateFloatArith(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Rounding mode = fp::roundingOf(inst);
  if (isNarrowFloat(type) && mode != Rounding::Nearest)
    return unsupported(inst, "f16/bf16 arithmetic rounds only to nearest");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  FloatBuilder fb(b_);
  Operands widen{fb, flushes(inst)};
  Value *wa = widen(a), *wb = widen(b);
  Value *result = nullptr;
  if (inst.opcode == "mul")
    result = fb.mul(wa, wb, mode);
  else if (inst.opcode == "sub" && mode == Rounding::Nearest)
    result = b_.CreateFSub(wa, wb);
  else
    result = fb.add(wa, inst.opcode == "sub" ? b_.CreateFNeg(wb) : wb, mode);
  write(inst.operands[0], finishResult(b_, inst, result, type, a->getType()), type);
}

//===----------------------------------------------------------------------===//
// fma, mad
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateFloatMad(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  // mad.f32 (sm_20 and later) is the fused operation, like fma.
  Rounding mode = fp::roundingOf(inst);
  if (isNarrowFloat(type) && mode != Rounding::Nearest)
    return unsupported(inst, "f16/bf16 fma rounds only to nearest");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  Value *c = read(inst.operands[3], type);
  if (!a || !b || !c)
    return;
  FloatBuilder fb(b_);
  bool ftz = flushes(inst);
  if (ftz) {
    a = fb.flushSubnormal(a);
    b = fb.flushSubnormal(b);
    c = fb.flushSubnormal(c);
  }
  Value *wide;
  if (isNarrowFloat(type)) {
    // Correctly rounded in the narrow format; widening it back is exact.
    wide = fb.widenToF32(fb.narrowFma(a, b, c, a->getType()));
  } else {
    wide = fb.fma(a, b, c, mode);
  }
  write(inst.operands[0], finishResult(b_, inst, wide, type, a->getType()), type);
}

//===----------------------------------------------------------------------===//
// div, rcp, sqrt, rsqrt, sin, cos, lg2, ex2, tanh
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateFloatDiv(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (inst.opcode != "div" || isNarrowFloat(type))
    return unsupported(inst);
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  FloatBuilder fb(b_);
  Operands widen{fb, flushes(inst)};
  // .approx and .full are computed correctly rounded (see the header).
  Rounding mode = inst.has("approx") || inst.has("full") ? Rounding::Nearest
                                                         : fp::roundingOf(inst);
  Value *q = fb.div(widen(a), widen(b), mode);
  write(inst.operands[0], finishResult(b_, inst, q, type, a->getType()), type);
}

/// tanh(x) = sign(x) * (1 - 2 / (exp(2|x|) + 1)), in f64; x itself below
/// 2^-12 where the cubic term is under 2^-25 relative.
static Value *tanhInF64(IRBuilder<> &b, Value *x) {
  Type *d = x->getType()->getWithNewType(b.getDoubleTy());
  Value *dx = x->getType()->getScalarType()->isDoubleTy() ? x : b.CreateFPExt(x, d);
  Value *ax = b.CreateUnaryIntrinsic(Intrinsic::fabs, dx);
  Value *e = b.CreateUnaryIntrinsic(Intrinsic::exp,
                                    b.CreateFMul(ax, ConstantFP::get(d, 2.0)));
  Value *t = b.CreateFSub(
      ConstantFP::get(d, 1.0),
      b.CreateFDiv(ConstantFP::get(d, 2.0), b.CreateFAdd(e, ConstantFP::get(d, 1.0))));
  Value *small = b.CreateFCmpOLT(ax, ConstantFP::get(d, 0x1p-12));
  t = b.CreateSelect(small, ax, t);
  t = b.CreateBinaryIntrinsic(Intrinsic::copysign, t, dx);
  return x->getType()->getScalarType()->isDoubleTy() ? t
                                                     : b.CreateFPTrunc(t, x->getType());
}

void FunctionTranslator::translateMathApprox(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  const std::string &op = inst.opcode;
  bool approx = inst.has("approx");
  Rounding mode = fp::roundingOf(inst);
  bool narrowAllowed = op == "ex2" || op == "tanh";
  if (isNarrowFloat(type) && !narrowAllowed)
    return unsupported(inst, "no f16/bf16 form");
  if (!approx && op != "sqrt" && op != "rcp")
    return unsupported(inst, "only the .approx form exists");
  Value *a = read(inst.operands[1], type);
  if (!a)
    return;
  FloatBuilder fb(b_);
  Operands widen{fb, flushes(inst)};
  Value *x = widen(a);
  Type *t = x->getType();
  Value *result = nullptr;
  if (op == "sqrt") {
    result = fb.sqrt(x, approx ? Rounding::Nearest : mode);
  } else if (op == "rcp") {
    result = fb.div(ConstantFP::get(t, 1.0), x, approx ? Rounding::Nearest : mode);
  } else if (op == "rsqrt") {
    result = b_.CreateFDiv(ConstantFP::get(t, 1.0),
                           b_.CreateUnaryIntrinsic(Intrinsic::sqrt, x));
  } else if (op == "tanh") {
    result = tanhInF64(b_, x);
  } else {
    Intrinsic::ID id = op == "sin"   ? Intrinsic::sin
                       : op == "cos" ? Intrinsic::cos
                       : op == "ex2" ? Intrinsic::exp2
                       : op == "lg2" ? Intrinsic::log2
                                     : Intrinsic::not_intrinsic;
    if (id == Intrinsic::not_intrinsic)
      return unsupported(inst);
    result = b_.CreateUnaryIntrinsic(id, x);
  }
  write(inst.operands[0], finishResult(b_, inst, result, type, a->getType()), type);
}

//===----------------------------------------------------------------------===//
// min, max
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateFloatMinMax(const ptx::Instruction &inst) {
  if (inst.operands.size() != 3 && inst.operands.size() != 4)
    return expectOperands(inst, 3);
  ptx::Type type = inst.type();
  std::vector<Value *> inputs;
  for (size_t i = 1; i < inst.operands.size(); ++i) {
    Value *v = read(inst.operands[i], type);
    if (!v)
      return;
    inputs.push_back(v);
  }
  Type *llvmType = inputs[0]->getType();
  FloatBuilder fb(b_);
  Operands widen{fb, flushes(inst)};
  bool isMin = inst.opcode == "min";
  bool propagateNaN = inst.has("NaN");
  bool xorsign = inst.has("xorsign");
  Value *sign = nullptr;
  if (xorsign && inputs.size() == 2)
    sign = b_.CreateXor(fb.signBit(inputs[0]), fb.signBit(inputs[1]));
  else if (xorsign)
    return unsupported(inst, ".xorsign.abs takes two operands");

  auto pick = [&](Value *a, Value *b) -> Value * {
    if (xorsign) {
      a = b_.CreateUnaryIntrinsic(Intrinsic::fabs, a);
      b = b_.CreateUnaryIntrinsic(Intrinsic::fabs, b);
    }
    // -0 orders below +0; a NaN operand loses to a number.
    Value *aSign = fb.signBit(a);
    Value *tie = b_.CreateFCmpOEQ(a, b);
    Value *takeA =
        isMin ? b_.CreateOr(b_.CreateFCmpOLT(a, b), b_.CreateAnd(tie, aSign))
              : b_.CreateOr(b_.CreateFCmpOGT(a, b),
                            b_.CreateAnd(tie, b_.CreateNot(aSign)));
    Value *r = b_.CreateSelect(takeA, a, b);
    Value *aNaN = fb.isNaN(a), *bNaN = fb.isNaN(b);
    r = b_.CreateSelect(aNaN, b, r);
    r = b_.CreateSelect(bNaN, a, r);
    Value *nan = propagateNaN ? b_.CreateOr(aNaN, bNaN) : b_.CreateAnd(aNaN, bNaN);
    return b_.CreateSelect(nan, fb.canonicalNaN(a->getType()), r);
  };
  Value *result = widen(inputs[0]);
  for (size_t i = 1; i < inputs.size(); ++i)
    result = pick(result, widen(inputs[i]));
  if (sign) {
    Type *t = result->getType();
    Value *signedZero = b_.CreateSelect(sign, ConstantFP::get(t, -0.0),
                                        ConstantFP::get(t, 0.0));
    result = b_.CreateBinaryIntrinsic(Intrinsic::copysign, result, signedZero);
  }
  write(inst.operands[0], finishResult(b_, inst, result, type, llvmType), type);
}

//===----------------------------------------------------------------------===//
// neg, abs, copysign, testp
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateFloatUnary(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *a = read(inst.operands[1], type);
  if (!a)
    return;
  FloatBuilder fb(b_);
  if (flushes(inst))
    a = fb.flushSubnormal(a);
  // Sign-bit operations: exact for every format, NaN payloads kept.
  Value *bits = fb.bits(a);
  Type *it = bits->getType();
  uint64_t signMask = 1ull << (it->getScalarSizeInBits() - 1);
  Value *result = inst.opcode == "neg"
                      ? b_.CreateXor(bits, ConstantInt::get(it, signMask))
                      : b_.CreateAnd(bits, ConstantInt::get(it, ~signMask));
  write(inst.operands[0], fb.fromBits(result, a->getType()), type);
}

void FunctionTranslator::translateCopysign(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type != ptx::Type::F32 && type != ptx::Type::F64)
    return unsupported(inst, "copysign takes .f32 or .f64");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  // copysign d, a, b: the magnitude of b with the sign of a.
  write(inst.operands[0], b_.CreateBinaryIntrinsic(Intrinsic::copysign, b, a), type);
}

void FunctionTranslator::translateTestp(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type != ptx::Type::F32 && type != ptx::Type::F64)
    return unsupported(inst, "testp takes .f32 or .f64");
  Value *a = read(inst.operands[1], type);
  if (!a)
    return;
  FloatBuilder fb(b_);
  Value *result = nullptr;
  if (inst.has("finite"))
    result = fb.isFinite(a);
  else if (inst.has("infinite"))
    result = fb.isInf(a);
  else if (inst.has("number"))
    result = b_.CreateNot(fb.isNaN(a));
  else if (inst.has("notanumber"))
    result = fb.isNaN(a);
  else if (inst.has("normal"))
    result = b_.CreateAnd(fb.isFinite(a), b_.CreateNot(b_.CreateOr(
                                              fb.isZero(a), fb.isSubnormal(a))));
  else if (inst.has("subnormal"))
    result = fb.isSubnormal(a);
  else
    return unsupported(inst, "testp needs a test");
  write(inst.operands[0], result, ptx::Type::Pred);
}

//===----------------------------------------------------------------------===//
// setp, set, slct
//===----------------------------------------------------------------------===//

/// Combines a comparison (i1 or vector of i1) with the predicate c by
/// .and/.or/.xor; no BoolOp: unchanged.
static Value *combineBool(IRBuilder<> &b, const ptx::Instruction &inst, Value *t,
                          Value *c) {
  if (!c)
    return t;
  if (auto *vector = dyn_cast<FixedVectorType>(t->getType()))
    c = b.CreateVectorSplat(vector->getNumElements(), c);
  if (inst.has("and"))
    return b.CreateAnd(t, c);
  if (inst.has("or"))
    return b.CreateOr(t, c);
  return b.CreateXor(t, c);
}

void FunctionTranslator::translateFloatSetp(const ptx::Instruction &inst) {
  if (inst.operands.size() != 3 && inst.operands.size() != 4)
    return expectOperands(inst, 3);
  ptx::Type type = inst.type();
  CmpInst::Predicate p = floatPredicate(inst);
  if (p == CmpInst::BAD_FCMP_PREDICATE)
    return unsupported(inst, "comparison");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  Value *c = inst.operands.size() == 4 ? read(inst.operands[3], ptx::Type::Pred)
                                       : nullptr;
  if (!a || !b || (inst.operands.size() == 4 && !c))
    return;
  FloatBuilder fb(b_);
  Operands widen{fb, flushes(inst)};
  Value *t = b_.CreateFCmp(p, widen(a), widen(b));
  const ptx::Operand &dst = inst.operands[0];
  if (t->getType()->isVectorTy()) {
    // f16x2/bf16x2: p compares the low halves, q the high halves.
    Value *both = combineBool(b_, inst, t, c);
    write(dst, b_.CreateExtractElement(both, uint64_t(0)), ptx::Type::Pred);
    if (!dst.pairName.empty()) {
      ptx::Operand second = dst;
      second.name = dst.pairName;
      write(second, b_.CreateExtractElement(both, uint64_t(1)), ptx::Type::Pred);
    }
    return;
  }
  write(dst, combineBool(b_, inst, t, c), ptx::Type::Pred);
  if (!dst.pairName.empty()) {
    ptx::Operand second = dst;
    second.name = dst.pairName;
    write(second, combineBool(b_, inst, b_.CreateNot(t), c), ptx::Type::Pred);
  }
}

void FunctionTranslator::translateSet(const ptx::Instruction &inst) {
  if (inst.operands.size() != 3 && inst.operands.size() != 4)
    return expectOperands(inst, 3);
  std::vector<ptx::Type> types = inst.types();
  if (types.size() != 2)
    return unsupported(inst, "set needs a destination and a source type");
  ptx::Type dtype = types[0], stype = types[1];
  Value *a = read(inst.operands[1], stype);
  Value *b = read(inst.operands[2], stype);
  Value *c = inst.operands.size() == 4 ? read(inst.operands[3], ptx::Type::Pred)
                                       : nullptr;
  if (!a || !b || (inst.operands.size() == 4 && !c))
    return;
  FloatBuilder fb(b_);
  Value *t;
  if (isFloat(stype)) {
    CmpInst::Predicate p = floatPredicate(inst);
    if (p == CmpInst::BAD_FCMP_PREDICATE)
      return unsupported(inst, "comparison");
    Operands widen{fb, flushes(inst)};
    t = b_.CreateFCmp(p, widen(a), widen(b));
  } else {
    CmpInst::Predicate p = intPredicate(inst, isSigned(stype));
    if (p == CmpInst::BAD_ICMP_PREDICATE)
      return unsupported(inst, "comparison");
    t = b_.CreateICmp(p, a, b);
  }
  t = combineBool(b_, inst, t, c);
  Type *dllvm = llvmTypeFor(ctx_, dtype);
  Value *result;
  if (isFloat(dtype)) {
    // 1.0 or 0.0 in the destination format (per half for x2).
    Type *wide = t->getType()->getWithNewType(b_.getFloatTy());
    Value *one = b_.CreateSelect(t, ConstantFP::get(wide, 1.0), ConstantFP::get(wide, 0.0));
    result = fb.convertFloat(one, dllvm, Rounding::Nearest);
  } else if (t->getType()->isVectorTy()) {
    // Integer destination of a packed comparison: 0xFFFF or 0 per half.
    Type *i16x2 = t->getType()->getWithNewType(b_.getInt16Ty());
    result = b_.CreateBitCast(b_.CreateSExt(t, i16x2), b_.getInt32Ty());
    result = b_.CreateZExtOrTrunc(result, dllvm);
  } else {
    result = b_.CreateSExt(t, dllvm); // all ones or zero
  }
  write(inst.operands[0], result, dtype);
}

void FunctionTranslator::translateSlct(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  std::vector<ptx::Type> types = inst.types();
  if (types.size() != 2)
    return unsupported(inst, "slct needs a destination and a selector type");
  ptx::Type dtype = types[0], ctype = types[1];
  Value *a = read(inst.operands[1], dtype);
  Value *b = read(inst.operands[2], dtype);
  Value *c = read(inst.operands[3], ctype);
  if (!a || !b || !c)
    return;
  Value *choose;
  if (ctype == ptx::Type::F32) {
    FloatBuilder fb(b_);
    if (flushes(inst))
      c = fb.flushSubnormal(c);
    // c >= 0 (so -0 too) picks a; NaN and negatives pick b.
    choose = b_.CreateFCmpOGE(c, ConstantFP::get(c->getType(), 0.0));
  } else if (ctype == ptx::Type::S32) {
    choose = b_.CreateICmpSGE(c, ConstantInt::get(c->getType(), 0));
  } else {
    return unsupported(inst, "slct selector is .s32 or .f32");
  }
  write(inst.operands[0], b_.CreateSelect(choose, a, b), dtype);
}

} // namespace cuport::translate
