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
//   malloc/free  the launch's DeviceHeap (LaunchParams::deviceHeap, the
//              runtime's per-device heap of cudaLimitMallocHeapSize bytes);
//              without one malloc returns NULL and free does nothing.
//
//===----------------------------------------------------------------------===//
#include "DeviceServices.h"

#include "CpuKernel.h"
#include "DeviceHeap.h"

#include "passes/DeviceServices.h"
#include "passes/LaunchContext.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
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

int cuport_service_vprintf(LaunchContext *ctx, uint64_t format, uint64_t args) {
  const DeviceServiceState *state = stateOf(ctx);
  const char *text = reinterpret_cast<const char *>(format);
  if (!text)
    return -1;
  std::string formatted;
  int consumed =
      formatDevicePrintf(formatted, text, reinterpret_cast<const std::byte *>(args));
  if (state && state->launch) {
    std::lock_guard lock(state->launch->outputMutex);
    state->launch->output += formatted;
  } else {
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  return consumed;
}

[[noreturn]] void abortLaunch(LaunchContext *ctx, LaunchAbort why,
                              const std::string &message) {
  const DeviceServiceState *state = stateOf(ctx);
  if (state && state->launch) {
    int none = int(LaunchAbort::None);
    state->launch->abort.compare_exchange_strong(none, int(why));
    if (!message.empty()) {
      std::lock_guard lock(state->launch->outputMutex);
      state->launch->diagnostics += message;
    }
  }
  if (state && state->abortJump)
    std::longjmp(*state->abortJump, 1);
  // No block runner to return to: nothing sensible is left.
  std::fputs(message.c_str(), stderr);
  std::abort();
}

void cuport_service_assertfail(LaunchContext *ctx, uint64_t message, uint64_t file,
                               uint32_t line, uint64_t function, uint32_t tx,
                               uint32_t ty, uint32_t tz) {
  auto text = [](uint64_t pointer) {
    return pointer ? reinterpret_cast<const char *>(pointer) : "";
  };
  // CUDA's wording, so tools that parse it keep working.
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer,
                "%s:%u: %s: block: [%u,%u,%u], thread: [%u,%u,%u] Assertion `%s` failed.\n",
                text(file), line, text(function), ctx ? ctx->blockIdx[0] : 0,
                ctx ? ctx->blockIdx[1] : 0, ctx ? ctx->blockIdx[2] : 0, tx, ty, tz,
                text(message));
  abortLaunch(ctx, LaunchAbort::Assert, buffer);
}

void cuport_service_trap(LaunchContext *ctx) {
  abortLaunch(ctx, LaunchAbort::Trap, "");
}

void cuport_service_barrier_count(LaunchContext *ctx, uint32_t count, uint64_t what) {
  uint32_t threads = ctx ? ctx->blockDim[0] * ctx->blockDim[1] * ctx->blockDim[2] : 0;
  if (count == 0 || count == threads)
    return;
  char buffer[768];
  std::snprintf(buffer, sizeof buffer,
                "cuport: %s: barrier for %u of the block's %u threads: a barrier "
                "for part of a block has no CPU lowering (the threads of a block "
                "meet only as a whole)\n",
                what ? reinterpret_cast<const char *>(what) : "kernel", count, threads);
  abortLaunch(ctx, LaunchAbort::Trap, buffer);
}

void cuport_service_barrier_deadlock(LaunchContext *ctx, uint64_t what) {
  char buffer[768];
  std::snprintf(buffer, sizeof buffer,
                "cuport: %s: block [%u,%u,%u]: threads wait at named barriers whose "
                "thread counts are never reached (a deadlock)\n",
                what ? reinterpret_cast<const char *>(what) : "kernel",
                ctx ? ctx->blockIdx[0] : 0, ctx ? ctx->blockIdx[1] : 0,
                ctx ? ctx->blockIdx[2] : 0);
  abortLaunch(ctx, LaunchAbort::Trap, buffer);
}

uint32_t cuport_service_envreg(LaunchContext *ctx, uint32_t index) {
  const DeviceServiceState *state = stateOf(ctx);
  auto address = reinterpret_cast<uintptr_t>(state ? state->gridBarrier : nullptr);
  if (index == 1)
    return uint32_t(uint64_t(address) >> 32);
  if (index == 2)
    return uint32_t(address);
  return 0;
}

void cuport_service_spin_wait(LaunchContext *ctx) {
  const DeviceServiceState *state = stateOf(ctx);
  if (state && state->launch && state->launch->aborted())
    abortLaunch(ctx, LaunchAbort(state->launch->abort.load()), "");
  std::this_thread::yield();
}

uint64_t cuport_service_malloc(LaunchContext *ctx, uint64_t bytes) {
  const DeviceServiceState *state = stateOf(ctx);
  if (!state || !state->heap)
    return 0;
  return reinterpret_cast<uintptr_t>(state->heap->allocate(bytes));
}

uint64_t cuport_service_aligned_malloc(LaunchContext *ctx, uint64_t bytes,
                                       uint64_t alignment) {
  const DeviceServiceState *state = stateOf(ctx);
  if (!state || !state->heap)
    return 0;
  return reinterpret_cast<uintptr_t>(state->heap->allocateAligned(bytes, alignment));
}

// cudaError_t values the device runtime returns.
constexpr int32_t kCudaSuccess = 0, kCudaInvalidValue = 1, kCudaInvalidConfiguration = 9,
                  kCudaLaunchMaxDepthExceeded = 65, kCudaInvalidDeviceFunction = 98;

/// Records `error` for the device's cudaGetLastError; no parameter buffer.
uint64_t failLaunch(const DeviceServiceState *state, int32_t error) {
  if (state)
    state->deviceLastError = error;
  return 0;
}

uint64_t cuport_service_device_launch_buffer(LaunchContext *ctx, uint64_t function,
                                              const uint32_t *grid, const uint32_t *block,
                                              uint32_t sharedBytes) {
  const DeviceServiceState *state = stateOf(ctx);
  if (!state || !state->launch || !grid || !block)
    return failLaunch(state, kCudaInvalidValue);
  if (state->launch->depth + 1 > kMaxLaunchDepth)
    return failLaunch(state, kCudaLaunchMaxDepthExceeded);
  CpuKernel *kernel = KernelDirectory::find(reinterpret_cast<const void *>(function));
  if (!kernel)
    return failLaunch(state, kCudaInvalidDeviceFunction);
  // The limits every CPU device reports (backend::DeviceProperties).
  const backend::DeviceProperties limits;
  auto child = std::make_unique<ChildLaunch>();
  child->grid = {grid[0], grid[1], grid[2]};
  child->block = {block[0], block[1], block[2]};
  if (!backend::launchGeometryFits(limits, kernel->info(), child->grid, child->block) ||
      uint64_t(sharedBytes) + kernel->info().staticSharedBytes > limits.sharedMemPerBlockOptin)
    return failLaunch(state, kCudaInvalidConfiguration);
  child->kernel = kernel;
  child->dynamicSharedBytes = sharedBytes;
  child->args = std::make_unique<std::byte[]>(std::max<uint32_t>(kernel->info().argBufferSize, 16));
  auto buffer = reinterpret_cast<uint64_t>(child->args.get());
  std::lock_guard lock(state->launch->childMutex);
  state->launch->children.push_back(std::move(child));
  return buffer;
}

int32_t cuport_service_device_launch(LaunchContext *ctx, uint64_t buffer, uint64_t) {
  const DeviceServiceState *state = stateOf(ctx);
  if (state && state->launch) {
    std::lock_guard lock(state->launch->childMutex);
    for (const std::unique_ptr<ChildLaunch> &child : state->launch->children)
      if (reinterpret_cast<uint64_t>(child->args.get()) == buffer && !child->launched) {
        child->launched = true;
        return kCudaSuccess;
      }
  }
  failLaunch(state, kCudaInvalidValue);
  return kCudaInvalidValue;
}

