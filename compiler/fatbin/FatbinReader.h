//===- fatbin/FatbinReader.h - nvcc fatbinary reader -----------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reads what nvcc embeds in a program: the wrapper struct handed to
// __cudaRegisterFatBinary, the fatbinaries it points at, their entries (PTX
// text, SASS ELF), and decompresses entry payloads (LZ4, zstd). It also
// chooses the PTX entry to run on a device of a given compute capability.
//
// The reader is LLVM-free and linked into libcudart.so.13. It never throws
// across its API and never reads outside the span it is given; every problem
// comes back as an Error whose message names it (the offset, the value seen).
//
// Layout, little-endian, as produced by nvcc 13.0 (see test/data/fatbin/):
//
//   wrapper   {i32 magic 0x466243B1, i32 version, ptr data, ptr extra}
//             version 1: data = one fatbinary, extra = 0
//             version 2 (-rdc=true): data = linked fatbinary (SASS only),
//             extra = NULL-terminated array of pointers to the relocatable
//             fatbinaries (one per translation unit; they hold the PTX)
//   fatbinary {u32 magic 0xBA55ED50, u16 version 1, u16 header size 16,
//              u64 size of the entries that follow}, entries back to back
//   entry     +0 u16 kind (1 PTX, 2 ELF)  +2 u16 0x0101  +4 u32 header size
//             +8 u64 payload size (padded)  +16 u32 compressed size
//             +20 u32 offset (in the header) of an options descriptor
//                 {u32 string offset, u32 string length}, 0 if none
//             +24 u16 minor  +26 u16 major (PTX ISA version; 1.8 on ELF)
//             +28 u32 SM architecture (86 = sm_86)
//             +32 u32 identifier offset  +36 u32 identifier length
//             +40 u64 flags  +48 u64 (zero)  +56 u64 uncompressed size
//             payload at +header size
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_FATBIN_FATBINREADER_H
#define CUPORT_FATBIN_FATBINREADER_H

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cuport::fatbin {

/// A read-only view of bytes; the reader never looks outside it.
using Bytes = std::span<const std::uint8_t>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

inline constexpr std::uint32_t kWrapperMagic = 0x466243B1;
/// Wrapper version for whole-program compilation.
inline constexpr std::int32_t kWrapperVersionWhole = 1;
/// Wrapper version for separate compilation (-rdc=true, device-linked).
inline constexpr std::int32_t kWrapperVersionLinked = 2;

inline constexpr std::uint32_t kFatbinaryMagic = 0xBA55ED50;
inline constexpr std::uint16_t kFatbinaryVersion = 1;
inline constexpr std::size_t kFatbinaryHeaderSize = 16;
/// Every entry header holds at least the fields up to the uncompressed size.
inline constexpr std::size_t kEntryHeaderMinSize = 64;

/// Sanity limit on one fatbinary whose size is only known from its header.
inline constexpr std::uint64_t kMaxFatbinarySize = std::uint64_t{1} << 32;
/// Default limit on a decompressed payload (a corrupt header must not make
/// the reader allocate gigabytes).
inline constexpr std::uint64_t kDefaultMaxUncompressedSize = std::uint64_t{1}
                                                             << 30;
/// Limit on the relocatable fatbinaries a version-2 wrapper may list.
inline constexpr std::size_t kMaxRelocatableFatbinaries = 1u << 16;

/// Entry kinds (Entry::kind). Other values are kept as read, not rejected.
enum class EntryKind : std::uint16_t { Ptx = 1, Elf = 2 };

/// Bits of Entry::flags, as observed with nvcc 13.0.
namespace flag {
inline constexpr std::uint64_t k64Bit = 0x1; ///< 64-bit addresses
inline constexpr std::uint64_t kDebug = 0x2; ///< built with -G
inline constexpr std::uint64_t kHostLinux = 0x10;
inline constexpr std::uint64_t kCompressedLz4 =
    0x2000; ///< --compress-mode=speed
inline constexpr std::uint64_t kCompressedZstd = 0x8000; ///< nvcc 13's default
inline constexpr std::uint64_t kArchSpecific = 0x100000; ///< sm_90a style
inline constexpr std::uint64_t kFamilySpecific = 0x200000; ///< sm_100f style
} // namespace flag

enum class Compression { None, Lz4, Zstd };

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

/// A failure, described for a person: what is wrong and where.
struct Error {
  std::string message;
};

/// Either a value or an Error. Check it (operator bool) before value().
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool hasValue() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return hasValue(); }

  T &value() & { return *checkedValue(); }
  const T &value() const & { return *checkedValue(); }
  T &&value() && { return std::move(*checkedValue()); }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T *operator->() { return checkedValue(); }
  const T *operator->() const { return checkedValue(); }

  /// The error message; empty when there is a value.
  const std::string &error() const noexcept {
    static const std::string none;
    const Error *e = std::get_if<1>(&state_);
    return e ? e->message : none;
  }
  /// Moves the Error out (to pass it on with `return
  /// std::move(x).takeError()`).
  Error takeError() && {
    Error *e = std::get_if<1>(&state_);
    assert(e && "takeError() on a value");
    return e ? std::move(*e) : Error{};
  }

