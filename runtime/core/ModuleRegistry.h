//===- core/ModuleRegistry.h - Registered fatbinaries and kernels -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What nvcc's static constructors register before main() runs: one
// FatbinModule per __cudaRegisterFatBinary, one KernelRecord per
// __cudaRegisterFunction (keyed by the host stub's address, which is what
// <<<>>> and cudaLaunchKernel pass). Registration only records pointers;
// the fatbinary is read, its PTX chosen and handed to the backend lazily, on
// the first launch of one of its kernels on a device (CUDA's lazy loading),
// so a program pays nothing for modules it never uses.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_MODULEREGISTRY_H
#define CUPORT_RUNTIME_CORE_MODULEREGISTRY_H

#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cuport::rt {

struct Device;
struct FatbinModule;
struct KernelStats;

/// What cudaFuncSetAttribute, cudaFuncSetCacheConfig and
/// cudaFuncSetSharedMemConfig recorded for a kernel on one device.
struct FunctionSettings {
  /// cudaFuncAttributeMaxDynamicSharedMemorySize; -1 while the application
  /// has not set it (the default: the device's sharedMemPerBlock minus the
  /// kernel's static shared memory).
  int maxDynamicSharedBytes = -1;
  int preferredCarveout = cudaSharedmemCarveoutDefault;
  cudaFuncCache cacheConfig = cudaFuncCachePreferNone;
  cudaSharedMemConfig sharedMemConfig = cudaSharedMemBankSizeDefault;
};

struct KernelRecord {
  FatbinModule *module = nullptr;
  const void *hostFunction = nullptr;
  std::string deviceName; ///< mangled name in the PTX
  /// Resolved backend kernel per device ordinal.
  std::map<int, backend::Kernel *> resolved;
  /// Per device ordinal; forgotten by cudaDeviceReset, like the module.
  std::map<int, FunctionSettings> settings;
  /// Launch statistics, once a launch was counted (core/Report.h).
  std::atomic<KernelStats *> reportStats{nullptr};
};

/// A __device__ or __constant__ variable registered by __cudaRegisterVar.
struct VariableRecord {
  FatbinModule *module = nullptr;
  const void *hostVariable = nullptr; ///< the host shadow the app passes
  std::string deviceName;
  size_t size = 0;
  bool constant = false;
  /// A __managed__ variable: nvcc's host code reads and writes it through
  /// this pointer, which the runtime sets to the variable's address once
  /// its module is loaded (__cudaRegisterManagedVar).
  void **managedSlot = nullptr;
  struct Placement {
    void *address = nullptr;
    size_t size = 0;
  };
  /// Where the variable lives per device ordinal, once its module loaded.
  std::map<int, Placement> resolved;
};

/// PTX text of a module that was handed over directly (cudaLibraryLoadData)
/// rather than registered as a fatbinary.
struct PtxImage {
  uint32_t smArch = 0;
  std::string text;
};

struct FatbinModule {
  const void *wrapper = nullptr;
  /// Libraries: the module's PTX, loaded instead of reading `wrapper`.
  std::vector<PtxImage> ptx;
  std::vector<KernelRecord *> kernels;
  std::vector<VariableRecord *> variables;
  /// Per device ordinal: the loaded module, or the error of loading it.
  struct Loaded {
    backend::Module *module = nullptr;
    cudaError_t error = cudaSuccess;
    /// The virtual architecture of the PTX chosen for the device (75 for
    /// compute_75): cudaFuncAttributes::ptxVersion.
    uint32_t ptxArch = 0;
  };
  std::map<int, Loaded> loaded;
};

class ModuleRegistry {
public:
  FatbinModule *registerFatbinary(const void *wrapper);
  /// A module made of PTX texts (a library); its kernels and variables are
  /// registered with a null host address (found by name, not by address).
  FatbinModule *registerPtx(std::vector<PtxImage> ptx);
  /// Loads `module` on `device` if it is not loaded yet; its load error
  /// otherwise.
  cudaError_t loadOn(FatbinModule *module, Device &device);
  void registerFunction(FatbinModule *module, const void *hostFunction,
                        const char *deviceName);
  void registerVariable(FatbinModule *module, const void *hostVariable,
                        const char *deviceName, size_t size, bool constant);
  /// A __managed__ variable: `hostSlot` is nvcc's host pointer to it.
  void registerManagedVariable(FatbinModule *module, void **hostSlot,
                               const char *deviceName, size_t size);
  /// Loads `module` on `device` when it has managed variables and points
  /// their host pointers at them (__cudaInitModule).
  cudaError_t initializeManaged(FatbinModule *module, Device &device);
  VariableRecord *findByHostVariable(const void *hostVariable);
  /// Address and size of `record` on `device`, loading its module on first
  /// use. cudaErrorInvalidSymbol when the module lacks the variable.
  cudaError_t resolve(VariableRecord &record, Device &device, void **address,
                      size_t *size);
  /// Forgets everything loaded on `device` (cudaDeviceReset); modules load
  /// again on next use.
  void resetDevice(Device &device);
  /// Forgets the module and its kernels and unloads it from the backends.
  void unregister(FatbinModule *module);
  bool isModule(const void *handle) const;

  KernelRecord *findByHostFunction(const void *hostFunction);
  /// True when `handle` is a KernelRecord this registry handed out.
  bool isKernel(const void *handle) const;

  /// The settings of `record` on device `ordinal` (defaults when none set).
  FunctionSettings settings(const KernelRecord &record, int ordinal) const;
  /// Applies `change` to the settings of `record` on device `ordinal`.
  void updateSettings(KernelRecord &record, int ordinal,
                      const std::function<void(FunctionSettings &)> &change);
  /// The PTX architecture `record`'s module was loaded from on `ordinal`
  /// (0 when not loaded there).
  uint32_t ptxArch(const KernelRecord &record, int ordinal) const;
  /// Bytes of the __constant__ variables registered for `record`'s module:
  /// the constant memory its kernels may use (cudaFuncAttributes::
  /// constSizeBytes).
  size_t constantBytes(const KernelRecord &record) const;

  /// The backend kernel for `record` on `device`, loading its module on
  /// first use. Errors: cudaErrorNoKernelImageForDevice (no usable PTX),
  /// cudaErrorInvalidPtx (the PTX does not translate),
  /// cudaErrorInvalidDeviceFunction (the module lacks the kernel).
  cudaError_t resolve(KernelRecord &record, Device &device,
                      backend::Kernel **out);

private:
  cudaError_t load(FatbinModule &module, Device &device);
  /// Points the host pointer of each managed variable of `module` at its
  /// place on `device` unless it already points at a live variable.
  void publishManaged(FatbinModule &module, Device &device);
  /// The loaded module of `module` on `device`, loading it if needed.
  cudaError_t loaded(FatbinModule &module, Device &device,
                     backend::Module **out);

  mutable std::recursive_mutex mutex_;
  // Keyed by the handle the application holds, so checking a handle (once
  // per launch for kernels) is one lookup, not a scan.
  std::unordered_map<const void *, std::unique_ptr<FatbinModule>> modules_;
  std::unordered_map<const void *, std::unique_ptr<KernelRecord>> kernels_;
  std::unordered_map<const void *, KernelRecord *> byHostFunction_;
  std::vector<std::unique_ptr<VariableRecord>> variables_;
  std::unordered_map<const void *, VariableRecord *> byHostVariable_;
};

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_MODULEREGISTRY_H
