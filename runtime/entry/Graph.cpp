//===- entry/Graph.cpp - Graph management ----------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The cudaGraph* and cudaUserObject* entries: handle and parameter checks
// over the model of core/Graph.h (which also says how a launch runs). A
// graph, node or exec handle that does not exist (destroyed, or never
// made) is cudaErrorInvalidValue, as in CUDA. Every entry holds
// graphMutex() while it reads or changes graph state.
//
// Supported node kinds: kernel, memcpy (linear memory, pitched 3D; not CUDA
// arrays), memset, host, child graph, empty, event record, event wait,
// memory allocation and free. Conditional and external semaphore nodes are
// cudaErrorNotSupported.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"
#include "core/Streams.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

using namespace cuport::rt;

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

Graph *liveGraph(cudaGraph_t handle) {
  return liveGraphs().contains(handle) ? reinterpret_cast<Graph *>(handle) : nullptr;
}

GraphNode *liveNode(cudaGraphNode_t handle) {
  return liveNodes().contains(handle) ? reinterpret_cast<GraphNode *>(handle) : nullptr;
}

GraphExec *liveExec(cudaGraphExec_t handle) {
  return liveExecs().contains(handle) ? reinterpret_cast<GraphExec *>(handle) : nullptr;
}

UserObject *liveUserObject(cudaUserObject_t handle) {
  return liveUserObjects().contains(handle) ? reinterpret_cast<UserObject *>(handle)
                                            : nullptr;
}

/// A live node of the given kind.
GraphNode *nodeOfType(cudaGraphNode_t handle, cudaGraphNodeType type) {
  GraphNode *node = liveNode(handle);
  return node && node->type == type ? node : nullptr;
}

cudaGraphNode_t handleOf(const GraphNode *node) {
  return reinterpret_cast<cudaGraphNode_t>(const_cast<GraphNode *>(node));
}

/// Checks a kernel node's parameters and packs its arguments.
// The keys of a `extra` array (the driver API's CU_LAUNCH_PARAM_* values):
// {kBufferPointer, buffer, kBufferSize, &size, kEnd}.
void *const kExtraEnd = reinterpret_cast<void *>(0x00);
void *const kExtraBufferPointer = reinterpret_cast<void *>(0x01);
void *const kExtraBufferSize = reinterpret_cast<void *>(0x02);

/// One pointer per parameter of `func` into an application-packed `extra`
/// buffer.
cudaError_t argumentsFromExtra(const void *func, void **extra, std::vector<void *> *out) {
  void *buffer = nullptr;
  size_t *size = nullptr;
  for (size_t i = 0; extra[i] != kExtraEnd; i += 2) {
    if (extra[i] == kExtraBufferPointer)
      buffer = extra[i + 1];
    else if (extra[i] == kExtraBufferSize)
      size = static_cast<size_t *>(extra[i + 1]);
    else
      return cudaErrorInvalidValue;
  }
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return error;
  const cuport::backend::KernelInfo &info = function.kernel->info();
  if (info.params.empty())
    return cudaSuccess;
  if (!buffer || !size || *size < info.argBufferSize)
    return cudaErrorInvalidValue;
  for (const cuport::backend::ParamLayout &param : info.params)
    out->push_back(static_cast<std::byte *>(buffer) + param.offset);
  return cudaSuccess;
}

cudaError_t makeKernelNode(const cudaKernelNodeParams &params, KernelNodeData *out) {
  KernelRecord *record = params.func ? findFunction(params.func) : nullptr;
  if (!record)
    return cudaErrorInvalidDeviceFunction;
  if (params.kernelParams && params.extra)
    return cudaErrorInvalidValue;
  void **args = params.kernelParams;
  std::vector<void *> fromExtra;
  if (params.extra) {
    if (cudaError_t error = argumentsFromExtra(params.func, params.extra, &fromExtra))
      return error;
    args = fromExtra.data();
  }
  PreparedLaunch prepared;
  if (cudaError_t error = prepareLaunch(*record, params.gridDim, params.blockDim, args,
                                        params.sharedMemBytes, &prepared))
    return error;
  out->record = record;
  out->func = params.func;
  out->grid = params.gridDim;
  out->block = params.blockDim;
  out->sharedMem = params.sharedMemBytes;
  out->args = std::move(prepared.args);
  out->argOffsets = prepared.offsets();
  out->refreshPointers();
  return cudaSuccess;
}

