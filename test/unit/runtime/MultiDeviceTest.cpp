//===- MultiDeviceTest.cpp - Several devices, peer access, IPC ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend with two devices (CUPORT_CPU_DEVICES=2, set before the
// runtime starts): device selection per thread, kernels, streams, events and
// cudaDeviceReset per device, peer access and peer copies, and the rest of
// the Device section (GPUDirect RDMA flush, async notifications, NvSciSync,
// IPC handles). Test names are the ones runtime/api/CudartApi.def cites.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

// Before main(), so before the runtime loads the backend.
const bool kTwoDevices = [] { return setenv("CUPORT_CPU_DEVICES", "2", 1) == 0; }();

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

class MultiDeviceTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(kTwoDevices);
    cudaGetLastError();
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  }
  void TearDown() override { cudaSetDevice(0); }
};

/// c = a + b with vectorAdd on the current device; true when right.
bool vectorAddOnCurrentDevice(const void *stub, float a, float b) {
  constexpr int n = 300;
  std::vector<float> ha(n, a), hb(n, b), hc(n, 0.0f);
  float *da = nullptr, *db = nullptr, *dc = nullptr;
  int count = n;
  bool ok = cudaMalloc(&da, n * sizeof(float)) == cudaSuccess &&
            cudaMalloc(&db, n * sizeof(float)) == cudaSuccess &&
            cudaMalloc(&dc, n * sizeof(float)) == cudaSuccess &&
            cudaMemcpy(da, ha.data(), n * sizeof(float), cudaMemcpyHostToDevice) == cudaSuccess &&
            cudaMemcpy(db, hb.data(), n * sizeof(float), cudaMemcpyHostToDevice) == cudaSuccess;
  void *args[] = {&da, &db, &dc, &count};
  ok = ok && cudaLaunchKernel(stub, dim3(3), dim3(128), args, 0, nullptr) == cudaSuccess &&
       cudaMemcpy(hc.data(), dc, n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  for (float value : hc)
    ok = ok && value == a + b;
  return ok;
}

int pointerDevice(const void *pointer) {
  cudaPointerAttributes attributes{};
  EXPECT_EQ(cudaPointerGetAttributes(&attributes, pointer), cudaSuccess);
  return attributes.type == cudaMemoryTypeDevice ? attributes.device : -100;
}

//===----------------------------------------------------------------------===//
// Several devices
//===----------------------------------------------------------------------===//

using RuntimeMultiDevice = MultiDeviceTest;

TEST_F(RuntimeMultiDevice, DeviceCount) {
  int count = 0;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 2);
  cudaDeviceProp prop;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 1), cudaSuccess);
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 2), cudaErrorInvalidDevice);
  int value = 0;
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, 2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, -1), cudaErrorInvalidDevice);
}

TEST_F(RuntimeMultiDevice, SetGetDevicePerThread) {
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  int device = -1;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 1);
  int seenByOtherThread = -1;
  std::thread([&] { cudaGetDevice(&seenByOtherThread); }).join();
  EXPECT_EQ(seenByOtherThread, 0) << "each thread starts on device 0";
  EXPECT_EQ(cudaSetDevice(2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 1) << "a failed cudaSetDevice keeps the current device";
}

TEST_F(RuntimeMultiDevice, PciBusIdsAreDistinct) {
  char first[32], second[32];
  ASSERT_EQ(cudaDeviceGetPCIBusId(first, sizeof first, 0), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetPCIBusId(second, sizeof second, 1), cudaSuccess);
  EXPECT_STRNE(first, second);
  int device = -1;
  ASSERT_EQ(cudaDeviceGetByPCIBusId(&device, second), cudaSuccess);
  EXPECT_EQ(device, 1);
  ASSERT_EQ(cudaDeviceGetByPCIBusId(&device, first), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaDeviceGetPCIBusId(first, sizeof first, 2), cudaErrorInvalidDevice);
}

