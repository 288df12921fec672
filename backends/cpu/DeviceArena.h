//===- cpu/DeviceArena.h - Shareable device memory of one CPU device -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each CPU device takes its device memory (cudaMalloc, pool blocks) from one
// memfd, so another process can map the same pages (cudaIpc*, pools with a
// POSIX file descriptor handle type):
//   - the memfd is sized once to the device's capacity (sparse: ftruncate
//     allocates nothing) and mapped once, MAP_SHARED | MAP_NORESERVE;
//   - sub-allocation is best fit over 256-byte units with coalescing of
//     neighbours (free ranges indexed by offset and by size), so a small
//     cudaMalloc costs no system call;
//   - freeing punches a hole (FALLOC_FL_PUNCH_HOLE) over the whole pages that
//     the free leaves unused, when they add up to kPunchMinimum or more, so
//     memory goes back to the system;
//   - the first kTableBytes of the file hold the export table: one slot
//     {offset, generation} per exported allocation. An importer reads the
//     slot from the file and refuses a handle whose generation no longer
//     matches (the allocation was freed since it was exported).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_DEVICEARENA_H
#define CUPORT_CPU_DEVICEARENA_H

#include "cuport/Backend.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <unordered_map>
#include <vector>

namespace cuport::cpu {

/// One slot of the export table, as stored in the memfd.
struct ExportSlot {
  uint64_t offset;
  uint64_t generation; ///< 0: free slot
};

class DeviceArena {
public:
  static constexpr size_t kUnit = 256;                 ///< cudaMalloc's alignment
  static constexpr size_t kTableBytes = 64 * 1024;     ///< export table
  static constexpr size_t kPunchMinimum = 64 * 1024;   ///< smallest hole punched

  DeviceArena() = default;
  DeviceArena(const DeviceArena &) = delete;
  DeviceArena &operator=(const DeviceArena &) = delete;
  ~DeviceArena();

  /// Creates the memfd of `capacity` bytes and maps it; false on failure
  /// (the device then keeps using private heap memory).
  bool create(size_t capacity);
  bool valid() const { return base_ != nullptr; }

  /// nullptr when the arena has no range of `bytes` left.
  void *allocate(size_t bytes);
  /// The rounded size freed; 0 when `ptr` is not a live allocation.
  size_t release(void *ptr);
  bool contains(const void *ptr) const;

  /// Describes live allocation `ptr` (its base) for another process, giving
  /// it an export slot; nullptr `ptr`: the whole arena (pool export).
  backend::Status exportMemory(const void *ptr, backend::ExportedMemory *out);

private:
  size_t allocateRange(size_t size); ///< offset, or 0 when full
  void freeRange(size_t offset, size_t size);
  void punchUnused(size_t offset, size_t size, size_t freeBegin, size_t freeEnd);
  ExportSlot *slots() const { return reinterpret_cast<ExportSlot *>(base_); }

  int fd_ = -1;
  uint64_t inode_ = 0;
  std::byte *base_ = nullptr;
  size_t capacity_ = 0;

  std::mutex mutex_;
  std::map<size_t, size_t> freeByOffset_;           ///< offset -> size
  std::set<std::pair<size_t, size_t>> freeBySize_;  ///< (size, offset)
  struct Live {
    size_t size;
    uint32_t slot; ///< 0: not exported (slot 0 is never used)
  };
  std::unordered_map<size_t, Live> live_;           ///< by offset
  std::vector<uint32_t> freeSlots_;
  uint32_t nextSlot_ = 1;
  uint64_t nextGeneration_ = 1;
};

/// Maps memory another process (or this one, for a received pool fd)
/// exported; closeImport unmaps it.
backend::Status importMemory(const backend::ExportedMemory &memory, void **out);
backend::Status closeImport(void *ptr);

} // namespace cuport::cpu

#endif // CUPORT_CPU_DEVICEARENA_H
