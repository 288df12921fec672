//===- entry/Array.cpp - CUDA arrays (Memory section) ---------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The array functions of the Memory Management section: allocation, info,
// the 2D and (deprecated) linear copies to, from and between arrays, and
// mipmapped arrays. Array offsets and widths are in bytes, heights in rows,
// as CUDA documents them; a copy that leaves the array is
// cudaErrorInvalidValue, a width past the pitch cudaErrorInvalidPitchValue,
// a kind that names the wrong side cudaErrorInvalidMemcpyDirection.
// 2D copies address the first slice (layer 0) of a 3D or layered array.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Arrays.h"

using namespace cuport::rt;

namespace {

/// An array and a byte range inside its first slice.
cudaError_t arraySide(cudaArray_const_t handle, size_t wOffset, size_t hOffset,
                      size_t widthBytes, size_t height, CopySide *side) {
  return arrayCopySide(handle, wOffset, hOffset, 0, widthBytes, height, 1, side);
}

/// Linear memory of `height` rows of `widthBytes`, `pitch` apart.
cudaError_t linearSide(const void *pointer, size_t pitch, size_t widthBytes, size_t height,
                       cudaMemcpyKind kind, bool isDestination, CopySide *side) {
  return linearCopySide(pointer, pitch, height, 0, 0, 0, widthBytes, height, 1, kind,
                        isDestination, side);
}

cudaError_t copyToArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                        size_t spitch, size_t width, size_t height, cudaMemcpyKind kind,
                        cudaStream_t stream, bool async) {
  CopySide to, from;
  if (cudaError_t error = arraySide(dst, wOffset, hOffset, width, height, &to))
    return error;
  if (cudaError_t error = linearSide(src, spitch, width, height, kind, false, &from))
    return error;
  return copyRegion(to, from, width, height, 1, stream, async);
}

cudaError_t copyFromArray(void *dst, size_t dpitch, cudaArray_const_t src, size_t wOffset,
                          size_t hOffset, size_t width, size_t height, cudaMemcpyKind kind,
                          cudaStream_t stream, bool async) {
  CopySide to, from;
  if (cudaError_t error = arraySide(src, wOffset, hOffset, width, height, &from))
    return error;
  if (cudaError_t error = linearSide(dst, dpitch, width, height, kind, true, &to))
    return error;
  return copyRegion(to, from, width, height, 1, stream, async);
}

cudaError_t copyArrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                             cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                             size_t width, size_t height, cudaMemcpyKind kind,
                             cudaStream_t stream) {
  if (kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  CopySide to, from;
  if (cudaError_t error = arraySide(dst, wOffsetDst, hOffsetDst, width, height, &to))
    return error;
  if (cudaError_t error = arraySide(src, wOffsetSrc, hOffsetSrc, width, height, &from))
    return error;
  return copyRegion(to, from, width, height, 1, stream, /*async=*/false);
}

/// The deprecated linear copies: `count` bytes from (wOffset, hOffset)
/// on through the array's rows, as one contiguous range of its storage.
cudaError_t arrayRange(cudaArray_const_t handle, size_t wOffset, size_t hOffset,
                       size_t count, CopySide *side) {
  ArrayObject *array = findArray(handle);
  if (!array)
    return cudaErrorInvalidResourceHandle;
  size_t start = hOffset * array->rowBytes + wOffset;
  if (wOffset >= array->rowBytes || start + count > array->bytes())
    return cudaErrorInvalidValue;
  side->base = static_cast<const std::byte *>(array->data) + start;
  side->pitch = side->slicePitch = count;
  side->device = true;
  return cudaSuccess;
}

cudaError_t linearCopy(cudaArray_const_t array, size_t wOffset, size_t hOffset,
                       const void *linear, size_t count, cudaMemcpyKind kind,
                       bool toArray, cudaStream_t stream, bool async) {
  CopySide arrayPart, linearPart;
  if (cudaError_t error = arrayRange(array, wOffset, hOffset, count, &arrayPart))
    return error;
  if (cudaError_t error = linearSide(linear, count, count, 1, kind, !toArray, &linearPart))
    return error;
  return toArray ? copyRegion(arrayPart, linearPart, count, 1, 1, stream, async)
                 : copyRegion(linearPart, arrayPart, count, 1, 1, stream, async);
}

cudaError_t arrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                         cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                         size_t count, cudaMemcpyKind kind, cudaStream_t stream) {
  if (kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  CopySide to, from;
  if (cudaError_t error = arrayRange(dst, wOffsetDst, hOffsetDst, count, &to))
    return error;
  if (cudaError_t error = arrayRange(src, wOffsetSrc, hOffsetSrc, count, &from))
    return error;
  return copyRegion(to, from, count, 1, 1, stream, /*async=*/false);
}

cudaError_t requirementsOf(const ArrayObject *const *levels, size_t count, int device,
                               cudaArrayMemoryRequirements *out) {
  if (!out)
    return cudaErrorInvalidValue;
  if (!Runtime::instance().device(device))
    return cudaErrorInvalidDevice;
  constexpr size_t kAlignment = 512; // the backing store's texture alignment
  size_t size = 0;
  for (size_t i = 0; i < count; ++i)
    size += (levels[i]->bytes() + kAlignment - 1) / kAlignment * kAlignment;
  *out = {};
  out->size = size;
  out->alignment = kAlignment;
  return cudaSuccess;
}

} // namespace

