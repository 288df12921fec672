//===- ExecutionApiTest.cpp - Kernel attributes and the occupancy calculator ===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaFuncGetAttributes and friends, the dynamic shared memory opt-in at
// launch, and the occupancy calculator checked against values computed by
// hand from the device's limits (the premises are asserted first, so a
// device that reports other limits fails loudly instead of silently
// comparing against the wrong numbers).
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

/// 4 KiB of static shared memory, dynamic shared memory, .maxntid 256 and a
/// 64-byte __constant__ array.
const char *const kSharedPtx = R"(
.version 9.0
.target sm_80
.address_size 64

.const .align 4 .b8 weights[64];
.shared .align 4 .b8 tile[4096];
.extern .shared .align 16 .b8 dynamicBuffer[];

.visible .entry sharedKernel(.param .u64 out) .maxntid 256, 1, 1
{
	.reg .b32 %r<4>;
	.reg .b64 %rd<8>;

	ld.param.u64 %rd1, [out];
	mov.u32 %r1, %tid.x;
	mul.wide.u32 %rd2, %r1, 4;
	mov.u64 %rd3, tile;
	add.s64 %rd4, %rd3, %rd2;
	st.shared.u32 [%rd4], %r1;
	mov.u64 %rd5, dynamicBuffer;
	add.s64 %rd6, %rd5, %rd2;
	st.shared.u32 [%rd6], %r1;
	ld.shared.u32 %r2, [%rd4];
	ld.const.u32 %r3, [weights];
	add.s32 %r2, %r2, %r3;
	cvta.to.global.u64 %rd7, %rd1;
	add.s64 %rd7, %rd7, %rd2;
	st.global.u32 [%rd7], %r2;
	ret;
}
)";

class RuntimeApiTest : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

/// The shared-memory program with its __constant__ registered as nvcc does.
struct SharedProgram {
  SharedProgram() : program(kSharedPtx, {"sharedKernel"}, /*sm=*/80) {
    __cudaRegisterVar(program.handle(), reinterpret_cast<char *>(weights),
                      const_cast<char *>("weights"), "weights", 0, sizeof weights,
                      /*constant=*/1, 0);
  }
  const void *kernel() const { return program.stub(0); }
  RegisteredPtx program;
  int weights[16] = {};
};

cudaDeviceProp properties() {
  cudaDeviceProp prop;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  return prop;
}

//===----------------------------------------------------------------------===//
// Kernel attributes
//===----------------------------------------------------------------------===//

using RuntimeExecution = RuntimeApiTest;

