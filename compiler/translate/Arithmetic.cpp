//===- translate/Arithmetic.cpp - Integer, float, logic, compare ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// PTX arithmetic with PTX's semantics where they differ from LLVM's:
//   - division by zero and INT_MIN / -1 are defined (no trap): x / 0 gives
//     all ones, x % 0 gives x, as NVIDIA hardware does;
//   - shifts by the register width or more give 0 (or the sign for shr.s);
// Floating-point forms (add/sub/mul, mad/fma, div, min/max, neg/abs, setp,
// and the math functions) are forwarded to FloatingPoint.cpp.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace cuport::translate {

namespace {

/// The type twice as wide (for .wide and .hi), keeping signedness.
ptx::Type widened(ptx::Type type) {
  using T = ptx::Type;
  switch (type) {
  case T::S16: return T::S32;
  case T::U16: return T::U32;
  case T::B16: return T::B32;
  case T::S32: return T::S64;
  case T::U32: return T::U64;
  case T::B32: return T::B64;
  case T::S64: return T::B128;
  case T::U64: return T::B128;
  case T::B64: return T::B128;
  default: return T::None;
  }
}


} // namespace

void FunctionTranslator::translateArith(const ptx::Instruction &inst) {
  if (isFloat(inst.type()))
    translateFloatArith(inst);
  else
    translateIntArith(inst);
}

void FunctionTranslator::translateIntArith(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  ptx::Type type = inst.type();
  if (failed_ || type == ptx::Type::None)
    return unsupported(inst, "missing type");
  if (inst.has("cc") || inst.opcode == "addc" || inst.opcode == "subc")
    return translateCarryArith(inst); // IntegerBits.cpp
  bool wide = inst.has("wide"), hi = inst.has("hi");
  ptx::Type operandType = type;
  if (inst.opcode == "mul" && (wide || hi) && widened(type) == ptx::Type::None)
    return unsupported(inst, "no wider type");

  Value *a = read(inst.operands[1], operandType);
  Value *b = read(inst.operands[2], operandType);
  if (!a || !b)
    return;
  Value *result = nullptr;
  if (inst.opcode == "add") {
    if (inst.has("sat"))
      result = b_.CreateBinaryIntrinsic(Intrinsic::sadd_sat, a, b);
    else
      result = b_.CreateAdd(a, b);
  } else if (inst.opcode == "sub") {
    if (inst.has("sat"))
      result = b_.CreateBinaryIntrinsic(Intrinsic::ssub_sat, a, b);
    else
      result = b_.CreateSub(a, b);
  } else if (wide || hi) {
    ptx::Type wideType = widened(type);
    Type *wideLLVM = llvmTypeFor(ctx_, wideType);
    bool sign = isSigned(type);
    Value *wa = sign ? b_.CreateSExt(a, wideLLVM) : b_.CreateZExt(a, wideLLVM);
    Value *wb = sign ? b_.CreateSExt(b, wideLLVM) : b_.CreateZExt(b, wideLLVM);
    Value *product = b_.CreateMul(wa, wb);
    if (wide)
      return write(inst.operands[0], product, wideType);
    unsigned bits = a->getType()->getIntegerBitWidth();
    result = b_.CreateTrunc(b_.CreateLShr(product, bits), a->getType());
  } else {
    result = b_.CreateMul(a, b);
  }
  write(inst.operands[0], result, type);
}

// translateFloatArith: FloatingPoint.cpp.

void FunctionTranslator::translateMad(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (isFloat(type))
    return translateFloatMad(inst); // FloatingPoint.cpp
  if (inst.has("cc") || inst.opcode == "madc")
    return translateCarryMad(inst); // IntegerBits.cpp
  if (inst.has("sat") && !(inst.has("hi") && type == ptx::Type::S32))
    return unsupported(inst, ".sat is only mad.hi.sat.s32");
  bool wide = inst.has("wide"), hi = inst.has("hi");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  if (!wide && !hi) {
    Value *c = read(inst.operands[3], type);
    if (c)
      write(inst.operands[0], b_.CreateAdd(b_.CreateMul(a, b), c), type);
    return;
  }
  ptx::Type wideType = widened(type);
  if (wideType == ptx::Type::None)
    return unsupported(inst, "no wider type");
  Type *wideLLVM = llvmTypeFor(ctx_, wideType);
  bool sign = isSigned(type);
  Value *wa = sign ? b_.CreateSExt(a, wideLLVM) : b_.CreateZExt(a, wideLLVM);
  Value *wb = sign ? b_.CreateSExt(b, wideLLVM) : b_.CreateZExt(b, wideLLVM);
  Value *product = b_.CreateMul(wa, wb);
  if (wide) {
    Value *c = read(inst.operands[3], wideType);
    if (c)
      write(inst.operands[0], b_.CreateAdd(product, c), wideType);
    return;
  }
  Value *c = read(inst.operands[3], type);
  if (!c)
    return;
  unsigned bits = a->getType()->getIntegerBitWidth();
  Value *high = b_.CreateTrunc(b_.CreateLShr(product, bits), a->getType());
  // mad.hi.sat.s32 saturates the final addition.
  Value *sum = inst.has("sat")
                   ? b_.CreateBinaryIntrinsic(Intrinsic::sadd_sat, high, c)
                   : b_.CreateAdd(high, c);
  write(inst.operands[0], sum, type);
}

