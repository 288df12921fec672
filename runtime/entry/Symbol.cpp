//===- entry/Symbol.cpp - __device__ and __constant__ variables ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The application names a device variable by the address of its host
// shadow (what __cudaRegisterVar registered). The variable's module is
// loaded on first use, like a kernel's; its device address is then in the
// allocation table, so device code and cudaMemcpy may use it too.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Streams.h"

using namespace cuport::rt;

namespace {

/// Device address and size of `symbol` on the current device.
cudaError_t locate(const void *symbol, void **address, size_t *size) {
  VariableRecord *record = Runtime::instance().modules().findByHostVariable(symbol);
  if (!record)
    return cudaErrorInvalidSymbol;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  return Runtime::instance().modules().resolve(*record, *device, address, size);
}

/// Copies between a symbol and `other` (direction: toSymbol).
cudaError_t copySymbol(const void *symbol, void *other, size_t count, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol, cudaStream_t stream,
                       bool async) {
  bool validKind = kind == cudaMemcpyDefault || kind == cudaMemcpyDeviceToDevice ||
                   kind == (toSymbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
  if (!validKind)
    return cudaErrorInvalidMemcpyDirection;
  void *address = nullptr;
  size_t size = 0;
  if (cudaError_t error = locate(symbol, &address, &size))
    return error;
  if (offset > size || count > size - offset || (!other && count))
    return cudaErrorInvalidValue;
  if (count == 0)
    return cudaSuccess;
  void *inside = static_cast<char *>(address) + offset;
  void *dst = toSymbol ? inside : other;
  const void *src = toSymbol ? other : inside;
  cudaMemcpyKind resolved = kind == cudaMemcpyDefault ? cudaMemcpyDefault : kind;
  return async ? cudaMemcpyAsync(dst, src, count, resolved, stream)
               : cudaMemcpy(dst, src, count, resolved);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbol(const void *symbol, const void *src,
                                             size_t count, size_t offset,
                                             enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyToSymbol);
  return recordError(copySymbol(symbol, const_cast<void *>(src), count, offset, kind,
                                /*toSymbol=*/true, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbol(void *dst, const void *symbol,
                                               size_t count, size_t offset,
                                               enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyFromSymbol);
  return recordError(copySymbol(symbol, dst, count, offset, kind,
                                /*toSymbol=*/false, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToSymbolAsync(const void *symbol, const void *src,
                                                  size_t count, size_t offset,
                                                  enum cudaMemcpyKind kind,
                                                  cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyToSymbolAsync);
  return recordError(copySymbol(symbol, const_cast<void *>(src), count, offset, kind,
                                /*toSymbol=*/true, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromSymbolAsync(void *dst, const void *symbol,
                                                    size_t count, size_t offset,
                                                    enum cudaMemcpyKind kind,
                                                    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyFromSymbolAsync);
  return recordError(copySymbol(symbol, dst, count, offset, kind,
                                /*toSymbol=*/false, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaGetSymbolAddress(void **devPtr, const void *symbol) {
  CUPORT_API_ENTRY(cudaGetSymbolAddress);
  if (!devPtr)
    return recordError(cudaErrorInvalidValue);
  size_t size = 0;
  return recordError(locate(symbol, devPtr, &size));
}

CUPORT_EXPORT cudaError_t cudaGetSymbolSize(size_t *size, const void *symbol) {
  CUPORT_API_ENTRY(cudaGetSymbolSize);
  if (!size)
    return recordError(cudaErrorInvalidValue);
  void *address = nullptr;
  return recordError(locate(symbol, &address, size));
}
