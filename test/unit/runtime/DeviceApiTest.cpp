//===- DeviceApiTest.cpp - Device management, versions, pointer attributes ===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each documented use and each documented error of the device management,
// version and unified addressing entries, called through libcudart.so.13 as
// an application calls them. The test names are the ones the API registry
// (runtime/api/CudartApi.def) cites as proof.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

class RuntimeApiTest : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

cudaDeviceProp properties(int device = 0) {
  cudaDeviceProp prop;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, device), cudaSuccess);
  return prop;
}

/// Runs vectorAdd over 256 elements on the legacy stream; true when right.
bool vectorAddWorks(const void *stub) {
  constexpr int n = 256;
  std::vector<float> a(n, 1.5f), c(n, 0.0f);
  float *da = nullptr, *dc = nullptr;
  int count = n;
  if (cudaMalloc(&da, n * sizeof(float)) != cudaSuccess ||
      cudaMalloc(&dc, n * sizeof(float)) != cudaSuccess)
    return false;
  cudaMemcpy(da, a.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  void *args[] = {&da, &da, &dc, &count};
  bool ok = cudaLaunchKernel(stub, dim3(2), dim3(128), args, 0, nullptr) == cudaSuccess &&
            cudaMemcpy(c.data(), dc, n * sizeof(float), cudaMemcpyDeviceToHost) ==
                cudaSuccess;
  cudaFree(da);
  cudaFree(dc);
  for (float value : c)
    ok = ok && value == 3.0f;
  return ok;
}

//===----------------------------------------------------------------------===//
// Version management
//===----------------------------------------------------------------------===//

using RuntimeVersion = RuntimeApiTest;

TEST_F(RuntimeVersion, DriverGetVersion) {
  int version = 0;
  EXPECT_EQ(cudaDriverGetVersion(&version), cudaSuccess);
  EXPECT_EQ(version, 13000);
  int runtime = 0;
  ASSERT_EQ(cudaRuntimeGetVersion(&runtime), cudaSuccess);
  EXPECT_GE(version, runtime) << "a driver older than the runtime is rejected by apps";
  EXPECT_EQ(cudaDriverGetVersion(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeVersion, RuntimeGetVersion) {
  int version = 0;
  EXPECT_EQ(cudaRuntimeGetVersion(&version), cudaSuccess);
  EXPECT_EQ(version, 13000);
  EXPECT_EQ(version, CUDART_VERSION);
  EXPECT_EQ(cudaRuntimeGetVersion(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// Device attributes
//===----------------------------------------------------------------------===//

using RuntimeDevice = RuntimeApiTest;

/// Every cudaDeviceAttr of CUDA 13.0 with the value it must have: the
/// cudaDeviceProp field it mirrors, or the documented constant for the
/// attributes CUDA 13's cudaDeviceProp has no field for. Written out
/// independently of the runtime's own table.
std::map<int, std::function<int(const cudaDeviceProp &)>> expectedAttributes() {
  using P = const cudaDeviceProp &;
  return {
      {cudaDevAttrMaxThreadsPerBlock, [](P p) { return p.maxThreadsPerBlock; }},
      {cudaDevAttrMaxBlockDimX, [](P p) { return p.maxThreadsDim[0]; }},
      {cudaDevAttrMaxBlockDimY, [](P p) { return p.maxThreadsDim[1]; }},
      {cudaDevAttrMaxBlockDimZ, [](P p) { return p.maxThreadsDim[2]; }},
      {cudaDevAttrMaxGridDimX, [](P p) { return p.maxGridSize[0]; }},
      {cudaDevAttrMaxGridDimY, [](P p) { return p.maxGridSize[1]; }},
      {cudaDevAttrMaxGridDimZ, [](P p) { return p.maxGridSize[2]; }},
      {cudaDevAttrMaxSharedMemoryPerBlock, [](P p) { return int(p.sharedMemPerBlock); }},
      {cudaDevAttrTotalConstantMemory, [](P p) { return int(p.totalConstMem); }},
      {cudaDevAttrWarpSize, [](P p) { return p.warpSize; }},
      {cudaDevAttrMaxPitch, [](P p) { return int(p.memPitch); }},
      {cudaDevAttrMaxRegistersPerBlock, [](P p) { return p.regsPerBlock; }},
      {cudaDevAttrClockRate, nullptr}, // the backend's clock: checked > 0 below
      {cudaDevAttrTextureAlignment, [](P p) { return int(p.textureAlignment); }},
      {cudaDevAttrGpuOverlap, [](P p) { return p.asyncEngineCount > 0 ? 1 : 0; }},
      {cudaDevAttrMultiProcessorCount, [](P p) { return p.multiProcessorCount; }},
      {cudaDevAttrKernelExecTimeout, [](P) { return 0; }},
      {cudaDevAttrIntegrated, [](P p) { return p.integrated; }},
      {cudaDevAttrCanMapHostMemory, [](P p) { return p.canMapHostMemory; }},
      {cudaDevAttrComputeMode, [](P) { return int(cudaComputeModeDefault); }},
      {cudaDevAttrMaxTexture1DWidth, [](P p) { return p.maxTexture1D; }},
      {cudaDevAttrMaxTexture2DWidth, [](P p) { return p.maxTexture2D[0]; }},
      {cudaDevAttrMaxTexture2DHeight, [](P p) { return p.maxTexture2D[1]; }},
      {cudaDevAttrMaxTexture3DWidth, [](P p) { return p.maxTexture3D[0]; }},
      {cudaDevAttrMaxTexture3DHeight, [](P p) { return p.maxTexture3D[1]; }},
      {cudaDevAttrMaxTexture3DDepth, [](P p) { return p.maxTexture3D[2]; }},
      {cudaDevAttrMaxTexture2DLayeredWidth, [](P p) { return p.maxTexture2DLayered[0]; }},
      {cudaDevAttrMaxTexture2DLayeredHeight, [](P p) { return p.maxTexture2DLayered[1]; }},
      {cudaDevAttrMaxTexture2DLayeredLayers, [](P p) { return p.maxTexture2DLayered[2]; }},
      {cudaDevAttrSurfaceAlignment, [](P p) { return int(p.surfaceAlignment); }},
      {cudaDevAttrConcurrentKernels, [](P p) { return p.concurrentKernels; }},
      {cudaDevAttrEccEnabled, [](P p) { return p.ECCEnabled; }},
      {cudaDevAttrPciBusId, [](P p) { return p.pciBusID; }},
      {cudaDevAttrPciDeviceId, [](P p) { return p.pciDeviceID; }},
      {cudaDevAttrTccDriver, [](P p) { return p.tccDriver; }},
      {cudaDevAttrMemoryClockRate, nullptr}, // the backend's clock
      {cudaDevAttrGlobalMemoryBusWidth, [](P p) { return p.memoryBusWidth; }},
      {cudaDevAttrL2CacheSize, [](P p) { return p.l2CacheSize; }},
      {cudaDevAttrMaxThreadsPerMultiProcessor, [](P p) { return p.maxThreadsPerMultiProcessor; }},
      {cudaDevAttrAsyncEngineCount, [](P p) { return p.asyncEngineCount; }},
      {cudaDevAttrUnifiedAddressing, [](P p) { return p.unifiedAddressing; }},
      {cudaDevAttrMaxTexture1DLayeredWidth, [](P p) { return p.maxTexture1DLayered[0]; }},
      {cudaDevAttrMaxTexture1DLayeredLayers, [](P p) { return p.maxTexture1DLayered[1]; }},
      {cudaDevAttrMaxTexture2DGatherWidth, [](P p) { return p.maxTexture2DGather[0]; }},
      {cudaDevAttrMaxTexture2DGatherHeight, [](P p) { return p.maxTexture2DGather[1]; }},
      {cudaDevAttrMaxTexture3DWidthAlt, [](P p) { return p.maxTexture3DAlt[0]; }},
      {cudaDevAttrMaxTexture3DHeightAlt, [](P p) { return p.maxTexture3DAlt[1]; }},
      {cudaDevAttrMaxTexture3DDepthAlt, [](P p) { return p.maxTexture3DAlt[2]; }},
      {cudaDevAttrPciDomainId, [](P p) { return p.pciDomainID; }},
      {cudaDevAttrTexturePitchAlignment, [](P p) { return int(p.texturePitchAlignment); }},
      {cudaDevAttrMaxTextureCubemapWidth, [](P p) { return p.maxTextureCubemap; }},
      {cudaDevAttrMaxTextureCubemapLayeredWidth, [](P p) { return p.maxTextureCubemapLayered[0]; }},
      {cudaDevAttrMaxTextureCubemapLayeredLayers, [](P p) { return p.maxTextureCubemapLayered[1]; }},
      {cudaDevAttrMaxSurface1DWidth, [](P p) { return p.maxSurface1D; }},
      {cudaDevAttrMaxSurface2DWidth, [](P p) { return p.maxSurface2D[0]; }},
      {cudaDevAttrMaxSurface2DHeight, [](P p) { return p.maxSurface2D[1]; }},
      {cudaDevAttrMaxSurface3DWidth, [](P p) { return p.maxSurface3D[0]; }},
      {cudaDevAttrMaxSurface3DHeight, [](P p) { return p.maxSurface3D[1]; }},
      {cudaDevAttrMaxSurface3DDepth, [](P p) { return p.maxSurface3D[2]; }},
      {cudaDevAttrMaxSurface1DLayeredWidth, [](P p) { return p.maxSurface1DLayered[0]; }},
      {cudaDevAttrMaxSurface1DLayeredLayers, [](P p) { return p.maxSurface1DLayered[1]; }},
      {cudaDevAttrMaxSurface2DLayeredWidth, [](P p) { return p.maxSurface2DLayered[0]; }},
      {cudaDevAttrMaxSurface2DLayeredHeight, [](P p) { return p.maxSurface2DLayered[1]; }},
      {cudaDevAttrMaxSurface2DLayeredLayers, [](P p) { return p.maxSurface2DLayered[2]; }},
      {cudaDevAttrMaxSurfaceCubemapWidth, [](P p) { return p.maxSurfaceCubemap; }},
      {cudaDevAttrMaxSurfaceCubemapLayeredWidth, [](P p) { return p.maxSurfaceCubemapLayered[0]; }},
      {cudaDevAttrMaxSurfaceCubemapLayeredLayers, [](P p) { return p.maxSurfaceCubemapLayered[1]; }},
      {cudaDevAttrMaxTexture1DLinearWidth, [](P) { return 1 << 28; }},
      {cudaDevAttrMaxTexture2DLinearWidth, [](P p) { return p.maxTexture2DLinear[0]; }},
      {cudaDevAttrMaxTexture2DLinearHeight, [](P p) { return p.maxTexture2DLinear[1]; }},
      {cudaDevAttrMaxTexture2DLinearPitch, [](P p) { return p.maxTexture2DLinear[2]; }},
      {cudaDevAttrMaxTexture2DMipmappedWidth, [](P p) { return p.maxTexture2DMipmap[0]; }},
      {cudaDevAttrMaxTexture2DMipmappedHeight, [](P p) { return p.maxTexture2DMipmap[1]; }},
      {cudaDevAttrComputeCapabilityMajor, [](P p) { return p.major; }},
      {cudaDevAttrComputeCapabilityMinor, [](P p) { return p.minor; }},
      {cudaDevAttrMaxTexture1DMipmappedWidth, [](P p) { return p.maxTexture1DMipmap; }},
      {cudaDevAttrStreamPrioritiesSupported, [](P p) { return p.streamPrioritiesSupported; }},
      {cudaDevAttrGlobalL1CacheSupported, [](P p) { return p.globalL1CacheSupported; }},
      {cudaDevAttrLocalL1CacheSupported, [](P p) { return p.localL1CacheSupported; }},
      {cudaDevAttrMaxSharedMemoryPerMultiprocessor, [](P p) { return int(p.sharedMemPerMultiprocessor); }},
      {cudaDevAttrMaxRegistersPerMultiprocessor, [](P p) { return p.regsPerMultiprocessor; }},
      {cudaDevAttrManagedMemory, [](P p) { return p.managedMemory; }},
      {cudaDevAttrIsMultiGpuBoard, [](P p) { return p.isMultiGpuBoard; }},
      {cudaDevAttrMultiGpuBoardGroupID, [](P p) { return p.multiGpuBoardGroupID; }},
      {cudaDevAttrHostNativeAtomicSupported, [](P p) { return p.hostNativeAtomicSupported; }},
      {cudaDevAttrSingleToDoublePrecisionPerfRatio, [](P) { return 2; }},
      {cudaDevAttrPageableMemoryAccess, [](P p) { return p.pageableMemoryAccess; }},
      {cudaDevAttrConcurrentManagedAccess, [](P p) { return p.concurrentManagedAccess; }},
      {cudaDevAttrComputePreemptionSupported, [](P p) { return p.computePreemptionSupported; }},
      {cudaDevAttrCanUseHostPointerForRegisteredMem, [](P p) { return p.canUseHostPointerForRegisteredMem; }},
      {cudaDevAttrReserved92, [](P) { return 0; }},
      {cudaDevAttrReserved93, [](P) { return 0; }},
      {cudaDevAttrReserved94, [](P) { return 0; }},
      {cudaDevAttrCooperativeLaunch, [](P p) { return p.cooperativeLaunch; }},
      {cudaDevAttrReserved96, [](P) { return 0; }},
      {cudaDevAttrMaxSharedMemoryPerBlockOptin, [](P p) { return int(p.sharedMemPerBlockOptin); }},
      {cudaDevAttrCanFlushRemoteWrites, [](P) { return 0; }},
      {cudaDevAttrHostRegisterSupported, [](P p) { return p.hostRegisterSupported; }},
      {cudaDevAttrPageableMemoryAccessUsesHostPageTables, [](P p) { return p.pageableMemoryAccessUsesHostPageTables; }},
      {cudaDevAttrDirectManagedMemAccessFromHost, [](P p) { return p.directManagedMemAccessFromHost; }},
      {cudaDevAttrMaxBlocksPerMultiprocessor, [](P p) { return p.maxBlocksPerMultiProcessor; }},
      {cudaDevAttrMaxPersistingL2CacheSize, [](P p) { return p.persistingL2CacheMaxSize; }},
      {cudaDevAttrMaxAccessPolicyWindowSize, [](P p) { return p.accessPolicyMaxWindowSize; }},
      {cudaDevAttrReservedSharedMemoryPerBlock, [](P p) { return int(p.reservedSharedMemPerBlock); }},
      {cudaDevAttrSparseCudaArraySupported, [](P p) { return p.sparseCudaArraySupported; }},
      {cudaDevAttrHostRegisterReadOnlySupported, [](P p) { return p.hostRegisterReadOnlySupported; }},
      {cudaDevAttrTimelineSemaphoreInteropSupported, [](P p) { return p.timelineSemaphoreInteropSupported; }},
      {cudaDevAttrMemoryPoolsSupported, [](P p) { return p.memoryPoolsSupported; }},
      {cudaDevAttrGPUDirectRDMASupported, [](P p) { return p.gpuDirectRDMASupported; }},
      {cudaDevAttrGPUDirectRDMAFlushWritesOptions, [](P p) { return int(p.gpuDirectRDMAFlushWritesOptions); }},
      {cudaDevAttrGPUDirectRDMAWritesOrdering, [](P p) { return p.gpuDirectRDMAWritesOrdering; }},
      {cudaDevAttrMemoryPoolSupportedHandleTypes, [](P p) { return int(p.memoryPoolSupportedHandleTypes); }},
      {cudaDevAttrClusterLaunch, [](P p) { return p.clusterLaunch; }},
      {cudaDevAttrDeferredMappingCudaArraySupported, [](P p) { return p.deferredMappingCudaArraySupported; }},
      {cudaDevAttrReserved122, [](P) { return 0; }},
      {cudaDevAttrReserved123, [](P) { return 0; }},
      {cudaDevAttrReserved124, [](P) { return 0; }},
      {cudaDevAttrIpcEventSupport, [](P p) { return p.ipcEventSupported; }},
      {cudaDevAttrMemSyncDomainCount, [](P) { return 1; }},
      {cudaDevAttrReserved127, [](P) { return 0; }},
      {cudaDevAttrReserved128, [](P) { return 0; }},
      {cudaDevAttrReserved129, [](P p) { return p.unifiedFunctionPointers; }},
      {cudaDevAttrNumaConfig, [](P p) { return p.deviceNumaConfig; }},
      {cudaDevAttrNumaId, [](P p) { return p.deviceNumaId; }},
      {cudaDevAttrReserved132, [](P) { return 0; }},
      {cudaDevAttrMpsEnabled, [](P p) { return p.mpsEnabled; }},
      {cudaDevAttrHostNumaId, [](P p) { return p.hostNumaId; }},
      {cudaDevAttrD3D12CigSupported, [](P) { return 0; }},
      {cudaDevAttrVulkanCigSupported, [](P) { return 0; }},
      {cudaDevAttrGpuPciDeviceId, [](P p) { return int(p.gpuPciDeviceID); }},
      {cudaDevAttrGpuPciSubsystemId, [](P p) { return int(p.gpuPciSubsystemID); }},
      {cudaDevAttrReserved141, [](P) { return 0; }},
      {cudaDevAttrHostNumaMemoryPoolsSupported, [](P) { return 0; }},
      {cudaDevAttrHostNumaMultinodeIpcSupported, [](P p) { return p.hostNumaMultinodeIpcSupported; }},
      {cudaDevAttrHostMemoryPoolsSupported, [](P) { return 0; }},
      {cudaDevAttrReserved145, [](P) { return 0; }},
      {cudaDevAttrOnlyPartialHostNativeAtomicSupported, [](P) { return 0; }},
  };
}

TEST_F(RuntimeDevice, AttributesMirrorProperties) {
  auto expected = expectedAttributes();
  // CUDA 13.0 names 137 attributes (1 ... 147 with gaps, cudaDevAttrMax aside).
  ASSERT_EQ(expected.size(), 137u);
  int count = 0;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  for (int device = 0; device < count; ++device) {
    cudaDeviceProp prop = properties(device);
    for (int attr = -2; attr <= 260; ++attr) {
      int value = -12345;
      cudaError_t error =
          cudaDeviceGetAttribute(&value, static_cast<cudaDeviceAttr>(attr), device);
      auto it = expected.find(attr);
      if (it == expected.end()) {
        EXPECT_EQ(error, cudaErrorInvalidValue) << "attribute " << attr;
        EXPECT_EQ(value, -12345) << "attribute " << attr << " wrote a value";
        continue;
      }
      ASSERT_EQ(error, cudaSuccess) << "attribute " << attr;
      if (it->second)
        EXPECT_EQ(value, it->second(prop)) << "attribute " << attr;
      else
        EXPECT_GT(value, 0) << "attribute " << attr;
    }
  }
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeDevice, GetAttribute) {
  int value = 0;
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, 0), cudaSuccess);
  EXPECT_EQ(value, 32);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrComputeCapabilityMajor, 0), cudaSuccess);
  EXPECT_EQ(value, 8);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrMaxSharedMemoryPerBlock, 0), cudaSuccess);
  EXPECT_EQ(value, 48 * 1024);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrReservedSharedMemoryPerBlock, 0),
            cudaSuccess);
  EXPECT_EQ(value, 1024) << "compute capability 8.x reserves 1 KiB per block";
  // Errors: null pointer, devices that do not exist, values that are no
  // attribute (cudaDevAttrMax, gaps in the numbering, driver-only ones).
  EXPECT_EQ(cudaDeviceGetAttribute(nullptr, cudaDevAttrWarpSize, 0), cudaErrorInvalidValue);
  int count = 0;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, count),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, -1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
  for (int bad : {0, 44, 102, 107, 110, 136, 137, 146, int(cudaDevAttrMax), 100000, -1})
    EXPECT_EQ(cudaDeviceGetAttribute(&value, static_cast<cudaDeviceAttr>(bad), 0),
              cudaErrorInvalidValue)
        << bad;
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// cudaDeviceReset
//===----------------------------------------------------------------------===//

