//===- passes/WorkItemLoops.cpp - One loop over a block's threads ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/WorkItemLoops.h"

#include "passes/KernelAbi.h"
#include "passes/LaunchContext.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// The name of a special-register call without the intrinsic prefix, or "".
StringRef sregName(const Instruction &inst) {
  if (auto *call = dyn_cast<CallInst>(&inst))
    if (Function *callee = call->getCalledFunction())
      if (callee->getName().starts_with(translate::kSregPrefix))
        return callee->getName().drop_front(strlen(translate::kSregPrefix));
  return "";
}

/// A synchronisation point this lowering cannot wrap in a single loop.
StringRef synchronisationIn(Function &function) {
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst))
      if (Function *callee = call->getCalledFunction()) {
        StringRef name = callee->getName();
        if (name.starts_with("llvm.nvvm.barrier") ||
            name.starts_with("llvm.nvvm.bar.") ||
            name.starts_with("llvm.nvvm.shfl") ||
            name.starts_with("llvm.nvvm.vote") ||
            name.starts_with("llvm.nvvm.match") ||
            name.starts_with("llvm.nvvm.redux") ||
            name == "llvm.nvvm.activemask" ||
            name.starts_with("__cuport_bar_") ||
            name.starts_with("__cuport_barrier_"))
          return name;
      }
  return "";
}

/// A shared-memory variable the function uses, or nullptr. Shared memory
/// needs the per-worker arena lowering, which this pass does not do.
const GlobalVariable *sharedVariableIn(Function &function) {
  for (GlobalVariable &global : function.getParent()->globals()) {
    if (global.getAddressSpace() != translate::SharedAS)
      continue;
    for (const User *user : global.users()) {
      if (auto *inst = dyn_cast<Instruction>(user); inst && inst->getFunction() == &function)
        return &global;
      if (isa<Constant>(user))
        for (const User *outer : user->users())
          if (auto *inst = dyn_cast<Instruction>(outer); inst && inst->getFunction() == &function)
            return &global;
    }
  }
  return nullptr;
}

struct ThreadLoop {
  PHINode *index;
  BasicBlock *header;
  BasicBlock *latch;
};

/// Creates `for (index = 0; index < bound; ++index)` between `preheader`
/// (which must end without a terminator) and `exit`. The body is entered
/// from the header's terminator, which the caller sets.
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

/// Marks the x loop parallel: its latch branch gets llvm.loop metadata with
/// llvm.loop.parallel_accesses, and every memory access in `body` joins the
/// access group.
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

PreservedAnalyses WorkItemLoopsPass::run(Function &function,
                                         FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty())
    return PreservedAnalyses::all();
  if (StringRef sync = synchronisationIn(function); !sync.empty()) {
    diagnostics_.error(function.getName(),
                       "synchronisation point '" + sync +
                           "' needs the barrier-aware lowering, which is not "
                           "implemented yet");
    return PreservedAnalyses::all();
  }
  if (const GlobalVariable *shared = sharedVariableIn(function)) {
    diagnostics_.error(function.getName(),
                       "shared memory ('" + shared->getName() +
                           "') needs the shared-memory arena lowering, which "
                           "is not implemented yet");
    return PreservedAnalyses::all();
  }
  LLVMContext &context = function.getContext();
  BasicBlock *unpack = &function.getEntryBlock();
  BasicBlock *bodyEntry = unpack->getSingleSuccessor();
  std::vector<BasicBlock *> body;
  for (BasicBlock &block : function)
    if (&block != unpack)
      body.push_back(&block);

  // Threads run one after another, so one copy of each stack slot serves
  // them all: hoist static allocas out of the loops.
  bool sharesStackAcrossThreads = false;
  for (BasicBlock *block : body)
    for (Instruction &inst : make_early_inc_range(*block))
      if (auto *alloca = dyn_cast<AllocaInst>(&inst); alloca && alloca->isStaticAlloca()) {
        alloca->moveBefore(unpack->getTerminator());
        sharesStackAcrossThreads = true;
      }

  // Block dimensions, loaded once.
  Argument *ctx = function.getArg(1);
  StructType *ctxType = getLaunchContextType(context);
  unpack->getTerminator()->eraseFromParent();
  IRBuilder<> builder(unpack);
  Value *dims[3];
  for (int axis = 0; axis < 3; ++axis) {
    Value *field = builder.CreateConstInBoundsGEP2_32(ctxType, ctx, 0, LCBlockDim);
    Value *address = builder.CreateConstInBoundsGEP1_32(builder.getInt32Ty(), field, axis);
    dims[axis] = builder.CreateLoad(builder.getInt32Ty(), address,
                                    std::string("blockDim.") + char('x' + axis));
  }

  auto *exit = BasicBlock::Create(context, "block.exit", &function);
  ReturnInst::Create(context, exit);
  ThreadLoop z = createLoop(unpack, exit, dims[2], "tid.z");
  ThreadLoop y = createLoop(z.header, z.latch, dims[1], "tid.y");
  ThreadLoop x = createLoop(y.header, y.latch, dims[0], "tid.x");
  BranchInst::Create(bodyEntry, x.header);

  // Per-thread special registers.
  builder.SetInsertPoint(x.header, x.header->getFirstInsertionPt());
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
      else if (sreg == "laneid") value = builder.CreateAnd(linear, 31);
      else if (sreg == "warpid") value = builder.CreateLShr(linear, 5);
      else if (sreg.starts_with("lanemask_")) value = laneMask(builder, linear, sreg);
      else if (sreg == "nwarpid") value = warpsPerBlock(builder, dims);
      if (value) {
        inst.replaceAllUsesWith(value);
        dead.push_back(&inst);
      }
    }
    if (auto *ret = dyn_cast<ReturnInst>(block->getTerminator())) {
      BranchInst::Create(x.latch, ret);
      ret->eraseFromParent();
    }
  }
  for (Instruction *inst : dead)
    inst->eraseFromParent();
  // Iterations touching one shared stack slot are not independent: then
  // the vectorizer must prove independence itself instead of being told.
  if (!sharesStackAcrossThreads)
    markParallel(x, body);
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
