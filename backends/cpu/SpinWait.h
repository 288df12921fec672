//===- cpu/SpinWait.h - Bounded spinning before blocking -------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Waking a thread blocked on a condition variable costs a system call and,
// on a busy machine, tens of microseconds until the scheduler runs it again;
// short waits (a tiny kernel, the end of a launch) are much cheaper when the
// waiter first watches the condition for a few microseconds. spinUntil()
// does that for a bounded time only (kSpinBudget), so a waiter always ends
// up blocking on its condition variable when the wait is long: nobody spins
// without bound.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_SPINWAIT_H
#define CUPORT_CPU_SPINWAIT_H

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace cuport::cpu {

/// How long a waiter watches its condition before it blocks.
inline constexpr std::chrono::microseconds kSpinBudget{50};

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Polls `ready` (cheap, lock-free) for at most `budget`; true as soon as it
/// holds, false when the budget ran out (then the caller blocks). Every few
/// polls it yields the core, so that on an oversubscribed machine the thread
/// it waits for can run.
template <typename Ready>
bool spinUntil(Ready ready, std::chrono::microseconds budget = kSpinBudget) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + budget;
  for (unsigned round = 0;; ++round) {
    for (int i = 0; i < 32; ++i) {
      if (ready())
        return true;
      cpuRelax();
    }
    if (Clock::now() >= deadline)
      return ready();
    if (round % 8 == 7)
      std::this_thread::yield();
  }
}

} // namespace cuport::cpu

#endif // CUPORT_CPU_SPINWAIT_H