const char *const kTrapPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.visible .entry trapKernel()
{
	trap;
	ret;
}
)";

TEST_F(RuntimeDevice, Reset) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  ASSERT_TRUE(vectorAddWorks(program.stub(0))); // the module is loaded
  void *device = nullptr, *pinned = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 4096), cudaSuccess);
  ASSERT_EQ(cudaMallocHost(&pinned, 4096), cudaSuccess);
  cudaStream_t stream = nullptr;
  cudaEvent_t event = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 1, 4096, stream), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitStackSize, 8192), cudaSuccess);
  ASSERT_EQ(cudaDeviceSetCacheConfig(cudaFuncCachePreferL1), cudaSuccess);
  ASSERT_EQ(cudaFuncSetAttribute(program.stub(0), cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 64 * 1024),
            cudaSuccess);

  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);

  // Every allocation is gone.
  EXPECT_EQ(cudaFree(device), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(pinned), cudaErrorInvalidValue);
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, device), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  // Streams and events are destroyed: their handles are invalid.
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventQuery(event), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventDestroy(event), cudaErrorInvalidResourceHandle);
  // Context state is back to its defaults.
  size_t stack = 0;
  EXPECT_EQ(cudaDeviceGetLimit(&stack, cudaLimitStackSize), cudaSuccess);
  EXPECT_EQ(stack, 1024u);
  cudaFuncCache cache = cudaFuncCachePreferEqual;
  EXPECT_EQ(cudaDeviceGetCacheConfig(&cache), cudaSuccess);
  EXPECT_EQ(cache, cudaFuncCachePreferNone);
  // The module is forgotten, with the kernel's settings, and loads again.
  cudaFuncAttributes function;
  ASSERT_EQ(cudaFuncGetAttributes(&function, program.stub(0)), cudaSuccess);
  EXPECT_EQ(function.maxDynamicSharedSizeBytes, 48 * 1024);
  EXPECT_TRUE(vectorAddWorks(program.stub(0)));
  // The legacy stream and new resources work.
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

