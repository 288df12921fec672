//===- WarpExecTest.cpp - Warp collectives executed -----------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for warp collectives (passes/WarpCollectives,
// DESIGN.md §4.1 step 6): nvcc-built PTX (test/data/exec/warp_kernels.ptx,
// source beside it) runs on the backend; every result is compared with the
// PTX ISA's definition computed here on the host, warpSize 32. Covered:
// shfl.sync up/down/bfly/idx with widths 2..32 and run-time sources, raw c
// operands (clamp, segment mask) with the predicate output, out-of-range
// lanes (own value, predicate false), warp reduction, butterfly all-reduce,
// scan, vote ballot/any/all/uni, activemask, match.any (b32, b64) and
// match.all, redux.sync add/min/max/and/or/xor, __syncwarp, a block
// reduction mixing shared memory, __syncthreads and shuffles, and partial
// warps (blockDim 48: the second warp has 16 lanes). Under divergent
// control flow (the scheduled form of SubCfgFormation): shuffles with
// partial masks on both sides of `lane < 16`, a ballot under a
// warp-uniform branch, the block reduction where only warp 0 reduces the
// partial sums, __syncwarp under `t < 32`, and collectives after some
// threads returned (returned lanes take no part).
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using cuport::backend::Status;
using cuport::test::PtxModuleTest;

namespace {

constexpr uint32_t kFull = 0xffffffffu;

class WarpExec : public PtxModuleTest<WarpExec> {
public:
  static constexpr const char *kPtxFile = "exec/warp_kernels.ptx";
};

enum class Shfl { Up, Down, Bfly, Idx };

struct Shuffled {
  int32_t value;
  bool inRange;
};

/// shfl.sync.mode.b32 d|p, a, b, c as the PTX ISA defines it, for lane
/// `lane` of a full warp whose lanes hold `warp[0..31]`.
Shuffled shuffle(Shfl mode, const int32_t *warp, int lane, uint32_t b, uint32_t c) {
  int source = int(b & 31), clamp = int(c & 31), segmask = int((c >> 8) & 31);
  int maxLane = (lane & segmask) | (clamp & ~segmask);
  int minLane = lane & segmask;
  int j = 0;
  bool in = false;
  switch (mode) {
  case Shfl::Up: j = lane - source; in = j >= maxLane; break;
  case Shfl::Down: j = lane + source; in = j <= maxLane; break;
  case Shfl::Bfly: j = lane ^ source; in = j <= maxLane; break;
  case Shfl::Idx: j = minLane | (source & ~segmask); in = j <= maxLane; break;
  }
  return {warp[in ? j : lane], in};
}

std::vector<int32_t> distinctValues(int n) {
  std::vector<int32_t> values(n);
  for (int i = 0; i < n; ++i)
    values[i] = i * 7 + 3;
  return values;
}

TEST_F(WarpExec, ShuffleWithWidthsAndSources) {
  const int n = 128; // two blocks of two warps
  std::vector<int32_t> in = distinctValues(n);
  struct Case { int b, width; };
  for (Case k : {Case{0, 32}, Case{1, 32}, Case{17, 32}, Case{31, 32}, Case{33, 32},
                 Case{5, 16}, Case{3, 8}, Case{13, 8}, Case{2, 8}, Case{7, 4},
                 Case{1, 2}, Case{1, 1}}) {
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(4 * n, -1));
    ASSERT_EQ(harness->launch(kernel("shuffles"), {2}, {64}, dIn, dOut, k.b, k.width),
              Status::Success);
    std::vector<int32_t> out = harness->download(dOut, 4 * n);
    uint32_t segment = uint32_t(32 - k.width) << 8;
    for (int i = 0; i < n; ++i) {
      const int32_t *warp = &in[i & ~31];
      int lane = i & 31;
      EXPECT_EQ(out[4 * i + 0], shuffle(Shfl::Up, warp, lane, k.b, segment).value)
          << "up b=" << k.b << " width=" << k.width << " i=" << i;
      EXPECT_EQ(out[4 * i + 1], shuffle(Shfl::Down, warp, lane, k.b, segment | 31).value)
          << "down b=" << k.b << " width=" << k.width << " i=" << i;
      EXPECT_EQ(out[4 * i + 2], shuffle(Shfl::Bfly, warp, lane, k.b, segment | 31).value)
          << "xor b=" << k.b << " width=" << k.width << " i=" << i;
      EXPECT_EQ(out[4 * i + 3], shuffle(Shfl::Idx, warp, lane, k.b, segment | 31).value)
          << "idx b=" << k.b << " width=" << k.width << " i=" << i;
    }
  }
}