int32_t cuport_service_device_last_error(LaunchContext *ctx, uint32_t reset) {
  const DeviceServiceState *state = stateOf(ctx);
  if (!state)
    return kCudaSuccess;
  int32_t error = state->deviceLastError;
  if (reset)
    state->deviceLastError = kCudaSuccess;
  return error;
}

void cuport_service_free(LaunchContext *ctx, uint64_t pointer) {
  const DeviceServiceState *state = stateOf(ctx);
  if (state && state->heap)
    state->heap->release(reinterpret_cast<void *>(pointer));
}

} // extern "C"

} // namespace

namespace {

/// Every live DeviceOutput, flushed when the process ends (the backend's
/// devices are never destroyed before exit).
struct LiveOutputs {
  std::mutex mutex;
  std::set<DeviceOutput *> outputs;
  ~LiveOutputs() {
    std::lock_guard lock(mutex);
    for (DeviceOutput *output : outputs)
      output->flush();
  }
};

LiveOutputs &liveOutputs() {
  static LiveOutputs outputs;
  return outputs;
}

} // namespace

DeviceOutput::DeviceOutput() {
  LiveOutputs &live = liveOutputs();
  std::lock_guard lock(live.mutex);
  live.outputs.insert(this);
}

DeviceOutput::~DeviceOutput() {
  {
    LiveOutputs &live = liveOutputs();
    std::lock_guard lock(live.mutex);
    live.outputs.erase(this);
  }
  flush();
}

void DeviceOutput::add(LaunchServices &launch) {
  std::lock_guard launchLock(launch.outputMutex);
  if (launch.output.empty() && launch.diagnostics.empty())
    return;
  std::lock_guard lock(mutex_);
  stdout_ += launch.output;
  stderr_ += launch.diagnostics;
  launch.output.clear();
  launch.diagnostics.clear();
}

void DeviceOutput::flush() {
  std::string out, err;
  {
    std::lock_guard lock(mutex_);
    out.swap(stdout_);
    err.swap(stderr_);
  }
  if (!out.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  if (!err.empty())
    std::fwrite(err.data(), 1, err.size(), stderr);
}

namespace {

/// Reads an argument of `size` bytes at the next offset aligned to it.
template <typename T> bool takeArgument(const std::byte *args, size_t &offset, T *value) {
  if (!args)
    return false;
  offset = (offset + sizeof(T) - 1) / sizeof(T) * sizeof(T);
  std::memcpy(value, args + offset, sizeof(T));
  offset += sizeof(T);
  return true;
}

} // namespace

int formatDevicePrintf(std::string &out, const char *format, const std::byte *args) {
  size_t offset = 0;
  int consumed = 0;
  char buffer[512];
  const char *p = format;
  while (*p) {
    if (*p != '%') {
      out.push_back(*p++);
      continue;
    }
    const char *start = p++;
    if (*p == '%') {
      out.push_back('%');
      ++p;
      continue;
    }
    while (*p && std::strchr("-+ #0", *p))
      ++p;
    while (std::isdigit(static_cast<unsigned char>(*p)))
      ++p;
    if (*p == '.') {
      ++p;
      while (std::isdigit(static_cast<unsigned char>(*p)))
        ++p;
    }
    std::string head(start, p); // flags, width, precision
    int longs = 0;
    std::string shorts;
    for (; *p == 'l' || *p == 'L' || *p == 'q'; ++p)
      ++longs;
    for (; *p == 'h'; ++p)
      shorts.push_back('h');
    if (*p == 'z' || *p == 't' || *p == 'j') {
      longs = 1;
      ++p;
    }
    char conversion = *p;
    if (!conversion) {
      out.append(start);
      break;
    }
    ++p;
    int written = -1;
    switch (conversion) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c': {
      if (longs) {
        long long value;
        if (!takeArgument(args, offset, &value))
          break;
        written = std::snprintf(buffer, sizeof buffer, (head + "ll" + conversion).c_str(), value);
      } else {
        int value;
        if (!takeArgument(args, offset, &value))
          break;
        written = std::snprintf(buffer, sizeof buffer, (head + shorts + conversion).c_str(), value);
      }
      break;
    }
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
      double value;
      if (!takeArgument(args, offset, &value))
        break;
      written = std::snprintf(buffer, sizeof buffer, (head + conversion).c_str(), value);
      break;
    }
    case 's': {
      uint64_t pointer;
      if (!takeArgument(args, offset, &pointer))
        break;
      const char *text = pointer ? reinterpret_cast<const char *>(pointer) : "(null)";
      std::string spec = head + 's';
      int length = std::snprintf(nullptr, 0, spec.c_str(), text);
      if (length >= 0) {
        std::string formatted(size_t(length) + 1, '\0');
        std::snprintf(formatted.data(), formatted.size(), spec.c_str(), text);
        formatted.pop_back();
        out += formatted;
        ++consumed;
      }
      continue;
    }
    case 'p': {
      uint64_t pointer;
      if (!takeArgument(args, offset, &pointer))
        break;
      written = std::snprintf(buffer, sizeof buffer, (head + 'p').c_str(),
                              reinterpret_cast<void *>(pointer));
      break;
    }
    default:
      break;
    }
    if (written < 0) {
      out.append(start, p); // not a conversion we know: keep it as written
      continue;
    }
    out.append(buffer, std::min<size_t>(size_t(written), sizeof buffer - 1));
    ++consumed;
  }
  return consumed;
}


