//===- cpu/TextureServices.cpp - Texture and surface access on the CPU ----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's texture services (cuport/TextureDescriptor.h): texel
// decoding (8/16/32-bit integer, half and float channels, element type or
// normalized float), the address modes (wrap, clamp, mirror, border; wrap
// and mirror only with normalized coordinates, as in CUDA), point and
// linear filtering with CUDA's 9-bit fixed-point weights (8 fractional
// bits), cubemap face selection, tld4 gathers, and the byte-addressed
// surface loads and stores with their .trap/.clamp/.zero boundaries.
//
// Mipmapped textures: tex.level and tex.grad choose the level of detail
// (bias, clamps, point or linear mipmap filtering); plain tex samples
// level 0, as compute code has no implicit derivatives.
//
//===----------------------------------------------------------------------===//
#include "TextureServices.h"

#include "cuport/TextureDescriptor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace cuport::texture;

namespace {

const TextureDescriptor *descriptorOf(uint64_t handle) {
  return reinterpret_cast<const TextureDescriptor *>(handle);
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: renormalize
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while (!(mantissa & 0x400u));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

/// Channel `c` of the texel at `texel`, as the raw integer (sign-extended
/// for signed channels; the bits for float channels).
uint32_t rawChannel(const TextureDescriptor &d, const std::byte *texel, uint32_t c) {
  const std::byte *p = texel + c * (d.channelBits / 8);
  switch (d.channelBits) {
  case 8: {
    uint8_t v;
    std::memcpy(&v, p, 1);
    return d.channelKind == ChannelSigned ? uint32_t(int32_t(int8_t(v))) : v;
  }
  case 16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return d.channelKind == ChannelSigned ? uint32_t(int32_t(int16_t(v))) : v;
  }
  default: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  }
}

/// Channel `c` as a float result: float channels as they are, integer
/// channels normalized or converted per the read mode.
float floatChannel(const TextureDescriptor &d, const std::byte *texel, uint32_t c) {
  uint32_t raw = rawChannel(d, texel, c);
  if (d.channelKind == ChannelFloat) {
    if (d.channelBits == 16)
      return halfToFloat(uint16_t(raw));
    float f;
    std::memcpy(&f, &raw, sizeof f);
    return f;
  }
  bool normalized = d.readMode == ReadNormalizedFloat && d.channelBits < 32;
  if (d.channelKind == ChannelSigned) {
    float v = float(int32_t(raw));
    if (!normalized)
      return v;
    float scale = float((1u << (d.channelBits - 1)) - 1);
    return std::max(v / scale, -1.0f);
  }
  if (!normalized)
    return float(raw);
  float value = float(raw) / float((1u << d.channelBits) - 1);
  if (d.srgb && d.channelBits == 8 && c < 3) // sRGB to linear
    value = value <= 0.04045f ? value / 12.92f
                              : std::pow((value + 0.055f) / 1.055f, 2.4f);
  return value;
}

const std::byte *texelAddress(const TextureDescriptor &d, uint64_t x, uint64_t y,
                              uint64_t z, uint64_t layer) {
  return static_cast<const std::byte *>(d.data) + (layer * d.depth + z) * d.slicePitch +
         y * d.pitch + x * d.texelBytes;
}

/// The four result components of one texel (missing channels: 0, w = 1).
void readTexel(const TextureDescriptor &d, const std::byte *texel, uint32_t kind,
               uint32_t out[4]) {
  if (d.channelKind == ChannelFloat && d.channelBits == 32 && kind == ResultF32) {
    // The common case: float channels as they are.
    static const float missing[4] = {0, 0, 0, 1};
    std::memcpy(out, missing, sizeof missing);
    std::memcpy(out, texel, d.channels * 4);
    return;
  }
  for (uint32_t c = 0; c < 4; ++c) {
    if (c >= d.channels) {
      if (kind == ResultF32) {
        float f = c == 3 ? 1.0f : 0.0f;
        std::memcpy(&out[c], &f, 4);
      } else {
        out[c] = c == 3 ? 1 : 0;
      }
      continue;
    }
    if (kind == ResultF32) {
      float f = floatChannel(d, texel, c);
      std::memcpy(&out[c], &f, 4);
    } else {
      out[c] = rawChannel(d, texel, c);
    }
  }
}

void borderTexel(const TextureDescriptor &d, uint32_t kind, uint32_t out[4]) {
  for (uint32_t c = 0; c < 4; ++c) {
    if (kind == ResultF32)
      std::memcpy(&out[c], &d.borderColor[c], 4);
    else
      out[c] = uint32_t(int32_t(d.borderColor[c]));
  }
}

/// Index `i` on an axis of `n` texels under `mode`; false when it falls
/// on the border.
bool resolveIndex(int64_t i, uint64_t n, uint32_t mode, bool normalized, uint64_t *out) {
  int64_t size = int64_t(std::max<uint64_t>(n, 1));
  // CUDA: wrap and mirror need normalized coordinates; otherwise clamp.
  if (!normalized && (mode == AddressWrap || mode == AddressMirror))
    mode = AddressClamp;
  switch (mode) {
  case AddressWrap:
    i %= size;
    if (i < 0)
      i += size;
    break;
  case AddressMirror: {
    int64_t period = 2 * size;
    i %= period;
    if (i < 0)
      i += period;
    if (i >= size)
      i = period - 1 - i;
    break;
  }
  case AddressBorder:
    if (i < 0 || i >= size)
      return false;
    break;
  default:
    i = std::clamp<int64_t>(i, 0, size - 1);
    break;
  }
  *out = uint64_t(i);
  return true;
}

/// Where one axis samples: the lower texel index and, for linear
/// filtering, the weight of the upper one (quantized to 1/256).
struct AxisSample {
  int64_t index = 0;
  float weight = 0;
};

AxisSample axisSample(float coordinate, uint64_t n, bool normalized, bool linear) {
  double u = normalized ? double(coordinate) * double(n) : double(coordinate);
  AxisSample sample;
  if (!linear) {
    sample.index = int64_t(std::floor(u));
    return sample;
  }
  double t = u - 0.5;
  double lower = std::floor(t);
  sample.index = int64_t(lower);
  sample.weight = float(std::round((t - lower) * 256.0) / 256.0);
  return sample;
}

uint64_t axisSize(const TextureDescriptor &d, int axis) {
  return axis == 0 ? d.width : axis == 1 ? d.height : d.depth;
}

/// The texels one axis contributes: their indices (resolved by the address
/// mode; -1 on the border) and weights.
struct AxisTaps {
  int64_t index[2] = {0, 0};
  float weight[2] = {1, 0};
};

AxisTaps axisTaps(const TextureDescriptor &d, int axis, float coordinate, bool normalized,
                  bool linear) {
  uint64_t n = axisSize(d, axis);
  AxisSample sample = axisSample(coordinate, n, normalized, linear);
  AxisTaps taps;
  for (int k = 0; k < (linear ? 2 : 1); ++k) {
    uint64_t resolved = 0;
    taps.index[k] = resolveIndex(sample.index + k, n, d.addressMode[axis], normalized, &resolved)
                        ? int64_t(resolved)
                        : -1;
  }
  taps.weight[0] = linear ? 1 - sample.weight : 1;
  taps.weight[1] = sample.weight;
  return taps;
}

/// Samples the texture at (x, y, z) of `layer` with `axes` coordinates.
void sampleAt(const TextureDescriptor &d, int axes, const float coords[3], uint64_t layer,
              bool normalized, uint32_t kind, uint32_t out[4]) {
  bool linear = d.filterMode == FilterLinear && kind == ResultF32;
  AxisTaps taps[3];
  for (int a = 0; a < axes; ++a)
    taps[a] = axisTaps(d, a, coords[a], normalized, linear);
  if (!linear) {
    if (taps[0].index[0] < 0 || taps[1].index[0] < 0 || taps[2].index[0] < 0)
      return borderTexel(d, kind, out);
    return readTexel(d,
                     texelAddress(d, uint64_t(taps[0].index[0]), uint64_t(taps[1].index[0]),
                                  uint64_t(taps[2].index[0]), layer),
                     kind, out);
  }
  int corners = 1 << axes;
  float sum[4] = {0, 0, 0, 0};
  for (int corner = 0; corner < corners; ++corner) {
    int64_t index[3] = {0, 0, 0};
    float weight = 1;
    for (int a = 0; a < axes; ++a) {
      int upper = (corner >> a) & 1;
      weight *= taps[a].weight[upper];
      index[a] = taps[a].index[upper];
    }
    if (weight == 0)
      continue; // on a texel centre: the neighbour does not count
    float texel[4];
    if (index[0] < 0 || index[1] < 0 || index[2] < 0)
      borderTexel(d, kind, reinterpret_cast<uint32_t *>(texel));
    else
      readTexel(d,
                texelAddress(d, uint64_t(index[0]), uint64_t(index[1]), uint64_t(index[2]),
                             layer),
                kind, reinterpret_cast<uint32_t *>(texel));
    for (int c = 0; c < 4; ++c)
      sum[c] += weight * texel[c];
  }
  std::memcpy(out, sum, sizeof sum);
}

/// The cubemap face a direction points at and its normalized (s, t).
uint32_t cubeFace(float x, float y, float z, float *s, float *t) {
  float ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z);
  float sc, tc, ma;
  uint32_t face;
  if (ax >= ay && ax >= az) {
    face = x >= 0 ? 0 : 1;
    sc = x >= 0 ? -z : z;
    tc = -y;
    ma = ax;
  } else if (ay >= az) {
    face = y >= 0 ? 2 : 3;
    sc = x;
    tc = y >= 0 ? z : -z;
    ma = ay;
  } else {
    face = z >= 0 ? 4 : 5;
    sc = z >= 0 ? x : -x;
    tc = -y;
    ma = az;
  }
  if (ma == 0)
    ma = 1;
  *s = (sc / ma + 1) * 0.5f;
  *t = (tc / ma + 1) * 0.5f;
  return face;
}

uint64_t clampLayer(const TextureDescriptor &d, int64_t layer) {
  return uint64_t(std::clamp<int64_t>(layer, 0, int64_t(std::max<uint64_t>(d.layers, 1)) - 1));
}

int axesOf(uint32_t geometry) {
  switch (geometry) {
  case Geometry1D:
  case Geometry1DLayered:
    return 1;
  case Geometry3D:
    return 3;
  default:
    return 2;
  }
}

void zero4(uint32_t out[4]) { std::memset(out, 0, 16); }

bool live(const TextureDescriptor *d, uint32_t magic) {
  return d && d->magic == magic && d->data;
}

/// tex on one level: cubemap directions pick their face.
void sampleTexture(const TextureDescriptor &d, uint32_t geometry, uint32_t kind, float x,
                   float y, float z, int32_t layer, uint32_t out[4]) {
  if (geometry == GeometryCube || geometry == GeometryCubeLayered) {
    float coords[3];
    uint32_t face = cubeFace(x, y, z, &coords[0], &coords[1]);
    uint64_t cube = geometry == GeometryCubeLayered ? uint64_t(std::max(layer, 0)) : 0;
    return sampleAt(d, 2, coords, clampLayer(d, int64_t(cube * 6 + face)), true, kind, out);
  }
  float coords[3] = {x, y, z};
  bool layered = geometry == Geometry1DLayered || geometry == Geometry2DLayered;
  sampleAt(d, axesOf(geometry), coords, layered ? clampLayer(d, layer) : 0,
           d.normalizedCoords != 0, kind, out);
}

