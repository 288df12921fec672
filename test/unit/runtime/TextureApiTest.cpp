//===- TextureApiTest.cpp - Arrays, texture and surface objects -----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The array functions of the Memory section and the Texture and Surface
// Object Management sections, called through libcudart.so.13 as an
// nvcc-built program calls them: allocation rules, copies in and out of
// arrays, documented errors for null, unknown and destroyed handles and
// bad descriptors, and kernels (PTX as nvcc 13 emits it) that sample an
// array through a texture object and write one through a surface object.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

using cuport::test::RegisteredPtx;

// The deprecated linear array copies are part of the API under test.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

// nvcc 13 -ptx -arch=sm_75 of:
//   resample: out[y*w+x] = tex2D<float>(tex, (x+0.5)*scale, (y+0.5)*scale)
//   surfaceFill: surf2Dwrite(float(y*100+x), surf, x*4, y)
const char *const kTexturePtx = R"(
.version 9.0
.target sm_75
.address_size 64
	// .globl	resample
.visible .entry resample(
	.param .u64 resample_param_0,
	.param .u64 resample_param_1,
	.param .u32 resample_param_2,
	.param .f32 resample_param_3
)
{
	.reg .f32 	%f<12>;
	.reg .b32 	%r<5>;
	.reg .b64 	%rd<6>;
	ld.param.u64 	%rd1, [resample_param_0];
	ld.param.u64 	%rd2, [resample_param_1];
	ld.param.u32 	%r1, [resample_param_2];
	ld.param.f32 	%f1, [resample_param_3];
	cvta.to.global.u64 	%rd3, %rd2;
	mov.u32 	%r2, %tid.x;
	mov.u32 	%r3, %ctaid.x;
	cvt.rn.f32.s32 	%f2, %r2;
	add.f32 	%f3, %f2, 0f3F000000;
	mul.f32 	%f4, %f3, %f1;
	cvt.rn.f32.s32 	%f5, %r3;
	add.f32 	%f6, %f5, 0f3F000000;
	mul.f32 	%f7, %f6, %f1;
	tex.2d.v4.f32.f32 	{%f8, %f9, %f10, %f11}, [%rd1, {%f4, %f7}];
	mad.lo.s32 	%r4, %r3, %r1, %r2;
	mul.wide.s32 	%rd4, %r4, 4;
	add.s64 	%rd5, %rd3, %rd4;
	st.global.f32 	[%rd5], %f8;
	ret;
}
	// .globl	surfaceFill
.visible .entry surfaceFill(
	.param .u64 surfaceFill_param_0
)
{
	.reg .f32 	%f<2>;
	.reg .b32 	%r<6>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [surfaceFill_param_0];
	mov.u32 	%r1, %tid.x;
	mov.u32 	%r2, %ctaid.x;
	mad.lo.s32 	%r3, %r2, 100, %r1;
	cvt.rn.f32.s32 	%f1, %r3;
	shl.b32 	%r4, %r1, 2;
	mov.b32 	%r5, %f1;
	sust.b.2d.b32.trap 	[%rd1, {%r4, %r2}], {%r5};
	ret;
}
)";

// nvcc 13 -ptx -arch=sm_75 of surface kernels filling layered, 3D and
// cubemap arrays with l*100 + y*10 + x, and texture kernels reading them
// back (tex2DLayered, tex3D at texel centres; texCubemap towards each
// face's centre).
const char *const kLayeredPtx = R"(
.version 9.0
.target sm_75
.address_size 64
	// .globl	fillLayers
.visible .entry fillLayers(
	.param .u64 fillLayers_param_0,
	.param .u32 fillLayers_param_1
)
{
	.reg .pred 	%p<6>;
	.reg .f32 	%f<6>;
	.reg .b32 	%r<44>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [fillLayers_param_0];
	ld.param.u32 	%r20, [fillLayers_param_1];
	mov.u32 	%r1, %tid.x;
	mov.u32 	%r2, %ctaid.x;
	setp.lt.s32 	%p1, %r20, 1;
	@%p1 bra 	$L__BB0_7;
	shl.b32 	%r3, %r1, 2;
	and.b32  	%r43, %r20, 3;
	add.s32 	%r22, %r20, -1;
	setp.lt.u32 	%p2, %r22, 3;
	mov.u32 	%r40, 0;
	@%p2 bra 	$L__BB0_4;
	mad.lo.s32 	%r24, %r2, 10, %r1;
	add.s32 	%r38, %r24, 300;
	sub.s32 	%r6, %r43, %r20;
	mov.u32 	%r40, 0;
$L__BB0_3:
	add.s32 	%r25, %r38, -300;
	cvt.rn.f32.s32 	%f1, %r25;
	mov.b32 	%r26, %f1;
	sust.b.a2d.b32.trap 	[%rd1, {%r40, %r3, %r2, %r2}], {%r26};
	add.s32 	%r27, %r38, -200;
	cvt.rn.f32.s32 	%f2, %r27;
	mov.b32 	%r28, %f2;
	add.s32 	%r29, %r40, 1;
	sust.b.a2d.b32.trap 	[%rd1, {%r29, %r3, %r2, %r2}], {%r28};
	add.s32 	%r30, %r38, -100;
	cvt.rn.f32.s32 	%f3, %r30;
	mov.b32 	%r31, %f3;
	add.s32 	%r32, %r40, 2;
	sust.b.a2d.b32.trap 	[%rd1, {%r32, %r3, %r2, %r2}], {%r31};
	cvt.rn.f32.s32 	%f4, %r38;
	mov.b32 	%r33, %f4;
	add.s32 	%r34, %r40, 3;
	sust.b.a2d.b32.trap 	[%rd1, {%r34, %r3, %r2, %r2}], {%r33};
	add.s32 	%r38, %r38, 400;
	add.s32 	%r40, %r40, 4;
	add.s32 	%r35, %r6, %r40;
	setp.ne.s32 	%p3, %r35, 0;
	@%p3 bra 	$L__BB0_3;
$L__BB0_4:
	setp.eq.s32 	%p4, %r43, 0;
	@%p4 bra 	$L__BB0_7;
	mad.lo.s32 	%r36, %r40, 100, %r1;
	mad.lo.s32 	%r41, %r2, 10, %r36;
$L__BB0_6:
	.pragma "nounroll";
	cvt.rn.f32.s32 	%f5, %r41;
	mov.b32 	%r37, %f5;
	sust.b.a2d.b32.trap 	[%rd1, {%r40, %r3, %r2, %r2}], {%r37};
	add.s32 	%r40, %r40, 1;
	add.s32 	%r41, %r41, 100;
	add.s32 	%r43, %r43, -1;
	setp.ne.s32 	%p5, %r43, 0;
	@%p5 bra 	$L__BB0_6;
$L__BB0_7:
	ret;
}
	// .globl	readLayers
