//===- cpu/KernelCache.cpp - Compiled kernels cached on disk --------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The entry format and the key are described in KernelCache.h. Every file
// operation goes through llvm::sys::fs; every problem is logged at debug
// and turns into a miss, never into an error the application sees.
//
//===----------------------------------------------------------------------===//
#include "KernelCache.h"

#include "cuport/Log.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <elf.h>
#include <link.h>

using namespace llvm;
using nlohmann::json;

namespace cuport::cpu {

namespace {

constexpr char kMagic[8] = {'c', 'u', 'p', 'o', 'r', 't', 'K', 'C'};
constexpr size_t kHeaderSize = 32;

//===----------------------------------------------------------------------===//
// The key
//===----------------------------------------------------------------------===//

/// Feeds fixed-width little-endian integers and length-prefixed bytes, so
/// that no two different input sequences hash the same stream.
class KeyHasher {
public:
  void integer(uint64_t value) {
    uint8_t bytes[8];
    support::endian::write64le(bytes, value);
    hasher_.update(ArrayRef<uint8_t>(bytes, 8));
  }
  void bytes(ArrayRef<uint8_t> data) {
    integer(data.size());
    hasher_.update(data);
  }
  void text(StringRef value) { bytes(arrayRefFromStringRef(value)); }
  std::string finish() { return toHex(hasher_.final(), /*LowerCase=*/true); }

private:
  BLAKE3 hasher_;
};

std::string blake3Hex(StringRef data) {
  return toHex(BLAKE3::hash<32>(arrayRefFromStringRef(data)), /*LowerCase=*/true);
}

//===----------------------------------------------------------------------===//
// Build identity of a loaded ELF object
//===----------------------------------------------------------------------===//

struct ObjectSearch {
  uintptr_t address = 0;
  bool found = false;
  std::string path;
  std::string buildId;
};

size_t alignTo(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// The NT_GNU_BUILD_ID note in the PT_NOTE segment at `notes`, as hex.
std::string findBuildId(const uint8_t *notes, size_t size, size_t alignment) {
  alignment = alignment == 8 ? 8 : 4;
  size_t offset = 0;
  while (offset + sizeof(ElfW(Nhdr)) <= size) {
    ElfW(Nhdr) header;
    std::memcpy(&header, notes + offset, sizeof(header));
    size_t name = offset + sizeof(header);
    size_t descriptor = alignTo(name + header.n_namesz, alignment);
    size_t next = alignTo(descriptor + header.n_descsz, alignment);
    if (descriptor + header.n_descsz > size || next <= offset)
      break;
    if (header.n_type == NT_GNU_BUILD_ID && header.n_namesz == 4 &&
        std::memcmp(notes + name, "GNU", 4) == 0)
      return toHex(ArrayRef<uint8_t>(notes + descriptor, header.n_descsz),
                   /*LowerCase=*/true);
    offset = next;
  }
  return {};
}

int visitObject(dl_phdr_info *info, size_t, void *data) {
  auto *search = static_cast<ObjectSearch *>(data);
  bool contains = false;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &segment = info->dlpi_phdr[i];
    uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD && search->address >= begin &&
        search->address < begin + segment.p_memsz)
      contains = true;
  }
  if (!contains)
    return 0;
  search->found = true;
  search->path = info->dlpi_name ? info->dlpi_name : "";
  for (ElfW(Half) i = 0; i < info->dlpi_phnum && search->buildId.empty(); ++i) {
    const ElfW(Phdr) &segment = info->dlpi_phdr[i];
    if (segment.p_type == PT_NOTE)
      search->buildId = findBuildId(
          reinterpret_cast<const uint8_t *>(info->dlpi_addr + segment.p_vaddr),
          segment.p_memsz, segment.p_align);
  }
  return 1;
}

//===----------------------------------------------------------------------===//
// Reading entries
//===----------------------------------------------------------------------===//

Error malformed(const Twine &why) {
  return createStringError(inconvertibleErrorCode(), why);
}

uint64_t unsignedField(const json &object, const char *name) {
  const json &value = object.at(name);
  if (!value.is_number_unsigned())
    throw std::invalid_argument(std::string("field '") + name +
                                "' is not an unsigned number");
  return value.get<uint64_t>();
}

uint32_t smallField(const json &object, const char *name) {
  uint64_t value = unsignedField(object, name);
  if (value > UINT32_MAX)
    throw std::invalid_argument(std::string("field '") + name + "' is too large");
  return uint32_t(value);
}

std::string stringField(const json &object, const char *name) {
  const json &value = object.at(name);
  if (!value.is_string())
    throw std::invalid_argument(std::string("field '") + name + "' is not a string");
  return value.get<std::string>();
}

const json &arrayField(const json &object, const char *name) {
  const json &value = object.at(name);
  if (!value.is_array())
    throw std::invalid_argument(std::string("field '") + name + "' is not an array");
  return value;
}

CachedKernel kernelFromJson(const json &object) {
  CachedKernel kernel;
  kernel.name = stringField(object, "name");
  for (const json &param : arrayField(object, "params"))
    kernel.params.push_back({smallField(param, "offset"), smallField(param, "size"),
                             smallField(param, "align")});
  kernel.argBufferSize = smallField(object, "argBufferSize");
  kernel.staticSharedBytes = smallField(object, "staticSharedBytes");
  kernel.maxThreadsPerBlock = smallField(object, "maxThreadsPerBlock");
  kernel.features = smallField(object, "features");
  return kernel;
}

json kernelToJson(const CachedKernel &kernel) {
  json params = json::array();
  for (const backend::ParamLayout &param : kernel.params)
    params.push_back({{"offset", param.offset}, {"size", param.size},
                      {"align", param.align}});
  return {{"name", kernel.name},
          {"params", std::move(params)},
          {"argBufferSize", kernel.argBufferSize},
          {"staticSharedBytes", kernel.staticSharedBytes},
          {"maxThreadsPerBlock", kernel.maxThreadsPerBlock},
          {"features", kernel.features}};
}

/// Checks every part of an entry read from disk (see KernelCache.h).
Expected<CacheEntry> parseEntry(StringRef file, StringRef key) {
  if (file.size() < kHeaderSize)
    return malformed("shorter than its header (" + Twine(file.size()) + " bytes)");
  if (std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0)
    return malformed("not a cuport kernel cache entry (bad magic)");
  const char *header = file.data();
  uint32_t format = support::endian::read32le(header + 8);
  if (format != kCacheFormatVersion)
    return malformed("format version " + Twine(format) + ", expected " +
                     Twine(kCacheFormatVersion));
  uint64_t jsonSize = support::endian::read64le(header + 16);
  uint64_t objectSize = support::endian::read64le(header + 24);
  uint64_t body = file.size() - kHeaderSize;
  if (jsonSize > body || objectSize != body - jsonSize)
    return malformed("truncated or padded: header announces " + Twine(jsonSize) +
                     " + " + Twine(objectSize) + " bytes, file holds " + Twine(body));
  StringRef text = file.substr(kHeaderSize, jsonSize);
  StringRef object = file.substr(kHeaderSize + jsonSize);

  json document = json::parse(text.begin(), text.end(), nullptr,
                              /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object())
    return malformed("descriptor JSON does not parse");
  CacheEntry entry;
  try {
    if (unsignedField(document, "format") != kCacheFormatVersion)
      return malformed("descriptor format version differs from the header's");
    if (stringField(document, "key") != key)
      return malformed("entry belongs to key " + stringField(document, "key"));
    const json &objectInfo = document.at("object");
    if (unsignedField(objectInfo, "size") != object.size())
      return malformed("object size differs from the descriptor's");
    if (stringField(objectInfo, "blake3") != blake3Hex(object))
      return malformed("object hash mismatch");
    for (const json &kernel : arrayField(document, "kernels"))
      entry.kernels.push_back(kernelFromJson(kernel));
    for (const json &global : arrayField(document, "globals"))
      entry.globals.push_back(
          {stringField(global, "name"), unsignedField(global, "size")});
  } catch (const std::exception &error) {
    return malformed(Twine("malformed descriptor: ") + error.what());
  }
  entry.object = MemoryBuffer::getMemBufferCopy(object, (key + ".o").str());
  return entry;
}

} // namespace

