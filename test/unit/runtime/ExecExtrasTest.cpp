//===- ExecExtrasTest.cpp - Launch attributes, libraries, logs, streams ---===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaLaunchKernelExC and its attributes, cluster occupancy, stream
// attributes and ids, the error log, libraries (PTX, fatbinary, file),
// driver entry points and the undocumented hooks, and one stress test of
// streams used from eight host threads at once.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include "fatbin/FatbinTestUtil.h"

#include <crt/cuport_registration.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

extern "C" {
// Exported by libcudart.so.13, declared by no header.
cudaError_t __cudaGetProcAddress(void);
void __cudaRegisterHostVar(void);
void __cudaRegisterUnifiedTable(void);
}

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

/// step(cell, k, errors): one thread; if *cell == k then *cell = k + 1,
/// else counts an error. Launch k of a stream finds the cell as launch k-1
/// left it only if the stream ran its work completely and in order.
const char *const kStepPtx = R"(
.version 8.0
.target sm_75
.address_size 64

.visible .global .align 4 .u32 counter = 5;

.visible .entry step(.param .u64 cell, .param .u32 k, .param .u64 errors)
{
	.reg .pred %p<2>;
	.reg .b32 %r<5>;
	.reg .b64 %rd<5>;

	ld.param.u64 %rd1, [cell];
	ld.param.u32 %r1, [k];
	ld.param.u64 %rd2, [errors];
	cvta.to.global.u64 %rd3, %rd1;
	cvta.to.global.u64 %rd4, %rd2;
	ld.global.u32 %r2, [%rd3];
	setp.ne.s32 %p1, %r2, %r1;
	@%p1 bra $L__wrong;
	add.s32 %r3, %r1, 1;
	st.global.u32 [%rd3], %r3;
	ret;
$L__wrong:
	atom.global.add.u32 %r4, [%rd4], 1;
	ret;
}

.visible .entry bump()
{
	.reg .b32 %r<3>;
	ld.global.u32 %r1, [counter];
	add.s32 %r2, %r1, 1;
	st.global.u32 [counter], %r2;
	ret;
}
)";

class RuntimeExecTest : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

using RuntimeLaunchEx = RuntimeExecTest;
using RuntimeStreamAttribute = RuntimeExecTest;
using RuntimeDriver = RuntimeExecTest;
using RuntimeLogs = RuntimeExecTest;
using RuntimeLibrary = RuntimeExecTest;
using RuntimeThreads = RuntimeExecTest;

/// Device buffers for vectorAdd over n floats: a = i, b = 2i.
struct VectorAddBuffers {
  explicit VectorAddBuffers(int n) : n(n) {
    std::vector<float> a(n), b(n);
    for (int i = 0; i < n; ++i) {
      a[i] = float(i);
      b[i] = float(2 * i);
    }
    EXPECT_EQ(cudaMalloc(&da, n * sizeof(float)), cudaSuccess);
    EXPECT_EQ(cudaMalloc(&db, n * sizeof(float)), cudaSuccess);
    EXPECT_EQ(cudaMalloc(&dc, n * sizeof(float)), cudaSuccess);
    cudaMemcpy(da, a.data(), n * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemcpy(db, b.data(), n * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemset(dc, 0, n * sizeof(float));
  }
  ~VectorAddBuffers() {
    cudaFree(da);
    cudaFree(db);
    cudaFree(dc);
  }
  /// True when c = a + b everywhere.
  bool summed() {
    std::vector<float> c(n);
    cudaMemcpy(c.data(), dc, n * sizeof(float), cudaMemcpyDeviceToHost);
    for (int i = 0; i < n; ++i)
      if (c[i] != float(3 * i))
        return false;
    return true;
  }
  int n;
  float *da = nullptr, *db = nullptr, *dc = nullptr;
  void *args[4] = {&da, &db, &dc, &n};
};

cudaLaunchConfig_t configFor(dim3 grid, dim3 block, cudaLaunchAttribute *attrs,
                             unsigned numAttrs) {
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.attrs = attrs;
  config.numAttrs = numAttrs;
  return config;
}

//===----------------------------------------------------------------------===//
// cudaLaunchKernelExC
//===----------------------------------------------------------------------===//

TEST_F(RuntimeLaunchEx, Attributes) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  VectorAddBuffers buffers(1000);
  cudaLaunchAttribute attrs[5] = {};
  attrs[0].id = cudaLaunchAttributePriority;
  attrs[0].val.priority = -3;
  attrs[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attrs[1].val.programmaticStreamSerializationAllowed = 1;
  attrs[2].id = cudaLaunchAttributeClusterDimension;
  attrs[2].val.clusterDim.x = 2;
  attrs[2].val.clusterDim.y = 1;
  attrs[2].val.clusterDim.z = 1;
  attrs[3].id = cudaLaunchAttributeSynchronizationPolicy;
  attrs[3].val.syncPolicy = cudaSyncPolicyBlockingSync;
  attrs[4].id = cudaLaunchAttributeIgnore;
  cudaLaunchConfig_t config = configFor(dim3(4), dim3(256), attrs, 5);
  ASSERT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(buffers.summed());

  // A cudaKernel_t works as well as the host stub.
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaGetKernel(&kernel, program.stub(0)), cudaSuccess);
  cudaMemset(buffers.dc, 0, 1000 * sizeof(float));
  ASSERT_EQ(cudaLaunchKernelExC(&config, kernel, buffers.args), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(buffers.summed());
}

TEST_F(RuntimeLaunchEx, InvalidAttributes) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  VectorAddBuffers buffers(64);
  cudaLaunchAttribute attr{};
  cudaLaunchConfig_t config = configFor(dim3(4), dim3(16), &attr, 1);

  attr.id = static_cast<cudaLaunchAttributeID>(15); // unused id
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  attr.id = static_cast<cudaLaunchAttributeID>(1000);
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidValue);

  // Clusters: non-zero, at most 8 blocks, dividing the grid.
  attr.id = cudaLaunchAttributeClusterDimension;
  attr.val.clusterDim = {3, 1, 1};
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidClusterSize);
  attr.val.clusterDim = {0, 1, 1};
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidClusterSize);
  config.gridDim = dim3(16);
  attr.val.clusterDim = {16, 1, 1};
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidClusterSize);

  attr.id = cudaLaunchAttributeSynchronizationPolicy;
  attr.val.syncPolicy = static_cast<cudaSynchronizationPolicy>(9);
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  attr.id = cudaLaunchAttributeDeviceUpdatableKernelNode; // graphs only
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  attr.id = cudaLaunchAttributeLaunchCompletionEvent;
  attr.val.launchCompletionEvent.event = reinterpret_cast<cudaEvent_t>(0x1234);
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidResourceHandle);

  // The configuration and the function.
  EXPECT_EQ(cudaLaunchKernelExC(nullptr, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  config.numAttrs = 2;
  config.attrs = nullptr;
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  config.numAttrs = 0;
  int notAKernel = 0;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &notAKernel, buffers.args),
            cudaErrorInvalidDeviceFunction);
  config.blockDim = dim3(2048);
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorInvalidConfiguration);
  cudaGetLastError();
}

TEST_F(RuntimeLaunchEx, CompletionEventAndCooperative) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  VectorAddBuffers buffers(512);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  cudaEvent_t done;
  ASSERT_EQ(cudaEventCreate(&done), cudaSuccess);
  cudaLaunchAttribute attrs[2] = {};
  attrs[0].id = cudaLaunchAttributeLaunchCompletionEvent;
  attrs[0].val.launchCompletionEvent.event = done;
  attrs[1].id = cudaLaunchAttributeCooperative;
  attrs[1].val.cooperative = 1;
  cudaLaunchConfig_t config = configFor(dim3(2), dim3(256), attrs, 2);
  config.stream = stream;
  ASSERT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(done), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(done), cudaSuccess);
  EXPECT_TRUE(buffers.summed());

  // A cooperative grid must fit on the device at once.
  int perSm = 0, sms = 0;
  ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, program.stub(0),
                                                          256, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0),
            cudaSuccess);
  config.numAttrs = 1;
  config.attrs = &attrs[1];
  config.gridDim = dim3(unsigned(perSm * sms + 1));
  EXPECT_EQ(cudaLaunchKernelExC(&config, program.stub(0), buffers.args),
            cudaErrorCooperativeLaunchTooLarge);
  cudaGetLastError();
  cudaEventDestroy(done);
  cudaStreamDestroy(stream);
}

TEST_F(RuntimeLaunchEx, PerThreadVariant) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  VectorAddBuffers buffers(300);
  cudaLaunchConfig_t config = configFor(dim3(2), dim3(256), nullptr, 0);
  ASSERT_EQ(cudaLaunchKernelExC_ptsz(&config, program.stub(0), buffers.args),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_TRUE(buffers.summed());
  EXPECT_EQ(cudaLaunchKernelExC_ptsz(nullptr, program.stub(0), buffers.args),
            cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeLaunchEx, ClusterOccupancy) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  int perSm = 0, sms = 0;
  ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, program.stub(0),
                                                          128, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0),
            cudaSuccess);
  ASSERT_GT(perSm * sms, 8);
  cudaLaunchAttribute attr{};
  attr.id = cudaLaunchAttributeClusterDimension;
  attr.val.clusterDim = {4, 1, 1};
  // The grid does not matter to occupancy questions.
  cudaLaunchConfig_t config = configFor(dim3(7), dim3(128), &attr, 1);
  int clusters = -1;
  ASSERT_EQ(cudaOccupancyMaxActiveClusters(&clusters, program.stub(0), &config),
            cudaSuccess);
  EXPECT_EQ(clusters, perSm * sms / 4);
  int size = -1;
  ASSERT_EQ(cudaOccupancyMaxPotentialClusterSize(&size, program.stub(0), &config),
            cudaSuccess);
  EXPECT_EQ(size, 8);

  // Without a cluster size there is nothing to count.
  config.numAttrs = 0;
  EXPECT_EQ(cudaOccupancyMaxActiveClusters(&clusters, program.stub(0), &config),
            cudaErrorInvalidClusterSize);
  EXPECT_EQ(cudaOccupancyMaxActiveClusters(nullptr, program.stub(0), &config),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxPotentialClusterSize(&size, program.stub(0), nullptr),
            cudaErrorInvalidValue);
  int notAKernel = 0;
  EXPECT_EQ(cudaOccupancyMaxPotentialClusterSize(&size, &notAKernel, &config),
            cudaErrorInvalidDeviceFunction);
  cudaGetLastError();
}

//===----------------------------------------------------------------------===//
// Stream attributes
//===----------------------------------------------------------------------===//

TEST_F(RuntimeStreamAttribute, SetGetCopy) {
  cudaStream_t a, b;
  ASSERT_EQ(cudaStreamCreate(&a), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithPriority(&b, cudaStreamNonBlocking, -2), cudaSuccess);
  cudaLaunchAttributeValue value{};
  // Defaults.
  ASSERT_EQ(cudaStreamGetAttribute(a, cudaLaunchAttributeSynchronizationPolicy, &value),
            cudaSuccess);
  EXPECT_EQ(value.syncPolicy, cudaSyncPolicyAuto);
  ASSERT_EQ(cudaStreamGetAttribute(b, cudaLaunchAttributePriority, &value), cudaSuccess);
  EXPECT_EQ(value.priority, -2);

  int data[16];
  value = {};
  value.accessPolicyWindow.base_ptr = data;
  value.accessPolicyWindow.num_bytes = sizeof data;
  value.accessPolicyWindow.hitRatio = 0.5f;
  value.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
  value.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
  ASSERT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributeAccessPolicyWindow, &value),
            cudaSuccess);
  value = {};
  value.syncPolicy = cudaSyncPolicyYield;
  ASSERT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributeSynchronizationPolicy, &value),
            cudaSuccess);
  value = {};
  value.priority = -4;
  ASSERT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributePriority, &value), cudaSuccess);
  value = {};
  value.memSyncDomain = cudaLaunchMemSyncDomainRemote;
  ASSERT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributeMemSyncDomain, &value),
            cudaSuccess);

  cudaLaunchAttributeValue read{};
  ASSERT_EQ(cudaStreamGetAttribute(a, cudaLaunchAttributeAccessPolicyWindow, &read),
            cudaSuccess);
  EXPECT_EQ(read.accessPolicyWindow.base_ptr, static_cast<void *>(data));
  EXPECT_EQ(read.accessPolicyWindow.num_bytes, sizeof data);
  EXPECT_EQ(read.accessPolicyWindow.hitRatio, 0.5f);
  EXPECT_EQ(read.accessPolicyWindow.hitProp, cudaAccessPropertyPersisting);
  int priority = 0;
  ASSERT_EQ(cudaStreamGetPriority(a, &priority), cudaSuccess);
  EXPECT_EQ(priority, -4); // the stream's priority, as cudaStreamGetPriority sees it

  // Copy a -> b.
  ASSERT_EQ(cudaStreamCopyAttributes(b, a), cudaSuccess);
  ASSERT_EQ(cudaStreamGetAttribute(b, cudaLaunchAttributeSynchronizationPolicy, &read),
            cudaSuccess);
  EXPECT_EQ(read.syncPolicy, cudaSyncPolicyYield);
  ASSERT_EQ(cudaStreamGetAttribute(b, cudaLaunchAttributePriority, &read), cudaSuccess);
  EXPECT_EQ(read.priority, -4);
  ASSERT_EQ(cudaStreamGetAttribute(b, cudaLaunchAttributeMemSyncDomain, &read),
            cudaSuccess);
  EXPECT_EQ(read.memSyncDomain, cudaLaunchMemSyncDomainRemote);
  ASSERT_EQ(cudaStreamGetAttribute(b, cudaLaunchAttributeAccessPolicyWindow, &read),
            cudaSuccess);
  EXPECT_EQ(read.accessPolicyWindow.base_ptr, static_cast<void *>(data));

  // Errors.
  EXPECT_EQ(cudaStreamGetAttribute(a, cudaLaunchAttributeCooperative, &read),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamGetAttribute(a, cudaLaunchAttributePriority, nullptr),
            cudaErrorInvalidValue);
  value = {};
  value.syncPolicy = static_cast<cudaSynchronizationPolicy>(0);
  EXPECT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributeSynchronizationPolicy, &value),
            cudaErrorInvalidValue);
  value = {};
  value.accessPolicyWindow.hitRatio = 1.5f;
  EXPECT_EQ(cudaStreamSetAttribute(a, cudaLaunchAttributeAccessPolicyWindow, &value),
            cudaErrorInvalidValue);
  cudaStream_t destroyed;
  ASSERT_EQ(cudaStreamCreate(&destroyed), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(destroyed), cudaSuccess);
  EXPECT_EQ(cudaStreamGetAttribute(destroyed, cudaLaunchAttributePriority, &read),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamCopyAttributes(destroyed, a), cudaErrorInvalidResourceHandle);

  // The default stream keeps its own.
  value = {};
  value.syncPolicy = cudaSyncPolicySpin;
  ASSERT_EQ(cudaStreamSetAttribute(0, cudaLaunchAttributeSynchronizationPolicy, &value),
            cudaSuccess);
  ASSERT_EQ(cudaStreamGetAttribute(0, cudaLaunchAttributeSynchronizationPolicy, &read),
            cudaSuccess);
  EXPECT_EQ(read.syncPolicy, cudaSyncPolicySpin);
  cudaGetLastError();
  cudaStreamDestroy(a);
  cudaStreamDestroy(b);
}

TEST_F(RuntimeStreamAttribute, PerThreadVariants) {
  cudaLaunchAttributeValue value{};
  value.priority = -1;
  ASSERT_EQ(cudaStreamSetAttribute_ptsz(0, cudaLaunchAttributePriority, &value),
            cudaSuccess);
  cudaLaunchAttributeValue read{};
  ASSERT_EQ(cudaStreamGetAttribute_ptsz(0, cudaLaunchAttributePriority, &read),
            cudaSuccess);
  EXPECT_EQ(read.priority, -1);
  cudaStream_t s;
  ASSERT_EQ(cudaStreamCreate(&s), cudaSuccess);
  ASSERT_EQ(cudaStreamCopyAttributes_ptsz(s, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamGetAttribute(s, cudaLaunchAttributePriority, &read), cudaSuccess);
  EXPECT_EQ(read.priority, -1);
  unsigned long long perThread = 0, again = 0;
  ASSERT_EQ(cudaStreamGetId_ptsz(0, &perThread), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(cudaStreamPerThread, &again), cudaSuccess);
  EXPECT_EQ(perThread, again);
  unsigned long long other = 0;
  std::thread([&] { cudaStreamGetId_ptsz(0, &other); }).join();
  EXPECT_NE(other, perThread); // one per-thread stream per thread
  cudaStreamDestroy(s);
}

TEST_F(RuntimeStreamAttribute, StreamIds) {
  cudaStream_t a, b;
  ASSERT_EQ(cudaStreamCreate(&a), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&b), cudaSuccess);
  unsigned long long idA = 0, idB = 0, idA2 = 0, legacy = 0, legacy2 = 0;
  ASSERT_EQ(cudaStreamGetId(a, &idA), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(b, &idB), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(a, &idA2), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(0, &legacy), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(cudaStreamLegacy, &legacy2), cudaSuccess);
  EXPECT_NE(idA, 0u);
  EXPECT_NE(idA, idB);
  EXPECT_EQ(idA, idA2);
  EXPECT_EQ(legacy, legacy2);
  EXPECT_NE(legacy, idA);
  EXPECT_EQ(cudaStreamGetId(a, nullptr), cudaErrorInvalidValue);
  cudaStreamDestroy(b);
  EXPECT_EQ(cudaStreamGetId(b, &idB), cudaErrorInvalidResourceHandle);
  cudaGetLastError();
  cudaStreamDestroy(a);
}

TEST_F(RuntimeStreamAttribute, ResetPersistingL2Cache) {
  EXPECT_EQ(cudaCtxResetPersistingL2Cache(), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Driver interaction, entry points, profiler, hooks
//===----------------------------------------------------------------------===//

TEST_F(RuntimeDriver, EntryPointNotFound) {
  void *fn = reinterpret_cast<void *>(0x1);
  cudaDriverEntryPointQueryResult status = cudaDriverEntryPointSuccess;
  EXPECT_EQ(cudaGetDriverEntryPoint("cuMemAlloc", &fn, cudaEnableDefault, &status),
            cudaSuccess);
  EXPECT_EQ(fn, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointSymbolNotFound);
  fn = reinterpret_cast<void *>(0x1);
  status = cudaDriverEntryPointSuccess;
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuLaunchKernel", &fn, 12000,
                                             cudaEnableLegacyStream, &status),
            cudaSuccess);
  EXPECT_EQ(fn, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointSymbolNotFound);
  EXPECT_EQ(cudaGetDriverEntryPoint_ptsz("cuInit", &fn, 0, nullptr), cudaSuccess);
  EXPECT_EQ(cudaGetDriverEntryPointByVersion_ptsz("cuInit", &fn, 13000, 0, &status),
            cudaSuccess);
  EXPECT_EQ(status, cudaDriverEntryPointSymbolNotFound);
  // Bad arguments.
  EXPECT_EQ(cudaGetDriverEntryPoint(nullptr, &fn, 0, &status), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDriverEntryPoint("cuInit", nullptr, 0, &status),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDriverEntryPoint("cuInit", &fn, 8, &status), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuInit", &fn, 99000, 0, &status),
            cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeDriver, ExportTableUnknown) {
  const void *table = reinterpret_cast<const void *>(0x1);
  cudaUUID_t id{};
  EXPECT_EQ(cudaGetExportTable(&table, &id), cudaErrorInvalidValue);
  EXPECT_EQ(table, nullptr);
  EXPECT_EQ(cudaGetExportTable(nullptr, &id), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetExportTable(&table, nullptr), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeDriver, GetKernelAndFunction) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaGetKernel(&kernel, program.stub(0)), cudaSuccess);
  cudaKernel_t hook = nullptr;
  ASSERT_EQ(__cudaGetKernel(&hook, program.stub(0)), cudaSuccess);
  EXPECT_EQ(kernel, hook);
  cudaFunction_t function = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&function, program.stub(0)), cudaSuccess);
  EXPECT_NE(function, nullptr);
  const char *name = nullptr;
  ASSERT_EQ(cudaFuncGetName(&name, kernel), cudaSuccess);
  EXPECT_STREQ(name, kVectorAdd);
  // cudaLaunchKernel accepts the cudaKernel_t.
  VectorAddBuffers buffers(100);
  ASSERT_EQ(cudaLaunchKernel(reinterpret_cast<const void *>(kernel), dim3(1),
                             dim3(128), buffers.args, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(buffers.summed());

  int notAKernel = 0;
  EXPECT_EQ(cudaGetKernel(&kernel, &notAKernel), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetKernel(nullptr, program.stub(0)), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetFuncBySymbol(&function, &notAKernel),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetFuncBySymbol(nullptr, program.stub(0)), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeDriver, ProfilerAccepted) {
  EXPECT_EQ(cudaProfilerStart(), cudaSuccess);
  EXPECT_EQ(cudaProfilerStop(), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST_F(RuntimeDriver, UndocumentedHooks) {
  EXPECT_EQ(__cudaGetProcAddress(), cudaSuccess);
  __cudaRegisterHostVar();
  __cudaRegisterUnifiedTable();
  EXPECT_EQ(cudaGetLastError(), cudaSuccess); // accepted, not "not supported"
}

//===----------------------------------------------------------------------===//
// Error log
//===----------------------------------------------------------------------===//

struct CollectedLogs {
  std::vector<std::string> messages;
  static void collect(void *data, cudaLogLevel, char *message, size_t length) {
    static_cast<CollectedLogs *>(data)->messages.emplace_back(message, length);
  }
};

TEST_F(RuntimeLogs, IteratorsAndDumps) {
  cudaLogIterator start = 0;
  ASSERT_EQ(cudaLogsCurrent(&start, 0), cudaSuccess);
  char buffer[4096];
  size_t size = sizeof buffer;
  cudaLogIterator it = start;
  ASSERT_EQ(cudaLogsDumpToMemory(&it, buffer, &size, 0), cudaSuccess);
  EXPECT_EQ(size, 0u); // nothing since `start`

  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDevice(99), cudaErrorInvalidDevice);
  size = sizeof buffer;
  it = start;
  ASSERT_EQ(cudaLogsDumpToMemory(&it, buffer, &size, 0), cudaSuccess);
  std::string text(buffer, size);
  EXPECT_EQ(std::strlen(buffer), size);
  EXPECT_NE(text.find("cudaErrorInvalidValue"), std::string::npos) << text;
  EXPECT_NE(text.find("cudaErrorInvalidDevice"), std::string::npos) << text;
  EXPECT_LT(text.find("cudaErrorInvalidValue"), text.find("cudaErrorInvalidDevice"));
  EXPECT_EQ(it, start + 2); // auto-advanced past both
  size = sizeof buffer;
  ASSERT_EQ(cudaLogsDumpToMemory(&it, buffer, &size, 0), cudaSuccess);
  EXPECT_EQ(size, 0u);

  // A buffer too small for any message.
  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
  char tiny[8];
  size = sizeof tiny;
  cudaLogIterator before = it;
  EXPECT_EQ(cudaLogsDumpToMemory(&it, tiny, &size, 0), cudaErrorInvalidValue);
  EXPECT_EQ(size, 0u);

  // To a file.
  std::string path = testing::TempDir() + "cuport-logs-" + std::to_string(getpid());
  it = before;
  ASSERT_EQ(cudaLogsDumpToFile(&it, path.c_str(), 0), cudaSuccess);
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_NE(contents.str().find("cudaErrorInvalidValue"), std::string::npos)
      << contents.str();
  EXPECT_GT(it, before);
  std::remove(path.c_str());

  EXPECT_EQ(cudaLogsCurrent(nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLogsCurrent(&it, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLogsDumpToMemory(&it, nullptr, &size, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLogsDumpToFile(&it, nullptr, 0), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(RuntimeLogs, Callbacks) {
  CollectedLogs logs;
  cudaLogsCallbackHandle handle = nullptr;
  ASSERT_EQ(cudaLogsRegisterCallback(&CollectedLogs::collect, &logs, &handle),
            cudaSuccess);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  ASSERT_EQ(logs.messages.size(), 1u);
  EXPECT_NE(logs.messages[0].find("cudaErrorInvalidDevice"), std::string::npos);
  ASSERT_EQ(cudaLogsUnregisterCallback(handle), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  EXPECT_EQ(logs.messages.size(), 1u); // no longer called
  EXPECT_EQ(cudaLogsUnregisterCallback(handle), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLogsRegisterCallback(nullptr, &logs, &handle), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLogsRegisterCallback(&CollectedLogs::collect, &logs, nullptr),
            cudaErrorInvalidValue);
  cudaGetLastError();
}

//===----------------------------------------------------------------------===//
// Libraries
//===----------------------------------------------------------------------===//

TEST_F(RuntimeLibrary, LoadPtxAndLaunch) {
  cudaLibrary_t library = nullptr;
  ASSERT_EQ(cudaLibraryLoadData(&library, kVectorAddPtx, nullptr, nullptr, 0,
                                nullptr, nullptr, 0),
            cudaSuccess);
  unsigned count = 0;
  ASSERT_EQ(cudaLibraryGetKernelCount(&count, library), cudaSuccess);
  EXPECT_EQ(count, 1u);
  cudaKernel_t kernels[2] = {};
  ASSERT_EQ(cudaLibraryEnumerateKernels(kernels, 1, library), cudaSuccess);
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaLibraryGetKernel(&kernel, library, kVectorAdd), cudaSuccess);
  EXPECT_EQ(kernel, kernels[0]);
  cudaFuncAttributes attributes{};
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, kernel), cudaSuccess);
  EXPECT_EQ(attributes.ptxVersion, 75);

  VectorAddBuffers buffers(1000);
  ASSERT_EQ(cudaLaunchKernel(reinterpret_cast<const void *>(kernel), dim3(4),
                             dim3(256), buffers.args, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(buffers.summed());

  EXPECT_EQ(cudaLibraryGetKernel(&kernel, library, "noSuchKernel"),
            cudaErrorSymbolNotFound);
  ASSERT_EQ(cudaLibraryUnload(library), cudaSuccess);
  // Its kernels went with it.
  EXPECT_EQ(cudaLaunchKernel(reinterpret_cast<const void *>(kernels[0]), dim3(1),
                             dim3(1), buffers.args, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaLibraryGetKernelCount(&count, library), cudaErrorInvalidResourceHandle);
  cudaGetLastError();
}

TEST_F(RuntimeLibrary, Globals) {
  cudaLibrary_t library = nullptr;
  ASSERT_EQ(cudaLibraryLoadData(&library, kStepPtx, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaSuccess);
  unsigned count = 0;
  ASSERT_EQ(cudaLibraryGetKernelCount(&count, library), cudaSuccess);
  EXPECT_EQ(count, 2u);
  void *counter = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(cudaLibraryGetGlobal(&counter, &bytes, library, "counter"), cudaSuccess);
  EXPECT_EQ(bytes, 4u);
  unsigned value = 0;
  ASSERT_EQ(cudaMemcpy(&value, counter, 4, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(value, 5u);
  cudaKernel_t bump = nullptr;
  ASSERT_EQ(cudaLibraryGetKernel(&bump, library, "bump"), cudaSuccess);
  ASSERT_EQ(cudaLaunchKernel(reinterpret_cast<const void *>(bump), dim3(1), dim3(1),
                             nullptr, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(&value, counter, 4, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(value, 6u);
  // Not managed, and not there.
  EXPECT_EQ(cudaLibraryGetManaged(&counter, &bytes, library, "counter"),
            cudaErrorSymbolNotFound);
  EXPECT_EQ(cudaLibraryGetGlobal(&counter, &bytes, library, "missing"),
            cudaErrorSymbolNotFound);
  EXPECT_EQ(cudaLibraryGetGlobal(nullptr, &bytes, library, "counter"),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaLibraryUnload(library), cudaSuccess);
  cudaGetLastError();
}

TEST_F(RuntimeLibrary, LoadFromFileFatbinary) {
  namespace ft = cuport::fatbin::test;
  std::vector<uint8_t> fatbinary =
      ft::buildFatbinary({ft::plainPtxEntry(kVectorAddPtx, 75)});
  std::string path = testing::TempDir() + "cuport-lib-" + std::to_string(getpid()) +
                     ".fatbin";
  {
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char *>(fatbinary.data()),
               std::streamsize(fatbinary.size()));
  }
  cudaLibrary_t fromFile = nullptr, fromMemory = nullptr;
  ASSERT_EQ(cudaLibraryLoadFromFile(&fromFile, path.c_str(), nullptr, nullptr, 0,
                                    nullptr, nullptr, 0),
            cudaSuccess);
  ASSERT_EQ(cudaLibraryLoadData(&fromMemory, fatbinary.data(), nullptr, nullptr, 0,
                                nullptr, nullptr, 0),
            cudaSuccess);
  EXPECT_NE(fromFile, fromMemory);
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaLibraryGetKernel(&kernel, fromFile, kVectorAdd), cudaSuccess);
  VectorAddBuffers buffers(64);
  cudaLaunchConfig_t config = configFor(dim3(1), dim3(64), nullptr, 0);
  ASSERT_EQ(cudaLaunchKernelExC(&config, kernel, buffers.args), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(buffers.summed());
  EXPECT_EQ(cudaLibraryUnload(fromFile), cudaSuccess);
  EXPECT_EQ(cudaLibraryUnload(fromMemory), cudaSuccess);
  std::remove(path.c_str());
  EXPECT_EQ(cudaLibraryLoadFromFile(&fromFile, "/nonexistent/lib.ptx", nullptr,
                                    nullptr, 0, nullptr, nullptr, 0),
            cudaErrorFileNotFound);
  cudaGetLastError();
}

TEST_F(RuntimeLibrary, Errors) {
  cudaLibrary_t library = nullptr;
  EXPECT_EQ(cudaLibraryLoadData(nullptr, kVectorAddPtx, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaLibraryLoadData(&library, nullptr, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaLibraryLoadData(&library, "not ptx at all", nullptr, nullptr, 0,
                                nullptr, nullptr, 0),
            cudaErrorInvalidKernelImage);
  const char *broken = ".version 8.0\n.target sm_75\n.address_size 64\n"
                       ".visible .entry k() { frobnicate.u32 %r1; }\n";
  EXPECT_EQ(cudaLibraryLoadData(&library, broken, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaErrorInvalidPtx);
  const char elf[] = "\x7f" "ELF\x02\x01\x01";
  EXPECT_EQ(cudaLibraryLoadData(&library, elf, nullptr, nullptr, 0, nullptr, nullptr, 0),
            cudaErrorNoKernelImageForDevice);
  EXPECT_EQ(cudaLibraryUnload(reinterpret_cast<cudaLibrary_t>(0x1234)),
            cudaErrorInvalidResourceHandle);

  ASSERT_EQ(cudaLibraryLoadData(&library, kVectorAddPtx, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaSuccess);
  void *fn = reinterpret_cast<void *>(0x1);
  EXPECT_EQ(cudaLibraryGetUnifiedFunction(&fn, library, kVectorAdd),
            cudaErrorSymbolNotFound);
  EXPECT_EQ(fn, nullptr);
  cudaKernel_t kernels[1];
  EXPECT_EQ(cudaLibraryEnumerateKernels(nullptr, 1, library), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLibraryEnumerateKernels(kernels, 1, nullptr),
            cudaErrorInvalidResourceHandle);
  ASSERT_EQ(cudaLibraryUnload(library), cudaSuccess);
  EXPECT_EQ(cudaLibraryUnload(library), cudaErrorInvalidResourceHandle);
  cudaGetLastError();
}

TEST_F(RuntimeLibrary, SetAttributeForDevice) {
  cudaLibrary_t library = nullptr;
  ASSERT_EQ(cudaLibraryLoadData(&library, kVectorAddPtx, nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaSuccess);
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaLibraryGetKernel(&kernel, library, kVectorAdd), cudaSuccess);
  ASSERT_EQ(cudaKernelSetAttributeForDevice(
                kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 64 * 1024, 0),
            cudaSuccess);
  cudaFuncAttributes attributes{};
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, kernel), cudaSuccess);
  EXPECT_EQ(attributes.maxDynamicSharedSizeBytes, 64 * 1024);
  EXPECT_EQ(cudaKernelSetAttributeForDevice(
                kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 1 << 30, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaKernelSetAttributeForDevice(
                kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 1024, 42),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaKernelSetAttributeForDevice(
                reinterpret_cast<cudaKernel_t>(0x1234),
                cudaFuncAttributeMaxDynamicSharedMemorySize, 1024, 0),
            cudaErrorInvalidResourceHandle);
  ASSERT_EQ(cudaLibraryUnload(library), cudaSuccess);
  cudaGetLastError();
}

//===----------------------------------------------------------------------===//
// Threads
//===----------------------------------------------------------------------===//

/// 8 host threads, each with its own stream, 1000 launches each of a kernel
/// that finds its per-stream cell at k and leaves k + 1: any lost, repeated
/// or reordered launch within a stream shows as an error count and a final
/// value other than 1000.
TEST_F(RuntimeThreads, StreamOrderUnderLoad) {
  RegisteredPtx program(kStepPtx, {"step"});
  constexpr int kThreads = 8, kLaunches = 1000;
  unsigned *cells = nullptr, *errors = nullptr;
  ASSERT_EQ(cudaMalloc(&cells, kThreads * sizeof(unsigned)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&errors, kThreads * sizeof(unsigned)), cudaSuccess);
  ASSERT_EQ(cudaMemset(cells, 0, kThreads * sizeof(unsigned)), cudaSuccess);
  ASSERT_EQ(cudaMemset(errors, 0, kThreads * sizeof(unsigned)), cudaSuccess);
  // cudaMemset may return before the fill ran, and non-blocking streams do
  // not wait for the legacy stream: without this the first launches could
  // race the fills.
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  std::vector<cudaError_t> results(kThreads, cudaSuccess);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      cudaStream_t stream;
      if ((results[t] = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking)))
        return;
      unsigned *cell = cells + t, *error = errors + t;
      for (unsigned k = 0; k < kLaunches && results[t] == cudaSuccess; ++k) {
        void *args[] = {&cell, &k, &error};
        results[t] = cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), args, 0, stream);
      }
      if (results[t] == cudaSuccess)
        results[t] = cudaStreamSynchronize(stream);
      cudaStreamDestroy(stream);
    });
  for (std::thread &thread : threads)
    thread.join();
  std::vector<unsigned> hostCells(kThreads), hostErrors(kThreads);
  ASSERT_EQ(cudaMemcpy(hostCells.data(), cells, kThreads * sizeof(unsigned),
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(hostErrors.data(), errors, kThreads * sizeof(unsigned),
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(results[t], cudaSuccess) << "thread " << t;
    EXPECT_EQ(hostCells[t], unsigned(kLaunches)) << "thread " << t;
    EXPECT_EQ(hostErrors[t], 0u) << "thread " << t;
  }
  cudaFree(cells);
  cudaFree(errors);
}

} // namespace
