//===- cpu/DeviceServices.h - What JIT code calls back into -----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's definitions of the device services
// (compiler/passes/DeviceServices.h): time, the worker running a block,
// the launch's grid id, sleeping, stack membership. KernelCompiler puts
// their addresses into every JITDylib (the plugin is loaded RTLD_LOCAL, so
// the JIT could not find them by name in the process).
//
// Per-launch and per-worker state reaches them through
// LaunchContext::services, which CpuQueue points at a DeviceServiceState.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_DEVICESERVICES_H
#define CUPORT_CPU_DEVICESERVICES_H

#include <atomic>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <span>

namespace cuport::cpu {

/// Why a launch was aborted by device code.
enum class LaunchAbort : int { None = 0, Assert, Trap };

/// What all blocks of one launch share: device printf output (written to
/// stdout when the launch completes, so output appears in launch order and
/// never interleaves with another launch's) and the first abort.
struct LaunchServices {
  std::atomic<int> abort{int(LaunchAbort::None)};
  std::mutex outputMutex;
  std::string output;      ///< printf, for stdout
  std::string diagnostics; ///< assertion messages, for stderr

  bool aborted() const { return abort.load(std::memory_order_relaxed) != 0; }
  /// Writes the buffered output; called once the launch has completed.
  void flush();
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
