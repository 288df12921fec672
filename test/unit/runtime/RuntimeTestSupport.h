//===- RuntimeTestSupport.h - Registering PTX like nvcc does ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Builds a fatbinary around PTX text and registers it through the same hooks
// nvcc's generated constructors call, so tests exercise the whole path from
// __cudaRegisterFatBinary to a running kernel.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEST_RUNTIMETESTSUPPORT_H
#define CUPORT_TEST_RUNTIMETESTSUPPORT_H

#include <cstdint>
#include <string>
#include <vector>

namespace cuport::test {

/// One registered program image; unregisters itself when destroyed.
class RegisteredPtx {
public:
  /// `ptx` becomes a PTX entry for `sm`; each kernel is registered with
  /// the address of a distinct host stub (see stub()).
  RegisteredPtx(const std::string &ptx, std::vector<std::string> kernels,
                uint32_t sm = 75);
  ~RegisteredPtx();
  RegisteredPtx(const RegisteredPtx &) = delete;
  RegisteredPtx &operator=(const RegisteredPtx &) = delete;

  void **handle() const { return handle_; }
  /// The host-side "function" that stands for kernel `index`.
  const void *stub(size_t index) const { return &stubs_[index]; }

private:
  std::vector<uint8_t> fatbinary_;
  struct Wrapper {
    int32_t magic;
    int32_t version;
    const void *data;
    const void *filename;
  } wrapper_{};
  void **handle_ = nullptr;
  std::vector<char> stubs_; ///< one byte per kernel: a unique address each
};

/// PTX that nvcc 13 emits for vectorAdd (c[i] = a[i] + b[i], i < n).
extern const char *const kVectorAddPtx;

} // namespace cuport::test

#endif
