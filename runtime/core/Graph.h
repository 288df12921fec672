//===- core/Graph.h - CUDA graphs and stream capture -----------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The model behind cudaGraph_t, cudaGraphNode_t, cudaGraphExec_t,
// cudaUserObject_t and stream capture.
//
// A Graph owns its nodes; a node holds a copy of everything it needs (kernel
// arguments are packed into the node when it is made, as CUDA copies them)
// and its edges in both directions. A child graph node owns a clone of the
// graph it was given.
//
// Instantiation flattens a graph (child graphs expanded in place) into one
// list of ExecNodes in a topological order. A launch submits that list, in
// that order, to the backend queue of the launch stream: a queue is in
// order, so every edge holds. Independent branches do not overlap with each
// other; they do overlap with other streams' work. The choice keeps a launch
// one pass over a vector with no events or extra queues, and costs only the
// concurrency between branches of one graph (the CPU backend runs each
// kernel on all cores anyway).
//
// Edges carry their cudaGraphEdgeData (GraphNode::dependencyEdges, and a
// capturing stream's StreamCapture::dependencyEdges): it is checked, kept,
// reported and cloned. A launch runs every edge as a full dependency,
// programmatic ones included: a programmatic edge only allows the dependent
// kernel to start before its upstream kernel completes (the dependent must
// call cudaGridDependencySynchronize before it reads the upstream results),
// so waiting for full completion is a correct schedule of it.
//
// Stream capture: cudaStreamBeginCapture starts a CaptureSession and gives
// the stream a StreamCapture (the session and the stream's current
// dependencies, the nodes the next captured operation depends on). Stream
// operations reach the capture only through resolveStreamForCapture();
// the plain resolveStream() refuses a capturing stream
// (cudaErrorStreamCaptureUnsupported, capture invalidated), so a stream
// operation that knows nothing of capture never runs work during one. An
// event recorded in a capturing stream remembers the stream's dependencies
// (CapturedRecord); a stream that waits on it joins the capture (fork), and
// the origin stream waiting on an event of a forked stream joins it back.
//
// All graph and capture state is guarded by one recursive mutex: graph
// calls are rare next to launches, and the hot paths (resolveStream, a
// graph launch) only read an atomic counter or the immutable exec.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_GRAPH_H
#define CUPORT_RUNTIME_CORE_GRAPH_H

#include "core/Runtime.h"
#include "core/Streams.h"

#include <cuda_runtime_api.h>

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cuport::rt {

struct Graph;
struct CaptureSession;

/// A kernel node's launch, arguments packed by the kernel's layout.
struct KernelNodeData {
  KernelRecord *record = nullptr;
  void *func = nullptr; ///< what the application passed (GetParams)
  dim3 grid, block;
  unsigned sharedMem = 0;
  std::vector<std::byte> args;
  std::vector<uint32_t> argOffsets;
  /// Pointers into `args`, one per parameter (cudaGraphKernelNodeGetParams).
  std::vector<void *> argPointers;
  /// cudaGraphKernelNodeSetAttribute: kept and reported; launches act on
  /// cudaLaunchAttributeCooperative only.
  std::map<int, cudaLaunchAttributeValue> attributes;

  void refreshPointers();
};

/// The parameters of one node, whatever its kind.
struct NodeData {
  KernelNodeData kernel;
  cudaMemcpy3DParms memcpy{};
  cudaMemsetParams memset{};
  cudaHostNodeParams host{};
  cudaEvent_t event = nullptr; ///< event record and event wait nodes
  /// Memory allocation and free nodes: the allocation's address.
  void *dptr = nullptr;
  /// Memory allocation nodes: what cudaGraphMemAllocNodeGetParams reports
  /// (`alloc.accessDescs` is refreshed to point into `accessDescs`).
  cudaMemAllocNodeParams alloc{};
  std::vector<cudaMemAccessDesc> accessDescs;
};

struct GraphNode {
  Graph *graph = nullptr;
  cudaGraphNodeType type = cudaGraphNodeTypeEmpty;
  NodeData data;
  std::unique_ptr<Graph> child;          ///< child graph nodes
  std::vector<GraphNode *> dependencies; ///< incoming edges
  std::vector<GraphNode *> dependents;   ///< outgoing edges
  /// The data of each incoming edge, parallel to `dependencies`.
  std::vector<cudaGraphEdgeData> dependencyEdges;
};

struct UserObject {
  void *ptr = nullptr;
  cudaHostFn_t destroy = nullptr;
  std::atomic<long long> references{0};
};

struct Graph {
  std::vector<std::unique_ptr<GraphNode>> nodes; ///< in creation order
  /// cudaGraphClone: the node of the original graph each node copies.
  std::unordered_map<const GraphNode *, GraphNode *> cloneOf;
  std::map<UserObject *, unsigned long long> userObjects; ///< references held
  GraphNode *parent = nullptr; ///< the child graph node that owns this graph

  ~Graph();
};

/// A node of an instantiated graph.
struct ExecNode {
  cudaGraphNodeType type = cudaGraphNodeTypeEmpty;
  NodeData data;
  bool enabled = true;
  /// Memset nodes with a 2- or 4-byte value: one row of the pattern.
  std::vector<std::byte> pattern;
  /// Indexes (into GraphExec::nodes) of its dependencies, for updates.
  std::vector<size_t> dependencies;
  /// The data of those edges, parallel to `dependencies`.
  std::vector<cudaGraphEdgeData> dependencyEdges;
};

struct GraphExec {
  Device *device = nullptr;
  unsigned long long flags = 0;
  std::vector<ExecNode> nodes; ///< topological order, child graphs inlined
  /// Source graph node -> index in `nodes` (cudaGraphExec*SetParams).
  std::unordered_map<const GraphNode *, size_t> index;
  /// Child graph node -> the range of `nodes` its graph became.
  std::unordered_map<const GraphNode *, std::pair<size_t, size_t>> childRanges;
  std::map<UserObject *, unsigned long long> userObjects;
  /// Recorded after each launch; destroy and updates wait for it.
  backend::Event *done = nullptr;
  bool launched = false;
};

/// The capture state of one stream.
struct StreamCapture {
  CaptureSession *session = nullptr;
  std::vector<GraphNode *> dependencies;
  /// Stable copies handed out by cudaStreamGetCaptureInfo.
  std::vector<GraphNode *> reported;
  std::vector<cudaGraphEdgeData> reportedEdges;
  /// The data of the edges to `dependencies`, parallel to it.
  std::vector<cudaGraphEdgeData> dependencyEdges;
};

struct CaptureSession {
  unsigned long long id = 0;
  Graph *graph = nullptr;
  bool ownsGraph = true; ///< false for cudaStreamBeginCaptureToGraph
  cudaStreamCaptureMode mode = cudaStreamCaptureModeGlobal;
  std::thread::id thread;
  Stream *origin = nullptr;
  std::vector<Stream *> streams; ///< origin first
  bool invalidated = false;
};

/// What an event recorded in a capturing stream stands for.
struct CapturedRecord {
  unsigned long long session = 0;
  std::vector<GraphNode *> nodes;
};

std::recursive_mutex &graphMutex();
HandleSet<Graph> &liveGraphs();
HandleSet<GraphNode> &liveNodes();
HandleSet<GraphExec> &liveExecs();
HandleSet<UserObject> &liveUserObjects();

/// Nonzero while some stream captures (the fast path of resolveStream).
extern std::atomic<int> activeCaptures;
/// The calling thread's capture interaction mode
/// (cudaThreadExchangeStreamCaptureMode).
cudaStreamCaptureMode &threadCaptureMode();

//===--- Capture -----------------------------------------------------------===//

/// The capture check of resolveStream: refuses a capturing stream, and the
/// legacy stream while a blocking stream of its device captures.
cudaError_t refuseCapture(const StreamTarget &target);
/// The capture check of resolveStreamForCapture: sets target->capture for a
/// capturing stream (cudaErrorStreamCaptureInvalidated once invalidated).
cudaError_t attachCapture(StreamTarget *target);
/// Potentially unsafe calls (cudaMalloc, synchronous copies, device
/// synchronization): cudaErrorStreamCaptureUnsupported, and the captures
/// that forbid them invalidated, when the thread's capture mode forbids.
cudaError_t checkCaptureSafe();
/// An event's latest record was captured by a capture still going on.
bool isCapturedEvent(Event &event);
/// A capture is adding nodes to `graph`.
bool isCaptureGraph(const Graph &graph);
/// An ordinary record replaces a captured one.
void forgetCapturedRecord(Event &event);

cudaError_t beginCapture(Stream *stream, Graph *graph,
                         const std::vector<GraphNode *> &dependencies,
                         cudaStreamCaptureMode mode,
                         const std::vector<cudaGraphEdgeData> &edges = {});
cudaError_t endCapture(Stream *stream, Graph **out);
/// Stream destruction ends its part in a capture (which is invalidated).
void forgetStreamCapture(Stream *stream);

/// Adds a node to the capture of `target` after the stream's dependencies;
/// the node becomes the stream's only dependency.
cudaError_t captureNode(const StreamTarget &target, std::unique_ptr<GraphNode> node);
/// A copy or fill on a capturing stream (the parameters already checked):
/// what a stream-ordered copy or memset does when `target.capture` is set.
cudaError_t captureMemcpy(const StreamTarget &target, const cudaMemcpy3DParms &params);
cudaError_t captureMemset(const StreamTarget &target, const cudaMemsetParams &params);
/// An operation with nothing to run (a prefetch) keeps its place in the
/// stream's order as an empty node.
cudaError_t captureEmpty(const StreamTarget &target);
/// cudaMallocAsync on a capturing stream: a memory allocation node of
/// `bytes` on device `device`; *out gets its fixed address.
cudaError_t captureMemAlloc(const StreamTarget &target, size_t bytes, int device,
                            void **out);
/// cudaFreeAsync on a capturing stream: a memory free node (graph
/// allocations only, cudaErrorInvalidValue otherwise).
cudaError_t captureMemFree(const StreamTarget &target, void *dptr);
cudaError_t captureEventRecord(const StreamTarget &target, Event &event, bool external);
/// cudaStreamWaitEvent with capture in the picture (either side); returns
/// false in *handled when it is an ordinary wait.
cudaError_t captureEventWait(cudaStream_t stream, Event &event, bool external,
                             bool *handled);

//===--- Graphs ------------------------------------------------------------===//

cudaError_t checkMemcpyNode(const cudaMemcpy3DParms &params);
cudaError_t checkMemsetNode(const cudaMemsetParams &params);
struct CopySide;
/// A region copy of core/Arrays.h (an array's storage on either side) as
/// the parameters of a memcpy node between pitched pointers.
cudaMemcpy3DParms copyRegionParams(const CopySide &dst, const CopySide &src,
                                   size_t widthBytes, size_t height, size_t depth);
/// A 1D copy as 3D parameters.
cudaMemcpy3DParms memcpy1D(void *dst, const void *src, size_t count, cudaMemcpyKind kind);

//===--- Edges -------------------------------------------------------------===//

/// The edge data CUDA 13 defines: reserved bytes and to_port zero, type
/// default or programmatic, from_port one of the kernel node ports; a
/// non-default port only from a kernel node, a programmatic edge only
/// between kernel nodes (`toType` cudaGraphNodeTypeCount: not known yet)
/// from the programmatic or launch completion port, and the programmatic
/// port only with a programmatic edge. cudaErrorInvalidValue otherwise.
cudaError_t checkEdgeData(const cudaGraphEdgeData &edge, cudaGraphNodeType fromType,
                          cudaGraphNodeType toType);
bool isDefaultEdge(const cudaGraphEdgeData &edge);
bool sameEdgeData(const cudaGraphEdgeData &a, const cudaGraphEdgeData &b);
/// Entry `i` of an optional edge data array (null: default edges).
cudaGraphEdgeData edgeDataAt(const cudaGraphEdgeData *edges, size_t i);
/// Adds the edge `from` -> `to` with `edge`'s data.
void linkNodes(GraphNode *from, GraphNode *to, const cudaGraphEdgeData &edge);
/// Removes the edge `from` -> `to`.
void unlinkNodes(GraphNode *from, GraphNode *to);
/// The data of the edge `from` -> `to`; null when there is none.
const cudaGraphEdgeData *findEdge(const GraphNode *from, const GraphNode *to);

/// Adds `node` to `graph` after `dependencies` (checked: distinct nodes of
/// `graph`), with the optional edge data `edges` (checked).
cudaError_t addNode(Graph &graph, std::unique_ptr<GraphNode> node,
                    const cudaGraphNode_t *dependencies, size_t count, GraphNode **out,
                    const cudaGraphEdgeData *edges = nullptr);
std::unique_ptr<Graph> cloneGraph(const Graph &graph);
void destroyNode(GraphNode *node);
void destroyGraph(Graph *graph);

cudaError_t instantiate(Graph &graph, unsigned long long flags, GraphExec **out,
                        GraphNode **errorNode);
cudaError_t launchExec(GraphExec &exec, cudaStream_t stream);
void destroyExec(GraphExec *exec);
cudaError_t updateExec(GraphExec &exec, Graph &graph,
                       cudaGraphExecUpdateResultInfo *info);
/// cudaGraphExecChildGraphNodeSetParams: `child` must have the topology of
/// the graph the child graph node `node` had at instantiation.
cudaError_t updateExecChild(GraphExec &exec, const GraphNode &node, const Graph &child);
/// A graph of an exec's nodes as they are now (a launch being captured).
std::unique_ptr<Graph> graphOfExec(const GraphExec &exec);
/// Waits until no launch of `exec` is pending.
void waitForExec(GraphExec &exec);
/// Recomputes the derived state of an exec node (memset pattern).
void prepareExecNode(ExecNode &node);

void releaseUserObject(UserObject *object, unsigned long long count);

//===--- Graph memory ------------------------------------------------------===//
//
// A memory allocation node gets its memory when it is made: the address is
// fixed from then on, across instantiations and launches, as CUDA promises.
// The allocation is "allocated" from the submission of its alloc node to
// that of a free node (or cudaFree / cudaFreeAsync); the memory stays
// reserved while the node's graph or an exec of it holds it, or while it is
// allocated, and is released when neither is true. Graphs with memory nodes
// cannot be cloned, embedded as child graphs, have nodes or edges removed,
// or be instantiated twice at once (CUDA's restrictions).

/// Checks the parameters and reserves the memory of a new allocation node.
cudaError_t createGraphAllocation(const cudaMemAllocNodeParams &params, void **out);
/// A graph or exec lets go of an allocation node's memory.
void dropGraphAllocation(void *dptr);
bool isGraphAllocation(const void *dptr);
/// cudaFree of a graph allocation (false: `dptr` is none; nothing done).
bool freeGraphAllocation(void *dptr, cudaError_t *result);
/// cudaDeviceReset released every allocation of `device`.
void forgetGraphAllocations(const Device &device);
bool hasMemoryNodes(const Graph &graph);
/// cudaDeviceGetGraphMemAttribute's figures for `device`.
uint64_t graphMemoryFigure(const Device &device, cudaGraphMemAttributeType attr);
void resetGraphMemoryHigh(const Device &device, cudaGraphMemAttributeType attr);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_GRAPH_H
