//===- passes/UniformSlots.h - One slot for block-uniform values -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs on block functions after WorkItemLoops.
//
// IN:  the sub-CFG formation keeps each value live at a barrier in a
//      per-thread slot, `alloca T, threads`, stored at `slot[linear]` where
//      the value is defined and reloaded from `slot[linear]` where it is
//      used. It marks the slots of values that do not depend on the thread
//      (kUniformSlotMetadata; plain form only, where every thread runs a
//      region before any thread runs the next): the trip counter of a loop
//      with a barrier, a tree-reduction stride, ... The reloads are
//      consecutive loads that the vectorizer cannot know to be equal, so
//      an address or branch computed from them is a gather or a masked
//      path.
// OUT: such a slot becomes one scalar `alloca T`. In each region's thread
//      loop nest, a reload that reads the value the thread had on entering
//      the region (no store of the same slot precedes it in the thread's
//      iteration) becomes one load before the nest; a reload that follows
//      the thread's own store reads the scalar (every thread stores the
//      same value). Every store writes the scalar. A slot with a reload
//      that some store may or may not precede is left as it is.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_UNIFORMSLOTS_H
#define CUPORT_PASSES_UNIFORMSLOTS_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

/// Metadata kind on a per-thread slot alloca whose stored values are
/// block-uniform.
inline constexpr const char *kUniformSlotMetadata = "cuport.uniform.slot";

class UniformSlotsPass : public llvm::PassInfoMixin<UniformSlotsPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif
