//===- fatbin/FatbinReader.cpp - nvcc fatbinary reader --------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Implements the checked reading of fatbinary wrappers, fatbinaries and their
// entries, payload decompression (LZ4 block, zstd) and PTX selection. Every
// read of a field goes through a bounds check against the span in hand; the
// only unchecked reads are of memory the caller vouches for (the wrapper and
// the 16-byte header of a fatbinary of unknown size).
//
//===----------------------------------------------------------------------===//
#include "fatbin/FatbinReader.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <concepts>
#include <cstdio>
#include <cstring>
#include <new>

namespace cuport::fatbin {
namespace {

//===----------------------------------------------------------------------===//
// Small helpers: messages, checked little-endian reads
//===----------------------------------------------------------------------===//

void appendPart(std::string &out, std::string_view part) { out += part; }
void appendPart(std::string &out, const char *part) { out += part; }
void appendPart(std::string &out, const std::string &part) { out += part; }
template <std::integral I> void appendPart(std::string &out, I value) {
  out += std::to_string(value);
}

/// Concatenates strings and integers into one message.
template <typename... Parts> std::string cat(const Parts &...parts) {
  std::string out;
  (appendPart(out, parts), ...);
  return out;
}

std::string hex(std::uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx",
                static_cast<unsigned long long>(value));
  return buffer;
}

std::string hex32(std::uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", value);
  return buffer;
}

/// "28 b5 2f fd" for the first (up to) four bytes of `bytes`.
std::string leadingBytes(Bytes bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < 4; ++i) {
    char buffer[4];
    std::snprintf(buffer, sizeof buffer, "%02x", bytes[i]);
    if (i)
      out += ' ';
    out += buffer;
  }
  return out.empty() ? "nothing" : out;
}

/// "8.6" for 86, "10.0" for 100.
std::string computeCapability(unsigned sm) {
  return cat(sm / 10, ".", sm % 10);
}

Error fail(std::string message) { return Error{std::move(message)}; }

Error prefixed(std::string_view context, Error error) {
  return Error{cat(context, error.message)};
}

/// Whether [offset, offset + count) lies inside `bytes`, overflow-safe.
bool fits(Bytes bytes, std::uint64_t offset, std::uint64_t count) {
  return offset <= bytes.size() && count <= bytes.size() - offset;
}

/// Reads a little-endian integer; the caller has checked the bounds.
template <std::unsigned_integral T> T loadLe(const std::uint8_t *at) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    value = static_cast<T>(value | (static_cast<T>(at[i]) << (8 * i)));
  return value;
}

/// Runs `body`, turning an allocation failure into an Error (the API is
/// noexcept; limits keep allocations small, but a host may still run out).
template <typename Body>
auto guarded(const char *what, Body &&body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(cat("out of memory while ", what));
  } catch (...) {
    return fail(cat("unexpected failure while ", what));
  }
}

//===----------------------------------------------------------------------===//
// Fatbinary header and entries
//===----------------------------------------------------------------------===//

struct FatbinaryHeader {
  std::uint16_t headerSize = 0;
  std::uint64_t entriesSize = 0;
};

