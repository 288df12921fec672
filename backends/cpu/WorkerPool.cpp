//===- cpu/WorkerPool.cpp - Fixed pool of block-running threads -----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "WorkerPool.h"

#include "SpinWait.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

namespace cuport::cpu {

void *WorkerState::sharedArena(size_t bytes) {
  if (bytes <= capacity_)
    return arena_;
  std::free(arena_);
  capacity_ = (bytes + 4095) / 4096 * 4096;
  arena_ = std::aligned_alloc(64, capacity_);
  if (!arena_)
    throw std::bad_alloc();
  return arena_;
}

WorkerState::~WorkerState() { std::free(arena_); }

WorkerPool::WorkerPool(unsigned threads) {
  // The submitting thread is one of the workers.
  for (unsigned i = 1; i < std::max(1u, threads); ++i)
    threads_.emplace_back([this, i] { workerLoop(i); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread &thread : threads_)
    thread.join();
}

WorkerPool &WorkerPool::instance() {
  // Never destroyed: work may still be in flight while the process exits.
  static WorkerPool *pool = [] {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    if (const char *value = std::getenv("CUPORT_CPU_THREADS")) {
      int requested = std::atoi(value);
      if (requested > 0)
        threads = static_cast<unsigned>(requested);
    }
    return new WorkerPool(threads);
  }();
  return *pool;
}

void WorkerPool::work(Job &job, WorkerState &state) {
  for (;;) {
    uint64_t begin = job.next.fetch_add(job.chunk, std::memory_order_relaxed);
    if (begin >= job.count)
      return;
    uint64_t end = std::min(job.count, begin + job.chunk);
    (*job.fn)(begin, end, state);
    uint64_t finished =
        job.finished.fetch_add(end - begin, std::memory_order_acq_rel) + (end - begin);
    if (finished == job.count) {
      std::lock_guard lock(job.doneMutex);
      job.done.notify_all();
    }
  }
}

void WorkerPool::workerLoop(uint32_t index) {
  WorkerState state;
  state.index = index;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (jobs_.empty() && !stopping_) {
      // Launches in quick succession find the worker awake.
      lock.unlock();
      spinUntil([&] { return jobCount_.load(std::memory_order_acquire) != 0; });
      lock.lock();
    }
    wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_)
      return;
    std::shared_ptr<Job> job = jobs_.front();
    lock.unlock();
    work(*job, state);
    lock.lock();
    // The job has no chunks left to hand out: retire it from the queue.
    if (!jobs_.empty() && jobs_.front() == job) {
      jobs_.pop_front();
      jobCount_.store(jobs_.size(), std::memory_order_relaxed);
    }
  }
}

void WorkerPool::run(uint64_t count, const ChunkFunction &fn,
                     WorkerState &callerState) {
  if (count == 0)
    return;
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->count = count;
  // Sixteen chunks per thread: the last chunks leave at most 1/16 of a
  // thread's share to one thread alone (with four, a worker that woke
  // late left the other up to an eighth of the grid), and 16 atomic
  // increments per thread and launch cost nothing.
  job->chunk = std::max<uint64_t>(1, count / (uint64_t(size()) * 16));
  if (count > 1 && !threads_.empty()) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(job);
      jobCount_.store(jobs_.size(), std::memory_order_release);
    }
    wake_.notify_all();
  }
  work(*job, callerState);
  // The other workers finish their last chunks: watch before blocking.
  spinUntil([&] {
    return job->finished.load(std::memory_order_acquire) == job->count;
  });
  std::unique_lock lock(job->doneMutex);
  job->done.wait(lock, [&] {
    return job->finished.load(std::memory_order_acquire) == job->count;
  });
  std::lock_guard poolLock(mutex_);
  std::erase(jobs_, job);
  jobCount_.store(jobs_.size(), std::memory_order_relaxed);
}

} // namespace cuport::cpu
