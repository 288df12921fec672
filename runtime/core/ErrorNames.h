//===- ErrorNames.h - Names and messages of CUDA errors ---------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// What cudaGetErrorName and cudaGetErrorString return: for each cudaError_t
// value of CUDA 13.0 its enumerator name ("cudaErrorInvalidValue") and its
// message ("invalid argument"). Both come from one table, so they cannot
// drift apart. LLVM-free; part of libcudart.so.13.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_RUNTIME_CORE_ERRORNAMES_H
#define CUPORT_RUNTIME_CORE_ERRORNAMES_H

#include <span>

namespace cuport {

struct ErrorInfo {
  int code;
  const char *name;    // the enumerator, e.g. "cudaErrorInvalidValue"
  const char *message; // e.g. "invalid argument"
};

// What both functions return for a code that is not a cudaError_t value.
// CUDA documents the same text for cudaGetErrorName and cudaGetErrorString.
inline constexpr const char *UnrecognizedErrorCode = "unrecognized error code";

// The enumerator name of `Code`, or UnrecognizedErrorCode. Never null.
const char *errorName(int Code);

// The message of `Code`, or UnrecognizedErrorCode. Never null.
const char *errorString(int Code);

// Every cudaError_t value of CUDA 13.0, in ascending order of code.
std::span<const ErrorInfo> errorTable();

} // namespace cuport

#endif // CUPORT_RUNTIME_CORE_ERRORNAMES_H
