//===- core/Streams.h - Streams, events and their handles ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A cudaStream_t is a Stream*, a cudaEvent_t an Event*; every handle an
// application passes is looked up in a HandleSet first, so a destroyed or
// made-up handle is cudaErrorInvalidResourceHandle, never a dangling
// dereference.
//
// The legacy default stream (stream 0, cudaStreamLegacy) synchronizes with
// every blocking stream of its device: work submitted to it waits for the
// work already submitted to blocking streams, and work submitted to a
// blocking stream waits for the work already submitted to it. Streams made
// with cudaStreamNonBlocking take no part in that. orderSubmission()
// implements the rule with backend events, only when the device has more
// than the default stream.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_STREAMS_H
#define CUPORT_RUNTIME_CORE_STREAMS_H

#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace cuport::rt {

struct Device;
struct StreamCapture;
struct CapturedRecord;

struct Stream {
  Device *device = nullptr;
  backend::Queue *queue = nullptr;
  unsigned flags = cudaStreamDefault;
  int priority = 0;
  /// Recorded on this stream when the legacy stream must wait for it.
  backend::Event *orderEvent = nullptr;
  /// Set while the stream captures (core/Graph.h; guarded by graphMutex()).
  StreamCapture *capture = nullptr;
  unsigned long long id = 0; ///< cudaStreamGetId
  /// cudaStreamSetAttribute's values (stored and returned; the priority is
  /// `priority` above). Guarded by attributeMutex.
  cudaAccessPolicyWindow accessPolicyWindow{};
  cudaSynchronizationPolicy syncPolicy = cudaSyncPolicyAuto;
  cudaLaunchMemSyncDomain memSyncDomain = cudaLaunchMemSyncDomainDefault;
  cudaLaunchMemSyncDomainMap memSyncDomainMap{0, 1};
  std::mutex attributeMutex;

  /// The per-thread default stream of `owner` (cudaStreamPerThread), made
  /// on the thread's first use of it on this device.
  bool perThread = false;
  std::thread::id owner;

  bool isBlocking() const { return !(flags & cudaStreamNonBlocking); }
};

struct Event {
  Device *device = nullptr;
  backend::Event *event = nullptr;
  unsigned flags = cudaEventDefault;
  bool recorded = false;
  /// cudaEventInterprocess: the state shared with other processes
  /// (core/IpcEvents.h).
  struct IpcEventState *ipc = nullptr;
  /// Set while the latest record was captured into a graph (core/Graph.h).
  std::shared_ptr<CapturedRecord> captured;
};

/// The set of live handles of one kind.
template <typename T> class HandleSet {
public:
  void insert(T *handle) {
    std::lock_guard lock(mutex_);
    live_.insert(handle);
  }
  bool erase(T *handle) {
    std::lock_guard lock(mutex_);
    return live_.erase(handle) > 0;
  }
  bool contains(const void *handle) const {
    std::lock_guard lock(mutex_);
    return live_.count(static_cast<T *>(const_cast<void *>(handle))) > 0;
  }
  template <typename Fn> void forEach(Fn &&fn) const {
    std::lock_guard lock(mutex_);
    for (T *handle : live_)
      fn(handle);
  }
  /// Removes the handles `pred` selects and returns them (cudaDeviceReset).
  template <typename Pred> std::vector<T *> takeIf(Pred &&pred) {
    std::lock_guard lock(mutex_);
    std::vector<T *> taken;
    for (auto it = live_.begin(); it != live_.end();) {
      if (pred(*it)) {
        taken.push_back(*it);
        it = live_.erase(it);
      } else {
        ++it;
      }
    }
    return taken;
  }

private:
  mutable std::mutex mutex_;
  std::unordered_set<T *> live_;
};

/// Where work for a stream handle goes.
struct StreamTarget {
  Device *device = nullptr;
  Stream *stream = nullptr; ///< nullptr: the legacy default stream
  backend::Queue *queue = nullptr;
  /// Set by resolveStreamForCapture when the stream captures: the
  /// operation becomes a graph node (core/Graph.h) instead of running.
  StreamCapture *capture = nullptr;
};

/// Resolves a stream handle (0, cudaStreamLegacy, cudaStreamPerThread or a
/// created stream) for the calling thread's current device, to submit work.
/// A capturing stream is refused (cudaErrorStreamCaptureUnsupported, the
/// capture is invalidated), as is the legacy stream while a blocking stream
/// of the device captures (cudaErrorStreamCaptureImplicit): operations that
/// can be captured use resolveStreamForCapture instead.
cudaError_t resolveStream(cudaStream_t handle, StreamTarget *out);

/// resolveStream for operations that can be captured: a capturing stream
/// resolves with `out->capture` set, and the caller adds a graph node.
cudaError_t resolveStreamForCapture(cudaStream_t handle, StreamTarget *out);

/// Only looks the handle up (queries of a stream's properties, legal
/// during capture).
cudaError_t lookupStream(cudaStream_t handle, StreamTarget *out);

/// Applies the legacy-stream ordering before work is submitted to `target`.
cudaError_t orderSubmission(const StreamTarget &target);

/// A new unique stream id (cudaStreamGetId), never 0.
unsigned long long nextStreamId();

HandleSet<Stream> &liveStreams();
HandleSet<Event> &liveEvents();

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_STREAMS_H
