//===- entry/MemoryPitched.cpp - Pitched, 2D and 3D memory -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaMallocPitch and cudaMalloc3D pad each row to kPitchAlignment (512
// bytes, the device's textureAlignment); the 2D and 3D copies and sets are
// strided operations of core/MemoryOps. Widths are in bytes: these entries
// take pitched pointers; a 3D copy with a CUDA array on either side
// (cudaMemcpy3DParms::srcArray / dstArray) goes to core/Arrays'
// copy3DWithArray, where positions and extents count array elements.
//
// Errors: a width larger than a pitch, or a pitch above cudaDeviceProp::
// memPitch, is cudaErrorInvalidPitchValue; null pointers, ranges outside
// their allocation, and 3D copies whose rows run past the slice height
// (pos.y + height > ysize) are cudaErrorInvalidValue; an unknown
// cudaMemcpyKind is cudaErrorInvalidMemcpyDirection.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Arrays.h"
#include "core/MemoryOps.h"

using namespace cuport::rt;
using cuport::backend::MemoryKind;

namespace {

bool validPitch(size_t width, size_t pitch) {
  return width <= pitch && pitch <= kMaxPitch;
}

cudaError_t mallocPitch(void **devPtr, size_t *pitch, size_t width, size_t height,
                        size_t depth) {
  if (!devPtr || !pitch)
    return cudaErrorInvalidValue;
  size_t rowPitch = 0;
  if (!pitchFor(width, &rowPitch))
    return cudaErrorMemoryAllocation;
  size_t rows = height * depth;
  if (depth != 0 && rows / depth != height)
    return cudaErrorMemoryAllocation;
  size_t bytes = rowPitch * rows;
  if (rows != 0 && bytes / rows != rowPitch)
    return cudaErrorMemoryAllocation;
  if (cudaError_t error = allocateMemory(devPtr, bytes, MemoryKind::Device))
    return error;
  *pitch = rowPitch;
  return cudaSuccess;
}

cudaError_t copy2D(void *dst, size_t dpitch, const void *src, size_t spitch,
                   size_t width, size_t height, cudaMemcpyKind kind,
                   cudaStream_t stream, bool async) {
  bool dstDevice = false, srcDevice = false;
  if (!copySides(kind, dst, src, &dstDevice, &srcDevice))
    return cudaErrorInvalidMemcpyDirection;
  if (width == 0 || height == 0)
    return cudaSuccess;
  if (!validPitch(width, dpitch) || !validPitch(width, spitch))
    return cudaErrorInvalidPitchValue;
  StridedCopy copy;
  copy.dst = {dst, dpitch, dpitch * height};
  copy.src = {const_cast<void *>(src), spitch, spitch * height};
  copy.width = width;
  copy.height = height;
  return copyStrided(copy, kind, stream, async);
}

/// One pitched side of a 3D copy or set at `pos`, checked against `extent`.
cudaError_t pitchedRegion(const cudaPitchedPtr &pointer, const cudaPos &pos,
                          const cudaExtent &extent, StridedRegion *out) {
  if (!pointer.ptr)
    return cudaErrorInvalidValue;
  if (pos.x > kMaxPitch || !validPitch(pos.x + extent.width, pointer.pitch))
    return cudaErrorInvalidPitchValue;
  bool slices = extent.depth > 1 || pos.z > 0;
  if (slices && pos.y + extent.height > pointer.ysize)
    return cudaErrorInvalidValue;
  size_t slicePitch = pointer.pitch * pointer.ysize;
  out->base = static_cast<char *>(pointer.ptr) + pos.z * slicePitch +
              pos.y * pointer.pitch + pos.x;
  out->pitch = pointer.pitch;
  out->slicePitch = slicePitch;
  return cudaSuccess;
}

bool isEmpty(const cudaExtent &extent) {
  return extent.width == 0 || extent.height == 0 || extent.depth == 0;
}

cudaError_t copy3D(cudaArray_const_t srcArray, const cudaPos &srcPos,
                   const cudaPitchedPtr &srcPtr, cudaArray_const_t dstArray,
                   const cudaPos &dstPos, const cudaPitchedPtr &dstPtr,
                   const cudaExtent &extent, cudaMemcpyKind kind,
                   cudaStream_t stream, bool async) {
  if (srcArray || dstArray)
    return cudaErrorInvalidValue; // the callers route arrays to core/Arrays
  bool dstDevice = false, srcDevice = false;
  if (!copySides(kind, dstPtr.ptr, srcPtr.ptr, &dstDevice, &srcDevice))
    return cudaErrorInvalidMemcpyDirection;
  if (isEmpty(extent))
    return cudaSuccess;
  StridedCopy copy;
  if (cudaError_t error = pitchedRegion(srcPtr, srcPos, extent, &copy.src))
    return error;
  if (cudaError_t error = pitchedRegion(dstPtr, dstPos, extent, &copy.dst))
    return error;
  copy.width = extent.width;
  copy.height = extent.height;
  copy.depth = extent.depth;
  return copyStrided(copy, kind, stream, async);
}

cudaError_t copy3D(const cudaMemcpy3DParms *p, cudaStream_t stream, bool async) {
  if (!p)
    return cudaErrorInvalidValue;
  if (p->srcArray || p->dstArray)
    return copy3DWithArray(*p, stream, async);
  return copy3D(p->srcArray, p->srcPos, p->srcPtr, p->dstArray, p->dstPos, p->dstPtr,
                p->extent, p->kind, stream, async);
}

cudaError_t copy3DPeer(const cudaMemcpy3DPeerParms *p, cudaStream_t stream,
                       bool async) {
  if (!p)
    return cudaErrorInvalidValue;
  int count = Runtime::instance().deviceCount();
  if (p->srcDevice < 0 || p->srcDevice >= count || p->dstDevice < 0 ||
      p->dstDevice >= count)
    return cudaErrorInvalidDevice;
  // Device memory on both sides; with one address space for all devices a
  // peer copy is a device-to-device copy.
  if (p->srcArray || p->dstArray) {
    cudaMemcpy3DParms parms{};
    parms.srcArray = const_cast<cudaArray_t>(p->srcArray);
    parms.srcPos = p->srcPos;
    parms.srcPtr = p->srcPtr;
    parms.dstArray = p->dstArray;
    parms.dstPos = p->dstPos;
    parms.dstPtr = p->dstPtr;
    parms.extent = p->extent;
    parms.kind = cudaMemcpyDeviceToDevice;
    return copy3DWithArray(parms, stream, async);
  }
  return copy3D(p->srcArray, p->srcPos, p->srcPtr, p->dstArray, p->dstPos, p->dstPtr,
                p->extent, cudaMemcpyDeviceToDevice, stream, async);
}

cudaError_t set2D(void *devPtr, size_t pitch, int value, size_t width, size_t height,
                  cudaStream_t stream) {
  if (width == 0 || height == 0)
    return cudaSuccess;
  if (!devPtr)
    return cudaErrorInvalidValue;
  if (!validPitch(width, pitch))
    return cudaErrorInvalidPitchValue;
  return fillStrided({devPtr, pitch, pitch * height}, value, width, height, 1, stream);
}

cudaError_t set3D(const cudaPitchedPtr &pointer, int value, const cudaExtent &extent,
                  cudaStream_t stream) {
  if (isEmpty(extent))
    return cudaSuccess;
  StridedRegion region;
  if (cudaError_t error = pitchedRegion(pointer, cudaPos{0, 0, 0}, extent, &region))
    return error;
  return fillStrided(region, value, extent.width, extent.height, extent.depth, stream);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMallocPitch(void **devPtr, size_t *pitch, size_t width,
                                          size_t height) {
  CUPORT_API_ENTRY(cudaMallocPitch);
  return recordError(mallocPitch(devPtr, pitch, width, height, 1));
}

CUPORT_EXPORT cudaError_t cudaMalloc3D(struct cudaPitchedPtr *pitchedDevPtr,
                                       struct cudaExtent extent) {
  CUPORT_API_ENTRY(cudaMalloc3D);
  if (!pitchedDevPtr)
    return recordError(cudaErrorInvalidValue);
  void *pointer = nullptr;
  size_t pitch = 0;
  if (cudaError_t error =
          mallocPitch(&pointer, &pitch, extent.width, extent.height, extent.depth))
    return recordError(error);
  *pitchedDevPtr = cudaPitchedPtr{pointer, pitch, extent.width, extent.height};
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src,
                                       size_t spitch, size_t width, size_t height,
                                       enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2D);
  return recordError(
      copy2D(dst, dpitch, src, spitch, width, height, kind, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src,
                                            size_t spitch, size_t width,
                                            size_t height, enum cudaMemcpyKind kind,
                                            cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DAsync);
  return recordError(
      copy2D(dst, dpitch, src, spitch, width, height, kind, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3D(const struct cudaMemcpy3DParms *p) {
  CUPORT_API_ENTRY(cudaMemcpy3D);
  return recordError(copy3D(p, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DAsync(const struct cudaMemcpy3DParms *p,
                                            cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DAsync);
  return recordError(copy3D(p, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DPeer(const struct cudaMemcpy3DPeerParms *p) {
  CUPORT_API_ENTRY(cudaMemcpy3DPeer);
  return recordError(copy3DPeer(p, nullptr, /*async=*/false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DPeerAsync(const struct cudaMemcpy3DPeerParms *p,
                                                cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DPeerAsync);
  return recordError(copy3DPeer(p, stream, /*async=*/true));
}

CUPORT_EXPORT cudaError_t cudaMemset2D(void *devPtr, size_t pitch, int value,
                                       size_t width, size_t height) {
  CUPORT_API_ENTRY(cudaMemset2D);
  return recordError(set2D(devPtr, pitch, value, width, height, nullptr));
}

CUPORT_EXPORT cudaError_t cudaMemset2DAsync(void *devPtr, size_t pitch, int value,
                                            size_t width, size_t height,
                                            cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemset2DAsync);
  return recordError(set2D(devPtr, pitch, value, width, height, stream));
}

CUPORT_EXPORT cudaError_t cudaMemset3D(struct cudaPitchedPtr pitchedDevPtr, int value,
                                       struct cudaExtent extent) {
  CUPORT_API_ENTRY(cudaMemset3D);
  return recordError(set3D(pitchedDevPtr, value, extent, nullptr));
}

CUPORT_EXPORT cudaError_t cudaMemset3DAsync(struct cudaPitchedPtr pitchedDevPtr,
                                            int value, struct cudaExtent extent,
                                            cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemset3DAsync);
  return recordError(set3D(pitchedDevPtr, value, extent, stream));
}