/// A copy to or from a __device__ / __constant__ variable as 3D parameters.
cudaError_t symbolCopy(const void *symbol, void *other, size_t count, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol, cudaMemcpy3DParms *out) {
  bool validKind = kind == cudaMemcpyDefault || kind == cudaMemcpyDeviceToDevice ||
                   kind == (toSymbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
  if (!validKind)
    return cudaErrorInvalidMemcpyDirection;
  VariableRecord *record = Runtime::instance().modules().findByHostVariable(symbol);
  if (!record)
    return cudaErrorInvalidSymbol;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  void *address = nullptr;
  size_t size = 0;
  if (cudaError_t error =
          Runtime::instance().modules().resolve(*record, *device, &address, &size))
    return error;
  if (offset > size || count > size - offset || !other)
    return cudaErrorInvalidValue;
  void *inside = static_cast<char *>(address) + offset;
  *out = toSymbol ? memcpy1D(inside, other, count, kind)
                  : memcpy1D(other, inside, count, kind);
  return checkMemcpyNode(*out);
}

cudaKernelNodeParams kernelParams(const KernelNodeData &kernel) {
  cudaKernelNodeParams params{};
  params.func = kernel.func;
  params.gridDim = kernel.grid;
  params.blockDim = kernel.block;
  params.sharedMemBytes = kernel.sharedMem;
  params.kernelParams = const_cast<void **>(kernel.argPointers.data());
  params.extra = nullptr;
  return params;
}

cudaKernelNodeParams fromV2(const cudaKernelNodeParamsV2 &v2) {
  return {v2.func, v2.gridDim, v2.blockDim, v2.sharedMemBytes, v2.kernelParams, v2.extra};
}

cudaMemsetParams fromV2(const cudaMemsetParamsV2 &v2) {
  return {v2.dst, v2.pitch, v2.value, v2.elementSize, v2.width, v2.height};
}

/// Adds a made node to a live graph.
cudaError_t addTo(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                  const cudaGraphNode_t *dependencies, size_t count,
                  std::unique_ptr<GraphNode> node) {
  if (!pGraphNode)
    return cudaErrorInvalidValue;
  Graph *target = liveGraph(graph);
  if (!target)
    return cudaErrorInvalidValue;
  GraphNode *added = nullptr;
  if (cudaError_t error = addNode(*target, std::move(node), dependencies, count, &added))
    return error;
  *pGraphNode = handleOf(added);
  return cudaSuccess;
}

std::unique_ptr<GraphNode> newNode(cudaGraphNodeType type) {
  auto node = std::make_unique<GraphNode>();
  node->type = type;
  return node;
}

/// The exec node of `handle` in `exec`, if it has the given kind.
ExecNode *execNode(GraphExec *exec, cudaGraphNode_t handle, cudaGraphNodeType type) {
  if (!exec || !liveNode(handle))
    return nullptr;
  auto it = exec->index.find(reinterpret_cast<GraphNode *>(handle));
  if (it == exec->index.end() || exec->nodes[it->second].type != type)
    return nullptr;
  return &exec->nodes[it->second];
}

/// Writes `items` to `out` the way cudaGraphGetNodes and friends do: the
/// count alone when `out` is null, else up to *count entries (the rest
/// null) and the number written.
template <typename T>
cudaError_t listOut(const std::vector<T> &items, T *out, size_t *count) {
  if (!count)
    return cudaErrorInvalidValue;
  if (!out) {
    *count = items.size();
    return cudaSuccess;
  }
  size_t written = std::min(*count, items.size());
  std::copy_n(items.begin(), written, out);
  std::fill(out + written, out + *count, T{});
  *count = written;
  return cudaSuccess;
}

/// Checks the edge data of the edges from `count` nodes to a new node of
/// type `toType` (nodes that are not live are left to addNode).
cudaError_t checkNewEdges(const cudaGraphNode_t *from, const cudaGraphEdgeData *edges,
                          size_t count, cudaGraphNodeType toType) {
  if (!edges || !from)
    return cudaSuccess;
  for (size_t i = 0; i < count; ++i) {
    GraphNode *source = liveNode(from[i]);
    if (cudaError_t error = checkEdgeData(edges[i],
                                          source ? source->type : cudaGraphNodeTypeKernel,
                                          toType))
      return error;
  }
  return cudaSuccess;
}

/// Writes the data of `edges` to `out` (up to `capacity`, the rest zeroed);
/// cudaErrorLossyQuery when `out` is null and some edge is not default.
cudaError_t edgeDataOut(const std::vector<cudaGraphEdgeData> &edges,
                        cudaGraphEdgeData *out, size_t capacity) {
  if (!out)
    return std::all_of(edges.begin(), edges.end(), isDefaultEdge) ? cudaSuccess
                                                                   : cudaErrorLossyQuery;
  for (size_t i = 0; i < capacity; ++i)
    out[i] = i < edges.size() ? edges[i] : cudaGraphEdgeData{};
  return cudaSuccess;
}

std::vector<cudaGraphNode_t> handles(const std::vector<GraphNode *> &nodes) {
  std::vector<cudaGraphNode_t> out;
  for (GraphNode *node : nodes)
    out.push_back(handleOf(node));
  return out;
}

cudaError_t neighbours(cudaGraphNode_t handle, bool incoming, cudaGraphNode_t *out,
                       cudaGraphEdgeData *edgeData, size_t *count) {
  GraphNode *node = liveNode(handle);
  if (!node || !count)
    return cudaErrorInvalidValue;
  size_t capacity = *count;
  const auto &list = incoming ? node->dependencies : node->dependents;
  std::vector<cudaGraphEdgeData> edges;
  for (const GraphNode *other : list)
    edges.push_back(incoming ? *findEdge(other, node) : *findEdge(node, other));
  if (out)
    if (cudaError_t error = edgeDataOut(edges, edgeData, capacity))
      return error;
  return listOut(handles(list), out, count);
}

/// The node made from generic parameters (cudaGraphAddNode).
cudaError_t nodeFromParams(const cudaGraphNodeParams &params,
                           std::unique_ptr<GraphNode> *out) {
  auto node = newNode(params.type);
  switch (params.type) {
  case cudaGraphNodeTypeKernel:
    if (cudaError_t error = makeKernelNode(fromV2(params.kernel), &node->data.kernel))
      return error;
    break;
  case cudaGraphNodeTypeMemcpy:
    if (cudaError_t error = checkMemcpyNode(params.memcpy.copyParams))
      return error;
    node->data.memcpy = params.memcpy.copyParams;
    break;
  case cudaGraphNodeTypeMemset:
    node->data.memset = fromV2(params.memset);
    if (cudaError_t error = checkMemsetNode(node->data.memset))
      return error;
    break;
  case cudaGraphNodeTypeHost:
    if (!params.host.fn)
      return cudaErrorInvalidValue;
    node->data.host = {params.host.fn, params.host.userData};
    break;
  case cudaGraphNodeTypeGraph: {
    Graph *child = liveGraph(params.graph.graph);
    if (!child || child->parent || hasMemoryNodes(*child))
      return cudaErrorInvalidValue;
    if (params.graph.ownership == cudaGraphChildGraphOwnershipClone)
      node->child = cloneGraph(*child);
    else if (params.graph.ownership != cudaGraphChildGraphOwnershipMove ||
             isCaptureGraph(*child))
      return cudaErrorInvalidValue;
    // A moved graph is attached once the node is in its graph
    // (cudaGraphAddNode), so a failed call leaves it with the caller.
    break;
  }
  case cudaGraphNodeTypeEmpty:
    break;
  case cudaGraphNodeTypeWaitEvent:
  case cudaGraphNodeTypeEventRecord: {
    cudaEvent_t event = params.type == cudaGraphNodeTypeWaitEvent
                            ? params.eventWait.event
                            : params.eventRecord.event;
    if (!liveEvents().contains(event))
      return cudaErrorInvalidValue;
    node->data.event = event;
    break;
  }
  default:
    return cudaErrorNotSupported;
  }
  *out = std::move(node);
  return cudaSuccess;
}

/// Applies generic parameters to node data of the same kind (node and exec
/// node updates).
cudaError_t applyParams(cudaGraphNodeType type, const cudaGraphNodeParams &params,
                        NodeData *data) {
  if (params.type != type)
    return cudaErrorInvalidValue;
  switch (type) {
  case cudaGraphNodeTypeKernel: {
    KernelNodeData kernel;
    if (cudaError_t error = makeKernelNode(fromV2(params.kernel), &kernel))
      return error;
    data->kernel = std::move(kernel);
    data->kernel.refreshPointers();
    return cudaSuccess;
  }
  case cudaGraphNodeTypeMemcpy:
    if (cudaError_t error = checkMemcpyNode(params.memcpy.copyParams))
      return error;
    data->memcpy = params.memcpy.copyParams;
    return cudaSuccess;
  case cudaGraphNodeTypeMemset: {
    cudaMemsetParams memset = fromV2(params.memset);
    if (cudaError_t error = checkMemsetNode(memset))
      return error;
    data->memset = memset;
    return cudaSuccess;
  }
  case cudaGraphNodeTypeHost:
    if (!params.host.fn)
      return cudaErrorInvalidValue;
    data->host = {params.host.fn, params.host.userData};
    return cudaSuccess;
  case cudaGraphNodeTypeWaitEvent:
  case cudaGraphNodeTypeEventRecord: {
    cudaEvent_t event = type == cudaGraphNodeTypeWaitEvent ? params.eventWait.event
                                                           : params.eventRecord.event;
    if (!liveEvents().contains(event))
      return cudaErrorInvalidValue;
    data->event = event;
    return cudaSuccess;
  }
  case cudaGraphNodeTypeEmpty:
    return cudaSuccess;
  default:
    return cudaErrorNotSupported;
  }
}

/// Adds an allocation node; `params.dptr` receives the fixed address.
cudaError_t addMemAllocNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                            const cudaGraphNode_t *pDependencies, size_t numDependencies,
                            cudaMemAllocNodeParams &params) {
  if (!pGraphNode || !liveGraph(graph))
    return cudaErrorInvalidValue;
  void *dptr = nullptr;
  if (cudaError_t error = createGraphAllocation(params, &dptr))
    return error;
  auto node = newNode(cudaGraphNodeTypeMemAlloc);
  node->data.dptr = dptr;
  node->data.accessDescs.assign(params.accessDescs,
                                params.accessDescs + params.accessDescCount);
  node->data.alloc = params;
  node->data.alloc.dptr = dptr;
  if (cudaError_t error =
          addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node))) {
    dropGraphAllocation(dptr);
    return error;
  }
  params.dptr = dptr;
  return cudaSuccess;
}

cudaError_t addMemFreeNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                           const cudaGraphNode_t *pDependencies, size_t numDependencies,
                           void *dptr) {
  Graph *target = liveGraph(graph);
  if (!target || !isGraphAllocation(dptr))
    return cudaErrorInvalidValue;
  for (const auto &node : target->nodes)
    if (node->type == cudaGraphNodeTypeMemFree && node->data.dptr == dptr)
      return cudaErrorInvalidValue; // freed twice in one graph
  auto node = newNode(cudaGraphNodeTypeMemFree);
  node->data.dptr = dptr;
  return addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node));
}

constexpr unsigned long long kInstantiateFlags =
    cudaGraphInstantiateFlagAutoFreeOnLaunch | cudaGraphInstantiateFlagUpload |
    cudaGraphInstantiateFlagDeviceLaunch | cudaGraphInstantiateFlagUseNodePriority;

cudaError_t instantiateEntry(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                             unsigned long long flags, GraphNode **errorNode) {
  if (!pGraphExec)
    return cudaErrorInvalidValue;
  Graph *source = liveGraph(graph);
  if (!source || (flags & ~kInstantiateFlags))
    return cudaErrorInvalidValue;
  if (flags & cudaGraphInstantiateFlagDeviceLaunch)
    return cudaErrorNotSupported; // graphs launched from device code
  GraphExec *exec = nullptr;
  if (cudaError_t error = instantiate(*source, flags, &exec, errorNode))
    return error;
  *pGraphExec = reinterpret_cast<cudaGraphExec_t>(exec);
  return cudaSuccess;
}

//===--- DOT output ---------------------------------------------------------===//

const char *typeName(cudaGraphNodeType type) {
  switch (type) {
  case cudaGraphNodeTypeKernel:
    return "kernel";
  case cudaGraphNodeTypeMemcpy:
    return "memcpy";
  case cudaGraphNodeTypeMemset:
    return "memset";
  case cudaGraphNodeTypeHost:
    return "host";
  case cudaGraphNodeTypeGraph:
    return "graph";
  case cudaGraphNodeTypeEmpty:
    return "empty";
  case cudaGraphNodeTypeWaitEvent:
    return "event wait";
  case cudaGraphNodeTypeEventRecord:
    return "event record";
  default:
    return "node";
  }
}

