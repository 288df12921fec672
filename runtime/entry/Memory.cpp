//===- entry/Memory.cpp - Memory management --------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every device pointer an application passes is checked against the
// allocation table: a pointer the runtime did not hand out, or a range
// running past its allocation, is cudaErrorInvalidValue. Host pointers the
// runtime did not allocate are pageable memory and cannot be checked.
//
// Copies follow CUDA's rules on host memory: cudaMemcpyAsync from pageable
// memory captures the source before returning (staged), to pageable memory
// it is synchronous; with pinned memory (cudaMallocHost / cudaHostAlloc)
// both directions are fully asynchronous.
//
// On a capturing stream, cudaMemcpyAsync and cudaMemsetAsync become memcpy
// and memset nodes of the capture's graph (core/Graph.h); a captured copy
// reads its source when the graph runs, as in CUDA.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"
#include "core/Streams.h"

#include <cstring>
#include <memory>

using namespace cuport::rt;
using cuport::backend::MemoryKind;
using cuport::backend::Status;

namespace {

AllocationTable &table() { return Runtime::instance().allocations(); }

bool isPinnedHost(const void *pointer) {
  std::optional<Allocation> allocation = table().find(pointer);
  return allocation && allocation->kind == MemoryKind::PinnedHost;
}

/// Which sides of a copy are device memory, per `kind`; false for a kind
/// that does not exist.
bool deviceSides(cudaMemcpyKind kind, const void *dst, const void *src,
                 bool *dstDevice, bool *srcDevice) {
  switch (kind) {
  case cudaMemcpyHostToHost: *dstDevice = *srcDevice = false; return true;
  case cudaMemcpyHostToDevice: *dstDevice = true; *srcDevice = false; return true;
  case cudaMemcpyDeviceToHost: *dstDevice = false; *srcDevice = true; return true;
  case cudaMemcpyDeviceToDevice: *dstDevice = *srcDevice = true; return true;
  case cudaMemcpyDefault: {
    // Unified addressing: the allocation table tells device memory apart.
    auto isDevice = [](const void *p) {
      std::optional<Allocation> allocation = table().find(p);
      return allocation && allocation->kind != MemoryKind::PinnedHost;
    };
    *dstDevice = isDevice(dst);
    *srcDevice = isDevice(src);
    return true;
  }
  }
  return false;
}

/// One side of a copy or fill is acceptable.
bool validSide(const void *pointer, size_t count, bool isDevice) {
  if (!pointer)
    return false;
  return !isDevice || table().contains(pointer, count);
}

cudaError_t usableDevice(const StreamTarget &target) {
  return target.device->sticky;
}

cudaError_t copy(void *dst, const void *src, size_t count, cudaMemcpyKind kind,
                 cudaStream_t stream, bool async) {
  bool dstDevice = false, srcDevice = false;
  if (!deviceSides(kind, dst, src, &dstDevice, &srcDevice))
    return cudaErrorInvalidMemcpyDirection;
  if (count == 0)
    return cudaSuccess;
  if (!validSide(dst, count, dstDevice) || !validSide(src, count, srcDevice))
    return cudaErrorInvalidValue;
  if (!async)
    if (cudaError_t error = checkCaptureSafe())
      return error;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture)
    return captureMemcpy(target, memcpy1D(dst, src, count, kind));
  if (cudaError_t error = usableDevice(target))
    return error;
  if (cudaError_t error = orderSubmission(target))
    return error;

  bool pageableSource = !srcDevice && !isPinnedHost(src);
  bool pageableDestination = !dstDevice && !isPinnedHost(dst);
  if (async && pageableSource && !pageableDestination) {
    // Stage the source now: the caller may reuse it when the call returns.
    auto staged = std::shared_ptr<std::byte[]>(new std::byte[count]);
    std::memcpy(staged.get(), src, count);
    struct Stage {
      std::shared_ptr<std::byte[]> bytes;
    };
    auto *keep = new Stage{staged};
    if (cudaError_t error = toCudaError(target.queue->copy(dst, staged.get(), count)))
      return error;
    return toCudaError(target.queue->hostCallback(
        [](void *data) { delete static_cast<Stage *>(data); }, keep));
  }
  if (cudaError_t error = toCudaError(target.queue->copy(dst, src, count)))
    return error;
  if (async && !pageableDestination)
    return cudaSuccess;
  // Synchronous copies, and any copy into pageable memory, complete here.
  return target.device->synchronizeQueue(*target.queue);
}

