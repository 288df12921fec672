//===- cpu/CooperativeLaunch.cpp - Every block of a grid at once ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "CooperativeLaunch.h"

#include "CpuKernel.h"
#include "DeviceServices.h"
#include "cuport/Log.h"

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <cstdlib>
#include <memory>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace cuport::cpu {

using backend::Status;

namespace {

/// The word nvcc's grid.sync() counts arrivals in, at offset 4 of what
/// %envreg1:%envreg2 points to; 8-byte aligned like a device allocation.
struct alignas(16) GridBarrierWord {
  std::atomic<uint32_t> words[4] = {};
};

struct ArenaDeleter {
  void operator()(void *arena) const { std::free(arena); }
};

/// What one block's host thread needs.
struct BlockRun {
  const CpuKernel *kernel;
  const backend::LaunchParams *params;
  const void *args;
  LaunchServices *services;
  GridBarrierWord *barrier;
  uint64_t gridId;
  uint32_t blockCount;
};

void runBlock(const BlockRun &run, uint64_t linear) {
  const backend::Dim3 grid = run.params->grid, block = run.params->block;
  size_t sharedBytes = std::max<size_t>(
      size_t(run.kernel->info().staticSharedBytes) + run.params->dynamicSharedBytes, 16);
  std::unique_ptr<void, ArenaDeleter> arena(
      std::aligned_alloc(64, (sharedBytes + 63) / 64 * 64));
  if (!arena) {
    int none = int(LaunchAbort::None);
    run.services->abort.compare_exchange_strong(none, int(LaunchAbort::Trap));
    return;
  }
  LaunchContext ctx{};
  ctx.gridDim[0] = grid.x; ctx.gridDim[1] = grid.y; ctx.gridDim[2] = grid.z;
  ctx.blockDim[0] = block.x; ctx.blockDim[1] = block.y; ctx.blockDim[2] = block.z;
  uint64_t slice = uint64_t(grid.x) * grid.y;
  ctx.blockIdx[0] = uint32_t(linear % slice % grid.x);
  ctx.blockIdx[1] = uint32_t(linear % slice / grid.x);
  ctx.blockIdx[2] = uint32_t(linear / slice);
  ctx.blockCount = 1; // one host thread per block
  ctx.dynamicSharedBytes = run.params->dynamicSharedBytes;
  ctx.sharedArena = arena.get();
  std::jmp_buf abortJump;
  DeviceServiceState state{uint32_t(linear), run.blockCount, run.gridId, run.services,
                           &abortJump};
  state.gridBarrier = run.barrier;
  state.heap = static_cast<DeviceHeap *>(run.params->deviceHeap);
  ctx.services = &state;
  // assert() and trap leave the block here (and a block polling the grid
  // barrier of an aborted launch).
  if (setjmp(abortJump) != 0)
    return;
  run.kernel->entry()(run.args, &ctx);
}

} // namespace

Status runCooperativeLaunch(CpuKernel &kernel, const backend::LaunchParams &params,
                            const void *args, DeviceOutput &output) {
  const backend::Dim3 grid = params.grid;
  uint64_t blocks = uint64_t(grid.x) * grid.y * grid.z;
  LaunchServices services;
  GridBarrierWord barrier;
  BlockRun run{&kernel, &params, args, &services, &barrier, nextGridId(), uint32_t(blocks)};
  std::vector<std::thread> threads;
  threads.reserve(blocks);
  Status status = Status::Success;
  for (uint64_t linear = 0; linear < blocks; ++linear) {
    try {
      threads.emplace_back([&run, linear] { runBlock(run, linear); });
    } catch (const std::system_error &error) {
      // Without a thread per block the grid cannot be co-resident: abort, so
      // blocks already waiting at the grid barrier leave it.
      log().error("cooperative launch of '{}': no host thread for block {}: {}",
                      kernel.info().name, linear, error.what());
      int none = int(LaunchAbort::None);
      services.abort.compare_exchange_strong(none, int(LaunchAbort::Trap));
      status = Status::LaunchFailure;
      break;
    }
  }
  for (std::thread &thread : threads)
    thread.join();
  output.add(services);
  if (Status aborted = services.status(); aborted != Status::Success)
    return aborted;
  return status;
}

} // namespace cuport::cpu