/// Reads and checks the 16-byte header at `offset`; not the entries' bounds.
Expected<FatbinaryHeader> readFatbinaryHeader(Bytes image,
                                              std::uint64_t offset) {
  if (!fits(image, offset, kFatbinaryHeaderSize)) {
    std::uint64_t left = offset <= image.size() ? image.size() - offset : 0;
    return fail(cat("truncated fatbinary header at offset ", offset, ": ",
                    kFatbinaryHeaderSize, " bytes needed, ", left,
                    " available"));
  }
  const std::uint8_t *at = image.data() + offset;
  std::uint32_t magic = loadLe<std::uint32_t>(at);
  if (magic != kFatbinaryMagic)
    return fail(cat("bad fatbinary magic ", hex32(magic), " at offset ", offset,
                    " (expected ", hex32(kFatbinaryMagic), ")"));
  std::uint16_t version = loadLe<std::uint16_t>(at + 4);
  if (version != kFatbinaryVersion)
    return fail(cat("unsupported fatbinary version ", version, " at offset ",
                    offset, " (expected ", kFatbinaryVersion, ")"));
  FatbinaryHeader header;
  header.headerSize = loadLe<std::uint16_t>(at + 6);
  header.entriesSize = loadLe<std::uint64_t>(at + 8);
  if (header.headerSize < kFatbinaryHeaderSize)
    return fail(cat("fatbinary header at offset ", offset, " has header size ",
                    header.headerSize, ", below the minimum of ",
                    kFatbinaryHeaderSize));
  if (header.entriesSize > kMaxFatbinarySize - header.headerSize)
    return fail(cat("fatbinary at offset ", offset, " declares ",
                    header.entriesSize, " bytes of entries (",
                    hex(header.entriesSize), "), more than the limit of ",
                    kMaxFatbinarySize, " bytes"));
  return header;
}

/// A string inside an entry header, or empty when it does not lie inside.
std::string_view headerString(Bytes header, std::uint64_t offset,
                              std::uint64_t length) {
  if (length == 0 || offset < kEntryHeaderMinSize ||
      !fits(header, offset, length))
    return {};
  std::string_view text(reinterpret_cast<const char *>(header.data() + offset),
                        length);
  while (!text.empty() && text.back() == '\0')
    text.remove_suffix(1);
  return text;
}

/// The ptxas options, through the descriptor {u32 offset, u32 length} that
/// the field at +20 points at.
std::string_view optionsString(Bytes header, std::uint32_t descriptorOffset) {
  if (descriptorOffset < kEntryHeaderMinSize ||
      !fits(header, descriptorOffset, 8))
    return {};
  const std::uint8_t *at = header.data() + descriptorOffset;
  return headerString(header, loadLe<std::uint32_t>(at),
                      loadLe<std::uint32_t>(at + 4));
}

Expected<Compression> compressionOf(std::uint64_t flags, std::uint64_t offset) {
  bool lz4 = (flags & flag::kCompressedLz4) != 0;
  bool zstd = (flags & flag::kCompressedZstd) != 0;
  if (lz4 && zstd)
    return fail(cat("entry at offset ", offset, ": flags ", hex(flags),
                    " claim both LZ4 and zstd compression"));
  if (lz4)
    return Compression::Lz4;
  if (zstd)
    return Compression::Zstd;
  return Compression::None;
}

/// Reads the fixed fields of the entry header at `at` (64 bytes checked).
Entry readEntryFields(const std::uint8_t *at, std::uint64_t offset) {
  Entry entry;
  entry.offset = offset;
  entry.kind = loadLe<std::uint16_t>(at + 0);
  entry.formatVersion = loadLe<std::uint16_t>(at + 2);
  entry.headerSize = loadLe<std::uint32_t>(at + 4);
  entry.payloadSize = loadLe<std::uint64_t>(at + 8);
  entry.compressedSize = loadLe<std::uint32_t>(at + 16);
  entry.versionMinor = loadLe<std::uint16_t>(at + 24);
  entry.versionMajor = loadLe<std::uint16_t>(at + 26);
  entry.smArch = loadLe<std::uint32_t>(at + 28);
  entry.flags = loadLe<std::uint64_t>(at + 40);
  entry.uncompressedSize = loadLe<std::uint64_t>(at + 56);
  return entry;
}

