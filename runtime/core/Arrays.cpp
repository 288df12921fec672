//===- core/Arrays.cpp - CUDA arrays and mipmapped arrays -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Arrays.h"

#include "core/Graph.h"

#include "core/Runtime.h"
#include "core/Streams.h"
#include "core/TextureObjects.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

using cuport::backend::MemoryKind;
using cuport::backend::Status;

namespace cuport::rt {

namespace {

/// The live arrays and mipmapped arrays, owned here.
struct ArrayRegistry {
  std::mutex mutex;
  std::unordered_map<const void *, std::unique_ptr<ArrayObject>> arrays;
  std::unordered_map<const void *, std::unique_ptr<MipmappedArrayObject>> mipmaps;
};

ArrayRegistry &registry() {
  static ArrayRegistry *instance = new ArrayRegistry; // outlives static destructors
  return *instance;
}

constexpr unsigned kKnownFlags = cudaArrayLayered | cudaArraySurfaceLoadStore |
                                 cudaArrayCubemap | cudaArrayTextureGather |
                                 cudaArrayColorAttachment | cudaArraySparse |
                                 cudaArrayDeferredMapping;

/// The largest arrays, per kind: the texture limits cuport's devices
/// report (core/DeviceProperties.cpp: maxTexture1D, maxTexture2D,
/// maxTexture3D, maxTexture1DLayered, maxTexture2DLayered,
/// maxTextureCubemap, maxTextureCubemapLayered). They also keep every
/// array's byte size far from overflowing.
constexpr size_t kMax1D = 131072, kMax2D[2] = {131072, 65536}, kMax3D = 16384;
constexpr size_t kMaxLayered = 32768, kMaxLayers = 2048, kMaxCubemapLayers = 2046;

/// CUDA's rules on the extent of each kind of array (cudaMalloc3DArray).
cudaError_t checkExtent(cudaExtent extent, unsigned flags) {
  if (extent.width == 0)
    return cudaErrorInvalidValue;
  bool layered = flags & cudaArrayLayered, cubemap = flags & cudaArrayCubemap;
  if (cubemap) {
    // Square faces; six of them, or a multiple of six when layered.
    if (extent.width != extent.height || extent.depth == 0 || extent.depth % 6 != 0 ||
        (!layered && extent.depth != 6) || extent.width > kMaxLayered ||
        extent.depth / 6 > kMaxCubemapLayers)
      return cudaErrorInvalidValue;
    return cudaSuccess;
  }
  if (layered)
    return extent.depth == 0 || extent.depth > kMaxLayers || extent.width > kMaxLayered ||
                   extent.height > kMaxLayered
               ? cudaErrorInvalidValue
               : cudaSuccess;
  if (extent.height == 0 && extent.depth != 0)
    return cudaErrorInvalidValue;
  if ((flags & cudaArrayTextureGather) && (extent.height == 0 || extent.depth != 0))
    return cudaErrorInvalidValue;
  bool tooLarge = extent.depth      ? extent.width > kMax3D || extent.height > kMax3D ||
                                     extent.depth > kMax3D
                  : extent.height ? extent.width > kMax2D[0] || extent.height > kMax2D[1]
                                  : extent.width > kMax1D;
  return tooLarge ? cudaErrorInvalidValue : cudaSuccess;
}

/// An array object with its storage (not yet registered).
cudaError_t allocateArray(const cudaChannelFormatDesc &format, cudaExtent extent,
                          unsigned flags, size_t texelBytes, Device &device,
                          std::unique_ptr<ArrayObject> *out) {
  auto array = std::make_unique<ArrayObject>();
  array->format = format;
  array->extent = extent;
  array->flags = flags;
  array->device = device.ordinal;
  array->texelBytes = texelBytes;
  array->width = extent.width;
  array->height = std::max<size_t>(extent.height, 1);
  array->depth = std::max<size_t>(extent.depth, 1);
  array->rowBytes = extent.width * texelBytes;
  void *memory = nullptr;
  if (device.backend->allocate(array->bytes(), MemoryKind::Device, &memory) !=
      Status::Success)
    return cudaErrorMemoryAllocation;
  array->data = memory;
  *out = std::move(array);
  return cudaSuccess;
}

void releaseStorage(const ArrayObject &array) {
  if (Device *device = Runtime::instance().device(array.device)) {
    (void)device->synchronize(); // running kernels may still read it
    device->backend->release(array.data, MemoryKind::Device);
  }
}

cudaError_t currentUsableDevice(Device **out) {
  if (cudaError_t error = Runtime::instance().currentDevice(out))
    return error;
  return (*out)->sticky;
}

bool isPinnedHost(const void *pointer) {
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(pointer);
  return allocation && allocation->kind == MemoryKind::PinnedHost;
}

} // namespace

size_t texelBytesOf(const cudaChannelFormatDesc &format, cudaError_t *error) {
  *error = cudaErrorInvalidChannelDescriptor;
  int bits[4] = {format.x, format.y, format.z, format.w};
  int channels = 0;
  for (int c = 0; c < 4; ++c) {
    if (bits[c] == 0)
      break;
    if (bits[c] != bits[0])
      return 0;
    ++channels;
  }
  for (int c = channels; c < 4; ++c)
    if (bits[c] != 0)
      return 0;
  if (channels == 0 || channels == 3)
    return 0;
  switch (format.f) {
  case cudaChannelFormatKindSigned:
  case cudaChannelFormatKindUnsigned:
    if (bits[0] != 8 && bits[0] != 16 && bits[0] != 32)
      return 0;
    break;
  case cudaChannelFormatKindFloat:
    if (bits[0] != 16 && bits[0] != 32)
      return 0;
    break;
  default:
    return 0;
  }
  *error = cudaSuccess;
  return size_t(channels) * size_t(bits[0]) / 8;
}

cudaError_t createArray(const cudaChannelFormatDesc *format, cudaExtent extent,
                        unsigned flags, ArrayObject **out) {
  if (!out || !format || (flags & ~kKnownFlags))
    return cudaErrorInvalidValue;
  if (flags & (cudaArraySparse | cudaArrayDeferredMapping))
    return cudaErrorNotSupported; // cudaDevAttrSparseCudaArraySupported is 0
  cudaError_t error = cudaSuccess;
  size_t texelBytes = texelBytesOf(*format, &error);
  if (!texelBytes)
    return error;
  if (cudaError_t bad = checkExtent(extent, flags))
    return bad;
  Device *device = nullptr;
  if (cudaError_t bad = currentUsableDevice(&device))
    return bad;
  std::unique_ptr<ArrayObject> array;
  if (cudaError_t bad = allocateArray(*format, extent, flags, texelBytes, *device, &array))
    return bad;
  ArrayRegistry &arrays = registry();
  std::lock_guard lock(arrays.mutex);
  *out = array.get();
  arrays.arrays.emplace(array.get(), std::move(array));
  return cudaSuccess;
}

ArrayObject *findArray(cudaArray_const_t array) {
  ArrayRegistry &arrays = registry();
  std::lock_guard lock(arrays.mutex);
  auto it = arrays.arrays.find(array);
  return it == arrays.arrays.end() ? nullptr : it->second.get();
}

cudaError_t destroyArray(cudaArray_const_t handle) {
  std::unique_ptr<ArrayObject> array;
  {
    ArrayRegistry &arrays = registry();
    std::lock_guard lock(arrays.mutex);
    auto it = arrays.arrays.find(handle);
    if (it == arrays.arrays.end() || it->second->owner)
      return cudaErrorInvalidValue;
    array = std::move(it->second);
    arrays.arrays.erase(it);
  }
  releaseStorage(*array);
  return cudaSuccess;
}

cudaError_t createMipmappedArray(const cudaChannelFormatDesc *format, cudaExtent extent,
                                 unsigned levels, unsigned flags,
                                 MipmappedArrayObject **out) {
  if (!out || !format || (flags & ~kKnownFlags) || levels == 0)
    return cudaErrorInvalidValue;
  if (flags & (cudaArraySparse | cudaArrayDeferredMapping))
    return cudaErrorNotSupported;
  cudaError_t error = cudaSuccess;
  size_t texelBytes = texelBytesOf(*format, &error);
  if (!texelBytes)
    return error;
  if (cudaError_t bad = checkExtent(extent, flags))
    return bad;
  // At most 1 + floor(log2(largest dimension)) levels; layers do not shrink.
  bool layered = flags & (cudaArrayLayered | cudaArrayCubemap);
  size_t largest = std::max({extent.width, extent.height, layered ? 0 : extent.depth});
  unsigned maxLevels = 1;
  while ((largest >> maxLevels) != 0)
    ++maxLevels;
  if (levels > maxLevels)
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t bad = currentUsableDevice(&device))
    return bad;
  auto mipmap = std::make_unique<MipmappedArrayObject>();
  mipmap->format = *format;
  mipmap->extent = extent;
  mipmap->flags = flags;
  mipmap->device = device->ordinal;
  std::vector<std::unique_ptr<ArrayObject>> owned;
  for (unsigned level = 0; level < levels; ++level) {
    auto shrink = [level](size_t n) { return n == 0 ? 0 : std::max<size_t>(n >> level, 1); };
    cudaExtent levelExtent{shrink(extent.width), shrink(extent.height),
                           layered ? extent.depth : shrink(extent.depth)};
    std::unique_ptr<ArrayObject> array;
    if (cudaError_t bad =
            allocateArray(*format, levelExtent, flags, texelBytes, *device, &array)) {
      for (auto &made : owned)
        device->backend->release(made->data, MemoryKind::Device);
      return bad;
    }
    array->owner = mipmap.get();
    mipmap->levels.push_back(array.get());
    owned.push_back(std::move(array));
  }
  ArrayRegistry &arrays = registry();
  std::lock_guard lock(arrays.mutex);
  for (auto &array : owned)
    arrays.arrays.emplace(array.get(), std::move(array));
  *out = mipmap.get();
  arrays.mipmaps.emplace(mipmap.get(), std::move(mipmap));
  return cudaSuccess;
}

