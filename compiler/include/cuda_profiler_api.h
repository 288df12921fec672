//===- cuda_profiler_api.h - Profiler control -------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// cudaProfilerStart / cudaProfilerStop, which mark the region an attached
// profiler collects.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_CUDA_PROFILER_API_H
#define CUPORT_CUDA_PROFILER_API_H

#include "driver_types.h"

#if defined(__cplusplus)
extern "C" {
#endif

cudaError_t CUDARTAPI cudaProfilerStart(void);
cudaError_t CUDARTAPI cudaProfilerStop(void);

#if defined(__cplusplus)
} // extern "C"
#endif

#endif // CUPORT_CUDA_PROFILER_API_H
