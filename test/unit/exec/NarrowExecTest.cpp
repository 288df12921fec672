//===- NarrowExecTest.cpp - Narrow conversions, compares, shared vectors --===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Execution tests of the instruction forms of test/data/ptx-opcodes.txt that
// no other family pinned (test/data/exec/narrow_kernels.ptx, source beside
// it): cvt.s32.s8, cvt.u16.u64, cvt.u64.u16; setp.le.u16, setp.eq.b16,
// setp.le.s64, setp.ge.s64, selp.b16; ld.shared.v4.f32, ld.shared.v2.u64,
// ld.shared.v2.u16, st.shared.v2.u32, st.shared.v2.u16. The operands are
// chosen so that a wrong signedness (0x80 as -128 or 128, 0x8000 above or
// below 0x7FFF, INT64_MIN below or above 0), a wrong width (bits above the
// form's width must be dropped or must not leak in) or a swapped vector lane
// gives a different answer.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>

using cuport::backend::Status;

namespace {

class NarrowExec : public cuport::test::PtxModuleTest<NarrowExec> {
public:
  static constexpr const char *kPtxFile = "exec/narrow_kernels.ptx";
};

TEST_F(NarrowExec, ExtensionsAndTruncationsKeepTheirWidthAndSign) {
  std::vector<uint32_t> words = {0x0u,        0x7Fu,       0x80u,       0xFFu,
                                 0x12345680u, 0xABCDEF01u, 0xFFFFFF7Fu, 0x00018000u,
                                 0x7FFF8001u, 0xDEADBEEFu};
  std::vector<uint64_t> wides = {0x0ull,
                                 0xFFFFull,
                                 0x10000ull,
                                 0x123456789ABCDEF0ull,
                                 0xFFFFFFFFFFFF8000ull,
                                 0x8000000000007FFFull,
                                 0x00000000FFFF0001ull,
                                 0xFFFFFFFFFFFFFFFFull,
                                 0x0000800000000000ull,
                                 0x00000000DEADBEEFull};
  int n = int(words.size());
  uint32_t *dwords = harness->upload(words);
  uint64_t *dwides = harness->upload(wides);
  uint64_t *dout = harness->upload(std::vector<uint64_t>(3 * n, 0xEEEEEEEEEEEEEEEEull));
  ASSERT_EQ(harness->launch(kernel("extend"), {1}, {32}, dwords, dwides, dout, n),
            Status::Success);
  std::vector<uint64_t> out = harness->download(dout, 3 * n);
  for (int i = 0; i < n; ++i) {
    // cvt.s32.s8: the low byte, sign-extended to 32 bits.
    EXPECT_EQ(out[0 * n + i], uint64_t(uint32_t(int32_t(int8_t(words[i] & 0xFF)))))
        << "cvt.s32.s8 of 0x" << std::hex << words[i];
    // cvt.u16.u64: the low 16 bits, nothing above.
    EXPECT_EQ(out[1 * n + i], wides[i] & 0xFFFF) << "cvt.u16.u64 of 0x" << std::hex
                                                 << wides[i];
    // cvt.u64.u16: the low half of the word, zero-extended (0x8000 stays
    // positive).
    EXPECT_EQ(out[2 * n + i], uint64_t(words[i] & 0xFFFF))
        << "cvt.u64.u16 of 0x" << std::hex << (words[i] & 0xFFFF);
  }
  EXPECT_EQ(out[0 * n + 2], 0xFFFFFF80ull) << "0x80 is -128";
  EXPECT_EQ(out[2 * n + 7], 0x8000ull) << "0x8000 zero-extends";
}

TEST_F(NarrowExec, SixteenAndSixtyFourBitComparisonsAndSelect) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // Pairs where unsigned and signed order disagree, equal pairs, and pairs
  // equal in their low 32 (or 16) bits only.
  std::vector<uint16_t> as = {0x8000, 0x7FFF, 0xFFFF, 0x0001, 0x1234, 0x0000, 0xFFFF, 0x8001};
  std::vector<uint16_t> bs = {0x7FFF, 0x8000, 0x0001, 0xFFFF, 0x1234, 0x0000, 0xFFFE, 0x8001};
  std::vector<int64_t> xs = {kMin, 0, -1, 1, 0x100000000ll, kMax, -5, 7};
  std::vector<int64_t> ys = {0, kMin, 1, -1, 0x000000000ll, kMin, -5, 0x100000007ll};
  int n = int(as.size());
  uint16_t *da = harness->upload(as), *db = harness->upload(bs);
  int64_t *dx = harness->upload(xs), *dy = harness->upload(ys);
  uint32_t *dflags = harness->upload(std::vector<uint32_t>(4 * n, 99));
  uint16_t *dpicked = harness->upload(std::vector<uint16_t>(n, 0xEEEE));
  ASSERT_EQ(harness->launch(kernel("compare"), {1}, {32}, da, db, dx, dy, dflags, dpicked, n),
            Status::Success);
  std::vector<uint32_t> flags = harness->download(dflags, 4 * n);
  std::vector<uint16_t> picked = harness->download(dpicked, n);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(flags[0 * n + i], uint32_t(as[i] <= bs[i]))
        << "setp.le.u16 0x" << std::hex << as[i] << ", 0x" << bs[i];
    EXPECT_EQ(flags[1 * n + i], uint32_t(as[i] == bs[i]))
        << "setp.eq.b16 0x" << std::hex << as[i] << ", 0x" << bs[i];
    EXPECT_EQ(flags[2 * n + i], uint32_t(xs[i] <= ys[i]))
        << "setp.le.s64 " << xs[i] << ", " << ys[i];
    EXPECT_EQ(flags[3 * n + i], uint32_t(xs[i] >= ys[i]))
        << "setp.ge.s64 " << xs[i] << ", " << ys[i];
    EXPECT_EQ(picked[i], xs[i] < ys[i] ? as[i] : bs[i])
        << "selp.b16 (" << xs[i] << " < " << ys[i] << ")";
  }
  EXPECT_EQ(flags[0 * n + 0], 0u) << "0x8000 <= 0x7FFF is false unsigned";
  EXPECT_EQ(flags[2 * n + 0], 1u) << "INT64_MIN <= 0 is true signed";
}