TEST_F(WarpExec, ShuffleClampSegmentAndPredicate) {
  const int n = 64;
  std::vector<int32_t> in = distinctValues(n);
  struct Case { uint32_t b, c; };
  for (Case k : {Case{1, 0x1f}, Case{1, 0}, Case{3, 0x0f}, Case{2, 0x181f},
                 Case{5, 0x1000}, Case{0, 0}, Case{31, 0x1f}, Case{4, 0x0807},
                 Case{9, 0x1c03}, Case{37, 0xffff}, Case{6, 0x1f00}}) {
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(8 * n, -1));
    ASSERT_EQ(harness->launch(kernel("shufflePredicates"), {1}, {n}, dIn, dOut, k.b, k.c),
              Status::Success);
    std::vector<int32_t> out = harness->download(dOut, 8 * n);
    for (int i = 0; i < n; ++i)
      for (int m = 0; m < 4; ++m) {
        Shuffled want = shuffle(Shfl(m), &in[i & ~31], i & 31, k.b, k.c);
        EXPECT_EQ(out[8 * i + 2 * m], want.value)
            << "mode " << m << " b=" << k.b << " c=" << k.c << " i=" << i;
        EXPECT_EQ(out[8 * i + 2 * m + 1], int32_t(want.inRange))
            << "predicate, mode " << m << " b=" << k.b << " c=" << k.c << " i=" << i;
      }
  }
}

TEST_F(WarpExec, WarpReductionWithShuffleDown) {
  const int n = 256;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 37) % 101 - 50;
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(n / 32, -1));
  ASSERT_EQ(harness->launch(kernel("warpReduce"), {2}, {128}, dIn, dOut), Status::Success);
  std::vector<int32_t> out = harness->download(dOut, n / 32);
  for (int w = 0; w < n / 32; ++w) {
    // Lane 0's sum: out-of-range sources keep their own value, but lane 0
    // only ever reads lanes that are in range.
    int32_t sum = 0;
    for (int l = 0; l < 32; ++l)
      sum += in[32 * w + l];
    EXPECT_EQ(out[w], sum) << "warp " << w;
  }
}

/// Sum of each lane's `width`-lane segment, blocks of `block` threads.
void expectSegmentSums(const std::vector<int32_t> &in, const std::vector<int32_t> &out,
                       int width) {
  for (size_t i = 0; i < in.size(); ++i) {
    size_t first = i / width * width;
    int32_t sum = 0;
    for (size_t l = first; l < first + width; ++l)
      sum += in[l];
    EXPECT_EQ(out[i], sum) << "width " << width << " thread " << i;
  }
}

TEST_F(WarpExec, ButterflyAllReduce) {
  for (int width : {32, 16, 8, 2}) {
    const int n = 128;
    std::vector<int32_t> in = distinctValues(n);
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(n, -1));
    ASSERT_EQ(harness->launch(kernel("butterfly"), {2}, {64}, dIn, dOut, width),
              Status::Success);
    expectSegmentSums(in, harness->download(dOut, n), width);
  }
}

