//===- cuport/TextureDescriptor.h - What a texture handle points at -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A cudaTextureObject_t or cudaSurfaceObject_t made by cuport's runtime is
// the address of a TextureDescriptor: a plain record of the memory behind
// the object (base, extent, pitches, texel format) and of how it is
// sampled (filtering, address modes, coordinates, read mode). The runtime
// fills it (runtime/core/Arrays.cpp); device code reads it through the
// texture services below, which the translator calls for tex, tld4, txq,
// suld, sust and suq (compiler/translate/TextureFamily.cpp) and a backend
// defines (the CPU backend: backends/cpu/TextureServices.cpp).
//
// The C signatures of the services (no launch context: they depend on the
// descriptor and their arguments only):
//
//   void     __cuport_tex_sample(float/int out[4], uint64_t tex, uint32_t geometry,
//                                uint32_t resultKind, float x, float y, float z,
//                                int32_t layer);
//   void     __cuport_tex_sample_level(out[4], tex, geometry, resultKind,
//                                      x, y, z, layer, float lod);   tex.level
//   void     __cuport_tex_sample_grad(out[4], tex, geometry, resultKind,
//                                     x, y, z, layer, float dPdx[3],
//                                     float dPdy[3]);                tex.grad
//   void     __cuport_tex_fetch(out[4], tex, geometry, resultKind,
//                               int32_t x, int32_t y, int32_t z, int32_t layer);
//                                     integer texel coordinates (tex1Dfetch)
//   void     __cuport_tex_gather(out[4], tex, uint32_t component,
//                                uint32_t resultKind, float x, float y);
//   uint32_t __cuport_surf_load(void *out, uint64_t surf, uint32_t geometry,
//                               uint32_t boundary, int32_t xBytes, int32_t y,
//                               int32_t z, int32_t layer, uint32_t bytes);
//   uint32_t __cuport_surf_store(const void *in, surf, geometry, boundary,
//                                xBytes, y, z, layer, bytes);
//                                     both return 1 when a .trap access is
//                                     out of range (the caller traps)
//   uint32_t __cuport_tex_query(uint64_t object, uint32_t query);
//
// LLVM-free and dependency-free: the runtime, the translator and every
// backend include it.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEXTUREDESCRIPTOR_H
#define CUPORT_TEXTUREDESCRIPTOR_H

#include <cstdint>

namespace cuport::texture {

inline constexpr const char *kSample = "__cuport_tex_sample";
inline constexpr const char *kSampleLevel = "__cuport_tex_sample_level";
inline constexpr const char *kSampleGrad = "__cuport_tex_sample_grad";
inline constexpr const char *kFetch = "__cuport_tex_fetch";
inline constexpr const char *kGather = "__cuport_tex_gather";
inline constexpr const char *kSurfaceLoad = "__cuport_surf_load";
inline constexpr const char *kSurfaceStore = "__cuport_surf_store";
inline constexpr const char *kQuery = "__cuport_tex_query";

/// "CPTX" / "CPSF": tells a live texture or surface descriptor.
inline constexpr uint32_t kTextureMagic = 0x58545043u;
inline constexpr uint32_t kSurfaceMagic = 0x46535043u;

/// The geometry an instruction names (.1d .2d .3d .a1d .a2d .cube .acube).
enum Geometry : uint32_t {
  Geometry1D = 0,
  Geometry2D = 1,
  Geometry3D = 2,
  Geometry1DLayered = 3,
  Geometry2DLayered = 4,
  GeometryCube = 5,
  GeometryCubeLayered = 6,
};

/// The element type of an instruction's result (.f32 .s32 .u32).
enum ResultKind : uint32_t { ResultF32 = 0, ResultS32 = 1, ResultU32 = 2 };

/// The out-of-range behaviour of suld/sust (.trap .clamp .zero).
enum Boundary : uint32_t { BoundaryTrap = 0, BoundaryClamp = 1, BoundaryZero = 2 };

/// How a channel's bits are read.
enum ChannelKind : uint32_t { ChannelSigned = 0, ChannelUnsigned = 1, ChannelFloat = 2 };

/// cudaTextureAddressMode, cudaTextureFilterMode, cudaTextureReadMode.
enum AddressMode : uint32_t { AddressWrap = 0, AddressClamp = 1, AddressMirror = 2, AddressBorder = 3 };
enum FilterMode : uint32_t { FilterPoint = 0, FilterLinear = 1 };
enum ReadMode : uint32_t { ReadElementType = 0, ReadNormalizedFloat = 1 };

/// txq / suq queries (the PTX names).
enum Query : uint32_t {
  QueryWidth = 0,
  QueryHeight = 1,
  QueryDepth = 2,
  QueryChannelDataType = 3,
  QueryChannelOrder = 4,
  QueryNormalizedCoords = 5,
  QueryFilterMode = 6,
  QueryAddrMode0 = 7,
  QueryAddrMode1 = 8,
  QueryAddrMode2 = 9,
  QueryArraySize = 10,
  QueryMipmapLevels = 11,
  QuerySamples = 12,
};

/// The memory of one texture or surface object and how it is sampled.
/// Texel (x, y, z) of layer l lies at
///   data + (l * depth + z) * slicePitch + y * pitch + x * texelBytes.
struct TextureDescriptor {
  uint32_t magic = 0;
  uint32_t channels = 1;   ///< 1, 2 or 4 (3 is read as 4 with w = 1)
  uint32_t channelBits = 32; ///< 8, 16 or 32; every channel the same
  uint32_t channelKind = ChannelFloat;
  uint32_t texelBytes = 4;
  uint32_t dimensions = 1; ///< 1, 2 or 3 (of the resource, not the layers)
  uint64_t width = 0, height = 1, depth = 1; ///< texels
  uint64_t layers = 1;     ///< layered and cubemap: faces count as layers
  uint64_t pitch = 0;      ///< bytes per row
  uint64_t slicePitch = 0; ///< bytes per 2D slice (height * pitch)
  void *data = nullptr;
  uint32_t addressMode[3] = {AddressClamp, AddressClamp, AddressClamp};
  uint32_t filterMode = FilterPoint;
  uint32_t readMode = ReadElementType;
  uint32_t normalizedCoords = 0;
  uint32_t layered = 0;
  uint32_t cubemap = 0;
  uint32_t mipmapLevels = 1;
  uint32_t srgb = 0;       ///< 8-bit unsigned RGB read as sRGB, converted to linear
  uint32_t mipmapFilterMode = FilterPoint;
  float mipmapLevelBias = 0, minMipmapLevelClamp = 0, maxMipmapLevelClamp = 0;
  /// Mipmapped textures: mipmapLevels descriptors, level 0 first (each a
  /// plain texture of its level); nullptr otherwise.
  const TextureDescriptor *levels = nullptr;
  uint32_t linearMemory = 0; ///< cudaResourceTypeLinear: fetches past the end read 0
  float borderColor[4] = {0, 0, 0, 0};
};

} // namespace cuport::texture

#endif // CUPORT_TEXTUREDESCRIPTOR_H