void FunctionTranslator::translateDivRem(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (isFloat(type))
    return translateFloatDiv(inst); // FloatingPoint.cpp
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  // Integer: never let the host trap. x/0 = all ones, x%0 = x, and
  // INT_MIN/-1 wraps (quotient INT_MIN, remainder 0).
  Type *t = a->getType();
  Value *zero = ConstantInt::get(t, 0);
  Value *one = ConstantInt::get(t, 1);
  Value *byZero = b_.CreateICmpEQ(b, zero);
  Value *safeB = b_.CreateSelect(byZero, one, b);
  bool sign = isSigned(type);
  if (sign) {
    Value *minusOne = b_.CreateICmpEQ(b, ConstantInt::getSigned(t, -1));
    safeB = b_.CreateSelect(minusOne, one, safeB);
    Value *result;
    if (inst.opcode == "div") {
      result = b_.CreateSDiv(a, safeB);
      result = b_.CreateSelect(minusOne, b_.CreateNeg(a), result);
      result = b_.CreateSelect(byZero, ConstantInt::getSigned(t, -1), result);
    } else {
      result = b_.CreateSRem(a, safeB);
      result = b_.CreateSelect(minusOne, zero, result);
      result = b_.CreateSelect(byZero, a, result);
    }
    return write(inst.operands[0], result, type);
  }
  Value *result;
  if (inst.opcode == "div")
    result = b_.CreateSelect(byZero, ConstantInt::getAllOnesValue(t),
                             b_.CreateUDiv(a, safeB));
  else
    result = b_.CreateSelect(byZero, a, b_.CreateURem(a, safeB));
  write(inst.operands[0], result, type);
}

void FunctionTranslator::translateMinMax(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (!isFloat(type) &&
      (inst.has("relu") || inst.has("u16x2") || inst.has("s16x2")))
    return translateIntMinMaxPacked(inst); // IntegerBits.cpp
  if (isFloat(type))
    return translateFloatMinMax(inst); // FloatingPoint.cpp
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  bool isMin = inst.opcode == "min";
  Intrinsic::ID id;
  if (isSigned(type))
    id = isMin ? Intrinsic::smin : Intrinsic::smax;
  else
    id = isMin ? Intrinsic::umin : Intrinsic::umax;
  write(inst.operands[0], b_.CreateBinaryIntrinsic(id, a, b), type);
}

void FunctionTranslator::translateUnary(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (isFloat(type) && (inst.opcode == "neg" || inst.opcode == "abs"))
    return translateFloatUnary(inst); // FloatingPoint.cpp
  Value *a = read(inst.operands[1], type);
  if (!a)
    return;
  const std::string &op = inst.opcode;
  Value *result = nullptr;
  ptx::Type resultType = type;
  if (op == "neg") {
    result = b_.CreateNeg(a); // float neg/abs went to FloatingPoint.cpp
  } else if (op == "abs") {
    result = b_.CreateBinaryIntrinsic(Intrinsic::abs, a, b_.getFalse());
  } else if (op == "not") {
    result = b_.CreateNot(a);
  } else if (op == "cnot") {
    result = b_.CreateZExt(b_.CreateICmpEQ(a, ConstantInt::get(a->getType(), 0)),
                           a->getType());
  } else if (op == "popc" || op == "clz") {
    Intrinsic::ID id = op == "popc" ? Intrinsic::ctpop : Intrinsic::ctlz;
    result = op == "popc" ? b_.CreateUnaryIntrinsic(id, a)
                          : b_.CreateBinaryIntrinsic(id, a, b_.getFalse());
    result = b_.CreateZExtOrTrunc(result, b_.getInt32Ty());
    resultType = ptx::Type::U32; // popc/clz always produce a u32
  } else if (op == "brev") {
    result = b_.CreateUnaryIntrinsic(Intrinsic::bitreverse, a);
  }
  write(inst.operands[0], result, resultType);
}

