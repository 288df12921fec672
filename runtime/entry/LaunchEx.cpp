//===- entry/LaunchEx.cpp - Execution control: launches with attributes ---===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaLaunchKernelExC (what the cudaLaunchKernelEx templates call) and the
// cluster occupancy queries, which read the same cudaLaunchConfig_t.
//
// The launch attributes are checked as CUDA checks them and honoured where
// they mean something on the backend:
//   Cooperative                     a cooperative launch, as
//                                   cudaLaunchCooperativeKernel: every block
//                                   at once, so grid.sync() works; the grid
//                                   must be co-resident;
//   ClusterDimension                validated (non-zero, divides the grid,
//                                   at most 8 blocks); blocks of a cluster
//                                   run like any others;
//   Priority, SynchronizationPolicy, AccessPolicyWindow, MemSyncDomain(Map),
//   ProgrammaticStreamSerialization, ClusterSchedulingPolicyPreference,
//   PreferredClusterDimension, PreferredSharedMemoryCarveout,
//   NvlinkUtilCentricScheduling     accepted: hints, or orderings that an
//                                   in-order queue already gives;
//   ProgrammaticEvent, LaunchCompletionEvent
//                                   the event is recorded after the kernel
//                                   (a kernel's completion triggers both);
//   DeviceUpdatableKernelNode       graph nodes only: cudaErrorInvalidValue;
//   anything else                   cudaErrorInvalidValue.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Occupancy.h"
#include "core/Streams.h"

#include <vector>

using namespace cuport::rt;