//===----------------------------------------------------------------------===//
// Key
//===----------------------------------------------------------------------===//

std::string computeCacheKey(const CacheKeyInputs &inputs) {
  KeyHasher hasher;
  hasher.text("cuport kernel cache");
  hasher.integer(kCacheFormatVersion);
  hasher.integer(inputs.pipelineVersion);
  hasher.text(inputs.pipelineSettings);
  hasher.text(inputs.compilerIdentity);
  hasher.text(inputs.llvmVersion);
  hasher.text(inputs.triple);
  hasher.text(inputs.cpu);
  hasher.text(inputs.features);
  hasher.integer(inputs.pipelineOptLevel);
  hasher.integer(inputs.codegenOptLevel);
  hasher.integer(inputs.images.size());
  for (const backend::ModuleImage &image : inputs.images) {
    hasher.integer(uint64_t(image.kind));
    hasher.integer(image.smArch);
    hasher.bytes(ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(image.bytes.data()), image.bytes.size()));
  }
  return hasher.finish();
}

std::string describeCacheKeyInputs(const CacheKeyInputs &inputs) {
  json images = json::array();
  for (const backend::ModuleImage &image : inputs.images)
    images.push_back({{"kind", int(image.kind)},
                      {"smArch", image.smArch},
                      {"bytes", image.bytes.size()},
                      {"name", std::string(image.name)}});
  json described = {{"pipelineVersion", inputs.pipelineVersion},
                    {"pipelineSettings", inputs.pipelineSettings},
                    {"compiler", inputs.compilerIdentity},
                    {"llvm", inputs.llvmVersion},
                    {"triple", inputs.triple},
                    {"cpu", inputs.cpu},
                    {"features", inputs.features},
                    {"pipelineOptLevel", inputs.pipelineOptLevel},
                    {"codegenOptLevel", inputs.codegenOptLevel},
                    {"images", std::move(images)}};
  return described.dump();
}