/// tex at level of detail `lod`: bias, clamps, then the nearest level or
/// the blend of the two around it (cudaTextureDesc::mipmapFilterMode).
void sampleLod(const TextureDescriptor &d, uint32_t geometry, uint32_t kind, float x,
               float y, float z, int32_t layer, float lod, uint32_t out[4]) {
  if (!d.levels || d.mipmapLevels <= 1)
    return sampleTexture(d, geometry, kind, x, y, z, layer, out);
  float top = float(d.mipmapLevels - 1);
  lod += d.mipmapLevelBias;
  lod = std::clamp(lod, d.minMipmapLevelClamp, std::min(d.maxMipmapLevelClamp, top));
  lod = std::clamp(lod, 0.0f, top);
  if (d.mipmapFilterMode != FilterLinear || kind != ResultF32) {
    uint32_t level = uint32_t(std::floor(lod + 0.5f));
    return sampleTexture(d.levels[std::min(level, d.mipmapLevels - 1)], geometry, kind, x, y,
                         z, layer, out);
  }
  uint32_t lower = uint32_t(std::floor(lod));
  uint32_t upper = std::min(lower + 1, d.mipmapLevels - 1);
  float t = lod - float(lower);
  float a[4], b[4];
  sampleTexture(d.levels[lower], geometry, kind, x, y, z, layer, reinterpret_cast<uint32_t *>(a));
  sampleTexture(d.levels[upper], geometry, kind, x, y, z, layer, reinterpret_cast<uint32_t *>(b));
  for (int c = 0; c < 4; ++c) {
    float v = (1 - t) * a[c] + t * b[c];
    std::memcpy(&out[c], &v, 4);
  }
}

} // namespace

