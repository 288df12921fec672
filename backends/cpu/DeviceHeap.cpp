//===- cpu/DeviceHeap.cpp - The heap of device malloc/free ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "DeviceHeap.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

namespace cuport::cpu {

namespace {

constexpr uint64_t kUnit = 16; ///< alignment and granularity of payloads
constexpr unsigned kOffsetBits = 40;
constexpr uint64_t kOffsetMask = (uint64_t(1) << kOffsetBits) - 1;
/// Largest arena: block offsets / 16 must fit kOffsetBits.
constexpr uint64_t kMaxArenaBytes = (uint64_t(1) << kOffsetBits) * kUnit;

enum BlockState : uint32_t {
  kLive = 0x4c495645,        ///< allocated
  kFree = 0x46524545,        ///< on a free list
  kAlignedLink = 0x414c4e4b, ///< not a block: before an aligned result,
                             ///< `link` is the distance back to the payload
};

uint64_t tagOf(uint64_t head) { return head >> kOffsetBits; }
uint64_t slotOf(uint64_t head) { return head & kOffsetMask; }
uint64_t packHead(uint64_t slot, uint64_t tag) {
  return (tag << kOffsetBits) | (slot & kOffsetMask);
}

} // namespace

struct DeviceHeap::Header {
  std::atomic<uint32_t> state;
  uint32_t sizeClass;
  /// Free: the next free block's slot (offset / 16 + 1, 0 ends the list).
  /// Aligned link: bytes from the block's payload to the aligned result.
  std::atomic<uint64_t> link;
};
static_assert(sizeof(std::atomic<uint32_t>) == 4 && sizeof(std::atomic<uint64_t>) == 8);

DeviceHeap *DeviceHeap::create(size_t bytes) {
  static_assert(sizeof(Header) == kUnit);
  uint64_t size = bytes / kUnit * kUnit;
  if (size > kMaxArenaBytes)
    return nullptr;
  // Lazily committed by the host (aligned_alloc maps large sizes): an
  // 8 MiB heap costs nothing until kernels allocate from it.
  size_t mapped = std::max<size_t>(64, (size + 63) / 64 * 64);
  auto *arena = static_cast<std::byte *>(std::aligned_alloc(64, mapped));
  if (!arena)
    return nullptr;
  auto *heap = new (std::nothrow) DeviceHeap(arena, size);
  if (!heap)
    std::free(arena);
  return heap;
}

void DeviceHeap::destroy(DeviceHeap *heap) {
  if (!heap)
    return;
  std::free(heap->arena_);
  delete heap;
}

uint64_t DeviceHeap::classBytes(unsigned index) {
  if (index < 8)
    return (index + 1) * kUnit;
  unsigned power = 3 + (index - 8) / 4, quarter = (index - 8) % 4 + 1;
  uint64_t units = (uint64_t(1) << power) + quarter * (uint64_t(1) << (power - 2));
  return units * kUnit;
}

unsigned DeviceHeap::classOf(uint64_t bytes) {
  uint64_t units = std::max<uint64_t>(1, (bytes + kUnit - 1) / kUnit);
  if (units <= 8)
    return unsigned(units - 1);
  // 2^power < units <= 2^(power+1), four classes in between.
  unsigned power = 63 - unsigned(std::countl_zero(units - 1));
  uint64_t step = uint64_t(1) << (power - 2);
  uint64_t quarter = (units - (uint64_t(1) << power) + step - 1) / step;
  return 8 + (power - 3) * 4 + unsigned(quarter - 1);
}

DeviceHeap::Header *DeviceHeap::headerAt(uint64_t offset) const {
  return reinterpret_cast<Header *>(arena_ + offset);
}

DeviceHeap::Header *DeviceHeap::pop(unsigned sizeClass) {
  std::atomic<uint64_t> &list = freeLists_[sizeClass];
  uint64_t head = list.load(std::memory_order_acquire);
  while (slotOf(head)) {
    Header *block = headerAt((slotOf(head) - 1) * kUnit);
    // The block may be taken by another thread meanwhile: then `next` is
    // stale, but the tag makes the exchange fail. Headers stay inside the
    // arena, so the read is always of heap memory.
    uint64_t next = block->link.load(std::memory_order_relaxed);
    if (list.compare_exchange_weak(head, packHead(next, tagOf(head) + 1),
                                   std::memory_order_acquire,
                                   std::memory_order_acquire)) {
      block->state.store(kLive, std::memory_order_relaxed);
      return block;
    }
  }
  return nullptr;
}

void DeviceHeap::push(Header *block, unsigned sizeClass) {
  std::atomic<uint64_t> &list = freeLists_[sizeClass];
  uint64_t slot = uint64_t(reinterpret_cast<std::byte *>(block) - arena_) / kUnit + 1;
  uint64_t head = list.load(std::memory_order_relaxed);
  do {
    block->link.store(slotOf(head), std::memory_order_relaxed);
  } while (!list.compare_exchange_weak(head, packHead(slot, tagOf(head) + 1),
                                       std::memory_order_release,
                                       std::memory_order_relaxed));
}

DeviceHeap::Header *DeviceHeap::carve(unsigned sizeClass) {
  uint64_t blockBytes = kUnit + classBytes(sizeClass);
  uint64_t offset = bump_.load(std::memory_order_relaxed);
  do {
    if (blockBytes > size_ || offset > size_ - blockBytes)
      return nullptr; // exhausted: leave the rest for smaller requests
  } while (!bump_.compare_exchange_weak(offset, offset + blockBytes,
                                        std::memory_order_relaxed));
  Header *block = headerAt(offset);
  block->sizeClass = sizeClass;
  block->link.store(0, std::memory_order_relaxed);
  block->state.store(kLive, std::memory_order_relaxed);
  return block;
}

void *DeviceHeap::allocate(size_t bytes) {
  if (bytes > size_)
    return nullptr;
  unsigned sizeClass = classOf(bytes);
  Header *block = pop(sizeClass);
  if (!block)
    block = carve(sizeClass);
  // The arena's end is reached: a free block of a larger class will do.
  for (unsigned larger = sizeClass + 1; !block && larger < kClassCount; ++larger)
    block = pop(larger);
  return block ? reinterpret_cast<std::byte *>(block) + kUnit : nullptr;
}

void *DeviceHeap::allocateAligned(size_t bytes, size_t alignment) {
  if (!std::has_single_bit(alignment) || bytes > size_ || alignment > size_)
    return nullptr;
  if (alignment <= kUnit)
    return allocate(bytes);
  // Room to move the result up to the next multiple of `alignment`; the
  // 16 bytes before it (inside the payload) say where the block starts.
  auto *payload = static_cast<std::byte *>(allocate(bytes + alignment - kUnit));
  if (!payload)
    return nullptr;
  uintptr_t address = reinterpret_cast<uintptr_t>(payload);
  uintptr_t aligned = (address + alignment - 1) & ~uintptr_t(alignment - 1);
  if (aligned == address)
    return payload;
  auto *link = reinterpret_cast<Header *>(aligned - kUnit);
  link->sizeClass = 0;
  link->link.store(aligned - address, std::memory_order_relaxed);
  link->state.store(kAlignedLink, std::memory_order_relaxed);
  return reinterpret_cast<void *>(aligned);
}

DeviceHeap::Header *DeviceHeap::liveBlockOf(const void *pointer) const {
  auto begin = reinterpret_cast<uintptr_t>(arena_);
  uintptr_t payload = reinterpret_cast<uintptr_t>(pointer);
  uint64_t carved = bump_.load(std::memory_order_acquire);
  // An aligned result first leads to its link, then to the block.
  for (int hop = 0; hop < 2; ++hop) {
    if (payload < begin + kUnit || payload > begin + carved ||
        (payload - begin) % kUnit != 0)
      return nullptr;
    Header *header = headerAt(payload - begin - kUnit);
    uint32_t state = header->state.load(std::memory_order_relaxed);
    if (state == kLive)
      return header;
    if (state != kAlignedLink)
      return nullptr; // already free, or not a block
    payload -= header->link.load(std::memory_order_relaxed);
  }
  return nullptr;
}

void DeviceHeap::release(void *pointer) {
  if (!pointer)
    return;
  Header *block = liveBlockOf(pointer);
  if (!block)
    return;
  uint32_t live = kLive;
  // Two frees of one block at once: only one pushes it.
  if (!block->state.compare_exchange_strong(live, kFree, std::memory_order_acq_rel))
    return;
  push(block, block->sizeClass);
}

} // namespace cuport::cpu
