//===- TextureExecTest.cpp - tex, tld4, suld, sust on a backend ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The texture instructions nvcc 13 emits for CUDA's texture-object API run
// against descriptors (cuport/TextureDescriptor.h) built here, as the
// runtime builds them, and are compared with a host reference of CUDA's
// documented sampling (texture fetching appendix of the programming
// guide): point and linear filtering with 8-bit fractional weights, every
// address mode with normalized and unnormalized coordinates, border
// colours, the texel formats, layers, cubemap faces and gathers; surfaces
// with each boundary mode.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include "cuport/TextureDescriptor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using cuport::backend::Status;
using namespace cuport::texture;

namespace {

class TextureExec : public cuport::test::PtxModuleTest<TextureExec> {
public:
  static constexpr const char *kPtxFile = "exec/texture_kernels.ptx";

protected:
  /// A texture descriptor over `data` (device memory of the harness).
  TextureDescriptor *describe(void *data, uint64_t width, uint64_t height,
                              uint64_t depth, uint32_t channels, uint32_t bits,
                              uint32_t kind, uint32_t magic = kTextureMagic) {
    auto descriptor = std::make_unique<TextureDescriptor>();
    descriptor->magic = magic;
    descriptor->data = data;
    descriptor->width = width;
    descriptor->height = height;
    descriptor->depth = depth;
    descriptor->channels = channels;
    descriptor->channelBits = bits;
    descriptor->channelKind = kind;
    descriptor->texelBytes = channels * bits / 8;
    descriptor->pitch = width * descriptor->texelBytes;
    descriptor->slicePitch = descriptor->pitch * height;
    descriptor->dimensions = depth > 1 ? 3 : height > 1 ? 2 : 1;
    descriptors_.push_back(std::move(descriptor));
    return descriptors_.back().get();
  }
  static uint64_t handle(const TextureDescriptor *descriptor) {
    return reinterpret_cast<uint64_t>(descriptor);
  }

  std::vector<std::unique_ptr<TextureDescriptor>> descriptors_;
};

struct Float2 {
  float x, y;
};
struct Float4 {
  float x, y, z, w;
};

// --- Host reference of CUDA's texture fetching -----------------------------

/// The texel index on an axis of `n`, or -1 on the border.
int64_t referenceIndex(int64_t i, int64_t n, uint32_t mode, bool normalized) {
  if (!normalized && (mode == AddressWrap || mode == AddressMirror))
    mode = AddressClamp;
  switch (mode) {
  case AddressWrap:
    return ((i % n) + n) % n;
  case AddressMirror: {
    int64_t m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }
  case AddressBorder:
    return i < 0 || i >= n ? -1 : i;
  default:
    return std::min(std::max<int64_t>(i, 0), n - 1);
  }
}

/// tex2D of a one-channel float texture: point returns T[i, j]; linear
/// (1-a)(1-b)T[i,j] + a(1-b)T[i+1,j] + (1-a)bT[i,j+1] + abT[i+1,j+1] with
/// xB = x - 0.5, a = frac(xB) in 9-bit fixed point.
float reference2D(const std::vector<float> &texels, int64_t w, int64_t h,
                  const TextureDescriptor &d, float x, float y) {
  bool normalized = d.normalizedCoords != 0;
  double u = normalized ? double(x) * double(w) : x;
  double v = normalized ? double(y) * double(h) : y;
  auto at = [&](int64_t i, int64_t j) -> float {
    int64_t ri = referenceIndex(i, w, d.addressMode[0], normalized);
    int64_t rj = referenceIndex(j, h, d.addressMode[1], normalized);
    if (ri < 0 || rj < 0)
      return d.borderColor[0];
    return texels[size_t(rj * w + ri)];
  };
  if (d.filterMode == FilterPoint)
    return at(int64_t(std::floor(u)), int64_t(std::floor(v)));
  double xb = u - 0.5, yb = v - 0.5;
  int64_t i = int64_t(std::floor(xb)), j = int64_t(std::floor(yb));
  double a = std::round((xb - std::floor(xb)) * 256) / 256;
  double b = std::round((yb - std::floor(yb)) * 256) / 256;
  return float((1 - a) * (1 - b) * at(i, j) + a * (1 - b) * at(i + 1, j) +
               (1 - a) * b * at(i, j + 1) + a * b * at(i + 1, j + 1));
}

const char *modeName(uint32_t mode) {
  static const char *names[] = {"wrap", "clamp", "mirror", "border"};
  return names[mode];
}

// --- Filtering and addressing ----------------------------------------------

TEST_F(TextureExec, Tex2DFollowsEveryFilterAndAddressModeLikeTheReference) {
  const int64_t w = 5, h = 3;
  std::vector<float> texels(size_t(w * h));
  for (int64_t j = 0; j < h; ++j)
    for (int64_t i = 0; i < w; ++i)
      texels[size_t(j * w + i)] = float(i * i) + 10.0f * float(j) + 0.25f;
  float *data = harness->upload(texels);
  std::vector<Float2> unnormalized = {{0.5f, 0.5f}, {1.0f, 0.5f},  {2.3f, 1.7f},
                                      {4.9f, 2.9f}, {-1.2f, 0.4f}, {6.7f, -2.1f},
                                      {3.51f, 1.26f}, {0.0f, 3.0f}};
  std::vector<Float2> normalized;
  for (Float2 c : unnormalized)
    normalized.push_back({c.x / float(w), c.y / float(h)});
  normalized.push_back({-0.35f, 1.4f});
  normalized.push_back({2.2f, -1.3f});
  unnormalized.resize(normalized.size(), {1.5f, 1.5f});

  for (uint32_t filter : {FilterPoint, FilterLinear})
    for (uint32_t mode : {AddressWrap, AddressClamp, AddressMirror, AddressBorder})
      for (bool isNormalized : {false, true}) {
        TextureDescriptor *d = describe(data, w, h, 1, 1, 32, ChannelFloat);
        d->filterMode = filter;
        d->addressMode[0] = d->addressMode[1] = mode;
        d->normalizedCoords = isNormalized;
        d->borderColor[0] = -7.5f;
        d->borderColor[3] = 1.0f; // w is 1 inside too: every sample reads 1
        const std::vector<Float2> &coords = isNormalized ? normalized : unnormalized;
        Float2 *in = harness->upload(coords);
        Float4 *out = harness->upload(std::vector<Float4>(coords.size()));
        ASSERT_EQ(harness->launch(kernel("sample2D"), {1}, {uint32_t(coords.size())},
                                  handle(d), in, out),
                  Status::Success);
        std::vector<Float4> got = harness->download(out, coords.size());
        for (size_t k = 0; k < coords.size(); ++k) {
          float expected = reference2D(texels, w, h, *d, coords[k].x, coords[k].y);
          EXPECT_NEAR(got[k].x, expected, 1e-4f)
              << (filter ? "linear " : "point ") << modeName(mode)
              << (isNormalized ? " normalized" : "") << " at (" << coords[k].x << ", "
              << coords[k].y << ")";
          // One channel: y and z read 0, w reads 1.
          EXPECT_EQ(got[k].y, 0.0f);
          EXPECT_EQ(got[k].w, 1.0f);
        }
      }
}

TEST_F(TextureExec, LinearFilteringWeighsNeighboursAtTexelCentres) {
  float *data = harness->upload(std::vector<float>{0.0f, 1.0f, 2.0f, 3.0f});
  TextureDescriptor *d = describe(data, 2, 2, 1, 1, 32, ChannelFloat);
  d->filterMode = FilterLinear;
  // Texel centres return the texel; between them, the mean.
  std::vector<Float2> coords = {{0.5f, 0.5f}, {1.5f, 1.5f}, {1.0f, 0.5f}, {1.0f, 1.0f}};
  Float2 *in = harness->upload(coords);
  Float4 *out = harness->upload(std::vector<Float4>(coords.size()));
  ASSERT_EQ(harness->launch(kernel("sample2D"), {1}, {4}, handle(d), in, out),
            Status::Success);
  std::vector<Float4> got = harness->download(out, 4);
  EXPECT_FLOAT_EQ(got[0].x, 0.0f);
  EXPECT_FLOAT_EQ(got[1].x, 3.0f);
  EXPECT_FLOAT_EQ(got[2].x, 0.5f);
  EXPECT_FLOAT_EQ(got[3].x, 1.5f);
}

TEST_F(TextureExec, PitchedRowsAreFollowed) {
  // 3x2 texels in rows of 5 floats (pitched 2D memory); padding is -1.
  std::vector<float> rows = {1, 2, 3, -1, -1, 4, 5, 6, -1, -1};
  float *data = harness->upload(rows);
  TextureDescriptor *d = describe(data, 3, 2, 1, 1, 32, ChannelFloat);
  d->pitch = 5 * sizeof(float);
  d->slicePitch = d->pitch * 2;
  d->filterMode = FilterLinear;
  std::vector<Float2> coords = {{2.5f, 1.5f}, {3.5f, 0.5f}, {2.0f, 1.0f}};
  Float2 *in = harness->upload(coords);
  Float4 *out = harness->upload(std::vector<Float4>(3));
  ASSERT_EQ(harness->launch(kernel("sample2D"), {1}, {3}, handle(d), in, out),
            Status::Success);
  std::vector<Float4> got = harness->download(out, 3);
  EXPECT_FLOAT_EQ(got[0].x, 6.0f);
  EXPECT_FLOAT_EQ(got[1].x, 3.0f); // clamped at the last column, not the padding
  EXPECT_FLOAT_EQ(got[2].x, (2 + 3 + 5 + 6) / 4.0f);
}

// --- Texel formats ------------------------------------------------------------

TEST_F(TextureExec, EightBitChannelsReadAsNormalizedFloat) {
  std::vector<uint8_t> texels = {255, 51, 0, 128, 10, 20, 30, 40};
  uint8_t *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 2, 1, 1, 4, 8, ChannelUnsigned);
  d->readMode = ReadNormalizedFloat;
  Float2 *in = harness->upload(std::vector<Float2>{{0.5f, 0.5f}, {1.5f, 0.5f}});
  Float4 *out = harness->upload(std::vector<Float4>(2));
  ASSERT_EQ(harness->launch(kernel("sample2D"), {1}, {2}, handle(d), in, out),
            Status::Success);
  std::vector<Float4> got = harness->download(out, 2);
  EXPECT_FLOAT_EQ(got[0].x, 1.0f);
  EXPECT_FLOAT_EQ(got[0].y, 0.2f);
  EXPECT_FLOAT_EQ(got[0].z, 0.0f);
  EXPECT_FLOAT_EQ(got[0].w, 128.0f / 255.0f);
  EXPECT_FLOAT_EQ(got[1].w, 40.0f / 255.0f);
}

TEST_F(TextureExec, SignedSixteenBitNormalizedClampsMinusOne) {
  std::vector<int16_t> texels = {32767, -32768, -16384, 0};
  int16_t *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 4, 1, 1, 1, 16, ChannelSigned);
  d->readMode = ReadNormalizedFloat;
  float *in = harness->upload(std::vector<float>{0.5f, 1.5f, 2.5f, 3.5f});
  float *out = harness->upload(std::vector<float>(4));
  ASSERT_EQ(harness->launch(kernel("sample1D"), {1}, {4}, handle(d), in, out),
            Status::Success);
  std::vector<float> got = harness->download(out, 4);
  EXPECT_FLOAT_EQ(got[0], 1.0f);
  EXPECT_FLOAT_EQ(got[1], -1.0f);
  EXPECT_FLOAT_EQ(got[2], -16384.0f / 32767.0f);
  EXPECT_FLOAT_EQ(got[3], 0.0f);
}

TEST_F(TextureExec, IntegerTexturesReturnElementsUnconverted) {
  std::vector<int32_t> texels = {-5, 7, 1 << 30, -1, 9, 8, 7, 6};
  int32_t *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 2, 1, 1, 4, 32, ChannelSigned);
  Float2 *in = harness->upload(std::vector<Float2>{{0.2f, 0.0f}, {1.9f, 0.9f}});
  int32_t *out = harness->upload(std::vector<int32_t>(8));
  ASSERT_EQ(harness->launch(kernel("sample2DInt"), {1}, {2}, handle(d), in, out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 8), texels);
}

