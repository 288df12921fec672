//===- cpu/DeviceServices.h - What JIT code calls back into -----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's definitions of the device services
// (compiler/passes/DeviceServices.h): time, the worker running a block,
// the launch's grid id, sleeping, stack membership, printf, assert, and
// malloc/free on the device heap (DeviceHeap.h). KernelCompiler puts
// their addresses into every JITDylib (the plugin is loaded RTLD_LOCAL, so
// the JIT could not find them by name in the process).
//
// Per-launch and per-worker state reaches them through
// LaunchContext::services, which CpuQueue points at a DeviceServiceState.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_DEVICESERVICES_H
#define CUPORT_CPU_DEVICESERVICES_H

#include "DeviceLaunch.h"

#include <atomic>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <span>

namespace cuport::cpu {

class DeviceHeap;

/// Why a launch was aborted by device code.
enum class LaunchAbort : int { None = 0, Assert, Trap };

/// What all blocks of one launch share: device printf output and
/// assertion messages (handed to the device's DeviceOutput when the launch
/// completes, so a launch's output never interleaves with another's) and
/// the first abort.
struct LaunchServices {
  std::atomic<int> abort{int(LaunchAbort::None)};
  std::mutex outputMutex;
  std::string output;      ///< printf, for stdout
  std::string diagnostics; ///< assertion messages, for stderr
  /// Grids launched from this one's device code (DeviceLaunch.h), in
  /// launch order; they run when this grid has finished.
  std::mutex childMutex;
  std::vector<std::unique_ptr<ChildLaunch>> children;
  unsigned depth = 0; ///< 0: launched by the host

  bool aborted() const { return abort.load(std::memory_order_relaxed) != 0; }
  /// The launch's status from its abort: AssertTriggered, LaunchFailure
  /// (trap) or Success.
  backend::Status status() const {
    switch (LaunchAbort(abort.load())) {
    case LaunchAbort::Assert:
      return backend::Status::AssertTriggered;
    case LaunchAbort::Trap:
      return backend::Status::LaunchFailure;
    case LaunchAbort::None:
      break;
    }
    return backend::Status::Success;
  }
};

/// The printf FIFO of one device: the output of its completed launches, in
/// the order they completed, held until a point where CUDA flushes the
/// FIFO to the host: the start of a launch, a stream, event or device
/// synchronization (blocking copies synchronize), loading or unloading a
/// module, before a host function runs, the device's destruction, and the
/// end of the process (CUDA tears the context down at exit). Nothing is
/// dropped: cudaLimitPrintfFifoSize does not truncate.
class DeviceOutput {
public:
  DeviceOutput();
  ~DeviceOutput(); ///< flushes
  DeviceOutput(const DeviceOutput &) = delete;
  DeviceOutput &operator=(const DeviceOutput &) = delete;

  /// Takes the output of a completed launch.
  void add(LaunchServices &launch);
  /// Writes what it holds: printf output to stdout, assertion messages to
  /// stderr.
  void flush();

private:
  std::mutex mutex_;
  std::string stdout_, stderr_;
};

/// What LaunchContext::services points at while a chunk of blocks runs.
struct DeviceServiceState {
  uint32_t workerIndex = 0; ///< %smid: the worker running the block
  uint32_t workerCount = 1; ///< %nsmid: the pool size
  uint64_t gridId = 0;      ///< %gridid: unique per launch
  LaunchServices *launch = nullptr;
  /// Where assert and trap leave the block (set by the block runner).
  std::jmp_buf *abortJump = nullptr;
  /// %envreg1:%envreg2 in a cooperative launch: the grid barrier's word
  /// (CooperativeLaunch.cpp); null otherwise.
  void *gridBarrier = nullptr;
  /// The heap of device malloc/free (LaunchParams::deviceHeap); null: malloc
  /// returns NULL.
  DeviceHeap *heap = nullptr;
  /// The device runtime's cudaGetLastError: the error of the last failed
  /// launch from device code on this worker in this launch (a CUDA
  /// thread's launch and its cudaGetLastError run one after the other:
  /// calls with effects are not interleaved across a thread loop's
  /// threads). Starts clean in every launch.
  mutable int32_t deviceLastError = 0;
};

/// Formats CUDA's device printf: `format` with the packed argument buffer
/// `args` (each argument aligned to its size, float promoted to double, %s
/// and %p as 64-bit pointers). Unknown conversions are copied literally.
/// Returns the number of arguments consumed.
int formatDevicePrintf(std::string &out, const char *format, const std::byte *args);

struct ServiceSymbol {
  const char *name;
  void *address;
};

/// Every service, by the name the CPU lowering calls it.
std::span<const ServiceSymbol> deviceServiceSymbols();

/// A fresh %gridid for a launch.
uint64_t nextGridId();

} // namespace cuport::cpu

#endif // CUPORT_CPU_DEVICESERVICES_H
