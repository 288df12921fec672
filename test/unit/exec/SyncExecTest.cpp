//===- SyncExecTest.cpp - Barrier variants and early exits executed -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for the synchronisation semantics of the CPU
// lowering beyond plain __syncthreads: nvcc-built PTX
// (test/data/exec/sync_kernels.ptx, source beside it) runs on the backend
// and every result is compared with a host computation. Covered:
// __syncthreads_count/_and/_or (bar.red) in 1D blocks of sizes that are not
// multiples of 32 and in 2D/3D blocks, reductions in a loop whose trip count
// they decide; barriers with a thread count (bar.sync a, b and barrier.sync
// a, b) equal to the block size, and a count for part of the block failing
// the launch; threads that return before a barrier (`if (i >= n) return;`),
// in a loop, with reducing barriers and activemask after them; named
// barriers of producer/consumer warps (bar.arrive + bar.sync with counts),
// and bar.arrive with a run-time count refused at load time naming the
// kernel and the instruction; grid-wide
// sync (cooperative_groups) in a cooperative launch, a block that traps
// before it (the others do not hang), and the same kernel launched without
// cooperation (grid.sync() traps, as on NVIDIA hardware).
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

using cuport::backend::Dim3;
using cuport::backend::Status;

namespace {

class SyncExec : public cuport::test::PtxModuleTest<SyncExec> {
public:
  static constexpr const char *kPtxFile = "exec/sync_kernels.ptx";
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

unsigned threadsOf(Dim3 block) { return block.x * block.y * block.z; }

//===----------------------------------------------------------------------===//
// __syncthreads_count / _and / _or
//===----------------------------------------------------------------------===//

class ReduceFlags : public SyncExec, public ::testing::WithParamInterface<Dim3> {};

TEST_P(ReduceFlags, EveryThreadSeesTheBlockResult) {
  const Dim3 block = GetParam();
  const unsigned blocks = 3, threads = threadsOf(block), n = blocks * threads;
  std::vector<int> in = sequence(n, int(threads));
  in[threads + threads / 2] = 7;      // block 1 has a 7: or is true there
  for (unsigned t = 0; t < threads; ++t) // block 2: every value > -900
    in[2 * threads + t] = std::max(in[2 * threads + t], -899);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(3 * n, -5));
  ASSERT_EQ(harness->launch(kernel("reduceFlags"), {blocks}, block, dIn, dOut),
            Status::Success);
  std::vector<int> out = harness->download(dOut, 3 * n);
  for (unsigned b = 0; b < blocks; ++b) {
    int count = 0, all = 1, any = 0;
    for (unsigned t = 0; t < threads; ++t) {
      int v = in[b * threads + t];
      count += v > 0;
      all &= v > -900;
      any |= v == 7;
    }
    if (b == 2)
      ASSERT_EQ(all, 1);
    if (b == 1)
      ASSERT_EQ(any, 1);
    for (unsigned t = 0; t < threads; ++t) {
      unsigned g = b * threads + t;
      ASSERT_EQ(out[3 * g + 0], count) << "block " << b << " thread " << t;
      ASSERT_EQ(out[3 * g + 1], all) << "block " << b << " thread " << t;
      ASSERT_EQ(out[3 * g + 2], any) << "block " << b << " thread " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Blocks, ReduceFlags,
                         ::testing::Values(Dim3{1, 1, 1}, Dim3{32, 1, 1}, Dim3{33, 1, 1},
                                           Dim3{100, 1, 1}, Dim3{1024, 1, 1},
                                           Dim3{8, 4, 2}, Dim3{7, 5, 3}, Dim3{13, 9, 1}));

TEST_F(SyncExec, ReductionsInALoop) {
  const Dim3 block{10, 3, 2};
  const unsigned blocks = 2, threads = threadsOf(block), n = blocks * threads;
  const int rounds = 5;
  std::vector<int> in = sequence(n, 3);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, -1));
  ASSERT_EQ(harness->launch(kernel("reduceInLoop"), {blocks}, block, dIn, dOut, rounds),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned b = 0; b < blocks; ++b) {
    int total = 0;
    for (int r = 0; r < rounds; ++r)
      for (unsigned t = 0; t < threads; ++t)
        total += (in[b * threads + t] + r) % 3 == 0;
    for (unsigned t = 0; t < threads; ++t)
      ASSERT_EQ(out[b * threads + t], total) << b << " " << t;
  }
}

//===----------------------------------------------------------------------===//
// Barriers with a thread count
//===----------------------------------------------------------------------===//

TEST_F(SyncExec, CountEqualToTheBlockIsAWholeBlockBarrier) {
  for (Dim3 block : {Dim3{96, 1, 1}, Dim3{50, 1, 1}, Dim3{8, 4, 3}}) {
    const unsigned blocks = 2, threads = threadsOf(block), n = blocks * threads;
    std::vector<int> in = sequence(n, 9);
    int *dIn = harness->upload(in);
    int *dOut = harness->upload(std::vector<int>(n, 0));
    ASSERT_EQ(harness->launch(kernel("countedBarrier"), {blocks}, block, dIn, dOut),
              Status::Success);
    std::vector<int> out = harness->download(dOut, n);
    for (unsigned b = 0; b < blocks; ++b)
      for (unsigned t = 0; t < threads; ++t) {
        unsigned next = (t + 1) % threads;
        ASSERT_EQ(out[b * threads + t], 2 * in[b * threads + threads - 1 - next])
            << b << " " << t;
      }
  }
}

TEST_F(SyncExec, CountForPartOfTheBlockFailsTheLaunch) {
  int *dOut = harness->upload(std::vector<int>(128, 0));
  EXPECT_EQ(harness->launch(kernel("partialBarrier"), {1}, {128}, dOut),
            Status::LaunchFailure);
  // With 64 threads the count is the block: it runs.
  int *dOut64 = harness->upload(std::vector<int>(64, 0));
  ASSERT_EQ(harness->launch(kernel("partialBarrier"), {1}, {64}, dOut64), Status::Success);
  for (int v : harness->download(dOut64, 64))
    EXPECT_EQ(v, 2);
}

const char *const kHeader = ".version 9.0\n.target sm_80\n.address_size 64\n";

TEST_F(SyncExec, ProducerConsumerWarpsWithNamedBarriers) {
  const unsigned blocks = 3;
  const int rounds = 7;
  std::vector<int> in = sequence(32 * rounds, 5);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(32 * blocks, 0));
  ASSERT_EQ(harness->launch(kernel("producerConsumer"), {blocks}, {64}, dIn, dOut, rounds),
            Status::Success);
  std::vector<int> out = harness->download(dOut, 32 * blocks);
  for (unsigned b = 0; b < blocks; ++b)
    for (unsigned lane = 0; lane < 32; ++lane) {
      int sum = 0;
      for (int r = 0; r < rounds; ++r)
        sum = sum * 3 + in[r * 32 + 31 - lane] * int(b + 1);
      ASSERT_EQ(out[b * 32 + lane], sum) << b << " " << lane;
    }
}

