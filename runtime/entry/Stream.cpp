//===- entry/Stream.cpp - Stream management --------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Streams are backend queues (in-order; independent streams overlap). The
// legacy default stream's synchronizing behaviour is applied by
// orderSubmission() in core/Streams.cpp.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/IpcEvents.h"

#include "core/MemoryPool.h"
#include "core/Streams.h"

#include <algorithm>
#include <memory>

using namespace cuport::rt;
using cuport::backend::Status;

namespace {

// Stream priorities as an Ampere GPU reports them: 0 is the lowest
// priority, -5 the highest.
constexpr int kLeastPriority = 0;
constexpr int kGreatestPriority = -5;

cudaError_t createStream(cudaStream_t *out, unsigned flags, int priority) {
  if (!out || (flags & ~unsigned(cudaStreamNonBlocking)))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  auto stream = std::make_unique<Stream>();
  stream->device = device;
  stream->flags = flags;
  stream->priority = std::clamp(priority, kGreatestPriority, kLeastPriority);
  if (device->backend->createQueue(&stream->queue) != Status::Success)
    return cudaErrorMemoryAllocation;
  if (device->backend->createEvent(&stream->orderEvent) != Status::Success) {
    device->backend->destroyQueue(stream->queue);
    return cudaErrorMemoryAllocation;
  }
  stream->id = nextStreamId();
  liveStreams().insert(stream.get());
  *out = reinterpret_cast<cudaStream_t>(stream.release());
  return cudaSuccess;
}

/// A created stream (not 0, legacy or per-thread), or nullptr.
Stream *createdStream(cudaStream_t handle) {
  return liveStreams().contains(handle) ? reinterpret_cast<Stream *>(handle)
                                        : nullptr;
}

struct CallbackClosure {
  cudaStreamCallback_t callback;
  cudaStream_t stream;
  void *userData;
};

} // namespace

CUPORT_EXPORT cudaError_t cudaStreamCreate(cudaStream_t *pStream) {
  CUPORT_API_ENTRY(cudaStreamCreate);
  return recordError(createStream(pStream, cudaStreamDefault, kLeastPriority));
}

CUPORT_EXPORT cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream,
                                                    unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamCreateWithFlags);
  return recordError(createStream(pStream, flags, kLeastPriority));
}

CUPORT_EXPORT cudaError_t cudaStreamCreateWithPriority(cudaStream_t *pStream,
                                                       unsigned int flags,
                                                       int priority) {
  CUPORT_API_ENTRY(cudaStreamCreateWithPriority);
  return recordError(createStream(pStream, flags, priority));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetStreamPriorityRange(int *leastPriority,
                                                           int *greatestPriority) {
  CUPORT_API_ENTRY(cudaDeviceGetStreamPriorityRange);
  if (leastPriority)
    *leastPriority = kLeastPriority;
  if (greatestPriority)
    *greatestPriority = kGreatestPriority;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaStreamDestroy);
  Stream *created = createdStream(stream);
  if (!created)
    return recordError(cudaErrorInvalidResourceHandle);
  liveStreams().erase(created);
  // Work already submitted still runs to completion before the resources go.
  created->queue->synchronize();
  created->device->backend->destroyEvent(created->orderEvent);
  created->device->backend->destroyQueue(created->queue);
  delete created;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaStreamSynchronize);
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return recordError(error);
  cudaError_t error = target.stream
                          ? target.device->synchronizeQueue(*target.queue)
                          : target.device->synchronize(); // legacy: all blocking work
  memoryPools().releaseAboveThreshold(*target.device); // pools trim at syncs
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaStreamQuery(cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaStreamQuery);
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return recordError(error);
  if (target.device->sticky != cudaSuccess)
    return recordError(target.device->sticky);
  // cudaErrorNotReady is an answer, not an error: it is not recorded.
  return target.queue->query() == Status::Success ? cudaSuccess : cudaErrorNotReady;
}

CUPORT_EXPORT cudaError_t cudaStreamWaitEvent(cudaStream_t stream,
                                              cudaEvent_t event, unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamWaitEvent);
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return recordError(error);
  if (!liveEvents().contains(event))
    return recordError(cudaErrorInvalidResourceHandle);
  if (flags & ~unsigned(cudaEventWaitExternal))
    return recordError(cudaErrorInvalidValue);
  auto *waited = reinterpret_cast<Event *>(event);
  if (waited->ipc) // records of every process that holds it
    return recordError(waitIpcEvent(*waited->ipc, target.queue));
  if (!waited->recorded)
    return cudaSuccess; // nothing to wait for
  return recordError(toCudaError(target.queue->wait(*waited->event)));
}

CUPORT_EXPORT cudaError_t cudaStreamAddCallback(cudaStream_t stream,
                                                cudaStreamCallback_t callback,
                                                void *userData, unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamAddCallback);
  if (!callback || flags != 0)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return recordError(error);
  if (cudaError_t error = orderSubmission(target))
    return recordError(error);
  auto *closure = new CallbackClosure{callback, stream, userData};
  auto trampoline = [](void *data) {
    std::unique_ptr<CallbackClosure> closure(static_cast<CallbackClosure *>(data));
    closure->callback(closure->stream, cudaSuccess, closure->userData);
  };
  return recordError(toCudaError(target.queue->hostCallback(trampoline, closure)));
}

CUPORT_EXPORT cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn,
                                             void *userData) {
  CUPORT_API_ENTRY(cudaLaunchHostFunc);
  if (!fn)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return recordError(error);
  if (cudaError_t error = orderSubmission(target))
    return recordError(error);
  return recordError(toCudaError(target.queue->hostCallback(fn, userData)));
}

CUPORT_EXPORT cudaError_t cudaStreamGetFlags(cudaStream_t hStream, unsigned int *flags) {
  CUPORT_API_ENTRY(cudaStreamGetFlags);
  if (!flags)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = resolveStream(hStream, &target))
    return recordError(error);
  *flags = target.stream ? target.stream->flags : cudaStreamDefault;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamGetPriority(cudaStream_t hStream, int *priority) {
  CUPORT_API_ENTRY(cudaStreamGetPriority);
  if (!priority)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = resolveStream(hStream, &target))
    return recordError(error);
  *priority = target.stream ? target.stream->priority : kLeastPriority;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamGetDevice(cudaStream_t hStream, int *device) {
  CUPORT_API_ENTRY(cudaStreamGetDevice);
  if (!device)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = resolveStream(hStream, &target))
    return recordError(error);
  *device = target.device->ordinal;
  return cudaSuccess;
}
