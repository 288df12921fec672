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
//            --llvm::orc::SimpleCompiler--> a relocatable object file
//            --ORC LLJIT (addObjectFile)--> one BlockFunction per kernel.
// The object file and the kernel and global descriptors are kept in the
// on-disk KernelCache (KernelCache.h): when the same images are loaded
// again, on the same host CPU, by the same build of cuport and LLVM, the
// object is linked straight away and nothing is parsed or compiled. Both
// paths link the object the same way (linkModule).
// Each module gets its own JITDylib, so equal kernel names in two modules
// never collide. Host symbols (libc, the backend's device-side services)
// resolve from the process.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_KERNELCOMPILER_H
#define CUPORT_CPU_KERNELCOMPILER_H

#include "CpuKernel.h"
#include "KernelCache.h"
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

  /// The cache key inputs for `images` on this host (for tests and logs).
  CacheKeyInputs cacheKeyInputs(std::span<const backend::ModuleImage> images) const;

private:
  /// Where the time of a compilation went, for the debug log (ms).
  struct CompileTimes {
    double frontEnd = 0; ///< parse and translate
    double lowering = 0;
    double codegen = 0;
  };

  explicit KernelCompiler(std::unique_ptr<llvm::orc::LLJIT> jit,
                          llvm::orc::JITTargetMachineBuilder machine,
                          KernelCache cache);
  /// Makes the device services (DeviceServices.h) visible to `dylib`.
  llvm::Error defineDeviceServices(llvm::orc::JITDylib &dylib);
  /// Parses, translates, lowers and compiles `images` to an object file.
  llvm::Expected<CacheEntry>
  compileToObject(std::span<const backend::ModuleImage> images,
                  const std::vector<std::string> &names,
                  CompileTimes &times);
  /// Links a compiled module into a new JITDylib and looks up its kernels
  /// and globals; on failure nothing of it stays in the JIT.
  llvm::Expected<std::unique_ptr<CpuModule>> linkModule(const CacheEntry &entry);

  std::mutex mutex_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  llvm::orc::JITTargetMachineBuilder machineBuilder_;
  std::string hostCpu_;
  std::string compilerIdentity_;
  KernelCache cache_;
  unsigned nextModule_ = 0;
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_KERNELCOMPILER_H
