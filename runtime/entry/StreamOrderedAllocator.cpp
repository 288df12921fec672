//===- entry/StreamOrderedAllocator.cpp - cudaMallocAsync and memory pools ===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The Stream Ordered Memory Allocator section, plus the device's pool
// getters and setter (cudaDeviceGetDefaultMemPool, cudaDeviceGetMemPool,
// cudaDeviceSetMemPool). The pools themselves are core/MemoryPool.cpp.
//
// Pools made with cudaMemHandleTypePosixFileDescriptor (what the device
// reports in cudaDevAttrMemoryPoolSupportedHandleTypes when its memory is
// shareable) export a file descriptor; the other handle types (Win32,
// fabric) are refused with cudaErrorNotSupported. Export and import are
// described in core/MemoryPool.h.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/MemoryPool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

using namespace cuport::rt;

namespace {

constexpr char kPointerMagic[8] = {'c', 'u', 'p', 'P', 'o', 'o', 'l', '1'};

/// What cudaMemPoolPtrExportData carries: the pointer's place in the
/// exporting device's memory file, and its export slot (stale check).
struct EncodedPointer {
  char magic[8];
  cuport::backend::ExportedMemory memory;
};
static_assert(sizeof(EncodedPointer) <= sizeof(cudaMemPoolPtrExportData));

cudaError_t exportPoolFd(MemoryPool &pool, int *fd) {
  cuport::backend::ExportedMemory memory;
  if (pool.device().backend->exportMemory(nullptr, &memory) !=
      cuport::backend::Status::Success)
    return cudaErrorNotSupported;
  int copy = fcntl(memory.fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0)
    return cudaErrorMemoryAllocation; // out of file descriptors
  *fd = copy;
  return cudaSuccess;
}

cudaError_t importPoolFd(int fd, cudaMemPool_t *out) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  struct stat info;
  if (fd < 0 || fstat(fd, &info) != 0 || info.st_size <= 0)
    return cudaErrorInvalidValue;
  cuport::backend::ExportedMemory memory;
  memory.process = getpid();
  memory.fd = fd;
  memory.inode = uint64_t(info.st_ino);
  memory.size = uint64_t(info.st_size);
  void *base = nullptr;
  switch (device->backend->importMemory(memory, &base)) {
  case cuport::backend::Status::Success: break;
  case cuport::backend::Status::NotSupported: return cudaErrorNotSupported;
  case cuport::backend::Status::Internal: return cudaErrorMemoryAllocation;
  default: return cudaErrorInvalidValue;
  }
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  props.location = {cudaMemLocationTypeDevice, device->ordinal};
  *out = reinterpret_cast<cudaMemPool_t>(memoryPools().createImported(
      *device, props, {static_cast<std::byte *>(base), memory.size, memory.inode}));
  return cudaSuccess;
}

cudaError_t exportPoolPointer(MemoryPool &pool, void *ptr,
                              cudaMemPoolPtrExportData *data) {
  EncodedPointer payload{};
  std::memcpy(payload.magic, kPointerMagic, sizeof kPointerMagic);
  switch (pool.device().backend->exportMemory(ptr, &payload.memory)) {
  case cuport::backend::Status::Success: break;
  case cuport::backend::Status::OutOfMemory: return cudaErrorMemoryAllocation;
  default: return cudaErrorInvalidValue;
  }
  std::memset(data, 0, sizeof *data);
  std::memcpy(data, &payload, sizeof payload);
  return cudaSuccess;
}

/// The export table at the start of the file holds {offset, generation}
/// per slot (backends/cpu/DeviceArena.h); the mapping lets us read it.
bool slotStillNames(const MemoryPool::Imported &imported,
                    const cuport::backend::ExportedMemory &memory) {
  uint64_t slot[2];
  size_t at = size_t(memory.slot) * sizeof slot;
  if (memory.slot == 0 || at + sizeof slot > imported.size)
    return false;
  std::memcpy(slot, imported.base + at, sizeof slot);
  return slot[0] == memory.offset && slot[1] == memory.generation;
}