/// Parses the entry at `offset`; the fatbinary's entries end at `end`.
Expected<Entry> parseEntry(Bytes image, std::uint64_t offset,
                           std::uint64_t end) {
  std::uint64_t left = end - offset;
  if (left < kEntryHeaderMinSize)
    return fail(cat("truncated entry header at offset ", offset, ": ",
                    kEntryHeaderMinSize, " bytes needed, only ", left,
                    " left in the fatbinary"));
  const std::uint8_t *at = image.data() + offset;
  Entry entry = readEntryFields(at, offset);
  if (entry.headerSize < kEntryHeaderMinSize)
    return fail(cat("entry at offset ", offset, ": header size ",
                    entry.headerSize, " is below the minimum of ",
                    kEntryHeaderMinSize));
  if (entry.headerSize > left)
    return fail(cat("entry at offset ", offset, ": header size ",
                    entry.headerSize, " runs past the end of the fatbinary (",
                    left, " bytes left)"));
  std::uint64_t payloadRoom = left - entry.headerSize;
  if (entry.payloadSize > payloadRoom)
    return fail(cat("entry at offset ", offset, ": payload size ",
                    entry.payloadSize, " (", hex(entry.payloadSize),
                    ") exceeds the fatbinary (only ", payloadRoom,
                    " bytes left after the entry header)"));
  Expected<Compression> compression = compressionOf(entry.flags, offset);
  if (!compression)
    return std::move(compression).takeError();
  entry.compression = *compression;
  Bytes header = image.subspan(offset, entry.headerSize);
  entry.identifier = headerString(header, loadLe<std::uint32_t>(at + 32),
                                  loadLe<std::uint32_t>(at + 36));
  entry.options = optionsString(header, loadLe<std::uint32_t>(at + 20));
  entry.payload = image.subspan(offset + entry.headerSize, entry.payloadSize);
  return entry;
}

/// Parses the fatbinary at `offset` of `image`; offsets in the result and in
/// messages are relative to `image`.
Expected<Fatbinary> parseFatbinaryAt(Bytes image, std::uint64_t offset) {
  Expected<FatbinaryHeader> header = readFatbinaryHeader(image, offset);
  if (!header)
    return std::move(header).takeError();
  std::uint64_t left = image.size() - offset;
  if (header->headerSize > left)
    return fail(cat("fatbinary at offset ", offset, ": header size ",
                    header->headerSize, " runs past the end of the image (",
                    left, " bytes left)"));
  if (header->entriesSize > left - header->headerSize)
    return fail(cat("fatbinary at offset ", offset, " declares ",
                    header->entriesSize, " bytes of entries, but only ",
                    left - header->headerSize,
                    " bytes follow its header (truncated image?)"));
  Fatbinary fatbinary;
  fatbinary.offset = offset;
  fatbinary.size = header->headerSize + header->entriesSize;
  std::uint64_t position = offset + header->headerSize;
  std::uint64_t end = position + header->entriesSize;
  while (position < end) {
    Expected<Entry> entry = parseEntry(image, position, end);
    if (!entry)
      return std::move(entry).takeError();
    position += entry->headerSize + entry->payloadSize;
    fatbinary.entries.push_back(std::move(*entry));
  }
  return fatbinary;
}

//===----------------------------------------------------------------------===//
// Wrapper
//===----------------------------------------------------------------------===//

/// The wrapper as nvcc lays it out (fatbinary_section.h's field order).
struct RawWrapper {
  std::int32_t magic;
  std::int32_t version;
  const void *data;
  const void *filenameOrFatbins;
};

Expected<std::vector<const void *>> readRelocatableList(const void *list) {
  std::vector<const void *> pointers;
  if (!list)
    return pointers;
  const auto *at = static_cast<const std::uint8_t *>(list);
  for (std::size_t i = 0; i < kMaxRelocatableFatbinaries; ++i) {
    const void *pointer = nullptr;
    std::memcpy(&pointer, at + i * sizeof pointer, sizeof pointer);
    if (!pointer)
      return pointers;
    pointers.push_back(pointer);
  }
  return fail(cat("the relocatable fatbinary list of a version-2 wrapper has "
                  "no NULL terminator within ",
                  kMaxRelocatableFatbinaries, " entries"));
}

