//===- entry/PeerAccess.cpp - Peer device memory access --------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Peer access, the link attributes between two devices, their atomic
// capabilities, and copies between devices (cudaMemcpyPeer*).
//
// Every device of the CPU backend lives in the one host address space, so
// any device can reach any other's memory, natively and with every atomic
// the host has: cudaDeviceCanAccessPeer says 1 for two distinct devices.
// A kernel reaching a peer's memory without cudaDeviceEnablePeerAccess
// would fault on a GPU; here it works (nothing can make it fault).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/PeerAccess.h"

#include <set>

using namespace cuport::rt;

namespace {

/// cudaSuccess when both ordinals name devices (initializing the runtime).
cudaError_t validDevices(int first, int second) {
  if (cudaError_t error = Runtime::instance().initialize())
    return error;
  if (!Runtime::instance().device(first) || !Runtime::instance().device(second))
    return cudaErrorInvalidDevice;
  return cudaSuccess;
}

/// What the host's atomics do natively for `operation` (x86-64 and AArch64
/// alike: 32- and 64-bit integer and floating-point read-modify-writes, and
/// 128-bit exchange and compare-and-swap); 0 for an unknown operation.
unsigned atomicCapabilities(cudaAtomicOperation operation) {
  constexpr unsigned kIntegers = cudaAtomicCapabilitySigned |
                                 cudaAtomicCapabilityUnsigned |
                                 cudaAtomicCapabilityReduction |
                                 cudaAtomicCapabilityScalar32 |
                                 cudaAtomicCapabilityScalar64;
  switch (operation) {
  case cudaAtomicOperationIntegerAdd:
  case cudaAtomicOperationIntegerMin:
  case cudaAtomicOperationIntegerMax:
  case cudaAtomicOperationIntegerIncrement:
  case cudaAtomicOperationIntegerDecrement:
  case cudaAtomicOperationAnd:
  case cudaAtomicOperationOr:
  case cudaAtomicOperationXOR:
    return kIntegers;
  case cudaAtomicOperationExchange:
  case cudaAtomicOperationCAS:
    return cudaAtomicCapabilityScalar32 | cudaAtomicCapabilityScalar64 |
           cudaAtomicCapabilityScalar128;
  case cudaAtomicOperationFloatAdd:
  case cudaAtomicOperationFloatMin:
  case cudaAtomicOperationFloatMax:
    return cudaAtomicCapabilityReduction | cudaAtomicCapabilityScalar32 |
           cudaAtomicCapabilityScalar64;
  }
  return 0;
}

cudaError_t fillAtomicCapabilities(unsigned *capabilities,
                                   const cudaAtomicOperation *operations,
                                   unsigned count) {
  if (!capabilities || !operations || count == 0)
    return cudaErrorInvalidValue;
  for (unsigned i = 0; i < count; ++i)
    if (atomicCapabilities(operations[i]) == 0)
      return cudaErrorInvalidValue;
  for (unsigned i = 0; i < count; ++i)
    capabilities[i] = atomicCapabilities(operations[i]);
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaDeviceCanAccessPeer(int *canAccessPeer, int device,
                                                  int peerDevice) {
  CUPORT_API_ENTRY(cudaDeviceCanAccessPeer);
  if (!canAccessPeer)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = validDevices(device, peerDevice))
    return recordError(error);
  // A device is not its own peer.
  *canAccessPeer = device != peerDevice ? 1 : 0;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags) {
  CUPORT_API_ENTRY(cudaDeviceEnablePeerAccess);
  Device *current = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&current))
    return recordError(error);
  if (!Runtime::instance().device(peerDevice) || peerDevice == current->ordinal)
    return recordError(cudaErrorInvalidDevice);
  if (flags != 0)
    return recordError(cudaErrorInvalidValue);
  if (!peerAccess().enable(current->ordinal, peerDevice))
    return recordError(cudaErrorPeerAccessAlreadyEnabled);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceDisablePeerAccess(int peerDevice) {
  CUPORT_API_ENTRY(cudaDeviceDisablePeerAccess);
  Device *current = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&current))
    return recordError(error);
  if (!Runtime::instance().device(peerDevice) || peerDevice == current->ordinal)
    return recordError(cudaErrorInvalidDevice);
  if (!peerAccess().disable(current->ordinal, peerDevice))
    return recordError(cudaErrorPeerAccessNotEnabled);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetP2PAttribute(int *value,
                                                    enum cudaDeviceP2PAttr attr,
                                                    int srcDevice, int dstDevice) {
  CUPORT_API_ENTRY(cudaDeviceGetP2PAttribute);
  if (!value)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = validDevices(srcDevice, dstDevice))
    return recordError(error);
  if (srcDevice == dstDevice)
    return recordError(cudaErrorInvalidDevice);
  switch (attr) {
  case cudaDevP2PAttrPerformanceRank:
    *value = 0; // one link, the best there is: host memory
    return cudaSuccess;
  case cudaDevP2PAttrAccessSupported:
  case cudaDevP2PAttrNativeAtomicSupported:
  case cudaDevP2PAttrCudaArrayAccessSupported:
    *value = 1;
    return cudaSuccess;
  case cudaDevP2PAttrOnlyPartialNativeAtomicSupported:
    *value = 0; // every atomic is native
    return cudaSuccess;
  }
  return recordError(cudaErrorInvalidValue);
}

