//===- BarrierLoopExecTest.cpp - Loop state carried across barriers -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// nvcc-built PTX (test/data/exec/barrier_loop_kernels.ptx, source beside
// it): loops with __syncthreads whose state crosses the barriers in the
// forms the CPU lowering rewrites for speed: induction variables with a
// thread-dependent start become start + step * trip
// (passes/RematerializeThreadValues), block-uniform values keep one scalar
// slot (passes/UniformSlots). Each result is compared with the CUDA
// source's meaning, computed on the host, for block sizes that do and do
// not fill the vector width and for trip counts 0, 1 and many.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using cuport::backend::Status;

namespace {

class BarrierLoopExec : public cuport::test::PtxModuleTest<BarrierLoopExec> {
public:
  static constexpr const char *kPtxFile = "exec/barrier_loop_kernels.ptx";
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

/// ivAcrossBarriers on the host.
std::vector<int> expectedIv(const std::vector<int> &in, unsigned blocks, unsigned threads,
                            int rounds, int step, int mask) {
  std::vector<int> out(blocks * threads);
  for (unsigned b = 0; b < blocks; ++b) {
    std::vector<int> up(threads), down(threads), sum(threads, 0), cell(threads);
    for (unsigned t = 0; t < threads; ++t) {
      up[t] = int(t) * 3 + int(b);
      down[t] = 1000 - int(t);
    }
    for (int r = 0; r < rounds; ++r) {
      for (unsigned t = 0; t < threads; ++t)
        cell[t] = in[unsigned(up[t] & mask)] + down[t];
      for (unsigned t = 0; t < threads; ++t) {
        sum[t] += cell[(t + 1) % threads];
        up[t] += step;
        down[t] -= 7;
      }
    }
    for (unsigned t = 0; t < threads; ++t)
      out[b * threads + t] = sum[t];
  }
  return out;
}

TEST_F(BarrierLoopExec, InductionVariablesWithThreadDependentStart) {
  const int mask = 1023;
  std::vector<int> in = sequence(mask + 1, 5);
  int *dIn = harness->upload(in);
  struct Case {
    unsigned blocks, threads;
    int rounds, step;
  };
  for (Case c : {Case{3, 128, 9, 5}, Case{2, 100, 1, -3}, Case{2, 37, 0, 1},
                 Case{1, 16, 40, 16}, Case{2, 1, 5, 2}}) {
    int *dOut = harness->upload(std::vector<int>(c.blocks * c.threads, -1));
    ASSERT_EQ(harness->launch(kernel("ivAcrossBarriers"), {c.blocks}, {c.threads}, dIn,
                              dOut, c.rounds, c.step, mask),
              Status::Success);
    std::vector<int> out = harness->download(dOut, c.blocks * c.threads);
    std::vector<int> want = expectedIv(in, c.blocks, c.threads, c.rounds, c.step, mask);
    for (unsigned i = 0; i < out.size(); ++i)
      ASSERT_EQ(out[i], want[i]) << "threads " << c.threads << " rounds " << c.rounds
                                 << " at " << i;
  }
}

/// uniformAcrossBarriers on the host (blockDim a power of two).
std::vector<int> expectedUniform(const std::vector<int> &in, unsigned blocks,
                                 unsigned threads, unsigned seed, int rounds) {
  std::vector<int> out(blocks * threads);
  for (unsigned b = 0; b < blocks; ++b) {
    unsigned u = seed;
    std::vector<int> sum(threads, 0);
    for (int r = 0; r < rounds; ++r) {
      u = u * 1664525u + 1013904223u;
      int total = 0;
      for (unsigned t = 0; t < threads; ++t)
        total += in[b * threads + t] + int(u >> 20);
      for (unsigned t = 0; t < threads; ++t)
        sum[t] += total + int((u >> 8) & 0xff) * int(t);
    }
    for (unsigned t = 0; t < threads; ++t)
      out[b * threads + t] = sum[t];
  }
  return out;
}

TEST_F(BarrierLoopExec, BlockUniformValuesRedefinedEveryIteration) {
  for (unsigned threads : {256u, 64u, 8u, 1u}) {
    const unsigned blocks = 3, n = blocks * threads;
    std::vector<int> in = sequence(n, int(threads));
    int *dIn = harness->upload(in);
    for (int rounds : {0, 1, 6}) {
      int *dOut = harness->upload(std::vector<int>(n, -1));
      ASSERT_EQ(harness->launch(kernel("uniformAcrossBarriers"), {blocks}, {threads}, dIn,
                                dOut, 12345u + threads, rounds),
                Status::Success);
      std::vector<int> out = harness->download(dOut, n);
      std::vector<int> want = expectedUniform(in, blocks, threads, 12345u + threads, rounds);
      for (unsigned i = 0; i < n; ++i)
        ASSERT_EQ(out[i], want[i]) << "threads " << threads << " rounds " << rounds
                                   << " at " << i;
    }
  }
}

} // namespace