MipmappedArrayObject *findMipmappedArray(cudaMipmappedArray_const_t mipmap) {
  ArrayRegistry &arrays = registry();
  std::lock_guard lock(arrays.mutex);
  auto it = arrays.mipmaps.find(mipmap);
  return it == arrays.mipmaps.end() ? nullptr : it->second.get();
}

cudaError_t destroyMipmappedArray(cudaMipmappedArray_const_t handle) {
  std::unique_ptr<MipmappedArrayObject> mipmap;
  std::vector<std::unique_ptr<ArrayObject>> levels;
  {
    ArrayRegistry &arrays = registry();
    std::lock_guard lock(arrays.mutex);
    auto it = arrays.mipmaps.find(handle);
    if (it == arrays.mipmaps.end())
      return cudaErrorInvalidValue;
    mipmap = std::move(it->second);
    arrays.mipmaps.erase(it);
    for (ArrayObject *level : mipmap->levels) {
      auto found = arrays.arrays.find(level);
      levels.push_back(std::move(found->second));
      arrays.arrays.erase(found);
    }
  }
  for (auto &level : levels)
    releaseStorage(*level);
  return cudaSuccess;
}

void resetDeviceArrays(int ordinal) {
  resetDeviceTextureObjects(ordinal);
  std::vector<std::unique_ptr<ArrayObject>> arrays;
  std::vector<std::unique_ptr<MipmappedArrayObject>> mipmaps;
  {
    ArrayRegistry &live = registry();
    std::lock_guard lock(live.mutex);
    for (auto it = live.arrays.begin(); it != live.arrays.end();)
      if (it->second->device == ordinal) {
        arrays.push_back(std::move(it->second));
        it = live.arrays.erase(it);
      } else {
        ++it;
      }
    for (auto it = live.mipmaps.begin(); it != live.mipmaps.end();)
      if (it->second->device == ordinal) {
        mipmaps.push_back(std::move(it->second));
        it = live.mipmaps.erase(it);
      } else {
        ++it;
      }
  }
  if (Device *device = Runtime::instance().device(ordinal))
    for (auto &array : arrays)
      device->backend->release(array->data, MemoryKind::Device);
}

