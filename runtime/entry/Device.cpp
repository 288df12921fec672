//===- entry/Device.cpp - Device management --------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Devices are the backend's; cudaDeviceProp and every cudaDeviceGetAttribute
// answer are built from the numbers the backend reports
// (backend::DeviceProperties) by core/DeviceProperties.cpp.
//
// Limits, cache and shared-memory configuration are per-device context
// state: set and read back exactly (within CUDA's bounds), returned to
// their defaults by cudaDeviceReset. None changes how a kernel runs on a
// CPU-class backend, where L1, shared memory and the stack are host memory.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/DeviceProperties.h"
#include "core/Graph.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>

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
  if (cudaError_t error = checkCaptureSafe())
    return recordError(error);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  return recordError(device->synchronize());
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
  fillDeviceProperties(selected->backend->properties(), device, *prop);
  return cudaSuccess;
}

namespace {

/// The device `ordinal`, initializing the runtime; nullptr when absent
/// (*error says why).
Device *deviceByOrdinal(int ordinal, cudaError_t *error) {
  *error = Runtime::instance().initialize();
  if (*error != cudaSuccess)
    return nullptr;
  Device *device = Runtime::instance().device(ordinal);
  if (!device)
    *error = cudaErrorInvalidDevice;
  return device;
}

cudaDeviceProp propertiesOf(const Device &device) {
  cudaDeviceProp prop;
  fillDeviceProperties(device.backend->properties(), device.ordinal, prop);
  return prop;
}

/// The flags cudaSetDeviceFlags accepts: one scheduling policy plus the
/// independent bits.
bool validDeviceFlags(unsigned flags) {
  constexpr unsigned kValid = cudaDeviceScheduleMask | cudaDeviceMapHost |
                              cudaDeviceLmemResizeToMax | cudaDeviceSyncMemops;
  if (flags & ~kValid)
    return false;
  switch (flags & cudaDeviceScheduleMask) {
  case cudaDeviceScheduleAuto:
  case cudaDeviceScheduleSpin:
  case cudaDeviceScheduleYield:
  case cudaDeviceScheduleBlockingSync:
    return true;
  default:
    return false; // two policies at once
  }
}

/// The deepest grid nesting at which device code may synchronize
/// (cudaLimitDevRuntimeSyncDepth), CUDA's maximum launch depth.
constexpr size_t kMaxSyncDepth = 24;
/// cudaLimitMaxL2FetchGranularity ranges from 0 to 128 bytes.
constexpr size_t kMaxL2FetchGranularity = 128;

bool isLimit(int limit) { return limit >= 0 && limit < kLimitCount; }

/// cudaLimitDevRuntimeSyncDepth exists below compute capability 9.0 only.
bool limitSupported(const Device &device, cudaLimit limit) {
  return limit != cudaLimitDevRuntimeSyncDepth ||
         device.backend->properties().computeMajor < 9;
}

cudaError_t setLimit(cudaLimit limit, size_t value) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (!isLimit(limit) || !limitSupported(*device, limit))
    return cudaErrorUnsupportedLimit;
  std::lock_guard lock(device->mutex);
  switch (limit) {
  case cudaLimitPrintfFifoSize:
    if (device->launchedPrintf)
      return cudaErrorInvalidValue; // fixed once a printf kernel ran
    break;
  case cudaLimitDevRuntimeSyncDepth:
    if (value > kMaxSyncDepth)
      return cudaErrorInvalidValue;
    break;
  case cudaLimitMaxL2FetchGranularity:
    if (value > kMaxL2FetchGranularity)
      return cudaErrorInvalidValue;
    break;
  case cudaLimitPersistingL2CacheSize:
    // A hint, clamped to what the device can set aside.
    value = std::min(value, size_t(propertiesOf(*device).persistingL2CacheMaxSize));
    break;
  default:
    break;
  }
  device->limits[limit] = value;
  return cudaSuccess;
}

cudaError_t getLimit(size_t *value, cudaLimit limit) {
  if (!value)
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (!isLimit(limit) || !limitSupported(*device, limit))
    return cudaErrorUnsupportedLimit;
  std::lock_guard lock(device->mutex);
  *value = device->limits[limit];
  return cudaSuccess;
}