private:
  T *checkedValue() {
    T *v = std::get_if<0>(&state_);
    assert(v && "value() on an error");
    return v;
  }
  const T *checkedValue() const {
    const T *v = std::get_if<0>(&state_);
    assert(v && "value() on an error");
    return v;
  }

  std::variant<T, Error> state_;
};

//===----------------------------------------------------------------------===//
// Data model
//===----------------------------------------------------------------------===//

/// One entry of a fatbinary. Views (identifier, options, payload) point into
/// the bytes that were parsed, which must outlive the Entry.
struct Entry {
  std::uint64_t offset = 0; ///< of the entry header, within the parsed span
  std::uint16_t kind = 0;   ///< EntryKind value (1 PTX, 2 ELF, else unknown)
  std::uint16_t formatVersion = 0; ///< 0x0101 observed
  std::uint32_t headerSize = 0;
  std::uint64_t payloadSize = 0;      ///< bytes after the header, padded
  std::uint32_t compressedSize = 0;   ///< 0 when not compressed
  std::uint64_t uncompressedSize = 0; ///< 0 when not compressed
  std::uint16_t versionMajor = 0;     ///< PTX: ISA version (9.0); ELF: 1.8
  std::uint16_t versionMinor = 0;
  std::uint32_t smArch = 0; ///< e.g. 86 for sm_86 / compute_86
  std::uint64_t flags = 0;  ///< flag::* bits
  Compression compression = Compression::None;
  /// Best-effort metadata, empty when absent or out of the header's bounds:
  /// the source file name (set with -G / -lineinfo) and the ptxas options
  /// (e.g. " -g --dont-merge-basicblocks --return-at-end ").
  std::string_view identifier;
  std::string_view options;
  Bytes payload; ///< payloadSize bytes, still compressed

  bool isPtx() const noexcept { return kind == std::uint16_t(EntryKind::Ptx); }
  bool isElf() const noexcept { return kind == std::uint16_t(EntryKind::Elf); }
  bool isDebug() const noexcept { return (flags & flag::kDebug) != 0; }
  bool isArchSpecific() const noexcept {
    return (flags & flag::kArchSpecific) != 0;
  }
  bool isFamilySpecific() const noexcept {
    return (flags & flag::kFamilySpecific) != 0;
  }
  /// "compute_86" for PTX, "sm_86" otherwise, with an "a"/"f" suffix for
  /// arch- and family-specific code.
  std::string archName() const;
  /// One line for people: "PTX compute_86 (ISA 9.0), zstd 471 -> 1638 bytes".
  std::string describe() const;
};

/// One fatbinary: its place in the parsed span and its entries in order.
struct Fatbinary {
  std::uint64_t offset = 0; ///< of the fatbinary header, within the span
  std::uint64_t size = 0;   ///< header plus entries
  std::vector<Entry> entries;

  bool hasPtx() const noexcept;
};

/// The struct nvcc passes to __cudaRegisterFatBinary, read but not followed.
struct Wrapper {
  std::int32_t version = 0;
  const void *fatbinary = nullptr; ///< the `data` field
  /// Version 2 only: the relocatable fatbinaries, terminator excluded.
  std::vector<const void *> relocatable;
};