// translateMathApprox: FloatingPoint.cpp.

void FunctionTranslator::translateLogic(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  Value *result = inst.opcode == "and"  ? b_.CreateAnd(a, b)
                  : inst.opcode == "or" ? b_.CreateOr(a, b)
                                        : b_.CreateXor(a, b);
  write(inst.operands[0], result, type);
}

void FunctionTranslator::translateShift(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *a = read(inst.operands[1], type);
  Value *amount = read(inst.operands[2], ptx::Type::U32);
  if (!a || !amount)
    return;
  Type *t = a->getType();
  unsigned bits = t->getIntegerBitWidth();
  Value *wide = b_.CreateICmpUGE(amount, b_.getInt32(bits));
  Value *clamped = b_.CreateZExtOrTrunc(
      b_.CreateSelect(wide, b_.getInt32(bits - 1), amount), t);
  Value *result;
  if (inst.opcode == "shl") {
    result = b_.CreateSelect(wide, ConstantInt::get(t, 0), b_.CreateShl(a, clamped));
  } else if (isSigned(type)) {
    result = b_.CreateAShr(a, clamped); // >= width: all sign bits
  } else {
    result = b_.CreateSelect(wide, ConstantInt::get(t, 0), b_.CreateLShr(a, clamped));
  }
  write(inst.operands[0], result, type);
}

void FunctionTranslator::translateSetp(const ptx::Instruction &inst) {
  if (inst.operands.size() != 3 && inst.operands.size() != 4)
    return expectOperands(inst, 3);
  ptx::Type type = inst.type();
  if (isFloat(type))
    return translateFloatSetp(inst); // FloatingPoint.cpp
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  std::string cmp = inst.modifiers.empty() ? "" : inst.modifiers.front();
  bool sign = isSigned(type);
  CmpInst::Predicate p =
      StringSwitch<CmpInst::Predicate>(cmp)
          .Case("eq", CmpInst::ICMP_EQ).Case("ne", CmpInst::ICMP_NE)
          .Case("lt", sign ? CmpInst::ICMP_SLT : CmpInst::ICMP_ULT)
          .Case("le", sign ? CmpInst::ICMP_SLE : CmpInst::ICMP_ULE)
          .Case("gt", sign ? CmpInst::ICMP_SGT : CmpInst::ICMP_UGT)
          .Case("ge", sign ? CmpInst::ICMP_SGE : CmpInst::ICMP_UGE)
          .Case("lo", CmpInst::ICMP_ULT).Case("ls", CmpInst::ICMP_ULE)
          .Case("hi", CmpInst::ICMP_UGT).Case("hs", CmpInst::ICMP_UGE)
          .Default(CmpInst::BAD_ICMP_PREDICATE);
  if (p == CmpInst::BAD_ICMP_PREDICATE)
    return unsupported(inst, "comparison");
  Value *result = b_.CreateICmp(p, a, b);
  Value *complement = b_.CreateNot(result);
  if (inst.operands.size() == 4) {
    // setp.cmp.bop.type p|q, a, b, c:  p = cmp BOP c, q = !cmp BOP c.
    Value *c = read(inst.operands[3], ptx::Type::Pred);
    if (!c)
      return;
    auto combine = [&](Value *x) -> Value * {
      if (inst.has("and")) return b_.CreateAnd(x, c);
      if (inst.has("or")) return b_.CreateOr(x, c);
      return b_.CreateXor(x, c);
    };
    result = combine(result);
    complement = combine(complement);
  }
  const ptx::Operand &dst = inst.operands[0];
  write(dst, result, ptx::Type::Pred);
  if (!dst.pairName.empty()) {
    ptx::Operand second = dst;
    second.name = dst.pairName;
    write(second, complement, ptx::Type::Pred);
  }
}

void FunctionTranslator::translateSelp(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  Value *c = read(inst.operands[3], ptx::Type::Pred);
  if (!a || !b || !c)
    return;
  write(inst.operands[0], b_.CreateSelect(c, a, b), type);
}

} // namespace cuport::translate