TEST_F(RuntimeMultiDevice, KernelsAndMemoryPerDevice) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  EXPECT_TRUE(vectorAddOnCurrentDevice(program.stub(0), 1.0f, 2.0f));
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  EXPECT_TRUE(vectorAddOnCurrentDevice(program.stub(0), 4.0f, 0.5f));
  void *onOne = nullptr;
  ASSERT_EQ(cudaMalloc(&onOne, 4096), cudaSuccess);
  EXPECT_EQ(pointerDevice(onOne), 1);
  size_t freeBytes = 0, totalBytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&freeBytes, &totalBytes), cudaSuccess);
  EXPECT_GT(totalBytes, 0u);
  EXPECT_LE(freeBytes, totalBytes);
  EXPECT_EQ(cudaFree(onOne), cudaSuccess);
}

TEST_F(RuntimeMultiDevice, StreamsAndEventsBelongToTheirDevice) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  cudaStream_t onOne;
  ASSERT_EQ(cudaStreamCreate(&onOne), cudaSuccess);
  int device = -1;
  ASSERT_EQ(cudaStreamGetDevice(onOne, &device), cudaSuccess);
  EXPECT_EQ(device, 1);
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  cudaEvent_t onZero;
  ASSERT_EQ(cudaEventCreate(&onZero), cudaSuccess);
  // Recording an event of device 0 on a stream of device 1.
  EXPECT_EQ(cudaEventRecord(onZero, onOne), cudaErrorInvalidResourceHandle);
  // Launching on a stream of another device than the current one.
  float *data = nullptr;
  int n = 0;
  void *args[] = {&data, &data, &data, &n};
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(32), args, 0, onOne),
            cudaErrorInvalidResourceHandle);
  cudaGetLastError();
  EXPECT_EQ(cudaEventDestroy(onZero), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(onOne), cudaSuccess);
}

TEST_F(RuntimeMultiDevice, StreamWaitsForEventOfAnotherDevice) {
  cudaStream_t zero, one;
  ASSERT_EQ(cudaStreamCreate(&zero), cudaSuccess);
  cudaEvent_t done;
  ASSERT_EQ(cudaEventCreateWithFlags(&done, cudaEventDisableTiming), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&one), cudaSuccess);

  static std::atomic<bool> gate{false}, ran{false};
  gate = false;
  ran = false;
  auto waitForGate = [](void *) {
    while (!gate.load())
      std::this_thread::yield();
  };
  auto markRan = [](void *) { ran = true; };
  ASSERT_EQ(cudaLaunchHostFunc(zero, waitForGate, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(done, zero), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(one, done, 0), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(one, markRan, nullptr), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(one), cudaErrorNotReady);
  EXPECT_FALSE(ran.load());
  gate = true;
  ASSERT_EQ(cudaStreamSynchronize(one), cudaSuccess);
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(cudaStreamDestroy(one), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(zero), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(done), cudaSuccess);
}

TEST_F(RuntimeMultiDevice, ResetAffectsOnlyItsDevice) {
  void *onZero = nullptr, *onOne = nullptr;
  cudaStream_t zero, one;
  ASSERT_EQ(cudaMalloc(&onZero, 256), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&zero), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&onOne, 256), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&one), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);

  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, onOne), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  EXPECT_EQ(pointerDevice(onZero), 0);
  EXPECT_EQ(cudaStreamQuery(one), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamQuery(zero), cudaSuccess);
  cudaGetLastError();
  EXPECT_EQ(cudaStreamDestroy(zero), cudaSuccess);
  EXPECT_EQ(cudaFree(onZero), cudaSuccess);
}

TEST_F(RuntimeMultiDevice, SetValidDevices) {
  int chosen = -1;
  cudaError_t result = cudaErrorUnknown;
  std::thread([&] {
    int list[] = {1, 0};
    result = cudaSetValidDevices(list, 2);
    cudaGetDevice(&chosen);
  }).join();
  EXPECT_EQ(result, cudaSuccess);
  EXPECT_EQ(chosen, 1) << "a thread without a device takes the list's first";

  // A device set explicitly stays.
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  int one[] = {1};
  EXPECT_EQ(cudaSetValidDevices(one, 1), cudaSuccess);
  int device = -1;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0);

  int missing[] = {5};
  EXPECT_EQ(cudaSetValidDevices(missing, 1), cudaErrorInvalidDevice);
  int tooMany[] = {0, 1, 0};
  EXPECT_EQ(cudaSetValidDevices(tooMany, 3), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetValidDevices(nullptr, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetValidDevices(nullptr, 0), cudaSuccess);
}

