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
// CUPORT_CPU_DEVICES=N (default 1, at most 64) makes the plugin report N
// devices. They share the process's one WorkerPool rather than splitting
// it: launches from different devices already share the workers the way
// launches from different streams do, each device keeps reporting every
// worker as a multiprocessor (so occupancy and grid sizing stay the same
// whatever N is), and a program that drives one device at a time keeps the
// whole machine. Each device has its own memory accounting (what it has
// allocated), its own JIT (modules load per device, with their own
// __device__ variables) and creates its own queues and events.
//
// Device memory (cudaMalloc, pools) comes from the device's DeviceArena, a
// memfd that other processes can map (cudaIpc*, shareable pools); pinned
// host and managed memory stay private heap memory. CUPORT_CPU_PRIVATE_MEMORY=1
// keeps device memory on the heap too (no interprocess sharing).
//
//===----------------------------------------------------------------------===//
#include "CpuQueue.h"
#include "DeviceArena.h"
#include "DeviceHeap.h"
#include "DeviceLaunch.h"
#include "DeviceServices.h"
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
#include <unordered_map>
#include <vector>
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
    // The same name for every device, as for several GPUs of one model.
    std::snprintf(properties_.name, sizeof(properties_.name),
                  "cuport CPU device");
    properties_.totalGlobalMem = physicalMemoryBytes();
    properties_.multiProcessorCount =
        static_cast<int>(WorkerPool::instance().size());
    const char *privateMemory = std::getenv("CUPORT_CPU_PRIVATE_MEMORY");
    if (!(privateMemory && std::strcmp(privateMemory, "1") == 0) &&
        !arena_.create(properties_.totalGlobalMem))
      log().warn("cannot create shareable device memory; cudaIpc* unavailable");
    properties_.shareableMemory = arena_.valid();
  }

  const backend::DeviceProperties &properties() const override {
    return properties_;
  }

  Status allocate(size_t bytes, backend::MemoryKind kind, void **out) override {
    if (kind == backend::MemoryKind::DeviceHeap)
      return createHeap(bytes, out);
    if (kind == backend::MemoryKind::Device && arena_.valid()) {
      void *memory = arena_.allocate(bytes);
      if (!memory)
        return Status::OutOfMemory;
      std::lock_guard lock(memoryMutex_);
      allocated_ += (std::max<size_t>(bytes, 1) + kAllocationAlignment - 1) /
                    kAllocationAlignment * kAllocationAlignment;
      *out = memory;
      return Status::Success;
    }
    size_t rounded = (bytes + kAllocationAlignment - 1) / kAllocationAlignment *
                     kAllocationAlignment;
    if (rounded < bytes)
      return Status::OutOfMemory; // overflow
    rounded = std::max<size_t>(rounded, kAllocationAlignment);
    void *memory = std::aligned_alloc(kAllocationAlignment, rounded);
    if (!memory)
      return Status::OutOfMemory;
    std::lock_guard lock(memoryMutex_);
    sizes_[memory] = rounded;
    allocated_ += rounded;
    *out = memory;
    return Status::Success;
  }

  Status release(void *ptr, backend::MemoryKind kind) override {
    if (arena_.contains(ptr)) {
      size_t freed = arena_.release(ptr);
      if (freed == 0)
        return Status::InvalidValue;
      std::lock_guard lock(memoryMutex_);
      allocated_ -= freed;
      return Status::Success;
    }
    {
      std::lock_guard lock(memoryMutex_);
      auto it = sizes_.find(ptr);
      if (it == sizes_.end())
        return Status::InvalidValue;
      allocated_ -= it->second;
      sizes_.erase(it);
    }
    if (kind == backend::MemoryKind::DeviceHeap)
      DeviceHeap::destroy(static_cast<DeviceHeap *>(ptr));
    else
      std::free(ptr);
    return Status::Success;
  }

  /// The device heap of in-kernel malloc: counted as device memory, as
  /// CUDA carves it out of global memory.
  Status createHeap(size_t bytes, void **out) {
    DeviceHeap *heap = DeviceHeap::create(bytes);
    if (!heap)
      return Status::OutOfMemory;
    std::lock_guard lock(memoryMutex_);
    sizes_[heap] = heap->arenaBytes();
    allocated_ += heap->arenaBytes();
    *out = heap;
    return Status::Success;
  }

  /// Every device may use all of the host's memory (it is shared, as on an
  /// integrated GPU); free is the smaller of what the host has available
  /// and what this device has not allocated yet.
  Status memoryInfo(size_t *freeBytes, size_t *totalBytes) override {
    *totalBytes = properties_.totalGlobalMem;
    long available = sysconf(_SC_AVPHYS_PAGES);
    size_t hostFree = available > 0
                          ? size_t(available) * size_t(sysconf(_SC_PAGESIZE))
                          : properties_.totalGlobalMem;
    std::lock_guard lock(memoryMutex_);
    size_t unallocated = properties_.totalGlobalMem > allocated_
                             ? properties_.totalGlobalMem - allocated_
                             : 0;
    *freeBytes = std::min(hostFree, unallocated);
    return Status::Success;
  }

  Status loadModule(std::span<const backend::ModuleImage> images,
                    backend::Module **out, std::string *diagnostic) override {
    output_.flush(); // as CUDA does when a module loads
    KernelCompiler *compiler = this->compiler(diagnostic);
    if (!compiler)
      return Status::Internal;
    auto module = compiler->compile(images);
    if (!module) {
      *diagnostic = llvm::toString(module.takeError());
      return Status::InvalidImage;
    }
    KernelDirectory::add(**module); // device-side launches find its kernels
    *out = module->release();
    return Status::Success;
  }

  void unloadModule(backend::Module *module) override {
    output_.flush(); // as CUDA does when a module unloads
    auto *cpuModule = static_cast<CpuModule *>(module);
    KernelDirectory::remove(*cpuModule);
    if (compiler_)
      compiler_->release(*cpuModule);
    delete cpuModule;
  }

  Status exportMemory(const void *ptr, backend::ExportedMemory *out) override {
    return arena_.valid() ? arena_.exportMemory(ptr, out) : Status::NotSupported;
  }
  Status importMemory(const backend::ExportedMemory &memory, void **out) override {
    return cpu::importMemory(memory, out);
  }
  Status closeImported(void *ptr) override { return closeImport(ptr); }

  Status createQueue(backend::Queue **out) override {
    *out = new CpuQueue(output_);
    return Status::Success;
  }
  void destroyQueue(backend::Queue *queue) override { delete queue; }

  Status createEvent(backend::Event **out) override {
    *out = new CpuEvent(output_);
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
  DeviceOutput output_; ///< the printf FIFO (before the queues that add to it)
  DeviceArena arena_; ///< device memory, shareable with other processes
  std::mutex memoryMutex_;
  std::unordered_map<void *, size_t> sizes_; ///< live allocations, rounded
  size_t allocated_ = 0;                     ///< their total
  std::mutex compilerMutex_;
  std::unique_ptr<KernelCompiler> compiler_;
};

constexpr int kMaxDevices = 64;

/// CUPORT_CPU_DEVICES, clamped to [1, kMaxDevices]; 1 when unset or not a
/// number.
int requestedDeviceCount() {
  const char *text = std::getenv("CUPORT_CPU_DEVICES");
  if (!text || !*text)
    return 1;
  char *end = nullptr;
  long count = std::strtol(text, &end, 10);
  if (*end != '\0' || count < 1) {
    log().warn("CUPORT_CPU_DEVICES='{}' is not a device count; using 1", text);
    return 1;
  }
  return static_cast<int>(std::min<long>(count, kMaxDevices));
}

class CpuBackend final : public backend::Backend {
public:
  CpuBackend() {
    int count = requestedDeviceCount();
    for (int i = 0; i < count; ++i)
      devices_.push_back(std::make_unique<CpuDevice>());
  }
  std::string_view name() const override { return "cpu"; }
  int deviceCount() const override { return static_cast<int>(devices_.size()); }
  backend::Device *device(int ordinal) override {
    return ordinal >= 0 && ordinal < deviceCount() ? devices_[ordinal].get()
                                                   : nullptr;
  }

private:
  std::vector<std::unique_ptr<CpuDevice>> devices_;
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
