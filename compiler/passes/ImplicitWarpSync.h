//===- passes/ImplicitWarpSync.h - Warp-synchronous volatile code -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs on block functions after KernelAbi and before SharedMemoryArena
// (which still sees shared memory as address space 3).
//
// IN:  a kernel body with volatile loads and stores to shared memory (or
//      through generic pointers), the *warp-synchronous* idiom of much
//      CUDA code written before Volta:
//
//        if (tid < 32) {            // one warp, no __syncwarp()
//          volatile int *s = sdata;
//          s[tid] += s[tid + 32]; s[tid] += s[tid + 16]; ...
//        }
//
//      It relies on the lanes of a warp running in lock step: every lane
//      reads s[tid + 16] before any lane writes s[tid]. The thread loops
//      of the CPU lowering run one thread's region to its end before the
//      next thread starts, so lane 0 would read s[16] before lane 16 had
//      added s[48] to it.
// OUT: a `__syncwarp` split point (llvm.nvvm.bar.warp.sync) with an empty
//      member mask before every volatile access whose kind (load or store)
//      differs from the previous volatile access of its basic block, or
//      that starts one: every thread at the split point finishes the
//      region before it before any thread runs the region after it, so the
//      lanes' volatile loads all happen before their stores and the other
//      way round, as in lock step. The empty mask waits for no lane (lanes
//      that skipped the code, returned or wait at a later __syncthreads()
//      hold nobody up); under thread-dependent control flow the sub-CFG
//      formation uses its scheduled form, where the threads at a split
//      point move on together in one sweep. Accesses through explicit
//      global pointers are left alone (volatile flags polled across
//      blocks).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_IMPLICITWARPSYNC_H
#define CUPORT_PASSES_IMPLICITWARPSYNC_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class ImplicitWarpSyncPass : public llvm::PassInfoMixin<ImplicitWarpSyncPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_IMPLICITWARPSYNC_H
