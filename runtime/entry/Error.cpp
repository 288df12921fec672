//===- entry/Error.cpp - Error handling ------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The per-thread last error, the error names and strings, and the one path
// every not-supported API takes (reportNotSupported).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "api/ApiRegistry.h"
#include "core/ErrorLog.h"
#include "core/ErrorNames.h"
#include "core/Report.h"
#include "cuport/Log.h"

#include <mutex>
#include <set>
#include <string>

using namespace cuport::rt;

CUPORT_EXPORT cudaError_t cudaGetLastError(void) {
  CUPORT_API_ENTRY(cudaGetLastError);
  cudaError_t error = threadState().lastError;
  threadState().lastError = cudaSuccess;
  return error;
}

CUPORT_EXPORT cudaError_t cudaPeekAtLastError(void) {
  CUPORT_API_ENTRY(cudaPeekAtLastError);
  return threadState().lastError;
}

CUPORT_EXPORT const char *cudaGetErrorName(cudaError_t error) {
  CUPORT_API_ENTRY(cudaGetErrorName);
  return cuport::errorName(error);
}

CUPORT_EXPORT const char *cudaGetErrorString(cudaError_t error) {
  CUPORT_API_ENTRY(cudaGetErrorString);
  return cuport::errorString(error);
}

namespace cuport::api {

int reportNotSupported(const char *name) {
  static std::mutex mutex;
  static std::set<std::string> *reported = new std::set<std::string>();
  bool first;
  {
    std::lock_guard lock(mutex);
    first = reported->insert(name).second;
  }
  if (first)
    log().warn("{} is not supported by cuport; it returns "
               "cudaErrorNotSupported",
               name);
  if (cuport::rt::report::isEnabled())
    cuport::rt::report::noteNotSupported(name);
  threadState().lastError = cudaErrorNotSupported;
  cuport::rt::errorlog::append(cudaErrorNotSupported, name);
  return cudaErrorNotSupported;
}

} // namespace cuport::api