cudaError_t importPoolPointer(MemoryPool &pool, const cudaMemPoolPtrExportData &data,
                              void **out) {
  EncodedPointer payload;
  std::memcpy(static_cast<void *>(&payload), &data, sizeof payload);
  const MemoryPool::Imported &imported = pool.imported();
  const cuport::backend::ExportedMemory &memory = payload.memory;
  if (std::memcmp(payload.magic, kPointerMagic, sizeof kPointerMagic) != 0 ||
      memory.inode != imported.inode || memory.size == 0 ||
      memory.offset + memory.size > imported.size ||
      memory.offset + memory.size < memory.offset)
    return cudaErrorInvalidValue; // not a pointer of the pool's memory
  if (!slotStillNames(imported, memory))
    return cudaErrorInvalidValue; // freed by the exporter since
  void *pointer = imported.base + memory.offset;
  if (pool.owns(pointer)) {
    *out = pointer; // imported already
    return cudaSuccess;
  }
  pool.adoptImported(pointer, memory.size);
  *out = pointer;
  return cudaSuccess;
}

/// The device a cudaMemLocation names; only device locations hold pools
/// (the device reports no host memory pools).
cudaError_t deviceAt(const cudaMemLocation *location, Device **out) {
  if (!location)
    return cudaErrorInvalidValue;
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  switch (location->type) {
  case cudaMemLocationTypeDevice:
    break;
  case cudaMemLocationTypeHost:
  case cudaMemLocationTypeHostNuma:
  case cudaMemLocationTypeHostNumaCurrent:
    return cudaErrorNotSupported;
  default:
    return cudaErrorInvalidValue;
  }
  *out = Runtime::instance().device(location->id);
  return *out ? cudaSuccess : cudaErrorInvalidDevice;
}

cudaError_t deviceByOrdinal(int ordinal, Device **out) {
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  *out = Runtime::instance().device(ordinal);
  return *out ? cudaSuccess : cudaErrorInvalidDevice;
}

cudaError_t validPoolProps(const cudaMemPoolProps *props, Device **device) {
  if (!props)
    return cudaErrorInvalidValue;
  if (props->allocType != cudaMemAllocationTypePinned)
    return props->allocType == cudaMemAllocationTypeManaged ? cudaErrorNotSupported
                                                            : cudaErrorInvalidValue;
  if (cudaError_t error = deviceAt(&props->location, device))
    return error == cudaErrorInvalidDevice ? cudaErrorInvalidValue : error;
  constexpr unsigned kHandleTypes =
      cudaMemHandleTypePosixFileDescriptor | cudaMemHandleTypeWin32 |
      cudaMemHandleTypeWin32Kmt | cudaMemHandleTypeFabric;
  if (unsigned(props->handleTypes) & ~kHandleTypes)
    return cudaErrorInvalidValue;
  if (props->handleTypes != cudaMemHandleTypeNone &&
      (props->handleTypes != cudaMemHandleTypePosixFileDescriptor ||
       !(*device)->backend->properties().shareableMemory))
    return cudaErrorNotSupported; // only POSIX fds, of shareable memory
  if (props->usage & ~unsigned(cudaMemPoolCreateUsageHwDecompress))
    return cudaErrorInvalidValue;
  if (props->usage)
    return cudaErrorNotSupported; // no decompression engine
  return cudaSuccess;
}

std::shared_ptr<MemoryPool> livePool(cudaMemPool_t handle) {
  return handle ? memoryPools().find(handle) : nullptr;
}

bool validAttribute(cudaMemPoolAttr attr) {
  return attr >= cudaMemPoolReuseFollowEventDependencies &&
         attr <= cudaMemPoolAttrUsedMemHigh;
}

cudaError_t mallocFromPool(void **ptr, size_t size, cudaMemPool_t memPool,
                           cudaStream_t stream) {
  if (!ptr || size == 0)
    return cudaErrorInvalidValue;
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool)
    return cudaErrorInvalidValue;
  return mallocAsync(ptr, size, pool.get(), stream);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMallocAsync(void **devPtr, size_t size,
                                          cudaStream_t hStream) {
  CUPORT_API_ENTRY(cudaMallocAsync);
  if (!devPtr || size == 0)
    return recordError(cudaErrorInvalidValue);
  return recordError(mallocAsync(devPtr, size, nullptr, hStream));
}

