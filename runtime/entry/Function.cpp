//===- entry/Function.cpp - Execution control: kernel attributes ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaFuncGetAttributes and friends. A kernel is named by its host stub or
// by a cudaKernel_t; asking about it loads its module on the current device
// exactly as its first launch would (so a PTX that does not translate gives
// the same error here). Settings (cudaFuncSetAttribute, ...) are per kernel
// and device, as CUDA keeps them on the device's function; cudaDeviceReset
// forgets them with the module.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Occupancy.h"

#include <climits>

namespace cuport::rt {

KernelRecord *findFunction(const void *func) {
  ModuleRegistry &modules = Runtime::instance().modules();
  if (KernelRecord *record = modules.findByHostFunction(func))
    return record;
  if (func && modules.isKernel(func))
    return static_cast<KernelRecord *>(const_cast<void *>(func));
  return nullptr;
}

cudaError_t resolveFunction(const void *func, ResolvedFunction *out) {
  KernelRecord *record = findFunction(func);
  if (!record)
    return cudaErrorInvalidDeviceFunction;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  backend::Kernel *kernel = nullptr;
  if (cudaError_t error =
          Runtime::instance().modules().resolve(*record, *device, &kernel))
    return error;
  *out = {record, device, kernel};
  return cudaSuccess;
}

void functionAttributes(const ResolvedFunction &function,
                        cudaFuncAttributes *out) {
  ModuleRegistry &modules = Runtime::instance().modules();
  int ordinal = function.device->ordinal;
  cudaDeviceProp prop;
  fillDeviceProperties(function.device->backend->properties(), ordinal, prop);
  describeFunction(function.kernel->info(), prop,
                   modules.settings(*function.record, ordinal),
                   modules.ptxArch(*function.record, ordinal),
                   modules.constantBytes(*function.record), *out);
}

} // namespace cuport::rt

using namespace cuport::rt;

namespace {

bool isCacheConfig(int value) {
  return value >= cudaFuncCachePreferNone && value <= cudaFuncCachePreferEqual;
}

bool isSharedMemConfig(int value) {
  return value >= cudaSharedMemBankSizeDefault &&
         value <= cudaSharedMemBankSizeEightByte;
}

} // namespace

namespace cuport::rt {

cudaError_t setFunctionAttribute(const ResolvedFunction &function,
                                 cudaFuncAttribute attr, int value) {
  ModuleRegistry &modules = Runtime::instance().modules();
  int ordinal = function.device->ordinal;
  switch (attr) {
  case cudaFuncAttributeMaxDynamicSharedMemorySize: {
    // Static plus dynamic shared memory may reach the device's opt-in limit.
    const cuport::backend::DeviceProperties &props = function.device->backend->properties();
    uint64_t staticBytes = function.kernel->info().staticSharedBytes;
    if (value < 0 || staticBytes + uint64_t(value) > props.sharedMemPerBlockOptin)
      return cudaErrorInvalidValue;
    modules.updateSettings(*function.record, ordinal,
                           [&](FunctionSettings &s) { s.maxDynamicSharedBytes = value; });
    return cudaSuccess;
  }
  case cudaFuncAttributePreferredSharedMemoryCarveout:
    // A percentage of the maximum shared memory, or -1 for no preference.
    // Only a hint: every carveout is honoured the same way.
    if (value < cudaSharedmemCarveoutDefault || value > cudaSharedmemCarveoutMaxShared)
      return cudaErrorInvalidValue;
    modules.updateSettings(*function.record, ordinal,
                           [&](FunctionSettings &s) { s.preferredCarveout = value; });
    return cudaSuccess;
  case cudaFuncAttributeClusterDimMustBeSet:
  case cudaFuncAttributeRequiredClusterWidth:
  case cudaFuncAttributeRequiredClusterHeight:
  case cudaFuncAttributeRequiredClusterDepth:
  case cudaFuncAttributeNonPortableClusterSizeAllowed:
  case cudaFuncAttributeClusterSchedulingPolicyPreference:
    // Thread block clusters need compute capability 9.0; the device reports
    // clusterLaunch = 0.
    return cudaErrorNotSupported;
  default:
    return cudaErrorInvalidValue;
  }
}

} // namespace cuport::rt

namespace {

cudaError_t setAttribute(const void *func, cudaFuncAttribute attr, int value) {
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return error;
  return setFunctionAttribute(function, attr, value);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes *attr,
                                                const void *func) {
  CUPORT_API_ENTRY(cudaFuncGetAttributes);
  if (!attr)
    return recordError(cudaErrorInvalidValue);
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return recordError(error);
  functionAttributes(function, attr);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaFuncSetAttribute(const void *func,
                                               enum cudaFuncAttribute attr,
                                               int value) {
  CUPORT_API_ENTRY(cudaFuncSetAttribute);
  return recordError(setAttribute(func, attr, value));
}

CUPORT_EXPORT cudaError_t cudaFuncSetCacheConfig(const void *func,
                                                 enum cudaFuncCache cacheConfig) {
  CUPORT_API_ENTRY(cudaFuncSetCacheConfig);
  KernelRecord *record = findFunction(func);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  if (!isCacheConfig(cacheConfig))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  // A preference only: L1 and shared memory are not split on any backend.
  Runtime::instance().modules().updateSettings(
      *record, device->ordinal,
      [&](FunctionSettings &s) { s.cacheConfig = cacheConfig; });
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaFuncSetSharedMemConfig(const void *func,
                                                     enum cudaSharedMemConfig config) {
  CUPORT_API_ENTRY(cudaFuncSetSharedMemConfig);
  KernelRecord *record = findFunction(func);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  if (!isSharedMemConfig(config))
    return recordError(cudaErrorInvalidValue);
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return recordError(error);
  // Bank size is configurable on Kepler only; elsewhere CUDA accepts the
  // request and ignores it.
  Runtime::instance().modules().updateSettings(
      *record, device->ordinal,
      [&](FunctionSettings &s) { s.sharedMemConfig = config; });
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaFuncGetName(const char **name, const void *func) {
  CUPORT_API_ENTRY(cudaFuncGetName);
  if (!name)
    return recordError(cudaErrorInvalidValue);
  KernelRecord *record = findFunction(func);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  // The mangled name, as in the PTX; it lives as long as the registration.
  *name = record->deviceName.c_str();
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaFuncGetParamInfo(const void *func, size_t paramIndex,
                                               size_t *paramOffset,
                                               size_t *paramSize) {
  CUPORT_API_ENTRY(cudaFuncGetParamInfo);
  // The offset is required, the size optional (as cuFuncGetParamInfo).
  if (!paramOffset)
    return recordError(cudaErrorInvalidValue);
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(func, &function))
    return recordError(error);
  const cuport::backend::KernelInfo &info = function.kernel->info();
  if (paramIndex >= info.params.size())
    return recordError(cudaErrorInvalidValue);
  *paramOffset = info.params[paramIndex].offset;
  if (paramSize)
    *paramSize = info.params[paramIndex].size;
  return cudaSuccess;
}
