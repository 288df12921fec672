//===- translate/IntegerBits.cpp - Carry chains and bit manipulation ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// PTX integer instructions with no single LLVM counterpart, in: the PTX
// syntax tree of one instruction; out: plain integer LLVM IR (no NVVM
// intrinsics, so the CPU lowering needs nothing extra). Every input is
// defined by PTX, so every LLVM shift amount here is kept below the width
// and the edge cases are selected explicitly:
//   - carry chains (add.cc, addc, sub.cc, subc, mad.cc, madc): CC.CF is one
//     i1 per function; add/mad write the carry-out, sub writes the
//     borrow-out, and addc/subc/madc consume it (d = a - (b + CF) for subc);
//   - bfind: 0xFFFFFFFF when no non-sign bit exists, .shiftamt = msb - pos;
//   - fns: the n-th set bit from base, 0xFFFFFFFF when absent (and for a
//     base above 31, which PTX leaves undefined);
//   - prmt: generic selectors with sign replication, and the f4e b4e rc8
//     ecl ecr rc16 modes (only c[1:0] counts there);
//   - shf: funnel shifts with the amount clamped to 32 or taken mod 32;
//   - lop3: any 3-input truth table, immLut bit (a<<2 | b<<1 | c);
//   - dp4a/dp2a: byte (half-word) products, each operand signed per type;
//   - bmsk and szext with .clamp and .wrap exactly as the ISA defines them;
//   - mul24/mad24: 24-bit operands, 48-bit product, .hi = bits 47..16;
//   - sad: c + |a - b| without overflow in the difference;
//   - min/max .u16x2 .s16x2 per half-word, .relu clamps below at 0.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/Intrinsics.h"

#include <array>

using namespace llvm;

