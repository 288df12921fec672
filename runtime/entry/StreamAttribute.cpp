//===- entry/StreamAttribute.cpp - Stream attributes and ids ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaStreamGetAttribute / SetAttribute / CopyAttributes and cudaStreamGetId.
// The attributes a stream accepts (access policy window, synchronization
// policy, priority, memory synchronization domain and its map) are stored
// and returned; none changes how the backend runs work: the L2 access
// policy has no counterpart on a CPU, and every synchronization policy
// waits the same way. The legacy and per-thread default streams keep their
// attributes per device (one shadow Stream each, never destroyed).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Streams.h"

#include <algorithm>
#include <map>
#include <memory>

using namespace cuport::rt;

namespace {

// Stream priorities as cudaDeviceGetStreamPriorityRange reports them.
constexpr int kLeastPriority = 0;
constexpr int kGreatestPriority = -5;

/// The Stream holding the attributes of `handle`: the created stream, or
/// the device's shadow for its default stream(s).
cudaError_t attributeHolder(cudaStream_t handle, Stream **out) {
  StreamTarget target;
  if (cudaError_t error = lookupStream(handle, &target))
    return error;
  if (target.stream) {
    *out = target.stream;
    return cudaSuccess;
  }
  static std::mutex mutex;
  static auto *shadows = new std::map<int, std::unique_ptr<Stream>>();
  std::lock_guard lock(mutex);
  std::unique_ptr<Stream> &shadow = (*shadows)[target.device->ordinal];
  if (!shadow) {
    shadow = std::make_unique<Stream>();
    shadow->device = target.device;
  }
  *out = shadow.get();
  return cudaSuccess;
}

bool isAccessProperty(int value) {
  return value >= cudaAccessPropertyNormal &&
         value <= cudaAccessPropertyPersisting;
}

cudaError_t getAttribute(cudaStream_t handle, cudaLaunchAttributeID attr,
                         cudaLaunchAttributeValue *value) {
  if (!value)
    return cudaErrorInvalidValue;
  Stream *stream = nullptr;
  if (cudaError_t error = attributeHolder(handle, &stream))
    return error;
  std::lock_guard lock(stream->attributeMutex);
  switch (attr) {
  case cudaLaunchAttributeAccessPolicyWindow:
    value->accessPolicyWindow = stream->accessPolicyWindow;
    return cudaSuccess;
  case cudaLaunchAttributeSynchronizationPolicy:
    value->syncPolicy = stream->syncPolicy;
    return cudaSuccess;
  case cudaLaunchAttributePriority:
    value->priority = stream->priority;
    return cudaSuccess;
  case cudaLaunchAttributeMemSyncDomain:
    value->memSyncDomain = stream->memSyncDomain;
    return cudaSuccess;
  case cudaLaunchAttributeMemSyncDomainMap:
    value->memSyncDomainMap = stream->memSyncDomainMap;
    return cudaSuccess;
  default:
    return cudaErrorInvalidValue;
  }
}

cudaError_t setAttribute(cudaStream_t handle, cudaLaunchAttributeID attr,
                         const cudaLaunchAttributeValue *value) {
  if (!value)
    return cudaErrorInvalidValue;
  Stream *stream = nullptr;
  if (cudaError_t error = attributeHolder(handle, &stream))
    return error;
  std::lock_guard lock(stream->attributeMutex);
  switch (attr) {
  case cudaLaunchAttributeAccessPolicyWindow: {
    const cudaAccessPolicyWindow &window = value->accessPolicyWindow;
    if (!(window.hitRatio >= 0.0f && window.hitRatio <= 1.0f) ||
        !isAccessProperty(window.hitProp) || !isAccessProperty(window.missProp) ||
        (window.num_bytes && !window.base_ptr))
      return cudaErrorInvalidValue;
    stream->accessPolicyWindow = window;
    return cudaSuccess;
  }
  case cudaLaunchAttributeSynchronizationPolicy:
    if (value->syncPolicy < cudaSyncPolicyAuto ||
        value->syncPolicy > cudaSyncPolicyBlockingSync)
      return cudaErrorInvalidValue;
    stream->syncPolicy = value->syncPolicy;
    return cudaSuccess;
  case cudaLaunchAttributePriority:
    // Out-of-range priorities are clamped, as cudaStreamCreateWithPriority does.
    stream->priority =
        std::clamp(value->priority, kGreatestPriority, kLeastPriority);
    return cudaSuccess;
  case cudaLaunchAttributeMemSyncDomain:
    if (value->memSyncDomain != cudaLaunchMemSyncDomainDefault &&
        value->memSyncDomain != cudaLaunchMemSyncDomainRemote)
      return cudaErrorInvalidValue;
    stream->memSyncDomain = value->memSyncDomain;
    return cudaSuccess;
  case cudaLaunchAttributeMemSyncDomainMap:
    stream->memSyncDomainMap = value->memSyncDomainMap;
    return cudaSuccess;
  default:
    return cudaErrorInvalidValue;
  }
}

cudaError_t copyAttributes(cudaStream_t dst, cudaStream_t src) {
  Stream *to = nullptr, *from = nullptr;
  if (cudaError_t error = attributeHolder(dst, &to))
    return error;
  if (cudaError_t error = attributeHolder(src, &from))
    return error;
  if (to == from)
    return cudaSuccess;
  std::scoped_lock lock(to->attributeMutex, from->attributeMutex);
  to->accessPolicyWindow = from->accessPolicyWindow;
  to->syncPolicy = from->syncPolicy;
  to->priority = from->priority;
  to->memSyncDomain = from->memSyncDomain;
  to->memSyncDomainMap = from->memSyncDomainMap;
  return cudaSuccess;
}

cudaError_t queryStreamId(cudaStream_t handle, unsigned long long *id) {
  if (!id)
    return cudaErrorInvalidValue;
  StreamTarget target;
  if (cudaError_t error = lookupStream(handle, &target))
    return error;
  if (target.stream) {
    *id = target.stream->id;
    return cudaSuccess;
  }
  // The legacy stream: its id is kept with its attributes.
  Stream *shadow = nullptr;
  if (cudaError_t error = attributeHolder(handle, &shadow))
    return error;
  std::lock_guard lock(shadow->attributeMutex);
  if (!shadow->id)
    shadow->id = nextStreamId();
  *id = shadow->id;
  return cudaSuccess;
}

cudaStream_t perThread(cudaStream_t stream) {
  return stream ? stream : cudaStreamPerThread;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaStreamGetAttribute(cudaStream_t hStream,
                                                 cudaLaunchAttributeID attr,
                                                 cudaLaunchAttributeValue *value_out) {
  CUPORT_API_ENTRY(cudaStreamGetAttribute);
  return recordError(getAttribute(hStream, attr, value_out));
}

CUPORT_EXPORT cudaError_t cudaStreamGetAttribute_ptsz(
    cudaStream_t hStream, cudaLaunchAttributeID attr,
    cudaLaunchAttributeValue *value_out) {
  CUPORT_API_ENTRY(cudaStreamGetAttribute_ptsz);
  return recordError(getAttribute(perThread(hStream), attr, value_out));
}

CUPORT_EXPORT cudaError_t cudaStreamSetAttribute(cudaStream_t hStream,
                                                 cudaLaunchAttributeID attr,
                                                 const cudaLaunchAttributeValue *value) {
  CUPORT_API_ENTRY(cudaStreamSetAttribute);
  return recordError(setAttribute(hStream, attr, value));
}

CUPORT_EXPORT cudaError_t cudaStreamSetAttribute_ptsz(
    cudaStream_t hStream, cudaLaunchAttributeID attr,
    const cudaLaunchAttributeValue *value) {
  CUPORT_API_ENTRY(cudaStreamSetAttribute_ptsz);
  return recordError(setAttribute(perThread(hStream), attr, value));
}

CUPORT_EXPORT cudaError_t cudaStreamCopyAttributes(cudaStream_t dst,
                                                   cudaStream_t src) {
  CUPORT_API_ENTRY(cudaStreamCopyAttributes);
  return recordError(copyAttributes(dst, src));
}

CUPORT_EXPORT cudaError_t cudaStreamCopyAttributes_ptsz(cudaStream_t dst,
                                                        cudaStream_t src) {
  CUPORT_API_ENTRY(cudaStreamCopyAttributes_ptsz);
  return recordError(copyAttributes(perThread(dst), perThread(src)));
}

CUPORT_EXPORT cudaError_t cudaStreamGetId(cudaStream_t hStream,
                                          unsigned long long *streamId) {
  CUPORT_API_ENTRY(cudaStreamGetId);
  return recordError(queryStreamId(hStream, streamId));
}

CUPORT_EXPORT cudaError_t cudaStreamGetId_ptsz(cudaStream_t hStream,
                                               unsigned long long *streamId) {
  CUPORT_API_ENTRY(cudaStreamGetId_ptsz);
  return recordError(queryStreamId(perThread(hStream), streamId));
}

CUPORT_EXPORT cudaError_t cudaCtxResetPersistingL2Cache(void) {
  CUPORT_API_ENTRY(cudaCtxResetPersistingL2Cache);
  // No cache line is ever persisting: there is nothing to reset.
  Device *device = nullptr;
  return recordError(Runtime::instance().currentDevice(&device));
}
