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
// No pool is IPC-capable: the device reports no supported handle type
// (cudaDevAttrMemoryPoolSupportedHandleTypes is 0), so cudaMemPoolCreate
// refuses handle types with cudaErrorNotSupported and the export/import
// functions answer what CUDA answers for a pool made without one
// (cudaErrorInvalidValue).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/MemoryPool.h"

using namespace cuport::rt;

namespace {

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
  if (props->handleTypes != cudaMemHandleTypeNone)
    return cudaErrorNotSupported; // process-private memory only
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
  if (!shareableHandle || !pool || flags != 0)
    return recordError(cudaErrorInvalidValue);
  // Only a pool created with `handleType` among its handle types exports;
  // no pool here has one (see the file comment).
  if (handleType == cudaMemHandleTypeNone ||
      !(unsigned(pool->props().handleTypes) & unsigned(handleType)))
    return recordError(cudaErrorInvalidValue);
  return recordError(cudaErrorNotSupported);
}

CUPORT_EXPORT cudaError_t cudaMemPoolImportFromShareableHandle(
    cudaMemPool_t *memPool, void *shareableHandle,
    enum cudaMemAllocationHandleType handleType, unsigned int flags) {
  CUPORT_API_ENTRY(cudaMemPoolImportFromShareableHandle);
  if (!memPool || !shareableHandle || flags != 0 ||
      handleType == cudaMemHandleTypeNone)
    return recordError(cudaErrorInvalidValue);
  // No handle type is supported, so no handle can be imported.
  return recordError(cudaErrorNotSupported);
}

CUPORT_EXPORT cudaError_t cudaMemPoolExportPointer(
    struct cudaMemPoolPtrExportData *exportData, void *ptr) {
  CUPORT_API_ENTRY(cudaMemPoolExportPointer);
  if (!exportData || !ptr)
    return recordError(cudaErrorInvalidValue);
  std::shared_ptr<MemoryPool> pool = memoryPools().owner(ptr);
  // Not a pool allocation, or one from a pool made without a handle type.
  if (!pool || pool->props().handleTypes == cudaMemHandleTypeNone)
    return recordError(cudaErrorInvalidValue);
  return recordError(cudaErrorNotSupported);
}

CUPORT_EXPORT cudaError_t cudaMemPoolImportPointer(
    void **ptr, cudaMemPool_t memPool, struct cudaMemPoolPtrExportData *exportData) {
  CUPORT_API_ENTRY(cudaMemPoolImportPointer);
  if (!ptr || !exportData)
    return recordError(cudaErrorInvalidValue);
  // Only a pool imported from a shareable handle imports pointers; there
  // are none.
  return recordError(cudaErrorInvalidValue);
}
