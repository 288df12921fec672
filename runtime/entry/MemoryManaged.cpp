//===- entry/MemoryManaged.cpp - Managed memory ----------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaMallocManaged memory is allocated by the backend as MemoryKind::Managed
// and is host-addressable on every backend so far (the CPU backend's device
// memory is host memory), so no page ever migrates. cudaMemAdvise and the
// prefetches are validated like CUDA validates them and remembered per byte
// range (core/ManagedRanges), so cudaMemRangeGetAttribute answers what the
// application said; prefetches and discards are ordered in their stream
// (legacy-stream rules) but move nothing. cudaStreamAttachMemAsync (Stream
// section, kept here with the other managed-memory entries) records the
// attach flags.
//
// Ranges: managed memory, which must lie inside one allocation, or, since
// the device reports pageableMemoryAccess, memory the runtime does not know
// (system memory). Device and pinned host allocations are
// cudaErrorInvalidValue.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"

#include "core/ManagedRanges.h"
#include "core/MemoryOps.h"

#include <algorithm>
#include <cstring>

using namespace cuport::rt;
using cuport::backend::MemoryKind;

namespace {

AllocationTable &table() { return Runtime::instance().allocations(); }

/// [devPtr, devPtr + count) may be advised, prefetched or queried.
cudaError_t checkRange(const void *devPtr, size_t count) {
  if (!devPtr || count == 0)
    return cudaErrorInvalidValue;
  std::optional<Allocation> first = table().find(devPtr);
  if (first) {
    if (first->kind != MemoryKind::Managed || !table().contains(devPtr, count))
      return cudaErrorInvalidValue;
    return cudaSuccess;
  }
  // System memory: none of it may belong to an allocation.
  const char *last = static_cast<const char *>(devPtr) + (count - 1);
  if (table().find(last))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

/// A location a prefetch or a preferred location may name.
cudaError_t checkLocation(const cudaMemLocation &location) {
  switch (location.type) {
  case cudaMemLocationTypeDevice:
    if (location.id < 0 || location.id >= Runtime::instance().deviceCount())
      return cudaErrorInvalidDevice;
    return cudaSuccess;
  case cudaMemLocationTypeHost:
  case cudaMemLocationTypeHostNumaCurrent:
    return cudaSuccess;
  case cudaMemLocationTypeHostNuma:
    return location.id >= 0 ? cudaSuccess : cudaErrorInvalidValue;
  default:
    return cudaErrorInvalidValue;
  }
}

/// The device id cudaMemRangeGetAttribute reports for a location.
int deviceIdOf(const cudaMemLocation &location) {
  switch (location.type) {
  case cudaMemLocationTypeDevice: return location.id;
  case cudaMemLocationTypeHost:
  case cudaMemLocationTypeHostNuma:
  case cudaMemLocationTypeHostNumaCurrent: return cudaCpuDeviceId;
  default: return cudaInvalidDeviceId;
  }
}

uintptr_t address(const void *pointer) { return reinterpret_cast<uintptr_t>(pointer); }

cudaError_t mallocManaged(void **devPtr, size_t size, unsigned flags) {
  if (!devPtr || size == 0 ||
      (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (!device->backend->properties().managedMemory)
    return cudaErrorNotSupported;
  return allocateMemory(devPtr, size, MemoryKind::Managed, flags);
}

cudaError_t advise(const void *devPtr, size_t count, cudaMemoryAdvise advice,
                   cudaMemLocation location) {
  if (cudaError_t error = checkRange(devPtr, count))
    return error;
  std::function<void(RangeState &)> change;
  switch (advice) {
  case cudaMemAdviseSetReadMostly:
    change = [](RangeState &state) { state.readMostly = true; };
    break;
  case cudaMemAdviseUnsetReadMostly:
    change = [](RangeState &state) { state.readMostly = false; };
    break;
  case cudaMemAdviseSetPreferredLocation:
    if (cudaError_t error = checkLocation(location))
      return error;
    change = [location](RangeState &state) { state.preferred = location; };
    break;
  case cudaMemAdviseUnsetPreferredLocation:
    change = [](RangeState &state) {
      state.preferred = {cudaMemLocationTypeInvalid, 0};
    };
    break;
  case cudaMemAdviseSetAccessedBy:
  case cudaMemAdviseUnsetAccessedBy: {
    if (location.type != cudaMemLocationTypeDevice &&
        location.type != cudaMemLocationTypeHost)
      return cudaErrorInvalidValue;
    if (cudaError_t error = checkLocation(location))
      return error;
    int id = deviceIdOf(location);
    bool set = advice == cudaMemAdviseSetAccessedBy;
    change = [id, set](RangeState &state) {
      auto &ids = state.accessedBy;
      auto at = std::lower_bound(ids.begin(), ids.end(), id);
      bool present = at != ids.end() && *at == id;
      if (set && !present)
        ids.insert(at, id);
      else if (!set && present)
        ids.erase(at);
    };
    break;
  }
  default:
    return cudaErrorInvalidValue;
  }
  managedRanges().update(address(devPtr), address(devPtr) + count, change);
  return cudaSuccess;
}

/// One value of cudaMemRangeGetAttribute over `states`.
cudaError_t rangeAttribute(void *data, size_t dataSize, cudaMemRangeAttribute attribute,
                           const std::vector<RangeState> &states) {
  if (!data)
    return cudaErrorInvalidValue;
  // The value all states agree on, or `mixed`.
  auto common = [&](auto field, int mixed) {
    int value = field(states.front());
    for (const RangeState &state : states)
      if (field(state) != value)
        return mixed;
    return value;
  };
  int value = 0;
  switch (attribute) {
  case cudaMemRangeAttributeAccessedBy: {
    if (dataSize == 0 || dataSize % sizeof(int) != 0)
      return cudaErrorInvalidValue;
    std::vector<int> ids = states.front().accessedBy;
    for (const RangeState &state : states)
      std::erase_if(ids, [&](int id) {
        return !std::binary_search(state.accessedBy.begin(), state.accessedBy.end(), id);
      });
    auto *out = static_cast<int *>(data);
    size_t slots = dataSize / sizeof(int);
    for (size_t i = 0; i < slots; ++i)
      out[i] = i < ids.size() ? ids[i] : cudaInvalidDeviceId;
    return cudaSuccess;
  }
  case cudaMemRangeAttributeReadMostly:
    value = common([](const RangeState &s) { return int(s.readMostly); }, 0);
    break;
  case cudaMemRangeAttributePreferredLocation:
    value = common([](const RangeState &s) { return deviceIdOf(s.preferred); },
                   cudaInvalidDeviceId);
    break;
  case cudaMemRangeAttributePreferredLocationType:
    value = common([](const RangeState &s) { return int(s.preferred.type); },
                   cudaMemLocationTypeInvalid);
    break;
  case cudaMemRangeAttributePreferredLocationId:
    value = common([](const RangeState &s) { return s.preferred.id; }, cudaInvalidDeviceId);
    break;
  case cudaMemRangeAttributeLastPrefetchLocation:
    value = common([](const RangeState &s) { return deviceIdOf(s.lastPrefetch); },
                   cudaInvalidDeviceId);
    break;
  case cudaMemRangeAttributeLastPrefetchLocationType:
    value = common([](const RangeState &s) { return int(s.lastPrefetch.type); },
                   cudaMemLocationTypeInvalid);
    break;
  case cudaMemRangeAttributeLastPrefetchLocationId:
    value = common([](const RangeState &s) { return s.lastPrefetch.id; },
                   cudaInvalidDeviceId);
    break;
  default:
    return cudaErrorInvalidValue;
  }
  if (dataSize != sizeof(int))
    return cudaErrorInvalidValue;
  std::memcpy(data, &value, sizeof(int));
  return cudaSuccess;
}

cudaError_t rangeAttributes(void **data, size_t *dataSizes,
                            cudaMemRangeAttribute *attributes, size_t numAttributes,
                            const void *devPtr, size_t count) {
  if (!data || !dataSizes || !attributes || numAttributes == 0)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkRange(devPtr, count))
    return error;
  std::vector<RangeState> states =
      managedRanges().states(address(devPtr), address(devPtr) + count);
  for (size_t i = 0; i < numAttributes; ++i)
    if (cudaError_t error = rangeAttribute(data[i], dataSizes[i], attributes[i], states))
      return error;
  return cudaSuccess;
}

/// Records that [devPtr, devPtr + count) was prefetched to `location`.
void notePrefetch(const void *devPtr, size_t count, cudaMemLocation location) {
  managedRanges().update(address(devPtr), address(devPtr) + count,
                         [location](RangeState &state) { state.lastPrefetch = location; });
}

/// Orders a prefetch or discard in `stream`. Nothing moves: device memory
/// is host memory, so the operation itself has no work to run.
cudaError_t orderInStream(cudaStream_t stream) {
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture) // captured: an empty node keeps the order
    return captureEmpty(target);
  if (target.device->sticky != cudaSuccess)
    return target.device->sticky;
  return orderSubmission(target);
}

cudaError_t prefetch(const void *devPtr, size_t count, cudaMemLocation location,
                     unsigned flags, cudaStream_t stream) {
  if (flags != 0)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkRange(devPtr, count))
    return error;
  if (cudaError_t error = checkLocation(location))
    return error;
  if (cudaError_t error = orderInStream(stream))
    return error;
  notePrefetch(devPtr, count, location);
  return cudaSuccess;
}

cudaError_t checkBatchRanges(void **dptrs, size_t *sizes, size_t count) {
  if (count == 0 || !dptrs || !sizes)
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < count; ++i)
    if (cudaError_t error = checkRange(dptrs[i], sizes[i]))
      return error;
  return cudaSuccess;
}

