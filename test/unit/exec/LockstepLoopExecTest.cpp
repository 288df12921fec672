//===- LockstepLoopExecTest.cpp - Loops with thread-dependent trip counts -===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// nvcc-built PTX (test/data/exec/lockstep_loop_kernels.ptx, source beside
// it): loops whose trip count differs between the threads of a block,
// which the CPU lowering runs in lock step (passes/LockstepLoops), and
// loops it must leave as they are (a warp shuffle inside, a
// thread-dependent branch around). Each result is compared with the CUDA
// source's meaning computed on the host: zero trips, divergent trip
// counts, breaks, values of the last iteration used after the loop, block
// sizes that do and do not fill the vector width.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using cuport::backend::Status;

namespace {

class LockstepLoopExec : public cuport::test::PtxModuleTest<LockstepLoopExec> {
public:
  static constexpr const char *kPtxFile = "exec/lockstep_loop_kernels.ptx";
};

template <typename T> std::vector<T> sequence(size_t n, int seed) {
  std::vector<T> values(n);
  uint32_t state = uint32_t(seed) * 2654435761u + 1;
  for (T &value : values) {
    state = state * 1664525u + 1013904223u;
    value = T(int(state >> 16) % 2001 - 1000);
  }
  return values;
}

TEST_F(LockstepLoopExec, GridStrideSumThenTreeGivesBlockSums) {
  struct Case {
    unsigned blocks, threads;
    int n;
  };
  // n below, at and above the grid; n = 0 (no thread iterates).
  for (Case c : {Case{4, 256, 100000}, Case{3, 128, 200}, Case{2, 64, 0}, Case{5, 32, 161},
                 Case{1, 1, 7}, Case{2, 256, 512}}) {
    std::vector<int> in = sequence<int>(size_t(c.n) + 1, c.n);
    int *dIn = harness->upload(in);
    int *dSums = harness->upload(std::vector<int>(c.blocks, -1));
    ASSERT_EQ(harness->launch(kernel("gridStrideBlockSum"), {c.blocks}, {c.threads}, dIn,
                              dSums, c.n),
              Status::Success);
    std::vector<int> sums = harness->download(dSums, c.blocks);
    for (unsigned b = 0; b < c.blocks; ++b) {
      int want = 0;
      for (int i = int(b * c.threads); i < c.n; i += int(c.blocks * c.threads))
        for (unsigned t = 0; t < c.threads && i + int(t) < c.n; ++t)
          want += in[size_t(i) + t];
      ASSERT_EQ(sums[b], want) << "n " << c.n << " threads " << c.threads << " block " << b;
    }
  }
}

TEST_F(LockstepLoopExec, GridStrideWithoutBarrierCountsTrips) {
  struct Case {
    unsigned blocks, threads;
    long long n;
  };
  for (Case c : {Case{3, 100, 1000}, Case{2, 64, 5}, Case{4, 32, 128}, Case{1, 17, 0}}) {
    size_t threads = size_t(c.blocks) * c.threads;
    std::vector<long long> in = sequence<long long>(size_t(c.n) + 1, 3);
    long long *dIn = harness->upload(in);
    long long *dOut = harness->upload(std::vector<long long>(size_t(c.n) + 1, -1));
    int *dTrips = harness->upload(std::vector<int>(threads, -1));
    ASSERT_EQ(harness->launch(kernel("gridStrideScale"), {c.blocks}, {c.threads}, dIn, dOut,
                              dTrips, c.n, 3ll),
              Status::Success);
    std::vector<long long> out = harness->download(dOut, size_t(c.n) + 1);
    std::vector<int> trips = harness->download(dTrips, threads);
    for (long long i = 0; i < c.n; ++i)
      ASSERT_EQ(out[size_t(i)], in[size_t(i)] * 3 + i) << "n " << c.n << " at " << i;
    ASSERT_EQ(out[size_t(c.n)], -1) << "wrote past n " << c.n;
    for (size_t t = 0; t < threads; ++t) {
      long long want = c.n > (long long)t ? (c.n - (long long)t + (long long)threads - 1) /
                                                (long long)threads
                                          : 0;
      ASSERT_EQ(trips[t], int(want)) << "n " << c.n << " thread " << t;
    }
  }
}

TEST_F(LockstepLoopExec, DivergentTripCountsWithZeroTripsAndBreak) {
  for (unsigned threads : {256u, 96u, 16u, 1u}) {
    const unsigned blocks = 2, n = blocks * threads;
    std::vector<int> limits(n), seeds = sequence<int>(n, int(threads));
    for (unsigned t = 0; t < n; ++t)
      limits[t] = t % 5 == 0 ? 0 : int((t * 37) % 300); // many threads never start
    int *dLimits = harness->upload(limits);
    int *dSeeds = harness->upload(seeds);
    int *dOut = harness->upload(std::vector<int>(n, -1));
    int *dStopped = harness->upload(std::vector<int>(n, -1));
    ASSERT_EQ(harness->launch(kernel("divergentTripsWithBreak"), {blocks}, {threads}, dLimits,
                              dSeeds, dOut, dStopped),
              Status::Success);
    std::vector<int> out = harness->download(dOut, n);
    std::vector<int> stopped = harness->download(dStopped, n);
    int breaks = 0;
    for (unsigned t = 0; t < n; ++t) {
      unsigned x = unsigned(seeds[t]);
      int k = 0, last = -1;
      for (; k < limits[t]; ++k) {
        x = x * 1103515245u + 12345u;
        last = int(x >> 16) & 1023;
        if (last % 97 == 0) {
          ++breaks;
          break;
        }
      }
      ASSERT_EQ(out[t], int(x & 0x7fffffff) + last) << "threads " << threads << " at " << t;
      ASSERT_EQ(stopped[t], k) << "threads " << threads << " at " << t;
    }
    if (threads == 256u) {
      EXPECT_GT(breaks, 0); // the data exercises the break
    }
  }
}

TEST_F(LockstepLoopExec, DataDependentWhileLoopBetweenBarriers) {
  for (unsigned threads : {128u, 40u, 1u}) {
    const unsigned blocks = 3, n = blocks * threads;
    std::vector<unsigned> start(n);
    for (unsigned i = 0; i < n; ++i)
      start[i] = i % 7 == 0 ? 1 : (i * 2654435761u) % 100000; // some take 0 steps
    unsigned *dStart = harness->upload(start);
    int *dOut = harness->upload(std::vector<int>(n, -1));
    ASSERT_EQ(harness->launch(kernel("collatzNeighbours"), {blocks}, {threads}, dStart, dOut),
              Status::Success);
    std::vector<int> out = harness->download(dOut, n);
    auto steps = [](unsigned x) {
      int s = 0;
      while (x > 1 && s < 500) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        ++s;
      }
      return s;
    };
    for (unsigned b = 0; b < blocks; ++b)
      for (unsigned t = 0; t < threads; ++t) {
        unsigned base = b * threads;
        int want = steps(start[base + t]) * 1000 + steps(start[base + (t + 1) % threads]);
        ASSERT_EQ(out[base + t], want) << "threads " << threads << " at " << base + t;
      }
  }
}

