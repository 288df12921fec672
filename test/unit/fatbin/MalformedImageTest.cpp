//===- MalformedImageTest.cpp - reader tests on broken input --------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Corrupt magics and versions, truncated headers and entries, sizes up to
// 0xFFFFFFFFFFFFFFFF, empty input, undecodable payloads and broken wrappers:
// each must give an error that names the problem, and never a crash. A last
// test truncates and mutates real images exhaustively.
//
//===----------------------------------------------------------------------===//
#include "FatbinTestUtil.h"

#include <memory>
#include <random>

#include <zstd.h>

namespace cuport::fatbin::test {
namespace {

constexpr std::uint64_t kAllOnes = 0xFFFFFFFFFFFFFFFFull;
const std::string kText = ".version 9.0\n.target sm_86\n";

/// Parses `image` expecting an error containing `part`.
void expectParseError(const std::vector<std::uint8_t> &image,
                      std::string_view part) {
  Expected<Fatbinary> parsed = parseFatbinary(bytesOf(image));
  ASSERT_FALSE(parsed) << "parsed although it should fail with: " << part;
  EXPECT_TRUE(contains(parsed.error(), part));
}

/// Parses `image` (which must parse) and extracts PTX from its only entry,
/// expecting an error containing `part`.
void expectPtxError(const std::vector<std::uint8_t> &image,
                    std::string_view part) {
  Expected<Fatbinary> parsed = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->entries.size(), 1u);
  Expected<std::string> ptx = extractPtx(parsed->entries[0]);
  ASSERT_FALSE(ptx) << "extracted although it should fail with: " << part;
  EXPECT_TRUE(contains(ptx.error(), part));
}

SyntheticEntry zstdEntry(std::vector<std::uint8_t> payload,
                         std::uint64_t uncompressedSize) {
  SyntheticEntry entry;
  entry.flags |= flag::kCompressedZstd;
  entry.compressedSize = std::uint32_t(payload.size());
  entry.uncompressedSize = uncompressedSize;
  entry.payload = std::move(payload);
  return entry;
}

SyntheticEntry lz4Entry(std::vector<std::uint8_t> payload,
                        std::uint64_t uncompressedSize) {
  SyntheticEntry entry = zstdEntry(std::move(payload), uncompressedSize);
  entry.flags = flag::k64Bit | flag::kHostLinux | flag::kCompressedLz4;
  return entry;
}

std::vector<std::uint8_t> zstdOf(const std::string &text) {
  std::vector<std::uint8_t> out(ZSTD_compressBound(text.size()));
  out.resize(
      ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 1));
  return out;
}

//===--- Fatbinary header -------------------------------------------------===//

TEST(MalformedImage, EmptyInput) {
  expectParseError({}, "empty image");
  auto many = parseFatbinaries({});
  ASSERT_FALSE(many);
  EXPECT_TRUE(contains(many.error(), "empty image"));
}

TEST(MalformedImage, BadMagicNamesTheValue) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  putLe<std::uint32_t>(image, 0, 0xDEADBEEF);
  expectParseError(image, "bad fatbinary magic 0xdeadbeef at offset 0");
  expectParseError(image, "expected 0xba55ed50");
  EXPECT_TRUE(contains(fatbinarySize(bytesOf(image)).error(), "0xdeadbeef"));
}

TEST(MalformedImage, BadVersion) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  putLe<std::uint16_t>(image, 4, 2);
  expectParseError(image, "unsupported fatbinary version 2");
}

TEST(MalformedImage, TruncatedFatbinaryHeader) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  image.resize(10);
  expectParseError(image, "truncated fatbinary header at offset 0");
  expectParseError(image, "10 available");
}

TEST(MalformedImage, FatbinaryHeaderSizeBelowMinimum) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  putLe<std::uint16_t>(image, 6, 8);
  expectParseError(image, "header size 8, below the minimum of 16");
}

TEST(MalformedImage, FatbinaryHeaderSizeBeyondImage) {
  auto image = buildFatbinary({}, 0);
  putLe<std::uint16_t>(image, 6, 0xFFFF);
  expectParseError(image, "header size 65535 runs past the end");
}

