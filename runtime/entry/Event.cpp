//===- entry/Event.cpp - Event management ----------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An event is a backend event recorded on a stream's queue; it completes
// (and takes its timestamp) when the queue reaches it. An event that was
// never recorded counts as complete, as in CUDA.
//
// Recorded in a capturing stream, an event records nothing: it remembers
// the stream's place in the capture (for cross-stream fork and join, see
// core/Graph.h), or with cudaEventRecordExternal becomes an event record
// node. While that capture goes on, querying or synchronizing the event is
// cudaErrorCapturedEvent.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"
#include "core/IpcEvents.h"
#include "core/MemoryPool.h"
#include "core/Streams.h"

#include <memory>

using namespace cuport::rt;
using cuport::backend::Status;

namespace {

constexpr unsigned kValidEventFlags =
    cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess;

cudaError_t createEvent(cudaEvent_t *out, unsigned flags) {
  if (!out || (flags & ~kValidEventFlags))
    return cudaErrorInvalidValue;
  // Interprocess events must not take timestamps (CUDA's rule).
  if ((flags & cudaEventInterprocess) && !(flags & cudaEventDisableTiming))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  auto event = std::make_unique<Event>();
  event->device = device;
  event->flags = flags;
  if (device->backend->createEvent(&event->event) != Status::Success)
    return cudaErrorMemoryAllocation;
  if ((flags & cudaEventInterprocess) && !(event->ipc = createIpcEventState())) {
    device->backend->destroyEvent(event->event);
    return cudaErrorMemoryAllocation;
  }
  liveEvents().insert(event.get());
  *out = reinterpret_cast<cudaEvent_t>(event.release());
  return cudaSuccess;
}

Event *liveEvent(cudaEvent_t handle) {
  return liveEvents().contains(handle) ? reinterpret_cast<Event *>(handle) : nullptr;
}

cudaError_t recordEvent(cudaEvent_t handle, cudaStream_t stream, unsigned flags) {
  Event *event = liveEvent(handle);
  if (!event)
    return cudaErrorInvalidResourceHandle;
  if (flags & ~unsigned(cudaEventRecordExternal))
    return cudaErrorInvalidValue;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.device != event->device)
    return cudaErrorInvalidResourceHandle;
  if (target.capture)
    return captureEventRecord(target, *event, flags & cudaEventRecordExternal);
  if (event->captured)
    forgetCapturedRecord(*event);
  // On the legacy stream the event also covers the blocking streams' work.
  if (cudaError_t error = orderSubmission(target))
    return error;
  if (cudaError_t error = toCudaError(target.queue->record(*event->event)))
    return error;
  event->recorded = true;
  if (event->ipc)
    return recordIpcEvent(*event->ipc, target.queue);
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaEventCreate(cudaEvent_t *event) {
  CUPORT_API_ENTRY(cudaEventCreate);
  return recordError(createEvent(event, cudaEventDefault));
}

CUPORT_EXPORT cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event,
                                                   unsigned int flags) {
  CUPORT_API_ENTRY(cudaEventCreateWithFlags);
  return recordError(createEvent(event, flags));
}

CUPORT_EXPORT cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaEventRecord);
  return recordError(recordEvent(event, stream, 0));
}

CUPORT_EXPORT cudaError_t cudaEventRecordWithFlags(cudaEvent_t event,
                                                   cudaStream_t stream,
                                                   unsigned int flags) {
  CUPORT_API_ENTRY(cudaEventRecordWithFlags);
  return recordError(recordEvent(event, stream, flags));
}

CUPORT_EXPORT cudaError_t cudaEventQuery(cudaEvent_t handle) {
  CUPORT_API_ENTRY(cudaEventQuery);
  Event *event = liveEvent(handle);
  if (!event)
    return recordError(cudaErrorInvalidResourceHandle);
  if (event->captured && isCapturedEvent(*event))
    return recordError(cudaErrorCapturedEvent);
  if (event->ipc) // records of every process that holds it
    return queryIpcEvent(*event->ipc);
  if (!event->recorded)
    return cudaSuccess;
  return event->event->query() == Status::Success ? cudaSuccess : cudaErrorNotReady;
}

CUPORT_EXPORT cudaError_t cudaEventSynchronize(cudaEvent_t handle) {
  CUPORT_API_ENTRY(cudaEventSynchronize);
  Event *event = liveEvent(handle);
  if (!event)
    return recordError(cudaErrorInvalidResourceHandle);
  if (event->captured && isCapturedEvent(*event))
    return recordError(cudaErrorCapturedEvent);
  if (event->recorded)
    event->event->synchronize();
  if (event->ipc)
    synchronizeIpcEvent(*event->ipc);
  memoryPools().releaseAboveThreshold(*event->device); // pools trim at syncs
  return recordError(event->device->sticky);
}

CUPORT_EXPORT cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start,
                                               cudaEvent_t end) {
  CUPORT_API_ENTRY(cudaEventElapsedTime);
  if (!ms)
    return recordError(cudaErrorInvalidValue);
  Event *first = liveEvent(start), *second = liveEvent(end);
  if (!first || !second)
    return recordError(cudaErrorInvalidResourceHandle);
  if ((first->flags | second->flags) & cudaEventDisableTiming)
    return recordError(cudaErrorInvalidResourceHandle);
  if (!first->recorded || !second->recorded)
    return recordError(cudaErrorInvalidResourceHandle);
  if (first->event->query() != Status::Success ||
      second->event->query() != Status::Success)
    return recordError(cudaErrorNotReady);
  double nanoseconds = double(second->event->timestampNs()) -
                       double(first->event->timestampNs());
  *ms = static_cast<float>(nanoseconds / 1e6);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaEventDestroy(cudaEvent_t handle) {
  CUPORT_API_ENTRY(cudaEventDestroy);
  Event *event = liveEvent(handle);
  if (!event)
    return recordError(cudaErrorInvalidResourceHandle);
  liveEvents().erase(event);
  // A pending record still refers to the backend event: let it complete.
  if (event->recorded)
    event->event->synchronize();
  event->device->backend->destroyEvent(event->event);
  destroyIpcEventState(event->ipc);
  delete event;
  return cudaSuccess;
}
