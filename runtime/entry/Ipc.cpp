//===- entry/Ipc.cpp - Interprocess memory and event handles ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaIpc* memory handles work between processes of one machine, as CUDA's
// do. The backend keeps device memory in a file another process can map
// (the CPU backend: a memfd per device); a handle carries what
// Device::exportMemory describes (exporting process, its file descriptor,
// the file's inode, offset, size, export slot and generation) and
// cudaIpcOpenMemHandle maps it with Device::importMemory. A handle whose
// allocation was freed (its generation left the export slot) or whose
// process exited opens to cudaErrorInvalidResourceHandle; bytes that are no
// handle at all to cudaErrorInvalidValue; a handle opened in the process
// that exported it to cudaErrorDeviceUninitialized (CUDA's "invalid device
// context": that process already has the pointer). Opening the same handle
// again returns the same pointer with a reference count; the mapping goes
// at the last cudaIpcCloseMemHandle.
//
// Event handles: see core/IpcEvents.h; an opened event is a new event of
// the current device (destroyed with cudaEventDestroy) sharing the
// exported event's completion state.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/IpcEvents.h"
#include "core/MemoryPool.h"
#include "core/Streams.h"

#include <unistd.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

using namespace cuport::rt;
using cuport::backend::MemoryKind;
namespace backend = cuport::backend;

