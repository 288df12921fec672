//===- core/Arrays.h - CUDA arrays and mipmapped arrays ---------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The cudaArray model. An array is texels of one channel format (1, 2 or 4
// channels of 8, 16 or 32 bits, signed, unsigned or float) over an extent
// and its flags (layered, cubemap, surface load/store, texture gather). Its
// backing store is one backend allocation holding the texels row-major
// without padding: row y of slice z (a depth slice, a layer or a cubemap
// face) starts at (z * height + y) * rowBytes. A mipmapped array is a chain
// of such arrays, each level half the size of the one before.
//
// The handles the application sees (cudaArray_t, cudaMipmappedArray_t) are
// the addresses of these objects; every entry checks them against the live
// set, so a freed or made-up handle is an error, never a crash.
//
// Copies between arrays and linear memory are region copies: rows of
// widthBytes, submitted to the stream's queue one contiguous run at a time.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_ARRAYS_H
#define CUPORT_RUNTIME_CORE_ARRAYS_H

#include "cuport/TextureDescriptor.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <vector>

namespace cuport::rt {

struct MipmappedArrayObject;

struct ArrayObject {
  cudaChannelFormatDesc format{};
  cudaExtent extent{};   ///< as allocated: height 0 for 1D, depth 0 for 1D/2D
  unsigned flags = 0;
  int device = 0;
  size_t texelBytes = 0;
  size_t width = 0, height = 1, depth = 1; ///< storage rows: depth slices of height
  size_t rowBytes = 0;
  void *data = nullptr; ///< backend device memory, bytes()
  MipmappedArrayObject *owner = nullptr; ///< the mipmapped array of a level

  size_t bytes() const { return rowBytes * height * depth; }
};

struct MipmappedArrayObject {
  cudaChannelFormatDesc format{};
  cudaExtent extent{};
  unsigned flags = 0;
  int device = 0;
  std::vector<ArrayObject *> levels;
};

/// Bytes per texel of a format the arrays support; 0 (and the reason in
/// *error) when it is not one.
size_t texelBytesOf(const cudaChannelFormatDesc &format, cudaError_t *error);

/// cudaMalloc3DArray's checks and allocation (cudaMallocArray passes a
/// depth of 0). The array lives on the calling thread's current device.
cudaError_t createArray(const cudaChannelFormatDesc *format, cudaExtent extent,
                        unsigned flags, ArrayObject **out);
/// cudaFreeArray: waits for the device, then frees. A level of a mipmapped
/// array is not freed on its own (cudaErrorInvalidValue).
cudaError_t destroyArray(cudaArray_const_t array);
/// The live array `array` names, or nullptr.
ArrayObject *findArray(cudaArray_const_t array);

cudaError_t createMipmappedArray(const cudaChannelFormatDesc *format, cudaExtent extent,
                                 unsigned levels, unsigned flags,
                                 MipmappedArrayObject **out);
cudaError_t destroyMipmappedArray(cudaMipmappedArray_const_t mipmap);
MipmappedArrayObject *findMipmappedArray(cudaMipmappedArray_const_t mipmap);

/// cudaDeviceReset: the device's arrays, mipmapped arrays, texture and
/// surface objects are gone (their handles unknown from then on). The
/// device has been drained.
void resetDeviceArrays(int device);

/// The descriptor of `array` as a texture or surface reads it (format,
/// extent, layers, backing store); sampling fields left at their defaults.
texture::TextureDescriptor describeArray(const ArrayObject &array);

/// One side of a region copy: where its first row starts, the bytes from
/// row to row and from slice to slice, and whether it is device memory.
struct CopySide {
  const void *base = nullptr;
  size_t pitch = 0;
  size_t slicePitch = 0;
  bool device = false;
};

/// Copies `depth` slices of `height` rows of `widthBytes` on `stream`;
/// synchronous unless `async` and neither side is pageable host memory.
cudaError_t copyRegion(const CopySide &dst, const CopySide &src, size_t widthBytes,
                       size_t height, size_t depth, cudaStream_t stream, bool async);

/// The array side of a copy: `widthBytes` x `height` x `depth` starting
/// at byte `xBytes` of row `y` of slice `z`. cudaErrorInvalidResourceHandle
/// for an unknown array, cudaErrorInvalidValue when the box leaves it.
cudaError_t arrayCopySide(cudaArray_const_t array, size_t xBytes, size_t y, size_t z,
                          size_t widthBytes, size_t height, size_t depth, CopySide *side);

/// The linear side of a copy: rows `pitch` apart, slices `rowsPerSlice`
/// rows apart, the box starting at byte `xBytes` of row `y` of slice `z`.
/// The direction comes from `kind` (cudaErrorInvalidMemcpyDirection when
/// it does not fit); device memory must lie inside one allocation.
cudaError_t linearCopySide(const void *pointer, size_t pitch, size_t rowsPerSlice,
                           size_t xBytes, size_t y, size_t z, size_t widthBytes,
                           size_t height, size_t depth, cudaMemcpyKind kind,
                           bool isDestination, CopySide *side);

/// cudaMemcpy3D / cudaMemcpy3DAsync when either side is a CUDA array: the
/// extent and an array's position count its elements, a pitched pointer's
/// position x counts bytes (CUDA's rules). The Memory section's 3D copies
/// hand such copies here: `if (p->srcArray || p->dstArray) return
/// copy3DWithArray(*p, stream, async);`.
cudaError_t copy3DWithArray(const cudaMemcpy3DParms &parms, cudaStream_t stream,
                            bool async);

/// Whether the linear side of an array copy is device memory, per `kind`
/// (cudaMemcpyDefault: the allocation table decides); false when `kind`
/// does not allow a linear side on that end.
bool linearSideIsDevice(cudaMemcpyKind kind, const void *pointer, bool isDestination,
                        bool *isDevice);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_ARRAYS_H
