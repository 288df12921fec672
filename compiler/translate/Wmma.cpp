//===- translate/Wmma.cpp - Warp-level matrix multiply-accumulate ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: wmma.load.{a,b,c}, wmma.store.d and wmma.mma of shape m16n16k16 with
// f16 or u8/s8 multiplicands and f32, f16 or s32 accumulators, any layout
// (.row/.col), any state space. Out: per-thread loads and stores of the
// fragment elements, and for wmma.mma one warp collective,
// `__cuport_warp_allgather` (passes/WarpCollectives.h), that hands every
// lane the registers of the warp it needs, followed by the lane's own
// multiply-accumulate. A collective is a split point of the CPU lowering;
// one per mma keeps kernels with wmma in loops as cheap to compile as any
// kernel with a __syncwarp.
//
// PTX leaves the fragment layout (which lane holds which element) to the
// implementation; a program may only load, store, multiply and apply
// element-wise operations that treat every element alike. cuport's layout,
// for lane l, g = l / 2 (0..15), h = l % 2, element e of the fragment:
//
//   a, f16  (8 b32 = 16 halves)   A[g][e]          row g, every k (lanes 2g
//                                                   and 2g+1 hold the same)
//   b, f16  (8 b32 = 16 halves)   B[e][g]          column g, every k
//   a, u8/s8 (2 b32 = 8 bytes)    A[g][8h + e]     half a row
//   b, u8/s8 (2 b32 = 8 bytes)    B[8h + e][g]     half a column
//   c/d, f32 or s32 (8 regs)      C[g][8h + e]     half a row
//   c/d, f16 (4 b32 = 8 halves)   C[g][8h + e]     half a row
//
// Packed registers hold element 2r (4r for bytes) in their low bits. The
// memory layout (.row: element (i, j) at i * ldm + j; .col: at j * ldm + i,
// in elements; ldm defaults to 16) only decides where each element is read
// or written. The accumulator layout puts D[g][8h..8h+7] in lane l, so
// wmma.mma finds row g of A in its own registers (f16) or in lanes 2g and
// 2g+1 (u8/s8), and the eight columns of B it needs in lanes 2c (and 2c+1)
// of the gathered registers (B's 8 per lane for f16: 1 KB; A's and B's 4
// for 8-bit types: 512 bytes, per thread). Products are exact in
// f32 (f16 x f16) or i32 (8 x 8 bits); sums are f32 in k order, or wrapping
// i32 (.satfinite: clamped to the s32 range).
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

using namespace llvm;

