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
// Stream capture (cudaStreamBeginCapture ... cudaStreamEndCapture) is
// modelled in core/Graph.h; the entries here validate handles and modes.
// cudaLaunchHostFunc and cudaStreamWaitEvent take part in a capture (host
// node; fork/join through captured events, or an event wait node with
// cudaEventWaitExternal); cudaStreamAddCallback, cudaStreamSynchronize and
// cudaStreamQuery refuse a capturing stream, as in CUDA.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"
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
  forgetStreamCapture(created);
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
  if (cudaError_t error = lookupStream(stream, &target))
    return recordError(error);
  if (!liveEvents().contains(event))
    return recordError(cudaErrorInvalidResourceHandle);
  if (flags & ~unsigned(cudaEventWaitExternal))
    return recordError(cudaErrorInvalidValue);
  auto *waited = reinterpret_cast<Event *>(event);
  bool captured = false;
  if (cudaError_t error = captureEventWait(stream, *waited,
                                           flags & cudaEventWaitExternal, &captured);
      error || captured)
    return recordError(error);
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
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return recordError(error);
  if (target.capture) {
    auto node = std::make_unique<GraphNode>();
    node->type = cudaGraphNodeTypeHost;
    node->data.host = {fn, userData};
    return recordError(captureNode(target, std::move(node)));
  }
  if (cudaError_t error = orderSubmission(target))
    return recordError(error);
  return recordError(toCudaError(target.queue->hostCallback(fn, userData)));
}

CUPORT_EXPORT cudaError_t cudaStreamGetFlags(cudaStream_t hStream, unsigned int *flags) {
  CUPORT_API_ENTRY(cudaStreamGetFlags);
  if (!flags)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = lookupStream(hStream, &target))
    return recordError(error);
  *flags = target.stream ? target.stream->flags : cudaStreamDefault;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamGetPriority(cudaStream_t hStream, int *priority) {
  CUPORT_API_ENTRY(cudaStreamGetPriority);
  if (!priority)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = lookupStream(hStream, &target))
    return recordError(error);
  *priority = target.stream ? target.stream->priority : kLeastPriority;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamGetDevice(cudaStream_t hStream, int *device) {
  CUPORT_API_ENTRY(cudaStreamGetDevice);
  if (!device)
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  if (cudaError_t error = lookupStream(hStream, &target))
    return recordError(error);
  *device = target.device->ordinal;
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Stream capture
//===----------------------------------------------------------------------===//

namespace {

bool validCaptureMode(cudaStreamCaptureMode mode) {
  return mode == cudaStreamCaptureModeGlobal ||
         mode == cudaStreamCaptureModeThreadLocal ||
         mode == cudaStreamCaptureModeRelaxed;
}

/// The stream a capture call names: a created stream or the calling
/// thread's per-thread stream; the legacy stream cannot capture.
cudaError_t captureStream(cudaStream_t handle, Stream **out) {
  StreamTarget target;
  if (cudaError_t error = lookupStream(handle, &target))
    return error;
  if (!target.stream)
    return cudaErrorStreamCaptureUnsupported;
  *out = target.stream;
  return cudaSuccess;
}

/// The data of the edges from `nodes` to the next captured node (checked;
/// that node's type is not known yet).
cudaError_t captureEdges(const std::vector<GraphNode *> &nodes,
                         const cudaGraphEdgeData *edges,
                         std::vector<cudaGraphEdgeData> *out) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    cudaGraphEdgeData edge = edgeDataAt(edges, i);
    if (cudaError_t error = checkEdgeData(edge, nodes[i]->type, cudaGraphNodeTypeCount))
      return error;
    out->push_back(edge);
  }
  return cudaSuccess;
}