/// prefetchLocIdxs[i] is the first range prefetchLocs[i] applies to: it
/// starts at 0 and increases strictly below `count`.
cudaError_t checkBatchLocations(size_t count, cudaMemLocation *locations,
                                size_t *firstIndices, size_t numLocations) {
  if (!locations || !firstIndices || numLocations == 0 || numLocations > count ||
      firstIndices[0] != 0)
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < numLocations; ++i) {
    if (i > 0 && firstIndices[i] <= firstIndices[i - 1])
      return cudaErrorInvalidValue;
    if (firstIndices[i] >= count)
      return cudaErrorInvalidValue;
    if (cudaError_t error = checkLocation(locations[i]))
      return error;
  }
  return cudaSuccess;
}

cudaError_t prefetchBatch(void **dptrs, size_t *sizes, size_t count,
                          cudaMemLocation *locations, size_t *firstIndices,
                          size_t numLocations, unsigned long long flags,
                          cudaStream_t stream, bool discardFirst) {
  if (flags != 0)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkBatchRanges(dptrs, sizes, count))
    return error;
  if (cudaError_t error =
          checkBatchLocations(count, locations, firstIndices, numLocations))
    return error;
  if (cudaError_t error = orderInStream(stream))
    return error;
  (void)discardFirst; // discarded contents are undefined; keeping them is allowed
  size_t location = 0;
  for (size_t i = 0; i < count; ++i) {
    if (location + 1 < numLocations && firstIndices[location + 1] == i)
      ++location;
    notePrefetch(dptrs[i], sizes[i], locations[location]);
  }
  return cudaSuccess;
}