TEST_F(WarpExec, PartialWarpButterflyWithActiveMask) {
  // blockDim 48: the second warp has lanes 0..15 only; __activemask() is
  // 0xffff there and segments of 16 or fewer lanes stay inside it.
  for (int width : {16, 8, 4}) {
    const int block = 48, n = 2 * block;
    std::vector<int32_t> in = distinctValues(n);
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(n, -1));
    ASSERT_EQ(harness->launch(kernel("butterfly"), {2}, {block}, dIn, dOut, width),
              Status::Success);
    expectSegmentSums(in, harness->download(dOut, n), width);
  }
}

TEST_F(WarpExec, InclusiveScanWithShuffleUp) {
  const int n = 96;
  std::vector<int32_t> in = distinctValues(n);
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(n, -1));
  ASSERT_EQ(harness->launch(kernel("scan"), {1}, {n}, dIn, dOut), Status::Success);
  std::vector<int32_t> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i) {
    int32_t sum = 0;
    for (int l = i & ~31; l <= i; ++l)
      sum += in[l];
    EXPECT_EQ(out[i], sum) << i;
  }
}

/// Runs `votes` on `in` (blocks of `block` threads) and checks ballot,
/// any, all, uni and activemask over the lanes that exist.
void checkVotes(cuport::test::BackendHarness *harness, cuport::backend::Kernel &votes,
                const std::vector<int32_t> &in, int block) {
  const int n = int(in.size());
  int32_t *dIn = harness->upload(in);
  uint32_t *dOut = harness->upload(std::vector<uint32_t>(5 * n, 7));
  ASSERT_EQ(harness->launch(votes, {unsigned(n / block)}, {unsigned(block)}, dIn, dOut, kFull),
            Status::Success);
  std::vector<uint32_t> out = harness->download(dOut, 5 * n);
  for (int i = 0; i < n; ++i) {
    int blockStart = i / block * block, t = i - blockStart;
    int warpStart = blockStart + (t & ~31);
    int lanes = std::min(32, blockStart + block - warpStart);
    uint32_t existing = lanes == 32 ? kFull : (1u << lanes) - 1;
    uint32_t ballot = 0;
    for (int l = 0; l < lanes; ++l)
      ballot |= uint32_t(in[warpStart + l] != 0) << l;
    EXPECT_EQ(out[5 * i + 0], ballot) << "ballot " << i;
    EXPECT_EQ(out[5 * i + 1], uint32_t(ballot != 0)) << "any " << i;
    EXPECT_EQ(out[5 * i + 2], uint32_t(ballot == existing)) << "all " << i;
    EXPECT_EQ(out[5 * i + 3], uint32_t(ballot == 0 || ballot == existing)) << "uni " << i;
    EXPECT_EQ(out[5 * i + 4], existing) << "activemask " << i;
  }
}

TEST_F(WarpExec, VotesAndActiveMask) {
  const int n = 128;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i) {
    int warp = i / 32, lane = i % 32;
    in[i] = warp == 0 ? 1 : warp == 1 ? 0 : warp == 2 ? (lane % 3 == 0) : (lane != 17);
  }
  checkVotes(harness, kernel("votes"), in, 64);
}

TEST_F(WarpExec, VotesInPartialWarps) {
  const int block = 48;
  std::vector<int32_t> in(2 * block);
  for (int i = 0; i < 2 * block; ++i)
    in[i] = i < block ? (i % 5 != 0) : 1; // second block: all lanes true
  checkVotes(harness, kernel("votes"), in, block);
}

TEST_F(WarpExec, MatchAnyAndAll) {
  const int n = 96;
  std::vector<int32_t> in(n);
  std::vector<int64_t> wide(n);
  for (int i = 0; i < n; ++i) {
    in[i] = i < 32 ? i % 5 : i < 64 ? 42 : (i == 70 ? 41 : 42);
    // Values equal in their low 32 bits but not in their high ones.
    wide[i] = (int64_t(i % 3) << 40) | int64_t(i % 2);
  }
  int32_t *dIn = harness->upload(in);
  int64_t *dWide = harness->upload(wide);
  uint32_t *dOut = harness->upload(std::vector<uint32_t>(4 * n, 7));
  ASSERT_EQ(harness->launch(kernel("matches"), {1}, {n}, dIn, dWide, dOut), Status::Success);
  std::vector<uint32_t> out = harness->download(dOut, 4 * n);
  for (int i = 0; i < n; ++i) {
    int first = i & ~31;
    uint32_t same = 0, sameWide = 0;
    for (int l = 0; l < 32; ++l) {
      same |= uint32_t(in[first + l] == in[i]) << l;
      sameWide |= uint32_t(wide[first + l] == wide[i]) << l;
    }
    EXPECT_EQ(out[4 * i + 0], same) << "match.any " << i;
    EXPECT_EQ(out[4 * i + 1], same == kFull ? kFull : 0u) << "match.all " << i;
    EXPECT_EQ(out[4 * i + 2], uint32_t(same == kFull)) << "match.all predicate " << i;
    EXPECT_EQ(out[4 * i + 3], sameWide) << "match.any.b64 " << i;
  }
}

TEST_F(WarpExec, ReduxSync) {
  const int n = 64;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = i < 32 ? (i * 2654435761u) >> 3 : -(i * 977) + 30000;
  in[5] = INT32_MIN;
  in[40] = INT32_MAX;
  int32_t *dIn = harness->upload(in);
  uint32_t *dOut = harness->upload(std::vector<uint32_t>(6 * n, 7));
  ASSERT_EQ(harness->launch(kernel("reductions"), {1}, {n}, dIn, dOut), Status::Success);
  std::vector<uint32_t> out = harness->download(dOut, 6 * n);
  for (int i = 0; i < n; ++i) {
    int first = i & ~31;
    uint32_t add = 0, umin = kFull, andAll = kFull, orAll = 0, xorAll = 0;
    int32_t smax = INT32_MIN;
    for (int l = first; l < first + 32; ++l) {
      uint32_t v = uint32_t(in[l]);
      add += v; // modulo 2^32
      umin = std::min(umin, v);
      smax = std::max(smax, in[l]);
      andAll &= v;
      orAll |= v;
      xorAll ^= v;
    }
    EXPECT_EQ(out[6 * i + 0], add) << "add " << i;
    EXPECT_EQ(out[6 * i + 1], umin) << "min.u32 " << i;
    EXPECT_EQ(out[6 * i + 2], uint32_t(smax)) << "max.s32 " << i;
    EXPECT_EQ(out[6 * i + 3], andAll) << "and " << i;
    EXPECT_EQ(out[6 * i + 4], orAll) << "or " << i;
    EXPECT_EQ(out[6 * i + 5], xorAll) << "xor " << i;
  }
}

TEST_F(WarpExec, SyncwarpMakesLaneStoresVisible) {
  const int n = 128;
  std::vector<int32_t> in = distinctValues(n);
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(n, -1));
  ASSERT_EQ(harness->launch(kernel("syncwarpExchange"), {2}, {64}, dIn, dOut),
            Status::Success);
  std::vector<int32_t> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i) {
    int block = i & ~63, t = i & 63;
    EXPECT_EQ(out[i], in[block + (t ^ 1)] * 3 + in[block + (t ^ 31)] * 3) << i;
  }
}

TEST_F(WarpExec, BlockReductionWithSharedMemoryAndShuffles) {
  for (unsigned block : {256u, 96u, 32u}) {
    const unsigned blocks = 3, n = blocks * block;
    std::vector<int32_t> in(n);
    for (unsigned i = 0; i < n; ++i)
      in[i] = int32_t(i % 13) - 6 + int32_t(i / 100);
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(blocks, -1));
    ASSERT_EQ(harness->launch(kernel("blockReduce"), {blocks}, {block}, dIn, dOut),
              Status::Success);
    std::vector<int32_t> out = harness->download(dOut, blocks);
    for (unsigned b = 0; b < blocks; ++b) {
      int32_t sum = 0;
      for (unsigned t = 0; t < block; ++t)
        sum += in[b * block + t];
      EXPECT_EQ(out[b], sum) << "block " << b << " of " << block << " threads";
    }
  }
}

TEST_F(WarpExec, ShuffleInLoopWithRunTimeTripCount) {
  const int n = 96;
  std::vector<int32_t> in = distinctValues(n);
  for (int rounds : {0, 1, 5, 33}) {
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(n, -1));
    ASSERT_EQ(harness->launch(kernel("rotate"), {1}, {n}, dIn, dOut, rounds),
              Status::Success);
    std::vector<int32_t> out = harness->download(dOut, n);
    for (int i = 0; i < n; ++i)
      EXPECT_EQ(out[i], in[(i & ~31) + ((i + rounds) & 31)]) << rounds << " rounds, " << i;
  }
}

// Divergent control flow: the scheduled form of the lowering.

TEST_F(WarpExec, DivergentShufflesWithPartialMasks) {
  const int n = 128;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = i * i % 97;
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(2 * n, -1));
  ASSERT_EQ(harness->launch(kernel("divergentShuffles"), {2}, {64}, dIn, dOut), Status::Success);
  std::vector<int32_t> out = harness->download(dOut, 2 * n);
  std::vector<int32_t> v(n);
  for (int i = 0; i < n; ++i) {
    int lane = i & 31, base = i & ~31;
    // Width 16: lane 15's source (16) is outside its segment: own value.
    v[i] = lane < 16 ? in[i] + (lane < 15 ? in[i + 1] : in[i])
                     : in[i] - in[base + (lane ^ 3)];
  }
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(out[2 * i], v[i]) << i;
    EXPECT_EQ(out[2 * i + 1], v[(i & ~31) + 31 - (i & 31)]) << i;
  }
}

TEST_F(WarpExec, BallotUnderWarpUniformBranch) {
  const int n = 96;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i % 7) - 3;
  int32_t *dIn = harness->upload(in);
  uint32_t *dOut = harness->upload(std::vector<uint32_t>(n, 1));
  ASSERT_EQ(harness->launch(kernel("warpUniformBallot"), {1}, {n}, dIn, dOut), Status::Success);
  std::vector<uint32_t> out = harness->download(dOut, n);
  for (int i = 0; i < n; ++i) {
    uint32_t ballot = 0;
    for (int l = 0; l < 32; ++l)
      ballot |= uint32_t(in[(i & ~31) + l] > 0) << l;
    EXPECT_EQ(out[i], i < 32 ? 0xdeadu : ballot) << i;
  }
}

TEST_F(WarpExec, BlockReductionByWarpZero) {
  for (unsigned block : {256u, 96u, 32u}) {
    const unsigned blocks = 3, n = blocks * block;
    std::vector<int32_t> in(n);
    for (unsigned i = 0; i < n; ++i)
      in[i] = int32_t(i % 11) - 4;
    int32_t *dIn = harness->upload(in);
    int32_t *dOut = harness->upload(std::vector<int32_t>(blocks, -1));
    ASSERT_EQ(harness->launch(kernel("blockReduceWarp0"), {blocks}, {block}, dIn, dOut),
              Status::Success);
    std::vector<int32_t> out = harness->download(dOut, blocks);
    for (unsigned b = 0; b < blocks; ++b) {
      int32_t sum = 0;
      for (unsigned t = 0; t < block; ++t)
        sum += in[b * block + t];
      EXPECT_EQ(out[b], sum) << "block " << b << " of " << block << " threads";
    }
  }
}

