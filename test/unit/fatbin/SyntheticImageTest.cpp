//===- SyntheticImageTest.cpp - reader tests on hand-built images ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Builds fatbinaries in the test (payloads compressed with ZSTD_compress and
// LZ4_compress_default) and checks that the reader returns the original PTX,
// keeps unknown entry kinds, reads header metadata and chooses PTX by SM.
//
//===----------------------------------------------------------------------===//
#include "FatbinTestUtil.h"

#include <lz4.h>
#include <zstd.h>

namespace cuport::fatbin::test {
namespace {

const std::string kPtx = "//\n// synthetic\n//\n.version 9.0\n.target sm_86\n"
                         ".address_size 64\n\n.visible .entry synth_kernel()\n"
                         "{\n\tret;\n}\n";

std::vector<std::uint8_t> zstdCompress(std::string_view text) {
  std::vector<std::uint8_t> out(ZSTD_compressBound(text.size()));
  std::size_t size =
      ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

std::vector<std::uint8_t> lz4Compress(std::string_view text) {
  std::vector<std::uint8_t> out(LZ4_compressBound(int(text.size())));
  int size =
      LZ4_compress_default(text.data(), reinterpret_cast<char *>(out.data()),
                           int(text.size()), int(out.size()));
  EXPECT_GT(size, 0);
  out.resize(size);
  return out;
}

/// A PTX entry holding `text` (with its NUL terminator, as nvcc stores it)
/// compressed with `compression`.
SyntheticEntry compressedPtxEntry(std::string text, Compression compression) {
  text.push_back('\0');
  SyntheticEntry entry;
  entry.payload =
      compression == Compression::Zstd ? zstdCompress(text) : lz4Compress(text);
  entry.flags |= compression == Compression::Zstd ? flag::kCompressedZstd
                                                  : flag::kCompressedLz4;
  entry.compressedSize = std::uint32_t(entry.payload.size());
  entry.uncompressedSize = text.size();
  entry.padding = (8 - entry.payload.size() % 8) % 8;
  return entry;
}

Expected<std::string> ptxOfOnlyEntry(const std::vector<std::uint8_t> &image) {
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  if (!fatbinary)
    return std::move(fatbinary).takeError();
  if (fatbinary->entries.size() != 1)
    return Error{"expected one entry"};
  return extractPtx(fatbinary->entries[0]);
}

TEST(SyntheticImage, ZstdPtxRoundTrips) {
  auto image = buildFatbinary({compressedPtxEntry(kPtx, Compression::Zstd)});
  Expected<std::string> ptx = ptxOfOnlyEntry(image);
  ASSERT_TRUE(ptx) << ptx.error();
  EXPECT_EQ(*ptx, kPtx);
}

TEST(SyntheticImage, Lz4PtxRoundTrips) {
  auto image = buildFatbinary({compressedPtxEntry(kPtx, Compression::Lz4)});
  Expected<std::string> ptx = ptxOfOnlyEntry(image);
  ASSERT_TRUE(ptx) << ptx.error();
  EXPECT_EQ(*ptx, kPtx);
}

TEST(SyntheticImage, UncompressedPtxRoundTrips) {
  auto image = buildFatbinary({plainPtxEntry(kPtx, 86)});
  Expected<std::string> ptx = ptxOfOnlyEntry(image);
  ASSERT_TRUE(ptx) << ptx.error();
  EXPECT_EQ(*ptx, kPtx);
}

TEST(SyntheticImage, LowLevelDecompressors) {
  auto zstd = zstdCompress(kPtx);
  auto fromZstd = decompressZstd(bytesOf(zstd), kPtx.size());
  ASSERT_TRUE(fromZstd) << fromZstd.error();
  EXPECT_EQ(std::string(fromZstd->begin(), fromZstd->end()), kPtx);

  auto lz4 = lz4Compress(kPtx);
  auto fromLz4 = decompressLz4(bytesOf(lz4), kPtx.size());
  ASSERT_TRUE(fromLz4) << fromLz4.error();
  EXPECT_EQ(std::string(fromLz4->begin(), fromLz4->end()), kPtx);
}

TEST(SyntheticImage, MaxSizeLimitsDecompression) {
  auto zstd = zstdCompress(kPtx);
  auto limited = decompressZstd(bytesOf(zstd), kPtx.size(), 16);
  ASSERT_FALSE(limited);
  EXPECT_TRUE(contains(limited.error(), "above the limit of 16 bytes"));
}

TEST(SyntheticImage, UnknownKindIsKept) {
  SyntheticEntry entry = plainPtxEntry("BC\xc0\xde", 86);
  entry.kind = 7;
  auto image = buildFatbinary({entry});
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(fatbinary) << fatbinary.error();
  ASSERT_EQ(fatbinary->entries.size(), 1u);
  EXPECT_EQ(fatbinary->entries[0].kind, 7);
  EXPECT_FALSE(fatbinary->entries[0].isPtx());
  EXPECT_TRUE(contains(fatbinary->entries[0].describe(), "unknown sm_86"));
  EXPECT_FALSE(fatbinary->hasPtx());
}

TEST(SyntheticImage, LargerHeaderSizesAreHonoured) {
  SyntheticEntry entry = plainPtxEntry(kPtx, 86);
  entry.headerSize = 168;
  // A fatbinary header of 24 bytes: entries start after it.
  std::vector<std::uint8_t> image = buildFatbinary({entry});
  image.insert(image.begin() + 16, 8, 0);
  putLe<std::uint16_t>(image, 6, 24);
  Expected<std::string> ptx = ptxOfOnlyEntry(image);
  ASSERT_TRUE(ptx) << ptx.error();
  EXPECT_EQ(*ptx, kPtx);
}

TEST(SyntheticImage, MetadataInsideTheHeaderIsRead) {
  SyntheticEntry entry = plainPtxEntry(kPtx, 86);
  // Identifier at 64 (16 bytes), options descriptor at 80 -> string at 88.
  entry.extraHeader = bytesOfText(std::string("unit.cu\0\0\0\0\0\0\0\0\0", 16));
  entry.identifierOffset = 64;
  entry.identifierLength = 7;
  entry.optionsDescriptorOffset = 80;
  std::vector<std::uint8_t> descriptor(8);
  putLe<std::uint32_t>(descriptor, 0, 88);
  putLe<std::uint32_t>(descriptor, 4, 4);
  entry.extraHeader.insert(entry.extraHeader.end(), descriptor.begin(),
                           descriptor.end());
  auto options = bytesOfText("-O3 ");
  entry.extraHeader.insert(entry.extraHeader.end(), options.begin(),
                           options.end());
  entry.headerSize = 96;
  auto image = buildFatbinary({entry});
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(fatbinary) << fatbinary.error();
  EXPECT_EQ(fatbinary->entries[0].identifier, "unit.cu");
  EXPECT_EQ(fatbinary->entries[0].options, "-O3 ");
}

TEST(SyntheticImage, MetadataOutsideTheHeaderIsIgnored) {
  SyntheticEntry entry = plainPtxEntry(kPtx, 86);
  entry.identifierOffset = 60; // inside the fixed fields
  entry.identifierLength = 100;
  entry.optionsDescriptorOffset = 0xFFFFFFF0u;
  auto image = buildFatbinary({entry});
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(fatbinary) << fatbinary.error();
  EXPECT_TRUE(fatbinary->entries[0].identifier.empty());
  EXPECT_TRUE(fatbinary->entries[0].options.empty());
}

TEST(SyntheticImage, GenericPtxPreferredOnATie) {
  SyntheticEntry specific = plainPtxEntry(kPtx, 90);
  specific.flags |= flag::kArchSpecific;
  SyntheticEntry generic = plainPtxEntry(kPtx, 90);
  auto image = buildFatbinary({specific, generic});
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(fatbinary) << fatbinary.error();
  Expected<const Entry *> chosen = selectPtx(*fatbinary, 90);
  ASSERT_TRUE(chosen) << chosen.error();
  EXPECT_EQ(*chosen, &fatbinary->entries[1]);
}

TEST(SyntheticImage, SelectionIgnoresSass) {
  SyntheticEntry sass = plainPtxEntry("\x7f"
                                      "ELF",
                                      86);
  sass.kind = 2;
  auto image =
      buildFatbinary({plainPtxEntry(kPtx, 52), sass, plainPtxEntry(kPtx, 80)});
  Expected<Fatbinary> fatbinary = parseFatbinary(bytesOf(image));
  ASSERT_TRUE(fatbinary) << fatbinary.error();
  Expected<const Entry *> chosen = selectPtx(*fatbinary, 86);
  ASSERT_TRUE(chosen) << chosen.error();
  EXPECT_EQ((*chosen)->smArch, 80u);
  EXPECT_TRUE((*chosen)->isPtx());
}

/// A relocatable unit holding PTX for `ptxArchs` and machine code for
/// `elfArchs` (selection reads only the headers).
Fatbinary relocatableUnit(std::vector<unsigned> ptxArchs, std::vector<unsigned> elfArchs) {
  Fatbinary unit;
  for (unsigned arch : ptxArchs) {
    Entry entry;
    entry.kind = std::uint16_t(EntryKind::Ptx);
    entry.smArch = arch;
    unit.entries.push_back(entry);
  }
  for (unsigned arch : elfArchs) {
    Entry entry;
    entry.kind = std::uint16_t(EntryKind::Elf);
    entry.smArch = arch;
    unit.entries.push_back(entry);
  }
  return unit;
}

// nvcc -rdc=true for virtual architectures only: every unit holds PTX only,
// and the device link adds libcudadevrt's image (machine code for every
// architecture, PTX for the newest only), which is left out.
TEST(SyntheticImage, PtxOnlyRdcProgramLeavesOutTheDeviceRuntimeLibrary) {
  RegisteredImage image;
  image.wrapperVersion = kWrapperVersionLinked;
  image.relocatable.push_back(relocatableUnit({75, 80, 121}, {}));
  image.relocatable.push_back(relocatableUnit({75, 80, 121}, {}));
  image.relocatable.push_back(relocatableUnit({121}, {75, 80, 86, 121}));
  for (unsigned sm : {80u, 121u}) {
    auto chosen = selectPtx(image, sm);
    ASSERT_TRUE(chosen) << chosen.error();
    ASSERT_EQ(chosen->size(), 2u) << "sm_" << sm;
    EXPECT_EQ((*chosen)[0], &image.relocatable[0].entries[sm == 80 ? 1 : 2]);
    EXPECT_EQ((*chosen)[1], &image.relocatable[1].entries[sm == 80 ? 1 : 2]);
  }
  // Units that all carry machine code are all needed: one without PTX for
  // the device is still an error naming it.
  RegisteredImage sassAndPtx;
  sassAndPtx.wrapperVersion = kWrapperVersionLinked;
  sassAndPtx.relocatable.push_back(relocatableUnit({75}, {75}));
  sassAndPtx.relocatable.push_back(relocatableUnit({90}, {90}));
  auto refused = selectPtx(sassAndPtx, 86);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("relocatable fatbinary 2 of 2"), std::string::npos)
      << refused.error();
}

// nvcc -rdc=true with machine code (the default) and a kernel launching a
// kernel: the device link adds libcudadevrt (machine code for every
// architecture, PTX for the newest only), left out where the program's own
// units have PTX that runs. A unit of the program built for other
// architectures only (no machine code for this one) is still an error.
TEST(SyntheticImage, MachineCodeRdcProgramLeavesOutTheDeviceRuntimeLibrary) {
  RegisteredImage image;
  image.wrapperVersion = kWrapperVersionLinked;
  image.relocatable.push_back(relocatableUnit({75}, {75}));
  image.relocatable.push_back(relocatableUnit({121}, {75, 80, 86, 90, 121}));
  auto chosen = selectPtx(image, 86);
  ASSERT_TRUE(chosen) << chosen.error();
  ASSERT_EQ(chosen->size(), 1u);
  EXPECT_EQ((*chosen)[0], &image.relocatable[0].entries[0]);

  RegisteredImage onlyTheLibrary;
  onlyTheLibrary.wrapperVersion = kWrapperVersionLinked;
  onlyTheLibrary.relocatable.push_back(relocatableUnit({121}, {75, 80, 86, 90, 121}));
  EXPECT_FALSE(selectPtx(onlyTheLibrary, 86));

  RegisteredImage newerUnit;
  newerUnit.wrapperVersion = kWrapperVersionLinked;
  newerUnit.relocatable.push_back(relocatableUnit({75}, {75}));
  newerUnit.relocatable.push_back(relocatableUnit({90}, {90}));
  newerUnit.relocatable.push_back(relocatableUnit({121}, {75, 80, 86, 90, 121}));
  auto refused = selectPtx(newerUnit, 86);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("relocatable fatbinary 2 of 3"), std::string::npos)
      << refused.error();
}

TEST(SyntheticImage, BackToBackWithPadding) {
  auto first = buildFatbinary({plainPtxEntry(kPtx, 75)});
  auto second = buildFatbinary({compressedPtxEntry(kPtx, Compression::Zstd)});
  std::vector<std::uint8_t> section = first;
  section.resize(section.size() + 8, 0);
  section.insert(section.end(), second.begin(), second.end());
  section.resize(section.size() + 5, 0);
  auto parsed = parseFatbinaries(bytesOf(section));
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].offset, first.size() + 8);
  auto ptx = extractPtx((*parsed)[1].entries.at(0));
  ASSERT_TRUE(ptx) << ptx.error();
  EXPECT_EQ(*ptx, kPtx);
  EXPECT_EQ((*parsed)[1].entries[0].offset, first.size() + 8 + 16);
}

} // namespace
} // namespace cuport::fatbin::test