TEST_F(LockstepLoopExec, WarpShuffleInsideThreadDependentLoopStaysCorrect) {
  const int n = 64;
  std::vector<int> in = sequence<int>(n, 9);
  int *dIn = harness->upload(in);
  for (unsigned threads : {128u, 64u}) {
    const unsigned blocks = 2;
    int *dOut = harness->upload(std::vector<int>(blocks * threads, -1));
    ASSERT_EQ(harness->launch(kernel("warpShuffleLoop"), {blocks}, {threads}, dIn, dOut, n),
              Status::Success);
    std::vector<int> out = harness->download(dOut, blocks * threads);
    for (unsigned b = 0; b < blocks; ++b)
      for (unsigned t = 0; t < threads; ++t) {
        unsigned warp = t / 32;
        int sum = 0;
        for (int i = int(t); i < n * int(warp + 1); i += int(threads)) {
          // Every lane of the warp runs the same iterations: lane t ^ 1
          // reads in[(i ^ 1) % n] in this one.
          int partner = int(t ^ 1u) + (i - int(t));
          sum += in[size_t(i % n)] + in[size_t(partner % n)];
        }
        ASSERT_EQ(out[b * threads + t], sum) << "threads " << threads << " at " << t;
      }
  }
}

TEST_F(LockstepLoopExec, LoopUnderThreadDependentBranchAndLoopAfterIt) {
  for (unsigned threads : {64u, 33u}) {
    const unsigned blocks = 2;
    const int n = 301;
    std::vector<int> in = sequence<int>(n, 4);
    int *dIn = harness->upload(in);
    int *dOut = harness->upload(std::vector<int>(blocks * threads, -1));
    ASSERT_EQ(harness->launch(kernel("guardedAndSequentialLoops"), {blocks}, {threads}, dIn,
                              dOut, n),
              Status::Success);
    std::vector<int> out = harness->download(dOut, blocks * threads);
    for (unsigned b = 0; b < blocks; ++b)
      for (unsigned t = 0; t < threads; ++t) {
        int a = 0, x = 0;
        if (t % 3 != 0)
          for (int i = int(t); i < n; i += 5)
            a += in[size_t(i)];
        for (int i = int(t) * 2; i < n; i += int(threads))
          x ^= in[size_t(i)] + i;
        ASSERT_EQ(out[b * threads + t], a * 3 + x) << "threads " << threads << " at " << t;
      }
  }
}

