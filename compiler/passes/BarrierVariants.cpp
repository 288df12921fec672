//===- passes/BarrierVariants.cpp - Counted and reducing barriers ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/BarrierVariants.h"

#include "passes/DeviceServices.h"
#include "passes/ThreadLoops.h"

#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicsNVPTX.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace cuport::passes {

namespace {

StringRef calleeName(const CallInst &call) {
  const Function *callee = call.getCalledFunction();
  return callee ? callee->getName() : StringRef();
}

/// popc, and, or from an intrinsic or cuport external name.
std::optional<ReductionOp> reductionOf(StringRef name) {
  if (!name.consume_front("llvm.nvvm.barrier0.") && !name.consume_front("__cuport_bar_red_") &&
      !name.consume_front("__cuport_barrier_red_"))
    return std::nullopt;
  if (name == "popc")
    return ReductionOp::Popc;
  if (name == "and")
    return ReductionOp::And;
  if (name == "or")
    return ReductionOp::Or;
  return std::nullopt;
}

/// The cuport externals carry (id, count, flag); the intrinsics (flag).
bool hasCountOperand(const CallInst &call) {
  return calleeName(call).starts_with("__cuport_");
}

/// "kernel 'K'" as a C string in the module, as an i64.
Value *kernelText(IRBuilder<> &b, Function &function, StringRef what) {
  std::string text = "kernel '" + function.getName().str() + "'";
  if (!what.empty())
    text += ": '" + what.str() + "'";
  return b.CreatePtrToInt(b.CreateGlobalStringPtr(text, "barrier.what"), b.getInt64Ty());
}

/// __cuport_barrier_count(ctx, count, "kernel 'K': 'instruction'").
void emitCountCheck(IRBuilder<> &b, Function &function, Value *count,
                    StringRef instruction) {
  Module &module = *function.getParent();
  LLVMContext &context = module.getContext();
  FunctionCallee check = module.getOrInsertFunction(
      services::kBarrierCount,
      FunctionType::get(Type::getVoidTy(context),
                        {PointerType::get(context, 0), Type::getInt32Ty(context),
                         Type::getInt64Ty(context)},
                        false));
  if (auto *declared = dyn_cast<Function>(check.getCallee()))
    declared->setDoesNotThrow();
  b.CreateCall(check, {function.getArg(1), count, kernelText(b, function, instruction)});
}

Value *identityOf(IRBuilder<> &b, ReductionOp op) {
  return b.getInt32(op == ReductionOp::And ? 1 : 0);
}

Value *combine(IRBuilder<> &b, ReductionOp op, Value *acc, Value *flag) {
  switch (op) {
  case ReductionOp::Popc:
    return b.CreateAdd(acc, flag);
  case ReductionOp::And:
    return b.CreateAnd(acc, flag);
  case ReductionOp::Or:
    return b.CreateOr(acc, flag);
  }
  return acc;
}

} // namespace

void emitDeadlockReport(IRBuilder<> &b, Function &function) {
  Module &module = *function.getParent();
  FunctionCallee report = module.getOrInsertFunction(
      services::kBarrierDeadlock,
      FunctionType::get(b.getVoidTy(), {b.getPtrTy(), b.getInt64Ty()}, false));
  if (auto *declared = dyn_cast<Function>(report.getCallee()))
    declared->setDoesNotThrow();
  b.CreateCall(report, {function.getArg(1), kernelText(b, function, "")});
}

bool isBarrierReduction(const CallInst &call) {
  return reductionOf(calleeName(call)).has_value();
}

std::string barrierInstructionName(StringRef name) {
  if (name == "llvm.nvvm.barrier")
    return "bar.sync a, b";
  if (name == "llvm.nvvm.barrier.sync.cnt")
    return "barrier.sync a, b";
  if (name == "__cuport_bar_arrive")
    return "bar.arrive";
  if (name == "__cuport_barrier_arrive")
    return "barrier.arrive";
  if (name.consume_front("__cuport_bar_red_"))
    return "bar.red." + name.str();
  if (name.consume_front("__cuport_barrier_red_"))
    return "barrier.red." + name.str();
  if (name.consume_front("llvm.nvvm.barrier0."))
    return "bar.red." + name.str();
  return "";
}