std::string binaryIdentity(const void *address) {
  ObjectSearch search;
  search.address = reinterpret_cast<uintptr_t>(address);
  dl_iterate_phdr(visitObject, &search);
  if (!search.found)
    return {};
  if (!search.buildId.empty())
    return "build-id " + search.buildId;
  // No build id: hash the file itself (the main program has no dlpi_name).
  std::string path = search.path.empty() ? "/proc/self/exe" : search.path;
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file)
    return {};
  return "blake3 " + blake3Hex((*file)->getBuffer());
}

//===----------------------------------------------------------------------===//
// Location
//===----------------------------------------------------------------------===//

std::string KernelCache::rootFromEnvironment(const Environment &getenv) {
  auto variable = [&](const char *name) -> std::string {
    const char *value = getenv(name);
    return value ? value : "";
  };
  std::string disable = variable("CUPORT_CACHE_DISABLE");
  if (!disable.empty() && disable != "0") {
    cuport::log().debug("kernel cache: disabled by CUPORT_CACHE_DISABLE");
    return {};
  }
  if (std::string dir = variable("CUPORT_CACHE_DIR"); !dir.empty())
    return dir;
  // The XDG base directory specification ignores relative paths.
  if (std::string xdg = variable("XDG_CACHE_HOME");
      !xdg.empty() && sys::path::is_absolute(xdg))
    return xdg + "/cuport";
  if (std::string home = variable("HOME"); !home.empty())
    return home + "/.cache/cuport";
  cuport::log().debug("kernel cache: disabled, no CUPORT_CACHE_DIR, "
                      "XDG_CACHE_HOME or HOME");
  return {};
}

KernelCache KernelCache::fromEnvironment(const Environment &getenv) {
  return KernelCache(rootFromEnvironment(getenv));
}

KernelCache KernelCache::fromEnvironment() {
  return fromEnvironment([](const char *name) { return std::getenv(name); });
}

KernelCache::KernelCache(std::string root) {
  if (root.empty())
    return;
  std::string directory = root + "/kernels";
  if (std::error_code error = sys::fs::create_directories(directory)) {
    cuport::log().debug("kernel cache: disabled, cannot create {}: {}", directory,
                        error.message());
    return;
  }
  if (std::error_code error = sys::fs::access(directory, sys::fs::AccessMode::Write)) {
    cuport::log().debug("kernel cache: disabled, cannot write {}: {}", directory,
                        error.message());
    return;
  }
  directory_ = std::move(directory);
  cuport::log().debug("kernel cache: {}", directory_);
}

std::string KernelCache::entryPath(StringRef key) const {
  return directory_ + "/" + key.str() + ".kcache";
}

//===----------------------------------------------------------------------===//
// Entries
//===----------------------------------------------------------------------===//

std::optional<CacheEntry> KernelCache::load(StringRef key) const {
  if (!enabled())
    return std::nullopt;
  std::string path = entryPath(key);
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file) {
    if (file.getError() != std::errc::no_such_file_or_directory)
      remove(key, "cannot read it: " + file.getError().message());
    return std::nullopt;
  }
  auto entry = parseEntry((*file)->getBuffer(), key);
  if (!entry) {
    remove(key, toString(entry.takeError()));
    return std::nullopt;
  }
  return std::move(*entry);
}

bool KernelCache::store(StringRef key, const CacheEntry &entry,
                        StringRef inputs) const {
  if (!enabled() || !entry.object)
    return false;
  StringRef object = entry.object->getBuffer();
  json kernels = json::array();
  for (const CachedKernel &kernel : entry.kernels)
    kernels.push_back(kernelToJson(kernel));
  json globals = json::array();
  for (const CachedGlobal &global : entry.globals)
    globals.push_back({{"name", global.name}, {"size", global.size}});
  json summary = json::parse(inputs.begin(), inputs.end(), nullptr,
                             /*allow_exceptions=*/false);
  json document = {
      {"format", kCacheFormatVersion},
      {"key", key.str()},
      {"inputs", summary.is_discarded() ? json(inputs.str()) : summary},
      {"object", {{"size", object.size()}, {"blake3", blake3Hex(object)}}},
      {"kernels", std::move(kernels)},
      {"globals", std::move(globals)}};
  std::string text = document.dump(1);

  char header[kHeaderSize] = {};
  std::memcpy(header, kMagic, sizeof(kMagic));
  support::endian::write32le(header + 8, kCacheFormatVersion);
  support::endian::write64le(header + 16, text.size());
  support::endian::write64le(header + 24, object.size());

  // A unique temporary file in the same directory, renamed over the entry:
  // readers see the old entry, the new one or none, never a partial one.
  int fd = -1;
  SmallString<256> temporary;
  if (std::error_code error = sys::fs::createUniqueFile(
          Twine(directory_) + "/" + key + "-%%%%%%%%.tmp", fd, temporary)) {
    cuport::log().debug("kernel cache: cannot create a file in {}: {}", directory_,
                        error.message());
    return false;
  }
  std::error_code error;
  {
    raw_fd_ostream out(fd, /*shouldClose=*/true);
    out.write(header, sizeof(header));
    out << text << object;
    out.close();
    error = out.error();
    out.clear_error();
  }
  if (!error)
    error = sys::fs::rename(temporary, entryPath(key));
  if (error) {
    cuport::log().debug("kernel cache: cannot write {}: {}", entryPath(key),
                        error.message());
    sys::fs::remove(temporary);
    return false;
  }
  cuport::log().debug("kernel cache: stored {} ({} kernels, {} bytes of code)",
                      entryPath(key), entry.kernels.size(), object.size());
  return true;
}

void KernelCache::remove(StringRef key, StringRef why) const {
  if (!enabled())
    return;
  std::string path = entryPath(key);
  cuport::log().debug("kernel cache: discarding {}: {}", path, why.str());
  if (std::error_code error = sys::fs::remove(path))
    cuport::log().debug("kernel cache: cannot delete {}: {}", path, error.message());
}

} // namespace cuport::cpu