TEST_F(RuntimeMultiDevice, InitDevice) {
  ASSERT_EQ(cudaInitDevice(1, cudaDeviceScheduleBlockingSync, cudaInitDeviceFlagsAreValid),
            cudaSuccess);
  int device = -1;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0) << "cudaInitDevice does not make the device current";
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  unsigned flags = 0;
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags & cudaDeviceScheduleMask, unsigned(cudaDeviceScheduleBlockingSync));
  EXPECT_EQ(cudaInitDevice(0, 0, 0), cudaSuccess);
  EXPECT_EQ(cudaInitDevice(2, 0, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaInitDevice(0, 0, 2), cudaErrorInvalidValue);
  EXPECT_EQ(cudaInitDevice(0, 0xff, cudaInitDeviceFlagsAreValid), cudaErrorInvalidValue);
  ASSERT_EQ(cudaSetDeviceFlags(0), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Peer access
//===----------------------------------------------------------------------===//

using RuntimePeer = MultiDeviceTest;

TEST_F(RuntimePeer, CanAccessPeer) {
  int can = -1;
  ASSERT_EQ(cudaDeviceCanAccessPeer(&can, 0, 1), cudaSuccess);
  EXPECT_EQ(can, 1);
  ASSERT_EQ(cudaDeviceCanAccessPeer(&can, 1, 0), cudaSuccess);
  EXPECT_EQ(can, 1);
  ASSERT_EQ(cudaDeviceCanAccessPeer(&can, 1, 1), cudaSuccess);
  EXPECT_EQ(can, 0) << "a device is not its own peer";
  EXPECT_EQ(cudaDeviceCanAccessPeer(&can, 0, 2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceCanAccessPeer(nullptr, 0, 1), cudaErrorInvalidValue);
}

TEST_F(RuntimePeer, EnableDisable) {
  EXPECT_EQ(cudaDeviceEnablePeerAccess(1, 0), cudaSuccess);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(1, 0), cudaErrorPeerAccessAlreadyEnabled);
  EXPECT_EQ(cudaGetLastError(), cudaErrorPeerAccessAlreadyEnabled);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(0, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(2, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(1), cudaSuccess);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(1), cudaErrorPeerAccessNotEnabled);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(1, 1), cudaErrorInvalidValue);
  // Directional: device 1's access to device 0 is its own.
  ASSERT_EQ(cudaDeviceEnablePeerAccess(1, 0), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(0), cudaErrorPeerAccessNotEnabled);
  ASSERT_EQ(cudaDeviceEnablePeerAccess(0, 0), cudaSuccess);
  // Resetting device 1 removes the mappings from and to it.
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(0), cudaErrorPeerAccessNotEnabled);
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(1), cudaErrorPeerAccessNotEnabled);
  cudaGetLastError();
}

TEST_F(RuntimePeer, P2PAttribute) {
  int value = -1;
  ASSERT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrAccessSupported, 0, 1), cudaSuccess);
  EXPECT_EQ(value, 1);
  ASSERT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrNativeAtomicSupported, 1, 0),
            cudaSuccess);
  EXPECT_EQ(value, 1);
  ASSERT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrPerformanceRank, 0, 1), cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrOnlyPartialNativeAtomicSupported,
                                      0, 1),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  EXPECT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrAccessSupported, 0, 0),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrAccessSupported, 0, 3),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetP2PAttribute(&value, static_cast<cudaDeviceP2PAttr>(99), 0, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetP2PAttribute(nullptr, cudaDevP2PAttrAccessSupported, 0, 1),
            cudaErrorInvalidValue);
}

