//===- AtomicsExecTest.cpp - atom/red/special registers on a backend ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for atomics: test/data/exec/atomics_kernels.ptx
// (source beside it). Every atom/red form of ptx-opcodes.txt outside shared
// memory runs under contention from 64 blocks of 128 threads; the final
// values are computed here from PTX's definitions and are exact only if
// every update is atomic (the blocks run on several worker threads). Edge
// cases: inc/dec wrap rules, failing cas, signed vs unsigned min/max,
// add.f32 flushing subnormals, rounding of bf16 adds, .noftz f16
// subnormals. The special registers (%lanemask_*, %smid, %warpid, time,
// nanosleep, %gridid, %envreg, %total_smem_size) are checked too.
// atom.shared.* forms need the shared-memory arena (issue 4) and are
// golden-tested only (test/golden/atomics.ptx).
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <fstream>
#include <sstream>

using cuport::backend::Dim3;
using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

class AtomicsExec : public cuport::test::PtxModuleTest<AtomicsExec> {
public:
  static constexpr const char *kPtxFile = "exec/atomics_kernels.ptx";
};

constexpr unsigned kBlocks = 64, kThreads = 128, kTotal = kBlocks * kThreads;

int valueOf(unsigned gid) { return int((gid * 37u) % 1000u) - 500; }

/// PTX atom.inc / atom.dec applied `times` times starting from `start`.
unsigned incTimes(unsigned start, unsigned bound, unsigned times) {
  for (unsigned i = 0; i < times; ++i)
    start = start >= bound ? 0 : start + 1;
  return start;
}
unsigned decTimes(unsigned start, unsigned bound, unsigned times) {
  for (unsigned i = 0; i < times; ++i)
    start = (start == 0 || start > bound) ? bound : start - 1;
  return start;
}