std::string nodeLabel(const GraphNode &node, unsigned flags) {
  std::string label = typeName(node.type);
  bool verbose = flags & cudaGraphDebugDotFlagsVerbose;
  char text[256];
  switch (node.type) {
  case cudaGraphNodeTypeKernel:
    if (verbose || (flags & cudaGraphDebugDotFlagsKernelNodeParams)) {
      const KernelNodeData &k = node.data.kernel;
      std::snprintf(text, sizeof text,
                    "\\n%s\\ngrid (%u,%u,%u) block (%u,%u,%u) shared %u",
                    k.record ? k.record->deviceName.c_str() : "?", k.grid.x, k.grid.y,
                    k.grid.z, k.block.x, k.block.y, k.block.z, k.sharedMem);
      label += text;
    }
    break;
  case cudaGraphNodeTypeMemcpy:
    if (verbose || (flags & cudaGraphDebugDotFlagsMemcpyNodeParams)) {
      const cudaMemcpy3DParms &m = node.data.memcpy;
      std::snprintf(text, sizeof text, "\\n%p -> %p\\n%zu x %zu x %zu bytes",
                    m.srcPtr.ptr, m.dstPtr.ptr, m.extent.width, m.extent.height,
                    m.extent.depth);
      label += text;
    }
    break;
  case cudaGraphNodeTypeMemset:
    if (verbose || (flags & cudaGraphDebugDotFlagsMemsetNodeParams)) {
      const cudaMemsetParams &m = node.data.memset;
      std::snprintf(text, sizeof text, "\\n%p = 0x%x\\n%zu x %zu of %u bytes", m.dst,
                    m.value, m.width, m.height, m.elementSize);
      label += text;
    }
    break;
  case cudaGraphNodeTypeHost:
    if (verbose || (flags & cudaGraphDebugDotFlagsHostNodeParams)) {
      std::snprintf(text, sizeof text, "\\nfn %p data %p",
                    reinterpret_cast<void *>(node.data.host.fn), node.data.host.userData);
      label += text;
    }
    break;
  case cudaGraphNodeTypeWaitEvent:
  case cudaGraphNodeTypeEventRecord:
    if (verbose || (flags & cudaGraphDebugDotFlagsEventNodeParams)) {
      std::snprintf(text, sizeof text, "\\nevent %p",
                    static_cast<void *>(node.data.event));
      label += text;
    }
    break;
  default:
    break;
  }
  return label;
}

void writeDot(std::FILE *file, const Graph &graph, unsigned flags, int depth) {
  for (const auto &node : graph.nodes) {
    if (node->child) {
      std::fprintf(file, "%*ssubgraph cluster_%p {\n%*slabel=\"child graph\";\n",
                   depth * 2, "", static_cast<void *>(node.get()), depth * 2 + 2, "");
      writeDot(file, *node->child, flags, depth + 1);
      std::fprintf(file, "%*s}\n", depth * 2, "");
    }
    std::fprintf(file, "%*s\"%p\" [label=\"%s\"];\n", depth * 2, "",
                 static_cast<void *>(node.get()), nodeLabel(*node, flags).c_str());
    for (const GraphNode *dependency : node->dependencies)
      std::fprintf(file, "%*s\"%p\" -> \"%p\";\n", depth * 2, "",
                   static_cast<const void *>(dependency),
                   static_cast<void *>(node.get()));
  }
}


/// cudaGraphAdd*Node of the nodes whose parameters are one plain struct
/// (memcpy, memset, host nodes): `check` validates `in` first.
template <typename Params, typename Check>
cudaError_t addPlainNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                         const cudaGraphNode_t *pDependencies, size_t numDependencies,
                         cudaGraphNodeType type, Params NodeData::*member,
                         const Params *in, Check check) {
  if (!in)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  if (cudaError_t error = check(*in))
    return recordError(error);
  auto node = newNode(type);
  node->data.*member = *in;
  return recordError(
      addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node)));
}

/// cudaGraph*NodeGetParams of the nodes whose parameters are one plain
/// struct (memcpy, memset, host nodes): `node` must be a live node of
/// `type`, `out` non-null.
template <typename Params>
cudaError_t readNodeParams(cudaGraphNode_t node, cudaGraphNodeType type,
                           Params NodeData::*member, Params *out) {
  Lock lock(graphMutex());
  GraphNode *found = nodeOfType(node, type);
  if (!found || !out)
    return recordError(cudaErrorInvalidValue);
  *out = found->data.*member;
  return cudaSuccess;
}

/// The matching cudaGraph*NodeSetParams: `check` validates `in` first.
template <typename Params, typename Check>
cudaError_t writeNodeParams(cudaGraphNode_t node, cudaGraphNodeType type,
                            Params NodeData::*member, const Params *in, Check check) {
  Lock lock(graphMutex());
  GraphNode *found = nodeOfType(node, type);
  if (!found || !in)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = check(*in))
    return recordError(error);
  found->data.*member = *in;
  return cudaSuccess;
}

cudaError_t checkHostNode(const cudaHostNodeParams &params) {
  return params.fn ? cudaSuccess : cudaErrorInvalidValue;
}

} // namespace

//===----------------------------------------------------------------------===//
// Graphs and nodes
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaGraphCreate(cudaGraph_t *pGraph, unsigned int flags) {
  CUPORT_API_ENTRY(cudaGraphCreate);
  if (!pGraph || flags != 0)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  auto *graph = new Graph();
  liveGraphs().insert(graph);
  *pGraph = reinterpret_cast<cudaGraph_t>(graph);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  CUPORT_API_ENTRY(cudaGraphDestroy);
  Lock lock(graphMutex());
  Graph *target = liveGraph(graph);
  if (!target || target->parent || isCaptureGraph(*target))
    return recordError(cudaErrorInvalidValue);
  destroyGraph(target);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddKernelNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, const struct cudaKernelNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphAddKernelNode);
  if (!pNodeParams)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  if (!liveGraph(graph))
    return recordError(cudaErrorInvalidValue);
  auto node = newNode(cudaGraphNodeTypeKernel);
  if (cudaError_t error = makeKernelNode(*pNodeParams, &node->data.kernel))
    return recordError(error);
  return recordError(
      addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node)));
}

CUPORT_EXPORT cudaError_t cudaGraphKernelNodeGetParams(
    cudaGraphNode_t node, struct cudaKernelNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphKernelNodeGetParams);
  Lock lock(graphMutex());
  GraphNode *kernel = nodeOfType(node, cudaGraphNodeTypeKernel);
  if (!kernel || !pNodeParams)
    return recordError(cudaErrorInvalidValue);
  *pNodeParams = kernelParams(kernel->data.kernel);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphKernelNodeSetParams(
    cudaGraphNode_t node, const struct cudaKernelNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphKernelNodeSetParams);
  Lock lock(graphMutex());
  GraphNode *kernel = nodeOfType(node, cudaGraphNodeTypeKernel);
  if (!kernel || !pNodeParams)
    return recordError(cudaErrorInvalidValue);
  KernelNodeData data;
  if (cudaError_t error = makeKernelNode(*pNodeParams, &data))
    return recordError(error);
  data.attributes = std::move(kernel->data.kernel.attributes);
  kernel->data.kernel = std::move(data);
  kernel->data.kernel.refreshPointers();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddMemcpyNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, const struct cudaMemcpy3DParms *pCopyParams) {
  CUPORT_API_ENTRY(cudaGraphAddMemcpyNode);
  return addPlainNode(pGraphNode, graph, pDependencies, numDependencies,
                      cudaGraphNodeTypeMemcpy, &NodeData::memcpy, pCopyParams,
                      checkMemcpyNode);
}

CUPORT_EXPORT cudaError_t cudaGraphAddMemcpyNode1D(cudaGraphNode_t *pGraphNode,
                                                   cudaGraph_t graph,
                                                   const cudaGraphNode_t *pDependencies,
                                                   size_t numDependencies, void *dst,
                                                   const void *src, size_t count,
                                                   enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphAddMemcpyNode1D);
  cudaMemcpy3DParms params = memcpy1D(dst, src, count, kind);
  return cudaGraphAddMemcpyNode(pGraphNode, graph, pDependencies, numDependencies,
                                &params);
}

