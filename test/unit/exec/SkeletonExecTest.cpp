//===- SkeletonExecTest.cpp - PTX executed on a backend -------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7: nvcc-generated PTX (test/data/exec/
// skeleton_kernels.ptx, source beside it) runs on the backend and every
// result is compared with what PTX defines, computed here on the host. The
// edge cases are the ones that trip translators: division by zero,
// INT_MIN / -1, shifts of the width or more, saturating float-to-int
// conversion of NaN and out-of-range values, unordered comparisons, min/max
// with NaN, fused multiply-add, -0.0.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <bit>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>

using cuport::backend::Dim3;
using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

class SkeletonExec : public cuport::test::PtxModuleTest<SkeletonExec> {
public:
  static constexpr const char *kPtxFile = "exec/skeleton_kernels.ptx";
};

uint32_t bitsOf(float value) { return std::bit_cast<uint32_t>(value); }

TEST_F(SkeletonExec, IntegerEdgeCases) {
  const int bits = 0x12345678;
  std::vector<int> in = {100, 0, INT_MIN, -1, 33, -8, 40, bits};
  int *din = harness->upload(in);
  int *dout = harness->upload(std::vector<int>(23, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("intEdges"), {1}, {1}, din, dout), Status::Success);
  std::vector<int> out = harness->download(dout, 23);

  int64_t wide = int64_t(-8) * bits + 100;
  EXPECT_EQ(uint32_t(out[0]), 0xFFFFFFFFu) << "div.u32 x/0 is all ones";
  EXPECT_EQ(out[1], INT_MIN) << "div.s32 INT_MIN/-1 wraps";
  EXPECT_EQ(out[2], 0) << "shl.b32 by 33";
  EXPECT_EQ(out[3], -1) << "shr.s32 by 40 fills with the sign";
  EXPECT_EQ(out[4], 0) << "shr.u32 by 40";
  EXPECT_EQ(uint32_t(out[5]), uint32_t((uint64_t(uint32_t(bits)) * uint32_t(bits)) >> 32));
  EXPECT_EQ(out[6], int32_t((int64_t(-8) * bits) >> 32)) << "mul.hi.s32";
  EXPECT_EQ(uint32_t(out[7]), uint32_t(uint64_t(wide))) << "mad.wide.s32 low";
  EXPECT_EQ(out[8], int32_t(wide >> 32)) << "mad.wide.s32 high";
  EXPECT_EQ(out[9], std::popcount(uint32_t(bits)));
  EXPECT_EQ(out[10], 3) << "clz";
  uint32_t reversed = 0;
  for (int i = 0; i < 32; ++i)
    reversed |= ((uint32_t(bits) >> i) & 1u) << (31 - i);
  EXPECT_EQ(uint32_t(out[11]), reversed) << "brev";
  EXPECT_EQ(out[12], INT_MIN) << "min.s32";
  EXPECT_EQ(uint32_t(out[13]), 0x80000000u) << "max.u32";
  EXPECT_EQ(out[14], 8) << "abs.s32";
  EXPECT_EQ(out[15], INT_MIN) << "add.sat.s32 saturates";
  EXPECT_EQ(out[16], -8) << "rem.s32 keeps the dividend's sign";
  EXPECT_EQ(out[17], 0) << "div.s32 truncates toward zero";
  EXPECT_EQ(out[18], 0) << "cvt.sat.u8.s32 of a negative value";
  EXPECT_EQ(out[19], 0x78) << "cvt.s8.s32 keeps the low byte";
  EXPECT_EQ(out[20], int32_t(uint32_t(INT_MIN) - 100u)) << "sub.s32 wraps";
  EXPECT_EQ(out[21], ~bits) << "not.b32";
  EXPECT_EQ(out[22], 1) << "cnot.b32 of 0";
}

