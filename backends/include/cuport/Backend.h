//===- cuport/Backend.h - The backend plugin interface ---------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one seam between the CUDA runtime (runtime/) and the code that runs
// kernels (backends/). A backend is a shared library loaded with dlopen; it
// exports exactly two extern "C" entry points:
//
//   uint32_t cuport_backend_interface_version();   // must equal kInterfaceVersion
//   cuport::backend::Backend *cuport_backend_create();
//
// The runtime never includes a backend's own headers, and a backend never
// sees CUDA types: everything it needs is declared here. Backends report
// what they can do; the runtime, not the backend, turns a missing capability
// or a failed operation into the right cudaError_t.
//
// Threading: every method may be called from any application thread. Queues
// are in-order: work submitted to one queue runs in submission order, work on
// different queues may overlap.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_BACKEND_H
#define CUPORT_BACKEND_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cuport::backend {

inline constexpr uint32_t kInterfaceVersion = 2;

/// Outcome of a backend operation. The runtime maps each to a cudaError_t.
enum class Status : int {
  Success = 0,
  InvalidValue,    ///< an argument the backend cannot accept
  OutOfMemory,     ///< allocation failed
  NotSupported,    ///< the backend lacks this capability
  InvalidImage,    ///< a kernel image could not be read or translated
  NotFound,        ///< no kernel or global of that name
  LaunchFailure,   ///< a kernel faulted (trap, invalid access)
  AssertTriggered, ///< a kernel's assert() failed
  OutOfResources,  ///< launch exceeds a device limit (threads, shared memory)
  NotReady,        ///< asynchronous work is still pending (query)
  Internal,        ///< a bug in the backend
};

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
};

/// What a device reports about itself. The runtime builds cudaDeviceProp and
/// the cudaDevAttr* answers from these numbers.
struct DeviceProperties {
  char name[256] = {};
  int computeMajor = 8, computeMinor = 6;
  int warpSize = 32;
  int multiProcessorCount = 1;
  int maxThreadsPerBlock = 1024;
  int maxThreadsDim[3] = {1024, 1024, 64};
  int maxGridSize[3] = {2147483647, 65535, 65535};
  int maxThreadsPerMultiProcessor = 2048;
  int maxBlocksPerMultiProcessor = 32;
  int regsPerBlock = 65536;
  int regsPerMultiprocessor = 65536;
  size_t totalGlobalMem = 0;
  size_t sharedMemPerBlock = 48 * 1024;
  size_t sharedMemPerBlockOptin = 99 * 1024;
  size_t sharedMemPerMultiprocessor = 100 * 1024;
  size_t totalConstMem = 64 * 1024;
  int clockRateKHz = 1000000;
  int memoryClockRateKHz = 1000000;
  int memoryBusWidth = 64;
  int l2CacheSize = 0;
  bool unifiedAddressing = true; ///< device pointers are host-addressable
  bool managedMemory = true;
  bool concurrentKernels = true;
  bool integrated = true;
  /// Device memory can be mapped by other processes (Device::exportMemory).
  bool shareableMemory = false;
};

/// Kind of a kernel image handed to Device::loadModule.
enum class ImageKind : int {
  Ptx,         ///< PTX text (not necessarily NUL-terminated)
  LlvmBitcode, ///< NVVM-form LLVM bitcode from cuport-cc
};

/// One image of a module, exactly as the application registered it (already
/// decompressed). Several images form one module when the program was built
/// with relocatable device code.
struct ModuleImage {
  ImageKind kind = ImageKind::Ptx;
  uint32_t smArch = 0; ///< e.g. 75 for sm_75 / compute_75
  std::span<const std::byte> bytes;
  std::string_view name; ///< for diagnostics (e.g. the source file)
};

/// Placement of one kernel parameter in the argument buffer that the
/// runtime packs for a launch.
struct ParamLayout {
  uint32_t offset = 0;
  uint32_t size = 0;
  uint32_t align = 1;
};