TEST_F(RuntimePeer, AtomicCapabilities) {
  cudaAtomicOperation operations[] = {cudaAtomicOperationIntegerAdd, cudaAtomicOperationCAS,
                                      cudaAtomicOperationFloatAdd};
  unsigned capabilities[3] = {};
  ASSERT_EQ(cudaDeviceGetP2PAtomicCapabilities(capabilities, operations, 3, 0, 1), cudaSuccess);
  EXPECT_TRUE(capabilities[0] & cudaAtomicCapabilitySigned);
  EXPECT_TRUE(capabilities[0] & cudaAtomicCapabilityScalar64);
  EXPECT_TRUE(capabilities[1] & cudaAtomicCapabilityScalar128);
  EXPECT_FALSE(capabilities[2] & cudaAtomicCapabilitySigned);
  EXPECT_TRUE(capabilities[2] & cudaAtomicCapabilityScalar32);
  unsigned host[3] = {};
  ASSERT_EQ(cudaDeviceGetHostAtomicCapabilities(host, operations, 3, 1), cudaSuccess);
  EXPECT_EQ(std::memcmp(host, capabilities, sizeof host), 0);
  EXPECT_EQ(cudaDeviceGetP2PAtomicCapabilities(capabilities, operations, 3, 1, 1),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetP2PAtomicCapabilities(capabilities, operations, 0, 0, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetHostAtomicCapabilities(host, operations, 3, 2), cudaErrorInvalidDevice);
  cudaAtomicOperation unknown[] = {static_cast<cudaAtomicOperation>(77)};
  EXPECT_EQ(cudaDeviceGetHostAtomicCapabilities(host, unknown, 1, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetHostAtomicCapabilities(nullptr, operations, 3, 0),
            cudaErrorInvalidValue);
}

TEST_F(RuntimePeer, MemcpyPeer) {
  constexpr size_t n = 1000;
  std::vector<int> source(n), result(n, 0);
  for (size_t i = 0; i < n; ++i)
    source[i] = int(i * 7);
  int *onZero = nullptr, *onOne = nullptr;
  ASSERT_EQ(cudaMalloc(&onZero, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(onZero, source.data(), n * sizeof(int), cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&onOne, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpyPeer(onOne, 1, onZero, 0, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(result.data(), onOne, n * sizeof(int), cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(result, source);

  // Back again, asynchronously on a stream of device 1.
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(onOne, 0x11, n * sizeof(int), stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyPeerAsync(onZero, 0, onOne, 1, n * sizeof(int), stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(result.data(), onZero, n * sizeof(int), cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(result, std::vector<int>(n, 0x11111111));

  EXPECT_EQ(cudaMemcpyPeer(onOne, 2, onZero, 0, 4), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemcpyPeerAsync(onOne, 1, onZero, -1, 4, stream), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemcpyPeer(onOne, 1, onZero, 0, (n + 1) * sizeof(int)), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpyPeer(onOne, 1, onZero, 0, 0), cudaSuccess);
  cudaGetLastError();
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(onOne), cudaSuccess);
  EXPECT_EQ(cudaFree(onZero), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// The rest of the Device section
//===----------------------------------------------------------------------===//

using RuntimeDeviceExtra = MultiDeviceTest;

TEST_F(RuntimeDeviceExtra, FlushGPUDirectRDMAWrites) {
  EXPECT_EQ(cudaDeviceFlushGPUDirectRDMAWrites(cudaFlushGPUDirectRDMAWritesTargetCurrentDevice,
                                               cudaFlushGPUDirectRDMAWritesToOwner),
            cudaSuccess);
  EXPECT_EQ(cudaDeviceFlushGPUDirectRDMAWrites(cudaFlushGPUDirectRDMAWritesTargetCurrentDevice,
                                               cudaFlushGPUDirectRDMAWritesToAllDevices),
            cudaSuccess);
  EXPECT_EQ(cudaDeviceFlushGPUDirectRDMAWrites(
                static_cast<cudaFlushGPUDirectRDMAWritesTarget>(1),
                cudaFlushGPUDirectRDMAWritesToOwner),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceFlushGPUDirectRDMAWrites(
                cudaFlushGPUDirectRDMAWritesTargetCurrentDevice,
                static_cast<cudaFlushGPUDirectRDMAWritesScope>(0)),
            cudaErrorInvalidValue);
}

TEST_F(RuntimeDeviceExtra, AsyncNotification) {
  auto callback = [](cudaAsyncNotificationInfo_t *, void *, cudaAsyncCallbackHandle_t) {};
  cudaAsyncCallbackHandle_t handle = nullptr;
  ASSERT_EQ(cudaDeviceRegisterAsyncNotification(1, callback, nullptr, &handle), cudaSuccess);
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(cudaDeviceUnregisterAsyncNotification(0, handle), cudaErrorInvalidValue)
      << "registered for device 1";
  EXPECT_EQ(cudaDeviceUnregisterAsyncNotification(1, handle), cudaSuccess);
  EXPECT_EQ(cudaDeviceUnregisterAsyncNotification(1, handle), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceRegisterAsyncNotification(2, callback, nullptr, &handle),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceRegisterAsyncNotification(0, nullptr, nullptr, &handle),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceRegisterAsyncNotification(0, callback, nullptr, nullptr),
            cudaErrorInvalidValue);
}

TEST_F(RuntimeDeviceExtra, NvSciSyncAttributes) {
  char list[64];
  EXPECT_EQ(cudaDeviceGetNvSciSyncAttributes(list, 0, cudaNvSciSyncAttrSignal),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaDeviceGetNvSciSyncAttributes(list, 0, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetNvSciSyncAttributes(nullptr, 0, cudaNvSciSyncAttrWait),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetNvSciSyncAttributes(list, 2, cudaNvSciSyncAttrWait),
            cudaErrorInvalidDevice);
}

TEST_F(RuntimeDeviceExtra, IpcMemHandle) {
  int *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 1024), cudaSuccess);
  cudaIpcMemHandle_t handle;
  ASSERT_EQ(cudaIpcGetMemHandle(&handle, memory), cudaSuccess);
  void *opened = nullptr, *again = nullptr;
  ASSERT_EQ(cudaIpcOpenMemHandle(&opened, handle, cudaIpcMemLazyEnablePeerAccess), cudaSuccess);
  EXPECT_EQ(opened, memory);
  ASSERT_EQ(cudaIpcOpenMemHandle(&again, handle, cudaIpcMemLazyEnablePeerAccess), cudaSuccess);
  EXPECT_EQ(again, memory);
  EXPECT_EQ(cudaIpcCloseMemHandle(opened), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(again), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(again), cudaErrorInvalidValue) << "closed as often as opened";
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 2), cudaErrorInvalidValue);

  cudaIpcMemHandle_t garbage;
  std::memset(&garbage, 0x5a, sizeof garbage);
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, garbage, 0), cudaErrorInvalidValue);
  // The same handle as another process would hold it (bytes 8..15: pid).
  cudaIpcMemHandle_t foreign = handle;
  foreign.reserved[8] ^= 0x7f;
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, foreign, 0), cudaErrorNotSupported);

  void *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 64), cudaSuccess);
  EXPECT_EQ(cudaIpcGetMemHandle(&handle, pinned), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaIpcGetMemHandle(nullptr, memory), cudaErrorInvalidValue);

  ASSERT_EQ(cudaFree(memory), cudaSuccess);
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 0), cudaErrorInvalidValue)
      << "freed since exported";
  cudaGetLastError();
}

