//===- cuda_runtime.h - The CUDA Runtime API (C and C++) --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// What `#include <cuda_runtime.h>` gives a CUDA program: every runtime type
// and function (cuda_runtime_api.h), the constructors of vectors and copy
// descriptors, and in C++ the convenience overloads CUDA offers on top of the
// C API: typed pointers (cudaMalloc(&floatPtr, n)), kernels passed as
// function pointers, symbols passed by reference, the occupancy helpers.
//
// Host side only for now; device-side declarations arrive with cuport-cc.
// Internal helpers live in namespace __cuport.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_CUDA_RUNTIME_H
#define CUPORT_CUDA_RUNTIME_H

#include "crt/host_defines.h"
#include "builtin_types.h"
#include "library_types.h"
#include "channel_descriptor.h"
#include "cuda_runtime_api.h"
#include "driver_functions.h"
#include "vector_functions.h"

// A CUDA compiler lowers <<<...>>> to __cudaPushCallConfiguration and the
// kernel's host stub to the other hooks; it needs their declarations.
#if defined(__CUDACC__) || defined(__CUDA__)
#include "crt/cuport_registration.h"
#endif

#if defined(__cplusplus)

#include <utility>

#if defined(CUDA_ENABLE_DEPRECATED)
#define CUPORT_CXX_DEPRECATED_
#else
#define CUPORT_CXX_DEPRECATED_ __attribute__((deprecated))
#endif

// True where the CUDA compiler understands device symbols, which is where
// CUDA offers the overloads that take a symbol by reference.
#if defined(__CUDACC__) || defined(__CUDA__)
#define CUPORT_CUDA_COMPILER_ 1
#else
#define CUPORT_CUDA_COMPILER_ 0
#endif

//===----------------------------------------------------------------------===//
// Launching kernels
//===----------------------------------------------------------------------===//

template <class T>
static __inline__ __host__ cudaError_t
cudaLaunchKernel(T *func, dim3 gridDim, dim3 blockDim, void **args,
                 size_t sharedMem = 0, cudaStream_t stream = 0) {
  return ::cudaLaunchKernel((const void *)func, gridDim, blockDim, args,
                            sharedMem, stream);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaLaunchCooperativeKernel(T *func, dim3 gridDim, dim3 blockDim, void **args,
                            size_t sharedMem = 0, cudaStream_t stream = 0) {
  return ::cudaLaunchCooperativeKernel((const void *)func, gridDim, blockDim,
                                       args, sharedMem, stream);
}

// Launches `kernel` with `config`, converting each argument to the type of
// the kernel's parameter first.
template <typename... Params, typename... Args>
static __inline__ __host__ cudaError_t
cudaLaunchKernelEx(const cudaLaunchConfig_t *config, void (*kernel)(Params...),
                   Args &&...args) {
  auto launch = [&](Params... converted) {
    void *argv[] = {(void *)&converted..., nullptr};
    return ::cudaLaunchKernelExC(config, (const void *)kernel, argv);
  };
  return launch(std::forward<Args>(args)...);
}

template <typename... Args>
static __inline__ __host__ cudaError_t
cudaLaunchKernelEx(const cudaLaunchConfig_t *config, const cudaKernel_t kernel,
                   Args &&...args) {
  void *argv[] = {(void *)&args..., nullptr};
  return ::cudaLaunchKernelExC(config, (const void *)kernel, argv);
}

//===----------------------------------------------------------------------===//
// Events and graphs
//===----------------------------------------------------------------------===//

static __inline__ __host__ cudaError_t cudaEventCreate(cudaEvent_t *event,
                                                       unsigned int flags) {
  return ::cudaEventCreateWithFlags(event, flags);
}

// The five-argument form of earlier CUDA versions; the error node and log
// are not filled.
static __inline__ __host__ cudaError_t
cudaGraphInstantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                     cudaGraphNode_t *pErrorNode, char *pLogBuffer,
                     size_t bufferSize) {
  (void)pErrorNode;
  (void)pLogBuffer;
  (void)bufferSize;
  return ::cudaGraphInstantiate(pGraphExec, graph, 0);
}

