//===- driver_functions.h - Constructors of copy descriptors ----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// make_cudaPitchedPtr, make_cudaPos and make_cudaExtent.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_DRIVER_FUNCTIONS_H
#define CUPORT_DRIVER_FUNCTIONS_H

#include "builtin_types.h"

static __inline__ __host__ struct cudaPitchedPtr
make_cudaPitchedPtr(void *d, size_t p, size_t xsz, size_t ysz) {
  struct cudaPitchedPtr r;
  r.ptr = d;
  r.pitch = p;
  r.xsize = xsz;
  r.ysize = ysz;
  return r;
}

static __inline__ __host__ struct cudaPos make_cudaPos(size_t x, size_t y,
                                                       size_t z) {
  struct cudaPos r;
  r.x = x;
  r.y = y;
  r.z = z;
  return r;
}

static __inline__ __host__ struct cudaExtent make_cudaExtent(size_t w, size_t h,
                                                             size_t d) {
  struct cudaExtent r;
  r.width = w;
  r.height = h;
  r.depth = d;
  return r;
}

#endif // CUPORT_DRIVER_FUNCTIONS_H
