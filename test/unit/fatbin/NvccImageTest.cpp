//===- NvccImageTest.cpp - reader tests on images built by nvcc 13 --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Parses the real fatbinaries in test/data/fatbin (README.md there says how
// each was built): entry layout, the three compressions, PTX text, PTX
// selection by compute capability, -rdc=true wrappers and sections holding
// several fatbinaries.
//
//===----------------------------------------------------------------------===//
#include "FatbinTestUtil.h"

namespace cuport::fatbin::test {
namespace {

/// An image and its parse; the entries' views point into `bytes`, whose
/// buffer stays put when the struct is moved.
struct LoadedImage {
  std::vector<std::uint8_t> bytes;
  Fatbinary fatbinary;
};

/// Loads and parses test/data/fatbin/<name>, failing the test on error.
LoadedImage load(const std::string &name) {
  LoadedImage loaded;
  loaded.bytes = loadImage(name);
  Expected<Fatbinary> parsed = parseFatbinary(bytesOf(loaded.bytes));
  EXPECT_TRUE(parsed) << name << ": " << parsed.error();
  if (parsed)
    loaded.fatbinary = std::move(*parsed);
  return loaded;
}

std::string ptxOf(const Entry &entry) {
  Expected<std::string> ptx = extractPtx(entry);
  EXPECT_TRUE(ptx) << ptx.error();
  return ptx ? *ptx : std::string();
}

TEST(NvccImage, MixedImageHasThreeEntries) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 3u);
  EXPECT_EQ(fatbinary.size, image.bytes.size());

  const Entry &ptx75 = fatbinary.entries[0];
  EXPECT_TRUE(ptx75.isPtx());
  EXPECT_EQ(ptx75.smArch, 75u);
  EXPECT_EQ(ptx75.versionMajor, 9);
  EXPECT_EQ(ptx75.versionMinor, 0);
  EXPECT_EQ(ptx75.formatVersion, 0x0101);
  EXPECT_EQ(ptx75.compression, Compression::Zstd);
  EXPECT_EQ(ptx75.flags,
            flag::k64Bit | flag::kHostLinux | flag::kCompressedZstd);
  EXPECT_EQ(ptx75.headerSize, 80u);
  EXPECT_EQ(ptx75.payload[0], 0x28); // zstd frame magic 28 b5 2f fd
  EXPECT_EQ(ptx75.payload[3], 0xfd);

  const Entry &sass86 = fatbinary.entries[1];
  EXPECT_TRUE(sass86.isElf());
  EXPECT_EQ(sass86.smArch, 86u);
  EXPECT_EQ(sass86.compression, Compression::None);
  EXPECT_EQ(sass86.compressedSize, 0u);

  const Entry &ptx86 = fatbinary.entries[2];
  EXPECT_TRUE(ptx86.isPtx());
  EXPECT_EQ(ptx86.smArch, 86u);
  EXPECT_EQ(ptx86.archName(), "compute_86");
  EXPECT_EQ(sass86.archName(), "sm_86");
}

TEST(NvccImage, MixedImagePtxText) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 3u);
  for (std::size_t index : {0u, 2u}) {
    const Entry &entry = fatbinary.entries[index];
    std::string ptx = ptxOf(entry);
    EXPECT_TRUE(contains(ptx, ".version 9.0"));
    EXPECT_TRUE(contains(ptx, ".target sm_" + std::to_string(entry.smArch)));
    EXPECT_TRUE(contains(ptx, ".visible .entry cuport_add("));
    EXPECT_TRUE(contains(ptx, "_Z12cuport_scalePffi"));
    EXPECT_NE(ptx.back(), '\0');
    EXPECT_LE(ptx.size(), entry.uncompressedSize);
  }
}

TEST(NvccImage, ElfEntryDecompressesToElf) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 3u);
  auto elf = entryContents(fatbinary.entries[1]);
  ASSERT_TRUE(elf) << elf.error();
  ASSERT_GE(elf->size(), 4u);
  EXPECT_EQ((*elf)[0], 0x7f);
  EXPECT_EQ((*elf)[1], 'E');
  EXPECT_EQ((*elf)[2], 'L');
  EXPECT_EQ((*elf)[3], 'F');
  auto notPtx = extractPtx(fatbinary.entries[1]);
  ASSERT_FALSE(notPtx);
  EXPECT_TRUE(contains(notPtx.error(), "not PTX"));
}

