//===- core/DeviceProperties.cpp - cudaDeviceProp and device attributes ---===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/DeviceProperties.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

namespace cuport::rt {

namespace {

// Texture and surface limits of an Ampere-class (compute capability 8.x)
// device, as NVIDIA's devices of that class report them. cuport has no
// texture support yet; the numbers are still the device class's, so code
// that sizes its work by them behaves as on the GPU it was written for.
constexpr int kTexture1D = 131072;
constexpr int kTexture2D[2] = {131072, 65536};
constexpr int kTexture3D[3] = {16384, 16384, 16384};
constexpr int kTexture3DAlt[3] = {8192, 8192, 32768};
constexpr int kTexture1DMipmap = 32768;
constexpr int kTexture2DMipmap[2] = {32768, 32768};
constexpr int kTexture2DLinear[3] = {131072, 65000, 2097120};
constexpr int kTexture2DGather[2] = {32768, 32768};
constexpr int kTextureCubemap = 32768;
constexpr int kTexture1DLayered[2] = {32768, 2048};
constexpr int kTexture2DLayered[3] = {32768, 32768, 2048};
constexpr int kTextureCubemapLayered[2] = {32768, 2046};
constexpr int kSurface1D = 32768;
constexpr int kSurface2D[2] = {131072, 65536};
constexpr int kSurface3D[3] = {16384, 16384, 16384};
constexpr int kSurface1DLayered[2] = {32768, 2048};
constexpr int kSurface2DLayered[3] = {32768, 32768, 2048};
constexpr int kSurfaceCubemap = 32768;
constexpr int kSurfaceCubemapLayered[2] = {32768, 2046};
/// cudaDevAttrMaxTexture1DLinearWidth (deprecated; CUDA 13's cudaDeviceProp
/// dropped its maxTexture1DLinear field): 2^28 elements.
constexpr int kTexture1DLinear = 1 << 28;

/// cudaDevAttrSingleToDoublePrecisionPerfRatio. Every cuport backend so far
/// runs kernels on host SIMD units, where a vector holds half as many
/// doubles as floats: double precision is half as fast.
constexpr int kSingleToDoublePerfRatio = 2;

/// cudaDevAttrMemSyncDomainCount: devices before Hopper have one domain.
constexpr int kMemSyncDomainCount = 1;

int clampToInt(size_t value) {
  return static_cast<int>(std::min<size_t>(value, INT_MAX));
}

template <size_t N> void copyArray(int (&to)[N], const int (&from)[N]) {
  std::copy(from, from + N, to);
}

} // namespace

void fillDeviceProperties(const backend::DeviceProperties &from, int ordinal,
                          cudaDeviceProp &to) {
  std::memset(&to, 0, sizeof(to));
  std::memcpy(to.name, from.name, sizeof(to.name));
  to.name[sizeof(to.name) - 1] = '\0';
  // A stable, recognisable UUID per device: "cuport-device-" + ordinal.
  std::memcpy(to.uuid.bytes, "cuport-device-", 14);
  to.uuid.bytes[14] = static_cast<char>(ordinal >> 8);
  to.uuid.bytes[15] = static_cast<char>(ordinal);
  to.totalGlobalMem = from.totalGlobalMem;
  to.sharedMemPerBlock = from.sharedMemPerBlock;
  to.regsPerBlock = from.regsPerBlock;
  to.warpSize = from.warpSize;
  to.memPitch = 2147483647;
  to.maxThreadsPerBlock = from.maxThreadsPerBlock;
  for (int i = 0; i < 3; ++i) {
    to.maxThreadsDim[i] = from.maxThreadsDim[i];
    to.maxGridSize[i] = from.maxGridSize[i];
  }
  to.totalConstMem = from.totalConstMem;
  to.major = from.computeMajor;
  to.minor = from.computeMinor;
  to.textureAlignment = 512;
  to.texturePitchAlignment = 32;
  to.multiProcessorCount = from.multiProcessorCount;
  to.integrated = from.integrated;
  to.canMapHostMemory = 1;
  to.maxTexture1D = kTexture1D;
  to.maxTexture1DMipmap = kTexture1DMipmap;
  copyArray(to.maxTexture2D, kTexture2D);
  copyArray(to.maxTexture2DMipmap, kTexture2DMipmap);
  copyArray(to.maxTexture2DLinear, kTexture2DLinear);
  copyArray(to.maxTexture2DGather, kTexture2DGather);
  copyArray(to.maxTexture3D, kTexture3D);
  copyArray(to.maxTexture3DAlt, kTexture3DAlt);
  to.maxTextureCubemap = kTextureCubemap;
  copyArray(to.maxTexture1DLayered, kTexture1DLayered);
  copyArray(to.maxTexture2DLayered, kTexture2DLayered);
  copyArray(to.maxTextureCubemapLayered, kTextureCubemapLayered);
  to.maxSurface1D = kSurface1D;
  copyArray(to.maxSurface2D, kSurface2D);
  copyArray(to.maxSurface3D, kSurface3D);
  copyArray(to.maxSurface1DLayered, kSurface1DLayered);
  copyArray(to.maxSurface2DLayered, kSurface2DLayered);
  to.maxSurfaceCubemap = kSurfaceCubemap;
  copyArray(to.maxSurfaceCubemapLayered, kSurfaceCubemapLayered);
  to.surfaceAlignment = 512;
  to.concurrentKernels = from.concurrentKernels;
  // A made-up but stable PCI location: domain 0, bus = ordinal, device 0.
  to.pciBusID = ordinal;
  to.pciDeviceID = 0;
  to.pciDomainID = 0;
  to.asyncEngineCount = 1;
  to.unifiedAddressing = from.unifiedAddressing;
  to.memoryBusWidth = from.memoryBusWidth;
  to.l2CacheSize = from.l2CacheSize;
  // No backend lets the application keep data resident in its cache: the
  // persisting-L2 size and the access policy window are 0, as on devices
  // without L2 residency control.
  to.persistingL2CacheMaxSize = 0;
  to.accessPolicyMaxWindowSize = 0;
  to.maxThreadsPerMultiProcessor = from.maxThreadsPerMultiProcessor;
  to.streamPrioritiesSupported = 1;
  to.globalL1CacheSupported = 1;
  to.localL1CacheSupported = 1;
  to.sharedMemPerMultiprocessor = from.sharedMemPerMultiprocessor;
  to.regsPerMultiprocessor = from.regsPerMultiprocessor;
  to.managedMemory = from.managedMemory;
  to.multiGpuBoardGroupID = ordinal; // each device is a board of its own
  to.hostNativeAtomicSupported = 1;
  to.pageableMemoryAccess = 1;
  to.concurrentManagedAccess = 1;
  to.canUseHostPointerForRegisteredMem = 1;
  to.cooperativeLaunch = 1;
  to.sharedMemPerBlockOptin = from.sharedMemPerBlockOptin;
  to.pageableMemoryAccessUsesHostPageTables = 1;
  to.directManagedMemAccessFromHost = 1;
  to.maxBlocksPerMultiProcessor = from.maxBlocksPerMultiProcessor;
  // What a multiprocessor holds beyond the largest block's opt-in limit is
  // what CUDA reserves per block (1 KiB on compute capability 8.x).
  to.reservedSharedMemPerBlock =
      from.sharedMemPerMultiprocessor > from.sharedMemPerBlockOptin
          ? from.sharedMemPerMultiprocessor - from.sharedMemPerBlockOptin
          : 0;
  to.hostRegisterSupported = 1;
  to.memoryPoolsSupported = 1;
  // Interprocess events need only shared memory (core/IpcEvents.h); pools
  // export a file descriptor when device memory is shareable.
  to.ipcEventSupported = 1;
  to.memoryPoolSupportedHandleTypes =
      from.shareableMemory ? unsigned(cudaMemHandleTypePosixFileDescriptor) : 0u;
  to.deviceNumaId = -1;
  to.hostNumaId = -1;
}

cudaError_t deviceAttribute(const cudaDeviceProp &p,
                            const backend::DeviceProperties &from, int attr,
                            int *value) {
  int v = 0;
  switch (static_cast<cudaDeviceAttr>(attr)) {
  case cudaDevAttrMaxThreadsPerBlock: v = p.maxThreadsPerBlock; break;
  case cudaDevAttrMaxBlockDimX: v = p.maxThreadsDim[0]; break;
  case cudaDevAttrMaxBlockDimY: v = p.maxThreadsDim[1]; break;
  case cudaDevAttrMaxBlockDimZ: v = p.maxThreadsDim[2]; break;
  case cudaDevAttrMaxGridDimX: v = p.maxGridSize[0]; break;
  case cudaDevAttrMaxGridDimY: v = p.maxGridSize[1]; break;
  case cudaDevAttrMaxGridDimZ: v = p.maxGridSize[2]; break;
  case cudaDevAttrMaxSharedMemoryPerBlock: v = clampToInt(p.sharedMemPerBlock); break;
  case cudaDevAttrTotalConstantMemory: v = clampToInt(p.totalConstMem); break;
  case cudaDevAttrWarpSize: v = p.warpSize; break;
  case cudaDevAttrMaxPitch: v = clampToInt(p.memPitch); break;
  case cudaDevAttrMaxRegistersPerBlock: v = p.regsPerBlock; break;
  case cudaDevAttrClockRate: v = from.clockRateKHz; break;
  case cudaDevAttrTextureAlignment: v = clampToInt(p.textureAlignment); break;
  case cudaDevAttrGpuOverlap: v = p.asyncEngineCount > 0; break;
  case cudaDevAttrMultiProcessorCount: v = p.multiProcessorCount; break;
  case cudaDevAttrKernelExecTimeout: v = 0; break; // no watchdog
  case cudaDevAttrIntegrated: v = p.integrated; break;
  case cudaDevAttrCanMapHostMemory: v = p.canMapHostMemory; break;
  case cudaDevAttrComputeMode: v = cudaComputeModeDefault; break;
  case cudaDevAttrMaxTexture1DWidth: v = p.maxTexture1D; break;
  case cudaDevAttrMaxTexture2DWidth: v = p.maxTexture2D[0]; break;
  case cudaDevAttrMaxTexture2DHeight: v = p.maxTexture2D[1]; break;
  case cudaDevAttrMaxTexture3DWidth: v = p.maxTexture3D[0]; break;
  case cudaDevAttrMaxTexture3DHeight: v = p.maxTexture3D[1]; break;
  case cudaDevAttrMaxTexture3DDepth: v = p.maxTexture3D[2]; break;
  case cudaDevAttrMaxTexture2DLayeredWidth: v = p.maxTexture2DLayered[0]; break;
  case cudaDevAttrMaxTexture2DLayeredHeight: v = p.maxTexture2DLayered[1]; break;
  case cudaDevAttrMaxTexture2DLayeredLayers: v = p.maxTexture2DLayered[2]; break;
  case cudaDevAttrSurfaceAlignment: v = clampToInt(p.surfaceAlignment); break;
  case cudaDevAttrConcurrentKernels: v = p.concurrentKernels; break;
  case cudaDevAttrEccEnabled: v = p.ECCEnabled; break;
  case cudaDevAttrPciBusId: v = p.pciBusID; break;
  case cudaDevAttrPciDeviceId: v = p.pciDeviceID; break;
  case cudaDevAttrTccDriver: v = p.tccDriver; break;
  case cudaDevAttrMemoryClockRate: v = from.memoryClockRateKHz; break;
  case cudaDevAttrGlobalMemoryBusWidth: v = p.memoryBusWidth; break;
  case cudaDevAttrL2CacheSize: v = p.l2CacheSize; break;
  case cudaDevAttrMaxThreadsPerMultiProcessor: v = p.maxThreadsPerMultiProcessor; break;
  case cudaDevAttrAsyncEngineCount: v = p.asyncEngineCount; break;
  case cudaDevAttrUnifiedAddressing: v = p.unifiedAddressing; break;
  case cudaDevAttrMaxTexture1DLayeredWidth: v = p.maxTexture1DLayered[0]; break;
  case cudaDevAttrMaxTexture1DLayeredLayers: v = p.maxTexture1DLayered[1]; break;
  case cudaDevAttrMaxTexture2DGatherWidth: v = p.maxTexture2DGather[0]; break;
  case cudaDevAttrMaxTexture2DGatherHeight: v = p.maxTexture2DGather[1]; break;
  case cudaDevAttrMaxTexture3DWidthAlt: v = p.maxTexture3DAlt[0]; break;
  case cudaDevAttrMaxTexture3DHeightAlt: v = p.maxTexture3DAlt[1]; break;
  case cudaDevAttrMaxTexture3DDepthAlt: v = p.maxTexture3DAlt[2]; break;
  case cudaDevAttrPciDomainId: v = p.pciDomainID; break;
  case cudaDevAttrTexturePitchAlignment: v = clampToInt(p.texturePitchAlignment); break;
  case cudaDevAttrMaxTextureCubemapWidth: v = p.maxTextureCubemap; break;
  case cudaDevAttrMaxTextureCubemapLayeredWidth: v = p.maxTextureCubemapLayered[0]; break;
  case cudaDevAttrMaxTextureCubemapLayeredLayers: v = p.maxTextureCubemapLayered[1]; break;
  case cudaDevAttrMaxSurface1DWidth: v = p.maxSurface1D; break;
  case cudaDevAttrMaxSurface2DWidth: v = p.maxSurface2D[0]; break;
  case cudaDevAttrMaxSurface2DHeight: v = p.maxSurface2D[1]; break;
  case cudaDevAttrMaxSurface3DWidth: v = p.maxSurface3D[0]; break;
  case cudaDevAttrMaxSurface3DHeight: v = p.maxSurface3D[1]; break;
  case cudaDevAttrMaxSurface3DDepth: v = p.maxSurface3D[2]; break;
  case cudaDevAttrMaxSurface1DLayeredWidth: v = p.maxSurface1DLayered[0]; break;
  case cudaDevAttrMaxSurface1DLayeredLayers: v = p.maxSurface1DLayered[1]; break;
  case cudaDevAttrMaxSurface2DLayeredWidth: v = p.maxSurface2DLayered[0]; break;
  case cudaDevAttrMaxSurface2DLayeredHeight: v = p.maxSurface2DLayered[1]; break;
  case cudaDevAttrMaxSurface2DLayeredLayers: v = p.maxSurface2DLayered[2]; break;
  case cudaDevAttrMaxSurfaceCubemapWidth: v = p.maxSurfaceCubemap; break;
  case cudaDevAttrMaxSurfaceCubemapLayeredWidth: v = p.maxSurfaceCubemapLayered[0]; break;
  case cudaDevAttrMaxSurfaceCubemapLayeredLayers: v = p.maxSurfaceCubemapLayered[1]; break;
  case cudaDevAttrMaxTexture1DLinearWidth: v = kTexture1DLinear; break;
  case cudaDevAttrMaxTexture2DLinearWidth: v = p.maxTexture2DLinear[0]; break;
  case cudaDevAttrMaxTexture2DLinearHeight: v = p.maxTexture2DLinear[1]; break;
  case cudaDevAttrMaxTexture2DLinearPitch: v = p.maxTexture2DLinear[2]; break;
  case cudaDevAttrMaxTexture2DMipmappedWidth: v = p.maxTexture2DMipmap[0]; break;
  case cudaDevAttrMaxTexture2DMipmappedHeight: v = p.maxTexture2DMipmap[1]; break;
  case cudaDevAttrComputeCapabilityMajor: v = p.major; break;
  case cudaDevAttrComputeCapabilityMinor: v = p.minor; break;
  case cudaDevAttrMaxTexture1DMipmappedWidth: v = p.maxTexture1DMipmap; break;
  case cudaDevAttrStreamPrioritiesSupported: v = p.streamPrioritiesSupported; break;
  case cudaDevAttrGlobalL1CacheSupported: v = p.globalL1CacheSupported; break;
  case cudaDevAttrLocalL1CacheSupported: v = p.localL1CacheSupported; break;
  case cudaDevAttrMaxSharedMemoryPerMultiprocessor: v = clampToInt(p.sharedMemPerMultiprocessor); break;
  case cudaDevAttrMaxRegistersPerMultiprocessor: v = p.regsPerMultiprocessor; break;
  case cudaDevAttrManagedMemory: v = p.managedMemory; break;
  case cudaDevAttrIsMultiGpuBoard: v = p.isMultiGpuBoard; break;
  case cudaDevAttrMultiGpuBoardGroupID: v = p.multiGpuBoardGroupID; break;
  case cudaDevAttrHostNativeAtomicSupported: v = p.hostNativeAtomicSupported; break;
  case cudaDevAttrSingleToDoublePrecisionPerfRatio: v = kSingleToDoublePerfRatio; break;
  case cudaDevAttrPageableMemoryAccess: v = p.pageableMemoryAccess; break;
  case cudaDevAttrConcurrentManagedAccess: v = p.concurrentManagedAccess; break;
  case cudaDevAttrComputePreemptionSupported: v = p.computePreemptionSupported; break;
  case cudaDevAttrCanUseHostPointerForRegisteredMem: v = p.canUseHostPointerForRegisteredMem; break;
  // 92-94: the stream memory operations of the v1 API, 96: cooperative
  // multi-device launch; all withdrawn, so unsupported (0).
  case cudaDevAttrReserved92: v = 0; break;
  case cudaDevAttrReserved93: v = 0; break;
  case cudaDevAttrReserved94: v = 0; break;
  case cudaDevAttrCooperativeLaunch: v = p.cooperativeLaunch; break;
  case cudaDevAttrReserved96: v = 0; break;
  case cudaDevAttrMaxSharedMemoryPerBlockOptin: v = clampToInt(p.sharedMemPerBlockOptin); break;
  case cudaDevAttrCanFlushRemoteWrites: v = 0; break;
  case cudaDevAttrHostRegisterSupported: v = p.hostRegisterSupported; break;
  case cudaDevAttrPageableMemoryAccessUsesHostPageTables: v = p.pageableMemoryAccessUsesHostPageTables; break;
  case cudaDevAttrDirectManagedMemAccessFromHost: v = p.directManagedMemAccessFromHost; break;
  case cudaDevAttrMaxBlocksPerMultiprocessor: v = p.maxBlocksPerMultiProcessor; break;
  case cudaDevAttrMaxPersistingL2CacheSize: v = p.persistingL2CacheMaxSize; break;
  case cudaDevAttrMaxAccessPolicyWindowSize: v = p.accessPolicyMaxWindowSize; break;
  case cudaDevAttrReservedSharedMemoryPerBlock: v = clampToInt(p.reservedSharedMemPerBlock); break;
  case cudaDevAttrSparseCudaArraySupported: v = p.sparseCudaArraySupported; break;
  case cudaDevAttrHostRegisterReadOnlySupported: v = p.hostRegisterReadOnlySupported; break;
  case cudaDevAttrTimelineSemaphoreInteropSupported: v = p.timelineSemaphoreInteropSupported; break;
  case cudaDevAttrMemoryPoolsSupported: v = p.memoryPoolsSupported; break;
  case cudaDevAttrGPUDirectRDMASupported: v = p.gpuDirectRDMASupported; break;
  case cudaDevAttrGPUDirectRDMAFlushWritesOptions: v = static_cast<int>(p.gpuDirectRDMAFlushWritesOptions); break;
  case cudaDevAttrGPUDirectRDMAWritesOrdering: v = p.gpuDirectRDMAWritesOrdering; break;
  case cudaDevAttrMemoryPoolSupportedHandleTypes: v = static_cast<int>(p.memoryPoolSupportedHandleTypes); break;
  case cudaDevAttrClusterLaunch: v = p.clusterLaunch; break;
  case cudaDevAttrDeferredMappingCudaArraySupported: v = p.deferredMappingCudaArraySupported; break;
  // 122-124: 64-bit stream memory operations, wait-value NOR, dma_buf.
  case cudaDevAttrReserved122: v = 0; break;
  case cudaDevAttrReserved123: v = 0; break;
  case cudaDevAttrReserved124: v = 0; break;
  case cudaDevAttrIpcEventSupport: v = p.ipcEventSupported; break;
  case cudaDevAttrMemSyncDomainCount: v = kMemSyncDomainCount; break;
  // 127: tensor map access, 128: fabric handles (Hopper and later).
  case cudaDevAttrReserved127: v = 0; break;
  case cudaDevAttrReserved128: v = 0; break;
  // 129: unified function pointers, which cudaDeviceProp does report.
  case cudaDevAttrReserved129: v = p.unifiedFunctionPointers; break;
  case cudaDevAttrNumaConfig: v = p.deviceNumaConfig; break;
  case cudaDevAttrNumaId: v = p.deviceNumaId; break;
  case cudaDevAttrReserved132: v = 0; break; // multicast
  case cudaDevAttrMpsEnabled: v = p.mpsEnabled; break;
  case cudaDevAttrHostNumaId: v = p.hostNumaId; break;
  case cudaDevAttrD3D12CigSupported: v = 0; break;
  case cudaDevAttrVulkanCigSupported: v = 0; break;
  case cudaDevAttrGpuPciDeviceId: v = static_cast<int>(p.gpuPciDeviceID); break;
  case cudaDevAttrGpuPciSubsystemId: v = static_cast<int>(p.gpuPciSubsystemID); break;
  case cudaDevAttrReserved141: v = 0; break; // host NUMA virtual memory management
  case cudaDevAttrHostNumaMemoryPoolsSupported: v = 0; break;
  case cudaDevAttrHostNumaMultinodeIpcSupported: v = p.hostNumaMultinodeIpcSupported; break;
  case cudaDevAttrHostMemoryPoolsSupported: v = 0; break;
  case cudaDevAttrReserved145: v = 0; break; // host virtual memory management
  case cudaDevAttrOnlyPartialHostNativeAtomicSupported: v = 0; break;
  default:
    return cudaErrorInvalidValue; // cudaDevAttrMax and values CUDA 13.0 lacks
  }
  *value = v;
  return cudaSuccess;
}

std::string pciBusId(const cudaDeviceProp &prop) {
  char text[32];
  std::snprintf(text, sizeof text, "%04x:%02x:%02x.0",
                static_cast<unsigned>(prop.pciDomainID),
                static_cast<unsigned>(prop.pciBusID),
                static_cast<unsigned>(prop.pciDeviceID));
  return text;
}

std::optional<std::array<unsigned, 3>> parsePciBusId(const char *text) {
  unsigned domain = 0, bus = 0, device = 0, function = 0;
  int used = 0;
  size_t length = std::strlen(text);
  // sscanf's %x would also take blanks and signs; a bus id has neither.
  if (std::strspn(text, "0123456789abcdefABCDEF:.") != length)
    return std::nullopt;
  auto whole = [&](int count, int expected) {
    return count == expected && used > 0 && size_t(used) == length;
  };
  if (whole(std::sscanf(text, "%x:%x:%x.%x%n", &domain, &bus, &device,
                        &function, &used),
            4))
    return std::array{domain, bus, device};
  used = 0;
  if (whole(std::sscanf(text, "%x:%x:%x%n", &domain, &bus, &device, &used), 3))
    return std::array{domain, bus, device};
  used = 0;
  if (whole(std::sscanf(text, "%x:%x.%x%n", &bus, &device, &function, &used), 3))
    return std::array{0u, bus, device};
  return std::nullopt;
}

DeviceLimits defaultLimits() {
  DeviceLimits limits{};
  limits[cudaLimitStackSize] = 1024;
  limits[cudaLimitPrintfFifoSize] = 1 << 20;
  limits[cudaLimitMallocHeapSize] = 8 << 20;
  limits[cudaLimitDevRuntimeSyncDepth] = 2;
  limits[cudaLimitDevRuntimePendingLaunchCount] = 2048;
  limits[cudaLimitMaxL2FetchGranularity] = 64;
  limits[cudaLimitPersistingL2CacheSize] = 0;
  return limits;
}

} // namespace cuport::rt