namespace cuport::translate {

namespace {

constexpr unsigned kTile = 16; // m = n = k = 16

enum class Matrix { A, B, C, D };

/// What one fragment is: which matrix, its element type, how many
/// elements one lane holds, and how many of them share a register.
struct Fragment {
  Matrix matrix = Matrix::A;
  ptx::Type element = ptx::Type::None; // F16, U8, S8, F32, S32
  unsigned elements = 0;               // per lane
  unsigned perRegister = 1;
  unsigned registers() const { return elements / perRegister; }
  unsigned elementBits() const { return ptx::typeBits(element); }
};

std::optional<Fragment> fragmentOf(Matrix matrix, ptx::Type element) {
  Fragment fragment{matrix, element};
  bool multiplicand = matrix == Matrix::A || matrix == Matrix::B;
  if (multiplicand && element == ptx::Type::F16)
    fragment.elements = 16, fragment.perRegister = 2;
  else if (multiplicand && (element == ptx::Type::U8 || element == ptx::Type::S8))
    fragment.elements = 8, fragment.perRegister = 4;
  else if (!multiplicand && (element == ptx::Type::F32 || element == ptx::Type::S32))
    fragment.elements = 8, fragment.perRegister = 1;
  else if (!multiplicand && element == ptx::Type::F16)
    fragment.elements = 8, fragment.perRegister = 2;
  else
    return std::nullopt;
  return fragment;
}

/// The PTX type fragment registers are read and written as.
ptx::Type registerTypeOf(const Fragment &fragment) {
  if (fragment.perRegister > 1)
    return ptx::Type::B32;
  return fragment.element == ptx::Type::F32 ? ptx::Type::F32 : ptx::Type::S32;
}

std::vector<const ptx::Operand *> registersOf(const ptx::Operand &op) {
  std::vector<const ptx::Operand *> registers;
  if (op.kind == ptx::Operand::Kind::Vector)
    for (const ptx::Operand &element : op.elements)
      registers.push_back(&element);
  return registers;
}

} // namespace

/// `__cuport_warp_allgather(dst, src, bytes, mask)` (passes/WarpCollectives.h):
/// every lane's `bytes` at `src` land at dst + lane * bytes; wmma is
/// `.sync.aligned`, so all 32 lanes are members.
void FunctionTranslator::callWarpAllGather(Value *dst, Value *src, unsigned bytes) {
  FunctionCallee callee = mc_.module.getOrInsertFunction(
      "__cuport_warp_allgather",
      FunctionType::get(b_.getVoidTy(),
                        {dst->getType(), src->getType(), b_.getInt32Ty(), b_.getInt32Ty()},
                        false));
  if (auto *function = dyn_cast<Function>(callee.getCallee())) {
    function->addFnAttr(Attribute::Convergent);
    function->addFnAttr(Attribute::NoUnwind);
  }
  CallInst *call =
      b_.CreateCall(callee, {dst, src, b_.getInt32(bytes), b_.getInt32(0xFFFFFFFFu)});
  call->addFnAttr(Attribute::Convergent);
}

/// The lane's position: g = laneid / 2 and h = laneid % 2, as i32.
std::pair<Value *, Value *> FunctionTranslator::wmmaLanePosition() {
  ptx::Operand lane;
  lane.kind = ptx::Operand::Kind::Register;
  lane.name = "%laneid";
  Value *id = read(lane, ptx::Type::U32);
  return {b_.CreateLShr(id, 1), b_.CreateAnd(id, 1)};
}

/// Row and column (i32) of element `e` of this lane's fragment.
static std::pair<Value *, Value *> elementPosition(IRBuilder<> &b, const Fragment &f,
                                                   Value *g, Value *h, unsigned e) {
  Value *index = b.getInt32(e);
  // Half a row or column: element e sits at 8h + e.
  Value *half = b.CreateAdd(b.CreateMul(h, b.getInt32(8)), index);
  switch (f.matrix) {
  case Matrix::A:
    return {g, f.elements == kTile ? index : half};
  case Matrix::B:
    return {f.elements == kTile ? index : half, g};
  case Matrix::C:
  case Matrix::D:
    return {g, half};
  }
  return {g, index};
}

void FunctionTranslator::translateWmma(const ptx::Instruction &inst) {
  if (!inst.has("m16n16k16"))
    return unsupported(inst, "wmma supports the shape m16n16k16");
  if (inst.has("load") || inst.has("store"))
    return translateWmmaLoadStore(inst);
  if (inst.has("mma"))
    return translateWmmaMma(inst);
  unsupported(inst, "wmma supports load, store and mma");
}

void FunctionTranslator::translateWmmaLoadStore(const ptx::Instruction &inst) {
  // wmma.load.{a,b,c}.sync.aligned.layout.shape{.ss}.type r, [p]{, stride};
  // wmma.store.d.sync.aligned.layout.shape{.ss}.type [p], r{, stride};
  bool load = inst.has("load");
  Matrix matrix = inst.has("a")   ? Matrix::A
                  : inst.has("b") ? Matrix::B
                  : inst.has("c") ? Matrix::C
                                  : Matrix::D;
  if (load == (matrix == Matrix::D))
    return unsupported(inst, "wmma.load takes a, b or c; wmma.store takes d");
  if (inst.operands.size() != 2 && inst.operands.size() != 3)
    return expectOperands(inst, 3);
  std::optional<Fragment> fragment = fragmentOf(matrix, inst.type());
  if (!fragment)
    return unsupported(inst, "wmma fragments of f16, u8, s8 (a, b) or f32, "
                             "f16, s32 (c, d)");
  bool rowMajor = inst.has("row");
  if (!rowMajor && !inst.has("col"))
    return unsupported(inst, "wmma needs .row or .col");
  const ptx::Operand &regs = inst.operands[load ? 0 : 1];
  std::vector<const ptx::Operand *> registers = registersOf(regs);
  if (registers.size() != fragment->registers())
    return unsupported(inst, "wrong number of fragment registers");
  Value *base = address(inst.operands[load ? 1 : 0], inst.space());
  Value *stride = inst.operands.size() == 3 ? read(inst.operands[2], ptx::Type::U32)
                                            : b_.getInt32(kTile);
  if (!base || !stride)
    return;

  auto [g, h] = wmmaLanePosition();
  Type *elementType = fragment->element == ptx::Type::F32
                          ? b_.getFloatTy()
                          : b_.getIntNTy(fragment->elementBits());
  uint64_t elementBytes = fragment->elementBits() / 8;
  auto elementPointer = [&](unsigned e) {
    auto [row, column] = elementPosition(b_, *fragment, g, h, e);
    Value *index = rowMajor ? b_.CreateAdd(b_.CreateMul(row, stride), column)
                            : b_.CreateAdd(b_.CreateMul(column, stride), row);
    Value *offset = b_.CreateMul(b_.CreateZExt(index, b_.getInt64Ty()),
                                 b_.getInt64(elementBytes));
    return b_.CreateGEP(b_.getInt8Ty(), base, offset);
  };
  ptx::Type registerType = registerTypeOf(*fragment);
  unsigned bits = fragment->elementBits();
  for (unsigned r = 0; r < registers.size(); ++r) {
    if (load) {
      Value *packed = nullptr;
      for (unsigned k = 0; k < fragment->perRegister; ++k) {
        unsigned e = r * fragment->perRegister + k;
        Value *value = b_.CreateAlignedLoad(elementType, elementPointer(e),
                                            Align(elementBytes));
        if (fragment->perRegister == 1) {
          packed = value;
          break;
        }
        Value *wide = b_.CreateShl(b_.CreateZExt(value, b_.getInt32Ty()), k * bits);
        packed = packed ? b_.CreateOr(packed, wide) : wide;
      }
      write(*registers[r], packed, registerType);
      continue;
    }
    Value *value = read(*registers[r], registerType);
    if (!value)
      return;
    for (unsigned k = 0; k < fragment->perRegister; ++k) {
      unsigned e = r * fragment->perRegister + k;
      Value *element = value;
      if (fragment->perRegister > 1)
        element = b_.CreateTrunc(b_.CreateLShr(value, k * bits), elementType);
      b_.CreateAlignedStore(element, elementPointer(e), Align(elementBytes));
    }
  }
}

void FunctionTranslator::translateWmmaMma(const ptx::Instruction &inst) {
  // wmma.mma.sync.aligned.alayout.blayout.shape.dtype.ctype d, a, b, c;
  // wmma.mma.sync.aligned.alayout.blayout.shape.s32.atype.btype.s32{.satfinite}
  features_ |= UsesWarpOps;
  expectOperands(inst, 4);
  if (failed_)
    return;
  std::vector<ptx::Type> types = inst.types();
  ptx::Type dType, cType, aType = ptx::Type::F16, bType = ptx::Type::F16;
  if (types.size() == 2) {
    dType = types[0], cType = types[1];
  } else if (types.size() == 4) {
    dType = types[0], aType = types[1], bType = types[2], cType = types[3];
  } else {
    return unsupported(inst, "wmma.mma needs .dtype.ctype or .dtype.atype.btype.ctype");
  }
  bool integer = aType != ptx::Type::F16;
  std::optional<Fragment> a = fragmentOf(Matrix::A, aType);
  std::optional<Fragment> b = fragmentOf(Matrix::B, bType);
  std::optional<Fragment> c = fragmentOf(Matrix::C, cType);
  std::optional<Fragment> d = fragmentOf(Matrix::D, dType);
  if (!a || !b || !c || !d || (bType == ptx::Type::F16) == integer ||
      (integer && (cType != ptx::Type::S32 || dType != ptx::Type::S32)) ||
      (!integer && (cType == ptx::Type::S32 || dType == ptx::Type::S32)))
    return unsupported(inst, "wmma.mma supports f16 x f16 + f32/f16 and "
                             "u8/s8 x u8/s8 + s32");
  if (!integer && inst.has("satfinite"))
    return unsupported(inst, "wmma.mma .satfinite on floating-point accumulators");
  std::vector<const ptx::Operand *> dRegs = registersOf(inst.operands[0]),
                                    aRegs = registersOf(inst.operands[1]),
                                    bRegs = registersOf(inst.operands[2]),
                                    cRegs = registersOf(inst.operands[3]);
  if (dRegs.size() != d->registers() || aRegs.size() != a->registers() ||
      bRegs.size() != b->registers() || cRegs.size() != c->registers())
    return unsupported(inst, "wrong number of fragment registers");
  auto readAll = [&](const std::vector<const ptx::Operand *> &regs,
                     const Fragment &fragment) {
    std::vector<Value *> values;
    for (const ptx::Operand *reg : regs)
      values.push_back(read(*reg, registerTypeOf(fragment)));
    return values;
  };
  std::vector<Value *> aValues = readAll(aRegs, *a), bValues = readAll(bRegs, *b),
                       cValues = readAll(cRegs, *c);
  if (failed_)
    return;

  auto [g, h] = wmmaLanePosition();
  // One collective: every lane publishes the registers others need (B for
  // f16; A and B for 8-bit types) and receives the warp's, lane by lane.
  std::vector<Value *> published = bValues;
  if (integer)
    published.insert(published.begin(), aValues.begin(), aValues.end());
  unsigned perLane = published.size();
  Type *laneType = ArrayType::get(b_.getInt32Ty(), perLane);
  Type *warpType = ArrayType::get(laneType, 32);
  AllocaInst *mine, *gathered;
  {
    IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
    mine = entry.CreateAlloca(laneType, nullptr, "wmma.mine");
    gathered = entry.CreateAlloca(warpType, nullptr, "wmma.warp");
  }
  for (unsigned r = 0; r < perLane; ++r)
    b_.CreateStore(published[r], b_.CreateConstInBoundsGEP2_32(laneType, mine, 0, r));
  callWarpAllGather(gathered, mine, perLane * 4);
  // Register r of lane `lane` (i32) as the warp published it.
  auto laneRegister = [&](Value *lane, unsigned r) {
    Value *slot = b_.CreateInBoundsGEP(warpType, gathered,
                                       {b_.getInt32(0), lane, b_.getInt32(r)});
    return b_.CreateLoad(b_.getInt32Ty(), slot);
  };
  auto unpack = [&](Value *reg, unsigned k, unsigned bits) {
    return b_.CreateTrunc(b_.CreateLShr(reg, k * bits), b_.getIntNTy(bits));
  };

  // Row g of A, all 16 k, as f32 or i32.
  std::vector<Value *> aRow(kTile);
  if (!integer) {
    for (unsigned k = 0; k < kTile; ++k)
      aRow[k] = b_.CreateFPExt(
          b_.CreateBitCast(unpack(aValues[k / 2], k % 2, 16), b_.getHalfTy()),
          b_.getFloatTy());
  } else {
    // k 0..7 in lane 2g, 8..15 in lane 2g+1 (registers 0 and 1).
    bool isSigned = aType == ptx::Type::S8;
    for (unsigned part = 0; part < 2; ++part) {
      Value *lane = b_.CreateAdd(b_.CreateShl(g, 1), b_.getInt32(part));
      for (unsigned r = 0; r < 2; ++r) {
        Value *reg = laneRegister(lane, r);
        for (unsigned k = 0; k < 4; ++k)
          aRow[8 * part + 4 * r + k] =
              b_.CreateIntCast(unpack(reg, k, 8), b_.getInt32Ty(), isSigned);
      }
    }
  }

  std::vector<Value *> results;
  bool saturate = inst.has("satfinite");
  for (unsigned j = 0; j < d->elements; ++j) {
    // Column n = 8h + j of B, held by lanes 2n (and 2n+1).
    Value *column = b_.CreateAdd(b_.CreateMul(h, b_.getInt32(8)), b_.getInt32(j));
    Value *owner = b_.CreateShl(column, 1);
    std::vector<Value *> bColumn(kTile);
    if (!integer) {
      for (unsigned r = 0; r < 8; ++r) {
        Value *reg = laneRegister(owner, r);
        for (unsigned k = 0; k < 2; ++k)
          bColumn[2 * r + k] = b_.CreateFPExt(
              b_.CreateBitCast(unpack(reg, k, 16), b_.getHalfTy()), b_.getFloatTy());
      }
    } else {
      // B's registers follow A's two in what each lane published.
      bool isSigned = bType == ptx::Type::S8;
      for (unsigned part = 0; part < 2; ++part)
        for (unsigned r = 0; r < 2; ++r) {
          Value *reg = laneRegister(b_.CreateAdd(owner, b_.getInt32(part)), 2 + r);
          for (unsigned k = 0; k < 4; ++k)
            bColumn[8 * part + 4 * r + k] =
                b_.CreateIntCast(unpack(reg, k, 8), b_.getInt32Ty(), isSigned);
        }
    }
    // The accumulator element j of this lane.
    Value *acc;
    if (integer) {
      acc = saturate ? b_.CreateSExt(cValues[j], b_.getInt64Ty()) : cValues[j];
      for (unsigned k = 0; k < kTile; ++k) {
        Value *product = b_.CreateMul(aRow[k], bColumn[k]);
        acc = saturate ? b_.CreateAdd(acc, b_.CreateSExt(product, b_.getInt64Ty()))
                       : b_.CreateAdd(acc, product);
      }
      if (saturate) {
        Value *low = b_.getInt64(INT32_MIN), *high = b_.getInt64(INT32_MAX);
        acc = b_.CreateSelect(b_.CreateICmpSLT(acc, low), low, acc);
        acc = b_.CreateSelect(b_.CreateICmpSGT(acc, high), high, acc);
        acc = b_.CreateTrunc(acc, b_.getInt32Ty());
      }
    } else {
      if (c->element == ptx::Type::F32)
        acc = cValues[j];
      else
        acc = b_.CreateFPExt(b_.CreateBitCast(unpack(cValues[j / 2], j % 2, 16),
                                              b_.getHalfTy()),
                             b_.getFloatTy());
      for (unsigned k = 0; k < kTile; ++k)
        acc = b_.CreateFAdd(acc, b_.CreateFMul(aRow[k], bColumn[k]));
    }
    results.push_back(acc);
  }
  ptx::Type dRegisterType = registerTypeOf(*d);
  for (unsigned r = 0; r < dRegs.size(); ++r) {
    if (d->element != ptx::Type::F16) {
      write(*dRegs[r], results[r], dRegisterType);
      continue;
    }
    Value *packed = nullptr;
    for (unsigned k = 0; k < 2; ++k) {
      Value *half = b_.CreateBitCast(
          b_.CreateFPTrunc(results[2 * r + k], b_.getHalfTy()), b_.getInt16Ty());
      Value *wide = b_.CreateShl(b_.CreateZExt(half, b_.getInt32Ty()), 16 * k);
      packed = packed ? b_.CreateOr(packed, wide) : wide;
    }
    write(*dRegs[r], packed, dRegisterType);
  }
}

} // namespace cuport::translate
