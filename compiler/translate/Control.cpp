//===- translate/Control.cpp - bra, brx, call, ret, exit, trap ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: PTX control transfer. Out: LLVM control flow in NVVM form.
//
//   bra{.uni} L            br (conditional when guarded); anything after it
//                          in the PTX goes to a fresh block later passes
//                          delete
//   brx.idx{.uni} i, T     switch i32 i over the labels of `T: .branchtargets
//                          L0, L1, ...`; an index past the list is undefined
//                          in PTX: it traps (llvm.trap) instead of jumping
//                          anywhere
//   call                   a direct call passes each call-site .param
//                          variable by value (or by pointer for byte-array
//                          parameters, i.e. structs by value) and stores the
//                          result into the call-site return .param, where the
//                          following ld.param finds it; vprintf and
//                          __assertfail calls set UsesPrintf / UsesAssert,
//                          malloc, free and __cuda_syscall_aligned_malloc
//                          (__nv_aligned_device_malloc) UsesMalloc
//   call ..., %fp, ..., P  an indirect call through the function pointer
//                          %fp with the LLVM type of `P: .callprototype`
//                          (or of the first function of `P: .calltargets`)
//   ret                    ret (loading the return .param of a function)
//   exit                   in a kernel: ret void (the thread ends); in a
//                          device function: call @llvm.nvvm.exit() (noreturn)
//                          followed by unreachable: the thread ends, not only
//                          the function
//   trap / brkpt           llvm.trap / llvm.debugtrap
//
// Parameter and return types of a prototype follow the module translator's
// rule for function signatures (byte arrays and vectors: a pointer; a
// returned byte array: the array type), so an indirect call and its target
// agree on the LLVM signature.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/IR/IntrinsicsNVPTX.h"

using namespace llvm;