CUPORT_EXPORT cudaError_t cudaDeviceGetP2PAtomicCapabilities(
    unsigned int *capabilities, const enum cudaAtomicOperation *operations,
    unsigned int count, int srcDevice, int dstDevice) {
  CUPORT_API_ENTRY(cudaDeviceGetP2PAtomicCapabilities);
  if (cudaError_t error = validDevices(srcDevice, dstDevice))
    return recordError(error);
  if (srcDevice == dstDevice)
    return recordError(cudaErrorInvalidDevice);
  return recordError(fillAtomicCapabilities(capabilities, operations, count));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetHostAtomicCapabilities(
    unsigned int *capabilities, const enum cudaAtomicOperation *operations,
    unsigned int count, int device) {
  CUPORT_API_ENTRY(cudaDeviceGetHostAtomicCapabilities);
  if (cudaError_t error = validDevices(device, device))
    return recordError(error);
  return recordError(fillAtomicCapabilities(capabilities, operations, count));
}

CUPORT_EXPORT cudaError_t cudaMemcpyPeer(void *dst, int dstDevice, const void *src,
                                         int srcDevice, size_t count) {
  CUPORT_API_ENTRY(cudaMemcpyPeer);
  if (cudaError_t error = validDevices(dstDevice, srcDevice))
    return recordError(error);
  if (count == 0)
    return cudaSuccess;
  // Serialized with all work of the current, source and destination
  // devices: theirs completes first, then the copy runs on the current
  // device's legacy stream (which orders it after that device's blocking
  // streams) and completes before returning.
  Device *current = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&current))
    return recordError(error);
  std::set<int> others{dstDevice, srcDevice};
  others.erase(current->ordinal);
  for (int ordinal : others)
    if (cudaError_t error = Runtime::instance().device(ordinal)->synchronize())
      return recordError(error);
  return cudaMemcpy(dst, src, count, cudaMemcpyDeviceToDevice);
}

CUPORT_EXPORT cudaError_t cudaMemcpyPeerAsync(void *dst, int dstDevice,
                                              const void *src, int srcDevice,
                                              size_t count, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyPeerAsync);
  if (cudaError_t error = validDevices(dstDevice, srcDevice))
    return recordError(error);
  if (count == 0)
    return cudaSuccess;
  // Ordered in `stream` only; work on the other devices is the
  // application's to order (events), as in CUDA.
  return cudaMemcpyAsync(dst, src, count, cudaMemcpyDeviceToDevice, stream);
}