TEST_F(RuntimeExecution, FuncGetAttributes) {
  cudaDeviceProp prop = properties();
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd}, /*sm=*/75);
  cudaFuncAttributes attr;
  std::memset(&attr, 0x7F, sizeof attr);
  ASSERT_EQ(cudaFuncGetAttributes(&attr, vectorAdd.stub(0)), cudaSuccess);
  EXPECT_EQ(attr.sharedSizeBytes, 0u);
  EXPECT_EQ(attr.constSizeBytes, 0u);
  EXPECT_EQ(attr.localSizeBytes, 0u);
  EXPECT_EQ(attr.maxThreadsPerBlock, prop.maxThreadsPerBlock);
  EXPECT_EQ(attr.numRegs, 32) << "cuport's documented fixed register count";
  EXPECT_EQ(attr.ptxVersion, 75) << "the PTX's architecture";
  EXPECT_EQ(attr.binaryVersion, prop.major * 10 + prop.minor)
      << "compiled for the device, as the JIT does";
  EXPECT_EQ(attr.cacheModeCA, 0);
  EXPECT_EQ(attr.maxDynamicSharedSizeBytes, 48 * 1024);
  EXPECT_EQ(attr.preferredShmemCarveout, -1);
  EXPECT_EQ(attr.clusterDimMustBeSet, 0);
  EXPECT_EQ(attr.requiredClusterWidth, 0);
  EXPECT_EQ(attr.requiredClusterHeight, 0);
  EXPECT_EQ(attr.requiredClusterDepth, 0);
  EXPECT_EQ(attr.clusterSchedulingPolicyPreference, 0);
  EXPECT_EQ(attr.nonPortableClusterSizeAllowed, 0);
  EXPECT_EQ(attr.reserved[0], 0);
  EXPECT_EQ(attr.reserved[15], 0);

  SharedProgram shared;
  ASSERT_EQ(cudaFuncGetAttributes(&attr, shared.kernel()), cudaSuccess);
  EXPECT_EQ(attr.sharedSizeBytes, 4096u);
  EXPECT_EQ(attr.constSizeBytes, 64u);
  EXPECT_EQ(attr.maxThreadsPerBlock, 256) << ".maxntid";
  EXPECT_EQ(attr.ptxVersion, 80);
  EXPECT_EQ(attr.maxDynamicSharedSizeBytes, 48 * 1024 - 4096);

  // A cudaKernel_t names the same kernel.
  cudaKernel_t handle = nullptr;
  ASSERT_EQ(__cudaGetKernel(&handle, vectorAdd.stub(0)), cudaSuccess);
  ASSERT_EQ(cudaFuncGetAttributes(&attr, handle), cudaSuccess);
  EXPECT_EQ(attr.ptxVersion, 75);

  // Errors.
  EXPECT_EQ(cudaFuncGetAttributes(nullptr, vectorAdd.stub(0)), cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncGetAttributes(&attr, &notAKernel), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaFuncGetAttributes(&attr, nullptr), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

TEST_F(RuntimeExecution, FuncGetAttributesLoadsLikeALaunch) {
  std::string broken = kVectorAddPtx;
  broken.replace(broken.find("add.f32"), 7, "frobnicate.f32");
  RegisteredPtx untranslatable(broken, {kVectorAdd});
  cudaFuncAttributes attr;
  EXPECT_EQ(cudaFuncGetAttributes(&attr, untranslatable.stub(0)), cudaErrorInvalidPtx);
  RegisteredPtx tooNew(kVectorAddPtx, {kVectorAdd}, /*sm=*/90);
  EXPECT_EQ(cudaFuncGetAttributes(&attr, tooNew.stub(0)), cudaErrorNoKernelImageForDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNoKernelImageForDevice);
}

TEST_F(RuntimeExecution, FuncSetAttribute) {
  cudaDeviceProp prop = properties();
  const int optin = static_cast<int>(prop.sharedMemPerBlockOptin);
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  SharedProgram shared;
  cudaFuncAttributes attr;

  // Dynamic shared memory: up to the opt-in limit, static part included.
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, optin),
            cudaSuccess);
  ASSERT_EQ(cudaFuncGetAttributes(&attr, vectorAdd.stub(0)), cudaSuccess);
  EXPECT_EQ(attr.maxDynamicSharedSizeBytes, optin);
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, optin + 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, -1),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaFuncGetAttributes(&attr, vectorAdd.stub(0)), cudaSuccess);
  EXPECT_EQ(attr.maxDynamicSharedSizeBytes, optin) << "a rejected value changes nothing";
  EXPECT_EQ(cudaFuncSetAttribute(shared.kernel(),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, optin - 4096),
            cudaSuccess);
  EXPECT_EQ(cudaFuncSetAttribute(shared.kernel(),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, optin - 4095),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributeMaxDynamicSharedMemorySize, 1000),
            cudaSuccess);
  ASSERT_EQ(cudaFuncGetAttributes(&attr, vectorAdd.stub(0)), cudaSuccess);
  EXPECT_EQ(attr.maxDynamicSharedSizeBytes, 1000) << "lowering is allowed too";

  // The carveout preference: a percentage, or -1 for none.
  for (int carveout : {0, 50, 100, -1}) {
    EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                   cudaFuncAttributePreferredSharedMemoryCarveout, carveout),
              cudaSuccess);
    ASSERT_EQ(cudaFuncGetAttributes(&attr, vectorAdd.stub(0)), cudaSuccess);
    EXPECT_EQ(attr.preferredShmemCarveout, carveout);
  }
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributePreferredSharedMemoryCarveout, 101),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0),
                                 cudaFuncAttributePreferredSharedMemoryCarveout, -2),
            cudaErrorInvalidValue);

  // Cluster attributes: the device has no thread block clusters.
  for (cudaFuncAttribute cluster :
       {cudaFuncAttributeClusterDimMustBeSet, cudaFuncAttributeRequiredClusterWidth,
        cudaFuncAttributeRequiredClusterHeight, cudaFuncAttributeRequiredClusterDepth,
        cudaFuncAttributeNonPortableClusterSizeAllowed,
        cudaFuncAttributeClusterSchedulingPolicyPreference})
    EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0), cluster, 1), cudaErrorNotSupported)
        << cluster;

  // Not an attribute; not a kernel.
  for (int bad : {0, 7, int(cudaFuncAttributeMax), 1000, -1})
    EXPECT_EQ(cudaFuncSetAttribute(vectorAdd.stub(0), static_cast<cudaFuncAttribute>(bad), 0),
              cudaErrorInvalidValue)
        << bad;
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncSetAttribute(&notAKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 0),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

