//===- cpu/CpuBackend.cpp - The CPU reference backend plugin --------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The plugin's two entry points and its device. Device memory is host
// memory (256-byte aligned, as cudaMalloc guarantees), so every pointer the
// device sees is host-addressable; kernels are compiled by KernelCompiler
// and run by CpuQueue on the shared WorkerPool.
//
//===----------------------------------------------------------------------===//
#include "CpuQueue.h"
#include "KernelCompiler.h"
#include "WorkerPool.h"
#include "cuport/Backend.h"
#include "cuport/Log.h"

#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace cuport::cpu {

using backend::Status;

namespace {

constexpr size_t kAllocationAlignment = 256;

size_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return size_t(8) << 30;
  return size_t(pages) * size_t(pageSize);
}

class CpuDevice final : public backend::Device {
public:
  CpuDevice() {
    std::snprintf(properties_.name, sizeof(properties_.name),
                  "cuport CPU device");
    properties_.totalGlobalMem = physicalMemoryBytes();
    properties_.multiProcessorCount =
        static_cast<int>(WorkerPool::instance().size());
  }

  const backend::DeviceProperties &properties() const override {
    return properties_;
  }

  Status allocate(size_t bytes, backend::MemoryKind, void **out) override {
    size_t rounded = (bytes + kAllocationAlignment - 1) / kAllocationAlignment *
                     kAllocationAlignment;
    if (rounded < bytes)
      return Status::OutOfMemory; // overflow
    void *memory = std::aligned_alloc(kAllocationAlignment, std::max<size_t>(rounded, kAllocationAlignment));
    if (!memory)
      return Status::OutOfMemory;
    allocated_ += rounded;
    *out = memory;
    return Status::Success;
  }

  Status release(void *ptr, backend::MemoryKind) override {
    std::free(ptr);
    return Status::Success;
  }

  Status memoryInfo(size_t *freeBytes, size_t *totalBytes) override {
    *totalBytes = properties_.totalGlobalMem;
    long available = sysconf(_SC_AVPHYS_PAGES);
    *freeBytes = available > 0 ? size_t(available) * size_t(sysconf(_SC_PAGESIZE))
                               : properties_.totalGlobalMem;
    return Status::Success;
  }

  Status loadModule(std::span<const backend::ModuleImage> images,
                    backend::Module **out, std::string *diagnostic) override {
    KernelCompiler *compiler = this->compiler(diagnostic);
    if (!compiler)
      return Status::Internal;
    auto module = compiler->compile(images);
    if (!module) {
      *diagnostic = llvm::toString(module.takeError());
      return Status::InvalidImage;
    }
    *out = module->release();
    return Status::Success;
  }

  void unloadModule(backend::Module *module) override {
    auto *cpuModule = static_cast<CpuModule *>(module);
    if (compiler_)
      compiler_->release(*cpuModule);
    delete cpuModule;
  }

  Status createQueue(backend::Queue **out) override {
    *out = new CpuQueue();
    return Status::Success;
  }
  void destroyQueue(backend::Queue *queue) override { delete queue; }

  Status createEvent(backend::Event **out) override {
    *out = new CpuEvent();
    return Status::Success;
  }
  void destroyEvent(backend::Event *event) override { delete event; }

private:
  /// The JIT is created on the first module load, not at startup.
  KernelCompiler *compiler(std::string *diagnostic) {
    std::lock_guard lock(compilerMutex_);
    if (!compiler_) {
      auto created = KernelCompiler::create();
      if (!created) {
        *diagnostic = "cannot start the JIT: " + llvm::toString(created.takeError());
        return nullptr;
      }
      compiler_ = std::move(*created);
    }
    return compiler_.get();
  }

  backend::DeviceProperties properties_;
  std::atomic<size_t> allocated_{0};
  std::mutex compilerMutex_;
  std::unique_ptr<KernelCompiler> compiler_;
};

class CpuBackend final : public backend::Backend {
public:
  std::string_view name() const override { return "cpu"; }
  int deviceCount() const override { return 1; }
  backend::Device *device(int ordinal) override {
    return ordinal == 0 ? &device_ : nullptr;
  }

private:
  CpuDevice device_;
};

} // namespace
} // namespace cuport::cpu

extern "C" __attribute__((visibility("default"))) uint32_t
cuport_backend_interface_version() {
  return cuport::backend::kInterfaceVersion;
}

extern "C" __attribute__((visibility("default"))) cuport::backend::Backend *
cuport_backend_create() {
  return new cuport::cpu::CpuBackend();
}