std::span<const ServiceSymbol> deviceServiceSymbols() {
  static const ServiceSymbol symbols[] = {
      {services::kClock64, reinterpret_cast<void *>(&cuport_service_clock64)},
      {services::kGlobalTimer, reinterpret_cast<void *>(&cuport_service_globaltimer)},
      {services::kSmid, reinterpret_cast<void *>(&cuport_service_smid)},
      {services::kNsmid, reinterpret_cast<void *>(&cuport_service_nsmid)},
      {services::kGridId, reinterpret_cast<void *>(&cuport_service_gridid)},
      {services::kNanosleep, reinterpret_cast<void *>(&cuport_service_nanosleep)},
      {services::kIsLocal, reinterpret_cast<void *>(&cuport_service_is_local)},
      {services::kVprintf, reinterpret_cast<void *>(&cuport_service_vprintf)},
      {services::kAssertFail, reinterpret_cast<void *>(&cuport_service_assertfail)},
      {services::kTrap, reinterpret_cast<void *>(&cuport_service_trap)},
      {services::kBarrierCount, reinterpret_cast<void *>(&cuport_service_barrier_count)},
      {services::kEnvReg, reinterpret_cast<void *>(&cuport_service_envreg)},
      {services::kBarrierDeadlock, reinterpret_cast<void *>(&cuport_service_barrier_deadlock)},
      {services::kSpinWait, reinterpret_cast<void *>(&cuport_service_spin_wait)},
      {services::kMalloc, reinterpret_cast<void *>(&cuport_service_malloc)},
      {services::kAlignedMalloc, reinterpret_cast<void *>(&cuport_service_aligned_malloc)},
      {services::kFree, reinterpret_cast<void *>(&cuport_service_free)},
      {services::kDeviceLaunchBuffer,
       reinterpret_cast<void *>(&cuport_service_device_launch_buffer)},
      {services::kDeviceLaunch, reinterpret_cast<void *>(&cuport_service_device_launch)},
      {services::kDeviceLastError,
       reinterpret_cast<void *>(&cuport_service_device_last_error)},
  };
  return symbols;
}

uint64_t nextGridId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace cuport::cpu
