//===- NotSupportedStubs.cpp - Entry points cuport does not support -------===//
//
// Part of cuport. See LICENSE for license information.
//
//===----------------------------------------------------------------------===//
//
// One extern "C" definition for every NotSupported row of CudartApi.def, so
// that libcudart.so.13 exports all 422 names and an application that merely
// links a function it never calls still loads. Each stub reports its name
// through reportNotSupported() (log once, set the last error) and fails in the
// way its real return type allows.
//
// No CUDA header may be included here: the stubs are declared without
// parameters, which would clash with the real prototypes. Ignoring the
// arguments is safe in the x86-64 and AArch64 C calling conventions (the
// caller owns and cleans up its argument area); only the return convention
// has to match, and kNonErrorReturns in ApiRegistry.h records it for the
// functions that do not return cudaError_t. Among the NotSupported rows these
// are, today:
//   __cudaRegisterManagedVar     void: report, return nothing;
//   cudaCreateChannelDesc        struct cudaChannelFormatDesc (20 bytes) by
//                                value: the stub returns a 20-byte struct, so
//                                it writes zeros through the caller's hidden
//                                return pointer as the caller expects.
// Should a row with another kind (Pointer, String, Char, Unsigned) become
// NotSupported, its stub follows kNonErrorReturns automatically.
//
//===----------------------------------------------------------------------===//

#include "api/ApiRegistry.h"

namespace cuport::api::stubs {

/// What a stub of each return kind returns after reporting itself.
template <ReturnKind K> struct Fail;

template <> struct Fail<ReturnKind::Error> {
  using Type = int;
  static Type report(const char *name) { return reportNotSupported(name); }
};

template <> struct Fail<ReturnKind::Unsigned> {
  using Type = unsigned;
  static Type report(const char *name) {
    return static_cast<unsigned>(reportNotSupported(name));
  }
};

template <> struct Fail<ReturnKind::Char> {
  using Type = char;
  static Type report(const char *name) {
    (void)reportNotSupported(name);
    return 0;
  }
};

template <> struct Fail<ReturnKind::Void> {
  using Type = void;
  static Type report(const char *name) { (void)reportNotSupported(name); }
};

template <> struct Fail<ReturnKind::Pointer> {
  using Type = void *;
  static Type report(const char *name) {
    (void)reportNotSupported(name);
    return nullptr;
  }
};

template <> struct Fail<ReturnKind::String> {
  using Type = const char *;
  static Type report(const char *name) {
    (void)reportNotSupported(name);
    return "cudaErrorNotSupported";
  }
};

template <> struct Fail<ReturnKind::ChannelFormatDesc> {
  using Type = ChannelFormatDescAbi;
  static Type report(const char *name) {
    (void)reportNotSupported(name);
    return {};
  }
};

} // namespace cuport::api::stubs

// Default visibility whatever -fvisibility the library is built with: the
// version script cannot export a hidden symbol (GNU ld then drops it without
// a word, even with --no-undefined-version).
#define CUPORT_STUB(Name)                                                      \
  extern "C" __attribute__((visibility("default")))                            \
  cuport::api::stubs::Fail<cuport::api::returnKindOf(#Name)>::Type             \
  Name() {                                                                     \
    return cuport::api::stubs::Fail<cuport::api::returnKindOf(#Name)>::report( \
        #Name);                                                                \
  }

#define CUPORT_STUB_Implemented(Name)
#define CUPORT_STUB_Partial(Name)
#define CUPORT_STUB_NotSupported(Name) CUPORT_STUB(Name)
#define CUPORT_API(Name, Section, Status, Test) CUPORT_STUB_##Status(Name)
#include "CudartApi.def"
