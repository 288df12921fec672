//===- RuntimeTest.cpp - The runtime entries of the walking skeleton ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One suite per CUDA documentation section; the test names are the ones
// the API registry (runtime/api/CudartApi.def) cites as proof.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <thread>
#include <vector>

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";

class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

/// Runs vectorAdd over n elements through `launch` and checks the result.
template <typename Launch>
void expectVectorAdd(int n, Launch launch) {
  std::vector<float> a(n), b(n), c(n, -1.0f);
  std::iota(a.begin(), a.end(), 0.0f);
  std::iota(b.begin(), b.end(), 100.0f);
  float *da, *db, *dc;
  ASSERT_EQ(cudaMalloc(&da, n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&db, n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&dc, n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(da, a.data(), n * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(db, b.data(), n * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  void *args[] = {&da, &db, &dc, &n};
  ASSERT_EQ(launch(args, dim3((n + 127) / 128), dim3(128)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(c.data(), dc, n * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(c[i], a[i] + b[i]) << "element " << i;
  EXPECT_EQ(cudaFree(da), cudaSuccess);
  EXPECT_EQ(cudaFree(db), cudaSuccess);
  EXPECT_EQ(cudaFree(dc), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Registration hooks
//===----------------------------------------------------------------------===//

using RuntimeRegistration = RuntimeTest;

TEST_F(RuntimeRegistration, RegisterFatBinary) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  EXPECT_NE(program.handle(), nullptr);
  EXPECT_EQ(__cudaRegisterFatBinary(nullptr), nullptr);
}

TEST_F(RuntimeRegistration, RegisterFatBinaryEnd) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  // A bogus handle is reported, never dereferenced.
  int bogus = 0;
  __cudaRegisterFatBinaryEnd(reinterpret_cast<void **>(&bogus));
  EXPECT_EQ(__cudaInitModule(program.handle()), 1);
}

TEST_F(RuntimeRegistration, RegisterFunction) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  cudaKernel_t kernel = nullptr;
  EXPECT_EQ(__cudaGetKernel(&kernel, program.stub(0)), cudaSuccess);
  EXPECT_NE(kernel, nullptr);
  int notRegistered = 0;
  EXPECT_EQ(__cudaGetKernel(&kernel, &notRegistered), cudaErrorInvalidDeviceFunction);
}

TEST_F(RuntimeRegistration, UnregisterFatBinary) {
  const void *stub = nullptr;
  {
    RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
    stub = program.stub(0);
    expectVectorAdd(300, [&](void **args, dim3 grid, dim3 block) {
      return cudaLaunchKernel(stub, grid, block, args, 0, nullptr);
    });
  }
  cudaKernel_t kernel = nullptr;
  EXPECT_EQ(__cudaGetKernel(&kernel, stub), cudaErrorInvalidDeviceFunction);
  int bogus = 0;
  __cudaUnregisterFatBinary(reinterpret_cast<void **>(&bogus)); // ignored
}

TEST_F(RuntimeRegistration, InitModule) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  EXPECT_EQ(__cudaInitModule(program.handle()), 1);
  int bogus = 0;
  EXPECT_EQ(__cudaInitModule(reinterpret_cast<void **>(&bogus)), 0);
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

using RuntimeLaunch = RuntimeTest;

TEST_F(RuntimeLaunch, PushPopCallConfiguration) {
  int streamStandIn = 0;
  auto stream = reinterpret_cast<CUstream_st *>(&streamStandIn);
  EXPECT_EQ(__cudaPushCallConfiguration(dim3(1, 2, 3), dim3(4, 5, 6), 7, nullptr), 0u);
  EXPECT_EQ(__cudaPushCallConfiguration(dim3(8), dim3(9), 10, stream), 0u);
  dim3 grid, block;
  size_t shared = 0;
  cudaStream_t popped = nullptr;
  ASSERT_EQ(__cudaPopCallConfiguration(&grid, &block, &shared, &popped), cudaSuccess);
  EXPECT_EQ(grid.x, 8u);
  EXPECT_EQ(block.x, 9u);
  EXPECT_EQ(shared, 10u);
  EXPECT_EQ(popped, stream);
  ASSERT_EQ(__cudaPopCallConfiguration(&grid, &block, &shared, &popped), cudaSuccess);
  EXPECT_EQ(grid.y, 2u);
  EXPECT_EQ(grid.z, 3u);
  EXPECT_EQ(block.z, 6u);
  EXPECT_EQ(shared, 7u);
  EXPECT_EQ(popped, nullptr);
  EXPECT_EQ(__cudaPopCallConfiguration(&grid, &block, &shared, &popped),
            cudaErrorMissingConfiguration);
}

TEST_F(RuntimeLaunch, GetKernel) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  EXPECT_EQ(__cudaGetKernel(nullptr, program.stub(0)), cudaErrorInvalidValue);
  cudaKernel_t first = nullptr, second = nullptr;
  EXPECT_EQ(__cudaGetKernel(&first, program.stub(0)), cudaSuccess);
  EXPECT_EQ(__cudaGetKernel(&second, program.stub(0)), cudaSuccess);
  EXPECT_EQ(first, second);
}

TEST_F(RuntimeLaunch, LaunchKernelHook) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(__cudaGetKernel(&kernel, program.stub(0)), cudaSuccess);
  expectVectorAdd(1000, [&](void **args, dim3 grid, dim3 block) {
    return __cudaLaunchKernel(kernel, grid, block, args, 0, nullptr);
  });
  int bogus = 0;
  EXPECT_EQ(__cudaLaunchKernel(reinterpret_cast<cudaKernel_t>(&bogus), dim3(1),
                               dim3(1), nullptr, 0, nullptr),
            cudaErrorInvalidResourceHandle);
}

TEST_F(RuntimeLaunch, LaunchKernel) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  expectVectorAdd(4097, [&](void **args, dim3 grid, dim3 block) {
    return cudaLaunchKernel(program.stub(0), grid, block, args, 0, nullptr);
  });
  float *buffer = nullptr;
  int n = 1;
  ASSERT_EQ(cudaMalloc(&buffer, sizeof(float)), cudaSuccess);
  void *args[] = {&buffer, &buffer, &buffer, &n};
  // CUDA's configuration checks.
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(0), args, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(2048), args, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1, 70000), dim3(1), args, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  int unknown = 0;
  EXPECT_EQ(cudaLaunchKernel(&unknown, dim3(1), dim3(1), args, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaFree(buffer), cudaSuccess);
}

TEST_F(RuntimeLaunch, UntranslatablePtxIsAnErrorNotACrash) {
  std::string ptx = kVectorAddPtx;
  ptx.replace(ptx.find("add.f32"), 7, "frobnicate.f32");
  RegisteredPtx program(ptx, {kVectorAdd});
  void *args[4] = {};
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), args, 0, nullptr),
            cudaErrorInvalidPtx);
  // The answer does not change, and the process keeps working.
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), args, 0, nullptr),
            cudaErrorInvalidPtx);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

