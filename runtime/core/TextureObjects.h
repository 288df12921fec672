//===- core/TextureObjects.h - Texture and surface objects ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaTextureObject_t and cudaSurfaceObject_t. An object keeps what the
// application described (resource, texture and view descriptors, returned
// by the cudaGet*ObjectDesc calls) and the TextureDescriptor that device
// code reads through the handle: the handle is the descriptor's address
// (cuport/TextureDescriptor.h), so a backend sharing the host's address
// space reads it directly.
//
// Resources: CUDA arrays, mipmapped arrays (every level), linear memory and
// pitched 2D memory for textures; arrays made with
// cudaArraySurfaceLoadStore for surfaces.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_TEXTUREOBJECTS_H
#define CUPORT_RUNTIME_CORE_TEXTUREOBJECTS_H

#include "cuport/TextureDescriptor.h"

#include <cuda_runtime_api.h>

#include <vector>

namespace cuport::rt {

struct TextureObject {
  texture::TextureDescriptor descriptor; ///< what the handle points at
  cudaResourceDesc resource{};
  cudaTextureDesc texture{};
  cudaResourceViewDesc view{};
  bool hasView = false;
  int device = 0;
  /// Mipmapped arrays: one descriptor per level (descriptor.levels).
  std::vector<texture::TextureDescriptor> levels;
};

cudaError_t createTextureObject(const cudaResourceDesc *resource,
                                const cudaTextureDesc *texture,
                                const cudaResourceViewDesc *view, cudaTextureObject_t *out);
cudaError_t createSurfaceObject(const cudaResourceDesc *resource,
                                cudaSurfaceObject_t *out);
/// Destroys a texture (`surface` false) or surface object; waits for the
/// device first, since running kernels may still read its descriptor.
cudaError_t destroyTextureObject(unsigned long long handle, bool surface);
/// cudaDeviceReset: every texture and surface object of `device` goes.
void resetDeviceTextureObjects(int device);
/// The live texture or surface object `handle` names, or nullptr.
const TextureObject *findTextureObject(unsigned long long handle, bool surface);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_TEXTUREOBJECTS_H
