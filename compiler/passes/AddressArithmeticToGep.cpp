//===- passes/AddressArithmeticToGep.cpp - Integer addresses to GEPs ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/AddressArithmeticToGep.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Operator.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// How likely `value` is to be the base of an address rather than an
/// offset: pointers turned into integers and loaded or passed values are
/// bases; scaled or extended indices are offsets.
int baseScore(Value *value) {
  if (isa<PtrToIntOperator>(value))
    return 3;
  if (isa<Argument>(value) || isa<LoadInst>(value) || isa<PHINode>(value))
    return 1;
  if (auto *op = dyn_cast<BinaryOperator>(value))
    if (op->getOpcode() == Instruction::Add)
      return 2; // a sum: base plus offset itself
  return 0;
}

/// A pointer of address space `as` for the integer address `address`.
Value *pointerFor(IRBuilder<> &b, Value *address, unsigned as, int depth) {
  PointerType *type = PointerType::get(b.getContext(), as);
  if (auto *cast = dyn_cast<PtrToIntOperator>(address)) {
    Value *pointer = cast->getPointerOperand();
    if (pointer->getType() == type)
      return pointer;
    return b.CreateAddrSpaceCast(pointer, type);
  }
  auto *add = dyn_cast<BinaryOperator>(address);
  if (depth < 4 && add && add->getOpcode() == Instruction::Add &&
      address->getType()->isIntegerTy(64)) {
    Value *base = add->getOperand(0), *offset = add->getOperand(1);
    if (baseScore(offset) > baseScore(base))
      std::swap(base, offset);
    if (baseScore(base) > 0)
      return b.CreateGEP(b.getInt8Ty(), pointerFor(b, base, as, depth + 1), offset);
  }
  return b.CreateIntToPtr(address, type);
}

} // namespace

PreservedAnalyses AddressArithmeticToGepPass::run(Function &function,
                                                  FunctionAnalysisManager &) {
  std::vector<IntToPtrInst *> casts;
  for (Instruction &inst : instructions(function))
    if (auto *cast = dyn_cast<IntToPtrInst>(&inst))
      if (auto *add = dyn_cast<BinaryOperator>(cast->getOperand(0));
          add && add->getOpcode() == Instruction::Add)
        casts.push_back(cast);
  for (IntToPtrInst *cast : casts) {
    IRBuilder<> b(cast);
    Value *pointer = pointerFor(b, cast->getOperand(0),
                                cast->getType()->getPointerAddressSpace(), 0);
    cast->replaceAllUsesWith(pointer);
    cast->eraseFromParent();
  }
  return casts.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

} // namespace cuport::passes
