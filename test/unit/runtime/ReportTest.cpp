//===- ReportTest.cpp - The run report (CUPORT_REPORT) end to end ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The report is switched on when libcudart.so.13 loads, so each case runs
// this test program again as a child with CUPORT_REPORT set (the child runs
// only ReportChild.Run, which does a known set of CUDA calls and then ends
// the way CUPORT_REPORT_CHILD says: return, exit(), SIGSEGV or abort()).
// The parent checks how the child ended and parses the JSON it left. One
// more case runs an nvcc-built sample through `cuport run --report`.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char **environ;

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

/// The child's part: 2 cudaMalloc (one failing), 3 launches of vectorAdd,
/// one not-supported call, then the ending CUPORT_REPORT_CHILD names.
TEST(ReportChild, Run) {
  const char *mode = std::getenv("CUPORT_REPORT_CHILD");
  if (!mode)
    GTEST_SKIP() << "run by the RuntimeReport tests only";
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  int n = 256;
  float *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(cudaMalloc(&a, 3 * n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(nullptr, 4), cudaErrorInvalidValue);
  b = a + n;
  c = b + n;
  void *args[] = {&a, &b, &c, &n};
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(256), args, 0, nullptr),
              cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaGraphicsUnregisterResource(nullptr), cudaErrorNotSupported);
  std::string ending = mode;
  if (ending == "exit")
    std::exit(7);
  if (ending == "segv")
    std::raise(SIGSEGV);
  if (ending == "abort")
    std::abort();
}

std::string readFile(const std::string &path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

struct ChildResult {
  int status = 0;
  nlohmann::json report;
  std::string stderrText;
};

/// Runs `argv` with CUPORT_REPORT (and `extraEnv`) set; stderr is kept.
ChildResult runWithReport(std::vector<std::string> argv,
                          std::vector<std::string> extraEnv, bool viaEnv = true) {
  static int counter = 0;
  std::string base = testing::TempDir() + "cuport-report-" +
                     std::to_string(getpid()) + "-" + std::to_string(counter++);
  std::string reportPath = base + ".json", errPath = base + ".err";
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "CUPORT_REPORT", 13) != 0)
      env.emplace_back(*e);
  if (viaEnv)
    env.push_back("CUPORT_REPORT=" + reportPath);
  else
    for (std::string &arg : argv)
      if (arg == "@REPORT@")
        arg = reportPath;
  for (std::string &e : extraEnv)
    env.push_back(e);
  std::vector<char *> args, envp;
  for (std::string &a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string &e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ChildResult result;
  int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0);
  if (spawned != 0)
    return result;
  waitpid(pid, &result.status, 0);
  result.stderrText = readFile(errPath);
  std::string text = readFile(reportPath);
  result.report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::remove(reportPath.c_str());
  std::remove(errPath.c_str());
  return result;
}

ChildResult runChild(const std::string &mode) {
  return runWithReport({"/proc/self/exe", "--gtest_filter=ReportChild.Run"},
                       {"CUPORT_REPORT_CHILD=" + mode});
}

const nlohmann::json *findByName(const nlohmann::json &list, const std::string &name) {
  for (const nlohmann::json &entry : list)
    if (entry.value("name", "") == name)
      return &entry;
  return nullptr;
}

/// What every ending of the child must have reported.
void checkChildReport(const ChildResult &child, const std::string &termination) {
  const nlohmann::json &report = child.report;
  ASSERT_TRUE(report.is_object()) << "no report; stderr:\n" << child.stderrText;
  EXPECT_EQ(report["termination"], termination);
  const nlohmann::json *malloc = findByName(report["apis"], "cudaMalloc");
  ASSERT_NE(malloc, nullptr);
  EXPECT_EQ((*malloc)["calls"], 2);
  EXPECT_EQ((*malloc)["errors"]["cudaErrorInvalidValue"], 1);
  const nlohmann::json *launch = findByName(report["apis"], "cudaLaunchKernel");
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ((*launch)["calls"], 3);
  EXPECT_TRUE((*launch)["errors"].empty());
  const nlohmann::json *missing =
      findByName(report["notSupported"], "cudaGraphicsUnregisterResource");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ((*missing)["calls"], 1);
  EXPECT_EQ(report["errors"]["cudaErrorNotSupported"], 1);
  EXPECT_EQ(report["errors"]["cudaErrorInvalidValue"], 1);
  const nlohmann::json *kernel =
      findByName(report["kernels"], "vectorAdd(float const*, float const*, float*, int)");
  ASSERT_NE(kernel, nullptr) << report["kernels"].dump();
  EXPECT_EQ((*kernel)["mangledName"], kVectorAdd);
  EXPECT_EQ((*kernel)["launches"], 3);
  EXPECT_GT((*kernel)["totalTimeNs"].get<uint64_t>(), 0u);
  // The summary on stderr.
  EXPECT_NE(child.stderrText.find("cuport report"), std::string::npos);
  EXPECT_NE(child.stderrText.find("cudaLaunchKernel"), std::string::npos);
}