TEST_F(SyncExec, NamedBarrierThatNeverCompletesFailsTheLaunch) {
  int *dOut = harness->upload(std::vector<int>(64, 0));
  EXPECT_EQ(harness->launch(kernel("namedBarrierDeadlock"), {2}, {64}, dOut),
            Status::LaunchFailure);
}

TEST_F(SyncExec, BarArriveWithRunTimeCountIsRefusedNamingKernelAndInstruction) {
  // Producer warps arrive, consumer warps wait, the count a parameter.
  std::string why = refusal(std::string(kHeader) + R"(
.visible .entry arriveRunTimeCount(.param .u32 count)
{
	.reg .pred %p<2>;
	.reg .b32 %r<3>;
	ld.param.u32 %r2, [count];
	mov.u32 %r1, %tid.x;
	setp.gt.u32 %p1, %r1, 31;
	@%p1 bra $L__consumer;
	bar.arrive 1, %r2;
	ret;
$L__consumer:
	bar.sync 1, %r2;
	ret;
}
)");
  EXPECT_NE(why.find("arriveRunTimeCount"), std::string::npos) << why;
  EXPECT_NE(why.find("bar.arrive"), std::string::npos) << why;
}

//===----------------------------------------------------------------------===//
// Threads that return before a barrier
//===----------------------------------------------------------------------===//

