//===- entry/Version.cpp - Version management ------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Both versions are 13000 (CUDA 13.0, 1000 * major + 10 * minor).
//
// The runtime version is the ABI this library implements: the CUDA 13.0
// runtime, the CUDART_VERSION of cuport's headers.
//
// The "driver" is cuport itself (this library plus its backend plugin),
// which provides exactly what the 13.0 runtime needs and nothing of later
// CUDA releases. Applications compare the two (a driver older than the
// runtime is cudaErrorInsufficientDriver in their eyes) and libraries
// enable features by the driver version, so reporting the runtime's own
// version is the one answer that is both accepted and truthful.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

using namespace cuport::rt;

namespace {
constexpr int kCudaVersion = 13000;
static_assert(kCudaVersion == CUDART_VERSION,
              "the runtime reports the version of its headers");
} // namespace

CUPORT_EXPORT cudaError_t cudaDriverGetVersion(int *driverVersion) {
  CUPORT_API_ENTRY(cudaDriverGetVersion);
  if (!driverVersion)
    return recordError(cudaErrorInvalidValue);
  *driverVersion = kCudaVersion;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaRuntimeGetVersion(int *runtimeVersion) {
  CUPORT_API_ENTRY(cudaRuntimeGetVersion);
  if (!runtimeVersion)
    return recordError(cudaErrorInvalidValue);
  *runtimeVersion = kCudaVersion;
  return cudaSuccess;
}
