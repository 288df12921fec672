//===- MemoryExecTest.cpp - ld/st/cvta/isspacep executed on a backend -----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tier 2 of DESIGN.md §7 for the memory family: test/data/exec/
// memory_kernels.ptx (source beside it) runs on the backend. Every ld and
// st form of ptx-opcodes.txt outside shared memory is checked against the
// bytes PTX defines: widths, zero and sign extension, vectors, orderings
// and scopes, .volatile, .nc and cache hints, global/generic/local/const/
// param addresses, cvta both ways (.u32 and .u64), isspacep. Shared-memory
// forms need the shared-memory arena (issue 4): golden-tested only
// (test/golden/memory.ptx).
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

using cuport::backend::Dim3;
using cuport::backend::Kernel;
using cuport::backend::Module;
using cuport::backend::Status;
using cuport::test::BackendHarness;

namespace {

class MemoryExec : public cuport::test::PtxModuleTest<MemoryExec> {
public:
  static constexpr const char *kPtxFile = "exec/memory_kernels.ptx";
};

/// Little-endian value of `bytes` at `offset`, as PTX reads it.
template <typename T> uint64_t at(const std::vector<uint8_t> &bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  if constexpr (std::is_signed_v<T>)
    return uint64_t(int64_t(value));
  else
    return uint64_t(value);
}

TEST_F(MemoryExec, LoadsOfEveryWidthSpaceAndQualifier) {
  std::vector<uint8_t> in(64);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = uint8_t(0x80 + i * 7);
  uint8_t *din = harness->upload(in);
  uint64_t *dout = harness->upload(std::vector<uint64_t>(80, 0xDEADDEADDEADDEADull));
  ASSERT_EQ(harness->launch(kernel("loads"), {1}, {1}, din, dout), Status::Success);
  std::vector<uint64_t> out = harness->download(dout, 80);

  auto u32 = [&](size_t o) { return at<uint32_t>(in, o); };
  auto u64 = [&](size_t o) { return at<uint64_t>(in, o); };
  std::vector<std::pair<const char *, uint64_t>> expected = {
      {"ld.global.u32", u32(0)},
      {"ld.global.f32", u32(4)},
      {"ld.global.u64", u64(8)},
      {"ld.global.nc.u64", u64(16)},
      {"ld.global.f64", u64(24)},
      {"ld.global.nc.u32", u32(4)},
      {"ld.global.nc.f32", u32(8)},
      {"ld.global.nc.f64", u64(16)},
      {"ld.global.u8 zero-extends", at<uint8_t>(in, 3)},
      {"ld.global.s8 sign-extends", uint32_t(int32_t(int8_t(in[3])))},
      {"ld.global.u16", at<uint16_t>(in, 6)},
      {"ld.volatile.global.u32", u32(12)},
      {"ld.acquire.sys.global.u8", at<uint8_t>(in, 5)},
      {"ld.global.v4.u32 .x", u32(16)}, {"ld.global.v4.u32 .y", u32(20)},
      {"ld.global.v4.u32 .z", u32(24)}, {"ld.global.v4.u32 .w", u32(28)},
      {"ld.global.nc.v4.u32 .x", u32(32)}, {"ld.global.nc.v4.u32 .y", u32(36)},
      {"ld.global.nc.v4.u32 .z", u32(40)}, {"ld.global.nc.v4.u32 .w", u32(44)},
      {"ld.global.nc.v2.u64 .x", u64(16)}, {"ld.global.nc.v2.u64 .y", u64(24)},
      {"ld.global.v2.f32 .x", u32(8)}, {"ld.global.v2.f32 .y", u32(12)},
      {"ld.global.v2.u32 .x", u32(24)}, {"ld.global.v2.u32 .y", u32(28)},
      {"ld.global.nc.v2.f32 .x", u32(40)}, {"ld.global.nc.v2.f32 .y", u32(44)},
      {"ld.global.nc.v2.f64 .x", u64(48)}, {"ld.global.nc.v2.f64 .y", u64(56)},
      {"ld.global.v4.f32 .x", u32(48)}, {"ld.global.v4.f32 .y", u32(52)},
      {"ld.global.v4.f32 .z", u32(56)}, {"ld.global.v4.f32 .w", u32(60)},
      {"ld.u32", u32(4)},
      {"ld.f32", u32(12)},
      {"ld.u64", u64(40)},
      {"ld.u16", at<uint16_t>(in, 10)},
      {"ld.f64", u64(32)},
      {"ld.ca.u32", u32(20)},
      {"ld.cg.u32", u32(24)},
      {"ld.volatile.u32", u32(28)},
      {"ld.acquire.gpu.u32", u32(36)},
      {"ld.relaxed.gpu.u32", u32(44)},
      {"ld.acquire.cta.u32", u32(52)},
      {"ld.acquire.cta.b64", u64(56)},
      {"ld.relaxed.cta.b32", u32(60)},
      {"ld.relaxed.gpu.v2.u32 .x", u32(8)}, {"ld.relaxed.gpu.v2.u32 .y", u32(12)},
      {"ld.relaxed.gpu.v2.u64 .x", u64(32)}, {"ld.relaxed.gpu.v2.u64 .y", u64(40)},
      {"ld.v4.u32 .x", u32(0)}, {"ld.v4.u32 .y", u32(4)},
      {"ld.v4.u32 .z", u32(8)}, {"ld.v4.u32 .w", u32(12)},
      {"ld.global.L2::64B.u32", u32(8)},
      {"ld.const.u32 [constWords+8]", 0xC0FFEE03u},
      {"ld.const.f32 [constFloats+4]", std::bit_cast<uint32_t>(-2.25f)},
      {"ld.u32 through cvta.const", 0xC0FFEE04u},
      {"ld.const.u32 through cvta.to.const", 0xC0FFEE02u},
  };
  ASSERT_EQ(out[expected.size()], expected.size()) << "slot count";
  for (size_t k = 0; k < expected.size(); ++k)
    EXPECT_EQ(out[k], expected[k].second) << expected[k].first << " (slot " << k << ")";
}

TEST_F(MemoryExec, StoresOfEveryWidthSpaceAndQualifier) {
  std::vector<uint64_t> v = {0x11223344u, 0x40490FDBu, 0xA1B2C3D4u, 0x5566778Fu,
                             0x0123456789ABCDEFull, 0xFEDCBA9876543210ull};
  uint64_t *dv = harness->upload(v);
  uint8_t *dout = harness->upload(std::vector<uint8_t>(256, 0xEE));
  ASSERT_EQ(harness->launch(kernel("stores"), {1}, {1}, dout, dv), Status::Success);
  std::vector<uint8_t> out = harness->download(dout, 256);

  std::vector<uint8_t> expect(256, 0xEE);
  auto put = [&](size_t offset, auto value) {
    std::memcpy(expect.data() + offset, &value, sizeof(value));
  };
  uint32_t r = uint32_t(v[0]), r2 = uint32_t(v[1]), r3 = uint32_t(v[2]), r4 = uint32_t(v[3]);
  uint64_t l = v[4], l2 = v[5];
  put(0, r);                       // st.global.u32
  put(4, r2);                      // st.global.f32 (the bits)
  put(8, l);                       // st.global.u64
  put(16, l);                      // st.global.f64
  put(24, uint8_t(r3));            // st.global.u8: the low byte only
  put(26, uint16_t(r3));           // st.global.u16
  put(28, uint8_t(r4));            // st.release.sys.global.u8
  put(32, r2);                     // st.volatile.global.u32
  put(48, r); put(52, r2); put(56, r3); put(60, r4); // st.global.v4.u32
  put(64, r4); put(68, r3);        // st.global.v2.u32
  put(72, r2); put(76, r);         // st.global.v2.f32
  put(80, r); put(84, r2); put(88, r); put(92, r2); // st.global.v4.f32
  put(96, l2); put(104, l);        // st.global.v2.u64
  put(112, l2);                    // st.u64
  put(120, r);                     // st.f32
  put(124, r3);                    // st.u32
  put(128, uint16_t(r3));          // st.u16
  put(136, l);                     // st.f64
  put(144, r4);                    // st.cg.u32
  put(148, r);                     // st.volatile.u32
  put(152, r2);                    // st.release.gpu.u32
  put(156, r3);                    // st.relaxed.cta.b32
  put(160, r2); put(164, r);       // st.relaxed.gpu.v2.u32
  put(168, l); put(176, l2);       // st.relaxed.gpu.v2.u64
  put(184, r3); put(188, r4);      // st.v2.u32
  put(192, r);                     // st.global.L2::cache_hint.u32
  for (size_t i = 0; i < 256; ++i)
    EXPECT_EQ(int(out[i]), int(expect[i])) << "byte " << i;
}

TEST_F(MemoryExec, LocalMemoryDirectAndThroughGenericAddresses) {
  std::vector<uint64_t> v = {0x89ABCDEFu, 0x000000F1u, 0x1122334455667788ull,
                             0x99AABBCCDDEEFF00ull, std::bit_cast<uint64_t>(-3.5)};
  uint64_t *dv = harness->upload(v);
  uint64_t *dout = harness->upload(std::vector<uint64_t>(10, 0));
  ASSERT_EQ(harness->launch(kernel("localMemory"), {1}, {1}, dv, dout), Status::Success);
  std::vector<uint64_t> out = harness->download(dout, 10);
  EXPECT_EQ(out[0], 0x89ABCDEFu) << "st/ld.local.u32";
  EXPECT_EQ(out[1], v[2]) << "st/ld.local.u64";
  EXPECT_EQ(out[2], v[4]) << "st/ld.local.f64";
  EXPECT_EQ(out[3] & 0xFF, 0xF1u) << "st.local.u8 then ld.local.u32: the byte written";
  EXPECT_EQ(out[4], (uint64_t(0x89ABCDEFu) << 32) | 0xF1u) << "st.local.v2.u32";
  EXPECT_EQ(out[5], v[3]) << "st.local.v2.u64 .x";
  EXPECT_EQ(out[6], v[2]) << "st.local.v2.u64 .y";
  EXPECT_EQ(out[7], v[2]) << "ld.u64 through cvta.local";
  EXPECT_EQ(out[8], 0xF1u) << "ld.local through cvta.to.local";
  EXPECT_EQ(out[9], 0xF1EFF1EFu) << "st.local.v4.u8 keeps the low bytes";
}

TEST_F(MemoryExec, IsspacepAndCvtaRoundTrips) {
  unsigned *dglobal = harness->upload(std::vector<unsigned>(4, 7));
  unsigned *dout = harness->upload(std::vector<unsigned>(12, 99));
  ASSERT_EQ(harness->launch(kernel("addressSpaces"), {1}, {1}, dglobal, dout),
            Status::Success);
  std::vector<unsigned> out = harness->download(dout, 12);
  EXPECT_EQ(out[0], 1u) << "isspacep.global of a device buffer";
  EXPECT_EQ(out[1], 0u) << "isspacep.local of a device buffer";
  EXPECT_EQ(out[2], 0u) << "isspacep.shared of a device buffer";
  EXPECT_EQ(out[3], 0u) << "isspacep.const of a device buffer";
  EXPECT_EQ(out[4], 0u) << "isspacep.global of a local variable";
  EXPECT_EQ(out[5], 1u) << "isspacep.local of a local variable";
  EXPECT_EQ(out[6], 0u) << "isspacep.shared of a local variable";
  EXPECT_EQ(out[7], 1u) << "isspacep.const of a __constant__ variable";
  EXPECT_EQ(out[8], 1u) << "isspacep.global of a __constant__ variable";
  EXPECT_EQ(out[9], 0u) << "isspacep.local of a __constant__ variable";
  EXPECT_EQ(out[10], 1u) << "cvta.global.u64 of cvta.to.global.u64";
  EXPECT_EQ(out[11], 1u) << "cvta.global.u32 of cvta.to.global.u32";
}

struct Packed {
  unsigned char a, b;
  unsigned u;
};

TEST_F(MemoryExec, KernelAndCallSiteParametersOfEveryWidth) {
  double *dout = harness->upload(std::vector<double>(17, -1));
  unsigned char u8 = 0xF3;
  signed char s8 = -7;
  unsigned short u16 = 0xBEEF;
  unsigned u32 = 0xF0000001u;
  int i32 = -123456;
  uint64_t u64v = 0x0000100000000003ull;
  long long s64 = -5000000000ll;
  float f = -0.375f;
  double d = 1e300;
  struct { unsigned x, y; } pair{7, 11};
  struct { unsigned char x, y; } bytes{3, 250};
  Packed packed{9, 10, 0xABCDEu};
  ASSERT_EQ(harness->launch(kernel("params"), {1}, {1}, u8, s8, u16, u32, i32, u64v, s64,
                            f, d, pair, bytes, packed, dout),
            Status::Success);
  std::vector<double> out = harness->download(dout, 17);
  EXPECT_EQ(out[0], 243.0) << "ld.param.u8";
  EXPECT_EQ(out[1], -7.0) << "ld.param.s8";
  EXPECT_EQ(out[2], 48879.0) << "ld.param.u16";
  EXPECT_EQ(out[3], double(u32)) << "ld.param.u32";
  EXPECT_EQ(out[4], double(i32)) << "ld.param.u32 as s32";
  EXPECT_EQ(out[5], double(u64v)) << "ld.param.u64";
  EXPECT_EQ(out[6], double(s64)) << "ld.param.u64 as s64";
  EXPECT_EQ(out[7], double(f)) << "ld.param.f32";
  EXPECT_EQ(out[8], d) << "ld.param.f64";
  EXPECT_EQ(out[9], 7.0 + 2.0 * 11.0) << "ld.param.v2.u32";
  EXPECT_EQ(out[10], 3.0 + 256.0 * 250.0) << "ld.param.v2.u8";
  EXPECT_EQ(out[11], 9.0 + 256.0 * 10.0 + 65536.0 * 0xABCDE) << "struct parameter";
  double mixed = double(s8) + double(u16) * 2 + double(f) * 4 + d * 8 +
                 double(u64v) * 16 + double(i32) * 32;
  EXPECT_EQ(out[12], mixed) << "st.param.* at a call, ld.param.* in the callee";
  EXPECT_EQ(out[13], double(u32)) << "st.param.b32 / ld.param.b32";
  EXPECT_EQ(out[14], double(u64v)) << "st.param.b64 / ld.param.b64";
  EXPECT_EQ(out[15], double(u32)) << "ld.param.v2.u32 .x";
  EXPECT_EQ(out[16], double((u32 & 0xFFFFFF00u) | u8)) << "st.param.b8 writes one byte";
}

} // namespace
