//===- FatbinTestUtil.h - helpers for the fatbinary reader tests -*- C++
//-*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads the nvcc-built images of test/data/fatbin, builds synthetic
// fatbinaries byte by byte (so each header field can be set to anything), and
// checks error messages.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEST_UNIT_FATBIN_FATBINTESTUTIL_H
#define CUPORT_TEST_UNIT_FATBIN_FATBINTESTUTIL_H

#include "fatbin/FatbinReader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuport::fatbin::test {

/// Reads test/data/fatbin/<name>; fails the test when it is missing.
inline std::vector<std::uint8_t> loadImage(const std::string &name) {
  std::string path = std::string(CUPORT_TEST_DATA_DIR) + "/fatbin/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline Bytes bytesOf(const std::vector<std::uint8_t> &data) {
  return Bytes(data.data(), data.size());
}

inline std::vector<std::uint8_t> bytesOfText(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

/// Passes when `text` contains `part`, and prints both otherwise.
inline ::testing::AssertionResult contains(const std::string &text,
                                           std::string_view part) {
  if (text.find(part) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\"\n  does not contain \"" << part << "\"";
}

template <typename T>
void putLe(std::vector<std::uint8_t> &out, std::size_t offset, T value) {
  if (out.size() < offset + sizeof(T))
    out.resize(offset + sizeof(T));
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out[offset + i] =
        static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i));
}

/// One entry of a synthetic fatbinary; each field lands where nvcc puts it.
struct SyntheticEntry {
  std::uint16_t kind = 1;
  std::uint32_t headerSize = 64;
  std::uint32_t smArch = 86;
  std::uint16_t versionMajor = 9;
  std::uint16_t versionMinor = 0;
  std::uint64_t flags = flag::k64Bit | flag::kHostLinux;
  std::uint32_t compressedSize = 0;
  std::uint64_t uncompressedSize = 0;
  std::vector<std::uint8_t> payload;
  /// Padding added after the payload (counted in the payload size).
  std::size_t padding = 0;
  /// When set, written as the payload size instead of the real one.
  std::optional<std::uint64_t> payloadSizeOverride;
  /// Raw header bytes from +64 to headerSize (identifier, options).
  std::vector<std::uint8_t> extraHeader;
  std::uint32_t optionsDescriptorOffset = 0;
  std::uint32_t identifierOffset = 0;
  std::uint32_t identifierLength = 0;
};

inline void appendEntry(std::vector<std::uint8_t> &out,
                        const SyntheticEntry &entry) {
  std::size_t at = out.size();
  std::uint64_t payloadSize = entry.payload.size() + entry.padding;
  putLe<std::uint16_t>(out, at + 0, entry.kind);
  putLe<std::uint16_t>(out, at + 2, 0x0101);
  putLe<std::uint32_t>(out, at + 4, entry.headerSize);
  putLe<std::uint64_t>(out, at + 8,
                       entry.payloadSizeOverride.value_or(payloadSize));
  putLe<std::uint32_t>(out, at + 16, entry.compressedSize);
  putLe<std::uint32_t>(out, at + 20, entry.optionsDescriptorOffset);
  putLe<std::uint16_t>(out, at + 24, entry.versionMinor);
  putLe<std::uint16_t>(out, at + 26, entry.versionMajor);
  putLe<std::uint32_t>(out, at + 28, entry.smArch);
  putLe<std::uint32_t>(out, at + 32, entry.identifierOffset);
  putLe<std::uint32_t>(out, at + 36, entry.identifierLength);
  putLe<std::uint64_t>(out, at + 40, entry.flags);
  putLe<std::uint64_t>(out, at + 48, 0);
  putLe<std::uint64_t>(out, at + 56, entry.uncompressedSize);
  out.insert(out.end(), entry.extraHeader.begin(), entry.extraHeader.end());
  out.resize(at + entry.headerSize, 0);
  out.insert(out.end(), entry.payload.begin(), entry.payload.end());
  out.resize(out.size() + entry.padding, 0);
}

/// A fatbinary of `entries`; `sizeOverride` replaces the header's size field.
inline std::vector<std::uint8_t>
buildFatbinary(const std::vector<SyntheticEntry> &entries,
               std::optional<std::uint64_t> sizeOverride = std::nullopt) {
  std::vector<std::uint8_t> out;
  putLe<std::uint32_t>(out, 0, kFatbinaryMagic);
  putLe<std::uint16_t>(out, 4, kFatbinaryVersion);
  putLe<std::uint16_t>(out, 6, kFatbinaryHeaderSize);
  putLe<std::uint64_t>(out, 8, 0);
  for (const SyntheticEntry &entry : entries)
    appendEntry(out, entry);
  putLe<std::uint64_t>(
      out, 8, sizeOverride.value_or(out.size() - kFatbinaryHeaderSize));
  return out;
}

/// A PTX entry holding `text` uncompressed, NUL-padded to 8 bytes.
inline SyntheticEntry plainPtxEntry(std::string_view text, std::uint32_t sm) {
  SyntheticEntry entry;
  entry.smArch = sm;
  entry.payload = bytesOfText(text);
  entry.padding = 8 - entry.payload.size() % 8;
  return entry;
}

/// The wrapper struct nvcc emits, laid out as in fatbinary_section.h.
struct TestWrapper {
  std::int32_t magic = static_cast<std::int32_t>(kWrapperMagic);
  std::int32_t version = 1;
  const void *data = nullptr;
  const void *filenameOrFatbins = nullptr;
};

} // namespace cuport::fatbin::test

#endif // CUPORT_TEST_UNIT_FATBIN_FATBINTESTUTIL_H
