//===- builtin_types.h - All CUDA runtime types -----------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// Pulls in every header that defines CUDA's built-in types.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_BUILTIN_TYPES_H
#define CUPORT_BUILTIN_TYPES_H

#include "device_types.h"
#include "driver_types.h"
#include "surface_types.h"
#include "texture_types.h"
#include "vector_types.h"

#endif // CUPORT_BUILTIN_TYPES_H
