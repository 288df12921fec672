//===- SharedBarrierExecTest.cpp - Shared memory and barriers executed ----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for shared memory and block barriers: nvcc-built
// PTX (test/data/exec/shared_barrier_kernels.ptx, source beside it) runs on
// the backend; every result is compared with what the CUDA source defines,
// computed here on the host. Covered: static and dynamic shared memory in
// the worker's arena (alignment of dynamic memory, isspacep.shared, 32-bit
// shared addresses, atom.shared), and __syncthreads lowered by sub-CFG
// formation: a tree reduction (barrier in a loop), a shared histogram, a
// tiled matrix multiply with 2D blocks, a barrier under a block-uniform if,
// dynamic shared memory across a barrier, a barrier in a loop whose trip
// count is a kernel argument, 3D blocks, and a per-thread local array live
// across barriers. A barrier under thread-dependent control flow that
// threads which go on to another barrier may skip must be refused, naming
// the kernel (threads that skip it and then only run to the end are
// threads that exit early: SyncExecTest).
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

class SharedBarrierExec : public cuport::test::PtxModuleTest<SharedBarrierExec> {
public:
  static constexpr const char *kPtxFile = "exec/shared_barrier_kernels.ptx";
};

std::vector<int> sequence(size_t n, int seed) {
  std::vector<int> values(n);
  uint32_t state = uint32_t(seed) * 2654435761u + 1;
  for (int &value : values) {
    state = state * 1664525u + 1013904223u;
    value = int(state >> 16) % 2001 - 1000;
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Shared memory without barriers
//===----------------------------------------------------------------------===//

TEST_F(SharedBarrierExec, StaticSharedOwnSlot) {
  const unsigned blocks = 3, threads = 256, n = blocks * threads;
  std::vector<int> in = sequence(n, 1);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("sharedOwnSlot"), {blocks}, {threads}, dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned i = 0; i < n; ++i)
    EXPECT_EQ(out[i], in[i] * 3 + in[i] * 2) << i;
}

TEST_F(SharedBarrierExec, DynamicSharedIsAlignedAndInTheArena) {
  const unsigned blocks = 4, threads = 100, n = blocks * threads;
  std::vector<float> in(n);
  for (unsigned i = 0; i < n; ++i)
    in[i] = 0.25f * float(i) - 7.0f;
  float *dIn = harness->upload(in);
  float *dOut = harness->upload(std::vector<float>(n, 0.0f));
  unsigned *dFlags = harness->upload(std::vector<unsigned>(blocks * 4, 99));
  ASSERT_EQ(harness->launchShared(kernel("dynamicOwnSlot"), {blocks}, {threads},
                                  threads * sizeof(float), dIn, dOut, dFlags),
            Status::Success);
  std::vector<float> out = harness->download(dOut, n);
  for (unsigned i = 0; i < n; ++i)
    EXPECT_EQ(out[i], (in[i] + 1.0f) * 2.0f) << i;
  std::vector<unsigned> flags = harness->download(dFlags, blocks * 4);
  for (unsigned b = 0; b < blocks; ++b) {
    EXPECT_EQ(flags[b * 4 + 0], 0u) << "dynamic shared memory is 16-byte aligned";
    EXPECT_EQ(flags[b * 4 + 1], 1u) << "isspacep.shared of dynamic shared memory";
    EXPECT_EQ(flags[b * 4 + 2], 1u) << "isspacep.shared of a static variable";
    EXPECT_EQ(flags[b * 4 + 3], 0u) << "isspacep.shared of a global buffer";
  }
}

TEST_F(SharedBarrierExec, ThirtyTwoBitSharedAddresses) {
  const unsigned blocks = 2, threads = 128, n = blocks * threads;
  std::vector<unsigned> in(n);
  for (unsigned i = 0; i < n; ++i)
    in[i] = i * 2654435761u;
  unsigned *dIn = harness->upload(in);
  unsigned *dOut = harness->upload(std::vector<unsigned>(2 * n, 0));
  ASSERT_EQ(harness->launch(kernel("sharedAddress32"), {blocks}, {threads}, dIn, dOut),
            Status::Success);
  std::vector<unsigned> out = harness->download(dOut, 2 * n);
  for (unsigned i = 0; i < n; ++i) {
    EXPECT_EQ(out[2 * i], in[i] ^ 0xA5A5u) << i;
    EXPECT_EQ(out[2 * i + 1], (i % threads) * 4) << "shared address offset " << i;
  }
}

TEST_F(SharedBarrierExec, SharedAtomicsOnOwnWord) {
  const unsigned threads = 64;
  unsigned *dOut = harness->upload(std::vector<unsigned>(threads * 5, 0));
  ASSERT_EQ(harness->launch(kernel("sharedAtomicsOwnSlot"), {1}, {threads}, dOut),
            Status::Success);
  std::vector<unsigned> out = harness->download(dOut, threads * 5);
  for (unsigned t = 0; t < threads; ++t) {
    unsigned a = t, b = t + 5, c = std::max(t + 5, 100u), d = a + b;
    EXPECT_EQ(out[t * 5 + 0], a) << t;
    EXPECT_EQ(out[t * 5 + 1], b) << t;
    EXPECT_EQ(out[t * 5 + 2], c) << t;
    EXPECT_EQ(out[t * 5 + 3], d) << t;
    EXPECT_EQ(out[t * 5 + 4], 7u) << t;
  }
}

//===----------------------------------------------------------------------===//
// Barriers
//===----------------------------------------------------------------------===//

TEST_F(SharedBarrierExec, BlockReductionWithBarrierInLoop) {
  for (unsigned threads : {1u, 2u, 32u, 256u, 1024u}) {
    const unsigned blocks = 5, n = blocks * threads;
    std::vector<int> in = sequence(n, int(threads));
    int *dIn = harness->upload(in);
    int *dOut = harness->upload(std::vector<int>(blocks, 0x5A5A5A5A));
    ASSERT_EQ(harness->launch(kernel("blockReduce"), {blocks}, {threads}, dIn, dOut),
              Status::Success);
    std::vector<int> out = harness->download(dOut, blocks);
    for (unsigned b = 0; b < blocks; ++b) {
      int expected = 0;
      for (unsigned t = 0; t < threads; ++t)
        expected += in[b * threads + t];
      EXPECT_EQ(out[b], expected) << "block " << b << " of " << threads << " threads";
    }
  }
}

TEST_F(SharedBarrierExec, SharedHistogram) {
  const unsigned n = 10000, blocks = 7, threads = 96;
  std::vector<unsigned> in(n);
  for (unsigned i = 0; i < n; ++i)
    in[i] = i * 7919u + (i >> 3);
  unsigned *dIn = harness->upload(in);
  unsigned *dBins = harness->upload(std::vector<unsigned>(16, 0));
  ASSERT_EQ(harness->launch(kernel("sharedHistogram"), {blocks}, {threads}, dIn, n, dBins),
            Status::Success);
  std::vector<unsigned> bins = harness->download(dBins, 16), expected(16, 0);
  for (unsigned value : in)
    ++expected[value % 16];
  EXPECT_EQ(bins, expected);
}

TEST_F(SharedBarrierExec, TiledMatrixMultiplyWithTwoBarriersPerTile) {
  const int n = 64;
  std::vector<float> a(n * n), b(n * n);
  for (int i = 0; i < n * n; ++i) {
    a[i] = float((i * 7) % 13) - 6.0f; // small integers: exact sums
    b[i] = float((i * 5) % 11) - 5.0f;
  }
  float *dA = harness->upload(a), *dB = harness->upload(b);
  float *dC = harness->upload(std::vector<float>(n * n, -1.0f));
  ASSERT_EQ(harness->launch(kernel("tiledMatMul"), {n / 16, n / 16}, {16, 16}, dA, dB,
                            dC, n),
            Status::Success);
  std::vector<float> c = harness->download(dC, n * n);
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col) {
      float expected = 0.0f;
      for (int k = 0; k < n; ++k)
        expected += a[row * n + k] * b[k * n + col];
      ASSERT_EQ(c[row * n + col], expected) << row << "," << col;
    }
}