.visible .entry readLayers(
	.param .u64 readLayers_param_0,
	.param .u64 readLayers_param_1,
	.param .u32 readLayers_param_2,
	.param .u32 readLayers_param_3,
	.param .u32 readLayers_param_4
)
{
	.reg .pred 	%p<6>;
	.reg .f32 	%f<25>;
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<21>;
	ld.param.u64 	%rd11, [readLayers_param_0];
	ld.param.u64 	%rd12, [readLayers_param_1];
	ld.param.u32 	%r19, [readLayers_param_2];
	ld.param.u32 	%r20, [readLayers_param_3];
	ld.param.u32 	%r21, [readLayers_param_4];
	cvta.to.global.u64 	%rd1, %rd12;
	mov.u32 	%r1, %tid.x;
	mov.u32 	%r2, %ctaid.x;
	setp.lt.s32 	%p1, %r21, 1;
	@%p1 bra 	$L__BB1_7;
	cvt.rn.f32.s32 	%f3, %r1;
	add.f32 	%f1, %f3, 0f3F000000;
	cvt.rn.f32.s32 	%f4, %r2;
	add.f32 	%f2, %f4, 0f3F000000;
	and.b32  	%r39, %r21, 3;
	add.s32 	%r23, %r21, -1;
	setp.lt.u32 	%p2, %r23, 3;
	mov.u32 	%r37, 0;
	@%p2 bra 	$L__BB1_4;
	sub.s32 	%r36, %r21, %r39;
	add.s32 	%r25, %r2, %r20;
	mad.lo.s32 	%r34, %r19, %r25, %r1;
	mul.lo.s32 	%r26, %r20, %r19;
	shl.b32 	%r6, %r26, 2;
	mad.lo.s32 	%r27, %r2, %r19, %r1;
	mul.wide.s32 	%rd13, %r27, 4;
	add.s64 	%rd19, %rd1, %rd13;
	mul.wide.s32 	%rd3, %r6, 4;
	mul.wide.s32 	%rd4, %r26, 4;
	mov.u32 	%r37, 0;
$L__BB1_3:
	tex.a2d.v4.f32.f32 	{%f5, %f6, %f7, %f8}, [%rd11, {%r37, %f1, %f2, %f2}];
	st.global.f32 	[%rd19], %f5;
	add.s32 	%r28, %r37, 1;
	tex.a2d.v4.f32.f32 	{%f9, %f10, %f11, %f12}, [%rd11, {%r28, %f1, %f2, %f2}];
	mul.wide.s32 	%rd14, %r34, 4;
	add.s64 	%rd15, %rd1, %rd14;
	st.global.f32 	[%rd15], %f9;
	add.s32 	%r29, %r37, 2;
	tex.a2d.v4.f32.f32 	{%f13, %f14, %f15, %f16}, [%rd11, {%r29, %f1, %f2, %f2}];
	add.s64 	%rd16, %rd15, %rd4;
	st.global.f32 	[%rd16], %f13;
	add.s32 	%r30, %r37, 3;
	tex.a2d.v4.f32.f32 	{%f17, %f18, %f19, %f20}, [%rd11, {%r30, %f1, %f2, %f2}];
	add.s64 	%rd17, %rd16, %rd4;
	st.global.f32 	[%rd17], %f17;
	add.s32 	%r37, %r37, 4;
	add.s32 	%r34, %r34, %r6;
	add.s64 	%rd19, %rd19, %rd3;
	add.s32 	%r36, %r36, -4;
	setp.ne.s32 	%p3, %r36, 0;
	@%p3 bra 	$L__BB1_3;
$L__BB1_4:
	setp.eq.s32 	%p4, %r39, 0;
	@%p4 bra 	$L__BB1_7;
	mad.lo.s32 	%r31, %r37, %r20, %r2;
	mad.lo.s32 	%r32, %r19, %r31, %r1;
	mul.wide.s32 	%rd18, %r32, 4;
	add.s64 	%rd20, %rd1, %rd18;
	mul.lo.s32 	%r33, %r20, %r19;
	mul.wide.s32 	%rd8, %r33, 4;
$L__BB1_6:
	.pragma "nounroll";
	tex.a2d.v4.f32.f32 	{%f21, %f22, %f23, %f24}, [%rd11, {%r37, %f1, %f2, %f2}];
	st.global.f32 	[%rd20], %f21;
	add.s32 	%r37, %r37, 1;
	add.s64 	%rd20, %rd20, %rd8;
	add.s32 	%r39, %r39, -1;
	setp.ne.s32 	%p5, %r39, 0;
	@%p5 bra 	$L__BB1_6;
$L__BB1_7:
	ret;
}
	// .globl	fillVolume
.visible .entry fillVolume(
	.param .u64 fillVolume_param_0
)
{
	.reg .f32 	%f<2>;
	.reg .b32 	%r<8>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [fillVolume_param_0];
	mov.u32 	%r1, %tid.x;
	mov.u32 	%r2, %ctaid.x;
	mov.u32 	%r3, %ctaid.y;
	mad.lo.s32 	%r4, %r2, 10, %r1;
	mad.lo.s32 	%r5, %r3, 100, %r4;
	cvt.rn.f32.s32 	%f1, %r5;
	shl.b32 	%r6, %r1, 2;
	mov.b32 	%r7, %f1;
	sust.b.3d.b32.trap 	[%rd1, {%r6, %r2, %r3, %r3}], {%r7};
	ret;
}
	// .globl	readVolume
.visible .entry readVolume(
	.param .u64 readVolume_param_0,
	.param .u64 readVolume_param_1,
	.param .u32 readVolume_param_2,
	.param .u32 readVolume_param_3
)
{
	.reg .f32 	%f<11>;
	.reg .b32 	%r<8>;
	.reg .b64 	%rd<6>;
	ld.param.u64 	%rd1, [readVolume_param_0];
	ld.param.u64 	%rd2, [readVolume_param_1];
	ld.param.u32 	%r1, [readVolume_param_2];
	ld.param.u32 	%r2, [readVolume_param_3];
	cvta.to.global.u64 	%rd3, %rd2;
	mov.u32 	%r3, %tid.x;
	mov.u32 	%r4, %ctaid.x;
	mov.u32 	%r5, %ctaid.y;
	cvt.rn.f32.s32 	%f1, %r3;
	add.f32 	%f2, %f1, 0f3F000000;
	cvt.rn.f32.s32 	%f3, %r4;
	add.f32 	%f4, %f3, 0f3F000000;
	cvt.rn.f32.s32 	%f5, %r5;
	add.f32 	%f6, %f5, 0f3F000000;
	tex.3d.v4.f32.f32 	{%f7, %f8, %f9, %f10}, [%rd1, {%f2, %f4, %f6, %f6}];
	mad.lo.s32 	%r6, %r5, %r2, %r4;
	mad.lo.s32 	%r7, %r6, %r1, %r3;
	mul.wide.s32 	%rd4, %r7, 4;
	add.s64 	%rd5, %rd3, %rd4;
	st.global.f32 	[%rd5], %f7;
	ret;
}
	// .globl	readCube
