//===- ApiRegistry.h - The CUDA Runtime API registry ------------*- C++ -*-===//
//
// Part of cuport. See LICENSE for license information.
//
//===----------------------------------------------------------------------===//
//
// Every function that libcudart.so.13 exports, with its section of the CUDA
// Runtime API reference, its status in cuport and the test that proves it.
// The table lives in CudartApi.def; this is its C++ view. Compiled into
// libcudart.so.13, so it depends on the standard library only and never on a
// CUDA header.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_RUNTIME_API_APIREGISTRY_H
#define CUPORT_RUNTIME_API_APIREGISTRY_H

#include <cstdint>
#include <span>
#include <string_view>

namespace cuport::api {

/// A section of the CUDA Runtime API reference ("Memory Management", ...).
enum class Section : std::uint8_t {
#define CUPORT_API_SECTION(Id, Title) Id,
#include "CudartApi.def"
};

/// How far cuport implements a function.
enum class Status : std::uint8_t {
  Implemented,  ///< Behaves as CUDA documents it.
  Partial,      ///< Common uses work; the rest returns an error, not a crash.
  NotSupported, ///< A stub: logs once, returns cudaErrorNotSupported.
};

/// One exported function.
struct ApiEntry {
  const char *name; ///< The C symbol, e.g. "cudaMalloc".
  Section section;
  Status status;
  const char *test; ///< "Suite.Name" of the proving test, "" when none.
};

/// All 422 entries, in the byte-wise order of their names.
std::span<const ApiEntry> allApis();

/// The entry named \p name, or nullptr when libcudart.so.13 has no such
/// export.
const ApiEntry *findApi(std::string_view name);

/// All sections, in the order of the reference.
std::span<const Section> allSections();

/// The section's identifier, e.g. "StreamOrderedAllocator".
const char *sectionName(Section section);

/// The section's title in the reference, e.g. "Stream Ordered Memory
/// Allocator".
const char *sectionTitle(Section section);

/// "implemented", "partial" or "not-supported".
const char *statusName(Status status);

/// cudaErrorNotSupported, which every not-supported entry point returns.
inline constexpr int kCudaErrorNotSupported = 801;

/// Called by every not-supported entry point with its own name: logs the name
/// once, sets the calling thread's last error to cudaErrorNotSupported and
/// returns kCudaErrorNotSupported. Defined by the runtime core, not here.
int reportNotSupported(const char *name);

//===----------------------------------------------------------------------===//
// Return conventions
//===----------------------------------------------------------------------===//

/// How a function returns, for the few exports that do not return
/// cudaError_t. A stub must honour the real convention: a caller that expects
/// a struct returned through a hidden pointer, or a pointer it will
/// dereference, must not get a bare int.
enum class ReturnKind : std::uint8_t {
  Error,             ///< cudaError_t (an int).
  Unsigned,          ///< unsigned; nonzero means failure.
  Char,              ///< char; 0 means failure.
  Void,              ///< void.
  Pointer,           ///< A pointer (void **, ...); nullptr on failure.
  String,            ///< const char *; never nullptr.
  ChannelFormatDesc, ///< struct cudaChannelFormatDesc by value (20 bytes,
                     ///< returned through a hidden pointer on x86-64).
};

struct ReturnConvention {
  std::string_view name;
  ReturnKind kind;
};

/// Every export whose return type is not cudaError_t, whatever its status.
/// Types are from the CUDA 13.0 headers (cuda_runtime_api.h,
/// crt/host_runtime.h, crt/device_functions.h); the three hooks that no
/// header declares were classified from NVIDIA's library as noted.
inline constexpr ReturnConvention kNonErrorReturns[] = {
    {"__cudaInitModule", ReturnKind::Char},
    {"__cudaPushCallConfiguration", ReturnKind::Unsigned},
    {"__cudaRegisterFatBinary", ReturnKind::Pointer}, // void **
    {"__cudaRegisterFatBinaryEnd", ReturnKind::Void},
    {"__cudaRegisterFunction", ReturnKind::Void},
    {"__cudaRegisterHostVar", ReturnKind::Void}, // see below
    {"__cudaRegisterManagedVar", ReturnKind::Void},
    {"__cudaRegisterUnifiedTable", ReturnKind::Void}, // see below
    {"__cudaRegisterVar", ReturnKind::Void},
    {"__cudaUnregisterFatBinary", ReturnKind::Void},
    {"cudaCreateChannelDesc", ReturnKind::ChannelFormatDesc},
    {"cudaGetErrorName", ReturnKind::String},
    {"cudaGetErrorString", ReturnKind::String},
    // No header declares __cudaRegisterHostVar, __cudaRegisterUnifiedTable
    // or __cudaGetProcAddress. In NVIDIA's library the first two tail-call
    // routines that set no result register, like __cudaRegisterVar: void.
    // __cudaGetProcAddress is `xor eax, eax; ret`: kept as Error
    // (0 = cudaSuccess).
};

/// The return convention of the export \p name (Error unless listed above).
constexpr ReturnKind returnKindOf(std::string_view name) {
  for (const ReturnConvention &c : kNonErrorReturns)
    if (c.name == name)
      return c.kind;
  return ReturnKind::Error;
}

/// The layout of CUDA's struct cudaChannelFormatDesc {int x, y, z, w;
/// enum cudaChannelFormatKind f;}, for stubs that return it by value.
struct ChannelFormatDescAbi {
  int x, y, z, w;
  int f;
};
static_assert(sizeof(ChannelFormatDescAbi) == 20,
              "larger than 16 bytes: returned through a hidden pointer");

} // namespace cuport::api

#endif // CUPORT_RUNTIME_API_APIREGISTRY_H