TEST_F(RuntimeDeviceExtra, IpcEventHandle) {
  cudaEvent_t plain, shared;
  ASSERT_EQ(cudaEventCreate(&plain), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&shared, cudaEventInterprocess | cudaEventDisableTiming),
            cudaSuccess);
  cudaIpcEventHandle_t handle;
  EXPECT_EQ(cudaIpcGetEventHandle(&handle, plain), cudaErrorInvalidResourceHandle);
  ASSERT_EQ(cudaIpcGetEventHandle(&handle, shared), cudaSuccess);
  cudaEvent_t opened = nullptr;
  ASSERT_EQ(cudaIpcOpenEventHandle(&opened, handle), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(shared, nullptr), cudaSuccess);
  EXPECT_EQ(cudaEventSynchronize(opened), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(opened), cudaSuccess);
  cudaIpcEventHandle_t garbage;
  std::memset(&garbage, 0, sizeof garbage);
  EXPECT_EQ(cudaIpcOpenEventHandle(&opened, garbage), cudaErrorInvalidValue);
  EXPECT_EQ(cudaEventDestroy(shared), cudaSuccess);
  EXPECT_EQ(cudaIpcOpenEventHandle(&opened, handle), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventDestroy(plain), cudaSuccess);
  cudaGetLastError();
}

} // namespace