TEST_F(TextureExec, HalfTexelsReadAsFloat) {
  // 1.0, -2.5, 0.000061035 (smallest normal), 65504 (largest).
  std::vector<uint16_t> texels = {0x3c00, 0xc100, 0x0400, 0x7bff};
  uint16_t *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 4, 1, 1, 1, 16, ChannelFloat);
  float *in = harness->upload(std::vector<float>{0.5f, 1.5f, 2.5f, 3.5f});
  float *out = harness->upload(std::vector<float>(4));
  ASSERT_EQ(harness->launch(kernel("sample1D"), {1}, {4}, handle(d), in, out),
            Status::Success);
  std::vector<float> got = harness->download(out, 4);
  EXPECT_EQ(got[0], 1.0f);
  EXPECT_EQ(got[1], -2.5f);
  EXPECT_EQ(got[2], std::ldexp(1.0f, -14));
  EXPECT_EQ(got[3], 65504.0f);
}

// --- Resources and geometries -------------------------------------------------

TEST_F(TextureExec, Tex1DfetchOnLinearMemoryReadsZeroPastTheEnd) {
  float *data = harness->upload(std::vector<float>{1.5f, 2.5f, 3.5f});
  TextureDescriptor *d = describe(data, 3, 1, 1, 1, 32, ChannelFloat);
  d->linearMemory = 1;
  int *in = harness->upload(std::vector<int>{0, 2, 3, -1});
  float *out = harness->upload(std::vector<float>(4, 9.0f));
  ASSERT_EQ(harness->launch(kernel("fetch1D"), {1}, {4}, handle(d), in, out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 4), (std::vector<float>{1.5f, 3.5f, 0.0f, 0.0f}));
}

TEST_F(TextureExec, Tex3DInterpolatesAcrossSlices) {
  // 2x2x2, texel value = z * 4 + y * 2 + x.
  std::vector<float> texels(8);
  for (int k = 0; k < 8; ++k)
    texels[size_t(k)] = float(k);
  float *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 2, 2, 2, 1, 32, ChannelFloat);
  d->filterMode = FilterLinear;
  std::vector<Float4> coords = {{1.0f, 1.0f, 1.0f, 0}, {0.5f, 0.5f, 1.5f, 0},
                                {1.5f, 0.5f, 1.0f, 0}};
  Float4 *in = harness->upload(coords);
  float *out = harness->upload(std::vector<float>(3));
  ASSERT_EQ(harness->launch(kernel("sample3D"), {1}, {3}, handle(d), in, out),
            Status::Success);
  std::vector<float> got = harness->download(out, 3);
  EXPECT_FLOAT_EQ(got[0], 3.5f); // the mean of all eight
  EXPECT_FLOAT_EQ(got[1], 4.0f); // texel (0, 0, 1)
  EXPECT_FLOAT_EQ(got[2], 3.0f); // between (1,0,0) and (1,0,1)
}