bool isNamedBarrierSync(const CallInst &call) {
  return calleeName(call) == kNamedBarrierSync;
}

bool isBarrierArrive(const CallInst &call) {
  StringRef name = calleeName(call);
  return name == "__cuport_bar_arrive" || name == "__cuport_barrier_arrive";
}

bool hasConstantOperands(const CallInst &call) {
  return isa<ConstantInt>(call.getArgOperand(0)) && isa<ConstantInt>(call.getArgOperand(1));
}

NamedBarriers createNamedBarriers(IRBuilder<> &entry, Module &module) {
  LLVMContext &context = module.getContext();
  ArrayType *counters = ArrayType::get(entry.getInt32Ty(), 16);
  NamedBarriers named{};
  named.arrivals = entry.CreateAlloca(counters, nullptr, "named.arrivals");
  named.generations = entry.CreateAlloca(counters, nullptr, "named.generations");
  entry.CreateMemSet(named.arrivals, entry.getInt8(0), 64, MaybeAlign(4));
  entry.CreateMemSet(named.generations, entry.getInt8(0), 64, MaybeAlign(4));
  const char *name = "__cuport_named_barrier_arrive";
  if (Function *existing = module.getFunction(name)) {
    named.arrive = existing;
    return named;
  }
  Type *i32 = Type::getInt32Ty(context);
  PointerType *ptr = PointerType::get(context, 0);
  named.arrive = Function::Create(FunctionType::get(i32, {ptr, ptr, i32, i32}, false),
                                  GlobalValue::InternalLinkage, name, module);
  named.arrive->addFnAttr(Attribute::NoInline);
  named.arrive->addFnAttr(Attribute::NoUnwind);
  IRBuilder<> b(BasicBlock::Create(context, "entry", named.arrive));
  Argument *arrivals = named.arrive->getArg(0), *generations = named.arrive->getArg(1);
  Value *id = b.CreateAnd(named.arrive->getArg(2), 15), *count = named.arrive->getArg(3);
  Value *arrivalSlot = b.CreateInBoundsGEP(i32, arrivals, id);
  Value *generationSlot = b.CreateInBoundsGEP(i32, generations, id);
  Value *generation = b.CreateLoad(i32, generationSlot);
  Value *arrived = b.CreateAdd(b.CreateLoad(i32, arrivalSlot), b.getInt32(1));
  Value *complete = b.CreateICmpUGE(arrived, count);
  b.CreateStore(b.CreateSelect(complete, b.getInt32(0), arrived), arrivalSlot);
  b.CreateStore(b.CreateSelect(complete, b.CreateAdd(generation, b.getInt32(1)), generation),
                generationSlot);
  b.CreateRet(generation);
  return named;
}

Value *emitArrive(IRBuilder<> &b, const NamedBarriers &named, Value *id, Value *count) {
  return b.CreateCall(named.arrive, {named.arrivals, named.generations, id, count},
                      "named.generation");
}

Value *completedGenerations(IRBuilder<> &b, const NamedBarriers &named, Value *id) {
  Value *index = b.CreateAnd(b.CreateZExtOrTrunc(id, b.getInt32Ty()), 15);
  return b.CreateLoad(b.getInt32Ty(),
                      b.CreateInBoundsGEP(b.getInt32Ty(), named.generations, index));
}