// --- Allocation and information ------------------------------------------------

CUPORT_EXPORT cudaError_t cudaMallocArray(cudaArray_t *array,
                                          const struct cudaChannelFormatDesc *desc,
                                          size_t width, size_t height, unsigned int flags) {
  CUPORT_API_ENTRY(cudaMallocArray);
  // cudaMallocArray makes 1D and 2D arrays only: no layers, no cubemaps.
  if (!array || (flags & (cudaArrayLayered | cudaArrayCubemap)))
    return recordError(cudaErrorInvalidValue);
  ArrayObject *made = nullptr;
  cudaError_t error = createArray(desc, cudaExtent{width, height, 0}, flags, &made);
  if (array)
    *array = error ? nullptr : reinterpret_cast<cudaArray_t>(made);
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaMalloc3DArray(cudaArray_t *array,
                                            const struct cudaChannelFormatDesc *desc,
                                            struct cudaExtent extent, unsigned int flags) {
  CUPORT_API_ENTRY(cudaMalloc3DArray);
  if (!array)
    return recordError(cudaErrorInvalidValue);
  ArrayObject *made = nullptr;
  cudaError_t error = createArray(desc, extent, flags, &made);
  if (array)
    *array = error ? nullptr : reinterpret_cast<cudaArray_t>(made);
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaFreeArray(cudaArray_t array) {
  CUPORT_API_ENTRY(cudaFreeArray);
  if (!array)
    return recordError(cudaSuccess);
  return recordError(destroyArray(array));
}

CUPORT_EXPORT cudaError_t cudaArrayGetInfo(struct cudaChannelFormatDesc *desc,
                                           struct cudaExtent *extent, unsigned int *flags,
                                           cudaArray_t array) {
  CUPORT_API_ENTRY(cudaArrayGetInfo);
  ArrayObject *found = findArray(array);
  if (!found)
    return recordError(cudaErrorInvalidValue);
  if (desc)
    *desc = found->format;
  if (extent)
    *extent = found->extent;
  if (flags)
    *flags = found->flags;
  return recordError(cudaSuccess);
}

CUPORT_EXPORT cudaError_t cudaGetChannelDesc(struct cudaChannelFormatDesc *desc,
                                             cudaArray_const_t array) {
  CUPORT_API_ENTRY(cudaGetChannelDesc);
  ArrayObject *found = findArray(array);
  if (!desc || !found)
    return recordError(cudaErrorInvalidValue);
  *desc = found->format;
  return recordError(cudaSuccess);
}

CUPORT_EXPORT struct cudaChannelFormatDesc cudaCreateChannelDesc(int x, int y, int z, int w,
                                                                 enum cudaChannelFormatKind f) {
  CUPORT_API_ENTRY(cudaCreateChannelDesc);
  cudaChannelFormatDesc desc;
  desc.x = x;
  desc.y = y;
  desc.z = z;
  desc.w = w;
  desc.f = f;
  return desc;
}

CUPORT_EXPORT cudaError_t cudaArrayGetPlane(cudaArray_t *pPlaneArray, cudaArray_t hArray,
                                            unsigned int planeIdx) {
  CUPORT_API_ENTRY(cudaArrayGetPlane);
  (void)planeIdx;
  if (!pPlaneArray)
    return recordError(cudaErrorInvalidValue);
  if (!findArray(hArray))
    return recordError(cudaErrorInvalidResourceHandle);
  // cuport's arrays have no multi-planar formats (NV12 is refused at
  // allocation): every plane index is out of range.
  return recordError(cudaErrorInvalidValue);
}

CUPORT_EXPORT cudaError_t cudaArrayGetMemoryRequirements(
    struct cudaArrayMemoryRequirements *memoryRequirements, cudaArray_t array, int device) {
  CUPORT_API_ENTRY(cudaArrayGetMemoryRequirements);
  const ArrayObject *found = findArray(array);
  if (!found)
    return recordError(cudaErrorInvalidValue);
  return recordError(requirementsOf(&found, 1, device, memoryRequirements));
}

CUPORT_EXPORT cudaError_t cudaArrayGetSparseProperties(
    struct cudaArraySparseProperties *sparseProperties, cudaArray_t array) {
  CUPORT_API_ENTRY(cudaArrayGetSparseProperties);
  // Arrays made without cudaArraySparse (all of cuport's) have none.
  if (!sparseProperties || !findArray(array))
    return recordError(cudaErrorInvalidValue);
  return recordError(cudaErrorInvalidValue);
}

// --- Mipmapped arrays ------------------------------------------------------------

CUPORT_EXPORT cudaError_t cudaMallocMipmappedArray(cudaMipmappedArray_t *mipmappedArray,
                                                   const struct cudaChannelFormatDesc *desc,
                                                   struct cudaExtent extent,
                                                   unsigned int numLevels,
                                                   unsigned int flags) {
  CUPORT_API_ENTRY(cudaMallocMipmappedArray);
  if (!mipmappedArray)
    return recordError(cudaErrorInvalidValue);
  MipmappedArrayObject *made = nullptr;
  cudaError_t error = createMipmappedArray(desc, extent, numLevels, flags, &made);
  if (mipmappedArray)
    *mipmappedArray = error ? nullptr : reinterpret_cast<cudaMipmappedArray_t>(made);
  return recordError(error);
}

CUPORT_EXPORT cudaError_t cudaGetMipmappedArrayLevel(cudaArray_t *levelArray,
                                                     cudaMipmappedArray_const_t mipmappedArray,
                                                     unsigned int level) {
  CUPORT_API_ENTRY(cudaGetMipmappedArrayLevel);
  MipmappedArrayObject *found = findMipmappedArray(mipmappedArray);
  if (!levelArray || !found)
    return recordError(cudaErrorInvalidValue);
  if (level >= found->levels.size())
    return recordError(cudaErrorInvalidValue);
  *levelArray = reinterpret_cast<cudaArray_t>(found->levels[level]);
  return recordError(cudaSuccess);
}

CUPORT_EXPORT cudaError_t cudaFreeMipmappedArray(cudaMipmappedArray_t mipmappedArray) {
  CUPORT_API_ENTRY(cudaFreeMipmappedArray);
  if (!mipmappedArray)
    return recordError(cudaSuccess);
  return recordError(destroyMipmappedArray(mipmappedArray));
}

CUPORT_EXPORT cudaError_t cudaMipmappedArrayGetMemoryRequirements(
    struct cudaArrayMemoryRequirements *memoryRequirements, cudaMipmappedArray_t mipmap,
    int device) {
  CUPORT_API_ENTRY(cudaMipmappedArrayGetMemoryRequirements);
  MipmappedArrayObject *found = findMipmappedArray(mipmap);
  if (!found)
    return recordError(cudaErrorInvalidValue);
  return recordError(requirementsOf(found->levels.data(), found->levels.size(), device,
                                        memoryRequirements));
}

CUPORT_EXPORT cudaError_t cudaMipmappedArrayGetSparseProperties(
    struct cudaArraySparseProperties *sparseProperties, cudaMipmappedArray_t mipmap) {
  CUPORT_API_ENTRY(cudaMipmappedArrayGetSparseProperties);
  if (!sparseProperties || !findMipmappedArray(mipmap))
    return recordError(cudaErrorInvalidValue);
  return recordError(cudaErrorInvalidValue); // not sparse
}

// --- 2D copies -------------------------------------------------------------------

CUPORT_EXPORT cudaError_t cudaMemcpy2DToArray(cudaArray_t dst, size_t wOffset,
                                              size_t hOffset, const void *src, size_t spitch,
                                              size_t width, size_t height,
                                              enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DToArray);
  return recordError(copyToArray(dst, wOffset, hOffset, src, spitch, width, height, kind,
                                 nullptr, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DToArrayAsync(cudaArray_t dst, size_t wOffset,
                                                   size_t hOffset, const void *src,
                                                   size_t spitch, size_t width, size_t height,
                                                   enum cudaMemcpyKind kind,
                                                   cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DToArrayAsync);
  return recordError(copyToArray(dst, wOffset, hOffset, src, spitch, width, height, kind,
                                 stream, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DFromArray(void *dst, size_t dpitch,
                                                cudaArray_const_t src, size_t wOffset,
                                                size_t hOffset, size_t width, size_t height,
                                                enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DFromArray);
  return recordError(copyFromArray(dst, dpitch, src, wOffset, hOffset, width, height, kind,
                                   nullptr, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DFromArrayAsync(void *dst, size_t dpitch,
                                                     cudaArray_const_t src, size_t wOffset,
                                                     size_t hOffset, size_t width,
                                                     size_t height, enum cudaMemcpyKind kind,
                                                     cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DFromArrayAsync);
  return recordError(copyFromArray(dst, dpitch, src, wOffset, hOffset, width, height, kind,
                                   stream, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DArrayToArray(cudaArray_t dst, size_t wOffsetDst,
                                                   size_t hOffsetDst, cudaArray_const_t src,
                                                   size_t wOffsetSrc, size_t hOffsetSrc,
                                                   size_t width, size_t height,
                                                   enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DArrayToArray);
  return recordError(copyArrayToArray(dst, wOffsetDst, hOffsetDst, src, wOffsetSrc,
                                      hOffsetSrc, width, height, kind, nullptr));
}

// --- Deprecated linear copies ------------------------------------------------------

CUPORT_EXPORT cudaError_t cudaMemcpyToArray(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                            const void *src, size_t count,
                                            enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyToArray);
  return recordError(
      linearCopy(dst, wOffset, hOffset, src, count, kind, true, nullptr, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToArrayAsync(cudaArray_t dst, size_t wOffset,
                                                 size_t hOffset, const void *src,
                                                 size_t count, enum cudaMemcpyKind kind,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyToArrayAsync);
  return recordError(
      linearCopy(dst, wOffset, hOffset, src, count, kind, true, stream, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromArray(void *dst, cudaArray_const_t src,
                                              size_t wOffset, size_t hOffset, size_t count,
                                              enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyFromArray);
  return recordError(
      linearCopy(src, wOffset, hOffset, dst, count, kind, false, nullptr, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromArrayAsync(void *dst, cudaArray_const_t src,
                                                   size_t wOffset, size_t hOffset,
                                                   size_t count, enum cudaMemcpyKind kind,
                                                   cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyFromArrayAsync);
  return recordError(
      linearCopy(src, wOffset, hOffset, dst, count, kind, false, stream, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpyArrayToArray(cudaArray_t dst, size_t wOffsetDst,
                                                 size_t hOffsetDst, cudaArray_const_t src,
                                                 size_t wOffsetSrc, size_t hOffsetSrc,
                                                 size_t count, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyArrayToArray);
  return recordError(arrayToArray(dst, wOffsetDst, hOffsetDst, src, wOffsetSrc, hOffsetSrc,
                                  count, kind, nullptr));
}

// --- Per-thread default stream variants ---------------------------------------------

CUPORT_EXPORT cudaError_t cudaMemcpy2DToArray_ptds(cudaArray_t dst, size_t wOffset,
                                                   size_t hOffset, const void *src,
                                                   size_t spitch, size_t width,
                                                   size_t height, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DToArray_ptds);
  return recordError(copyToArray(dst, wOffset, hOffset, src, spitch, width, height, kind,
                                 cudaStreamPerThread, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DToArrayAsync_ptsz(cudaArray_t dst, size_t wOffset,
                                                        size_t hOffset, const void *src,
                                                        size_t spitch, size_t width,
                                                        size_t height,
                                                        enum cudaMemcpyKind kind,
                                                        cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DToArrayAsync_ptsz);
  return recordError(copyToArray(dst, wOffset, hOffset, src, spitch, width, height, kind,
                                 stream ? stream : cudaStreamPerThread, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DFromArray_ptds(void *dst, size_t dpitch,
                                                     cudaArray_const_t src, size_t wOffset,
                                                     size_t hOffset, size_t width,
                                                     size_t height, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DFromArray_ptds);
  return recordError(copyFromArray(dst, dpitch, src, wOffset, hOffset, width, height, kind,
                                   cudaStreamPerThread, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DFromArrayAsync_ptsz(void *dst, size_t dpitch,
                                                          cudaArray_const_t src,
                                                          size_t wOffset, size_t hOffset,
                                                          size_t width, size_t height,
                                                          enum cudaMemcpyKind kind,
                                                          cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy2DFromArrayAsync_ptsz);
  return recordError(copyFromArray(dst, dpitch, src, wOffset, hOffset, width, height, kind,
                                   stream ? stream : cudaStreamPerThread, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpy2DArrayToArray_ptds(cudaArray_t dst, size_t wOffsetDst,
                                                        size_t hOffsetDst,
                                                        cudaArray_const_t src,
                                                        size_t wOffsetSrc, size_t hOffsetSrc,
                                                        size_t width, size_t height,
                                                        enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpy2DArrayToArray_ptds);
  return recordError(copyArrayToArray(dst, wOffsetDst, hOffsetDst, src, wOffsetSrc,
                                      hOffsetSrc, width, height, kind, cudaStreamPerThread));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToArray_ptds(cudaArray_t dst, size_t wOffset,
                                                 size_t hOffset, const void *src,
                                                 size_t count, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyToArray_ptds);
  return recordError(linearCopy(dst, wOffset, hOffset, src, count, kind, true,
                                cudaStreamPerThread, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyToArrayAsync_ptsz(cudaArray_t dst, size_t wOffset,
                                                      size_t hOffset, const void *src,
                                                      size_t count, enum cudaMemcpyKind kind,
                                                      cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyToArrayAsync_ptsz);
  return recordError(linearCopy(dst, wOffset, hOffset, src, count, kind, true,
                                stream ? stream : cudaStreamPerThread, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromArray_ptds(void *dst, cudaArray_const_t src,
                                                   size_t wOffset, size_t hOffset,
                                                   size_t count, enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyFromArray_ptds);
  return recordError(linearCopy(src, wOffset, hOffset, dst, count, kind, false,
                                cudaStreamPerThread, false));
}

CUPORT_EXPORT cudaError_t cudaMemcpyFromArrayAsync_ptsz(void *dst, cudaArray_const_t src,
                                                        size_t wOffset, size_t hOffset,
                                                        size_t count,
                                                        enum cudaMemcpyKind kind,
                                                        cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyFromArrayAsync_ptsz);
  return recordError(linearCopy(src, wOffset, hOffset, dst, count, kind, false,
                                stream ? stream : cudaStreamPerThread, true));
}

CUPORT_EXPORT cudaError_t cudaMemcpyArrayToArray_ptds(cudaArray_t dst, size_t wOffsetDst,
                                                      size_t hOffsetDst,
                                                      cudaArray_const_t src,
                                                      size_t wOffsetSrc, size_t hOffsetSrc,
                                                      size_t count,
                                                      enum cudaMemcpyKind kind) {
  CUPORT_API_ENTRY(cudaMemcpyArrayToArray_ptds);
  return recordError(arrayToArray(dst, wOffsetDst, hOffsetDst, src, wOffsetSrc, hOffsetSrc,
                                  count, kind, cudaStreamPerThread));
}