cudaError_t fill(void *devPtr, int value, size_t count, cudaStream_t stream) {
  if (count == 0)
    return cudaSuccess;
  if (!validSide(devPtr, count, /*isDevice=*/true))
    return cudaErrorInvalidValue;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture)
    return captureMemset(target, {devPtr, count, static_cast<unsigned>(value) & 0xFFu, 1,
                                  count, 1});
  if (cudaError_t error = usableDevice(target))
    return error;
  if (cudaError_t error = orderSubmission(target))
    return error;
  return toCudaError(target.queue->fill(devPtr, static_cast<uint8_t>(value), count));
}

cudaError_t allocate(void **out, size_t size, MemoryKind kind) {
  if (!out)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkCaptureSafe())
    return error;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (device->sticky != cudaSuccess)
    return device->sticky;
  if (size == 0) {
    *out = nullptr;
    return cudaSuccess;
  }
  void *memory = nullptr;
  if (device->backend->allocate(size, kind, &memory) != Status::Success) {
    *out = nullptr;
    return cudaErrorMemoryAllocation;
  }
  table().insert({reinterpret_cast<uintptr_t>(memory), size, kind, device->ordinal});
  *out = memory;
  return cudaSuccess;
}

cudaError_t release(void *pointer, MemoryKind kind) {
  if (!pointer)
    return cudaSuccess;
  if (cudaError_t error = checkCaptureSafe())
    return error;
  if (cudaError_t result; kind == MemoryKind::Device && freeGraphAllocation(pointer, &result))
    return result;
  std::optional<Allocation> allocation = table().find(pointer);
  if (!allocation || allocation->base != reinterpret_cast<uintptr_t>(pointer) ||
      allocation->kind != kind || allocation->isSymbol)
    return cudaErrorInvalidValue;
  Device *device = Runtime::instance().device(allocation->device);
  if (!device)
    return cudaErrorInvalidValue;
  // Freeing waits for the device: running work may still use the memory.
  cudaError_t error = device->synchronize();
  table().erase(pointer);
  device->backend->release(pointer, kind);
  return error;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMalloc(void **devPtr, size_t size) {
  return recordError(allocate(devPtr, size, MemoryKind::Device));
}

CUPORT_EXPORT cudaError_t cudaFree(void *devPtr) {
  return recordError(release(devPtr, MemoryKind::Device));
}

CUPORT_EXPORT cudaError_t cudaMallocHost(void **ptr, size_t size) {
  return recordError(allocate(ptr, size, MemoryKind::PinnedHost));
}

CUPORT_EXPORT cudaError_t cudaHostAlloc(void **pHost, size_t size, unsigned int flags) {
  constexpr unsigned kValid = cudaHostAllocPortable | cudaHostAllocMapped |
                              cudaHostAllocWriteCombined;
  if (flags & ~kValid)
    return recordError(cudaErrorInvalidValue);
  return recordError(allocate(pHost, size, MemoryKind::PinnedHost));
}

CUPORT_EXPORT cudaError_t cudaFreeHost(void *ptr) {
  return recordError(release(ptr, MemoryKind::PinnedHost));
}

CUPORT_EXPORT cudaError_t cudaHostGetDevicePointer(void **pDevice, void *pHost,
                                                   unsigned int flags) {
  if (!pDevice || flags != 0)
    return recordError(cudaErrorInvalidValue);
  std::optional<Allocation> allocation = table().find(pHost);
  if (!allocation || allocation->kind != MemoryKind::PinnedHost)
    return recordError(cudaErrorInvalidValue);
  *pDevice = pHost; // every backend so far shares one address space
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaHostGetFlags(unsigned int *pFlags, void *pHost) {
  if (!pFlags)
    return recordError(cudaErrorInvalidValue);
  std::optional<Allocation> allocation = table().find(pHost);
  if (!allocation || allocation->kind != MemoryKind::PinnedHost)
    return recordError(cudaErrorInvalidValue);
  *pFlags = cudaHostAllocMapped;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemGetInfo(size_t *freeBytes, size_t *totalBytes) {
  if (!freeBytes || !totalBytes)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  return recordError(toCudaError(device->backend->memoryInfo(freeBytes, totalBytes)));
}

CUPORT_EXPORT cudaError_t cudaMemcpy(void *dst, const void *src, size_t count,
                                     enum cudaMemcpyKind kind) {
  return recordError(copy(dst, src, count, kind, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count,
                                          enum cudaMemcpyKind kind,
                                          cudaStream_t stream) {
  return recordError(copy(dst, src, count, kind, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  return recordError(fill(devPtr, value, count, nullptr));
}

CUPORT_EXPORT cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count,
                                          cudaStream_t stream) {
  return recordError(fill(devPtr, value, count, stream));
}
