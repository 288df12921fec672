//===- entry/Memory.cpp - Memory management --------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every device pointer an application passes is checked against the
// allocation table: a pointer the runtime did not hand out, or a range
// running past its allocation, is cudaErrorInvalidValue. Host pointers
// cannot be checked (any host memory is valid) and are used as given.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

using namespace cuport::rt;
using cuport::backend::MemoryKind;

CUPORT_EXPORT cudaError_t cudaMalloc(void **devPtr, size_t size) {
  if (!devPtr)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  if (device->sticky != cudaSuccess)
    return recordError(device->sticky);
  if (size == 0) {
    *devPtr = nullptr;
    return cudaSuccess;
  }
  void *memory = nullptr;
  if (device->backend->allocate(size, MemoryKind::Device, &memory) !=
      cuport::backend::Status::Success) {
    *devPtr = nullptr;
    return recordError(cudaErrorMemoryAllocation);
  }
  Runtime::instance().allocations().insert(
      {reinterpret_cast<uintptr_t>(memory), size, MemoryKind::Device, device->ordinal});
  *devPtr = memory;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaFree(void *devPtr) {
  if (!devPtr)
    return cudaSuccess;
  auto &table = Runtime::instance().allocations();
  std::optional<Allocation> allocation = table.find(devPtr);
  if (!allocation || allocation->base != reinterpret_cast<uintptr_t>(devPtr) ||
      allocation->kind != MemoryKind::Device)
    return recordError(cudaErrorInvalidValue);
  Device *device = Runtime::instance().device(allocation->device);
  if (!device)
    return recordError(cudaErrorInvalidValue);
  // cudaFree waits for the device: a running kernel may still use the memory.
  cudaError_t error = device->synchronize();
  table.erase(devPtr);
  device->backend->release(devPtr, MemoryKind::Device);
  return recordError(error);
}

/// Checks one side of a copy; `isDevice` says whether the kind names it a
/// device pointer.
static bool validSide(const void *pointer, size_t count, bool isDevice) {
  if (!pointer)
    return false;
  return !isDevice || Runtime::instance().allocations().contains(pointer, count);
}

CUPORT_EXPORT cudaError_t cudaMemcpy(void *dst, const void *src, size_t count,
                                     enum cudaMemcpyKind kind) {
  bool dstDevice = false, srcDevice = false;
  switch (kind) {
  case cudaMemcpyHostToHost: break;
  case cudaMemcpyHostToDevice: dstDevice = true; break;
  case cudaMemcpyDeviceToHost: srcDevice = true; break;
  case cudaMemcpyDeviceToDevice: dstDevice = srcDevice = true; break;
  case cudaMemcpyDefault: {
    // Unified addressing: the allocation table tells which side is which.
    auto &table = Runtime::instance().allocations();
    dstDevice = table.find(dst).has_value();
    srcDevice = table.find(src).has_value();
    break;
  }
  default:
    return recordError(cudaErrorInvalidMemcpyDirection);
  }
  if (count == 0)
    return cudaSuccess;
  if (!validSide(dst, count, dstDevice) || !validSide(src, count, srcDevice))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  if (device->sticky != cudaSuccess)
    return recordError(device->sticky);
  cuport::backend::Queue *queue = nullptr;
  if (cudaError_t error = queueFor(nullptr, *device, &queue))
    return recordError(error);
  // Synchronous: ordered after earlier work on the default stream, and
  // complete when the call returns.
  if (cudaError_t error = toCudaError(queue->copy(dst, src, count)))
    return recordError(error);
  return recordError(device->synchronize());
}

CUPORT_EXPORT cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  if (count == 0)
    return cudaSuccess;
  if (!validSide(devPtr, count, /*isDevice=*/true))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  if (device->sticky != cudaSuccess)
    return recordError(device->sticky);
  cuport::backend::Queue *queue = nullptr;
  if (cudaError_t error = queueFor(nullptr, *device, &queue))
    return recordError(error);
  return recordError(
      toCudaError(queue->fill(devPtr, static_cast<uint8_t>(value), count)));
}
