//===- entry/Texture.cpp - Texture and surface object management ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The Texture Object Management and Surface Object Management sections.
// A null output or descriptor, an unknown or destroyed object and a
// descriptor CUDA does not accept (a format, address mode or filter out of
// range, linear filtering of integer elements, misaligned linear memory, a
// surface over an array made without cudaArraySurfaceLoadStore) are
// cudaErrorInvalidValue; a resource naming an unknown array is
// cudaErrorInvalidResourceHandle.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/TextureObjects.h"

using namespace cuport::rt;

CUPORT_EXPORT cudaError_t cudaCreateTextureObject(
    cudaTextureObject_t *pTexObject, const struct cudaResourceDesc *pResDesc,
    const struct cudaTextureDesc *pTexDesc, const struct cudaResourceViewDesc *pResViewDesc) {
  CUPORT_API_ENTRY(cudaCreateTextureObject);
  return recordError(createTextureObject(pResDesc, pTexDesc, pResViewDesc, pTexObject));
}

CUPORT_EXPORT cudaError_t cudaDestroyTextureObject(cudaTextureObject_t texObject) {
  CUPORT_API_ENTRY(cudaDestroyTextureObject);
  return recordError(destroyTextureObject(texObject, /*surface=*/false));
}

CUPORT_EXPORT cudaError_t cudaGetTextureObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                           cudaTextureObject_t texObject) {
  CUPORT_API_ENTRY(cudaGetTextureObjectResourceDesc);
  const TextureObject *object = findTextureObject(texObject, false);
  if (!pResDesc || !object)
    return recordError(cudaErrorInvalidValue);
  *pResDesc = object->resource;
  return recordError(cudaSuccess);
}

CUPORT_EXPORT cudaError_t cudaGetTextureObjectTextureDesc(struct cudaTextureDesc *pTexDesc,
                                                          cudaTextureObject_t texObject) {
  CUPORT_API_ENTRY(cudaGetTextureObjectTextureDesc);
  const TextureObject *object = findTextureObject(texObject, false);
  if (!pTexDesc || !object)
    return recordError(cudaErrorInvalidValue);
  *pTexDesc = object->texture;
  return recordError(cudaSuccess);
}

CUPORT_EXPORT cudaError_t cudaGetTextureObjectResourceViewDesc(
    struct cudaResourceViewDesc *pResViewDesc, cudaTextureObject_t texObject) {
  CUPORT_API_ENTRY(cudaGetTextureObjectResourceViewDesc);
  const TextureObject *object = findTextureObject(texObject, false);
  if (!pResViewDesc || !object)
    return recordError(cudaErrorInvalidValue);
  // Without a view at creation: an all-zero view (cudaResViewFormatNone).
  *pResViewDesc = object->hasView ? object->view : cudaResourceViewDesc{};
  return recordError(cudaSuccess);
}

CUPORT_EXPORT cudaError_t cudaCreateSurfaceObject(cudaSurfaceObject_t *pSurfObject,
                                                  const struct cudaResourceDesc *pResDesc) {
  CUPORT_API_ENTRY(cudaCreateSurfaceObject);
  return recordError(createSurfaceObject(pResDesc, pSurfObject));
}

CUPORT_EXPORT cudaError_t cudaDestroySurfaceObject(cudaSurfaceObject_t surfObject) {
  CUPORT_API_ENTRY(cudaDestroySurfaceObject);
  return recordError(destroyTextureObject(surfObject, /*surface=*/true));
}

CUPORT_EXPORT cudaError_t cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                           cudaSurfaceObject_t surfObject) {
  CUPORT_API_ENTRY(cudaGetSurfaceObjectResourceDesc);
  const TextureObject *object = findTextureObject(surfObject, true);
  if (!pResDesc || !object)
    return recordError(cudaErrorInvalidValue);
  *pResDesc = object->resource;
  return recordError(cudaSuccess);
}