TEST_F(SkeletonExec, FloatEdgeCases) {
  const float third = 1.0f / 3.0f;
  std::vector<float> in = {NAN, 3e9f, -3e9f, 2.5f, 1.0f, -0.0f, 2.0f, third};
  float *din = harness->upload(in);
  float *doutf = harness->upload(std::vector<float>(14, 12345.0f));
  int *douti = harness->upload(std::vector<int>(12, 0x5A5A5A5A));
  ASSERT_EQ(harness->launch(kernel("floatEdges"), {1}, {1}, din, doutf, douti),
            Status::Success);
  std::vector<float> f = harness->download(doutf, 14);
  std::vector<int> i = harness->download(douti, 12);

  EXPECT_EQ(i[0], 0) << "cvt.rzi.s32.f32 NaN";
  EXPECT_EQ(i[1], INT_MAX) << "cvt.rzi.s32.f32 saturates high";
  EXPECT_EQ(i[2], INT_MIN) << "cvt.rzi.s32.f32 saturates low";
  EXPECT_EQ(i[3], 2) << "cvt.rni rounds half to even";
  EXPECT_EQ(i[4], 3) << "cvt.rpi rounds up";
  EXPECT_EQ(i[5], 0) << "cvt.rmi.u32 of a negative value saturates to 0";
  EXPECT_EQ(i[6], 1) << "setp.ltu is true for NaN";
  EXPECT_EQ(i[7], 0) << "setp.lt is false for NaN";
  EXPECT_EQ(i[8], 0) << "setp.ne is ordered";
  EXPECT_EQ(i[9], 1) << "setp.neu is unordered";
  EXPECT_EQ(i[10], 1) << "setp.nan";
  EXPECT_EQ(i[11], 1) << "setp.num";

  EXPECT_EQ(f[0], 1.0f) << "min.f32 returns the non-NaN operand";
  EXPECT_EQ(bitsOf(f[1]), bitsOf(-0.0f)) << "max.f32(-0, NaN) is -0";
  EXPECT_EQ(f[2], 1.0f) << "add.sat.f32 clamps to 1";
  EXPECT_EQ(bitsOf(f[3]), bitsOf(0.0f)) << "add.sat.f32 of NaN is +0";
  EXPECT_EQ(bitsOf(f[4]), bitsOf(std::fma(third, third, -0.0f))) << "fma is fused";
  EXPECT_EQ(f[5], 2.0f) << "cvt.rni.f32.f32 of 2.5";
  EXPECT_EQ(bitsOf(f[6]), bitsOf(std::sqrt(2.0f))) << "sqrt.rn is exact";
  EXPECT_EQ(bitsOf(f[7]), bitsOf(1.0f / third)) << "div.rn is IEEE";
  EXPECT_EQ(f[8], 16777216.0f) << "cvt.rn.f32.s32 rounds to nearest even";
  EXPECT_EQ(bitsOf(f[9]), bitsOf(0.0f)) << "neg.f32 of -0 is +0";
  EXPECT_EQ(f[10], 3e9f) << "abs.f32";
  EXPECT_EQ(bitsOf(f[11]), bitsOf(third * 3e9f));
  EXPECT_EQ(f[12], -3e9f) << "cvt.rzi.f32.f32 of an integral value";
  EXPECT_EQ(bitsOf(f[13]), bitsOf(float(double(third) * 3.0))) << "f32 -> f64 -> f32";
}

TEST_F(SkeletonExec, ThreadAndBlockIndicesIn3D) {
  const Dim3 grid{2, 3, 2}, block{4, 3, 2};
  const int threads = 2 * 3 * 2 * 4 * 3 * 2;
  int *dout = harness->upload(std::vector<int>(threads + 3, -1));
  ASSERT_EQ(harness->launch(kernel("threadIds"), grid, block, dout + 3), Status::Success);
  std::vector<int> out = harness->download(dout, threads + 3);
  EXPECT_EQ(out[0], 232) << "gridDim";
  EXPECT_EQ(out[1], 432) << "blockDim";
  EXPECT_EQ(out[2], 32) << "warpSize";
  int slot = 3;
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx)
        for (unsigned tz = 0; tz < block.z; ++tz)
          for (unsigned ty = 0; ty < block.y; ++ty)
            for (unsigned tx = 0; tx < block.x; ++tx, ++slot)
              ASSERT_EQ(out[slot], int(tx + 10 * ty + 100 * tz + 1000 * bx +
                                       10000 * by + 100000 * bz))
                  << "slot " << slot;
}

struct Pair {
  int key;
  float value;
  double weight;
};

