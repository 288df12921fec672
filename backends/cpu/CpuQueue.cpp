//===- cpu/CpuQueue.cpp - In-order queues and events ----------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "CpuQueue.h"
#include "CooperativeLaunch.h"

#include "CpuKernel.h"
#include "DeviceServices.h"
#include "SpinWait.h"
#include "cuport/Log.h"

#include <chrono>
#include <csetjmp>
#include <cstring>
#include <memory>

namespace cuport::cpu {

using backend::Status;

uint64_t monotonicNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

//===----------------------------------------------------------------------===//
// CpuEvent
//===----------------------------------------------------------------------===//

uint64_t CpuEvent::arm() {
  std::lock_guard lock(mutex_);
  return ++armed_;
}

void CpuEvent::complete(uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    if (generation > completed_.load(std::memory_order_relaxed)) {
      timestampNs_ = monotonicNanoseconds();
      completed_.store(generation, std::memory_order_release);
    }
  }
  changed_.notify_all();
}

Status CpuEvent::query() {
  std::lock_guard lock(mutex_);
  return completed_ >= armed_ ? Status::Success : Status::NotReady;
}

uint64_t CpuEvent::armedGeneration() {
  std::lock_guard lock(mutex_);
  return armed_;
}

void CpuEvent::waitFor(uint64_t generation) {
  if (spinUntil([&] { return completed_.load(std::memory_order_acquire) >= generation; }))
    return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return completed_ >= generation; });
}

Status CpuEvent::synchronize() {
  waitFor(armedGeneration());
  output_.flush();
  return Status::Success;
}

uint64_t CpuEvent::timestampNs() {
  std::lock_guard lock(mutex_);
  return timestampNs_;
}

//===----------------------------------------------------------------------===//
// CpuQueue
//===----------------------------------------------------------------------===//

CpuQueue::CpuQueue(DeviceOutput &output) : output_(output), thread_([this] { run(); }) {}

CpuQueue::~CpuQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void CpuQueue::submit(Work work, bool anyThread) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back({std::move(work), anyThread});
    queued_.fetch_add(1, std::memory_order_release);
    outstanding_.fetch_add(1, std::memory_order_relaxed);
  }
  changed_.notify_all();
}

void CpuQueue::runFront(std::unique_lock<std::mutex> &lock) {
  Work work = std::move(pending_.front().work);
  pending_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  busy_ = true;
  lock.unlock();
  Status status = work();
  work = nullptr; // release what it holds before the queue looks idle
  lock.lock();
  busy_ = false;
  if (status != Status::Success && firstError_ == Status::Success)
    firstError_ = status;
  outstanding_.fetch_sub(1, std::memory_order_release);
  changed_.notify_all();
}

void CpuQueue::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty() && !stopping_) {
      // Back-to-back submissions find the thread awake.
      lock.unlock();
      spinUntil([&] { return queued_.load(std::memory_order_acquire) != 0; });
      lock.lock();
    }
    // A synchronizing thread may be running an item: wait for it, so that
    // the items still run one at a time and in order.
    changed_.wait(lock, [&] {
      return (stopping_ && pending_.empty()) || (!busy_ && !pending_.empty());
    });
    if (pending_.empty())
      return; // stopping with nothing left to do
    runFront(lock);
  }
}

