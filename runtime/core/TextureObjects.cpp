//===- core/TextureObjects.cpp - Texture and surface objects --------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/TextureObjects.h"

#include "core/Arrays.h"
#include "core/Runtime.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace cuport::rt {

namespace {

namespace tx = cuport::texture;

struct ObjectRegistry {
  std::mutex mutex;
  std::unordered_map<unsigned long long, std::unique_ptr<TextureObject>> objects;
};

ObjectRegistry &registry() {
  static ObjectRegistry *instance = new ObjectRegistry; // outlives static destructors
  return *instance;
}

/// The format fields of a descriptor for linear or pitched memory.
cudaError_t describeFormat(const cudaChannelFormatDesc &format, tx::TextureDescriptor *d) {
  cudaError_t error = cudaSuccess;
  size_t texelBytes = texelBytesOf(format, &error);
  if (!texelBytes)
    return error;
  d->texelBytes = uint32_t(texelBytes);
  d->channelBits = uint32_t(format.x);
  d->channels = d->texelBytes * 8 / d->channelBits;
  d->channelKind = format.f == cudaChannelFormatKindSigned     ? tx::ChannelSigned
                   : format.f == cudaChannelFormatKindUnsigned ? tx::ChannelUnsigned
                                                               : tx::ChannelFloat;
  return cudaSuccess;
}

/// Linear memory `pointer` of `bytes` is device memory the runtime gave out.
bool isDeviceRange(const void *pointer, size_t bytes) {
  std::optional<Allocation> allocation = Runtime::instance().allocations().find(pointer);
  return allocation && allocation->kind != backend::MemoryKind::PinnedHost &&
         Runtime::instance().allocations().contains(pointer, bytes);
}

// The alignment of texture memory: cuport's devices report 512
// (cudaDeviceProp::textureAlignment) but their cudaMalloc guarantees 256,
// as CUDA's does; a base that cudaMalloc returned is always accepted.
// Pitches: texturePitchAlignment. The most texels of a linear texture:
// cudaDeviceGetTexture1DLinearMaxWidth, 2^28.
constexpr uintptr_t kTextureAlignment = 256;
constexpr size_t kTexturePitchAlignment = 32;
constexpr uint64_t kMaxTexture1DLinear = uint64_t(1) << 28;

/// The descriptor of a texture or surface resource.
cudaError_t describeResource(const cudaResourceDesc &resource, tx::TextureDescriptor *d) {
  switch (resource.resType) {
  case cudaResourceTypeArray: {
    ArrayObject *array = findArray(resource.res.array.array);
    if (!array)
      return cudaErrorInvalidResourceHandle;
    *d = describeArray(*array);
    return cudaSuccess;
  }
  case cudaResourceTypeMipmappedArray: {
    MipmappedArrayObject *mipmap = findMipmappedArray(resource.res.mipmap.mipmap);
    if (!mipmap)
      return cudaErrorInvalidResourceHandle;
    *d = describeArray(*mipmap->levels.front());
    d->mipmapLevels = uint32_t(mipmap->levels.size());
    return cudaSuccess;
  }
  case cudaResourceTypeLinear: {
    const auto &linear = resource.res.linear;
    if (cudaError_t bad = describeFormat(linear.desc, d))
      return bad;
    if (!linear.devPtr || linear.sizeInBytes < d->texelBytes ||
        reinterpret_cast<uintptr_t>(linear.devPtr) % kTextureAlignment != 0 ||
        !isDeviceRange(linear.devPtr, linear.sizeInBytes))
      return cudaErrorInvalidValue;
    d->width = linear.sizeInBytes / d->texelBytes;
    if (d->width > kMaxTexture1DLinear)
      return cudaErrorInvalidValue;
    d->data = linear.devPtr;
    d->pitch = d->slicePitch = linear.sizeInBytes;
    d->linearMemory = 1;
    return cudaSuccess;
  }
  case cudaResourceTypePitch2D: {
    const auto &pitched = resource.res.pitch2D;
    if (cudaError_t bad = describeFormat(pitched.desc, d))
      return bad;
    if (!pitched.devPtr || pitched.width == 0 || pitched.height == 0 ||
        pitched.width * d->texelBytes > pitched.pitchInBytes ||
        pitched.pitchInBytes % kTexturePitchAlignment != 0 ||
        reinterpret_cast<uintptr_t>(pitched.devPtr) % kTextureAlignment != 0 ||
        !isDeviceRange(pitched.devPtr,
                       pitched.pitchInBytes * (pitched.height - 1) +
                           pitched.width * d->texelBytes))
      return cudaErrorInvalidValue;
    d->dimensions = 2;
    d->width = pitched.width;
    d->height = pitched.height;
    d->pitch = pitched.pitchInBytes;
    d->slicePitch = pitched.pitchInBytes * pitched.height;
    d->data = pitched.devPtr;
    return cudaSuccess;
  }
  default:
    return cudaErrorInvalidValue;
  }
}

/// Applies a cudaTextureDesc, with CUDA's rules on what combines.
cudaError_t applySampling(const cudaTextureDesc &texture, tx::TextureDescriptor *d) {
  for (int axis = 0; axis < 3; ++axis) {
    if (unsigned(texture.addressMode[axis]) > cudaAddressModeBorder)
      return cudaErrorInvalidValue;
    d->addressMode[axis] = uint32_t(texture.addressMode[axis]);
  }
  if (unsigned(texture.filterMode) > cudaFilterModeLinear ||
      unsigned(texture.readMode) > cudaReadModeNormalizedFloat)
    return cudaErrorInvalidValue;
  bool integer = d->channelKind != tx::ChannelFloat;
  // Normalized float reads exist for 8- and 16-bit integers only, and only
  // float results can be filtered linearly.
  if (texture.readMode == cudaReadModeNormalizedFloat && integer && d->channelBits == 32)
    return cudaErrorInvalidValue;
  if (texture.filterMode == cudaFilterModeLinear && integer &&
      texture.readMode != cudaReadModeNormalizedFloat)
    return cudaErrorInvalidValue;
  d->filterMode = uint32_t(texture.filterMode);
  d->readMode = integer ? uint32_t(texture.readMode) : tx::ReadElementType;
  d->normalizedCoords = texture.normalizedCoords ? 1 : 0;
  for (int c = 0; c < 4; ++c)
    d->borderColor[c] = texture.borderColor[c];
  // sRGB applies to 8-bit unsigned channels read as normalized floats.
  d->srgb = texture.sRGB && d->channelKind == tx::ChannelUnsigned && d->channelBits == 8 &&
            d->readMode == tx::ReadNormalizedFloat;
  if (unsigned(texture.mipmapFilterMode) > cudaFilterModeLinear)
    return cudaErrorInvalidValue;
  d->mipmapFilterMode = uint32_t(texture.mipmapFilterMode);
  d->mipmapLevelBias = texture.mipmapLevelBias;
  d->minMipmapLevelClamp = texture.minMipmapLevelClamp;
  d->maxMipmapLevelClamp = texture.maxMipmapLevelClamp;
  return cudaSuccess;
}

/// The per-level descriptors of a mipmapped texture.
void describeLevels(const MipmappedArrayObject &mipmap, TextureObject *object) {
  for (const ArrayObject *level : mipmap.levels) {
    tx::TextureDescriptor d = describeArray(*level);
    d.magic = tx::kTextureMagic;
    object->levels.push_back(d);
  }
  object->descriptor.levels = object->levels.data();
  object->descriptor.mipmapLevels = uint32_t(object->levels.size());
}

/// Every level samples like the texture.
void shareSampling(TextureObject *object) {
  const tx::TextureDescriptor &top = object->descriptor;
  for (tx::TextureDescriptor &d : object->levels) {
    std::copy(std::begin(top.addressMode), std::end(top.addressMode), d.addressMode);
    d.filterMode = top.filterMode;
    d.readMode = top.readMode;
    d.normalizedCoords = top.normalizedCoords;
    d.srgb = top.srgb;
    std::copy(std::begin(top.borderColor), std::end(top.borderColor), d.borderColor);
  }
}

/// A view's format over the resource's texels: the same bytes per texel,
/// read as other channels (cudaResViewFormat*; block-compressed views are
/// refused: cuport has no block-compressed arrays).
cudaError_t applyViewFormat(cudaResourceViewFormat format, tx::TextureDescriptor *d) {
  if (format == cudaResViewFormatNone)
    return cudaSuccess;
  unsigned f = unsigned(format);
  if (f > unsigned(cudaResViewFormatFloat4))
    return cudaErrorInvalidValue;
  // Formats come in threes (1, 2, 4 channels) of uchar, char, ushort,
  // short, uint, int, half, float.
  static const uint32_t bits[8] = {8, 8, 16, 16, 32, 32, 16, 32};
  static const uint32_t kinds[8] = {tx::ChannelUnsigned, tx::ChannelSigned,
                                    tx::ChannelUnsigned, tx::ChannelSigned,
                                    tx::ChannelUnsigned, tx::ChannelSigned,
                                    tx::ChannelFloat,    tx::ChannelFloat};
  static const uint32_t channels[3] = {1, 2, 4};
  unsigned group = (f - 1) / 3;
  uint32_t count = channels[(f - 1) % 3];
  if (count * bits[group] / 8 != d->texelBytes)
    return cudaErrorInvalidValue;
  d->channels = count;
  d->channelBits = bits[group];
  d->channelKind = kinds[group];
  return cudaSuccess;
}

/// A cudaResourceViewDesc: the format, the extent (0 or the resource's),
/// a range of layers of a layered array, a range of levels of a mipmapped
/// array.
cudaError_t applyView(const cudaResourceViewDesc &view, TextureObject *object) {
  tx::TextureDescriptor &d = object->descriptor;
  if ((view.width && view.width != d.width) ||
      (view.height && d.dimensions >= 2 && view.height != d.height) ||
      (view.depth && d.dimensions == 3 && view.depth != d.depth))
    return cudaErrorInvalidValue;
  uint64_t layerUnit = d.cubemap ? 6 : 1;
  uint64_t layerCount = d.layers / layerUnit;
  if (view.firstLayer > view.lastLayer || (!d.layered && view.lastLayer != 0) ||
      (d.layered && view.lastLayer >= layerCount))
    return cudaErrorInvalidValue;
  uint32_t levels = std::max<uint32_t>(d.mipmapLevels, 1);
  if (view.firstMipmapLevel > view.lastMipmapLevel || view.lastMipmapLevel >= levels)
    return cudaErrorInvalidValue;
  auto narrow = [&](tx::TextureDescriptor &level) -> cudaError_t {
    if (cudaError_t error = applyViewFormat(view.format, &level))
      return error;
    if (level.layered && view.lastLayer != 0) {
      level.data = static_cast<std::byte *>(level.data) +
                   view.firstLayer * layerUnit * level.slicePitch;
      level.layers = (view.lastLayer - view.firstLayer + 1) * layerUnit;
    }
    return cudaSuccess;
  };
  if (!object->levels.empty()) {
    object->levels.erase(object->levels.begin() + view.lastMipmapLevel + 1,
                         object->levels.end());
    object->levels.erase(object->levels.begin(),
                         object->levels.begin() + view.firstMipmapLevel);
    for (tx::TextureDescriptor &level : object->levels)
      if (cudaError_t error = narrow(level))
        return error;
    // The view's first level is the texture's level 0.
    const tx::TextureDescriptor &first = object->levels.front();
    d.data = first.data;
    d.width = first.width;
    d.height = first.height;
    d.depth = first.depth;
    d.pitch = first.pitch;
    d.slicePitch = first.slicePitch;
    d.levels = object->levels.data();
    d.mipmapLevels = uint32_t(object->levels.size());
  }
  return narrow(d);
}

cudaError_t registerObject(std::unique_ptr<TextureObject> object,
                           unsigned long long *out) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  object->device = device->ordinal;
  auto handle = reinterpret_cast<unsigned long long>(&object->descriptor);
  ObjectRegistry &objects = registry();
  std::lock_guard lock(objects.mutex);
  objects.objects.emplace(handle, std::move(object));
  *out = handle;
  return cudaSuccess;
}

} // namespace