TEST_F(SharedBarrierExec, BarrierUnderBlockUniformIf) {
  const unsigned blocks = 4, threads = 64, n = blocks * threads;
  std::vector<int> in = sequence(n, 3);
  int *dIn = harness->upload(in);
  for (int mode : {0, 5}) {
    int *dOut = harness->upload(std::vector<int>(n, 0));
    ASSERT_EQ(harness->launch(kernel("uniformIfBarrier"), {blocks}, {threads}, dIn, dOut,
                              mode),
              Status::Success);
    std::vector<int> out = harness->download(dOut, n);
    for (unsigned i = 0; i < n; ++i) {
      unsigned block = i / threads, t = i % threads;
      int expected = mode > 0 && block % 2 == 0
                         ? in[block * threads + (t + 1) % threads] * 10 + mode
                         : -in[i];
      EXPECT_EQ(out[i], expected) << "mode " << mode << " at " << i;
    }
  }
}

TEST_F(SharedBarrierExec, DynamicSharedMemoryAcrossBarrier) {
  const unsigned blocks = 3, threads = 200, n = blocks * threads;
  std::vector<int> in = sequence(n, 4);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launchShared(kernel("dynamicReverse"), {blocks}, {threads},
                                  threads * sizeof(int), dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned i = 0; i < n; ++i) {
    unsigned block = i / threads, t = i % threads;
    EXPECT_EQ(out[i], in[block * threads + threads - 1 - t]) << i;
  }
}

