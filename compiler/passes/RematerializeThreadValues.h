//===- passes/RematerializeThreadValues.h - Recompute cheap values -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs on block functions with a synchronisation point (a barrier or a warp
// collective), before WorkItemLoops forms the sub-CFGs.
//
// IN:  a kernel body where values computed only from the thread's position
//      (%tid.*, %laneid, ...), kernel arguments, launch geometry loaded in
//      the entry block and constants -- typically shared-memory addresses
//      such as `&tile[threadIdx.y][0]` -- are defined once and used after
//      a barrier. The sub-CFG formation would keep each of them in a
//      per-thread stack slot: every use after the barrier reloads it, so
//      the vectorizer sees `load (arena + slot[tid])`, a gather, instead of
//      a consecutive or broadcast address.
// OUT: first, in a loop that synchronises, an induction variable whose
//      start is such a value (`row * n + threadIdx.x`, stepping by a value
//      defined outside the loop) becomes `start + step * trip`, where
//      `trip` is the loop's trip counter phi (0, 1, ...; created if the
//      loop has none): the counter is block-uniform, the rest recomputable.
//      Then every use of such a value outside its defining block (and every use
//      in a block with a synchronisation point) gets its own copy of the
//      pure, side-effect-free expression tree (at most kMaxTreeSize
//      instructions), computed right before the use; the originals left
//      without uses are erased. No such value is live at a barrier any
//      more, and the O3 pipeline merges the copies again inside each
//      thread loop. Loads, calls other than thread-position registers and
//      phis are never copied.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_REMATERIALIZETHREADVALUES_H
#define CUPORT_PASSES_REMATERIALIZETHREADVALUES_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class RematerializeThreadValuesPass
    : public llvm::PassInfoMixin<RematerializeThreadValuesPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif
