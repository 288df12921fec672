//===- AbiNvidia.cpp - The ABI table of NVIDIA's CUDA headers -------------===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Compiled only where NVIDIA's CUDA 13.0 headers exist, with their directory
// as the only CUDA include directory (never compiler/include).
//
//===----------------------------------------------------------------------===//

#define CUDA_ENABLE_DEPRECATED 1
#define __NV_NO_VECTOR_DEPRECATION_DIAG 1

#include <cuda_runtime_api.h>
#include <library_types.h>

#if !defined(CUDART_VERSION) || CUDART_VERSION != 13000
#error "the ABI reference must be NVIDIA's CUDA 13.0 headers"
#endif

#define CUPORT_ABI_ROWS_FUNCTION cuport::abi::nvidiaRows
#include "AbiCollect.inc"