CUPORT_EXPORT cudaError_t cudaGraphMemcpyNodeGetParams(
    cudaGraphNode_t node, struct cudaMemcpy3DParms *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphMemcpyNodeGetParams);
  return readNodeParams(node, cudaGraphNodeTypeMemcpy, &NodeData::memcpy, pNodeParams);
}

CUPORT_EXPORT cudaError_t cudaGraphMemcpyNodeSetParams(
    cudaGraphNode_t node, const struct cudaMemcpy3DParms *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphMemcpyNodeSetParams);
  return writeNodeParams(node, cudaGraphNodeTypeMemcpy, &NodeData::memcpy, pNodeParams,
                         checkMemcpyNode);
}

CUPORT_EXPORT cudaError_t cudaGraphMemcpyNodeSetParams1D(cudaGraphNode_t node, void *dst,
                                                         const void *src, size_t count,
                                                         enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphMemcpyNodeSetParams1D);
  cudaMemcpy3DParms params = memcpy1D(dst, src, count, kind);
  return cudaGraphMemcpyNodeSetParams(node, &params);
}

CUPORT_EXPORT cudaError_t cudaGraphAddMemsetNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, const struct cudaMemsetParams *pMemsetParams) {
  CUPORT_API_ENTRY(cudaGraphAddMemsetNode);
  return addPlainNode(pGraphNode, graph, pDependencies, numDependencies,
                      cudaGraphNodeTypeMemset, &NodeData::memset, pMemsetParams,
                      checkMemsetNode);
}

CUPORT_EXPORT cudaError_t
cudaGraphMemsetNodeGetParams(cudaGraphNode_t node, struct cudaMemsetParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphMemsetNodeGetParams);
  return readNodeParams(node, cudaGraphNodeTypeMemset, &NodeData::memset, pNodeParams);
}

CUPORT_EXPORT cudaError_t cudaGraphMemsetNodeSetParams(
    cudaGraphNode_t node, const struct cudaMemsetParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphMemsetNodeSetParams);
  return writeNodeParams(node, cudaGraphNodeTypeMemset, &NodeData::memset, pNodeParams,
                         checkMemsetNode);
}

CUPORT_EXPORT cudaError_t cudaGraphAddHostNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, const struct cudaHostNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphAddHostNode);
  return addPlainNode(pGraphNode, graph, pDependencies, numDependencies,
                      cudaGraphNodeTypeHost, &NodeData::host, pNodeParams, checkHostNode);
}

CUPORT_EXPORT cudaError_t
cudaGraphHostNodeGetParams(cudaGraphNode_t node, struct cudaHostNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphHostNodeGetParams);
  return readNodeParams(node, cudaGraphNodeTypeHost, &NodeData::host, pNodeParams);
}

CUPORT_EXPORT cudaError_t cudaGraphHostNodeSetParams(
    cudaGraphNode_t node, const struct cudaHostNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphHostNodeSetParams);
  return writeNodeParams(node, cudaGraphNodeTypeHost, &NodeData::host, pNodeParams,
                         checkHostNode);
}

CUPORT_EXPORT cudaError_t cudaGraphAddChildGraphNode(cudaGraphNode_t *pGraphNode,
                                                     cudaGraph_t graph,
                                                     const cudaGraphNode_t *pDependencies,
                                                     size_t numDependencies,
                                                     cudaGraph_t childGraph) {
  CUPORT_API_ENTRY(cudaGraphAddChildGraphNode);
  Lock lock(graphMutex());
  Graph *child = liveGraph(childGraph);
  if (!child || childGraph == graph || hasMemoryNodes(*child))
    return recordError(cudaErrorInvalidValue);
  auto node = newNode(cudaGraphNodeTypeGraph);
  node->child = cloneGraph(*child);
  return recordError(
      addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node)));
}

CUPORT_EXPORT cudaError_t cudaGraphChildGraphNodeGetGraph(cudaGraphNode_t node,
                                                          cudaGraph_t *pGraph) {
  CUPORT_API_ENTRY(cudaGraphChildGraphNodeGetGraph);
  Lock lock(graphMutex());
  GraphNode *child = nodeOfType(node, cudaGraphNodeTypeGraph);
  if (!child || !pGraph)
    return recordError(cudaErrorInvalidValue);
  *pGraph = reinterpret_cast<cudaGraph_t>(child->child.get());
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddEmptyNode(cudaGraphNode_t *pGraphNode,
                                                cudaGraph_t graph,
                                                const cudaGraphNode_t *pDependencies,
                                                size_t numDependencies) {
  CUPORT_API_ENTRY(cudaGraphAddEmptyNode);
  Lock lock(graphMutex());
  return recordError(addTo(pGraphNode, graph, pDependencies, numDependencies,
                           newNode(cudaGraphNodeTypeEmpty)));
}

static cudaError_t addEventNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                const cudaGraphNode_t *pDependencies,
                                size_t numDependencies, cudaEvent_t event,
                                cudaGraphNodeType type) {
  Lock lock(graphMutex());
  if (!liveEvents().contains(event))
    return cudaErrorInvalidValue;
  auto node = newNode(type);
  node->data.event = event;
  return addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node));
}

static cudaError_t getEvent(cudaGraphNode_t node, cudaEvent_t *out,
                            cudaGraphNodeType type) {
  Lock lock(graphMutex());
  GraphNode *eventNode = nodeOfType(node, type);
  if (!eventNode || !out)
    return cudaErrorInvalidValue;
  *out = eventNode->data.event;
  return cudaSuccess;
}

static cudaError_t setEvent(cudaGraphNode_t node, cudaEvent_t event,
                            cudaGraphNodeType type) {
  Lock lock(graphMutex());
  GraphNode *eventNode = nodeOfType(node, type);
  if (!eventNode || !liveEvents().contains(event))
    return cudaErrorInvalidValue;
  eventNode->data.event = event;
  return cudaSuccess;
}

static cudaError_t execSetEvent(cudaGraphExec_t exec, cudaGraphNode_t node,
                                cudaEvent_t event, cudaGraphNodeType type) {
  Lock lock(graphMutex());
  ExecNode *target = execNode(liveExec(exec), node, type);
  if (!target || !liveEvents().contains(event))
    return cudaErrorInvalidValue;
  target->data.event = event;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddEventRecordNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphAddEventRecordNode);
  return recordError(addEventNode(pGraphNode, graph, pDependencies, numDependencies,
                                  event, cudaGraphNodeTypeEventRecord));
}

CUPORT_EXPORT cudaError_t cudaGraphAddEventWaitNode(cudaGraphNode_t *pGraphNode,
                                                    cudaGraph_t graph,
                                                    const cudaGraphNode_t *pDependencies,
                                                    size_t numDependencies,
                                                    cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphAddEventWaitNode);
  return recordError(addEventNode(pGraphNode, graph, pDependencies, numDependencies,
                                  event, cudaGraphNodeTypeWaitEvent));
}

CUPORT_EXPORT cudaError_t cudaGraphEventRecordNodeGetEvent(cudaGraphNode_t node,
                                                           cudaEvent_t *event_out) {
  CUPORT_API_ENTRY(cudaGraphEventRecordNodeGetEvent);
  return recordError(getEvent(node, event_out, cudaGraphNodeTypeEventRecord));
}

CUPORT_EXPORT cudaError_t cudaGraphEventRecordNodeSetEvent(cudaGraphNode_t node,
                                                           cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphEventRecordNodeSetEvent);
  return recordError(setEvent(node, event, cudaGraphNodeTypeEventRecord));
}

CUPORT_EXPORT cudaError_t cudaGraphEventWaitNodeGetEvent(cudaGraphNode_t node,
                                                         cudaEvent_t *event_out) {
  CUPORT_API_ENTRY(cudaGraphEventWaitNodeGetEvent);
  return recordError(getEvent(node, event_out, cudaGraphNodeTypeWaitEvent));
}

CUPORT_EXPORT cudaError_t cudaGraphEventWaitNodeSetEvent(cudaGraphNode_t node,
                                                         cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphEventWaitNodeSetEvent);
  return recordError(setEvent(node, event, cudaGraphNodeTypeWaitEvent));
}

CUPORT_EXPORT cudaError_t cudaGraphExecEventRecordNodeSetEvent(cudaGraphExec_t hGraphExec,
                                                               cudaGraphNode_t hNode,
                                                               cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphExecEventRecordNodeSetEvent);
  return recordError(
      execSetEvent(hGraphExec, hNode, event, cudaGraphNodeTypeEventRecord));
}

