//===- core/Runtime.h - Process-wide state of libcudart --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The runtime's state behind the thin API entries of runtime/entry/:
//   - the backend plugin, loaded on first use (CUPORT_BACKEND, default cpu)
//     from <dir of libcudart.so.13>/cuport/libcuport-backend-NAME.so with
//     local symbol scope (LLVM inside the plugin stays invisible to the
//     application);
//   - its devices, each with a legacy default queue and a sticky error;
//   - the per-thread state: current device, last error, launch
//     configurations pushed by <<<...>>>;
//   - the allocation table and the module registry.
// The Runtime object is created on first use and intentionally never
// destroyed: nvcc's atexit handlers call into it after static destructors
// would have run.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_RUNTIME_H
#define CUPORT_RUNTIME_CORE_RUNTIME_H

#include "core/AllocationTable.h"
#include "core/DeviceProperties.h"
#include "core/ModuleRegistry.h"
#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cuport::rt {

/// A device as the runtime sees it.
struct Device {
  int ordinal = 0;
  backend::Device *backend = nullptr;
  /// Error of a faulted kernel; once set, it is returned by every call that
  /// touches the device until cudaDeviceReset (CUDA's sticky errors).
  cudaError_t sticky = cudaSuccess;

  /// The legacy default stream (stream 0), created on first use.
  backend::Queue *defaultQueue();
  /// Recorded on the legacy stream when a blocking stream must wait for it.
  backend::Event *legacyOrderEvent();
  /// Waits for all work of the device, every stream; returns the first
  /// failure (which becomes sticky when it is a kernel fault).
  cudaError_t synchronize();
  /// Waits for one queue of this device and applies the sticky-error rule.
  cudaError_t synchronizeQueue(backend::Queue &queue);

  unsigned flags = 0; ///< cudaSetDeviceFlags

  // Context state that cudaDeviceReset returns to its defaults (guarded by
  // `mutex`).
  DeviceLimits limits = defaultLimits(); ///< cudaDeviceSetLimit
  cudaFuncCache cacheConfig = cudaFuncCachePreferNone; ///< cudaDeviceSetCacheConfig
  /// cudaDeviceGetSharedMemConfig: four-byte banks (fixed since Maxwell).
  cudaSharedMemConfig sharedMemConfig = cudaSharedMemBankSizeFourByte;
  /// A kernel that calls printf() was launched: the printf FIFO size is
  /// fixed from then on (cudaDeviceSetLimit).
  bool launchedPrintf = false;

  /// Waits for every queue of the device, whatever its sticky error.
  void drain();
  /// Destroys the legacy default stream (recreated on next use) and returns
  /// the context state above, and the sticky error, to their defaults. The
  /// caller has drained the device.
  void resetContextState();

  std::mutex mutex;

private:
  backend::Queue *defaultQueue_ = nullptr;
  backend::Event *legacyOrderEvent_ = nullptr;
};

/// Launch configuration pushed by __cudaPushCallConfiguration.
struct CallConfiguration {
  dim3 grid;
  dim3 block;
  size_t sharedMem = 0;
  cudaStream_t stream = nullptr;
};

struct ThreadState {
  int device = 0;
  bool deviceSet = false; ///< cudaSetDevice was called (cudaSetValidDevices)
  cudaError_t lastError = cudaSuccess;
  std::vector<CallConfiguration> callConfigurations;
};

ThreadState &threadState();

/// Records `error` as the calling thread's last error (unless it is
/// cudaSuccess) and returns it: `return recordError(cudaErrorInvalidValue);`
cudaError_t recordError(cudaError_t error);

/// The cudaError_t for a backend status.
cudaError_t toCudaError(backend::Status status);

class Runtime {
public:
  static Runtime &instance();

  /// Loads the backend if needed; cudaSuccess or why there is no device.
  cudaError_t initialize();
  int deviceCount();
  /// The device `ordinal`, or nullptr when it does not exist.
  Device *device(int ordinal);
  /// The calling thread's current device (initializing if needed).
  cudaError_t currentDevice(Device **out);

  /// cudaDeviceReset: waits for the device, destroys its streams and events
  /// (their handles become invalid), frees every allocation made on it,
  /// forgets its loaded modules (they load again on next use) and clears its
  /// sticky error and context state.
  void resetDevice(Device &device);

  AllocationTable &allocations() { return allocations_; }
  ModuleRegistry &modules() { return modules_; }
  const std::string &backendName() const { return backendName_; }

private:
  Runtime() = default;
  cudaError_t loadBackend();

  std::once_flag loaded_;
  cudaError_t loadError_ = cudaSuccess;
  std::string backendName_;
  void *pluginHandle_ = nullptr;
  std::unique_ptr<backend::Backend> backend_;
  std::vector<std::unique_ptr<Device>> devices_;
  AllocationTable allocations_;
  ModuleRegistry modules_;
};

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_RUNTIME_H
