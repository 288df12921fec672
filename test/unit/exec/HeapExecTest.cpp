//===- HeapExecTest.cpp - Device malloc and free ---------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In-kernel malloc/free/__nv_aligned_device_malloc run on the device heap a
// launch is given (LaunchParams::deviceHeap, made with
// MemoryKind::DeviceHeap): every thread of every block may allocate at
// once, results are 16-byte aligned and never overlap, blocks outlive the
// launch until some kernel frees them, freed memory is used again, and an
// exhausted heap makes malloc return NULL instead of failing the launch.
// The host only looks at addresses: device-heap memory is not host memory
// in CUDA, so the kernels check the contents themselves.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

using cuport::backend::MemoryKind;
using cuport::backend::Status;

namespace {

class HeapExec : public cuport::test::PtxModuleTest<HeapExec> {
public:
  static constexpr const char *kPtxFile = "exec/heap_kernels.ptx";

protected:
  /// A device heap of `bytes` that the following launches use.
  void useHeap(size_t bytes) {
    ASSERT_EQ(harness->device().allocate(bytes, MemoryKind::DeviceHeap, &heap_),
              Status::Success);
    harness->useDeviceHeap(heap_);
  }

  void TearDown() override {
    if (!harness)
      return;
    harness->useDeviceHeap(nullptr);
    if (heap_) {
      EXPECT_EQ(harness->device().release(heap_, MemoryKind::DeviceHeap), Status::Success);
    }
  }

  /// Checks that [address, address + bytes) of the non-null `blocks` are
  /// disjoint; returns how many are non-null.
  static size_t expectDisjoint(std::vector<uintptr_t> blocks, size_t bytes) {
    blocks.erase(std::remove(blocks.begin(), blocks.end(), 0u), blocks.end());
    std::sort(blocks.begin(), blocks.end());
    for (size_t i = 1; i < blocks.size(); ++i)
      EXPECT_LE(blocks[i - 1] + bytes, blocks[i]) << "blocks overlap";
    return blocks.size();
  }

  void *heap_ = nullptr;
};

std::vector<uintptr_t> addressesOf(const std::vector<char *> &pointers) {
  std::vector<uintptr_t> addresses;
  for (char *pointer : pointers)
    addresses.push_back(reinterpret_cast<uintptr_t>(pointer));
  return addresses;
}

TEST_F(HeapExec, EveryThreadAllocatesUsesAndFrees) {
  useHeap(8 << 20);
  constexpr int kBlocks = 64, kThreads = 128, kInts = 100;
  int *sums = harness->upload(std::vector<int>(kBlocks * kThreads, 0));
  // 8192 threads x 400 bytes per launch, 40 launches: far more than the
  // 8 MiB heap, so freed blocks must be used again.
  for (int round = 0; round < 40; ++round) {
    ASSERT_EQ(harness->launch(kernel("allocUseFree"), {kBlocks}, {kThreads}, sums, kInts),
              Status::Success);
    std::vector<int> got = harness->download(sums, kBlocks * kThreads);
    for (int id = 0; id < kBlocks * kThreads; ++id)
      ASSERT_EQ(got[id], kInts * id + kInts * (kInts - 1) / 2)
          << "thread " << id << " in round " << round << (got[id] == -1 ? ": NULL" : "");
  }
}

TEST_F(HeapExec, BlocksOutliveTheLaunchUntilAnotherLaunchFreesThem) {
  useHeap(8 << 20);
  constexpr int kBlocks = 32, kThreads = 64, kCount = kBlocks * kThreads, kInts = 10;
  int **slots = harness->upload(std::vector<int *>(kCount, nullptr));
  int *ok = harness->upload(std::vector<int>(kCount, 0));
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(harness->launch(kernel("allocKeep"), {kBlocks}, {kThreads}, slots, kInts),
              Status::Success);
    std::vector<int *> kept = harness->download(slots, kCount);
    std::vector<uintptr_t> addresses;
    for (int *pointer : kept) {
      addresses.push_back(reinterpret_cast<uintptr_t>(pointer));
      EXPECT_EQ(addresses.back() % 16, 0u);
    }
    EXPECT_EQ(expectDisjoint(addresses, kInts * sizeof(int)), size_t(kCount))
        << "blocks live at the same time share no byte";
    ASSERT_EQ(harness->launch(kernel("checkAndFree"), {kBlocks}, {kThreads}, slots, kInts, ok),
              Status::Success);
    EXPECT_EQ(harness->download(ok, kCount), std::vector<int>(kCount, 1))
        << "the second launch reads what the first wrote, in round " << round;
  }
}

