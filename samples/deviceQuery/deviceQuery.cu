// deviceQuery: prints every device's properties the way NVIDIA's deviceQuery
// does, and checks that cudaGetDeviceProperties and cudaDeviceGetAttribute
// agree on each of them (and that every device has its own PCI location).
// With several devices, also prints which can access which as peers.
// Prints PASSED when everything agrees.
#include "../common.h"

#include <cstring>
#include <set>
#include <string>

static int errors = 0;

static void expectAttribute(int device, cudaDeviceAttr attr, long long expected,
                            const char *what) {
  int value = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&value, attr, device));
  if (value != expected) {
    std::fprintf(stderr, "device %d: %s is %lld in cudaDeviceProp but %d as attribute %d\n",
                 device, what, expected, value, int(attr));
    ++errors;
  }
}

#define EXPECT_ATTRIBUTE(device, attr, field) \
  expectAttribute(device, attr, (long long)(field), #field)

static void checkConsistency(int device, const cudaDeviceProp &p) {
  EXPECT_ATTRIBUTE(device, cudaDevAttrComputeCapabilityMajor, p.major);
  EXPECT_ATTRIBUTE(device, cudaDevAttrComputeCapabilityMinor, p.minor);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMultiProcessorCount, p.multiProcessorCount);
  EXPECT_ATTRIBUTE(device, cudaDevAttrWarpSize, p.warpSize);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxThreadsPerBlock, p.maxThreadsPerBlock);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxThreadsPerMultiProcessor,
                   p.maxThreadsPerMultiProcessor);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxBlockDimX, p.maxThreadsDim[0]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxBlockDimY, p.maxThreadsDim[1]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxBlockDimZ, p.maxThreadsDim[2]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxGridDimX, p.maxGridSize[0]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxGridDimY, p.maxGridSize[1]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxGridDimZ, p.maxGridSize[2]);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxSharedMemoryPerBlock, p.sharedMemPerBlock);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxSharedMemoryPerBlockOptin, p.sharedMemPerBlockOptin);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxSharedMemoryPerMultiprocessor,
                   p.sharedMemPerMultiprocessor);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxRegistersPerBlock, p.regsPerBlock);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxRegistersPerMultiprocessor, p.regsPerMultiprocessor);
  EXPECT_ATTRIBUTE(device, cudaDevAttrTotalConstantMemory, p.totalConstMem);
  EXPECT_ATTRIBUTE(device, cudaDevAttrGlobalMemoryBusWidth, p.memoryBusWidth);
  EXPECT_ATTRIBUTE(device, cudaDevAttrL2CacheSize, p.l2CacheSize);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMaxBlocksPerMultiprocessor,
                   p.maxBlocksPerMultiProcessor);
  EXPECT_ATTRIBUTE(device, cudaDevAttrTextureAlignment, p.textureAlignment);
  EXPECT_ATTRIBUTE(device, cudaDevAttrAsyncEngineCount, p.asyncEngineCount);
  EXPECT_ATTRIBUTE(device, cudaDevAttrIntegrated, p.integrated);
  EXPECT_ATTRIBUTE(device, cudaDevAttrCanMapHostMemory, p.canMapHostMemory);
  EXPECT_ATTRIBUTE(device, cudaDevAttrConcurrentKernels, p.concurrentKernels);
  EXPECT_ATTRIBUTE(device, cudaDevAttrUnifiedAddressing, p.unifiedAddressing);
  EXPECT_ATTRIBUTE(device, cudaDevAttrManagedMemory, p.managedMemory);
  EXPECT_ATTRIBUTE(device, cudaDevAttrConcurrentManagedAccess, p.concurrentManagedAccess);
  EXPECT_ATTRIBUTE(device, cudaDevAttrPageableMemoryAccess, p.pageableMemoryAccess);
  EXPECT_ATTRIBUTE(device, cudaDevAttrCooperativeLaunch, p.cooperativeLaunch);
  EXPECT_ATTRIBUTE(device, cudaDevAttrComputePreemptionSupported,
                   p.computePreemptionSupported);
  EXPECT_ATTRIBUTE(device, cudaDevAttrStreamPrioritiesSupported, p.streamPrioritiesSupported);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMemoryPoolsSupported, p.memoryPoolsSupported);
  EXPECT_ATTRIBUTE(device, cudaDevAttrHostNativeAtomicSupported, p.hostNativeAtomicSupported);
  EXPECT_ATTRIBUTE(device, cudaDevAttrEccEnabled, p.ECCEnabled);
  EXPECT_ATTRIBUTE(device, cudaDevAttrTccDriver, p.tccDriver);
  EXPECT_ATTRIBUTE(device, cudaDevAttrPciBusId, p.pciBusID);
  EXPECT_ATTRIBUTE(device, cudaDevAttrPciDeviceId, p.pciDeviceID);
  EXPECT_ATTRIBUTE(device, cudaDevAttrPciDomainId, p.pciDomainID);
  EXPECT_ATTRIBUTE(device, cudaDevAttrMultiGpuBoardGroupID, p.multiGpuBoardGroupID);
}