/// Launches vectorAdd with `dynamicShared` bytes of dynamic shared memory.
cudaError_t launchWithShared(const void *stub, size_t dynamicShared, bool check = true) {
  constexpr int n = 64;
  float *data = nullptr;
  if (cudaMalloc(&data, n * sizeof(float)) != cudaSuccess)
    return cudaErrorMemoryAllocation;
  std::vector<float> host(n, 2.0f);
  cudaMemcpy(data, host.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  int count = n;
  void *args[] = {&data, &data, &data, &count};
  cudaError_t error = cudaLaunchKernel(stub, dim3(1), dim3(n), args, dynamicShared, nullptr);
  if (error == cudaSuccess && check) {
    cudaMemcpy(host.data(), data, n * sizeof(float), cudaMemcpyDeviceToHost);
    for (float value : host)
      EXPECT_EQ(value, 4.0f);
  }
  cudaFree(data);
  return error;
}

TEST_F(RuntimeExecution, DynamicSharedMemoryOptIn) {
  cudaDeviceProp prop = properties();
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const void *stub = vectorAdd.stub(0);
  // Up to 48 KiB needs nothing; more needs the opt-in, up to the opt-in limit.
  EXPECT_EQ(launchWithShared(stub, 48 * 1024), cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, 48 * 1024 + 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  ASSERT_EQ(cudaFuncSetAttribute(stub, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 64 * 1024),
            cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, 64 * 1024), cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, 64 * 1024 + 1), cudaErrorInvalidValue);
  ASSERT_EQ(cudaFuncSetAttribute(stub, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 int(prop.sharedMemPerBlockOptin)),
            cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, prop.sharedMemPerBlockOptin), cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, prop.sharedMemPerBlockOptin + 1), cudaErrorInvalidValue);
  // Lowering the limit below 48 KiB binds too.
  ASSERT_EQ(cudaFuncSetAttribute(stub, cudaFuncAttributeMaxDynamicSharedMemorySize, 1024),
            cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, 1024), cudaSuccess);
  EXPECT_EQ(launchWithShared(stub, 1025), cudaErrorInvalidValue);
  // The static part counts against the default 48 KiB.
  SharedProgram shared;
  int *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 256 * sizeof(int)), cudaSuccess);
  void *args[] = {&out};
  EXPECT_EQ(cudaLaunchKernel(shared.kernel(), dim3(1), dim3(1), args, 48 * 1024 - 4096 + 1,
                             nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
}

TEST_F(RuntimeExecution, FuncSetCacheConfig) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  for (cudaFuncCache config : {cudaFuncCachePreferNone, cudaFuncCachePreferShared,
                               cudaFuncCachePreferL1, cudaFuncCachePreferEqual})
    EXPECT_EQ(cudaFuncSetCacheConfig(vectorAdd.stub(0), config), cudaSuccess);
  EXPECT_EQ(cudaFuncSetCacheConfig(vectorAdd.stub(0), static_cast<cudaFuncCache>(4)),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetCacheConfig(vectorAdd.stub(0), static_cast<cudaFuncCache>(-1)),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncSetCacheConfig(&notAKernel, cudaFuncCachePreferL1),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaFuncSetCacheConfig(nullptr, cudaFuncCachePreferL1),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
  // A preference only: the kernel still runs.
  EXPECT_EQ(launchWithShared(vectorAdd.stub(0), 0), cudaSuccess);
}

// Deprecated in CUDA, still exported: tested like the rest.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(RuntimeExecution, FuncSetSharedMemConfig) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  for (cudaSharedMemConfig config : {cudaSharedMemBankSizeDefault,
                                     cudaSharedMemBankSizeFourByte,
                                     cudaSharedMemBankSizeEightByte})
    EXPECT_EQ(cudaFuncSetSharedMemConfig(vectorAdd.stub(0), config), cudaSuccess);
  EXPECT_EQ(cudaFuncSetSharedMemConfig(vectorAdd.stub(0), static_cast<cudaSharedMemConfig>(3)),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncSetSharedMemConfig(&notAKernel, cudaSharedMemBankSizeFourByte),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}
