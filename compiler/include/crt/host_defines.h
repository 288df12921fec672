//===- crt/host_defines.h - CUDA qualifiers and attributes ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The CUDA execution-space qualifiers (__host__, __device__, __global__, ...)
// and the attribute spellings the CUDA headers use. A host compiler sees them
// as nothing, so a .cpp file that includes cuda_runtime.h and marks a
// function __host__ __device__ still compiles. Clang in CUDA mode (__CUDA__)
// gets its own attributes. Every macro is defined only when nobody (the
// compiler, or a wrapper header) defined it before.
//
// Targets x86-64 Linux with GCC or Clang.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_CRT_HOST_DEFINES_H
#define CUPORT_CRT_HOST_DEFINES_H

#if defined(__clang__) && defined(__CUDA__)
#define CUPORT_CUDA_ATTR_(a) __attribute__((a))
#else
#define CUPORT_CUDA_ATTR_(a)
#endif

// Execution spaces and memory spaces.
#ifndef __host__
#define __host__ CUPORT_CUDA_ATTR_(host)
#endif
#ifndef __device__
#define __device__ CUPORT_CUDA_ATTR_(device)
#endif
#ifndef __global__
#define __global__ CUPORT_CUDA_ATTR_(global)
#endif
#ifndef __shared__
#define __shared__ CUPORT_CUDA_ATTR_(shared)
#endif
#ifndef __constant__
#define __constant__ CUPORT_CUDA_ATTR_(constant)
#endif
#ifndef __managed__
#define __managed__ CUPORT_CUDA_ATTR_(managed)
#endif
#ifndef __grid_constant__
#define __grid_constant__
#endif
#ifndef __launch_bounds__
#if defined(__clang__) && defined(__CUDA__)
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#else
#define __launch_bounds__(...)
#endif
#endif
#ifndef __cluster_dims__
#define __cluster_dims__(...)
#endif

// Markers that only nvcc's front end interprets.
#ifndef __device_builtin__
#define __device_builtin__
#endif
#ifndef __device_builtin_texture_type__
#define __device_builtin_texture_type__
#endif
#ifndef __device_builtin_surface_type__
#define __device_builtin_surface_type__
#endif
#ifndef __cudart_builtin__
#define __cudart_builtin__
#endif

// GNU attribute spellings.
#ifndef __forceinline__
#define __forceinline__ __inline__ __attribute__((always_inline))
#endif
#ifndef __align__
#define __align__(n) __attribute__((aligned(n)))
#endif
#ifndef __builtin_align__
#define __builtin_align__(n) __align__(n)
#endif
#ifndef __thread__
#define __thread__ __thread
#endif
#ifndef __no_return__
#define __no_return__ __attribute__((noreturn))
#endif
// __noinline__ is left to the CUDA compiler: as a plain macro it would break
// the __attribute__((__noinline__)) spelling that libstdc++ uses.
#if defined(__clang__) && defined(__CUDA__) && !defined(__noinline__)
#define __noinline__ __attribute__((noinline))
#endif

// Calling conventions (both empty on Linux).
#ifndef CUDARTAPI
#define CUDARTAPI
#endif
#ifndef CUDARTAPI_CDECL
#define CUDARTAPI_CDECL
#endif
#ifndef CUDART_CB
#define CUDART_CB
#endif

#endif // CUPORT_CRT_HOST_DEFINES_H
