//===- core/ManagedRanges.h - Advice and prefetches of memory ranges -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What cudaMemAdvise and cudaMemPrefetchAsync said about byte ranges of
// managed (or, on a device with pageableMemoryAccess, system) memory, so
// that cudaMemRangeGetAttribute can answer. A backend whose device memory is
// host memory moves nothing; the runtime only remembers.
//
// The ranges are kept as disjoint segments, split where advice begins or
// ends, so advice on part of an allocation applies to that part only.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_MANAGEDRANGES_H
#define CUPORT_RUNTIME_CORE_MANAGEDRANGES_H

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace cuport::rt {

/// The advice and last prefetch location of a segment.
struct RangeState {
  bool readMostly = false;
  cudaMemLocation preferred{cudaMemLocationTypeInvalid, 0};
  /// Devices (ordinals, cudaCpuDeviceId for the host) advised
  /// cudaMemAdviseSetAccessedBy, sorted.
  std::vector<int> accessedBy;
  cudaMemLocation lastPrefetch{cudaMemLocationTypeInvalid, 0};

  bool operator==(const RangeState &) const = default;
};

class ManagedRanges {
public:
  /// Applies `change` to every byte of [begin, end).
  void update(uintptr_t begin, uintptr_t end,
              const std::function<void(RangeState &)> &change);
  /// The states covering [begin, end), in address order; bytes nothing was
  /// said about have the default state.
  std::vector<RangeState> states(uintptr_t begin, uintptr_t end) const;
  /// Forgets [base, base + size) (a freed allocation).
  void forget(const void *base, size_t size);

private:
  struct Segment {
    uintptr_t end = 0;
    RangeState state;
  };
  /// Splits the segment containing `at` so that one starts there.
  void splitAt(uintptr_t at);

  mutable std::mutex mutex_;
  std::map<uintptr_t, Segment> segments_; ///< keyed by first byte
};

ManagedRanges &managedRanges();

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_MANAGEDRANGES_H