texture::TextureDescriptor describeArray(const ArrayObject &array) {
  texture::TextureDescriptor d;
  cudaError_t ignored;
  d.texelBytes = uint32_t(texelBytesOf(array.format, &ignored));
  d.channelBits = uint32_t(array.format.x);
  d.channels = d.texelBytes * 8 / d.channelBits;
  d.channelKind = array.format.f == cudaChannelFormatKindSigned     ? texture::ChannelSigned
                  : array.format.f == cudaChannelFormatKindUnsigned ? texture::ChannelUnsigned
                                                                    : texture::ChannelFloat;
  d.width = array.width;
  d.height = array.height;
  d.pitch = array.rowBytes;
  d.slicePitch = array.rowBytes * array.height;
  d.data = array.data;
  d.layered = (array.flags & (cudaArrayLayered | cudaArrayCubemap)) != 0;
  d.cubemap = (array.flags & cudaArrayCubemap) != 0;
  if (d.layered) {
    d.depth = 1;
    d.layers = array.depth;
  } else {
    d.depth = array.depth;
    d.layers = 1;
  }
  d.dimensions = array.extent.height == 0 ? 1 : (array.extent.depth == 0 || d.layered) ? 2 : 3;
  return d;
}

bool linearSideIsDevice(cudaMemcpyKind kind, const void *pointer, bool isDestination,
                        bool *isDevice) {
  switch (kind) {
  case cudaMemcpyHostToDevice:
    *isDevice = false;
    return !isDestination; // host source into an array
  case cudaMemcpyDeviceToHost:
    *isDevice = false;
    return isDestination; // array into host memory
  case cudaMemcpyDeviceToDevice:
    *isDevice = true;
    return true;
  case cudaMemcpyDefault: {
    std::optional<Allocation> allocation = Runtime::instance().allocations().find(pointer);
    *isDevice = allocation && allocation->kind != MemoryKind::PinnedHost;
    return true;
  }
  default:
    return false;
  }
}