TEST_F(TextureExec, LayeredTexturesSampleTheNamedLayer) {
  // Three layers of 2x2: value = layer * 100 + y * 2 + x.
  std::vector<float> texels(12);
  for (int l = 0; l < 3; ++l)
    for (int k = 0; k < 4; ++k)
      texels[size_t(l * 4 + k)] = float(l * 100 + k);
  float *data = harness->upload(texels);
  TextureDescriptor *two = describe(data, 2, 2, 1, 1, 32, ChannelFloat);
  two->layered = 1;
  two->layers = 3;
  // 1D layered over the same memory: 4 texels per layer.
  TextureDescriptor *one = describe(data, 4, 1, 1, 1, 32, ChannelFloat);
  one->layered = 1;
  one->layers = 3;
  std::vector<Float4> coords = {{1.5f, 1.5f, 0, 2}, {0.5f, 0.5f, 0, 1}, {3.5f, 0.5f, 0, 7}};
  Float4 *in = harness->upload(coords);
  float *out = harness->upload(std::vector<float>(6));
  ASSERT_EQ(harness->launch(kernel("sampleLayered"), {1}, {3}, handle(one), handle(two),
                            in, out),
            Status::Success);
  std::vector<float> got = harness->download(out, 6);
  EXPECT_EQ(got[0], 201.0f);
  EXPECT_EQ(got[1], 203.0f);
  EXPECT_EQ(got[2], 100.0f);
  EXPECT_EQ(got[3], 100.0f);
  EXPECT_EQ(got[4], 203.0f); // layer past the end: the last layer
  EXPECT_EQ(got[5], 201.0f); // x clamped to the last column
}