#pragma GCC diagnostic pop

TEST_F(RuntimeExecution, FuncGetName) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const char *name = nullptr;
  ASSERT_EQ(cudaFuncGetName(&name, vectorAdd.stub(0)), cudaSuccess);
  EXPECT_STREQ(name, kVectorAdd) << "the mangled name";
  cudaKernel_t handle = nullptr;
  ASSERT_EQ(__cudaGetKernel(&handle, vectorAdd.stub(0)), cudaSuccess);
  name = nullptr;
  ASSERT_EQ(cudaFuncGetName(&name, handle), cudaSuccess);
  EXPECT_STREQ(name, kVectorAdd);
  EXPECT_EQ(cudaFuncGetName(nullptr, vectorAdd.stub(0)), cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncGetName(&name, &notAKernel), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaFuncGetName(&name, nullptr), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

TEST_F(RuntimeExecution, FuncGetParamInfo) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const size_t offsets[] = {0, 8, 16, 24}, sizes[] = {8, 8, 8, 4};
  for (size_t i = 0; i < 4; ++i) {
    size_t offset = 99, size = 99;
    ASSERT_EQ(cudaFuncGetParamInfo(vectorAdd.stub(0), i, &offset, &size), cudaSuccess);
    EXPECT_EQ(offset, offsets[i]) << i;
    EXPECT_EQ(size, sizes[i]) << i;
  }
  size_t offset = 0;
  EXPECT_EQ(cudaFuncGetParamInfo(vectorAdd.stub(0), 3, &offset, nullptr), cudaSuccess)
      << "the size is optional";
  EXPECT_EQ(offset, 24u);
  EXPECT_EQ(cudaFuncGetParamInfo(vectorAdd.stub(0), 4, &offset, nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncGetParamInfo(vectorAdd.stub(0), 0, nullptr, nullptr),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaFuncGetParamInfo(&notAKernel, 0, &offset, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

//===----------------------------------------------------------------------===//
// Occupancy
//===----------------------------------------------------------------------===//

class RuntimeOccupancy : public RuntimeApiTest {
protected:
  void SetUp() override {
    RuntimeApiTest::SetUp();
    // The premises of the hand-computed values below: an Ampere-class
    // multiprocessor as the CPU device reports it.
    cudaDeviceProp prop = properties();
    ASSERT_EQ(prop.warpSize, 32);
    ASSERT_EQ(prop.maxThreadsPerBlock, 1024);
    ASSERT_EQ(prop.maxThreadsPerMultiProcessor, 2048);
    ASSERT_EQ(prop.maxBlocksPerMultiProcessor, 32);
    ASSERT_EQ(prop.regsPerMultiprocessor, 65536);
    ASSERT_EQ(prop.regsPerBlock, 65536);
    ASSERT_EQ(prop.sharedMemPerMultiprocessor, size_t(100 * 1024));
    ASSERT_EQ(prop.sharedMemPerBlock, size_t(48 * 1024));
    ASSERT_EQ(prop.sharedMemPerBlockOptin, size_t(99 * 1024));
    ASSERT_EQ(prop.reservedSharedMemPerBlock, size_t(1024));
    multiProcessors = prop.multiProcessorCount;
  }
  int multiProcessors = 0;
};

int activeBlocks(const void *func, int blockSize, size_t dynamicShared) {
  int blocks = -1;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, func, blockSize,
                                                          dynamicShared),
            cudaSuccess)
      << blockSize << " threads, " << dynamicShared << " bytes";
  return blocks;
}

// Per multiprocessor: 64 warps, 32 blocks, 64K registers (32 per thread:
// 1024 per warp), 100 KiB shared memory with 1 KiB reserved per block,
// allocated in 128-byte units.
TEST_F(RuntimeOccupancy, MaxActiveBlocksPerMultiprocessor) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const void *k = vectorAdd.stub(0);
  EXPECT_EQ(activeBlocks(k, 32, 0), 32);     // block limit (warps allow 64)
  EXPECT_EQ(activeBlocks(k, 96, 0), 21);     // 3 warps: 64 / 3
  EXPECT_EQ(activeBlocks(k, 100, 0), 16);    // rounds up to 4 warps
  EXPECT_EQ(activeBlocks(k, 128, 0), 16);    // 4 warps: 64 / 4
  EXPECT_EQ(activeBlocks(k, 1024, 0), 2);    // 32 warps
  EXPECT_EQ(activeBlocks(k, 1025, 0), 0);    // larger than a block may be
  EXPECT_EQ(activeBlocks(k, 256, 16384), 5); // (16K + 1K) per block: 100K / 17K
  EXPECT_EQ(activeBlocks(k, 64, 49152), 2);  // (48K + 1K) per block
  EXPECT_EQ(activeBlocks(k, 64, 3000), 25);  // 4024 -> 4096 per block
  EXPECT_EQ(activeBlocks(k, 64, 49153), 0);  // more than 48K without the opt-in
  ASSERT_EQ(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, 60000),
            cudaSuccess);
  EXPECT_EQ(activeBlocks(k, 64, 60000), 1); // 61024 -> 61056 per block
  EXPECT_EQ(activeBlocks(k, 64, 60001), 0); // beyond the opted-in size

  SharedProgram shared; // 4 KiB static, .maxntid 256
  EXPECT_EQ(activeBlocks(shared.kernel(), 256, 0), 8);   // warps: 64 / 8
  EXPECT_EQ(activeBlocks(shared.kernel(), 64, 0), 20);   // (4K + 1K) per block
  EXPECT_EQ(activeBlocks(shared.kernel(), 64, 1024), 16); // (4K + 1K + 1K)
  EXPECT_EQ(activeBlocks(shared.kernel(), 257, 0), 0);   // beyond .maxntid

  // Errors.
  int blocks = 0;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(nullptr, k, 128, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, k, 0, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, k, -32, 0),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &notAKernel, 128, 0),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

