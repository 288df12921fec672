//===- passes/ThreadLoops.h - Loops over a block's threads -----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Helpers shared by the two ways WorkItemLoops wraps code in loops over the
// threads of a block (the fast path, and SubCfgFormation for kernels with
// barriers): the z/y/x loop nest over ctx->blockDim, the parallel-loop
// metadata of the x loop, and the per-thread special registers (%tid.*,
// %laneid, %warpid, %lanemask_*, %nwarpid, and cuport's own marker for the
// linear thread index) resolved against one loop nest. Not a pass.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_THREADLOOPS_H
#define CUPORT_PASSES_THREADLOOPS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/IRBuilder.h"

namespace cuport::passes {

/// A call of this function stands for the running thread's linear index
/// (x + blockDim.x * (y + blockDim.y * z)) until its loop nest exists.
inline constexpr const char *kLinearThreadIndexMarker = "__cuport_linear_thread_index";

struct ThreadLoop {
  llvm::PHINode *index;
  llvm::BasicBlock *header;
  llvm::BasicBlock *latch;
};

struct ThreadNest {
  ThreadLoop z, y, x;
};

/// Creates `for (index = 0; index < bound; ++index)` between `preheader`
/// (which must end without a terminator) and `exit`. The body is entered
/// from the header's terminator, which the caller sets.
ThreadLoop createLoop(llvm::BasicBlock *preheader, llvm::BasicBlock *exit,
                      llvm::Value *bound, llvm::StringRef name);

/// The z, y, x loops between `preheader` (without terminator) and `exit`,
/// the x loop's header branching to `bodyEntry`; the body must end in a
/// branch to nest.x.latch.
ThreadNest createThreadNest(llvm::BasicBlock *preheader, llvm::BasicBlock *exit,
                            llvm::Value *const dims[3], llvm::BasicBlock *bodyEntry);

/// ctx->blockDim[0..2], loaded at `builder`.
void loadBlockDims(llvm::IRBuilder<> &builder, llvm::Function &function,
                   llvm::Value *dims[3]);

/// Marks the x loop parallel: its latch branch gets llvm.loop metadata with
/// llvm.loop.parallel_accesses, and every memory access in `body` joins the
/// access group.
void markParallel(ThreadLoop &loop, llvm::ArrayRef<llvm::BasicBlock *> body);

/// Replaces the per-thread special registers and linear-index markers in
/// `body` by values of `nest` (computed in the x loop's header).
void resolveThreadRegisters(llvm::ArrayRef<llvm::BasicBlock *> body,
                            const ThreadNest &nest, llvm::Value *const dims[3]);

/// Emits a linear-index marker call at `builder`.
llvm::Value *linearThreadIndex(llvm::IRBuilder<> &builder, llvm::Module &module);

} // namespace cuport::passes

#endif // CUPORT_PASSES_THREADLOOPS_H
