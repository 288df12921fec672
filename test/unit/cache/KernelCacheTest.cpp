//===- KernelCacheTest.cpp - The on-disk kernel cache on its own ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The cache library (backends/cpu/KernelCache.h) without the backend: the
// key changes with every input it is made of, the location follows the
// environment, an entry round-trips, and every kind of damaged entry
// (truncated, flipped bytes, another format or key, JSON that does not
// parse or lacks a field, an object whose hash differs) is a miss and is
// deleted.
//
//===----------------------------------------------------------------------===//
#include "CacheTestSupport.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <unistd.h>

using cuport::cpu::CachedGlobal;
using cuport::cpu::CachedKernel;
using cuport::cpu::CacheEntry;
using cuport::cpu::CacheKeyInputs;
using cuport::cpu::computeCacheKey;
using cuport::cpu::KernelCache;
using cuport::test::RawEntry;
using cuport::test::TemporaryDirectory;

namespace {

std::span<const std::byte> bytesOf(const std::string &text) {
  return std::as_bytes(std::span(text));
}

/// Inputs with two images; `images` must outlive the result.
CacheKeyInputs baseInputs(const std::vector<cuport::backend::ModuleImage> &images) {
  CacheKeyInputs inputs;
  inputs.images = images;
  inputs.pipelineVersion = 1;
  inputs.compilerIdentity = "cuport 0.1.0; plugin build-id 01";
  inputs.llvmVersion = "19.1.7";
  inputs.triple = "x86_64-pc-linux-gnu";
  inputs.cpu = "znver4";
  inputs.features = "+avx512f,+avx2";
  inputs.pipelineOptLevel = 3;
  inputs.codegenOptLevel = 3;
  return inputs;
}

std::vector<cuport::backend::ModuleImage> imagesOf(const std::vector<std::string> &texts) {
  std::vector<cuport::backend::ModuleImage> images;
  for (const std::string &text : texts) {
    cuport::backend::ModuleImage image;
    image.smArch = 75;
    image.bytes = bytesOf(text);
    image.name = "unit.ptx";
    images.push_back(image);
  }
  return images;
}

TEST(KernelCacheKey, IsAStableHexDigest) {
  std::vector<std::string> texts = {".entry a {}", ".entry b {}"};
  auto images = imagesOf(texts);
  std::string key = computeCacheKey(baseInputs(images));
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(key, computeCacheKey(baseInputs(images)));
  // Names only label diagnostics; they are not part of the key.
  images[0].name = "other.ptx";
  EXPECT_EQ(key, computeCacheKey(baseInputs(images)));
}

TEST(KernelCacheKey, ChangesWithEveryInput) {
  std::vector<std::string> texts = {".entry a {}", ".entry b {}"};
  std::vector<std::string> flipped = {".entry a {}", ".entry c {}"};
  std::vector<std::string> reversed = {".entry b {}", ".entry a {}"};
  std::vector<std::string> joined = {".entry a {}.entry b {}"};
  // Same concatenation, split differently: length prefixes tell them apart.
  std::vector<std::string> split = {".entry a {}.entry", " b {}"};
  auto images = imagesOf(texts);
  auto flippedImages = imagesOf(flipped);
  auto reversedImages = imagesOf(reversed);
  auto joinedImages = imagesOf(joined);
  auto splitImages = imagesOf(split);

  std::map<std::string, std::function<void(CacheKeyInputs &)>> variants = {
      {"image bytes", [&](CacheKeyInputs &in) { in.images = flippedImages; }},
      {"image order", [&](CacheKeyInputs &in) { in.images = reversedImages; }},
      {"image count", [&](CacheKeyInputs &in) { in.images = joinedImages; }},
      {"image split", [&](CacheKeyInputs &in) { in.images = splitImages; }},
      {"pipeline version", [](CacheKeyInputs &in) { in.pipelineVersion = 2; }},
      {"pipeline settings",
       [](CacheKeyInputs &in) { in.pipelineSettings = "lockstep-loops=0"; }},
      {"compiler identity",
       [](CacheKeyInputs &in) { in.compilerIdentity = "cuport 0.1.0; plugin build-id 02"; }},
      {"llvm version", [](CacheKeyInputs &in) { in.llvmVersion = "19.1.8"; }},
      {"triple", [](CacheKeyInputs &in) { in.triple = "aarch64-unknown-linux-gnu"; }},
      {"cpu", [](CacheKeyInputs &in) { in.cpu = "skylake-avx512"; }},
      {"features", [](CacheKeyInputs &in) { in.features = "+avx512f,-avx2"; }},
      {"pipeline opt level", [](CacheKeyInputs &in) { in.pipelineOptLevel = 2; }},
      {"codegen opt level", [](CacheKeyInputs &in) { in.codegenOptLevel = 2; }},
  };
  std::set<std::string> keys = {computeCacheKey(baseInputs(images))};
  for (auto &[what, change] : variants) {
    CacheKeyInputs inputs = baseInputs(images);
    change(inputs);
    EXPECT_TRUE(keys.insert(computeCacheKey(inputs)).second)
        << "the key does not depend on the " << what;
  }
  // The architecture an image was picked for counts too.
  auto otherArch = imagesOf(texts);
  otherArch[1].smArch = 86;
  CacheKeyInputs inputs = baseInputs(otherArch);
  EXPECT_TRUE(keys.insert(computeCacheKey(inputs)).second) << "sm arch";
}

TEST(KernelCacheKey, BinaryIdentityNamesThisProgram) {
  static const char anchor = 0;
  std::string identity = cuport::cpu::binaryIdentity(&anchor);
  EXPECT_FALSE(identity.empty());
  EXPECT_EQ(identity, cuport::cpu::binaryIdentity(&anchor));
  EXPECT_EQ(cuport::cpu::binaryIdentity(nullptr), "");
}

TEST(KernelCacheLocation, FollowsTheEnvironment) {
  auto rootFor = [](std::map<std::string, std::string> variables) {
    return KernelCache::rootFromEnvironment([&](const char *name) -> const char * {
      auto it = variables.find(name);
      return it == variables.end() ? nullptr : it->second.c_str();
    });
  };
  EXPECT_EQ(rootFor({{"CUPORT_CACHE_DIR", "/c"}, {"XDG_CACHE_HOME", "/x"},
                     {"HOME", "/h"}}),
            "/c");
  EXPECT_EQ(rootFor({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}), "/x/cuport");
  EXPECT_EQ(rootFor({{"XDG_CACHE_HOME", "relative"}, {"HOME", "/h"}}),
            "/h/.cache/cuport");
  EXPECT_EQ(rootFor({{"CUPORT_CACHE_DIR", ""}, {"HOME", "/h"}}), "/h/.cache/cuport");
  EXPECT_EQ(rootFor({}), "");
  EXPECT_EQ(rootFor({{"CUPORT_CACHE_DISABLE", "1"}, {"CUPORT_CACHE_DIR", "/c"}}), "");
  EXPECT_EQ(rootFor({{"CUPORT_CACHE_DISABLE", "0"}, {"CUPORT_CACHE_DIR", "/c"}}), "/c");
}

CacheEntry sampleEntry(const std::string &object = "\x7f" "ELF object") {
  CacheEntry entry;
  CachedKernel saxpy;
  saxpy.name = "_Z5saxpyifPfS_";
  saxpy.params = {{0, 4, 4}, {4, 4, 4}, {8, 8, 8}, {16, 8, 8}};
  saxpy.argBufferSize = 24;
  saxpy.staticSharedBytes = 128;
  saxpy.maxThreadsPerBlock = 256;
  saxpy.features = 5;
  CachedKernel empty;
  empty.name = "empty";
  entry.kernels = {saxpy, empty};
  entry.globals = {{"table", 4096}};
  entry.object = llvm::MemoryBuffer::getMemBufferCopy(object, "object");
  return entry;
}

class KernelCacheEntryTest : public ::testing::Test {
protected:
  KernelCacheEntryTest() : cache(directory.path()) {}

  static std::string key() { return std::string(60, '0') + "c0de"; }

  TemporaryDirectory directory;
  KernelCache cache;
};

TEST_F(KernelCacheEntryTest, RoundTripsDescriptorsAndObject) {
  ASSERT_TRUE(cache.enabled());
  EXPECT_EQ(cache.directory(), directory.path() + "/kernels");
  EXPECT_FALSE(cache.load(key()).has_value()) << "empty cache";

  CacheEntry stored = sampleEntry(std::string("\0\x7f" "ELF\0binary", 12));
  ASSERT_TRUE(cache.store(key(), stored, R"({"cpu":"znver4"})"));
  EXPECT_EQ(cuport::test::listDirectory(cache.directory()),
            std::vector<std::string>{key() + ".kcache"})
      << "one entry, no temporary file left";

  std::optional<CacheEntry> loaded = cache.load(key());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->kernels, stored.kernels);
  EXPECT_EQ(loaded->globals, stored.globals);
  EXPECT_EQ(loaded->object->getBuffer(), stored.object->getBuffer());

  // The readable inputs are in the entry, for whoever inspects the cache.
  RawEntry raw = RawEntry::read(cache.entryPath(key()));
  EXPECT_EQ(nlohmann::json::parse(raw.json)["inputs"]["cpu"], "znver4");
  // Storing again replaces the entry.
  ASSERT_TRUE(cache.store(key(), sampleEntry("other"), "{}"));
  EXPECT_EQ(cache.load(key())->object->getBuffer(), "other");
  EXPECT_EQ(cuport::test::listDirectory(cache.directory()).size(), 1u);
}

