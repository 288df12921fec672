//===- passes/DeviceServices.h - Functions JIT code calls -------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The device services: what a kernel needs from its backend at run time
// that is not in the launch context (time, which worker runs the block,
// sleeping, printf, assert, the device heap of malloc/free). The CPU lowering
// (LowerDeviceServices) turns the NVVM operations that need them into calls
// of external functions with these names; a backend defines them and makes
// them visible to the JIT code (the CPU backend: backends/cpu/
// DeviceServices.cpp, registered in every JITDylib by KernelCompiler).
//
// Every service takes the block function's LaunchContext as its first
// argument, so a backend reaches its per-launch and per-worker state through
// LaunchContext::services without thread-local globals. The C signatures:
//
//   uint64_t __cuport_clock64(LaunchContext *);     %clock64 (%clock: low half)
//   uint64_t __cuport_globaltimer(LaunchContext *); %globaltimer, nanoseconds
//   uint32_t __cuport_smid(LaunchContext *);        %smid, < %nsmid
//   uint32_t __cuport_nsmid(LaunchContext *);       %nsmid
//   uint64_t __cuport_gridid(LaunchContext *);      %gridid, one per launch
//   void     __cuport_nanosleep(LaunchContext *, uint32_t nanoseconds);
//   uint32_t __cuport_is_local(LaunchContext *, const void *);
//                                                   isspacep.local: 1 if
//                                                   the address is on the
//                                                   running thread's stack
//
// LLVM-free: backends include it without LLVM headers.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_DEVICESERVICES_H
#define CUPORT_PASSES_DEVICESERVICES_H

namespace cuport::services {

inline constexpr const char *kClock64 = "__cuport_clock64";
inline constexpr const char *kGlobalTimer = "__cuport_globaltimer";
inline constexpr const char *kSmid = "__cuport_smid";
inline constexpr const char *kNsmid = "__cuport_nsmid";
inline constexpr const char *kGridId = "__cuport_gridid";
inline constexpr const char *kNanosleep = "__cuport_nanosleep";
inline constexpr const char *kIsLocal = "__cuport_is_local";
/// int __cuport_vprintf(ctx, const char *format, const void *args): CUDA's
/// vprintf with its packed argument buffer (each argument aligned to its
/// size, floats promoted to double).
inline constexpr const char *kVprintf = "__cuport_vprintf";
/// void __cuport_assertfail(ctx, message, file, line, function, tid.x,
/// tid.y, tid.z): reports CUDA's assertion message and aborts the launch
/// (cudaErrorAssert); never returns.
inline constexpr const char *kAssertFail = "__cuport_assertfail";
/// void __cuport_trap(ctx): aborts the launch (cudaErrorLaunchFailure);
/// never returns.
inline constexpr const char *kTrap = "__cuport_trap";
/// void __cuport_barrier_count(ctx, uint32_t count, uint64_t what): a
/// barrier with a thread count (bar.sync a, b; bar.red with b) is a whole-
/// block barrier on the CPU; unless `count` is the block's thread count the
/// launch is aborted (cudaErrorLaunchFailure) with a message naming `what`
/// (a C string: the kernel and the instruction).
inline constexpr const char *kBarrierCount = "__cuport_barrier_count";
/// uint32_t __cuport_envreg(ctx, uint32_t n): %envreg<n>. In a cooperative
/// launch %envreg1:%envreg2 is the address of the grid's barrier word (what
/// nvcc's grid.sync() counts arrivals in); 0 otherwise, as in a launch that
/// is not cooperative.
inline constexpr const char *kEnvReg = "__cuport_envreg";
/// void __cuport_barrier_deadlock(ctx, uint64_t what): the threads of the
/// block wait at named barriers whose counts no arrival can reach (a hang
/// on NVIDIA hardware): aborts the launch (cudaErrorLaunchFailure) with a
/// message naming `what` (a C string: the kernel).
inline constexpr const char *kBarrierDeadlock = "__cuport_barrier_deadlock";
/// void __cuport_spin_wait(ctx): called after each poll of the grid
/// barrier word; yields the host thread, and leaves the block when the
/// launch was aborted (no block would ever arrive).
inline constexpr const char *kSpinWait = "__cuport_spin_wait";
/// uint64_t __cuport_malloc(ctx, uint64_t bytes): device malloc from the
/// launch's device heap (cudaLimitMallocHeapSize); 16-byte aligned, 0 (NULL)
/// when the heap is exhausted. Thread-safe.
inline constexpr const char *kMalloc = "__cuport_malloc";
/// uint64_t __cuport_aligned_malloc(ctx, uint64_t bytes, uint64_t align):
/// __nv_aligned_device_malloc (nvcc calls __cuda_syscall_aligned_malloc);
/// NULL unless `align` is a power of two.
inline constexpr const char *kAlignedMalloc = "__cuport_aligned_malloc";
/// void __cuport_free(ctx, uint64_t pointer): device free; free(NULL) does
/// nothing. The block may come from an earlier launch.
inline constexpr const char *kFree = "__cuport_free";
/// uint64_t __cuport_device_launch_buffer(ctx, uint64_t kernel, ptr grid,
/// ptr block, uint32_t sharedBytes): __cudaCDP2GetParameterBufferV2, the
/// first half of a launch from device code (`grid`, `block`: three u32
/// each); the parameter buffer of a new child grid of `kernel` (the
/// address of its block function), 0 (NULL) when the kernel is unknown,
/// the configuration invalid or the nesting too deep.
inline constexpr const char *kDeviceLaunchBuffer = "__cuport_device_launch_buffer";
/// int32_t __cuport_device_launch(ctx, uint64_t buffer, uint64_t stream):
/// __cudaCDP2LaunchDeviceV2, the second half: the child grid of that
/// buffer runs once the launching grid has finished. cudaSuccess, or
/// cudaErrorInvalidValue for a buffer that is not a pending launch.
inline constexpr const char *kDeviceLaunch = "__cuport_device_launch";
/// int32_t __cuport_device_last_error(ctx, uint32_t reset): the device
/// runtime's cudaGetLastError (reset 1) and cudaPeekAtLastError (0): the
/// error of the calling thread's last failed device launch.
inline constexpr const char *kDeviceLastError = "__cuport_device_last_error";

} // namespace cuport::services

#endif // CUPORT_PASSES_DEVICESERVICES_H
