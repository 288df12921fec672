//===- core/MemoryOps.cpp - Allocations, copies and fills -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A strided copy reaches the queue in one of three forms:
//   - contiguous (every pitch equals the row, every slice pitch the slice):
//     one Queue::copy of all bytes;
//   - on a device whose memory the host can address (unifiedAddressing, the
//     CPU backend): one host callback that copies every row on the queue's
//     thread. A 1000-row cudaMemcpy2D is then one submission, not 1000
//     (each submission takes the queue's lock and allocates a work item);
//   - otherwise one Queue::copy per row, which any backend can run.
// The backend interface needs no strided copy for this.
//
//===----------------------------------------------------------------------===//
#include "core/MemoryOps.h"

#include "core/Graph.h"
#include "core/ManagedRanges.h"
#include "core/MemoryPool.h"
#include "core/Streams.h"

#include <cstring>
#include <memory>

namespace cuport::rt {

using backend::MemoryKind;
using backend::Status;

namespace {

AllocationTable &table() { return Runtime::instance().allocations(); }

/// One side of a copy or fill is acceptable: not null, and a device side
/// lies inside one allocation.
bool validSide(const void *pointer, size_t span, bool isDevice) {
  if (!pointer)
    return false;
  return !isDevice || table().contains(pointer, span);
}

bool isContiguous(const StridedRegion &region, size_t width, size_t height,
                  size_t depth) {
  bool rowsTouch = height == 1 || region.pitch == width;
  bool slicesTouch = depth == 1 || region.slicePitch == width * height;
  return rowsTouch && slicesTouch;
}

/// The work of a strided copy, owned by the queue until it ran.
struct CopyJob {
  StridedCopy copy;
  std::unique_ptr<std::byte[]> staged; ///< the captured pageable source

