//===- passes/ThreadLoops.cpp - Loops over a block's threads --------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/ThreadLoops.h"

#include "passes/KernelAbi.h"
#include "passes/LaunchContext.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// The name of a special-register call without the intrinsic prefix, or "".
StringRef sregName(const Instruction &inst) {
  if (auto *call = dyn_cast<CallInst>(&inst))
    if (Function *callee = call->getCalledFunction()) {
      if (callee->getName().starts_with(translate::kSregPrefix))
        return callee->getName().drop_front(strlen(translate::kSregPrefix));
      if (callee->getName() == kLinearThreadIndexMarker)
        return "linear";
    }
  return "";
}

/// %lanemask_eq/le/lt/ge/gt of the thread with linear index `linear`:
/// the bits of the lanes equal to, below or above its own lane.
Value *laneMask(IRBuilder<> &builder, Value *linear, StringRef sreg) {
  Value *eq = builder.CreateShl(builder.getInt32(1), builder.CreateAnd(linear, 31));
  Value *lt = builder.CreateSub(eq, builder.getInt32(1));
  Value *le = builder.CreateOr(lt, eq);
  if (sreg == "lanemask_eq") return eq;
  if (sreg == "lanemask_lt") return lt;
  if (sreg == "lanemask_le") return le;
  if (sreg == "lanemask_ge") return builder.CreateNot(lt);
  if (sreg == "lanemask_gt") return builder.CreateNot(le);
  return nullptr;
}

/// %nwarpid: the warps of this block, so that %warpid < %nwarpid.
Value *warpsPerBlock(IRBuilder<> &builder, Value *const dims[3]) {
  Value *threads = builder.CreateMul(builder.CreateMul(dims[0], dims[1]), dims[2]);
  return builder.CreateLShr(builder.CreateAdd(threads, builder.getInt32(31)), 5);
}

} // namespace

ThreadLoop createLoop(BasicBlock *preheader, BasicBlock *exit, Value *bound,
                      StringRef name) {
  LLVMContext &context = preheader->getContext();
  Function *function = preheader->getParent();
  auto *header = BasicBlock::Create(context, name + ".header", function, exit);
  auto *latch = BasicBlock::Create(context, name + ".latch", function, exit);
  IRBuilder<> builder(preheader);
  builder.CreateBr(header);
  builder.SetInsertPoint(header);
  PHINode *index = builder.CreatePHI(builder.getInt32Ty(), 2, name);
  index->addIncoming(builder.getInt32(0), preheader);
  builder.SetInsertPoint(latch);
  Value *next = builder.CreateAdd(index, builder.getInt32(1), name + ".next",
                                  /*HasNUW=*/true, /*HasNSW=*/true);
  index->addIncoming(next, latch);
  builder.CreateCondBr(builder.CreateICmpULT(next, bound), header, exit);
  return {index, header, latch};
}

ThreadNest createThreadNest(BasicBlock *preheader, BasicBlock *exit,
                            Value *const dims[3], BasicBlock *bodyEntry) {
  ThreadLoop z = createLoop(preheader, exit, dims[2], "tid.z");
  ThreadLoop y = createLoop(z.header, z.latch, dims[1], "tid.y");
  ThreadLoop x = createLoop(y.header, y.latch, dims[0], "tid.x");
  BranchInst::Create(bodyEntry, x.header);
  return {z, y, x};
}

void loadBlockDims(IRBuilder<> &builder, Function &function, Value *dims[3]) {
  Argument *ctx = function.getArg(1);
  StructType *ctxType = getLaunchContextType(function.getContext());
  for (int axis = 0; axis < 3; ++axis) {
    Value *field = builder.CreateConstInBoundsGEP2_32(ctxType, ctx, 0, LCBlockDim);
    Value *address = builder.CreateConstInBoundsGEP1_32(builder.getInt32Ty(), field, axis);
    dims[axis] = builder.CreateLoad(builder.getInt32Ty(), address,
                                    std::string("blockDim.") + char('x' + axis));
  }
}

void markParallel(ThreadLoop &loop, ArrayRef<BasicBlock *> body) {
  LLVMContext &context = loop.header->getContext();
  MDNode *group = MDNode::getDistinct(context, {});
  for (BasicBlock *block : body)
    for (Instruction &inst : *block)
      if (inst.mayReadOrWriteMemory())
        inst.setMetadata(LLVMContext::MD_access_group, group);
  MDNode *parallel = MDNode::get(
      context, {MDString::get(context, "llvm.loop.parallel_accesses"), group});
  MDNode *loopID = MDNode::getDistinct(context, {nullptr, parallel});
  loopID->replaceOperandWith(0, loopID);
  loop.latch->getTerminator()->setMetadata(LLVMContext::MD_loop, loopID);
}

void resolveThreadRegisters(ArrayRef<BasicBlock *> body, const ThreadNest &nest,
                            Value *const dims[3]) {
  const ThreadLoop &x = nest.x, &y = nest.y, &z = nest.z;
  IRBuilder<> builder(x.header, x.header->getFirstInsertionPt());
  Value *linear = builder.CreateAdd(
      x.index, builder.CreateMul(builder.CreateAdd(y.index, builder.CreateMul(z.index, dims[1])),
                                 dims[0]),
      "tid.linear");
  std::vector<Instruction *> dead;
  for (BasicBlock *block : body) {
    for (Instruction &inst : *block) {
      StringRef sreg = sregName(inst);
      Value *value = nullptr;
      if (sreg == "tid.x") value = x.index;
      else if (sreg == "tid.y") value = y.index;
      else if (sreg == "tid.z") value = z.index;
      else if (sreg == "linear") value = linear;
      else if (sreg == "laneid") value = builder.CreateAnd(linear, 31);
      else if (sreg == "warpid") value = builder.CreateLShr(linear, 5);
      else if (sreg.starts_with("lanemask_")) value = laneMask(builder, linear, sreg);
      else if (sreg == "nwarpid") value = warpsPerBlock(builder, dims);
      if (value) {
        inst.replaceAllUsesWith(value);
        dead.push_back(&inst);
      }
    }
  }
  for (Instruction *inst : dead)
    inst->eraseFromParent();
}

Value *linearThreadIndex(IRBuilder<> &builder, Module &module) {
  FunctionCallee marker = module.getOrInsertFunction(
      kLinearThreadIndexMarker, FunctionType::get(builder.getInt32Ty(), false));
  return builder.CreateCall(marker, {}, "linear");
}

} // namespace cuport::passes
