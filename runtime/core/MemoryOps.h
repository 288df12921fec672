//===- core/MemoryOps.h - Allocations, copies and fills --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What the memory entries (cudaMalloc*, cudaMemcpy*, cudaMemset*) share:
// allocating and releasing through the backend with the allocation table
// kept up to date, and submitting copies and fills to a stream's queue with
// CUDA's rules on host memory.
//
// A copy or fill is strided: `height` rows of `width` bytes in each of
// `depth` slices, rows `pitch` bytes apart and slices `slicePitch` bytes
// apart (a linear copy is one row). Every device-side range is checked
// against the allocation table before anything is submitted.
//
// Host memory rules (those of cudaMemcpyAsync): an asynchronous copy from
// pageable memory captures the source before returning (staged), one into
// pageable memory is synchronous; with pinned memory (cudaMallocHost,
// cudaHostAlloc, cudaHostRegister) both directions stay asynchronous.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_MEMORYOPS_H
#define CUPORT_RUNTIME_CORE_MEMORYOPS_H

#include "core/Runtime.h"
#include "core/Streams.h"

#include <cuda_runtime_api.h>

#include <cstddef>

namespace cuport::rt {

/// cudaDeviceProp::memPitch: the largest pitch the copy functions accept.
inline constexpr size_t kMaxPitch = 2147483647;
/// The pitch alignment of cudaMallocPitch / cudaMalloc3D: the device's
/// textureAlignment (512, a multiple of texturePitchAlignment, 32), what
/// NVIDIA's runtime returns on current GPUs.
inline constexpr size_t kPitchAlignment = 512;

/// One side of a strided copy or fill: the address of its first byte and
/// the distances between its rows and slices.
struct StridedRegion {
  void *base = nullptr;
  size_t pitch = 0;
  size_t slicePitch = 0;
};

/// The bytes a strided region spans: from its first byte to the last byte
/// of its last row.
size_t stridedSpan(const StridedRegion &region, size_t width, size_t height,
                   size_t depth);

struct StridedCopy {
  StridedRegion dst;
  StridedRegion src;
  size_t width = 0;  ///< bytes per row
  size_t height = 1; ///< rows per slice
  size_t depth = 1;  ///< slices
  /// The source may be read only during the call (a batch copy's
  /// cudaMemcpySrcAccessOrderDuringApiCall): capture it before returning,
  /// whatever memory it is.
  bool captureSource = false;
};

/// True when `pointer` is pinned host memory (allocated or registered).
bool isPinnedHost(const void *pointer);

/// Which sides of a copy are device memory, per `kind`; false for a kind
/// that does not exist. cudaMemcpyDefault asks the allocation table.
bool copySides(cudaMemcpyKind kind, const void *dst, const void *src,
               bool *dstDevice, bool *srcDevice);

/// Checks `copy` as copyStrided does, submitting nothing.
cudaError_t checkStridedCopy(const StridedCopy &copy, cudaMemcpyKind kind);

/// Submits `copy` to `stream` (synchronous unless `async`). Errors:
/// cudaErrorInvalidMemcpyDirection for a kind that does not exist,
/// cudaErrorInvalidValue for a null pointer or a device range that is not
/// inside one allocation, the stream's and the device's errors.
cudaError_t copyStrided(const StridedCopy &copy, cudaMemcpyKind kind,
                        cudaStream_t stream, bool async);

/// A linear copy of `count` bytes.
cudaError_t copyLinear(void *dst, const void *src, size_t count,
                       cudaMemcpyKind kind, cudaStream_t stream, bool async);

/// Fills a strided device region with the byte `value` (asynchronous with
/// respect to the host, like cudaMemset).
cudaError_t fillStrided(const StridedRegion &region, int value, size_t width,
                        size_t height, size_t depth, cudaStream_t stream);

/// Allocates `size` bytes of `kind` on the current device and records them
/// (with `flags`, as cudaHostGetFlags / managed attach flags report them).
/// A size of 0 gives nullptr and cudaSuccess.
cudaError_t allocateMemory(void **out, size_t size, backend::MemoryKind kind,
                           unsigned flags = 0);

/// Frees what allocateMemory returned when its kind is one of `kinds`
/// (a bit per backend::MemoryKind); nullptr is a no-op.
cudaError_t releaseMemory(void *pointer, unsigned kinds);

/// The bit of `kind` for releaseMemory.
constexpr unsigned kindBit(backend::MemoryKind kind) {
  return 1u << static_cast<int>(kind);
}

/// Resolves `stream` for new work: its device must be free of sticky
/// errors, and the legacy-stream ordering is applied.
cudaError_t prepareStream(cudaStream_t stream, StreamTarget *target);

/// Rounds `width` up to the pitch of cudaMallocPitch; false on overflow.
bool pitchFor(size_t width, size_t *pitch);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_MEMORYOPS_H