TEST_F(AtomicsExec, EveryFormUnderContentionIsExact) {
  std::vector<unsigned> u(32, 0);
  u[5] = unsigned(INT_MIN); // max.s32 from the bottom
  u[8] = unsigned(INT_MAX); // min.s32 from the top
  u[10] = u[19] = u[23] = 0xFFFFFFFFu;
  u[13] = unsigned(INT_MIN);
  u[14] = unsigned(INT_MAX);
  u[22] = unsigned(INT_MIN);
  u[11] = 50;
  unsigned *du = harness->upload(u);
  uint64_t *dl = harness->upload(std::vector<uint64_t>(8, 0));
  double *dd = harness->upload(std::vector<double>(4, 0.0));
  float *df = harness->upload(std::vector<float>(2, 0.0f));
  ASSERT_EQ(harness->launch(kernel("contention"), {kBlocks}, {kThreads}, du, dl, dd, df),
            Status::Success);
  std::vector<unsigned> ru = harness->download(du, 32);
  std::vector<uint64_t> rl = harness->download(dl, 8);
  std::vector<double> rd = harness->download(dd, 4);
  std::vector<float> rf = harness->download(df, 2);

  int maxValue = INT_MIN, minValue = INT_MAX, maxNeg = INT_MIN, minNeg = INT_MAX,
      max3 = INT_MIN;
  unsigned xorHash = 0, xorGid = 0;
  uint64_t gidSum = 0;
  for (unsigned gid = 0; gid < kTotal; ++gid) {
    maxValue = std::max(maxValue, valueOf(gid));
    minValue = std::min(minValue, valueOf(gid));
    maxNeg = std::max(maxNeg, -valueOf(gid));
    minNeg = std::min(minNeg, -valueOf(gid));
    max3 = std::max(max3, valueOf(gid) * 3);
    xorHash ^= gid * 0x9E3779B1u;
    xorGid ^= gid;
    gidSum += gid;
  }
  EXPECT_EQ(ru[0], kTotal) << "atom.global.add.u32";
  EXPECT_EQ(ru[1], kTotal) << "atom.add.release.gpu.u32";
  EXPECT_EQ(ru[2], incTimes(0, 1000, kTotal)) << "atom.global.inc.u32 wraps";
  EXPECT_EQ(ru[3], 0xFFFFFFFFu) << "atom.or.acq_rel.cta.b32";
  EXPECT_EQ(ru[4], 2 * kTotal) << "atom.add.u32";
  EXPECT_EQ(int(ru[5]), maxValue) << "atom.global.max.s32";
  EXPECT_EQ(ru[6], decTimes(0, 1000, kTotal)) << "atom.global.dec.u32 wraps";
  EXPECT_EQ(ru[7], (kTotal - 1) * 3) << "atom.global.max.u32";
  EXPECT_EQ(int(ru[8]), minValue) << "atom.global.min.s32";
  EXPECT_EQ(ru[9], 3 * kTotal) << "atom.global.sys.add.u32";
  EXPECT_EQ(ru[10], 0u) << "atom.global.sys.and.b32";
  EXPECT_EQ(ru[11], decTimes(50, 100, kTotal)) << "atom.global.sys.dec.u32";
  EXPECT_EQ(ru[12], incTimes(0, 100, kTotal)) << "atom.global.sys.inc.u32";
  EXPECT_EQ(int(ru[13]), maxNeg) << "atom.global.sys.max.s32";
  EXPECT_EQ(int(ru[14]), minNeg) << "atom.global.sys.min.s32";
  EXPECT_EQ(ru[15], 0xFFFFFFFFu) << "atom.global.sys.or.b32";
  EXPECT_EQ(ru[16], xorHash) << "atom.global.sys.xor.b32";
  EXPECT_EQ(ru[17], 5 * kTotal) << "atom.add.acquire.cta.u32";
  EXPECT_EQ(ru[18], 7 * kTotal) << "atom.add.relaxed.cta.u32";
  EXPECT_EQ(ru[19], 0u) << "atom.global.and.b32";
  EXPECT_EQ(ru[20], 0xFFFFFFFFu) << "atom.global.or.b32";
  EXPECT_EQ(ru[21], xorGid) << "atom.global.xor.b32";
  EXPECT_EQ(int(ru[22]), max3) << "atom.max.s32 (generic)";
  EXPECT_EQ(ru[23], 0u) << "red.and.release.cta.b32";
  // exch: every value 1..kTotal was handed out once or is the one left.
  uint64_t all = gidSum + kTotal; // sum of gid + 1
  EXPECT_EQ(rl[0] + ru[24], all) << "atom.global.exch.b32";
  EXPECT_EQ(rl[1] + ru[25], all) << "atom.global.sys.exch.b32";
  EXPECT_EQ(rl[2] + ru[26], all) << "atom.exch.b32 (generic)";
  EXPECT_EQ(ru[27], kTotal) << "atom.global.cas.b32 retry loop";
  EXPECT_EQ(ru[28], 2 * kTotal) << "atom.global.sys.cas.b32 retry loop";
  EXPECT_EQ(rl[3], uint64_t(kTotal) * 0x100000001ull) << "atom.global.add.u64 carries";
  EXPECT_EQ(rl[4], 3ull * kTotal) << "atom.add.acq_rel.cta.u64";
  EXPECT_EQ(rl[5], gidSum) << "atom.add.relaxed.cta.u64";
  EXPECT_EQ(rd[0], double(kTotal)) << "atom.global.add.f64";
  EXPECT_EQ(rd[1], 0.5 * kTotal) << "atom.global.sys.add.f64";
  EXPECT_EQ(rd[2], 0.25 * kTotal) << "atom.add.f64 (generic)";
  EXPECT_EQ(rf[0], float(kTotal)) << "atom.global.add.f32";
  EXPECT_EQ(rf[1], 2.0f * kTotal) << "red.global.add.f32";
}