cudaError_t copyRegion(const CopySide &dst, const CopySide &src, size_t widthBytes,
                       size_t height, size_t depth, cudaStream_t stream, bool async) {
  if (widthBytes == 0 || height == 0 || depth == 0)
    return cudaSuccess;
  if (!async)
    if (cudaError_t error = checkCaptureSafe())
      return error;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture) // a memcpy node between the storages
    return captureMemcpy(target, copyRegionParams(dst, src, widthBytes, height, depth));
  if (cudaError_t error = target.device->sticky)
    return error;
  if (cudaError_t error = orderSubmission(target))
    return error;
  auto *to = static_cast<std::byte *>(const_cast<void *>(dst.base));
  auto *from = static_cast<const std::byte *>(src.base);
  bool contiguous = dst.pitch == widthBytes && src.pitch == widthBytes &&
                    (depth == 1 || (dst.slicePitch == widthBytes * height &&
                                    src.slicePitch == widthBytes * height));
  if (contiguous) {
    if (cudaError_t error = toCudaError(
            target.queue->copy(to, from, widthBytes * height * depth)))
      return error;
  } else {
    for (size_t z = 0; z < depth; ++z)
      for (size_t y = 0; y < height; ++y)
        if (cudaError_t error = toCudaError(target.queue->copy(
                to + z * dst.slicePitch + y * dst.pitch,
                from + z * src.slicePitch + y * src.pitch, widthBytes)))
          return error;
  }
  bool pageable = (!dst.device && !isPinnedHost(dst.base)) ||
                  (!src.device && !isPinnedHost(src.base));
  if (async && !pageable)
    return cudaSuccess;
  // Synchronous copies, and copies with pageable memory (whose source the
  // caller may reuse when the call returns), complete here.
  return target.device->synchronizeQueue(*target.queue);
}

cudaError_t arrayCopySide(cudaArray_const_t handle, size_t xBytes, size_t y, size_t z,
                          size_t widthBytes, size_t height, size_t depth, CopySide *side) {
  ArrayObject *array = findArray(handle);
  if (!array)
    return cudaErrorInvalidResourceHandle;
  if (xBytes + widthBytes > array->rowBytes || y + height > array->height ||
      z + depth > array->depth)
    return cudaErrorInvalidValue;
  side->pitch = array->rowBytes;
  side->slicePitch = array->rowBytes * array->height;
  side->base = static_cast<const std::byte *>(array->data) + z * side->slicePitch +
               y * array->rowBytes + xBytes;
  side->device = true;
  return cudaSuccess;
}

cudaError_t linearCopySide(const void *pointer, size_t pitch, size_t rowsPerSlice,
                           size_t xBytes, size_t y, size_t z, size_t widthBytes,
                           size_t height, size_t depth, cudaMemcpyKind kind,
                           bool isDestination, CopySide *side) {
  bool device = false;
  if (!linearSideIsDevice(kind, pointer, isDestination, &device))
    return cudaErrorInvalidMemcpyDirection;
  if (!pointer)
    return cudaErrorInvalidValue;
  if (xBytes + widthBytes > pitch)
    return cudaErrorInvalidPitchValue;
  side->pitch = pitch;
  side->slicePitch = pitch * rowsPerSlice;
  side->base = static_cast<const std::byte *>(pointer) + z * side->slicePitch + y * pitch +
               xBytes;
  side->device = device;
  if (device && height && depth &&
      !Runtime::instance().allocations().contains(
          side->base, (depth - 1) * side->slicePitch + (height - 1) * pitch + widthBytes))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

cudaError_t copy3DWithArray(const cudaMemcpy3DParms &p, cudaStream_t stream, bool async) {
  // Exactly one source and one destination, an array among them.
  if (bool(p.srcArray) == bool(p.srcPtr.ptr) || bool(p.dstArray) == bool(p.dstPtr.ptr) ||
      (!p.srcArray && !p.dstArray))
    return cudaErrorInvalidValue;
  ArrayObject *srcArray = p.srcArray ? findArray(p.srcArray) : nullptr;
  ArrayObject *dstArray = p.dstArray ? findArray(p.dstArray) : nullptr;
  if ((p.srcArray && !srcArray) || (p.dstArray && !dstArray))
    return cudaErrorInvalidResourceHandle;
  if (srcArray && dstArray && srcArray->texelBytes != dstArray->texelBytes)
    return cudaErrorInvalidValue;
  if (p.extent.width == 0 || p.extent.height == 0 || p.extent.depth == 0)
    return cudaSuccess;
  size_t texelBytes = srcArray ? srcArray->texelBytes : dstArray->texelBytes;
  size_t widthBytes = p.extent.width * texelBytes;
  cudaMemcpyKind kind = p.kind;
  if (srcArray && dstArray && kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  CopySide dst, src;
  cudaError_t error =
      srcArray ? arrayCopySide(p.srcArray, p.srcPos.x * texelBytes, p.srcPos.y, p.srcPos.z,
                               widthBytes, p.extent.height, p.extent.depth, &src)
               : linearCopySide(p.srcPtr.ptr, p.srcPtr.pitch, p.srcPtr.ysize, p.srcPos.x,
                                p.srcPos.y, p.srcPos.z, widthBytes, p.extent.height,
                                p.extent.depth, kind, false, &src);
  if (error)
    return error;
  error = dstArray ? arrayCopySide(p.dstArray, p.dstPos.x * texelBytes, p.dstPos.y,
                                   p.dstPos.z, widthBytes, p.extent.height, p.extent.depth,
                                   &dst)
                   : linearCopySide(p.dstPtr.ptr, p.dstPtr.pitch, p.dstPtr.ysize, p.dstPos.x,
                                    p.dstPos.y, p.dstPos.z, widthBytes, p.extent.height,
                                    p.extent.depth, kind, true, &dst);
  if (error)
    return error;
  return copyRegion(dst, src, widthBytes, p.extent.height, p.extent.depth, stream, async);
}

} // namespace cuport::rt