.visible .entry readCube(
	.param .u64 readCube_param_0,
	.param .u64 readCube_param_1
)
{
	.local .align 8 .b8 	__local_depot4[72];
	.reg .b64 	%SP;
	.reg .b64 	%SPL;
	.reg .f32 	%f<11>;
	.reg .b32 	%r<2>;
	.reg .b64 	%rd<10>;
	mov.u64 	%SPL, __local_depot4;
	ld.param.u64 	%rd1, [readCube_param_0];
	ld.param.u64 	%rd2, [readCube_param_1];
	cvta.to.global.u64 	%rd3, %rd2;
	add.u64 	%rd5, %SPL, 0;
	mov.f32 	%f1, 0f3F800000;
	mov.f32 	%f2, 0f00000000;
	st.local.v2.f32 	[%rd5], {%f1, %f2};
	mov.f32 	%f3, 0fBF800000;
	st.local.v2.f32 	[%rd5+8], {%f2, %f3};
	st.local.v2.f32 	[%rd5+16], {%f2, %f2};
	st.local.v2.f32 	[%rd5+24], {%f2, %f1};
	st.local.v2.f32 	[%rd5+32], {%f2, %f2};
	st.local.v2.f32 	[%rd5+40], {%f3, %f2};
	st.local.v2.f32 	[%rd5+48], {%f2, %f2};
	st.local.v2.f32 	[%rd5+56], {%f1, %f2};
	st.local.v2.f32 	[%rd5+64], {%f2, %f3};
	mov.u32 	%r1, %tid.x;
	mul.wide.s32 	%rd6, %r1, 12;
	add.s64 	%rd7, %rd5, %rd6;
	ld.local.f32 	%f4, [%rd7];
	ld.local.f32 	%f5, [%rd7+4];
	ld.local.f32 	%f6, [%rd7+8];
	tex.cube.v4.f32.f32 	{%f7, %f8, %f9, %f10}, [%rd1, {%f4, %f5, %f6, %f6}];
	mul.wide.s32 	%rd8, %r1, 4;
	add.s64 	%rd9, %rd3, %rd8;
	st.global.f32 	[%rd9], %f7;
	ret;
}
)";

cudaChannelFormatDesc floatFormat() {
  return cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat);
}

cudaArray_t floatArray(size_t width, size_t height, unsigned flags = 0) {
  cudaChannelFormatDesc format = floatFormat();
  cudaArray_t array = nullptr;
  EXPECT_EQ(cudaMallocArray(&array, &format, width, height, flags), cudaSuccess);
  return array;
}

cudaResourceDesc arrayResource(cudaArray_t array) {
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  return resource;
}

// --- Arrays -----------------------------------------------------------------

TEST(ArrayApi, ChannelDescriptorsRoundTrip) {
  cudaChannelFormatDesc made = cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
  EXPECT_EQ(made.x, 8);
  EXPECT_EQ(made.w, 8);
  EXPECT_EQ(made.f, cudaChannelFormatKindUnsigned);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &made, 16, 4), cudaSuccess);
  cudaChannelFormatDesc got{};
  ASSERT_EQ(cudaGetChannelDesc(&got, array), cudaSuccess);
  EXPECT_EQ(std::memcmp(&got, &made, sizeof got), 0);
  EXPECT_EQ(cudaGetChannelDesc(nullptr, array), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaGetChannelDesc(&got, array), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST(ArrayApi, MallocArrayChecksFormatAndExtent) {
  cudaChannelFormatDesc format = floatFormat();
  cudaArray_t array = nullptr;
  EXPECT_EQ(cudaMallocArray(nullptr, &format, 4, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, nullptr, 4, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &format, 0, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &format, 4, 4, cudaArrayLayered), cudaErrorInvalidValue);
  cudaChannelFormatDesc threeChannels =
      cudaCreateChannelDesc(32, 32, 32, 0, cudaChannelFormatKindFloat);
  EXPECT_EQ(cudaMallocArray(&array, &threeChannels, 4, 4), cudaErrorInvalidChannelDescriptor);
  cudaChannelFormatDesc mixed = cudaCreateChannelDesc(8, 16, 0, 0, cudaChannelFormatKindSigned);
  EXPECT_EQ(cudaMallocArray(&array, &mixed, 4, 4), cudaErrorInvalidChannelDescriptor);
  cudaChannelFormatDesc eightBitFloat = cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindFloat);
  EXPECT_EQ(cudaMallocArray(&array, &eightBitFloat, 4, 4), cudaErrorInvalidChannelDescriptor);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidChannelDescriptor);
  // 1D (height 0) and 2D arrays, half floats.
  cudaChannelFormatDesc half = cudaCreateChannelDesc(16, 16, 0, 0, cudaChannelFormatKindFloat);
  ASSERT_EQ(cudaMallocArray(&array, &half, 100, 0), cudaSuccess);
  EXPECT_NE(array, nullptr);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(nullptr), cudaSuccess);
}