Expected<Wrapper> readWrapperImpl(const void *wrapper) {
  if (!wrapper)
    return fail("null fatbinary wrapper pointer");
  RawWrapper raw;
  std::memcpy(&raw, wrapper, sizeof raw);
  if (static_cast<std::uint32_t>(raw.magic) != kWrapperMagic)
    return fail(cat("bad fatbinary wrapper magic ",
                    hex32(static_cast<std::uint32_t>(raw.magic)), " (expected ",
                    hex32(kWrapperMagic), "): not an nvcc fatbinary wrapper"));
  if (raw.version != kWrapperVersionWhole &&
      raw.version != kWrapperVersionLinked)
    return fail(cat("unsupported fatbinary wrapper version ", raw.version,
                    " (expected 1, or 2 for -rdc=true)"));
  if (!raw.data)
    return fail(cat("fatbinary wrapper (version ", raw.version,
                    ") has a null data pointer"));
  Wrapper result;
  result.version = raw.version;
  result.fatbinary = raw.data;
  if (raw.version == kWrapperVersionLinked) {
    Expected<std::vector<const void *>> list =
        readRelocatableList(raw.filenameOrFatbins);
    if (!list)
      return std::move(list).takeError();
    result.relocatable = std::move(*list);
  }
  return result;
}

/// fatbinaryInMemory + parseFatbinary for a pointer of unknown extent.
Expected<std::pair<Bytes, Fatbinary>> parseInMemory(const void *data) {
  Expected<Bytes> bytes = fatbinaryInMemory(data);
  if (!bytes)
    return std::move(bytes).takeError();
  Expected<Fatbinary> fatbinary = parseFatbinaryAt(*bytes, 0);
  if (!fatbinary)
    return std::move(fatbinary).takeError();
  return std::pair{*bytes, std::move(*fatbinary)};
}

Expected<RegisteredImage> readRegisteredImageImpl(const void *wrapper) {
  Expected<Wrapper> header = readWrapperImpl(wrapper);
  if (!header)
    return std::move(header).takeError();
  RegisteredImage image;
  image.wrapperVersion = header->version;
  auto main = parseInMemory(header->fatbinary);
  if (!main)
    return prefixed("fatbinary: ", std::move(main).takeError());
  image.fatbinaryBytes = main->first;
  image.fatbinary = std::move(main->second);
  std::size_t count = header->relocatable.size();
  for (std::size_t i = 0; i < count; ++i) {
    auto unit = parseInMemory(header->relocatable[i]);
    if (!unit)
      return prefixed(cat("relocatable fatbinary ", i + 1, " of ", count, ": "),
                      std::move(unit).takeError());
    image.relocatableBytes.push_back(unit->first);
    image.relocatable.push_back(std::move(unit->second));
  }
  return image;
}

//===----------------------------------------------------------------------===//
// Decompression
//===----------------------------------------------------------------------===//

Expected<std::uint64_t> checkUncompressedSize(const char *format,
                                              Bytes compressed,
                                              std::uint64_t uncompressedSize,
                                              std::uint64_t maxSize) {
  if (compressed.empty())
    return fail(cat(format, " payload is empty"));
  if (uncompressedSize == 0)
    return fail(cat(format, " payload declares an uncompressed size of 0"));
  if (uncompressedSize > maxSize)
    return fail(cat(format, " payload declares an uncompressed size of ",
                    uncompressedSize, " (", hex(uncompressedSize),
                    "), above the limit of ", maxSize, " bytes"));
  return uncompressedSize;
}

