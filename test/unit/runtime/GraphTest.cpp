//===- GraphTest.cpp - CUDA graphs and stream capture ---------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Graphs built node by node and by stream capture, run on the CPU backend.
// The kernels add to or multiply integers in place: (x + a) * b differs from
// x * b + a, so every result also proves the order the nodes ran in. Host
// buffers are pageable unless said otherwise.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <set>
#include <vector>

using cuport::test::RegisteredPtx;

namespace {

/// addValue(int *data, int value, int n): data[i] += value;
/// mulValue(int *data, int value, int n): data[i] *= value.
const char *const kArithmeticPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.visible .entry addValue(
	.param .u64 addValue_param_0,
	.param .u32 addValue_param_1,
	.param .u32 addValue_param_2
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<8>;
	.reg .b64 	%rd<5>;

	ld.param.u64 	%rd1, [addValue_param_0];
	ld.param.u32 	%r2, [addValue_param_1];
	ld.param.u32 	%r3, [addValue_param_2];
	mov.u32 	%r4, %ntid.x;
	mov.u32 	%r5, %ctaid.x;
	mov.u32 	%r6, %tid.x;
	mad.lo.s32 	%r1, %r4, %r5, %r6;
	setp.ge.s32 	%p1, %r1, %r3;
	@%p1 bra 	$L__BB0_2;
	cvta.to.global.u64 	%rd2, %rd1;
	mul.wide.s32 	%rd3, %r1, 4;
	add.s64 	%rd4, %rd2, %rd3;
	ld.global.u32 	%r7, [%rd4];
	add.s32 	%r7, %r7, %r2;
	st.global.u32 	[%rd4], %r7;
$L__BB0_2:
	ret;
}

.visible .entry mulValue(
	.param .u64 mulValue_param_0,
	.param .u32 mulValue_param_1,
	.param .u32 mulValue_param_2
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<8>;
	.reg .b64 	%rd<5>;

	ld.param.u64 	%rd1, [mulValue_param_0];
	ld.param.u32 	%r2, [mulValue_param_1];
	ld.param.u32 	%r3, [mulValue_param_2];
	mov.u32 	%r4, %ntid.x;
	mov.u32 	%r5, %ctaid.x;
	mov.u32 	%r6, %tid.x;
	mad.lo.s32 	%r1, %r4, %r5, %r6;
	setp.ge.s32 	%p1, %r1, %r3;
	@%p1 bra 	$L__BB0_2;
	cvta.to.global.u64 	%rd2, %rd1;
	mul.wide.s32 	%rd3, %r1, 4;
	add.s64 	%rd4, %rd2, %rd3;
	ld.global.u32 	%r7, [%rd4];
	mul.lo.s32 	%r7, %r7, %r2;
	st.global.u32 	[%rd4], %r7;
$L__BB0_2:
	ret;
}
)";

constexpr int kCount = 256;
constexpr size_t kBytes = kCount * sizeof(int);

RegisteredPtx &program() {
  static auto *registered = new RegisteredPtx(kArithmeticPtx, {"addValue", "mulValue"});
  return *registered;
}

const void *addKernel() { return program().stub(0); }
const void *mulKernel() { return program().stub(1); }

/// The arguments of one addValue / mulValue launch, kept alive by the test.
struct Arguments {
  int *data = nullptr;
  int value = 0;
  int n = kCount;
  void *pointers[3] = {&data, &value, &n};
};

cudaKernelNodeParams kernelNode(const void *kernel, Arguments &args) {
  cudaKernelNodeParams params{};
  params.func = const_cast<void *>(kernel);
  params.gridDim = dim3((args.n + 127) / 128);
  params.blockDim = dim3(128);
  params.sharedMemBytes = 0;
  params.kernelParams = args.pointers;
  params.extra = nullptr;
  return params;
}

cudaError_t launch(const void *kernel, int *data, int value, cudaStream_t stream,
                   int n = kCount) {
  void *args[] = {&data, &value, &n};
  return cudaLaunchKernel(kernel, dim3((n + 127) / 128), dim3(128), args, 0, stream);
}

void increment(void *counter) { ++*static_cast<std::atomic<int> *>(counter); }
void addTen(void *counter) { *static_cast<std::atomic<int> *>(counter) += 10; }

class GraphTest : public ::testing::Test {
protected:
  void SetUp() override {
    cudaGetLastError();
    ASSERT_NE(program().handle(), nullptr);
    ASSERT_EQ(cudaMalloc(&device, kBytes), cudaSuccess);
    ASSERT_EQ(cudaMemset(device, 0, kBytes), cudaSuccess);
  }
  void TearDown() override { EXPECT_EQ(cudaFree(device), cudaSuccess); }

  std::vector<int> readBack(const int *from = nullptr, size_t count = kCount) {
    std::vector<int> host(count, -1);
    EXPECT_EQ(cudaMemcpy(host.data(), from ? from : device, count * sizeof(int),
                         cudaMemcpyDeviceToHost),
              cudaSuccess);
    return host;
  }

  int *device = nullptr;
};

using RuntimeGraph = GraphTest;
using RuntimeCapture = GraphTest;

std::vector<cudaGraphNode_t> nodesOf(cudaGraph_t graph) {
  size_t count = 0;
  EXPECT_EQ(cudaGraphGetNodes(graph, nullptr, &count), cudaSuccess);
  std::vector<cudaGraphNode_t> nodes(count);
  EXPECT_EQ(cudaGraphGetNodes(graph, nodes.data(), &count), cudaSuccess);
  return nodes;
}

size_t edgeCount(cudaGraph_t graph) {
  size_t count = 0;
  EXPECT_EQ(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &count), cudaSuccess);
  return count;
}

size_t dependencyCount(cudaGraphNode_t node) {
  size_t count = 0;
  EXPECT_EQ(cudaGraphNodeGetDependencies(node, nullptr, nullptr, &count), cudaSuccess);
  return count;
}

cudaGraphNodeType typeOf(cudaGraphNode_t node) {
  cudaGraphNodeType type = cudaGraphNodeTypeCount;
  EXPECT_EQ(cudaGraphNodeGetType(node, &type), cudaSuccess);
  return type;
}

/// Instantiates, launches `times` on `stream` and waits.
void run(cudaGraph_t graph, int times = 1, cudaStream_t stream = nullptr) {
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  for (int i = 0; i < times; ++i)
    ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Graphs built node by node
//===----------------------------------------------------------------------===//

TEST_F(RuntimeGraph, CreateDestroyAndHandles) {
  cudaGraph_t graph = nullptr;
  EXPECT_EQ(cudaGraphCreate(nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphCreate(&graph, 1), cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  EXPECT_TRUE(nodesOf(graph).empty());
  cudaGraphNode_t empty = nullptr;
  ASSERT_EQ(cudaGraphAddEmptyNode(&empty, graph, nullptr, 0), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);

  // Everything about a destroyed graph is an invalid value, never a crash.
  EXPECT_EQ(cudaGraphDestroy(graph), cudaErrorInvalidValue);
  size_t count = 0;
  EXPECT_EQ(cudaGraphGetNodes(graph, nullptr, &count), cudaErrorInvalidValue);
  cudaGraphNodeType type;
  EXPECT_EQ(cudaGraphNodeGetType(empty, &type), cudaErrorInvalidValue);
  cudaGraphNode_t node = nullptr;
  EXPECT_EQ(cudaGraphAddEmptyNode(&node, graph, nullptr, 0), cudaErrorInvalidValue);
  cudaGraphExec_t exec = nullptr;
  EXPECT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaErrorInvalidValue);
  auto *madeUp = reinterpret_cast<cudaGraph_t>(&count);
  EXPECT_EQ(cudaGraphDestroy(madeUp), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeGraph, KernelNodeRunsWithCopiedArguments) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments args{device, 3};
  cudaKernelNodeParams params = kernelNode(addKernel(), args);
  cudaGraphNode_t node = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&node, graph, nullptr, 0, &params), cudaSuccess);
  args.value = 100; // the node copied the arguments when it was made

  cudaKernelNodeParams stored{};
  ASSERT_EQ(cudaGraphKernelNodeGetParams(node, &stored), cudaSuccess);
  EXPECT_EQ(stored.func, addKernel());
  EXPECT_EQ(stored.gridDim.x, 2u);
  EXPECT_EQ(stored.blockDim.x, 128u);
  ASSERT_NE(stored.kernelParams, nullptr);
  EXPECT_EQ(*static_cast<int **>(stored.kernelParams[0]), device);
  EXPECT_EQ(*static_cast<int *>(stored.kernelParams[1]), 3);
  EXPECT_EQ(*static_cast<int *>(stored.kernelParams[2]), kCount);

  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 30));

  // New parameters reach later instantiations, not the existing exec.
  args.value = 7;
  params = kernelNode(addKernel(), args);
  ASSERT_EQ(cudaGraphKernelNodeSetParams(node, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 33));
  run(graph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 40));

  // Bad kernels and configurations.
  cudaGraphNode_t bad = nullptr;
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, graph, nullptr, 0, nullptr),
            cudaErrorInvalidValue);
  cudaKernelNodeParams wrong = params;
  wrong.func = &args;
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, graph, nullptr, 0, &wrong),
            cudaErrorInvalidDeviceFunction);
  wrong = params;
  wrong.gridDim = dim3(0);
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, graph, nullptr, 0, &wrong),
            cudaErrorInvalidConfiguration);
  wrong = params;
  wrong.kernelParams = nullptr;
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, graph, nullptr, 0, &wrong),
            cudaErrorInvalidValue);

  // Arguments packed by the application into one buffer (`extra`).
  struct {
    int *data;
    int value;
    int n;
  } packed{device, 1000, kCount};
  size_t packedSize = sizeof packed;
  void *extra[] = {reinterpret_cast<void *>(1), &packed, reinterpret_cast<void *>(2),
                   &packedSize, nullptr};
  cudaKernelNodeParams withExtra = params;
  withExtra.kernelParams = nullptr;
  withExtra.extra = extra;
  cudaGraph_t extraGraph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&extraGraph, 0), cudaSuccess);
  cudaGraphNode_t extraNode = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&extraNode, extraGraph, nullptr, 0, &withExtra),
            cudaSuccess);
  packed.value = 0; // copied when the node was made
  run(extraGraph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 1040));
  withExtra.kernelParams = params.kernelParams;
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, extraGraph, nullptr, 0, &withExtra),
            cudaErrorInvalidValue)
      << "both ways at once";
  packedSize = 4;
  withExtra.kernelParams = nullptr;
  EXPECT_EQ(cudaGraphAddKernelNode(&bad, extraGraph, nullptr, 0, &withExtra),
            cudaErrorInvalidValue)
      << "buffer too small";
  EXPECT_EQ(cudaGraphDestroy(extraGraph), cudaSuccess);

  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphLaunch(exec, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeGraph, KernelNodeAttributes) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments add{device, 1};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  cudaGraphNode_t first = nullptr, second = nullptr, empty = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&first, graph, nullptr, 0, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&second, graph, nullptr, 0, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&empty, graph, nullptr, 0), cudaSuccess);
  cudaLaunchAttributeValue value;
  std::memset(&value, 0x5A, sizeof value);
  ASSERT_EQ(cudaGraphKernelNodeGetAttribute(first, cudaLaunchAttributePriority, &value),
            cudaSuccess);
  EXPECT_EQ(value.priority, 0) << "unset: zero";
  value.priority = -3;
  ASSERT_EQ(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributePriority, &value),
            cudaSuccess);
  ASSERT_EQ(cudaGraphKernelNodeCopyAttributes(second, first), cudaSuccess);
  value.priority = 0;
  ASSERT_EQ(cudaGraphKernelNodeGetAttribute(second, cudaLaunchAttributePriority, &value),
            cudaSuccess);
  EXPECT_EQ(value.priority, -3);
  // Setting new parameters keeps the attributes.
  ASSERT_EQ(cudaGraphKernelNodeSetParams(second, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphKernelNodeGetAttribute(second, cudaLaunchAttributePriority, &value),
            cudaSuccess);
  EXPECT_EQ(value.priority, -3);
  EXPECT_EQ(cudaGraphKernelNodeGetAttribute(empty, cudaLaunchAttributePriority, &value),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributeIgnore, &value),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphKernelNodeCopyAttributes(empty, first), cudaErrorInvalidValue);
  run(graph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 2));
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

struct Overlap {
  std::atomic<int> running{0}, overlaps{0}, runs{0};
};

void exclusiveHostNode(void *data) {
  auto *overlap = static_cast<Overlap *>(data);
  if (overlap->running.fetch_add(1) != 0)
    ++overlap->overlaps;
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  overlap->running.fetch_sub(1);
  ++overlap->runs;
}

TEST_F(RuntimeGraph, LaunchesOfOneExecDoNotOverlap) {
  Overlap overlap;
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaHostNodeParams host{exclusiveHostNode, &overlap};
  cudaGraphNode_t node = nullptr;
  ASSERT_EQ(cudaGraphAddHostNode(&node, graph, nullptr, 0, &host), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  cudaStream_t streams[2];
  for (cudaStream_t &stream : streams)
    ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  for (int i = 0; i < 6; ++i)
    ASSERT_EQ(cudaGraphLaunch(exec, streams[i % 2]), cudaSuccess);
  for (cudaStream_t stream : streams)
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(overlap.runs.load(), 6);
  EXPECT_EQ(overlap.overlaps.load(), 0);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  for (cudaStream_t stream : streams)
    EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeGraph, MemcpyAndMemsetNodes) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);

  // 1D: host -> device, then a 4-byte memset of the second half.
  std::vector<int> input(kCount);
  for (int i = 0; i < kCount; ++i)
    input[i] = i;
  cudaGraphNode_t upload = nullptr, fill = nullptr;
  ASSERT_EQ(cudaGraphAddMemcpyNode1D(&upload, graph, nullptr, 0, device, input.data(),
                                     kBytes, cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaMemsetParams memset{};
  memset.dst = device + kCount / 2;
  memset.value = 0x01020304;
  memset.elementSize = 4;
  memset.width = kCount / 2;
  memset.height = 1;
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, &upload, 1, &memset), cudaSuccess);
  run(graph);
  std::vector<int> result = readBack();
  for (int i = 0; i < kCount; ++i)
    ASSERT_EQ(result[i], i < kCount / 2 ? i : 0x01020304) << i;

  cudaMemsetParams stored{};
  ASSERT_EQ(cudaGraphMemsetNodeGetParams(fill, &stored), cudaSuccess);
  EXPECT_EQ(stored.value, 0x01020304u);
  EXPECT_EQ(stored.width, size_t(kCount / 2));
  memset.elementSize = 2;
  memset.value = 0xABCD;
  memset.width = kCount; // 2-byte elements: the same bytes
  ASSERT_EQ(cudaGraphMemsetNodeSetParams(fill, &memset), cudaSuccess);
  cudaMemcpy3DParms copy{};
  ASSERT_EQ(cudaGraphMemcpyNodeGetParams(upload, &copy), cudaSuccess);
  EXPECT_EQ(copy.dstPtr.ptr, device);
  EXPECT_EQ(copy.extent.width, kBytes);
  ASSERT_EQ(cudaGraphMemcpyNodeSetParams1D(upload, device, input.data(), kBytes / 2,
                                           cudaMemcpyHostToDevice),
            cudaSuccess);
  run(graph);
  result = readBack();
  for (int i = kCount / 2; i < kCount; ++i)
    ASSERT_EQ(unsigned(result[i]), 0xABCDABCDu) << i;

  // Pitched 3D: a 3-row x 8-int block into a pitched buffer at (x=2, y=1),
  // and back out into a dense host matrix.
  void *pitched = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMalloc(&pitched, 64 * 6), cudaSuccess);
  pitch = 64;
  ASSERT_EQ(cudaMemset(pitched, 0, 64 * 6), cudaSuccess);
  std::vector<int> block(24), back(24 * 2, -1);
  for (int i = 0; i < 24; ++i)
    block[i] = 1000 + i;
  cudaGraph_t pitchedGraph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&pitchedGraph, 0), cudaSuccess);
  cudaMemcpy3DParms in{};
  in.srcPtr = make_cudaPitchedPtr(block.data(), 8 * sizeof(int), 8, 3);
  in.dstPtr = make_cudaPitchedPtr(pitched, pitch, 16, 6);
  in.dstPos = make_cudaPos(2 * sizeof(int), 1, 0);
  in.extent = make_cudaExtent(8 * sizeof(int), 3, 1);
  in.kind = cudaMemcpyHostToDevice;
  cudaMemcpy3DParms out{};
  out.srcPtr = make_cudaPitchedPtr(pitched, pitch, 16, 6);
  out.dstPtr = make_cudaPitchedPtr(back.data(), 16 * sizeof(int), 16, 3);
  out.extent = make_cudaExtent(16 * sizeof(int), 3, 1);
  out.srcPos = make_cudaPos(0, 1, 0);
  out.kind = cudaMemcpyDefault;
  cudaGraphNode_t inNode = nullptr, outNode = nullptr;
  ASSERT_EQ(cudaGraphAddMemcpyNode(&inNode, pitchedGraph, nullptr, 0, &in), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemcpyNode(&outNode, pitchedGraph, &inNode, 1, &out),
            cudaSuccess);
  run(pitchedGraph);
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 16; ++col) {
      int expected = col >= 2 && col < 10 ? 1000 + row * 8 + col - 2 : 0;
      ASSERT_EQ(back[row * 16 + col], expected) << row << "," << col;
    }

  // Wrong parameters.
  cudaGraphNode_t bad = nullptr;
  cudaMemcpy3DParms wrong = in;
  wrong.extent = make_cudaExtent(8 * sizeof(int), 6, 1); // past the pitched buffer
  EXPECT_EQ(cudaGraphAddMemcpyNode(&bad, pitchedGraph, nullptr, 0, &wrong),
            cudaErrorInvalidValue);
  wrong = in;
  wrong.dstArray = reinterpret_cast<cudaArray_t>(&wrong); // arrays: not linear memory
  EXPECT_EQ(cudaGraphAddMemcpyNode(&bad, pitchedGraph, nullptr, 0, &wrong),
            cudaErrorInvalidValue);
  wrong = in;
  wrong.kind = static_cast<cudaMemcpyKind>(9);
  EXPECT_EQ(cudaGraphAddMemcpyNode(&bad, pitchedGraph, nullptr, 0, &wrong),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaGraphAddMemcpyNode1D(&bad, graph, nullptr, 0, device, input.data(),
                                     kBytes + 4, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  memset.elementSize = 3;
  EXPECT_EQ(cudaGraphAddMemsetNode(&bad, graph, nullptr, 0, &memset),
            cudaErrorInvalidValue);
  memset.elementSize = 4;
  memset.width = 8;
  memset.height = 2;
  memset.pitch = 16; // less than a row
  EXPECT_EQ(cudaGraphAddMemsetNode(&bad, graph, nullptr, 0, &memset),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphMemsetNodeGetParams(upload, &stored), cudaErrorInvalidValue);

  EXPECT_EQ(cudaGraphDestroy(pitchedGraph), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaFree(pitched), cudaSuccess);
}

TEST_F(RuntimeGraph, HostEmptyAndEventNodes) {
  std::atomic<int> counter{0};
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaEvent_t event = nullptr, other = nullptr;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&other), cudaSuccess);

  cudaHostNodeParams host{increment, &counter};
  cudaGraphNode_t hostNode = nullptr, empty = nullptr, record = nullptr, wait = nullptr;
  ASSERT_EQ(cudaGraphAddHostNode(&hostNode, graph, nullptr, 0, &host), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&empty, graph, &hostNode, 1), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEventRecordNode(&record, graph, &empty, 1, event), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEventWaitNode(&wait, graph, &record, 1, event), cudaSuccess);
  EXPECT_EQ(typeOf(hostNode), cudaGraphNodeTypeHost);
  EXPECT_EQ(typeOf(empty), cudaGraphNodeTypeEmpty);
  EXPECT_EQ(typeOf(record), cudaGraphNodeTypeEventRecord);
  EXPECT_EQ(typeOf(wait), cudaGraphNodeTypeWaitEvent);

  cudaHostNodeParams stored{};
  ASSERT_EQ(cudaGraphHostNodeGetParams(hostNode, &stored), cudaSuccess);
  EXPECT_EQ(stored.fn, &increment);
  EXPECT_EQ(stored.userData, &counter);
  cudaEvent_t got = nullptr;
  ASSERT_EQ(cudaGraphEventRecordNodeGetEvent(record, &got), cudaSuccess);
  EXPECT_EQ(got, event);
  ASSERT_EQ(cudaGraphEventWaitNodeGetEvent(wait, &got), cudaSuccess);
  EXPECT_EQ(got, event);
  ASSERT_EQ(cudaGraphEventWaitNodeSetEvent(wait, other), cudaSuccess);
  ASSERT_EQ(cudaGraphEventWaitNodeGetEvent(wait, &got), cudaSuccess);
  EXPECT_EQ(got, other);
  ASSERT_EQ(cudaGraphEventRecordNodeSetEvent(record, other), cudaSuccess);
  ASSERT_EQ(cudaGraphEventRecordNodeSetEvent(record, event), cudaSuccess);

  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(event), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess);
  EXPECT_EQ(counter.load(), 1) << "the record follows the host node";

  host.fn = addTen;
  ASSERT_EQ(cudaGraphHostNodeSetParams(hostNode, &host), cudaSuccess);
  ASSERT_EQ(cudaGraphExecEventRecordNodeSetEvent(exec, record, other), cudaSuccess);
  ASSERT_EQ(cudaGraphExecEventWaitNodeSetEvent(exec, wait, event), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(other), cudaSuccess);
  EXPECT_EQ(counter.load(), 2) << "the exec kept the old host function";
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  run(graph);
  EXPECT_EQ(counter.load(), 12);

  // Wrong kinds and handles.
  EXPECT_EQ(cudaGraphHostNodeGetParams(empty, &stored), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphEventRecordNodeGetEvent(wait, &got), cudaErrorInvalidValue);
  cudaGraphNode_t bad = nullptr;
  host.fn = nullptr;
  EXPECT_EQ(cudaGraphAddHostNode(&bad, graph, nullptr, 0, &host), cudaErrorInvalidValue);
  // Setting a null function, null parameters or another kind's parameters
  // is refused and changes nothing.
  EXPECT_EQ(cudaGraphHostNodeSetParams(hostNode, &host), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphHostNodeSetParams(hostNode, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphHostNodeGetParams(hostNode, nullptr), cudaErrorInvalidValue);
  cudaMemsetParams notHost{};
  EXPECT_EQ(cudaGraphMemsetNodeSetParams(hostNode, &notHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphMemsetNodeGetParams(hostNode, &notHost), cudaErrorInvalidValue);
  cudaMemcpy3DParms notCopy{};
  EXPECT_EQ(cudaGraphMemcpyNodeGetParams(hostNode, &notCopy), cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphHostNodeGetParams(hostNode, &stored), cudaSuccess);
  EXPECT_EQ(stored.fn, addTen);
  EXPECT_EQ(cudaGraphAddEventRecordNode(&bad, graph, nullptr, 0, nullptr),
            cudaErrorInvalidValue);
  cudaGraphNode_t twice[] = {hostNode, hostNode};
  EXPECT_EQ(cudaGraphAddEmptyNode(&bad, graph, twice, 2), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphAddEmptyNode(&bad, graph, nullptr, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphAddEmptyNode(nullptr, graph, nullptr, 0), cudaErrorInvalidValue);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(other), cudaSuccess);
}

TEST_F(RuntimeGraph, ChildGraphNode) {
  cudaGraph_t child = nullptr, parent = nullptr;
  ASSERT_EQ(cudaGraphCreate(&child, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphCreate(&parent, 0), cudaSuccess);
  Arguments add{device, 2}, mul{device, 5};
  cudaKernelNodeParams addParams = kernelNode(addKernel(), add);
  cudaKernelNodeParams mulParams = kernelNode(mulKernel(), mul);
  cudaGraphNode_t addNode = nullptr, mulNode = nullptr, childNode = nullptr,
                  after = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&addNode, child, nullptr, 0, &addParams), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&mulNode, child, &addNode, 1, &mulParams),
            cudaSuccess);
  ASSERT_EQ(cudaGraphAddChildGraphNode(&childNode, parent, nullptr, 0, child),
            cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&after, parent, &childNode, 1, &addParams),
            cudaSuccess);
  // The child node holds a copy: changing `child` now does not change it.
  cudaGraphNode_t extra = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&extra, child, &mulNode, 1, &mulParams), cudaSuccess);

  cudaGraph_t embedded = nullptr;
  ASSERT_EQ(cudaGraphChildGraphNodeGetGraph(childNode, &embedded), cudaSuccess);
  EXPECT_EQ(nodesOf(embedded).size(), 2u);
  EXPECT_EQ(typeOf(childNode), cudaGraphNodeTypeGraph);
  EXPECT_EQ(cudaGraphDestroy(embedded), cudaErrorInvalidValue) << "owned by its node";
  EXPECT_EQ(cudaGraphChildGraphNodeGetGraph(after, &embedded), cudaErrorInvalidValue);

  run(parent);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (0 + 2) * 5 + 2));
  EXPECT_EQ(cudaGraphDestroy(child), cudaSuccess);
  run(parent); // unaffected by the destruction of the graph it copied
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (12 + 2) * 5 + 2));

  // An exec's copy of the child takes the parameters of a graph of the
  // same shape.
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, parent, 0), cudaSuccess);
  cudaGraph_t same = nullptr, single = nullptr;
  ASSERT_EQ(cudaGraphCreate(&same, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphCreate(&single, 0), cudaSuccess);
  Arguments add3{device, 3}, mul4{device, 4};
  cudaKernelNodeParams add3Params = kernelNode(addKernel(), add3);
  cudaKernelNodeParams mul4Params = kernelNode(mulKernel(), mul4);
  cudaGraphNode_t first = nullptr, second = nullptr, lone = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&first, same, nullptr, 0, &add3Params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&second, same, &first, 1, &mul4Params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&lone, single, nullptr, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphExecChildGraphNodeSetParams(exec, childNode, same), cudaSuccess);
  EXPECT_EQ(cudaGraphExecChildGraphNodeSetParams(exec, childNode, single),
            cudaErrorInvalidValue)
      << "another shape";
  EXPECT_EQ(cudaGraphExecChildGraphNodeSetParams(exec, after, same),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMemset(device, 0, kBytes), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (0 + 3) * 4 + 2));
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(same), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(single), cudaSuccess);

  EXPECT_EQ(cudaGraphDestroy(parent), cudaSuccess);
  cudaGraphNodeType type;
  EXPECT_EQ(cudaGraphNodeGetType(childNode, &type), cudaErrorInvalidValue);
}

TEST_F(RuntimeGraph, Topology) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  // Made in the reverse of the order they must run in: mul, then add, then
  // the memset; the edges say memset -> add -> mul.
  Arguments add{device, 1}, mul{device, 3};
  cudaKernelNodeParams addParams = kernelNode(addKernel(), add);
  cudaKernelNodeParams mulParams = kernelNode(mulKernel(), mul);
  cudaGraphNode_t mulNode = nullptr, addNode = nullptr, fill = nullptr, side = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&mulNode, graph, nullptr, 0, &mulParams), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&addNode, graph, nullptr, 0, &addParams), cudaSuccess);
  cudaMemsetParams memset{device, 0, 0, 1, kBytes, 1};
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, nullptr, 0, &memset), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&side, graph, nullptr, 0), cudaSuccess);
  cudaGraphNode_t from[] = {fill, addNode, fill, side};
  cudaGraphNode_t to[] = {addNode, mulNode, side, mulNode};
  ASSERT_EQ(cudaGraphAddDependencies(graph, from, to, nullptr, 4), cudaSuccess);

  EXPECT_EQ(nodesOf(graph).size(), 4u);
  EXPECT_EQ(edgeCount(graph), 4u);
  size_t rootCount = 0;
  ASSERT_EQ(cudaGraphGetRootNodes(graph, nullptr, &rootCount), cudaSuccess);
  ASSERT_EQ(rootCount, 1u);
  cudaGraphNode_t root = nullptr;
  ASSERT_EQ(cudaGraphGetRootNodes(graph, &root, &rootCount), cudaSuccess);
  EXPECT_EQ(root, fill);
  EXPECT_EQ(dependencyCount(mulNode), 2u);
  cudaGraphNode_t dependents[3] = {};
  cudaGraphEdgeData edges[3];
  std::memset(edges, 0xFF, sizeof edges);
  size_t count = 3;
  ASSERT_EQ(cudaGraphNodeGetDependentNodes(fill, dependents, edges, &count), cudaSuccess);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(dependents[0], addNode);
  EXPECT_EQ(dependents[1], side);
  EXPECT_EQ(dependents[2], nullptr) << "unused entries are nulled";
  EXPECT_EQ(edges[0].type, cudaGraphDependencyTypeDefault);
  EXPECT_EQ(edges[0].from_port, 0);
  std::vector<cudaGraphNode_t> sources(4), targets(4);
  count = 4;
  ASSERT_EQ(cudaGraphGetEdges(graph, sources.data(), targets.data(), nullptr, &count),
            cudaSuccess);
  EXPECT_EQ(count, 4u);
  int fillToAdd = 0;
  for (size_t i = 0; i < count; ++i)
    fillToAdd += sources[i] == fill && targets[i] == addNode;
  EXPECT_EQ(fillToAdd, 1);

  run(graph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (0 + 1) * 3)) << "ran by the edges";

  // Edges that exist / do not exist.
  EXPECT_EQ(cudaGraphAddDependencies(graph, from, to, nullptr, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphAddDependencies(graph, &fill, &fill, nullptr, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphRemoveDependencies(graph, &mulNode, &fill, nullptr, 1),
            cudaErrorInvalidValue);
  cudaGraphEdgeData programmatic{};
  programmatic.type = cudaGraphDependencyTypeProgrammatic;
  EXPECT_EQ(cudaGraphAddDependencies(graph, &side, &addNode, &programmatic, 1),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphRemoveDependencies(graph, &fill, &side, nullptr, 1), cudaSuccess);
  EXPECT_EQ(edgeCount(graph), 3u);
  ASSERT_EQ(cudaGraphGetRootNodes(graph, nullptr, &rootCount), cudaSuccess);
  EXPECT_EQ(rootCount, 2u);

  // A cycle cannot be instantiated.
  ASSERT_EQ(cudaGraphAddDependencies(graph, &mulNode, &fill, nullptr, 1), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  EXPECT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaErrorInvalidValue);
  cudaGraphInstantiateParams params{};
  EXPECT_EQ(cudaGraphInstantiateWithParams(&exec, graph, &params), cudaErrorInvalidValue);
  EXPECT_EQ(params.result_out, cudaGraphInstantiateInvalidStructure);
  ASSERT_EQ(cudaGraphRemoveDependencies(graph, &mulNode, &fill, nullptr, 1), cudaSuccess);

  // Destroying a node takes its edges with it.
  ASSERT_EQ(cudaGraphDestroyNode(side), cudaSuccess);
  EXPECT_EQ(nodesOf(graph).size(), 3u);
  EXPECT_EQ(edgeCount(graph), 2u);
  EXPECT_EQ(dependencyCount(mulNode), 1u);
  EXPECT_EQ(cudaGraphDestroyNode(side), cudaErrorInvalidValue);
  cudaGraphNodeType type;
  EXPECT_EQ(cudaGraphNodeGetType(side, &type), cudaErrorInvalidValue);

  // A node of another graph cannot be a dependency.
  cudaGraph_t other = nullptr;
  ASSERT_EQ(cudaGraphCreate(&other, 0), cudaSuccess);
  cudaGraphNode_t foreign = nullptr;
  EXPECT_EQ(cudaGraphAddEmptyNode(&foreign, other, &fill, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(other), cudaSuccess);

  // A larger buffer than needed: the count becomes the nodes written.
  std::vector<cudaGraphNode_t> all(8, reinterpret_cast<cudaGraphNode_t>(1));
  count = all.size();
  ASSERT_EQ(cudaGraphGetNodes(graph, all.data(), &count), cudaSuccess);
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(all[3], nullptr);
  EXPECT_EQ(cudaGraphGetNodes(graph, all.data(), nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

TEST_F(RuntimeGraph, CloneAndFindInClone) {
  cudaGraph_t graph = nullptr, clone = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments add{device, 4};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  cudaGraphNode_t node = nullptr, tail = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&node, graph, nullptr, 0, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&tail, graph, &node, 1), cudaSuccess);
  ASSERT_EQ(cudaGraphClone(&clone, graph), cudaSuccess);

  cudaGraphNode_t copy = nullptr;
  ASSERT_EQ(cudaGraphNodeFindInClone(&copy, node, clone), cudaSuccess);
  EXPECT_NE(copy, node);
  EXPECT_EQ(typeOf(copy), cudaGraphNodeTypeKernel);
  cudaKernelNodeParams stored{};
  ASSERT_EQ(cudaGraphKernelNodeGetParams(copy, &stored), cudaSuccess);
  EXPECT_EQ(*static_cast<int *>(stored.kernelParams[1]), 4);
  EXPECT_EQ(edgeCount(clone), 1u);
  EXPECT_EQ(cudaGraphNodeFindInClone(&copy, node, graph), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphNodeFindInClone(&copy, nullptr, clone), cudaErrorInvalidValue);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  run(clone, 2);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 8));
  EXPECT_EQ(cudaGraphClone(&clone, graph), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(clone), cudaSuccess);
}

TEST_F(RuntimeGraph, ExecSetParamsAndUpdate) {
  std::atomic<int> counter{0};
  int *second = nullptr;
  ASSERT_EQ(cudaMalloc(&second, kBytes), cudaSuccess);
  std::vector<int> host(kCount, -1);

  // memset(0) -> add(5) -> host -> copy to `second`.
  auto build = [&](int value, cudaGraph_t *out, cudaGraphNode_t nodes[4]) {
    ASSERT_EQ(cudaGraphCreate(out, 0), cudaSuccess);
    cudaMemsetParams memset{device, 0, 0, 4, kCount, 1};
    Arguments add{device, value};
    cudaKernelNodeParams params = kernelNode(addKernel(), add);
    cudaHostNodeParams hostFn{increment, &counter};
    ASSERT_EQ(cudaGraphAddMemsetNode(&nodes[0], *out, nullptr, 0, &memset), cudaSuccess);
    ASSERT_EQ(cudaGraphAddKernelNode(&nodes[1], *out, &nodes[0], 1, &params),
              cudaSuccess);
    ASSERT_EQ(cudaGraphAddHostNode(&nodes[2], *out, &nodes[1], 1, &hostFn), cudaSuccess);
    ASSERT_EQ(cudaGraphAddMemcpyNode1D(&nodes[3], *out, &nodes[2], 1, second, device,
                                       kBytes, cudaMemcpyDeviceToDevice),
              cudaSuccess);
  };
  cudaGraph_t graph = nullptr;
  cudaGraphNode_t nodes[4];
  build(5, &graph, nodes);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiateWithFlags(&exec, graph,
                                          cudaGraphInstantiateFlagAutoFreeOnLaunch),
            cudaSuccess);
  unsigned long long flags = 0;
  ASSERT_EQ(cudaGraphExecGetFlags(exec, &flags), cudaSuccess);
  EXPECT_EQ(flags,
            static_cast<unsigned long long>(cudaGraphInstantiateFlagAutoFreeOnLaunch));
  ASSERT_EQ(cudaGraphUpload(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(second), std::vector<int>(kCount, 5));

  // Exec parameters change the exec, not the graph.
  Arguments add{device, 9};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  ASSERT_EQ(cudaGraphExecKernelNodeSetParams(exec, nodes[1], &params), cudaSuccess);
  cudaMemsetParams memset{device, 0, 10, 4, kCount, 1};
  ASSERT_EQ(cudaGraphExecMemsetNodeSetParams(exec, nodes[0], &memset), cudaSuccess);
  cudaHostNodeParams hostFn{addTen, &counter};
  ASSERT_EQ(cudaGraphExecHostNodeSetParams(exec, nodes[2], &hostFn), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(second), std::vector<int>(kCount, 19));
  EXPECT_EQ(counter.load(), 11);
  cudaKernelNodeParams stored{};
  ASSERT_EQ(cudaGraphKernelNodeGetParams(nodes[1], &stored), cudaSuccess);
  EXPECT_EQ(*static_cast<int *>(stored.kernelParams[1]), 5);

  // Disabled nodes do nothing.
  ASSERT_EQ(cudaGraphNodeSetEnabled(exec, nodes[1], 0), cudaSuccess);
  unsigned enabled = 7;
  ASSERT_EQ(cudaGraphNodeGetEnabled(exec, nodes[1], &enabled), cudaSuccess);
  EXPECT_EQ(enabled, 0u);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(second), std::vector<int>(kCount, 10));
  ASSERT_EQ(cudaGraphNodeSetEnabled(exec, nodes[1], 1), cudaSuccess);
  EXPECT_EQ(cudaGraphNodeSetEnabled(exec, nodes[2], 0), cudaErrorInvalidValue)
      << "host nodes cannot be disabled";

  // The copy goes elsewhere.
  ASSERT_EQ(cudaGraphExecMemcpyNodeSetParams1D(exec, nodes[3], host.data(), device,
                                               kBytes, cudaMemcpyDeviceToHost),
            cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(host, std::vector<int>(kCount, 19));
  EXPECT_EQ(cudaGraphExecKernelNodeSetParams(exec, nodes[0], &params),
            cudaErrorInvalidValue);

  // Whole-graph update: same topology, new values.
  cudaGraph_t updated = nullptr;
  cudaGraphNode_t updatedNodes[4];
  build(40, &updated, updatedNodes);
  cudaGraphExecUpdateResultInfo info{};
  ASSERT_EQ(cudaGraphExecUpdate(exec, updated, &info), cudaSuccess);
  EXPECT_EQ(info.result, cudaGraphExecUpdateSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(second), std::vector<int>(kCount, 40));
  // A graph of another shape cannot update it.
  cudaGraphNode_t extra = nullptr;
  ASSERT_EQ(cudaGraphAddEmptyNode(&extra, updated, nullptr, 0), cudaSuccess);
  EXPECT_EQ(cudaGraphExecUpdate(exec, updated, &info), cudaErrorGraphExecUpdateFailure);
  EXPECT_EQ(info.result, cudaGraphExecUpdateErrorTopologyChanged);
  EXPECT_EQ(cudaGraphExecUpdate(exec, updated, nullptr), cudaErrorInvalidValue);

  // Flags and instantiation parameters.
  cudaGraphExec_t other = nullptr;
  EXPECT_EQ(cudaGraphInstantiateWithFlags(&other, graph, 1ull << 40),
            cudaErrorInvalidValue);
  EXPECT_EQ(
      cudaGraphInstantiateWithFlags(&other, graph, cudaGraphInstantiateFlagDeviceLaunch),
      cudaErrorNotSupported);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  cudaGraphInstantiateParams instantiate{};
  instantiate.flags = cudaGraphInstantiateFlagUpload;
  instantiate.uploadStream = stream;
  instantiate.result_out = cudaGraphInstantiateError;
  ASSERT_EQ(cudaGraphInstantiateWithParams(&other, graph, &instantiate), cudaSuccess);
  EXPECT_EQ(instantiate.result_out, cudaGraphInstantiateSuccess);
  EXPECT_EQ(instantiate.errNode_out, nullptr);
  ASSERT_EQ(cudaGraphLaunch(other, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(readBack(second), std::vector<int>(kCount, 5));
  EXPECT_EQ(cudaGraphInstantiateWithParams(&other, graph, nullptr),
            cudaErrorInvalidValue);

  EXPECT_EQ(cudaGraphExecDestroy(other), cudaSuccess);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphUpload(exec, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphExecGetFlags(exec, &flags), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(updated), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(second), cudaSuccess);
}

TEST_F(RuntimeGraph, GenericNodeParams) {
  std::atomic<int> counter{0};
  cudaGraph_t graph = nullptr, child = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphCreate(&child, 0), cudaSuccess);

  cudaGraphNodeParams params{};
  params.type = cudaGraphNodeTypeMemset;
  params.memset = {device, 0, 3, 4, kCount, 1};
  cudaGraphNode_t fill = nullptr, kernel = nullptr, host = nullptr, childNode = nullptr;
  ASSERT_EQ(cudaGraphAddNode(&fill, graph, nullptr, nullptr, 0, &params), cudaSuccess);

  Arguments mul{device, 7};
  params = {};
  params.type = cudaGraphNodeTypeKernel;
  params.kernel = {
      const_cast<void *>(mulKernel()), dim3(2), dim3(128), 0, mul.pointers, nullptr};
  cudaGraphEdgeData edge{};
  ASSERT_EQ(cudaGraphAddNode(&kernel, graph, &fill, &edge, 1, &params), cudaSuccess);

  params = {};
  params.type = cudaGraphNodeTypeHost;
  params.host = {increment, &counter};
  ASSERT_EQ(cudaGraphAddNode(&host, graph, &kernel, nullptr, 1, &params), cudaSuccess);

  Arguments add{device, 1};
  cudaKernelNodeParams addParams = kernelNode(addKernel(), add);
  cudaGraphNode_t inChild = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&inChild, child, nullptr, 0, &addParams), cudaSuccess);
  params = {};
  params.type = cudaGraphNodeTypeGraph;
  params.graph = {child, cudaGraphChildGraphOwnershipMove};
  cudaGraphNode_t failed = nullptr, twice[] = {host, host};
  EXPECT_EQ(cudaGraphAddNode(&failed, graph, twice, nullptr, 2, &params),
            cudaErrorInvalidValue);
  EXPECT_EQ(nodesOf(child).size(), 1u) << "a failed move leaves the graph alone";
  ASSERT_EQ(cudaGraphAddNode(&childNode, graph, &host, nullptr, 1, &params), cudaSuccess);
  cudaGraph_t embedded = nullptr;
  ASSERT_EQ(cudaGraphChildGraphNodeGetGraph(childNode, &embedded), cudaSuccess);
  EXPECT_EQ(embedded, child) << "moved, not copied";

  run(graph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 3 * 7 + 1));
  EXPECT_EQ(counter.load(), 1);

  // Changing a node's parameters through the generic call.
  params = {};
  params.type = cudaGraphNodeTypeMemset;
  params.memset = {device, 0, 2, 4, kCount, 1};
  ASSERT_EQ(cudaGraphNodeSetParams(fill, &params), cudaSuccess);
  params.type = cudaGraphNodeTypeHost;
  EXPECT_EQ(cudaGraphNodeSetParams(fill, &params), cudaErrorInvalidValue)
      << "kind differs";
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  params = {};
  params.type = cudaGraphNodeTypeMemset;
  params.memset = {device, 0, 1, 4, kCount, 1};
  ASSERT_EQ(cudaGraphExecNodeSetParams(exec, fill, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 1 * 7 + 1));
  EXPECT_EQ(cudaGraphExecNodeSetParams(exec, kernel, &params), cudaErrorInvalidValue);

  // Kinds cuport does not model.
  params = {};
  params.type = cudaGraphNodeTypeExtSemaphoreSignal;
  cudaGraphNode_t bad = nullptr;
  EXPECT_EQ(cudaGraphAddNode(&bad, graph, nullptr, nullptr, 0, &params),
            cudaErrorNotSupported);
  params.type = cudaGraphNodeTypeMemAlloc; // with no size
  EXPECT_EQ(cudaGraphAddNode(&bad, graph, nullptr, nullptr, 0, &params),
            cudaErrorInvalidValue);

  // Memory nodes through the generic call.
  cudaGraph_t memoryGraph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&memoryGraph, 0), cudaSuccess);
  params = {};
  params.type = cudaGraphNodeTypeMemAlloc;
  params.alloc.poolProps.allocType = cudaMemAllocationTypePinned;
  params.alloc.poolProps.location = {cudaMemLocationTypeDevice, 0};
  params.alloc.bytesize = 4096;
  cudaGraphNode_t allocNode = nullptr, freeNode = nullptr;
  ASSERT_EQ(cudaGraphAddNode(&allocNode, memoryGraph, nullptr, nullptr, 0, &params),
            cudaSuccess);
  void *dptr = params.alloc.dptr;
  ASSERT_NE(dptr, nullptr);
  params = {};
  params.type = cudaGraphNodeTypeMemFree;
  params.free.dptr = dptr;
  ASSERT_EQ(cudaGraphAddNode(&freeNode, memoryGraph, &allocNode, nullptr, 1, &params),
            cudaSuccess);
  run(memoryGraph);
  EXPECT_EQ(cudaGraphDestroy(memoryGraph), cudaSuccess);
  params.type = cudaGraphNodeTypeConditional;
  EXPECT_EQ(cudaGraphAddNode(&bad, graph, nullptr, nullptr, 0, &params),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphAddNode(&bad, graph, nullptr, nullptr, 0, nullptr),
            cudaErrorInvalidValue);

  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(child), cudaErrorInvalidValue) << "went with its owner";
}

TEST_F(RuntimeGraph, DebugDotPrint) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments add{device, 1};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  cudaGraphNode_t kernel = nullptr, empty = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&kernel, graph, nullptr, 0, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddEmptyNode(&empty, graph, &kernel, 1), cudaSuccess);
  std::string path = ::testing::TempDir() + "cuport_graph.dot";
  ASSERT_EQ(cudaGraphDebugDotPrint(graph, path.c_str(), cudaGraphDebugDotFlagsVerbose),
            cudaSuccess);
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::string dot = text.str();
  EXPECT_EQ(dot.rfind("digraph", 0), 0u) << dot;
  EXPECT_NE(dot.find("addValue"), std::string::npos) << dot;
  EXPECT_NE(dot.find("empty"), std::string::npos) << dot;
  EXPECT_NE(dot.find("->"), std::string::npos) << dot;
  std::remove(path.c_str());
  EXPECT_EQ(cudaGraphDebugDotPrint(graph, nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDebugDotPrint(graph, "/nonexistent-dir/x.dot", 0),
            cudaErrorOperatingSystem);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

/// A 64-byte __device__ array `table`, registered as nvcc registers it.
const char *const kTablePtx = R"(
.version 9.0
.target sm_75
.address_size 64

.global .align 4 .b8 table[64];

.visible .entry touchTable()
{
	ret;
}
)";

TEST_F(RuntimeGraph, SymbolCopyNodes) {
  static RegisteredPtx tableProgram(kTablePtx, {"touchTable"});
  static int shadow[16];
  static bool registered = false;
  if (!registered) {
    __cudaRegisterVar(tableProgram.handle(), reinterpret_cast<char *>(shadow),
                      const_cast<char *>("table"), "table", 0, sizeof shadow, 0, 0);
    registered = true;
  }
  int input[16], other[16], output[8] = {};
  for (int i = 0; i < 16; ++i) {
    input[i] = 100 + i;
    other[i] = 200 + i;
  }
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaGraphNode_t to = nullptr, from = nullptr;
  ASSERT_EQ(cudaGraphAddMemcpyNodeToSymbol(&to, graph, nullptr, 0, shadow, input,
                                           sizeof input, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemcpyNodeFromSymbol(&from, graph, &to, 1, output, shadow,
                                             sizeof output, 4 * sizeof(int),
                                             cudaMemcpyDefault),
            cudaSuccess);
  EXPECT_EQ(typeOf(to), cudaGraphNodeTypeMemcpy);
  run(graph);
  for (int i = 0; i < 8; ++i)
    ASSERT_EQ(output[i], 104 + i) << i;

  ASSERT_EQ(cudaGraphMemcpyNodeSetParamsToSymbol(to, shadow, other, sizeof other, 0,
                                                 cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaGraphMemcpyNodeSetParamsFromSymbol(from, output, shadow, sizeof output, 0,
                                                   cudaMemcpyDeviceToHost),
            cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphExecMemcpyNodeSetParamsFromSymbol(exec, from, output, shadow,
                                                       sizeof output, 8 * sizeof(int),
                                                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  ASSERT_EQ(cudaGraphExecMemcpyNodeSetParamsToSymbol(
                exec, to, shadow, input, sizeof input, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  for (int i = 0; i < 8; ++i)
    ASSERT_EQ(output[i], 108 + i) << i;
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);

  cudaGraphNode_t bad = nullptr;
  EXPECT_EQ(cudaGraphAddMemcpyNodeToSymbol(&bad, graph, nullptr, 0, input, input, 4, 0,
                                           cudaMemcpyHostToDevice),
            cudaErrorInvalidSymbol);
  EXPECT_EQ(cudaGraphAddMemcpyNodeToSymbol(&bad, graph, nullptr, 0, shadow, input,
                                           sizeof input, 4, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphAddMemcpyNodeToSymbol(&bad, graph, nullptr, 0, shadow, input, 4, 0,
                                           cudaMemcpyDeviceToHost),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaGraphMemcpyNodeSetParamsToSymbol(nullptr, shadow, input, 4, 0,
                                                 cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

std::atomic<int> destroyed{0};
void destroyObject(void *) { ++destroyed; }

TEST_F(RuntimeGraph, UserObjects) {
  destroyed = 0;
  cudaUserObject_t object = nullptr;
  EXPECT_EQ(cudaUserObjectCreate(&object, nullptr, destroyObject, 1, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaUserObjectCreate(&object, nullptr, destroyObject, 0,
                                 cudaUserObjectNoDestructorSync),
            cudaErrorInvalidValue);
  EXPECT_EQ(
      cudaUserObjectCreate(&object, nullptr, nullptr, 1, cudaUserObjectNoDestructorSync),
      cudaErrorInvalidValue);
  ASSERT_EQ(cudaUserObjectCreate(&object, &destroyed, destroyObject, 1,
                                 cudaUserObjectNoDestructorSync),
            cudaSuccess);
  ASSERT_EQ(cudaUserObjectRetain(object, 2), cudaSuccess);
  ASSERT_EQ(cudaUserObjectRelease(object, 2), cudaSuccess);
  EXPECT_EQ(destroyed.load(), 0);
  EXPECT_EQ(cudaUserObjectRetain(object, 0), cudaErrorInvalidValue);

  // The graph takes the caller's reference; the exec holds its own.
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphRetainUserObject(graph, object, 1, cudaGraphUserObjectMove),
            cudaSuccess);
  cudaGraph_t clone = nullptr;
  ASSERT_EQ(cudaGraphClone(&clone, graph), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  EXPECT_EQ(cudaGraphReleaseUserObject(graph, object, 2), cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroy(clone), cudaSuccess);
  EXPECT_EQ(destroyed.load(), 0);
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(cudaUserObjectRelease(object, 1), cudaErrorInvalidValue) << "already gone";

  // Retain without move, release by the graph.
  ASSERT_EQ(cudaUserObjectCreate(&object, nullptr, destroyObject, 1,
                                 cudaUserObjectNoDestructorSync),
            cudaSuccess);
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphRetainUserObject(graph, object, 3, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphReleaseUserObject(graph, object, 3), cudaSuccess);
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(cudaGraphRetainUserObject(graph, object, 1, 2), cudaErrorInvalidValue);
  ASSERT_EQ(cudaUserObjectRelease(object, 1), cudaSuccess);
  EXPECT_EQ(destroyed.load(), 2);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

uint64_t graphMemory(cudaGraphMemAttributeType attr) {
  uint64_t value = ~0ull;
  EXPECT_EQ(cudaDeviceGetGraphMemAttribute(0, attr, &value), cudaSuccess);
  return value;
}

TEST_F(RuntimeGraph, MemoryNodes) {
  const uint64_t usedBefore = graphMemory(cudaGraphMemAttrUsedMemCurrent);
  const uint64_t reservedBefore = graphMemory(cudaGraphMemAttrReservedMemCurrent);
  std::vector<int> output(kCount, -1);

  // alloc -> memset -> add(3) -> copy out -> free
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaMemAccessDesc access{};
  access.location = {cudaMemLocationTypeDevice, 0};
  access.flags = cudaMemAccessFlagsProtReadWrite;
  cudaMemAllocNodeParams alloc{};
  alloc.poolProps.allocType = cudaMemAllocationTypePinned;
  alloc.poolProps.location = {cudaMemLocationTypeDevice, 0};
  alloc.accessDescs = &access;
  alloc.accessDescCount = 1;
  alloc.bytesize = kBytes;
  cudaGraphNode_t allocNode = nullptr, fill = nullptr, kernel = nullptr, copy = nullptr,
                  freeNode = nullptr;
  ASSERT_EQ(cudaGraphAddMemAllocNode(&allocNode, graph, nullptr, 0, &alloc), cudaSuccess);
  ASSERT_NE(alloc.dptr, nullptr);
  int *memory = static_cast<int *>(alloc.dptr);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrReservedMemCurrent), reservedBefore + kBytes);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrUsedMemCurrent), usedBefore) << "not run yet";

  cudaMemsetParams memset{memory, 0, 0, 4, kCount, 1};
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, &allocNode, 1, &memset), cudaSuccess);
  Arguments add{memory, 3};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  ASSERT_EQ(cudaGraphAddKernelNode(&kernel, graph, &fill, 1, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemcpyNode1D(&copy, graph, &kernel, 1, output.data(), memory,
                                     kBytes, cudaMemcpyDeviceToHost),
            cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemFreeNode(&freeNode, graph, &copy, 1, memory), cudaSuccess);
  EXPECT_EQ(typeOf(allocNode), cudaGraphNodeTypeMemAlloc);
  EXPECT_EQ(typeOf(freeNode), cudaGraphNodeTypeMemFree);

  cudaMemAllocNodeParams stored{};
  ASSERT_EQ(cudaGraphMemAllocNodeGetParams(allocNode, &stored), cudaSuccess);
  EXPECT_EQ(stored.dptr, memory);
  EXPECT_EQ(stored.bytesize, kBytes);
  ASSERT_EQ(stored.accessDescCount, 1u);
  EXPECT_EQ(stored.accessDescs[0].flags, cudaMemAccessFlagsProtReadWrite);
  void *freed = nullptr;
  ASSERT_EQ(cudaGraphMemFreeNodeGetParams(freeNode, &freed), cudaSuccess);
  EXPECT_EQ(freed, memory);

  // CUDA's restrictions on graphs with memory nodes.
  cudaGraphNode_t bad = nullptr;
  EXPECT_EQ(cudaGraphAddMemFreeNode(&bad, graph, nullptr, 0, memory),
            cudaErrorInvalidValue)
      << "freed twice in one graph";
  EXPECT_EQ(cudaGraphAddMemFreeNode(&bad, graph, nullptr, 0, device),
            cudaErrorInvalidValue)
      << "not a graph allocation";
  cudaGraph_t clone = nullptr;
  EXPECT_EQ(cudaGraphClone(&clone, graph), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroyNode(kernel), cudaErrorNotSupported);
  cudaGraph_t parent = nullptr;
  ASSERT_EQ(cudaGraphCreate(&parent, 0), cudaSuccess);
  EXPECT_EQ(cudaGraphAddChildGraphNode(&bad, parent, nullptr, 0, graph),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(parent), cudaSuccess);
  cudaMemAllocNodeParams wrong = alloc;
  wrong.bytesize = 0;
  EXPECT_EQ(cudaGraphAddMemAllocNode(&bad, graph, nullptr, 0, &wrong),
            cudaErrorInvalidValue);
  wrong = alloc;
  wrong.poolProps.location.id = 42;
  EXPECT_EQ(cudaGraphAddMemAllocNode(&bad, graph, nullptr, 0, &wrong),
            cudaErrorInvalidValue);

  // Same address every launch; the allocation is gone after each.
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  cudaGraphExec_t second = nullptr;
  EXPECT_EQ(cudaGraphInstantiate(&second, graph, 0), cudaErrorNotSupported)
      << "one instantiation at a time";
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(output, std::vector<int>(kCount, 3));
  EXPECT_EQ(graphMemory(cudaGraphMemAttrUsedMemCurrent), usedBefore);
  EXPECT_GE(graphMemory(cudaGraphMemAttrUsedMemHigh), usedBefore + kBytes);
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrReservedMemCurrent), reservedBefore)
      << "released with its graph";

  // An allocation the graph does not free outlives the launch, blocks a
  // relaunch until freed, and is freed by cudaFree.
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemAllocNode(&allocNode, graph, nullptr, 0, &alloc), cudaSuccess);
  memory = static_cast<int *>(alloc.dptr);
  memset.dst = memory;
  memset.value = 9;
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, &allocNode, 1, &memset), cudaSuccess);
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrUsedMemCurrent), usedBefore + kBytes);
  EXPECT_EQ(readBack(memory), std::vector<int>(kCount, 9)) << "usable after the graph";
  EXPECT_EQ(cudaGraphLaunch(exec, nullptr), cudaErrorInvalidValue) << "still allocated";
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(readBack(memory), std::vector<int>(kCount, 9)) << "outlives its graph";
  ASSERT_EQ(cudaFree(memory), cudaSuccess);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrUsedMemCurrent), usedBefore);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrReservedMemCurrent), reservedBefore);
  EXPECT_EQ(cudaFree(memory), cudaErrorInvalidValue) << "freed already";

  // With cudaGraphInstantiateFlagAutoFreeOnLaunch a relaunch frees it.
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemAllocNode(&allocNode, graph, nullptr, 0, &alloc), cudaSuccess);
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, cudaGraphInstantiateFlagAutoFreeOnLaunch),
            cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaFree(alloc.dptr), cudaSuccess);
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroy(graph), cudaSuccess);

  // Trimming and the watermarks.
  EXPECT_EQ(cudaDeviceGraphMemTrim(0), cudaSuccess);
  EXPECT_EQ(cudaDeviceGraphMemTrim(99), cudaErrorInvalidDevice);
  uint64_t zero = 0;
  ASSERT_EQ(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &zero),
            cudaSuccess);
  EXPECT_EQ(graphMemory(cudaGraphMemAttrUsedMemHigh), usedBefore);
  EXPECT_EQ(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemCurrent, &zero),
            cudaErrorInvalidValue);
  uint64_t five = 5;
  EXPECT_EQ(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrReservedMemHigh, &five),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetGraphMemAttribute(0, cudaGraphMemAttrUsedMemCurrent, nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetGraphMemAttribute(-1, cudaGraphMemAttrUsedMemCurrent, &zero),
            cudaErrorInvalidDevice);
}

TEST_F(RuntimeGraph, PerThreadVariants) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments add{device, 6};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  cudaGraphNode_t node = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&node, graph, nullptr, 0, &params), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  cudaGraphInstantiateParams instantiate{};
  instantiate.flags = cudaGraphInstantiateFlagUpload;
  instantiate.uploadStream = nullptr;
  ASSERT_EQ(cudaGraphInstantiateWithParams_ptsz(&exec, graph, &instantiate), cudaSuccess);
  EXPECT_EQ(instantiate.result_out, cudaGraphInstantiateSuccess);
  ASSERT_EQ(cudaGraphUpload_ptsz(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch_ptsz(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 6));
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphLaunch_ptsz(exec, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Stream capture
//===----------------------------------------------------------------------===//

cudaStreamCaptureStatus captureStatus(cudaStream_t stream) {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatus(-1);
  EXPECT_EQ(cudaStreamIsCapturing(stream, &status), cudaSuccess);
  return status;
}

TEST_F(RuntimeCapture, KernelsCopiesAndHostFunctions) {
  std::atomic<int> counter{0};
  std::vector<int> input(kCount, 1), output(kCount, -1);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(captureStatus(stream), cudaStreamCaptureStatusNone);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(captureStatus(stream), cudaStreamCaptureStatusActive);
  cudaStreamCaptureStatus status;
  unsigned long long id = 0;
  cudaGraph_t capturing = nullptr;
  const cudaGraphNode_t *dependencies = nullptr;
  const cudaGraphEdgeData *edges = nullptr;
  size_t count = 99;
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, &id, &capturing, &dependencies,
                                     &edges, &count),
            cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  EXPECT_NE(id, 0u);
  EXPECT_NE(capturing, nullptr);
  EXPECT_EQ(count, 0u);

  ASSERT_EQ(cudaMemsetAsync(device, 0, kBytes, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(device, input.data(), kBytes, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 2, stream), cudaSuccess);
  ASSERT_EQ(launch(mulKernel(), device, 3, stream), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, increment, &counter), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpyAsync(output.data(), device, kBytes, cudaMemcpyDeviceToHost, stream),
      cudaSuccess);
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, &id, &capturing, &dependencies,
                                     &edges, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(typeOf(dependencies[0]), cudaGraphNodeTypeMemcpy);
  EXPECT_EQ(edges[0].type, cudaGraphDependencyTypeDefault);
  unsigned flags = 99;
  EXPECT_EQ(cudaGraphDestroy(capturing), cudaErrorInvalidValue) << "still being captured";
  EXPECT_EQ(cudaStreamGetFlags(stream, &flags), cudaSuccess) << "legal while capturing";
  EXPECT_EQ(flags, unsigned(cudaStreamNonBlocking));

  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(graph, capturing);
  EXPECT_EQ(captureStatus(stream), cudaStreamCaptureStatusNone);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(counter.load(), 0) << "captured work does not run";
  EXPECT_EQ(output, std::vector<int>(kCount, -1));

  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 6u);
  EXPECT_EQ(edgeCount(graph), 5u) << "a chain";
  EXPECT_EQ(typeOf(nodes[0]), cudaGraphNodeTypeMemset);
  EXPECT_EQ(typeOf(nodes[2]), cudaGraphNodeTypeKernel);
  EXPECT_EQ(typeOf(nodes[4]), cudaGraphNodeTypeHost);

  // The captured copy reads its source when the graph runs.
  input.assign(kCount, 10);
  run(graph, 3, stream);
  EXPECT_EQ(output, std::vector<int>(kCount, (10 + 2) * 3));
  EXPECT_EQ(counter.load(), 3);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeCapture, ForkJoinThroughEvents) {
  cudaStream_t origin = nullptr, side = nullptr;
  ASSERT_EQ(cudaStreamCreate(&origin), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&side), cudaSuccess);
  cudaEvent_t fork = nullptr, join = nullptr;
  ASSERT_EQ(cudaEventCreateWithFlags(&fork, cudaEventDisableTiming), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&join, cudaEventDisableTiming), cudaSuccess);
  std::vector<int> output(kCount, -1);
  const int half = kCount / 2;

  ASSERT_EQ(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0, kBytes, origin), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(fork, origin), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(fork), cudaErrorCapturedEvent);
  ASSERT_EQ(cudaStreamWaitEvent(side, fork, 0), cudaSuccess);
  EXPECT_EQ(captureStatus(side), cudaStreamCaptureStatusActive) << "joined the capture";
  unsigned long long originId = 0, sideId = 1;
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamGetCaptureInfo(origin, &status, &originId), cudaSuccess);
  ASSERT_EQ(cudaStreamGetCaptureInfo(side, &status, &sideId), cudaSuccess);
  EXPECT_EQ(originId, sideId);
  ASSERT_EQ(launch(addKernel(), device, 1, origin, half), cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device + half, 2, side, half), cudaSuccess);
  ASSERT_EQ(launch(mulKernel(), device + half, 5, side, half), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(join, side), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(origin, join, 0), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpyAsync(output.data(), device, kBytes, cudaMemcpyDeviceToHost, origin),
      cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(origin, &graph), cudaSuccess);
  EXPECT_EQ(captureStatus(side), cudaStreamCaptureStatusNone);

  // memset -> {add | add -> mul} -> memcpy
  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(edgeCount(graph), 5u);
  size_t roots = 0;
  ASSERT_EQ(cudaGraphGetRootNodes(graph, nullptr, &roots), cudaSuccess);
  EXPECT_EQ(roots, 1u);
  EXPECT_EQ(typeOf(nodes[4]), cudaGraphNodeTypeMemcpy);
  EXPECT_EQ(dependencyCount(nodes[4]), 2u);

  run(graph, 4, origin);
  for (int i = 0; i < kCount; ++i)
    ASSERT_EQ(output[i], i < half ? 1 : 10) << i;
  EXPECT_EQ(cudaEventQuery(fork), cudaSuccess) << "no longer a captured event";

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(fork), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(join), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(origin), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(side), cudaSuccess);
}

TEST_F(RuntimeCapture, UnjoinedForkAndUnmatchedEnd) {
  cudaStream_t origin = nullptr, side = nullptr;
  ASSERT_EQ(cudaStreamCreate(&origin), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&side), cudaSuccess);
  cudaEvent_t fork = nullptr;
  ASSERT_EQ(cudaEventCreate(&fork), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0, kBytes, origin), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(fork, origin), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(side, fork, 0), cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 1, side), cudaSuccess);
  cudaGraph_t graph = reinterpret_cast<cudaGraph_t>(1);
  EXPECT_EQ(cudaStreamEndCapture(side, &graph), cudaErrorStreamCaptureUnmatched);
  EXPECT_EQ(cudaStreamEndCapture(origin, &graph), cudaErrorStreamCaptureUnjoined);
  EXPECT_EQ(graph, nullptr);
  EXPECT_EQ(captureStatus(side), cudaStreamCaptureStatusNone);
  EXPECT_EQ(captureStatus(origin), cudaStreamCaptureStatusNone);

  // Waiting in a capture on an event never recorded waits for nothing; on
  // one recorded outside the capture, it crosses the capture's boundary.
  cudaEvent_t unused = nullptr;
  ASSERT_EQ(cudaEventCreate(&unused), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(fork, side), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamWaitEvent(origin, unused, 0), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(unused), cudaSuccess);
  EXPECT_EQ(cudaStreamWaitEvent(origin, fork, 0), cudaErrorStreamCaptureIsolation);
  EXPECT_EQ(cudaStreamEndCapture(origin, &graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(graph, nullptr);

  EXPECT_EQ(cudaEventDestroy(fork), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(origin), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(side), cudaSuccess);
}

TEST_F(RuntimeCapture, UnsafeCallsInvalidateTheCapture) {
  cudaStream_t blocking = nullptr, nonBlocking = nullptr;
  ASSERT_EQ(cudaStreamCreate(&blocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&nonBlocking, cudaStreamNonBlocking), cudaSuccess);
  cudaGraph_t graph = nullptr;

  // Beginning and ending wrongly.
  EXPECT_EQ(cudaStreamBeginCapture(nullptr, cudaStreamCaptureModeGlobal),
            cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureMode(7)),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorIllegalState);
  ASSERT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal),
            cudaErrorIllegalState);
  EXPECT_EQ(cudaStreamEndCapture(blocking, nullptr), cudaErrorInvalidValue);

  // Synchronizing a capturing stream.
  EXPECT_EQ(cudaStreamSynchronize(blocking), cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(captureStatus(blocking), cudaStreamCaptureStatusInvalidated);
  EXPECT_EQ(launch(addKernel(), device, 1, blocking), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(graph, nullptr);

  // The legacy stream while a blocking stream captures.
  ASSERT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeRelaxed), cudaSuccess);
  cudaStreamCaptureStatus status;
  EXPECT_EQ(cudaStreamIsCapturing(nullptr, &status), cudaErrorStreamCaptureImplicit);
  EXPECT_EQ(cudaMemsetAsync(device, 0, kBytes, nullptr), cudaErrorStreamCaptureImplicit);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorStreamCaptureInvalidated);

  // A stream operation that knows nothing of capture refuses it.
  ASSERT_EQ(cudaStreamBeginCapture(nonBlocking, cudaStreamCaptureModeGlobal),
            cudaSuccess);
  EXPECT_EQ(cudaStreamAddCallback(
                nonBlocking, [](cudaStream_t, cudaError_t, void *) {}, nullptr, 0),
            cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamEndCapture(nonBlocking, &graph), cudaErrorStreamCaptureInvalidated);

  // cudaMalloc in global mode; a non-blocking capture leaves stream 0 alone.
  ASSERT_EQ(cudaStreamBeginCapture(nonBlocking, cudaStreamCaptureModeGlobal),
            cudaSuccess);
  EXPECT_EQ(cudaMemsetAsync(device, 0, kBytes, nullptr), cudaSuccess);
  void *memory = nullptr;
  EXPECT_EQ(cudaMalloc(&memory, 16), cudaErrorStreamCaptureUnsupported);
  int word = 0;
  EXPECT_EQ(cudaMemcpy(&word, device, sizeof word, cudaMemcpyDeviceToHost),
            cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaFree(device), cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamEndCapture(nonBlocking, &graph), cudaErrorStreamCaptureInvalidated);

  // Relaxed captures allow it, and so does a relaxed thread.
  ASSERT_EQ(cudaStreamBeginCapture(nonBlocking, cudaStreamCaptureModeRelaxed),
            cudaSuccess);
  ASSERT_EQ(cudaMalloc(&memory, 16), cudaSuccess);
  ASSERT_EQ(cudaFree(memory), cudaSuccess);
  ASSERT_EQ(cudaStreamEndCapture(nonBlocking, &graph), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(nonBlocking, cudaStreamCaptureModeGlobal),
            cudaSuccess);
  cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
  ASSERT_EQ(cudaThreadExchangeStreamCaptureMode(&mode), cudaSuccess);
  EXPECT_EQ(mode, cudaStreamCaptureModeGlobal);
  ASSERT_EQ(cudaMalloc(&memory, 16), cudaSuccess);
  ASSERT_EQ(cudaFree(memory), cudaSuccess);
  ASSERT_EQ(cudaThreadExchangeStreamCaptureMode(&mode), cudaSuccess);
  EXPECT_EQ(mode, cudaStreamCaptureModeRelaxed);
  ASSERT_EQ(cudaStreamEndCapture(nonBlocking, &graph), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  mode = cudaStreamCaptureMode(9);
  EXPECT_EQ(cudaThreadExchangeStreamCaptureMode(&mode), cudaErrorInvalidValue);
  EXPECT_EQ(cudaThreadExchangeStreamCaptureMode(nullptr), cudaErrorInvalidValue);

  // Another thread's capture: global mode forbids, thread-local does not.
  for (cudaStreamCaptureMode other :
       {cudaStreamCaptureModeGlobal, cudaStreamCaptureModeThreadLocal}) {
    std::promise<void> begun, checked;
    cudaError_t endResult = cudaSuccess;
    std::thread capturer([&] {
      EXPECT_EQ(cudaStreamBeginCapture(nonBlocking, other), cudaSuccess);
      begun.set_value();
      checked.get_future().wait();
      cudaGraph_t captured = nullptr;
      endResult = cudaStreamEndCapture(nonBlocking, &captured);
      if (captured)
        cudaGraphDestroy(captured);
    });
    begun.get_future().wait();
    // Ending another thread's non-relaxed capture is the wrong thread.
    EXPECT_EQ(cudaStreamEndCapture(nonBlocking, &graph),
              cudaErrorStreamCaptureWrongThread);
    cudaError_t malloced = cudaMalloc(&memory, 16);
    checked.set_value();
    capturer.join();
    if (other == cudaStreamCaptureModeGlobal) {
      EXPECT_EQ(malloced, cudaErrorStreamCaptureUnsupported);
      EXPECT_EQ(endResult, cudaErrorStreamCaptureInvalidated);
    } else {
      ASSERT_EQ(malloced, cudaSuccess);
      EXPECT_EQ(cudaFree(memory), cudaSuccess);
      EXPECT_EQ(endResult, cudaSuccess);
    }
  }

  EXPECT_EQ(cudaStreamDestroy(blocking), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(nonBlocking), cudaSuccess);
}

TEST_F(RuntimeCapture, UpdateDependenciesAndCaptureToGraph) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  std::vector<int> output(kCount, -1);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaMemsetParams memset{device, 0, 0, 1, kBytes, 1};
  cudaGraphNode_t fill = nullptr;
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, nullptr, 0, &memset), cudaSuccess);

  // Capture into `graph`, after its memset node.
  ASSERT_EQ(cudaStreamBeginCaptureToGraph(stream, graph, &fill, nullptr, 1,
                                          cudaStreamCaptureModeGlobal),
            cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 4, stream, kCount / 2), cudaSuccess);
  cudaStreamCaptureStatus status;
  const cudaGraphNode_t *dependencies = nullptr;
  size_t count = 0;
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies,
                                     nullptr, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  cudaGraphNode_t first = dependencies[0];
  // A second branch after the memset, then join both.
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies(stream, &fill, nullptr, 1,
                                                cudaStreamSetCaptureDependencies),
            cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device + kCount / 2, 1, stream, kCount / 2), cudaSuccess);
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies(stream, &first, nullptr, 1,
                                                cudaStreamAddCaptureDependencies),
            cudaSuccess);
  // External event nodes.
  cudaEvent_t event = nullptr;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(cudaEventRecordWithFlags(event, stream, cudaEventRecordExternal),
            cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(stream, event, cudaEventWaitExternal), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpyAsync(output.data(), device, kBytes, cudaMemcpyDeviceToHost, stream),
      cudaSuccess);

  // Wrong updates.
  cudaGraph_t other = nullptr;
  ASSERT_EQ(cudaGraphCreate(&other, 0), cudaSuccess);
  cudaGraphNode_t foreign = nullptr;
  ASSERT_EQ(cudaGraphAddEmptyNode(&foreign, other, nullptr, 0), cudaSuccess);
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, &foreign, nullptr, 1, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, &fill, nullptr, 1, 5),
            cudaErrorInvalidValue);

  cudaGraph_t ended = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &ended), cudaSuccess);
  EXPECT_EQ(ended, graph);
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, &fill, nullptr, 1, 0),
            cudaErrorIllegalState);
  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 6u);
  EXPECT_EQ(typeOf(nodes[3]), cudaGraphNodeTypeEventRecord);
  EXPECT_EQ(typeOf(nodes[4]), cudaGraphNodeTypeWaitEvent);
  EXPECT_EQ(dependencyCount(nodes[3]), 2u) << "both branches";

  run(graph, 1, stream);
  for (int i = 0; i < kCount; ++i)
    ASSERT_EQ(output[i], i < kCount / 2 ? 4 : 1) << i;
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess);

  EXPECT_EQ(cudaGraphDestroy(other), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeCapture, GraphLaunchBecomesChildNode) {
  cudaGraph_t inner = nullptr;
  ASSERT_EQ(cudaGraphCreate(&inner, 0), cudaSuccess);
  Arguments add{device, 5};
  cudaKernelNodeParams params = kernelNode(addKernel(), add);
  cudaGraphNode_t node = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&node, inner, nullptr, 0, &params), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, inner, 0), cudaSuccess);

  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0, kBytes, stream), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(launch(mulKernel(), device, 3, stream), cudaSuccess);
  cudaGraph_t outer = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &outer), cudaSuccess);
  std::vector<cudaGraphNode_t> nodes = nodesOf(outer);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(typeOf(nodes[1]), cudaGraphNodeTypeGraph);
  cudaGraph_t child = nullptr;
  ASSERT_EQ(cudaGraphChildGraphNodeGetGraph(nodes[1], &child), cudaSuccess);
  EXPECT_EQ(nodesOf(child).size(), 1u);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 0)) << "nothing ran yet";

  run(outer, 1, stream);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 15));
  EXPECT_EQ(cudaGraphDestroy(outer), cudaSuccess);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(inner), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeCapture, PerThreadVariants) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  // Stream 0 of per-thread code is the per-thread default stream, which
  // captures like a created stream (the legacy stream cannot).
  ASSERT_EQ(cudaStreamBeginCapture_ptsz(nullptr, cudaStreamCaptureModeGlobal),
            cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 1, cudaStreamPerThread), cudaSuccess);
  cudaGraph_t perThreadGraph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture_ptsz(nullptr, &perThreadGraph), cudaSuccess);
  EXPECT_EQ(nodesOf(perThreadGraph).size(), 1u);
  EXPECT_EQ(cudaGraphDestroy(perThreadGraph), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCapture(cudaStreamLegacy, cudaStreamCaptureModeGlobal),
            cudaErrorStreamCaptureUnsupported);
  ASSERT_EQ(cudaStreamBeginCapture_ptsz(stream, cudaStreamCaptureModeGlobal),
            cudaSuccess);
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamIsCapturing_ptsz(stream, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  ASSERT_EQ(launch(addKernel(), device, 3, stream), cudaSuccess);
  const cudaGraphNode_t *dependencies = nullptr;
  size_t count = 0;
  ASSERT_EQ(cudaStreamGetCaptureInfo_ptsz(stream, &status, nullptr, nullptr,
                                          &dependencies, nullptr, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  cudaGraphNode_t kernel = dependencies[0];
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies_ptsz(stream, &kernel, nullptr, 1,
                                                     cudaStreamSetCaptureDependencies),
            cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture_ptsz(stream, &graph), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCaptureToGraph_ptsz(stream, graph, &kernel, nullptr, 1,
                                               cudaStreamCaptureModeGlobal),
            cudaSuccess);
  ASSERT_EQ(launch(mulKernel(), device, 2, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamEndCapture_ptsz(stream, &graph), cudaSuccess);
  EXPECT_EQ(nodesOf(graph).size(), 2u);
  ASSERT_EQ(cudaStreamIsCapturing_ptsz(nullptr, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusNone);
  run(graph, 1, stream);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 6));
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace

//===----------------------------------------------------------------------===//
// Capture of the memory, pool, array and launch entries
//===----------------------------------------------------------------------===//

/// The node types of `graph` in creation order.
std::vector<cudaGraphNodeType> typesOf(cudaGraph_t graph) {
  std::vector<cudaGraphNodeType> types;
  for (cudaGraphNode_t node : nodesOf(graph))
    types.push_back(typeOf(node));
  return types;
}

TEST_F(RuntimeCapture, PitchedCopiesAndSets) {
  constexpr size_t kWidth = 10, kRows = 6; // ints per row, rows
  int *pitched = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void **>(&pitched), &pitch,
                            kWidth * sizeof(int), kRows),
            cudaSuccess);
  cudaPitchedPtr volume{};
  cudaExtent box = make_cudaExtent(8, 4, 3); // bytes, rows, slices
  ASSERT_EQ(cudaMalloc3D(&volume, box), cudaSuccess);
  char *copyOfVolume = nullptr;
  ASSERT_EQ(cudaMalloc(&copyOfVolume, 8 * 4 * 3), cudaSuccess);
  std::vector<int> source(kWidth * kRows), grid(kWidth * kRows, -1);
  std::vector<char> slices(8 * 4 * 3, 0);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemset2DAsync(pitched, pitch, 0, kWidth * sizeof(int), kRows, stream),
            cudaSuccess);
  // Columns 2..7 of every row from the host (read when the graph runs).
  ASSERT_EQ(cudaMemcpy2DAsync(pitched + 2, pitch, source.data() + 2, kWidth * sizeof(int),
                              6 * sizeof(int), kRows, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DAsync(grid.data(), kWidth * sizeof(int), pitched, pitch,
                              kWidth * sizeof(int), kRows, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemset3DAsync(volume, 7, box, stream), cudaSuccess);
  cudaMemcpy3DPeerParms peer{};
  peer.srcPtr = volume;
  peer.dstPtr = make_cudaPitchedPtr(copyOfVolume, 8, 8, 4);
  peer.extent = box;
  ASSERT_EQ(cudaMemcpy3DPeerAsync(&peer, stream), cudaSuccess);
  cudaMemcpy3DParms down{};
  down.srcPtr = make_cudaPitchedPtr(copyOfVolume, 8, 8, 4);
  down.dstPtr = make_cudaPitchedPtr(slices.data(), 8, 8, 4);
  down.extent = box;
  down.kind = cudaMemcpyDeviceToHost;
  ASSERT_EQ(cudaMemcpy3DAsync(&down, stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(grid, std::vector<int>(kWidth * kRows, -1)) << "nothing ran yet";

  std::vector<cudaGraphNodeType> types = typesOf(graph);
  // The 3D set is one memset node per slice.
  std::vector<cudaGraphNodeType> expected = {
      cudaGraphNodeTypeMemset, cudaGraphNodeTypeMemcpy, cudaGraphNodeTypeMemcpy,
      cudaGraphNodeTypeMemset, cudaGraphNodeTypeMemset, cudaGraphNodeTypeMemset,
      cudaGraphNodeTypeMemcpy, cudaGraphNodeTypeMemcpy};
  EXPECT_EQ(types, expected);
  EXPECT_EQ(edgeCount(graph), expected.size() - 1) << "a chain";

  for (size_t i = 0; i < source.size(); ++i)
    source[i] = int(i) + 100;
  run(graph, 1, stream);
  for (size_t row = 0; row < kRows; ++row)
    for (size_t column = 0; column < kWidth; ++column) {
      int want = column >= 2 && column < 8 ? int(row * kWidth + column) + 100 : 0;
      EXPECT_EQ(grid[row * kWidth + column], want) << row << "," << column;
    }
  EXPECT_EQ(slices, std::vector<char>(8 * 4 * 3, 7));

  // Synchronous pitched copies are unsafe during a global capture.
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaMemcpy2D(grid.data(), kWidth * sizeof(int), pitched, pitch,
                         kWidth * sizeof(int), kRows, cudaMemcpyDeviceToHost),
            cudaErrorStreamCaptureUnsupported);
  cudaGraph_t invalid = nullptr;
  EXPECT_EQ(cudaStreamEndCapture(stream, &invalid), cudaErrorStreamCaptureInvalidated);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(pitched), cudaSuccess);
  EXPECT_EQ(cudaFree(volume.ptr), cudaSuccess);
  EXPECT_EQ(cudaFree(copyOfVolume), cudaSuccess);
}

TEST_F(RuntimeCapture, ArrayCopies) {
  constexpr size_t kWidth = 8, kHeight = 4;
  cudaChannelFormatDesc format = cudaCreateChannelDesc<float>();
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &format, kWidth, kHeight), cudaSuccess);
  std::vector<float> input(kWidth * kHeight), output(kWidth * kHeight, -1.0f);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DToArrayAsync(array, 0, 0, input.data(), kWidth * sizeof(float),
                                     kWidth * sizeof(float), kHeight,
                                     cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  // Rows 1..2 of the array back, through cudaMemcpy3DAsync.
  cudaMemcpy3DParms back{};
  back.srcArray = array;
  back.srcPos = make_cudaPos(0, 1, 0);
  back.dstPtr = make_cudaPitchedPtr(output.data(), kWidth * sizeof(float), kWidth, 2);
  back.extent = make_cudaExtent(kWidth, 2, 1);
  back.kind = cudaMemcpyDeviceToHost;
  ASSERT_EQ(cudaMemcpy3DAsync(&back, stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(typesOf(graph), (std::vector<cudaGraphNodeType>{cudaGraphNodeTypeMemcpy,
                                                            cudaGraphNodeTypeMemcpy}));
  for (size_t i = 0; i < input.size(); ++i)
    input[i] = float(i) * 0.5f;
  run(graph, 1, stream);
  for (size_t i = 0; i < 2 * kWidth; ++i)
    EXPECT_EQ(output[i], float(i + kWidth) * 0.5f) << i;
  EXPECT_EQ(output[2 * kWidth], -1.0f) << "only two rows";

  // A synchronous array copy during a global capture is unsafe.
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, input.data(), kWidth * sizeof(float),
                                kWidth * sizeof(float), kHeight, cudaMemcpyHostToDevice),
            cudaErrorStreamCaptureUnsupported);
  cudaGraph_t invalid = nullptr;
  EXPECT_EQ(cudaStreamEndCapture(stream, &invalid), cudaErrorStreamCaptureInvalidated);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST_F(RuntimeGraph, MemcpyNodesWithArrays) {
  constexpr size_t kWidth = 16, kHeight = 2;
  cudaChannelFormatDesc format = cudaCreateChannelDesc<int>();
  cudaArray_t array = nullptr, other = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &format, kWidth, kHeight), cudaSuccess);
  ASSERT_EQ(cudaMallocArray(&other, &format, kWidth, kHeight), cudaSuccess);
  std::vector<int> input(kWidth * kHeight);
  for (size_t i = 0; i < input.size(); ++i)
    input[i] = int(i) * 3;

  // device (linear) -> array -> device, as two nodes.
  ASSERT_EQ(cudaMemcpy(device, input.data(), input.size() * sizeof(int),
                       cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaMemcpy3DParms in{};
  in.srcPtr = make_cudaPitchedPtr(device, kWidth * sizeof(int), kWidth, kHeight);
  in.dstArray = array;
  in.extent = make_cudaExtent(kWidth, kHeight, 1);
  in.kind = cudaMemcpyDeviceToDevice;
  cudaGraphNode_t toArray = nullptr, fromArray = nullptr;
  ASSERT_EQ(cudaGraphAddMemcpyNode(&toArray, graph, nullptr, 0, &in), cudaSuccess);
  cudaMemcpy3DParms out{};
  out.srcArray = array;
  out.dstPtr = make_cudaPitchedPtr(device + kCount / 2, kWidth * sizeof(int), kWidth,
                                   kHeight);
  out.extent = make_cudaExtent(kWidth, kHeight, 1);
  out.kind = cudaMemcpyDeviceToDevice;
  ASSERT_EQ(cudaGraphAddMemcpyNode(&fromArray, graph, &toArray, 1, &out), cudaSuccess);
  cudaMemcpy3DParms reported{};
  ASSERT_EQ(cudaGraphMemcpyNodeGetParams(fromArray, &reported), cudaSuccess);
  EXPECT_EQ(reported.srcArray, array) << "the node keeps the array";

  // Bad array parameters: unknown array, both sides on one end, out of range.
  cudaMemcpy3DParms bad = out;
  bad.srcArray = reinterpret_cast<cudaArray_t>(&bad);
  cudaGraphNode_t ignored = nullptr;
  EXPECT_EQ(cudaGraphAddMemcpyNode(&ignored, graph, nullptr, 0, &bad),
            cudaErrorInvalidResourceHandle);
  bad = out;
  bad.srcPtr = in.srcPtr;
  EXPECT_EQ(cudaGraphAddMemcpyNode(&ignored, graph, nullptr, 0, &bad),
            cudaErrorInvalidValue);
  bad = out;
  bad.extent = make_cudaExtent(kWidth + 1, kHeight, 1);
  EXPECT_EQ(cudaGraphAddMemcpyNode(&ignored, graph, nullptr, 0, &bad),
            cudaErrorInvalidValue);

  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  std::vector<int> result = readBack(device + kCount / 2, input.size());
  EXPECT_EQ(result, input);

  // The exec's copy now reads the other array (zeroed through a copy).
  std::vector<int> zeros(kWidth * kHeight, 0);
  ASSERT_EQ(cudaMemcpy2DToArray(other, 0, 0, zeros.data(), kWidth * sizeof(int),
                                kWidth * sizeof(int), kHeight, cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaMemcpy3DParms fromOther = out;
  fromOther.srcArray = other;
  ASSERT_EQ(cudaGraphExecMemcpyNodeSetParams(exec, fromArray, &fromOther), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(readBack(device + kCount / 2, input.size()), zeros);
  // And the graph's node back to the first array (a new exec sees it).
  ASSERT_EQ(cudaGraphMemcpyNodeSetParams(fromArray, &out), cudaSuccess);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  run(graph);
  EXPECT_EQ(readBack(device + kCount / 2, input.size()), input);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(other), cudaSuccess);
}

TEST_F(RuntimeCapture, StreamOrderedAllocationBecomesMemoryNodes) {
  std::vector<int> output(kCount, -1);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  cudaMemPool_t pool = nullptr;
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&pool, 0), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  int *scratch = nullptr, *second = nullptr;
  ASSERT_EQ(cudaMallocAsync(reinterpret_cast<void **>(&scratch), kBytes, stream),
            cudaSuccess);
  ASSERT_NE(scratch, nullptr) << "the address is fixed when the node is made";
  ASSERT_EQ(cudaMallocFromPoolAsync(reinterpret_cast<void **>(&second), kBytes, pool,
                                    stream),
            cudaSuccess);
  ASSERT_NE(second, nullptr);
  ASSERT_EQ(cudaMemsetAsync(scratch, 0, kBytes, stream), cudaSuccess);
  ASSERT_EQ(launch(addKernel(), scratch, 5, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(second, scratch, kBytes, cudaMemcpyDeviceToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(
      cudaMemcpyAsync(output.data(), second, kBytes, cudaMemcpyDeviceToHost, stream),
      cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(scratch, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(second, stream), cudaSuccess);
  // Memory from outside the graph has no free node.
  EXPECT_EQ(cudaFreeAsync(device, stream), cudaErrorInvalidValue);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);

  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 8u);
  EXPECT_EQ(typeOf(nodes[0]), cudaGraphNodeTypeMemAlloc);
  EXPECT_EQ(typeOf(nodes[1]), cudaGraphNodeTypeMemAlloc);
  EXPECT_EQ(typeOf(nodes[6]), cudaGraphNodeTypeMemFree);
  EXPECT_EQ(typeOf(nodes[7]), cudaGraphNodeTypeMemFree);
  cudaMemAllocNodeParams alloc{};
  ASSERT_EQ(cudaGraphMemAllocNodeGetParams(nodes[0], &alloc), cudaSuccess);
  EXPECT_EQ(alloc.dptr, scratch);
  EXPECT_EQ(alloc.bytesize, kBytes);
  EXPECT_EQ(alloc.poolProps.location.type, cudaMemLocationTypeDevice);
  EXPECT_EQ(alloc.poolProps.location.id, 0);
  void *freed = nullptr;
  ASSERT_EQ(cudaGraphMemFreeNodeGetParams(nodes[7], &freed), cudaSuccess);
  EXPECT_EQ(freed, second);

  run(graph, 2, stream);
  EXPECT_EQ(output, std::vector<int>(kCount, 5)) << "set, then added, every launch";
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeCapture, PrefetchLaunchExAndCooperativeLaunch) {
  int *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, kBytes), cudaSuccess);
  for (int i = 0; i < kCount; ++i)
    managed[i] = i;
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  cudaMemLocation location{cudaMemLocationTypeDevice, 0};
  ASSERT_EQ(cudaMemPrefetchAsync(managed, kBytes, location, 0, stream), cudaSuccess);
  // cudaLaunchKernelExC: managed[i] += 4.
  int *data = managed, value = 4, n = kCount;
  void *args[] = {&data, &value, &n};
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(kCount / 128);
  config.blockDim = dim3(128);
  config.stream = stream;
  ASSERT_EQ(cudaLaunchKernelExC(&config, addKernel(), args), cudaSuccess);
  // A cooperative launch: managed[i] *= 2, a kernel node that keeps the
  // cooperative attribute.
  value = 2;
  ASSERT_EQ(cudaLaunchCooperativeKernel(mulKernel(), dim3(kCount / 128), dim3(128), args,
                                        0, stream),
            cudaSuccess);
  // A cooperative grid larger than the device holds is refused as outside.
  EXPECT_EQ(cudaLaunchCooperativeKernel(mulKernel(), dim3(1u << 30), dim3(128), args, 0,
                                        stream),
            cudaErrorCooperativeLaunchTooLarge);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(managed[3], 3) << "nothing ran yet";

  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(typeOf(nodes[0]), cudaGraphNodeTypeEmpty) << "a prefetch orders nothing here";
  EXPECT_EQ(typeOf(nodes[1]), cudaGraphNodeTypeKernel);
  EXPECT_EQ(typeOf(nodes[2]), cudaGraphNodeTypeKernel);
  cudaLaunchAttributeValue cooperative{};
  ASSERT_EQ(cudaGraphKernelNodeGetAttribute(nodes[2], cudaLaunchAttributeCooperative,
                                            &cooperative),
            cudaSuccess);
  EXPECT_EQ(cooperative.cooperative, 1);
  ASSERT_EQ(cudaGraphKernelNodeGetAttribute(nodes[1], cudaLaunchAttributeCooperative,
                                            &cooperative),
            cudaSuccess);
  EXPECT_EQ(cooperative.cooperative, 0);

  run(graph, 1, stream);
  for (int i = 0; i < kCount; ++i)
    ASSERT_EQ(managed[i], (i + 4) * 2) << i;
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
}

TEST_F(RuntimeCapture, StreamQueriesAndAttributesAreLegal) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithPriority(&stream, cudaStreamNonBlocking, -1), cudaSuccess);
  unsigned long long idBefore = 0;
  ASSERT_EQ(cudaStreamGetId(stream, &idBefore), cudaSuccess);

  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  unsigned long long id = 0;
  EXPECT_EQ(cudaStreamGetId(stream, &id), cudaSuccess);
  EXPECT_EQ(id, idBefore);
  int deviceOrdinal = -1, priority = 99;
  unsigned flags = 99;
  EXPECT_EQ(cudaStreamGetDevice(stream, &deviceOrdinal), cudaSuccess);
  EXPECT_EQ(deviceOrdinal, 0);
  EXPECT_EQ(cudaStreamGetPriority(stream, &priority), cudaSuccess);
  EXPECT_EQ(priority, -1);
  EXPECT_EQ(cudaStreamGetFlags(stream, &flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaStreamNonBlocking));
  cudaLaunchAttributeValue value{};
  value.syncPolicy = cudaSyncPolicyBlockingSync;
  EXPECT_EQ(cudaStreamSetAttribute(stream, cudaLaunchAttributeSynchronizationPolicy,
                                   &value),
            cudaSuccess);
  cudaLaunchAttributeValue read{};
  EXPECT_EQ(cudaStreamGetAttribute(stream, cudaLaunchAttributeSynchronizationPolicy,
                                   &read),
            cudaSuccess);
  EXPECT_EQ(read.syncPolicy, cudaSyncPolicyBlockingSync);
  EXPECT_EQ(captureStatus(stream), cudaStreamCaptureStatusActive) << "still capturing";
  ASSERT_EQ(launch(addKernel(), device, 1, stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(nodesOf(graph).size(), 1u);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);

  // Batched copies are not captured: the capture is invalidated.
  std::vector<int> host(kCount, 1);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  void *dsts[] = {device};
  const void *srcs[] = {host.data()};
  size_t sizes[] = {kBytes};
  cudaMemcpyAttributes attributes{};
  attributes.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  size_t attributeIndex = 0;
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 1, &attributes, &attributeIndex, 1,
                                 stream),
            cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamEndCapture(stream, &graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 0)) << "the batch did not run";
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

/// A kernel that calls malloc: each thread stores the address it got.
const char *const kMallocPtx = R"(
.version 8.0
.target sm_75
.address_size 64
.extern .func (.param .b64 func_retval0) malloc (.param .b64 malloc_param_0);
.visible .entry allocate(.param .u64 out)
{
	.reg .b32 %r<2>;
	.reg .b64 %rd<7>;
	ld.param.u64 %rd1, [out];
	{
	.param .b64 param0;
	st.param.b64 [param0], 48;
	.param .b64 retval0;
	call.uni (retval0), malloc, (param0);
	ld.param.b64 %rd2, [retval0];
	}
	mov.u32 %r1, %tid.x;
	mul.wide.u32 %rd3, %r1, 8;
	cvta.to.global.u64 %rd4, %rd1;
	add.s64 %rd5, %rd4, %rd3;
	st.global.u64 [%rd5], %rd2;
	ret;
}
)";

/// A kernel node whose kernel calls malloc gets the device heap at graph
/// launch, as a direct launch does.
TEST_F(GraphTest, KernelNodeWithDeviceMalloc) {
  static RegisteredPtx mallocProgram(kMallocPtx, {"allocate"});
  constexpr int kThreads = 32;
  uint64_t *addresses = nullptr;
  ASSERT_EQ(cudaMalloc(&addresses, kThreads * sizeof(uint64_t)), cudaSuccess);
  ASSERT_EQ(cudaMemset(addresses, 0, kThreads * sizeof(uint64_t)), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  void *args[] = {&addresses};
  cudaKernelNodeParams params{};
  params.func = const_cast<void *>(mallocProgram.stub(0));
  params.gridDim = dim3(1);
  params.blockDim = dim3(kThreads);
  params.kernelParams = args;
  cudaGraphNode_t node = nullptr;
  ASSERT_EQ(cudaGraphAddKernelNode(&node, graph, nullptr, 0, &params), cudaSuccess);
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  std::vector<uint64_t> host(kThreads);
  ASSERT_EQ(cudaMemcpy(host.data(), addresses, kThreads * sizeof(uint64_t),
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  std::set<uint64_t> distinct(host.begin(), host.end());
  EXPECT_EQ(distinct.size(), size_t(kThreads)) << "one block per thread";
  EXPECT_EQ(distinct.count(0), 0u) << "no thread got NULL from the heap";
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaFree(addresses), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Edge data
//===----------------------------------------------------------------------===//

namespace {

cudaGraphEdgeData edgeData(unsigned char fromPort, unsigned char type) {
  cudaGraphEdgeData edge{};
  edge.from_port = fromPort;
  edge.type = type;
  return edge;
}

const cudaGraphEdgeData kProgrammatic =
    edgeData(cudaGraphKernelNodePortProgrammatic, cudaGraphDependencyTypeProgrammatic);
const cudaGraphEdgeData kLaunchOrder =
    edgeData(cudaGraphKernelNodePortLaunchCompletion, cudaGraphDependencyTypeDefault);

bool sameEdge(const cudaGraphEdgeData &a, const cudaGraphEdgeData &b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// The data of the edge `from` -> `to` as cudaGraphGetEdges reports it.
cudaGraphEdgeData reportedEdge(cudaGraph_t graph, cudaGraphNode_t from,
                               cudaGraphNode_t to) {
  size_t count = 0;
  EXPECT_EQ(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &count), cudaSuccess);
  std::vector<cudaGraphNode_t> sources(count), targets(count);
  std::vector<cudaGraphEdgeData> edges(count, edgeData(0xEE, 0xEE));
  EXPECT_EQ(cudaGraphGetEdges(graph, sources.data(), targets.data(), edges.data(), &count),
            cudaSuccess);
  for (size_t i = 0; i < count; ++i)
    if (sources[i] == from && targets[i] == to)
      return edges[i];
  ADD_FAILURE() << "no such edge";
  return edgeData(0xEE, 0xEE);
}

/// How many of `graph`'s edges carry `data`.
int edgesWith(cudaGraph_t graph, const cudaGraphEdgeData &data) {
  size_t count = 0;
  EXPECT_EQ(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &count), cudaSuccess);
  std::vector<cudaGraphNode_t> sources(count), targets(count);
  std::vector<cudaGraphEdgeData> edges(count);
  EXPECT_EQ(cudaGraphGetEdges(graph, sources.data(), targets.data(), edges.data(), &count),
            cudaSuccess);
  return static_cast<int>(std::count_if(edges.begin(), edges.end(), [&](const auto &edge) {
    return std::memcmp(&edge, &data, sizeof edge) == 0;
  }));
}

/// The data of `node`'s only incoming edge (cudaGraphNodeGetDependencies).
cudaGraphEdgeData onlyDependencyEdge(cudaGraphNode_t node) {
  cudaGraphNode_t from = nullptr;
  cudaGraphEdgeData edge = edgeData(0xEE, 0xEE);
  size_t count = 1;
  EXPECT_EQ(cudaGraphNodeGetDependencies(node, &from, &edge, &count), cudaSuccess);
  EXPECT_EQ(count, 1u);
  return edge;
}

} // namespace

TEST_F(RuntimeGraph, EdgeData) {
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  Arguments add{device, 1}, mul{device, 3};
  cudaKernelNodeParams addParams = kernelNode(addKernel(), add);
  cudaKernelNodeParams mulParams = kernelNode(mulKernel(), mul);
  cudaMemsetParams memset{device, 0, 0, 1, kBytes, 1};
  cudaGraphNode_t fill = nullptr, addNode = nullptr, mulNode = nullptr, tail = nullptr;
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, nullptr, 0, &memset), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&addNode, graph, &fill, 1, &addParams), cudaSuccess);
  ASSERT_EQ(cudaGraphAddKernelNode(&mulNode, graph, nullptr, 0, &mulParams), cudaSuccess);
  // A programmatic edge add -> mul; a launch-order edge mul -> tail.
  ASSERT_EQ(cudaGraphAddDependencies(graph, &addNode, &mulNode, &kProgrammatic, 1),
            cudaSuccess);
  cudaGraphNodeParams empty{};
  empty.type = cudaGraphNodeTypeEmpty;
  ASSERT_EQ(cudaGraphAddNode(&tail, graph, &mulNode, &kLaunchOrder, 1, &empty),
            cudaSuccess);

  // Reported by every query.
  EXPECT_TRUE(sameEdge(reportedEdge(graph, fill, addNode), cudaGraphEdgeData{}));
  EXPECT_TRUE(sameEdge(reportedEdge(graph, addNode, mulNode), kProgrammatic));
  EXPECT_TRUE(sameEdge(reportedEdge(graph, mulNode, tail), kLaunchOrder));
  EXPECT_TRUE(sameEdge(onlyDependencyEdge(mulNode), kProgrammatic));
  EXPECT_TRUE(sameEdge(onlyDependencyEdge(tail), kLaunchOrder));
  cudaGraphNode_t dependent = nullptr;
  cudaGraphEdgeData edge{};
  size_t count = 1;
  ASSERT_EQ(cudaGraphNodeGetDependentNodes(addNode, &dependent, &edge, &count),
            cudaSuccess);
  EXPECT_EQ(dependent, mulNode);
  EXPECT_TRUE(sameEdge(edge, kProgrammatic));
  // Leaving the edge data out of a query that would drop some is lossy.
  count = 1;
  EXPECT_EQ(cudaGraphNodeGetDependencies(mulNode, &dependent, nullptr, &count),
            cudaErrorLossyQuery);
  count = 1;
  EXPECT_EQ(cudaGraphNodeGetDependentNodes(addNode, &dependent, nullptr, &count),
            cudaErrorLossyQuery);
  count = 1;
  EXPECT_EQ(cudaGraphNodeGetDependencies(addNode, &dependent, nullptr, &count),
            cudaSuccess)
      << "a default edge loses nothing";
  std::vector<cudaGraphNode_t> sources(3), targets(3);
  count = 3;
  EXPECT_EQ(cudaGraphGetEdges(graph, sources.data(), targets.data(), nullptr, &count),
            cudaErrorLossyQuery);
  EXPECT_EQ(edgeCount(graph), 3u) << "counting alone is not lossy";
  EXPECT_EQ(dependencyCount(mulNode), 1u);
  EXPECT_EQ(cudaGraphGetEdges(graph, nullptr, nullptr, &edge, &count),
            cudaErrorInvalidValue);

  // Invalid edge data: cudaErrorInvalidValue, nothing added.
  cudaGraphNode_t side = nullptr;
  ASSERT_EQ(cudaGraphAddEmptyNode(&side, graph, nullptr, 0), cudaSuccess);
  cudaGraphEdgeData toPort{}, reserved{}, badType{}, badPort{};
  toPort.to_port = 1;
  reserved.reserved[2] = 1;
  badType.type = 2;
  badPort.from_port = 3;
  const cudaGraphEdgeData invalidFromKernel[] = {
      toPort, reserved, badType, badPort,
      edgeData(cudaGraphKernelNodePortDefault, cudaGraphDependencyTypeProgrammatic),
      edgeData(cudaGraphKernelNodePortProgrammatic, cudaGraphDependencyTypeDefault),
      kProgrammatic /* to an empty node: programmatic edges join kernels */};
  for (const cudaGraphEdgeData &bad : invalidFromKernel)
    EXPECT_EQ(cudaGraphAddDependencies(graph, &addNode, &side, &bad, 1),
              cudaErrorInvalidValue);
  // Non-default ports only from kernel nodes.
  EXPECT_EQ(cudaGraphAddDependencies(graph, &fill, &side, &kLaunchOrder, 1),
            cudaErrorInvalidValue);
  cudaGraphNode_t rejected = nullptr;
  EXPECT_EQ(cudaGraphAddNode(&rejected, graph, &fill, &kLaunchOrder, 1, &empty),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphAddNode(&rejected, graph, &addNode, &toPort, 1, &empty),
            cudaErrorInvalidValue);
  EXPECT_EQ(nodesOf(graph).size(), 5u);
  EXPECT_EQ(edgeCount(graph), 3u);

  // Runs with every edge a full dependency: (0 + 1) * 3.
  run(graph);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, 3));

  // A clone keeps the data.
  cudaGraph_t clone = nullptr;
  ASSERT_EQ(cudaGraphClone(&clone, graph), cudaSuccess);
  cudaGraphNode_t cloneAdd = nullptr, cloneMul = nullptr;
  ASSERT_EQ(cudaGraphNodeFindInClone(&cloneAdd, addNode, clone), cudaSuccess);
  ASSERT_EQ(cudaGraphNodeFindInClone(&cloneMul, mulNode, clone), cudaSuccess);
  EXPECT_TRUE(sameEdge(reportedEdge(clone, cloneAdd, cloneMul), kProgrammatic));
  EXPECT_EQ(cudaGraphDestroy(clone), cudaSuccess);

  // Removal names the edge with its data.
  EXPECT_EQ(cudaGraphRemoveDependencies(graph, &addNode, &mulNode, nullptr, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphRemoveDependencies(graph, &addNode, &mulNode, &kLaunchOrder, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(edgeCount(graph), 3u);
  ASSERT_EQ(cudaGraphRemoveDependencies(graph, &addNode, &mulNode, &kProgrammatic, 1),
            cudaSuccess);
  EXPECT_EQ(edgeCount(graph), 2u);
  EXPECT_EQ(dependencyCount(mulNode), 0u);
  // Destroying a node keeps the other edges' data in place.
  ASSERT_EQ(cudaGraphAddDependencies(graph, &side, &tail, nullptr, 1), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroyNode(side), cudaSuccess);
  EXPECT_TRUE(sameEdge(onlyDependencyEdge(tail), kLaunchOrder));
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

TEST_F(RuntimeCapture, EdgeData) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 2, stream), cudaSuccess);
  cudaStreamCaptureStatus status;
  const cudaGraphNode_t *dependencies = nullptr;
  const cudaGraphEdgeData *edges = nullptr;
  size_t count = 0;
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies,
                                     &edges, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  EXPECT_TRUE(sameEdge(edges[0], cudaGraphEdgeData{}));
  cudaGraphNode_t addNode = dependencies[0];

  // Invalid edge data leaves the dependencies as they were.
  cudaGraphEdgeData toPort{};
  toPort.to_port = 1;
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, &addNode, &toPort, 1,
                                                cudaStreamSetCaptureDependencies),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies(stream, &addNode, &kProgrammatic, 1,
                                                cudaStreamSetCaptureDependencies),
            cudaSuccess);
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies,
                                     &edges, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(dependencies[0], addNode);
  EXPECT_TRUE(sameEdge(edges[0], kProgrammatic));
  EXPECT_EQ(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies,
                                     nullptr, &count),
            cudaErrorLossyQuery);
  ASSERT_EQ(launch(mulKernel(), device, 5, stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  std::vector<cudaGraphNode_t> nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_TRUE(sameEdge(reportedEdge(graph, nodes[0], nodes[1]), kProgrammatic));
  run(graph, 1, stream);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (0 + 2) * 5));

  // Capture into the graph after its mul node, through a launch-order
  // edge; the per-thread variant adds a programmatic one after the add node.
  cudaGraphNode_t mulNode = nodes[1];
  cudaGraphEdgeData programmaticFromEmpty =
      edgeData(cudaGraphKernelNodePortProgrammatic, cudaGraphDependencyTypeProgrammatic);
  cudaGraphNode_t empty = nullptr;
  ASSERT_EQ(cudaGraphAddEmptyNode(&empty, graph, nullptr, 0), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCaptureToGraph(stream, graph, &empty, &programmaticFromEmpty,
                                          1, cudaStreamCaptureModeGlobal),
            cudaErrorInvalidValue)
      << "non-default ports only from kernel nodes";
  ASSERT_EQ(cudaStreamBeginCaptureToGraph(stream, graph, &mulNode, &kLaunchOrder, 1,
                                          cudaStreamCaptureModeGlobal),
            cudaSuccess);
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies,
                                     &edges, &count),
            cudaSuccess);
  ASSERT_EQ(count, 1u);
  EXPECT_TRUE(sameEdge(edges[0], kLaunchOrder));
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies_ptsz(stream, &addNode, &kProgrammatic, 1,
                                                     cudaStreamAddCaptureDependencies),
            cudaSuccess);
  ASSERT_EQ(launch(addKernel(), device, 1, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  nodes = nodesOf(graph);
  ASSERT_EQ(nodes.size(), 4u);
  cudaGraphNode_t sources[2] = {};
  cudaGraphEdgeData data[2] = {};
  count = 2;
  ASSERT_EQ(cudaGraphNodeGetDependencies(nodes[3], sources, data, &count), cudaSuccess);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(sources[0], mulNode);
  EXPECT_TRUE(sameEdge(data[0], kLaunchOrder));
  EXPECT_EQ(sources[1], addNode);
  EXPECT_TRUE(sameEdge(data[1], kProgrammatic));
  ASSERT_EQ(cudaMemset(device, 0, kBytes), cudaSuccess);
  run(graph, 1, stream);
  EXPECT_EQ(readBack(), std::vector<int>(kCount, (0 + 2) * 5 + 1));

  // A captured launch of an exec becomes a child graph with the same edges.
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  cudaGraph_t outer = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &outer), cudaSuccess);
  std::vector<cudaGraphNode_t> outerNodes = nodesOf(outer);
  ASSERT_EQ(outerNodes.size(), 1u);
  cudaGraph_t child = nullptr;
  ASSERT_EQ(cudaGraphChildGraphNodeGetGraph(outerNodes[0], &child), cudaSuccess);
  EXPECT_EQ(edgesWith(child, kProgrammatic), 2);
  EXPECT_EQ(edgesWith(child, kLaunchOrder), 1);
  EXPECT_EQ(edgesWith(graph, kProgrammatic), 2);
  EXPECT_EQ(cudaGraphDestroy(outer), cudaSuccess);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);

  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}
