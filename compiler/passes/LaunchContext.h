//===- passes/LaunchContext.h - What a block function receives -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU lowering turns each kernel into a *block function*
//
//   void kernel(const void *args, LaunchContext *ctx)
//
// that runs every thread of one block. `args` is the packed argument buffer
// (KernelDescriptor::params); `ctx` carries the launch geometry, the block's
// position and the worker's shared-memory arena (DESIGN.md §4). The lowering
// passes build the IR type of this struct from the same field list, so the
// two cannot disagree; a static_assert pins the offsets.
//
// LLVM-free: the CPU backend includes it without LLVM headers.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_LAUNCHCONTEXT_H
#define CUPORT_PASSES_LAUNCHCONTEXT_H

#include <cstddef>
#include <cstdint>

namespace cuport {

struct LaunchContext {
  uint32_t gridDim[3];
  uint32_t blockDim[3];
  uint32_t blockIdx[3];
  uint32_t dynamicSharedBytes;
  void *sharedArena; ///< this worker's shared memory, static part first
  void *services;    ///< backend services (printf, assert, malloc)
  /// Blocks this call runs: blockIdx.x, blockIdx.x + 1, ... (same y and
  /// z), blockCount of them (passes/BlockRangeLoop.h); at least 1.
  uint32_t blockCount;
};

/// Field indices in the IR struct type (see LaunchContextType.cpp).
enum LaunchContextField : unsigned {
  LCGridDim = 0,
  LCBlockDim = 1,
  LCBlockIdx = 2,
  LCDynamicSharedBytes = 3,
  LCSharedArena = 4,
  LCServices = 5,
  LCBlockCount = 6,
};

static_assert(offsetof(LaunchContext, blockDim) == 12);
static_assert(offsetof(LaunchContext, blockIdx) == 24);
static_assert(offsetof(LaunchContext, dynamicSharedBytes) == 36);
static_assert(offsetof(LaunchContext, sharedArena) == 40);
static_assert(offsetof(LaunchContext, services) == 48);
static_assert(offsetof(LaunchContext, blockCount) == 56);
static_assert(sizeof(LaunchContext) == 64);

/// Signature of a compiled block function.
using BlockFunction = void (*)(const void *args, LaunchContext *ctx);

} // namespace cuport

#endif // CUPORT_PASSES_LAUNCHCONTEXT_H