TEST_F(RuntimeOccupancy, MaxActiveBlocksWithFlags) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const void *k = vectorAdd.stub(0);
  int blocks = -1;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, k, 128, 0,
                                                                   cudaOccupancyDefault),
            cudaSuccess);
  EXPECT_EQ(blocks, 16);
  blocks = -1;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
                &blocks, k, 256, 16384, cudaOccupancyDisableCachingOverride),
            cudaSuccess);
  EXPECT_EQ(blocks, 5);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, k, 128, 0, 2),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(nullptr, k, 128, 0, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, k, 0, 0, 0),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, &notAKernel,
                                                                   128, 0, 0),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

size_t availableShared(const void *func, int numBlocks, int blockSize) {
  size_t bytes = 0;
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, func, numBlocks, blockSize),
            cudaSuccess)
      << numBlocks << " blocks of " << blockSize;
  return bytes;
}

TEST_F(RuntimeOccupancy, AvailableDynamicSMemPerBlock) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const void *k = vectorAdd.stub(0);
  EXPECT_EQ(availableShared(k, 1, 128), 49152u);   // capped by the default 48K
  EXPECT_EQ(availableShared(k, 2, 128), 49152u);   // 50K share - 1K, capped
  EXPECT_EQ(availableShared(k, 3, 128), 33024u);   // 34133 -> 34048 - 1K
  EXPECT_EQ(availableShared(k, 16, 128), 5376u);   // 6400 - 1K
  EXPECT_EQ(availableShared(k, 32, 32), 2176u);    // 3200 -> 3200 - 1K
  ASSERT_EQ(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, 99 * 1024),
            cudaSuccess);
  EXPECT_EQ(availableShared(k, 1, 128), 101376u);  // 100K - 1K
  EXPECT_EQ(availableShared(k, 2, 128), 50176u);   // 50K - 1K
  // The answer is exact: that much fits numBlocks times, one unit more not.
  for (int numBlocks : {1, 2, 3, 5, 7, 11, 16}) {
    size_t bytes = availableShared(k, numBlocks, 128);
    EXPECT_GE(activeBlocks(k, 128, bytes), numBlocks) << numBlocks;
    if (bytes + 128 <= 99 * 1024) {
      EXPECT_LT(activeBlocks(k, 128, bytes + 128), numBlocks) << numBlocks;
    }
  }

  SharedProgram shared; // 4 KiB static
  EXPECT_EQ(availableShared(shared.kernel(), 4, 64), 20480u); // 25600 - 4K - 1K
  EXPECT_EQ(availableShared(shared.kernel(), 1, 64), 45056u); // capped: 48K - 4K

  // More blocks than can ever be resident, and invalid arguments.
  size_t bytes = 0;
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, k, 17, 128), cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, k, 3, 1024), cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, k, 0, 128), cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, k, 1, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(nullptr, k, 1, 128), cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&bytes, &notAKernel, 1, 128),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