TEST_F(KernelCacheEntryTest, OtherKeyInputsMiss) {
  std::vector<std::string> texts = {".entry a {}"};
  auto images = imagesOf(texts);
  CacheKeyInputs inputs = baseInputs(images);
  ASSERT_TRUE(cache.store(computeCacheKey(inputs), sampleEntry(), "{}"));
  EXPECT_TRUE(cache.load(computeCacheKey(inputs)).has_value());

  CacheKeyInputs otherCpu = inputs;
  otherCpu.cpu = "skylake";
  EXPECT_FALSE(cache.load(computeCacheKey(otherCpu)).has_value()) << "other host CPU";
  CacheKeyInputs otherFeatures = inputs;
  otherFeatures.features = "+avx2";
  EXPECT_FALSE(cache.load(computeCacheKey(otherFeatures)).has_value())
      << "other CPU features";
  CacheKeyInputs otherPipeline = inputs;
  otherPipeline.pipelineVersion += 1;
  EXPECT_FALSE(cache.load(computeCacheKey(otherPipeline)).has_value())
      << "other pipeline version";
  CacheKeyInputs otherBuild = inputs;
  otherBuild.compilerIdentity += "x";
  EXPECT_FALSE(cache.load(computeCacheKey(otherBuild)).has_value())
      << "other build of the translator";
  EXPECT_TRUE(cache.load(computeCacheKey(inputs)).has_value())
      << "a miss on other inputs leaves the entry alone";
}

/// Each way an entry can be damaged; every one must be a miss and delete
/// the file.
struct Damage {
  const char *name;
  std::function<void(const std::string &path, const std::string &key)> apply;
};

void PrintTo(const Damage &damage, std::ostream *out) { *out << damage.name; }

class KernelCacheDamageTest : public KernelCacheEntryTest,
                              public ::testing::WithParamInterface<Damage> {};

TEST_P(KernelCacheDamageTest, IsAMissAndDeletesTheEntry) {
  ASSERT_TRUE(cache.store(key(), sampleEntry(), "{}"));
  std::string path = cache.entryPath(key());
  GetParam().apply(path, key());
  ASSERT_TRUE(cuport::test::exists(path)) << "the damage removed the file";

  EXPECT_FALSE(cache.load(key()).has_value()) << GetParam().name;
  EXPECT_FALSE(cuport::test::exists(path)) << "damaged entry not deleted";
  // And the next store rebuilds it.
  ASSERT_TRUE(cache.store(key(), sampleEntry(), "{}"));
  EXPECT_TRUE(cache.load(key()).has_value());
}

using cuport::test::readFile;
using cuport::test::writeFile;

void editJson(const std::string &path,
              const std::function<void(nlohmann::json &)> &edit) {
  RawEntry entry = RawEntry::read(path);
  nlohmann::json document = nlohmann::json::parse(entry.json);
  edit(document);
  entry.json = document.dump();
  entry.write(path);
}

INSTANTIATE_TEST_SUITE_P(
    Damages, KernelCacheDamageTest,
    ::testing::Values(
        Damage{"empty file", [](auto &path, auto &) { writeFile(path, ""); }},
        Damage{"truncated header",
               [](auto &path, auto &) { writeFile(path, readFile(path).substr(0, 20)); }},
        Damage{"truncated object",
               [](auto &path, auto &) {
                 std::string bytes = readFile(path);
                 writeFile(path, bytes.substr(0, bytes.size() - 1));
               }},
        Damage{"trailing garbage",
               [](auto &path, auto &) { writeFile(path, readFile(path) + "x"); }},
        Damage{"flipped object byte",
               [](auto &path, auto &) {
                 std::string bytes = readFile(path);
                 bytes[bytes.size() - 3] ^= 0x40;
                 writeFile(path, bytes);
               }},
        Damage{"flipped JSON byte",
               [](auto &path, auto &) {
                 std::string bytes = readFile(path);
                 bytes[33] ^= 0x01;
                 writeFile(path, bytes);
               }},
        Damage{"bad magic",
               [](auto &path, auto &) {
                 std::string bytes = readFile(path);
                 bytes[0] = 'C';
                 writeFile(path, bytes);
               }},
        Damage{"other format version in the header",
               [](auto &path, auto &) {
                 std::string bytes = readFile(path);
                 bytes[8] += 1;
                 writeFile(path, bytes);
               }},
        Damage{"garbage JSON",
               [](auto &path, auto &) {
                 RawEntry entry = RawEntry::read(path);
                 entry.json = "{\"format\": 1, \"kernels\": [ garbage";
                 entry.write(path);
               }},
        Damage{"JSON that is not an object",
               [](auto &path, auto &) {
                 RawEntry entry = RawEntry::read(path);
                 entry.json = "[1, 2, 3]";
                 entry.write(path);
               }},
        Damage{"other format version in the JSON",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) { d["format"] = 99; });
               }},
        Damage{"entry of another key",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) { d["key"] = std::string(64, 'f'); });
               }},
        Damage{"missing kernels",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) { d.erase("kernels"); });
               }},
        Damage{"parameter of the wrong type",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) {
                   d["kernels"][0]["params"][0]["size"] = "four";
                 });
               }},
        Damage{"negative size",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) { d["kernels"][0]["argBufferSize"] = -1; });
               }},
        Damage{"object hash mismatch",
               [](auto &path, auto &) {
                 editJson(path, [](nlohmann::json &d) {
                   d["object"]["blake3"] = std::string(64, '0');
                 });
               }},
        Damage{"object replaced, sizes consistent",
               [](auto &path, auto &) {
                 RawEntry entry = RawEntry::read(path);
                 entry.object = std::string(entry.object.size(), 'A');
                 entry.write(path);
               }}),
    [](const ::testing::TestParamInfo<Damage> &info) {
      std::string name = info.param.name;
      for (char &c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
          c = '_';
      return name;
    });

TEST(KernelCacheLocationTest, UncreatableLocationDisablesTheCache) {
  TemporaryDirectory directory;
  std::string file = directory.path() + "/a-file";
  writeFile(file, "not a directory");
  KernelCache cache(file + "/cache");
  EXPECT_FALSE(cache.enabled());
  EXPECT_FALSE(cache.store(std::string(64, 'a'), sampleEntry(), "{}"));
  EXPECT_FALSE(cache.load(std::string(64, 'a')).has_value());
}

TEST(KernelCacheLocationTest, ReadOnlyLocationDisablesTheCache) {
  if (geteuid() == 0)
    GTEST_SKIP() << "root writes to read-only directories";
  TemporaryDirectory directory;
  std::string root = directory.path() + "/root";
  ASSERT_FALSE(llvm::sys::fs::create_directories(root + "/kernels"));
  llvm::sys::fs::setPermissions(root + "/kernels", llvm::sys::fs::perms(0555));
  KernelCache cache(root);
  EXPECT_FALSE(cache.enabled());
  llvm::sys::fs::setPermissions(root + "/kernels", llvm::sys::fs::perms(0755));
}

TEST(KernelCacheLocationTest, EmptyRootIsDisabled) {
  KernelCache cache("");
  EXPECT_FALSE(cache.enabled());
  EXPECT_FALSE(cache.load(std::string(64, 'a')).has_value());
}

} // namespace