extern "C" {

static void cuport_tex_sample(uint32_t *out, uint64_t handle, uint32_t geometry,
                              uint32_t kind, float x, float y, float z, int32_t layer) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!live(d, kTextureMagic))
    return zero4(out);
  sampleLod(*d, geometry, kind, x, y, z, layer, 0.0f, out);
}

static void cuport_tex_sample_level(uint32_t *out, uint64_t handle, uint32_t geometry,
                                    uint32_t kind, float x, float y, float z, int32_t layer,
                                    float lod) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!live(d, kTextureMagic))
    return zero4(out);
  sampleLod(*d, geometry, kind, x, y, z, layer, lod, out);
}

/// The level of detail of gradients: log2 of the longer footprint axis in
/// texels of level 0.
static void cuport_tex_sample_grad(uint32_t *out, uint64_t handle, uint32_t geometry,
                                   uint32_t kind, float x, float y, float z, int32_t layer,
                                   const float *dPdx, const float *dPdy) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!live(d, kTextureMagic))
    return zero4(out);
  int axes = geometry == GeometryCube || geometry == GeometryCubeLayered ? 2 : axesOf(geometry);
  float lengthX = 0, lengthY = 0;
  for (int a = 0; a < axes; ++a) {
    float scale = d->normalizedCoords ? float(axisSize(*d, a)) : 1.0f;
    lengthX += dPdx[a] * scale * dPdx[a] * scale;
    lengthY += dPdy[a] * scale * dPdy[a] * scale;
  }
  float longest = std::sqrt(std::max(lengthX, lengthY));
  float lod = longest > 0 ? std::log2(longest) : 0.0f;
  sampleLod(*d, geometry, kind, x, y, z, layer, lod, out);
}
static void cuport_tex_fetch(uint32_t *out, uint64_t handle, uint32_t geometry,
                             uint32_t kind, int32_t x, int32_t y, int32_t z,
                             int32_t layer) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!live(d, kTextureMagic))
    return zero4(out);
  int axes = axesOf(geometry);
  int64_t coords[3] = {x, y, z};
  uint64_t index[3] = {0, 0, 0};
  for (int a = 0; a < axes; ++a) {
    // Integer coordinates address texels directly: past the end of linear
    // memory (tex1Dfetch) they read 0, elsewhere clamp or border applies.
    uint32_t mode = d->addressMode[a] == AddressBorder ? AddressBorder : AddressClamp;
    if (d->linearMemory) {
      if (coords[a] < 0 || uint64_t(coords[a]) >= axisSize(*d, a))
        return zero4(out);
      index[a] = uint64_t(coords[a]);
      continue;
    }
    if (!resolveIndex(coords[a], axisSize(*d, a), mode, false, &index[a]))
      return borderTexel(*d, kind, out);
  }
  bool layered = geometry == Geometry1DLayered || geometry == Geometry2DLayered;
  readTexel(*d, texelAddress(*d, index[0], index[1], index[2],
                             layered ? clampLayer(*d, layer) : 0),
            kind, out);
}

static void cuport_tex_gather(uint32_t *out, uint64_t handle, uint32_t component,
                              uint32_t kind, float x, float y) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!live(d, kTextureMagic))
    return zero4(out);
  bool normalized = d->normalizedCoords != 0;
  AxisSample sx = axisSample(x, d->width, normalized, true);
  AxisSample sy = axisSample(y, d->height, normalized, true);
  // The 2x2 footprint of bilinear filtering, in tld4's order:
  // (i0, j1), (i1, j1), (i1, j0), (i0, j0).
  static const int dx[4] = {0, 1, 1, 0}, dy[4] = {1, 1, 0, 0};
  for (int k = 0; k < 4; ++k) {
    uint64_t ix, iy;
    uint32_t texel[4];
    bool inside =
        resolveIndex(sx.index + dx[k], d->width, d->addressMode[0], normalized, &ix) &&
        resolveIndex(sy.index + dy[k], d->height, d->addressMode[1], normalized, &iy);
    if (inside)
      readTexel(*d, texelAddress(*d, ix, iy, 0, 0), kind, texel);
    else
      borderTexel(*d, kind, texel);
    out[k] = texel[std::min<uint32_t>(component, 3)];
  }
}

