//===- translate/Control.cpp - bra, ret, exit, call -------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Control flow. A branch ends the current basic block; anything after it in
// the PTX (unreachable code) goes to a fresh block that later passes delete.
// A direct call passes each call-site .param variable by value (or by
// pointer for byte-array parameters) and stores the callee's result into the
// call-site return .param, where the following ld.param finds it.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

using namespace llvm;

namespace cuport::translate {

void FunctionTranslator::translateBranch(const ptx::Instruction &inst) {
  expectOperands(inst, 1);
  if (failed_)
    return;
  const ptx::Operand &target = inst.operands[0];
  BasicBlock *destination = labels_.lookup(target.name);
  if (target.kind != ptx::Operand::Kind::Symbol || !destination)
    return unsupported(inst, "branch target '" + target.name + "' is not a label");
  if (inst.guard) {
    ptx::Operand guard;
    guard.kind = ptx::Operand::Kind::Register;
    guard.name = inst.guard->predicate;
    guard.negated = inst.guard->negated;
    guard.loc = inst.loc;
    Value *condition = read(guard, ptx::Type::Pred);
    if (!condition)
      return;
    BasicBlock *fallthrough = BasicBlock::Create(ctx_, "fallthrough", &fn_);
    b_.CreateCondBr(condition, destination, fallthrough);
    b_.SetInsertPoint(fallthrough);
    return;
  }
  b_.CreateBr(destination);
  startBlockAfterTerminator();
}

void FunctionTranslator::translateReturn(const ptx::Instruction &inst) {
  if (inst.opcode == "exit" && !ptx_.isKernel)
    return unsupported(inst, "exit inside a device function");
  if (fn_.getReturnType()->isVoidTy())
    b_.CreateRetVoid();
  else
    b_.CreateRet(b_.CreateLoad(fn_.getReturnType(), returnSlot_));
  startBlockAfterTerminator();
}

void FunctionTranslator::translateCall(const ptx::Instruction &inst) {
  using K = ptx::Operand::Kind;
  const auto &ops = inst.operands;
  size_t next = 0;
  const ptx::Operand *returns = nullptr;
  if (ops.size() >= 2 && ops[0].kind == K::List) {
    returns = &ops[0];
    next = 1;
  }
  if (next >= ops.size())
    return unsupported(inst, "call without a callee");
  const ptx::Operand &calleeOp = ops[next++];
  const ptx::Operand *arguments = nullptr;
  if (next < ops.size() && ops[next].kind == K::List)
    arguments = &ops[next++];
  if (calleeOp.kind != K::Symbol)
    return unsupported(inst, "indirect call");
  Function *callee = mc_.functions.lookup(calleeOp.name);
  if (!callee)
    return unsupported(inst, "call of unknown function '" + calleeOp.name + "'");

  if (calleeOp.name == "vprintf")
    features_ |= UsesPrintf;
  else if (calleeOp.name == "__assertfail")
    features_ |= UsesAssert;

  FunctionType *type = callee->getFunctionType();
  size_t argCount = arguments ? arguments->elements.size() : 0;
  if (argCount != type->getNumParams())
    return unsupported(inst, "call of '" + calleeOp.name + "' with " +
                                 std::to_string(argCount) + " arguments, expected " +
                                 std::to_string(type->getNumParams()));
  std::vector<Value *> args;
  for (size_t i = 0; i < argCount; ++i) {
    const ptx::Operand &arg = arguments->elements[i];
    Type *paramType = type->getParamType(i);
    Value *variable =
        arg.kind == K::Symbol ? variableAddress(arg.name) : nullptr;
    if (variable)
      args.push_back(paramType->isPointerTy()
                         ? variable
                         : b_.CreateLoad(paramType, variable));
    else if (Value *value = read(arg, ptx::Type::B64))
      args.push_back(b_.CreateZExtOrTrunc(value, paramType));
    else
      return;
  }
  CallInst *call = b_.CreateCall(callee, args);
  if (returns && !returns->elements.empty() && !type->getReturnType()->isVoidTy()) {
    Value *slot = variableAddress(returns->elements.front().name);
    if (!slot)
      return unsupported(inst, "return parameter is not a .param variable");
    b_.CreateStore(call, slot);
  }
}

} // namespace cuport::translate