/// Resident memory of this process, in bytes (Linux).
size_t residentBytes() {
  std::FILE *statm = std::fopen("/proc/self/statm", "r");
  if (!statm)
    return 0;
  unsigned long pages = 0, resident = 0;
  int read = std::fscanf(statm, "%lu %lu", &pages, &resident);
  std::fclose(statm);
  return read == 2 ? resident * size_t(sysconf(_SC_PAGESIZE)) : 0;
}

// The memory itself goes back, not only the runtime's record of it.
TEST_F(RuntimeDevice, ResetReleasesMemory) {
  constexpr size_t kBytes = 128 << 20;
  void *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, kBytes), cudaSuccess);
  ASSERT_EQ(cudaMemset(device, 0x5A, kBytes), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess); // resident now
  size_t before = residentBytes();
  if (before == 0)
    GTEST_SKIP() << "no /proc/self/statm";
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  size_t after = residentBytes();
  EXPECT_LT(after + kBytes / 2, before) << "before " << before << ", after " << after;
}

TEST_F(RuntimeDevice, ResetClearsStickyError) {
  RegisteredPtx program(kTrapPtx, {"trapKernel"});
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), nullptr, 0, nullptr),
            cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  void *memory = nullptr;
  EXPECT_EQ(cudaMalloc(&memory, 64), cudaErrorLaunchFailure) << "the error is sticky";
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&memory, 64), cudaSuccess);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Flags, limits, cache and shared memory configuration
//===----------------------------------------------------------------------===//