TEST_F(WarpExec, SyncwarpUnderDivergentBranch) {
  const int blocks = 4, n = 64 * blocks;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = i * 5 % 23;
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(blocks, -1));
  ASSERT_EQ(harness->launch(kernel("lastWarpSyncwarp"), {blocks}, {64}, dIn, dOut),
            Status::Success);
  std::vector<int32_t> out = harness->download(dOut, blocks);
  for (int b = 0; b < blocks; ++b) {
    int32_t sum = 0;
    for (int t = 0; t < 64; ++t)
      sum += in[64 * b + t];
    EXPECT_EQ(out[b], sum) << "block " << b;
  }
}

TEST_F(WarpExec, LanesThatReturnedTakeNoPart) {
  const int n = 96;
  std::vector<int32_t> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i % 5) - 1;
  for (unsigned live : {40u, 70u, 96u}) {
    int32_t *dIn = harness->upload(in);
    uint32_t *dOut = harness->upload(std::vector<uint32_t>(3 * n, 7));
    ASSERT_EQ(harness->launch(kernel("earlyExitCollectives"), {1}, {n}, dIn, dOut, live),
              Status::Success);
    std::vector<uint32_t> out = harness->download(dOut, 3 * n);
    for (unsigned i = 0; i < unsigned(n); ++i) {
      if (i >= live) {
        EXPECT_EQ(out[3 * i], 7u) << i;
        continue;
      }
      unsigned base = i & ~31u;
      uint32_t ballot = 0, sum = 0;
      for (unsigned l = base; l < std::min(base + 32, live); ++l) {
        ballot |= uint32_t(in[l] > 0) << (l - base);
        sum += uint32_t(in[l]);
      }
      EXPECT_EQ(out[3 * i], ballot) << live << " live, " << i;
      EXPECT_EQ(out[3 * i + 1], sum) << live << " live, " << i;
      if ((i ^ 1) < live) // the source lane has not returned
        EXPECT_EQ(out[3 * i + 2], uint32_t(in[i ^ 1])) << live << " live, " << i;
    }
  }
}

// Pre-Volta warp-synchronous code (volatile shared memory, no
// __syncwarp): run as if the lanes of a warp were in lock step
// (passes/ImplicitWarpSync). Thread by thread, lane 0 would read s[16]
// before lane 16 had added s[48] to it.
TEST_F(WarpExec, LegacyVolatileWarpReduceRunsInLockStep) {
  const unsigned blocks = 3;
  std::vector<int32_t> in(blocks * 256);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = int32_t((i * 2654435761u) % 1999) - 999;
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(blocks, -1));
  ASSERT_EQ(harness->launch(kernel("legacyBlockReduce"), {blocks}, {256}, dIn, dOut),
            Status::Success);
  std::vector<int32_t> out = harness->download(dOut, blocks);
  for (unsigned b = 0; b < blocks; ++b) {
    int32_t want = 0;
    for (unsigned t = 0; t < 256; ++t)
      want += in[b * 256 + t];
    EXPECT_EQ(out[b], want) << "block " << b;
  }
}

TEST_F(WarpExec, LegacyVolatileWarpScanUnderLaneBranches) {
  const unsigned blocks = 2;
  std::vector<int32_t> in(blocks * 64);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = int32_t((i * 7 + 3) % 10);
  int32_t *dIn = harness->upload(in);
  int32_t *dOut = harness->upload(std::vector<int32_t>(in.size(), -1));
  ASSERT_EQ(harness->launch(kernel("legacyWarpScan"), {blocks}, {64}, dIn, dOut),
            Status::Success);
  std::vector<int32_t> out = harness->download(dOut, in.size());
  for (unsigned b = 0; b < blocks; ++b) {
    std::vector<int32_t> scan(64);
    for (unsigned t = 0; t < 64; ++t) // inclusive scan within each warp
      scan[t] = in[b * 64 + t] + (t % 32 ? scan[t - 1] : 0);
    for (unsigned t = 0; t < 64; ++t)
      ASSERT_EQ(out[b * 64 + t], scan[t] * 1000 + scan[63 - t] % 1000)
          << "block " << b << " thread " << t;
  }
}

} // namespace
