//===- vector_functions.h - make_<vector>() constructors --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// make_int2(x, y) and friends: one constructor per built-in vector type of
// vector_types.h, usable in host and device code.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_VECTOR_FUNCTIONS_H
#define CUPORT_VECTOR_FUNCTIONS_H

#include "vector_types.h"

#define CUPORT_MAKE1_(T, E)                                                    \
  static __inline__ __host__ __device__ T make_##T(E x) {                      \
    T r;                                                                       \
    r.x = x;                                                                   \
    return r;                                                                  \
  }
#define CUPORT_MAKE2_(T, E)                                                    \
  static __inline__ __host__ __device__ T make_##T(E x, E y) {                 \
    T r;                                                                       \
    r.x = x;                                                                   \
    r.y = y;                                                                   \
    return r;                                                                  \
  }
#define CUPORT_MAKE3_(T, E)                                                    \
  static __inline__ __host__ __device__ T make_##T(E x, E y, E z) {            \
    T r;                                                                       \
    r.x = x;                                                                   \
    r.y = y;                                                                   \
    r.z = z;                                                                   \
    return r;                                                                  \
  }
#define CUPORT_MAKE4_(T, E)                                                    \
  static __inline__ __host__ __device__ T make_##T(E x, E y, E z, E w) {       \
    T r;                                                                       \
    r.x = x;                                                                   \
    r.y = y;                                                                   \
    r.z = z;                                                                   \
    r.w = w;                                                                   \
    return r;                                                                  \
  }
#define CUPORT_MAKE123_(P, E)                                                  \
  CUPORT_MAKE1_(P##1, E) CUPORT_MAKE2_(P##2, E) CUPORT_MAKE3_(P##3, E)

CUPORT_MAKE123_(char, signed char)
CUPORT_MAKE4_(char4, signed char)
CUPORT_MAKE123_(uchar, unsigned char)
CUPORT_MAKE4_(uchar4, unsigned char)
CUPORT_MAKE123_(short, short)
CUPORT_MAKE4_(short4, short)
CUPORT_MAKE123_(ushort, unsigned short)
CUPORT_MAKE4_(ushort4, unsigned short)
CUPORT_MAKE123_(int, int)
CUPORT_MAKE4_(int4, int)
CUPORT_MAKE123_(uint, unsigned int)
CUPORT_MAKE4_(uint4, unsigned int)
CUPORT_MAKE123_(long, long int)
CUPORT_MAKE4_(long4_16a, long int)
CUPORT_MAKE4_(long4_32a, long int)
CUPORT_MAKE123_(ulong, unsigned long int)
CUPORT_MAKE4_(ulong4_16a, unsigned long int)
CUPORT_MAKE4_(ulong4_32a, unsigned long int)
CUPORT_MAKE123_(float, float)
CUPORT_MAKE4_(float4, float)
CUPORT_MAKE123_(longlong, long long int)
CUPORT_MAKE123_(ulonglong, unsigned long long int)
CUPORT_MAKE123_(double, double)
CUPORT_MAKE4_(double4_16a, double)
CUPORT_MAKE4_(double4_32a, double)

// The deprecated types keep their constructors; using one warns through the
// type, as in CUDA.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
CUPORT_MAKE4_(long4, long int)
CUPORT_MAKE4_(ulong4, unsigned long int)
CUPORT_MAKE4_(longlong4, long long int)
CUPORT_MAKE4_(ulonglong4, unsigned long long int)
CUPORT_MAKE4_(double4, double)
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#undef CUPORT_MAKE1_
#undef CUPORT_MAKE2_
#undef CUPORT_MAKE3_
#undef CUPORT_MAKE4_
#undef CUPORT_MAKE123_

#endif // CUPORT_VECTOR_FUNCTIONS_H