TEST_F(AtomicsExec, LongContentionAcrossWorkers) {
  const unsigned blocks = 256, threads = 128;
  const int iterations = 64;
  const uint64_t total = uint64_t(blocks) * threads * iterations; // 2^21
  unsigned *du = harness->upload(std::vector<unsigned>(3, 0));
  uint64_t *dl = harness->upload(std::vector<uint64_t>(1, 0));
  double *dd = harness->upload(std::vector<double>(1, 0.0));
  float *df = harness->upload(std::vector<float>(1, 0.0f));
  ASSERT_EQ(harness->launch(kernel("hammer"), {blocks}, {threads}, du, dl, dd, df, iterations),
            Status::Success);
  std::vector<unsigned> u = harness->download(du, 3);
  EXPECT_EQ(u[0], total) << "atom.global.add.u32";
  EXPECT_EQ(u[1], total) << "atom.global.inc.u32 below its bound";
  EXPECT_EQ(u[2], total) << "atom.global.cas.b32 retry loop";
  EXPECT_EQ(harness->download(dl, 1)[0], 3 * total) << "atom.add.relaxed.cta.u64";
  EXPECT_EQ(harness->download(dd, 1)[0], double(total)) << "atom.global.add.f64";
  EXPECT_EQ(harness->download(df, 1)[0], float(total)) << "atom.global.add.f32";
}

TEST_F(AtomicsExec, HalfPrecisionAddsUnderContention) {
  // 256 additions of 1.0 stay exact in bf16 (8 significant bits).
  const unsigned blocks = 4, threads = 64, total = blocks * threads;
  unsigned short *dh = harness->upload(std::vector<unsigned short>(2, 0));
  unsigned *dh2 = harness->upload(std::vector<unsigned>(2, 0));
  ASSERT_EQ(harness->launch(kernel("halfAdds"), {blocks}, {threads}, dh, dh2),
            Status::Success);
  std::vector<unsigned short> h = harness->download(dh, 2);
  std::vector<unsigned> h2 = harness->download(dh2, 2);
  static_assert(total == 256);
  EXPECT_EQ(h[0], 0x5C00) << "atom.global.add.noftz.f16: 256.0";
  EXPECT_EQ(h[1], 0x4380) << "atom.global.add.noftz.bf16: 256.0";
  EXPECT_EQ(h2[0], 0x60005C00u) << "atom.global.add.noftz.f16x2: {256, 512}";
  EXPECT_EQ(h2[1], 0x44004380u) << "atom.add.noftz.bf16x2: {256, 512}";
}

