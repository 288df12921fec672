//===- device_types.h - CUDA rounding modes ---------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// cudaRoundMode, the rounding modes of the device conversion intrinsics.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_DEVICE_TYPES_H
#define CUPORT_DEVICE_TYPES_H

#include "crt/host_defines.h"

enum __device_builtin__ cudaRoundMode {
  cudaRoundNearest = 0,
  cudaRoundZero = 1,
  cudaRoundPosInf = 2,
  cudaRoundMinInf = 3,
};

#endif // CUPORT_DEVICE_TYPES_H
