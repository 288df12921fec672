//===- passes/WarpCollectives.h - Warp collectives as split points -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The warp half of SubCfgFormation (DESIGN.md §4.1 step 6), warpSize 32.
//
// IN:  a block function (before sub-CFG formation) calling the NVVM warp
//      collectives the translator emits (translate/Warp.cpp):
//      llvm.nvvm.shfl{.sync}.{up,down,bfly,idx}.i32{p},
//      llvm.nvvm.vote.{all,any,uni,ballot}{.sync},
//      llvm.nvvm.match.{any,all}.sync.{i32,i64}{p}, llvm.nvvm.redux.sync.*,
//      llvm.nvvm.activemask, llvm.nvvm.bar.warp.sync.
// OUT: each collective becomes straight-line code around *split points*
//      (calls of kWarpSplitMarker), which SubCfgFormation treats exactly
//      like block barriers:
//
//        store operand -> exchange[linear thread index]    ; every thread
//        split                                             ; all have stored
//        result = semantics(exchange[warp base + lane...]) ; every thread
//        split                                             ; all have read
//        ... uses of result ...
//
//      `exchange` is a per-thread slot array (blockDim.x*y*z elements, in
//      the entry block). The second split keeps a thread that goes round a
//      loop back to the same collective from overwriting its slot before
//      the other lanes of its warp have read it. The lanes of a warp are
//      the threads with linear index 32*w .. 32*w+31 that exist (a block of
//      48 threads has a second warp of 16 lanes).
//
// Semantics (PTX ISA): shfl computes the source lane j from b, the clamp
// c[4:0] and the segment mask c[12:8]; when j is out of range the lane
// reads its own value and the predicate output is false. A source lane
// that does not exist in a partial warp (undefined in PTX) also gives the
// lane's own value, never memory past the slots. Votes, match and redux
// fold over the lanes of the member mask that exist and have not returned
// (kWarpLiveLanesMarker). activemask is the existing lanes of the warp,
// and bar.warp.sync (__syncwarp) is one split:
// the lanes' memory effects before it are visible after it because every
// thread finishes the region before any thread starts the next one.
//
// Where every thread of the block reaches the collective, split points are
// barriers of the whole block (correct; one thread loop more per split).
// Under thread-dependent control flow (`if (lane < 16) v =
// __shfl_down_sync(0xffff, v, 1)`, `if (warp == 0) warpReduce()`), each
// arriving thread also stores the lanes it waits for (member mask &
// existing lanes) in a per-thread slot (MemberSlots), and SubCfgFormation
// switches to its scheduled form: a thread passes the split point once all
// those lanes are there. activemask and the forms without .sync (no member
// mask) are refused there, naming the kernel and the collective
// (kCollectiveMetadata carries its name).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_WARPCOLLECTIVES_H
#define CUPORT_PASSES_WARPCOLLECTIVES_H

#include "llvm/ADT/DenseMap.h"

namespace llvm {
class AllocaInst;
class CallInst;
class Function;
class Value;
} // namespace llvm

namespace cuport::passes {

/// A call of this function is a split point standing for a warp collective.
inline constexpr const char *kWarpSplitMarker = "__cuport_warp_split";
/// `i32 __cuport_warp_live_lanes(i64 warpBase)`: the lanes of the warp
/// whose threads have not returned; SubCfgFormation resolves it (all lanes
/// in the plain form, where every thread reaches the collective).
inline constexpr const char *kWarpLiveLanesMarker = "__cuport_warp_live_lanes";
/// Metadata on a split point: the collective's intrinsic name.
inline constexpr const char *kCollectiveMetadata = "cuport.collective";

/// `void __cuport_warp_allgather(ptr dst, ptr src, i32 bytes, i32 mask)`
/// (convergent, `bytes` a constant, `mask` the member mask as in the .sync
/// collectives; the lanes not in it take no part): each lane's `bytes` at
/// `src` land at dst + lane * bytes in every lane's `dst`. The
/// translator's wmma.mma gathers the warp's fragments with it
/// (translate/Wmma.cpp): one collective instead of dozens of shuffles.
inline constexpr const char *kWarpAllGather = "__cuport_warp_allgather";

/// Whether `call` is a warp collective lowered here.
bool isWarpCollective(const llvm::CallInst &call);

/// Whether `call` is a split point made by expandWarpCollectives.
bool isWarpSplit(const llvm::CallInst &call);

/// For each split point of a collective with a member mask (the .sync
/// forms, bar.warp.sync): the per-thread slot (i32) where each arriving
/// thread stores the lanes it waits for (member mask & existing lanes).
/// Split points without one (activemask, non-.sync forms) must be reached
/// by every thread of the block.
using MemberSlots = llvm::DenseMap<llvm::CallInst *, llvm::AllocaInst *>;

/// Rewrites every warp collective of `function` as described above.
/// `threads` (i64, in the entry block) is the number of threads of the
/// block; the exchange slots are allocated before the entry terminator.
MemberSlots expandWarpCollectives(llvm::Function &function, llvm::Value *threads);

} // namespace cuport::passes

#endif // CUPORT_PASSES_WARPCOLLECTIVES_H
