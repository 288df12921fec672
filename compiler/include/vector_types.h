//===- vector_types.h - CUDA built-in vector types --------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The built-in vector types (char1 ... double4), uint3 and dim3, with the
// sizes and alignments that CUDA 13.0 gives them on x86-64 Linux:
//
//   n = 1, 3   natural alignment of the element (char3 is 3 bytes, align 1)
//   n = 2      2 * element size, up to 16 (int2 and float2: 8; long2,
//              longlong2 and double2: 16)
//   n = 4      4 * element size, up to 16 (long4, longlong4, double4: 16);
//              the *_16a and *_32a variants of the 64-bit four-vectors say
//              their alignment in the name
//
// CUDA 13.0 deprecates the four-vectors of 64-bit elements without a suffix
// (long4, ulong4, longlong4, ulonglong4, double4); so does this header. Define
// __NV_NO_VECTOR_DEPRECATION_DIAG to silence it, as with CUDA.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_VECTOR_TYPES_H
#define CUPORT_VECTOR_TYPES_H

#include "crt/host_defines.h"

#if defined(__NV_NO_VECTOR_DEPRECATION_DIAG)
#define CUPORT_VECTOR_DEPRECATED_(msg)
#else
#define CUPORT_VECTOR_DEPRECATED_(msg) __attribute__((deprecated(msg)))
#endif

// CUPORT_VEC_(name, align, type, fields): `struct name` holding fields of
// `type`, with the given alignment (0: the natural one), plus the C typedef.
#define CUPORT_VEC_ALIGNED_(name, align, type, ...)                            \
  struct __device_builtin__ __align__(align) name { type __VA_ARGS__; };       \
  typedef struct name name;
#define CUPORT_VEC_NATURAL_(name, type, ...)                                   \
  struct __device_builtin__ name { type __VA_ARGS__; };                        \
  typedef struct name name;

// 8-bit elements.
CUPORT_VEC_NATURAL_(char1, signed char, x)
CUPORT_VEC_NATURAL_(uchar1, unsigned char, x)
CUPORT_VEC_ALIGNED_(char2, 2, signed char, x, y)
CUPORT_VEC_ALIGNED_(uchar2, 2, unsigned char, x, y)
CUPORT_VEC_NATURAL_(char3, signed char, x, y, z)
CUPORT_VEC_NATURAL_(uchar3, unsigned char, x, y, z)
CUPORT_VEC_ALIGNED_(char4, 4, signed char, x, y, z, w)
CUPORT_VEC_ALIGNED_(uchar4, 4, unsigned char, x, y, z, w)

// 16-bit elements.
CUPORT_VEC_NATURAL_(short1, short, x)
CUPORT_VEC_NATURAL_(ushort1, unsigned short, x)
CUPORT_VEC_ALIGNED_(short2, 4, short, x, y)
CUPORT_VEC_ALIGNED_(ushort2, 4, unsigned short, x, y)
CUPORT_VEC_NATURAL_(short3, short, x, y, z)
CUPORT_VEC_NATURAL_(ushort3, unsigned short, x, y, z)
CUPORT_VEC_ALIGNED_(short4, 8, short, x, y, z, w)
CUPORT_VEC_ALIGNED_(ushort4, 8, unsigned short, x, y, z, w)

// 32-bit integer elements.
CUPORT_VEC_NATURAL_(int1, int, x)
CUPORT_VEC_NATURAL_(uint1, unsigned int, x)
CUPORT_VEC_ALIGNED_(int2, 8, int, x, y)
CUPORT_VEC_ALIGNED_(uint2, 8, unsigned int, x, y)
CUPORT_VEC_NATURAL_(int3, int, x, y, z)
CUPORT_VEC_NATURAL_(uint3, unsigned int, x, y, z)
CUPORT_VEC_ALIGNED_(int4, 16, int, x, y, z, w)
CUPORT_VEC_ALIGNED_(uint4, 16, unsigned int, x, y, z, w)

// long elements (64-bit on LP64).
CUPORT_VEC_NATURAL_(long1, long int, x)
CUPORT_VEC_NATURAL_(ulong1, unsigned long int, x)
CUPORT_VEC_ALIGNED_(long2, 16, long int, x, y)
CUPORT_VEC_ALIGNED_(ulong2, 16, unsigned long int, x, y)
CUPORT_VEC_NATURAL_(long3, long int, x, y, z)
CUPORT_VEC_NATURAL_(ulong3, unsigned long int, x, y, z)
CUPORT_VEC_ALIGNED_(long4_16a, 16, long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(ulong4_16a, 16, unsigned long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(long4_32a, 32, long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(ulong4_32a, 32, unsigned long int, x, y, z, w)

// float elements.
CUPORT_VEC_NATURAL_(float1, float, x)
CUPORT_VEC_ALIGNED_(float2, 8, float, x, y)
CUPORT_VEC_NATURAL_(float3, float, x, y, z)
CUPORT_VEC_ALIGNED_(float4, 16, float, x, y, z, w)

// long long elements.
CUPORT_VEC_NATURAL_(longlong1, long long int, x)
CUPORT_VEC_NATURAL_(ulonglong1, unsigned long long int, x)
CUPORT_VEC_ALIGNED_(longlong2, 16, long long int, x, y)
CUPORT_VEC_ALIGNED_(ulonglong2, 16, unsigned long long int, x, y)
CUPORT_VEC_NATURAL_(longlong3, long long int, x, y, z)
CUPORT_VEC_NATURAL_(ulonglong3, unsigned long long int, x, y, z)
CUPORT_VEC_ALIGNED_(longlong4_16a, 16, long long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(ulonglong4_16a, 16, unsigned long long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(longlong4_32a, 32, long long int, x, y, z, w)
CUPORT_VEC_ALIGNED_(ulonglong4_32a, 32, unsigned long long int, x, y, z, w)

// double elements.
CUPORT_VEC_NATURAL_(double1, double, x)
CUPORT_VEC_ALIGNED_(double2, 16, double, x, y)
CUPORT_VEC_NATURAL_(double3, double, x, y, z)
CUPORT_VEC_ALIGNED_(double4_16a, 16, double, x, y, z, w)
CUPORT_VEC_ALIGNED_(double4_32a, 32, double, x, y, z, w)

// The deprecated four-vectors of 64-bit elements (16-byte aligned).
#define CUPORT_VEC_DEPRECATED_(name, type, msg)                                \
  struct CUPORT_VECTOR_DEPRECATED_(msg) __device_builtin__ __align__(16)       \
      name { type x, y, z, w; };
CUPORT_VEC_DEPRECATED_(long4, long int, "use long4_16a or long4_32a")
CUPORT_VEC_DEPRECATED_(ulong4, unsigned long int,
                       "use ulong4_16a or ulong4_32a")
CUPORT_VEC_DEPRECATED_(longlong4, long long int,
                       "use longlong4_16a or longlong4_32a")
CUPORT_VEC_DEPRECATED_(ulonglong4, unsigned long long int,
                       "use ulonglong4_16a or ulonglong4_32a")
CUPORT_VEC_DEPRECATED_(double4, double, "use double4_16a or double4_32a")
#undef CUPORT_VEC_DEPRECATED_

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
typedef struct long4 CUPORT_VECTOR_DEPRECATED_("use long4_16a or long4_32a")
    long4;
typedef struct ulong4 CUPORT_VECTOR_DEPRECATED_("use ulong4_16a or ulong4_32a")
    ulong4;
typedef struct longlong4 CUPORT_VECTOR_DEPRECATED_(
    "use longlong4_16a or longlong4_32a") longlong4;
typedef struct ulonglong4 CUPORT_VECTOR_DEPRECATED_(
    "use ulonglong4_16a or ulonglong4_32a") ulonglong4;
typedef struct double4 CUPORT_VECTOR_DEPRECATED_(
    "use double4_16a or double4_32a") double4;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#undef CUPORT_VEC_ALIGNED_
#undef CUPORT_VEC_NATURAL_
#undef CUPORT_VECTOR_DEPRECATED_

// dim3: a grid or block shape. In C++ every omitted extent is 1, and it
// converts to and from uint3 (the type of threadIdx and blockIdx).
struct __device_builtin__ dim3 {
  unsigned int x, y, z;
#if defined(__cplusplus)
  __host__ __device__ constexpr dim3(unsigned int vx = 1, unsigned int vy = 1,
                                     unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  __host__ __device__ constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  __host__ __device__ constexpr operator uint3() const {
    return uint3{x, y, z};
  }
#endif
};
typedef struct dim3 dim3;

#endif // CUPORT_VECTOR_TYPES_H
