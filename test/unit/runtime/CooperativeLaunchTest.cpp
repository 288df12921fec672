//===- CooperativeLaunchTest.cpp - cudaLaunchCooperativeKernel ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Cooperative launches through the whole runtime path: the PTX nvcc 13
// emits for a kernel with two cooperative_groups grid syncs (source below)
// runs with every block at once, so each phase sees what every block wrote
// in the phase before (an ordinary launch runs blocks one after another and
// could not). The grid is limited to the co-resident blocks the occupancy
// calculator reports (cudaErrorCooperativeLaunchTooLarge beyond).
//
//   extern "C" __global__ void gridRotate(int *a, int *b, int n) {
//     cg::grid_group grid = cg::this_grid();
//     int i = grid.thread_rank();
//     if (i < n) a[i] = 3 * i + 1;
//     grid.sync();
//     if (i < n) b[i] = a[(i + 1) % n];
//     grid.sync();
//     if (i < n) a[i] = b[(i + 1) % n];
//   }
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

using cuport::test::RegisteredPtx;

namespace {

/// nvcc -ptx -arch=sm_75 of the kernel above (comments removed).
const char *const kGridRotatePtx = R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry gridRotate(
	.param .u64 gridRotate_param_0,
	.param .u64 gridRotate_param_1,
	.param .u32 gridRotate_param_2
)
{
	.reg .pred 	%p<12>;
	.reg .b32 	%r<151>;
	.reg .b64 	%rd<95>;
	ld.param.u64 	%rd3, [gridRotate_param_0];
	ld.param.u64 	%rd4, [gridRotate_param_1];
	ld.param.u32 	%r3, [gridRotate_param_2];
	mov.u32 %r4, %envreg2;
	cvt.u64.u32 	%rd5, %r4;
	mov.u32 %r5, %envreg1;
	cvt.u64.u32 	%rd6, %r5;
	bfi.b64 	%rd1, %rd6, %rd5, 32, 32;
	mov.u32 	%r6, %ctaid.z;
	mov.u32 	%r7, %nctaid.y;
	mul.wide.u32 	%rd7, %r7, %r6;
	mov.u32 	%r8, %nctaid.x;
	cvt.u64.u32 	%rd8, %r8;
	mov.u32 	%r9, %ctaid.y;
	cvt.u64.u32 	%rd9, %r9;
	add.s64 	%rd10, %rd7, %rd9;
	mul.lo.s64 	%rd11, %rd10, %rd8;
	mov.u32 	%r10, %ctaid.x;
	cvt.u64.u32 	%rd12, %r10;
	add.s64 	%rd13, %rd11, %rd12;
	mov.u32 	%r11, %ntid.y;
	mov.u32 	%r12, %ntid.x;
	mul.lo.s32 	%r13, %r12, %r11;
	mov.u32 	%r14, %ntid.z;
	mul.lo.s32 	%r15, %r13, %r14;
	cvt.u64.u32 	%rd14, %r15;
	mul.lo.s64 	%rd15, %rd13, %rd14;
	mov.u32 	%r16, %tid.z;
	mov.u32 	%r17, %tid.y;
	mad.lo.s32 	%r18, %r11, %r16, %r17;
	mov.u32 	%r19, %tid.x;
	mad.lo.s32 	%r20, %r18, %r12, %r19;
	cvt.u64.u32 	%rd16, %r20;
	add.s64 	%rd17, %rd15, %rd16;
	cvt.u32.u64 	%r21, %rd17;
	setp.ge.s32 	%p1, %r21, %r3;
	@%p1 bra 	$L__BB0_2;
	mad.lo.s32 	%r38, %r21, 3, 1;
	shl.b64 	%rd29, %rd17, 32;
	cvta.to.global.u64 	%rd30, %rd3;
	shr.s64 	%rd31, %rd29, 30;
	add.s64 	%rd32, %rd30, %rd31;
	st.global.u32 	[%rd32], %r38;
$L__BB0_2:
	setp.ne.s64 	%p2, %rd1, 0;
	@%p2 bra 	$L__BB0_4;
	trap;
$L__BB0_4:
	add.s64 	%rd2, %rd1, 4;
	barrier.sync 	0;
	add.s32 	%r41, %r19, %r17;
	neg.s32 	%r43, %r16;
	setp.ne.s32 	%p3, %r41, %r43;
	@%p3 bra 	$L__BB0_7;
	mul.lo.s32 	%r48, %r8, %r7;
	mov.u32 	%r49, %nctaid.z;
	mul.lo.s32 	%r50, %r48, %r49;
	add.s32 	%r53, %r10, %r9;
	neg.s32 	%r55, %r6;
	setp.eq.s32 	%p4, %r53, %r55;
	mov.u32 	%r56, -2147483647;
	sub.s32 	%r57, %r56, %r50;
	selp.b32 	%r45, %r57, 1, %p4;
	atom.add.release.gpu.u32 %r44,[%rd2],%r45;
$L__BB0_6:
	ld.acquire.gpu.u32 %r58,[%rd2];
	xor.b32  	%r59, %r58, %r44;
	setp.gt.s32 	%p5, %r59, -1;
	@%p5 bra 	$L__BB0_6;
$L__BB0_7:
	barrier.sync 	0;
	@%p1 bra 	$L__BB0_9;
	add.s32 	%r92, %r21, 1;
	rem.s32 	%r93, %r92, %r3;
	cvta.to.global.u64 	%rd57, %rd3;
	mul.wide.s32 	%rd58, %r93, 4;
	add.s64 	%rd59, %rd57, %rd58;
	ld.global.u32 	%r94, [%rd59];
	shl.b64 	%rd60, %rd17, 32;
	cvta.to.global.u64 	%rd61, %rd4;
	shr.s64 	%rd62, %rd60, 30;
	add.s64 	%rd63, %rd61, %rd62;
	st.global.u32 	[%rd63], %r94;
$L__BB0_9:
	@%p2 bra 	$L__BB0_11;
	trap;
$L__BB0_11:
	barrier.sync 	0;
	@%p3 bra 	$L__BB0_14;
	mul.lo.s32 	%r104, %r8, %r7;
	mov.u32 	%r105, %nctaid.z;
	mul.lo.s32 	%r106, %r104, %r105;
	add.s32 	%r109, %r10, %r9;
	neg.s32 	%r111, %r6;
	setp.eq.s32 	%p9, %r109, %r111;
	mov.u32 	%r112, -2147483647;
	sub.s32 	%r113, %r112, %r106;
	selp.b32 	%r101, %r113, 1, %p9;
	atom.add.release.gpu.u32 %r100,[%rd2],%r101;
$L__BB0_13:
	ld.acquire.gpu.u32 %r114,[%rd2];
	xor.b32  	%r115, %r114, %r100;
	setp.gt.s32 	%p10, %r115, -1;
	@%p10 bra 	$L__BB0_13;
$L__BB0_14:
	barrier.sync 	0;
	@%p1 bra 	$L__BB0_16;
	add.s32 	%r148, %r21, 1;
	rem.s32 	%r149, %r148, %r3;
	cvta.to.global.u64 	%rd88, %rd4;
	mul.wide.s32 	%rd89, %r149, 4;
	add.s64 	%rd90, %rd88, %rd89;
	ld.global.u32 	%r150, [%rd90];
	shl.b64 	%rd91, %rd17, 32;
	cvta.to.global.u64 	%rd92, %rd3;
	shr.s64 	%rd93, %rd91, 30;
	add.s64 	%rd94, %rd92, %rd93;
	st.global.u32 	[%rd94], %r150;
$L__BB0_16:
	ret;
}
)";