static void printProperties(int device, const cudaDeviceProp &p) {
  int driver = 0, runtime = 0;
  CHECK_CUDA(cudaDriverGetVersion(&driver));
  CHECK_CUDA(cudaRuntimeGetVersion(&runtime));
  int clockKHz = 0, memoryClockKHz = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&clockKHz, cudaDevAttrClockRate, device));
  CHECK_CUDA(cudaDeviceGetAttribute(&memoryClockKHz, cudaDevAttrMemoryClockRate, device));
  std::printf("\nDevice %d: \"%s\"\n", device, p.name);
  std::printf("  CUDA Driver Version / Runtime Version          %d.%d / %d.%d\n",
              driver / 1000, (driver % 100) / 10, runtime / 1000, (runtime % 100) / 10);
  std::printf("  CUDA Capability Major/Minor version number:    %d.%d\n", p.major, p.minor);
  std::printf("  Total amount of global memory:                 %.0f MBytes (%llu bytes)\n",
              double(p.totalGlobalMem) / 1048576.0, (unsigned long long)p.totalGlobalMem);
  std::printf("  (%03d) Multiprocessors, max %d threads each\n", p.multiProcessorCount,
              p.maxThreadsPerMultiProcessor);
  std::printf("  GPU Max Clock rate:                            %.0f MHz (%0.2f GHz)\n",
              clockKHz * 1e-3f, clockKHz * 1e-6f);
  std::printf("  Memory Clock rate:                             %.0f Mhz\n",
              memoryClockKHz * 1e-3f);
  std::printf("  Memory Bus Width:                              %d-bit\n", p.memoryBusWidth);
  std::printf("  L2 Cache Size:                                 %d bytes\n", p.l2CacheSize);
  std::printf("  Total amount of constant memory:               %zu bytes\n", p.totalConstMem);
  std::printf("  Total amount of shared memory per block:       %zu bytes\n",
              p.sharedMemPerBlock);
  std::printf("  Total shared memory per multiprocessor:        %zu bytes\n",
              p.sharedMemPerMultiprocessor);
  std::printf("  Total number of registers available per block: %d\n", p.regsPerBlock);
  std::printf("  Warp size:                                     %d\n", p.warpSize);
  std::printf("  Maximum number of threads per block:           %d\n", p.maxThreadsPerBlock);
  std::printf("  Max dimension size of a thread block (x,y,z): (%d, %d, %d)\n",
              p.maxThreadsDim[0], p.maxThreadsDim[1], p.maxThreadsDim[2]);
  std::printf("  Max dimension size of a grid size    (x,y,z): (%d, %d, %d)\n",
              p.maxGridSize[0], p.maxGridSize[1], p.maxGridSize[2]);
  std::printf("  Maximum memory pitch:                          %zu bytes\n", p.memPitch);
  std::printf("  Texture alignment:                             %zu bytes\n",
              p.textureAlignment);
  std::printf("  Concurrent copy and kernel execution:          %s with %d copy engine(s)\n",
              p.asyncEngineCount ? "Yes" : "No", p.asyncEngineCount);
  std::printf("  Integrated GPU sharing Host Memory:            %s\n",
              p.integrated ? "Yes" : "No");
  std::printf("  Support host page-locked memory mapping:       %s\n",
              p.canMapHostMemory ? "Yes" : "No");
  std::printf("  Device supports Unified Addressing (UVA):      %s\n",
              p.unifiedAddressing ? "Yes" : "No");
  std::printf("  Device supports Managed Memory:                %s\n",
              p.managedMemory ? "Yes" : "No");
  std::printf("  Device supports Compute Preemption:            %s\n",
              p.computePreemptionSupported ? "Yes" : "No");
  std::printf("  Supports Cooperative Kernel Launch:            %s\n",
              p.cooperativeLaunch ? "Yes" : "No");
  std::printf("  Device PCI Domain ID / Bus ID / location ID:   %d / %d / %d\n", p.pciDomainID,
              p.pciBusID, p.pciDeviceID);
}

int main() {
  std::printf("deviceQuery Starting...\n\n CUDA Device Query (Runtime API) version\n\n");
  int count = 0;
  CHECK_CUDA(cudaGetDeviceCount(&count));
  if (count == 0) {
    std::printf("There are no available device(s) that support CUDA\n");
    return EXIT_FAILURE;
  }
  std::printf("Detected %d CUDA Capable device(s)\n", count);
  std::set<std::string> busIds;
  for (int device = 0; device < count; ++device) {
    CHECK_CUDA(cudaSetDevice(device));
    cudaDeviceProp prop;
    CHECK_CUDA(cudaGetDeviceProperties(&prop, device));
    printProperties(device, prop);
    checkConsistency(device, prop);
    char busId[32];
    CHECK_CUDA(cudaDeviceGetPCIBusId(busId, sizeof busId, device));
    int found = -1;
    CHECK_CUDA(cudaDeviceGetByPCIBusId(&found, busId));
    if (found != device || !busIds.insert(busId).second) {
      std::fprintf(stderr, "device %d: PCI bus id %s is not its own\n", device, busId);
      ++errors;
    }
  }
  int invalid = 0;
  if (cudaDeviceGetAttribute(&invalid, cudaDevAttrWarpSize, count) != cudaErrorInvalidDevice) {
    std::fprintf(stderr, "device %d (one past the last) was accepted\n", count);
    ++errors;
  }
  cudaGetLastError();
  if (count > 1) {
    std::printf("\n");
    for (int a = 0; a < count; ++a)
      for (int b = 0; b < count; ++b) {
        if (a == b)
          continue;
        int can = 0;
        CHECK_CUDA(cudaDeviceCanAccessPeer(&can, a, b));
        std::printf("> Peer access from device %d to device %d : %s\n", a, b,
                    can ? "Yes" : "No");
      }
  }
  int driver = 0, runtime = 0;
  CHECK_CUDA(cudaDriverGetVersion(&driver));
  CHECK_CUDA(cudaRuntimeGetVersion(&runtime));
  std::printf("\ndeviceQuery, CUDA Driver = CUDART, CUDA Driver Version = %d.%d, CUDA Runtime "
              "Version = %d.%d, NumDevs = %d\n",
              driver / 1000, (driver % 100) / 10, runtime / 1000, (runtime % 100) / 10, count);
  std::printf("Result = %s\n", errors ? "FAILED" : "PASSED");
  return errors ? EXIT_FAILURE : EXIT_SUCCESS;
}