Expected<std::vector<std::uint8_t>>
decompressLz4Impl(Bytes compressed, std::uint64_t uncompressedSize,
                  std::uint64_t maxSize) {
  auto checked =
      checkUncompressedSize("LZ4", compressed, uncompressedSize, maxSize);
  if (!checked)
    return std::move(checked).takeError();
  if (compressed.size() > INT_MAX || uncompressedSize > INT_MAX)
    return fail(cat("LZ4 payload too large for one block (", compressed.size(),
                    " -> ", uncompressedSize, " bytes)"));
  // An LZ4 block expands at most about 255 times; a larger claim is a corrupt
  // size field, caught before allocating for it.
  if (uncompressedSize > compressed.size() * 255 + 64)
    return fail(cat("LZ4 payload of ", compressed.size(),
                    " bytes cannot expand to the declared ", uncompressedSize,
                    " bytes (corrupt size field?)"));
  std::vector<std::uint8_t> out(uncompressedSize);
  int produced = LZ4_decompress_safe(
      reinterpret_cast<const char *>(compressed.data()),
      reinterpret_cast<char *>(out.data()), static_cast<int>(compressed.size()),
      static_cast<int>(uncompressedSize));
  if (produced < 0)
    return fail(cat("LZ4 decompression failed: malformed block of ",
                    compressed.size(), " bytes (or it expands past the ",
                    uncompressedSize, " bytes declared)"));
  if (static_cast<std::uint64_t>(produced) != uncompressedSize)
    return fail(cat("size mismatch: LZ4 produced ", produced,
                    " bytes, the entry header says ", uncompressedSize));
  return out;
}

Expected<std::vector<std::uint8_t>>
decompressZstdImpl(Bytes compressed, std::uint64_t uncompressedSize,
                   std::uint64_t maxSize) {
  auto checked =
      checkUncompressedSize("zstd", compressed, uncompressedSize, maxSize);
  if (!checked)
    return std::move(checked).takeError();
  unsigned long long frameSize =
      ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (frameSize == ZSTD_CONTENTSIZE_ERROR)
    return fail(cat("zstd decompression failed: payload is not a zstd frame "
                    "(starts with ",
                    leadingBytes(compressed),
                    "; a frame starts with 28 b5 2f "
                    "fd)"));
  if (frameSize != ZSTD_CONTENTSIZE_UNKNOWN && frameSize > uncompressedSize)
    return fail(cat("size mismatch: the zstd frame holds ", frameSize,
                    " bytes, the entry header says ", uncompressedSize));
  std::vector<std::uint8_t> out(uncompressedSize);
  std::size_t produced = ZSTD_decompress(out.data(), out.size(),
                                         compressed.data(), compressed.size());
  if (ZSTD_isError(produced))
    return fail(cat("zstd decompression failed: ", ZSTD_getErrorName(produced),
                    " (", compressed.size(), " bytes in, ", uncompressedSize,
                    " bytes declared)"));
  if (produced != uncompressedSize)
    return fail(cat("size mismatch: zstd produced ", produced,
                    " bytes, the entry header says ", uncompressedSize));
  return out;
}

/// The compressed bytes of `entry`: the first compressedSize payload bytes.
Expected<Bytes> compressedBytes(const Entry &entry) {
  if (entry.compressedSize == 0)
    return fail("entry is marked compressed but its compressed size is 0");
  if (entry.compressedSize > entry.payload.size())
    return fail(cat("compressed size ", entry.compressedSize,
                    " exceeds the payload of ", entry.payload.size(),
                    " bytes"));
  return entry.payload.first(entry.compressedSize);
}

Expected<std::vector<std::uint8_t>> entryContentsImpl(const Entry &entry,
                                                      std::uint64_t maxSize) {
  std::string context =
      cat("entry at offset ", entry.offset, " (", entry.archName(), "): ");
  if (entry.compression == Compression::None)
    return std::vector<std::uint8_t>(entry.payload.begin(),
                                     entry.payload.end());
  Expected<Bytes> compressed = compressedBytes(entry);
  if (!compressed)
    return prefixed(context, std::move(compressed).takeError());
  auto contents =
      entry.compression == Compression::Lz4
          ? decompressLz4Impl(*compressed, entry.uncompressedSize, maxSize)
          : decompressZstdImpl(*compressed, entry.uncompressedSize, maxSize);
  if (!contents)
    return prefixed(context, std::move(contents).takeError());
  return contents;
}

std::string_view kindName(std::uint16_t kind) {
  switch (kind) {
  case std::uint16_t(EntryKind::Ptx):
    return "PTX";
  case std::uint16_t(EntryKind::Elf):
    return "ELF";
  default:
    return "unknown";
  }
}

