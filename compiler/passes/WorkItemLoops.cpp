//===- passes/WorkItemLoops.cpp - One loop over a block's threads ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/WorkItemLoops.h"

#include "passes/BarrierVariants.h"
#include "passes/DeviceServices.h"
#include "passes/KernelAbi.h"
#include "passes/SubCfgFormation.h"
#include "passes/ThreadLoops.h"
#include "passes/WarpCollectives.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// A synchronisation point neither the fast path nor the sub-CFG formation
/// handles (bar.arrive, barrier.arrive with a run-time id or count;
/// BarrierVariants.h says why).
StringRef unsupportedSynchronisationIn(Function &function) {
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst))
      if (Function *callee = call->getCalledFunction()) {
        StringRef name = callee->getName();
        if (isBlockBarrier(*call) || isWarpCollective(*call) ||
            name == services::kBarrierCount ||
            (isBarrierArrive(*call) && hasConstantOperands(*call)))
          continue;
        if (name.starts_with("llvm.nvvm.barrier") ||
            name.starts_with("llvm.nvvm.bar.") ||
            name.starts_with("__cuport_bar_") ||
            name.starts_with("__cuport_barrier_"))
          return name;
      }
  return "";
}

/// Block barriers, warp collectives and named-barrier arrivals need sub-CFG
/// formation.
bool hasSynchronisationPoint(Function &function) {
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst);
        call && (isBlockBarrier(*call) || isWarpCollective(*call) || isBarrierArrive(*call)))
      return true;
  return false;
}

} // namespace

PreservedAnalyses WorkItemLoopsPass::run(Function &function,
                                         FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty())
    return PreservedAnalyses::all();
  lowerCountedBarriers(function);
  if (StringRef sync = unsupportedSynchronisationIn(function); !sync.empty()) {
    std::string instruction = barrierInstructionName(sync);
    if (StringRef(instruction).ends_with("arrive"))
      diagnostics_.error(function.getName(),
                         "'" + instruction + "' (" + sync +
                             ") with a barrier id or thread count known only at "
                             "run time has no CPU lowering: named barriers of "
                             "producer/consumer warps need both as constants");
    else
      diagnostics_.error(function.getName(),
                         "synchronisation point '" +
                             (instruction.empty() ? sync.str() : instruction) +
                             "' has no CPU lowering yet");
    return PreservedAnalyses::none();
  }
  if (hasSynchronisationPoint(function)) {
    formSubCfgs(function, diagnostics_);
    return PreservedAnalyses::none();
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
      // Fixed-size allocas: the kernel's own entry block is not the block
      // function's, so isStaticAlloca() does not recognise them here.
      if (auto *alloca = dyn_cast<AllocaInst>(&inst);
          alloca && isa<ConstantInt>(alloca->getArraySize())) {
        alloca->moveBefore(unpack->getTerminator());
        sharesStackAcrossThreads = true;
      }

  // Block dimensions, loaded once.
  unpack->getTerminator()->eraseFromParent();
  IRBuilder<> builder(unpack);
  Value *dims[3];
  loadBlockDims(builder, function, dims);

  auto *exit = BasicBlock::Create(context, "block.exit", &function);
  ReturnInst::Create(context, exit);
  ThreadNest nest = createThreadNest(unpack, exit, dims, bodyEntry);

  // Per-thread special registers; each `ret` continues with the next thread.
  resolveThreadRegisters(body, nest, dims);
  for (BasicBlock *block : body)
    if (auto *ret = dyn_cast<ReturnInst>(block->getTerminator())) {
      BranchInst::Create(nest.x.latch, ret);
      ret->eraseFromParent();
    }
  // Iterations touching one shared stack slot are not independent: then
  // the vectorizer must prove independence itself instead of being told.
  if (!sharesStackAcrossThreads)
    markParallel(nest.x, body);
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
