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

#include "core/Arrays.h"
#include "core/DeviceProperties.h"
#include "core/Graph.h"
#include "core/MemoryPool.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <set>
#include <cstring>
#include <optional>
#include <string>

using namespace cuport::rt;

CUPORT_EXPORT cudaError_t cudaGetDeviceCount(int *count) {
  CUPORT_API_ENTRY(cudaGetDeviceCount);
  if (!count)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error = Runtime::instance().initialize();
  *count = Runtime::instance().deviceCount();
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaSetDevice(int device) {
  CUPORT_API_ENTRY(cudaSetDevice);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  if (!Runtime::instance().device(device))
    return recordError(cudaErrorInvalidDevice);
  threadState().device = device;
  threadState().deviceSet = true;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGetDevice(int *device) {
  CUPORT_API_ENTRY(cudaGetDevice);
  if (!device)
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  *device = threadState().device;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSynchronize(void) {
  CUPORT_API_ENTRY(cudaDeviceSynchronize);
  if (cudaError_t error = checkCaptureSafe())
    return recordError(error);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  cudaError_t error = device->synchronize();
  // A synchronization is when pools give memory above their release
  // threshold back.
  memoryPools().releaseAboveThreshold(*device);
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop,
                                                  int device) {
  CUPORT_API_ENTRY(cudaGetDeviceProperties);
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
  case cudaLimitMallocHeapSize:
    if (device->mallocHeap)
      return cudaErrorInvalidValue; // fixed once a malloc kernel ran
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
  CUPORT_API_ENTRY(cudaDeviceGetAttribute);
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
  CUPORT_API_ENTRY(cudaDeviceReset);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  Runtime::instance().resetDevice(*device);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaSetDeviceFlags(unsigned int flags) {
  CUPORT_API_ENTRY(cudaSetDeviceFlags);
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
  CUPORT_API_ENTRY(cudaGetDeviceFlags);
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
  CUPORT_API_ENTRY(cudaDeviceSetLimit);
  return recordError(setLimit(limit, value));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetLimit(size_t *pValue, enum cudaLimit limit) {
  CUPORT_API_ENTRY(cudaDeviceGetLimit);
  return recordError(getLimit(pValue, limit));
}

CUPORT_EXPORT cudaError_t cudaDeviceGetTexture1DLinearMaxWidth(
    size_t *maxWidthInElements, const struct cudaChannelFormatDesc *fmtDesc, int device) {
  CUPORT_API_ENTRY(cudaDeviceGetTexture1DLinearMaxWidth);
  if (!maxWidthInElements || !fmtDesc)
    return recordError(cudaErrorInvalidValue);
  // The device first (cudaErrorInvalidDevice), then the format: one that
  // textures cannot hold is cudaErrorInvalidChannelDescriptor or
  // cudaErrorInvalidValue, as for cudaMallocArray.
  int width = 0;
  if (cudaError_t error =
          cudaDeviceGetAttribute(&width, cudaDevAttrMaxTexture1DLinearWidth, device))
    return recordError(error);
  cudaError_t formatError = cudaSuccess;
  if (texelBytesOf(*fmtDesc, &formatError) == 0)
    return recordError(formatError);
  *maxWidthInElements = static_cast<size_t>(width);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig) {
  CUPORT_API_ENTRY(cudaDeviceSetCacheConfig);
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
  CUPORT_API_ENTRY(cudaDeviceGetCacheConfig);
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
  CUPORT_API_ENTRY(cudaDeviceSetSharedMemConfig);
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
  CUPORT_API_ENTRY(cudaDeviceGetSharedMemConfig);
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
  CUPORT_API_ENTRY(cudaChooseDevice);
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
  CUPORT_API_ENTRY(cudaDeviceGetPCIBusId);
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
  CUPORT_API_ENTRY(cudaDeviceGetByPCIBusId);
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

//===----------------------------------------------------------------------===//
// Device selection and initialization
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaSetValidDevices(int *device_arr, int len) {
  CUPORT_API_ENTRY(cudaSetValidDevices);
  if (len < 0 || (len > 0 && !device_arr))
    return recordError(cudaErrorInvalidValue);
  if (cudaError_t error = Runtime::instance().initialize())
    return recordError(error);
  if (len > Runtime::instance().deviceCount())
    return recordError(cudaErrorInvalidValue);
  for (int i = 0; i < len; ++i)
    if (!Runtime::instance().device(device_arr[i]))
      return recordError(cudaErrorInvalidDevice);
  // CUDA tries the listed devices in order when the thread has not chosen
  // one; every device works, so the first is the one. An empty list goes
  // back to the default order (device 0 first).
  ThreadState &state = threadState();
  if (!state.deviceSet)
    state.device = len > 0 ? device_arr[0] : 0;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaInitDevice(int device, unsigned int deviceFlags,
                                         unsigned int flags) {
  CUPORT_API_ENTRY(cudaInitDevice);
  cudaError_t error;
  Device *selected = deviceByOrdinal(device, &error);
  if (!selected)
    return recordError(error);
  if (flags & ~unsigned(cudaInitDeviceFlagsAreValid))
    return recordError(cudaErrorInvalidValue);
  if (flags & cudaInitDeviceFlagsAreValid) {
    if (!validDeviceFlags(deviceFlags))
      return recordError(cudaErrorInvalidValue);
    std::lock_guard lock(selected->mutex);
    selected->flags = deviceFlags;
  }
  // Initializing the primary context: its legacy stream exists from now.
  if (!selected->defaultQueue())
    return recordError(cudaErrorUnknown);
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// GPUDirect RDMA, notifications, NvSciSync
//===----------------------------------------------------------------------===//

CUPORT_EXPORT cudaError_t cudaDeviceFlushGPUDirectRDMAWrites(
    enum cudaFlushGPUDirectRDMAWritesTarget target,
    enum cudaFlushGPUDirectRDMAWritesScope scope) {
  CUPORT_API_ENTRY(cudaDeviceFlushGPUDirectRDMAWrites);
  if (target != cudaFlushGPUDirectRDMAWritesTargetCurrentDevice ||
      (scope != cudaFlushGPUDirectRDMAWritesToOwner &&
       scope != cudaFlushGPUDirectRDMAWritesToAllDevices))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  // Third-party writes to device memory are host memory writes: a full
  // fence makes those that happened before visible to work issued after.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  return cudaSuccess;
}

/// A callback registered by cudaDeviceRegisterAsyncNotification.
struct cudaAsyncCallbackEntry {
  int device;
  cudaAsyncCallback callback;
  void *userData;
};

namespace {

struct AsyncNotifications {
  std::mutex mutex;
  std::set<cudaAsyncCallbackEntry *> live;
};

AsyncNotifications &asyncNotifications() {
  static auto *notifications = new AsyncNotifications();
  return *notifications;
}

} // namespace

// The only notification CUDA 13.0 sends is cudaAsyncNotificationTypeOverBudget,
// when the device's memory budget (set by the system for oversubscribed
// devices) is exceeded. A CPU device has no budget beyond the host's memory,
// so registered callbacks are kept and validated but never fire.
CUPORT_EXPORT cudaError_t cudaDeviceRegisterAsyncNotification(
    int device, cudaAsyncCallback callbackFunc, void *userData,
    cudaAsyncCallbackHandle_t *callback) {
  CUPORT_API_ENTRY(cudaDeviceRegisterAsyncNotification);
  if (!callbackFunc || !callback)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error;
  if (!deviceByOrdinal(device, &error))
    return recordError(error);
  auto *entry = new cudaAsyncCallbackEntry{device, callbackFunc, userData};
  std::lock_guard lock(asyncNotifications().mutex);
  asyncNotifications().live.insert(entry);
  *callback = entry;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceUnregisterAsyncNotification(
    int device, cudaAsyncCallbackHandle_t callback) {
  CUPORT_API_ENTRY(cudaDeviceUnregisterAsyncNotification);
  cudaError_t error;
  if (!deviceByOrdinal(device, &error))
    return recordError(error);
  std::lock_guard lock(asyncNotifications().mutex);
  auto it = asyncNotifications().live.find(callback);
  if (it == asyncNotifications().live.end() || (*it)->device != device)
    return recordError(cudaErrorInvalidValue);
  delete *it;
  asyncNotifications().live.erase(it);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaDeviceGetNvSciSyncAttributes(void *nvSciSyncAttrList,
                                                           int device, int flags) {
  CUPORT_API_ENTRY(cudaDeviceGetNvSciSyncAttributes);
  if (!nvSciSyncAttrList)
    return recordError(cudaErrorInvalidValue);
  cudaError_t error;
  if (!deviceByOrdinal(device, &error))
    return recordError(error);
  constexpr int kValid = cudaNvSciSyncAttrSignal | cudaNvSciSyncAttrWait;
  if (flags == 0 || (flags & ~kValid))
    return recordError(cudaErrorInvalidValue);
  // NvSciSync exists on NVIDIA's embedded platforms only; this device does
  // not interoperate with it.
  return recordError(cudaErrorNotSupported);
}
