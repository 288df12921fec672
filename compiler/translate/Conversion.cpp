//===- translate/Conversion.cpp - mov, cvt, cvta ----------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Data movement and conversion with PTX's rules:
//   - mov packs and unpacks vectors ({%r1, %r2} <-> %rd1, low element in
//     the low bits) and takes the address of variables and functions;
//   - cvt from float to integer saturates (NaN -> 0, out of range clamps),
//     with the rounding of .rni/.rzi/.rmi/.rpi (default .rzi);
//   - cvt between float types rounds to nearest even, or to an integral
//     value with .rni/.rzi/.rmi/.rpi when both types are the same;
//   - cvt between integer types truncates or extends by the source type;
//     .sat clamps to the destination's range;
//   - cvta between generic and a state space is the identity: on the CPU
//     and on the vendor stubs every state space is host-addressable.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace cuport::translate {

void FunctionTranslator::translateMov(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  const ptx::Operand &dst = inst.operands[0];
  const ptx::Operand &src = inst.operands[1];
  using K = ptx::Operand::Kind;
  if (src.kind == K::Vector || dst.kind == K::Vector) {
    // Pack or unpack: element i occupies bits [i*w, (i+1)*w).
    const ptx::Operand &vector = src.kind == K::Vector ? src : dst;
    unsigned count = vector.elements.size();
    unsigned total = ptx::typeBits(type);
    if (count == 0 || total % count != 0)
      return unsupported(inst, "vector shape");
    unsigned width = total / count;
    IntegerType *whole = b_.getIntNTy(total);
    ptx::Type elementType = width == 8    ? ptx::Type::B8
                            : width == 16 ? ptx::Type::B16
                            : width == 32 ? ptx::Type::B32
                                          : ptx::Type::B64;
    if (src.kind == K::Vector) {
      Value *packed = ConstantInt::get(whole, 0);
      for (unsigned i = 0; i < count; ++i) {
        Value *element = read(src.elements[i], elementType);
        if (!element)
          return;
        packed = b_.CreateOr(packed, b_.CreateShl(b_.CreateZExt(element, whole),
                                                  i * width));
      }
      return write(dst, packed, type);
    }
    Value *packed = read(src, type);
    if (!packed)
      return;
    packed = b_.CreateBitCast(packed, whole);
    for (unsigned i = 0; i < count; ++i)
      write(dst.elements[i],
            b_.CreateTrunc(b_.CreateLShr(packed, i * width), b_.getIntNTy(width)),
            elementType);
    return;
  }
  write(dst, read(src, type), type);
}

void FunctionTranslator::translateCvt(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  std::vector<ptx::Type> types = inst.types();
  if (types.size() != 2)
    return unsupported(inst, "cvt needs a destination and a source type");
  ptx::Type to = types[0], from = types[1];
  Value *a = read(inst.operands[1], from);
  if (!a)
    return;
  Type *target = llvmTypeFor(ctx_, to);
  Value *result = nullptr;

  auto roundToIntegral = [&](Value *v, Intrinsic::ID fallback) -> Value * {
    Intrinsic::ID id = inst.has("rni")   ? Intrinsic::roundeven
                       : inst.has("rzi") ? Intrinsic::trunc
                       : inst.has("rmi") ? Intrinsic::floor
                       : inst.has("rpi") ? Intrinsic::ceil
                                         : fallback;
    if (id == Intrinsic::not_intrinsic)
      return v;
    return b_.CreateUnaryIntrinsic(id, v);
  };

  if (isFloat(from) && isFloat(to)) {
    if (from == to) {
      result = roundToIntegral(a, Intrinsic::not_intrinsic);
    } else if (ptx::typeBits(to) > ptx::typeBits(from)) {
      result = b_.CreateFPExt(a, target);
    } else {
      if (inst.has("rz") || inst.has("rm") || inst.has("rp"))
        return unsupported(inst, "directed rounding");
      result = b_.CreateFPTrunc(a, target);
    }
    if (inst.has("sat")) {
      result = b_.CreateBinaryIntrinsic(Intrinsic::maxnum, result,
                                        ConstantFP::get(target, 0.0));
      result = b_.CreateBinaryIntrinsic(Intrinsic::minnum, result,
                                        ConstantFP::get(target, 1.0));
    }
  } else if (isFloat(from)) {
    Value *rounded = roundToIntegral(a, Intrinsic::trunc);
    Intrinsic::ID id = isSigned(to) ? Intrinsic::fptosi_sat : Intrinsic::fptoui_sat;
    result = b_.CreateIntrinsic(id, {target, a->getType()}, {rounded});
  } else if (isFloat(to)) {
    if (inst.has("rz") || inst.has("rm") || inst.has("rp"))
      return unsupported(inst, "directed rounding");
    result = isSigned(from) ? b_.CreateSIToFP(a, target) : b_.CreateUIToFP(a, target);
  } else {
    unsigned fromBits = a->getType()->getIntegerBitWidth();
    unsigned toBits = target->getIntegerBitWidth();
    if (inst.has("sat")) {
      // Clamp to the destination range, computed in the wider of the two.
      unsigned bits = std::max(fromBits, toBits) + 1;
      IntegerType *wide = b_.getIntNTy(bits);
      Value *v = isSigned(from) ? b_.CreateSExt(a, wide) : b_.CreateZExt(a, wide);
      APInt lo = isSigned(to) ? APInt::getSignedMinValue(toBits).sext(bits)
                              : APInt::getZero(bits);
      APInt hi = isSigned(to) ? APInt::getSignedMaxValue(toBits).sext(bits)
                              : APInt::getMaxValue(toBits).zext(bits);
      v = b_.CreateBinaryIntrinsic(Intrinsic::smax, v, ConstantInt::get(wide, lo));
      v = b_.CreateBinaryIntrinsic(Intrinsic::smin, v, ConstantInt::get(wide, hi));
      result = b_.CreateTrunc(v, target);
    } else if (toBits <= fromBits) {
      result = b_.CreateTrunc(a, target);
    } else {
      result = isSigned(from) ? b_.CreateSExt(a, target) : b_.CreateZExt(a, target);
    }
  }
  write(inst.operands[0], result, to);
}

void FunctionTranslator::translateCvta(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  write(inst.operands[0], read(inst.operands[1], type), type);
}

} // namespace cuport::translate
