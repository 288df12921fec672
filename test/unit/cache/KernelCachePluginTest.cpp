//===- KernelCachePluginTest.cpp - The kernel cache across processes ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The cache as an application meets it: each test runs this executable
// again as a child process (KernelCacheChild.LoadAndRun, enabled by
// CUPORT_CACHE_TEST_CHILD=1) that loads a PTX module on the CPU backend
// plugin through the backend interface, runs its kernels and checks the
// results. The first child compiles and writes the entry, the second finds
// it and compiles nothing (its debug log says so); damaged entries and
// entries that do not link are rebuilt and the kernels still give the right
// answers; CUPORT_CACHE_DISABLE=1 writes nothing. Load times of a miss and
// of a hit are printed, never asserted.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"
#include "CacheTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sys/wait.h>

using cuport::backend::Dim3;
using cuport::backend::Status;
using cuport::cpu::CacheEntry;
using cuport::cpu::KernelCache;
using cuport::test::BackendHarness;
using cuport::test::TemporaryDirectory;

namespace {

// vectorAdd as nvcc writes it, and a kernel that reads an initialised
// __device__ variable (a global the entry must carry).
constexpr const char *kPtx = R"(
.version 8.0
.target sm_75
.address_size 64

.visible .global .align 4 .u32 cacheTestGlobal = 1234567;

.visible .entry vectorAdd(
	.param .u64 vectorAdd_param_0,
	.param .u64 vectorAdd_param_1,
	.param .u64 vectorAdd_param_2,
	.param .u32 vectorAdd_param_3
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<6>;
	.reg .f32 	%f<4>;
	.reg .b64 	%rd<11>;

	ld.param.u64 	%rd1, [vectorAdd_param_0];
	ld.param.u64 	%rd2, [vectorAdd_param_1];
	ld.param.u64 	%rd3, [vectorAdd_param_2];
	ld.param.u32 	%r2, [vectorAdd_param_3];
	mov.u32 	%r3, %ctaid.x;
	mov.u32 	%r4, %ntid.x;
	mov.u32 	%r5, %tid.x;
	mad.lo.s32 	%r1, %r3, %r4, %r5;
	setp.ge.s32 	%p1, %r1, %r2;
	@%p1 bra 	$L__BB0_2;
	cvta.to.global.u64 	%rd4, %rd1;
	mul.wide.s32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd4, %rd5;
	cvta.to.global.u64 	%rd7, %rd2;
	add.s64 	%rd8, %rd7, %rd5;
	ld.global.f32 	%f1, [%rd8];
	ld.global.f32 	%f2, [%rd6];
	add.f32 	%f3, %f2, %f1;
	cvta.to.global.u64 	%rd9, %rd3;
	add.s64 	%rd10, %rd9, %rd5;
	st.global.f32 	[%rd10], %f3;
$L__BB0_2:
	ret;
}

.visible .entry readGlobal(
	.param .u64 readGlobal_param_0
)
{
	.reg .b32 	%r<2>;
	.reg .b64 	%rd<3>;

	ld.param.u64 	%rd1, [readGlobal_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.global.u32 	%r1, [cacheTestGlobal];
	st.global.u32 	[%rd2], %r1;
	ret;
}
)";

/// The child: load, run, check; prints "cache-child: load-ms=<ms> ok".
TEST(KernelCacheChild, LoadAndRun) {
  const char *child = std::getenv("CUPORT_CACHE_TEST_CHILD");
  if (!child || std::string(child) != "1")
    GTEST_SKIP() << "runs as the child process of the KernelCachePlugin tests";
  BackendHarness *harness = BackendHarness::get();
  ASSERT_NE(harness, nullptr) << BackendHarness::why();

  std::string diagnostic;
  auto start = std::chrono::steady_clock::now();
  cuport::backend::Module *module = harness->load(kPtx, &diagnostic);
  double loadMs = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_NE(module, nullptr) << diagnostic;

  cuport::backend::Kernel *add = module->findKernel("vectorAdd");
  ASSERT_NE(add, nullptr);
  ASSERT_EQ(add->info().params.size(), 4u);
  EXPECT_EQ(add->info().argBufferSize, 28u);
  const int n = 1000;
  std::vector<float> a(n), b(n);
  for (int i = 0; i < n; ++i) {
    a[i] = 0.5f * float(i);
    b[i] = float(n - i) - 0.25f;
  }
  float *da = harness->upload(a);
  float *db = harness->upload(b);
  float *dc = harness->upload(std::vector<float>(n, -1.0f));
  ASSERT_EQ(harness->launch(*add, Dim3{(n + 127) / 128}, Dim3{128}, da, db, dc, n),
            Status::Success);
  std::vector<float> c = harness->download(dc, n);
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(c[i], a[i] + b[i]) << "element " << i;

  cuport::backend::Kernel *read = module->findKernel("readGlobal");
  ASSERT_NE(read, nullptr);
  uint32_t *out = harness->upload(std::vector<uint32_t>(1, 0));
  ASSERT_EQ(harness->launch(*read, Dim3{1}, Dim3{1}, out), Status::Success);
  EXPECT_EQ(harness->download(out, 1)[0], 1234567u);
  void *address = nullptr;
  size_t size = 0;
  ASSERT_EQ(module->findGlobal("cacheTestGlobal", &address, &size), Status::Success);
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(*static_cast<uint32_t *>(address), 1234567u);

  std::printf("cache-child: load-ms=%.1f ok\n", loadMs);
  std::fflush(stdout);
}

struct ChildRun {
  int status = -1;
  std::string output; ///< stdout and stderr (the debug log)
  double loadMs = -1;