namespace {

constexpr char kMemoryMagic[8] = {'c', 'u', 'p', 'I', 'P', 'C', 'm', '2'};

/// The payload of a memory handle (64 bytes hold it).
struct EncodedMemory {
  char magic[8];
  backend::ExportedMemory memory;
  int32_t device;
};
static_assert(sizeof(EncodedMemory) <= CUDA_IPC_HANDLE_SIZE);

/// Handles opened in this process: the pointer each gave, with its count.
struct OpenedMemory {
  struct Opened {
    void *pointer;
    int count;
    Device *device;
  };
  std::mutex mutex;
  std::map<std::tuple<int64_t, uint64_t, uint64_t, uint64_t>, Opened> byHandle;
  std::map<const void *, std::tuple<int64_t, uint64_t, uint64_t, uint64_t>> byPointer;
};

OpenedMemory &openedMemory() {
  static auto *opened = new OpenedMemory();
  return *opened;
}

/// The cudaError_t cudaIpcOpenMemHandle documents for an import failure.
cudaError_t importError(backend::Status status) {
  switch (status) {
  case backend::Status::NotFound: return cudaErrorInvalidResourceHandle;
  case backend::Status::InvalidValue: return cudaErrorInvalidValue;
  case backend::Status::NotSupported: return cudaErrorNotSupported;
  default: return cudaErrorMapBufferObjectFailed;
  }
}

cudaError_t getMemHandle(cudaIpcMemHandle_t *handle, void *devPtr) {
  if (!handle || !devPtr)
    return cudaErrorInvalidValue;
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(devPtr);
  // The base of cudaMalloc memory only: not pinned host memory, not module
  // variables, not stream-ordered allocations (those go through pool
  // export), not memory opened from another process's handle.
  if (!allocation || allocation->base != reinterpret_cast<uintptr_t>(devPtr) ||
      allocation->kind != MemoryKind::Device || allocation->isSymbol ||
      memoryPools().owner(devPtr))
    return cudaErrorInvalidValue;
  Device *device = Runtime::instance().device(allocation->device);
  if (!device)
    return cudaErrorInvalidValue;
  EncodedMemory payload{};
  std::memcpy(payload.magic, kMemoryMagic, sizeof kMemoryMagic);
  switch (device->backend->exportMemory(devPtr, &payload.memory)) {
  case backend::Status::Success: break;
  case backend::Status::OutOfMemory: return cudaErrorMemoryAllocation;
  case backend::Status::NotSupported: return cudaErrorNotSupported;
  default: return cudaErrorInvalidValue; // e.g. opened from another process
  }
  payload.device = allocation->device;
  std::memset(handle->reserved, 0, sizeof handle->reserved);
  std::memcpy(handle->reserved, &payload, sizeof payload);
  return cudaSuccess;
}

cudaError_t openMemHandle(void **devPtr, const cudaIpcMemHandle_t &handle,
                          unsigned flags) {
  if (!devPtr || (flags & ~unsigned(cudaIpcMemLazyEnablePeerAccess)))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  EncodedMemory payload;
  std::memcpy(&payload, handle.reserved, sizeof payload);
  const backend::ExportedMemory &memory = payload.memory;
  if (std::memcmp(payload.magic, kMemoryMagic, sizeof kMemoryMagic) != 0 ||
      memory.slot == 0 || memory.generation == 0)
    return cudaErrorInvalidValue;
  if (memory.process == getpid())
    return cudaErrorDeviceUninitialized; // CUDA: no context opens its own
  auto key = std::make_tuple(memory.process, memory.inode, memory.offset,
                             memory.generation);
  std::lock_guard lock(openedMemory().mutex);
  auto opened = openedMemory().byHandle.find(key);
  if (opened != openedMemory().byHandle.end()) {
    ++opened->second.count;
    *devPtr = opened->second.pointer;
    return cudaSuccess;
  }
  void *pointer = nullptr;
  if (backend::Status status = device->backend->importMemory(memory, &pointer);
      status != backend::Status::Success)
    return importError(status);
  openedMemory().byHandle[key] = {pointer, 1, device};
  openedMemory().byPointer[pointer] = key;
  Runtime::instance().allocations().insert({reinterpret_cast<uintptr_t>(pointer),
                                            memory.size, MemoryKind::Device,
                                            device->ordinal});
  *devPtr = pointer;
  return cudaSuccess;
}

cudaError_t closeMemHandle(void *devPtr) {
  if (!devPtr)
    return cudaErrorInvalidValue;
  std::lock_guard lock(openedMemory().mutex);
  auto byPointer = openedMemory().byPointer.find(devPtr);
  if (byPointer == openedMemory().byPointer.end())
    return cudaErrorInvalidValue; // not opened through a handle
  auto opened = openedMemory().byHandle.find(byPointer->second);
  if (--opened->second.count > 0)
    return cudaSuccess;
  Device *device = opened->second.device;
  openedMemory().byHandle.erase(opened);
  openedMemory().byPointer.erase(byPointer);
  Runtime::instance().allocations().erase(devPtr);
  return toCudaError(device->backend->closeImported(devPtr));
}

cudaError_t getEventHandle(cudaIpcEventHandle_t *handle, cudaEvent_t event) {
  if (!handle)
    return cudaErrorInvalidValue;
  if (!liveEvents().contains(event))
    return cudaErrorInvalidResourceHandle;
  auto *live = reinterpret_cast<Event *>(event);
  if (!(live->flags & cudaEventInterprocess) || !live->ipc)
    return cudaErrorInvalidResourceHandle;
  encodeIpcEvent(*live->ipc, handle);
  return cudaSuccess;
}

cudaError_t openEventHandle(cudaEvent_t *out, const cudaIpcEventHandle_t &handle) {
  if (!out)
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  IpcEventState *state = nullptr;
  if (cudaError_t error = openIpcEvent(handle, &state))
    return error;
  // An event of this process's current device whose records, queries and
  // waits go through the shared page.
  auto event = std::make_unique<Event>();
  event->device = device;
  event->flags = cudaEventInterprocess | cudaEventDisableTiming;
  event->ipc = state;
  if (device->backend->createEvent(&event->event) != backend::Status::Success) {
    destroyIpcEventState(state);
    return cudaErrorMemoryAllocation;
  }
  liveEvents().insert(event.get());
  *out = reinterpret_cast<cudaEvent_t>(event.release());
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
