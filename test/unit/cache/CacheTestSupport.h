//===- CacheTestSupport.h - Helpers for the kernel cache tests -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Temporary cache directories and byte-level surgery on cache entries (the
// layout documented in backends/cpu/KernelCache.h), so the tests can corrupt
// entries in every way the cache must survive.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEST_CACHETESTSUPPORT_H
#define CUPORT_TEST_CACHETESTSUPPORT_H

#include "KernelCache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace cuport::test {

/// A fresh directory, deleted with everything in it at the end of the test.
class TemporaryDirectory {
public:
  TemporaryDirectory() {
    llvm::SmallString<128> created;
    std::error_code error =
        llvm::sys::fs::createUniqueDirectory("cuport-cache-test", created);
    EXPECT_FALSE(error) << error.message();
    path_ = std::string(created);
  }
  ~TemporaryDirectory() {
    llvm::sys::fs::set_current_path("/"); // never inside what is removed
    llvm::sys::fs::remove_directories(path_, /*IgnoreErrors=*/true);
  }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

inline std::string readFile(const std::string &path) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  return file ? (*file)->getBuffer().str() : std::string();
}

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  ASSERT_FALSE(error) << error.message();
  out << bytes;
}

inline bool exists(const std::string &path) { return llvm::sys::fs::exists(path); }

/// The files of `directory` (names only), sorted.
inline std::vector<std::string> listDirectory(const std::string &directory) {
  std::vector<std::string> names;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error))
    names.push_back(llvm::sys::path::filename(it->path()).str());
  std::sort(names.begin(), names.end());
  return names;
}

/// The parts of an entry file: 32-byte header, JSON, object.
struct RawEntry {
  std::string header;
  std::string json;
  std::string object;

  static RawEntry read(const std::string &path) {
    std::string bytes = readFile(path);
    RawEntry entry;
    if (bytes.size() < 32)
      return entry;
    uint64_t jsonSize = llvm::support::endian::read64le(bytes.data() + 16);
    entry.header = bytes.substr(0, 32);
    entry.json = bytes.substr(32, jsonSize);
    entry.object = bytes.substr(32 + jsonSize);
    return entry;
  }

  /// Writes the parts back with the sizes in the header made consistent.
  void write(const std::string &path) const {
    std::string fixed = header;
    llvm::support::endian::write64le(fixed.data() + 16, json.size());
    llvm::support::endian::write64le(fixed.data() + 24, object.size());
    writeFile(path, fixed + json + object);
  }
};

inline std::string blake3Hex(const std::string &data) {
  return llvm::toHex(llvm::BLAKE3::hash<32>(llvm::arrayRefFromStringRef(data)),
                     /*LowerCase=*/true);
}

/// Replaces the object of the entry at `path`, updating its size and hash
/// in the JSON so that only the cache's later checks can catch it.
inline void replaceObject(const std::string &path, const std::string &object) {
  RawEntry entry = RawEntry::read(path);
  nlohmann::json document = nlohmann::json::parse(entry.json);
  document["object"]["size"] = object.size();
  document["object"]["blake3"] = blake3Hex(object);
  entry.json = document.dump();
  entry.object = object;
  entry.write(path);
}

} // namespace cuport::test

#endif // CUPORT_TEST_CACHETESTSUPPORT_H