/// `count` distinct live nodes of `graph`.
cudaError_t nodesOf(const Graph *graph, const cudaGraphNode_t *nodes, size_t count,
                    std::vector<GraphNode *> *out) {
  if (count && !nodes)
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < count; ++i) {
    auto *node = reinterpret_cast<GraphNode *>(nodes[i]);
    if (!liveNodes().contains(node) || node->graph != graph ||
        std::find(out->begin(), out->end(), node) != out->end())
      return cudaErrorInvalidValue;
    out->push_back(node);
  }
  return cudaSuccess;
}

/// The capture status of a stream; the legacy stream reports
/// cudaErrorStreamCaptureImplicit while a blocking stream of its device
/// captures.
cudaError_t captureStatus(cudaStream_t handle, cudaStreamCaptureStatus *status,
                          StreamCapture **capture) {
  StreamTarget target;
  if (cudaError_t error = lookupStream(handle, &target))
    return error;
  *capture = nullptr;
  *status = cudaStreamCaptureStatusNone;
  if (!target.stream) {
    std::lock_guard lock(graphMutex());
    bool blockingCapture = false;
    liveStreams().forEach([&](Stream *stream) {
      if (stream->device == target.device && stream->isBlocking() && stream->capture)
        blockingCapture = true;
    });
    return blockingCapture ? cudaErrorStreamCaptureImplicit : cudaSuccess;
  }
  if (StreamCapture *active = target.stream->capture) {
    *capture = active;
    *status = active->session->invalidated ? cudaStreamCaptureStatusInvalidated
                                           : cudaStreamCaptureStatusActive;
  }
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaStreamBeginCapture(cudaStream_t stream,
                                                 enum cudaStreamCaptureMode mode) {
  CUPORT_API_ENTRY(cudaStreamBeginCapture);
  if (!validCaptureMode(mode))
    return recordError(cudaErrorInvalidValue);
  Stream *created = nullptr;
  if (cudaError_t error = captureStream(stream, &created))
    return recordError(error);
  return recordError(beginCapture(created, nullptr, {}, mode));
}

CUPORT_EXPORT cudaError_t cudaStreamBeginCaptureToGraph(
    cudaStream_t stream, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    enum cudaStreamCaptureMode mode) {
  CUPORT_API_ENTRY(cudaStreamBeginCaptureToGraph);
  if (!validCaptureMode(mode))
    return recordError(cudaErrorInvalidValue);
  Stream *created = nullptr;
  if (cudaError_t error = captureStream(stream, &created))
    return recordError(error);
  std::lock_guard lock(graphMutex());
  auto *target = reinterpret_cast<Graph *>(graph);
  if (!liveGraphs().contains(target) || target->parent)
    return recordError(cudaErrorInvalidValue);
  std::vector<GraphNode *> after;
  if (cudaError_t error = nodesOf(target, dependencies, numDependencies, &after))
    return recordError(error);
  std::vector<cudaGraphEdgeData> edges;
  if (cudaError_t error = captureEdges(after, dependencyData, &edges))
    return recordError(error);
  return recordError(beginCapture(created, target, after, mode, edges));
}

CUPORT_EXPORT cudaError_t cudaStreamEndCapture(cudaStream_t stream,
                                               cudaGraph_t *pGraph) {
  CUPORT_API_ENTRY(cudaStreamEndCapture);
  if (!pGraph)
    return recordError(cudaErrorInvalidValue);
  Stream *created = nullptr;
  if (cudaError_t error = captureStream(stream, &created))
    return recordError(error == cudaErrorStreamCaptureUnsupported
                           ? cudaErrorIllegalState
                           : error);
  Graph *graph = nullptr;
  cudaError_t error = endCapture(created, &graph);
  if (error == cudaSuccess || error == cudaErrorStreamCaptureInvalidated ||
      error == cudaErrorStreamCaptureUnjoined)
    *pGraph = reinterpret_cast<cudaGraph_t>(graph);
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaStreamIsCapturing(cudaStream_t stream,
                                                enum cudaStreamCaptureStatus *pCaptureStatus) {
  CUPORT_API_ENTRY(cudaStreamIsCapturing);
  if (!pCaptureStatus)
    return recordError(cudaErrorInvalidValue);
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = nullptr;
  return recordError(captureStatus(stream, pCaptureStatus, &capture));
}

CUPORT_EXPORT cudaError_t cudaStreamGetCaptureInfo(
    cudaStream_t stream, enum cudaStreamCaptureStatus *captureStatus_out,
    unsigned long long *id_out, cudaGraph_t *graph_out,
    const cudaGraphNode_t **dependencies_out, const cudaGraphEdgeData **edgeData_out,
    size_t *numDependencies_out) {
  CUPORT_API_ENTRY(cudaStreamGetCaptureInfo);
  if (!captureStatus_out)
    return recordError(cudaErrorInvalidValue);
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = nullptr;
  if (cudaError_t error = captureStatus(stream, captureStatus_out, &capture))
    return recordError(error);
  if (!capture)
    return cudaSuccess;
  if (id_out)
    *id_out = capture->session->id;
  if (graph_out)
    *graph_out = reinterpret_cast<cudaGraph_t>(capture->session->graph);
  capture->reported = capture->dependencies;
  capture->reportedEdges = capture->dependencyEdges;
  capture->reportedEdges.resize(capture->reported.size(), cudaGraphEdgeData{});
  if (!edgeData_out && dependencies_out &&
      !std::all_of(capture->reportedEdges.begin(), capture->reportedEdges.end(),
                   isDefaultEdge))
    return recordError(cudaErrorLossyQuery);
  if (dependencies_out)
    *dependencies_out = reinterpret_cast<const cudaGraphNode_t *>(
        capture->reported.empty() ? nullptr : capture->reported.data());
  if (edgeData_out)
    *edgeData_out =
        capture->reportedEdges.empty() ? nullptr : capture->reportedEdges.data();
  if (numDependencies_out)
    *numDependencies_out = capture->reported.size();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaStreamUpdateCaptureDependencies(
    cudaStream_t stream, cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamUpdateCaptureDependencies);
  if (flags != cudaStreamAddCaptureDependencies &&
      flags != cudaStreamSetCaptureDependencies)
    return recordError(cudaErrorInvalidValue);
  std::lock_guard lock(graphMutex());
  cudaStreamCaptureStatus status;
  StreamCapture *capture = nullptr;
  if (cudaError_t error = captureStatus(stream, &status, &capture))
    return recordError(error);
  if (!capture)
    return recordError(cudaErrorIllegalState);
  if (status == cudaStreamCaptureStatusInvalidated)
    return recordError(cudaErrorStreamCaptureInvalidated);
  std::vector<GraphNode *> nodes;
  if (cudaError_t error =
          nodesOf(capture->session->graph, dependencies, numDependencies, &nodes))
    return recordError(error);
  std::vector<cudaGraphEdgeData> edges;
  if (cudaError_t error = captureEdges(nodes, dependencyData, &edges))
    return recordError(error);
  if (flags == cudaStreamSetCaptureDependencies) {
    capture->dependencies.clear();
    capture->dependencyEdges.clear();
  }
  capture->dependencyEdges.resize(capture->dependencies.size(), cudaGraphEdgeData{});
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto known = std::find(capture->dependencies.begin(), capture->dependencies.end(),
                           nodes[i]);
    if (known == capture->dependencies.end()) {
      capture->dependencies.push_back(nodes[i]);
      capture->dependencyEdges.push_back(edges[i]);
    } else {
      // Already a dependency: the edge takes the data given now.
      capture->dependencyEdges[static_cast<size_t>(known - capture->dependencies.begin())] =
          edges[i];
    }
  }
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaThreadExchangeStreamCaptureMode(
    enum cudaStreamCaptureMode *mode) {
  CUPORT_API_ENTRY(cudaThreadExchangeStreamCaptureMode);
  if (!mode || !validCaptureMode(*mode))
    return recordError(cudaErrorInvalidValue);
  std::swap(*mode, threadCaptureMode());
  return cudaSuccess;
}
