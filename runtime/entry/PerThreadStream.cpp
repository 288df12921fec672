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
// its base function on cudaStreamPerThread. The runtime serves the
// per-thread stream with the legacy default stream for now: ordering is
// right, but per-thread work also synchronizes with blocking streams (less
// concurrency than CUDA), hence the registry's Partial status.
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
  return __cudaLaunchKernel(kernel, gridDim, blockDim, args, sharedMem, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchKernel_ptsz(const void *func, dim3 gridDim,
                                                dim3 blockDim, void **args,
                                                size_t sharedMem, cudaStream_t stream) {
  return cudaLaunchKernel(func, gridDim, blockDim, args, sharedMem, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchHostFunc_ptsz(cudaStream_t stream, cudaHostFn_t fn,
                                                  void *userData) {
  return cudaLaunchHostFunc(perThread(stream), fn, userData);
}

CUPORT_EXPORT cudaError_t cudaMemcpy_ptds(void *dst, const void *src, size_t count,
                                          enum cudaMemcpyKind kind) {
  return synchronously(
      [&] { return cudaMemcpyAsync(dst, src, count, kind, cudaStreamPerThread); });
}

CUPORT_EXPORT cudaError_t cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t count,
                                               enum cudaMemcpyKind kind,
                                               cudaStream_t stream) {
  return cudaMemcpyAsync(dst, src, count, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemset_ptds(void *devPtr, int value, size_t count) {
  return cudaMemsetAsync(devPtr, value, count, cudaStreamPerThread);
}

CUPORT_EXPORT cudaError_t cudaMemsetAsync_ptsz(void *devPtr, int value, size_t count,
                                               cudaStream_t stream) {
  return cudaMemsetAsync(devPtr, value, count, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbol_ptds(const void *symbol, const void *src,
                                                  size_t count, size_t offset,
                                                  enum cudaMemcpyKind kind) {
  return synchronously([&] {
    return cudaMemcpyToSymbolAsync(symbol, src, count, offset, kind, cudaStreamPerThread);
  });
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbol_ptds(void *dst, const void *symbol,
                                                    size_t count, size_t offset,
                                                    enum cudaMemcpyKind kind) {
  return synchronously([&] {
    return cudaMemcpyFromSymbolAsync(dst, symbol, count, offset, kind, cudaStreamPerThread);
  });
}

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbolAsync_ptsz(const void *symbol, const void *src,
                                                       size_t count, size_t offset,
                                                       enum cudaMemcpyKind kind,
                                                       cudaStream_t stream) {
  return cudaMemcpyToSymbolAsync(symbol, src, count, offset, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbolAsync_ptsz(void *dst, const void *symbol,
                                                         size_t count, size_t offset,
                                                         enum cudaMemcpyKind kind,
                                                         cudaStream_t stream) {
  return cudaMemcpyFromSymbolAsync(dst, symbol, count, offset, kind, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaEventRecord_ptsz(cudaEvent_t event, cudaStream_t stream) {
  return cudaEventRecord(event, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaEventRecordWithFlags_ptsz(cudaEvent_t event,
                                                        cudaStream_t stream,
                                                        unsigned int flags) {
  return cudaEventRecordWithFlags(event, perThread(stream), flags);
}

CUPORT_EXPORT cudaError_t cudaStreamAddCallback_ptsz(cudaStream_t stream,
                                                     cudaStreamCallback_t callback,
                                                     void *userData, unsigned int flags) {
  return cudaStreamAddCallback(perThread(stream), callback, userData, flags);
}

CUPORT_EXPORT cudaError_t cudaStreamGetDevice_ptsz(cudaStream_t hStream, int *device) {
  return cudaStreamGetDevice(perThread(hStream), device);
}

CUPORT_EXPORT cudaError_t cudaStreamGetFlags_ptsz(cudaStream_t hStream, unsigned int *flags) {
  return cudaStreamGetFlags(perThread(hStream), flags);
}

CUPORT_EXPORT cudaError_t cudaStreamGetPriority_ptsz(cudaStream_t hStream, int *priority) {
  return cudaStreamGetPriority(perThread(hStream), priority);
}

CUPORT_EXPORT cudaError_t cudaStreamQuery_ptsz(cudaStream_t stream) {
  return cudaStreamQuery(perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream) {
  return cudaStreamSynchronize(perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaStreamWaitEvent_ptsz(cudaStream_t stream, cudaEvent_t event,
                                                   unsigned int flags) {
  return cudaStreamWaitEvent(perThread(stream), event, flags);
}

CUPORT_EXPORT cudaError_t cudaGraphLaunch_ptsz(cudaGraphExec_t graphExec,
                                               cudaStream_t stream) {
  return cudaGraphLaunch(graphExec, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaGraphUpload_ptsz(cudaGraphExec_t graphExec,
                                               cudaStream_t stream) {
  return cudaGraphUpload(graphExec, perThread(stream));
}

CUPORT_EXPORT cudaError_t cudaGraphInstantiateWithParams_ptsz(
    cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
    cudaGraphInstantiateParams *instantiateParams) {
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
  return cudaStreamBeginCapture(perThread(stream), mode);
}

CUPORT_EXPORT cudaError_t cudaStreamBeginCaptureToGraph_ptsz(
    cudaStream_t stream, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    enum cudaStreamCaptureMode mode) {
  return cudaStreamBeginCaptureToGraph(perThread(stream), graph, dependencies,
                                       dependencyData, numDependencies, mode);
}

CUPORT_EXPORT cudaError_t cudaStreamEndCapture_ptsz(cudaStream_t stream,
                                                    cudaGraph_t *pGraph) {
  return cudaStreamEndCapture(perThread(stream), pGraph);
}

CUPORT_EXPORT cudaError_t cudaStreamIsCapturing_ptsz(
    cudaStream_t stream, enum cudaStreamCaptureStatus *pCaptureStatus) {
  return cudaStreamIsCapturing(perThread(stream), pCaptureStatus);
}

CUPORT_EXPORT cudaError_t cudaStreamGetCaptureInfo_ptsz(
    cudaStream_t stream, enum cudaStreamCaptureStatus *captureStatus_out,
    unsigned long long *id_out, cudaGraph_t *graph_out,
    const cudaGraphNode_t **dependencies_out, const cudaGraphEdgeData **edgeData_out,
    size_t *numDependencies_out) {
  return cudaStreamGetCaptureInfo(perThread(stream), captureStatus_out, id_out,
                                  graph_out, dependencies_out, edgeData_out,
                                  numDependencies_out);
}

CUPORT_EXPORT cudaError_t cudaStreamUpdateCaptureDependencies_ptsz(
    cudaStream_t stream, cudaGraphNode_t *dependencies,
    const cudaGraphEdgeData *dependencyData, size_t numDependencies,
    unsigned int flags) {
  return cudaStreamUpdateCaptureDependencies(perThread(stream), dependencies,
                                             dependencyData, numDependencies, flags);
}
