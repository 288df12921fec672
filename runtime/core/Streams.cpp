//===- core/Streams.cpp - Streams, events and their handles ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Streams.h"

#include "core/Graph.h"
#include "core/Runtime.h"

#include <atomic>
#include <memory>
#include <vector>

namespace cuport::rt {

HandleSet<Stream> &liveStreams() {
  static auto *streams = new HandleSet<Stream>(); // never destroyed
  return *streams;
}

unsigned long long nextStreamId() {
  static std::atomic<unsigned long long> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

HandleSet<Event> &liveEvents() {
  static auto *events = new HandleSet<Event>();
  return *events;
}

namespace {

/// The thread that loaded the runtime: its per-thread streams live until
/// the process ends (its thread_local destructors run inside exit()).
const std::thread::id loadingThread = std::this_thread::get_id();

bool ownedBy(const Stream *stream, const Device *device, std::thread::id owner) {
  return stream->perThread && stream->owner == owner && stream->device == device;
}

/// The calling thread's per-thread default streams, one per device it used
/// cudaStreamPerThread on. Another thread's streams are destroyed when that
/// thread exits, after the work already submitted to them has run (CUDA
/// keeps the work too); cudaDeviceReset destroys them earlier, so each is
/// looked up in liveStreams() before use.
struct PerThreadStreams {
  std::vector<Stream *> streams;

  ~PerThreadStreams() {
    std::thread::id self = std::this_thread::get_id();
    if (self == loadingThread)
      return;
    for (Stream *mine : streams) {
      std::vector<Stream *> taken = liveStreams().takeIf([&](Stream *stream) {
        return stream == mine && stream->perThread && stream->owner == self;
      });
      for (Stream *stream : taken) {
        forgetStreamCapture(stream);
        stream->queue->synchronize();
        stream->device->backend->destroyEvent(stream->orderEvent);
        stream->device->backend->destroyQueue(stream->queue);
        delete stream;
      }
    }
  }
};

/// The calling thread's per-thread default stream on `device`: a blocking
/// stream (it synchronizes with the legacy stream, as CUDA's does), made on
/// first use.
cudaError_t perThreadStream(Device &device, Stream **out) {
  thread_local PerThreadStreams mine;
  std::thread::id self = std::this_thread::get_id();
  for (Stream *stream : mine.streams)
    if (liveStreams().contains(stream) && ownedBy(stream, &device, self)) {
      *out = stream;
      return cudaSuccess;
    }
  // None for this device, or it went with cudaDeviceReset: forget the
  // streams that are gone, then make one.
  std::erase_if(mine.streams, [](Stream *stream) { return !liveStreams().contains(stream); });
  auto stream = std::make_unique<Stream>();
  stream->device = &device;
  stream->perThread = true;
  stream->owner = self;
  if (device.backend->createQueue(&stream->queue) != backend::Status::Success)
    return cudaErrorMemoryAllocation;
  if (device.backend->createEvent(&stream->orderEvent) != backend::Status::Success) {
    device.backend->destroyQueue(stream->queue);
    return cudaErrorMemoryAllocation;
  }
  stream->id = nextStreamId();
  liveStreams().insert(stream.get());
  mine.streams.push_back(stream.get());
  *out = stream.release();
  return cudaSuccess;
}

} // namespace

cudaError_t lookupStream(cudaStream_t handle, StreamTarget *out) {
  if (handle == nullptr || handle == cudaStreamLegacy ||
      handle == cudaStreamPerThread) {
    Device *device = nullptr;
    if (cudaError_t error = Runtime::instance().currentDevice(&device))
      return error;
    if (handle == cudaStreamPerThread) {
      Stream *stream = nullptr;
      if (cudaError_t error = perThreadStream(*device, &stream))
        return error;
      *out = {device, stream, stream->queue};
      return cudaSuccess;
    }
    backend::Queue *queue = device->defaultQueue();
    if (!queue)
      return cudaErrorUnknown;
    *out = {device, nullptr, queue};
    return cudaSuccess;
  }
  if (!liveStreams().contains(handle))
    return cudaErrorInvalidResourceHandle;
  auto *stream = reinterpret_cast<Stream *>(handle);
  *out = {stream->device, stream, stream->queue};
  return cudaSuccess;
}

cudaError_t resolveStream(cudaStream_t handle, StreamTarget *out) {
  if (cudaError_t error = lookupStream(handle, out))
    return error;
  if (activeCaptures.load(std::memory_order_acquire) == 0)
    return cudaSuccess;
  return refuseCapture(*out);
}

cudaError_t resolveStreamForCapture(cudaStream_t handle, StreamTarget *out) {
  if (cudaError_t error = lookupStream(handle, out))
    return error;
  if (activeCaptures.load(std::memory_order_acquire) == 0)
    return cudaSuccess;
  return attachCapture(out);
}

cudaError_t orderSubmission(const StreamTarget &target) {
  Device &device = *target.device;
  if (!target.stream) {
    // Legacy stream: wait for what the blocking streams have been given.
    cudaError_t result = cudaSuccess;
    liveStreams().forEach([&](Stream *stream) {
      if (stream->device != &device || !stream->isBlocking())
        return;
      if (stream->queue->record(*stream->orderEvent) != backend::Status::Success ||
          target.queue->wait(*stream->orderEvent) != backend::Status::Success)
        result = cudaErrorUnknown;
    });
    return result;
  }
  if (!target.stream->isBlocking())
    return cudaSuccess;
  // Blocking stream: wait for what the legacy stream has been given.
  backend::Event *legacy = device.legacyOrderEvent();
  backend::Queue *legacyQueue = device.defaultQueue();
  if (!legacy || !legacyQueue)
    return cudaErrorUnknown;
  if (legacyQueue->record(*legacy) != backend::Status::Success ||
      target.queue->wait(*legacy) != backend::Status::Success)
    return cudaErrorUnknown;
  return cudaSuccess;
}

} // namespace cuport::rt