TEST_F(SyncExec, EarlyReturnBeforeABarrier) {
  for (int n : {1, 31, 100, 256, 300, 513}) {
    const unsigned threads = 128, blocks = (unsigned(n) + threads - 1) / threads + 1;
    std::vector<float> in(blocks * threads);
    for (size_t i = 0; i < in.size(); ++i)
      in[i] = float(i) * 0.5f - 3.0f;
    float *dIn = harness->upload(in);
    float *dOut = harness->upload(std::vector<float>(in.size(), -42.0f));
    ASSERT_EQ(harness->launch(kernel("earlyReturnNeighbour"), {blocks}, {threads}, dIn, dOut,
                              n),
              Status::Success);
    std::vector<float> out = harness->download(dOut, in.size());
    for (unsigned i = 0; i < in.size(); ++i) {
      if (int(i) >= n) {
        ASSERT_EQ(out[i], -42.0f) << "n " << n << " i " << i;
        continue;
      }
      unsigned b = i / threads, t = i % threads;
      unsigned live = std::min<unsigned>(threads, unsigned(n) - b * threads);
      ASSERT_EQ(out[i], in[i] + in[b * threads + (t + 1) % live]) << "n " << n << " i " << i;
    }
  }
}

TEST_F(SyncExec, ExitedThreadsTakeNoPartInReductions) {
  const int n = 250;
  const unsigned threads = 96, blocks = 3;
  int *dOut = harness->upload(std::vector<int>(2 * blocks * threads, -1));
  ASSERT_EQ(harness->launch(kernel("earlyReturnCount"), {blocks}, {threads}, dOut, n),
            Status::Success);
  std::vector<int> out = harness->download(dOut, 2 * blocks * threads);
  for (unsigned i = 0; i < blocks * threads; ++i) {
    unsigned b = i / threads;
    int live = std::min<int>(threads, n - int(b * threads)), odd = 0;
    for (int j = int(b * threads); j < int(b * threads) + live; ++j)
      odd += j & 1;
    EXPECT_EQ(out[2 * i], int(i) < n ? live : -1) << i;
    EXPECT_EQ(out[2 * i + 1], int(i) < n ? odd : -1) << i;
  }
}

TEST_F(SyncExec, ThreadsLeaveALoopWithBarriersRoundByRound) {
  const unsigned threads = 70, blocks = 2, n = threads * blocks;
  const int rounds = 6;
  std::vector<int> in = sequence(n, 11);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("shrinkingRounds"), {blocks}, {threads}, dIn, dOut, rounds),
            Status::Success);
  std::vector<int> out = harness->download(dOut, n);
  for (unsigned b = 0; b < blocks; ++b) {
    std::vector<int> v(in.begin() + b * threads, in.begin() + (b + 1) * threads);
    std::vector<int> expected(threads, -1);
    for (int r = 0; r < rounds; ++r) {
      unsigned limit = threads - 7 * r;
      std::vector<int> tile(v.begin(), v.begin() + limit);
      for (unsigned t = 0; t < limit; ++t) {
        v[t] += tile[(t + 1) % limit];
        expected[t] = v[t];
      }
    }
    for (unsigned t = 0; t < threads; ++t)
      ASSERT_EQ(out[b * threads + t], expected[t]) << b << " " << t;
  }
}