TEST_F(RuntimeLaunch, NoPtxForTheDevice) {
  // Only PTX for a newer architecture than the device's 8.6.
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd}, /*sm=*/90);
  void *args[4] = {};
  EXPECT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(1), args, 0, nullptr),
            cudaErrorNoKernelImageForDevice);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

using RuntimeMemory = RuntimeTest;

TEST_F(RuntimeMemory, MallocFree) {
  void *p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 1000), cudaSuccess);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 256, 0u) << "cudaMalloc aligns to 256";
  EXPECT_EQ(cudaFree(static_cast<char *>(p) + 8), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaErrorInvalidValue) << "double free";
  EXPECT_EQ(cudaFree(nullptr), cudaSuccess);
  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
  ASSERT_EQ(cudaMalloc(&p, 0), cudaSuccess);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(cudaMalloc(&p, size_t(1) << 62), cudaErrorMemoryAllocation);
  int onStack = 0;
  EXPECT_EQ(cudaFree(&onStack), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeMemory, Memcpy) {
  std::vector<int> host(256), back(256, 0);
  std::iota(host.begin(), host.end(), 1);
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 256 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device, host.data(), 1024, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(back.data(), device, 1024, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(back, host);
  int *second = nullptr;
  ASSERT_EQ(cudaMalloc(&second, 1024), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(second, device, 1024, cudaMemcpyDeviceToDevice), cudaSuccess);
  std::fill(back.begin(), back.end(), 0);
  EXPECT_EQ(cudaMemcpy(back.data(), second, 1024, cudaMemcpyDefault), cudaSuccess);
  EXPECT_EQ(back, host);

  // Past the end of the allocation, unknown device pointers, bad kinds.
  EXPECT_EQ(cudaMemcpy(device, host.data(), 1025, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(device + 1, host.data(), 1024, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(back.data(), host.data(), 4, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(nullptr, device, 4, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(back.data(), device, 4, static_cast<cudaMemcpyKind>(7)),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy(back.data(), device, 0, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(second), cudaSuccess);
}

TEST_F(RuntimeMemory, Memset) {
  unsigned char *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 64), cudaSuccess);
  ASSERT_EQ(cudaMemset(device, 0xAB, 64), cudaSuccess);
  ASSERT_EQ(cudaMemset(device + 8, 0x01, 8), cudaSuccess);
  std::vector<unsigned char> back(64);
  ASSERT_EQ(cudaMemcpy(back.data(), device, 64, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(back[i], (i >= 8 && i < 16) ? 0x01 : 0xAB) << i;
  EXPECT_EQ(cudaMemset(device, 0, 65), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset(back.data(), 0, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

using RuntimeDevice = RuntimeTest;

TEST_F(RuntimeDevice, Synchronize) {
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  float *buffer = nullptr;
  int n = 1 << 16;
  ASSERT_EQ(cudaMalloc(&buffer, n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMemset(buffer, 0, n * sizeof(float)), cudaSuccess);
  void *args[] = {&buffer, &buffer, &buffer, &n};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(n / 256), dim3(256), args, 0, nullptr),
            cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaFree(buffer), cudaSuccess);
}

TEST_F(RuntimeDevice, GetDeviceCount) {
  int count = -1;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(cudaGetDeviceCount(nullptr), cudaErrorInvalidValue);
}

TEST_F(RuntimeDevice, SetGetDevice) {
  EXPECT_EQ(cudaSetDevice(0), cudaSuccess);
  int device = -1;
  EXPECT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaSetDevice(1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetDevice(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0) << "a failed cudaSetDevice keeps the current device";
}

TEST_F(RuntimeDevice, GetDeviceProperties) {
  cudaDeviceProp prop;
  std::memset(&prop, 0xFF, sizeof(prop));
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_STRNE(prop.name, "");
  EXPECT_EQ(prop.warpSize, 32);
  EXPECT_EQ(prop.major, 8);
  EXPECT_EQ(prop.maxThreadsPerBlock, 1024);
  EXPECT_EQ(prop.maxThreadsDim[2], 64);
  EXPECT_EQ(prop.maxGridSize[0], 2147483647);
  EXPECT_GE(prop.multiProcessorCount, 1);
  EXPECT_GT(prop.totalGlobalMem, size_t(0));
  EXPECT_EQ(prop.sharedMemPerBlock, size_t(48 * 1024));
  EXPECT_EQ(prop.unifiedAddressing, 1);
  EXPECT_EQ(prop.reserved[0], 0) << "reserved fields are zeroed";
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 3), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetDeviceProperties(nullptr, 0), cudaErrorInvalidValue);
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

using RuntimeError = RuntimeTest;

TEST_F(RuntimeError, GetLastError) {
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(99), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess) << "reading the error resets it";
}

TEST_F(RuntimeError, PeekAtLastError) {
  EXPECT_EQ(cudaMalloc(nullptr, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue) << "peeking keeps it";
  // Successful calls do not clear it.
  int count = 0;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeError, ErrorString) {
  EXPECT_STREQ(cudaGetErrorString(cudaSuccess), "no error");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory");
  EXPECT_STREQ(cudaGetErrorString(static_cast<cudaError_t>(123456)),
               "unrecognized error code");
}

TEST_F(RuntimeError, ErrorName) {
  EXPECT_STREQ(cudaGetErrorName(cudaSuccess), "cudaSuccess");
  EXPECT_STREQ(cudaGetErrorName(cudaErrorInvalidDevice), "cudaErrorInvalidDevice");
  EXPECT_STREQ(cudaGetErrorName(cudaErrorNotSupported), "cudaErrorNotSupported");
}

TEST_F(RuntimeError, NotSupportedEntryReturnsErrorAndSetsLastError) {
  // Graphics interoperability: no cuport backend has a graphics API, so this
  // stays a not-supported entry.
  cudaGraphicsResource_t resource = nullptr;
  EXPECT_EQ(cudaGraphicsResourceSetMapFlags(resource, 0), cudaErrorNotSupported);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphicsResourceSetMapFlags(resource, 0), cudaErrorNotSupported)
      << "stable on repeat";
}

// Each thread has its own last error.
TEST_F(RuntimeError, LastErrorIsPerThread) {
  EXPECT_EQ(cudaSetDevice(42), cudaErrorInvalidDevice);
  cudaError_t seenByOtherThread = cudaErrorUnknown;
  std::thread other([&] { seenByOtherThread = cudaPeekAtLastError(); });
  other.join();
  EXPECT_EQ(seenByOtherThread, cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
}

} // namespace

//===----------------------------------------------------------------------===//
// __device__ and __constant__ variables
//===----------------------------------------------------------------------===//

namespace {

const char *const kSymbolsPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.visible .global .align 4 .b8 table[64];
.visible .const .align 4 .f32 coeffs[4] = {0f3F800000, 0f40000000, 0f40400000, 0f40800000};

.visible .entry scaleByTable(.param .u64 out)
{
	.reg .b32 %r<4>;
	.reg .f32 %f<4>;
	.reg .b64 %rd<7>;

	ld.param.u64 %rd1, [out];
	mov.u32 %r1, %tid.x;
	mul.wide.u32 %rd2, %r1, 4;
	mov.u64 %rd3, table;
	add.s64 %rd4, %rd3, %rd2;
	ld.global.u32 %r2, [%rd4];
	and.b32 %r3, %r1, 3;
	mul.wide.u32 %rd5, %r3, 4;
	mov.u64 %rd6, coeffs;
	add.s64 %rd6, %rd6, %rd5;
	ld.const.f32 %f1, [%rd6];
	cvt.rn.f32.s32 %f2, %r2;
	mul.f32 %f3, %f1, %f2;
	add.s64 %rd4, %rd1, %rd2;
	st.global.f32 [%rd4], %f3;
	ret;
}
)";

/// A program with the two variables registered as nvcc registers them.
struct SymbolProgram {
  SymbolProgram() : program(kSymbolsPtx, {"scaleByTable"}) {
    __cudaRegisterVar(program.handle(), reinterpret_cast<char *>(table),
                      const_cast<char *>("table"), "table", 0, sizeof table, 0, 0);
    __cudaRegisterVar(program.handle(), reinterpret_cast<char *>(coeffs),
                      const_cast<char *>("coeffs"), "coeffs", 0, sizeof coeffs, 1, 0);
  }
  RegisteredPtx program;
  int table[16] = {};   // host shadows: only their addresses matter
  float coeffs[4] = {};
};

using RuntimeSymbol = RuntimeTest;

TEST_F(RuntimeSymbol, CopyToAndFromSymbol) {
  SymbolProgram p;
  int values[16];
  std::iota(values, values + 16, -3);
  ASSERT_EQ(cudaMemcpyToSymbol(p.table, values, sizeof values, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  float seven = 7.0f;
  ASSERT_EQ(cudaMemcpyToSymbol(p.coeffs, &seven, sizeof seven, 2 * sizeof(float),
                               cudaMemcpyHostToDevice),
            cudaSuccess);
  float *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 16 * sizeof(float)), cudaSuccess);
  void *args[] = {&out};
  ASSERT_EQ(cudaLaunchKernel(p.program.stub(0), dim3(1), dim3(16), args, 0, nullptr),
            cudaSuccess);
  float result[16];
  ASSERT_EQ(cudaMemcpy(result, out, sizeof result, cudaMemcpyDeviceToHost), cudaSuccess);
  const float coefficients[4] = {1.0f, 2.0f, 7.0f, 4.0f}; // initializer, one overwritten
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(result[i], coefficients[i & 3] * float(values[i])) << i;
  int back[16] = {};
  ASSERT_EQ(cudaMemcpyFromSymbol(back, p.table, sizeof back, 0, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_TRUE(std::equal(back, back + 16, values));
  float initial = 0;
  ASSERT_EQ(cudaMemcpyFromSymbol(&initial, p.coeffs, sizeof initial, 3 * sizeof(float),
                                 cudaMemcpyDefault),
            cudaSuccess);
  EXPECT_EQ(initial, 4.0f) << "the PTX initializer is the starting value";

  // Errors: past the end, unknown symbol, wrong direction.
  EXPECT_EQ(cudaMemcpyToSymbol(p.table, values, 8, 60, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  int notASymbol = 0;
  EXPECT_EQ(cudaMemcpyToSymbol(&notASymbol, values, 4, 0, cudaMemcpyHostToDevice),
            cudaErrorInvalidSymbol);
  EXPECT_EQ(cudaMemcpyToSymbol(p.table, values, 4, 0, cudaMemcpyDeviceToHost),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
}

TEST_F(RuntimeSymbol, AddressAndSize) {
  SymbolProgram p;
  void *address = nullptr;
  size_t size = 0;
  ASSERT_EQ(cudaGetSymbolAddress(&address, p.table), cudaSuccess);
  ASSERT_EQ(cudaGetSymbolSize(&size, p.table), cudaSuccess);
  EXPECT_EQ(size, 64u);
  ASSERT_EQ(cudaGetSymbolSize(&size, p.coeffs), cudaSuccess);
  EXPECT_EQ(size, 16u);
  // The address is device memory for every other API.
  int fortyTwo[16];
  std::fill(fortyTwo, fortyTwo + 16, 42);
  ASSERT_EQ(cudaMemcpy(address, fortyTwo, sizeof fortyTwo, cudaMemcpyHostToDevice),
            cudaSuccess);
  int back[16] = {};
  ASSERT_EQ(cudaMemcpyFromSymbol(back, p.table, sizeof back), cudaSuccess);
  EXPECT_EQ(back[15], 42);
  EXPECT_EQ(cudaFree(address), cudaErrorInvalidValue) << "a symbol is not the app's to free";
  int notASymbol = 0;
  EXPECT_EQ(cudaGetSymbolAddress(&address, &notASymbol), cudaErrorInvalidSymbol);
  EXPECT_EQ(cudaGetSymbolSize(nullptr, p.table), cudaErrorInvalidValue);
}

TEST_F(RuntimeSymbol, AsyncCopies) {
  SymbolProgram p;
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  int *source = nullptr, *back = nullptr; // pinned: truly asynchronous
  ASSERT_EQ(cudaMallocHost(&source, 64), cudaSuccess);
  ASSERT_EQ(cudaMallocHost(&back, 64), cudaSuccess);
  std::iota(source, source + 16, 100);
  std::fill(back, back + 16, 0);
  ASSERT_EQ(cudaMemcpyToSymbolAsync(p.table, source, 64, 0, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyFromSymbolAsync(back, p.table, 64, 0, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(back[0], 100);
  EXPECT_EQ(back[15], 115);
  EXPECT_EQ(cudaFreeHost(source), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(back), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace
