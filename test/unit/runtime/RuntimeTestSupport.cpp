//===- RuntimeTestSupport.cpp - Registering PTX like nvcc does ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include "fatbin/FatbinTestUtil.h"

#include <crt/cuport_registration.h>

namespace cuport::test {

RegisteredPtx::RegisteredPtx(const std::string &ptx,
                             std::vector<std::string> kernels, uint32_t sm)
    : stubs_(kernels.size()) {
  fatbinary_ = fatbin::test::buildFatbinary({fatbin::test::plainPtxEntry(ptx, sm)});
  wrapper_ = {static_cast<int32_t>(fatbin::kWrapperMagic), 1, fatbinary_.data(),
              nullptr};
  handle_ = __cudaRegisterFatBinary(&wrapper_);
  for (size_t i = 0; i < kernels.size(); ++i)
    __cudaRegisterFunction(handle_, &stubs_[i], const_cast<char *>(kernels[i].c_str()),
                           kernels[i].c_str(), -1, nullptr, nullptr, nullptr,
                           nullptr, nullptr);
  __cudaRegisterFatBinaryEnd(handle_);
}

RegisteredPtx::~RegisteredPtx() {
  if (handle_)
    __cudaUnregisterFatBinary(handle_);
}

const char *const kVectorAddPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.visible .entry _Z9vectorAddPKfS0_Pfi(
	.param .u64 _Z9vectorAddPKfS0_Pfi_param_0,
	.param .u64 _Z9vectorAddPKfS0_Pfi_param_1,
	.param .u64 _Z9vectorAddPKfS0_Pfi_param_2,
	.param .u32 _Z9vectorAddPKfS0_Pfi_param_3
)
{
	.reg .pred 	%p<2>;
	.reg .f32 	%f<4>;
	.reg .b32 	%r<6>;
	.reg .b64 	%rd<11>;

	ld.param.u64 	%rd1, [_Z9vectorAddPKfS0_Pfi_param_0];
	ld.param.u64 	%rd2, [_Z9vectorAddPKfS0_Pfi_param_1];
	ld.param.u64 	%rd3, [_Z9vectorAddPKfS0_Pfi_param_2];
	ld.param.u32 	%r2, [_Z9vectorAddPKfS0_Pfi_param_3];
	mov.u32 	%r3, %ntid.x;
	mov.u32 	%r4, %ctaid.x;
	mov.u32 	%r5, %tid.x;
	mad.lo.s32 	%r1, %r3, %r4, %r5;
	setp.ge.s32 	%p1, %r1, %r2;
	@%p1 bra 	$L__BB0_2;

	cvta.to.global.u64 	%rd4, %rd1;
	mul.wide.s32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd4, %rd5;
	cvta.to.global.u64 	%rd7, %rd2;
	add.s64 	%rd8, %rd7, %rd5;
	ld.global.f32 	%f1, [%rd8];
	ld.global.f32 	%f2, [%rd6];
	add.f32 	%f3, %f2, %f1;
	cvta.to.global.u64 	%rd9, %rd3;
	add.s64 	%rd10, %rd9, %rd5;
	st.global.f32 	[%rd10], %f3;

$L__BB0_2:
	ret;
}
)";

} // namespace cuport::test