// The four-argument form of earlier CUDA versions.
static __inline__ __host__ cudaError_t
cudaGraphExecUpdate(cudaGraphExec_t hGraphExec, cudaGraph_t hGraph,
                    cudaGraphNode_t *hErrorNode_out,
                    enum cudaGraphExecUpdateResult *updateResult_out) {
  cudaGraphExecUpdateResultInfo info;
  cudaError_t status = ::cudaGraphExecUpdate(hGraphExec, hGraph, &info);
  if (hErrorNode_out)
    *hErrorNode_out = info.errorNode;
  if (updateResult_out)
    *updateResult_out = info.result;
  return status;
}

// Wraps a C++ object; the graph deletes it with `delete` when the last
// reference goes.
template <class T>
static __inline__ __host__ cudaError_t
cudaUserObjectCreate(cudaUserObject_t *object_out, T *objectToWrap,
                     unsigned int initialRefcount, unsigned int flags) {
  return ::cudaUserObjectCreate(
      object_out, objectToWrap, [](void *p) { delete static_cast<T *>(p); },
      initialRefcount, flags);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaUserObjectCreate(cudaUserObject_t *object_out, T *objectToWrap,
                     unsigned int initialRefcount, cudaUserObjectFlags flags) {
  return cudaUserObjectCreate(object_out, objectToWrap, initialRefcount,
                              (unsigned int)flags);
}

//===----------------------------------------------------------------------===//
// Allocation with typed pointers
//===----------------------------------------------------------------------===//

template <class T>
static __inline__ __host__ cudaError_t cudaMalloc(T **devPtr, size_t size) {
  return ::cudaMalloc((void **)(void *)devPtr, size);
}

static __inline__ __host__ cudaError_t cudaMallocHost(void **ptr, size_t size,
                                                      unsigned int flags) {
  return ::cudaHostAlloc(ptr, size, flags);
}

template <class T>
static __inline__ __host__ cudaError_t cudaMallocHost(T **ptr, size_t size,
                                                      unsigned int flags = 0) {
  return cudaMallocHost((void **)(void *)ptr, size, flags);
}

template <class T>
static __inline__ __host__ cudaError_t cudaHostAlloc(T **ptr, size_t size,
                                                     unsigned int flags) {
  return ::cudaHostAlloc((void **)(void *)ptr, size, flags);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaHostGetDevicePointer(T **pDevice, void *pHost, unsigned int flags) {
  return ::cudaHostGetDevicePointer((void **)(void *)pDevice, pHost, flags);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaMallocManaged(T **devPtr, size_t size,
                  unsigned int flags = cudaMemAttachGlobal) {
  return ::cudaMallocManaged((void **)(void *)devPtr, size, flags);
}

template <class T>
static __inline__ __host__ cudaError_t cudaMallocPitch(T **devPtr,
                                                       size_t *pitch,
                                                       size_t width,
                                                       size_t height) {
  return ::cudaMallocPitch((void **)(void *)devPtr, pitch, width, height);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaStreamAttachMemAsync(cudaStream_t stream, T *devPtr, size_t length = 0,
                         unsigned int flags = cudaMemAttachSingle) {
  return ::cudaStreamAttachMemAsync(stream, (void *)devPtr, length, flags);
}

// cudaMallocAsync from a given pool is cudaMallocFromPoolAsync.
static __inline__ __host__ cudaError_t cudaMallocAsync(void **ptr, size_t size,
                                                       cudaMemPool_t memPool,
                                                       cudaStream_t stream) {
  return ::cudaMallocFromPoolAsync(ptr, size, memPool, stream);
}

template <class T>
static __inline__ __host__ cudaError_t cudaMallocAsync(T **ptr, size_t size,
                                                       cudaMemPool_t memPool,
                                                       cudaStream_t stream) {
  return ::cudaMallocFromPoolAsync((void **)(void *)ptr, size, memPool,
                                   stream);
}

template <class T>
static __inline__ __host__ cudaError_t cudaMallocAsync(T **ptr, size_t size,
                                                       cudaStream_t stream) {
  return ::cudaMallocAsync((void **)(void *)ptr, size, stream);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaMallocFromPoolAsync(T **ptr, size_t size, cudaMemPool_t memPool,
                        cudaStream_t stream) {
  return ::cudaMallocFromPoolAsync((void **)(void *)ptr, size, memPool,
                                   stream);
}

//===----------------------------------------------------------------------===//
// Batched copies and prefetches with typed pointers
//===----------------------------------------------------------------------===//

template <typename T, typename U>
static __inline__ __host__ cudaError_t
cudaMemcpyBatchAsync(T *const *dsts, U *const *srcs, const size_t *sizes,
                     size_t count, struct cudaMemcpyAttributes *attrs,
                     size_t *attrsIdxs, size_t numAttrs, cudaStream_t hStream) {
  return ::cudaMemcpyBatchAsync((void *const *)dsts, (const void *const *)srcs,
                                sizes, count, attrs, attrsIdxs, numAttrs,
                                hStream);
}

// One set of attributes for every copy.
template <typename T, typename U>
static __inline__ __host__ cudaError_t
cudaMemcpyBatchAsync(T *const *dsts, U *const *srcs, const size_t *sizes,
                     size_t count, struct cudaMemcpyAttributes attr,
                     cudaStream_t hStream) {
  size_t firstIdx = 0;
  return ::cudaMemcpyBatchAsync((void *const *)dsts, (const void *const *)srcs,
                                sizes, count, &attr, &firstIdx, 1, hStream);
}

template <typename T>
static __inline__ __host__ cudaError_t cudaMemPrefetchBatchAsync(
    T **dptrs, size_t *sizes, size_t count,
    struct cudaMemLocation *prefetchLocs, size_t *prefetchLocIdxs,
    size_t numPrefetchLocs, unsigned long long flags, cudaStream_t stream) {
  return ::cudaMemPrefetchBatchAsync((void **)dptrs, sizes, count, prefetchLocs,
                                     prefetchLocIdxs, numPrefetchLocs, flags,
                                     stream);
}

// One location for every range.
template <typename T>
static __inline__ __host__ cudaError_t
cudaMemPrefetchBatchAsync(T **dptrs, size_t *sizes, size_t count,
                          struct cudaMemLocation prefetchLoc,
                          unsigned long long flags, cudaStream_t stream) {
  size_t firstIdx = 0;
  return ::cudaMemPrefetchBatchAsync((void **)dptrs, sizes, count, &prefetchLoc,
                                     &firstIdx, 1, flags, stream);
}

template <typename T>
static __inline__ __host__ cudaError_t cudaMemDiscardAndPrefetchBatchAsync(
    T **dptrs, size_t *sizes, size_t count,
    struct cudaMemLocation *prefetchLocs, size_t *prefetchLocIdxs,
    size_t numPrefetchLocs, unsigned long long flags, cudaStream_t stream) {
  return ::cudaMemDiscardAndPrefetchBatchAsync(
      (void **)dptrs, sizes, count, prefetchLocs, prefetchLocIdxs,
      numPrefetchLocs, flags, stream);
}

// One location for every range.
template <typename T>
static __inline__ __host__ cudaError_t
cudaMemDiscardAndPrefetchBatchAsync(T **dptrs, size_t *sizes, size_t count,
                                    struct cudaMemLocation prefetchLoc,
                                    unsigned long long flags,
                                    cudaStream_t stream) {
  size_t firstIdx = 0;
  return ::cudaMemDiscardAndPrefetchBatchAsync(
      (void **)dptrs, sizes, count, &prefetchLoc, &firstIdx, 1, flags, stream);
}

#if CUPORT_CUDA_COMPILER_

//===----------------------------------------------------------------------===//
// Device symbols by reference (CUDA compilers only)
//===----------------------------------------------------------------------===//

template <class T>
static __inline__ __host__ cudaError_t
cudaMemcpyToSymbol(const T &symbol, const void *src, size_t count,
                   size_t offset = 0,
                   enum cudaMemcpyKind kind = cudaMemcpyHostToDevice) {
  return ::cudaMemcpyToSymbol((const void *)&symbol, src, count, offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaMemcpyToSymbolAsync(const T &symbol, const void *src, size_t count,
                        size_t offset = 0,
                        enum cudaMemcpyKind kind = cudaMemcpyHostToDevice,
                        cudaStream_t stream = 0) {
  return ::cudaMemcpyToSymbolAsync((const void *)&symbol, src, count, offset,
                                   kind, stream);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaMemcpyFromSymbol(void *dst, const T &symbol, size_t count,
                     size_t offset = 0,
                     enum cudaMemcpyKind kind = cudaMemcpyDeviceToHost) {
  return ::cudaMemcpyFromSymbol(dst, (const void *)&symbol, count, offset,
                                kind);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaMemcpyFromSymbolAsync(void *dst, const T &symbol, size_t count,
                          size_t offset = 0,
                          enum cudaMemcpyKind kind = cudaMemcpyDeviceToHost,
                          cudaStream_t stream = 0) {
  return ::cudaMemcpyFromSymbolAsync(dst, (const void *)&symbol, count, offset,
                                     kind, stream);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGetSymbolAddress(void **devPtr,
                                                            const T &symbol) {
  return ::cudaGetSymbolAddress(devPtr, (const void *)&symbol);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGetSymbolSize(size_t *size,
                                                         const T &symbol) {
  return ::cudaGetSymbolSize(size, (const void *)&symbol);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGraphAddMemcpyNodeToSymbol(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
    const cudaGraphNode_t *pDependencies, size_t numDependencies,
    const T &symbol, const void *src, size_t count, size_t offset,
    enum cudaMemcpyKind kind) {
  return ::cudaGraphAddMemcpyNodeToSymbol(pGraphNode, graph, pDependencies,
                                          numDependencies,
                                          (const void *)&symbol, src, count,
                                          offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGraphAddMemcpyNodeFromSymbol(
    cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
    const cudaGraphNode_t *pDependencies, size_t numDependencies, void *dst,
    const T &symbol, size_t count, size_t offset, enum cudaMemcpyKind kind) {
  return ::cudaGraphAddMemcpyNodeFromSymbol(pGraphNode, graph, pDependencies,
                                            numDependencies, dst,
                                            (const void *)&symbol, count,
                                            offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGraphMemcpyNodeSetParamsToSymbol(
    cudaGraphNode_t node, const T &symbol, const void *src, size_t count,
    size_t offset, enum cudaMemcpyKind kind) {
  return ::cudaGraphMemcpyNodeSetParamsToSymbol(node, (const void *)&symbol,
                                                src, count, offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGraphMemcpyNodeSetParamsFromSymbol(
    cudaGraphNode_t node, void *dst, const T &symbol, size_t count,
    size_t offset, enum cudaMemcpyKind kind) {
  return ::cudaGraphMemcpyNodeSetParamsFromSymbol(
      node, dst, (const void *)&symbol, count, offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaGraphExecMemcpyNodeSetParamsToSymbol(cudaGraphExec_t hGraphExec,
                                         cudaGraphNode_t node, const T &symbol,
                                         const void *src, size_t count,
                                         size_t offset,
                                         enum cudaMemcpyKind kind) {
  return ::cudaGraphExecMemcpyNodeSetParamsToSymbol(
      hGraphExec, node, (const void *)&symbol, src, count, offset, kind);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaGraphExecMemcpyNodeSetParamsFromSymbol(cudaGraphExec_t hGraphExec,
                                           cudaGraphNode_t node, void *dst,
                                           const T &symbol, size_t count,
                                           size_t offset,
                                           enum cudaMemcpyKind kind) {
  return ::cudaGraphExecMemcpyNodeSetParamsFromSymbol(
      hGraphExec, node, dst, (const void *)&symbol, count, offset, kind);
}

//===----------------------------------------------------------------------===//
// Kernels by function pointer (CUDA compilers only)
//===----------------------------------------------------------------------===//

template <class T>
static __inline__ __host__ cudaError_t
cudaFuncGetAttributes(struct cudaFuncAttributes *attr, T *entry) {
  return ::cudaFuncGetAttributes(attr, (const void *)entry);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaFuncSetAttribute(T *func, enum cudaFuncAttribute attr, int value) {
  return ::cudaFuncSetAttribute((const void *)func, attr, value);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaFuncSetCacheConfig(T *func, enum cudaFuncCache cacheConfig) {
  return ::cudaFuncSetCacheConfig((const void *)func, cacheConfig);
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
template <class T>
CUPORT_CXX_DEPRECATED_ static __inline__ __host__ cudaError_t
cudaFuncSetSharedMemConfig(T *func, enum cudaSharedMemConfig config) {
  return ::cudaFuncSetSharedMemConfig((const void *)func, config);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

template <class T>
static __inline__ __host__ cudaError_t cudaFuncGetName(const char **name,
                                                       T *func) {
  return ::cudaFuncGetName(name, (const void *)func);
}

template <class T>
static __inline__ __host__ cudaError_t cudaGetKernel(cudaKernel_t *kernelPtr,
                                                     T *func) {
  return ::cudaGetKernel(kernelPtr, (const void *)func);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaLibraryGetGlobal(T **dptr, size_t *bytes, cudaLibrary_t library,
                     const char *name) {
  return ::cudaLibraryGetGlobal((void **)(void *)dptr, bytes, library, name);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaLibraryGetManaged(T **dptr, size_t *bytes, cudaLibrary_t library,
                      const char *name) {
  return ::cudaLibraryGetManaged((void **)(void *)dptr, bytes, library, name);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaLibraryGetUnifiedFunction(T **fptr, cudaLibrary_t library,
                              const char *symbol) {
  return ::cudaLibraryGetUnifiedFunction((void **)(void *)fptr, library,
                                         symbol);
}

#endif // CUPORT_CUDA_COMPILER_

//===----------------------------------------------------------------------===//
// Occupancy
//===----------------------------------------------------------------------===//

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, T func,
                                              int blockSize,
                                              size_t dynamicSMemSize) {
  return ::cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
      numBlocks, (const void *)func, blockSize, dynamicSMemSize,
      cudaOccupancyDefault);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, T func,
                                                       int blockSize,
                                                       size_t dynamicSMemSize,
                                                       unsigned int flags) {
  return ::cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
      numBlocks, (const void *)func, blockSize, dynamicSMemSize, flags);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyAvailableDynamicSMemPerBlock(size_t *dynamicSmemSize, T *func,
                                          int numBlocks, int blockSize) {
  return ::cudaOccupancyAvailableDynamicSMemPerBlock(
      dynamicSmemSize, (const void *)func, numBlocks, blockSize);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxPotentialClusterSize(int *clusterSize, T *func,
                                     const cudaLaunchConfig_t *config) {
  return ::cudaOccupancyMaxPotentialClusterSize(clusterSize,
                                                (const void *)func, config);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxActiveClusters(int *numClusters, T *func,
                               const cudaLaunchConfig_t *config) {
  return ::cudaOccupancyMaxActiveClusters(numClusters, (const void *)func,
                                          config);
}

namespace __cuport {
// A block-size-to-dynamic-shared-memory function that ignores the block size.
struct FixedSMem {
  size_t bytes;
  size_t operator()(int) const { return bytes; }
};
} // namespace __cuport

// Finds the block size that keeps the most threads resident on one
// multiprocessor, trying multiples of the warp size from the largest the
// kernel and device allow downwards (a larger block wins a tie), and the
// grid size that fills the device with such blocks.
template <typename UnaryFunction, class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags(
    int *minGridSize, int *blockSize, T func,
    UnaryFunction blockSizeToDynamicSMemSize, int blockSizeLimit = 0,
    unsigned int flags = 0) {
  if (!minGridSize || !blockSize || !func)
    return cudaErrorInvalidValue;

  int device = 0;
  cudaError_t err = ::cudaGetDevice(&device);
  int threadsPerSM = 0, warp = 0, deviceMaxBlock = 0, smCount = 0;
  if (err == cudaSuccess)
    err = ::cudaDeviceGetAttribute(
        &threadsPerSM, cudaDevAttrMaxThreadsPerMultiProcessor, device);
  if (err == cudaSuccess)
    err = ::cudaDeviceGetAttribute(&warp, cudaDevAttrWarpSize, device);
  if (err == cudaSuccess)
    err = ::cudaDeviceGetAttribute(&deviceMaxBlock,
                                   cudaDevAttrMaxThreadsPerBlock, device);
  if (err == cudaSuccess)
    err = ::cudaDeviceGetAttribute(&smCount, cudaDevAttrMultiProcessorCount,
                                   device);
  struct cudaFuncAttributes attr;
  if (err == cudaSuccess)
    err = ::cudaFuncGetAttributes(&attr, (const void *)func);
  if (err != cudaSuccess)
    return err;

  int limit = blockSizeLimit == 0 ? deviceMaxBlock : blockSizeLimit;
  if (limit > deviceMaxBlock)
    limit = deviceMaxBlock;
  if (limit > attr.maxThreadsPerBlock)
    limit = attr.maxThreadsPerBlock;

  int bestBlock = 0, bestBlocksPerSM = 0, bestThreads = 0;
  int start = (limit + warp - 1) / warp * warp;
  for (int aligned = start; aligned > 0; aligned -= warp) {
    int candidate = aligned < limit ? aligned : limit;
    int blocksPerSM = 0;
    err = ::cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
        &blocksPerSM, (const void *)func, candidate,
        blockSizeToDynamicSMemSize(candidate), flags);
    if (err != cudaSuccess)
      return err;
    if (candidate * blocksPerSM > bestThreads) {
      bestBlock = candidate;
      bestBlocksPerSM = blocksPerSM;
      bestThreads = candidate * blocksPerSM;
    }
    if (bestThreads == threadsPerSM)
      break; // cannot do better than a full multiprocessor
  }
  *minGridSize = bestBlocksPerSM * smCount;
  *blockSize = bestBlock;
  return cudaSuccess;
}

template <typename UnaryFunction, class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxPotentialBlockSizeVariableSMem(
    int *minGridSize, int *blockSize, T func,
    UnaryFunction blockSizeToDynamicSMemSize, int blockSizeLimit = 0) {
  return cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags(
      minGridSize, blockSize, func, blockSizeToDynamicSMemSize,
      blockSizeLimit, cudaOccupancyDefault);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, T func,
                                   size_t dynamicSMemSize = 0,
                                   int blockSizeLimit = 0) {
  return cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags(
      minGridSize, blockSize, func, __cuport::FixedSMem{dynamicSMemSize},
      blockSizeLimit, cudaOccupancyDefault);
}

template <class T>
static __inline__ __host__ cudaError_t
cudaOccupancyMaxPotentialBlockSizeWithFlags(int *minGridSize, int *blockSize,
                                            T func, size_t dynamicSMemSize = 0,
                                            int blockSizeLimit = 0,
                                            unsigned int flags = 0) {
  return cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags(
      minGridSize, blockSize, func, __cuport::FixedSMem{dynamicSMemSize},
      blockSizeLimit, flags);
}

#undef CUPORT_CXX_DEPRECATED_
#undef CUPORT_CUDA_COMPILER_

#endif // __cplusplus

#endif // CUPORT_CUDA_RUNTIME_H
