//===- passes/BlockRangeLoop.h - Several blocks per call -------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The last step of the CPU lowering, after WorkItemLoops and the passes
// that tidy its output; O3 runs next.
//
// IN:  block functions `void K(ptr args, ptr ctx)` that run the block
//      ctx->blockIdx.
// OUT: K runs ctx->blockCount consecutive blocks along x:
//
//        void K(args, ctx) {
//          first = ctx->blockIdx.x; count = ctx->blockCount;
//          for (b = first; b < first + count; ++b) {
//            ctx->blockIdx.x = b;
//            K.block(args, ctx);        // the old body, inlined by O3
//          }
//        }
//
//      The backend calls K once per run of blocks of a grid row instead of
//      once per block, so what does not depend on the block (the kernel
//      arguments, launch geometry, vector constants, the thread loops'
//      trip-count checks) is computed once per call: for a kernel of one
//      element per thread and 256 threads per block that setup was about a
//      third of the instructions of a block.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_BLOCKRANGELOOP_H
#define CUPORT_PASSES_BLOCKRANGELOOP_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class BlockRangeLoopPass : public llvm::PassInfoMixin<BlockRangeLoopPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &module, llvm::ModuleAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_BLOCKRANGELOOP_H