TEST_F(SharedBarrierExec, BarrierInLoopWithArgumentTripCount) {
  const unsigned blocks = 2, threads = 48, n = blocks * threads;
  std::vector<int> in = sequence(n, 5);
  int *dIn = harness->upload(in);
  for (int rounds : {0, 1, 7}) {
    int *dOut = harness->upload(std::vector<int>(n, 0));
    ASSERT_EQ(harness->launch(kernel("rotateRounds"), {blocks}, {threads}, dIn, dOut,
                              rounds),
              Status::Success);
    std::vector<int> out = harness->download(dOut, n);
    for (unsigned b = 0; b < blocks; ++b) {
      std::vector<int> v(in.begin() + b * threads, in.begin() + (b + 1) * threads);
      for (int r = 0; r < rounds; ++r) {
        std::vector<int> next(threads);
        for (unsigned t = 0; t < threads; ++t)
          next[t] = v[(t + 1) % threads] + r;
        v = next;
      }
      for (unsigned t = 0; t < threads; ++t)
        EXPECT_EQ(out[b * threads + t], v[t]) << "rounds " << rounds << " at " << t;
    }
  }
}

TEST_F(SharedBarrierExec, ThreeDimensionalBlocks) {
  const unsigned blocks = 3, threads = 32 * 8 * 2, n = blocks * threads;
  std::vector<int> in = sequence(n, 6);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("transpose3d"), {blocks}, {32, 8, 2}, dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned i = 0; i < n; ++i) {
    unsigned block = i / threads, linear = i % threads;
    unsigned x = linear % 32, y = linear / 32 % 8, z = linear / 256;
    unsigned partner = ((1 - z) * 8 + (7 - y)) * 32 + (31 - x);
    EXPECT_EQ(out[i], in[block * threads + partner]) << i;
  }
}

TEST_F(SharedBarrierExec, LocalArrayLiveAcrossBarriersIsPerThread) {
  const unsigned blocks = 2, threads = 128, n = blocks * threads;
  std::vector<int> in = sequence(n, 7);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("localArrayAcrossBarrier"), {blocks}, {threads}, dIn,
                            dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned i = 0; i < n; ++i) {
    unsigned block = i / threads, t = i % threads;
    int neighbour = in[block * threads + (t + 3) % threads];
    int other = neighbour * ((neighbour & 7) + 1);
    EXPECT_EQ(out[i], in[i] * (((in[i] + 1) & 7) + 1) + other) << i;
  }
}

//===----------------------------------------------------------------------===//
// Refused: barriers not every thread reaches
//===----------------------------------------------------------------------===//

const char *const kHeader = ".version 9.0\n.target sm_80\n.address_size 64\n";

TEST_F(SharedBarrierExec, BarrierUnderThreadDependentIfIsRefused) {
  // if (threadIdx.x < 16) __syncthreads();  ... __syncthreads();
  std::string why = refusal(std::string(kHeader) + R"(
.visible .entry divergentBarrier(.param .u64 out)
{
	.reg .pred %p<2>;
	.reg .b32 %r<3>;
	.reg .b64 %rd<4>;
	ld.param.u64 %rd1, [out];
	mov.u32 %r1, %tid.x;
	setp.gt.u32 %p1, %r1, 15;
	@%p1 bra $L__skip;
	bar.sync 0;
$L__skip:
	mul.wide.u32 %rd2, %r1, 4;
	add.s64 %rd3, %rd1, %rd2;
	st.u32 [%rd3], %r1;
	bar.sync 0;
	ret;
}
)");
  EXPECT_NE(why.find("divergentBarrier"), std::string::npos) << why;
  EXPECT_NE(why.find("thread-dependent control flow"), std::string::npos) << why;
}

TEST_F(SharedBarrierExec, BarrierInThreadDependentLoopIsRefused) {
  // for (i = 0; i < threadIdx.x; ++i) __syncthreads();  __syncthreads();
  std::string why = refusal(std::string(kHeader) + R"(
.visible .entry divergentLoopBarrier(.param .u64 out)
{
	.reg .pred %p<2>;
	.reg .b32 %r<4>;
	mov.u32 %r1, %tid.x;
	mov.u32 %r2, 0;
$L__loop:
	setp.ge.u32 %p1, %r2, %r1;
	@%p1 bra $L__done;
	bar.sync 0;
	add.s32 %r2, %r2, 1;
	bra.uni $L__loop;
$L__done:
	bar.sync 0;
	ret;
}
)");
  EXPECT_NE(why.find("divergentLoopBarrier"), std::string::npos) << why;
  EXPECT_NE(why.find("thread-dependent control flow"), std::string::npos) << why;
}

} // namespace