TEST(MalformedImage, OversizeFatbinarySize) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)}, kAllOnes);
  expectParseError(image, "0xffffffffffffffff");
  expectParseError(image, "more than the limit");
  EXPECT_FALSE(fatbinarySize(bytesOf(image)));
  EXPECT_FALSE(fatbinaryInMemory(image.data()));
}

TEST(MalformedImage, TruncatedImage) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  std::size_t full = image.size();
  image.resize(full - 9);
  expectParseError(image, "bytes of entries, but only");
  expectParseError(image, "truncated image");
}

TEST(MalformedImage, ZeroSizeFatbinaryIsValidAndEmpty) {
  auto image = buildFatbinary({});
  Expected<Fatbinary> parsed = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_TRUE(parsed->entries.empty());
  EXPECT_EQ(parsed->size, 16u);
  Expected<const Entry *> chosen = selectPtx(*parsed, 86);
  ASSERT_FALSE(chosen);
  EXPECT_TRUE(contains(chosen.error(), "no entries at all"));
  EXPECT_TRUE(
      contains(chosen.error(), "-gencode arch=compute_86,code=compute_86"));
}

//===--- Entries
//-----------------------------------------------------------===//

TEST(MalformedImage, TruncatedEntryHeader) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)}, 32);
  expectParseError(image, "truncated entry header at offset 16");
  expectParseError(image, "only 32 left");
}

TEST(MalformedImage, EntryHeaderSizeBelowMinimum) {
  SyntheticEntry entry = plainPtxEntry(kText, 86);
  auto image = buildFatbinary({entry});
  putLe<std::uint32_t>(image, 16 + 4, 8);
  expectParseError(image, "header size 8 is below the minimum of 64");
}

TEST(MalformedImage, EntryHeaderSizeOversize) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  putLe<std::uint32_t>(image, 16 + 4, 0xFFFFFFFF);
  expectParseError(image, "header size 4294967295 runs past the end");
}

TEST(MalformedImage, EntryPayloadOversize) {
  SyntheticEntry entry = plainPtxEntry(kText, 86);
  entry.payloadSizeOverride = kAllOnes;
  expectParseError(buildFatbinary({entry}),
                   "payload size 18446744073709551615 (0xffffffffffffffff) "
                   "exceeds the fatbinary");
}

TEST(MalformedImage, EntryPayloadPastFatbinaryButInsideImage) {
  // The entry runs past its fatbinary's declared end into following bytes.
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  std::size_t declared = image.size() - 16;
  image.resize(image.size() + 64, 0);
  putLe<std::uint64_t>(image, 8, declared);
  putLe<std::uint64_t>(image, 16 + 8, declared); // payload = whole fatbinary
  expectParseError(image, "exceeds the fatbinary");
}

TEST(MalformedImage, BothCompressionFlags) {
  SyntheticEntry entry = zstdEntry(zstdOf(kText), kText.size());
  entry.flags |= flag::kCompressedLz4;
  expectParseError(buildFatbinary({entry}), "both LZ4 and zstd");
}

TEST(MalformedImage, GarbageAfterFirstFatbinary) {
  auto section = buildFatbinary({plainPtxEntry(kText, 86)});
  std::size_t end = section.size();
  section.resize(end + 16, 0x42);
  auto parsed = parseFatbinaries(bytesOf(section));
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(contains(parsed.error(), "bad fatbinary magic"));
  EXPECT_TRUE(contains(parsed.error(), "at offset " + std::to_string(end)));
}

TEST(MalformedImage, OnlyZeroPadding) {
  std::vector<std::uint8_t> zeros(64, 0);
  auto parsed = parseFatbinaries(bytesOf(zeros));
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(contains(parsed.error(), "no fatbinary in 64 bytes"));
}

//===--- Payloads
//----------------------------------------------------------===//

TEST(MalformedImage, CompressedSizeZero) {
  SyntheticEntry entry = zstdEntry(zstdOf(kText), kText.size());
  entry.compressedSize = 0;
  expectPtxError(buildFatbinary({entry}), "compressed size is 0");
}

TEST(MalformedImage, CompressedSizeExceedsPayload) {
  SyntheticEntry entry = zstdEntry(zstdOf(kText), kText.size());
  entry.compressedSize = 0xFFFFFFFF;
  expectPtxError(buildFatbinary({entry}),
                 "compressed size 4294967295 exceeds the payload");
}

TEST(MalformedImage, UncompressedSizeZero) {
  expectPtxError(buildFatbinary({zstdEntry(zstdOf(kText), 0)}),
                 "uncompressed size of 0");
}

TEST(MalformedImage, UncompressedSizeOversize) {
  expectPtxError(buildFatbinary({zstdEntry(zstdOf(kText), kAllOnes)}),
                 "above the limit");
  expectPtxError(buildFatbinary({lz4Entry(zstdOf(kText), kAllOnes)}),
                 "above the limit");
}

TEST(MalformedImage, ZstdGarbage) {
  std::vector<std::uint8_t> garbage = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
  expectPtxError(buildFatbinary({zstdEntry(garbage, 100)}),
                 "not a zstd frame (starts with 01 02 03 04");
}

TEST(MalformedImage, ZstdCorruptBody) {
  auto payload = zstdOf(kText + kText + kText);
  for (std::size_t i = 6; i < payload.size(); ++i)
    payload[i] ^= 0x5A;
  expectPtxError(buildFatbinary({zstdEntry(payload, 3 * kText.size())}),
                 "zstd decompression failed");
}

TEST(MalformedImage, ZstdTruncatedFrame) {
  auto payload = zstdOf(kText);
  payload.resize(payload.size() - 3);
  expectPtxError(buildFatbinary({zstdEntry(payload, kText.size())}),
                 "zstd decompression failed");
}

TEST(MalformedImage, ZstdSizeMismatch) {
  // Frame content size says kText.size(); the header claims more or less.
  expectPtxError(buildFatbinary({zstdEntry(zstdOf(kText), kText.size() + 10)}),
                 "size mismatch");
  expectPtxError(buildFatbinary({zstdEntry(zstdOf(kText), kText.size() - 1)}),
                 "size mismatch");
}

TEST(MalformedImage, Lz4Garbage) {
  std::vector<std::uint8_t> garbage = {0xF0, 0xFF, 0xFF, 0x01, 0x02, 0x03};
  expectPtxError(buildFatbinary({lz4Entry(garbage, 100)}),
                 "LZ4 decompression failed");
}

TEST(MalformedImage, Lz4SizeMismatch) {
  // One LZ4 sequence of 5 literals: token 0x50, then the literals.
  std::vector<std::uint8_t> block = {0x50, 'h', 'e', 'l', 'l', 'o'};
  expectPtxError(buildFatbinary({lz4Entry(block, 9)}), "size mismatch");
  auto decoded = decompressLz4(bytesOf(block), 5);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "hello");
}

TEST(MalformedImage, Lz4ImpossibleExpansion) {
  std::vector<std::uint8_t> block = {0x50, 'h', 'e', 'l', 'l', 'o'};
  auto decoded = decompressLz4(bytesOf(block), 1 << 20);
  ASSERT_FALSE(decoded);
  EXPECT_TRUE(contains(decoded.error(), "cannot expand"));
}

TEST(MalformedImage, EmptyPayloads) {
  EXPECT_TRUE(contains(decompressZstd({}, 10).error(), "empty"));
  EXPECT_TRUE(contains(decompressLz4({}, 10).error(), "empty"));
}

TEST(MalformedImage, PtxOfOnlyNuls) {
  SyntheticEntry entry = plainPtxEntry("", 86);
  entry.padding = 16;
  expectPtxError(buildFatbinary({entry}), "is empty");
}

TEST(MalformedImage, ErrorNamesTheEntry) {
  SyntheticEntry entry = zstdEntry({1, 2, 3, 4}, 10);
  entry.smArch = 75;
  expectPtxError(buildFatbinary({entry}),
                 "entry at offset 16 (compute_75): zstd");
}

//===--- Wrappers
//----------------------------------------------------------===//

TEST(MalformedWrapper, NullPointers) {
  EXPECT_TRUE(contains(readWrapper(nullptr).error(), "null fatbinary wrapper"));
  EXPECT_TRUE(contains(fatbinaryInMemory(nullptr).error(), "null fatbinary"));
  EXPECT_FALSE(readRegisteredImage(nullptr));
}

TEST(MalformedWrapper, BadMagic) {
  TestWrapper wrapper;
  wrapper.magic = 0x12345678;
  auto header = readWrapper(&wrapper);
  ASSERT_FALSE(header);
  EXPECT_TRUE(
      contains(header.error(), "bad fatbinary wrapper magic 0x12345678"));
}

