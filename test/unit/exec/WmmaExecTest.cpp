//===- WmmaExecTest.cpp - Warp matrix multiply-accumulate executed --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// wmma.load / wmma.mma / wmma.store (m16n16k16) as nvcc 13 emits them for
// <mma.h> (test/data/exec/wmma_kernels.ptx, source beside it), run on the
// backend and compared with a host reference: half-precision multiplicands
// with f32 and f16 accumulators, unsigned and signed bytes with s32
// accumulators, global and shared memory, row- and column-major layouts, a
// leading dimension other than 16, two warps per block, and an element-wise
// scale of an accumulator fragment. The matrices are neither symmetric nor
// uniform, so a transposed operand, a swapped lane or a wrong sign extension
// changes the result.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

using cuport::backend::Status;

namespace {

class WmmaExec : public cuport::test::PtxModuleTest<WmmaExec> {
public:
  static constexpr const char *kPtxFile = "exec/wmma_kernels.ptx";
};

constexpr int kN = 16;

/// IEEE binary16 bits of a float that is exactly representable (the test
/// values are small multiples of 1/8), and back.
uint16_t toHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000u;
  if (value == 0.0f)
    return uint16_t(sign);
  int exponent = int((bits >> 23) & 0xFF) - 127 + 15;
  uint32_t mantissa = (bits >> 13) & 0x3FFu;
  return uint16_t(sign | (uint32_t(exponent) << 10) | mantissa);
}
float fromHalf(uint16_t half) {
  int exponent = (half >> 10) & 0x1F;
  float magnitude = exponent == 0 ? std::ldexp(float(half & 0x3FF), -24)
                                  : std::ldexp(float(1024 + (half & 0x3FF)), exponent - 25);
  return (half & 0x8000) ? -magnitude : magnitude;
}

/// Row-major 16x16 matrices of values exact in f16: multiples of 1/8 in
/// [-4, 4), different everywhere.
std::vector<float> halfMatrix(uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<float> m(kN * kN);
  for (float &v : m)
    v = float(int(random() % 64) - 32) / 8.0f;
  return m;
}
std::vector<uint16_t> halfBits(const std::vector<float> &m) {
  std::vector<uint16_t> bits;
  for (float v : m)
    bits.push_back(toHalf(v));
  return bits;
}
/// The column-major copy of a row-major 16x16 matrix.
template <typename T> std::vector<T> transposed(const std::vector<T> &m) {
  std::vector<T> t(m.size());
  for (int r = 0; r < kN; ++r)
    for (int c = 0; c < kN; ++c)
      t[c * kN + r] = m[r * kN + c];
  return t;
}
/// D = A B + C (row-major, exact in double: every product and sum of these
/// values is exact in f32 too).
std::vector<double> reference(const std::vector<float> &a, const std::vector<float> &b,
                              const std::vector<float> &c) {
  std::vector<double> d(kN * kN);
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      double sum = c[i * kN + j];
      for (int k = 0; k < kN; ++k)
        sum += double(a[i * kN + k]) * double(b[k * kN + j]);
      d[i * kN + j] = sum;
    }
  return d;
}

TEST_F(WmmaExec, HalfTimesHalfPlusFloatInGlobalMemory) {
  std::vector<float> a = halfMatrix(1), b = halfMatrix(2), c = halfMatrix(3);
  for (float &v : c)
    v *= 5.0f;
  uint16_t *da = harness->upload(halfBits(a));
  uint16_t *db = harness->upload(halfBits(transposed(b))); // col-major B
  float *dc = harness->upload(c);
  float *dd = harness->upload(std::vector<float>(kN * kN, -1.0f));
  float *de = harness->upload(std::vector<float>(kN * kN, -1.0f));
  float alpha = -0.5f;
  ASSERT_EQ(harness->launch(kernel("wmmaHalfGlobal"), {1}, {32}, da, db, dc, dd, de, alpha),
            Status::Success);
  std::vector<float> d = harness->download(dd, kN * kN), e = harness->download(de, kN * kN);
  std::vector<double> want = reference(a, b, c);
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      EXPECT_EQ(d[i * kN + j], float(want[i * kN + j])) << "D[" << i << "][" << j << "]";
      // E = alpha * D, stored column-major.
      EXPECT_EQ(e[j * kN + i], float(alpha * want[i * kN + j])) << "E[" << i << "][" << j << "]";
    }
}