TEST_F(TextureExec, CubemapDirectionsSelectTheirFace) {
  // Six 1x1 faces holding their index.
  float *data = harness->upload(std::vector<float>{0, 1, 2, 3, 4, 5});
  TextureDescriptor *d = describe(data, 1, 1, 1, 1, 32, ChannelFloat);
  d->cubemap = 1;
  d->layered = 1;
  d->layers = 6;
  std::vector<Float4> coords = {{1, 0.2f, 0.1f, 0}, {-1, 0, 0, 0}, {0.1f, 2, 0, 0},
                                {0, -3, 0.5f, 0},   {0, 0, 1, 0},  {0.3f, 0.2f, -1, 0}};
  Float4 *in = harness->upload(coords);
  float *out = harness->upload(std::vector<float>(6));
  ASSERT_EQ(harness->launch(kernel("sampleCube"), {1}, {6}, handle(d), in, out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 6), (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST_F(TextureExec, LevelAndGradientFormsWithoutMipmapsSampleTheTexture) {
  float *data = harness->upload(std::vector<float>{1, 2, 3, 4});
  TextureDescriptor *d = describe(data, 2, 2, 1, 1, 32, ChannelFloat);
  Float2 *in = harness->upload(std::vector<Float2>{{1.5f, 0.5f}, {0.5f, 1.5f}});
  float *out = harness->upload(std::vector<float>(4));
  ASSERT_EQ(harness->launch(kernel("sampleLodGrad"), {1}, {2}, handle(d), in, out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 4), (std::vector<float>{2, 2, 3, 3}));
}

TEST_F(TextureExec, Tld4GathersTheBilinearFootprint) {
  // 3x2: row 0 = 1 2 3, row 1 = 4 5 6.
  float *data = harness->upload(std::vector<float>{1, 2, 3, 4, 5, 6});
  TextureDescriptor *d = describe(data, 3, 2, 1, 1, 32, ChannelFloat);
  Float2 *in = harness->upload(std::vector<Float2>{{1.0f, 1.0f}, {2.9f, 1.2f}});
  Float4 *out = harness->upload(std::vector<Float4>(2));
  ASSERT_EQ(harness->launch(kernel("gather2D"), {1}, {2}, handle(d), in, out),
            Status::Success);
  std::vector<Float4> got = harness->download(out, 2);
  // (i0, j1), (i1, j1), (i1, j0), (i0, j0)
  EXPECT_EQ(got[0].x, 4.0f);
  EXPECT_EQ(got[0].y, 5.0f);
  EXPECT_EQ(got[0].z, 2.0f);
  EXPECT_EQ(got[0].w, 1.0f);
  // Clamped at the right edge: i1 = i0 = 2.
  EXPECT_EQ(got[1].x, 6.0f);
  EXPECT_EQ(got[1].y, 6.0f);
  EXPECT_EQ(got[1].z, 3.0f);
  EXPECT_EQ(got[1].w, 3.0f);
}

TEST_F(TextureExec, SrgbTexelsReadAsLinear) {
  std::vector<uint8_t> texels = {0, 10, 128, 255, 255, 188, 64, 7};
  uint8_t *data = harness->upload(texels);
  TextureDescriptor *d = describe(data, 2, 1, 1, 4, 8, ChannelUnsigned);
  d->readMode = ReadNormalizedFloat;
  d->srgb = 1;
  Float2 *in = harness->upload(std::vector<Float2>{{0.5f, 0.5f}, {1.5f, 0.5f}});
  Float4 *out = harness->upload(std::vector<Float4>(2));
  ASSERT_EQ(harness->launch(kernel("sample2D"), {1}, {2}, handle(d), in, out),
            Status::Success);
  std::vector<Float4> got = harness->download(out, 2);
  auto linear = [](uint8_t v) {
    float c = v / 255.0f;
    return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
  };
  EXPECT_FLOAT_EQ(got[0].x, 0.0f);
  EXPECT_FLOAT_EQ(got[0].y, linear(10));
  EXPECT_NEAR(got[0].z, 0.2158605f, 1e-6f); // sRGB 128
  EXPECT_FLOAT_EQ(got[0].w, 1.0f);          // alpha stays linear
  EXPECT_FLOAT_EQ(got[1].y, linear(188));
  EXPECT_FLOAT_EQ(got[1].w, 7.0f / 255.0f);
}

TEST_F(TextureExec, MipmapLevelsFollowLodBiasClampsAndGradients) {
  // Levels 8x8, 4x4, 2x2, 1x1, each filled with 10 * (level + 1).
  std::vector<TextureDescriptor> levels;
  for (uint64_t level = 0, size = 8; level < 4; ++level, size /= 2) {
    float *data = harness->upload(std::vector<float>(size * size, 10.0f * float(level + 1)));
    TextureDescriptor *d = describe(data, size, size, 1, 1, 32, ChannelFloat);
    d->normalizedCoords = 1;
    levels.push_back(*d);
  }
  TextureDescriptor *top = describe(levels[0].data, 8, 8, 1, 1, 32, ChannelFloat);
  top->normalizedCoords = 1;
  top->levels = levels.data();
  top->mipmapLevels = 4;
  top->maxMipmapLevelClamp = 3;
  std::vector<float> lods = {0.0f, 0.49f, 0.5f, 2.0f, 7.0f, -1.0f};
  // Gradients in normalized units: g * 8 texels, lod = log2(8g).
  std::vector<float> grads = {1.0f / 8, 2.0f / 8, 4.0f / 8, 1.0f, 0.0f, 3.0f / 8};
  float *lod = harness->upload(lods);
  float *grad = harness->upload(grads);
  float *out = harness->upload(std::vector<float>(12));
  auto run = [&] {
    EXPECT_EQ(harness->launch(kernel("sampleMip"), {1}, {6}, handle(top), lod, grad, out),
              Status::Success);
    return harness->download(out, 12);
  };
  // Point mipmap filtering: the nearest level, clamped to the chain.
  std::vector<float> got = run();
  EXPECT_EQ(got, (std::vector<float>{10, 10, 10, 20, 20, 30, 30, 40, 40, 10, 10, 30}));
  // Linear mipmap filtering blends the two levels around the lod.
  top->mipmapFilterMode = FilterLinear;
  got = run();
  EXPECT_FLOAT_EQ(got[2], 14.9f);
  EXPECT_FLOAT_EQ(got[4], 15.0f);
  EXPECT_NEAR(got[11], 10.0f + 10.0f * std::log2(3.0f), 1e-4f);
  // Bias and clamps.
  top->mipmapFilterMode = FilterPoint;
  top->mipmapLevelBias = 1.0f;
  top->maxMipmapLevelClamp = 2.0f;
  got = run();
  EXPECT_EQ(got[0], 20.0f);
  EXPECT_EQ(got[8], 30.0f) << "clamped at level 2";
  top->mipmapLevelBias = 0.0f;
  top->minMipmapLevelClamp = 1.0f;
  got = run();
  EXPECT_EQ(got[0], 20.0f);
}

// --- Surfaces ---------------------------------------------------------------

TEST_F(TextureExec, SurfaceReadWriteScalesEveryTexel) {
  const uint32_t w = 8, h = 3;
  std::vector<float> texels(w * h);
  for (uint32_t k = 0; k < w * h; ++k)
    texels[k] = float(k) - 3.0f;
  float *src = harness->upload(texels);
  float *dst = harness->upload(std::vector<float>(w * h));
  TextureDescriptor *s = describe(src, w, h, 1, 1, 32, ChannelFloat, kSurfaceMagic);
  TextureDescriptor *t = describe(dst, w, h, 1, 1, 32, ChannelFloat, kSurfaceMagic);
  ASSERT_EQ(harness->launch(kernel("surfaceScale"), {h}, {w}, handle(s), handle(t),
                            int(w)),
            Status::Success);
  std::vector<float> got = harness->download(dst, w * h);
  for (uint32_t k = 0; k < w * h; ++k)
    EXPECT_EQ(got[k], 2.0f * texels[k]) << k;
}

TEST_F(TextureExec, SurfaceClampReadsAndZeroWritesStayInside) {
  const uint32_t w = 4, h = 2;
  std::vector<uint8_t> texels(w * h * 4);
  for (size_t k = 0; k < texels.size(); ++k)
    texels[k] = uint8_t(k + 1);
  uint8_t *src = harness->upload(texels);
  uint8_t *dst = harness->upload(std::vector<uint8_t>(texels.size(), 0xee));
  TextureDescriptor *s = describe(src, w, h, 1, 4, 8, ChannelUnsigned, kSurfaceMagic);
  TextureDescriptor *t = describe(dst, w, h, 1, 4, 8, ChannelUnsigned, kSurfaceMagic);
  ASSERT_EQ(harness->launch(kernel("surfaceShift"), {h}, {w}, handle(s), handle(t)),
            Status::Success);
  std::vector<uint8_t> got = harness->download(dst, texels.size());
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x)
      for (uint32_t c = 0; c < 4; ++c) {
        // dst[x] = src[clamp(x - 2)] for x >= 1; texel 0 keeps its bytes.
        uint8_t expected =
            x == 0 ? 0xee : texels[(y * w + (x >= 2 ? x - 2 : 0)) * 4 + c];
        EXPECT_EQ(got[(y * w + x) * 4 + c], expected) << x << "," << y << "," << c;
      }
}

TEST_F(TextureExec, SurfaceTrapOutOfRangeFailsTheLaunch) {
  float *src = harness->upload(std::vector<float>{1, 2, 3, 4});
  TextureDescriptor *s = describe(src, 4, 1, 1, 1, 32, ChannelFloat, kSurfaceMagic);
  float *out = harness->upload(std::vector<float>(8));
  EXPECT_EQ(harness->launch(kernel("surfaceTrap"), {1}, {4}, handle(s), out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 4), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(harness->launch(kernel("surfaceTrap"), {1}, {8}, handle(s), out),
            Status::LaunchFailure);
}

TEST_F(TextureExec, LayeredAnd3DSurfacesAddressEveryElement) {
  const uint32_t w = 3, h = 2, layers = 2;
  std::vector<float> texels(w * h * layers);
  for (size_t k = 0; k < texels.size(); ++k)
    texels[k] = float(k);
  float *data = harness->upload(texels);
  TextureDescriptor *s = describe(data, w, h, 1, 1, 32, ChannelFloat, kSurfaceMagic);
  s->layered = 1;
  s->layers = layers;
  ASSERT_EQ(harness->launch(kernel("surfaceLayered"), {h}, {w}, handle(s), int(layers)),
            Status::Success);
  std::vector<float> got = harness->download(data, texels.size());
  for (size_t k = 0; k < texels.size(); ++k)
    EXPECT_EQ(got[k], texels[k] + (k >= w * h ? 100.0f : 0.0f)) << k;

  // 2x2x2 of short2: each element's halves swap.
  std::vector<int16_t> shorts(16);
  for (size_t k = 0; k < shorts.size(); ++k)
    shorts[k] = int16_t(k * 3 - 7);
  int16_t *cube = harness->upload(shorts);
  TextureDescriptor *v = describe(cube, 2, 2, 2, 2, 16, ChannelSigned, kSurfaceMagic);
  ASSERT_EQ(harness->launch(kernel("surface3D"), {2, 2}, {2}, handle(v)), Status::Success);
  std::vector<int16_t> swapped = harness->download(cube, shorts.size());
  for (size_t k = 0; k < shorts.size(); k += 2) {
    EXPECT_EQ(swapped[k], shorts[k + 1]);
    EXPECT_EQ(swapped[k + 1], shorts[k]);
  }
}

// txq and suq are not reached from CUDA C++ (nvcc emits no query for the
// texture-object API), so the PTX is written here.
TEST_F(TextureExec, TxqAndSuqAnswerFromTheDescriptor) {
  const std::string ptx = R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry query(.param .u64 tex, .param .u64 surf, .param .u64 out)
{
  .reg .b32 %r<9>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [tex];
  ld.param.u64 %rd2, [surf];
  ld.param.u64 %rd3, [out];
  txq.width.b32 %r1, [%rd1];
  txq.height.b32 %r2, [%rd1];
  txq.depth.b32 %r3, [%rd1];
  txq.normalized_coords.b32 %r4, [%rd1];
  txq.filter_mode.b32 %r5, [%rd1];
  txq.num_mipmap_levels.b32 %r6, [%rd1];
  suq.width.b32 %r7, [%rd2];
  suq.array_size.b32 %r8, [%rd2];
  st.global.v4.u32 [%rd3], {%r1, %r2, %r3, %r4};
  st.global.v4.u32 [%rd3+16], {%r5, %r6, %r7, %r8};
  ret;
}
)";
  std::string why;
  cuport::backend::Module *queries = harness->load(ptx, &why);
  ASSERT_NE(queries, nullptr) << why;
  float *data = harness->upload(std::vector<float>(5 * 3 * 2));
  TextureDescriptor *t = describe(data, 5, 3, 2, 1, 32, ChannelFloat);
  t->normalizedCoords = 1;
  t->filterMode = FilterLinear;
  TextureDescriptor *s = describe(data, 5, 3, 1, 1, 32, ChannelFloat, kSurfaceMagic);
  s->layered = 1;
  s->layers = 2;
  uint32_t *out = harness->upload(std::vector<uint32_t>(8));
  ASSERT_EQ(harness->launch(*queries->findKernel("query"), {1}, {1}, handle(t), handle(s),
                            out),
            Status::Success);
  EXPECT_EQ(harness->download(out, 8), (std::vector<uint32_t>{5, 3, 2, 1, 1, 1, 5, 2}));
}

} // namespace
