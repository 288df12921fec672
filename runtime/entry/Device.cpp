//===- entry/Device.cpp - Device management --------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Devices are the backend's; cudaDeviceProp is built from the numbers the
// backend reports (backend::DeviceProperties) plus the constants every
// device of CUDA 13 shares.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include <cstring>

using namespace cuport::rt;

CUPORT_EXPORT cudaError_t cudaGetDeviceCount(int *count) {
  if (!count)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error = Runtime::instance().initialize();
  *count = Runtime::instance().deviceCount();
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaSetDevice(int device) {
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  if (!Runtime::instance().device(device))
    return recordError(cudaErrorInvalidDevice);
  threadState().device = device;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGetDevice(int *device) {
  if (!device)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  *device = threadState().device;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSynchronize(void) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  return recordError(device->synchronize());
}

static void fillProperties(const cuport::backend::DeviceProperties &from,
                           int ordinal, cudaDeviceProp &to) {
  std::memset(&to, 0, sizeof(to));
  std::memcpy(to.name, from.name, sizeof(to.name));
  to.name[sizeof(to.name) - 1] = '\0';
  // A stable, recognisable UUID per device: "cuport" + ordinal.
  std::memcpy(to.uuid.bytes, "cuport-device-", 14);
  to.uuid.bytes[14] = static_cast<char>(ordinal >> 8);
  to.uuid.bytes[15] = static_cast<char>(ordinal);
  to.totalGlobalMem = from.totalGlobalMem;
  to.sharedMemPerBlock = from.sharedMemPerBlock;
  to.regsPerBlock = from.regsPerBlock;
  to.warpSize = from.warpSize;
  to.memPitch = 2147483647;
  to.maxThreadsPerBlock = from.maxThreadsPerBlock;
  for (int i = 0; i < 3; ++i) {
    to.maxThreadsDim[i] = from.maxThreadsDim[i];
    to.maxGridSize[i] = from.maxGridSize[i];
  }
  to.totalConstMem = from.totalConstMem;
  to.major = from.computeMajor;
  to.minor = from.computeMinor;
  to.textureAlignment = 512;
  to.texturePitchAlignment = 32;
  to.multiProcessorCount = from.multiProcessorCount;
  to.integrated = from.integrated;
  to.canMapHostMemory = 1;
  to.surfaceAlignment = 512;
  to.concurrentKernels = from.concurrentKernels;
  to.pciBusID = ordinal;
  to.asyncEngineCount = 1;
  to.unifiedAddressing = from.unifiedAddressing;
  to.memoryBusWidth = from.memoryBusWidth;
  to.l2CacheSize = from.l2CacheSize;
  to.maxThreadsPerMultiProcessor = from.maxThreadsPerMultiProcessor;
  to.streamPrioritiesSupported = 1;
  to.globalL1CacheSupported = 1;
  to.localL1CacheSupported = 1;
  to.sharedMemPerMultiprocessor = from.sharedMemPerMultiprocessor;
  to.regsPerMultiprocessor = from.regsPerMultiprocessor;
  to.managedMemory = from.managedMemory;
  to.hostNativeAtomicSupported = 1;
  to.pageableMemoryAccess = 1;
  to.concurrentManagedAccess = 1;
  to.canUseHostPointerForRegisteredMem = 1;
  to.cooperativeLaunch = 1;
  to.sharedMemPerBlockOptin = from.sharedMemPerBlockOptin;
  to.pageableMemoryAccessUsesHostPageTables = 1;
  to.directManagedMemAccessFromHost = 1;
  to.maxBlocksPerMultiProcessor = from.maxBlocksPerMultiProcessor;
  to.hostRegisterSupported = 1;
  to.memoryPoolsSupported = 1;
  to.deviceNumaId = -1;
  to.hostNumaId = -1;
}

CUPORT_EXPORT cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop,
                                                  int device) {
  if (!prop)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  Device *selected = Runtime::instance().device(device);
  if (!selected)
    return recordError(cudaErrorInvalidDevice);
  fillProperties(selected->backend->properties(), device, *prop);
  return cudaSuccess;
}
