//===- entry/PerThreadStream.cpp - The _ptsz / _ptds entry points ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Code compiled with `nvcc --default-stream per-thread` (or with
// CUDA_API_PER_THREAD_DEFAULT_STREAM) calls these variants: stream 0 then
// means the calling thread's default stream, and the stream-less calls
// (_ptds) work on that stream instead of the legacy one. Each variant is
// its base function on cudaStreamPerThread, which core/Streams resolves to
// the calling thread's own blocking stream (one per thread and device, made
// on first use, destroyed when the thread exits).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

namespace {

/// Stream 0 of per-thread code is the per-thread default stream.
cudaStream_t perThread(cudaStream_t stream) {
  return stream ? stream : cudaStreamPerThread;
}

/// A synchronous operation of a _ptds variant: `submit` on the per-thread
/// stream, then wait for it.
template <typename Submit> cudaError_t synchronously(Submit submit) {
  if (cudaError_t error = submit())
    return error;
  return cudaStreamSynchronize(cudaStreamPerThread);
}

} // namespace

CUPORT_EXPORT cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t kernel, dim3 gridDim,
                                                  dim3 blockDim, void **args,
                                                  size_t sharedMem,
                                                  cudaStream_t stream) {
  CUPORT_API_ENTRY(__cudaLaunchKernel_ptsz);
  return __cudaLaunchKernel(kernel, gridDim, blockDim, args, sharedMem, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchKernel_ptsz(const void *func, dim3 gridDim,
                                                dim3 blockDim, void **args,
                                                size_t sharedMem, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaLaunchKernel_ptsz);
  return cudaLaunchKernel(func, gridDim, blockDim, args, sharedMem, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchCooperativeKernel_ptsz(const void *func, dim3 gridDim,
                                                           dim3 blockDim, void **args,
                                                           size_t sharedMem,
                                                           cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaLaunchCooperativeKernel_ptsz);
  return cudaLaunchCooperativeKernel(func, gridDim, blockDim, args, sharedMem,
                                     perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchHostFunc_ptsz(cudaStream_t stream, cudaHostFn_t fn,
                                                  void *userData) {
  CUPORT_API_ENTRY(cudaLaunchHostFunc_ptsz);
  return cudaLaunchHostFunc(perThread(stream), fn, userData);
}

CUPORT_EXPORT cudaError_t cudaMemcpy_ptds(void *dst, const void *src, size_t count,
                                          enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy_ptds);
  return synchronously(
      [&] { return cudaMemcpyAsync(dst, src, count, kind, cudaStreamPerThread); });
}

CUPORT_EXPORT cudaError_t cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t count,
                                               enum cudaMemcpyKind kind,
                                               cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyAsync_ptsz);
  return cudaMemcpyAsync(dst, src, count, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemset_ptds(void *devPtr, int value, size_t count) {
  CUPORT_API_ENTRY(cudaMemset_ptds);
  return cudaMemsetAsync(devPtr, value, count, cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMemsetAsync_ptsz(void *devPtr, int value, size_t count,
                                               cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemsetAsync_ptsz);
  return cudaMemsetAsync(devPtr, value, count, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbol_ptds(const void *symbol, const void *src,
                                                  size_t count, size_t offset,
                                                  enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyToSymbol_ptds);
  return synchronously([&] {
    return cudaMemcpyToSymbolAsync(symbol, src, count, offset, kind, cudaStreamPerThread);
  });
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbol_ptds(void *dst, const void *symbol,
                                                    size_t count, size_t offset,
                                                    enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyFromSymbol_ptds);
  return synchronously([&] {
    return cudaMemcpyFromSymbolAsync(dst, symbol, count, offset, kind, cudaStreamPerThread);
  });
}

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbolAsync_ptsz(const void *symbol, const void *src,
                                                       size_t count, size_t offset,
                                                       enum cudaMemcpyKind kind,
                                                       cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyToSymbolAsync_ptsz);
  return cudaMemcpyToSymbolAsync(symbol, src, count, offset, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbolAsync_ptsz(void *dst, const void *symbol,
                                                         size_t count, size_t offset,
                                                         enum cudaMemcpyKind kind,
                                                         cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyFromSymbolAsync_ptsz);
  return cudaMemcpyFromSymbolAsync(dst, symbol, count, offset, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaEventRecord_ptsz(cudaEvent_t event, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaEventRecord_ptsz);
  return cudaEventRecord(event, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaEventRecordWithFlags_ptsz(cudaEvent_t event,
                                                        cudaStream_t stream,
                                                        unsigned int flags) {
  CUPORT_API_ENTRY(cudaEventRecordWithFlags_ptsz);
  return cudaEventRecordWithFlags(event, perThread(stream), flags);
}

CUPORT_EXPORT cudaError_t cudaStreamAddCallback_ptsz(cudaStream_t stream,
                                                     cudaStreamCallback_t callback,
                                                     void *userData, unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamAddCallback_ptsz);
  return cudaStreamAddCallback(perThread(stream), callback, userData, flags);
}

CUPORT_EXPORT cudaError_t cudaStreamGetDevice_ptsz(cudaStream_t hStream, int *device) {
  CUPORT_API_ENTRY(cudaStreamGetDevice_ptsz);
  return cudaStreamGetDevice(perThread(hStream), device);
}

CUPORT_EXPORT cudaError_t cudaStreamGetFlags_ptsz(cudaStream_t hStream, unsigned int *flags) {
  CUPORT_API_ENTRY(cudaStreamGetFlags_ptsz);
  return cudaStreamGetFlags(perThread(hStream), flags);
}

CUPORT_EXPORT cudaError_t cudaStreamGetPriority_ptsz(cudaStream_t hStream, int *priority) {
  CUPORT_API_ENTRY(cudaStreamGetPriority_ptsz);
  return cudaStreamGetPriority(perThread(hStream), priority);
}

CUPORT_EXPORT cudaError_t cudaStreamQuery_ptsz(cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaStreamQuery_ptsz);
  return cudaStreamQuery(perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaStreamSynchronize_ptsz);
  return cudaStreamSynchronize(perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaStreamWaitEvent_ptsz(cudaStream_t stream, cudaEvent_t event,
                                                   unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamWaitEvent_ptsz);
  return cudaStreamWaitEvent(perThread(stream), event, flags);
}

CUPORT_EXPORT cudaError_t cudaGraphLaunch_ptsz(cudaGraphExec_t graphExec,
                                               cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaGraphLaunch_ptsz);
  return cudaGraphLaunch(graphExec, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaGraphUpload_ptsz(cudaGraphExec_t graphExec,
                                               cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaGraphUpload_ptsz);
  return cudaGraphUpload(graphExec, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaGraphInstantiateWithParams_ptsz(
    cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
    cudaGraphInstantiateParams *instantiateParams) {
  CUPORT_API_ENTRY(cudaGraphInstantiateWithParams_ptsz);
  if (instantiateParams && (instantiateParams->flags & cudaGraphInstantiateFlagUpload)) {
    cudaGraphInstantiateParams params = *instantiateParams;
    params.uploadStream = perThread(params.uploadStream);
    cudaError_t error = cudaGraphInstantiateWithParams(pGraphExec, graph, &params);
    instantiateParams->errNode_out = params.errNode_out;
    instantiateParams->result_out = params.result_out;
    return error;
  }
  return cudaGraphInstantiateWithParams(pGraphExec, graph, instantiateParams);
}

CUPORT_EXPORT cudaError_t cudaStreamBeginCapture_ptsz(cudaStream_t stream,
                                                      enum cudaStreamCaptureMode mode) {
  CUPORT_API_ENTRY(cudaStreamBeginCapture_ptsz);
  return cudaStreamBeginCapture(perThread(stream), mode);
}

CUPORT_EXPORT cudaError_t cudaStreamBeginCaptureToGraph_ptsz(
    cudaStream_t stream, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    enum cudaStreamCaptureMode mode) {
  CUPORT_API_ENTRY(cudaStreamBeginCaptureToGraph_ptsz);
  return cudaStreamBeginCaptureToGraph(perThread(stream), graph, dependencies,
                                       dependencyData, numDependencies, mode);
}

CUPORT_EXPORT cudaError_t cudaStreamEndCapture_ptsz(cudaStream_t stream,
                                                    cudaGraph_t *pGraph) {
  CUPORT_API_ENTRY(cudaStreamEndCapture_ptsz);
  return cudaStreamEndCapture(perThread(stream), pGraph);
}

CUPORT_EXPORT cudaError_t cudaStreamIsCapturing_ptsz(
    cudaStream_t stream, enum cudaStreamCaptureStatus *pCaptureStatus) {
  CUPORT_API_ENTRY(cudaStreamIsCapturing_ptsz);
  return cudaStreamIsCapturing(perThread(stream), pCaptureStatus);
}

CUPORT_EXPORT cudaError_t cudaStreamGetCaptureInfo_ptsz(
    cudaStream_t stream, enum cudaStreamCaptureStatus *captureStatus_out,
    unsigned long long *id_out, cudaGraph_t *graph_out,
    const cudaGraphNode_t **dependencies_out, const cudaGraphEdgeData **edgeData_out,
    size_t *numDependencies_out) {
  CUPORT_API_ENTRY(cudaStreamGetCaptureInfo_ptsz);
  return cudaStreamGetCaptureInfo(perThread(stream), captureStatus_out, id_out,
                                  graph_out, dependencies_out, edgeData_out,
                                  numDependencies_out);
}

CUPORT_EXPORT cudaError_t cudaStreamUpdateCaptureDependencies_ptsz(
    cudaStream_t stream, cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamUpdateCaptureDependencies_ptsz);
  return cudaStreamUpdateCaptureDependencies(perThread(stream), dependencies,
                                             dependencyData, numDependencies, flags);
}

CUPORT_EXPORT cudaError_t cudaMemcpy2D_ptds(void *dst, size_t dpitch, const void *src,
                                            size_t spitch, size_t width, size_t height,
                                            enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2D_ptds);
  return synchronously([&] {
    return cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, height, kind,
                             cudaStreamPerThread);
  });
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DAsync_ptsz(void *dst, size_t dpitch,
                                                 const void *src, size_t spitch,
                                                 size_t width, size_t height,
                                                 enum cudaMemcpyKind kind,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DAsync_ptsz);
  return cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, height, kind,
                           perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3D_ptds(const struct cudaMemcpy3DParms *p) {
  CUPORT_API_ENTRY(cudaMemcpy3D_ptds);
  return synchronously([&] { return cudaMemcpy3DAsync(p, cudaStreamPerThread); });
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DAsync_ptsz(const struct cudaMemcpy3DParms *p,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DAsync_ptsz);
  return cudaMemcpy3DAsync(p, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DPeer_ptds(const struct cudaMemcpy3DPeerParms *p) {
  CUPORT_API_ENTRY(cudaMemcpy3DPeer_ptds);
  return synchronously([&] { return cudaMemcpy3DPeerAsync(p, cudaStreamPerThread); });
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DPeerAsync_ptsz(
    const struct cudaMemcpy3DPeerParms *p, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DPeerAsync_ptsz);
  return cudaMemcpy3DPeerAsync(p, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemset2D_ptds(void *devPtr, size_t pitch, int value,
                                            size_t width, size_t height) {
  CUPORT_API_ENTRY(cudaMemset2D_ptds);
  return cudaMemset2DAsync(devPtr, pitch, value, width, height, cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMemset2DAsync_ptsz(void *devPtr, size_t pitch, int value,
                                                 size_t width, size_t height,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemset2DAsync_ptsz);
  return cudaMemset2DAsync(devPtr, pitch, value, width, height, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemset3D_ptds(struct cudaPitchedPtr pitchedDevPtr,
                                            int value, struct cudaExtent extent) {
  CUPORT_API_ENTRY(cudaMemset3D_ptds);
  return cudaMemset3DAsync(pitchedDevPtr, value, extent, cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMemset3DAsync_ptsz(struct cudaPitchedPtr pitchedDevPtr,
                                                 int value, struct cudaExtent extent,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemset3DAsync_ptsz);
  return cudaMemset3DAsync(pitchedDevPtr, value, extent, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemPrefetchAsync_ptsz(const void *devPtr, size_t count,
                                                    struct cudaMemLocation location,
                                                    unsigned int flags,
                                                    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemPrefetchAsync_ptsz);
  return cudaMemPrefetchAsync(devPtr, count, location, flags, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemPrefetchBatchAsync_ptsz(
    void **dptrs, size_t *sizes, size_t count, struct cudaMemLocation *prefetchLocs,
    size_t *prefetchLocIdxs, size_t numPrefetchLocs, unsigned long long flags,
    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemPrefetchBatchAsync_ptsz);
  return cudaMemPrefetchBatchAsync(dptrs, sizes, count, prefetchLocs, prefetchLocIdxs,
                                   numPrefetchLocs, flags, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemDiscardBatchAsync_ptsz(void **dptrs, size_t *sizes,
                                                        size_t count,
                                                        unsigned long long flags,
                                                        cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemDiscardBatchAsync_ptsz);
  return cudaMemDiscardBatchAsync(dptrs, sizes, count, flags, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemDiscardAndPrefetchBatchAsync_ptsz(
    void **dptrs, size_t *sizes, size_t count, struct cudaMemLocation *prefetchLocs,
    size_t *prefetchLocIdxs, size_t numPrefetchLocs, unsigned long long flags,
    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemDiscardAndPrefetchBatchAsync_ptsz);
  return cudaMemDiscardAndPrefetchBatchAsync(dptrs, sizes, count, prefetchLocs,
                                             prefetchLocIdxs, numPrefetchLocs, flags,
                                             perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpyBatchAsync_ptsz(void *const *dsts,
                                                    const void *const *srcs,
                                                    const size_t *sizes, size_t count,
                                                    struct cudaMemcpyAttributes *attrs,
                                                    size_t *attrsIdxs, size_t numAttrs,
                                                    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyBatchAsync_ptsz);
  return cudaMemcpyBatchAsync(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs,
                              perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DBatchAsync_ptsz(size_t numOps,
                                                      struct cudaMemcpy3DBatchOp *opList,
                                                      unsigned long long flags,
                                                      cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DBatchAsync_ptsz);
  return cudaMemcpy3DBatchAsync(numOps, opList, flags, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaStreamAttachMemAsync_ptsz(cudaStream_t stream,
                                                        void *devPtr, size_t length,
                                                        unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamAttachMemAsync_ptsz);
  return cudaStreamAttachMemAsync(perThread(stream), devPtr, length, flags);
}
