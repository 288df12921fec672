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

#include <cstdint>
#include <span>

namespace cuport::cpu {

/// What LaunchContext::services points at while a chunk of blocks runs.
struct DeviceServiceState {
  uint32_t workerIndex = 0; ///< %smid: the worker running the block
  uint32_t workerCount = 1; ///< %nsmid: the pool size
  uint64_t gridId = 0;      ///< %gridid: unique per launch
};

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
