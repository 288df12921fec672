//===- entry/Entry.h - What every API entry needs --------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// runtime/entry/ holds one thin function per CUDA Runtime API symbol,
// grouped by the section of the CUDA documentation. Each entry validates its
// arguments, calls into runtime/core/, and returns through recordError() so
// the per-thread last error follows CUDA's rules.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_ENTRY_ENTRY_H
#define CUPORT_RUNTIME_ENTRY_ENTRY_H

#include "core/Report.h"
#include "core/Runtime.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <vector>

/// Exported from libcudart.so.13 (the library is built with hidden
/// visibility; the version script lists the same names).
#define CUPORT_EXPORT extern "C" __attribute__((visibility("default")))

namespace cuport::rt {

/// Launches `kernel` with CUDA's checks of the configuration; a
/// `cooperative` launch (cudaLaunchCooperativeKernel) runs every block at
/// once and needs a grid the device holds at once.
cudaError_t launchKernel(KernelRecord &kernel, dim3 grid, dim3 block,
                         void **args, size_t sharedMem, cudaStream_t stream,
                         bool cooperative = false);

/// A launch checked against the current device's limits, with its
/// arguments packed by the kernel's parameter layout (launches and graph
/// kernel nodes).
struct PreparedLaunch {
  Device *device = nullptr;
  backend::Kernel *kernel = nullptr;
  std::vector<std::byte> args;

  /// Where each parameter starts in `args`.
  std::vector<uint32_t> offsets() const;
};
cudaError_t prepareLaunch(KernelRecord &record, dim3 grid, dim3 block,
                          void **args, size_t sharedMem, PreparedLaunch *out);

/// A kernel as the cudaFunc* and cudaOccupancy* entries see it: loaded on
/// the calling thread's current device, like a launch loads it.
struct ResolvedFunction {
  KernelRecord *record = nullptr;
  Device *device = nullptr;
  backend::Kernel *kernel = nullptr;
};

/// The registered kernel `func` names: its host stub (what <<<>>> and
/// cudaLaunchKernel pass) or a cudaKernel_t. cudaErrorInvalidDeviceFunction
/// when it is neither; a module that cannot load gives its load error.
cudaError_t resolveFunction(const void *func, ResolvedFunction *out);

/// The registered kernel `func` names, without loading it (nullptr if none).
KernelRecord *findFunction(const void *func);

/// cudaFuncSetAttribute on a resolved kernel (its device's settings).
cudaError_t setFunctionAttribute(const ResolvedFunction &function,
                                 cudaFuncAttribute attr, int value);

/// cudaFuncGetAttributes' answer for a resolved kernel.
void functionAttributes(const ResolvedFunction &function,
                        cudaFuncAttributes *out);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_ENTRY_ENTRY_H
