//===- cpu/KernelCompiler.h - Kernel images to host code -------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's path from registered images to callable code:
//   PTX text --ptx::parseModule--> syntax tree (one per image: one per
//            translation unit with -rdc=true)
//            --translate::translateAndLink--> one NVVM-form LLVM module
//            --passes::lowerForCpu--> host IR with block functions
//            --ORC LLJIT--> one BlockFunction per kernel.
// Each module gets its own JITDylib, so equal kernel names in two modules
// never collide. Host symbols (libc, the backend's device-side services)
// resolve from the process.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_KERNELCOMPILER_H
#define CUPORT_CPU_KERNELCOMPILER_H

#include "CpuKernel.h"
#include "cuport/Backend.h"

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

namespace cuport::cpu {

class CpuModule final : public backend::Module {
public:
  backend::Kernel *findKernel(std::string_view name) override;
  backend::Status findGlobal(std::string_view name, void **address,
                             size_t *size) override;

  std::map<std::string, std::unique_ptr<CpuKernel>, std::less<>> kernels;
  std::map<std::string, std::pair<void *, size_t>, std::less<>> globals;
  llvm::orc::JITDylib *dylib = nullptr;
};

class KernelCompiler {
public:
  static llvm::Expected<std::unique_ptr<KernelCompiler>> create();

  /// Compiles the images of one module. Thread-safe.
  llvm::Expected<std::unique_ptr<CpuModule>>
  compile(std::span<const backend::ModuleImage> images);
  void release(CpuModule &module);

  /// The host CPU the code is generated for (e.g. "znver4").
  const std::string &hostCpu() const { return hostCpu_; }

private:
  explicit KernelCompiler(std::unique_ptr<llvm::orc::LLJIT> jit,
                          llvm::orc::JITTargetMachineBuilder machine);
  /// Makes the device services (DeviceServices.h) visible to `dylib`.
  llvm::Error defineDeviceServices(llvm::orc::JITDylib &dylib);

  std::mutex mutex_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  llvm::orc::JITTargetMachineBuilder machineBuilder_;
  std::string hostCpu_;
  unsigned nextModule_ = 0;
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_KERNELCOMPILER_H
