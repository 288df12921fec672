//===- passes/LockstepLoops.h - Divergent loops in lock step ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs on block functions before RematerializeThreadValues and
// WorkItemLoops (which form the thread loops).
//
// IN:  a kernel body with a loop whose trip count depends on the thread
//      (an exit condition computed from %tid, loads, ...), such as the
//      grid-stride loop `for (i = blockIdx.x * blockDim.x + tid; i < n;
//      i += gridDim.x * blockDim.x) sum += in[i];`. The thread loops would
//      run it whole inside each thread's iteration: neither loop
//      vectorizes, and each thread walks memory with a large stride, one
//      thread after another.
// OUT: the loop and the code from its nearest block-uniform dominator G
//      to the loop's join J run in lock step: every thread first runs G
//      and the code up to the loop header (or to J); then, while some
//      thread is still in the loop (`llvm.nvvm.barrier0.or(active)`, a
//      block-wide OR the sub-CFG formation lowers), every active thread
//      runs one iteration (one thread loop per iteration, vectorizable,
//      with the threads that left masked off); after the last one every
//      thread continues at J. The loop state lives in phis of the new
//      outer loop (per-thread slots after WorkItemLoops); an induction
//      variable `h = phi [start, entry], [h + s, latch]` advances by `s` in
//      every thread each iteration, so RematerializeThreadValues can
//      rewrite it as `start + s * trip` with a block-uniform trip count
//      (then `in[i]` is a consecutive load across the threads).
//
//      Before that the loop is unrolled, every exit kept, so that each
//      round runs up to eight of its iterations per thread (fewer for
//      bodies over 12 instructions, none over 48): a round ends in a
//      block-wide OR and keeps the loop state in per-thread slots, which
//      is now paid once per eight iterations, and the eight loads of a
//      round are in flight together. The unrolled induction variable
//      advances by n adds of one step per iteration: it becomes
//      `start + s * (n * trip + k)` all the same. CUPORT_LOCKSTEP_UNROLL=N
//      sets the iterations per round (1: no unrolling).
//
//      Only loops without inner loops whose region (G to J; other loops
//      only before this one, they run in the first step) reaches no
//      barrier, warp collective, call with effects, stack allocation,
//      atomic, fence, volatile access or return; G must be reached by
//      every thread (not under a thread-dependent branch, not in a loop).
//      Warp collectives are never put in lock step (their lanes must meet
//      as the kernel wrote it), nor loops where threads may wait for each
//      other through memory (a lock taken with atomicCAS: run one after
//      another, the first thread releases the next; in lock step none
//      would get through).
//
//      CUPORT_LOCKSTEP_LOOPS=0 turns the pass off (to measure it; the
//      setting is part of the kernel cache key, see pipelineSettings()).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_LOCKSTEPLOOPS_H
#define CUPORT_PASSES_LOCKSTEPLOOPS_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class LockstepLoopsPass : public llvm::PassInfoMixin<LockstepLoopsPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

/// False when CUPORT_LOCKSTEP_LOOPS=0 turns the pass off (to measure what
/// it gains); part of the kernel cache key through pipelineSettings().
bool lockstepLoopsEnabled();

} // namespace cuport::passes

#endif // CUPORT_PASSES_LOCKSTEPLOOPS_H