TEST(RuntimeReport, NormalReturn) {
  ChildResult child = runChild("return");
  ASSERT_TRUE(WIFEXITED(child.status));
  EXPECT_EQ(WEXITSTATUS(child.status), 0) << child.stderrText;
  checkChildReport(child, "exit");
}

TEST(RuntimeReport, ExitCall) {
  ChildResult child = runChild("exit");
  ASSERT_TRUE(WIFEXITED(child.status));
  EXPECT_EQ(WEXITSTATUS(child.status), 7);
  checkChildReport(child, "exit");
}

TEST(RuntimeReport, FatalSignal) {
  ChildResult child = runChild("segv");
  // The report is written, then the signal still kills the program.
  ASSERT_TRUE(WIFSIGNALED(child.status)) << child.stderrText;
  EXPECT_EQ(WTERMSIG(child.status), SIGSEGV);
  checkChildReport(child, "SIGSEGV");
}

TEST(RuntimeReport, Abort) {
  ChildResult child = runChild("abort");
  ASSERT_TRUE(WIFSIGNALED(child.status)) << child.stderrText;
  EXPECT_EQ(WTERMSIG(child.status), SIGABRT);
  checkChildReport(child, "SIGABRT");
}

TEST(RuntimeReport, NoReportWithoutTheVariable) {
  // The same child without CUPORT_REPORT: no file, no summary.
  ChildResult child = runWithReport(
      {"/proc/self/exe", "--gtest_filter=ReportChild.Run"},
      {"CUPORT_REPORT_CHILD=return"}, /*viaEnv=*/false);
  ASSERT_TRUE(WIFEXITED(child.status));
  EXPECT_EQ(WEXITSTATUS(child.status), 0) << child.stderrText;
  EXPECT_FALSE(child.report.is_object());
  EXPECT_EQ(child.stderrText.find("cuport report"), std::string::npos);
}

/// Every exported entry of runtime/entry/ starts with CUPORT_API_ENTRY, so
/// every implemented API is counted.
TEST(RuntimeReport, EveryEntryIsCounted) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const fs::directory_entry &entry :
       fs::directory_iterator(CUPORT_SOURCE_DIR "/runtime/entry")) {
    if (entry.path().extension() != ".cpp")
      continue;
    ++files;
    std::string text = readFile(entry.path().string());
    size_t exports = 0, counted = 0;
    for (size_t at = text.find("\nCUPORT_EXPORT "); at != std::string::npos;
         at = text.find("\nCUPORT_EXPORT ", at + 1)) {
      ++exports;
      size_t body = text.find('{', at);
      size_t line = text.find('\n', body);
      if (text.compare(line + 1, 19, "  CUPORT_API_ENTRY(") == 0)
        ++counted;
    }
    EXPECT_EQ(counted, exports) << entry.path();
  }
  EXPECT_GT(files, 10u);
}

/// `cuport run --report FILE` on an nvcc-built sample.
TEST(RuntimeReport, CuportRunSample) {
  std::string sample = CUPORT_SAMPLE_DIR "/twoStreams";
  if (access(sample.c_str(), X_OK) != 0)
    GTEST_SKIP() << sample << " was not built (nvcc missing)";
  ChildResult run = runWithReport(
      {CUPORT_COMMAND, "run", "--report", "@REPORT@", "--", sample}, {}, false);
  ASSERT_TRUE(WIFEXITED(run.status));
  EXPECT_EQ(WEXITSTATUS(run.status), 0) << run.stderrText;
  const nlohmann::json &report = run.report;
  ASSERT_TRUE(report.is_object()) << run.stderrText;
  EXPECT_EQ(report["termination"], "exit");
  EXPECT_NE(report["program"].get<std::string>().find("twoStreams"), std::string::npos);
  const nlohmann::json *polish =
      findByName(report["kernels"], "polish(float*, int, float, float)");
  ASSERT_NE(polish, nullptr) << report["kernels"].dump();
  EXPECT_EQ((*polish)["launches"], 8);
  const nlohmann::json *launch = findByName(report["apis"], "__cudaLaunchKernel");
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ((*launch)["calls"], 12);
  EXPECT_NE(findByName(report["apis"], "__cudaRegisterFatBinary"), nullptr);
  EXPECT_EQ(report["totals"]["errors"], 0);
}

} // namespace