TEST_F(SkeletonExec, DeviceCallsWithAggregatesAndGuards) {
  const int n = 300;
  std::vector<Pair> pairs(n);
  for (int k = 0; k < n; ++k)
    pairs[k] = {k * 3 - 200, 0.25f * float(k), 1.0 + 0.001 * k};
  Pair *dpairs = harness->upload(pairs);
  float *dweighted = harness->upload(std::vector<float>(n, 0));
  int *dlarger = harness->upload(std::vector<int>(n, 0));
  float scale = 1.5f;
  ASSERT_EQ(harness->launch(kernel("callsAndGuards"), {3}, {128}, dpairs, scale,
                            dweighted, dlarger, n),
            Status::Success);
  std::vector<float> weighted = harness->download(dweighted, n);
  std::vector<int> larger = harness->download(dlarger, n);
  for (int k = 0; k < n; ++k) {
    float expected =
        std::fma(pairs[k].value, scale, float(pairs[k].key)) * float(pairs[k].weight);
    EXPECT_NEAR(weighted[k], expected, 1e-6f * std::fabs(expected) + 1e-6f) << k;
    EXPECT_EQ(larger[k], std::max(pairs[k].key, n - k)) << k;
  }
}

struct Float4 { float x, y, z, w; };
struct Double2 { double x, y; };

TEST_F(SkeletonExec, VectorLoadsStoresAndPacking) {
  const int n = 64;
  std::vector<Float4> in(n);
  std::vector<Double2> din(n);
  for (int k = 0; k < n; ++k) {
    in[k] = {float(k), float(k) + 0.5f, -float(k), 1.0f / float(k + 1)};
    din[k] = {double(k) * 1.5, double(k) - 7.25};
  }
  Float4 *dIn = harness->upload(in);
  Float4 *dOut = harness->upload(std::vector<Float4>(n));
  Double2 *dDin = harness->upload(din);
  Double2 *dDout = harness->upload(std::vector<Double2>(n));
  uint64_t *dPacked = harness->upload(std::vector<uint64_t>(n));
  ASSERT_EQ(harness->launch(kernel("vectors"), {1}, {uint32_t(n)}, dIn, dOut, dDin,
                            dDout, dPacked),
            Status::Success);
  auto out = harness->download(dOut, n);
  auto dout = harness->download(dDout, n);
  auto packed = harness->download(dPacked, n);
  for (int k = 0; k < n; ++k) {
    EXPECT_EQ(out[k].x, in[k].w);
    EXPECT_EQ(out[k].y, in[k].z);
    EXPECT_EQ(out[k].z, in[k].y);
    EXPECT_EQ(out[k].w, in[k].x);
    EXPECT_EQ(dout[k].x, din[k].x + din[k].y);
    EXPECT_EQ(dout[k].y, din[k].x - din[k].y);
    EXPECT_EQ(packed[k], (uint64_t(k + 0x100) << 32) | uint64_t(k ^ 0xFF)) << k;
  }
}

TEST_F(SkeletonExec, LocalArraysIndexedAtRunTime) {
  const int n = 64;
  std::vector<int> in(n);
  for (int k = 0; k < n; ++k)
    in[k] = (k * 37 + 11) % 101;
  int *din = harness->upload(in);
  int *dout = harness->upload(std::vector<int>(n, 0));
  ASSERT_EQ(harness->launch(kernel("localArray"), {1}, {uint32_t(n)}, din, dout, n),
            Status::Success);
  std::vector<int> out = harness->download(dout, n);
  for (int t = 0; t < n; ++t) {
    int scratch[32];
    for (int k = 0; k < 32; ++k)
      scratch[k] = in[(t + k) % n] * (k + 1);
    int index = in[t] & 31;
    EXPECT_EQ(out[t], scratch[index] + scratch[(index + 7) & 31]) << t;
  }
}

TEST_F(SkeletonExec, MalformedPtxIsADiagnosticNotACrash) {
  std::string why;
  EXPECT_EQ(harness->load(".version 9.0\n.target sm_75\n.address_size 64\n"
                          ".visible .entry k( {\n",
                          &why),
            nullptr);
  EXPECT_NE(why.find("test.ptx:"), std::string::npos) << why;
}

} // namespace