cudaError_t createTextureObject(const cudaResourceDesc *resource,
                                const cudaTextureDesc *texture,
                                const cudaResourceViewDesc *view,
                                cudaTextureObject_t *out) {
  if (!out || !resource || !texture || resource->flags != 0)
    return cudaErrorInvalidValue;
  auto object = std::make_unique<TextureObject>();
  if (cudaError_t error = describeResource(*resource, &object->descriptor))
    return error;
  if (resource->resType == cudaResourceTypeMipmappedArray)
    describeLevels(*findMipmappedArray(resource->res.mipmap.mipmap), object.get());
  if (view) {
    // Views apply to arrays and mipmapped arrays only.
    if (resource->resType != cudaResourceTypeArray &&
        resource->resType != cudaResourceTypeMipmappedArray)
      return cudaErrorInvalidValue;
    if (cudaError_t error = applyView(*view, object.get()))
      return error;
    object->view = *view;
    object->hasView = true;
  }
  // Sampling rules apply to the format the texture reads (the view's).
  if (cudaError_t error = applySampling(*texture, &object->descriptor))
    return error;
  shareSampling(object.get());
  object->descriptor.magic = tx::kTextureMagic;
  object->resource = *resource;
  object->texture = *texture;
  return registerObject(std::move(object), out);
}