CUPORT_EXPORT cudaError_t cudaMallocAsync_ptsz(void **devPtr, size_t size,
                                               cudaStream_t hStream) {
  CUPORT_API_ENTRY(cudaMallocAsync_ptsz);
  return cudaMallocAsync(devPtr, size, hStream ? hStream : cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMallocFromPoolAsync(void **ptr, size_t size,
                                                  cudaMemPool_t memPool,
                                                  cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMallocFromPoolAsync);
  return recordError(mallocFromPool(ptr, size, memPool, stream));
}

CUPORT_EXPORT cudaError_t cudaMallocFromPoolAsync_ptsz(void **ptr, size_t size,
                                                       cudaMemPool_t memPool,
                                                       cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMallocFromPoolAsync_ptsz);
  return cudaMallocFromPoolAsync(ptr, size, memPool,
                                 stream ? stream : cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaFreeAsync(void *devPtr, cudaStream_t hStream) {
  CUPORT_API_ENTRY(cudaFreeAsync);
  if (!devPtr)
    return recordError(cudaErrorInvalidValue);
  return recordError(freeAsync(devPtr, hStream));
}

CUPORT_EXPORT cudaError_t cudaFreeAsync_ptsz(void *devPtr, cudaStream_t hStream) {
  CUPORT_API_ENTRY(cudaFreeAsync_ptsz);
  return cudaFreeAsync(devPtr, hStream ? hStream : cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMemPoolCreate(cudaMemPool_t *memPool,
                                            const struct cudaMemPoolProps *poolProps) {
  CUPORT_API_ENTRY(cudaMemPoolCreate);
  if (!memPool)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = validPoolProps(poolProps, &device))
    return recordError(error);
  *memPool = reinterpret_cast<cudaMemPool_t>(memoryPools().create(*device, *poolProps));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemPoolDestroy(cudaMemPool_t memPool) {
  CUPORT_API_ENTRY(cudaMemPoolDestroy);
  if (!memPool)
    return recordError(cudaErrorInvalidValue);
  return recordError(memoryPools().destroy(reinterpret_cast<MemoryPool *>(memPool)));
}

CUPORT_EXPORT cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t memPool,
                                                  enum cudaMemPoolAttr attr,
                                                  void *value) {
  CUPORT_API_ENTRY(cudaMemPoolSetAttribute);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool || !value || !validAttribute(attr))
    return recordError(cudaErrorInvalidValue);
  return recordError(pool->setAttribute(attr, value));
}

CUPORT_EXPORT cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t memPool,
                                                  enum cudaMemPoolAttr attr,
                                                  void *value) {
  CUPORT_API_ENTRY(cudaMemPoolGetAttribute);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool || !value || !validAttribute(attr))
    return recordError(cudaErrorInvalidValue);
  return recordError(pool->getAttribute(attr, value));
}