TEST_F(NarrowExec, SharedVectorAccessesKeepLaneOrder) {
  constexpr unsigned kThreads = 64;
  std::vector<float> f4(4 * kThreads);
  std::vector<uint64_t> l2(2 * kThreads);
  std::vector<uint32_t> w2(2 * kThreads), h2(2 * kThreads);
  for (unsigned t = 0; t < kThreads; ++t) {
    for (unsigned k = 0; k < 4; ++k)
      f4[4 * t + k] = float(t) + 0.25f * float(k) - 100.0f;
    l2[2 * t] = 0x8000000000000000ull | (uint64_t(t) << 32) | 1u;
    l2[2 * t + 1] = 0x0000000100000000ull * (t + 1) + 0xFFFFFFFFu;
    w2[2 * t] = 0x80000000u + t;
    w2[2 * t + 1] = 0x00010000u * t + 0xFFFFu;
    // Bits above 16 in the source word must not reach the 16-bit lanes.
    h2[2 * t] = 0xABCD0000u | (0x8000u + t);
    h2[2 * t + 1] = 0x12340000u | (0x0100u * t + 0x7Fu);
  }
  float *df4 = harness->upload(f4);
  uint64_t *dl2 = harness->upload(l2);
  uint32_t *dw2 = harness->upload(w2), *dh2 = harness->upload(h2);
  float *of4 = harness->upload(std::vector<float>(4 * kThreads, -1.0f));
  uint64_t *ol2 = harness->upload(std::vector<uint64_t>(2 * kThreads, 0));
  uint32_t *ow2 = harness->upload(std::vector<uint32_t>(2 * kThreads, 0));
  uint32_t *oh2 = harness->upload(std::vector<uint32_t>(2 * kThreads, 0xEEEEEEEEu));
  ASSERT_EQ(harness->launch(kernel("sharedVectors"), {1}, {kThreads}, df4, dl2, dw2, dh2,
                            of4, ol2, ow2, oh2),
            Status::Success);
  std::vector<float> rf4 = harness->download(of4, 4 * kThreads);
  std::vector<uint64_t> rl2 = harness->download(ol2, 2 * kThreads);
  std::vector<uint32_t> rw2 = harness->download(ow2, 2 * kThreads);
  std::vector<uint32_t> rh2 = harness->download(oh2, 2 * kThreads);
  for (unsigned t = 0; t < kThreads; ++t) {
    unsigned r = kThreads - 1 - t;
    for (unsigned k = 0; k < 4; ++k)
      EXPECT_EQ(rf4[4 * t + k], f4[4 * r + k]) << "ld.shared.v4.f32 thread " << t << " lane " << k;
    for (unsigned k = 0; k < 2; ++k) {
      EXPECT_EQ(rl2[2 * t + k], l2[2 * r + k]) << "ld.shared.v2.u64 thread " << t << " lane " << k;
      EXPECT_EQ(rw2[2 * t + k], w2[2 * r + k]) << "st.shared.v2.u32 thread " << t << " lane " << k;
      EXPECT_EQ(rh2[2 * t + k], h2[2 * r + k] & 0xFFFFu)
          << "st/ld.shared.v2.u16 thread " << t << " lane " << k;
    }
  }
}

} // namespace