cudaError_t discardBatch(void **dptrs, size_t *sizes, size_t count,
                         unsigned long long flags, cudaStream_t stream) {
  if (flags != 0)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkBatchRanges(dptrs, sizes, count))
    return error;
  return orderInStream(stream);
}

cudaError_t attachMemory(cudaStream_t stream, void *devPtr, size_t length,
                         unsigned flags) {
  if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost &&
      flags != cudaMemAttachSingle)
    return cudaErrorInvalidValue;
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return error;
  // A single-stream attachment needs a stream of its own.
  if (flags == cudaMemAttachSingle && !target.stream)
    return cudaErrorInvalidValue;
  std::optional<Allocation> allocation = table().find(devPtr);
  if (!devPtr || !allocation || allocation->kind != MemoryKind::Managed ||
      allocation->base != address(devPtr) ||
      (length != 0 && length != allocation->size))
    return cudaErrorInvalidValue;
  if (cudaError_t error = orderSubmission(target))
    return error;
  // Freed meanwhile by another thread: the pointer is no longer valid.
  return table().setFlags(devPtr, flags) ? cudaSuccess : cudaErrorInvalidValue;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMallocManaged(void **devPtr, size_t size,
                                            unsigned int flags) {
  CUPORT_API_ENTRY(cudaMallocManaged);
  return recordError(mallocManaged(devPtr, size, flags));
}

