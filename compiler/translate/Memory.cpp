//===- translate/Memory.cpp - ld, ldu, st, prefetch, isspacep ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: ld/ldu/st on every state space (.global .shared .local .const .param
// or generic), scalar or .v2/.v4/.v8, with their qualifiers; prefetch,
// prefetchu; isspacep. Out: NVVM-form loads and stores through pointers in
// the state space's address space.
//
// PTX semantics that matter here:
//   - A vector access is one access of the whole vector, naturally aligned
//     to its full size (PTX requires it); it becomes one LLVM vector load or
//     store (packed pairs such as f16x2 as same-width integers: LLVM has no
//     vectors of vectors).
//   - A destination register wider than the access type receives the value
//     zero- or sign-extended by the access type (ld.u8 into a .b32 register,
//     ld.s8 sign-extends); a .pred access touches one byte.
//   - .relaxed/.acquire/.release become atomic accesses (monotonic, acquire,
//     release) with the scope's sync scope (syncScopeOf); a vector access
//     with an ordering is one atomic access per element, which is all PTX
//     promises for vectors. .weak (the default) is a plain access.
//   - .volatile becomes a volatile access: it is neither merged, split nor
//     removed, which is what warp-synchronous code relies on.
//   - ld.global.nc, ldu and every cache hint (.ca .cg .cs .lu .cv,
//     .L1::*, .L2::*, .L2::cache_hint with its policy operand) change only
//     caching; they are accepted and ignored.
//   - prefetch and prefetchu are hints: no code.
//   - isspacep.space tests whether a generic address lies in a state space;
//     it becomes llvm.nvvm.isspacep.{global,shared,const,local}, which the
//     CPU lowering answers from what the backend knows (LowerDeviceServices).
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace cuport::translate {

namespace {

/// Element operands of a possibly-vector operand.
std::vector<const ptx::Operand *> elementsOf(const ptx::Operand &op) {
  std::vector<const ptx::Operand *> elements;
  if (op.kind == ptx::Operand::Kind::Vector)
    for (const ptx::Operand &element : op.elements)
      elements.push_back(&element);
  else
    elements.push_back(&op);
  return elements;
}

/// ld/st take one more operand, the cache policy, with .L2::cache_hint.
size_t memoryOperandCount(const ptx::Instruction &inst) {
  return inst.has("L2::cache_hint") ? 3 : 2;
}

/// Bytes one element of `type` occupies in memory (.pred: one byte).
uint64_t bytesOf(ptx::Type type) {
  return std::max<uint64_t>(1, ptx::typeBits(type) / 8);
}

/// The LLVM type a plain access of `type` uses: the value's own type, but a
/// byte for .pred and an integer for packed pairs (LLVM has no vectors of
/// vectors) and for atomic accesses (LLVM's widest support).
Type *accessTypeOf(LLVMContext &context, ptx::Type type, bool atomic) {
  if (atomic || type == ptx::Type::Pred || type == ptx::Type::F16x2 ||
      type == ptx::Type::BF16x2 || type == ptx::Type::B128)
    return IntegerType::get(context, bytesOf(type) * 8);
  return llvmTypeFor(context, type);
}

} // namespace

AtomicOrdering FunctionTranslator::memoryOrderingOf(const ptx::Instruction &inst,
                                                    AtomicOrdering fallback) {
  if (inst.has("sc"))
    return AtomicOrdering::SequentiallyConsistent;
  if (inst.has("acq_rel"))
    return AtomicOrdering::AcquireRelease;
  if (inst.has("acquire"))
    return AtomicOrdering::Acquire;
  if (inst.has("release"))
    return AtomicOrdering::Release;
  if (inst.has("relaxed"))
    return AtomicOrdering::Monotonic;
  return fallback;
}

SyncScope::ID FunctionTranslator::syncScopeOf(const ptx::Instruction &inst) {
  // The NVPTX backend's names. The CPU lowering widens "device" and
  // "cluster" to the system scope (blocks run on different host threads)
  // and keeps "block" (a block runs on one host thread).
  if (inst.has("cta"))
    return ctx_.getOrInsertSyncScopeID("block");
  if (inst.has("cluster"))
    return ctx_.getOrInsertSyncScopeID("cluster");
  if (inst.has("sys"))
    return SyncScope::System;
  return ctx_.getOrInsertSyncScopeID("device");
}

void FunctionTranslator::translateLoad(const ptx::Instruction &inst) {
  expectOperands(inst, memoryOperandCount(inst));
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type == ptx::Type::None)
    return unsupported(inst, "missing type");
  if (inst.has("mmio"))
    return unsupported(inst, "memory-mapped I/O loads");
  Value *base = address(inst.operands[1], inst.space());
  if (!base)
    return;
  auto elements = elementsOf(inst.operands[0]);
  uint64_t elementBytes = bytesOf(type);
  AtomicOrdering ordering = memoryOrderingOf(inst, AtomicOrdering::NotAtomic);
  bool isAtomic = ordering != AtomicOrdering::NotAtomic;
  Type *accessType = accessTypeOf(ctx_, type, isAtomic);
  bool isVolatile = inst.has("volatile");

  auto finish = [&](const ptx::Operand &dst, Value *bits) {
    if (type == ptx::Type::Pred)
      return write(dst, b_.CreateICmpNE(bits, b_.getInt8(0)), type);
    write(dst, b_.CreateBitCast(bits, llvmTypeFor(ctx_, type)), type);
  };

  if (elements.size() > 1 && !isAtomic) {
    auto *vectorType = FixedVectorType::get(accessType, elements.size());
    uint64_t bytes = elementBytes * elements.size();
    LoadInst *load =
        b_.CreateAlignedLoad(vectorType, base, Align(std::min<uint64_t>(bytes, 16)));
    load->setVolatile(isVolatile);
    for (size_t i = 0; i < elements.size(); ++i)
      finish(*elements[i], b_.CreateExtractElement(load, i));
    return;
  }
  SyncScope::ID scope = syncScopeOf(inst);
  for (size_t i = 0; i < elements.size(); ++i) {
    Value *pointer = i == 0 ? base
                            : b_.CreateConstGEP1_64(b_.getInt8Ty(), base,
                                                    i * elementBytes);
    LoadInst *load = b_.CreateAlignedLoad(accessType, pointer, Align(elementBytes));
    load->setVolatile(isVolatile);
    if (isAtomic)
      load->setAtomic(ordering, scope);
    finish(*elements[i], load);
  }
}

