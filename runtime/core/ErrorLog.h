//===- core/ErrorLog.h - The runtime's error log ---------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// CUDA's error log (the cudaLogs* functions): every error an API call
// returns is also written, as one line of text, to a bounded buffer of the
// process (the oldest lines go first once it holds more than 25600 bytes,
// the size CUDA documents) and handed to the registered callbacks. Lines
// are numbered from 0; a cudaLogIterator is the number of the next line to
// read.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_ERRORLOG_H
#define CUPORT_RUNTIME_CORE_ERRORLOG_H

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cuport::rt::errorlog {

/// The most bytes of messages kept.
inline constexpr size_t kCapacityBytes = 25600;

/// Logs `error`, returned by the API `api` (nullptr when unknown).
void append(cudaError_t error, const char *api);

/// The number the next message will have.
uint32_t end();

/// The messages from number `from` on (all kept ones when `from` is
/// nullptr), each ending in '\n'. `lost` tells how many of them were
/// dropped already; *next is the number after the last one returned.
std::vector<std::string> read(const uint32_t *from, uint32_t *lost,
                              uint32_t *next);

/// Callbacks (cudaLogsRegisterCallback).
void *addCallback(cudaLogsCallback_t callback, void *userData);
bool removeCallback(void *handle);

} // namespace cuport::rt::errorlog

#endif // CUPORT_RUNTIME_CORE_ERRORLOG_H
