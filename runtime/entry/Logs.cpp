//===- entry/Logs.cpp - Error log management -------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The cudaLogs* functions over the runtime's error log (core/ErrorLog.h):
// iterators, dumps to a file or a buffer, and callbacks that receive each
// message as it is logged.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/ErrorLog.h"

#include <cstdio>
#include <cstring>
#include <string>

using namespace cuport::rt;

namespace {

/// The line that marks messages lost before they were read.
std::string lostLine(uint32_t lost) {
  return "[cuport] log truncated: " + std::to_string(lost) +
         " older message(s) were overwritten\n";
}

/// What a dump from `iterator` writes, and the iterator after it.
std::string pendingText(const cudaLogIterator *iterator, cudaLogIterator *next) {
  uint32_t lost = 0;
  std::vector<std::string> lines = errorlog::read(iterator, &lost, next);
  std::string text = lost ? lostLine(lost) : std::string();
  for (const std::string &line : lines)
    text += line;
  return text;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaLogsRegisterCallback(cudaLogsCallback_t callbackFunc,
                                                   void *userData,
                                                   cudaLogsCallbackHandle *callback_out) {
  CUPORT_API_ENTRY(cudaLogsRegisterCallback);
  if (!callbackFunc || !callback_out)
    return recordError(cudaErrorInvalidValue);
  *callback_out = static_cast<cudaLogsCallbackHandle>(
      errorlog::addCallback(callbackFunc, userData));
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLogsUnregisterCallback(cudaLogsCallbackHandle callback) {
  CUPORT_API_ENTRY(cudaLogsUnregisterCallback);
  if (!callback || !errorlog::removeCallback(callback))
    return recordError(cudaErrorInvalidValue);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLogsCurrent(cudaLogIterator *iterator_out,
                                          unsigned int flags) {
  CUPORT_API_ENTRY(cudaLogsCurrent);
  if (!iterator_out || flags != 0)
    return recordError(cudaErrorInvalidValue);
  *iterator_out = errorlog::end();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLogsDumpToFile(cudaLogIterator *iterator,
                                             const char *pathToFile,
                                             unsigned int flags) {
  CUPORT_API_ENTRY(cudaLogsDumpToFile);
  if (!pathToFile || flags != 0)
    return recordError(cudaErrorInvalidValue);
  cudaLogIterator next = 0;
  std::string text = pendingText(iterator, &next);
  FILE *file = std::fopen(pathToFile, "w");
  if (!file)
    return recordError(cudaErrorInvalidValue);
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  written = std::fclose(file) == 0 && written;
  if (!written)
    return recordError(cudaErrorInvalidValue);
  if (iterator)
    *iterator = next;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLogsDumpToMemory(cudaLogIterator *iterator,
                                               char *buffer, size_t *size,
                                               unsigned int flags) {
  CUPORT_API_ENTRY(cudaLogsDumpToMemory);
  if (!buffer || !size || flags != 0)
    return recordError(cudaErrorInvalidValue);
  uint32_t lost = 0;
  cudaLogIterator next = 0;
  std::vector<std::string> lines = errorlog::read(iterator, &lost, &next);
  if (lines.empty() && !lost) {
    if (*size > 0)
      buffer[0] = '\0';
    *size = 0;
    return cudaSuccess;
  }
  // Whole messages only, as many as fit before the terminating NUL.
  std::string text = lost ? lostLine(lost) : std::string();
  cudaLogIterator reached = next - cudaLogIterator(lines.size());
  for (const std::string &line : lines) {
    if (text.size() + line.size() + 1 > *size)
      break;
    text += line;
    ++reached;
  }
  if (text.empty() || text.size() + 1 > *size) {
    *size = 0;
    return recordError(cudaErrorInvalidValue);
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  *size = text.size();
  if (iterator)
    *iterator = reached;
  return cudaSuccess;
}
