//===- ControlExecTest.cpp - Control flow executed on a backend -----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for the control family: nvcc-generated PTX
// (test/data/exec/control_kernels.ptx, source beside it) runs on the backend
// and every result is compared with what the CUDA source defines, computed
// here on the host. Covered: indirect calls through function-pointer tables
// (int, float/double and struct-by-value signatures, the pointers stored by
// one kernel and called by another), brx.idx over a .branchtargets list,
// direct calls with structs by value and no return value, real recursion,
// and exit in a kernel (the thread ends, the others go on).
//
// A block barrier (bar.sync 0) runs. What the CPU backend cannot run yet
// must be refused with a message naming the kernel, never run wrongly: warp
// collectives under thread-dependent control flow and exit inside a device
// function (llvm.nvvm.exit) are checked here too.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>

using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

class ControlExec : public cuport::test::PtxModuleTest<ControlExec> {
public:
  static constexpr const char *kPtxFile = "exec/control_kernels.ptx";
};

struct Item {
  int key;
  float value;
  double weight;
};

int32_t wrappingMul(int32_t a, int32_t b) {
  return int32_t(uint32_t(a) * uint32_t(b));
}

TEST_F(ControlExec, IndirectCallsThroughFunctionPointerTables) {
  const int n = 200;
  std::vector<int> selector(n), a(n), b(n);
  std::vector<float> f(n);
  std::vector<Item> items(n);
  for (int i = 0; i < n; ++i) {
    selector[i] = i * 7 + 3;
    a[i] = i * 37 - 3000; // char(a) truncates and sign-extends
    b[i] = 5000 - i * 51;
    f[i] = 0.75f * float(i) - 20.0f;
    items[i] = {i - 100, 1.0f / float(i + 1), 0.5 * i};
  }
  int *dSelector = harness->upload(selector), *dA = harness->upload(a),
      *dB = harness->upload(b);
  int *dOut = harness->upload(std::vector<int>(n, 0x5A5A5A5A));
  float *dF = harness->upload(f);
  Item *dItems = harness->upload(items);

  ASSERT_EQ(harness->launch(kernel("fillOpTables"), {1}, {1}), Status::Success);
  ASSERT_EQ(harness->launch(kernel("callThroughTables"), {2}, {128}, dSelector, dA,
                            dB, dOut, dF, dItems, n),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  std::vector<float> outF = harness->download(dF, n);
  std::vector<Item> outItems = harness->download(dItems, n);
  for (int i = 0; i < n; ++i) {
    int expected = 0;
    switch (selector[i] & 3) {
    case 0: expected = int32_t(uint32_t(a[i]) + uint32_t(b[i])); break;
    case 1: expected = int32_t(uint32_t(a[i]) - uint32_t(b[i])); break;
    case 2: expected = wrappingMul(a[i], b[i]); break;
    case 3: expected = std::min(a[i], b[i]); break;
    }
    EXPECT_EQ(out[i], expected) << "int op " << (selector[i] & 3) << " at " << i;

    float k = float(0.5 * double(b[i]));
    float expectedF = (selector[i] & 1) ? f[i] + k : f[i] * k;
    EXPECT_EQ(outF[i], expectedF) << "float op " << (selector[i] & 1) << " at " << i;

    int8_t by = int8_t(uint8_t(uint32_t(a[i]) & 0xFFu));
    EXPECT_EQ(outItems[i].key, items[i].key + by) << i;
    EXPECT_EQ(outItems[i].value, items[i].value * 2.0f) << i;
    EXPECT_EQ(outItems[i].weight, items[i].weight - by) << i;
  }
}

TEST_F(ControlExec, IndexedBranchOverBranchTargets) {
  std::vector<unsigned> index = {0, 1, 2, 3, 4, 3, 2, 1, 0, 0xFFFFFFFFu, 2, 1};
  const int n = int(index.size());
  unsigned *dIndex = harness->upload(index);
  int *dOut = harness->upload(std::vector<int>(n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("indexedBranch"), {1}, {uint32_t(n)}, dIndex, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i) {
    int expected = -1;
    switch (index[i]) {
    case 0: expected = 100; break;
    case 1: expected = i + 1000; break;
    case 2: expected = i * i; break;
    case 3: expected = -i; break;
    }
    EXPECT_EQ(out[i], expected) << "thread " << i << " index " << index[i];
  }
}

TEST_F(ControlExec, DirectCallsWithStructsAndNoReturnValue) {
  const int n = 150;
  std::vector<Item> items(n);
  for (int i = 0; i < n; ++i)
    items[i] = {3 * i - 77, 0.125f * float(i) - 3.0f, 1.0 / double(i + 2)};
  Item *dItems = harness->upload(items);
  int *dSums = harness->upload(std::vector<int>(n, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("directCalls"), {3}, {64}, dItems, dSums, n),
            Status::Success);
  std::vector<Item> out = harness->download(dItems, n);
  std::vector<int> sums = harness->download(dSums, n);
  for (int i = 0; i < n; ++i) {
    int key = wrappingMul(items[i].key, i - 3);
    EXPECT_EQ(out[i].key, key) << i;
    EXPECT_EQ(out[i].value, items[i].value + 0.25f * float(i)) << i;
    EXPECT_EQ(out[i].weight, items[i].weight * 1.5) << i;
    EXPECT_EQ(sums[i], i + key + 7) << i;
  }
}

TEST_F(ControlExec, RecursiveDeviceFunction) {
  std::vector<int> in = {0, 1, 2, 3, 7, 10, 15, 20, 1, 0, 12, 19};
  const int n = int(in.size());
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, -7));
  ASSERT_EQ(harness->launch(kernel("recursion"), {1}, {uint32_t(n)}, dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i) {
    int previous = 0, current = 1;
    for (int k = 0; k < in[i]; ++k) {
      int next = previous + current;
      previous = current;
      current = next;
    }
    EXPECT_EQ(out[i], previous) << "fib(" << in[i] << ")";
  }
}

TEST_F(ControlExec, ExitInKernelEndsOnlyThatThread) {
  const int n = 96;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 5) % 7;
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("exitInKernel"), {1}, {uint32_t(n)}, dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(out[i], (in[i] & 1) ? 1 : 2) << i;
}