TEST(NvccImage, SizeFromHeaderMatchesFile) {
  auto image = loadImage("mixed.fatbin");
  Expected<std::uint64_t> size = fatbinarySize(bytesOf(image));
  ASSERT_TRUE(size) << size.error();
  EXPECT_EQ(*size, image.size());
  Expected<Bytes> inMemory = fatbinaryInMemory(image.data());
  ASSERT_TRUE(inMemory) << inMemory.error();
  EXPECT_EQ(inMemory->data(), image.data());
  EXPECT_EQ(inMemory->size(), image.size());
}

TEST(NvccImage, SelectsHighestPtxNotAboveDevice) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  struct Case {
    unsigned device;
    unsigned expected;
  };
  for (Case c : {Case{75, 75}, Case{80, 75}, Case{86, 86}, Case{89, 86},
                 Case{120, 86}}) {
    Expected<const Entry *> chosen = selectPtx(fatbinary, c.device);
    ASSERT_TRUE(chosen) << chosen.error();
    EXPECT_TRUE((*chosen)->isPtx());
    EXPECT_EQ((*chosen)->smArch, c.expected) << "device sm_" << c.device;
  }
}

TEST(NvccImage, NoPtxFitsAnOlderDevice) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  Expected<const Entry *> chosen = selectPtx(fatbinary, 70);
  ASSERT_FALSE(chosen);
  EXPECT_TRUE(contains(chosen.error(), "compute capability 7.0"));
  EXPECT_TRUE(contains(chosen.error(), "compute_75, compute_86"));
  EXPECT_TRUE(
      contains(chosen.error(), "-gencode arch=compute_70,code=compute_70"));
}