  void run() const {
    auto *dst = static_cast<std::byte *>(copy.dst.base);
    auto *src = static_cast<const std::byte *>(copy.src.base);
    for (size_t z = 0; z < copy.depth; ++z)
      for (size_t y = 0; y < copy.height; ++y)
        std::memmove(dst + z * copy.dst.slicePitch + y * copy.dst.pitch,
                     src + z * copy.src.slicePitch + y * copy.src.pitch, copy.width);
  }
};

/// Packs the source of `job` into a new contiguous buffer and points the
/// copy at it: the caller's pageable source may change once we return.
void stageSource(CopyJob &job) {
  StridedCopy &copy = job.copy;
  size_t slice = copy.width * copy.height;
  job.staged.reset(new std::byte[slice * copy.depth]);
  StridedCopy packing = copy;
  packing.dst = {job.staged.get(), copy.width, slice};
  CopyJob{packing, nullptr}.run();
  copy.src = {job.staged.get(), copy.width, slice};
}

cudaError_t submitCopy(std::unique_ptr<CopyJob> job, const StreamTarget &target) {
  const StridedCopy &copy = job->copy;
  backend::Queue &queue = *target.queue;
  bool contiguous = isContiguous(copy.dst, copy.width, copy.height, copy.depth) &&
                    isContiguous(copy.src, copy.width, copy.height, copy.depth);
  if (!contiguous && target.device->backend->properties().unifiedAddressing) {
    CopyJob *owned = job.release();
    Status status = queue.hostCallback(
        [](void *data) {
          std::unique_ptr<CopyJob> job(static_cast<CopyJob *>(data));
          job->run();
        },
        owned);
    if (status != Status::Success)
      delete owned;
    return toCudaError(status);
  }
  if (contiguous) {
    if (Status status = queue.copy(copy.dst.base, copy.src.base,
                                   copy.width * copy.height * copy.depth);
        status != Status::Success)
      return toCudaError(status);
  } else {
    auto *dst = static_cast<std::byte *>(copy.dst.base);
    auto *src = static_cast<const std::byte *>(copy.src.base);
    for (size_t z = 0; z < copy.depth; ++z)
      for (size_t y = 0; y < copy.height; ++y)
        if (Status status =
                queue.copy(dst + z * copy.dst.slicePitch + y * copy.dst.pitch,
                           src + z * copy.src.slicePitch + y * copy.src.pitch,
                           copy.width);
            status != Status::Success)
          return toCudaError(status);
  }
  if (!job->staged)
    return cudaSuccess;
  // The staged bytes live until the queue has copied them.
  CopyJob *owned = job.release();
  Status status = queue.hostCallback(
      [](void *data) { delete static_cast<CopyJob *>(data); }, owned);
  if (status != Status::Success)
    delete owned;
  return toCudaError(status);
}

/// One slice (or all of them) of a strided region as a pitched pointer.
cudaPitchedPtr pitchedOf(const StridedRegion &region, size_t width, size_t rows) {
  return cudaPitchedPtr{region.base, region.pitch ? region.pitch : width, width,
                             rows};
}

/// Rows per slice of `region` when its slice pitch is a whole number of
/// rows (0 when it is not: each slice then needs a node of its own).
size_t rowsPerSlice(const StridedRegion &region, const StridedCopy &copy) {
  if (copy.depth == 1)
    return copy.height;
  if (!region.pitch || region.slicePitch % region.pitch)
    return 0;
  return region.slicePitch / region.pitch;
}

/// A copy on a capturing stream becomes a memcpy node (one per slice when
/// a slice pitch is not a whole number of rows).
cudaError_t captureStridedCopy(const StreamTarget &target, const StridedCopy &copy,
                               cudaMemcpyKind kind) {
  if (copy.captureSource)
    return cudaErrorStreamCaptureUnsupported; // read during the call: not a node
  size_t dstRows = rowsPerSlice(copy.dst, copy), srcRows = rowsPerSlice(copy.src, copy);
  bool whole = dstRows && srcRows;
  for (size_t z = 0; z < (whole ? 1 : copy.depth); ++z) {
    cudaMemcpy3DParms params{};
    StridedRegion dst = copy.dst, src = copy.src;
    dst.base = static_cast<std::byte *>(dst.base) + z * dst.slicePitch;
    src.base = static_cast<std::byte *>(src.base) + z * src.slicePitch;
    params.dstPtr = pitchedOf(dst, copy.width, whole ? dstRows : copy.height);
    params.srcPtr = pitchedOf(src, copy.width, whole ? srcRows : copy.height);
    params.extent = cudaExtent{copy.width, copy.height, whole ? copy.depth : 1};
    params.kind = kind;
    if (cudaError_t error = captureMemcpy(target, params))
      return error;
  }
  return cudaSuccess;
}

/// A fill on a capturing stream becomes memset nodes: one for a 2D fill,
/// one per slice for a 3D one.
cudaError_t captureStridedFill(const StreamTarget &target, const StridedRegion &region,
                               int value, size_t width, size_t height, size_t depth) {
  for (size_t z = 0; z < depth; ++z) {
    cudaMemsetParams params{};
    params.dst = static_cast<std::byte *>(region.base) + z * region.slicePitch;
    params.pitch = region.pitch ? region.pitch : width;
    params.value = static_cast<unsigned>(value) & 0xFFu;
    params.elementSize = 1;
    params.width = width;
    params.height = height;
    if (cudaError_t error = captureMemset(target, params))
      return error;
  }
  return cudaSuccess;
}

} // namespace

cudaError_t prepareStream(cudaStream_t stream, StreamTarget *target) {
  if (cudaError_t error = resolveStream(stream, target))
    return error;
  if (target->device->sticky != cudaSuccess)
    return target->device->sticky;
  return orderSubmission(*target);
}

size_t stridedSpan(const StridedRegion &region, size_t width, size_t height,
                   size_t depth) {
  return (depth - 1) * region.slicePitch + (height - 1) * region.pitch + width;
}

bool isPinnedHost(const void *pointer) {
  std::optional<Allocation> allocation = table().find(pointer);
  return allocation && allocation->kind == MemoryKind::PinnedHost;
}

bool copySides(cudaMemcpyKind kind, const void *dst, const void *src,
               bool *dstDevice, bool *srcDevice) {
  switch (kind) {
  case cudaMemcpyHostToHost: *dstDevice = *srcDevice = false; return true;
  case cudaMemcpyHostToDevice: *dstDevice = true; *srcDevice = false; return true;
  case cudaMemcpyDeviceToHost: *dstDevice = false; *srcDevice = true; return true;
  case cudaMemcpyDeviceToDevice: *dstDevice = *srcDevice = true; return true;
  case cudaMemcpyDefault: {
    // Unified addressing: the allocation table tells device memory apart.
    auto isDevice = [](const void *p) {
      std::optional<Allocation> allocation = table().find(p);
      return allocation && allocation->kind != MemoryKind::PinnedHost;
    };
    *dstDevice = isDevice(dst);
    *srcDevice = isDevice(src);
    return true;
  }
  }
  return false;
}

cudaError_t checkStridedCopy(const StridedCopy &copy, cudaMemcpyKind kind) {
  bool dstDevice = false, srcDevice = false;
  if (!copySides(kind, copy.dst.base, copy.src.base, &dstDevice, &srcDevice))
    return cudaErrorInvalidMemcpyDirection;
  if (copy.width == 0 || copy.height == 0 || copy.depth == 0)
    return cudaSuccess;
  if (!validSide(copy.dst.base, stridedSpan(copy.dst, copy.width, copy.height, copy.depth),
                 dstDevice) ||
      !validSide(copy.src.base, stridedSpan(copy.src, copy.width, copy.height, copy.depth),
                 srcDevice))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

cudaError_t copyStrided(const StridedCopy &copy, cudaMemcpyKind kind,
                        cudaStream_t stream, bool async) {
  if (cudaError_t error = checkStridedCopy(copy, kind))
    return error;
  if (copy.width == 0 || copy.height == 0 || copy.depth == 0)
    return cudaSuccess;
  bool dstDevice = false, srcDevice = false;
  copySides(kind, copy.dst.base, copy.src.base, &dstDevice, &srcDevice);
  if (!async)
    if (cudaError_t error = checkCaptureSafe())
      return error;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture)
    return captureStridedCopy(target, copy, kind);
  if (cudaError_t error = target.device->sticky)
    return error;
  if (cudaError_t error = orderSubmission(target))
    return error;

  bool pageableSource = !srcDevice && !isPinnedHost(copy.src.base);
  bool pageableDestination = !dstDevice && !isPinnedHost(copy.dst.base);
  auto job = std::make_unique<CopyJob>();
  job->copy = copy;
  if ((async && pageableSource && !pageableDestination) || copy.captureSource)
    stageSource(*job);
  if (cudaError_t error = submitCopy(std::move(job), target))
    return error;
  if (async && !pageableDestination)
    return cudaSuccess;
  // Synchronous copies, and any copy into pageable memory, complete here.
  return target.device->synchronizeQueue(*target.queue);
}

cudaError_t copyLinear(void *dst, const void *src, size_t count,
                       cudaMemcpyKind kind, cudaStream_t stream, bool async) {
  StridedCopy copy;
  copy.dst = {dst, count, count};
  copy.src = {const_cast<void *>(src), count, count};
  copy.width = count;
  return copyStrided(copy, kind, stream, async);
}

cudaError_t fillStrided(const StridedRegion &region, int value, size_t width,
                        size_t height, size_t depth, cudaStream_t stream) {
  if (width == 0 || height == 0 || depth == 0)
    return cudaSuccess;
  if (!validSide(region.base, stridedSpan(region, width, height, depth),
                 /*isDevice=*/true))
    return cudaErrorInvalidValue;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture)
    return captureStridedFill(target, region, value, width, height, depth);
  if (cudaError_t error = target.device->sticky)
    return error;
  if (cudaError_t error = orderSubmission(target))
    return error;
  backend::Queue &queue = *target.queue;
  auto byte = static_cast<uint8_t>(value);
  if (isContiguous(region, width, height, depth))
    return toCudaError(queue.fill(region.base, byte, width * height * depth));
  if (target.device->backend->properties().unifiedAddressing) {
    struct FillJob {
      StridedRegion region;
      uint8_t value;
      size_t width, height, depth;
    };
    auto *job = new FillJob{region, byte, width, height, depth};
    Status status = queue.hostCallback(
        [](void *data) {
          std::unique_ptr<FillJob> job(static_cast<FillJob *>(data));
          auto *base = static_cast<std::byte *>(job->region.base);
          for (size_t z = 0; z < job->depth; ++z)
            for (size_t y = 0; y < job->height; ++y)
              std::memset(base + z * job->region.slicePitch + y * job->region.pitch,
                          job->value, job->width);
        },
        job);
    if (status != Status::Success)
      delete job;
    return toCudaError(status);
  }
  auto *base = static_cast<std::byte *>(region.base);
  for (size_t z = 0; z < depth; ++z)
    for (size_t y = 0; y < height; ++y)
      if (Status status = queue.fill(base + z * region.slicePitch + y * region.pitch,
                                     byte, width);
          status != Status::Success)
        return toCudaError(status);
  return cudaSuccess;
}