TEST_F(SyncExec, ActiveMaskAfterAnEarlyReturnNamesTheLiveLanes) {
  const int n = 45;
  const unsigned threads = 64;
  unsigned *dOut = harness->upload(std::vector<unsigned>(threads, 0));
  ASSERT_EQ(harness->launch(kernel("earlyReturnActiveMask"), {1}, {threads}, dOut, n),
            Status::Success);
  std::vector<unsigned> out = harness->download(dOut, threads);
  for (unsigned i = 0; i < threads; ++i) {
    unsigned expected = i < 32 ? 0xffffffffu : (i < unsigned(n) ? (1u << (n - 32)) - 1 : 0u);
    EXPECT_EQ(out[i], expected) << i;
  }
}

TEST_F(SyncExec, ReductionAfterEarlyReturnAndDivergentShuffle) {
  const unsigned threads = 64, blocks = 4;
  const int n = int(threads * 3 + 20);
  std::vector<int> in = sequence(threads * blocks, 21);
  int *dIn = harness->upload(in);
  int *dOut = harness->upload(std::vector<int>(threads * blocks, -7));
  ASSERT_EQ(harness->launch(kernel("countAfterDivergentShuffle"), {blocks}, {threads}, dIn,
                            dOut, n),
            Status::Success);
  std::vector<int> out = harness->download(dOut, threads * blocks);
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) {
    unsigned lane = unsigned(i) % 32;
    v[i] = in[i];
    if (lane < 16)
      v[i] += lane + 1 < 16 ? in[i + 1] : in[i]; // width 16: lane 15 reads itself
  }
  for (unsigned i = 0; i < threads * blocks; ++i) {
    if (int(i) >= n) {
      EXPECT_EQ(out[i], -7) << i;
      continue;
    }
    unsigned b = i / threads;
    int count = 0;
    for (int j = int(b * threads); j < int((b + 1) * threads) && j < n; ++j)
      count += v[j] > 0;
    EXPECT_EQ(out[i], count * 1000 + v[i]) << i;
  }
}

//===----------------------------------------------------------------------===//
// Grid-wide synchronisation
//===----------------------------------------------------------------------===//

std::vector<int> gridPhasesExpected(int n) {
  std::vector<int> a(n);
  for (int i = 0; i < n; ++i)
    a[i] = 3 * ((i + 2) % n) + 1;
  return a;
}

TEST_F(SyncExec, GridSyncInACooperativeLaunch) {
  for (auto [blocks, threads] : {std::pair{6u, 64u}, std::pair{3u, 100u}, std::pair{1u, 32u}}) {
    const int n = int(blocks * threads) - 5, noTrap = -1;
    int *dA = harness->upload(std::vector<int>(n, 0));
    int *dB = harness->upload(std::vector<int>(n, 0));
    ASSERT_EQ(harness->launchCooperative(kernel("gridPhases"), {blocks}, {threads}, dA, dB, n,
                                         noTrap),
              Status::Success);
    EXPECT_EQ(harness->download(dA, n), gridPhasesExpected(n)) << blocks << "x" << threads;
  }
}

TEST_F(SyncExec, ABlockThatTrapsBeforeTheGridSyncFailsTheLaunch) {
  const int n = 256, trapBlock = 2;
  int *dA = harness->upload(std::vector<int>(n, 0));
  int *dB = harness->upload(std::vector<int>(n, 0));
  EXPECT_EQ(harness->launchCooperative(kernel("gridPhases"), {4}, {64}, dA, dB, n, trapBlock),
            Status::LaunchFailure);
}

TEST_F(SyncExec, GridSyncWithoutCooperativeLaunchTraps) {
  const int n = 128, noTrap = -1;
  int *dA = harness->upload(std::vector<int>(n, 0));
  int *dB = harness->upload(std::vector<int>(n, 0));
  EXPECT_EQ(harness->launch(kernel("gridPhases"), {2}, {64}, dA, dB, n, noTrap),
            Status::LaunchFailure);
}

} // namespace
