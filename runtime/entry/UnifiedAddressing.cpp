//===- entry/UnifiedAddressing.cpp - Unified addressing --------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaPointerGetAttributes answers from the allocation table: device memory
// (cudaMalloc, and module variables, which device code addresses like it),
// pinned host memory (cudaMallocHost / cudaHostAlloc, mapped at the same
// address), managed memory. Any other address, null included, is host
// memory CUDA does not know: since CUDA 11 that is cudaSuccess with type
// cudaMemoryTypeUnregistered, not an error.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include <cstring>

using namespace cuport::rt;
using cuport::backend::MemoryKind;

CUPORT_EXPORT cudaError_t cudaPointerGetAttributes(
    struct cudaPointerAttributes *attributes, const void *ptr) {
  CUPORT_API_ENTRY(cudaPointerGetAttributes);
  if (!attributes)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  std::memset(attributes, 0, sizeof(*attributes));
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(ptr);
  void *pointer = const_cast<void *>(ptr);
  if (!allocation) {
    attributes->type = cudaMemoryTypeUnregistered;
    attributes->device = cudaInvalidDeviceId;
    return cudaSuccess;
  }
  attributes->device = allocation->device;
  switch (allocation->kind) {
  case MemoryKind::Device:
    // Not host-accessible in CUDA's model, whatever the backend allows.
    attributes->type = cudaMemoryTypeDevice;
    attributes->devicePointer = pointer;
    break;
  case MemoryKind::PinnedHost:
    // Every backend maps pinned memory at its host address.
    attributes->type = cudaMemoryTypeHost;
    attributes->devicePointer = pointer;
    attributes->hostPointer = pointer;
    break;
  case MemoryKind::Managed:
    attributes->type = cudaMemoryTypeManaged;
    attributes->devicePointer = pointer;
    attributes->hostPointer = pointer;
    break;
  }
  return cudaSuccess;
}
