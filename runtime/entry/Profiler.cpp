//===- entry/Profiler.cpp - Profiler control -------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaProfilerStart / cudaProfilerStop mark the region an attached profiler
// collects. No profiler attaches to cuport (`cuport run --report` counts the
// whole run), so both are accepted; like CUDA they initialize the runtime
// and fail only when there is no device.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include <cuda_profiler_api.h>

using namespace cuport::rt;

CUPORT_EXPORT cudaError_t cudaProfilerStart(void) {
  CUPORT_API_ENTRY(cudaProfilerStart);
  Device *device = nullptr;
  return recordError(Runtime::instance().currentDevice(&device));
}

CUPORT_EXPORT cudaError_t cudaProfilerStop(void) {
  CUPORT_API_ENTRY(cudaProfilerStop);
  Device *device = nullptr;
  return recordError(Runtime::instance().currentDevice(&device));
}