/// Everything a __cudaRegisterFatBinary call hands over, parsed.
struct RegisteredImage {
  std::int32_t wrapperVersion = 0;
  /// Version 1: the program's fatbinary. Version 2: the device-linked one,
  /// which nvcc 13 fills with SASS only.
  Fatbinary fatbinary;
  Bytes fatbinaryBytes;
  /// Version 2: one fatbinary per translation unit, holding its PTX.
  std::vector<Fatbinary> relocatable;
  std::vector<Bytes> relocatableBytes;
};

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Reads the wrapper at `wrapper` (24 bytes, as nvcc lays it out). Checks the
/// magic and version; for version 2 collects the NULL-terminated array. It
/// cannot check that the pointers are valid: that is the caller's promise.
Expected<Wrapper> readWrapper(const void *wrapper) noexcept;

/// The total size (header plus entries) of the fatbinary whose header starts
/// `image`, from its 16-byte header alone. Checks magic, version, header size
/// and kMaxFatbinarySize; `image` needs to hold only the header.
Expected<std::uint64_t> fatbinarySize(Bytes image) noexcept;

/// For a fatbinary of unknown size in memory (the __cudaRegisterFatBinary
/// case): reads its 16-byte header and returns the span it covers.
Expected<Bytes> fatbinaryInMemory(const void *data) noexcept;

/// Parses the fatbinary at the start of `image`; bytes after it are ignored.
Expected<Fatbinary> parseFatbinary(Bytes image) noexcept;

/// Parses fatbinaries back to back (the contents of a .nv_fatbin or
/// __nv_relfatbin section), skipping zero padding between them. Empty
/// fatbinaries (no entries) are valid: nvcc emits one for the device-link step.
Expected<std::vector<Fatbinary>> parseFatbinaries(Bytes section) noexcept;

/// readWrapper, then the fatbinary and (version 2) each relocatable one.
Expected<RegisteredImage> readRegisteredImage(const void *wrapper) noexcept;

//===----------------------------------------------------------------------===//
// Payloads
//===----------------------------------------------------------------------===//

/// Decompresses one LZ4 block that must yield exactly `uncompressedSize` bytes.
Expected<std::vector<std::uint8_t>>
decompressLz4(Bytes compressed, std::uint64_t uncompressedSize,
              std::uint64_t maxSize = kDefaultMaxUncompressedSize) noexcept;

/// Decompresses zstd frames that must yield exactly `uncompressedSize` bytes.
Expected<std::vector<std::uint8_t>>
decompressZstd(Bytes compressed, std::uint64_t uncompressedSize,
               std::uint64_t maxSize = kDefaultMaxUncompressedSize) noexcept;

/// The entry's contents, decompressed as its flags say (uncompressed entries
/// are returned whole, padding included).
Expected<std::vector<std::uint8_t>>
entryContents(const Entry &entry,
              std::uint64_t maxSize = kDefaultMaxUncompressedSize) noexcept;

/// The PTX text of a PTX entry, decompressed, without trailing NULs.
Expected<std::string>
extractPtx(const Entry &entry,
           std::uint64_t maxSize = kDefaultMaxUncompressedSize) noexcept;

//===----------------------------------------------------------------------===//
// Choosing PTX
//===----------------------------------------------------------------------===//

/// Whether PTX built for `entry` may run on a device of `deviceSm` (86 for
/// compute capability 8.6): not newer than the device; arch-specific code
/// (compute_90a) only on that exact SM; family-specific code (compute_100f)
/// only within its major version.
bool ptxRunsOn(const Entry &entry, unsigned deviceSm) noexcept;

/// The PTX entry of the highest architecture that runs on `deviceSm`
/// (generic code preferred over arch/family-specific code of the same SM).
/// Errors say why none fits and how to rebuild.
Expected<const Entry *> selectPtx(const Fatbinary &fatbinary,
                                  unsigned deviceSm) noexcept;

/// The PTX to run from a registered image: one entry for version 1, one per
/// relocatable fatbinary (translation unit) for version 2.
Expected<std::vector<const Entry *>> selectPtx(const RegisteredImage &image,
                                               unsigned deviceSm) noexcept;

} // namespace cuport::fatbin

#endif // CUPORT_FATBIN_FATBINREADER_H
