//===- fatbin_fuzzer.cpp - libFuzzer target for the fatbinary reader ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to every entry point of compiler/fatbin: section
// parsing, payload decompression (LZ4, zstd), PTX extraction and selection,
// and the __cudaRegisterFatBinary path (wrapper, size from the header) over
// a copy of the input. Any crash, sanitizer report or empty error message is
// a bug. Seed corpus: test/data/fatbin/*.fatbin and *.bin.
//
//===----------------------------------------------------------------------===//
#include "fatbin/FatbinReader.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace cuport::fatbin;

namespace {

/// Keeps decompression small so that the fuzzer stays fast.
constexpr std::uint64_t kFuzzMaxSize = 1 << 20;

/// An error must always say something.
template <typename T> void check(const Expected<T> &result) {
  if (!result && result.error().empty())
    std::abort();
}

void exerciseEntry(const Entry &entry) {
  (void)entry.describe();
  check(entryContents(entry, kFuzzMaxSize));
  auto ptx = extractPtx(entry, kFuzzMaxSize);
  check(ptx);
  if (ptx && (ptx->empty() || ptx->back() == '\0'))
    std::abort(); // PTX comes back non-empty and without trailing NULs
}

void exerciseFatbinary(const Fatbinary &fatbinary, unsigned deviceSm) {
  for (const Entry &entry : fatbinary.entries)
    exerciseEntry(entry);
  auto chosen = selectPtx(fatbinary, deviceSm);
  check(chosen);
  if (chosen && (!(*chosen)->isPtx() || !ptxRunsOn(**chosen, deviceSm)))
    std::abort();
}

/// Raw decompressors: the first 4 bytes give the declared size.
void exerciseDecompressors(Bytes bytes) {
  if (bytes.size() < 4)
    return;
  std::uint32_t declared = 0;
  std::memcpy(&declared, bytes.data(), sizeof declared);
  Bytes rest = bytes.subspan(4);
  check(decompressZstd(rest, declared % (kFuzzMaxSize * 2), kFuzzMaxSize));
  check(decompressLz4(rest, declared % (kFuzzMaxSize * 2), kFuzzMaxSize));
}

/// The hook path: wrappers of both versions around the input, used only
/// when its header claims no more bytes than there are.
void exerciseWrapper(Bytes bytes, unsigned deviceSm) {
  auto size = fatbinarySize(bytes);
  check(size);
  if (!size || *size > bytes.size())
    return;
  struct {
    std::int32_t magic;
    std::int32_t version;
    const void *data;
    const void *filenameOrFatbins;
  } wrapper{static_cast<std::int32_t>(kWrapperMagic), 1, bytes.data(), nullptr};
  const void *list[] = {bytes.data(), bytes.data(), nullptr};
  for (std::int32_t version : {1, 2}) {
    wrapper.version = version;
    wrapper.filenameOrFatbins = version == 2 ? list : nullptr;
    auto image = readRegisteredImage(&wrapper);
    check(image);
    if (image)
      check(selectPtx(*image, deviceSm));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data,
                                      std::size_t size) {
  // An exact-size heap copy, so that any read past the end is reported.
  std::vector<std::uint8_t> copy(data, data + size);
  Bytes bytes(copy.data(), copy.size());
  unsigned deviceSm = size ? 50u + data[size - 1] % 80u : 86u;

  auto parsed = parseFatbinaries(bytes);
  check(parsed);
  if (parsed)
    for (const Fatbinary &fatbinary : *parsed)
      exerciseFatbinary(fatbinary, deviceSm);
  check(parseFatbinary(bytes));
  exerciseDecompressors(bytes);
  exerciseWrapper(bytes, deviceSm);
  return 0;
}
