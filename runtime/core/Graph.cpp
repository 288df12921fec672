//===- core/Graph.cpp - CUDA graphs and stream capture --------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Graph.h"

#include "core/Arrays.h"
#include "core/Report.h"

#include "cuport/Log.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_set>

namespace cuport::rt {

std::atomic<int> activeCaptures{0};

std::recursive_mutex &graphMutex() {
  static auto *mutex = new std::recursive_mutex(); // never destroyed
  return *mutex;
}

HandleSet<Graph> &liveGraphs() {
  static auto *set = new HandleSet<Graph>();
  return *set;
}

HandleSet<GraphNode> &liveNodes() {
  static auto *set = new HandleSet<GraphNode>();
  return *set;
}

HandleSet<GraphExec> &liveExecs() {
  static auto *set = new HandleSet<GraphExec>();
  return *set;
}

HandleSet<UserObject> &liveUserObjects() {
  static auto *set = new HandleSet<UserObject>();
  return *set;
}

cudaStreamCaptureMode &threadCaptureMode() {
  thread_local cudaStreamCaptureMode mode = cudaStreamCaptureModeGlobal;
  return mode;
}

namespace {

/// The capture sessions going on (guarded by graphMutex()).
std::vector<CaptureSession *> &sessions() {
  static auto *list = new std::vector<CaptureSession *>();
  return *list;
}

CaptureSession *findSession(unsigned long long id) {
  for (CaptureSession *session : sessions())
    if (session->id == id)
      return session;
  return nullptr;
}

AllocationTable &table() { return Runtime::instance().allocations(); }

} // namespace

void KernelNodeData::refreshPointers() {
  argPointers.clear();
  for (uint32_t offset : argOffsets)
    argPointers.push_back(args.data() + offset);
}

Graph::~Graph() {
  liveGraphs().erase(this);
  for (auto &node : nodes) {
    liveNodes().erase(node.get());
    if (node->type == cudaGraphNodeTypeMemAlloc)
      dropGraphAllocation(node->data.dptr);
  }
  for (auto &[object, count] : userObjects)
    releaseUserObject(object, count);
}

//===----------------------------------------------------------------------===//
// Capture
//===----------------------------------------------------------------------===//

/// Invalidates the captures of blocking streams of `device`; true if any.
static bool invalidateBlockingCaptures(Device *device) {
  bool any = false;
  for (CaptureSession *session : sessions())
    for (Stream *stream : session->streams)
      if (stream->device == device && stream->isBlocking()) {
        session->invalidated = true;
        any = true;
      }
  return any;
}

cudaError_t refuseCapture(const StreamTarget &target) {
  std::lock_guard lock(graphMutex());
  if (target.stream) {
    if (StreamCapture *capture = target.stream->capture) {
      capture->session->invalidated = true;
      return cudaErrorStreamCaptureUnsupported;
    }
    return cudaSuccess;
  }
  return invalidateBlockingCaptures(target.device) ? cudaErrorStreamCaptureImplicit
                                                   : cudaSuccess;
}

cudaError_t attachCapture(StreamTarget *target) {
  std::lock_guard lock(graphMutex());
  if (!target->stream)
    return invalidateBlockingCaptures(target->device) ? cudaErrorStreamCaptureImplicit
                                                      : cudaSuccess;
  if (StreamCapture *capture = target->stream->capture) {
    if (capture->session->invalidated)
      return cudaErrorStreamCaptureInvalidated;
    target->capture = capture;
  }
  return cudaSuccess;
}

cudaError_t checkCaptureSafe() {
  if (activeCaptures.load(std::memory_order_acquire) == 0)
    return cudaSuccess;
  cudaStreamCaptureMode mode = threadCaptureMode();
  if (mode == cudaStreamCaptureModeRelaxed)
    return cudaSuccess;
  std::lock_guard lock(graphMutex());
  bool prohibited = false;
  std::thread::id self = std::this_thread::get_id();
  for (CaptureSession *session : sessions()) {
    bool own = session->thread == self && session->mode != cudaStreamCaptureModeRelaxed;
    bool global = mode == cudaStreamCaptureModeGlobal &&
                  session->mode == cudaStreamCaptureModeGlobal;
    if (own || global) {
      session->invalidated = true;
      prohibited = true;
    }
  }
  return prohibited ? cudaErrorStreamCaptureUnsupported : cudaSuccess;
}

bool isCaptureGraph(const Graph &graph) {
  std::lock_guard lock(graphMutex());
  return std::any_of(sessions().begin(), sessions().end(),
                     [&](CaptureSession *session) { return session->graph == &graph; });
}

bool isCapturedEvent(Event &event) {
  std::lock_guard lock(graphMutex());
  return event.captured && findSession(event.captured->session);
}

void forgetCapturedRecord(Event &event) {
  std::lock_guard lock(graphMutex());
  event.captured.reset();
}

cudaError_t beginCapture(Stream *stream, Graph *graph,
                         const std::vector<GraphNode *> &dependencies,
                         cudaStreamCaptureMode mode,
                         const std::vector<cudaGraphEdgeData> &edges) {
  static unsigned long long nextId = 0;
  std::lock_guard lock(graphMutex());
  if (stream->capture)
    return cudaErrorIllegalState;
  auto *session = new CaptureSession();
  session->id = ++nextId;
  session->ownsGraph = graph == nullptr;
  if (!graph) {
    graph = new Graph();
    liveGraphs().insert(graph);
  }
  session->graph = graph;
  session->mode = mode;
  session->thread = std::this_thread::get_id();
  session->origin = stream;
  session->streams = {stream};
  stream->capture = new StreamCapture{session, dependencies, {}, {}, edges};
  stream->capture->dependencyEdges.resize(dependencies.size(), cudaGraphEdgeData{});
  sessions().push_back(session);
  activeCaptures.fetch_add(1, std::memory_order_release);
  return cudaSuccess;
}

/// Every stream that joined the capture has been joined back: its last
/// nodes precede the origin stream's.
static bool allJoined(const CaptureSession &session) {
  std::unordered_set<const GraphNode *> before;
  std::vector<const GraphNode *> work(session.origin->capture->dependencies.begin(),
                                      session.origin->capture->dependencies.end());
  while (!work.empty()) {
    const GraphNode *node = work.back();
    work.pop_back();
    if (!before.insert(node).second)
      continue;
    work.insert(work.end(), node->dependencies.begin(), node->dependencies.end());
  }
  for (Stream *stream : session.streams)
    for (GraphNode *node : stream->capture->dependencies)
      if (!before.count(node))
        return false;
  return true;
}

/// Ends `session`: its streams stop capturing. Returns its graph.
static Graph *finishSession(CaptureSession *session) {
  for (Stream *stream : session->streams) {
    delete stream->capture;
    stream->capture = nullptr;
  }
  std::erase(sessions(), session);
  activeCaptures.fetch_sub(1, std::memory_order_release);
  Graph *graph = session->graph;
  delete session;
  return graph;
}

cudaError_t endCapture(Stream *stream, Graph **out) {
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = stream->capture;
  if (!capture)
    return cudaErrorIllegalState;
  CaptureSession *session = capture->session;
  if (session->origin != stream)
    return cudaErrorStreamCaptureUnmatched;
  if (session->mode != cudaStreamCaptureModeRelaxed &&
      session->thread != std::this_thread::get_id())
    return cudaErrorStreamCaptureWrongThread;
  bool joined = allJoined(*session);
  bool invalidated = session->invalidated;
  bool owns = session->ownsGraph;
  Graph *graph = finishSession(session);
  if (invalidated || !joined) {
    if (owns)
      destroyGraph(graph);
    *out = nullptr;
    return invalidated ? cudaErrorStreamCaptureInvalidated
                       : cudaErrorStreamCaptureUnjoined;
  }
  *out = graph;
  return cudaSuccess;
}

void forgetStreamCapture(Stream *stream) {
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = stream->capture;
  if (!capture)
    return;
  CaptureSession *session = capture->session;
  session->invalidated = true;
  if (session->origin == stream) {
    bool owns = session->ownsGraph;
    Graph *graph = finishSession(session);
    if (owns)
      destroyGraph(graph);
    return;
  }
  std::erase(session->streams, stream);
  delete capture;
  stream->capture = nullptr;
}

/// The capture of `target` if it still goes on and is valid.
static cudaError_t liveCapture(const StreamTarget &target, StreamCapture **out) {
  StreamCapture *capture = target.stream ? target.stream->capture : nullptr;
  if (!capture || capture != target.capture || capture->session->invalidated)
    return cudaErrorStreamCaptureInvalidated;
  *out = capture;
  return cudaSuccess;
}

cudaError_t captureNode(const StreamTarget &target, std::unique_ptr<GraphNode> node) {
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = nullptr;
  if (cudaError_t error = liveCapture(target, &capture))
    return error;
  Graph &graph = *capture->session->graph;
  node->graph = &graph;
  if (node->child)
    node->child->parent = node.get();
  node->dependencies = capture->dependencies;
  node->dependencyEdges = capture->dependencyEdges;
  node->dependencyEdges.resize(node->dependencies.size(), cudaGraphEdgeData{});
  for (GraphNode *dependency : node->dependencies)
    dependency->dependents.push_back(node.get());
  capture->dependencies = {node.get()};
  capture->dependencyEdges = {cudaGraphEdgeData{}};
  liveNodes().insert(node.get());
  graph.nodes.push_back(std::move(node));
  return cudaSuccess;
}

cudaError_t captureMemcpy(const StreamTarget &target, const cudaMemcpy3DParms &params) {
  auto node = std::make_unique<GraphNode>();
  node->type = cudaGraphNodeTypeMemcpy;
  node->data.memcpy = params;
  return captureNode(target, std::move(node));
}

cudaError_t captureMemset(const StreamTarget &target, const cudaMemsetParams &params) {
  auto node = std::make_unique<GraphNode>();
  node->type = cudaGraphNodeTypeMemset;
  node->data.memset = params;
  return captureNode(target, std::move(node));
}

cudaError_t captureEmpty(const StreamTarget &target) {
  return captureNode(target, std::make_unique<GraphNode>());
}

cudaError_t captureMemAlloc(const StreamTarget &target, size_t bytes, int device,
                            void **out) {
  if (!out)
    return cudaErrorInvalidValue;
  cudaMemAllocNodeParams params{};
  params.poolProps.allocType = cudaMemAllocationTypePinned;
  params.poolProps.location = {cudaMemLocationTypeDevice, device};
  params.bytesize = bytes;
  void *dptr = nullptr;
  if (cudaError_t error = createGraphAllocation(params, &dptr))
    return error;
  auto node = std::make_unique<GraphNode>();
  node->type = cudaGraphNodeTypeMemAlloc;
  node->data.dptr = dptr;
  node->data.alloc = params;
  node->data.alloc.dptr = dptr;
  if (cudaError_t error = captureNode(target, std::move(node))) {
    dropGraphAllocation(dptr);
    return error;
  }
  *out = dptr;
  return cudaSuccess;
}

cudaError_t captureMemFree(const StreamTarget &target, void *dptr) {
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = nullptr;
  if (cudaError_t error = liveCapture(target, &capture))
    return error;
  if (!isGraphAllocation(dptr))
    return cudaErrorInvalidValue; // only graph allocations have free nodes
  for (const auto &node : capture->session->graph->nodes)
    if (node->type == cudaGraphNodeTypeMemFree && node->data.dptr == dptr)
      return cudaErrorInvalidValue; // freed twice in one graph
  auto node = std::make_unique<GraphNode>();
  node->type = cudaGraphNodeTypeMemFree;
  node->data.dptr = dptr;
  return captureNode(target, std::move(node));
}

cudaError_t captureEventRecord(const StreamTarget &target, Event &event, bool external) {
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = nullptr;
  if (cudaError_t error = liveCapture(target, &capture))
    return error;
  if (external) {
    auto node = std::make_unique<GraphNode>();
    node->type = cudaGraphNodeTypeEventRecord;
    node->data.event = reinterpret_cast<cudaEvent_t>(&event);
    return captureNode(target, std::move(node));
  }
  event.captured = std::make_shared<CapturedRecord>(
      CapturedRecord{capture->session->id, capture->dependencies});
  return cudaSuccess;
}

cudaError_t captureEventWait(cudaStream_t handle, Event &event, bool external,
                             bool *handled) {
  StreamTarget target;
  if (cudaError_t error = lookupStream(handle, &target))
    return error;
  std::lock_guard lock(graphMutex());
  StreamCapture *capture = target.stream ? target.stream->capture : nullptr;
  CaptureSession *recorded =
      event.captured ? findSession(event.captured->session) : nullptr;
  *handled = capture || recorded;
  if (!*handled) {
    // The legacy stream must not come to depend on a capturing stream.
    if (!target.stream && invalidateBlockingCaptures(target.device)) {
      *handled = true;
      return cudaErrorStreamCaptureImplicit;
    }
    return cudaSuccess;
  }
  if (capture && capture->session->invalidated)
    return cudaErrorStreamCaptureInvalidated;
  if (capture && external) {
    auto node = std::make_unique<GraphNode>();
    node->type = cudaGraphNodeTypeWaitEvent;
    node->data.event = reinterpret_cast<cudaEvent_t>(&event);
    target.capture = capture;
    return captureNode(target, std::move(node));
  }
  if (!recorded) {
    if (!event.recorded)
      return cudaSuccess; // an event never recorded stands for no work
    // A capture may only depend on work of its own capture sequence.
    capture->session->invalidated = true;
    return cudaErrorStreamCaptureIsolation;
  }
  if (!target.stream) {
    recorded->invalidated = true;
    return cudaErrorStreamCaptureImplicit;
  }
  if (capture) {
    if (capture->session != recorded) {
      capture->session->invalidated = recorded->invalidated = true;
      return cudaErrorStreamCaptureIsolation;
    }
    for (GraphNode *node : event.captured->nodes)
      if (std::find(capture->dependencies.begin(), capture->dependencies.end(), node) ==
          capture->dependencies.end()) {
        capture->dependencies.push_back(node);
        capture->dependencyEdges.resize(capture->dependencies.size() - 1,
                                        cudaGraphEdgeData{});
        capture->dependencyEdges.push_back(cudaGraphEdgeData{});
      }
    return cudaSuccess;
  }
  // Fork: the stream joins the capture after the event's nodes.
  target.stream->capture = new StreamCapture{
      recorded, event.captured->nodes, {}, {},
      std::vector<cudaGraphEdgeData>(event.captured->nodes.size())};
  recorded->streams.push_back(target.stream);
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Node parameters
//===----------------------------------------------------------------------===//

namespace {

bool isDeviceMemory(const void *pointer) {
  std::optional<Allocation> allocation = table().find(pointer);
  return allocation && allocation->kind != backend::MemoryKind::PinnedHost;
}

/// Which sides of a copy are device memory; false for an unknown kind.
bool copySides(cudaMemcpyKind kind, const void *dst, const void *src, bool *dstDevice,
               bool *srcDevice) {
  switch (kind) {
  case cudaMemcpyHostToHost:
    *dstDevice = *srcDevice = false;
    return true;
  case cudaMemcpyHostToDevice:
    *dstDevice = true;
    *srcDevice = false;
    return true;
  case cudaMemcpyDeviceToHost:
    *dstDevice = false;
    *srcDevice = true;
    return true;
  case cudaMemcpyDeviceToDevice:
    *dstDevice = *srcDevice = true;
    return true;
  case cudaMemcpyDefault:
    *dstDevice = isDeviceMemory(dst);
    *srcDevice = isDeviceMemory(src);
    return true;
  }
  return false;
}

/// First byte a pitched access touches.
std::byte *pitchedStart(const cudaPitchedPtr &ptr, const cudaPos &pos) {
  return static_cast<std::byte *>(ptr.ptr) + pos.z * ptr.pitch * ptr.ysize +
         pos.y * ptr.pitch + pos.x;
}

/// Bytes from the first to one past the last byte an extent touches.
size_t pitchedSpan(const cudaPitchedPtr &ptr, const cudaExtent &extent) {
  return (extent.depth - 1) * ptr.pitch * ptr.ysize + (extent.height - 1) * ptr.pitch +
         extent.width;
}

bool validPitchedSide(const cudaPitchedPtr &ptr, const cudaPos &pos,
                      const cudaExtent &extent, bool device) {
  if (!ptr.ptr)
    return false;
  if ((extent.height > 1 || extent.depth > 1) && ptr.pitch < pos.x + extent.width)
    return false;
  if (extent.depth > 1 && ptr.ysize < pos.y + extent.height)
    return false;
  return !device || table().contains(pitchedStart(ptr, pos), pitchedSpan(ptr, extent));
}

/// One side of an array copy as a pitched pointer (the copy then starts at
/// its origin).
cudaPitchedPtr pitchedOfSide(const CopySide &side, size_t widthBytes, size_t height) {
  size_t pitch = side.pitch ? side.pitch : widthBytes;
  size_t rows = side.pitch && side.slicePitch ? side.slicePitch / side.pitch : height;
  return cudaPitchedPtr{const_cast<void *>(side.base), pitch, widthBytes, rows};
}

/// A memcpy node's copy with a CUDA array on either side, as the same copy
/// between pitched pointers: an array's storage is pitched linear memory
/// (core/Arrays.h). The array is looked up each time (a launch uses the
/// array as it is then). Positions and extent follow cudaMemcpy3D's rules.
cudaError_t linearizeArrayCopy(const cudaMemcpy3DParms &p, cudaMemcpy3DParms *out) {
  if (bool(p.srcArray) == bool(p.srcPtr.ptr) || bool(p.dstArray) == bool(p.dstPtr.ptr))
    return cudaErrorInvalidValue;
  ArrayObject *srcArray = p.srcArray ? findArray(p.srcArray) : nullptr;
  ArrayObject *dstArray = p.dstArray ? findArray(p.dstArray) : nullptr;
  if ((p.srcArray && !srcArray) || (p.dstArray && !dstArray))
    return cudaErrorInvalidResourceHandle;
  if (srcArray && dstArray && srcArray->texelBytes != dstArray->texelBytes)
    return cudaErrorInvalidValue;
  if (srcArray && dstArray && p.kind != cudaMemcpyDeviceToDevice &&
      p.kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  const cudaExtent &extent = p.extent;
  if (extent.width == 0 || extent.height == 0 || extent.depth == 0)
    return cudaErrorInvalidValue;
  size_t texelBytes = srcArray ? srcArray->texelBytes : dstArray->texelBytes;
  size_t widthBytes = extent.width * texelBytes;
  CopySide src, dst;
  cudaError_t error =
      srcArray ? arrayCopySide(p.srcArray, p.srcPos.x * texelBytes, p.srcPos.y, p.srcPos.z,
                               widthBytes, extent.height, extent.depth, &src)
               : linearCopySide(p.srcPtr.ptr, p.srcPtr.pitch, p.srcPtr.ysize, p.srcPos.x,
                                p.srcPos.y, p.srcPos.z, widthBytes, extent.height,
                                extent.depth, p.kind, false, &src);
  if (error)
    return error;
  error = dstArray ? arrayCopySide(p.dstArray, p.dstPos.x * texelBytes, p.dstPos.y,
                                   p.dstPos.z, widthBytes, extent.height, extent.depth, &dst)
                   : linearCopySide(p.dstPtr.ptr, p.dstPtr.pitch, p.dstPtr.ysize, p.dstPos.x,
                                    p.dstPos.y, p.dstPos.z, widthBytes, extent.height,
                                    extent.depth, p.kind, true, &dst);
  if (error)
    return error;
  *out = cudaMemcpy3DParms{};
  out->srcPtr = pitchedOfSide(src, widthBytes, extent.height);
  out->dstPtr = pitchedOfSide(dst, widthBytes, extent.height);
  out->extent = cudaExtent{widthBytes, extent.height, extent.depth};
  out->kind = cudaMemcpyDefault;
  return cudaSuccess;
}

} // namespace

cudaMemcpy3DParms copyRegionParams(const CopySide &dst, const CopySide &src,
                                   size_t widthBytes, size_t height, size_t depth) {
  cudaMemcpy3DParms params{};
  params.srcPtr = pitchedOfSide(src, widthBytes, height);
  params.dstPtr = pitchedOfSide(dst, widthBytes, height);
  params.extent = cudaExtent{widthBytes, height, depth};
  params.kind = cudaMemcpyDefault;
  return params;
}

cudaMemcpy3DParms memcpy1D(void *dst, const void *src, size_t count,
                           cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  params.srcPtr = {const_cast<void *>(src), count, count, 1};
  params.dstPtr = {dst, count, count, 1};
  params.extent = {count, 1, 1};
  params.kind = kind;
  return params;
}

cudaError_t checkMemcpyNode(const cudaMemcpy3DParms &params) {
  if (params.srcArray || params.dstArray) {
    cudaMemcpy3DParms linear;
    return linearizeArrayCopy(params, &linear);
  }
  bool dstDevice = false, srcDevice = false;
  if (!copySides(params.kind, params.dstPtr.ptr, params.srcPtr.ptr, &dstDevice,
                 &srcDevice))
    return cudaErrorInvalidMemcpyDirection;
  const cudaExtent &extent = params.extent;
  if (extent.width == 0 || extent.height == 0 || extent.depth == 0)
    return cudaErrorInvalidValue;
  if (!validPitchedSide(params.srcPtr, params.srcPos, extent, srcDevice) ||
      !validPitchedSide(params.dstPtr, params.dstPos, extent, dstDevice))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

cudaError_t checkMemsetNode(const cudaMemsetParams &params) {
  unsigned size = params.elementSize;
  if (!params.dst || (size != 1 && size != 2 && size != 4) || params.width == 0 ||
      params.height == 0)
    return cudaErrorInvalidValue;
  size_t rowBytes = params.width * size;
  if (params.height > 1 && params.pitch < rowBytes)
    return cudaErrorInvalidValue;
  size_t span = (params.height - 1) * params.pitch + rowBytes;
  if (!table().contains(params.dst, span))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Edges
//===----------------------------------------------------------------------===//

bool isDefaultEdge(const cudaGraphEdgeData &edge) {
  return sameEdgeData(edge, cudaGraphEdgeData{});
}

bool sameEdgeData(const cudaGraphEdgeData &a, const cudaGraphEdgeData &b) {
  return a.from_port == b.from_port && a.to_port == b.to_port && a.type == b.type &&
         std::equal(std::begin(a.reserved), std::end(a.reserved), std::begin(b.reserved));
}

cudaGraphEdgeData edgeDataAt(const cudaGraphEdgeData *edges, size_t i) {
  return edges ? edges[i] : cudaGraphEdgeData{};
}

cudaError_t checkEdgeData(const cudaGraphEdgeData &edge, cudaGraphNodeType fromType,
                          cudaGraphNodeType toType) {
  if (std::any_of(std::begin(edge.reserved), std::end(edge.reserved),
                  [](unsigned char byte) { return byte != 0; }))
    return cudaErrorInvalidValue;
  if (edge.to_port != 0)
    return cudaErrorInvalidValue;
  if (edge.type != cudaGraphDependencyTypeDefault &&
      edge.type != cudaGraphDependencyTypeProgrammatic)
    return cudaErrorInvalidValue;
  if (edge.from_port != cudaGraphKernelNodePortDefault &&
      edge.from_port != cudaGraphKernelNodePortProgrammatic &&
      edge.from_port != cudaGraphKernelNodePortLaunchCompletion)
    return cudaErrorInvalidValue;
  if (edge.from_port != cudaGraphKernelNodePortDefault &&
      fromType != cudaGraphNodeTypeKernel)
    return cudaErrorInvalidValue;
  if (edge.from_port == cudaGraphKernelNodePortProgrammatic &&
      edge.type != cudaGraphDependencyTypeProgrammatic)
    return cudaErrorInvalidValue;
  if (edge.type == cudaGraphDependencyTypeProgrammatic &&
      (edge.from_port == cudaGraphKernelNodePortDefault ||
       (toType != cudaGraphNodeTypeKernel && toType != cudaGraphNodeTypeCount)))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

void linkNodes(GraphNode *from, GraphNode *to, const cudaGraphEdgeData &edge) {
  from->dependents.push_back(to);
  to->dependencies.push_back(from);
  to->dependencyEdges.resize(to->dependencies.size() - 1, cudaGraphEdgeData{});
  to->dependencyEdges.push_back(edge);
}

void unlinkNodes(GraphNode *from, GraphNode *to) {
  std::erase(from->dependents, to);
  to->dependencyEdges.resize(to->dependencies.size(), cudaGraphEdgeData{});
  for (size_t i = to->dependencies.size(); i-- > 0;)
    if (to->dependencies[i] == from) {
      to->dependencies.erase(to->dependencies.begin() + static_cast<ptrdiff_t>(i));
      to->dependencyEdges.erase(to->dependencyEdges.begin() + static_cast<ptrdiff_t>(i));
    }
}

const cudaGraphEdgeData *findEdge(const GraphNode *from, const GraphNode *to) {
  static const cudaGraphEdgeData defaultEdge{};
  for (size_t i = 0; i < to->dependencies.size(); ++i)
    if (to->dependencies[i] == from)
      return i < to->dependencyEdges.size() ? &to->dependencyEdges[i] : &defaultEdge;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Graphs
//===----------------------------------------------------------------------===//

cudaError_t addNode(Graph &graph, std::unique_ptr<GraphNode> node,
                    const cudaGraphNode_t *dependencies, size_t count, GraphNode **out,
                    const cudaGraphEdgeData *edges) {
  if (count && !dependencies)
    return cudaErrorInvalidValue;
  std::vector<GraphNode *> from;
  for (size_t i = 0; i < count; ++i) {
    auto *dependency = reinterpret_cast<GraphNode *>(dependencies[i]);
    if (!liveNodes().contains(dependency) || dependency->graph != &graph ||
        std::find(from.begin(), from.end(), dependency) != from.end())
      return cudaErrorInvalidValue;
    if (checkEdgeData(edgeDataAt(edges, i), dependency->type, node->type))
      return cudaErrorInvalidValue;
    from.push_back(dependency);
  }
  node->graph = &graph;
  for (size_t i = 0; i < from.size(); ++i)
    linkNodes(from[i], node.get(), edgeDataAt(edges, i));
  if (node->child)
    node->child->parent = node.get();
  liveNodes().insert(node.get());
  if (out)
    *out = node.get();
  graph.nodes.push_back(std::move(node));
  return cudaSuccess;
}

std::unique_ptr<Graph> cloneGraph(const Graph &graph) {
  auto clone = std::make_unique<Graph>();
  std::unordered_map<const GraphNode *, GraphNode *> copies;
  for (const auto &node : graph.nodes) {
    auto copy = std::make_unique<GraphNode>();
    copy->graph = clone.get();
    copy->type = node->type;
    copy->data = node->data;
    copy->data.kernel.refreshPointers();
    if (node->child) {
      copy->child = cloneGraph(*node->child);
      copy->child->parent = copy.get();
    }
    copies[node.get()] = copy.get();
    clone->cloneOf[node.get()] = copy.get();
    liveNodes().insert(copy.get());
    clone->nodes.push_back(std::move(copy));
  }
  for (const auto &node : graph.nodes) {
    GraphNode *copy = copies[node.get()];
    for (GraphNode *dependency : node->dependencies)
      copy->dependencies.push_back(copies[dependency]);
    copy->dependencyEdges = node->dependencyEdges;
    for (GraphNode *dependent : node->dependents)
      copy->dependents.push_back(copies[dependent]);
  }
  for (auto &[object, count] : graph.userObjects) {
    object->references.fetch_add(static_cast<long long>(count));
    clone->userObjects[object] = count;
  }
  liveGraphs().insert(clone.get());
  return clone;
}

void destroyNode(GraphNode *node) {
  Graph &graph = *node->graph;
  for (GraphNode *dependency : node->dependencies)
    std::erase(dependency->dependents, node);
  for (GraphNode *dependent : std::vector<GraphNode *>(node->dependents))
    unlinkNodes(node, dependent);
  std::erase_if(graph.cloneOf, [&](const auto &entry) { return entry.second == node; });
  liveNodes().erase(node);
  std::erase_if(graph.nodes, [&](const auto &owned) { return owned.get() == node; });
}

void destroyGraph(Graph *graph) { delete graph; }

//===----------------------------------------------------------------------===//
// Instantiation and launch
//===----------------------------------------------------------------------===//

namespace {

/// `graph`'s nodes in a topological order (creation order among the
/// ready ones); false when the edges form a cycle.
bool topologicalOrder(const Graph &graph, std::vector<const GraphNode *> *order) {
  std::unordered_map<const GraphNode *, size_t> waiting;
  std::deque<const GraphNode *> ready;
  for (const auto &node : graph.nodes) {
    waiting[node.get()] = node->dependencies.size();
    if (node->dependencies.empty())
      ready.push_back(node.get());
  }
  while (!ready.empty()) {
    const GraphNode *node = ready.front();
    ready.pop_front();
    order->push_back(node);
    for (const GraphNode *dependent : node->dependents)
      if (--waiting[dependent] == 0)
        ready.push_back(dependent);
  }
  return order->size() == graph.nodes.size();
}

void appendUnique(std::vector<size_t> &to, const std::vector<size_t> &from) {
  for (size_t index : from)
    if (std::find(to.begin(), to.end(), index) == to.end())
      to.push_back(index);
}

/// Appends `graph`'s nodes to `exec` after `entry`; `exits` receives the
/// exec nodes that finish it.
cudaError_t flatten(const Graph &graph, GraphExec &exec, const std::vector<size_t> &entry,
                    std::vector<size_t> *exits, GraphNode **errorNode) {
  std::vector<const GraphNode *> order;
  if (!topologicalOrder(graph, &order)) {
    if (errorNode && !graph.nodes.empty())
      *errorNode = graph.nodes.front().get();
    return cudaErrorInvalidValue;
  }
  std::unordered_map<const GraphNode *, std::vector<size_t>> finishes;
  for (const GraphNode *node : order) {
    std::vector<size_t> after;
    std::vector<cudaGraphEdgeData> afterEdges;
    for (size_t i = 0; i < node->dependencies.size(); ++i) {
      const GraphNode *dependency = node->dependencies[i];
      // An edge from a child graph stands for edges from its exits: default.
      cudaGraphEdgeData edge = dependency->type == cudaGraphNodeTypeGraph ||
                                       i >= node->dependencyEdges.size()
                                   ? cudaGraphEdgeData{}
                                   : node->dependencyEdges[i];
      for (size_t index : finishes[dependency])
        if (std::find(after.begin(), after.end(), index) == after.end()) {
          after.push_back(index);
          afterEdges.push_back(edge);
        }
    }
    if (node->dependencies.empty()) {
      after = entry;
      afterEdges.assign(entry.size(), cudaGraphEdgeData{});
    }
    if (node->type == cudaGraphNodeTypeGraph) {
      std::vector<size_t> childExits;
      size_t start = exec.nodes.size();
      if (cudaError_t error = flatten(*node->child, exec, after, &childExits, errorNode))
        return error;
      exec.childRanges[node] = {start, exec.nodes.size() - start};
      finishes[node] = node->child->nodes.empty() ? after : childExits;
      continue;
    }
    ExecNode execNode;
    execNode.type = node->type;
    execNode.data = node->data;
    execNode.data.kernel.refreshPointers();
    execNode.dependencies = after;
    execNode.dependencyEdges = afterEdges;
    prepareExecNode(execNode);
    exec.index[node] = exec.nodes.size();
    finishes[node] = {exec.nodes.size()};
    exec.nodes.push_back(std::move(execNode));
  }
  for (const GraphNode *node : order)
    if (node->dependents.empty())
      appendUnique(*exits, finishes[node]);
  return cudaSuccess;
}

cudaError_t buildExec(const Graph &graph, GraphExec &exec, GraphNode **errorNode) {
  std::vector<size_t> exits;
  return flatten(graph, exec, {}, &exits, errorNode);
}

cudaError_t submitCopy(backend::Queue &queue, const cudaMemcpy3DParms &params) {
  if (params.srcArray || params.dstArray) {
    cudaMemcpy3DParms linear;
    if (cudaError_t error = linearizeArrayCopy(params, &linear))
      return error;
    return submitCopy(queue, linear);
  }
  const cudaExtent &extent = params.extent;
  bool rowsContiguous =
      params.srcPtr.pitch == extent.width && params.dstPtr.pitch == extent.width;
  for (size_t z = 0; z < extent.depth; ++z) {
    cudaPos src = params.srcPos, dst = params.dstPos;
    src.z += z;
    dst.z += z;
    if (rowsContiguous) {
      if (auto status =
              queue.copy(pitchedStart(params.dstPtr, dst),
                         pitchedStart(params.srcPtr, src), extent.width * extent.height);
          status != backend::Status::Success)
        return toCudaError(status);
      continue;
    }
    for (size_t y = 0; y < extent.height; ++y) {
      cudaPos srcRow = src, dstRow = dst;
      srcRow.y += y;
      dstRow.y += y;
      if (auto status = queue.copy(pitchedStart(params.dstPtr, dstRow),
                                   pitchedStart(params.srcPtr, srcRow), extent.width);
          status != backend::Status::Success)
        return toCudaError(status);
    }
  }
  return cudaSuccess;
}

cudaError_t submitFill(backend::Queue &queue, const ExecNode &node) {
  const cudaMemsetParams &params = node.data.memset;
  size_t rowBytes = params.width * params.elementSize;
  for (size_t y = 0; y < params.height; ++y) {
    auto *row = static_cast<std::byte *>(params.dst) + y * params.pitch;
    backend::Status status =
        node.pattern.empty()
            ? queue.fill(row, static_cast<uint8_t>(params.value), rowBytes)
            : queue.copy(row, node.pattern.data(), rowBytes);
    if (status != backend::Status::Success)
      return toCudaError(status);
  }
  return cudaSuccess;
}

cudaError_t submitKernel(Device &device, backend::Queue &queue,
                         const KernelNodeData &kernel) {
  ModuleRegistry &modules = Runtime::instance().modules();
  if (!modules.isKernel(kernel.record))
    return cudaErrorInvalidDeviceFunction; // its module was unregistered
  backend::Kernel *resolved = nullptr;
  if (cudaError_t error = modules.resolve(*kernel.record, device, &resolved))
    return error;
  if (resolved->info().flags & backend::KernelUsesPrintf) {
    std::lock_guard lock(device.mutex);
    device.launchedPrintf = true;
  }
  backend::LaunchParams launch;
  launch.grid = {kernel.grid.x, kernel.grid.y, kernel.grid.z};
  launch.block = {kernel.block.x, kernel.block.y, kernel.block.z};
  launch.dynamicSharedBytes = kernel.sharedMem;
  launch.args = kernel.args;
  auto cooperative = kernel.attributes.find(cudaLaunchAttributeCooperative);
  launch.cooperative =
      cooperative != kernel.attributes.end() && cooperative->second.cooperative != 0;
  if (resolved->info().flags & backend::KernelUsesMalloc) {
    // In-kernel malloc: the device heap (its size is fixed from now on).
    launch.deviceHeap = device.mallocHeapForLaunch();
    if (!launch.deviceHeap)
      return cudaErrorMemoryAllocation;
  }
  KernelStats *stats = nullptr;
  if (report::isEnabled()) [[unlikely]] {
    stats = &report::kernelStats(*kernel.record);
    launch.executionNs = &stats->executionNs;
  }
  cudaError_t error = toCudaError(queue.launch(*resolved, launch));
  if (stats && error == cudaSuccess)
    stats->launches.fetch_add(1, std::memory_order_relaxed);
  return error;
}

cudaError_t submitNode(Device &device, backend::Queue &queue, const ExecNode &node) {
  bool disableable = node.type == cudaGraphNodeTypeKernel ||
                     node.type == cudaGraphNodeTypeMemcpy ||
                     node.type == cudaGraphNodeTypeMemset;
  if (disableable && !node.enabled)
    return cudaSuccess;
  switch (node.type) {
  case cudaGraphNodeTypeKernel:
    return submitKernel(device, queue, node.data.kernel);
  case cudaGraphNodeTypeMemcpy:
    return submitCopy(queue, node.data.memcpy);
  case cudaGraphNodeTypeMemset:
    return submitFill(queue, node);
  case cudaGraphNodeTypeHost:
    return toCudaError(queue.hostCallback(node.data.host.fn, node.data.host.userData));
  case cudaGraphNodeTypeEventRecord: {
    if (!liveEvents().contains(node.data.event))
      return cudaErrorInvalidResourceHandle;
    auto *event = reinterpret_cast<Event *>(node.data.event);
    if (cudaError_t error = toCudaError(queue.record(*event->event)))
      return error;
    event->recorded = true;
    return cudaSuccess;
  }
  case cudaGraphNodeTypeWaitEvent: {
    if (!liveEvents().contains(node.data.event))
      return cudaErrorInvalidResourceHandle;
    auto *event = reinterpret_cast<Event *>(node.data.event);
    return event->recorded ? toCudaError(queue.wait(*event->event)) : cudaSuccess;
  }
  default:
    // Empty nodes; memory nodes act when submitted (launchExec).
    return cudaSuccess;
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Graph memory
//===----------------------------------------------------------------------===//

namespace {

struct GraphAllocation {
  size_t size = 0;
  Device *device = nullptr;
  bool allocated = false; ///< its alloc node was submitted, no free since
  int holders = 0;        ///< graphs and execs with its alloc node
};

/// Per device: bytes allocated and reserved now, and their high marks.
struct GraphMemoryUse {
  uint64_t used = 0, usedHigh = 0, reserved = 0, reservedHigh = 0;
};

std::map<const void *, GraphAllocation> &graphAllocations() {
  static auto *allocations = new std::map<const void *, GraphAllocation>();
  return *allocations;
}

std::map<const Device *, GraphMemoryUse> &graphMemoryUse() {
  static auto *use = new std::map<const Device *, GraphMemoryUse>();
  return *use;
}

void account(const Device *device, int64_t usedChange, int64_t reservedChange) {
  GraphMemoryUse &use = graphMemoryUse()[device];
  use.used += usedChange;
  use.reserved += reservedChange;
  use.usedHigh = std::max(use.usedHigh, use.used);
  use.reservedHigh = std::max(use.reservedHigh, use.reserved);
}

void setAllocated(const void *dptr, GraphAllocation &allocation, bool allocated) {
  if (allocation.allocated == allocated)
    return;
  allocation.allocated = allocated;
  int64_t size = static_cast<int64_t>(allocation.size);
  account(allocation.device, allocated ? size : -size, 0);
}

/// Releases the memory of an allocation nothing holds any more.
void releaseIfUnused(const void *dptr) {
  auto it = graphAllocations().find(dptr);
  if (it == graphAllocations().end() || it->second.holders > 0 || it->second.allocated)
    return;
  GraphAllocation allocation = it->second;
  graphAllocations().erase(it);
  account(allocation.device, 0, -static_cast<int64_t>(allocation.size));
  table().erase(dptr);
  allocation.device->backend->release(const_cast<void *>(dptr),
                                      backend::MemoryKind::Device);
}

} // namespace

cudaError_t createGraphAllocation(const cudaMemAllocNodeParams &params, void **out) {
  Runtime &runtime = Runtime::instance();
  if (cudaError_t error = runtime.initialize())
    return error;
  const cudaMemPoolProps &props = params.poolProps;
  Device *device = props.location.type == cudaMemLocationTypeDevice
                       ? runtime.device(props.location.id)
                       : nullptr;
  if (props.allocType != cudaMemAllocationTypePinned || !device || params.bytesize == 0 ||
      (params.accessDescCount && !params.accessDescs) ||
      params.accessDescCount > size_t(runtime.deviceCount()))
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < params.accessDescCount; ++i) {
    const cudaMemAccessDesc &access = params.accessDescs[i];
    if (access.location.type != cudaMemLocationTypeDevice ||
        !runtime.device(access.location.id) ||
        (access.flags != cudaMemAccessFlagsProtNone &&
         access.flags != cudaMemAccessFlagsProtRead &&
         access.flags != cudaMemAccessFlagsProtReadWrite))
      return cudaErrorInvalidValue;
  }
  void *memory = nullptr;
  if (device->backend->allocate(params.bytesize, backend::MemoryKind::Device, &memory) !=
      backend::Status::Success)
    return cudaErrorMemoryAllocation;
  table().insert({reinterpret_cast<uintptr_t>(memory), params.bytesize,
                  backend::MemoryKind::Device, device->ordinal});
  graphAllocations()[memory] = {params.bytesize, device, false, 1};
  account(device, 0, static_cast<int64_t>(params.bytesize));
  *out = memory;
  return cudaSuccess;
}

void dropGraphAllocation(void *dptr) {
  auto it = graphAllocations().find(dptr);
  if (it == graphAllocations().end())
    return;
  --it->second.holders;
  releaseIfUnused(dptr);
}

bool isGraphAllocation(const void *dptr) { return graphAllocations().count(dptr) > 0; }

bool freeGraphAllocation(void *dptr, cudaError_t *result) {
  std::lock_guard lock(graphMutex());
  auto it = graphAllocations().find(dptr);
  if (it == graphAllocations().end())
    return false;
  if (!it->second.allocated) {
    *result = cudaErrorInvalidValue; // not allocated: freed already
    return true;
  }
  // Freeing waits for the device: running work may still use the memory.
  *result = it->second.device->synchronize();
  setAllocated(dptr, it->second, false);
  releaseIfUnused(dptr);
  return true;
}

void forgetGraphAllocations(const Device &device) {
  std::lock_guard lock(graphMutex());
  std::erase_if(graphAllocations(),
                [&](const auto &entry) { return entry.second.device == &device; });
  graphMemoryUse().erase(&device);
}

bool hasMemoryNodes(const Graph &graph) {
  return std::any_of(graph.nodes.begin(), graph.nodes.end(), [](const auto &node) {
    return node->type == cudaGraphNodeTypeMemAlloc ||
           node->type == cudaGraphNodeTypeMemFree;
  });
}

uint64_t graphMemoryFigure(const Device &device, cudaGraphMemAttributeType attr) {
  std::lock_guard lock(graphMutex());
  const GraphMemoryUse &use = graphMemoryUse()[&device];
  switch (attr) {
  case cudaGraphMemAttrUsedMemCurrent:
    return use.used;
  case cudaGraphMemAttrUsedMemHigh:
    return use.usedHigh;
  case cudaGraphMemAttrReservedMemCurrent:
    return use.reserved;
  case cudaGraphMemAttrReservedMemHigh:
    return use.reservedHigh;
  }
  return 0;
}

void resetGraphMemoryHigh(const Device &device, cudaGraphMemAttributeType attr) {
  std::lock_guard lock(graphMutex());
  GraphMemoryUse &use = graphMemoryUse()[&device];
  if (attr == cudaGraphMemAttrUsedMemHigh)
    use.usedHigh = use.used;
  else if (attr == cudaGraphMemAttrReservedMemHigh)
    use.reservedHigh = use.reserved;
}

/// An exec holds the allocations of its alloc nodes; a graph with memory
/// nodes has one exec at a time.
static cudaError_t holdGraphAllocations(GraphExec &exec) {
  for (const ExecNode &node : exec.nodes) {
    if (node.type != cudaGraphNodeTypeMemAlloc)
      continue;
    auto it = graphAllocations().find(node.data.dptr);
    if (it != graphAllocations().end() && it->second.holders > 1)
      return cudaErrorNotSupported; // instantiated already
  }
  for (const ExecNode &node : exec.nodes)
    if (node.type == cudaGraphNodeTypeMemAlloc)
      ++graphAllocations()[node.data.dptr].holders;
  return cudaSuccess;
}

/// The allocations a launch makes and frees, in submission order. An
/// allocation still allocated from the last launch is an error, unless the
/// exec frees it on launch (cudaGraphInstantiateFlagAutoFreeOnLaunch).
static cudaError_t applyMemoryNodes(GraphExec &exec) {
  bool autoFree = exec.flags & cudaGraphInstantiateFlagAutoFreeOnLaunch;
  for (const ExecNode &node : exec.nodes) {
    if (node.type != cudaGraphNodeTypeMemAlloc)
      continue;
    auto it = graphAllocations().find(node.data.dptr);
    if (it != graphAllocations().end() && it->second.allocated && !autoFree)
      return cudaErrorInvalidValue;
  }
  for (const ExecNode &node : exec.nodes) {
    if (node.type != cudaGraphNodeTypeMemAlloc && node.type != cudaGraphNodeTypeMemFree)
      continue;
    auto it = graphAllocations().find(node.data.dptr);
    if (it != graphAllocations().end())
      setAllocated(node.data.dptr, it->second, node.type == cudaGraphNodeTypeMemAlloc);
  }
  return cudaSuccess;
}

void prepareExecNode(ExecNode &node) {
  node.pattern.clear();
  if (node.type != cudaGraphNodeTypeMemset)
    return;
  const cudaMemsetParams &params = node.data.memset;
  if (params.elementSize == 1)
    return;
  std::byte element[4];
  uint32_t value = params.value;
  uint16_t half = static_cast<uint16_t>(value);
  std::memcpy(element,
              params.elementSize == 2 ? static_cast<void *>(&half)
                                      : static_cast<void *>(&value),
              params.elementSize);
  bool uniform = std::all_of(element, element + params.elementSize,
                             [&](std::byte b) { return b == element[0]; });
  if (uniform) {
    // One byte repeated: a plain byte fill (`params` aliases the node's).
    cudaMemsetParams bytes = params;
    bytes.value = std::to_integer<unsigned>(element[0]);
    bytes.width = params.width * params.elementSize;
    bytes.elementSize = 1;
    node.data.memset = bytes;
    return;
  }
  node.pattern.resize(params.width * params.elementSize);
  for (size_t i = 0; i < node.pattern.size(); i += params.elementSize)
    std::memcpy(node.pattern.data() + i, element, params.elementSize);
}

cudaError_t instantiate(Graph &graph, unsigned long long flags, GraphExec **out,
                        GraphNode **errorNode) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  auto exec = std::make_unique<GraphExec>();
  exec->device = device;
  exec->flags = flags;
  if (cudaError_t error = buildExec(graph, *exec, errorNode))
    return error;
  if (cudaError_t error = holdGraphAllocations(*exec))
    return error;
  if (device->backend->createEvent(&exec->done) != backend::Status::Success) {
    for (const ExecNode &node : exec->nodes)
      if (node.type == cudaGraphNodeTypeMemAlloc)
        dropGraphAllocation(node.data.dptr);
    return cudaErrorMemoryAllocation;
  }
  for (auto &[object, count] : graph.userObjects) {
    object->references.fetch_add(static_cast<long long>(count));
    exec->userObjects[object] = count;
  }
  liveExecs().insert(exec.get());
  *out = exec.release();
  return cudaSuccess;
}

std::unique_ptr<Graph> graphOfExec(const GraphExec &exec) {
  auto graph = std::make_unique<Graph>();
  for (const ExecNode &execNode : exec.nodes) {
    auto node = std::make_unique<GraphNode>();
    node->graph = graph.get();
    bool disabled = !execNode.enabled && (execNode.type == cudaGraphNodeTypeKernel ||
                                          execNode.type == cudaGraphNodeTypeMemcpy ||
                                          execNode.type == cudaGraphNodeTypeMemset);
    node->type = disabled ? cudaGraphNodeTypeEmpty : execNode.type;
    node->data = execNode.data;
    node->data.kernel.refreshPointers();
    for (size_t i = 0; i < execNode.dependencies.size(); ++i)
      linkNodes(graph->nodes[execNode.dependencies[i]].get(), node.get(),
                i < execNode.dependencyEdges.size() ? execNode.dependencyEdges[i]
                                                    : cudaGraphEdgeData{});
    liveNodes().insert(node.get());
    graph->nodes.push_back(std::move(node));
  }
  liveGraphs().insert(graph.get());
  return graph;
}

cudaError_t launchExec(GraphExec &exec, cudaStream_t stream) {
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.device != exec.device)
    return cudaErrorInvalidValue;
  if (target.capture) {
    // Launched into a capture: the exec's graph becomes a child graph node
    // (which graphs with memory nodes cannot be).
    if (std::any_of(exec.nodes.begin(), exec.nodes.end(), [](const ExecNode &node) {
          return node.type == cudaGraphNodeTypeMemAlloc ||
                 node.type == cudaGraphNodeTypeMemFree;
        }))
      return cudaErrorNotSupported;
    auto node = std::make_unique<GraphNode>();
    node->type = cudaGraphNodeTypeGraph;
    node->child = graphOfExec(exec);
    return captureNode(target, std::move(node));
  }
  if (target.device->sticky != cudaSuccess)
    return target.device->sticky;
  if (cudaError_t error = orderSubmission(target))
    return error;
  if (cudaError_t error = applyMemoryNodes(exec))
    return error;
  // Launches of one exec run one after the other, whatever their streams.
  if (exec.launched && target.queue->wait(*exec.done) != backend::Status::Success)
    return cudaErrorUnknown;
  for (const ExecNode &node : exec.nodes)
    if (cudaError_t error = submitNode(*target.device, *target.queue, node))
      return error;
  if (cudaError_t error = toCudaError(target.queue->record(*exec.done)))
    return error;
  exec.launched = true;
  return cudaSuccess;
}

void waitForExec(GraphExec &exec) {
  if (exec.launched)
    exec.done->synchronize();
}

void destroyExec(GraphExec *exec) {
  liveExecs().erase(exec);
  waitForExec(*exec);
  for (const ExecNode &node : exec->nodes)
    if (node.type == cudaGraphNodeTypeMemAlloc)
      dropGraphAllocation(node.data.dptr);
  exec->device->backend->destroyEvent(exec->done);
  for (auto &[object, count] : exec->userObjects)
    releaseUserObject(object, count);
  delete exec;
}

cudaError_t updateExec(GraphExec &exec, Graph &graph,
                       cudaGraphExecUpdateResultInfo *info) {
  GraphExec fresh;
  GraphNode *errorNode = nullptr;
  *info = {cudaGraphExecUpdateSuccess, nullptr, nullptr};
  auto fail = [&](cudaGraphExecUpdateResult result, const GraphNode *node) {
    info->result = result;
    info->errorNode = reinterpret_cast<cudaGraphNode_t>(const_cast<GraphNode *>(node));
    return cudaErrorGraphExecUpdateFailure;
  };
  if (buildExec(graph, fresh, &errorNode) != cudaSuccess)
    return fail(cudaGraphExecUpdateError, errorNode);
  if (hasMemoryNodes(graph) ||
      std::any_of(exec.nodes.begin(), exec.nodes.end(), [](const ExecNode &node) {
        return node.type == cudaGraphNodeTypeMemAlloc ||
               node.type == cudaGraphNodeTypeMemFree;
      }))
    return fail(cudaGraphExecUpdateErrorNotSupported, nullptr);
  std::vector<const GraphNode *> sourceOf(fresh.nodes.size());
  for (auto &[node, index] : fresh.index)
    sourceOf[index] = node;
  if (fresh.nodes.size() != exec.nodes.size())
    return fail(cudaGraphExecUpdateErrorTopologyChanged, nullptr);
  for (size_t i = 0; i < fresh.nodes.size(); ++i) {
    std::vector<size_t> a = fresh.nodes[i].dependencies, b = exec.nodes[i].dependencies;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b)
      return fail(cudaGraphExecUpdateErrorTopologyChanged, sourceOf[i]);
    if (fresh.nodes[i].type != exec.nodes[i].type)
      return fail(cudaGraphExecUpdateErrorNodeTypeChanged, sourceOf[i]);
  }
  waitForExec(exec);
  for (size_t i = 0; i < fresh.nodes.size(); ++i) {
    bool enabled = exec.nodes[i].enabled;
    exec.nodes[i] = std::move(fresh.nodes[i]);
    exec.nodes[i].data.kernel.refreshPointers();
    exec.nodes[i].enabled = enabled;
  }
  for (auto &[node, index] : fresh.index)
    exec.index[node] = index;
  for (auto &[node, range] : fresh.childRanges)
    exec.childRanges[node] = range;
  return cudaSuccess;
}

cudaError_t updateExecChild(GraphExec &exec, const GraphNode &node, const Graph &child) {
  auto range = exec.childRanges.find(&node);
  if (range == exec.childRanges.end())
    return cudaErrorInvalidValue;
  auto [start, count] = range->second;
  GraphExec fresh;
  if (buildExec(child, fresh, nullptr) != cudaSuccess || fresh.nodes.size() != count)
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < count; ++i) {
    std::vector<size_t> inside;
    for (size_t dependency : exec.nodes[start + i].dependencies)
      if (dependency >= start)
        inside.push_back(dependency - start);
    std::vector<size_t> wanted = fresh.nodes[i].dependencies;
    std::sort(inside.begin(), inside.end());
    std::sort(wanted.begin(), wanted.end());
    if (inside != wanted || fresh.nodes[i].type != exec.nodes[start + i].type)
      return cudaErrorInvalidValue;
  }
  waitForExec(exec);
  for (size_t i = 0; i < count; ++i) {
    ExecNode &target = exec.nodes[start + i];
    target.data = std::move(fresh.nodes[i].data);
    target.data.kernel.refreshPointers();
    target.pattern = std::move(fresh.nodes[i].pattern);
  }
  for (auto &[inner, index] : fresh.index)
    exec.index[inner] = start + index;
  return cudaSuccess;
}

void releaseUserObject(UserObject *object, unsigned long long count) {
  if (object->references.fetch_sub(static_cast<long long>(count)) -
          static_cast<long long>(count) >
      0)
    return;
  liveUserObjects().erase(object);
  object->destroy(object->ptr);
  delete object;
}

} // namespace cuport::rt
