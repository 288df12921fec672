//===- passes/SubCfgFormation.h - Thread loops around barrier regions -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The barrier-aware half of WorkItemLoops (DESIGN.md §4.1 steps 2, 4, 5).
//
// IN:  a block function from KernelAbi (entry block "unpack" branching to
//      the body) whose body calls whole-block barriers: llvm.nvvm.barrier0
//      (bar.sync 0, __syncthreads), llvm.nvvm.barrier.n (bar.sync id) and
//      llvm.nvvm.barrier.sync (barrier.sync id), all meaning "every thread
//      of the block", and/or warp collectives. Shared memory is already in
//      the arena (SharedMemoryArena). Warp collectives are first rewritten
//      into split points around an exchange through per-thread slots
//      (passes/WarpCollectives.h); from then on a split point is a barrier
//      like the others.
// OUT: the body cut at every barrier into sub-CFGs: a sub-CFG is what is
//      reachable from the body's start or from one barrier without crossing
//      another barrier or returning. Each is cloned inside its own z/y/x
//      loop nest over the block's threads; a thread that reaches barrier k
//      (or returns) records k in a block-wide `next` slot and goes on with
//      the next thread; after the loop nest a dispatch block switches on
//      `next` to the sub-CFG after barrier k, or returns. CUDA requires
//      every thread to reach the same barrier, so the last thread's `next`
//      is everyone's. A barrier in a loop needs nothing special: dispatch
//      goes round again.
//
// Values crossing a barrier:
//  - block-uniform speculatable computations (operands only kernel
//    arguments, launch geometry and constants) are hoisted into "unpack"
//    and stay scalar;
//  - thread-position registers (%tid.*, %laneid, ...) are recomputed at
//    each use: every region's loop nest provides them;
//  - any other SSA value live at a barrier is stored, right after its
//    definition, into a per-thread slot `slot[linear thread index]` and
//    reloaded at each use. Slots are dynamic allocas in "unpack" with
//    blockDim.x * blockDim.y * blockDim.z elements: the stack of the
//    worker running the block, sized by this launch's block, freed when
//    the block function returns;
//  - every alloca of the body (local arrays, address-taken locals) becomes
//    per-thread the same way (an element of a blockDim-sized array), as
//    threads now interleave at barriers.
// Every thread loop's x loop carries llvm.loop.parallel_accesses: no stack
// memory is shared between threads here.
//
// A barrier that threads may reach or skip depending on their position
// (under a branch or loop whose condition is not block-uniform) is
// reported, naming the kernel: CUDA leaves it undefined, and running it
// would give wrong answers. Not so a branch whose other side never reaches
// a barrier again (`if (i >= n) return;`): the threads that take it have
// exited for the barriers after it (passes/EarlyExits.h; the plain form
// then keeps a per-thread exited flag). Reducing barriers
// (__syncthreads_count/_and/_or) are block barriers whose result is
// computed between the two thread loops (passes/BarrierVariants.h).
//
// Warp split points under thread-dependent control flow (legal in CUDA:
// `if (lane < 16) __shfl_down_sync(0xffff, ...)`) select the scheduled
// form instead of the block-wide `next` slot: every thread has its own
// resume point (0 start, k after split point/barrier k, -1 returned).
// Sweeps run the regions in order while some thread ran; before region k's
// thread loop a gate picks the threads that may go on: at a warp split
// point, those whose waited-for lanes (member mask & existing lanes,
// stored by the thread on arrival) are all at k; at a block barrier
// (still required block-uniform), all threads that have not returned must
// be at k. A lane that returned holds no one up, and takes no part in
// votes, match and redux (__cuport_warp_live_lanes, resolved here: every
// lane in the plain form, the lanes not returned in the scheduled form).
// When no thread can move (lanes named in a mask that never arrive:
// undefined in CUDA) the block ends. Kernels without divergent
// split points keep the plain form above. activemask and the warp forms
// without .sync under thread-dependent control flow are reported, naming
// the kernel and the collective.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_SUBCFGFORMATION_H
#define CUPORT_PASSES_SUBCFGFORMATION_H

#include "passes/LoweringDiagnostics.h"

namespace llvm {
class CallInst;
class Function;
} // namespace llvm

namespace cuport::passes {

/// Whether `call` is a barrier of the whole block this lowering handles.
bool isBlockBarrier(const llvm::CallInst &call);

/// Lowers `function`, which contains block barriers, as described above;
/// on a problem records it in `diagnostics` and leaves `function` valid.
void formSubCfgs(llvm::Function &function, LoweringDiagnostics &diagnostics);

} // namespace cuport::passes

#endif // CUPORT_PASSES_SUBCFGFORMATION_H