/// How far `device` is from what `wanted` asks for (lower is better): a
/// device of at least the requested compute capability beats any older one,
/// then the closest capability wins, then a matching name.
long chooseScore(const cudaDeviceProp &device, const cudaDeviceProp &wanted) {
  long have = device.major * 10L + device.minor;
  long want = wanted.major * 10L + wanted.minor;
  long score = 2 * (have >= want ? have - want : 1000 + (want - have));
  bool nameDiffers =
      wanted.name[0] && std::strncmp(device.name, wanted.name, sizeof device.name);
  return score + (nameDiffers ? 1 : 0);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaDeviceGetAttribute(int *value,
                                                 enum cudaDeviceAttr attr,
                                                 int device) {
  if (!value)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error;
  Device *selected = deviceByOrdinal(device, &error);
  if (!selected)
    return recordError(error);
  return recordError(deviceAttribute(propertiesOf(*selected),
                                     selected->backend->properties(), attr, value));
}

CUPORT_EXPORT cudaError_t cudaDeviceReset(void) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  Runtime::instance().resetDevice(*device);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaSetDeviceFlags(unsigned int flags) {
  if (!validDeviceFlags(flags))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  std::lock_guard lock(device->mutex);
  device->flags = flags;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGetDeviceFlags(unsigned int *flags) {
  if (!flags)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  std::lock_guard lock(device->mutex);
  // Mapping pinned memory is implicit in the runtime API: always reported.
  *flags = device->flags | cudaDeviceMapHost;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSetLimit(enum cudaLimit limit, size_t value) {
  return recordError(setLimit(limit, value));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetLimit(size_t *pValue, enum cudaLimit limit) {
  return recordError(getLimit(pValue, limit));
}

CUPORT_EXPORT cudaError_t cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig) {
  if (cacheConfig < cudaFuncCachePreferNone || cacheConfig > cudaFuncCachePreferEqual)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  std::lock_guard lock(device->mutex);
  device->cacheConfig = cacheConfig;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetCacheConfig(enum cudaFuncCache *pCacheConfig) {
  if (!pCacheConfig)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  std::lock_guard lock(device->mutex);
  *pCacheConfig = device->cacheConfig;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSetSharedMemConfig(enum cudaSharedMemConfig config) {
  if (config < cudaSharedMemBankSizeDefault || config > cudaSharedMemBankSizeEightByte)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  // Only Kepler had a configurable bank size; CUDA accepts the request on
  // every other device and keeps reporting four-byte banks.
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetSharedMemConfig(enum cudaSharedMemConfig *pConfig) {
  if (!pConfig)
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  std::lock_guard lock(device->mutex);
  *pConfig = device->sharedMemConfig;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaChooseDevice(int *device,
                                           const struct cudaDeviceProp *prop) {
  if (!device || !prop)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  int best = -1;
  long bestScore = 0;
  for (int ordinal = 0; ordinal < Runtime::instance().deviceCount(); ++ordinal) {
    long score = chooseScore(propertiesOf(*Runtime::instance().device(ordinal)), *prop);
    if (best < 0 || score < bestScore) {
      best = ordinal;
      bestScore = score;
    }
  }
  if (best < 0)
    return recordError(cudaErrorNoDevice);
  *device = best;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetPCIBusId(char *pciBusId, int len, int device) {
  if (!pciBusId || len <= 0)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error;
  Device *selected = deviceByOrdinal(device, &error);
  if (!selected)
    return recordError(error);
  // Truncated to `len` bytes, always NUL-terminated; 13 bytes hold it all.
  std::string id = cuport::rt::pciBusId(propertiesOf(*selected));
  size_t copied = std::min(id.size(), size_t(len) - 1);
  std::memcpy(pciBusId, id.data(), copied);
  pciBusId[copied] = '\0';
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetByPCIBusId(int *device, const char *pciBusId) {
  if (!device || !pciBusId)
    return recordError(cudaErrorInvalidValue);
  std::optional<std::array<unsigned, 3>> location = parsePciBusId(pciBusId);
  if (!location)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  for (int ordinal = 0; ordinal < Runtime::instance().deviceCount(); ++ordinal) {
    cudaDeviceProp prop = propertiesOf(*Runtime::instance().device(ordinal));
    if (unsigned(prop.pciDomainID) == (*location)[0] &&
        unsigned(prop.pciBusID) == (*location)[1] &&
        unsigned(prop.pciDeviceID) == (*location)[2]) {
      *device = ordinal;
      return cudaSuccess;
    }
  }
  return recordError(cudaErrorInvalidDevice);
}