TEST_F(LockstepLoopExec, LockTakenInLoopIsNotRunInLockstep) {
  for (unsigned threads : {64u, 7u}) {
    const unsigned blocks = 2;
    int *dLocks = harness->upload(std::vector<int>(blocks, 0));
    int *dCounters = harness->upload(std::vector<int>(blocks, 0));
    int *dOrder = harness->upload(std::vector<int>(blocks * threads, -1));
    ASSERT_EQ(harness->launch(kernel("spinLockPerThread"), {blocks}, {threads}, dLocks,
                              dCounters, dOrder),
              Status::Success);
    std::vector<int> counters = harness->download(dCounters, blocks);
    std::vector<int> order = harness->download(dOrder, blocks * threads);
    for (unsigned b = 0; b < blocks; ++b) {
      ASSERT_EQ(counters[b], int(threads)) << "block " << b;
      std::vector<bool> seen(threads, false);
      for (unsigned t = 0; t < threads; ++t) {
        int position = order[b * threads + t];
        ASSERT_GE(position, 0);
        ASSERT_LT(position, int(threads)) << "thread " << t;
        ASSERT_FALSE(seen[unsigned(position)]) << "position " << position << " twice";
        seen[unsigned(position)] = true;
      }
    }
  }
}

// Every thread's trip count from 0 to 2 * 8 + 3: with up to eight
// iterations per lock-step round, threads leave at every position of a
// round, in the first, a middle and the last round.
TEST_F(LockstepLoopExec, CountDownLoopLeavesAtEveryPositionOfARound) {
  for (unsigned threads : {64u, 19u}) {
    const unsigned blocks = 2, gridThreads = blocks * threads;
    for (int n : {0, 1, int(gridThreads) * 3 + 5, int(gridThreads) * 19 - 7}) {
      std::vector<int> in = sequence<int>(size_t(n) + 1, n);
      int *dIn = harness->upload(in);
      int *dOut = harness->upload(std::vector<int>(size_t(n) + 1, -1));
      int *dTrips = harness->upload(std::vector<int>(gridThreads, -1));
      ASSERT_EQ(harness->launch(kernel("countDownStrided"), {blocks}, {threads}, dIn, dOut,
                                dTrips, n, int(gridThreads)),
                Status::Success);
      std::vector<int> out = harness->download(dOut, size_t(n) + 1);
      std::vector<int> trips = harness->download(dTrips, gridThreads);
      std::vector<int> want(size_t(n) + 1, -1);
      for (unsigned t = 0; t < gridThreads; ++t) {
        int count = 0;
        int acc = int(t);
        for (int i = n - 1 - int(t); i >= 0; i -= int(gridThreads)) {
          acc = acc * 3 + in[size_t(i)];
          want[size_t(i)] = acc;
          ++count;
        }
        ASSERT_EQ(trips[t], count) << "n " << n << " threads " << threads << " thread " << t;
      }
      ASSERT_EQ(out, want) << "n " << n << " threads " << threads;
    }
  }
}

} // namespace
