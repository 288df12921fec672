//===- cpu/DeviceHeap.h - The heap of device malloc/free -------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's device heap: what in-kernel malloc, free and
// __nv_aligned_device_malloc allocate from. One arena of the size the
// runtime asks for (cudaLimitMallocHeapSize, 8 MiB by default), created
// with MemoryKind::DeviceHeap and handed to every launch of a kernel that
// calls malloc, so blocks outlive the launch that allocated them until
// some kernel frees them.
//
// The allocator is a size-class free-list allocator over the arena, lock-
// free so every worker thread may call it at once:
//   - a block is a 16-byte header followed by its payload; payload sizes
//     are classes of 16-byte units (16..128 bytes exactly, then four
//     classes per power of two, so at most 25% is lost to rounding), hence
//     every result is 16-byte aligned;
//   - malloc pops the class's free list (a Treiber stack whose head carries
//     an ABA tag), else carves a new block off the arena's end with a CAS
//     on the bump offset, else takes a block of a larger class from its
//     free list; when all fail it returns NULL (never crashes, never takes
//     memory outside the arena);
//   - free pushes the block on its class's list; free(NULL), a pointer
//     outside the heap and a second free of the same block are ignored.
// What it does not do: freed blocks are reused for their class (or for
// smaller requests) but never split or merged, so a program that frees
// many small blocks and then asks for one large block can get NULL where
// CUDA's allocator might have coalesced them.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_DEVICEHEAP_H
#define CUPORT_CPU_DEVICEHEAP_H

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cuport::cpu {

class DeviceHeap {
public:
  /// A heap whose arena holds `bytes` (block headers included); nullptr
  /// when the host has not that much memory.
  static DeviceHeap *create(size_t bytes);
  static void destroy(DeviceHeap *heap);

  /// `bytes` bytes aligned to 16; nullptr when the heap is exhausted.
  void *allocate(size_t bytes);
  /// `bytes` bytes aligned to `alignment` (a power of two); nullptr when it
  /// is not one or the heap is exhausted.
  void *allocateAligned(size_t bytes, size_t alignment);
  /// Returns a block from allocate/allocateAligned; anything else
  /// (NULL, foreign pointers, a block already freed) is ignored.
  void release(void *pointer);

  size_t arenaBytes() const { return size_; }
  /// Bytes of the arena carved into blocks so far (never decreases).
  size_t carvedBytes() const { return bump_.load(std::memory_order_relaxed); }

  /// The payload size, in bytes, of size class `index`, and the class of
  /// a payload of `bytes` (exposed for tests).
  static uint64_t classBytes(unsigned index);
  static unsigned classOf(uint64_t bytes);
  static constexpr unsigned kClassCount = 8 + 4 * 40;

private:
  struct Header;

  DeviceHeap(std::byte *arena, size_t size) : arena_(arena), size_(size) {}
  Header *headerAt(uint64_t offset) const;
  Header *pop(unsigned sizeClass);
  void push(Header *block, unsigned sizeClass);
  Header *carve(unsigned sizeClass);
  /// The live block whose payload starts at `payload`, or nullptr.
  Header *liveBlockOf(const void *payload) const;

  std::byte *arena_;
  size_t size_;
  std::atomic<uint64_t> bump_{0};
  /// Per class: (ABA tag << 40) | (block offset / 16 + 1); 0 is empty.
  std::array<std::atomic<uint64_t>, kClassCount> freeLists_{};
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_DEVICEHEAP_H
