//===- MemPoolTest.cpp - Stream-ordered allocation and memory pools -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaMallocAsync / cudaFreeAsync and the cudaMemPool* functions, called
// through libcudart.so.13 with two CPU devices (this executable sets
// CUPORT_CPU_DEVICES=2, see MultiDeviceTest.cpp). Pool counters are exact:
// the pool reserves blocks of the request rounded up to 256 bytes.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

class RuntimeMemPool : public ::testing::Test {
protected:
  void SetUp() override {
    cudaGetLastError();
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
    ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  }
  void TearDown() override {
    cudaStreamDestroy(stream);
    cudaSetDevice(0);
  }

  cudaMemPool_t createPool(int device = 0) {
    cudaMemPoolProps props{};
    props.allocType = cudaMemAllocationTypePinned;
    props.location = {cudaMemLocationTypeDevice, device};
    cudaMemPool_t pool = nullptr;
    EXPECT_EQ(cudaMemPoolCreate(&pool, &props), cudaSuccess);
    return pool;
  }

  cudaStream_t stream = nullptr;
};

uint64_t attribute(cudaMemPool_t pool, cudaMemPoolAttr attr) {
  uint64_t value = ~0ull;
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, attr, &value), cudaSuccess);
  return value;
}

int flagAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr) {
  int value = -1;
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, attr, &value), cudaSuccess);
  return value;
}

TEST_F(RuntimeMemPool, MallocFreeAsync) {
  RegisteredPtx program(kVectorAddPtx, {"_Z9vectorAddPKfS0_Pfi"});
  constexpr int n = 1000;
  std::vector<float> host(n, 0.0f);
  for (int round = 0; round < 5; ++round) {
    float *a = nullptr, *c = nullptr;
    ASSERT_EQ(cudaMallocAsync(&a, n * sizeof(float), stream), cudaSuccess);
    ASSERT_EQ(cudaMallocAsync(&c, n * sizeof(float), stream), cudaSuccess);
    cudaPointerAttributes attributes{};
    ASSERT_EQ(cudaPointerGetAttributes(&attributes, a), cudaSuccess);
    EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
    EXPECT_EQ(attributes.device, 0);
    std::vector<float> input(n, float(round));
    ASSERT_EQ(cudaMemcpyAsync(a, input.data(), n * sizeof(float), cudaMemcpyHostToDevice,
                              stream),
              cudaSuccess);
    int count = n;
    void *args[] = {&a, &a, &c, &count};
    ASSERT_EQ(cudaLaunchKernel(reinterpret_cast<const void *>(program.stub(0)), dim3(4),
                               dim3(256), args, 0, stream),
              cudaSuccess);
    ASSERT_EQ(cudaMemcpyAsync(host.data(), c, n * sizeof(float), cudaMemcpyDeviceToHost,
                              stream),
              cudaSuccess);
    // Past the end of the allocation: the table knows its size.
    EXPECT_EQ(cudaMemcpyAsync(host.data(), c, (n + 1) * sizeof(float),
                              cudaMemcpyDeviceToHost, stream),
              cudaErrorInvalidValue);
    ASSERT_EQ(cudaFreeAsync(a, stream), cudaSuccess);
    ASSERT_EQ(cudaFreeAsync(c, stream), cudaSuccess);
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    for (float value : host)
      ASSERT_EQ(value, 2.0f * round);
  }
  cudaGetLastError();
  void *p = nullptr;
  EXPECT_EQ(cudaMallocAsync(&p, 0, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocAsync(nullptr, 16, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeAsync(nullptr, stream), cudaErrorInvalidValue);
  int onStack = 0;
  EXPECT_EQ(cudaFreeAsync(&onStack, stream), cudaErrorInvalidValue);
  ASSERT_EQ(cudaMallocAsync(&p, 16, stream), cudaSuccess);
  EXPECT_EQ(cudaFreeAsync(p, reinterpret_cast<cudaStream_t>(&onStack)),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFreeAsync(p, stream), cudaSuccess);
  EXPECT_EQ(cudaFreeAsync(p, stream), cudaErrorInvalidValue) << "freed twice";
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, SameStreamReusesBeforeTheFreeRuns) {
  cudaMemPool_t pool = createPool();
  // Hold the stream so nothing it was given has run yet.
  static std::atomic<bool> gate{false};
  gate = false;
  ASSERT_EQ(cudaLaunchHostFunc(
                stream, [](void *) { while (!gate.load()) std::this_thread::yield(); },
                nullptr),
            cudaSuccess);
  void *first = nullptr, *second = nullptr, *other = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&first, 4096, pool, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(first, stream), cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&second, 4096, pool, stream), cudaSuccess);
  EXPECT_EQ(second, first) << "stream order makes the block reusable at once";
  ASSERT_EQ(cudaFreeAsync(second, stream), cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&other, 4096, pool, nullptr), cudaSuccess);
  EXPECT_NE(other, first) << "another stream waits until the free has run";
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 2 * 4096u);
  gate = true;
  ASSERT_EQ(cudaFreeAsync(other, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 0u);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
}