cudaError_t allocateMemory(void **out, size_t size, MemoryKind kind, unsigned flags) {
  if (!out)
    return cudaErrorInvalidValue;
  if (cudaError_t error = checkCaptureSafe())
    return error;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (device->sticky != cudaSuccess)
    return device->sticky;
  if (size == 0) {
    *out = nullptr;
    return cudaSuccess;
  }
  void *memory = nullptr;
  if (device->backend->allocate(size, kind, &memory) != Status::Success) {
    *out = nullptr;
    return cudaErrorMemoryAllocation;
  }
  Allocation allocation{reinterpret_cast<uintptr_t>(memory), size, kind,
                        device->ordinal};
  allocation.flags = flags;
  table().insert(allocation);
  *out = memory;
  return cudaSuccess;
}

cudaError_t releaseMemory(void *pointer, unsigned kinds) {
  if (!pointer)
    return cudaSuccess;
  if (cudaError_t error = checkCaptureSafe())
    return error;
  if (cudaError_t result;
      (kinds & kindBit(MemoryKind::Device)) && freeGraphAllocation(pointer, &result))
    return result;
  // cudaMallocAsync memory may be freed by cudaFree too.
  if (cudaError_t error;
      (kinds & kindBit(MemoryKind::Device)) && freePoolBlock(pointer, &error))
    return error;
  std::optional<Allocation> allocation = table().find(pointer);
  if (!allocation || allocation->base != reinterpret_cast<uintptr_t>(pointer) ||
      !(kinds & kindBit(allocation->kind)) || allocation->isSymbol ||
      allocation->registered)
    return cudaErrorInvalidValue;
  Device *device = Runtime::instance().device(allocation->device);
  if (!device)
    return cudaErrorInvalidValue;
  // Freeing waits for the device: running work may still use the memory.
  cudaError_t error = device->synchronize();
  table().erase(pointer);
  if (allocation->kind == MemoryKind::Managed)
    managedRanges().forget(pointer, allocation->size);
  device->backend->release(pointer, allocation->kind);
  return error;
}

bool pitchFor(size_t width, size_t *pitch) {
  size_t rounded = (width + kPitchAlignment - 1) / kPitchAlignment * kPitchAlignment;
  if (rounded < width)
    return false;
  *pitch = rounded;
  return true;
}

} // namespace cuport::rt
