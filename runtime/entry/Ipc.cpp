//===- entry/Ipc.cpp - Interprocess memory and event handles ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaIpc* handles encode what they name: the exporting process id, the
// allocation (base, size, device) or the event. Within the exporting
// process a handle opens to the same memory (reference-counted, closed by
// cudaIpcCloseMemHandle) or the same event. In another process it cannot:
// the CPU backend's device memory is private heap memory of the exporting
// process (sharing it would need allocations in shared memory, e.g.
// memfd), so opening there answers cudaErrorNotSupported. The device
// reports cudaDevAttrIpcEventSupport 0 for the same reason.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/MemoryPool.h"
#include "core/Streams.h"

#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>

using namespace cuport::rt;
using cuport::backend::MemoryKind;

namespace {

constexpr char kMemoryMagic[8] = {'c', 'u', 'p', 'I', 'P', 'C', 'm', '1'};
constexpr char kEventMagic[8] = {'c', 'u', 'p', 'I', 'P', 'C', 'e', '1'};

/// The payload of both handle kinds (64 bytes hold it).
struct Encoded {
  char magic[8];
  int64_t process;
  uint64_t address; ///< allocation base or Event*
  uint64_t size;
  int32_t device;
};
static_assert(sizeof(Encoded) <= CUDA_IPC_HANDLE_SIZE);

template <typename Handle> void encode(Handle *handle, const Encoded &payload) {
  std::memset(handle->reserved, 0, sizeof handle->reserved);
  std::memcpy(handle->reserved, &payload, sizeof payload);
}

template <typename Handle>
bool decode(const Handle &handle, const char (&magic)[8], Encoded *out) {
  std::memcpy(out, handle.reserved, sizeof *out);
  return std::memcmp(out->magic, magic, sizeof magic) == 0;
}

/// Pointers opened from handles in this process, with their open count.
struct OpenedMemory {
  std::mutex mutex;
  std::map<const void *, int> count;
};

OpenedMemory &openedMemory() {
  static auto *opened = new OpenedMemory();
  return *opened;
}

cudaError_t getMemHandle(cudaIpcMemHandle_t *handle, void *devPtr) {
  if (!handle || !devPtr)
    return cudaErrorInvalidValue;
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(devPtr);
  // cudaMalloc memory only: not pinned host memory, not module variables,
  // not stream-ordered allocations (those go through pool export).
  if (!allocation || allocation->kind != MemoryKind::Device || allocation->isSymbol ||
      memoryPools().owner(reinterpret_cast<void *>(allocation->base)))
    return cudaErrorInvalidValue;
  Encoded payload{};
  std::memcpy(payload.magic, kMemoryMagic, sizeof kMemoryMagic);
  payload.process = getpid();
  payload.address = allocation->base;
  payload.size = allocation->size;
  payload.device = allocation->device;
  encode(handle, payload);
  return cudaSuccess;
}

cudaError_t openMemHandle(void **devPtr, const cudaIpcMemHandle_t &handle,
                          unsigned flags) {
  if (!devPtr || (flags & ~unsigned(cudaIpcMemLazyEnablePeerAccess)))
    return cudaErrorInvalidValue;
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  Encoded payload;
  if (!decode(handle, kMemoryMagic, &payload))
    return cudaErrorInvalidValue;
  if (payload.process != getpid())
    return cudaErrorNotSupported; // another process's private memory
  auto *base = reinterpret_cast<void *>(payload.address);
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(base);
  if (!allocation || allocation->base != payload.address ||
      allocation->size != payload.size)
    return cudaErrorInvalidValue; // freed since it was exported
  std::lock_guard lock(openedMemory().mutex);
  ++openedMemory().count[base];
  *devPtr = base;
  return cudaSuccess;
}

cudaError_t closeMemHandle(void *devPtr) {
  if (!devPtr)
    return cudaErrorInvalidValue;
  std::lock_guard lock(openedMemory().mutex);
  auto it = openedMemory().count.find(devPtr);
  if (it == openedMemory().count.end())
    return cudaErrorInvalidValue; // not opened through a handle
  if (--it->second == 0)
    openedMemory().count.erase(it);
  return cudaSuccess;
}

cudaError_t getEventHandle(cudaIpcEventHandle_t *handle, cudaEvent_t event) {
  if (!handle)
    return cudaErrorInvalidValue;
  if (!liveEvents().contains(event))
    return cudaErrorInvalidResourceHandle;
  auto *live = reinterpret_cast<Event *>(event);
  if (!(live->flags & cudaEventInterprocess))
    return cudaErrorInvalidResourceHandle;
  Encoded payload{};
  std::memcpy(payload.magic, kEventMagic, sizeof kEventMagic);
  payload.process = getpid();
  payload.address = reinterpret_cast<uintptr_t>(event);
  payload.device = live->device->ordinal;
  encode(handle, payload);
  return cudaSuccess;
}

cudaError_t openEventHandle(cudaEvent_t *event, const cudaIpcEventHandle_t &handle) {
  if (!event)
    return cudaErrorInvalidValue;
  Encoded payload;
  if (!decode(handle, kEventMagic, &payload))
    return cudaErrorInvalidValue;
  if (payload.process != getpid())
    return cudaErrorNotSupported;
  auto *exported = reinterpret_cast<cudaEvent_t>(payload.address);
  if (!liveEvents().contains(exported))
    return cudaErrorInvalidResourceHandle; // destroyed since it was exported
  // Within the process the opened event is the exported one itself.
  *event = exported;
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaIpcGetMemHandle(cudaIpcMemHandle_t *handle, void *devPtr) {
  CUPORT_API_ENTRY(cudaIpcGetMemHandle);
  return recordError(getMemHandle(handle, devPtr));
}

CUPORT_EXPORT cudaError_t cudaIpcOpenMemHandle(void **devPtr, cudaIpcMemHandle_t handle,
                                               unsigned int flags) {
  CUPORT_API_ENTRY(cudaIpcOpenMemHandle);
  return recordError(openMemHandle(devPtr, handle, flags));
}

CUPORT_EXPORT cudaError_t cudaIpcCloseMemHandle(void *devPtr) {
  CUPORT_API_ENTRY(cudaIpcCloseMemHandle);
  return recordError(closeMemHandle(devPtr));
}

CUPORT_EXPORT cudaError_t cudaIpcGetEventHandle(cudaIpcEventHandle_t *handle,
                                                cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaIpcGetEventHandle);
  return recordError(getEventHandle(handle, event));
}

CUPORT_EXPORT cudaError_t cudaIpcOpenEventHandle(cudaEvent_t *event,
                                                 cudaIpcEventHandle_t handle) {
  CUPORT_API_ENTRY(cudaIpcOpenEventHandle);
  return recordError(openEventHandle(event, handle));
}
