//===- passes/WorkItemLoops.h - One loop over a block's threads -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  block functions from KernelAbi whose bodies still read the per-thread
//      special registers (%tid.*, %laneid, %warpid); shared memory is
//      already in the arena (SharedMemoryArena).
// OUT: the body wrapped in three nested loops z, y, x over ctx->blockDim
//      (the fast path of DESIGN.md §4.1 step 3); %tid.* are the loop
//      induction variables, %laneid, %warpid and %lanemask_* derive from
//      the linear thread index, %nwarpid is the block's warp count; each
//      `ret` continues with the next thread; static allocas are hoisted to
//      the entry block (threads run one after the other, so they can share
//      them). When no stack memory is shared that way, the x loop carries
//      llvm.loop.parallel_accesses and the body's memory accesses its access
//      group, so the loop vectorizer may turn threads into SIMD lanes; with
//      shared stack slots it must prove independence itself.
//
// A kernel with block barriers (llvm.nvvm.barrier0, barrier.n, barrier.sync)
// or warp collectives (shfl, vote, match, redux, activemask, bar.warp.sync;
// passes/WarpCollectives.h) is lowered by sub-CFG formation instead
// (passes/SubCfgFormation.h); a kernel without one produces exactly the
// fast-path code above. Barriers with a thread count, reducing and arriving
// barriers are reported (naming the kernel and the operation) instead of
// being lowered wrongly.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_WORKITEMLOOPS_H
#define CUPORT_PASSES_WORKITEMLOOPS_H

#include "passes/LoweringDiagnostics.h"

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class WorkItemLoopsPass : public llvm::PassInfoMixin<WorkItemLoopsPass> {
public:
  explicit WorkItemLoopsPass(LoweringDiagnostics &diagnostics)
      : diagnostics_(diagnostics) {}
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);

private:
  LoweringDiagnostics &diagnostics_;
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_WORKITEMLOOPS_H