TEST_F(RuntimeDevice, DeviceFlags) {
  unsigned flags = 0;
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleAuto), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaDeviceMapHost)) << "mapping is implicit in the runtime";
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaDeviceScheduleBlockingSync | cudaDeviceMapHost));
  const unsigned all = cudaDeviceScheduleYield | cudaDeviceMapHost |
                       cudaDeviceLmemResizeToMax | cudaDeviceSyncMemops;
  EXPECT_EQ(cudaSetDeviceFlags(all), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, all);
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleSpin), cudaSuccess);
  // Invalid: two scheduling policies, unknown bits; the flags stay.
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleSpin | cudaDeviceScheduleYield),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleMask), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDeviceFlags(0x20), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDeviceFlags(0x100), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaDeviceScheduleSpin | cudaDeviceMapHost));
  EXPECT_EQ(cudaGetDeviceFlags(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleAuto), cudaSuccess);
}

const char *const kPrintfPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.extern .func (.param .b32 func_retval0) vprintf
(
	.param .b64 vprintf_param_0,
	.param .b64 vprintf_param_1
)
;
.global .align 1 .b8 $str[22] = {112, 114, 105, 110, 116, 102, 32, 102, 114, 111, 109, 32, 97, 32, 107, 101, 114, 110, 101, 108, 10, 0};