namespace cuport::translate {

namespace {

bool isAggregate(const ptx::VariableDecl &decl) {
  return !decl.arrayDims.empty() || decl.vectorWidth > 1;
}

/// The LLVM function type of a `.callprototype`, by the rule that
/// ModuleTranslator::declareFunction applies to `.func` signatures.
FunctionType *functionTypeOf(LLVMContext &context,
                             const ptx::CallPrototype &prototype) {
  std::vector<Type *> params;
  for (const ptx::VariableDecl &param : prototype.params)
    params.push_back(isAggregate(param) ? PointerType::get(context, GenericAS)
                                        : llvmTypeFor(context, param.type));
  Type *result = Type::getVoidTy(context);
  if (!prototype.returns.empty()) {
    const ptx::VariableDecl &ret = prototype.returns.front();
    result = isAggregate(ret) ? llvmTypeForDecl(context, ret)
                              : llvmTypeFor(context, ret.type);
  }
  return FunctionType::get(result, params, false);
}

ptx::Operand guardOperand(const ptx::Instruction &inst) {
  ptx::Operand guard;
  guard.kind = ptx::Operand::Kind::Register;
  guard.name = inst.guard->predicate;
  guard.negated = inst.guard->negated;
  guard.loc = inst.loc;
  return guard;
}

} // namespace

void FunctionTranslator::translateBranch(const ptx::Instruction &inst) {
  expectOperands(inst, 1);
  if (failed_)
    return;
  const ptx::Operand &target = inst.operands[0];
  BasicBlock *destination = labels_.lookup(target.name);
  if (target.kind != ptx::Operand::Kind::Symbol || !destination)
    return unsupported(inst, "branch target '" + target.name + "' is not a label");
  if (inst.guard) {
    Value *condition = read(guardOperand(inst), ptx::Type::Pred);
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

void FunctionTranslator::translateBranchIndexed(const ptx::Instruction &inst) {
  // brx.idx{.uni} index, tlist;
  expectOperands(inst, 2);
  if (failed_)
    return;
  if (!inst.has("idx"))
    return unsupported(inst, "brx needs .idx");
  const ptx::Operand &list = inst.operands[1];
  const ptx::TargetList *targets =
      list.kind == ptx::Operand::Kind::Symbol ? ptx_.findBranchTargets(list.name)
                                              : nullptr;
  if (!targets)
    return unsupported(inst, "'" + list.name + "' is not a .branchtargets list");
  std::vector<BasicBlock *> destinations;
  for (const std::string &label : targets->targets) {
    BasicBlock *destination = labels_.lookup(label);
    if (!destination)
      return unsupported(inst, "branch target '" + label + "' is not a label");
    destinations.push_back(destination);
  }
  Value *index = read(inst.operands[0], ptx::Type::U32);
  if (!index)
    return;
  BasicBlock *outOfRange = BasicBlock::Create(ctx_, "brx.out_of_range", &fn_);
  SwitchInst *branch =
      b_.CreateSwitch(index, outOfRange, static_cast<unsigned>(destinations.size()));
  for (size_t i = 0; i < destinations.size(); ++i)
    branch->addCase(b_.getInt32(static_cast<uint32_t>(i)), destinations[i]);
  b_.SetInsertPoint(outOfRange);
  b_.CreateIntrinsic(Intrinsic::trap, {}, {});
  b_.CreateUnreachable();
  startBlockAfterTerminator();
}

void FunctionTranslator::translateReturn(const ptx::Instruction &inst) {
  if (inst.opcode == "exit" && !ptx_.isKernel) {
    // The thread ends here, whoever called this function.
    b_.CreateIntrinsic(Intrinsic::nvvm_exit, {}, {});
    b_.CreateUnreachable();
    startBlockAfterTerminator();
    return;
  }
  if (fn_.getReturnType()->isVoidTy())
    b_.CreateRetVoid();
  else
    b_.CreateRet(b_.CreateLoad(fn_.getReturnType(), returnSlot_));
  startBlockAfterTerminator();
}

void FunctionTranslator::translateTrap(const ptx::Instruction &inst) {
  expectOperands(inst, 0);
  if (failed_)
    return;
  b_.CreateIntrinsic(inst.opcode == "trap" ? Intrinsic::trap
                                           : Intrinsic::debugtrap,
                     {}, {});
}

std::pair<Value *, FunctionType *>
FunctionTranslator::resolveCallee(const ptx::Instruction &inst,
                                  const ptx::Operand &calleeOp,
                                  const ptx::Operand *signature) {
  using K = ptx::Operand::Kind;
  if (calleeOp.kind == K::Symbol) {
    Function *callee = mc_.functions.lookup(calleeOp.name);
    if (!callee) {
      unsupported(inst, "call of unknown function '" + calleeOp.name + "'");
      return {nullptr, nullptr};
    }
    if (calleeOp.name == "vprintf")
      features_ |= UsesPrintf;
    else if (calleeOp.name == "__assertfail")
      features_ |= UsesAssert;
    else if (calleeOp.name == "malloc" || calleeOp.name == "free" ||
             calleeOp.name == "__cuda_syscall_aligned_malloc")
      features_ |= UsesMalloc;
    return {callee, callee->getFunctionType()};
  }
  if (calleeOp.kind != K::Register || !signature || signature->kind != K::Symbol) {
    unsupported(inst, "an indirect call needs a function-pointer register and "
                      "a .callprototype or .calltargets name");
    return {nullptr, nullptr};
  }
  FunctionType *type = nullptr;
  if (const ptx::CallPrototype *prototype = ptx_.findPrototype(signature->name)) {
    type = functionTypeOf(ctx_, *prototype);
  } else {
    for (const ptx::TargetList &list : ptx_.callTargets)
      if (list.name == signature->name && !list.targets.empty())
        if (Function *first = mc_.functions.lookup(list.targets.front()))
          type = first->getFunctionType();
  }
  if (!type) {
    unsupported(inst, "'" + signature->name +
                          "' is neither a .callprototype nor a .calltargets list");
    return {nullptr, nullptr};
  }
  Value *address = read(calleeOp, ptx::Type::U64);
  if (!address)
    return {nullptr, nullptr};
  return {b_.CreateIntToPtr(address, PointerType::get(ctx_, GenericAS)), type};
}

void FunctionTranslator::translateCall(const ptx::Instruction &inst) {
  // call{.uni} {(ret),} callee{, (args)}{, prototype};
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
  const ptx::Operand *signature = next < ops.size() ? &ops[next++] : nullptr;
  if (next != ops.size())
    return unsupported(inst, "unexpected operands after the call's arguments");
  auto [callee, type] = resolveCallee(inst, calleeOp, signature);
  if (!callee)
    return;

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
  CallInst *call = b_.CreateCall(type, callee, args);
  if (returns && !returns->elements.empty() && !type->getReturnType()->isVoidTy()) {
    Value *slot = variableAddress(returns->elements.front().name);
    if (!slot)
      return unsupported(inst, "return parameter is not a .param variable");
    b_.CreateStore(call, slot);
  }
}

} // namespace cuport::translate