class RuntimeCooperative : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }

  static std::vector<int> expected(int n) {
    std::vector<int> a(n);
    for (int i = 0; i < n; ++i)
      a[i] = 3 * ((i + 2) % n) + 1;
    return a;
  }

  /// Runs gridRotate over n elements with `blocks` x `threads` through
  /// `launch`; returns its error, and `a` in `out` on success.
  using Launch = cudaError_t (*)(const void *, dim3, dim3, void **, size_t, cudaStream_t);
  cudaError_t run(Launch launch, int n, unsigned blocks, unsigned threads,
                  std::vector<int> &out) {
    int *a = nullptr, *b = nullptr;
    EXPECT_EQ(cudaMalloc(&a, n * sizeof(int)), cudaSuccess);
    EXPECT_EQ(cudaMalloc(&b, n * sizeof(int)), cudaSuccess);
    EXPECT_EQ(cudaMemset(a, 0, n * sizeof(int)), cudaSuccess);
    void *args[] = {&a, &b, &n};
    cudaError_t error = launch(program.stub(0), dim3(blocks), dim3(threads), args, 0, nullptr);
    if (error == cudaSuccess)
      error = cudaDeviceSynchronize();
    out.assign(n, 0);
    if (error == cudaSuccess) {
      EXPECT_EQ(cudaMemcpy(out.data(), a, n * sizeof(int), cudaMemcpyDeviceToHost),
                cudaSuccess);
    }
    cudaFree(a);
    cudaFree(b);
    return error;
  }

  RegisteredPtx program{kGridRotatePtx, {"gridRotate"}};
};