CUPORT_EXPORT cudaError_t cudaMemPoolTrimTo(cudaMemPool_t memPool,
                                            size_t minBytesToKeep) {
  CUPORT_API_ENTRY(cudaMemPoolTrimTo);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool)
    return recordError(cudaErrorInvalidValue);
  pool->trimTo(minBytesToKeep);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemPoolSetAccess(cudaMemPool_t memPool,
                                               const struct cudaMemAccessDesc *descList,
                                               size_t count) {
  CUPORT_API_ENTRY(cudaMemPoolSetAccess);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool || (count && !descList))
    return recordError(cudaErrorInvalidValue);
  for (size_t i = 0; i < count; ++i)
    if (cudaError_t error = pool->setAccess(descList[i]))
      return recordError(error);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemPoolGetAccess(enum cudaMemAccessFlags *flags,
                                               cudaMemPool_t memPool,
                                               struct cudaMemLocation *location) {
  CUPORT_API_ENTRY(cudaMemPoolGetAccess);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool || !flags || !location)
    return recordError(cudaErrorInvalidValue);
  return recordError(pool->getAccess(*location, flags));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t *memPool, int device) {
  CUPORT_API_ENTRY(cudaDeviceGetDefaultMemPool);
  if (!memPool)
    return recordError(cudaErrorInvalidValue);
  Device *selected = nullptr;
  if (cudaError_t error = deviceByOrdinal(device, &selected))
    return recordError(error);
  *memPool = reinterpret_cast<cudaMemPool_t>(memoryPools().defaultPool(*selected));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetMemPool(cudaMemPool_t *memPool, int device) {
  CUPORT_API_ENTRY(cudaDeviceGetMemPool);
  if (!memPool)
    return recordError(cudaErrorInvalidValue);
  Device *selected = nullptr;
  if (cudaError_t error = deviceByOrdinal(device, &selected))
    return recordError(error);
  *memPool = reinterpret_cast<cudaMemPool_t>(memoryPools().currentPool(*selected));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSetMemPool(int device, cudaMemPool_t memPool) {
  CUPORT_API_ENTRY(cudaDeviceSetMemPool);
  Device *selected = nullptr;
  if (cudaError_t error = deviceByOrdinal(device, &selected))
    return recordError(error);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool)
    return recordError(cudaErrorInvalidValue);
  if (&pool->device() != selected)
    return recordError(cudaErrorInvalidDevice); // a pool of another device
  memoryPools().setCurrentPool(*selected, pool.get());
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemGetDefaultMemPool(cudaMemPool_t *memPool,
                                                   struct cudaMemLocation *location,
                                                   enum cudaMemAllocationType type) {
  CUPORT_API_ENTRY(cudaMemGetDefaultMemPool);
  if (!memPool || type != cudaMemAllocationTypePinned)
    return recordError(type == cudaMemAllocationTypeManaged ? cudaErrorNotSupported
                                                            : cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = deviceAt(location, &device))
    return recordError(error);
  *memPool = reinterpret_cast<cudaMemPool_t>(memoryPools().defaultPool(*device));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemGetMemPool(cudaMemPool_t *memPool,
                                            struct cudaMemLocation *location,
                                            enum cudaMemAllocationType type) {
  CUPORT_API_ENTRY(cudaMemGetMemPool);
  if (!memPool || type != cudaMemAllocationTypePinned)
    return recordError(type == cudaMemAllocationTypeManaged ? cudaErrorNotSupported
                                                            : cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = deviceAt(location, &device))
    return recordError(error);
  *memPool = reinterpret_cast<cudaMemPool_t>(memoryPools().currentPool(*device));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemSetMemPool(struct cudaMemLocation *location,
                                            enum cudaMemAllocationType type,
                                            cudaMemPool_t memPool) {
  CUPORT_API_ENTRY(cudaMemSetMemPool);
  if (type != cudaMemAllocationTypePinned)
    return recordError(type == cudaMemAllocationTypeManaged ? cudaErrorNotSupported
                                                            : cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = deviceAt(location, &device))
    return recordError(error);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!pool)
    return recordError(cudaErrorInvalidValue);
  if (&pool->device() != device)
    return recordError(cudaErrorInvalidDevice);
  memoryPools().setCurrentPool(*device, pool.get());
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemPoolExportToShareableHandle(
    void *shareableHandle, cudaMemPool_t memPool,
    enum cudaMemAllocationHandleType handleType, unsigned int flags) {
  CUPORT_API_ENTRY(cudaMemPoolExportToShareableHandle);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  if (!shareableHandle || !pool || flags != 0 || pool->isImported())
    return recordError(cudaErrorInvalidValue);
  // Only a pool created with `handleType` among its handle types exports.
  if (handleType != cudaMemHandleTypePosixFileDescriptor ||
      !(unsigned(pool->props().handleTypes) & unsigned(handleType)))
    return recordError(cudaErrorInvalidValue);
  return recordError(exportPoolFd(*pool, static_cast<int *>(shareableHandle)));
}

CUPORT_EXPORT cudaError_t cudaMemPoolImportFromShareableHandle(
    cudaMemPool_t *memPool, void *shareableHandle,
    enum cudaMemAllocationHandleType handleType, unsigned int flags) {
  CUPORT_API_ENTRY(cudaMemPoolImportFromShareableHandle);
  // A POSIX file descriptor travels as the pointer's value.
  if (!memPool || flags != 0 || handleType != cudaMemHandleTypePosixFileDescriptor)
    return recordError(cudaErrorInvalidValue);
  return recordError(importPoolFd(
      int(reinterpret_cast<intptr_t>(shareableHandle)), memPool));
}

CUPORT_EXPORT cudaError_t cudaMemPoolExportPointer(
    struct cudaMemPoolPtrExportData *exportData, void *ptr) {
  CUPORT_API_ENTRY(cudaMemPoolExportPointer);
  if (!exportData || !ptr)
    return recordError(cudaErrorInvalidValue);
  std::shared_ptr<MemoryPool> pool = memoryPools().owner(ptr);
  // Not a pool allocation, or one from a pool made without a handle type.
  if (!pool || pool->isImported() ||
      pool->props().handleTypes == cudaMemHandleTypeNone)
    return recordError(cudaErrorInvalidValue);
  return recordError(exportPoolPointer(*pool, ptr, exportData));
}

CUPORT_EXPORT cudaError_t cudaMemPoolImportPointer(
    void **ptr, cudaMemPool_t memPool, struct cudaMemPoolPtrExportData *exportData) {
  CUPORT_API_ENTRY(cudaMemPoolImportPointer);
  if (!ptr || !exportData)
    return recordError(cudaErrorInvalidValue);
  std::shared_ptr<MemoryPool> pool = livePool(memPool);
  // Only a pool imported from a shareable handle imports pointers.
  if (!pool || !pool->isImported())
    return recordError(cudaErrorInvalidValue);
  return recordError(importPoolPointer(*pool, *exportData, ptr));
}