TEST_F(AtomicsExec, WrapRulesFailedCasSignednessAndFlushToZero) {
  std::vector<unsigned> u = {5, 3, 0, 9, 4, 7, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
  unsigned *du = harness->upload(u);
  const float denormal = std::bit_cast<float>(0x00000010u);
  const float negDenormal = std::bit_cast<float>(0x80000010u);
  float *df = harness->upload(std::vector<float>{denormal, 1.0f, -0.0f, negDenormal, 1e-39f});
  std::vector<unsigned short> h = {0x3F80, 0x0001}; // bf16 1.0, f16 2^-24
  unsigned short *dh = harness->upload(h);
  unsigned *dout = harness->upload(std::vector<unsigned>(7, 0xAAAAAAAAu));
  ASSERT_EQ(harness->launch(kernel("edges"), {1}, {1}, du, df, dh, dout), Status::Success);
  std::vector<unsigned> ru = harness->download(du, 9);
  std::vector<float> rf = harness->download(df, 3);
  std::vector<unsigned short> rh = harness->download(dh, 2);
  std::vector<unsigned> out = harness->download(dout, 7);

  EXPECT_EQ(out[0], 5u);
  EXPECT_EQ(ru[0], 0u) << "inc: old >= b wraps to 0";
  EXPECT_EQ(ru[1], 4u) << "inc: old < b increments";
  EXPECT_EQ(ru[2], 5u) << "dec: old == 0 gives b";
  EXPECT_EQ(ru[3], 5u) << "dec: old > b gives b";
  EXPECT_EQ(ru[4], 3u) << "dec: otherwise decrements";
  EXPECT_EQ(out[5], 7u) << "cas returns the old value when it fails";
  EXPECT_EQ(ru[5], 7u) << "a failed cas stores nothing";
  EXPECT_EQ(ru[6], 1u) << "max.s32(-1, 1) is 1";
  EXPECT_EQ(ru[7], 0xFFFFFFFFu) << "max.u32(0xFFFFFFFF, 1) keeps it";
  EXPECT_EQ(ru[8], 0xFFFFFFFFu) << "min.s32(-1, 1) is -1";
  EXPECT_EQ(out[6], 0x00000010u) << "add.f32 returns the old bits unchanged";
  EXPECT_EQ(std::bit_cast<uint32_t>(rf[0]), 0u) << "add.f32 flushes a subnormal old value";
  EXPECT_EQ(rf[1], 1.0f) << "add.f32 flushes a subnormal operand";
  EXPECT_EQ(std::bit_cast<uint32_t>(rf[2]), 0x00000000u)
      << "-0 + 1e-39 flushed: -0 + +0 is +0";
  EXPECT_EQ(rh[0], 0x3F80) << "bf16 1 + 2^-8 is a tie: rounds to even (1.0)";
  EXPECT_EQ(rh[1], 0x0002) << "f16 .noftz keeps subnormals: 2^-24 + 2^-24";
}

TEST_F(AtomicsExec, SpecialRegisters) {
  const unsigned blocks = 3, threads = 80; // a partial last warp
  unsigned *dout = harness->upload(std::vector<unsigned>(8 * blocks * threads, 0xAAAAAAAAu));
  uint64_t *dtimes = harness->upload(std::vector<uint64_t>(7, 0));
  ASSERT_EQ(harness->launch(kernel("specialRegisters"), {blocks}, {threads}, dout, dtimes),
            Status::Success);
  std::vector<unsigned> out = harness->download(dout, 8 * blocks * threads);
  std::vector<uint64_t> times = harness->download(dtimes, 7);
  for (unsigned b = 0; b < blocks; ++b)
    for (unsigned t = 0; t < threads; ++t) {
      const unsigned *o = &out[8 * (b * threads + t)];
      unsigned lane = t % 32;
      uint32_t eq = 1u << lane, lt = eq - 1;
      ASSERT_EQ(o[0], eq) << "%lanemask_eq, thread " << t;
      ASSERT_EQ(o[1], lt | eq) << "%lanemask_le, thread " << t;
      ASSERT_EQ(o[2], lt) << "%lanemask_lt, thread " << t;
      ASSERT_EQ(o[3], ~lt) << "%lanemask_ge, thread " << t;
      ASSERT_EQ(o[4], ~(lt | eq)) << "%lanemask_gt, thread " << t;
      ASSERT_EQ(o[5], 3u) << "%smid < %nsmid and %warpid < %nwarpid";
      ASSERT_EQ(o[6], 0u) << "%envreg3";
      ASSERT_EQ(o[7], 0u) << "%total_smem_size - %dynamic_smem_size (no static shared)";
    }
  EXPECT_GT(times[1], times[0]) << "%clock64 advances";
  EXPECT_GE(times[3] - times[2], 100000u) << "nanosleep 200us, %globaltimer in ns";
  EXPECT_LT(times[3] - times[2], 1000000000u) << "%globaltimer in ns";
  EXPECT_EQ(uint32_t(times[4]), uint32_t(times[4])) << "%clock read";
  EXPECT_GE(times[5], times[3]) << "%globaltimer_hi:_lo after the earlier reads";
  EXPECT_NE(times[6], 0u) << "%gridid";
}

} // namespace