cudaError_t createSurfaceObject(const cudaResourceDesc *resource,
                                cudaSurfaceObject_t *out) {
  if (!out || !resource || resource->flags != 0)
    return cudaErrorInvalidValue;
  if (resource->resType != cudaResourceTypeArray)
    return cudaErrorInvalidValue;
  ArrayObject *array = findArray(resource->res.array.array);
  if (!array)
    return cudaErrorInvalidResourceHandle;
  if (!(array->flags & cudaArraySurfaceLoadStore))
    return cudaErrorInvalidValue;
  auto object = std::make_unique<TextureObject>();
  object->descriptor = describeArray(*array);
  object->descriptor.magic = tx::kSurfaceMagic;
  object->resource = *resource;
  return registerObject(std::move(object), out);
}

void resetDeviceTextureObjects(int device) {
  ObjectRegistry &objects = registry();
  std::lock_guard lock(objects.mutex);
  for (auto it = objects.objects.begin(); it != objects.objects.end();)
    if (it->second->device == device) {
      it->second->descriptor.magic = 0;
      it = objects.objects.erase(it);
    } else {
      ++it;
    }
}

const TextureObject *findTextureObject(unsigned long long handle, bool surface) {
  ObjectRegistry &objects = registry();
  std::lock_guard lock(objects.mutex);
  auto it = objects.objects.find(handle);
  if (it == objects.objects.end())
    return nullptr;
  uint32_t magic = surface ? tx::kSurfaceMagic : tx::kTextureMagic;
  return it->second->descriptor.magic == magic ? it->second.get() : nullptr;
}

cudaError_t destroyTextureObject(unsigned long long handle, bool surface) {
  std::unique_ptr<TextureObject> object;
  {
    ObjectRegistry &objects = registry();
    std::lock_guard lock(objects.mutex);
    auto it = objects.objects.find(handle);
    uint32_t magic = surface ? tx::kSurfaceMagic : tx::kTextureMagic;
    if (it == objects.objects.end() || it->second->descriptor.magic != magic)
      return cudaErrorInvalidValue;
    object = std::move(it->second);
    objects.objects.erase(it);
  }
  if (Device *device = Runtime::instance().device(object->device))
    (void)device->synchronize(); // running kernels may still read it
  object->descriptor.magic = 0;
  return cudaSuccess;
}

} // namespace cuport::rt