namespace cuport::translate {

namespace {

bool isCarryType(ptx::Type type) {
  using T = ptx::Type;
  return type == T::U32 || type == T::S32 || type == T::U64 || type == T::S64;
}

/// 0xFFFFFFFF, PTX's "not found" for bfind and fns.
Constant *notFound(IRBuilder<> &b) { return b.getInt32(0xFFFFFFFFu); }

/// Byte-index tables of the prmt modes: for each selector n = c[1:0] and
/// each destination byte i, the source byte, packed as nibble (4 * n + i).
uint64_t prmtModeTable(StringRef mode) {
  // Rows are n = 3..0, written d.b3 d.b2 d.b1 d.b0 as in the PTX ISA.
  auto pack = [](std::initializer_list<std::array<unsigned, 4>> rows) {
    uint64_t packed = 0;
    unsigned n = 3;
    for (const auto &row : rows) {
      for (unsigned i = 0; i < 4; ++i)
        packed |= uint64_t(row[3 - i]) << (4 * (4 * n + i));
      --n;
    }
    return packed;
  };
  if (mode == "f4e")
    return pack({{6, 5, 4, 3}, {5, 4, 3, 2}, {4, 3, 2, 1}, {3, 2, 1, 0}});
  if (mode == "b4e")
    return pack({{0, 1, 2, 3}, {7, 0, 1, 2}, {6, 7, 0, 1}, {5, 6, 7, 0}});
  if (mode == "rc8")
    return pack({{3, 3, 3, 3}, {2, 2, 2, 2}, {1, 1, 1, 1}, {0, 0, 0, 0}});
  if (mode == "ecl")
    return pack({{3, 3, 3, 3}, {3, 2, 2, 2}, {3, 2, 1, 1}, {3, 2, 1, 0}});
  if (mode == "ecr")
    return pack({{3, 2, 1, 0}, {2, 2, 1, 0}, {1, 1, 1, 0}, {0, 0, 0, 0}});
  if (mode == "rc16")
    return pack({{3, 2, 3, 2}, {1, 0, 1, 0}, {3, 2, 3, 2}, {1, 0, 1, 0}});
  return 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// Carry flag
//===----------------------------------------------------------------------===//

AllocaInst *FunctionTranslator::carryFlagSlot() {
  if (!carryFlag_) {
    // Cleared at entry, so a stray addc reads 0 rather than undef.
    IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
    carryFlag_ = entry.CreateAlloca(b_.getInt1Ty(), nullptr, "cc.cf");
    entry.CreateStore(entry.getFalse(), carryFlag_);
  }
  return carryFlag_;
}

Value *FunctionTranslator::readCarryFlag() {
  return b_.CreateLoad(b_.getInt1Ty(), carryFlagSlot(), "cf");
}

void FunctionTranslator::writeCarryFlag(Value *carry) {
  b_.CreateStore(carry, carryFlagSlot());
}

//===----------------------------------------------------------------------===//
// Carry chains
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateCarryArith(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (!isCarryType(type) || inst.has("sat"))
    return unsupported(inst, "carry chains take .u32 .s32 .u64 .s64");
  bool subtract = inst.opcode == "sub" || inst.opcode == "subc";
  bool carryIn = inst.opcode == "addc" || inst.opcode == "subc";
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  // One bit wider: bit N of the result is the carry (or, for a difference
  // that went below zero, the borrow).
  unsigned bits = a->getType()->getIntegerBitWidth();
  Type *wide = b_.getIntNTy(bits + 1);
  Value *wa = b_.CreateZExt(a, wide), *wb = b_.CreateZExt(b, wide);
  Value *result = subtract ? b_.CreateSub(wa, wb) : b_.CreateAdd(wa, wb);
  if (carryIn) {
    Value *cf = b_.CreateZExt(readCarryFlag(), wide);
    result = subtract ? b_.CreateSub(result, cf) : b_.CreateAdd(result, cf);
  }
  if (inst.has("cc"))
    writeCarryFlag(b_.CreateTrunc(b_.CreateLShr(result, bits), b_.getInt1Ty()));
  write(inst.operands[0], b_.CreateTrunc(result, a->getType()), type);
}

void FunctionTranslator::translateCarryMad(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (!isCarryType(type) || inst.has("wide") || inst.has("sat"))
    return unsupported(inst,
                       "carry chains take .lo/.hi and .u32 .s32 .u64 .s64");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  Value *c = read(inst.operands[3], type);
  if (!a || !b || !c)
    return;
  unsigned bits = a->getType()->getIntegerBitWidth();
  Type *product = b_.getIntNTy(2 * bits);
  bool sign = isSigned(type);
  Value *pa = sign ? b_.CreateSExt(a, product) : b_.CreateZExt(a, product);
  Value *pb = sign ? b_.CreateSExt(b, product) : b_.CreateZExt(b, product);
  Value *t = b_.CreateMul(pa, pb);
  if (inst.has("hi"))
    t = b_.CreateLShr(t, bits);
  Type *wide = b_.getIntNTy(bits + 1);
  Value *sum =
      b_.CreateAdd(b_.CreateZExt(b_.CreateTrunc(t, a->getType()), wide),
                   b_.CreateZExt(c, wide));
  if (inst.opcode == "madc")
    sum = b_.CreateAdd(sum, b_.CreateZExt(readCarryFlag(), wide));
  if (inst.has("cc"))
    writeCarryFlag(b_.CreateTrunc(b_.CreateLShr(sum, bits), b_.getInt1Ty()));
  write(inst.operands[0], b_.CreateTrunc(sum, a->getType()), type);
}

//===----------------------------------------------------------------------===//
// Bit search
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateBfind(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (!isCarryType(type))
    return unsupported(inst, "bfind takes .u32 .s32 .u64 .s64");
  Value *a = read(inst.operands[1], type);
  if (!a)
    return;
  Type *t = a->getType();
  unsigned bits = t->getIntegerBitWidth();
  // For a negative signed value the first non-sign bit is its first 0.
  if (isSigned(type))
    a = b_.CreateSelect(b_.CreateICmpSLT(a, ConstantInt::get(t, 0)),
                        b_.CreateNot(a), a);
  Value *leading = b_.CreateZExtOrTrunc(
      b_.CreateBinaryIntrinsic(Intrinsic::ctlz, a, b_.getFalse()),
      b_.getInt32Ty());
  Value *found = inst.has("shiftamt")
                     ? leading
                     : b_.CreateSub(b_.getInt32(bits - 1), leading);
  Value *none = b_.CreateICmpEQ(a, ConstantInt::get(t, 0));
  write(inst.operands[0], b_.CreateSelect(none, notFound(b_), found),
        ptx::Type::U32);
}

void FunctionTranslator::translateFns(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  Value *mask = read(inst.operands[1], ptx::Type::B32);
  Value *base = read(inst.operands[2], ptx::Type::U32);
  Value *offset = read(inst.operands[3], ptx::Type::S32);
  if (!mask || !base || !offset)
    return;
  // base > 31 is undefined in PTX; it finds nothing here.
  Value *baseValid = b_.CreateICmpULT(base, b_.getInt32(32));
  Value *safeBase = b_.CreateAnd(base, b_.getInt32(31));
  Value *forward = b_.CreateICmpSGT(offset, b_.getInt32(0));
  // Candidates: bits at or above base going forward, at or below going back.
  Value *above = b_.CreateShl(b_.getInt32(~0u), safeBase);
  Value *below =
      b_.CreateLShr(b_.getInt32(~0u), b_.CreateSub(b_.getInt32(31), safeBase));
  Value *candidates =
      b_.CreateAnd(mask, b_.CreateSelect(forward, above, below));
  Value *total = b_.CreateUnaryIntrinsic(Intrinsic::ctpop, candidates);
  // |offset| as unsigned (INT_MIN stays 2^31, more than any count).
  Value *n = b_.CreateSelect(forward, offset, b_.CreateNeg(offset));
  Value *exists = b_.CreateICmpULE(n, total);
  // The n-th highest candidate is the (total - n + 1)-th lowest.
  Value *k = b_.CreateSelect(
      forward, n, b_.CreateAdd(b_.CreateSub(total, n), b_.getInt32(1)));
  // Select the k-th lowest set bit by halving the window five times.
  Value *pos = b_.getInt32(0);
  for (unsigned width = 16; width >= 1; width /= 2) {
    Value *window = b_.CreateAnd(b_.CreateLShr(candidates, pos),
                                 b_.getInt32((1u << width) - 1));
    Value *low = b_.CreateUnaryIntrinsic(Intrinsic::ctpop, window);
    Value *higher = b_.CreateICmpUGT(k, low);
    k = b_.CreateSelect(higher, b_.CreateSub(k, low), k);
    pos = b_.CreateSelect(higher, b_.CreateAdd(pos, b_.getInt32(width)), pos);
  }
  Value *nth = b_.CreateSelect(exists, pos, notFound(b_));
  // offset 0: base itself if its bit is set.
  Value *baseBit =
      b_.CreateTrunc(b_.CreateLShr(mask, safeBase), b_.getInt1Ty());
  Value *atBase = b_.CreateSelect(baseBit, safeBase, notFound(b_));
  Value *result =
      b_.CreateSelect(b_.CreateICmpEQ(offset, b_.getInt32(0)), atBase, nth);
  result = b_.CreateSelect(baseValid, result, notFound(b_));
  write(inst.operands[0], result, ptx::Type::B32);
}

//===----------------------------------------------------------------------===//
// Byte permute, funnel shift, logic table
//===----------------------------------------------------------------------===//

void FunctionTranslator::translatePrmt(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  StringRef mode;
  for (StringRef m : {"f4e", "b4e", "rc8", "ecl", "ecr", "rc16"})
    if (inst.has(m))
      mode = m;
  Value *a = read(inst.operands[1], ptx::Type::B32);
  Value *b = read(inst.operands[2], ptx::Type::B32);
  Value *c = read(inst.operands[3], ptx::Type::B32);
  if (!a || !b || !c)
    return;
  Type *i64 = b_.getInt64Ty();
  Value *source = b_.CreateOr(b_.CreateShl(b_.CreateZExt(b, i64), 32),
                              b_.CreateZExt(a, i64));
  Value *table = nullptr, *n = nullptr;
  if (!mode.empty()) {
    table = b_.getInt64(prmtModeTable(mode));
    n = b_.CreateZExt(b_.CreateAnd(c, b_.getInt32(3)), i64);
  }
  Value *result = b_.getInt64(0);
  for (unsigned i = 0; i < 4; ++i) {
    Value *select;
    if (mode.empty()) {
      select = b_.CreateZExt(
          b_.CreateAnd(b_.CreateLShr(c, 4 * i), b_.getInt32(7)), i64);
    } else {
      Value *nibble = b_.CreateAdd(b_.CreateShl(n, 4), b_.getInt64(4 * i));
      select = b_.CreateAnd(b_.CreateLShr(table, nibble), b_.getInt64(7));
    }
    Value *byte = b_.CreateAnd(b_.CreateLShr(source, b_.CreateShl(select, 3)),
                               b_.getInt64(0xFF));
    if (mode.empty()) {
      // Selector msb: replicate the byte's sign over the byte.
      Value *replicate =
          b_.CreateTrunc(b_.CreateLShr(c, 4 * i + 3), b_.getInt1Ty());
      Value *negative = b_.CreateICmpUGE(byte, b_.getInt64(0x80));
      Value *sign =
          b_.CreateSelect(negative, b_.getInt64(0xFF), b_.getInt64(0));
      byte = b_.CreateSelect(replicate, sign, byte);
    }
    result = b_.CreateOr(result, b_.CreateShl(byte, 8 * i));
  }
  write(inst.operands[0], b_.CreateTrunc(result, b_.getInt32Ty()),
        ptx::Type::B32);
}

void FunctionTranslator::translateFunnelShift(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  bool left = inst.has("l"), clamp = inst.has("clamp");
  if (left == inst.has("r") || clamp == inst.has("wrap"))
    return unsupported(inst, "shf needs .l or .r and .clamp or .wrap");
  Value *a = read(inst.operands[1], ptx::Type::B32); // bits 31:0
  Value *b = read(inst.operands[2], ptx::Type::B32); // bits 63:32
  Value *c = read(inst.operands[3], ptx::Type::U32);
  if (!a || !b || !c)
    return;
  // fshl/fshr take the amount mod 32, which is .wrap; .clamp at 32 or more
  // shifts the other word all the way in.
  Intrinsic::ID id = left ? Intrinsic::fshl : Intrinsic::fshr;
  Value *result = b_.CreateIntrinsic(id, {b_.getInt32Ty()}, {b, a, c});
  if (clamp)
    result = b_.CreateSelect(b_.CreateICmpUGE(c, b_.getInt32(32)), left ? a : b,
                             result);
  write(inst.operands[0], result, ptx::Type::B32);
}

void FunctionTranslator::translateLop3(const ptx::Instruction &inst) {
  if (inst.has("or") || inst.has("and"))
    return unsupported(inst, "lop3 with a predicate result");
  expectOperands(inst, 5);
  if (failed_)
    return;
  const ptx::Operand &lutOperand = inst.operands[4];
  if (lutOperand.kind != ptx::Operand::Kind::Immediate)
    return unsupported(inst, "immLut must be an integer constant");
  unsigned lut = unsigned(lutOperand.intValue & 0xFF);
  Value *a = read(inst.operands[1], ptx::Type::B32);
  Value *b = read(inst.operands[2], ptx::Type::B32);
  Value *c = read(inst.operands[3], ptx::Type::B32);
  if (!a || !b || !c)
    return;
  // Sum of minterms: table bit (ia<<2 | ib<<1 | ic) selects a & b & c with
  // each input complemented where its index bit is 0.
  Value *result = b_.getInt32(0);
  for (unsigned index = 0; index < 8; ++index) {
    if (!(lut >> index & 1))
      continue;
    Value *term = b_.CreateAnd(b_.CreateAnd(index & 4 ? a : b_.CreateNot(a),
                                            index & 2 ? b : b_.CreateNot(b)),
                               index & 1 ? c : b_.CreateNot(c));
    result = b_.CreateOr(result, term);
  }
  write(inst.operands[0], result, ptx::Type::B32);
}

//===----------------------------------------------------------------------===//
// Dot products, masks, extension
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateDotProduct(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  std::vector<ptx::Type> types = inst.types();
  bool twoWay = inst.opcode == "dp2a";
  if (types.size() != 2 || (twoWay && inst.has("hi") == inst.has("lo")))
    return unsupported(inst, "needs .atype.btype (and .lo or .hi for dp2a)");
  bool signA = isSigned(types[0]), signB = isSigned(types[1]);
  ptx::Type accumulator = signA || signB ? ptx::Type::S32 : ptx::Type::U32;
  Value *a = read(inst.operands[1], ptx::Type::B32);
  Value *b = read(inst.operands[2], ptx::Type::B32);
  Value *c = read(inst.operands[3], accumulator);
  if (!a || !b || !c)
    return;
  Type *i32 = b_.getInt32Ty();
  // Element `index` of `width` bits of `value`, extended to 32 bits.
  auto element = [&](Value *value, unsigned width, unsigned index, bool sign) {
    Value *part = b_.CreateTrunc(b_.CreateLShr(value, width * index),
                                 b_.getIntNTy(width));
    return sign ? b_.CreateSExt(part, i32) : b_.CreateZExt(part, i32);
  };
  Value *sum = c;
  unsigned firstByte = twoWay && inst.has("hi") ? 2 : 0;
  for (unsigned i = 0; i < (twoWay ? 2u : 4u); ++i) {
    Value *x = element(a, twoWay ? 16 : 8, i, signA);
    Value *y = element(b, 8, firstByte + i, signB);
    sum = b_.CreateAdd(sum, b_.CreateMul(x, y));
  }
  write(inst.operands[0], sum, accumulator);
}

void FunctionTranslator::translateBmsk(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  bool clamp = inst.has("clamp");
  if (clamp == inst.has("wrap"))
    return unsupported(inst, "bmsk needs .clamp or .wrap");
  Value *a = read(inst.operands[1], ptx::Type::U32);
  Value *b = read(inst.operands[2], ptx::Type::U32);
  if (!a || !b)
    return;
  Constant *ones = b_.getInt32(~0u), *zero = b_.getInt32(0);
  Value *a1 = b_.CreateAnd(a, b_.getInt32(31));
  Value *b1 = b_.CreateAnd(b, b_.getInt32(31));
  Value *mask0 = b_.CreateShl(ones, a1);
  Value *sum = b_.CreateAdd(a1, b1);
  Value *overflow = b_.CreateICmpUGE(sum, b_.getInt32(32));
  Value *mask1 = b_.CreateShl(ones, b_.CreateAnd(sum, b_.getInt32(31)));
  if (clamp) {
    Value *positionOverflow = b_.CreateICmpUGE(a, b_.getInt32(32));
    mask0 = b_.CreateSelect(positionOverflow, zero, mask0);
    overflow = b_.CreateOr(
        overflow,
        b_.CreateOr(positionOverflow, b_.CreateICmpUGE(b, b_.getInt32(32))));
  }
  mask1 = b_.CreateSelect(b_.CreateICmpEQ(b1, zero), ones, mask1);
  mask1 = b_.CreateSelect(overflow, zero, mask1);
  write(inst.operands[0], b_.CreateAnd(mask0, b_.CreateNot(mask1)),
        ptx::Type::B32);
}

void FunctionTranslator::translateSzext(const ptx::Instruction &inst) {
  expectOperands(inst, 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  bool clamp = inst.has("clamp");
  if ((type != ptx::Type::U32 && type != ptx::Type::S32) ||
      clamp == inst.has("wrap"))
    return unsupported(inst, "szext needs .clamp or .wrap and .u32 or .s32");
  Value *a = read(inst.operands[1], ptx::Type::U32);
  Value *b = read(inst.operands[2], ptx::Type::U32);
  if (!a || !b)
    return;
  Constant *zero = b_.getInt32(0);
  Value *b1 = b_.CreateAnd(b, b_.getInt32(31));
  Value *tooLarge =
      clamp ? b_.CreateICmpUGE(b, b_.getInt32(32)) : b_.getFalse();
  // mask: the bits above the field, which take the sign (or zero).
  Value *mask =
      b_.CreateSelect(tooLarge, zero, b_.CreateShl(b_.getInt32(~0u), b1));
  Value *result = b_.CreateAnd(a, b_.CreateNot(mask));
  if (type == ptx::Type::S32) {
    Value *signPos =
        b_.CreateAnd(b_.CreateSub(b1, b_.getInt32(1)), b_.getInt32(31));
    Value *sign = b_.CreateTrunc(b_.CreateLShr(a, signPos), b_.getInt1Ty());
    sign = b_.CreateAnd(
        sign, b_.CreateNot(b_.CreateOr(tooLarge, b_.CreateICmpEQ(b1, zero))));
    result = b_.CreateOr(result, b_.CreateSelect(sign, mask, zero));
  }
  write(inst.operands[0], result, type);
}

//===----------------------------------------------------------------------===//
// 24-bit multiply, sum of absolute difference
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateMul24(const ptx::Instruction &inst) {
  bool mad = inst.opcode == "mad24";
  expectOperands(inst, mad ? 4 : 3);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  bool hi = inst.has("hi");
  if ((type != ptx::Type::U32 && type != ptx::Type::S32) ||
      hi == inst.has("lo"))
    return unsupported(inst, "needs .lo or .hi and .u32 or .s32");
  bool sat = inst.has("sat");
  if (sat && !(mad && hi && type == ptx::Type::S32))
    return unsupported(inst, ".sat is only mad24.hi.sat.s32");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  if (!a || !b)
    return;
  Type *i64 = b_.getInt64Ty();
  bool sign = isSigned(type);
  // The low 24 bits of each operand, as a signed or unsigned 24-bit value.
  auto low24 = [&](Value *v) {
    Value *part = b_.CreateTrunc(v, b_.getIntNTy(24));
    return sign ? b_.CreateSExt(part, i64) : b_.CreateZExt(part, i64);
  };
  Value *product = b_.CreateMul(low24(a), low24(b)); // fits in 48 bits
  if (hi)
    product = b_.CreateLShr(product, 16);
  Value *result = b_.CreateTrunc(product, b_.getInt32Ty());
  if (mad) {
    Value *c = read(inst.operands[3], type);
    if (!c)
      return;
    result = sat ? b_.CreateBinaryIntrinsic(Intrinsic::sadd_sat, result, c)
                 : b_.CreateAdd(result, c);
  }
  write(inst.operands[0], result, type);
}

void FunctionTranslator::translateSad(const ptx::Instruction &inst) {
  expectOperands(inst, 4);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type == ptx::Type::None || isFloat(type) || ptx::typeBits(type) < 16)
    return unsupported(inst, "sad takes 16-, 32- or 64-bit integers");
  Value *a = read(inst.operands[1], type);
  Value *b = read(inst.operands[2], type);
  Value *c = read(inst.operands[3], type);
  if (!a || !b || !c)
    return;
  Value *less =
      isSigned(type) ? b_.CreateICmpSLT(a, b) : b_.CreateICmpULT(a, b);
  // The difference taken in the right order fits the unsigned range.
  Value *difference =
      b_.CreateSelect(less, b_.CreateSub(b, a), b_.CreateSub(a, b));
  write(inst.operands[0], b_.CreateAdd(c, difference), type);
}

void FunctionTranslator::translateIntMinMaxPacked(
    const ptx::Instruction &inst) {
  // Operands are checked by translateMinMax. .u16x2/.s16x2 work on the two
  // half-words of a .b32; .relu (s32, s16x2) clamps negative results to 0.
  bool packed = inst.has("u16x2") || inst.has("s16x2");
  bool sign = inst.has("s16x2") || inst.type() == ptx::Type::S32;
  if (!packed && inst.type() != ptx::Type::S32)
    return unsupported(inst, ".relu takes .s32 or .s16x2");
  if (inst.has("relu") && !sign)
    return unsupported(inst, ".relu takes .s32 or .s16x2");
  Value *a = read(inst.operands[1], ptx::Type::B32);
  Value *b = read(inst.operands[2], ptx::Type::B32);
  if (!a || !b)
    return;
  Type *vector = FixedVectorType::get(b_.getInt16Ty(), 2);
  if (packed) {
    a = b_.CreateBitCast(a, vector);
    b = b_.CreateBitCast(b, vector);
  }
  bool isMin = inst.opcode == "min";
  Intrinsic::ID id = sign ? (isMin ? Intrinsic::smin : Intrinsic::smax)
                          : (isMin ? Intrinsic::umin : Intrinsic::umax);
  Value *result = b_.CreateBinaryIntrinsic(id, a, b);
  if (inst.has("relu"))
    result = b_.CreateBinaryIntrinsic(
        Intrinsic::smax, result, Constant::getNullValue(result->getType()));
  write(inst.operands[0], b_.CreateBitCast(result, b_.getInt32Ty()),
        ptx::Type::B32);
}

} // namespace cuport::translate