.visible .entry printKernel()
{
	.reg .b32 %r<2>;
	.reg .b64 %rd<4>;

	mov.u64 %rd1, $str;
	cvta.global.u64 %rd2, %rd1;
	mov.u64 %rd3, 0;
	{
	.param .b64 param0;
	st.param.b64 [param0+0], %rd2;
	.param .b64 param1;
	st.param.b64 [param1+0], %rd3;
	.param .b32 retval0;
	call.uni (retval0), vprintf, (param0, param1);
	ld.param.b32 %r1, [retval0+0];
	}
	ret;
}
)";

TEST_F(RuntimeDevice, Limits) {
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess); // a fresh context
  const std::pair<cudaLimit, size_t> defaults[] = {
      {cudaLimitStackSize, 1024},
      {cudaLimitPrintfFifoSize, 1 << 20},
      {cudaLimitMallocHeapSize, 8 << 20},
      {cudaLimitDevRuntimeSyncDepth, 2},
      {cudaLimitDevRuntimePendingLaunchCount, 2048},
      {cudaLimitMaxL2FetchGranularity, 64},
      {cudaLimitPersistingL2CacheSize, 0},
  };
  for (auto [limit, value] : defaults) {
    size_t got = 0;
    EXPECT_EQ(cudaDeviceGetLimit(&got, limit), cudaSuccess) << limit;
    EXPECT_EQ(got, value) << limit;
  }
  // Values are stored and read back.
  const std::pair<cudaLimit, size_t> updates[] = {
      {cudaLimitStackSize, 16384},
      {cudaLimitPrintfFifoSize, 4 << 20},
      {cudaLimitMallocHeapSize, 64 << 20},
      {cudaLimitDevRuntimeSyncDepth, 24},
      {cudaLimitDevRuntimePendingLaunchCount, 32768},
      {cudaLimitMaxL2FetchGranularity, 128},
  };
  for (auto [limit, value] : updates) {
    EXPECT_EQ(cudaDeviceSetLimit(limit, value), cudaSuccess) << limit;
    size_t got = 0;
    EXPECT_EQ(cudaDeviceGetLimit(&got, limit), cudaSuccess) << limit;
    EXPECT_EQ(got, value) << limit;
  }
  // What CUDA rejects: sync depth beyond 24, fetch granularity beyond 128;
  // the previous value stays.
  size_t got = 0;
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitDevRuntimeSyncDepth, 25), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitDevRuntimeSyncDepth), cudaSuccess);
  EXPECT_EQ(got, 24u);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitMaxL2FetchGranularity, 129), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitMaxL2FetchGranularity), cudaSuccess);
  EXPECT_EQ(got, 128u);
  // The persisting L2 size is a hint clamped to what the device offers.
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, 1 << 20), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitPersistingL2CacheSize), cudaSuccess);
  EXPECT_EQ(got, std::min<size_t>(1 << 20, properties().persistingL2CacheMaxSize));
  // Limits that do not exist; a null result pointer.
  for (int bad : {7, 8, -1, 1000}) {
    EXPECT_EQ(cudaDeviceSetLimit(static_cast<cudaLimit>(bad), 1), cudaErrorUnsupportedLimit);
    EXPECT_EQ(cudaDeviceGetLimit(&got, static_cast<cudaLimit>(bad)), cudaErrorUnsupportedLimit);
  }
  EXPECT_EQ(cudaGetLastError(), cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceGetLimit(nullptr, cudaLimitStackSize), cudaErrorInvalidValue);

  // The printf FIFO size is fixed once a kernel that calls printf ran.
  {
    RegisteredPtx program(kPrintfPtx, {"printKernel"});
    ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), nullptr, 0, nullptr),
              cudaSuccess);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(cudaDeviceSetLimit(cudaLimitPrintfFifoSize, 8 << 20), cudaErrorInvalidValue);
    EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitPrintfFifoSize), cudaSuccess);
    EXPECT_EQ(got, size_t(4 << 20));
    EXPECT_EQ(cudaDeviceSetLimit(cudaLimitStackSize, 2048), cudaSuccess) << "others still change";
  }
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitPrintfFifoSize), cudaSuccess);
  EXPECT_EQ(got, size_t(1 << 20)) << "cudaDeviceReset restores the defaults";
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitPrintfFifoSize, 8 << 20), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
}

