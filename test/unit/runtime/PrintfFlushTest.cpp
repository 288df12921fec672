//===- PrintfFlushTest.cpp - When device printf output reaches stdout -----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// CUDA keeps device printf output in a FIFO and writes it to the host's
// stdout only at defined points: the start of a launch, a stream, event or
// device synchronization, a blocking copy, before a host function runs, and
// when the context goes away. A finished kernel's output is not visible
// before one of those, and output comes in launch order. Each test waits
// for the kernel with cudaStreamQuery (not a flush point) and looks at
// stdout before and after the point.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

using cuport::test::RegisteredPtx;

namespace {

// nvcc 13 -arch=sm_75 for
//   extern "C" __global__ void sayValue(int v) {
//     if (threadIdx.x == 0) printf("device says %d\n", v); }
const char *const kSayValuePtx = R"(
.version 9.0
.target sm_75
.address_size 64

	// .globl	sayValue
.extern .func  (.param .b32 func_retval0) vprintf
(
	.param .b64 vprintf_param_0,
	.param .b64 vprintf_param_1
)
;
.global .align 1 .b8 $str[16] = {100, 101, 118, 105, 99, 101, 32, 115, 97, 121, 115, 32, 37, 100, 10};

.visible .entry sayValue(
	.param .u32 sayValue_param_0
)
{
	.local .align 8 .b8 	__local_depot0[8];
	.reg .b64 	%SP;
	.reg .b64 	%SPL;
	.reg .pred 	%p<2>;
	.reg .b32 	%r<4>;
	.reg .b64 	%rd<5>;


	mov.u64 	%SPL, __local_depot0;
	cvta.local.u64 	%SP, %SPL;
	ld.param.u32 	%r1, [sayValue_param_0];
	mov.u32 	%r2, %tid.x;
	setp.ne.s32 	%p1, %r2, 0;
	@%p1 bra 	$L__BB0_2;

	add.u64 	%rd1, %SP, 0;
	add.u64 	%rd2, %SPL, 0;
	st.local.u32 	[%rd2], %r1;
	mov.u64 	%rd3, $str;
	cvta.global.u64 	%rd4, %rd3;
	{ // callseq 0, 0
	.reg .b32 temp_param_reg;
	.param .b64 param0;
	st.param.b64 	[param0+0], %rd4;
	.param .b64 param1;
	st.param.b64 	[param1+0], %rd1;
	.param .b32 retval0;
	call.uni (retval0), 
	vprintf, 
	(
	param0, 
	param1
	);
	ld.param.b32 	%r3, [retval0+0];
	} // callseq 0

$L__BB0_2:
	ret;

}

)";

class PrintfFlush : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
    ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  }
  void TearDown() override { cudaStreamDestroy(stream); }

  cudaError_t sayValue(int value, cudaStream_t on) {
    void *args[] = {&value};
    return cudaLaunchKernel(program.stub(0), dim3(2), dim3(32), args, 0, on);
  }
  /// Waits until `on` has no work left, without a flush point.
  static void waitIdle(cudaStream_t on) {
    while (cudaStreamQuery(on) == cudaErrorNotReady)
      std::this_thread::yield();
  }

  RegisteredPtx program{kSayValuePtx, {"sayValue"}};
  cudaStream_t stream = nullptr;
};

TEST_F(PrintfFlush, FinishedKernelPrintsOnlyAtSynchronize) {
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(1, stream), cudaSuccess);
  waitIdle(stream);
  std::fflush(stdout);
  std::printf("host before synchronize\n");
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "host before synchronize\ndevice says 1\ndevice says 1\n");
}

TEST_F(PrintfFlush, DeviceAndEventSynchronizeFlush) {
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(2, stream), cudaSuccess);
  waitIdle(stream);
  std::printf("a\n");
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  cudaEvent_t event;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(sayValue(3, stream), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  waitIdle(stream);
  std::printf("b\n");
  ASSERT_EQ(cudaEventSynchronize(event), cudaSuccess);
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "a\ndevice says 2\ndevice says 2\nb\ndevice says 3\ndevice says 3\n");
  cudaEventDestroy(event);
}

TEST_F(PrintfFlush, NextLaunchFlushesTheFinishedOnesInLaunchOrder) {
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(4, stream), cudaSuccess);
  waitIdle(stream);
  std::printf("first done\n");
  std::fflush(stdout);
  ASSERT_EQ(sayValue(5, stream), cudaSuccess); // writes 4 as it starts
  waitIdle(stream);
  std::printf("second done\n");
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "first done\ndevice says 4\ndevice says 4\nsecond done\n");
  // 5 is still held; back-to-back launches come out in launch order.
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(6, stream), cudaSuccess);
  ASSERT_EQ(sayValue(7, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "device says 5\ndevice says 5\ndevice says 6\ndevice says 6\n"
            "device says 7\ndevice says 7\n");
}

TEST_F(PrintfFlush, BlockingCopyFlushes) {
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, sizeof(int)), cudaSuccess);
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(7, nullptr), cudaSuccess);
  waitIdle(nullptr);
  std::printf("copy next\n");
  int host = 0;
  ASSERT_EQ(cudaMemcpy(&host, device, sizeof(int), cudaMemcpyDeviceToHost), cudaSuccess);
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "copy next\ndevice says 7\ndevice says 7\n");
  cudaFree(device);
}

TEST_F(PrintfFlush, HostFunctionSeesTheOutputBeforeIt) {
  testing::internal::CaptureStdout();
  ASSERT_EQ(sayValue(8, stream), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(
                stream,
                [](void *) {
                  std::printf("host function\n");
                  std::fflush(stdout);
                },
                nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "device says 8\ndevice says 8\nhost function\n");
}

} // namespace
