//===- translate/Atomics.cpp - atom, red, membar, fence, nanosleep ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: atom and red on .global, .shared or generic addresses; membar and
// fence; nanosleep. Out: LLVM atomicrmw / cmpxchg / fence with the PTX
// ordering and scope, and a call of llvm.nvvm.nanosleep.
//
// PTX semantics that matter here:
//   - Without .sem an atom/red is .relaxed (monotonic); without a scope it
//     is .gpu. Scopes become sync scopes (syncScopeOf in Memory.cpp).
//   - atom returns the old value; red is atom without a result. cas
//     returns the old value whether or not it stored.
//   - inc: old >= b ? 0 : old + 1 and dec: (old == 0 || old > b) ? b :
//     old - 1 are exactly atomicrmw uinc_wrap and udec_wrap.
//   - min/max are signed for .s32/.s64 and unsigned for .u32/.u64.
//   - add.f32 flushes subnormal inputs and results to sign-preserving zero
//     (as the hardware's RED.ADD.F32.FTZ does), so it is a compare-and-swap
//     loop rather than atomicrmw fadd; add.f64 is plain IEEE (atomicrmw
//     fadd). The half forms (.noftz.f16, .f16x2, .bf16, .bf16x2) keep
//     subnormals; they are a compare-and-swap loop computing in f32 and
//     rounding once to nearest even (f32 has more than 2p+2 bits, so this
//     is the correctly rounded half sum), with bf16 rounding done in
//     integer arithmetic so no runtime library call is needed.
//   - membar.cta/.gl/.sys are fence.sc.cta/.gpu/.sys; fence.sc is a
//     seq_cst fence, fence.acq_rel (the default) an acq_rel one;
//     fence.proxy.* orders proxies of one thread, which the CPU does not
//     have: a single-thread fence keeps the compiler from reordering.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace cuport::translate {

namespace {

enum class AtomOp { None, Add, Min, Max, Inc, Dec, Cas, Exch, And, Or, Xor };

AtomOp atomOpOf(const ptx::Instruction &inst) {
  for (const std::string &m : inst.modifiers) {
    AtomOp op = StringSwitch<AtomOp>(m)
                    .Case("add", AtomOp::Add)
                    .Case("min", AtomOp::Min)
                    .Case("max", AtomOp::Max)
                    .Case("inc", AtomOp::Inc)
                    .Case("dec", AtomOp::Dec)
                    .Case("cas", AtomOp::Cas)
                    .Case("exch", AtomOp::Exch)
                    .Case("and", AtomOp::And)
                    .Case("or", AtomOp::Or)
                    .Case("xor", AtomOp::Xor)
                    .Default(AtomOp::None);
    if (op != AtomOp::None)
      return op;
  }
  return AtomOp::None;
}

/// The strongest failure ordering a cmpxchg with `success` may have.
AtomicOrdering failureOrderingFor(AtomicOrdering success) {
  return AtomicCmpXchgInst::getStrongestFailureOrdering(success);
}

bool isHalfType(ptx::Type type) {
  return type == ptx::Type::F16 || type == ptx::Type::BF16 ||
         type == ptx::Type::F16x2 || type == ptx::Type::BF16x2;
}

bool isBFloat(ptx::Type type) {
  return type == ptx::Type::BF16 || type == ptx::Type::BF16x2;
}

/// Integer atomicrmw operation of `op` for `type`.
std::optional<AtomicRMWInst::BinOp> integerRmwOf(AtomOp op, ptx::Type type) {
  bool isSignedType = isSigned(type);
  switch (op) {
  case AtomOp::Add: return AtomicRMWInst::Add;
  case AtomOp::Min: return isSignedType ? AtomicRMWInst::Min : AtomicRMWInst::UMin;
  case AtomOp::Max: return isSignedType ? AtomicRMWInst::Max : AtomicRMWInst::UMax;
  case AtomOp::Inc: return AtomicRMWInst::UIncWrap;
  case AtomOp::Dec: return AtomicRMWInst::UDecWrap;
  case AtomOp::Exch: return AtomicRMWInst::Xchg;
  case AtomOp::And: return AtomicRMWInst::And;
  case AtomOp::Or: return AtomicRMWInst::Or;
  case AtomOp::Xor: return AtomicRMWInst::Xor;
  default: return std::nullopt;
  }
}

/// Loop `new = update(old)` until a compare-and-swap of the integer at
/// `pointer` succeeds; returns the old integer value.
Value *emitCompareSwapLoop(IRBuilder<> &b, Value *pointer, IntegerType *type,
                           AtomicOrdering ordering, SyncScope::ID scope,
                           function_ref<Value *(Value *)> update) {
  Function *function = b.GetInsertBlock()->getParent();
  LLVMContext &context = b.getContext();
  Align align(type->getBitWidth() / 8);
  LoadInst *initial = b.CreateAlignedLoad(type, pointer, align, "atom.initial");
  initial->setAtomic(AtomicOrdering::Monotonic, scope);
  BasicBlock *entry = b.GetInsertBlock();
  BasicBlock *loop = BasicBlock::Create(context, "atom.loop", function);
  BasicBlock *done = BasicBlock::Create(context, "atom.done", function);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *old = b.CreatePHI(type, 2, "atom.old");
  old->addIncoming(initial, entry);
  Value *replacement = update(old);
  AtomicCmpXchgInst *cas = b.CreateAtomicCmpXchg(
      pointer, old, replacement, MaybeAlign(align), ordering,
      failureOrderingFor(ordering), scope);
  Value *seen = b.CreateExtractValue(cas, 0, "atom.seen");
  old->addIncoming(seen, b.GetInsertBlock());
  b.CreateCondBr(b.CreateExtractValue(cas, 1), done, loop);
  b.SetInsertPoint(done);
  return seen;
}

/// f32 with subnormals flushed to zero of the same sign.
Value *flushSubnormal(IRBuilder<> &b, Value *value) {
  Value *magnitude = b.CreateUnaryIntrinsic(Intrinsic::fabs, value);
  Value *tiny = b.CreateFCmpOLT(
      magnitude, ConstantFP::get(value->getType(), 0x1p-126));
  Value *signedZero = b.CreateBinaryIntrinsic(
      Intrinsic::copysign, ConstantFP::get(value->getType(), 0.0), value);
  return b.CreateSelect(tiny, signedZero, value);
}

/// bf16 bits of an f32, rounded to nearest even (NaN stays a quiet NaN).
Value *roundToBFloat(IRBuilder<> &b, Value *value) {
  Value *bits = b.CreateBitCast(value, b.getInt32Ty());
  Value *lsb = b.CreateAnd(b.CreateLShr(bits, 16), 1);
  Value *rounded = b.CreateAdd(bits, b.CreateAdd(lsb, b.getInt32(0x7FFF)));
  Value *quietNaN = b.CreateOr(b.CreateLShr(bits, 16), 0x40);
  Value *isNaN = b.CreateFCmpUNO(value, value);
  Value *result = b.CreateSelect(isNaN, quietNaN, b.CreateLShr(rounded, 16));
  return b.CreateTrunc(result, b.getInt16Ty());
}

/// One half-precision lane: bits16(a) + bits16(b) rounded once.
Value *addHalfLane(IRBuilder<> &b, Value *a, Value *c, bool bfloat) {
  if (bfloat) {
    auto widen = [&](Value *bits) {
      return b.CreateBitCast(b.CreateShl(b.CreateZExt(bits, b.getInt32Ty()), 16),
                             b.getFloatTy());
    };
    return roundToBFloat(b, b.CreateFAdd(widen(a), widen(c)));
  }
  auto widen = [&](Value *bits) {
    return b.CreateFPExt(b.CreateBitCast(bits, b.getHalfTy()), b.getFloatTy());
  };
  Value *sum = b.CreateFPTrunc(b.CreateFAdd(widen(a), widen(c)), b.getHalfTy());
  return b.CreateBitCast(sum, b.getInt16Ty());
}

} // namespace

void FunctionTranslator::translateAtomic(const ptx::Instruction &inst) {
  bool isReduction = inst.opcode == "red";
  AtomOp op = atomOpOf(inst);
  ptx::Type type = inst.type();
  if (op == AtomOp::None || type == ptx::Type::None)
    return unsupported(inst, "operation or type missing");
  if (inst.vectorWidth() > 1)
    return unsupported(inst, "vector atomics");
  size_t expected = (isReduction ? 2 : 3) + (op == AtomOp::Cas ? 1 : 0) +
                    (inst.has("L2::cache_hint") ? 1 : 0);
  expectOperands(inst, expected);
  if (failed_)
    return;
  size_t first = isReduction ? 0 : 1;
  Value *pointer = address(inst.operands[first], inst.space());
  if (!pointer)
    return;
  features_ |= UsesAtomics;
  AtomicOrdering ordering = memoryOrderingOf(inst, AtomicOrdering::Monotonic);
  SyncScope::ID scope = syncScopeOf(inst);
  unsigned bits = ptx::typeBits(type);
  IntegerType *bitsType = b_.getIntNTy(bits);
  Align align(std::max(1u, bits / 8));
  // Every operation works on the integer bits of its operands.
  auto operandBits = [&](size_t index) -> Value * {
    Value *value = read(inst.operands[first + index], type);
    return value ? b_.CreateBitCast(value, bitsType) : nullptr;
  };

  Value *old = nullptr;
  if (op == AtomOp::Cas) {
    Value *compare = operandBits(1);
    Value *replacement = operandBits(2);
    if (!compare || !replacement)
      return;
    auto *cas = b_.CreateAtomicCmpXchg(pointer, compare, replacement, align,
                                       ordering, failureOrderingFor(ordering),
                                       scope);
    old = b_.CreateExtractValue(cas, 0);
  } else if (op == AtomOp::Add && type == ptx::Type::F32) {
    Value *addend = read(inst.operands[first + 1], type);
    if (!addend)
      return;
    addend = flushSubnormal(b_, addend);
    old = emitCompareSwapLoop(b_, pointer, bitsType, ordering, scope, [&](Value *current) {
      Value *sum = b_.CreateFAdd(
          flushSubnormal(b_, b_.CreateBitCast(current, b_.getFloatTy())), addend);
      return b_.CreateBitCast(flushSubnormal(b_, sum), bitsType);
    });
  } else if (op == AtomOp::Add && type == ptx::Type::F64) {
    Value *addend = read(inst.operands[first + 1], type);
    if (!addend)
      return;
    old = b_.CreateAtomicRMW(AtomicRMWInst::FAdd, pointer, addend, align,
                             ordering, scope);
  } else if (op == AtomOp::Add && isHalfType(type)) {
    Value *addend = operandBits(1);
    if (!addend)
      return;
    bool bfloat = isBFloat(type);
    unsigned lanes = bits / 16;
    old = emitCompareSwapLoop(b_, pointer, bitsType, ordering, scope, [&](Value *current) {
      Value *result = ConstantInt::get(bitsType, 0);
      for (unsigned lane = 0; lane < lanes; ++lane) {
        auto laneOf = [&](Value *whole) {
          return b_.CreateTrunc(b_.CreateLShr(whole, lane * 16), b_.getInt16Ty());
        };
        Value *sum = addHalfLane(b_, laneOf(current), laneOf(addend), bfloat);
        result = b_.CreateOr(result, b_.CreateShl(b_.CreateZExt(sum, bitsType),
                                                  lane * 16));
      }
      return result;
    });
  } else {
    if (isFloat(type))
      return unsupported(inst, "floating-point type for this operation");
    std::optional<AtomicRMWInst::BinOp> rmw = integerRmwOf(op, type);
    if (!rmw)
      return unsupported(inst);
    Value *operand = operandBits(1);
    if (!operand)
      return;
    old = b_.CreateAtomicRMW(*rmw, pointer, operand, align, ordering, scope);
  }
  if (!isReduction)
    write(inst.operands[0], b_.CreateBitCast(old, llvmTypeFor(ctx_, type)), type);
}

void FunctionTranslator::translateFence(const ptx::Instruction &inst) {
  if (inst.opcode == "fence" &&
      (inst.has("proxy") || inst.has("mbarrier_init") ||
       std::any_of(inst.modifiers.begin(), inst.modifiers.end(),
                   [](const std::string &m) { return StringRef(m).starts_with("proxy"); }))) {
    // Proxies are a GPU notion; keep the compiler from moving accesses.
    b_.CreateFence(AtomicOrdering::AcquireRelease, SyncScope::SingleThread);
    return;
  }
  AtomicOrdering ordering = inst.opcode == "membar"
                                ? AtomicOrdering::SequentiallyConsistent
                                : memoryOrderingOf(inst, AtomicOrdering::AcquireRelease);
  // membar.gl is the .gpu scope; syncScopeOf defaults to it.
  b_.CreateFence(ordering, syncScopeOf(inst));
}

void FunctionTranslator::translateNanosleep(const ptx::Instruction &inst) {
  expectOperands(inst, 1);
  if (failed_)
    return;
  Value *nanoseconds = read(inst.operands[0], ptx::Type::U32);
  if (!nanoseconds)
    return;
  FunctionCallee callee = mc_.module.getOrInsertFunction(
      "llvm.nvvm.nanosleep", FunctionType::get(b_.getVoidTy(), {b_.getInt32Ty()}, false));
  b_.CreateCall(callee, {nanoseconds});
}

} // namespace cuport::translate
