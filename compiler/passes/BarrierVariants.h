//===- passes/BarrierVariants.h - Counted and reducing barriers -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The block barriers beyond plain __syncthreads, for WorkItemLoops and
// SubCfgFormation. Not a pass: helpers they call.
//
// Barriers with a thread count (bar.sync a, b: llvm.nvvm.barrier(a, b);
// barrier.sync a, b: llvm.nvvm.barrier.sync.cnt(a, b); bar.red with b).
// On the CPU the threads of a block meet only as a whole, at region
// boundaries of the thread loops. A count equal to the block's thread count
// is a whole-block barrier, and that is what the barrier becomes, after a
// call of the device service __cuport_barrier_count(ctx, count, what),
// which aborts the launch (cudaErrorLaunchFailure, with a message naming
// the kernel and the instruction) when the count is any other number: a
// barrier for part of the block (named barriers of producer/consumer warps)
// has no CPU lowering. A counted barrier under thread-dependent control
// flow (only some warps reach it) is refused at compile time like any
// other barrier there.
//
// Named barriers of producer/consumer warps: in a kernel that uses
// `bar.arrive`/`barrier.arrive` (a thread signals without waiting), every
// barrier with a constant id other than 0 and a constant count is a *named
// barrier* with PTX's counting semantics: bar.sync b, n and bar.arrive b, n
// each add one arrival to barrier b; the n-th arrival completes the
// barrier's current generation (and starts the next with no arrivals); a
// thread at bar.sync b goes on once the generation it arrived in has
// completed. The kernel is lowered in SubCfgFormation's scheduled form (a
// resume point per thread): bar.sync b, n is a split point whose gate lets
// through the threads whose generation has completed; bar.arrive is an
// ordinary call in its region (an out-of-line helper, so the thread loop is
// not vectorized across the shared counters). When no thread can move
// while some wait (a count never reached: a hang on NVIDIA hardware), the
// launch fails naming the kernel (__cuport_barrier_deadlock). Arrive with a
// run-time id or count is refused naming the kernel and the instruction.
//
// Reducing barriers (__syncthreads_count/_and/_or: bar.red.popc.u32,
// bar.red.{and,or}.pred and barrier.red; llvm.nvvm.barrier0.{popc,and,or}
// and __cuport_{bar,barrier}_red_{popc,and,or}) are block barriers for
// SubCfgFormation (isBlockBarrier). expandBarrierReduction splits one into
// its halves: before the barrier each thread stores its 0/1 flag in its
// element of a per-thread array; after it each thread reads one block-wide
// result. emitBarrierReduction computes the result at the barrier itself,
// once per block, between the two thread loops: over the threads that take
// part (the threads that have not exited), popc adds, and/or combine. The
// result is a load through a block-wide slot, so the divergence analysis
// sees it block-uniform, as CUDA defines it.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_BARRIERVARIANTS_H
#define CUPORT_PASSES_BARRIERVARIANTS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/IRBuilder.h"

#include <string>

namespace cuport::passes {

enum class ReductionOp { Popc, And, Or };

/// Whether `call` is a reducing block barrier (bar.red / barrier.red).
bool isBarrierReduction(const llvm::CallInst &call);

/// Rewrites every barrier with a thread count in `function` (a block
/// function) into the count check and a whole-block barrier. Reductions
/// keep their call; their count, when not the constant 0, is checked.
void lowerCountedBarriers(llvm::Function &function);

/// Stands for bar.sync/barrier.sync b, n of a named barrier (constant b and
/// n) in a kernel with producer/consumer arrivals: void (i32 b, i32 n).
inline constexpr const char *kNamedBarrierSync = "__cuport_named_barrier_sync";

bool isNamedBarrierSync(const llvm::CallInst &call);
/// bar.arrive / barrier.arrive (void (i32 b, i32 n)).
bool isBarrierArrive(const llvm::CallInst &call);
/// Whether the arrive's id and count are constants (then it is lowered).
bool hasConstantOperands(const llvm::CallInst &call);

/// The block-wide state of the named barriers of one block function.
struct NamedBarriers {
  llvm::AllocaInst *arrivals;    ///< [16 x i32], arrivals of the generation
  llvm::AllocaInst *generations; ///< [16 x i32], completed generations
  llvm::Function *arrive;        ///< i32 (ptr, ptr, i32 b, i32 n): the
                                 ///< generation the arrival belongs to
};

/// Zeroed state at `entry` and the out-of-line arrival helper.
NamedBarriers createNamedBarriers(llvm::IRBuilder<> &entry, llvm::Module &module);

/// One arrival at barrier `id` of `count`; returns its generation.
llvm::Value *emitArrive(llvm::IRBuilder<> &b, const NamedBarriers &named,
                        llvm::Value *id, llvm::Value *count);

/// The completed generations of barrier `id`.
llvm::Value *completedGenerations(llvm::IRBuilder<> &b, const NamedBarriers &named,
                                  llvm::Value *id);

/// Calls the device service that fails the launch because the threads of
/// the block wait at named barriers no arrival can complete.
void emitDeadlockReport(llvm::IRBuilder<> &b, llvm::Function &function);

/// The PTX instruction a barrier-like call stands for ("bar.arrive"), or
/// "" when `name` is not one this file knows.
std::string barrierInstructionName(llvm::StringRef calleeName);

struct BarrierReduction {
  ReductionOp op;
  llvm::AllocaInst *flags;  ///< i32 per thread, written before the barrier
  llvm::AllocaInst *result; ///< i32, block-wide, read after it
};

/// Before `call`: the thread's flag into flags[linear thread index]. After
/// it: the call's uses read the result slot. Slots are allocated at
/// `entry` (threads: the block's thread count, i64). The caller erases the
/// call when it has made it a barrier.
BarrierReduction expandBarrierReduction(llvm::CallInst &call,
                                        llvm::IRBuilder<> &entry,
                                        llvm::Value *threads);

/// Emits at `b` (a block without terminator; `b` continues after the
/// emitted loop) the reduction over the threads for which
/// `participates(b, t)` (straight-line code, i1; null: all) holds, and
/// stores it in the result slot when `when` (i1; null: always).
void emitBarrierReduction(
    llvm::IRBuilder<> &b, const BarrierReduction &reduction, llvm::Value *threads,
    llvm::function_ref<llvm::Value *(llvm::IRBuilder<> &, llvm::Value *)> participates,
    llvm::Value *when);

} // namespace cuport::passes

#endif // CUPORT_PASSES_BARRIERVARIANTS_H
