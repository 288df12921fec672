//===- cpu/DeviceLaunch.h - Kernel launches from device code ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Dynamic parallelism (CUDA 12+'s CDP2): `child<<<g, b, s>>>(args)` in
// device code compiles to
//
//   buffer = __cudaCDP2GetParameterBufferV2(&child, g, b, s);
//   if (buffer) { fill buffer with args; __cudaCDP2LaunchDeviceV2(buffer, stream); }
//
// which the CPU lowering turns into the two services below
// (passes/LowerDeviceServices). The child grid is recorded in the parent
// launch's LaunchServices; when the parent grid has finished, its children
// run in the order they were launched, each one with its own children
// after it, before the parent launch counts as complete: CUDA guarantees
// that a parent grid completes only after its children, and promises no
// concurrency between them (a parent that waits for its child in a spin
// loop is undefined there too). Every stream of device code, the per-block
// default stream, cudaStreamTailLaunch and cudaStreamFireAndForget, gives
// this order. Nesting is limited to 24 levels, as on NVIDIA hardware.
//
// A kernel's address in device code is its block function's (KernelAbi);
// KernelDirectory maps it back to the CpuKernel.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_DEVICELAUNCH_H
#define CUPORT_CPU_DEVICELAUNCH_H

#include "cuport/Backend.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace cuport::cpu {

class CpuKernel;
class CpuModule;

/// The loaded kernels of the process by block function address.
namespace KernelDirectory {
void add(const CpuModule &module);
void remove(const CpuModule &module);
CpuKernel *find(const void *entry);
} // namespace KernelDirectory

/// Nesting depth of device-side launches CUDA allows.
inline constexpr unsigned kMaxLaunchDepth = 24;

/// One grid launched from device code.
struct ChildLaunch {
  CpuKernel *kernel = nullptr;
  backend::Dim3 grid, block;
  uint32_t dynamicSharedBytes = 0;
  std::unique_ptr<std::byte[]> args; ///< the parameter buffer
  bool launched = false;             ///< __cudaCDP2LaunchDeviceV2 called
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_DEVICELAUNCH_H
