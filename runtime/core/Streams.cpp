//===- core/Streams.cpp - Streams, events and their handles ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Streams.h"

#include "core/Graph.h"
#include "core/Runtime.h"

#include <atomic>

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

cudaError_t lookupStream(cudaStream_t handle, StreamTarget *out) {
  if (handle == nullptr || handle == cudaStreamLegacy ||
      handle == cudaStreamPerThread) {
    // The per-thread default stream is not separate yet: it behaves as the
    // legacy stream (correct ordering, less concurrency).
    Device *device = nullptr;
    if (cudaError_t error = Runtime::instance().currentDevice(&device))
      return error;
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
