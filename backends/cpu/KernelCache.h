//===- cpu/KernelCache.h - Compiled kernels cached on disk -----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// "Compile once" (DESIGN.md §4): the object file the JIT would run for a
// module, and the kernel and global descriptors the backend needs to use
// it, are kept on disk so that a second run of an application parses,
// translates, lowers and compiles nothing.
//
// Location: $CUPORT_CACHE_DIR, else $XDG_CACHE_HOME/cuport, else
// ~/.cache/cuport; entries live in its `kernels/` directory.
// CUPORT_CACHE_DISABLE=1 turns the cache off; a location that cannot be
// created or written turns it off silently (logged at debug).
//
// Key: BLAKE3-256 (hex) of, in this order, the entry format version, the CPU
// pipeline version (passes::kCpuPipelineVersion), the compiler identity
// (cuport's version and the GNU build ids of the backend plugin and of
// libLLVM: any rebuild of the translator, the passes or the backend changes
// it, so no hand-kept translator version can be forgotten), the LLVM
// version, the target triple, the host CPU name and feature string, the
// pipeline and code generation optimisation levels, and every image's kind,
// architecture and bytes (length-prefixed) in order. Image names are left
// out: they only name sources in diagnostics.
//
// File `kernels/<key>.kcache`, written to a temporary file and renamed, so
// a reader sees a whole entry or none:
//   bytes 0..7    magic "cuportKC"
//   bytes 8..11   format version (little-endian u32, kCacheFormatVersion)
//   bytes 12..15  0
//   bytes 16..23  JSON size (little-endian u64)
//   bytes 24..31  object size (little-endian u64)
//   JSON          {"format", "key", "inputs" (the key's inputs, readable),
//                  "object": {"size", "blake3"}, "kernels": [...],
//                  "globals": [...]}
//   object        the relocatable object file for the host
// An entry that is truncated, has another format version or key, JSON that
// does not parse or lacks a field, or an object whose BLAKE3 differs, is
// deleted and reported as a miss (logged at debug); it is never used.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_KERNELCACHE_H
#define CUPORT_CPU_KERNELCACHE_H

#include "cuport/Backend.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cuport::cpu {

/// Version of the entry layout above; part of the key and of every entry.
inline constexpr uint32_t kCacheFormatVersion = 1;

/// Everything the compiled code depends on besides the images.
struct CacheKeyInputs {
  std::span<const backend::ModuleImage> images;
  uint32_t pipelineVersion = 0;
  std::string pipelineSettings; ///< passes::pipelineSettings()
  std::string compilerIdentity; ///< cuport version and build ids
  std::string llvmVersion;
  std::string triple;
  std::string cpu;
  std::string features;
  uint32_t pipelineOptLevel = 0;
  uint32_t codegenOptLevel = 0;
};

/// The key: lowercase hex of the BLAKE3-256 hash of `inputs`.
std::string computeCacheKey(const CacheKeyInputs &inputs);

/// A readable summary of `inputs` (stored in each entry for debugging).
std::string describeCacheKeyInputs(const CacheKeyInputs &inputs);

/// "GNU build id (hex) of <file>" of the loaded ELF object that contains
/// `address`, or the BLAKE3 of the file when it has none; "" if unknown.
std::string binaryIdentity(const void *address);

/// What the backend needs to use a compiled module without its IR.
struct CachedKernel {
  std::string name;
  std::vector<backend::ParamLayout> params;
  uint32_t argBufferSize = 0;
  uint32_t staticSharedBytes = 0;
  uint32_t maxThreadsPerBlock = 0;
  uint32_t features = 0;
  bool operator==(const CachedKernel &other) const {
    auto sameParams = [&] {
      for (size_t i = 0; i < params.size(); ++i)
        if (params[i].offset != other.params[i].offset ||
            params[i].size != other.params[i].size ||
            params[i].align != other.params[i].align)
          return false;
      return true;
    };
    return name == other.name && params.size() == other.params.size() &&
           sameParams() && argBufferSize == other.argBufferSize &&
           staticSharedBytes == other.staticSharedBytes &&
           maxThreadsPerBlock == other.maxThreadsPerBlock &&
           features == other.features;
  }
};
struct CachedGlobal {
  std::string name;
  uint64_t size = 0;
  bool operator==(const CachedGlobal &) const = default;
};
struct CacheEntry {
  std::vector<CachedKernel> kernels;
  std::vector<CachedGlobal> globals;
  std::unique_ptr<llvm::MemoryBuffer> object;
};

class KernelCache {
public:
  using Environment = std::function<const char *(const char *)>;

  /// The cache the environment selects (see the file comment): disabled,
  /// or rooted at the first of CUPORT_CACHE_DIR, XDG_CACHE_HOME/cuport,
  /// HOME/.cache/cuport.
  static KernelCache fromEnvironment();
  static KernelCache fromEnvironment(const Environment &getenv);
  /// The root the environment names, or "" when the cache is off.
  static std::string rootFromEnvironment(const Environment &getenv);

  /// A cache rooted at `root` ("" = disabled). Creates `root`/kernels; if
  /// it cannot be created or written, the cache is disabled.
  explicit KernelCache(std::string root);

  bool enabled() const { return !directory_.empty(); }
  /// The directory holding the entries ("" when disabled).
  const std::string &directory() const { return directory_; }
  std::string entryPath(llvm::StringRef key) const;

  /// The entry of `key`, or nothing on a miss. An unusable entry is
  /// deleted and is a miss.
  std::optional<CacheEntry> load(llvm::StringRef key) const;
  /// Writes the entry of `key` atomically; `inputs` is stored as the
  /// readable summary. Returns false (logged at debug) when it cannot.
  bool store(llvm::StringRef key, const CacheEntry &entry,
             llvm::StringRef inputs) const;
  /// Deletes the entry of `key` (one that loaded but did not link).
  void remove(llvm::StringRef key, llvm::StringRef why) const;

private:
  std::string directory_;
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_KERNELCACHE_H
