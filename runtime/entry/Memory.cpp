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
// it is synchronous; with pinned memory (cudaMallocHost / cudaHostAlloc /
// cudaHostRegister) both directions are fully asynchronous. The work is in
// core/MemoryOps.cpp, shared with the 2D/3D and batched copies.
//
// cudaHostRegister pins memory the application owns: the range enters the
// allocation table as pinned host memory (marked registered, so only
// cudaHostUnregister removes it and nothing frees it).
//
// On a capturing stream, cudaMemcpyAsync and cudaMemsetAsync become memcpy
// and memset nodes of the capture's graph (core/MemoryOps.cpp, core/Graph.h);
// a captured copy reads its source when the graph runs, as in CUDA.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/MemoryOps.h"

using namespace cuport::rt;
using cuport::backend::MemoryKind;

namespace {

AllocationTable &table() { return Runtime::instance().allocations(); }

/// Pinned memory is mapped at its host address on every backend so far, so
/// cudaHostGetFlags always reports it mapped.
unsigned reportedHostFlags(const Allocation &allocation) {
  return allocation.flags | cudaHostAllocMapped;
}

cudaError_t registerHost(void *ptr, size_t size, unsigned flags) {
  constexpr unsigned kValid = cudaHostRegisterPortable | cudaHostRegisterMapped |
                              cudaHostRegisterIoMemory | cudaHostRegisterReadOnly;
  if (!ptr || size == 0 || (flags & ~kValid))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  // cudaDevAttrHostRegisterReadOnlySupported is 0 (DeviceProperties.cpp).
  if (flags & cudaHostRegisterReadOnly)
    return cudaErrorNotSupported;
  Allocation allocation{reinterpret_cast<uintptr_t>(ptr), size,
                        MemoryKind::PinnedHost, device->ordinal};
  allocation.registered = true;
  allocation.flags = flags;
  if (!table().insertIfFree(allocation))
    return cudaErrorHostMemoryAlreadyRegistered;
  return cudaSuccess;
}

cudaError_t unregisterHost(void *ptr) {
  if (!ptr)
    return cudaErrorInvalidValue;
  std::optional<Allocation> allocation = table().find(ptr);
  if (!allocation || !allocation->registered ||
      allocation->base != reinterpret_cast<uintptr_t>(ptr))
    return cudaErrorHostMemoryNotRegistered;
  // Work already submitted may still copy from or to the range.
  if (Device *device = Runtime::instance().device(allocation->device))
    device->synchronize();
  table().erase(ptr);
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMalloc(void **devPtr, size_t size) {
  CUPORT_API_ENTRY(cudaMalloc);
  return recordError(allocateMemory(devPtr, size, MemoryKind::Device));
}

CUPORT_EXPORT cudaError_t cudaFree(void *devPtr) {
  CUPORT_API_ENTRY(cudaFree);
  // cudaFree releases managed memory too.
  return recordError(releaseMemory(
      devPtr, kindBit(MemoryKind::Device) | kindBit(MemoryKind::Managed)));
}

CUPORT_EXPORT cudaError_t cudaMallocHost(void **ptr, size_t size) {
  CUPORT_API_ENTRY(cudaMallocHost);
  return recordError(allocateMemory(ptr, size, MemoryKind::PinnedHost));
}

CUPORT_EXPORT cudaError_t cudaHostAlloc(void **pHost, size_t size, unsigned int flags) {
  CUPORT_API_ENTRY(cudaHostAlloc);
  constexpr unsigned kValid = cudaHostAllocPortable | cudaHostAllocMapped |
                              cudaHostAllocWriteCombined;
  if (flags & ~kValid)
    return recordError(cudaErrorInvalidValue);
  return recordError(allocateMemory(pHost, size, MemoryKind::PinnedHost, flags));
}

CUPORT_EXPORT cudaError_t cudaFreeHost(void *ptr) {
  CUPORT_API_ENTRY(cudaFreeHost);
  return recordError(releaseMemory(ptr, kindBit(MemoryKind::PinnedHost)));
}

CUPORT_EXPORT cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags) {
  CUPORT_API_ENTRY(cudaHostRegister);
  return recordError(registerHost(ptr, size, flags));
}

CUPORT_EXPORT cudaError_t cudaHostUnregister(void *ptr) {
  CUPORT_API_ENTRY(cudaHostUnregister);
  return recordError(unregisterHost(ptr));
}

CUPORT_EXPORT cudaError_t cudaHostGetDevicePointer(void **pDevice, void *pHost,
                                                   unsigned int flags) {
  CUPORT_API_ENTRY(cudaHostGetDevicePointer);
  if (!pDevice || flags != 0)
    return recordError(cudaErrorInvalidValue);
  std::optional<Allocation> allocation = table().find(pHost);
  if (!allocation || allocation->kind != MemoryKind::PinnedHost)
    return recordError(cudaErrorInvalidValue);
  *pDevice = pHost; // every backend so far shares one address space
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaHostGetFlags(unsigned int *pFlags, void *pHost) {
  CUPORT_API_ENTRY(cudaHostGetFlags);
  if (!pFlags)
    return recordError(cudaErrorInvalidValue);
  std::optional<Allocation> allocation = table().find(pHost);
  if (!allocation || allocation->kind != MemoryKind::PinnedHost)
    return recordError(cudaErrorInvalidValue);
  *pFlags = reportedHostFlags(*allocation);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemGetInfo(size_t *freeBytes, size_t *totalBytes) {
  CUPORT_API_ENTRY(cudaMemGetInfo);
  if (!freeBytes || !totalBytes)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  return recordError(toCudaError(device->backend->memoryInfo(freeBytes, totalBytes)));
}

CUPORT_EXPORT cudaError_t cudaMemcpy(void *dst, const void *src, size_t count,
                                     enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy);
  return recordError(copyLinear(dst, src, count, kind, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count,
                                          enum cudaMemcpyKind kind,
                                          cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyAsync);
  return recordError(copyLinear(dst, src, count, kind, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  CUPORT_API_ENTRY(cudaMemset);
  return recordError(fillStrided({devPtr, count, count}, value, count, 1, 1, nullptr));
}

CUPORT_EXPORT cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count,
                                          cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemsetAsync);
  return recordError(fillStrided({devPtr, count, count}, value, count, 1, 1, stream));
}