TEST(ArrayApi, Malloc3DArrayFollowsCudasExtentRules) {
  cudaChannelFormatDesc format = floatFormat();
  cudaArray_t array = nullptr;
  // Cubemaps: square faces, six of them (or 6n layered).
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 4, 6), cudaArrayCubemap),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 5), cudaArrayCubemap),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 12), cudaArrayCubemap),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 12),
                              cudaArrayCubemap | cudaArrayLayered),
            cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  // Layered arrays need layers; 3D arrays need a height.
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 0), cudaArrayLayered),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 0, 4), 0),
            cudaErrorInvalidValue);
  // Gather is for 2D arrays; sparse arrays are not supported.
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 8), cudaArrayTextureGather),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 8), cudaArraySparse),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 8), 0x1000),
            cudaErrorInvalidValue);
  // Past the device's limits (and far from overflowing a size_t).
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(size_t(1) << 40, 1 << 20, 1 << 20), 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(16385, 2, 2), 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &format, 131073, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 8, 2049), cudaArrayLayered),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(8, 0, 3), cudaArrayLayered),
            cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, GetInfoReturnsWhatWasAllocated) {
  cudaChannelFormatDesc format = cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindSigned);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&array, &format, make_cudaExtent(5, 6, 7),
                              cudaArraySurfaceLoadStore),
            cudaSuccess);
  cudaChannelFormatDesc got{};
  cudaExtent extent{};
  unsigned flags = 99;
  ASSERT_EQ(cudaArrayGetInfo(&got, &extent, &flags, array), cudaSuccess);
  EXPECT_EQ(got.y, 16);
  EXPECT_EQ(got.f, cudaChannelFormatKindSigned);
  EXPECT_EQ(extent.width, 5u);
  EXPECT_EQ(extent.height, 6u);
  EXPECT_EQ(extent.depth, 7u);
  EXPECT_EQ(flags, unsigned(cudaArraySurfaceLoadStore));
  EXPECT_EQ(cudaArrayGetInfo(&got, &extent, &flags, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, FreedArraysAreUnknownHandles) {
  cudaArray_t array = floatArray(8, 8);
  ASSERT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaErrorInvalidValue);
  std::vector<float> host(64);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, host.data(), 32, 32, 8, cudaMemcpyHostToDevice),
            cudaErrorInvalidResourceHandle);
  cudaExtent extent;
  EXPECT_EQ(cudaArrayGetInfo(nullptr, &extent, nullptr, array), cudaErrorInvalidValue);
  auto *madeUp = reinterpret_cast<cudaArray_t>(host.data());
  EXPECT_EQ(cudaFreeArray(madeUp), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST(ArrayApi, PlanesAndSparsePropertiesAreRefusedAsDocumented) {
  cudaArray_t array = floatArray(8, 8);
  cudaArray_t plane = nullptr;
  EXPECT_EQ(cudaArrayGetPlane(&plane, array, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaArrayGetPlane(nullptr, array, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaArrayGetPlane(&plane, nullptr, 0), cudaErrorInvalidResourceHandle);
  cudaArraySparseProperties sparse{};
  EXPECT_EQ(cudaArrayGetSparseProperties(&sparse, array), cudaErrorInvalidValue);
  EXPECT_EQ(cudaArrayGetSparseProperties(nullptr, array), cudaErrorInvalidValue);
  cudaMipmappedArray_t mipmap = nullptr;
  cudaChannelFormatDesc format = floatFormat();
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(8, 8, 0), 2, 0),
            cudaSuccess);
  EXPECT_EQ(cudaMipmappedArrayGetSparseProperties(&sparse, mipmap), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmap), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, MemoryRequirementsCoverTheTexels) {
  cudaArray_t array = floatArray(100, 3);
  cudaArrayMemoryRequirements requirements{};
  ASSERT_EQ(cudaArrayGetMemoryRequirements(&requirements, array, 0), cudaSuccess);
  EXPECT_GE(requirements.size, 100u * 3u * 4u);
  EXPECT_GT(requirements.alignment, 0u);
  EXPECT_EQ(requirements.size % requirements.alignment, 0u);
  EXPECT_EQ(cudaArrayGetMemoryRequirements(nullptr, array, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaArrayGetMemoryRequirements(&requirements, array, 99), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, MipmappedArrayLevelsHalveEachTime) {
  cudaChannelFormatDesc format = floatFormat();
  cudaMipmappedArray_t mipmap = nullptr;
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(16, 4, 0), 6, 0),
            cudaErrorInvalidValue) << "16 wide has 5 levels";
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(16, 4, 0), 0, 0),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(16, 4, 0), 5, 0),
            cudaSuccess);
  size_t widths[5] = {16, 8, 4, 2, 1}, heights[5] = {4, 2, 1, 1, 1};
  for (unsigned level = 0; level < 5; ++level) {
    cudaArray_t array = nullptr;
    ASSERT_EQ(cudaGetMipmappedArrayLevel(&array, mipmap, level), cudaSuccess);
    cudaExtent extent{};
    ASSERT_EQ(cudaArrayGetInfo(nullptr, &extent, nullptr, array), cudaSuccess);
    EXPECT_EQ(extent.width, widths[level]) << level;
    EXPECT_EQ(extent.height, heights[level]) << level;
    if (level == 0) {
      EXPECT_EQ(cudaFreeArray(array), cudaErrorInvalidValue) << "levels belong to the mipmap";
    }
  }
  cudaArray_t array = nullptr;
  EXPECT_EQ(cudaGetMipmappedArrayLevel(&array, mipmap, 5), cudaErrorInvalidValue);
  cudaArrayMemoryRequirements requirements{};
  ASSERT_EQ(cudaMipmappedArrayGetMemoryRequirements(&requirements, mipmap, 0), cudaSuccess);
  EXPECT_GE(requirements.size, (16u * 4 + 8 * 2 + 4 + 2 + 1) * 4);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmap), cudaSuccess);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmap), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetMipmappedArrayLevel(&array, mipmap, 0), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST(ArrayApi, Copy2DRoundTripsThroughAnArray) {
  const size_t w = 7, h = 5, pitch = 12 * sizeof(float);
  std::vector<float> host(12 * h, -1.0f);
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      host[y * 12 + x] = float(y * 10 + x);
  cudaArray_t array = floatArray(w, h);
  ASSERT_EQ(cudaMemcpy2DToArray(array, 0, 0, host.data(), pitch, w * 4, h,
                                cudaMemcpyHostToDevice),
            cudaSuccess);
  std::vector<float> back(w * h, 0.0f);
  ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), w * 4, array, 0, 0, w * 4, h,
                                  cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      EXPECT_EQ(back[y * w + x], float(y * 10 + x));
  // A window at an offset, through device memory and a stream.
  float *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 3 * 2 * sizeof(float)), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArrayAsync(device, 3 * 4, array, 2 * 4, 1, 3 * 4, 2,
                                       cudaMemcpyDeviceToDevice, stream),
            cudaSuccess);
  std::vector<float> window(6);
  ASSERT_EQ(cudaMemcpyAsync(window.data(), device, 24, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(window, (std::vector<float>{12, 13, 14, 22, 23, 24}));
  ASSERT_EQ(cudaMemcpy2DToArrayAsync(array, 0, 4, device, 3 * 4, 3 * 4, 1, cudaMemcpyDefault,
                                     stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), w * 4, array, 0, 0, w * 4, h, cudaMemcpyDefault),
            cudaSuccess);
  EXPECT_EQ(back[4 * w + 0], 12.0f);
  EXPECT_EQ(back[4 * w + 2], 14.0f);
  EXPECT_EQ(back[4 * w + 3], 43.0f);

  // Errors: outside the array, width past the pitch, wrong directions.
  EXPECT_EQ(cudaMemcpy2DToArray(array, 4, 0, host.data(), pitch, w * 4, 1,
                                cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 1, host.data(), pitch, 4, h, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, host.data(), 8, 16, 2, cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, host.data(), pitch, 4, 1, cudaMemcpyDeviceToHost),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy2DFromArray(back.data(), w * 4, array, 0, 0, 4, 1,
                                  cudaMemcpyHostToDevice),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, nullptr, pitch, 4, 1, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DFromArray(device, 64, array, 0, 0, 4 * 4, 2, cudaMemcpyDeviceToDevice),
            cudaErrorInvalidValue) << "past the end of the device allocation";
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  ASSERT_EQ(cudaFree(device), cudaSuccess);
  ASSERT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, ArrayToArrayCopiesMoveRegions) {
  cudaArray_t a = floatArray(4, 4), b = floatArray(4, 4);
  std::vector<float> host(16);
  for (int k = 0; k < 16; ++k)
    host[size_t(k)] = float(k);
  ASSERT_EQ(cudaMemcpy2DToArray(a, 0, 0, host.data(), 16, 16, 4, cudaMemcpyHostToDevice),
            cudaSuccess);
  std::vector<float> zero(16, 0.0f);
  ASSERT_EQ(cudaMemcpy2DToArray(b, 0, 0, zero.data(), 16, 16, 4, cudaMemcpyHostToDevice),
            cudaSuccess);
  // The 2x2 block at (1, 1) of a to (0, 2) of b.
  ASSERT_EQ(cudaMemcpy2DArrayToArray(b, 0, 2, a, 4, 1, 8, 2, cudaMemcpyDeviceToDevice),
            cudaSuccess);
  std::vector<float> back(16);
  ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), 16, b, 0, 0, 16, 4, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, (std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 0, 0, 9, 10, 0, 0}));
  EXPECT_EQ(cudaMemcpy2DArrayToArray(b, 0, 0, a, 0, 0, 16, 4, cudaMemcpyHostToDevice),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy2DArrayToArray(b, 4, 0, a, 0, 0, 16, 1, cudaMemcpyDefault),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DArrayToArray_ptds(b, 0, 0, a, 0, 0, 16, 4, cudaMemcpyDefault),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), 16, b, 0, 0, 16, 4, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host);
  ASSERT_EQ(cudaFreeArray(a), cudaSuccess);
  ASSERT_EQ(cudaFreeArray(b), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, DeprecatedLinearCopiesRunThroughRows) {
  cudaArray_t a = floatArray(4, 3), b = floatArray(4, 3);
  std::vector<float> host(12);
  for (int k = 0; k < 12; ++k)
    host[size_t(k)] = float(k + 1);
  ASSERT_EQ(cudaMemcpyToArray(a, 0, 0, host.data(), 48, cudaMemcpyHostToDevice), cudaSuccess);
  // From the middle of row 1, on into row 2.
  std::vector<float> part(4);
  ASSERT_EQ(cudaMemcpyFromArray(part.data(), a, 8, 1, 16, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(part, (std::vector<float>{7, 8, 9, 10}));
  ASSERT_EQ(cudaMemcpyArrayToArray(b, 0, 0, a, 0, 0, 48, cudaMemcpyDeviceToDevice),
            cudaSuccess);
  std::vector<float> back(12);
  ASSERT_EQ(cudaMemcpyFromArrayAsync(back.data(), b, 0, 0, 48, cudaMemcpyDeviceToHost, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(back, host);
  ASSERT_EQ(cudaMemcpyToArrayAsync(b, 4, 2, host.data(), 8, cudaMemcpyHostToDevice, 0),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyFromArray(back.data(), b, 0, 0, 48, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(back[9], 1.0f);
  EXPECT_EQ(back[10], 2.0f);
  EXPECT_EQ(cudaMemcpyToArray(a, 8, 2, host.data(), 16, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue) << "runs past the last row";
  ASSERT_EQ(cudaFreeArray(a), cudaSuccess);
  ASSERT_EQ(cudaFreeArray(b), cudaSuccess);
  cudaGetLastError();
}

TEST(ArrayApi, PerThreadVariantsUseThePerThreadStream) {
  cudaArray_t a = floatArray(2, 2), b = floatArray(2, 2);
  std::vector<float> host{1, 2, 3, 4}, back(4);
  ASSERT_EQ(cudaMemcpy2DToArray_ptds(a, 0, 0, host.data(), 8, 8, 2, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DArrayToArray_ptds(b, 0, 0, a, 0, 0, 8, 2, cudaMemcpyDeviceToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArray_ptds(back.data(), 8, b, 0, 0, 8, 2, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host);
  ASSERT_EQ(cudaMemcpy2DToArrayAsync_ptsz(a, 0, 0, back.data(), 8, 8, 1,
                                          cudaMemcpyHostToDevice, 0),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArrayAsync_ptsz(back.data(), 8, a, 0, 0, 8, 2,
                                            cudaMemcpyDeviceToHost, 0),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyToArray_ptds(a, 0, 0, host.data(), 16, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyToArrayAsync_ptsz(a, 0, 0, host.data(), 16, cudaMemcpyHostToDevice, 0),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyArrayToArray_ptds(b, 0, 0, a, 0, 0, 16, cudaMemcpyDeviceToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyFromArrayAsync_ptsz(back.data(), b, 0, 0, 16, cudaMemcpyDeviceToHost, 0),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  std::vector<float> viaPtds(4);
  ASSERT_EQ(cudaMemcpyFromArray_ptds(viaPtds.data(), b, 0, 0, 16, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host);
  EXPECT_EQ(viaPtds, host);
  ASSERT_EQ(cudaFreeArray(a), cudaSuccess);
  ASSERT_EQ(cudaFreeArray(b), cudaSuccess);
}

// --- Texture objects ------------------------------------------------------------

TEST(TextureObjectApi, KernelSamplesAnArrayWithLinearFiltering) {
  RegisteredPtx program(kTexturePtx, {"resample", "surfaceFill"});
  const int w = 4, h = 4;
  std::vector<float> texels(w * h);
  for (int k = 0; k < w * h; ++k)
    texels[size_t(k)] = float(k % w) + 10.0f * float(k / w);
  cudaArray_t array = floatArray(w, h);
  ASSERT_EQ(cudaMemcpy2DToArray(array, 0, 0, texels.data(), w * 4, w * 4, h,
                                cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaResourceDesc resource = arrayResource(array);
  cudaTextureDesc desc{};
  desc.addressMode[0] = desc.addressMode[1] = cudaAddressModeClamp;
  desc.filterMode = cudaFilterModeLinear;
  desc.readMode = cudaReadModeElementType;
  cudaTextureObject_t tex = 0;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, nullptr), cudaSuccess);
  EXPECT_NE(tex, 0u);
  // Upscale 2x: an 8x8 output samples at (x + 0.5) / 2.
  float *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 64 * sizeof(float)), cudaSuccess);
  int outWidth = 8;
  float scale = 0.5f;
  void *args[] = {&tex, &out, &outWidth, &scale};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(8), dim3(8), args, 0, nullptr), cudaSuccess);
  std::vector<float> got(64);
  ASSERT_EQ(cudaMemcpy(got.data(), out, 64 * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
  auto texel = [&](int x, int y) {
    x = std::min(std::max(x, 0), w - 1);
    y = std::min(std::max(y, 0), h - 1);
    return texels[size_t(y * w + x)];
  };
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      float u = (x + 0.5f) * 0.5f - 0.5f, v = (y + 0.5f) * 0.5f - 0.5f;
      int i = int(std::floor(u)), j = int(std::floor(v));
      float a = u - float(i), b = v - float(j);
      float expected = (1 - a) * (1 - b) * texel(i, j) + a * (1 - b) * texel(i + 1, j) +
                       (1 - a) * b * texel(i, j + 1) + a * b * texel(i + 1, j + 1);
      EXPECT_NEAR(got[size_t(y * 8 + x)], expected, 1e-5f) << x << "," << y;
    }
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(TextureObjectApi, BadDescriptorsAreRefused) {
  cudaArray_t array = floatArray(4, 4);
  cudaResourceDesc resource = arrayResource(array);
  cudaTextureDesc desc{};
  cudaTextureObject_t tex = 0;
  EXPECT_EQ(cudaCreateTextureObject(nullptr, &resource, &desc, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaCreateTextureObject(&tex, nullptr, &desc, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, nullptr, nullptr), cudaErrorInvalidValue);
  cudaTextureDesc badMode = desc;
  badMode.addressMode[1] = cudaTextureAddressMode(7);
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &badMode, nullptr), cudaErrorInvalidValue);
  cudaResourceDesc unknown = arrayResource(reinterpret_cast<cudaArray_t>(&desc));
  EXPECT_EQ(cudaCreateTextureObject(&tex, &unknown, &desc, nullptr),
            cudaErrorInvalidResourceHandle);
  cudaResourceDesc flagged = resource;
  flagged.flags = 1; // must be 0
  EXPECT_EQ(cudaCreateTextureObject(&tex, &flagged, &desc, nullptr), cudaErrorInvalidValue);
  cudaResourceDesc badType = resource;
  badType.resType = cudaResourceType(9);
  EXPECT_EQ(cudaCreateTextureObject(&tex, &badType, &desc, nullptr), cudaErrorInvalidValue);

  // Linear filtering of integer elements needs normalized float reads.
  cudaChannelFormatDesc bytes = cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
  cudaArray_t byteArray = nullptr;
  ASSERT_EQ(cudaMallocArray(&byteArray, &bytes, 4, 4), cudaSuccess);
  cudaResourceDesc byteResource = arrayResource(byteArray);
  cudaTextureDesc linear{};
  linear.filterMode = cudaFilterModeLinear;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &byteResource, &linear, nullptr),
            cudaErrorInvalidValue);
  linear.readMode = cudaReadModeNormalizedFloat;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &byteResource, &linear, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);

  // Linear memory: device memory the runtime gave out, aligned, in range.
  float *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 1024), cudaSuccess);
  cudaResourceDesc linearResource{};
  linearResource.resType = cudaResourceTypeLinear;
  linearResource.res.linear.devPtr = device;
  linearResource.res.linear.desc = floatFormat();
  linearResource.res.linear.sizeInBytes = 1024;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &linearResource, &desc, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  linearResource.res.linear.sizeInBytes = 2048;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &linearResource, &desc, nullptr), cudaErrorInvalidValue);
  linearResource.res.linear.sizeInBytes = 512;
  linearResource.res.linear.devPtr = device + 1;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &linearResource, &desc, nullptr), cudaErrorInvalidValue);
  std::vector<float> host(256);
  linearResource.res.linear.devPtr = host.data();
  EXPECT_EQ(cudaCreateTextureObject(&tex, &linearResource, &desc, nullptr), cudaErrorInvalidValue);
  // Pitched 2D: the pitch is a multiple of 32 and holds a row.
  cudaResourceDesc pitched{};
  pitched.resType = cudaResourceTypePitch2D;
  pitched.res.pitch2D.devPtr = device;
  pitched.res.pitch2D.desc = floatFormat();
  pitched.res.pitch2D.width = 8;
  pitched.res.pitch2D.height = 4;
  pitched.res.pitch2D.pitchInBytes = 64;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &pitched, &desc, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  pitched.res.pitch2D.pitchInBytes = 48;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &pitched, &desc, nullptr), cudaErrorInvalidValue);
  pitched.res.pitch2D.pitchInBytes = 32;
  pitched.res.pitch2D.width = 12; // 48 bytes do not fit a 32-byte row
  EXPECT_EQ(cudaCreateTextureObject(&tex, &pitched, &desc, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(byteArray), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(TextureObjectApi, DescriptorsComeBack) {
  cudaMipmappedArray_t mipmap = nullptr;
  cudaChannelFormatDesc format = floatFormat();
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(8, 8, 0), 3, 0),
            cudaSuccess);
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeMipmappedArray;
  resource.res.mipmap.mipmap = mipmap;
  cudaTextureDesc desc{};
  desc.addressMode[0] = cudaAddressModeWrap;
  desc.addressMode[1] = cudaAddressModeMirror;
  desc.filterMode = cudaFilterModeLinear;
  desc.normalizedCoords = 1;
  desc.borderColor[2] = 0.25f;
  desc.maxMipmapLevelClamp = 2.0f;
  cudaResourceViewDesc view{};
  view.format = cudaResViewFormatFloat1;
  view.width = 8;
  view.height = 8;
  view.lastMipmapLevel = 2;
  cudaTextureObject_t tex = 0;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &view), cudaSuccess);
  cudaResourceDesc gotResource{};
  ASSERT_EQ(cudaGetTextureObjectResourceDesc(&gotResource, tex), cudaSuccess);
  EXPECT_EQ(gotResource.resType, cudaResourceTypeMipmappedArray);
  EXPECT_EQ(gotResource.res.mipmap.mipmap, mipmap);
  cudaTextureDesc gotDesc{};
  ASSERT_EQ(cudaGetTextureObjectTextureDesc(&gotDesc, tex), cudaSuccess);
  EXPECT_EQ(gotDesc.addressMode[1], cudaAddressModeMirror);
  EXPECT_EQ(gotDesc.normalizedCoords, 1);
  EXPECT_EQ(gotDesc.borderColor[2], 0.25f);
  EXPECT_EQ(gotDesc.maxMipmapLevelClamp, 2.0f);
  cudaResourceViewDesc gotView{};
  ASSERT_EQ(cudaGetTextureObjectResourceViewDesc(&gotView, tex), cudaSuccess);
  EXPECT_EQ(gotView.format, cudaResViewFormatFloat1);
  EXPECT_EQ(gotView.lastMipmapLevel, 2u);
  EXPECT_EQ(cudaGetTextureObjectResourceDesc(nullptr, tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetTextureObjectTextureDesc(nullptr, tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetTextureObjectResourceViewDesc(nullptr, tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmap), cudaSuccess);
  cudaGetLastError();
}

TEST(TextureObjectApi, DestroyedObjectsAreUnknown) {
  cudaArray_t array = floatArray(4, 4, cudaArraySurfaceLoadStore);
  cudaResourceDesc resource = arrayResource(array);
  cudaTextureDesc desc{};
  cudaTextureObject_t tex = 0;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaErrorInvalidValue);
  cudaResourceDesc got{};
  EXPECT_EQ(cudaGetTextureObjectResourceDesc(&got, tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetTextureObjectTextureDesc(&desc, tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(0x1234), cudaErrorInvalidValue);
  // A surface handle is not a texture handle, and the other way round.
  cudaSurfaceObject_t surf = 0;
  ASSERT_EQ(cudaCreateSurfaceObject(&surf, &resource), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(surf), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(TextureObjectApi, LayeredVolumeAndCubemapArraysKeepTheirShape) {
  RegisteredPtx program(kLayeredPtx,
                        {"fillLayers", "readLayers", "fillVolume", "readVolume", "readCube"});
  cudaChannelFormatDesc format = floatFormat();
  cudaTextureDesc point{};
  auto objects = [&](cudaArray_t array, cudaSurfaceObject_t *surf, cudaTextureObject_t *tex) {
    cudaResourceDesc resource = arrayResource(array);
    ASSERT_EQ(cudaCreateSurfaceObject(surf, &resource), cudaSuccess);
    ASSERT_EQ(cudaCreateTextureObject(tex, &resource, &point, nullptr), cudaSuccess);
  };
  float *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 4096), cudaSuccess);
  std::vector<float> got(1024);

  // 2D layered: 5x3, 4 layers.
  int w = 5, h = 3, layers = 4;
  cudaArray_t layered = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&layered, &format, make_cudaExtent(w, h, layers),
                              cudaArrayLayered | cudaArraySurfaceLoadStore),
            cudaSuccess);
  cudaSurfaceObject_t surf = 0;
  cudaTextureObject_t tex = 0;
  objects(layered, &surf, &tex);
  void *fill[] = {&surf, &layers};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(h), dim3(w), fill, 0, nullptr), cudaSuccess);
  void *read[] = {&tex, &out, &w, &h, &layers};
  ASSERT_EQ(cudaLaunchKernel(program.stub(1), dim3(h), dim3(w), read, 0, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(got.data(), out, w * h * layers * 4, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int l = 0; l < layers; ++l)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        EXPECT_EQ(got[size_t((l * h + y) * w + x)], float(l * 100 + y * 10 + x));
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);

  // 3D: 4x3x2.
  w = 4;
  int d = 2;
  cudaArray_t volume = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&volume, &format, make_cudaExtent(w, h, d),
                              cudaArraySurfaceLoadStore),
            cudaSuccess);
  objects(volume, &surf, &tex);
  void *fillV[] = {&surf};
  ASSERT_EQ(cudaLaunchKernel(program.stub(2), dim3(h, d), dim3(w), fillV, 0, nullptr),
            cudaSuccess);
  void *readV[] = {&tex, &out, &w, &h};
  ASSERT_EQ(cudaLaunchKernel(program.stub(3), dim3(h, d), dim3(w), readV, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(got.data(), out, w * h * d * 4, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int z = 0; z < d; ++z)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        EXPECT_EQ(got[size_t((z * h + y) * w + x)], float(z * 100 + y * 10 + x));
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);

  // Cubemap 2x2: faces are layers to a surface; a face's centre direction
  // reads texel (1, 1) of that face.
  cudaArray_t cube = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&cube, &format, make_cudaExtent(2, 2, 6),
                              cudaArrayCubemap | cudaArraySurfaceLoadStore),
            cudaSuccess);
  objects(cube, &surf, &tex);
  int faces = 6;
  void *fillC[] = {&surf, &faces};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(2), dim3(2), fillC, 0, nullptr), cudaSuccess);
  void *readC[] = {&tex, &out};
  ASSERT_EQ(cudaLaunchKernel(program.stub(4), dim3(1), dim3(6), readC, 0, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(got.data(), out, 6 * 4, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int face = 0; face < 6; ++face)
    EXPECT_EQ(got[size_t(face)], float(face * 100 + 11)) << face;
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);

  EXPECT_EQ(cudaFreeArray(cube), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(volume), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(layered), cudaSuccess);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
}