TEST_F(RuntimeCooperative, DeviceReportsCooperativeLaunch) {
  int value = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrCooperativeLaunch, 0), cudaSuccess);
  EXPECT_EQ(value, 1);
}

TEST_F(RuntimeCooperative, GridSyncOrdersAllBlocks) {
  for (auto [n, blocks, threads] : {std::tuple{1000, 8u, 128u}, std::tuple{97, 5u, 32u},
                                    std::tuple{4096, 16u, 256u}}) {
    std::vector<int> a;
    ASSERT_EQ(run(cudaLaunchCooperativeKernel, n, blocks, threads, a), cudaSuccess) << n;
    EXPECT_EQ(a, expected(n)) << n;
  }
}

TEST_F(RuntimeCooperative, PerThreadStreamVariant) {
  std::vector<int> a;
  ASSERT_EQ(run(cudaLaunchCooperativeKernel_ptsz, 300, 3u, 128u, a), cudaSuccess);
  EXPECT_EQ(a, expected(300));
}

/// cudaLaunchKernelExC with cudaLaunchAttributeCooperative is a cooperative
/// launch: grid.sync() orders every block.
static cudaError_t launchExCooperative(const void *func, dim3 grid, dim3 block,
                                       void **args, size_t sharedMem,
                                       cudaStream_t stream) {
  cudaLaunchAttribute attribute{};
  attribute.id = cudaLaunchAttributeCooperative;
  attribute.val.cooperative = 1;
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = sharedMem;
  config.stream = stream;
  config.attrs = &attribute;
  config.numAttrs = 1;
  return cudaLaunchKernelExC(&config, func, args);
}

TEST_F(RuntimeCooperative, LaunchKernelExCooperativeAttribute) {
  std::vector<int> a;
  ASSERT_EQ(run(launchExCooperative, 4096, 16u, 256u, a), cudaSuccess);
  EXPECT_EQ(a, expected(4096));
  int limit = 0;
  ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&limit, program.stub(0), 128, 0),
            cudaSuccess);
  int sms = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0), cudaSuccess);
  unsigned tooMany = unsigned(limit * sms) + 1;
  EXPECT_EQ(run(launchExCooperative, int(tooMany) * 128, tooMany, 128u, a),
            cudaErrorCooperativeLaunchTooLarge);
}

TEST_F(RuntimeCooperative, GridLargerThanCoResidentIsRefused) {
  int perMultiprocessor = 0, multiprocessors = 0;
  ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, program.stub(0),
                                                          128, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, 0),
            cudaSuccess);
  ASSERT_GT(perMultiprocessor, 0);
  unsigned limit = unsigned(perMultiprocessor * multiprocessors);
  std::vector<int> a;
  EXPECT_EQ(run(cudaLaunchCooperativeKernel, int(limit + 1) * 128, limit + 1, 128u, a),
            cudaErrorCooperativeLaunchTooLarge);
  EXPECT_EQ(cudaGetLastError(), cudaErrorCooperativeLaunchTooLarge);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  // Exactly the co-resident grid runs.
  ASSERT_EQ(run(cudaLaunchCooperativeKernel, int(limit) * 128, limit, 128u, a), cudaSuccess);
  EXPECT_EQ(a, expected(int(limit) * 128));
}

TEST_F(RuntimeCooperative, BadArgumentsAreErrors) {
  int n = 4;
  int *a = nullptr;
  void *args[] = {&a, &a, &n};
  char notAKernel = 0;
  EXPECT_EQ(cudaLaunchCooperativeKernel(&notAKernel, dim3(1), dim3(32), args, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaLaunchCooperativeKernel(program.stub(0), dim3(0), dim3(32), args, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchCooperativeKernel(program.stub(0), dim3(1), dim3(32), nullptr, 0,
                                        nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

} // namespace