void FunctionTranslator::translateStore(const ptx::Instruction &inst) {
  expectOperands(inst, memoryOperandCount(inst));
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type == ptx::Type::None)
    return unsupported(inst, "missing type");
  if (inst.has("mmio"))
    return unsupported(inst, "memory-mapped I/O stores");
  Value *base = address(inst.operands[0], inst.space());
  if (!base)
    return;
  auto elements = elementsOf(inst.operands[1]);
  uint64_t elementBytes = bytesOf(type);
  AtomicOrdering ordering = memoryOrderingOf(inst, AtomicOrdering::NotAtomic);
  bool isAtomic = ordering != AtomicOrdering::NotAtomic;
  Type *accessType = accessTypeOf(ctx_, type, isAtomic);
  bool isVolatile = inst.has("volatile");

  std::vector<Value *> values;
  bool hasSink = false;
  for (const ptx::Operand *element : elements) {
    if (element->kind == ptx::Operand::Kind::Sink) {
      hasSink = true;
      values.push_back(nullptr);
      continue;
    }
    Value *value = read(*element, type);
    if (!value)
      return;
    if (type == ptx::Type::Pred)
      value = b_.CreateZExt(value, b_.getInt8Ty());
    values.push_back(b_.CreateBitCast(value, accessType));
  }

  if (values.size() > 1 && !hasSink && !isAtomic) {
    Value *vector = PoisonValue::get(FixedVectorType::get(accessType, values.size()));
    for (size_t i = 0; i < values.size(); ++i)
      vector = b_.CreateInsertElement(vector, values[i], i);
    uint64_t bytes = elementBytes * values.size();
    StoreInst *store =
        b_.CreateAlignedStore(vector, base, Align(std::min<uint64_t>(bytes, 16)));
    store->setVolatile(isVolatile);
    return;
  }
  SyncScope::ID scope = syncScopeOf(inst);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i])
      continue;
    Value *pointer = i == 0 ? base
                            : b_.CreateConstGEP1_64(b_.getInt8Ty(), base,
                                                    i * elementBytes);
    StoreInst *store = b_.CreateAlignedStore(values[i], pointer, Align(elementBytes));
    store->setVolatile(isVolatile);
    if (isAtomic)
      store->setAtomic(ordering, scope);
  }
}

void FunctionTranslator::translatePrefetch(const ptx::Instruction &inst) {
  // A hint only. The operand must still be an address.
  if (inst.operands.empty() ||
      inst.operands[0].kind != ptx::Operand::Kind::Address)
    return unsupported(inst, "expected an address operand");
}

void FunctionTranslator::translateIsspacep(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  StringRef intrinsic;
  switch (inst.space()) {
  case ptx::StateSpace::Global: intrinsic = "llvm.nvvm.isspacep.global"; break;
  case ptx::StateSpace::Shared: intrinsic = "llvm.nvvm.isspacep.shared"; break;
  case ptx::StateSpace::Const: intrinsic = "llvm.nvvm.isspacep.const"; break;
  case ptx::StateSpace::Local: intrinsic = "llvm.nvvm.isspacep.local"; break;
  default:
    return unsupported(inst, "state space");
  }
  Value *integer = read(inst.operands[1], ptx::Type::U64);
  if (!integer)
    return;
  Value *pointer = b_.CreateIntToPtr(integer, PointerType::get(ctx_, GenericAS));
  FunctionCallee callee = mc_.module.getOrInsertFunction(
      intrinsic, FunctionType::get(b_.getInt1Ty(), {pointer->getType()}, false));
  if (auto *function = dyn_cast<Function>(callee.getCallee())) {
    function->setDoesNotAccessMemory();
    function->setDoesNotThrow();
  }
  write(inst.operands[0], b_.CreateCall(callee, {pointer}), ptx::Type::Pred);
}

} // namespace cuport::translate