/// Flags describing what a kernel uses (DESIGN.md §3.2).
enum KernelFlags : uint32_t {
  KernelUsesBarriers = 1u << 0,
  KernelUsesWarpOps = 1u << 1,
  KernelUsesAtomics = 1u << 2,
  KernelUsesPrintf = 1u << 3,
  KernelUsesAssert = 1u << 4,
  KernelUsesDynamicShared = 1u << 5,
  KernelUsesMalloc = 1u << 6, ///< device malloc/free: needs LaunchParams::deviceHeap
};

/// The kernel descriptor: everything the runtime needs to launch a kernel
/// and to answer cudaFuncGetAttributes.
struct KernelInfo {
  std::string_view name; ///< mangled name, as in the PTX
  std::span<const ParamLayout> params;
  uint32_t argBufferSize = 0; ///< bytes, params packed by ParamLayout
  uint32_t staticSharedBytes = 0;
  uint32_t localBytes = 0;
  uint32_t maxThreadsPerBlock = 0; ///< 0: the device limit (.maxntid)
  uint32_t flags = 0;              ///< KernelFlags
};

/// Whether a grid of `grid` blocks of `block` threads of a kernel fits the
/// device: no dimension zero or above its limit, and no more threads per
/// block than the kernel and the device allow. The runtime checks host
/// launches with it, the CPU backend launches from device code: both
/// answer cudaErrorInvalidConfiguration when it does not.
inline bool launchGeometryFits(const DeviceProperties &props, const KernelInfo &info,
                               Dim3 grid, Dim3 block) {
  const uint32_t grids[3] = {grid.x, grid.y, grid.z};
  const uint32_t blocks[3] = {block.x, block.y, block.z};
  for (int axis = 0; axis < 3; ++axis)
    if (grids[axis] == 0 || blocks[axis] == 0 ||
        grids[axis] > uint32_t(props.maxGridSize[axis]) ||
        blocks[axis] > uint32_t(props.maxThreadsDim[axis]))
      return false;
  uint64_t threads = uint64_t(block.x) * block.y * block.z;
  uint64_t limit = info.maxThreadsPerBlock ? info.maxThreadsPerBlock
                                           : uint32_t(props.maxThreadsPerBlock);
  return threads <= limit;
}

class Kernel {
public:
  virtual ~Kernel() = default;
  virtual const KernelInfo &info() const = 0;
};

class Module {
public:
  virtual ~Module() = default;
  /// Returns nullptr when the module has no kernel of that name.
  virtual Kernel *findKernel(std::string_view mangledName) = 0;
  /// Address and size of a __device__ / __constant__ variable.
  virtual Status findGlobal(std::string_view name, void **address,
                            size_t *size) = 0;
};

struct LaunchParams {
  Dim3 grid;
  Dim3 block;
  uint32_t dynamicSharedBytes = 0;
  /// Packed argument buffer laid out by KernelInfo::params. The queue copies
  /// it before launch() returns, so the caller may reuse it at once.
  std::span<const std::byte> args;
  /// Optional (cuport run --report): when set, the queue adds the time the
  /// kernel took to run, in nanoseconds, once it has run. A backend that
  /// cannot time kernels leaves it alone.
  std::atomic<uint64_t> *executionNs = nullptr;
  /// cudaLaunchCooperativeKernel: every block of the grid runs at once (the
  /// runtime has checked that the grid fits), so blocks may wait for each
  /// other (grid.sync()).
  bool cooperative = false;
  /// The device heap of in-kernel malloc/free (allocated with
  /// MemoryKind::DeviceHeap); null: malloc returns NULL.
  void *deviceHeap = nullptr;
};

class Event {
public:
  virtual ~Event() = default;
  /// NotReady while the work it was recorded behind is still pending.
  virtual Status query() = 0;
  virtual Status synchronize() = 0;
  /// Nanoseconds on a monotonic clock when the event completed.
  virtual uint64_t timestampNs() = 0;
};