/// The byte offset of a surface access, or false when it is out of range
/// (after applying .clamp).
static bool surfaceOffset(const TextureDescriptor &d, uint32_t geometry, uint32_t boundary,
                          int32_t xBytes, int32_t y, int32_t z, int32_t layer,
                          uint32_t bytes, uint64_t *offset) {
  int64_t rowBytes = int64_t(d.width * d.texelBytes);
  int64_t coords[4] = {xBytes, 0, 0, 0}; // x, y, z, layer
  int64_t limits[4] = {rowBytes - int64_t(bytes) + 1, int64_t(d.height),
                       int64_t(d.depth), int64_t(d.layers)};
  int axes = axesOf(geometry);
  if (axes >= 2)
    coords[1] = y;
  if (axes >= 3)
    coords[2] = z;
  if (geometry == Geometry1DLayered || geometry == Geometry2DLayered)
    coords[3] = layer;
  for (int a = 0; a < 4; ++a) {
    int64_t limit = std::max<int64_t>(limits[a], 1);
    if (coords[a] >= 0 && coords[a] < limit)
      continue;
    if (boundary != BoundaryClamp)
      return false;
    coords[a] = std::clamp<int64_t>(coords[a], 0, limit - 1);
  }
  *offset = uint64_t((coords[3] * int64_t(d.depth) + coords[2]) * int64_t(d.slicePitch) +
                     coords[1] * int64_t(d.pitch) + coords[0]);
  return true;
}

static uint32_t cuport_surf_load(void *out, uint64_t handle, uint32_t geometry,
                                 uint32_t boundary, int32_t xBytes, int32_t y, int32_t z,
                                 int32_t layer, uint32_t bytes) {
  const TextureDescriptor *d = descriptorOf(handle);
  uint64_t offset = 0;
  if (!live(d, kSurfaceMagic) ||
      !surfaceOffset(*d, geometry, boundary, xBytes, y, z, layer, bytes, &offset)) {
    std::memset(out, 0, bytes);
    return boundary == BoundaryTrap ? 1 : 0;
  }
  std::memcpy(out, static_cast<const std::byte *>(d->data) + offset, bytes);
  return 0;
}

static uint32_t cuport_surf_store(const void *in, uint64_t handle, uint32_t geometry,
                                  uint32_t boundary, int32_t xBytes, int32_t y, int32_t z,
                                  int32_t layer, uint32_t bytes) {
  const TextureDescriptor *d = descriptorOf(handle);
  uint64_t offset = 0;
  if (!live(d, kSurfaceMagic) ||
      !surfaceOffset(*d, geometry, boundary, xBytes, y, z, layer, bytes, &offset))
    return boundary == BoundaryTrap ? 1 : 0;
  std::memcpy(static_cast<std::byte *>(d->data) + offset, in, bytes);
  return 0;
}

static uint32_t cuport_tex_query(uint64_t handle, uint32_t query) {
  const TextureDescriptor *d = descriptorOf(handle);
  if (!d || (d->magic != kTextureMagic && d->magic != kSurfaceMagic))
    return 0;
  switch (query) {
  case QueryWidth: return uint32_t(d->width);
  case QueryHeight: return uint32_t(d->height);
  case QueryDepth: return uint32_t(d->depth);
  case QueryChannelOrder: return d->channels;
  case QueryChannelDataType: return d->channelKind << 8 | d->channelBits;
  case QueryNormalizedCoords: return d->normalizedCoords;
  case QueryFilterMode: return d->filterMode;
  case QueryAddrMode0: return d->addressMode[0];
  case QueryAddrMode1: return d->addressMode[1];
  case QueryAddrMode2: return d->addressMode[2];
  case QueryArraySize: return uint32_t(d->cubemap ? d->layers / 6 : d->layers);
  case QueryMipmapLevels: return d->mipmapLevels;
  case QuerySamples: return 1;
  default: return 0;
  }
}

} // extern "C"

namespace cuport::cpu {

std::span<const ServiceSymbol> textureServiceSymbols() {
  static const ServiceSymbol symbols[] = {
      {kSample, reinterpret_cast<void *>(&cuport_tex_sample)},
      {kSampleLevel, reinterpret_cast<void *>(&cuport_tex_sample_level)},
      {kSampleGrad, reinterpret_cast<void *>(&cuport_tex_sample_grad)},
      {kFetch, reinterpret_cast<void *>(&cuport_tex_fetch)},
      {kGather, reinterpret_cast<void *>(&cuport_tex_gather)},
      {kSurfaceLoad, reinterpret_cast<void *>(&cuport_surf_load)},
      {kSurfaceStore, reinterpret_cast<void *>(&cuport_surf_store)},
      {kQuery, reinterpret_cast<void *>(&cuport_tex_query)},
  };
  return symbols;
}

} // namespace cuport::cpu