TEST(TextureObjectApi, ResourceViewsReinterpretAndNarrow) {
  RegisteredPtx program(kTexturePtx, {"resample", "surfaceFill"});
  RegisteredPtx layeredProgram(kLayeredPtx, {"fillLayers", "readLayers"});
  // A uint32 array read as uchar4 normalized floats: .x is the low byte.
  cudaChannelFormatDesc words = cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindUnsigned);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &words, 4, 1), cudaSuccess);
  std::vector<uint32_t> host = {0x04030201u, 0x000000ffu, 0x11223380u, 0u};
  ASSERT_EQ(cudaMemcpy2DToArray(array, 0, 0, host.data(), 16, 16, 1, cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaResourceDesc resource = arrayResource(array);
  cudaTextureDesc desc{};
  desc.readMode = cudaReadModeNormalizedFloat;
  cudaResourceViewDesc view{};
  view.format = cudaResViewFormatUnsignedChar4;
  view.width = 4;
  cudaTextureObject_t tex = 0;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &view), cudaSuccess);
  float *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 4096), cudaSuccess);
  int width = 4;
  float scale = 1.0f;
  void *args[] = {&tex, &out, &width, &scale};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(4), args, 0, nullptr), cudaSuccess);
  std::vector<float> got(16);
  ASSERT_EQ(cudaMemcpy(got.data(), out, 16, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_FLOAT_EQ(got[0], 1.0f / 255);
  EXPECT_FLOAT_EQ(got[1], 1.0f);
  EXPECT_FLOAT_EQ(got[2], 128.0f / 255);
  EXPECT_FLOAT_EQ(got[3], 0.0f);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  // Views that do not fit.
  cudaResourceViewDesc bad = view;
  bad.format = cudaResViewFormatFloat2;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &bad), cudaErrorInvalidValue);
  bad = view;
  bad.width = 5;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &bad), cudaErrorInvalidValue);
  bad = view;
  bad.lastLayer = 1;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &bad), cudaErrorInvalidValue);
  bad = view;
  bad.lastMipmapLevel = 1;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, &bad), cudaErrorInvalidValue);
  cudaTextureDesc linearInts{};
  linearInts.filterMode = cudaFilterModeLinear;
  view.format = cudaResViewFormatUnsignedInt1;
  EXPECT_EQ(cudaCreateTextureObject(&tex, &resource, &linearInts, &view), cudaErrorInvalidValue)
      << "the view's integers cannot be filtered";

  // Layers 2 and 3 of a four-layer array seen as layers 0 and 1.
  int w = 3, h = 2, layers = 4;
  cudaArray_t layered = nullptr;
  cudaChannelFormatDesc format = floatFormat();
  ASSERT_EQ(cudaMalloc3DArray(&layered, &format, make_cudaExtent(w, h, layers),
                              cudaArrayLayered | cudaArraySurfaceLoadStore),
            cudaSuccess);
  cudaResourceDesc layeredResource = arrayResource(layered);
  cudaSurfaceObject_t surf = 0;
  ASSERT_EQ(cudaCreateSurfaceObject(&surf, &layeredResource), cudaSuccess);
  void *fill[] = {&surf, &layers};
  ASSERT_EQ(cudaLaunchKernel(layeredProgram.stub(0), dim3(h), dim3(w), fill, 0, nullptr),
            cudaSuccess);
  cudaResourceViewDesc upper{};
  upper.firstLayer = 2;
  upper.lastLayer = 3;
  cudaTextureDesc point{};
  ASSERT_EQ(cudaCreateTextureObject(&tex, &layeredResource, &point, &upper), cudaSuccess);
  int viewLayers = 2;
  void *read[] = {&tex, &out, &w, &h, &viewLayers};
  ASSERT_EQ(cudaLaunchKernel(layeredProgram.stub(1), dim3(h), dim3(w), read, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(got.data(), out, w * h * 2 * 4, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int l = 0; l < 2; ++l)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        EXPECT_EQ(got[size_t((l * h + y) * w + x)], float((l + 2) * 100 + y * 10 + x));
  upper.lastLayer = 4;
  cudaTextureObject_t rejected = 0;
  EXPECT_EQ(cudaCreateTextureObject(&rejected, &layeredResource, &point, &upper),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaSuccess);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(layered), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
  cudaGetLastError();
}

// --- Surface objects ---------------------------------------------------------------

TEST(SurfaceObjectApi, NeedsASurfaceLoadStoreArray) {
  cudaArray_t plain = floatArray(4, 4);
  cudaResourceDesc resource = arrayResource(plain);
  cudaSurfaceObject_t surf = 0;
  EXPECT_EQ(cudaCreateSurfaceObject(&surf, &resource), cudaErrorInvalidValue);
  EXPECT_EQ(cudaCreateSurfaceObject(nullptr, &resource), cudaErrorInvalidValue);
  EXPECT_EQ(cudaCreateSurfaceObject(&surf, nullptr), cudaErrorInvalidValue);
  cudaResourceDesc linear{};
  linear.resType = cudaResourceTypeLinear;
  EXPECT_EQ(cudaCreateSurfaceObject(&surf, &linear), cudaErrorInvalidValue);
  cudaArray_t array = floatArray(4, 4, cudaArraySurfaceLoadStore);
  resource = arrayResource(array);
  ASSERT_EQ(cudaCreateSurfaceObject(&surf, &resource), cudaSuccess);
  cudaResourceDesc got{};
  ASSERT_EQ(cudaGetSurfaceObjectResourceDesc(&got, surf), cudaSuccess);
  EXPECT_EQ(got.resType, cudaResourceTypeArray);
  EXPECT_EQ(got.res.array.array, array);
  EXPECT_EQ(cudaGetSurfaceObjectResourceDesc(nullptr, surf), cudaErrorInvalidValue);
  ASSERT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetSurfaceObjectResourceDesc(&got, surf), cudaErrorInvalidValue);
  cudaGetLastError();
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(plain), cudaSuccess);
}