// mallocKernel(void **out, size_t bytes): *out = malloc(bytes).
const char *const kMallocPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.extern .func (.param .b64 func_retval0) malloc
(
	.param .b64 malloc_param_0
)
;

.visible .entry mallocKernel(
	.param .u64 mallocKernel_param_0,
	.param .u64 mallocKernel_param_1
)
{
	.reg .b64 %rd<5>;

	ld.param.u64 %rd1, [mallocKernel_param_0];
	ld.param.u64 %rd2, [mallocKernel_param_1];
	cvta.to.global.u64 %rd3, %rd1;
	{
	.param .b64 param0;
	st.param.b64 [param0+0], %rd2;
	.param .b64 retval0;
	call.uni (retval0), malloc, (param0);
	ld.param.b64 %rd4, [retval0+0];
	}
	st.global.u64 [%rd3], %rd4;
	ret;
}
)";

/// Runs mallocKernel once; the pointer device malloc returned.
void *deviceMalloc(const void *stub, size_t bytes) {
  void **out = nullptr;
  EXPECT_EQ(cudaMalloc(&out, sizeof(void *)), cudaSuccess);
  void *args[] = {&out, &bytes};
  EXPECT_EQ(cudaLaunchKernel(stub, dim3(1), dim3(1), args, 0, nullptr), cudaSuccess);
  void *result = reinterpret_cast<void *>(1);
  EXPECT_EQ(cudaMemcpy(&result, out, sizeof(void *), cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
  return result;
}

TEST_F(RuntimeDevice, MallocHeapSizeIsFixedOnceAMallocKernelRan) {
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  RegisteredPtx program(kMallocPtx, {"mallocKernel"});
  // Before any malloc kernel: the size may change, and the launch uses it.
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 1 << 20), cudaSuccess);
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 64 << 10), cudaSuccess);
  EXPECT_NE(deviceMalloc(program.stub(0), 48 << 10), nullptr);
  EXPECT_EQ(deviceMalloc(program.stub(0), 48 << 10), nullptr)
      << "the first block is still live: a 64 KiB heap has no room for a second";
  EXPECT_NE(deviceMalloc(program.stub(0), 4 << 10), nullptr) << "a smaller one fits";
  // From now on the size is fixed.
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 1 << 20), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  size_t got = 0;
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitMallocHeapSize), cudaSuccess);
  EXPECT_EQ(got, size_t(64 << 10));
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitPrintfFifoSize, 2 << 20), cudaSuccess)
      << "the printf FIFO is not tied to malloc";
  // cudaDeviceReset releases the heap and its blocks; the default comes back
  // and may be changed again before the next malloc kernel.
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetLimit(&got, cudaLimitMallocHeapSize), cudaSuccess);
  EXPECT_EQ(got, size_t(8 << 20));
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 1 << 20), cudaSuccess);
  EXPECT_NE(deviceMalloc(program.stub(0), 400 << 10), nullptr);
  EXPECT_NE(deviceMalloc(program.stub(0), 400 << 10), nullptr) << "a fresh 1 MiB heap";
  EXPECT_EQ(deviceMalloc(program.stub(0), 400 << 10), nullptr);
  EXPECT_EQ(deviceMalloc(program.stub(0), size_t(1) << 40), nullptr) << "never a crash";
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
}