void lowerCountedBarriers(Function &function) {
  // With producer/consumer arrivals, counted barriers of constant id (not
  // 0) and count are named barriers (see the header).
  bool producerConsumer = false;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst); call && isBarrierArrive(*call))
      producerConsumer = true;
  std::vector<CallInst *> counted;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst)) {
      StringRef name = calleeName(*call);
      if (name == "llvm.nvvm.barrier" || name == "llvm.nvvm.barrier.sync.cnt" ||
          (isBarrierReduction(*call) && hasCountOperand(*call)))
        counted.push_back(call);
    }
  for (CallInst *call : counted) {
    IRBuilder<> b(call);
    StringRef name = calleeName(*call);
    Value *id = call->getArgOperand(0), *count = call->getArgOperand(1);
    auto *constantId = dyn_cast<ConstantInt>(id);
    if (producerConsumer && !isBarrierReduction(*call) && constantId && !constantId->isZero() &&
        isa<ConstantInt>(count)) {
      FunctionCallee named = function.getParent()->getOrInsertFunction(
          kNamedBarrierSync,
          FunctionType::get(b.getVoidTy(), {b.getInt32Ty(), b.getInt32Ty()}, false));
      if (auto *declared = dyn_cast<Function>(named.getCallee())) {
        declared->setConvergent();
        declared->setDoesNotThrow();
      }
      b.CreateCall(named, {id, count});
      call->eraseFromParent();
      continue;
    }
    if (auto *constant = dyn_cast<ConstantInt>(count); !constant || !constant->isZero())
      emitCountCheck(b, function, count, barrierInstructionName(name));
    if (isBarrierReduction(*call))
      continue; // SubCfgFormation lowers it; its count is checked now
    b.CreateIntrinsic(Intrinsic::nvvm_barrier_sync, {}, {id});
    call->eraseFromParent();
  }
}

BarrierReduction expandBarrierReduction(CallInst &call, IRBuilder<> &entry, Value *threads) {
  BarrierReduction reduction{*reductionOf(calleeName(call)), nullptr, nullptr};
  reduction.flags = entry.CreateAlloca(entry.getInt32Ty(), threads, "barrier.red.flags");
  reduction.result = entry.CreateAlloca(entry.getInt32Ty(), nullptr, "barrier.red.result");
  Value *flag = call.getArgOperand(hasCountOperand(call) ? 2 : 0);
  Module &module = *call.getModule();
  IRBuilder<> before(&call);
  Value *index = before.CreateZExt(linearThreadIndex(before, module), before.getInt64Ty());
  Value *own = before.CreateInBoundsGEP(before.getInt32Ty(), reduction.flags, index);
  before.CreateStore(before.CreateZExt(before.CreateICmpNE(flag, before.getInt32(0)),
                                       before.getInt32Ty()),
                     own);
  IRBuilder<> after(call.getNextNode());
  Value *result = after.CreateLoad(after.getInt32Ty(), reduction.result, "barrier.red");
  call.replaceAllUsesWith(result);
  return reduction;
}

void emitBarrierReduction(
    IRBuilder<> &b, const BarrierReduction &reduction, Value *threads,
    function_ref<Value *(IRBuilder<> &, Value *)> participates, Value *when) {
  LLVMContext &context = b.getContext();
  BasicBlock *before = b.GetInsertBlock();
  Function *function = before->getParent();
  auto *loop = BasicBlock::Create(context, "barrier.red.loop", function);
  auto *done = BasicBlock::Create(context, "barrier.red.done", function);
  b.CreateBr(loop); // a block has at least one thread
  b.SetInsertPoint(loop);
  PHINode *t = b.CreatePHI(b.getInt64Ty(), 2, "t");
  PHINode *acc = b.CreatePHI(b.getInt32Ty(), 2, "acc");
  t->addIncoming(b.getInt64(0), before);
  acc->addIncoming(identityOf(b, reduction.op), before);
  Value *flag = b.CreateLoad(b.getInt32Ty(),
                             b.CreateInBoundsGEP(b.getInt32Ty(), reduction.flags, t));
  if (participates)
    flag = b.CreateSelect(participates(b, t), flag, identityOf(b, reduction.op));
  Value *next = combine(b, reduction.op, acc, flag);
  Value *tNext = b.CreateAdd(t, b.getInt64(1));
  t->addIncoming(tNext, loop);
  acc->addIncoming(next, loop);
  b.CreateCondBr(b.CreateICmpULT(tNext, threads), loop, done);
  b.SetInsertPoint(done);
  Value *result = next;
  if (when)
    result = b.CreateSelect(when, result, b.CreateLoad(b.getInt32Ty(), reduction.result));
  b.CreateStore(result, reduction.result);
}

} // namespace cuport::passes