  bool ok() const {
    return status == 0 && output.find("cache-child: load-ms=") != std::string::npos &&
           output.find(" ok\n") != std::string::npos;
  }
  bool has(const std::string &text) const {
    return output.find(text) != std::string::npos;
  }
};

std::string thisExecutable() {
  llvm::SmallString<256> path;
  llvm::sys::fs::real_path("/proc/self/exe", path);
  return std::string(path);
}

/// Runs the child with the given environment (on top of this process's,
/// minus every cache variable) and the debug log on.
ChildRun runChild(const std::string &environment) {
  std::string command = "env -u CUPORT_CACHE_DIR -u CUPORT_CACHE_DISABLE "
                        "-u XDG_CACHE_HOME CUPORT_CACHE_TEST_CHILD=1 "
                        "CUPORT_LOG=debug " +
                        environment + " '" + thisExecutable() +
                        "' --gtest_filter=KernelCacheChild.LoadAndRun 2>&1";
  ChildRun run;
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    return run;
  char buffer[4096];
  size_t read;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    run.output.append(buffer, read);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::smatch match;
  if (std::regex_search(run.output, match, std::regex("load-ms=([0-9.]+)")))
    run.loadMs = std::stod(match[1]);
  return run;
}

class KernelCachePlugin : public ::testing::Test {
protected:
  ChildRun runWithCache() {
    return runChild("CUPORT_CACHE_DIR='" + directory.path() + "'");
  }
  std::string kernelsDirectory() const { return directory.path() + "/kernels"; }
  std::vector<std::string> entries() const {
    return cuport::test::listDirectory(kernelsDirectory());
  }
  /// The path of the one entry, after a first run.
  std::string onlyEntry() {
    std::vector<std::string> names = entries();
    EXPECT_EQ(names.size(), 1u);
    return names.empty() ? "" : kernelsDirectory() + "/" + names.front();
  }
  /// Populates the cache with a first run.
  void populate() {
    ChildRun first = runWithCache();
    ASSERT_TRUE(first.ok()) << first.output;
    ASSERT_TRUE(first.has("kernel cache miss")) << first.output;
    ASSERT_EQ(entries().size(), 1u) << first.output;
  }
  /// A run after damage: rebuilt (compiled again), right results, and the
  /// rewritten entry is hit by the next run.
  void expectRebuilt(const std::string &why) {
    ChildRun rebuilt = runWithCache();
    EXPECT_TRUE(rebuilt.ok()) << rebuilt.output;
    EXPECT_TRUE(rebuilt.has("kernel cache: discarding")) << rebuilt.output;
    EXPECT_TRUE(rebuilt.has(why)) << rebuilt.output;
    EXPECT_TRUE(rebuilt.has("compiled test.ptx")) << rebuilt.output;
    EXPECT_TRUE(rebuilt.has("kernel cache: stored")) << rebuilt.output;
    ChildRun after = runWithCache();
    EXPECT_TRUE(after.ok()) << after.output;
    EXPECT_TRUE(after.has("kernel cache hit")) << after.output;
  }

