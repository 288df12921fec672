// Shared helper of the cuport samples: check every CUDA call, report the
// error by name and string, and exit non-zero, as CUDA programs usually do.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CHECK_CUDA(call)                                                       \
  do {                                                                         \
    cudaError_t status_ = (call);                                              \
    if (status_ != cudaSuccess) {                                              \
      std::fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", __FILE__, __LINE__,  \
                   #call, cudaGetErrorString(status_),                        \
                   cudaGetErrorName(status_));                                 \
      std::exit(EXIT_FAILURE);                                                 \
    }                                                                          \
  } while (0)