using HostCallback = void (*)(void *userData);

class Queue {
public:
  virtual ~Queue() = default;
  virtual Status launch(Kernel &kernel, const LaunchParams &params) = 0;
  virtual Status copy(void *dst, const void *src, size_t bytes) = 0;
  virtual Status fill(void *dst, uint8_t value, size_t bytes) = 0;
  virtual Status hostCallback(HostCallback fn, void *userData) = 0;
  virtual Status record(Event &event) = 0;
  /// Later work waits for the record of `event` that is latest now.
  virtual Status wait(Event &event) = 0;
  /// Waits for all submitted work; returns the first failure of that work
  /// (a kernel fault), which is then cleared from the queue.
  virtual Status synchronize() = 0;
  /// Success when all submitted work is complete, NotReady otherwise.
  virtual Status query() = 0;
};

/// What another process needs to map a range of a device's memory
/// (Device::exportMemory); plain data, which the runtime copies into IPC
/// handles and pool export data.
struct ExportedMemory {
  int64_t process = 0;     ///< the exporting process
  int32_t fd = -1;         ///< a file descriptor of that process
  uint32_t slot = 0;       ///< export slot checked on import (0: none)
  uint64_t inode = 0;      ///< identity of the file behind fd
  uint64_t offset = 0;     ///< of the range in that file
  uint64_t size = 0;       ///< of the range
  uint64_t generation = 0; ///< must still be in the slot on import
};

enum class MemoryKind : int {
  Device,     ///< cudaMalloc
  PinnedHost, ///< cudaMallocHost / cudaHostAlloc
  Managed,    ///< cudaMallocManaged
  /// The heap of device-side malloc/free, `bytes` large
  /// (cudaLimitMallocHeapSize): an opaque handle, not memory the runtime
  /// touches; it goes to launches in LaunchParams::deviceHeap.
  DeviceHeap,
};

class Device {
public:
  virtual ~Device() = default;
  virtual const DeviceProperties &properties() const = 0;

  virtual Status allocate(size_t bytes, MemoryKind kind, void **out) = 0;
  virtual Status release(void *ptr, MemoryKind kind) = 0;
  /// Free and total bytes of device memory.
  virtual Status memoryInfo(size_t *freeBytes, size_t *totalBytes) = 0;

  /// Translates and prepares the images of one module. On failure, returns
  /// InvalidImage (or NotSupported) and writes a message naming the problem
  /// into *diagnostic.
  virtual Status loadModule(std::span<const ModuleImage> images,
                            Module **out, std::string *diagnostic) = 0;
  virtual void unloadModule(Module *module) = 0;

  /// Interprocess memory (cudaIpc*, shareable pools). exportMemory
  /// describes live Device allocation `ptr` (its base), or with nullptr the
  /// whole of the device's shareable memory. importMemory maps what
  /// another process (or this one, given a received fd) exported: NotFound
  /// when the exporter, its file or the allocation is gone, InvalidValue for
  /// a description that cannot be right, Internal when mapping fails.
  virtual Status exportMemory(const void *, ExportedMemory *) {
    return Status::NotSupported;
  }
  virtual Status importMemory(const ExportedMemory &, void **) {
    return Status::NotSupported;
  }
  virtual Status closeImported(void *) { return Status::NotSupported; }

  virtual Status createQueue(Queue **out) = 0;
  virtual void destroyQueue(Queue *queue) = 0;
  virtual Status createEvent(Event **out) = 0;
  virtual void destroyEvent(Event *event) = 0;
};

class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual int deviceCount() const = 0;
  virtual Device *device(int ordinal) = 0;
};

} // namespace cuport::backend

extern "C" {
/// Entry point 1: the interface version the plugin was built against.
uint32_t cuport_backend_interface_version();
/// Entry point 2: creates the backend; the runtime owns the result.
cuport::backend::Backend *cuport_backend_create();
}

#endif // CUPORT_BACKEND_H
