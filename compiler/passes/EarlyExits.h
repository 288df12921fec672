//===- passes/EarlyExits.h - Threads that leave before a barrier -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The most common CUDA idiom around barriers,
//
//   if (i >= n) return;   ...   __syncthreads();   ...
//
// puts a barrier under thread-dependent control flow, yet works on NVIDIA
// hardware: a thread that has exited takes no part in later barriers (the
// barrier waits for the threads that have not exited). For SubCfgFormation
// this file finds such *early exits* and gives the threads an "exited"
// flag. Not a pass: helpers SubCfgFormation calls.
//
// An early-exit branch is a branch (or switch) with successors from which
// no barrier (block barrier or warp split point) can be reached (*dead*:
// the threads that go there run to the kernel's end without meeting another
// thread) and exactly one other successor (*live*). The threads that stay
// follow the live successor, so for the divergence analysis the branch is
// an unconditional branch to it: a barrier after it is block-uniform for
// the threads that are left, and no value of the live part joins a value of
// the dead part (dead blocks only lead to dead blocks). The same rule covers
// `for (...) { if (t >= limit) return; __syncthreads(); }` and a loop a
// thread leaves early for good (no barrier after the loop).
//
// Lowering, in the plain (block-wide `next`) form of SubCfgFormation: a
// per-thread byte exited[t], zero at entry; a thread that reaches the
// kernel's end sets it instead of choosing the next region; every region's
// thread loop skips exited threads; `next` is reset to "returned" before
// each loop nest, so when every thread has exited the block ends. Reductions
// at barriers (__syncthreads_count/_and/_or) and the live-lanes mask of warp
// votes count only threads that have not exited. The scheduled form
// already keeps a per-thread resume point with a "returned" state and needs
// nothing more.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_EARLYEXITS_H
#define CUPORT_PASSES_EARLYEXITS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/IRBuilder.h"

namespace cuport::passes {

/// The blocks of `body` whose terminator is an early-exit branch, given
/// which blocks are barriers.
llvm::SmallPtrSet<llvm::BasicBlock *, 8>
findEarlyExitBranches(llvm::ArrayRef<llvm::BasicBlock *> body,
                      llvm::function_ref<bool(llvm::BasicBlock *)> isBarrier);

/// exited[threads] (i8), zeroed, at `entry`.
llvm::AllocaInst *createExitedFlags(llvm::IRBuilder<> &entry, llvm::Value *threads);

/// i1: whether thread `t` (i64) has exited.
llvm::Value *hasExited(llvm::IRBuilder<> &b, llvm::AllocaInst *exited, llvm::Value *t);

/// Records that thread `t` (i64) has exited.
void markExited(llvm::IRBuilder<> &b, llvm::AllocaInst *exited, llvm::Value *t);

} // namespace cuport::passes

#endif // CUPORT_PASSES_EARLYEXITS_H