TEST(SurfaceObjectApi, KernelWritesAnArrayThroughASurface) {
  RegisteredPtx program(kTexturePtx, {"resample", "surfaceFill"});
  const int w = 6, h = 3;
  cudaArray_t array = floatArray(w, h, cudaArraySurfaceLoadStore);
  cudaResourceDesc resource = arrayResource(array);
  cudaSurfaceObject_t surf = 0;
  ASSERT_EQ(cudaCreateSurfaceObject(&surf, &resource), cudaSuccess);
  void *args[] = {&surf};
  ASSERT_EQ(cudaLaunchKernel(program.stub(1), dim3(h), dim3(w), args, 0, nullptr), cudaSuccess);
  std::vector<float> got(w * h);
  ASSERT_EQ(cudaMemcpy2DFromArray(got.data(), w * 4, array, 0, 0, w * 4, h,
                                  cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      EXPECT_EQ(got[size_t(y * w + x)], float(y * 100 + x));
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(ArrayApi, DeviceResetDestroysArraysAndObjects) {
  cudaArray_t array = floatArray(4, 4, cudaArraySurfaceLoadStore);
  cudaMipmappedArray_t mipmap = nullptr;
  cudaChannelFormatDesc format = floatFormat();
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmap, &format, make_cudaExtent(4, 4, 0), 2, 0),
            cudaSuccess);
  cudaResourceDesc resource = arrayResource(array);
  cudaTextureDesc desc{};
  cudaTextureObject_t tex = 0;
  cudaSurfaceObject_t surf = 0;
  ASSERT_EQ(cudaCreateTextureObject(&tex, &resource, &desc, nullptr), cudaSuccess);
  ASSERT_EQ(cudaCreateSurfaceObject(&surf, &resource), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmap), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(tex), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroySurfaceObject(surf), cudaErrorInvalidValue);
  cudaGetLastError();
  // The device works on: a new array round-trips.
  cudaArray_t fresh = floatArray(2, 1);
  std::vector<float> host{1.5f, 2.5f}, back(2);
  ASSERT_EQ(cudaMemcpy2DToArray(fresh, 0, 0, host.data(), 8, 8, 1, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), 8, fresh, 0, 0, 8, 1, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host);
  EXPECT_EQ(cudaFreeArray(fresh), cudaSuccess);
}

} // namespace