Expected<std::string> extractPtxImpl(const Entry &entry,
                                     std::uint64_t maxSize) {
  if (!entry.isPtx())
    return fail(cat("entry at offset ", entry.offset, " is ",
                    kindName(entry.kind), " (kind ", entry.kind, "), not PTX"));
  auto contents = entryContentsImpl(entry, maxSize);
  if (!contents)
    return std::move(contents).takeError();
  std::size_t length = contents->size();
  while (length > 0 && (*contents)[length - 1] == 0)
    --length;
  if (length == 0)
    return fail(cat("PTX entry at offset ", entry.offset, " (",
                    entry.archName(), ") is empty"));
  return std::string(reinterpret_cast<const char *>(contents->data()), length);
}

//===----------------------------------------------------------------------===//
// PTX selection
//===----------------------------------------------------------------------===//

/// Generic code ranks above family-specific, which ranks above arch-specific.
int specificityRank(const Entry &entry) {
  if (entry.isArchSpecific())
    return 0;
  if (entry.isFamilySpecific())
    return 1;
  return 2;
}

bool betterChoice(const Entry &candidate, const Entry *best) {
  if (!best)
    return true;
  if (candidate.smArch != best->smArch)
    return candidate.smArch > best->smArch;
  return specificityRank(candidate) > specificityRank(*best);
}

std::string rebuildAdvice(unsigned deviceSm) {
  return cat("rebuild with `-gencode arch=compute_", deviceSm, ",code=compute_",
             deviceSm,
             "` added to your -gencode options (any compute_XX up to ",
             deviceSm,
             " works) or, with CMake, list CUDA_ARCHITECTURES without the "
             "-real suffix (e.g. `",
             deviceSm, "` rather than `", deviceSm, "-real`)");
}

/// "sm_75, sm_86" for the entries that `pick` accepts.
template <typename Pick>
std::string archList(const Fatbinary &fatbinary, Pick pick) {
  std::string out;
  for (const Entry &entry : fatbinary.entries) {
    if (!pick(entry))
      continue;
    if (!out.empty())
      out += ", ";
    out += entry.archName();
  }
  return out;
}

Error noPtxError(const Fatbinary &fatbinary, unsigned deviceSm) {
  std::string holds =
      fatbinary.entries.empty()
          ? std::string("it has no entries at all")
          : cat("only machine code for ",
                archList(fatbinary, [](const Entry &e) { return !e.isPtx(); }));
  return fail(
      cat("the fatbinary holds no PTX (", holds,
          "); cuport compiles kernels from PTX: ", rebuildAdvice(deviceSm)));
}

Error noFitError(const Fatbinary &fatbinary, unsigned deviceSm) {
  std::string ptx =
      archList(fatbinary, [](const Entry &e) { return e.isPtx(); });
  return fail(cat("no PTX in the fatbinary runs on a device of compute "
                  "capability ",
                  computeCapability(deviceSm), ": it has PTX for ", ptx,
                  " only (newer than the device, or specific to another "
                  "architecture); ",
                  rebuildAdvice(deviceSm)));
}

Expected<const Entry *> selectPtxImpl(const Fatbinary &fatbinary,
                                      unsigned deviceSm) {
  if (!fatbinary.hasPtx())
    return noPtxError(fatbinary, deviceSm);
  const Entry *best = nullptr;
  for (const Entry &entry : fatbinary.entries)
    if (entry.isPtx() && ptxRunsOn(entry, deviceSm) &&
        betterChoice(entry, best))
      best = &entry;
  if (!best)
    return noFitError(fatbinary, deviceSm);
  return best;
}

Expected<std::vector<const Entry *>>
selectPtxForImage(const RegisteredImage &image, unsigned deviceSm) {
  std::vector<const Entry *> chosen;
  if (image.wrapperVersion != kWrapperVersionLinked ||
      image.relocatable.empty()) {
    Expected<const Entry *> entry = selectPtxImpl(image.fatbinary, deviceSm);
    if (!entry)
      return std::move(entry).takeError();
    chosen.push_back(*entry);
    return chosen;
  }
  // A program built for virtual architectures only (PTX, no machine code)
  // with -rdc=true gets one more relocatable image from nvcc's device link:
  // libcudadevrt's, with machine code for every architecture and PTX for the
  // newest only (its kernels and driver calls serve dynamic parallelism).
  // When some units hold PTX only, the units with machine code are such
  // precompiled libraries, and are left out.
  auto ptxOnly = [](const Fatbinary &unit) {
    return std::none_of(unit.entries.begin(), unit.entries.end(),
                        [](const Entry &e) { return !e.isPtx(); });
  };
  bool someUnitIsPtxOnly =
      std::any_of(image.relocatable.begin(), image.relocatable.end(), ptxOnly);
  // The same library in a program built with machine code: it has machine
  // code for this very architecture, yet no PTX that runs here. Left out
  // too when another unit has PTX that runs (kernels launched from device
  // code do not need it: cuport provides their device runtime calls). A
  // unit of the program built for other architectures only has no machine
  // code for this one, and still gets the advice to rebuild.
  auto fits = [&](const Fatbinary &unit) {
    return std::any_of(unit.entries.begin(), unit.entries.end(),
                       [&](const Entry &e) { return e.isPtx() && ptxRunsOn(e, deviceSm); });
  };
  auto precompiledHere = [&](const Fatbinary &unit) {
    return !fits(unit) &&
           std::any_of(unit.entries.begin(), unit.entries.end(), [&](const Entry &e) {
             return !e.isPtx() && e.smArch == deviceSm;
           });
  };
  bool someUnitFits = std::any_of(image.relocatable.begin(), image.relocatable.end(), fits);
  std::size_t count = image.relocatable.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (someUnitIsPtxOnly && !ptxOnly(image.relocatable[i]))
      continue;
    if (someUnitFits && precompiledHere(image.relocatable[i]))
      continue;
    Expected<const Entry *> entry =
        selectPtxImpl(image.relocatable[i], deviceSm);
    if (!entry)
      return prefixed(cat("relocatable fatbinary ", i + 1, " of ", count, ": "),
                      std::move(entry).takeError());
    chosen.push_back(*entry);
  }
  return chosen;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

std::string Entry::archName() const {
  std::string name = cat(isPtx() ? "compute_" : "sm_", smArch);
  if (isArchSpecific())
    name += 'a';
  else if (isFamilySpecific())
    name += 'f';
  return name;
}

std::string Entry::describe() const {
  std::string text = cat(kindName(kind), " ", archName());
  if (isPtx())
    text += cat(" (ISA ", versionMajor, ".", versionMinor, ")");
  if (isDebug())
    text += ", debug";
  switch (compression) {
  case Compression::None:
    return text + cat(", ", payloadSize, " bytes");
  case Compression::Lz4:
    return text +
           cat(", LZ4 ", compressedSize, " -> ", uncompressedSize, " bytes");
  case Compression::Zstd:
    return text +
           cat(", zstd ", compressedSize, " -> ", uncompressedSize, " bytes");
  }
  return text;
}

bool Fatbinary::hasPtx() const noexcept {
  return std::any_of(entries.begin(), entries.end(),
                     [](const Entry &entry) { return entry.isPtx(); });
}

Expected<Wrapper> readWrapper(const void *wrapper) noexcept {
  return guarded("reading a fatbinary wrapper",
                 [&] { return readWrapperImpl(wrapper); });
}

Expected<std::uint64_t> fatbinarySize(Bytes image) noexcept {
  return guarded(
      "reading a fatbinary header", [&]() -> Expected<std::uint64_t> {
        Expected<FatbinaryHeader> header = readFatbinaryHeader(image, 0);
        if (!header)
          return std::move(header).takeError();
        return std::uint64_t{header->headerSize} + header->entriesSize;
      });
}

