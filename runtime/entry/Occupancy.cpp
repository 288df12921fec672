//===- entry/Occupancy.cpp - Occupancy -------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The occupancy calculator: answers follow from the limits the current
// device reports (cudaDeviceProp) and the kernel's attributes
// (cudaFuncGetAttributes), by the model in core/Occupancy.h. The C++
// helpers of cuda_runtime.h (cudaOccupancyMaxPotentialBlockSize and its
// variants) are templates built on cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags,
// cudaFuncGetAttributes and cudaDeviceGetAttribute.
//
// Cluster occupancy (cudaOccupancyMaxPotentialClusterSize,
// cudaOccupancyMaxActiveClusters) reads a cudaLaunchConfig_t and lives with
// cudaLaunchKernelExC in LaunchEx.cpp, on the same model.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Occupancy.h"

using namespace cuport::rt;

namespace {

constexpr unsigned kValidOccupancyFlags =
    cudaOccupancyDefault | cudaOccupancyDisableCachingOverride;

/// The kernel's attributes and its device's properties.
struct OccupancyQuery {
  cudaDeviceProp device;
  cudaFuncAttributes function;
};

cudaError_t prepare(const void *func, OccupancyQuery &query) {
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return error;
  fillDeviceProperties(function.device->backend->properties(),
                       function.device->ordinal, query.device);
  functionAttributes(function, &query.function);
  return cudaSuccess;
}

cudaError_t maxActiveBlocks(int *numBlocks, const void *func, int blockSize,
                            size_t dynamicSMemSize, unsigned flags) {
  if (!numBlocks || blockSize <= 0 || (flags & ~kValidOccupancyFlags))
    return cudaErrorInvalidValue;
  OccupancyQuery query;
  if (cudaError_t error = prepare(func, query))
    return error;
  // cudaOccupancyDisableCachingOverride matters only where global caching
  // partitions the multiprocessor (Maxwell, Pascal); never here.
  *numBlocks = maxActiveBlocksPerMultiprocessor(query.device, query.function,
                                                blockSize, dynamicSMemSize);
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(
    int *numBlocks, const void *func, int blockSize, size_t dynamicSMemSize) {
  CUPORT_API_ENTRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor);
  return recordError(maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize,
                                     cudaOccupancyDefault));
}

CUPORT_EXPORT cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
    int *numBlocks, const void *func, int blockSize, size_t dynamicSMemSize,
    unsigned int flags) {
  CUPORT_API_ENTRY(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags);
  return recordError(
      maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize, flags));
}

CUPORT_EXPORT cudaError_t cudaOccupancyAvailableDynamicSMemPerBlock(
    size_t *dynamicSmemSize, const void *func, int numBlocks, int blockSize) {
  CUPORT_API_ENTRY(cudaOccupancyAvailableDynamicSMemPerBlock);
  if (!dynamicSmemSize || numBlocks <= 0 || blockSize <= 0)
    return recordError(cudaErrorInvalidValue);
  OccupancyQuery query;
  if (cudaError_t error = prepare(func, query))
    return recordError(error);
  std::optional<size_t> available = availableDynamicSharedPerBlock(
      query.device, query.function, numBlocks, blockSize);
  // Asking for more blocks than can ever be resident is an invalid request.
  if (!available)
    return recordError(cudaErrorInvalidValue);
  *dynamicSmemSize = *available;
  return cudaSuccess;
}