namespace {

/// Blocks per call of a block function at most: an abort (assert, trap)
/// in another block is noticed between calls.
constexpr uint64_t kBlocksPerCall = 64;

/// Runs one grid of `kernel` (a cooperative one on host threads of its own,
/// CooperativeLaunch.h), then the grids its device code launched, in
/// launch order, each with its own children (DeviceLaunch.h); the first
/// failure is the launch's status.
Status runGrid(CpuKernel &kernel, const backend::LaunchParams &launch,
               const void *argBuffer, WorkerState &queueState, DeviceOutput &output,
               unsigned depth) {
  if (launch.cooperative)
    return runCooperativeLaunch(kernel, launch, argBuffer, output);
  const backend::Dim3 grid = launch.grid, block = launch.block;
  uint64_t blocksPerSlice = uint64_t(grid.x) * grid.y;
  uint64_t blocks = blocksPerSlice * grid.z;
  size_t sharedBytes = size_t(kernel.info().staticSharedBytes) + launch.dynamicSharedBytes;
  BlockFunction entry = kernel.entry();
  const uint64_t gridId = nextGridId();
  LaunchServices launchServices;
  launchServices.depth = depth;
  WorkerPool::ChunkFunction chunk = [&](uint64_t begin, uint64_t end, WorkerState &state) {
    LaunchContext ctx{};
    ctx.gridDim[0] = grid.x; ctx.gridDim[1] = grid.y; ctx.gridDim[2] = grid.z;
    ctx.blockDim[0] = block.x; ctx.blockDim[1] = block.y; ctx.blockDim[2] = block.z;
    ctx.dynamicSharedBytes = launch.dynamicSharedBytes;
    ctx.sharedArena = state.sharedArena(std::max<size_t>(sharedBytes, 16));
    std::jmp_buf abortJump;
    DeviceServiceState services{state.index, WorkerPool::instance().size(), gridId,
                                &launchServices, &abortJump};
    services.heap = static_cast<DeviceHeap *>(launch.deviceHeap);
    ctx.services = &services;
    // assert() and trap leave the running block here; the launch is over.
    if (setjmp(abortJump) != 0)
      return;
    // One call per run of blocks along a grid row (passes/BlockRangeLoop.h).
    for (uint64_t linear = begin; linear < end;) {
      if (launchServices.aborted())
        return; // another block aborted the launch: run no more blocks
      uint64_t inSlice = linear % blocksPerSlice;
      uint32_t x = uint32_t(inSlice % grid.x);
      uint64_t run = std::min<uint64_t>(end - linear, grid.x - x);
      ctx.blockIdx[0] = x;
      ctx.blockIdx[1] = uint32_t(inSlice / grid.x);
      ctx.blockIdx[2] = uint32_t(linear / blocksPerSlice);
      ctx.blockCount = uint32_t(std::min<uint64_t>(run, kBlocksPerCall));
      entry(argBuffer, &ctx);
      linear += ctx.blockCount;
    }
  };
  auto started = launch.executionNs ? std::chrono::steady_clock::now()
                                    : std::chrono::steady_clock::time_point();
  WorkerPool::instance().run(blocks, chunk, queueState);
  output.add(launchServices);
  if (launch.executionNs) // timed only for cuport run --report
    launch.executionNs->fetch_add(
        uint64_t(std::chrono::nanoseconds(std::chrono::steady_clock::now() - started).count()),
        std::memory_order_relaxed);
  if (Status status = launchServices.status(); status != Status::Success)
    return status;
  for (const std::unique_ptr<ChildLaunch> &child : launchServices.children) {
    if (!child->launched)
      continue; // a parameter buffer never launched
    backend::LaunchParams params = launch;
    params.grid = child->grid;
    params.block = child->block;
    params.dynamicSharedBytes = child->dynamicSharedBytes;
    params.executionNs = nullptr;
    if (Status status = runGrid(*child->kernel, params, child->args.get(), queueState,
                                output, depth + 1);
        status != Status::Success)
      return status;
  }
  return Status::Success;
}

} // namespace

Status CpuQueue::launch(backend::Kernel &kernel,
                        const backend::LaunchParams &params) {
  auto &cpuKernel = static_cast<CpuKernel &>(kernel);
  const backend::KernelInfo &info = cpuKernel.info();
  if (params.args.size() < info.argBufferSize)
    return Status::InvalidValue;
  // The argument buffer is copied now: the caller may reuse its memory.
  auto args = std::shared_ptr<std::byte[]>(
      new (std::align_val_t(64)) std::byte[std::max<size_t>(64, params.args.size())],
      [](std::byte *p) { ::operator delete[](p, std::align_val_t(64)); });
  std::memcpy(args.get(), params.args.data(), params.args.size());
  backend::LaunchParams launch = params;
  output_.flush(); // CUDA flushes the printf FIFO when a launch starts
  submit([this, &cpuKernel, launch, args]() -> Status {
    return runGrid(cpuKernel, launch, args.get(), state_, output_, /*depth=*/0);
  });
  return Status::Success;
}

Status CpuQueue::copy(void *dst, const void *src, size_t bytes) {
  submit([=] {
    std::memmove(dst, src, bytes);
    return Status::Success;
  });
  return Status::Success;
}

Status CpuQueue::fill(void *dst, uint8_t value, size_t bytes) {
  submit([=] {
    std::memset(dst, value, bytes);
    return Status::Success;
  });
  return Status::Success;
}

Status CpuQueue::hostCallback(backend::HostCallback fn, void *userData) {
  // Host functions run on the queue's own thread, never on a thread that
  // happens to synchronize.
  submit(
      [=, this] {
        output_.flush(); // as CUDA does before a host function runs
        fn(userData);
        return Status::Success;
      },
      /*anyThread=*/false);
  return Status::Success;
}

Status CpuQueue::record(backend::Event &event) {
  auto &cpuEvent = static_cast<CpuEvent &>(event);
  uint64_t generation = cpuEvent.arm();
  submit([&cpuEvent, generation] {
    cpuEvent.complete(generation);
    return Status::Success;
  });
  return Status::Success;
}

Status CpuQueue::wait(backend::Event &event) {
  // CUDA waits for the record that was latest when the wait was issued,
  // not for records made after it.
  auto &cpuEvent = static_cast<CpuEvent &>(event);
  uint64_t generation = cpuEvent.armedGeneration();
  submit([&cpuEvent, generation] {
    cpuEvent.waitFor(generation);
    return Status::Success;
  });
  return Status::Success;
}

Status CpuQueue::synchronize() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty() && !busy_)
      break;
    if (frontRunsHere()) {
      runFront(lock); // the queue thread has not taken it yet: no wake-up
      continue;
    }
    lock.unlock();
    spinUntil([&] { return outstanding_.load(std::memory_order_acquire) == 0; });
    lock.lock();
    changed_.wait(lock, [&] { return (pending_.empty() && !busy_) || frontRunsHere(); });
  }
  Status status = firstError_;
  firstError_ = Status::Success;
  lock.unlock();
  output_.flush();
  return status;
}

Status CpuQueue::query() {
  std::lock_guard lock(mutex_);
  return pending_.empty() && !busy_ ? Status::Success : Status::NotReady;
}

} // namespace cuport::cpu