// Kernels the CPU backend cannot run yet: refused, with the kernel's name.

const char *const kHeader = ".version 9.0\n.target sm_80\n.address_size 64\n";

TEST_F(ControlExec, BlockBarrierRuns) {
  // bar.sync 0 runs through the sub-CFG formation (issue 4); the value read
  // before the barrier survives it in the thread's own slot.
  std::string why;
  Module *barrier = harness->load(std::string(kHeader) + R"(
.visible .entry usesBarrier(.param .u64 out)
{
	.reg .b32 %r<3>;
	.reg .b64 %rd<4>;
	ld.param.u64 %rd1, [out];
	cvta.to.global.u64 %rd2, %rd1;
	mov.u32 %r1, %tid.x;
	bar.sync 0;
	mul.wide.u32 %rd3, %r1, 4;
	add.s64 %rd3, %rd2, %rd3;
	st.global.u32 [%rd3], %r1;
	ret;
}
)", &why);
  ASSERT_NE(barrier, nullptr) << why;
  Kernel *usesBarrier = barrier->findKernel("usesBarrier");
  ASSERT_NE(usesBarrier, nullptr);
  const int n = 96;
  int *dOut = harness->upload(std::vector<int>(n, -1));
  ASSERT_EQ(harness->launch(*usesBarrier, {1}, {n}, dOut), Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (int t = 0; t < n; ++t)
    EXPECT_EQ(out[t], t) << t;
}

TEST_F(ControlExec, DivergentActiveMaskIsRefusedNotRunWrongly) {
  // Warp collectives run, also under divergent control flow with a member
  // mask (WarpExecTest); __activemask() under thread-dependent control flow
  // (which lanes are "active" there) is refused, naming the kernel and
  // the collective. (The __syncwarp after the join keeps the lanes that
  // skip it alive; without it they would be lanes that exited, and
  // activemask would name the others: SyncExecTest.)
  std::string why = refusal(std::string(kHeader) + R"(
.visible .entry usesActiveMask(.param .u64 out)
{
	.reg .pred %p<3>;
	.reg .b32 %r<3>;
	.reg .b64 %rd<4>;
	ld.param.u64 %rd1, [out];
	mov.u32 %r1, %tid.x;
	setp.lt.u32 %p2, %r1, 16;
	@!%p2 bra $L__done;
	activemask.b32 %r2;
	mul.wide.u32 %rd3, %r1, 4;
	add.s64 %rd3, %rd1, %rd3;
	st.u32 [%rd3], %r2;
$L__done:
	bar.warp.sync -1;
	ret;
}
)");
  EXPECT_NE(why.find("usesActiveMask"), std::string::npos) << why;
  EXPECT_NE(why.find("llvm.nvvm.activemask"), std::string::npos) << why;
  EXPECT_NE(why.find("thread-dependent control flow"), std::string::npos) << why;
}

TEST_F(ControlExec, NamedBarrierArriveIsRefusedNotRunWrongly) {
  // bar.arrive has no NVVM intrinsic: it is a call of __cuport_bar_arrive,
  // which the CPU lowering turns into a named-barrier arrival when its id
  // and count are constants (SyncExecTest); a count known only at run time
  // is refused.
  std::string why = refusal(std::string(kHeader) + R"(
.visible .entry arrives(.param .u32 count)
{
	.reg .b32 %r<2>;
	ld.param.u32 %r1, [count];
	bar.arrive 1, %r1;
	ret;
}
)");
  EXPECT_NE(why.find("__cuport_bar_arrive"), std::string::npos) << why;
}

TEST_F(ControlExec, ExitInDeviceFunctionIsRefusedNotRunWrongly) {
  // What nvcc emits for `__device__ void stop() { asm("exit;"); }`.
  std::string why = refusal(std::string(kHeader) + R"(
.func stop(.param .b64 stop_param_0)
{
	.reg .b32 %r<2>;
	.reg .b64 %rd<2>;
	ld.param.u64 %rd1, [stop_param_0];
	mov.u32 %r1, 5;
	st.u32 [%rd1], %r1;
	exit;
	ret;
}
.visible .entry exitsInCallee(.param .u64 out)
{
	.reg .b64 %rd<2>;
	ld.param.u64 %rd1, [out];
	{
	.param .b64 param0;
	st.param.b64 [param0+0], %rd1;
	call.uni stop, (param0);
	}
	ret;
}
)");
  EXPECT_NE(why.find("exitsInCallee"), std::string::npos) << why;
  EXPECT_NE(why.find("llvm.nvvm.exit"), std::string::npos) << why;
}

} // namespace