namespace {

/// Thread block clusters larger than this need the non-portable opt-in.
constexpr unsigned kPortableClusterSize = 8;

/// What the attributes of one launch ask for.
struct LaunchOptions {
  bool cooperative = false;
  dim3 cluster{1, 1, 1};
  bool hasCluster = false;
  std::vector<cudaEvent_t> eventsAfter; ///< recorded once the kernel ran
};

cudaError_t checkCluster(unsigned x, unsigned y, unsigned z, dim3 grid) {
  if (x == 0 || y == 0 || z == 0)
    return cudaErrorInvalidClusterSize;
  if (uint64_t(x) * y * z > kPortableClusterSize)
    return cudaErrorInvalidClusterSize;
  if (grid.x % x || grid.y % y || grid.z % z)
    return cudaErrorInvalidClusterSize;
  return cudaSuccess;
}

bool isAccessProperty(int value) {
  return value >= cudaAccessPropertyNormal &&
         value <= cudaAccessPropertyPersisting;
}

cudaError_t readAttribute(const cudaLaunchAttribute &attribute, dim3 grid,
                          LaunchOptions &out) {
  const cudaLaunchAttributeValue &value = attribute.val;
  switch (attribute.id) {
  case cudaLaunchAttributeIgnore:
    return cudaSuccess;
  case cudaLaunchAttributeCooperative:
    out.cooperative = value.cooperative != 0;
    return cudaSuccess;
  case cudaLaunchAttributeClusterDimension:
    out.hasCluster = true;
    out.cluster = dim3(value.clusterDim.x, value.clusterDim.y, value.clusterDim.z);
    return checkCluster(value.clusterDim.x, value.clusterDim.y,
                        value.clusterDim.z, grid);
  case cudaLaunchAttributePreferredClusterDimension:
    return checkCluster(value.preferredClusterDim.x, value.preferredClusterDim.y,
                        value.preferredClusterDim.z, grid);
  case cudaLaunchAttributeAccessPolicyWindow: {
    const cudaAccessPolicyWindow &window = value.accessPolicyWindow;
    if (!(window.hitRatio >= 0.0f && window.hitRatio <= 1.0f) ||
        !isAccessProperty(window.hitProp) || !isAccessProperty(window.missProp))
      return cudaErrorInvalidValue;
    return cudaSuccess;
  }
  case cudaLaunchAttributeSynchronizationPolicy:
    return value.syncPolicy >= cudaSyncPolicyAuto &&
                   value.syncPolicy <= cudaSyncPolicyBlockingSync
               ? cudaSuccess
               : cudaErrorInvalidValue;
  case cudaLaunchAttributeMemSyncDomain:
    return value.memSyncDomain == cudaLaunchMemSyncDomainDefault ||
                   value.memSyncDomain == cudaLaunchMemSyncDomainRemote
               ? cudaSuccess
               : cudaErrorInvalidValue;
  case cudaLaunchAttributeProgrammaticEvent:
    out.eventsAfter.push_back(value.programmaticEvent.event);
    return cudaSuccess;
  case cudaLaunchAttributeLaunchCompletionEvent:
    out.eventsAfter.push_back(value.launchCompletionEvent.event);
    return cudaSuccess;
  case cudaLaunchAttributePreferredSharedMemoryCarveout:
    return value.sharedMemCarveout <= 100 ||
                   int(value.sharedMemCarveout) == cudaSharedmemCarveoutDefault
               ? cudaSuccess
               : cudaErrorInvalidValue;
  case cudaLaunchAttributePriority:
  case cudaLaunchAttributeMemSyncDomainMap:
  case cudaLaunchAttributeProgrammaticStreamSerialization:
  case cudaLaunchAttributeClusterSchedulingPolicyPreference:
  case cudaLaunchAttributeNvlinkUtilCentricScheduling:
    return cudaSuccess;
  case cudaLaunchAttributeDeviceUpdatableKernelNode: // graph kernel nodes only
  default:
    return cudaErrorInvalidValue;
  }
}

cudaError_t readAttributes(const cudaLaunchConfig_t &config, LaunchOptions &out) {
  if (config.numAttrs && !config.attrs)
    return cudaErrorInvalidValue;
  for (unsigned i = 0; i < config.numAttrs; ++i)
    if (cudaError_t error = readAttribute(config.attrs[i], config.gridDim, out))
      return error;
  for (cudaEvent_t event : out.eventsAfter)
    if (!liveEvents().contains(event))
      return cudaErrorInvalidResourceHandle;
  return cudaSuccess;
}

/// Blocks of `func` that can be resident on the whole device at once with
/// this block size and dynamic shared memory (the occupancy calculator's
/// answer times the multiprocessors).
cudaError_t residentBlocks(const void *func, dim3 block, size_t dynamicShared,
                           uint64_t *out) {
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return error;
  cudaDeviceProp prop;
  fillDeviceProperties(function.device->backend->properties(),
                       function.device->ordinal, prop);
  cudaFuncAttributes attributes;
  functionAttributes(function, &attributes);
  int blockSize = int(block.x * block.y * block.z);
  *out = uint64_t(maxActiveBlocksPerMultiprocessor(prop, attributes, blockSize,
                                                   dynamicShared)) *
         uint64_t(prop.multiProcessorCount);
  return cudaSuccess;
}

cudaError_t launchEx(const cudaLaunchConfig_t *config, const void *func,
                     void **args) {
  if (!config)
    return cudaErrorInvalidValue;
  KernelRecord *record = findFunction(func);
  if (!record)
    return cudaErrorInvalidDeviceFunction;
  LaunchOptions options;
  if (cudaError_t error = readAttributes(*config, options))
    return error;
  cudaError_t error =
      options.cooperative
          // launchKernel checks that a cooperative grid is co-resident.
          ? launchKernel(*record, config->gridDim, config->blockDim, args,
                         config->dynamicSmemBytes, config->stream,
                         /*cooperative=*/true)
          : launchKernel(*record, config->gridDim, config->blockDim, args,
                         config->dynamicSmemBytes, config->stream);
  if (error != cudaSuccess)
    return error;
  for (cudaEvent_t event : options.eventsAfter)
    if (cudaError_t recorded = cudaEventRecord(event, config->stream))
      return recorded;
  return cudaSuccess;
}

/// `config` for an occupancy query, which ignores the grid (a zero grid
/// divides by every cluster size).
cudaLaunchConfig_t forOccupancy(const cudaLaunchConfig_t &config) {
  cudaLaunchConfig_t copy = config;
  copy.gridDim = dim3(0, 0, 0);
  return copy;
}

/// The cluster size `config` asks for; cudaErrorInvalidClusterSize when it
/// names none (the kernels here carry no compile-time cluster size).
cudaError_t clusterOf(const cudaLaunchConfig_t &config, dim3 *out) {
  LaunchOptions options;
  if (cudaError_t error = readAttributes(forOccupancy(config), options))
    return error;
  if (!options.hasCluster)
    return cudaErrorInvalidClusterSize;
  *out = options.cluster;
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t *config,
                                              const void *func, void **args) {
  CUPORT_API_ENTRY(cudaLaunchKernelExC);
  return recordError(launchEx(config, func, args));
}

CUPORT_EXPORT cudaError_t cudaLaunchKernelExC_ptsz(const cudaLaunchConfig_t *config,
                                                   const void *func, void **args) {
  CUPORT_API_ENTRY(cudaLaunchKernelExC_ptsz);
  if (!config)
    return recordError(cudaErrorInvalidValue);
  cudaLaunchConfig_t perThread = *config;
  if (!perThread.stream)
    perThread.stream = cudaStreamPerThread;
  return recordError(launchEx(&perThread, func, args));
}

CUPORT_EXPORT cudaError_t cudaOccupancyMaxPotentialClusterSize(
    int *clusterSize, const void *func, const cudaLaunchConfig_t *launchConfig) {
  CUPORT_API_ENTRY(cudaOccupancyMaxPotentialClusterSize);
  if (!clusterSize || !launchConfig)
    return recordError(cudaErrorInvalidValue);
  LaunchOptions options;
  if (cudaError_t error = readAttributes(forOccupancy(*launchConfig), options))
    return recordError(error);
  uint64_t resident = 0;
  if (cudaError_t error = residentBlocks(func, launchConfig->blockDim,
                                         launchConfig->dynamicSmemBytes, &resident))
    return recordError(error);
  // The largest portable cluster whose blocks can all be resident at once.
  *clusterSize = int(std::min<uint64_t>(kPortableClusterSize, resident));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaOccupancyMaxActiveClusters(
    int *numClusters, const void *func, const cudaLaunchConfig_t *launchConfig) {
  CUPORT_API_ENTRY(cudaOccupancyMaxActiveClusters);
  if (!numClusters || !launchConfig)
    return recordError(cudaErrorInvalidValue);
  dim3 cluster;
  if (cudaError_t error = clusterOf(*launchConfig, &cluster))
    return recordError(error);
  uint64_t resident = 0;
  if (cudaError_t error = residentBlocks(func, launchConfig->blockDim,
                                         launchConfig->dynamicSmemBytes, &resident))
    return recordError(error);
  // Whole clusters out of the blocks that fit on the device at once.
  *numClusters = int(resident / (uint64_t(cluster.x) * cluster.y * cluster.z));
  return cudaSuccess;
}