Expected<Bytes> fatbinaryInMemory(const void *data) noexcept {
  return guarded("reading a fatbinary header", [&]() -> Expected<Bytes> {
    if (!data)
      return fail("null fatbinary pointer");
    Bytes header(static_cast<const std::uint8_t *>(data), kFatbinaryHeaderSize);
    Expected<std::uint64_t> size = fatbinarySize(header);
    if (!size)
      return std::move(size).takeError();
    return Bytes(static_cast<const std::uint8_t *>(data),
                 static_cast<std::size_t>(*size));
  });
}

Expected<Fatbinary> parseFatbinary(Bytes image) noexcept {
  return guarded("parsing a fatbinary", [&]() -> Expected<Fatbinary> {
    if (image.empty())
      return fail("empty image: no fatbinary header (0 bytes)");
    return parseFatbinaryAt(image, 0);
  });
}

Expected<std::vector<Fatbinary>> parseFatbinaries(Bytes section) noexcept {
  return guarded(
      "parsing fatbinaries", [&]() -> Expected<std::vector<Fatbinary>> {
        if (section.empty())
          return fail("empty image: no fatbinary header (0 bytes)");
        std::vector<Fatbinary> fatbinaries;
        std::uint64_t position = 0;
        while (position < section.size()) {
          if (section[position] == 0) { // alignment padding between them
            ++position;
            continue;
          }
          Expected<Fatbinary> fatbinary = parseFatbinaryAt(section, position);
          if (!fatbinary)
            return std::move(fatbinary).takeError();
          position += fatbinary->size;
          fatbinaries.push_back(std::move(*fatbinary));
        }
        if (fatbinaries.empty())
          return fail(cat("no fatbinary in ", section.size(),
                          " bytes of zero padding"));
        return fatbinaries;
      });
}

Expected<RegisteredImage> readRegisteredImage(const void *wrapper) noexcept {
  return guarded("reading a registered fatbinary",
                 [&] { return readRegisteredImageImpl(wrapper); });
}

Expected<std::vector<std::uint8_t>>
decompressLz4(Bytes compressed, std::uint64_t uncompressedSize,
              std::uint64_t maxSize) noexcept {
  return guarded("decompressing LZ4", [&] {
    return decompressLz4Impl(compressed, uncompressedSize, maxSize);
  });
}

Expected<std::vector<std::uint8_t>>
decompressZstd(Bytes compressed, std::uint64_t uncompressedSize,
               std::uint64_t maxSize) noexcept {
  return guarded("decompressing zstd", [&] {
    return decompressZstdImpl(compressed, uncompressedSize, maxSize);
  });
}

Expected<std::vector<std::uint8_t>>
entryContents(const Entry &entry, std::uint64_t maxSize) noexcept {
  return guarded("reading a fatbinary entry",
                 [&] { return entryContentsImpl(entry, maxSize); });
}

Expected<std::string> extractPtx(const Entry &entry,
                                 std::uint64_t maxSize) noexcept {
  return guarded("extracting PTX",
                 [&] { return extractPtxImpl(entry, maxSize); });
}

bool ptxRunsOn(const Entry &entry, unsigned deviceSm) noexcept {
  if (entry.smArch > deviceSm)
    return false;
  if (entry.isArchSpecific())
    return entry.smArch == deviceSm;
  if (entry.isFamilySpecific())
    return entry.smArch / 10 == deviceSm / 10;
  return true;
}

Expected<const Entry *> selectPtx(const Fatbinary &fatbinary,
                                  unsigned deviceSm) noexcept {
  return guarded("choosing PTX",
                 [&] { return selectPtxImpl(fatbinary, deviceSm); });
}

Expected<std::vector<const Entry *>> selectPtx(const RegisteredImage &image,
                                               unsigned deviceSm) noexcept {
  return guarded("choosing PTX",
                 [&] { return selectPtxForImage(image, deviceSm); });
}

} // namespace cuport::fatbin
