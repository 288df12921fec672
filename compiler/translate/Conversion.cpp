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
//   - cvt to a float type rounds as .rn/.rz/.rm/.rp say (exactly, without
//     the host rounding mode: FloatSemantics.h), or to an integral value
//     with .rni/.rzi/.rmi/.rpi when both types are the same; .ftz flushes
//     f32 subnormals, .sat clamps to [0, 1], .relu and .satfinite as the
//     ISA defines; cvt.rn.f16x2.f32 d, a, b packs a into the upper half;
//     cvt.rna.tf32.f32 rounds to 10 mantissa bits, ties away;
//   - cvt between integer types truncates or extends by the source type;
//     .sat clamps to the destination's range;
//   - cvta between generic and a state space is an addrspacecast, in NVVM
//     form: inttoptr to ptr addrspace(N), addrspacecast, ptrtoint (and the
//     reverse for cvta.to). A state-space address need not equal the
//     generic one: on the CPU, shared addresses become offsets into the
//     worker's arena (DESIGN.md §4.1 step 7), and 32-bit shared addresses
//     (mov.u32 %r, smem; ld.shared [%r]) stay offsets. .u32 addresses are
//     zero-extended to 64 bits and truncated back.
//
//===----------------------------------------------------------------------===//
#include "translate/FloatSemantics.h"
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
  std::vector<ptx::Type> types = inst.types();
  if (types.size() != 2)
    return unsupported(inst, "cvt needs a destination and a source type");
  ptx::Type to = types[0], from = types[1];
  if (inst.has("rs"))
    return unsupported(inst, "stochastic rounding");
  bool packed = to == ptx::Type::F16x2 || to == ptx::Type::BF16x2;
  expectOperands(inst, packed ? 3 : 2);
  if (failed_)
    return;
  if (packed && from != ptx::Type::F32)
    return unsupported(inst, "packing converts from .f32");
  if (to == ptx::Type::TF32)
    return translateCvtToTf32(inst);

  fp::FloatBuilder fb(b_);
  Value *a = nullptr;
  if (packed) {
    // cvt.rn.f16x2.f32 d, a, b: a goes to the upper half, b to the lower.
    Value *upper = read(inst.operands[1], from);
    Value *lower = read(inst.operands[2], from);
    if (!upper || !lower)
      return;
    Type *pair = FixedVectorType::get(b_.getFloatTy(), 2);
    a = b_.CreateInsertElement(PoisonValue::get(pair), lower, uint64_t(0));
    a = b_.CreateInsertElement(a, upper, uint64_t(1));
  } else {
    a = read(inst.operands[1], from);
  }
  if (!a)
    return;
  Type *target = llvmTypeFor(ctx_, to);
  fp::Rounding mode = fp::roundingOf(inst);
  bool ftz = inst.has("ftz");
  Value *result = nullptr;

  if (isFloat(from)) {
    // .ftz flushes f32 subnormal inputs (and results, below).
    if (ftz && from == ptx::Type::F32)
      a = fb.flushSubnormal(a);
    Value *wide = fb.widenToF32(a); // narrow sources: exact
    if (!isFloat(to)) {
      // Float -> integer: round to an integral value, then saturate
      // (NaN -> 0, out of range clamps).
      Intrinsic::ID id = inst.has("rni")   ? Intrinsic::roundeven
                         : inst.has("rmi") ? Intrinsic::floor
                         : inst.has("rpi") ? Intrinsic::ceil
                                           : Intrinsic::trunc;
      Value *rounded = b_.CreateUnaryIntrinsic(id, wide);
      Intrinsic::ID sat = isSigned(to) ? Intrinsic::fptosi_sat : Intrinsic::fptoui_sat;
      result = b_.CreateIntrinsic(sat, {target, wide->getType()}, {rounded});
      return write(inst.operands[0], result, to);
    }
    if (from == to || (fp::hasIntegralRounding(inst) && !packed)) {
      // Round to an integral value in the same format (exact in f32).
      if (from != to)
        return unsupported(inst, "integral rounding needs equal types");
      Intrinsic::ID id = inst.has("rni")   ? Intrinsic::roundeven
                         : inst.has("rzi") ? Intrinsic::trunc
                         : inst.has("rmi") ? Intrinsic::floor
                         : inst.has("rpi") ? Intrinsic::ceil
                                           : Intrinsic::not_intrinsic;
      result = id == Intrinsic::not_intrinsic ? wide
                                              : b_.CreateUnaryIntrinsic(id, wide);
      result = fb.convertFloat(result, target, fp::Rounding::Nearest);
    } else {
      // .sat and .relu commute with the (monotone) rounding: apply them to
      // the source value, where 0 and 1 are exact.
      if (inst.has("sat"))
        wide = fb.saturate(wide);
      if (inst.has("relu"))
        wide = fb.relu(wide);
      result = fb.convertFloat(wide, target, mode);
    }
  } else if (isFloat(to)) {
    result = fb.intToFloat(a, isSigned(from), target, mode);
    if (inst.has("sat"))
      result = fb.convertFloat(fb.saturate(fb.widenToF32(result)), target,
                               fp::Rounding::Nearest);
  } else {
    result = convertInteger(inst, a, from, to);
    return write(inst.operands[0], result, to);
  }
  if (from == to && inst.has("sat"))
    result = fb.convertFloat(fb.saturate(fb.widenToF32(result)), target,
                             fp::Rounding::Nearest);
  if (ftz && to == ptx::Type::F32)
    result = fb.flushSubnormal(result);
  if (inst.has("satfinite"))
    result = fb.satFinite(result);
  write(inst.operands[0], result, to);
}

