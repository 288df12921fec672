//===- cpu/DeviceServices.cpp - What JIT code calls back into -------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Choices, each a faithful CPU reading of the PTX register:
//   %clock64   the time-stamp counter (rdtsc on x86: constant rate, never
//              decreasing on one core), else steady_clock nanoseconds;
//              %clock is its low 32 bits.
//   %globaltimer  nanoseconds of steady_clock (monotonic, so differences
//              are meaningful, which is what programs use it for).
//   %smid      the index of the worker thread running the block (0 for a
//              queue's own thread), below %nsmid = the pool size, which is
//              also cudaDeviceProp::multiProcessorCount.
//   %gridid    a process-wide launch counter.
//   nanosleep  sleeps for about the given time (PTX allows [0, 2t]); a
//              thread loop makes this sequential per block, so it is capped
//              at 1 ms.
//   isspacep.local  the address lies on the running thread's stack, where
//              the lowering puts .local memory.
//
//===----------------------------------------------------------------------===//
#include "DeviceServices.h"

#include "passes/DeviceServices.h"
#include "passes/LaunchContext.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <pthread.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace cuport::cpu {

namespace {

const DeviceServiceState *stateOf(const LaunchContext *ctx) {
  return ctx ? static_cast<const DeviceServiceState *>(ctx->services) : nullptr;
}

uint64_t steadyNanoseconds() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

/// [low, high) of the calling thread's stack, looked up once per thread.
struct StackBounds {
  uintptr_t low = 0, high = 0;
  StackBounds() {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
      return;
    void *base = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &base, &size) == 0) {
      low = reinterpret_cast<uintptr_t>(base);
      high = low + size;
    }
    pthread_attr_destroy(&attr);
  }
};

extern "C" {

uint64_t cuport_service_clock64(LaunchContext *) {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return steadyNanoseconds();
#endif
}

uint64_t cuport_service_globaltimer(LaunchContext *) { return steadyNanoseconds(); }

uint32_t cuport_service_smid(LaunchContext *ctx) {
  const DeviceServiceState *state = stateOf(ctx);
  return state ? state->workerIndex : 0;
}

uint32_t cuport_service_nsmid(LaunchContext *ctx) {
  const DeviceServiceState *state = stateOf(ctx);
  return state ? state->workerCount : 1;
}

uint64_t cuport_service_gridid(LaunchContext *ctx) {
  const DeviceServiceState *state = stateOf(ctx);
  return state ? state->gridId : 0;
}

void cuport_service_nanosleep(LaunchContext *, uint32_t nanoseconds) {
  std::this_thread::sleep_for(
      std::chrono::nanoseconds(std::min<uint32_t>(nanoseconds, 1000000)));
}

uint32_t cuport_service_is_local(LaunchContext *, const void *address) {
  thread_local StackBounds bounds;
  auto value = reinterpret_cast<uintptr_t>(address);
  return value >= bounds.low && value < bounds.high;
}

} // extern "C"

} // namespace

std::span<const ServiceSymbol> deviceServiceSymbols() {
  static const ServiceSymbol symbols[] = {
      {services::kClock64, reinterpret_cast<void *>(&cuport_service_clock64)},
      {services::kGlobalTimer, reinterpret_cast<void *>(&cuport_service_globaltimer)},
      {services::kSmid, reinterpret_cast<void *>(&cuport_service_smid)},
      {services::kNsmid, reinterpret_cast<void *>(&cuport_service_nsmid)},
      {services::kGridId, reinterpret_cast<void *>(&cuport_service_gridid)},
      {services::kNanosleep, reinterpret_cast<void *>(&cuport_service_nanosleep)},
      {services::kIsLocal, reinterpret_cast<void *>(&cuport_service_is_local)},
  };
  return symbols;
}

uint64_t nextGridId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace cuport::cpu