TEST(NvccImage, SassOnlyImageNamesTheFix) {
  LoadedImage image = load("sass_only.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 1u);
  EXPECT_TRUE(fatbinary.entries[0].isElf());
  EXPECT_FALSE(fatbinary.hasPtx());
  Expected<const Entry *> chosen = selectPtx(fatbinary, 86);
  ASSERT_FALSE(chosen);
  EXPECT_TRUE(contains(chosen.error(), "no PTX"));
  EXPECT_TRUE(contains(chosen.error(), "sm_86"));
  EXPECT_TRUE(
      contains(chosen.error(), "-gencode arch=compute_86,code=compute_86"));
  EXPECT_TRUE(contains(chosen.error(), "CUDA_ARCHITECTURES"));
  EXPECT_TRUE(contains(chosen.error(), "-real"));
}

TEST(NvccImage, Lz4CompressedPtx) {
  LoadedImage image = load("lz4.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 1u);
  const Entry &entry = fatbinary.entries[0];
  EXPECT_EQ(entry.compression, Compression::Lz4);
  EXPECT_NE(entry.flags & flag::kCompressedLz4, 0u);
  EXPECT_LT(entry.compressedSize, entry.uncompressedSize);
  std::string ptx = ptxOf(entry);
  EXPECT_TRUE(contains(ptx, ".version 9.0"));
  EXPECT_TRUE(contains(ptx, ".target sm_80"));
  EXPECT_TRUE(contains(ptx, "cuport_add"));
}

TEST(NvccImage, UncompressedPtxLosesItsPadding) {
  LoadedImage image = load("uncompressed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 1u);
  const Entry &entry = fatbinary.entries[0];
  EXPECT_EQ(entry.compression, Compression::None);
  EXPECT_EQ(entry.payload.back(), 0); // NUL padding in the image
  std::string ptx = ptxOf(entry);
  EXPECT_LT(ptx.size(), entry.payloadSize);
  EXPECT_EQ(ptx.find('\0'), std::string::npos);
  EXPECT_TRUE(contains(ptx, ".target sm_80"));
  EXPECT_EQ(ptx.back(), '\n');
}

TEST(NvccImage, SameKernelsWhateverTheCompression) {
  LoadedImage lz4Image = load("lz4.fatbin");
  LoadedImage plainImage = load("uncompressed.fatbin");
  ASSERT_EQ(lz4Image.fatbinary.entries.size(), 1u);
  ASSERT_EQ(plainImage.fatbinary.entries.size(), 1u);
  std::string lz4 = ptxOf(lz4Image.fatbinary.entries[0]);
  std::string plain = ptxOf(plainImage.fatbinary.entries[0]);
  EXPECT_EQ(lz4, plain);
}

TEST(NvccImage, ArchAndFamilySpecificPtx) {
  LoadedImage image = load("arch_specific.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 3u);
  EXPECT_EQ(fatbinary.entries[0].archName(), "compute_90a");
  EXPECT_TRUE(fatbinary.entries[0].isArchSpecific());
  EXPECT_EQ(fatbinary.entries[1].archName(), "compute_100f");
  EXPECT_TRUE(fatbinary.entries[1].isFamilySpecific());
  EXPECT_EQ(fatbinary.entries[2].archName(), "compute_120");

  auto pick = [&](unsigned device) -> std::string {
    Expected<const Entry *> chosen = selectPtx(fatbinary, device);
    return chosen ? (*chosen)->archName() : "error: " + chosen.error();
  };
  EXPECT_EQ(pick(90), "compute_90a");
  EXPECT_EQ(pick(100), "compute_100f");
  EXPECT_EQ(pick(103), "compute_100f");
  EXPECT_EQ(pick(120), "compute_120");
  EXPECT_EQ(pick(121), "compute_120");
  EXPECT_TRUE(contains(pick(89), "error: "));
  EXPECT_TRUE(contains(pick(91), "error: ")); // 90a runs on sm_90 only
  EXPECT_TRUE(contains(pick(110), "error: "));
  EXPECT_TRUE(contains(pick(86), "compute_90a, compute_100f, compute_120"));
}

TEST(NvccImage, DebugEntryCarriesIdentifierAndOptions) {
  LoadedImage image = load("debug.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 1u);
  const Entry &entry = fatbinary.entries[0];
  EXPECT_TRUE(entry.isDebug());
  EXPECT_EQ(entry.identifier, "kernels.cu");
  EXPECT_TRUE(contains(std::string(entry.options), "-g "));
  EXPECT_TRUE(contains(entry.describe(), "debug"));
  std::string ptx = ptxOf(entry);
  EXPECT_TRUE(contains(ptx, ".version 9.0"));
  EXPECT_TRUE(contains(ptx, "cuport_add"));
}

TEST(NvccImage, DescribeSaysKindArchAndCompression) {
  LoadedImage image = load("mixed.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_EQ(fatbinary.entries.size(), 3u);
  EXPECT_TRUE(contains(fatbinary.entries[0].describe(),
                       "PTX compute_75 (ISA 9.0), zstd"));
  EXPECT_TRUE(contains(fatbinary.entries[1].describe(), "ELF sm_86, "));
}

TEST(NvccImage, RdcLinkedFatbinaryHoldsOnlySass) {
  LoadedImage image = load("rdc_linked.fatbin");
  const Fatbinary &fatbinary = image.fatbinary;
  ASSERT_FALSE(fatbinary.entries.empty());
  for (const Entry &entry : fatbinary.entries)
    EXPECT_TRUE(entry.isElf()) << entry.describe();
  EXPECT_FALSE(selectPtx(fatbinary, 86));
}

TEST(NvccImage, RdcRelocatableSectionHoldsOneFatbinaryPerUnit) {
  auto section = loadImage("rdc_relocatable.bin");
  auto parsed = parseFatbinaries(bytesOf(section));
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->size(), 2u);
  const char *kernels[] = {"_Z15cuport_kernel_aPfi", "_Z15cuport_kernel_bPf"};
  for (std::size_t unit = 0; unit < 2; ++unit) {
    const Fatbinary &fatbinary = (*parsed)[unit];
    ASSERT_EQ(fatbinary.entries.size(), 2u);
    EXPECT_TRUE(fatbinary.entries[0].isElf());
    EXPECT_EQ(fatbinary.entries[0].compression, Compression::Zstd);
    const Entry &ptx = fatbinary.entries[1];
    EXPECT_TRUE(ptx.isPtx());
    EXPECT_TRUE(contains(std::string(ptx.options), "--compile-only"));
    std::string text = ptxOf(ptx);
    EXPECT_TRUE(contains(text, kernels[unit]));
    EXPECT_TRUE(contains(text, "_Z13cuport_helperf"));
  }
  EXPECT_TRUE(contains(ptxOf((*parsed)[0].entries[1]), ".extern .func"));
  EXPECT_EQ((*parsed)[1].offset, (*parsed)[0].size);
}

TEST(NvccImage, WholeProgramSectionStartsWithEmptyFatbinary) {
  auto section = loadImage("multi_section.bin");
  auto parsed = parseFatbinaries(bytesOf(section));
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].size, kFatbinaryHeaderSize);
  EXPECT_TRUE((*parsed)[0].entries.empty());
  EXPECT_TRUE(contains(ptxOf((*parsed)[1].entries.at(0)), "cuport_k1"));
  EXPECT_TRUE(contains(ptxOf((*parsed)[2].entries.at(0)), "cuport_k2"));
}

/// Copies the fatbinaries of a section into separate buffers, as the loader
/// would place them, so that each is reachable through a pointer alone.
std::vector<std::vector<std::uint8_t>> splitSection(const std::string &name) {
  auto section = loadImage(name);
  auto parsed = parseFatbinaries(bytesOf(section));
  EXPECT_TRUE(parsed) << parsed.error();
  std::vector<std::vector<std::uint8_t>> out;
  if (parsed)
    for (const Fatbinary &fatbinary : *parsed)
      out.emplace_back(section.begin() + fatbinary.offset,
                       section.begin() + fatbinary.offset + fatbinary.size);
  return out;
}

TEST(NvccImage, RdcWrapperVersion2) {
  auto linked = loadImage("rdc_linked.fatbin");
  auto units = splitSection("rdc_relocatable.bin");
  ASSERT_EQ(units.size(), 2u);
  const void *list[] = {units[0].data(), units[1].data(), nullptr};
  TestWrapper wrapper{static_cast<std::int32_t>(kWrapperMagic), 2,
                      linked.data(), list};

  Expected<Wrapper> header = readWrapper(&wrapper);
  ASSERT_TRUE(header) << header.error();
  EXPECT_EQ(header->version, 2);
  EXPECT_EQ(header->fatbinary, linked.data());
  ASSERT_EQ(header->relocatable.size(), 2u);
  EXPECT_EQ(header->relocatable[1], units[1].data());

  Expected<RegisteredImage> image = readRegisteredImage(&wrapper);
  ASSERT_TRUE(image) << image.error();
  EXPECT_EQ(image->wrapperVersion, 2);
  EXPECT_FALSE(image->fatbinary.hasPtx());
  EXPECT_EQ(image->fatbinaryBytes.size(), linked.size());
  ASSERT_EQ(image->relocatable.size(), 2u);
  EXPECT_EQ(image->relocatableBytes[0].size(), units[0].size());

  auto chosen = selectPtx(*image, 86);
  ASSERT_TRUE(chosen) << chosen.error();
  ASSERT_EQ(chosen->size(), 2u);
  EXPECT_TRUE(contains(ptxOf(*(*chosen)[0]), "cuport_kernel_a"));
  EXPECT_TRUE(contains(ptxOf(*(*chosen)[1]), "cuport_kernel_b"));

  auto tooOld = selectPtx(*image, 75);
  ASSERT_FALSE(tooOld);
  EXPECT_TRUE(contains(tooOld.error(), "relocatable fatbinary 1 of 2: "));
}

TEST(NvccImage, WholeProgramWrapperVersion1) {
  auto mixed = loadImage("mixed.fatbin");
  TestWrapper wrapper{static_cast<std::int32_t>(kWrapperMagic), 1, mixed.data(),
                      nullptr};
  Expected<RegisteredImage> image = readRegisteredImage(&wrapper);
  ASSERT_TRUE(image) << image.error();
  EXPECT_EQ(image->wrapperVersion, 1);
  EXPECT_TRUE(image->relocatable.empty());
  EXPECT_EQ(image->fatbinary.entries.size(), 3u);
  auto chosen = selectPtx(*image, 86);
  ASSERT_TRUE(chosen) << chosen.error();
  ASSERT_EQ(chosen->size(), 1u);
  EXPECT_EQ((*chosen)[0]->smArch, 86u);
}

} // namespace
} // namespace cuport::fatbin::test
