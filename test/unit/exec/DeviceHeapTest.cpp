//===- DeviceHeapTest.cpp - The CPU backend's device-heap allocator -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// backends/cpu/DeviceHeap directly, without kernels: size classes, frees
// that must be ignored, and many host threads allocating and freeing at
// once (what the workers of a launch do) without ever handing out a byte
// twice.
//
//===----------------------------------------------------------------------===//
#include "DeviceHeap.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

using cuport::cpu::DeviceHeap;

namespace {

struct HeapDeleter {
  void operator()(DeviceHeap *heap) const { DeviceHeap::destroy(heap); }
};
using HeapPtr = std::unique_ptr<DeviceHeap, HeapDeleter>;

TEST(DeviceHeap, SizeClassesCoverEveryRequestWithLittleWaste) {
  for (uint64_t bytes = 0; bytes < (1u << 20); bytes += 1 + bytes / 7) {
    uint64_t granted = DeviceHeap::classBytes(DeviceHeap::classOf(bytes));
    EXPECT_GE(granted, bytes);
    EXPECT_EQ(granted % 16, 0u);
    EXPECT_LE(granted, std::max<uint64_t>(16, bytes + bytes / 4 + 16)) << bytes;
  }
  EXPECT_LT(DeviceHeap::classOf(uint64_t(1) << 44), DeviceHeap::kClassCount);
}

TEST(DeviceHeap, BadFreesAreIgnored) {
  HeapPtr heap(DeviceHeap::create(4096));
  ASSERT_NE(heap, nullptr);
  heap->release(nullptr);
  int local = 0;
  heap->release(&local);
  void *a = heap->allocate(100);
  ASSERT_NE(a, nullptr);
  std::memset(a, 0, 100);
  heap->release(static_cast<char *>(a) + 16); // not a block
  heap->release(a);
  heap->release(a); // a second free: ignored, not pushed twice
  void *b = heap->allocate(100), *c = heap->allocate(100);
  EXPECT_EQ(b, a) << "the freed block comes back";
  EXPECT_NE(c, a) << "but only once";
  void *aligned = heap->allocateAligned(40, 1024);
  ASSERT_NE(aligned, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 1024, 0u);
  heap->release(aligned);
  EXPECT_EQ(heap->allocateAligned(40, 1024), aligned);
  EXPECT_EQ(heap->allocateAligned(40, 24), nullptr) << "not a power of two";
  EXPECT_EQ(heap->allocate(size_t(1) << 40), nullptr);
}

TEST(DeviceHeap, ThreadsAllocatingAtOnceNeverShareAByte) {
  HeapPtr heap(DeviceHeap::create(256 << 10)); // small: exhaustion happens
  ASSERT_NE(heap, nullptr);
  std::atomic<long> corrupted{0}, misaligned{0}, nulls{0};
  auto worker = [&](int id) {
    std::mt19937 random(id);
    std::vector<std::pair<unsigned char *, size_t>> live;
    for (int step = 0; step < 40000; ++step) {
      if (live.size() < 64 && random() % 2) {
        size_t bytes = 1 + random() % 3000;
        void *block = random() % 4 ? heap->allocate(bytes)
                                   : heap->allocateAligned(bytes, size_t(64) << (random() % 4));
        if (!block) {
          ++nulls;
          continue;
        }
        misaligned += reinterpret_cast<uintptr_t>(block) % 16 != 0;
        std::memset(block, id, bytes);
        live.push_back({static_cast<unsigned char *>(block), bytes});
      } else if (!live.empty()) {
        size_t pick = random() % live.size();
        auto [block, bytes] = live[pick];
        for (size_t i = 0; i < bytes; ++i)
          if (block[i] != static_cast<unsigned char>(id)) {
            ++corrupted;
            break;
          }
        heap->release(block);
        live[pick] = live.back();
        live.pop_back();
      }
    }
    for (auto [block, bytes] : live)
      heap->release(block);
  };
  std::vector<std::thread> threads;
  for (int id = 1; id <= 8; ++id)
    threads.emplace_back(worker, id);
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(corrupted, 0) << "a block was handed to two threads";
  EXPECT_EQ(misaligned, 0);
  EXPECT_GT(nulls, 0) << "the small heap was exhausted at times";
  EXPECT_LE(heap->carvedBytes(), heap->arenaBytes());
}

} // namespace
