//===- core/AllocationTable.h - Which pointers the runtime owns -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every allocation the runtime hands out (cudaMalloc, later pinned host and
// managed memory) is recorded here, so that each pointer an application
// passes can be checked: an unknown pointer or a range that runs past its
// allocation is cudaErrorInvalidValue, never a crash (DESIGN.md §3.1).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_ALLOCATIONTABLE_H
#define CUPORT_RUNTIME_CORE_ALLOCATIONTABLE_H

#include "cuport/Backend.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <vector>

namespace cuport::rt {

struct Allocation {
  uintptr_t base = 0;
  size_t size = 0;
  backend::MemoryKind kind = backend::MemoryKind::Device;
  int device = 0;
  /// A module's __device__/__constant__ variable: addressable like device
  /// memory, but not the application's to free.
  bool isSymbol = false;
  /// Host memory the application owns, pinned by cudaHostRegister.
  bool registered = false;
  /// cudaHostAlloc / cudaHostRegister flags, cudaMallocManaged attach flags.
  unsigned flags = 0;
};

class AllocationTable {
public:
  void insert(const Allocation &allocation);
  /// Inserts `allocation` unless it overlaps one already recorded.
  bool insertIfFree(const Allocation &allocation);
  /// Sets the flags of the allocation that starts exactly at `base`; false
  /// when there is none.
  bool setFlags(const void *base, unsigned flags);
  /// Removes the allocation that starts exactly at `base`.
  std::optional<Allocation> erase(const void *base);
  /// The allocation containing `pointer`, if any.
  std::optional<Allocation> find(const void *pointer) const;
  /// True when [pointer, pointer + bytes) lies inside one allocation.
  bool contains(const void *pointer, size_t bytes) const;
  /// Removes and returns every allocation of `device`.
  std::vector<Allocation> takeAll(int device);

private:
  mutable std::shared_mutex mutex_;
  std::map<uintptr_t, Allocation> byBase_;
};

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_ALLOCATIONTABLE_H
