//===- cpu/CpuQueue.h - In-order queues and events -------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A queue is a thread that runs its work items in submission order, so two
// queues (CUDA streams) overlap and synchronizing one waits only for it. A
// kernel launch on the queue fans the blocks out to the WorkerPool. The
// first failure of asynchronous work is kept and reported by the next
// synchronize() (the runtime turns it into a sticky error).
//
// Latency: a thread that synchronizes a queue whose thread has not started
// the pending work yet runs that work itself, in order (host callbacks stay
// on the queue thread), so a small launch + synchronize costs no thread
// wake-up. Waits (queue, event) and the idle queue thread watch their
// condition for a bounded time (SpinWait.h) before they block.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_CPUQUEUE_H
#define CUPORT_CPU_CPUQUEUE_H

#include "WorkerPool.h"
#include "cuport/Backend.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace cuport::cpu {

class DeviceOutput;

class CpuEvent final : public backend::Event {
public:
  /// `output`: the device's printf FIFO, flushed by synchronize().
  explicit CpuEvent(DeviceOutput &output) : output_(output) {}
  backend::Status query() override;
  backend::Status synchronize() override;
  uint64_t timestampNs() override;

  /// Called on record: the event now waits for one more completion.
  uint64_t arm();
  /// Called by the queue when the work before the record is done.
  void complete(uint64_t generation);
  /// The generation of the latest record (what a wait issued now waits for).
  uint64_t armedGeneration();
  /// Blocks until `generation` has completed.
  void waitFor(uint64_t generation);

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t armed_ = 0;
  std::atomic<uint64_t> completed_{0}; // written under mutex_, polled without
  uint64_t timestampNs_ = 0;
  DeviceOutput &output_;
};

class CpuQueue final : public backend::Queue {
public:
  /// `output`: the device's printf FIFO; launches add to it, and it is
  /// flushed where CUDA flushes it (see DeviceOutput).
  explicit CpuQueue(DeviceOutput &output);
  ~CpuQueue() override;

  backend::Status launch(backend::Kernel &kernel,
                         const backend::LaunchParams &params) override;
  backend::Status copy(void *dst, const void *src, size_t bytes) override;
  backend::Status fill(void *dst, uint8_t value, size_t bytes) override;
  backend::Status hostCallback(backend::HostCallback fn, void *userData) override;
  backend::Status record(backend::Event &event) override;
  backend::Status wait(backend::Event &event) override;
  backend::Status synchronize() override;
  backend::Status query() override;

private:
  using Work = std::function<backend::Status()>;
  struct Item {
    Work work;
    bool anyThread; ///< may run on a thread that synchronizes the queue
  };
  void submit(Work work, bool anyThread = true);
  void run();
  /// Runs the front item on the calling thread; `lock` holds mutex_, an
  /// item is pending and none is running.
  void runFront(std::unique_lock<std::mutex> &lock);
  bool frontRunsHere() const {
    return !busy_ && !pending_.empty() && pending_.front().anyThread;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> pending_;
  std::atomic<uint64_t> queued_{0};      ///< pending_.size(), polled without the lock
  std::atomic<uint64_t> outstanding_{0}; ///< submitted and not finished
  bool busy_ = false; ///< an item runs (on the queue thread or a synchronizer)
  bool stopping_ = false;
  backend::Status firstError_ = backend::Status::Success;
  DeviceOutput &output_;
  WorkerState state_; // the queue thread's own arena when it runs blocks
  std::thread thread_;
};

uint64_t monotonicNanoseconds();

} // namespace cuport::cpu

#endif // CUPORT_CPU_CPUQUEUE_H