TEST_F(RuntimeMemPool, OpportunisticReuse) {
  cudaMemPool_t pool = createPool();
  uint64_t keepAll = UINT64_MAX;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keepAll),
            cudaSuccess);
  cudaStream_t second;
  ASSERT_EQ(cudaStreamCreate(&second), cudaSuccess);
  void *a = nullptr, *b = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&a, 1 << 16, pool, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(a, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&b, 1 << 16, pool, second), cudaSuccess);
  EXPECT_EQ(b, a) << "the free has completed: any stream may take the block";
  ASSERT_EQ(cudaFreeAsync(b, second), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(second), cudaSuccess);

  int off = 0;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseAllowOpportunistic, &off),
            cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&b, 1 << 16, pool, stream), cudaSuccess);
  EXPECT_NE(b, a);
  ASSERT_EQ(cudaFreeAsync(b, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(second), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
}

TEST_F(RuntimeMemPool, FreeAcrossKinds) {
  // cudaFree takes stream-ordered memory; cudaFreeAsync takes cudaMalloc's.
  void *pooled = nullptr, *plain = nullptr;
  ASSERT_EQ(cudaMallocAsync(&pooled, 512, stream), cudaSuccess);
  ASSERT_EQ(cudaFree(pooled), cudaSuccess);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, pooled), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  ASSERT_EQ(cudaMalloc(&plain, 512), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(plain, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, plain), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
}

TEST_F(RuntimeMemPool, Attributes) {
  cudaMemPool_t pool = createPool();
  EXPECT_EQ(flagAttribute(pool, cudaMemPoolReuseFollowEventDependencies), 1);
  EXPECT_EQ(flagAttribute(pool, cudaMemPoolReuseAllowOpportunistic), 1);
  EXPECT_EQ(flagAttribute(pool, cudaMemPoolReuseAllowInternalDependencies), 1);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReleaseThreshold), 0u);
  int off = 0;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseAllowInternalDependencies, &off),
            cudaSuccess);
  EXPECT_EQ(flagAttribute(pool, cudaMemPoolReuseAllowInternalDependencies), 0);
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseFollowEventDependencies, &off),
            cudaSuccess);
  EXPECT_EQ(flagAttribute(pool, cudaMemPoolReuseFollowEventDependencies), 0);
  uint64_t threshold = 1 << 20;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold),
            cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReleaseThreshold), uint64_t(1 << 20));

  void *a = nullptr, *b = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&a, 1000, pool, stream), cudaSuccess); // 1024 reserved
  ASSERT_EQ(cudaMallocFromPoolAsync(&b, 3000, pool, stream), cudaSuccess); // 3072
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemCurrent), 4096u);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 4096u);
  ASSERT_EQ(cudaFreeAsync(b, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemCurrent), 1024u);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemHigh), 4096u);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 4096u) << "under threshold";
  uint64_t zero = 0, nonzero = 5;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &zero), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemHigh), 1024u) << "reset to current";
  ASSERT_EQ(cudaMemPoolTrimTo(pool, 0), cudaSuccess);
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReservedMemHigh, &zero), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemHigh), 1024u);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &nonzero),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &zero),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &zero),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, static_cast<cudaMemPoolAttr>(42), &zero),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, static_cast<cudaMemPoolAttr>(0), &zero),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemHigh, nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolGetAttribute(nullptr, cudaMemPoolAttrUsedMemHigh, &zero),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaFreeAsync(a, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, ReleaseThresholdAndTrim) {
  cudaMemPool_t pool = createPool();
  void *a = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&a, 4 << 20, pool, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(a, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 0u)
      << "threshold 0: released at the synchronization";
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemHigh), uint64_t(4 << 20));

  uint64_t keepAll = UINT64_MAX;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keepAll),
            cudaSuccess);
  void *b = nullptr, *c = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&b, 4 << 20, pool, stream), cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&c, 1 << 20, pool, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(b, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(c, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), uint64_t(5 << 20));
  ASSERT_EQ(cudaMemPoolTrimTo(pool, 2 << 20), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), uint64_t(1 << 20))
      << "the 4 MiB block goes first";
  ASSERT_EQ(cudaMemPoolTrimTo(pool, 0), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrReservedMemCurrent), 0u);
  EXPECT_EQ(cudaMemPoolTrimTo(nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, CreateAndAllocate) {
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.location = {cudaMemLocationTypeDevice, 1};
  props.maxSize = 1 << 20;
  cudaMemPool_t pool = nullptr;
  ASSERT_EQ(cudaMemPoolCreate(&pool, &props), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  cudaStream_t onOne;
  ASSERT_EQ(cudaStreamCreate(&onOne), cudaSuccess);
  void *a = nullptr, *tooBig = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&a, 1000, pool, onOne), cudaSuccess);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, a), cudaSuccess);
  EXPECT_EQ(attributes.device, 1);
  EXPECT_EQ(cudaMallocFromPoolAsync(&tooBig, 1 << 20, pool, onOne), cudaErrorMemoryAllocation)
      << "beyond the pool's maxSize";
  // Destroying a pool with a live allocation: the handle goes at once, the
  // memory when the allocation is freed.
  ASSERT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  uint64_t value = 0;
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &value),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaErrorInvalidValue);
  ASSERT_EQ(cudaMemset(a, 1, 1000), cudaSuccess) << "still usable";
  ASSERT_EQ(cudaFreeAsync(a, onOne), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(onOne), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(onOne), cudaSuccess);

  cudaMemPool_t bad = nullptr;
  EXPECT_EQ(cudaMemPoolCreate(&bad, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolCreate(nullptr, &props), cudaErrorInvalidValue);
  props.location.id = 7;
  EXPECT_EQ(cudaMemPoolCreate(&bad, &props), cudaErrorInvalidValue);
  props.location = {cudaMemLocationTypeDevice, 0};
  props.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  EXPECT_EQ(cudaMemPoolCreate(&bad, &props), cudaErrorNotSupported);
  props.handleTypes = cudaMemHandleTypeNone;
  props.allocType = cudaMemAllocationTypeInvalid;
  EXPECT_EQ(cudaMemPoolCreate(&bad, &props), cudaErrorInvalidValue);
  props.allocType = cudaMemAllocationTypePinned;
  props.location.type = cudaMemLocationTypeHost;
  EXPECT_EQ(cudaMemPoolCreate(&bad, &props), cudaErrorNotSupported);
  void *p = nullptr;
  EXPECT_EQ(cudaMallocFromPoolAsync(&p, 16, nullptr, stream), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, DevicePools) {
  cudaMemPool_t defaultPool = nullptr, current = nullptr;
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&defaultPool, 0), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 0), cudaSuccess);
  EXPECT_EQ(current, defaultPool);
  cudaMemPool_t defaultOfOne = nullptr;
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&defaultOfOne, 1), cudaSuccess);
  EXPECT_NE(defaultOfOne, defaultPool);

  cudaMemPool_t mine = createPool();
  ASSERT_EQ(cudaDeviceSetMemPool(0, mine), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 0), cudaSuccess);
  EXPECT_EQ(current, mine);
  void *p = nullptr;
  ASSERT_EQ(cudaMallocAsync(&p, 2048, stream), cudaSuccess);
  EXPECT_EQ(attribute(mine, cudaMemPoolAttrUsedMemCurrent), 2048u)
      << "cudaMallocAsync takes the current pool";
  ASSERT_EQ(cudaFreeAsync(p, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);

  EXPECT_EQ(cudaDeviceSetMemPool(1, mine), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceSetMemPool(0, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetMemPool(&current, 2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetDefaultMemPool(&current, -1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetDefaultMemPool(nullptr, 0), cudaErrorInvalidValue);
  ASSERT_EQ(cudaMemPoolDestroy(mine), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 0), cudaSuccess);
  EXPECT_EQ(current, defaultPool) << "destroying the current pool restores the default";
  EXPECT_EQ(cudaMemPoolDestroy(defaultPool), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, LocationPools) {
  cudaMemLocation location{cudaMemLocationTypeDevice, 1};
  cudaMemPool_t pool = nullptr, expected = nullptr;
  ASSERT_EQ(cudaMemGetDefaultMemPool(&pool, &location, cudaMemAllocationTypePinned),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&expected, 1), cudaSuccess);
  EXPECT_EQ(pool, expected);
  cudaMemPool_t mine = createPool(1);
  ASSERT_EQ(cudaMemSetMemPool(&location, cudaMemAllocationTypePinned, mine), cudaSuccess);
  ASSERT_EQ(cudaMemGetMemPool(&pool, &location, cudaMemAllocationTypePinned), cudaSuccess);
  EXPECT_EQ(pool, mine);
  ASSERT_EQ(cudaDeviceGetMemPool(&pool, 1), cudaSuccess);
  EXPECT_EQ(pool, mine);
  cudaMemLocation zero{cudaMemLocationTypeDevice, 0};
  EXPECT_EQ(cudaMemSetMemPool(&zero, cudaMemAllocationTypePinned, mine), cudaErrorInvalidDevice);
  cudaMemLocation host{cudaMemLocationTypeHost, 0};
  EXPECT_EQ(cudaMemGetDefaultMemPool(&pool, &host, cudaMemAllocationTypePinned),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaMemGetMemPool(&pool, &location, cudaMemAllocationTypeInvalid),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemGetMemPool(&pool, nullptr, cudaMemAllocationTypePinned),
            cudaErrorInvalidValue);
  cudaMemLocation missing{cudaMemLocationTypeDevice, 9};
  EXPECT_EQ(cudaMemGetMemPool(&pool, &missing, cudaMemAllocationTypePinned),
            cudaErrorInvalidDevice);
  ASSERT_EQ(cudaMemPoolDestroy(mine), cudaSuccess);
  ASSERT_EQ(cudaMemGetMemPool(&pool, &location, cudaMemAllocationTypePinned), cudaSuccess);
  EXPECT_EQ(pool, expected);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, Access) {
  cudaMemPool_t pool = createPool(0);
  cudaMemAccessFlags flags = cudaMemAccessFlagsProtRead;
  cudaMemLocation zero{cudaMemLocationTypeDevice, 0}, one{cudaMemLocationTypeDevice, 1};
  ASSERT_EQ(cudaMemPoolGetAccess(&flags, pool, &zero), cudaSuccess);
  EXPECT_EQ(flags, cudaMemAccessFlagsProtReadWrite);
  ASSERT_EQ(cudaMemPoolGetAccess(&flags, pool, &one), cudaSuccess);
  EXPECT_EQ(flags, cudaMemAccessFlagsProtNone);
  cudaMemAccessDesc grant{one, cudaMemAccessFlagsProtReadWrite};
  ASSERT_EQ(cudaMemPoolSetAccess(pool, &grant, 1), cudaSuccess);
  ASSERT_EQ(cudaMemPoolGetAccess(&flags, pool, &one), cudaSuccess);
  EXPECT_EQ(flags, cudaMemAccessFlagsProtReadWrite);
  cudaMemAccessDesc revokeOwner{zero, cudaMemAccessFlagsProtNone};
  EXPECT_EQ(cudaMemPoolSetAccess(pool, &revokeOwner, 1), cudaErrorInvalidValue);
  cudaMemAccessDesc missing{{cudaMemLocationTypeDevice, 5}, cudaMemAccessFlagsProtReadWrite};
  EXPECT_EQ(cudaMemPoolSetAccess(pool, &missing, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemPoolSetAccess(pool, nullptr, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolGetAccess(nullptr, pool, &one), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, ShareableHandles) {
  cudaMemPool_t pool = createPool();
  int fd = -1;
  EXPECT_EQ(cudaMemPoolExportToShareableHandle(&fd, pool, cudaMemHandleTypePosixFileDescriptor,
                                               0),
            cudaErrorInvalidValue)
      << "created without a handle type";
  cudaMemPool_t imported = nullptr;
  EXPECT_EQ(cudaMemPoolImportFromShareableHandle(&imported, &fd, cudaMemHandleTypeNone, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolImportFromShareableHandle(
                &imported, &fd, cudaMemHandleTypePosixFileDescriptor, 0),
            cudaErrorNotSupported);
  void *p = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&p, 64, pool, stream), cudaSuccess);
  cudaMemPoolPtrExportData data{};
  EXPECT_EQ(cudaMemPoolExportPointer(&data, p), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolImportPointer(&p, pool, &data), cudaErrorInvalidValue);
  ASSERT_EQ(cudaFreeAsync(p, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

TEST_F(RuntimeMemPool, PerThreadVariants) {
  void *p = nullptr;
  ASSERT_EQ(cudaMallocAsync_ptsz(&p, 128, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(p, 0, 128, cudaStreamPerThread), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync_ptsz(p, nullptr), cudaSuccess);
  cudaMemPool_t pool = createPool();
  ASSERT_EQ(cudaMallocFromPoolAsync_ptsz(&p, 128, pool, nullptr), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemCurrent), 256u);
  ASSERT_EQ(cudaFreeAsync_ptsz(p, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_EQ(attribute(pool, cudaMemPoolAttrUsedMemCurrent), 0u);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
}

TEST_F(RuntimeMemPool, ResetForgetsPools) {
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  cudaMemPool_t pool = createPool(1);
  void *p = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&p, 256, pool, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  uint64_t value = 0;
  EXPECT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &value),
            cudaErrorInvalidValue);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, p), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  cudaMemPool_t current = nullptr, defaultPool = nullptr;
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 1), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&defaultPool, 1), cudaSuccess);
  EXPECT_EQ(current, defaultPool);
  cudaGetLastError();
}

} // namespace