  TemporaryDirectory directory;
};

TEST_F(KernelCachePlugin, SecondProcessCompilesNothing) {
  ChildRun first = runWithCache();
  ASSERT_TRUE(first.ok()) << first.output;
  EXPECT_TRUE(first.has("kernel cache miss")) << first.output;
  EXPECT_TRUE(first.has("compiled test.ptx")) << first.output;
  EXPECT_TRUE(first.has("kernel cache: stored")) << first.output;
  std::vector<std::string> written = entries();
  ASSERT_EQ(written.size(), 1u) << first.output;
  EXPECT_TRUE(llvm::StringRef(written.front()).ends_with(".kcache"));

  ChildRun second = runWithCache();
  ASSERT_TRUE(second.ok()) << second.output;
  EXPECT_TRUE(second.has("kernel cache hit")) << second.output;
  EXPECT_FALSE(second.has("compiled test.ptx")) << second.output;
  EXPECT_FALSE(second.has("kernel cache: stored")) << second.output;
  EXPECT_EQ(entries(), written);

  std::printf("[ TIMING   ] module load, cache miss: %.1f ms; cache hit: %.1f ms\n",
              first.loadMs, second.loadMs);
  RecordProperty("miss_ms", std::to_string(first.loadMs));
  RecordProperty("hit_ms", std::to_string(second.loadMs));
}

TEST_F(KernelCachePlugin, FlippedObjectByteIsRebuilt) {
  populate();
  std::string path = onlyEntry();
  std::string bytes = cuport::test::readFile(path);
  bytes[bytes.size() / 2 + bytes.size() / 4] ^= 0x10;
  cuport::test::writeFile(path, bytes);
  expectRebuilt("object hash mismatch");
}

TEST_F(KernelCachePlugin, TruncatedEntryIsRebuilt) {
  populate();
  std::string path = onlyEntry();
  std::string bytes = cuport::test::readFile(path);
  cuport::test::writeFile(path, bytes.substr(0, bytes.size() / 2));
  expectRebuilt("truncated");
}

TEST_F(KernelCachePlugin, GarbageJsonIsRebuilt) {
  populate();
  std::string path = onlyEntry();
  cuport::test::RawEntry entry = cuport::test::RawEntry::read(path);
  entry.json = "{\"format\": 1, \"key\": [}";
  entry.write(path);
  expectRebuilt("does not parse");
}

TEST_F(KernelCachePlugin, ObjectThatDoesNotLoadIsRebuilt) {
  populate();
  // Consistent sizes and hash: only loading the object can tell.
  cuport::test::replaceObject(onlyEntry(), "\x7f" "ELF but not really an object");
  expectRebuilt("does not link");
}

TEST_F(KernelCachePlugin, MissingKernelSymbolIsRebuilt) {
  populate();
  std::string path = onlyEntry();
  cuport::test::RawEntry entry = cuport::test::RawEntry::read(path);
  nlohmann::json document = nlohmann::json::parse(entry.json);
  ASSERT_FALSE(document["kernels"].empty());
  document["kernels"][0]["name"] = "noSuchKernel";
  entry.json = document.dump();
  entry.write(path);
  expectRebuilt("does not link");
}

TEST_F(KernelCachePlugin, DisabledWritesNothing) {
  ChildRun run = runChild("CUPORT_CACHE_DISABLE=1 CUPORT_CACHE_DIR='" +
                          directory.path() + "'");
  ASSERT_TRUE(run.ok()) << run.output;
  EXPECT_TRUE(run.has("disabled by CUPORT_CACHE_DISABLE")) << run.output;
  EXPECT_FALSE(run.has("kernel cache: stored")) << run.output;
  EXPECT_TRUE(cuport::test::listDirectory(directory.path()).empty())
      << "the disabled cache created " << cuport::test::listDirectory(directory.path()).front();
}

TEST_F(KernelCachePlugin, UnusableLocationStillRuns) {
  std::string file = directory.path() + "/a-file";
  cuport::test::writeFile(file, "not a directory");
  ChildRun run = runChild("CUPORT_CACHE_DIR='" + file + "/cache'");
  ASSERT_TRUE(run.ok()) << run.output;
  EXPECT_TRUE(run.has("kernel cache: disabled, cannot create")) << run.output;
}

TEST_F(KernelCachePlugin, DefaultLocationIsUnderXdgCacheHome) {
  std::string xdg = directory.path() + "/xdg";
  ChildRun run = runChild("XDG_CACHE_HOME='" + xdg + "'");
  ASSERT_TRUE(run.ok()) << run.output;
  EXPECT_EQ(cuport::test::listDirectory(xdg + "/cuport/kernels").size(), 1u)
      << run.output;
}

} // namespace