TEST_F(HeapExec, AnExhaustedHeapReturnsNullAndFreedMemoryComesBack) {
  constexpr size_t kHeap = 64 << 10, kBytes = 1000;
  constexpr int kBlocks = 4, kThreads = 64, kCount = kBlocks * kThreads;
  useHeap(kHeap);
  char **slots = harness->upload(std::vector<char *>(kCount, nullptr));
  unsigned *nulls = harness->upload(std::vector<unsigned>(1, 0));
  ASSERT_EQ(harness->launch(kernel("allocCount"), {kBlocks}, {kThreads}, slots, kBytes, nulls),
            Status::Success);
  size_t granted = expectDisjoint(addressesOf(harness->download(slots, kCount)), kBytes);
  EXPECT_EQ(granted + harness->download(nulls, 1)[0], size_t(kCount));
  EXPECT_LE(granted * kBytes, kHeap) << "no more than the heap holds";
  EXPECT_GE(granted * kBytes, kHeap / 2) << "most of the heap is usable";
  EXPECT_LT(granted, size_t(kCount)) << "some threads must have got NULL";

  // Freed (NULL slots included: free(NULL) does nothing), the same requests
  // are granted again.
  ASSERT_EQ(harness->launch(kernel("freeAll"), {kBlocks}, {kThreads}, slots), Status::Success);
  nulls = harness->upload(std::vector<unsigned>(1, 0));
  ASSERT_EQ(harness->launch(kernel("allocCount"), {kBlocks}, {kThreads}, slots, kBytes, nulls),
            Status::Success);
  EXPECT_EQ(expectDisjoint(addressesOf(harness->download(slots, kCount)), kBytes), granted);
  ASSERT_EQ(harness->launch(kernel("freeAll"), {kBlocks}, {kThreads}, slots), Status::Success);
}

TEST_F(HeapExec, NoHeapOrAnEmptyOneMeansNull) {
  constexpr int kThreads = 32;
  int *sums = harness->upload(std::vector<int>(kThreads, 0));
  ASSERT_EQ(harness->launch(kernel("allocUseFree"), {1}, {kThreads}, sums, 4), Status::Success);
  EXPECT_EQ(harness->download(sums, kThreads), std::vector<int>(kThreads, -1));
  useHeap(0);
  ASSERT_EQ(harness->launch(kernel("allocUseFree"), {1}, {kThreads}, sums, 4), Status::Success);
  EXPECT_EQ(harness->download(sums, kThreads), std::vector<int>(kThreads, -1));
}

TEST_F(HeapExec, ResultsAreAlignedAsCudaPromises) {
  useHeap(1 << 20);
  constexpr int kBlocks = 2, kThreads = 64, kCount = kBlocks * kThreads;
  unsigned long long *addresses = harness->upload(std::vector<unsigned long long>(2 * kCount, 1));
  for (size_t align : {size_t(32), size_t(256), size_t(4096)}) {
    ASSERT_EQ(harness->launch(kernel("alignments"), {kBlocks}, {kThreads}, addresses, align),
              Status::Success);
    std::vector<unsigned long long> got = harness->download(addresses, 2 * kCount);
    for (int id = 0; id < kCount; ++id) {
      EXPECT_NE(got[2 * id], 0u) << id;
      EXPECT_EQ(got[2 * id] % 16, 0u) << "malloc(" << 1 + id << ")";
      EXPECT_NE(got[2 * id + 1], 0u) << id;
      EXPECT_EQ(got[2 * id + 1] % align, 0u) << "__nv_aligned_device_malloc(" << 24 + id
                                             << ", " << align << ")";
    }
  }
  // An alignment that is not a power of two: NULL, as CUDA documents.
  ASSERT_EQ(harness->launch(kernel("alignments"), {1}, {kThreads}, addresses, size_t(48)),
            Status::Success);
  std::vector<unsigned long long> got = harness->download(addresses, 2 * kThreads);
  for (int id = 0; id < kThreads; ++id) {
    EXPECT_NE(got[2 * id], 0u);
    EXPECT_EQ(got[2 * id + 1], 0u);
  }
}

} // namespace
