//===- translate/BitField.cpp - bfe, bfi ------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Bit-field extract and insert with PTX's rules, which define every input:
// position and length are taken modulo 256; a field that runs past the top
// bit is cut there; bfe.s fills the upper bits with the field's top bit
// (the operand's sign bit when the field runs past it), a zero-length field
// extracts 0, and bfi with the position past the top bit leaves the base
// unchanged. LLVM shifts by the width or more are poison, so every shift
// amount is clamped and the edge cases are selected explicitly.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

using namespace llvm;

namespace cuport::translate {

namespace {

/// (value & 0xff) as the operand type.
Value *byteOf(IRBuilder<> &b, Value *value, Type *type) {
  return b.CreateZExtOrTrunc(b.CreateAnd(value, b.getInt32(0xff)), type);
}

} // namespace

void FunctionTranslator::translateBfe(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *a = read(inst.operands[1], type);
  Value *posRaw = read(inst.operands[2], ptx::Type::U32);
  Value *lenRaw = read(inst.operands[3], ptx::Type::U32);
  if (!a || !posRaw || !lenRaw)
    return;
  Type *t = a->getType();
  unsigned width = t->getIntegerBitWidth();
  Constant *w = ConstantInt::get(t, width);
  Constant *zero = ConstantInt::get(t, 0);
  Value *pos = byteOf(b_, posRaw, t);
  Value *len = byteOf(b_, lenRaw, t);
  bool sign = isSigned(type);

  // The operand shifted down to the field; past the top bit only sign
  // bits (or zeros) remain.
  Value *posPastTop = b_.CreateICmpUGE(pos, w);
  Value *safePos = b_.CreateSelect(posPastTop, ConstantInt::get(t, width - 1), pos);
  Value *shifted = sign ? b_.CreateAShr(a, safePos) : b_.CreateLShr(a, safePos);
  if (!sign)
    shifted = b_.CreateSelect(posPastTop, zero, shifted);

  // Keep `len` bits; for .s, extend the field's top bit.
  Value *lenCoversAll = b_.CreateICmpUGE(len, w);
  Value *safeLen = b_.CreateSelect(lenCoversAll, ConstantInt::get(t, 1), len);
  Value *field;
  if (sign) {
    Value *up = b_.CreateSub(w, safeLen);
    field = b_.CreateAShr(b_.CreateShl(shifted, up), up);
  } else {
    Value *mask = b_.CreateSub(b_.CreateShl(ConstantInt::get(t, 1), safeLen),
                               ConstantInt::get(t, 1));
    field = b_.CreateAnd(shifted, mask);
  }
  field = b_.CreateSelect(lenCoversAll, shifted, field);
  field = b_.CreateSelect(b_.CreateICmpEQ(len, zero), zero, field);
  write(inst.operands[0], field, type);
}

void FunctionTranslator::translateBfi(const ptx::Instruction &inst) {
  expectOperands(inst, 5);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  Value *insert = read(inst.operands[1], type);
  Value *base = read(inst.operands[2], type);
  Value *posRaw = read(inst.operands[3], ptx::Type::U32);
  Value *lenRaw = read(inst.operands[4], ptx::Type::U32);
  if (!insert || !base || !posRaw || !lenRaw)
    return;
  Type *t = base->getType();
  unsigned width = t->getIntegerBitWidth();
  Constant *w = ConstantInt::get(t, width);
  Value *pos = byteOf(b_, posRaw, t);
  Value *len = byteOf(b_, lenRaw, t);
  Value *posPastTop = b_.CreateICmpUGE(pos, w);
  Value *safePos = b_.CreateSelect(posPastTop, ConstantInt::get(t, 0), pos);
  Value *lenCoversAll = b_.CreateICmpUGE(len, w);
  Value *safeLen = b_.CreateSelect(lenCoversAll, ConstantInt::get(t, 0), len);
  Value *lowMask = b_.CreateSelect(
      lenCoversAll, ConstantInt::getAllOnesValue(t),
      b_.CreateSub(b_.CreateShl(ConstantInt::get(t, 1), safeLen),
                   ConstantInt::get(t, 1)));
  Value *mask = b_.CreateShl(lowMask, safePos);
  Value *result = b_.CreateOr(b_.CreateAnd(base, b_.CreateNot(mask)),
                              b_.CreateAnd(b_.CreateShl(insert, safePos), mask));
  write(inst.operands[0], b_.CreateSelect(posPastTop, base, result), type);
}

} // namespace cuport::translate