TEST(MalformedWrapper, BadVersion) {
  auto image = buildFatbinary({});
  TestWrapper wrapper;
  wrapper.version = 3;
  wrapper.data = image.data();
  EXPECT_TRUE(contains(readWrapper(&wrapper).error(),
                       "unsupported fatbinary wrapper version 3"));
}

TEST(MalformedWrapper, NullData) {
  TestWrapper wrapper;
  EXPECT_TRUE(contains(readWrapper(&wrapper).error(), "null data pointer"));
}

TEST(MalformedWrapper, Version2WithoutList) {
  auto image = buildFatbinary({plainPtxEntry(kText, 86)});
  TestWrapper wrapper;
  wrapper.version = 2;
  wrapper.data = image.data();
  auto registered = readRegisteredImage(&wrapper);
  ASSERT_TRUE(registered) << registered.error();
  EXPECT_TRUE(registered->relocatable.empty());
  auto chosen = selectPtx(*registered, 86); // falls back to the main one
  ASSERT_TRUE(chosen) << chosen.error();
  EXPECT_EQ(chosen->size(), 1u);
}

TEST(MalformedWrapper, Version2ListWithoutTerminator) {
  auto image = buildFatbinary({});
  std::vector<const void *> list(kMaxRelocatableFatbinaries + 1, image.data());
  TestWrapper wrapper;
  wrapper.version = 2;
  wrapper.data = image.data();
  wrapper.filenameOrFatbins = list.data();
  EXPECT_TRUE(contains(readWrapper(&wrapper).error(), "no NULL terminator"));
}

TEST(MalformedWrapper, BrokenRelocatableFatbinaryIsNamed) {
  auto good = buildFatbinary({plainPtxEntry(kText, 86)});
  auto bad = good;
  putLe<std::uint32_t>(bad, 0, 0xCAFEF00D);
  const void *list[] = {good.data(), bad.data(), nullptr};
  TestWrapper wrapper;
  wrapper.version = 2;
  wrapper.data = good.data();
  wrapper.filenameOrFatbins = list;
  auto registered = readRegisteredImage(&wrapper);
  ASSERT_FALSE(registered);
  EXPECT_TRUE(contains(registered.error(),
                       "relocatable fatbinary 2 of 2: bad fatbinary magic "
                       "0xcafef00d"));
}

//===--- Exhaustive damage to real images ---------------------------------===//

/// Parses, decompresses and selects from `bytes`, which lie in their own
/// allocation so that a sanitizer sees any read past them.
void exercise(const std::uint8_t *data, std::size_t size) {
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[size ? size : 1]);
  std::copy(data, data + size, copy.get());
  auto parsed = parseFatbinaries(Bytes(copy.get(), size));
  if (!parsed) {
    EXPECT_FALSE(parsed.error().empty());
    return;
  }
  for (const Fatbinary &fatbinary : *parsed) {
    for (const Entry &entry : fatbinary.entries) {
      auto contents = entryContents(entry, 1 << 20);
      if (!contents) {
        EXPECT_FALSE(contents.error().empty());
      }
      (void)extractPtx(entry, 1 << 20);
    }
    (void)selectPtx(fatbinary, 86);
  }
}

TEST(MalformedImage, EveryTruncationOfRealImages) {
  for (const char *name : {"mixed.fatbin", "lz4.fatbin", "debug.fatbin",
                           "rdc_relocatable.bin", "multi_section.bin"}) {
    auto image = loadImage(name);
    for (std::size_t length = 0; length <= image.size(); ++length)
      exercise(image.data(), length);
  }
}

TEST(MalformedImage, RandomMutationsOfRealImages) {
  std::mt19937 random(20250101);
  for (const char *name :
       {"mixed.fatbin", "lz4.fatbin", "debug.fatbin", "rdc_relocatable.bin"}) {
    auto original = loadImage(name);
    ASSERT_FALSE(original.empty());
    for (int round = 0; round < 300; ++round) {
      auto image = original;
      int flips = 1 + int(random() % 8);
      for (int i = 0; i < flips; ++i)
        image[random() % image.size()] = std::uint8_t(random());
      exercise(image.data(), image.size());
    }
  }
}

} // namespace
} // namespace cuport::fatbin::test
