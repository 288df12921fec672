//===- AbiCuport.cpp - The ABI table of cuport's CUDA headers -------------===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Compiled with compiler/include as its only CUDA include directory. Also
// pins the signatures of the registration hooks, which NVIDIA declares only
// in headers a host compiler cannot include (crt/host_runtime.h,
// crt/device_functions.h); they were checked against those by reading.
//
//===----------------------------------------------------------------------===//

// Take the addresses of deprecated functions and types without warnings.
#define CUDA_ENABLE_DEPRECATED 1
#define __NV_NO_VECTOR_DEPRECATION_DIAG 1

#include "crt/cuport_registration.h"
#include "cuda_runtime_api.h"
#include "library_types.h"

#include <type_traits>

#define CUPORT_ABI_ROWS_FUNCTION cuport::abi::cuportRows
#include "AbiCollect.inc"

#define CUPORT_EXPECT_SIGNATURE(Name, ...)                                     \
  static_assert(std::is_same_v<decltype(&Name), __VA_ARGS__>,                  \
                #Name " has the wrong signature")

CUPORT_EXPECT_SIGNATURE(__cudaRegisterFatBinary, void **(*)(void *));
CUPORT_EXPECT_SIGNATURE(__cudaRegisterFatBinaryEnd, void (*)(void **));
CUPORT_EXPECT_SIGNATURE(__cudaUnregisterFatBinary, void (*)(void **));
CUPORT_EXPECT_SIGNATURE(__cudaRegisterFunction,
                        void (*)(void **, const char *, char *, const char *,
                                 int, uint3 *, uint3 *, dim3 *, dim3 *, int *));
CUPORT_EXPECT_SIGNATURE(__cudaRegisterVar,
                        void (*)(void **, char *, char *, const char *, int,
                                 size_t, int, int));
CUPORT_EXPECT_SIGNATURE(__cudaRegisterManagedVar,
                        void (*)(void **, void **, char *, const char *, int,
                                 size_t, int, int));
CUPORT_EXPECT_SIGNATURE(__cudaInitModule, char (*)(void **));
CUPORT_EXPECT_SIGNATURE(__cudaPushCallConfiguration,
                        unsigned (*)(dim3, dim3, size_t, CUstream_st *));
CUPORT_EXPECT_SIGNATURE(__cudaPopCallConfiguration,
                        cudaError_t (*)(dim3 *, dim3 *, size_t *, void *));
CUPORT_EXPECT_SIGNATURE(__cudaGetKernel,
                        cudaError_t (*)(cudaKernel_t *, const void *));
CUPORT_EXPECT_SIGNATURE(__cudaLaunchKernel,
                        cudaError_t (*)(cudaKernel_t, dim3, dim3, void **,
                                        size_t, cudaStream_t));
CUPORT_EXPECT_SIGNATURE(__cudaLaunchKernel_ptsz,
                        cudaError_t (*)(cudaKernel_t, dim3, dim3, void **,
                                        size_t, cudaStream_t));

// The per-thread-default-stream exports share their base function's type.
static_assert(
    std::is_same_v<decltype(&cudaMemcpy_ptds), decltype(&cudaMemcpy)>);
static_assert(std::is_same_v<decltype(&cudaLaunchKernel_ptsz),
                             decltype(&cudaLaunchKernel)>);
static_assert(CUDART_VERSION == 13000);