TEST_F(RuntimeDevice, CacheConfig) {
  for (cudaFuncCache config : {cudaFuncCachePreferShared, cudaFuncCachePreferL1,
                               cudaFuncCachePreferEqual, cudaFuncCachePreferNone}) {
    EXPECT_EQ(cudaDeviceSetCacheConfig(config), cudaSuccess);
    cudaFuncCache got = cudaFuncCache(-1);
    EXPECT_EQ(cudaDeviceGetCacheConfig(&got), cudaSuccess);
    EXPECT_EQ(got, config);
  }
  EXPECT_EQ(cudaDeviceSetCacheConfig(static_cast<cudaFuncCache>(4)), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceSetCacheConfig(static_cast<cudaFuncCache>(-1)), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetCacheConfig(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  cudaFuncCache got = cudaFuncCachePreferL1;
  EXPECT_EQ(cudaDeviceGetCacheConfig(&got), cudaSuccess);
  EXPECT_EQ(got, cudaFuncCachePreferNone) << "a rejected value changes nothing";
}

// Deprecated in CUDA, still exported: tested like the rest.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(RuntimeDevice, SharedMemConfig) {
  cudaSharedMemConfig config = cudaSharedMemBankSizeDefault;
  EXPECT_EQ(cudaDeviceGetSharedMemConfig(&config), cudaSuccess);
  EXPECT_EQ(config, cudaSharedMemBankSizeFourByte);
  // Only Kepler could change the bank size; elsewhere the request is
  // accepted and the banks stay four bytes wide.
  EXPECT_EQ(cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeEightByte), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetSharedMemConfig(&config), cudaSuccess);
  EXPECT_EQ(config, cudaSharedMemBankSizeFourByte);
  EXPECT_EQ(cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeDefault), cudaSuccess);
  EXPECT_EQ(cudaDeviceSetSharedMemConfig(static_cast<cudaSharedMemConfig>(3)),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetSharedMemConfig(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}
#pragma GCC diagnostic pop

//===----------------------------------------------------------------------===//
// Choosing and finding devices
//===----------------------------------------------------------------------===//

TEST_F(RuntimeDevice, ChooseDevice) {
  cudaDeviceProp wanted;
  std::memset(&wanted, 0, sizeof wanted);
  int device = -1;
  EXPECT_EQ(cudaChooseDevice(&device, &wanted), cudaSuccess);
  EXPECT_EQ(device, 0);
  wanted.major = 8;
  wanted.minor = 0;
  device = -1;
  EXPECT_EQ(cudaChooseDevice(&device, &wanted), cudaSuccess);
  EXPECT_EQ(device, 0);
  // Asking for more than any device has still names the closest device.
  wanted.major = 12;
  device = -1;
  EXPECT_EQ(cudaChooseDevice(&device, &wanted), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaChooseDevice(nullptr, &wanted), cudaErrorInvalidValue);
  EXPECT_EQ(cudaChooseDevice(&device, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeDevice, PciBusId) {
  char id[32];
  ASSERT_EQ(cudaDeviceGetPCIBusId(id, sizeof id, 0), cudaSuccess);
  EXPECT_STREQ(id, "0000:00:00.0");
  int count = 0;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  std::set<std::string> seen;
  for (int device = 0; device < count; ++device) {
    ASSERT_EQ(cudaDeviceGetPCIBusId(id, sizeof id, device), cudaSuccess);
    EXPECT_EQ(std::strlen(id), 12u) << "13 bytes with the terminator";
    EXPECT_TRUE(seen.insert(id).second) << "each device has its own id";
    int found = -1;
    EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, id), cudaSuccess);
    EXPECT_EQ(found, device);
    cudaDeviceProp prop = properties(device);
    EXPECT_EQ(prop.pciBusID, device);
  }
  // A short buffer gets what fits, terminated.
  std::memset(id, 'x', sizeof id);
  ASSERT_EQ(cudaDeviceGetPCIBusId(id, 5, 0), cudaSuccess);
  EXPECT_STREQ(id, "0000");
  EXPECT_EQ(cudaDeviceGetPCIBusId(id, 0, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetPCIBusId(nullptr, 13, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetPCIBusId(id, 13, count), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetPCIBusId(id, 13, -1), cudaErrorInvalidDevice);

  // The other spellings CUDA accepts; hex digits in either case.
  int found = -1;
  for (const char *spelling : {"0000:00:00.0", "0000:00:00", "00:00.0", "0:0:0.0"}) {
    found = -1;
    EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, spelling), cudaSuccess) << spelling;
    EXPECT_EQ(found, 0) << spelling;
  }
  if (count > 10) {
    EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, "0000:0A:00.0"), cudaSuccess);
    EXPECT_EQ(found, 10);
  }
  // Well-formed but no such device; malformed; null pointers.
  EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, "0000:fe:00.0"), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, "0001:00:00.0"), cudaErrorInvalidDevice);
  for (const char *bad : {"", "garbage", "0000:00", " 0000:00:00.0", "0000:00:00.0x",
                          "-1:00:00.0", "0000:00:00.0.0"})
    EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, bad), cudaErrorInvalidValue) << "'" << bad << "'";
  EXPECT_EQ(cudaDeviceGetByPCIBusId(nullptr, "0000:00:00.0"), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetByPCIBusId(&found, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// Unified addressing
//===----------------------------------------------------------------------===//

const char *const kGlobalVariablePtx = R"(
.version 9.0
.target sm_75
.address_size 64

.visible .global .align 4 .b8 counters[32];

.visible .entry touch()
{
	.reg .b32 %r<2>;
	mov.u32 %r1, 1;
	st.global.u32 [counters], %r1;
	ret;
}
)";

using RuntimeUnifiedAddressing = RuntimeApiTest;

TEST_F(RuntimeUnifiedAddressing, PointerGetAttributes) {
  cudaPointerAttributes attributes;
  char *device = nullptr, *pinned = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 1000), cudaSuccess);
  ASSERT_EQ(cudaMallocHost(&pinned, 1000), cudaSuccess);

  for (char *pointer : {device, device + 999}) {
    std::memset(&attributes, 0x7F, sizeof attributes);
    ASSERT_EQ(cudaPointerGetAttributes(&attributes, pointer), cudaSuccess);
    EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
    EXPECT_EQ(attributes.device, 0);
    EXPECT_EQ(attributes.devicePointer, pointer);
    EXPECT_EQ(attributes.hostPointer, nullptr);
  }
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, pinned + 10), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeHost);
  EXPECT_EQ(attributes.device, 0);
  EXPECT_EQ(attributes.devicePointer, pinned + 10);
  EXPECT_EQ(attributes.hostPointer, pinned + 10);

  // A module variable is device memory.
  char hostShadow[32];
  RegisteredPtx program(kGlobalVariablePtx, {"touch"});
  __cudaRegisterVar(program.handle(), hostShadow, const_cast<char *>("counters"),
                    "counters", 0, sizeof hostShadow, 0, 0);
  void *symbol = nullptr;
  ASSERT_EQ(cudaGetSymbolAddress(&symbol, hostShadow), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, symbol), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
  EXPECT_EQ(attributes.devicePointer, symbol);

  // Memory CUDA does not know: success and "unregistered" (CUDA 11+).
  int onStack = 0;
  std::vector<int> onHeap(4);
  for (const void *pointer : {static_cast<const void *>(&onStack),
                              static_cast<const void *>(onHeap.data()),
                              static_cast<const void *>(nullptr),
                              static_cast<const void *>(device + 1000)}) {
    std::memset(&attributes, 0x7F, sizeof attributes);
    EXPECT_EQ(cudaPointerGetAttributes(&attributes, pointer), cudaSuccess);
    EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
    EXPECT_EQ(attributes.device, cudaInvalidDeviceId);
    EXPECT_EQ(attributes.devicePointer, nullptr);
    EXPECT_EQ(attributes.hostPointer, nullptr);
  }
  // Freed memory is unknown again.
  ASSERT_EQ(cudaFree(device), cudaSuccess);
  ASSERT_EQ(cudaFreeHost(pinned), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, device), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, pinned), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);

  EXPECT_EQ(cudaPointerGetAttributes(nullptr, &onStack), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

} // namespace

TEST_F(RuntimeDevice, Texture1DLinearMaxWidth) {
  size_t width = 0;
  cudaChannelFormatDesc floats = cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat);
  ASSERT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &floats, 0), cudaSuccess);
  int attribute = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&attribute, cudaDevAttrMaxTexture1DLinearWidth, 0),
            cudaSuccess);
  EXPECT_EQ(width, size_t(attribute));
  EXPECT_EQ(width, size_t(1) << 28);
  cudaChannelFormatDesc uchar4 = cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
  width = 0;
  ASSERT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &uchar4, 0), cudaSuccess);
  EXPECT_EQ(width, size_t(1) << 28);

  cudaChannelFormatDesc odd = cudaCreateChannelDesc(7, 0, 0, 0, cudaChannelFormatKindSigned);
  EXPECT_NE(cudaDeviceGetTexture1DLinearMaxWidth(&width, &odd, 0), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(nullptr, &floats, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &floats, 99), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &floats, -1), cudaErrorInvalidDevice);
  cudaGetLastError();
}