TEST_F(WmmaExec, ColumnMajorAThroughSharedMemoryTwoWarpsPerBlock) {
  constexpr int kTiles = 4; // 2 blocks x 2 warps
  std::vector<float> as, bs;
  std::vector<uint16_t> ha, hb;
  for (int t = 0; t < kTiles; ++t) {
    std::vector<float> a = halfMatrix(10 + t), b = halfMatrix(20 + t);
    as.insert(as.end(), a.begin(), a.end());
    bs.insert(bs.end(), b.begin(), b.end());
  }
  uint16_t *da = harness->upload(halfBits(as));
  uint16_t *db = harness->upload(halfBits(bs));
  float *dd = harness->upload(std::vector<float>(kTiles * kN * kN, -1.0f));
  ASSERT_EQ(harness->launch(kernel("wmmaHalfShared"), {2}, {64}, da, db, dd), Status::Success);
  std::vector<float> d = harness->download(dd, kTiles * kN * kN);
  std::vector<float> zero(kN * kN, 0.0f);
  for (int t = 0; t < kTiles; ++t) {
    std::vector<float> a(as.begin() + t * 256, as.begin() + (t + 1) * 256);
    std::vector<float> b(bs.begin() + t * 256, bs.begin() + (t + 1) * 256);
    std::vector<double> want = reference(a, b, zero);
    for (int k = 0; k < kN * kN; ++k)
      ASSERT_EQ(d[t * 256 + k], float(2 * want[k]))
          << "tile " << t << " D[" << k / kN << "][" << k % kN << "]";
  }
}

TEST_F(WmmaExec, HalfAccumulatorRoundsToHalf) {
  std::vector<float> a = halfMatrix(4), b = halfMatrix(5), c = halfMatrix(6);
  // Small values so that every sum stays exact in f16 (|sum| < 2048, step 1/64).
  for (float &v : a)
    v = std::round(v * 2.0f) / 4.0f;
  for (float &v : b)
    v = std::round(v * 2.0f) / 4.0f;
  uint16_t *da = harness->upload(halfBits(a));
  uint16_t *db = harness->upload(halfBits(transposed(b)));
  uint16_t *dc = harness->upload(halfBits(c));
  uint16_t *dd = harness->upload(std::vector<uint16_t>(kN * kN, 0xFFFF));
  ASSERT_EQ(harness->launch(kernel("wmmaHalfAccumulator"), {1}, {32}, da, db, dc, dd),
            Status::Success);
  std::vector<uint16_t> d = harness->download(dd, kN * kN);
  std::vector<double> want = reference(a, b, c);
  for (int k = 0; k < kN * kN; ++k)
    EXPECT_EQ(fromHalf(d[k]), float(want[k])) << "D[" << k / kN << "][" << k % kN << "]";
}

template <typename T>
std::vector<int> byteProduct(const std::vector<T> &a, const std::vector<T> &b,
                             const std::vector<int> &c) {
  std::vector<int> d(kN * kN);
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      int sum = c[i * kN + j];
      for (int k = 0; k < kN; ++k)
        sum += int(a[i * kN + k]) * int(b[k * kN + j]);
      d[i * kN + j] = sum;
    }
  return d;
}

TEST_F(WmmaExec, UnsignedBytesThroughSharedMemory) {
  std::mt19937 random(7);
  std::vector<uint8_t> a(256), b(256);
  std::vector<int> c(256);
  for (int k = 0; k < 256; ++k) {
    a[k] = uint8_t(random()); // many above 127: a signed reading goes wrong
    b[k] = uint8_t(random());
    c[k] = int(random() % 200000) - 100000;
  }
  uint8_t *da = harness->upload(a);
  uint8_t *db = harness->upload(transposed(b));
  int *dc = harness->upload(c);
  int *dd = harness->upload(std::vector<int>(256, -1));
  ASSERT_EQ(harness->launch(kernel("wmmaUnsignedBytes"), {1}, {32}, da, db, dc, dd),
            Status::Success);
  std::vector<int> d = harness->download(dd, 256), want = byteProduct(a, b, c);
  for (int k = 0; k < 256; ++k)
    EXPECT_EQ(d[k], want[k]) << "D[" << k / kN << "][" << k % kN << "]";
}

TEST_F(WmmaExec, SignedBytesInGlobalMemory) {
  std::mt19937 random(8);
  std::vector<int8_t> a(256), b(256);
  std::vector<int> c(256);
  for (int k = 0; k < 256; ++k) {
    a[k] = int8_t(random());
    b[k] = int8_t(random());
    c[k] = int(random() % 2000) - 1000;
  }
  a[0] = -128, b[0] = -128; // the extremes
  int8_t *da = harness->upload(a);
  int8_t *db = harness->upload(transposed(b));
  int *dc = harness->upload(c);
  int *dd = harness->upload(std::vector<int>(256, -1));
  ASSERT_EQ(harness->launch(kernel("wmmaSignedBytes"), {1}, {32}, da, db, dc, dd),
            Status::Success);
  std::vector<int> d = harness->download(dd, 256), want = byteProduct(a, b, c);
  for (int k = 0; k < 256; ++k)
    EXPECT_EQ(d[k], want[k]) << "D[" << k / kN << "][" << k % kN << "]";
}

} // namespace
