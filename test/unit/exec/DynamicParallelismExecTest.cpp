//===- DynamicParallelismExecTest.cpp - Kernels that launch kernels -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// nvcc-built PTX (test/data/exec/dynamic_parallelism_kernels.ptx, -rdc=true,
// source beside it): grids launched from device code run, with their own
// children, before the launching grid counts as finished
// (backends/cpu/DeviceLaunch.h); streams created on the device and the
// tail-launch stream work; invalid configurations launch nothing and leave
// CUDA's error for cudaGetLastError; nesting stops at 24 levels with
// cudaErrorLaunchMaxDepthExceeded.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <vector>

using cuport::backend::Status;

namespace {

class DynamicParallelismExec : public cuport::test::PtxModuleTest<DynamicParallelismExec> {
public:
  static constexpr const char *kPtxFile = "exec/dynamic_parallelism_kernels.ptx";
};

constexpr int kInvalidConfiguration = 9, kLaunchMaxDepthExceeded = 65;

TEST_F(DynamicParallelismExec, EveryBlockLaunchesAChildGrid) {
  const unsigned blocks = 5;
  const int segment = 150; // three child blocks of 64 threads, the last partial
  int *dOut = harness->upload(std::vector<int>(blocks * segment, -1));
  int *dErrors = harness->upload(std::vector<int>(blocks, -1));
  ASSERT_EQ(harness->launch(kernel("launchPerBlock"), {blocks}, {32}, dOut, segment, dErrors),
            Status::Success);
  std::vector<int> out = harness->download(dOut, blocks * segment);
  for (unsigned b = 0; b < blocks; ++b)
    for (int i = 0; i < segment; ++i)
      ASSERT_EQ(out[b * segment + i], int(b) * 1000 + i) << "block " << b << " at " << i;
  EXPECT_EQ(harness->download(dErrors, blocks), std::vector<int>(blocks, 0));
}

TEST_F(DynamicParallelismExec, NestedLaunchesThroughDeviceStreams) {
  const int levels = 6;
  int *dDepths = harness->upload(std::vector<int>(levels + 1, -1));
  ASSERT_EQ(harness->launch(kernel("nest"), {1}, {3}, dDepths, 0, levels), Status::Success);
  // Level 0 runs with 3 threads; each of them launches a grid of 2 threads.
  std::vector<int> want{3};
  for (int level = 1; level < levels; ++level)
    want.push_back(level * 10 + 2);
  want.push_back(-1);
  EXPECT_EQ(harness->download(dDepths, levels + 1), want);
}

TEST_F(DynamicParallelismExec, InvalidConfigurationLaunchesNothing) {
  int *dOut = harness->upload(std::vector<int>(1, -1));
  int *dErrors = harness->upload(std::vector<int>(3, -1));
  ASSERT_EQ(harness->launch(kernel("badLaunches"), {1}, {1}, dOut, dErrors), Status::Success);
  EXPECT_EQ(harness->download(dErrors, 3), (std::vector<int>{kInvalidConfiguration, 0, 0}));
  EXPECT_EQ(harness->download(dOut, 1), std::vector<int>{42}); // only the valid launch ran
}

TEST_F(DynamicParallelismExec, NestingStopsAt24Levels) {
  int *dReached = harness->upload(std::vector<int>(2, -1));
  int *dErrors = harness->upload(std::vector<int>(1, 0));
  ASSERT_EQ(harness->launch(kernel("tooDeep"), {1}, {1}, dReached, dErrors, 0),
            Status::Success);
  EXPECT_EQ(harness->download(dReached, 2), (std::vector<int>{24, 1}));
  EXPECT_EQ(harness->download(dErrors, 1), std::vector<int>{kLaunchMaxDepthExceeded});
}

} // namespace
