//===- channel_descriptor.h - cudaCreateChannelDesc<T>() --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The C++ forms of cudaCreateChannelDesc: from an element type
// (cudaCreateChannelDesc<float4>()) or from a channel format kind
// (cudaCreateChannelDesc<cudaChannelFormatKindNV12>()), plus the half-float
// and NV12 helpers. A type or kind without a defined format gives an empty
// descriptor of kind cudaChannelFormatKindNone, as in CUDA.
//
// Internal helpers live in namespace __cuport.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_CHANNEL_DESCRIPTOR_H
#define CUPORT_CHANNEL_DESCRIPTOR_H

#include "cuda_runtime_api.h"

#if defined(__cplusplus)

namespace __cuport {

// The channel layout of an element type: `count` components of `bits` bits.
template <class T> struct ChannelOf {
  static constexpr int bits = 0;
  static constexpr int count = 0;
  static constexpr cudaChannelFormatKind kind = cudaChannelFormatKindNone;
};

#define CUPORT_CHANNEL_(T, E, N, K)                                            \
  template <> struct ChannelOf<T> {                                            \
    static constexpr int bits = int(sizeof(E)) * 8;                            \
    static constexpr int count = N;                                            \
    static constexpr cudaChannelFormatKind kind = K;                           \
  };
#define CUPORT_CHANNEL_SCALAR_(E, K) CUPORT_CHANNEL_(E, E, 1, K)
#define CUPORT_CHANNEL_VECTORS_(P, E, K)                                       \
  CUPORT_CHANNEL_(P##1, E, 1, K)                                               \
  CUPORT_CHANNEL_(P##2, E, 2, K) CUPORT_CHANNEL_(P##4, E, 4, K)

CUPORT_CHANNEL_(char, char, 1,
                (char)-1 < 0 ? cudaChannelFormatKindSigned
                             : cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_SCALAR_(signed char, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_SCALAR_(unsigned char, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_SCALAR_(short, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_SCALAR_(unsigned short, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_SCALAR_(int, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_SCALAR_(unsigned int, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_SCALAR_(long, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_SCALAR_(unsigned long, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_SCALAR_(float, cudaChannelFormatKindFloat)
CUPORT_CHANNEL_VECTORS_(char, signed char, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_VECTORS_(uchar, unsigned char, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_VECTORS_(short, short, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_VECTORS_(ushort, unsigned short, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_VECTORS_(int, int, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_VECTORS_(uint, unsigned int, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_VECTORS_(float, float, cudaChannelFormatKindFloat)
CUPORT_CHANNEL_(long1, long, 1, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_(long2, long, 2, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_(ulong1, unsigned long, 1, cudaChannelFormatKindUnsigned)
CUPORT_CHANNEL_(ulong2, unsigned long, 2, cudaChannelFormatKindUnsigned)
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
CUPORT_CHANNEL_(long4, long, 4, cudaChannelFormatKindSigned)
CUPORT_CHANNEL_(ulong4, unsigned long, 4, cudaChannelFormatKindUnsigned)
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#undef CUPORT_CHANNEL_
#undef CUPORT_CHANNEL_SCALAR_
#undef CUPORT_CHANNEL_VECTORS_

struct ChannelBits {
  int x, y, z, w;
};

// The component widths of the formats that a kind alone determines; the
// others get none.
inline ChannelBits channelBitsOf(cudaChannelFormatKind k) {
  switch (k) {
  case cudaChannelFormatKindSignedNormalized8X1:
  case cudaChannelFormatKindUnsignedNormalized8X1:
  case cudaChannelFormatKindUnsignedBlockCompressed4:
  case cudaChannelFormatKindSignedBlockCompressed4:
    return {8, 0, 0, 0};
  case cudaChannelFormatKindSignedNormalized8X2:
  case cudaChannelFormatKindUnsignedNormalized8X2:
  case cudaChannelFormatKindUnsignedBlockCompressed5:
  case cudaChannelFormatKindSignedBlockCompressed5:
    return {8, 8, 0, 0};
  case cudaChannelFormatKindNV12:
    return {8, 8, 8, 0};
  case cudaChannelFormatKindSignedNormalized8X4:
  case cudaChannelFormatKindUnsignedNormalized8X4:
  case cudaChannelFormatKindUnsignedBlockCompressed1:
  case cudaChannelFormatKindUnsignedBlockCompressed1SRGB:
  case cudaChannelFormatKindUnsignedBlockCompressed2:
  case cudaChannelFormatKindUnsignedBlockCompressed2SRGB:
  case cudaChannelFormatKindUnsignedBlockCompressed3:
  case cudaChannelFormatKindUnsignedBlockCompressed3SRGB:
  case cudaChannelFormatKindUnsignedBlockCompressed7:
  case cudaChannelFormatKindUnsignedBlockCompressed7SRGB:
    return {8, 8, 8, 8};
  case cudaChannelFormatKindSignedNormalized16X1:
  case cudaChannelFormatKindUnsignedNormalized16X1:
    return {16, 0, 0, 0};
  case cudaChannelFormatKindSignedNormalized16X2:
  case cudaChannelFormatKindUnsignedNormalized16X2:
    return {16, 16, 0, 0};
  case cudaChannelFormatKindUnsignedBlockCompressed6H:
  case cudaChannelFormatKindSignedBlockCompressed6H:
    return {16, 16, 16, 0};
  case cudaChannelFormatKindSignedNormalized16X4:
  case cudaChannelFormatKindUnsignedNormalized16X4:
    return {16, 16, 16, 16};
  case cudaChannelFormatKindUnsignedNormalized1010102:
    return {10, 10, 10, 2};
  default:
    return {0, 0, 0, 0};
  }
}

} // namespace __cuport

template <class T>
__inline__ __host__ cudaChannelFormatDesc cudaCreateChannelDesc(void) {
  using C = __cuport::ChannelOf<T>;
  return cudaCreateChannelDesc(C::bits, C::count >= 2 ? C::bits : 0,
                               C::count >= 4 ? C::bits : 0,
                               C::count >= 4 ? C::bits : 0, C::kind);
}

template <cudaChannelFormatKind K>
__inline__ __host__ cudaChannelFormatDesc cudaCreateChannelDesc(void) {
  __cuport::ChannelBits b = __cuport::channelBitsOf(K);
  return cudaCreateChannelDesc(b.x, b.y, b.z, b.w,
                               b.x ? K : cudaChannelFormatKindNone);
}

#endif // __cplusplus

// 16-bit floats (half), one, two or four of them.
static __inline__ __host__ struct cudaChannelFormatDesc
cudaCreateChannelDescHalf(void) {
  return cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindFloat);
}
static __inline__ __host__ struct cudaChannelFormatDesc
cudaCreateChannelDescHalf1(void) {
  return cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindFloat);
}
static __inline__ __host__ struct cudaChannelFormatDesc
cudaCreateChannelDescHalf2(void) {
  return cudaCreateChannelDesc(16, 16, 0, 0, cudaChannelFormatKindFloat);
}
static __inline__ __host__ struct cudaChannelFormatDesc
cudaCreateChannelDescHalf4(void) {
  return cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindFloat);
}
static __inline__ __host__ struct cudaChannelFormatDesc
cudaCreateChannelDescNV12(void) {
  return cudaCreateChannelDesc(8, 8, 8, 0, cudaChannelFormatKindNV12);
}

#endif // CUPORT_CHANNEL_DESCRIPTOR_H