CUPORT_EXPORT cudaError_t cudaGraphExecEventWaitNodeSetEvent(cudaGraphExec_t hGraphExec,
                                                             cudaGraphNode_t hNode,
                                                             cudaEvent_t event) {
  CUPORT_API_ENTRY(cudaGraphExecEventWaitNodeSetEvent);
  return recordError(execSetEvent(hGraphExec, hNode, event, cudaGraphNodeTypeWaitEvent));
}

/// cudaGraphAddNode without the edge data.
static cudaError_t addNodeFromParams(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                     const cudaGraphNode_t *pDependencies,
                                     size_t numDependencies,
                                     struct cudaGraphNodeParams *nodeParams) {
  if (!liveGraph(graph))
    return cudaErrorInvalidValue;
  if (nodeParams->type == cudaGraphNodeTypeMemAlloc) {
    cudaMemAllocNodeParams alloc{
        nodeParams->alloc.poolProps, nodeParams->alloc.accessDescs,
        nodeParams->alloc.accessDescCount, nodeParams->alloc.bytesize, nullptr};
    cudaError_t error =
        addMemAllocNode(pGraphNode, graph, pDependencies, numDependencies, alloc);
    if (error == cudaSuccess)
      nodeParams->alloc.dptr = alloc.dptr;
    return error;
  }
  if (nodeParams->type == cudaGraphNodeTypeMemFree)
    return addMemFreeNode(pGraphNode, graph, pDependencies, numDependencies,
                          nodeParams->free.dptr);
  bool move = nodeParams->type == cudaGraphNodeTypeGraph &&
              nodeParams->graph.ownership == cudaGraphChildGraphOwnershipMove;
  if (move && nodeParams->graph.graph == graph)
    return cudaErrorInvalidValue;
  std::unique_ptr<GraphNode> node;
  if (cudaError_t error = nodeFromParams(*nodeParams, &node))
    return error;
  if (cudaError_t error =
          addTo(pGraphNode, graph, pDependencies, numDependencies, std::move(node)))
    return error;
  if (move) {
    GraphNode *added = liveNode(*pGraphNode);
    added->child.reset(reinterpret_cast<Graph *>(nodeParams->graph.graph));
    added->child->parent = added;
  }
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                           const cudaGraphNode_t *pDependencies,
                                           const cudaGraphEdgeData *dependencyData,
                                           size_t numDependencies,
                                           struct cudaGraphNodeParams *nodeParams) {
  CUPORT_API_ENTRY(cudaGraphAddNode);
  if (!nodeParams)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  if (cudaError_t error = checkNewEdges(pDependencies, dependencyData, numDependencies,
                                        nodeParams->type))
    return recordError(error);
  if (cudaError_t error = addNodeFromParams(pGraphNode, graph, pDependencies,
                                            numDependencies, nodeParams))
    return recordError(error);
  if (dependencyData && numDependencies)
    liveNode(*pGraphNode)
        ->dependencyEdges.assign(dependencyData, dependencyData + numDependencies);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphNodeSetParams(cudaGraphNode_t node,
                                                 struct cudaGraphNodeParams *nodeParams) {
  CUPORT_API_ENTRY(cudaGraphNodeSetParams);
  Lock lock(graphMutex());
  GraphNode *target = liveNode(node);
  if (!target || !nodeParams)
    return recordError(cudaErrorInvalidValue);
  if (target->type == cudaGraphNodeTypeGraph)
    return recordError(cudaErrorNotSupported);
  return recordError(applyParams(target->type, *nodeParams, &target->data));
}

CUPORT_EXPORT cudaError_t
cudaGraphExecNodeSetParams(cudaGraphExec_t graphExec, cudaGraphNode_t node,
                           struct cudaGraphNodeParams *nodeParams) {
  CUPORT_API_ENTRY(cudaGraphExecNodeSetParams);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(graphExec);
  GraphNode *source = liveNode(node);
  if (!exec || !source || !nodeParams)
    return recordError(cudaErrorInvalidValue);
  ExecNode *target = execNode(exec, node, source->type);
  if (!target)
    return recordError(source->type == cudaGraphNodeTypeGraph ? cudaErrorNotSupported
                                                              : cudaErrorInvalidValue);
  waitForExec(*exec);
  if (cudaError_t error = applyParams(target->type, *nodeParams, &target->data))
    return recordError(error);
  prepareExecNode(*target);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphClone(cudaGraph_t *pGraphClone,
                                         cudaGraph_t originalGraph) {
  CUPORT_API_ENTRY(cudaGraphClone);
  Lock lock(graphMutex());
  Graph *original = liveGraph(originalGraph);
  if (!pGraphClone || !original || hasMemoryNodes(*original))
    return recordError(cudaErrorInvalidValue);
  *pGraphClone = reinterpret_cast<cudaGraph_t>(cloneGraph(*original).release());
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphNodeFindInClone(cudaGraphNode_t *pNode,
                                                   cudaGraphNode_t originalNode,
                                                   cudaGraph_t clonedGraph) {
  CUPORT_API_ENTRY(cudaGraphNodeFindInClone);
  Lock lock(graphMutex());
  Graph *clone = liveGraph(clonedGraph);
  GraphNode *original = liveNode(originalNode);
  if (!pNode || !clone || !original)
    return recordError(cudaErrorInvalidValue);
  auto it = clone->cloneOf.find(original);
  if (it == clone->cloneOf.end())
    return recordError(cudaErrorInvalidValue);
  *pNode = handleOf(it->second);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphNodeGetType(cudaGraphNode_t node,
                                               enum cudaGraphNodeType *pType) {
  CUPORT_API_ENTRY(cudaGraphNodeGetType);
  Lock lock(graphMutex());
  GraphNode *target = liveNode(node);
  if (!target || !pType)
    return recordError(cudaErrorInvalidValue);
  *pType = target->type;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t *nodes,
                                            size_t *numNodes) {
  CUPORT_API_ENTRY(cudaGraphGetNodes);
  Lock lock(graphMutex());
  Graph *source = liveGraph(graph);
  if (!source)
    return recordError(cudaErrorInvalidValue);
  std::vector<cudaGraphNode_t> all;
  for (const auto &node : source->nodes)
    all.push_back(handleOf(node.get()));
  return recordError(listOut(all, nodes, numNodes));
}

CUPORT_EXPORT cudaError_t cudaGraphGetRootNodes(cudaGraph_t graph,
                                                cudaGraphNode_t *pRootNodes,
                                                size_t *pNumRootNodes) {
  CUPORT_API_ENTRY(cudaGraphGetRootNodes);
  Lock lock(graphMutex());
  Graph *source = liveGraph(graph);
  if (!source)
    return recordError(cudaErrorInvalidValue);
  std::vector<cudaGraphNode_t> roots;
  for (const auto &node : source->nodes)
    if (node->dependencies.empty())
      roots.push_back(handleOf(node.get()));
  return recordError(listOut(roots, pRootNodes, pNumRootNodes));
}

CUPORT_EXPORT cudaError_t cudaGraphGetEdges(cudaGraph_t graph, cudaGraphNode_t *from,
                                            cudaGraphNode_t *to,
                                            cudaGraphEdgeData *edgeData,
                                            size_t *numEdges) {
  CUPORT_API_ENTRY(cudaGraphGetEdges);
  Lock lock(graphMutex());
  Graph *source = liveGraph(graph);
  if (!source || !numEdges || (!from != !to) || (edgeData && !from))
    return recordError(cudaErrorInvalidValue);
  std::vector<cudaGraphNode_t> sources, targets;
  for (const auto &node : source->nodes)
    for (GraphNode *dependent : node->dependents) {
      sources.push_back(handleOf(node.get()));
      targets.push_back(handleOf(dependent));
    }
  std::vector<cudaGraphEdgeData> edges;
  for (size_t i = 0; i < sources.size(); ++i)
    edges.push_back(*findEdge(reinterpret_cast<GraphNode *>(sources[i]),
                              reinterpret_cast<GraphNode *>(targets[i])));
  size_t capacity = *numEdges;
  if (!from)
    return recordError(listOut(sources, from, numEdges));
  if (cudaError_t error = edgeDataOut(edges, edgeData, capacity))
    return recordError(error);
  listOut(targets, to, &capacity);
  listOut(sources, from, numEdges);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphNodeGetDependencies(cudaGraphNode_t node,
                                                       cudaGraphNode_t *pDependencies,
                                                       cudaGraphEdgeData *edgeData,
                                                       size_t *pNumDependencies) {
  CUPORT_API_ENTRY(cudaGraphNodeGetDependencies);
  Lock lock(graphMutex());
  return recordError(neighbours(node, true, pDependencies, edgeData, pNumDependencies));
}

CUPORT_EXPORT cudaError_t cudaGraphNodeGetDependentNodes(cudaGraphNode_t node,
                                                         cudaGraphNode_t *pDependentNodes,
                                                         cudaGraphEdgeData *edgeData,
                                                         size_t *pNumDependentNodes) {
  CUPORT_API_ENTRY(cudaGraphNodeGetDependentNodes);
  Lock lock(graphMutex());
  return recordError(
      neighbours(node, false, pDependentNodes, edgeData, pNumDependentNodes));
}

/// Checks `count` edges of `graph`; `exist` says whether each must exist
/// already (removal) or not (addition).
static cudaError_t checkEdges(Graph *graph, const cudaGraphNode_t *from,
                              const cudaGraphNode_t *to,
                              const cudaGraphEdgeData *edgeData, size_t count,
                              bool exist) {
  if (!graph || (count && (!from || !to)))
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < count; ++i) {
    GraphNode *source = liveNode(from[i]), *target = liveNode(to[i]);
    if (!source || !target || source == target || source->graph != graph ||
        target->graph != graph)
      return cudaErrorInvalidValue;
    cudaGraphEdgeData wanted = edgeDataAt(edgeData, i);
    if (!exist && checkEdgeData(wanted, source->type, target->type))
      return cudaErrorInvalidValue;
    const cudaGraphEdgeData *present = findEdge(source, target);
    // Removal names the edge by its data too (null data: default edges).
    if (exist ? !present || !sameEdgeData(*present, wanted) : present != nullptr)
      return cudaErrorInvalidValue;
  }
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddDependencies(cudaGraph_t graph,
                                                   const cudaGraphNode_t *from,
                                                   const cudaGraphNode_t *to,
                                                   const cudaGraphEdgeData *edgeData,
                                                   size_t numDependencies) {
  CUPORT_API_ENTRY(cudaGraphAddDependencies);
  Lock lock(graphMutex());
  if (cudaError_t error =
          checkEdges(liveGraph(graph), from, to, edgeData, numDependencies, false))
    return recordError(error);
  for (size_t i = 0; i < numDependencies; ++i) {
    auto *source = reinterpret_cast<GraphNode *>(from[i]);
    auto *target = reinterpret_cast<GraphNode *>(to[i]);
    if (findEdge(source, target))
      continue; // listed twice
    linkNodes(source, target, edgeDataAt(edgeData, i));
  }
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphRemoveDependencies(cudaGraph_t graph,
                                                      const cudaGraphNode_t *from,
                                                      const cudaGraphNode_t *to,
                                                      const cudaGraphEdgeData *edgeData,
                                                      size_t numDependencies) {
  CUPORT_API_ENTRY(cudaGraphRemoveDependencies);
  Lock lock(graphMutex());
  if (cudaError_t error =
          checkEdges(liveGraph(graph), from, to, edgeData, numDependencies, true))
    return recordError(error);
  if (numDependencies && hasMemoryNodes(*liveGraph(graph)))
    return recordError(cudaErrorNotSupported); // CUDA forbids it there
  for (size_t i = 0; i < numDependencies; ++i) {
    auto *source = reinterpret_cast<GraphNode *>(from[i]);
    auto *target = reinterpret_cast<GraphNode *>(to[i]);
    unlinkNodes(source, target);
  }
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphDestroyNode(cudaGraphNode_t node) {
  CUPORT_API_ENTRY(cudaGraphDestroyNode);
  Lock lock(graphMutex());
  GraphNode *target = liveNode(node);
  if (!target)
    return recordError(cudaErrorInvalidValue);
  if (hasMemoryNodes(*target->graph))
    return recordError(cudaErrorNotSupported); // CUDA forbids it there
  destroyNode(target);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphDebugDotPrint(cudaGraph_t graph, const char *path,
                                                 unsigned int flags) {
  CUPORT_API_ENTRY(cudaGraphDebugDotPrint);
  Lock lock(graphMutex());
  Graph *source = liveGraph(graph);
  if (!source || !path)
    return recordError(cudaErrorInvalidValue);
  std::FILE *file = std::fopen(path, "w");
  if (!file)
    return recordError(cudaErrorOperatingSystem);
  std::fprintf(file, "digraph cudaGraph {\n  node [shape=box];\n");
  writeDot(file, *source, flags, 1);
  std::fprintf(file, "}\n");
  bool written = std::fclose(file) == 0;
  return recordError(written ? cudaSuccess : cudaErrorOperatingSystem);
}

//===----------------------------------------------------------------------===//
// Executable graphs
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaGraphInstantiate(cudaGraphExec_t *pGraphExec,
                                               cudaGraph_t graph,
                                               unsigned long long flags) {
  CUPORT_API_ENTRY(cudaGraphInstantiate);
  Lock lock(graphMutex());
  return recordError(instantiateEntry(pGraphExec, graph, flags, nullptr));
}

CUPORT_EXPORT cudaError_t cudaGraphInstantiateWithFlags(cudaGraphExec_t *pGraphExec,
                                                        cudaGraph_t graph,
                                                        unsigned long long flags) {
  CUPORT_API_ENTRY(cudaGraphInstantiateWithFlags);
  Lock lock(graphMutex());
  return recordError(instantiateEntry(pGraphExec, graph, flags, nullptr));
}

CUPORT_EXPORT cudaError_t
cudaGraphInstantiateWithParams(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                               cudaGraphInstantiateParams *instantiateParams) {
  CUPORT_API_ENTRY(cudaGraphInstantiateWithParams);
  if (!instantiateParams)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  instantiateParams->errNode_out = nullptr;
  if (instantiateParams->flags & cudaGraphInstantiateFlagUpload) {
    StreamTarget target;
    if (cudaError_t error = lookupStream(instantiateParams->uploadStream, &target))
      return recordError(error);
  }
  GraphNode *errorNode = nullptr;
  cudaError_t error =
      instantiateEntry(pGraphExec, graph, instantiateParams->flags, &errorNode);
  instantiateParams->errNode_out = handleOf(errorNode);
  instantiateParams->result_out = error == cudaSuccess ? cudaGraphInstantiateSuccess
                                  : errorNode ? cudaGraphInstantiateInvalidStructure
                                  : error == cudaErrorNotSupported
                                      ? cudaGraphInstantiateNodeOperationNotSupported
                                      : cudaGraphInstantiateError;
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaGraphExecGetFlags(cudaGraphExec_t graphExec,
                                                unsigned long long *flags) {
  CUPORT_API_ENTRY(cudaGraphExecGetFlags);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(graphExec);
  if (!exec || !flags)
    return recordError(cudaErrorInvalidValue);
  *flags = exec->flags;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t
cudaGraphExecKernelNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                 const struct cudaKernelNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphExecKernelNodeSetParams);
  Lock lock(graphMutex());
  ExecNode *target = execNode(liveExec(hGraphExec), node, cudaGraphNodeTypeKernel);
  if (!target || !pNodeParams)
    return recordError(cudaErrorInvalidValue);
  KernelNodeData data;
  if (cudaError_t error = makeKernelNode(*pNodeParams, &data))
    return recordError(error);
  target->data.kernel = std::move(data);
  target->data.kernel.refreshPointers();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t
cudaGraphExecMemcpyNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                 const struct cudaMemcpy3DParms *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphExecMemcpyNodeSetParams);
  Lock lock(graphMutex());
  ExecNode *target = execNode(liveExec(hGraphExec), node, cudaGraphNodeTypeMemcpy);
  if (!target || !pNodeParams)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = checkMemcpyNode(*pNodeParams))
    return recordError(error);
  target->data.memcpy = *pNodeParams;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphExecMemcpyNodeSetParams1D(cudaGraphExec_t hGraphExec,
                                                             cudaGraphNode_t node,
                                                             void *dst, const void *src,
                                                             size_t count,
                                                             enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphExecMemcpyNodeSetParams1D);
  cudaMemcpy3DParms params = memcpy1D(dst, src, count, kind);
  return cudaGraphExecMemcpyNodeSetParams(hGraphExec, node, &params);
}

CUPORT_EXPORT cudaError_t
cudaGraphExecMemsetNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                 const struct cudaMemsetParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphExecMemsetNodeSetParams);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(hGraphExec);
  ExecNode *target = execNode(exec, node, cudaGraphNodeTypeMemset);
  if (!target || !pNodeParams)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = checkMemsetNode(*pNodeParams))
    return recordError(error);
  waitForExec(*exec); // a pending launch may still read the fill pattern
  target->data.memset = *pNodeParams;
  prepareExecNode(*target);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t
cudaGraphExecHostNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                               const struct cudaHostNodeParams *pNodeParams) {
  CUPORT_API_ENTRY(cudaGraphExecHostNodeSetParams);
  Lock lock(graphMutex());
  ExecNode *target = execNode(liveExec(hGraphExec), node, cudaGraphNodeTypeHost);
  if (!target || !pNodeParams || !pNodeParams->fn)
    return recordError(cudaErrorInvalidValue);
  target->data.host = *pNodeParams;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphExecChildGraphNodeSetParams(cudaGraphExec_t hGraphExec,
                                                               cudaGraphNode_t node,
                                                               cudaGraph_t childGraph) {
  CUPORT_API_ENTRY(cudaGraphExecChildGraphNodeSetParams);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(hGraphExec);
  GraphNode *childNode = nodeOfType(node, cudaGraphNodeTypeGraph);
  Graph *child = liveGraph(childGraph);
  if (!exec || !childNode || !child)
    return recordError(cudaErrorInvalidValue);
  return recordError(updateExecChild(*exec, *childNode, *child));
}

CUPORT_EXPORT cudaError_t cudaGraphNodeSetEnabled(cudaGraphExec_t hGraphExec,
                                                  cudaGraphNode_t hNode,
                                                  unsigned int isEnabled) {
  CUPORT_API_ENTRY(cudaGraphNodeSetEnabled);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(hGraphExec);
  GraphNode *node = liveNode(hNode);
  if (!exec || !node)
    return recordError(cudaErrorInvalidValue);
  ExecNode *target = nullptr;
  for (cudaGraphNodeType type :
       {cudaGraphNodeTypeKernel, cudaGraphNodeTypeMemcpy, cudaGraphNodeTypeMemset})
    if (!target)
      target = execNode(exec, hNode, type);
  if (!target)
    return recordError(cudaErrorInvalidValue);
  target->enabled = isEnabled != 0;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphNodeGetEnabled(cudaGraphExec_t hGraphExec,
                                                  cudaGraphNode_t hNode,
                                                  unsigned int *isEnabled) {
  CUPORT_API_ENTRY(cudaGraphNodeGetEnabled);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(hGraphExec);
  if (!exec || !isEnabled)
    return recordError(cudaErrorInvalidValue);
  ExecNode *target = nullptr;
  for (cudaGraphNodeType type :
       {cudaGraphNodeTypeKernel, cudaGraphNodeTypeMemcpy, cudaGraphNodeTypeMemset})
    if (!target)
      target = execNode(exec, hNode, type);
  if (!target)
    return recordError(cudaErrorInvalidValue);
  *isEnabled = target->enabled ? 1 : 0;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphExecUpdate(cudaGraphExec_t hGraphExec,
                                              cudaGraph_t hGraph,
                                              cudaGraphExecUpdateResultInfo *resultInfo) {
  CUPORT_API_ENTRY(cudaGraphExecUpdate);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(hGraphExec);
  Graph *graph = liveGraph(hGraph);
  if (!exec || !graph || !resultInfo)
    return recordError(cudaErrorInvalidValue);
  return recordError(updateExec(*exec, *graph, resultInfo));
}

CUPORT_EXPORT cudaError_t cudaGraphUpload(cudaGraphExec_t graphExec,
                                          cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaGraphUpload);
  Lock lock(graphMutex());
  if (!liveExec(graphExec))
    return recordError(cudaErrorInvalidValue);
  StreamTarget target;
  // Nothing to upload: the exec already lives in memory the device reads.
  return recordError(resolveStream(stream, &target));
}

CUPORT_EXPORT cudaError_t cudaGraphLaunch(cudaGraphExec_t graphExec,
                                          cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaGraphLaunch);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(graphExec);
  if (!exec)
    return recordError(cudaErrorInvalidValue);
  return recordError(launchExec(*exec, stream));
}

CUPORT_EXPORT cudaError_t cudaGraphExecDestroy(cudaGraphExec_t graphExec) {
  CUPORT_API_ENTRY(cudaGraphExecDestroy);
  Lock lock(graphMutex());
  GraphExec *exec = liveExec(graphExec);
  if (!exec)
    return recordError(cudaErrorInvalidValue);
  destroyExec(exec);
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// User objects
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaUserObjectCreate(cudaUserObject_t *object_out, void *ptr,
                                               cudaHostFn_t destroy,
                                               unsigned int initialRefcount,
                                               unsigned int flags) {
  CUPORT_API_ENTRY(cudaUserObjectCreate);
  if (!object_out || !destroy || initialRefcount == 0 ||
      flags != cudaUserObjectNoDestructorSync)
    return recordError(cudaErrorInvalidValue);
  auto *object = new UserObject();
  object->ptr = ptr;
  object->destroy = destroy;
  object->references = initialRefcount;
  liveUserObjects().insert(object);
  *object_out = reinterpret_cast<cudaUserObject_t>(object);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaUserObjectRetain(cudaUserObject_t object,
                                               unsigned int count) {
  CUPORT_API_ENTRY(cudaUserObjectRetain);
  Lock lock(graphMutex());
  UserObject *target = liveUserObject(object);
  if (!target || count == 0)
    return recordError(cudaErrorInvalidValue);
  target->references.fetch_add(count);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaUserObjectRelease(cudaUserObject_t object,
                                                unsigned int count) {
  CUPORT_API_ENTRY(cudaUserObjectRelease);
  Lock lock(graphMutex());
  UserObject *target = liveUserObject(object);
  if (!target || count == 0 || target->references.load() < count)
    return recordError(cudaErrorInvalidValue);
  releaseUserObject(target, count);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphRetainUserObject(cudaGraph_t graph,
                                                    cudaUserObject_t object,
                                                    unsigned int count,
                                                    unsigned int flags) {
  CUPORT_API_ENTRY(cudaGraphRetainUserObject);
  Lock lock(graphMutex());
  Graph *target = liveGraph(graph);
  UserObject *user = liveUserObject(object);
  if (!target || !user || count == 0 || (flags & ~unsigned(cudaGraphUserObjectMove)))
    return recordError(cudaErrorInvalidValue);
  // With cudaGraphUserObjectMove the caller's references move to the graph.
  if (!(flags & cudaGraphUserObjectMove))
    user->references.fetch_add(count);
  target->userObjects[user] += count;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphReleaseUserObject(cudaGraph_t graph,
                                                     cudaUserObject_t object,
                                                     unsigned int count) {
  CUPORT_API_ENTRY(cudaGraphReleaseUserObject);
  Lock lock(graphMutex());
  Graph *target = liveGraph(graph);
  UserObject *user = liveUserObject(object);
  if (!target || !user || count == 0)
    return recordError(cudaErrorInvalidValue);
  auto it = target->userObjects.find(user);
  if (it == target->userObjects.end() || it->second < count)
    return recordError(cudaErrorInvalidValue);
  if ((it->second -= count) == 0)
    target->userObjects.erase(it);
  releaseUserObject(user, count);
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Copies to and from device variables
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaGraphAddMemcpyNodeToSymbol(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, const void *symbol, const void *src, size_t count,
    size_t offset, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphAddMemcpyNodeToSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error =
          symbolCopy(symbol, const_cast<void *>(src), count, offset, kind, true, &params))
    return recordError(error);
  return cudaGraphAddMemcpyNode(pGraphNode, graph, pDependencies, numDependencies,
                                &params);
}

CUPORT_EXPORT cudaError_t cudaGraphAddMemcpyNodeFromSymbol(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, void *dst, const void *symbol, size_t count, size_t offset,
    enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphAddMemcpyNodeFromSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error = symbolCopy(symbol, dst, count, offset, kind, false, &params))
    return recordError(error);
  return cudaGraphAddMemcpyNode(pGraphNode, graph, pDependencies, numDependencies,
                                &params);
}

CUPORT_EXPORT cudaError_t cudaGraphMemcpyNodeSetParamsToSymbol(
    cudaGraphNode_t node, const void *symbol, const void *src, size_t count,
    size_t offset, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphMemcpyNodeSetParamsToSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error =
          symbolCopy(symbol, const_cast<void *>(src), count, offset, kind, true, &params))
    return recordError(error);
  return cudaGraphMemcpyNodeSetParams(node, &params);
}

CUPORT_EXPORT cudaError_t cudaGraphMemcpyNodeSetParamsFromSymbol(
    cudaGraphNode_t node, void *dst, const void *symbol, size_t count, size_t offset,
    enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphMemcpyNodeSetParamsFromSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error = symbolCopy(symbol, dst, count, offset, kind, false, &params))
    return recordError(error);
  return cudaGraphMemcpyNodeSetParams(node, &params);
}

CUPORT_EXPORT cudaError_t cudaGraphExecMemcpyNodeSetParamsToSymbol(
    cudaGraphExec_t hGraphExec, cudaGraphNode_t node, const void *symbol, const void *src,
    size_t count, size_t offset, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphExecMemcpyNodeSetParamsToSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error =
          symbolCopy(symbol, const_cast<void *>(src), count, offset, kind, true, &params))
    return recordError(error);
  return cudaGraphExecMemcpyNodeSetParams(hGraphExec, node, &params);
}

CUPORT_EXPORT cudaError_t cudaGraphExecMemcpyNodeSetParamsFromSymbol(
    cudaGraphExec_t hGraphExec, cudaGraphNode_t node, void *dst, const void *symbol,
    size_t count, size_t offset, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaGraphExecMemcpyNodeSetParamsFromSymbol);
  cudaMemcpy3DParms params{};
  if (cudaError_t error = symbolCopy(symbol, dst, count, offset, kind, false, &params))
    return recordError(error);
  return cudaGraphExecMemcpyNodeSetParams(hGraphExec, node, &params);
}

//===----------------------------------------------------------------------===//
// Kernel node attributes
//===----------------------------------------------------------------------===//

/// The launch attributes a kernel node keeps.
static bool kernelNodeAttribute(cudaLaunchAttributeID attr) {
  switch (attr) {
  case cudaLaunchAttributeAccessPolicyWindow:
  case cudaLaunchAttributeCooperative:
  case cudaLaunchAttributeClusterDimension:
  case cudaLaunchAttributeClusterSchedulingPolicyPreference:
  case cudaLaunchAttributePriority:
  case cudaLaunchAttributeMemSyncDomainMap:
  case cudaLaunchAttributeMemSyncDomain:
  case cudaLaunchAttributePreferredSharedMemoryCarveout:
    return true;
  default:
    return false;
  }
}

CUPORT_EXPORT cudaError_t
cudaGraphKernelNodeGetAttribute(cudaGraphNode_t hNode, cudaLaunchAttributeID attr,
                                cudaLaunchAttributeValue *value_out) {
  CUPORT_API_ENTRY(cudaGraphKernelNodeGetAttribute);
  Lock lock(graphMutex());
  GraphNode *kernel = nodeOfType(hNode, cudaGraphNodeTypeKernel);
  if (!kernel || !value_out || !kernelNodeAttribute(attr))
    return recordError(cudaErrorInvalidValue);
  auto it = kernel->data.kernel.attributes.find(attr);
  if (it != kernel->data.kernel.attributes.end())
    *value_out = it->second;
  else
    std::memset(value_out, 0, sizeof *value_out);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t
cudaGraphKernelNodeSetAttribute(cudaGraphNode_t hNode, cudaLaunchAttributeID attr,
                                const cudaLaunchAttributeValue *value) {
  CUPORT_API_ENTRY(cudaGraphKernelNodeSetAttribute);
  Lock lock(graphMutex());
  GraphNode *kernel = nodeOfType(hNode, cudaGraphNodeTypeKernel);
  if (!kernel || !value || !kernelNodeAttribute(attr))
    return recordError(cudaErrorInvalidValue);
  kernel->data.kernel.attributes[attr] = *value;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphKernelNodeCopyAttributes(cudaGraphNode_t hDst,
                                                            cudaGraphNode_t hSrc) {
  CUPORT_API_ENTRY(cudaGraphKernelNodeCopyAttributes);
  Lock lock(graphMutex());
  GraphNode *dst = nodeOfType(hDst, cudaGraphNodeTypeKernel);
  GraphNode *src = nodeOfType(hSrc, cudaGraphNodeTypeKernel);
  if (!dst || !src)
    return recordError(cudaErrorInvalidValue);
  dst->data.kernel.attributes = src->data.kernel.attributes;
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Graph memory
//===----------------------------------------------------------------------===//

static cudaError_t graphMemoryDevice(int device, Device **out = nullptr) {
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  Device *found = Runtime::instance().device(device);
  if (out)
    *out = found;
  return found ? cudaSuccess : cudaErrorInvalidDevice;
}

static bool graphMemoryAttribute(cudaGraphMemAttributeType attr) {
  return attr == cudaGraphMemAttrUsedMemCurrent || attr == cudaGraphMemAttrUsedMemHigh ||
         attr == cudaGraphMemAttrReservedMemCurrent ||
         attr == cudaGraphMemAttrReservedMemHigh;
}

// Trimming returns memory no graph holds: cuport releases such memory as
// soon as it is unused, so there is nothing left to trim.
CUPORT_EXPORT cudaError_t cudaDeviceGraphMemTrim(int device) {
  CUPORT_API_ENTRY(cudaDeviceGraphMemTrim);
  return recordError(graphMemoryDevice(device));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetGraphMemAttribute(
    int device, enum cudaGraphMemAttributeType attr, void *value) {
  CUPORT_API_ENTRY(cudaDeviceGetGraphMemAttribute);
  if (cudaError_t error = graphMemoryDevice(device))
    return recordError(error);
  if (!value || !graphMemoryAttribute(attr))
    return recordError(cudaErrorInvalidValue);
  Device *target = nullptr;
  graphMemoryDevice(device, &target);
  *static_cast<uint64_t *>(value) = graphMemoryFigure(*target, attr);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSetGraphMemAttribute(
    int device, enum cudaGraphMemAttributeType attr, void *value) {
  CUPORT_API_ENTRY(cudaDeviceSetGraphMemAttribute);
  if (cudaError_t error = graphMemoryDevice(device))
    return recordError(error);
  // Only the high watermarks can be set, and only to zero (which resets them).
  bool resettable =
      attr == cudaGraphMemAttrUsedMemHigh || attr == cudaGraphMemAttrReservedMemHigh;
  if (!value || !resettable || *static_cast<uint64_t *>(value) != 0)
    return recordError(cudaErrorInvalidValue);
  Device *target = nullptr;
  graphMemoryDevice(device, &target);
  resetGraphMemoryHigh(*target, attr); // back to the current figure
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// Memory allocation and free nodes
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaGraphAddMemAllocNode(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
    size_t numDependencies, struct cudaMemAllocNodeParams *nodeParams) {
  CUPORT_API_ENTRY(cudaGraphAddMemAllocNode);
  if (!nodeParams)
    return recordError(cudaErrorInvalidValue);
  Lock lock(graphMutex());
  return recordError(
      addMemAllocNode(pGraphNode, graph, pDependencies, numDependencies, *nodeParams));
}

CUPORT_EXPORT cudaError_t cudaGraphMemAllocNodeGetParams(
    cudaGraphNode_t node, struct cudaMemAllocNodeParams *params_out) {
  CUPORT_API_ENTRY(cudaGraphMemAllocNodeGetParams);
  Lock lock(graphMutex());
  GraphNode *alloc = nodeOfType(node, cudaGraphNodeTypeMemAlloc);
  if (!alloc || !params_out)
    return recordError(cudaErrorInvalidValue);
  *params_out = alloc->data.alloc;
  params_out->accessDescs =
      alloc->data.accessDescs.empty() ? nullptr : alloc->data.accessDescs.data();
  params_out->accessDescCount = alloc->data.accessDescs.size();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGraphAddMemFreeNode(cudaGraphNode_t *pGraphNode,
                                                  cudaGraph_t graph,
                                                  const cudaGraphNode_t *pDependencies,
                                                  size_t numDependencies, void *dptr) {
  CUPORT_API_ENTRY(cudaGraphAddMemFreeNode);
  Lock lock(graphMutex());
  return recordError(
      addMemFreeNode(pGraphNode, graph, pDependencies, numDependencies, dptr));
}

CUPORT_EXPORT cudaError_t cudaGraphMemFreeNodeGetParams(cudaGraphNode_t node,
                                                        void *dptr_out) {
  CUPORT_API_ENTRY(cudaGraphMemFreeNodeGetParams);
  Lock lock(graphMutex());
  GraphNode *free = nodeOfType(node, cudaGraphNodeTypeMemFree);
  if (!free || !dptr_out)
    return recordError(cudaErrorInvalidValue);
  *static_cast<void **>(dptr_out) = free->data.dptr;
  return cudaSuccess;
}
