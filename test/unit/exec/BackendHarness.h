//===- BackendHarness.h - Run PTX on a backend plugin ----------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Drives a backend through nothing but cuport/Backend.h, exactly as the
// runtime does: dlopen the plugin, load a PTX module, allocate, copy,
// launch, synchronize. The same tests therefore run on any backend (the
// conformance suite); the plugin is chosen by CUPORT_TEST_BACKEND (default:
// the CPU backend built alongside).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEST_BACKENDHARNESS_H
#define CUPORT_TEST_BACKENDHARNESS_H

#include "cuport/Backend.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace cuport::test {

class BackendHarness {
public:
  /// The process-wide harness; nullptr (with why()) if the plugin failed.
  static BackendHarness *get();
  static const std::string &why();

  backend::Device &device() { return *device_; }
  backend::Queue &queue() { return *queue_; }

  /// Loads PTX text; on failure returns nullptr and sets *diagnostic.
  backend::Module *load(const std::string &ptx, std::string *diagnostic);

  /// Device buffer holding `values`.
  template <typename T> T *upload(const std::vector<T> &values) {
    void *memory = nullptr;
    size_t bytes = std::max<size_t>(1, values.size() * sizeof(T));
    if (device_->allocate(bytes, backend::MemoryKind::Device, &memory) !=
        backend::Status::Success)
      return nullptr;
    if (!values.empty())
      std::memcpy(memory, values.data(), values.size() * sizeof(T));
    allocations_.push_back(memory);
    return static_cast<T *>(memory);
  }
  template <typename T> std::vector<T> download(const T *memory, size_t count) {
    std::vector<T> values(count);
    std::memcpy(values.data(), memory, count * sizeof(T));
    return values;
  }

  /// Launches with arguments packed by the kernel's parameter layout and
  /// waits for completion. Each argument must have its parameter's size.
  template <typename... Args>
  backend::Status launch(backend::Kernel &kernel, backend::Dim3 grid,
                         backend::Dim3 block, const Args &...args) {
    std::vector<std::pair<const void *, size_t>> values{{&args, sizeof(Args)}...};
    return launchPacked(kernel, grid, block, values);
  }
  /// launch() with `dynamicSharedBytes` of dynamic shared memory.
  template <typename... Args>
  backend::Status launchShared(backend::Kernel &kernel, backend::Dim3 grid,
                               backend::Dim3 block, uint32_t dynamicSharedBytes,
                               const Args &...args) {
    std::vector<std::pair<const void *, size_t>> values{{&args, sizeof(Args)}...};
    return launchPacked(kernel, grid, block, values, dynamicSharedBytes);
  }

  /// launch() as a cooperative launch (every block at once).
  template <typename... Args>
  backend::Status launchCooperative(backend::Kernel &kernel, backend::Dim3 grid,
                                    backend::Dim3 block, const Args &...args) {
    std::vector<std::pair<const void *, size_t>> values{{&args, sizeof(Args)}...};
    return launchPacked(kernel, grid, block, values, 0, /*cooperative=*/true);
  }

  ~BackendHarness();

private:
  BackendHarness() = default;
  backend::Status
  launchPacked(backend::Kernel &kernel, backend::Dim3 grid, backend::Dim3 block,
               const std::vector<std::pair<const void *, size_t>> &values,
               uint32_t dynamicSharedBytes = 0, bool cooperative = false);

  void *plugin_ = nullptr;
  std::unique_ptr<backend::Backend> backend_;
  backend::Device *device_ = nullptr;
  backend::Queue *queue_ = nullptr;
  std::vector<void *> allocations_;
};

/// Reads a file below test/data ("exec/skeleton_kernels.ptx").
std::string readTestData(const std::string &relativePath);

/// Fixture for tests that run the kernels of one PTX file: the module is
/// loaded once per suite, each test fails cleanly when the backend or the
/// module is missing. Derived classes name the file:
///   class FooExec : public PtxModuleTest<FooExec> {
///   public:
///     static constexpr const char *kPtxFile = "exec/foo_kernels.ptx";
///   };
template <typename Derived> class PtxModuleTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    harness = BackendHarness::get();
    if (harness)
      module = harness->load(readTestData(Derived::kPtxFile), &diagnostic);
  }

  void SetUp() override {
    ASSERT_NE(harness, nullptr) << BackendHarness::why();
    ASSERT_NE(module, nullptr) << diagnostic;
  }

  /// The kernel named `name`; a missing kernel fails the test.
  backend::Kernel &kernel(const char *name) {
    backend::Kernel *found = module->findKernel(name);
    EXPECT_NE(found, nullptr) << name;
    return *found;
  }

  /// Loads `ptx` expecting the backend to refuse it; returns its message.
  static std::string refusal(const std::string &ptx) {
    std::string why;
    backend::Module *refused = harness->load(ptx, &why);
    EXPECT_EQ(refused, nullptr) << "the backend accepted a kernel it cannot run";
    return why;
  }

  static inline BackendHarness *harness = nullptr;
  static inline backend::Module *module = nullptr;
  static inline std::string diagnostic;
};

} // namespace cuport::test

#endif