// What the cudaOccupancyMaxPotentialBlockSizeVariableSMem template of
// cuda_runtime.h does with the exported entries: query the device and the
// kernel, then try block sizes from the largest down in warp steps and keep
// the first with the most resident threads.
TEST_F(RuntimeOccupancy, MaxPotentialBlockSizeSearch) {
  RegisteredPtx vectorAdd(kVectorAddPtx, {kVectorAdd});
  const void *k = vectorAdd.stub(0);
  int device = -1, threadsPerSM = 0, warpSize = 0, maxBlock = 0, smCount = 0;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&threadsPerSM, cudaDevAttrMaxThreadsPerMultiProcessor, device),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&warpSize, cudaDevAttrWarpSize, device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&maxBlock, cudaDevAttrMaxThreadsPerBlock, device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&smCount, cudaDevAttrMultiProcessorCount, device), cudaSuccess);
  cudaFuncAttributes attr;
  ASSERT_EQ(cudaFuncGetAttributes(&attr, k), cudaSuccess);
  auto search = [&](auto sharedPerBlock, int *bestBlock, int *bestBlocks) {
    int limit = std::min(maxBlock, attr.maxThreadsPerBlock), best = 0;
    for (int size = (limit + warpSize - 1) / warpSize * warpSize; size > 0; size -= warpSize) {
      int tried = std::min(size, limit), blocks = 0;
      ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
                    &blocks, k, tried, sharedPerBlock(tried), cudaOccupancyDefault),
                cudaSuccess);
      if (tried * blocks > best) {
        best = tried * blocks;
        *bestBlock = tried;
        *bestBlocks = blocks;
      }
      if (best == threadsPerSM)
        break;
    }
  };
  int block = 0, blocks = 0;
  search([](int) { return size_t(0); }, &block, &blocks);
  EXPECT_EQ(block, 1024); // two blocks of 1024 fill the 2048 threads at once
  EXPECT_EQ(blocks, 2);
  EXPECT_GT(smCount, 0);
  // 64 bytes per thread: 1024..800 threads need more than 48K (none fit);
  // 768 threads take 48K + 1K, two fit, 1536 threads; nothing smaller beats it.
  block = blocks = 0;
  search([](int size) { return size_t(size) * 64; }, &block, &blocks);
  EXPECT_EQ(block, 768);
  EXPECT_EQ(blocks, 2);
}

} // namespace