void FunctionTranslator::translateCvtToTf32(const ptx::Instruction &inst) {
  // tf32 is an f32 bit pattern with the low 13 mantissa bits zero.
  std::vector<ptx::Type> types = inst.types();
  if (types[1] != ptx::Type::F32)
    return unsupported(inst, "tf32 converts from .f32");
  Value *a = read(inst.operands[1], ptx::Type::F32);
  if (!a)
    return;
  fp::FloatBuilder fb(b_);
  if (inst.has("relu"))
    a = fb.relu(a);
  Value *bits = fb.bits(a);
  Type *i32 = bits->getType();
  Value *bias;
  if (inst.has("rna")) {
    bias = ConstantInt::get(i32, 0x1000); // ties away from zero
  } else if (inst.has("rz")) {
    bias = ConstantInt::get(i32, 0);
  } else if (inst.has("rn")) {
    Value *lsb = b_.CreateAnd(b_.CreateLShr(bits, 13), 1);
    bias = b_.CreateAdd(ConstantInt::get(i32, 0xFFF), lsb);
  } else {
    return unsupported(inst, "tf32 conversion needs .rna, .rn or .rz");
  }
  Value *rounded = b_.CreateAnd(b_.CreateAdd(bits, bias), ~uint32_t(0x1FFF));
  Value *result = fb.fromBits(rounded, a->getType());
  if (inst.has("satfinite")) {
    Value *max = ConstantInt::get(i32, 0x7F7FE000);
    Value *signedMax = b_.CreateOr(max, b_.CreateAnd(bits, 0x80000000u));
    result = b_.CreateSelect(fb.isInf(result), fb.fromBits(signedMax, a->getType()),
                             result);
  }
  result = b_.CreateSelect(fb.isNaN(a), fb.canonicalNaN(a->getType()), result);
  write(inst.operands[0], b_.CreateBitCast(result, i32), ptx::Type::TF32);
}

Value *FunctionTranslator::convertInteger(const ptx::Instruction &inst, Value *a,
                                          ptx::Type from, ptx::Type to) {
  Type *target = llvmTypeFor(ctx_, to);
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
    return b_.CreateTrunc(v, target);
  }
  if (toBits <= fromBits)
    return b_.CreateTrunc(a, target);
  return isSigned(from) ? b_.CreateSExt(a, target) : b_.CreateZExt(a, target);
}

void FunctionTranslator::translateCvta(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type != ptx::Type::U32 && type != ptx::Type::U64)
    return unsupported(inst, "cvta takes .u32 or .u64");
  bool toSpace = inst.has("to");
  unsigned space = addressSpaceOf(inst.space());
  if (inst.space() == ptx::StateSpace::Param || space == GenericAS) {
    // .param addresses are generic ones in this translation.
    write(inst.operands[0], read(inst.operands[1], type), type);
    return;
  }
  PointerType *from = PointerType::get(ctx_, toSpace ? GenericAS : space);
  PointerType *to = PointerType::get(ctx_, toSpace ? space : GenericAS);
  const ptx::Operand &src = inst.operands[1];
  Value *pointer = nullptr;
  if (src.kind == ptx::Operand::Kind::Symbol && variableAddress(src.name)) {
    // cvta.shared.u64 %rd, smem: the variable's own pointer.
    pointer = variableAddress(src.name);
    if (pointer->getType() != from)
      pointer = b_.CreateAddrSpaceCast(pointer, from);
    if (src.offset)
      pointer = b_.CreateConstGEP1_64(b_.getInt8Ty(), pointer, src.offset);
  } else {
    Value *integer = read(src, type);
    if (!integer)
      return;
    pointer = b_.CreateIntToPtr(b_.CreateZExt(integer, b_.getInt64Ty()), from);
  }
  Value *result =
      b_.CreatePtrToInt(b_.CreateAddrSpaceCast(pointer, to), b_.getInt64Ty());
  write(inst.operands[0], b_.CreateTrunc(result, llvmTypeFor(ctx_, type)), type);
}

} // namespace cuport::translate
