//===- translate/Memory.cpp - ld, st ----------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads and stores on every state space. A vector access (.v2/.v4) becomes
// one scalar access per element at consecutive offsets, which later passes
// may merge again. .volatile becomes a volatile access; .relaxed, .acquire
// and .release become atomic accesses with the matching LLVM ordering.
// A destination register wider than the access type receives the value
// zero- or sign-extended by the access type (ld.u8 into a .b32 register).
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

using namespace llvm;

namespace cuport::translate {

namespace {

AtomicOrdering orderingOf(const ptx::Instruction &inst) {
  if (inst.has("acquire"))
    return AtomicOrdering::Acquire;
  if (inst.has("release"))
    return AtomicOrdering::Release;
  if (inst.has("relaxed"))
    return AtomicOrdering::Monotonic;
  return AtomicOrdering::NotAtomic;
}

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

} // namespace

void FunctionTranslator::translateLoad(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type == ptx::Type::None)
    return unsupported(inst, "missing type");
  Value *base = address(inst.operands[1], inst.space());
  if (!base)
    return;
  Type *elementType = llvmTypeFor(ctx_, type);
  if (type == ptx::Type::Pred)
    elementType = b_.getInt8Ty();
  uint64_t elementBytes = std::max<uint64_t>(1, ptx::typeBits(type) / 8);
  AtomicOrdering ordering = orderingOf(inst);
  auto elements = elementsOf(inst.operands[0]);
  for (size_t i = 0; i < elements.size(); ++i) {
    Value *pointer = i == 0 ? base
                            : b_.CreateGEP(b_.getInt8Ty(), base,
                                           b_.getInt64(i * elementBytes));
    LoadInst *load = b_.CreateAlignedLoad(elementType, pointer,
                                          Align(elementBytes));
    load->setVolatile(inst.has("volatile"));
    if (ordering != AtomicOrdering::NotAtomic)
      load->setAtomic(ordering);
    Value *value = load;
    if (type == ptx::Type::Pred)
      value = b_.CreateICmpNE(value, b_.getInt8(0));
    write(*elements[i], value, type);
  }
}

void FunctionTranslator::translateStore(const ptx::Instruction &inst) {
  expectOperands(inst, 2);
  if (failed_)
    return;
  ptx::Type type = inst.type();
  if (type == ptx::Type::None)
    return unsupported(inst, "missing type");
  Value *base = address(inst.operands[0], inst.space());
  if (!base)
    return;
  uint64_t elementBytes = std::max<uint64_t>(1, ptx::typeBits(type) / 8);
  AtomicOrdering ordering = orderingOf(inst);
  auto elements = elementsOf(inst.operands[1]);
  for (size_t i = 0; i < elements.size(); ++i) {
    if (elements[i]->kind == ptx::Operand::Kind::Sink)
      continue;
    Value *value = read(*elements[i], type);
    if (!value)
      return;
    if (type == ptx::Type::Pred)
      value = b_.CreateZExt(value, b_.getInt8Ty());
    Value *pointer = i == 0 ? base
                            : b_.CreateGEP(b_.getInt8Ty(), base,
                                           b_.getInt64(i * elementBytes));
    StoreInst *store = b_.CreateAlignedStore(value, pointer, Align(elementBytes));
    store->setVolatile(inst.has("volatile"));
    if (ordering != AtomicOrdering::NotAtomic)
      store->setAtomic(ordering);
  }
}

} // namespace cuport::translate
