//===- cpu/WorkerPool.h - Fixed pool of block-running threads --*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One fixed pool of worker threads per process (CUPORT_CPU_THREADS, default
// one per core). A job is a range of items (a kernel's blocks) handed out in
// chunks through an atomic counter; the submitting thread works on its own
// job too, and several jobs (launches from different streams) may be in
// flight at once and share the workers. An idle worker watches for new jobs
// for a bounded time (SpinWait.h), then sleeps on a condition variable.
//
// Every thread that runs items owns a WorkerState (its shared-memory arena),
// reused from job to job, never allocated per launch.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_WORKERPOOL_H
#define CUPORT_CPU_WORKERPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cuport::cpu {

/// Per-thread scratch reused across jobs.
struct WorkerState {
  /// Grows to the largest shared-memory size a launch asked for; 64-byte
  /// aligned as CUDA guarantees at least 16 bytes for shared memory.
  void *sharedArena(size_t bytes);
  ~WorkerState();

  /// 1.. for the pool's threads, 0 for a thread that submits work (%smid).
  uint32_t index = 0;

private:
  void *arena_ = nullptr;
  size_t capacity_ = 0;
};

class WorkerPool {
public:
  /// Runs items [begin, end) of a job on the calling worker.
  using ChunkFunction =
      std::function<void(uint64_t begin, uint64_t end, WorkerState &state)>;

  explicit WorkerPool(unsigned threads);
  ~WorkerPool();

  unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }

  /// Runs `fn` over [0, count) in chunks and returns when all are done. The
  /// caller participates with `callerState`.
  void run(uint64_t count, const ChunkFunction &fn, WorkerState &callerState);

  /// The process-wide pool, sized from CUPORT_CPU_THREADS or the core count.
  static WorkerPool &instance();

private:
  struct Job {
    const ChunkFunction *fn;
    uint64_t count;
    uint64_t chunk;
    std::atomic<uint64_t> next{0};
    std::atomic<uint64_t> finished{0};
    std::mutex doneMutex;
    std::condition_variable done;
  };

  void workerLoop(uint32_t index);
  /// Takes chunks of `job` until none are left.
  static void work(Job &job, WorkerState &state);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> jobs_;
  std::atomic<size_t> jobCount_{0}; ///< jobs_.size(), polled without the lock
  bool stopping_ = false;
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_WORKERPOOL_H
