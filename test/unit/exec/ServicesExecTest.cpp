//===- ServicesExecTest.cpp - printf, assert and trap in device code ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Device printf must print what CUDA prints (its packed argument buffer,
// each conversion), once per call, when the launch completes; assert and
// trap must abort the launch with the right status and leave the process
// (and the backend) working.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

class ServicesExec : public cuport::test::PtxModuleTest<ServicesExec> {
public:
  static constexpr const char *kPtxFile = "exec/services_kernels.ptx";
};

TEST_F(ServicesExec, PrintfFormatsEveryConversionLikeCuda) {
  int i = 42;
  float f = 2.5f;
  double d = -1234.5678;
  testing::internal::CaptureStdout();
  ASSERT_EQ(harness->launch(kernel("printfKernel"), {2}, {8}, i, f, d), Status::Success);
  std::string out = testing::internal::GetCapturedStdout();

  char expected[512];
  std::snprintf(expected, sizeof expected,
                "int=%d neg=%i hex=%#x HEX=%X oct=%o long=%lld u=%u f=%.3f d=%e g=%g "
                "s=%s c=%c pct=%% pad=[%5d] left=[%-5d] zero=[%05.1f] ptr=%p\n",
                i, -i, i, i, i, (long long)i * 1000000000LL, (unsigned)i, double(f), d,
                d, "dev", 'Z', i, i, double(f), (void *)0);
  EXPECT_NE(out.find(expected), std::string::npos) << out;
  // Every call prints exactly once: 2 blocks x 4 threads.
  for (int block = 0; block < 2; ++block)
    for (int thread = 0; thread < 4; ++thread) {
      std::string line = "block " + std::to_string(block) + " thread " +
                         std::to_string(thread) + "\n";
      size_t first = out.find(line);
      EXPECT_NE(first, std::string::npos) << line;
      EXPECT_EQ(out.find(line, first + 1), std::string::npos) << "printed twice: " << line;
    }
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 9);
}

TEST_F(ServicesExec, AssertAbortsTheLaunchWithCudasMessage) {
  int *out = harness->upload(std::vector<int>(4 * 32, 0));
  testing::internal::CaptureStderr();
  Status status = harness->launch(kernel("assertKernel"), {4}, {32}, out);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, Status::AssertTriggered);
  EXPECT_NE(err.find("block: [1,0,0], thread: [5,0,0] Assertion `threadIdx.x != 5 || "
                     "blockIdx.x != 1` failed."),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("services_kernels.cu:"), std::string::npos) << err;
  // The backend keeps working after an aborted launch.
  int *fine = harness->upload(std::vector<int>(8, 0));
  ASSERT_EQ(harness->launch(kernel("fineKernel"), {1}, {8}, fine), Status::Success);
  EXPECT_EQ(harness->download(fine, 8), std::vector<int>(8, 7));
}

TEST_F(ServicesExec, TrapIsALaunchFailureNotAProcessCrash) {
  int *out = harness->upload(std::vector<int>(32, 0));
  EXPECT_EQ(harness->launch(kernel("trapKernel"), {1}, {32}, out), Status::LaunchFailure);
  int *fine = harness->upload(std::vector<int>(8, 0));
  ASSERT_EQ(harness->launch(kernel("fineKernel"), {1}, {8}, fine), Status::Success);
  EXPECT_EQ(harness->download(fine, 8), std::vector<int>(8, 7));
}

} // namespace