CUPORT_EXPORT cudaError_t cudaMemAdvise(const void *devPtr, size_t count,
                                        enum cudaMemoryAdvise advice,
                                        struct cudaMemLocation location) {
  CUPORT_API_ENTRY(cudaMemAdvise);
  return recordError(advise(devPtr, count, advice, location));
}

CUPORT_EXPORT cudaError_t cudaMemRangeGetAttribute(void *data, size_t dataSize,
                                                   enum cudaMemRangeAttribute attribute,
                                                   const void *devPtr, size_t count) {
  CUPORT_API_ENTRY(cudaMemRangeGetAttribute);
  return recordError(rangeAttributes(&data, &dataSize, &attribute, 1, devPtr, count));
}

CUPORT_EXPORT cudaError_t cudaMemRangeGetAttributes(
    void **data, size_t *dataSizes, enum cudaMemRangeAttribute *attributes,
    size_t numAttributes, const void *devPtr, size_t count) {
  CUPORT_API_ENTRY(cudaMemRangeGetAttributes);
  return recordError(
      rangeAttributes(data, dataSizes, attributes, numAttributes, devPtr, count));
}

CUPORT_EXPORT cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count,
                                               struct cudaMemLocation location,
                                               unsigned int flags, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemPrefetchAsync);
  return recordError(prefetch(devPtr, count, location, flags, stream));
}

CUPORT_EXPORT cudaError_t cudaMemPrefetchBatchAsync(
    void **dptrs, size_t *sizes, size_t count, struct cudaMemLocation *prefetchLocs,
    size_t *prefetchLocIdxs, size_t numPrefetchLocs, unsigned long long flags,
    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemPrefetchBatchAsync);
  return recordError(prefetchBatch(dptrs, sizes, count, prefetchLocs, prefetchLocIdxs,
                                   numPrefetchLocs, flags, stream,
                                   /*discardFirst=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemDiscardBatchAsync(void **dptrs, size_t *sizes,
                                                   size_t count,
                                                   unsigned long long flags,
                                                   cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemDiscardBatchAsync);
  return recordError(discardBatch(dptrs, sizes, count, flags, stream));
}

CUPORT_EXPORT cudaError_t cudaMemDiscardAndPrefetchBatchAsync(
    void **dptrs, size_t *sizes, size_t count, struct cudaMemLocation *prefetchLocs,
    size_t *prefetchLocIdxs, size_t numPrefetchLocs, unsigned long long flags,
    cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemDiscardAndPrefetchBatchAsync);
  return recordError(prefetchBatch(dptrs, sizes, count, prefetchLocs, prefetchLocIdxs,
                                   numPrefetchLocs, flags, stream,
                                   /*discardFirst=*/true));
}

CUPORT_EXPORT cudaError_t cudaStreamAttachMemAsync(cudaStream_t stream, void *devPtr,
                                                   size_t length, unsigned int flags) {
  CUPORT_API_ENTRY(cudaStreamAttachMemAsync);
  return recordError(attachMemory(stream, devPtr, length, flags));
}
