//===- StreamEventTest.cpp - Streams, events, async copies, pinned memory -===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Ordering is observed through host functions enqueued on streams, which
// makes the tests exact: a stream that did not wait would let a flag be
// read before it was set, a stream that waited when it should not would
// never see the other side's signal (each wait has a generous timeout so
// such a bug fails instead of hanging).
//
//===----------------------------------------------------------------------===//
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

class RuntimeTestBase : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

/// A one-shot signal with a timeout.
struct Signal {
  std::mutex mutex;
  std::condition_variable changed;
  bool raised = false;
  void raise() {
    {
      std::lock_guard lock(mutex);
      raised = true;
    }
    changed.notify_all();
  }
  bool waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return raised; });
  }
};

void sleepThenSet(void *flag) {
  std::this_thread::sleep_for(50ms);
  static_cast<std::atomic<int> *>(flag)->store(1);
}

//===----------------------------------------------------------------------===//
// Streams
//===----------------------------------------------------------------------===//

using RuntimeStream = RuntimeTestBase;

TEST_F(RuntimeStream, CreateDestroy) {
  cudaStream_t stream = nullptr, nonBlocking = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_NE(stream, nullptr);
  ASSERT_EQ(cudaStreamCreateWithFlags(&nonBlocking, cudaStreamNonBlocking), cudaSuccess);
  unsigned flags = 99;
  EXPECT_EQ(cudaStreamGetFlags(stream, &flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaStreamDefault));
  EXPECT_EQ(cudaStreamGetFlags(nonBlocking, &flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaStreamNonBlocking));
  int device = -1;
  EXPECT_EQ(cudaStreamGetDevice(stream, &device), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaStreamCreateWithFlags(&stream, 0x80), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamCreate(nullptr), cudaErrorInvalidValue);

  EXPECT_EQ(cudaStreamDestroy(nonBlocking), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamDestroy(nullptr), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidResourceHandle);
}

TEST_F(RuntimeStream, Priorities) {
  int least = 1, greatest = 1;
  ASSERT_EQ(cudaDeviceGetStreamPriorityRange(&least, &greatest), cudaSuccess);
  EXPECT_EQ(least, 0);
  EXPECT_EQ(greatest, -5);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreateWithPriority(&stream, cudaStreamDefault, -100), cudaSuccess);
  int priority = 0;
  EXPECT_EQ(cudaStreamGetPriority(stream, &priority), cudaSuccess);
  EXPECT_EQ(priority, greatest) << "out-of-range priorities are clamped";
  EXPECT_EQ(cudaStreamGetPriority(nullptr, &priority), cudaSuccess);
  EXPECT_EQ(priority, least);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeStream, SynchronizeAndQuery) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  Signal release;
  ASSERT_EQ(cudaLaunchHostFunc(
                stream, [](void *signal) { static_cast<Signal *>(signal)->waitFor(10s); },
                &release),
            cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaErrorNotReady);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess) << "NotReady is not an error";
  release.raise();
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(cudaStreamLegacy), cudaSuccess);
  int bogus = 0;
  EXPECT_EQ(cudaStreamQuery(reinterpret_cast<cudaStream_t>(&bogus)),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeStream, HostCallbacksRunInOrder) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  struct Log {
    std::vector<int> order;
    int next = 0;
  } log;
  for (int i = 0; i < 50; ++i) {
    if (i % 2 == 0)
      ASSERT_EQ(cudaLaunchHostFunc(stream, [](void *data) {
                  auto *log = static_cast<Log *>(data);
                  log->order.push_back(log->next++);
                }, &log), cudaSuccess);
    else
      ASSERT_EQ(cudaStreamAddCallback(stream,
                                      [](cudaStream_t, cudaError_t status, void *data) {
                                        auto *log = static_cast<Log *>(data);
                                        log->order.push_back(status == cudaSuccess
                                                                 ? log->next++
                                                                 : -1);
                                      },
                                      &log, 0),
                cudaSuccess);
  }
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  std::vector<int> expected(50);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(log.order, expected);
  EXPECT_EQ(cudaStreamAddCallback(stream, nullptr, nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLaunchHostFunc(stream, nullptr, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeStream, IndependentStreamsOverlap) {
  cudaStream_t first, second;
  ASSERT_EQ(cudaStreamCreate(&first), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&second), cudaSuccess);
  // The first stream blocks until the second one has run: serialized
  // streams would time out here.
  Signal fromSecond;
  std::atomic<bool> sawSecond{false};
  struct Wait {
    Signal *signal;
    std::atomic<bool> *seen;
  } wait{&fromSecond, &sawSecond};
  ASSERT_EQ(cudaLaunchHostFunc(first, [](void *data) {
              auto *wait = static_cast<Wait *>(data);
              wait->seen->store(wait->signal->waitFor(10s));
            }, &wait), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(second, [](void *signal) {
              static_cast<Signal *>(signal)->raise();
            }, &fromSecond), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(first), cudaSuccess);
  EXPECT_TRUE(sawSecond.load());
  EXPECT_EQ(cudaStreamDestroy(first), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(second), cudaSuccess);
}

TEST_F(RuntimeStream, LegacyStreamSynchronizesWithBlockingStreamsOnly) {
  cudaStream_t blocking, nonBlocking;
  ASSERT_EQ(cudaStreamCreate(&blocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&nonBlocking, cudaStreamNonBlocking), cudaSuccess);

  // Work on stream 0 waits for earlier work on a blocking stream.
  std::atomic<int> flag{0};
  ASSERT_EQ(cudaLaunchHostFunc(blocking, sleepThenSet, &flag), cudaSuccess);
  std::atomic<int> seen{-1};
  struct Read {
    std::atomic<int> *flag, *seen;
  } read{&flag, &seen};
  ASSERT_EQ(cudaLaunchHostFunc(nullptr, [](void *data) {
              auto *read = static_cast<Read *>(data);
              read->seen->store(read->flag->load());
            }, &read), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(seen.load(), 1);

  // ... and later work on a blocking stream waits for stream 0.
  std::atomic<int> legacyFlag{0};
  ASSERT_EQ(cudaLaunchHostFunc(nullptr, sleepThenSet, &legacyFlag), cudaSuccess);
  std::atomic<int> seenOnStream{-1};
  Read readLegacy{&legacyFlag, &seenOnStream};
  ASSERT_EQ(cudaLaunchHostFunc(blocking, [](void *data) {
              auto *read = static_cast<Read *>(data);
              read->seen->store(read->flag->load());
            }, &readLegacy), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(seenOnStream.load(), 1);

  // A non-blocking stream does not wait for stream 0 (it would time out).
  Signal fromNonBlocking;
  std::atomic<bool> legacySawIt{false};
  struct Wait {
    Signal *signal;
    std::atomic<bool> *seen;
  } wait{&fromNonBlocking, &legacySawIt};
  ASSERT_EQ(cudaLaunchHostFunc(nullptr, [](void *data) {
              auto *wait = static_cast<Wait *>(data);
              wait->seen->store(wait->signal->waitFor(10s));
            }, &wait), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(nonBlocking, [](void *signal) {
              static_cast<Signal *>(signal)->raise();
            }, &fromNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_TRUE(legacySawIt.load());
  EXPECT_EQ(cudaStreamDestroy(blocking), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(nonBlocking), cudaSuccess);
}

TEST_F(RuntimeStream, WaitEvent) {
  cudaStream_t producer, consumer;
  ASSERT_EQ(cudaStreamCreateWithFlags(&producer, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&consumer, cudaStreamNonBlocking), cudaSuccess);
  cudaEvent_t ready;
  ASSERT_EQ(cudaEventCreateWithFlags(&ready, cudaEventDisableTiming), cudaSuccess);
  std::atomic<int> flag{0};
  ASSERT_EQ(cudaLaunchHostFunc(producer, sleepThenSet, &flag), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(ready, producer), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(consumer, ready, 0), cudaSuccess);
  // A record made after the wait is not waited for.
  Signal never;
  ASSERT_EQ(cudaLaunchHostFunc(producer, [](void *signal) {
              static_cast<Signal *>(signal)->waitFor(3s);
            }, &never), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(ready, producer), cudaSuccess);
  std::atomic<int> seen{-1};
  struct Read {
    std::atomic<int> *flag, *seen;
  } read{&flag, &seen};
  ASSERT_EQ(cudaLaunchHostFunc(consumer, [](void *data) {
              auto *read = static_cast<Read *>(data);
              read->seen->store(read->flag->load());
            }, &read), cudaSuccess);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(cudaStreamSynchronize(consumer), cudaSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms)
      << "the consumer waited for a record made after its wait";
  EXPECT_EQ(seen.load(), 1);
  never.raise();
  EXPECT_EQ(cudaStreamWaitEvent(consumer, nullptr, 0), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventDestroy(ready), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(producer), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(consumer), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Events
//===----------------------------------------------------------------------===//

using RuntimeEvent = RuntimeTestBase;

TEST_F(RuntimeEvent, CreateDestroy) {
  cudaEvent_t event;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaErrorInvalidResourceHandle);
  ASSERT_EQ(cudaEventCreateWithFlags(&event, cudaEventBlockingSync | cudaEventDisableTiming),
            cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaEventCreateWithFlags(&event, 0x40), cudaErrorInvalidValue);
  EXPECT_EQ(cudaEventCreateWithFlags(&event, cudaEventInterprocess), cudaErrorInvalidValue);
  ASSERT_EQ(cudaEventCreateWithFlags(&event, cudaEventInterprocess | cudaEventDisableTiming),
            cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaEventCreate(nullptr), cudaErrorInvalidValue);
}

TEST_F(RuntimeEvent, RecordQuerySynchronize) {
  cudaEvent_t event;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess) << "never recorded counts as done";
  EXPECT_EQ(cudaEventSynchronize(event), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  Signal release;
  ASSERT_EQ(cudaLaunchHostFunc(stream, [](void *signal) {
              static_cast<Signal *>(signal)->waitFor(10s);
            }, &release), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaErrorNotReady);
  release.raise();
  EXPECT_EQ(cudaEventSynchronize(event), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess);
  EXPECT_EQ(cudaEventRecordWithFlags(event, stream, 0), cudaSuccess);
  EXPECT_EQ(cudaEventRecordWithFlags(event, stream, 0x10), cudaErrorInvalidValue);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaEventRecord(event, stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaErrorInvalidResourceHandle);
}

TEST_F(RuntimeEvent, ElapsedTime) {
  cudaEvent_t start, stop, untimed, unrecorded;
  ASSERT_EQ(cudaEventCreate(&start), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&stop), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&unrecorded), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(start, nullptr), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(nullptr, [](void *) {
              std::this_thread::sleep_for(20ms);
            }, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(stop, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(untimed, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(stop), cudaSuccess);
  float ms = -1;
  ASSERT_EQ(cudaEventElapsedTime(&ms, start, stop), cudaSuccess);
  EXPECT_GE(ms, 19.0f) << "the events bracket a 20 ms host function";
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, untimed), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, unrecorded), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventElapsedTime(nullptr, start, stop), cudaErrorInvalidValue);
  for (cudaEvent_t event : {start, stop, untimed, unrecorded})
    EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Asynchronous copies and pinned memory
//===----------------------------------------------------------------------===//


TEST(RuntimeMemory, PinnedHost) {
  void *pinned = nullptr, *mapped = nullptr, *device = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 4096), cudaSuccess);
  ASSERT_EQ(cudaHostAlloc(&mapped, 100, cudaHostAllocMapped | cudaHostAllocPortable),
            cudaSuccess);
  EXPECT_EQ(cudaHostAlloc(&mapped, 100, 0x100), cudaErrorInvalidValue);
  std::memset(pinned, 0x5A, 4096); // host-accessible
  void *devicePointer = nullptr;
  EXPECT_EQ(cudaHostGetDevicePointer(&devicePointer, mapped, 0), cudaSuccess);
  EXPECT_EQ(devicePointer, mapped);
  unsigned flags = 0;
  EXPECT_EQ(cudaHostGetFlags(&flags, mapped), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&device, 64), cudaSuccess);
  EXPECT_EQ(cudaHostGetDevicePointer(&devicePointer, device, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(pinned), cudaErrorInvalidValue) << "cudaFree of pinned memory";
  EXPECT_EQ(cudaFreeHost(device), cudaErrorInvalidValue) << "cudaFreeHost of device memory";
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(mapped), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(mapped), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

TEST(RuntimeMemory, MemGetInfo) {
  size_t freeBytes = 0, totalBytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&freeBytes, &totalBytes), cudaSuccess);
  EXPECT_GT(totalBytes, size_t(0));
  EXPECT_LE(freeBytes, totalBytes);
  EXPECT_EQ(cudaMemGetInfo(nullptr, &totalBytes), cudaErrorInvalidValue);
}

TEST(RuntimeMemory, MemcpyAsync) {
  const size_t n = 1 << 16;
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  int *pinned = nullptr, *device = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&device, n * sizeof(int)), cudaSuccess);
  std::iota(pinned, pinned + n, 7);
  ASSERT_EQ(cudaMemcpyAsync(device, pinned, n * sizeof(int), cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  std::vector<int> back(n, 0);
  // Into pageable memory the copy is complete when the call returns.
  ASSERT_EQ(cudaMemcpyAsync(back.data(), device, n * sizeof(int), cudaMemcpyDeviceToHost,
                            stream),
            cudaSuccess);
  EXPECT_TRUE(std::equal(back.begin(), back.end(), pinned));

  // From pageable memory the source is captured before the call returns:
  // overwriting it right away must not change what reaches the device.
  Signal hold;
  ASSERT_EQ(cudaLaunchHostFunc(stream, [](void *signal) {
              static_cast<Signal *>(signal)->waitFor(10s);
            }, &hold), cudaSuccess);
  std::vector<int> pageable(n, 42);
  ASSERT_EQ(cudaMemcpyAsync(device, pageable.data(), n * sizeof(int),
                            cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  std::fill(pageable.begin(), pageable.end(), -1);
  hold.raise();
  ASSERT_EQ(cudaMemcpyAsync(pinned, device, n * sizeof(int), cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(pinned[0], 42);
  EXPECT_EQ(pinned[n - 1], 42);
  EXPECT_EQ(cudaMemcpyAsync(device, pinned, n * sizeof(int) + 4, cudaMemcpyHostToDevice,
                            stream),
            cudaErrorInvalidValue);
  int bogus = 0;
  EXPECT_EQ(cudaMemcpyAsync(device, pinned, 4, cudaMemcpyHostToDevice,
                            reinterpret_cast<cudaStream_t>(&bogus)),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(RuntimeMemory, MemsetAsync) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  unsigned char *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 256), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0x11, 256, stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device + 128, 0x22, 128, stream), cudaSuccess);
  std::vector<unsigned char> back(256);
  ASSERT_EQ(cudaMemcpyAsync(back.data(), device, 256, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  EXPECT_EQ(back[0], 0x11);
  EXPECT_EQ(back[127], 0x11);
  EXPECT_EQ(back[128], 0x22);
  EXPECT_EQ(back[255], 0x22);
  EXPECT_EQ(cudaMemsetAsync(device, 0, 257, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace

namespace {

// Code built with `nvcc --default-stream per-thread` calls the _ptsz/_ptds
// variants; each must do its base operation on the per-thread stream.
TEST(RuntimePerThreadStream, EntryPointsUseThePerThreadStream) {
  const int n = 4096;
  std::vector<int> host(n), back(n, 0);
  std::iota(host.begin(), host.end(), 3);
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy_ptds(device, host.data(), n * sizeof(int), cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy_ptds(back.data(), device, n * sizeof(int), cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host) << "cudaMemcpy_ptds is synchronous";

  ASSERT_EQ(cudaMemset_ptds(device, 0, n * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync_ptsz(device, 0x01, 4, nullptr), cudaSuccess);
  std::vector<int> order;
  ASSERT_EQ(cudaLaunchHostFunc_ptsz(nullptr, [](void *data) {
              static_cast<std::vector<int> *>(data)->push_back(1);
            }, &order), cudaSuccess);
  ASSERT_EQ(cudaStreamAddCallback_ptsz(nullptr,
                                       [](cudaStream_t, cudaError_t, void *data) {
                                         static_cast<std::vector<int> *>(data)->push_back(2);
                                       },
                                       &order, 0),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync_ptsz(back.data(), device, n * sizeof(int),
                                 cudaMemcpyDeviceToHost, nullptr),
            cudaSuccess);
  cudaEvent_t done;
  ASSERT_EQ(cudaEventCreate(&done), cudaSuccess);
  ASSERT_EQ(cudaEventRecord_ptsz(done, nullptr), cudaSuccess);
  ASSERT_EQ(cudaEventRecordWithFlags_ptsz(done, nullptr, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent_ptsz(nullptr, done, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize_ptsz(nullptr), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery_ptsz(nullptr), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(done), cudaSuccess);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(back[0], 0x01010101);
  EXPECT_EQ(back[1], 0);
  unsigned flags = 99;
  int priority = 99, ordinal = -1;
  EXPECT_EQ(cudaStreamGetFlags_ptsz(nullptr, &flags), cudaSuccess);
  EXPECT_EQ(cudaStreamGetPriority_ptsz(nullptr, &priority), cudaSuccess);
  EXPECT_EQ(cudaStreamGetDevice_ptsz(nullptr, &ordinal), cudaSuccess);
  EXPECT_EQ(ordinal, 0);
  // A created stream passed to a _ptsz entry is that stream.
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(cudaStreamGetFlags_ptsz(stream, &flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaStreamNonBlocking));
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize_ptsz(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventDestroy(done), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Work a synchronizing thread runs itself (CpuQueue)
//===----------------------------------------------------------------------===//

// cudaStreamSynchronize may run the stream's pending copies and fills on the
// calling thread (no wake-up of the queue thread): they must still run in
// order, after the host function ahead of them, and host functions must
// still run on another thread than the one synchronizing.
TEST_F(RuntimeStream, SynchronizeRunsPendingWorkInOrder) {
  constexpr size_t kBytes = 1 << 16;
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  void *buffer = nullptr, *first = nullptr, *second = nullptr;
  ASSERT_EQ(cudaMalloc(&buffer, kBytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&first, kBytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&second, kBytes), cudaSuccess);
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> flag{0};
    // Round 0..9: the queue thread is busy with a host function while the
    // rest is queued behind it; 10..19: nothing ahead of the copies.
    if (round < 10) {
      ASSERT_EQ(cudaLaunchHostFunc(stream, sleepThenSet, &flag), cudaSuccess);
    }
    ASSERT_EQ(cudaMemsetAsync(buffer, 1 + round, kBytes, stream), cudaSuccess);
    ASSERT_EQ(cudaMemcpyAsync(first, buffer, kBytes, cudaMemcpyDeviceToDevice, stream),
              cudaSuccess);
    ASSERT_EQ(cudaMemsetAsync(buffer, 101 + round, kBytes, stream), cudaSuccess);
    ASSERT_EQ(cudaMemcpyAsync(second, buffer, kBytes, cudaMemcpyDeviceToDevice, stream),
              cudaSuccess);
    struct Record {
      std::thread::id ranOn;
      std::atomic<int> *flag;
      int flagSeen = -1;
    } record{{}, &flag};
    ASSERT_EQ(cudaLaunchHostFunc(stream, [](void *data) {
                auto *record = static_cast<Record *>(data);
                record->ranOn = std::this_thread::get_id();
                record->flagSeen = record->flag->load();
              }, &record), cudaSuccess);
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    std::vector<unsigned char> got(kBytes);
    ASSERT_EQ(cudaMemcpy(got.data(), first, kBytes, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_EQ(std::count(got.begin(), got.end(), 1 + round), long(kBytes)) << round;
    ASSERT_EQ(cudaMemcpy(got.data(), second, kBytes, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_EQ(std::count(got.begin(), got.end(), 101 + round), long(kBytes)) << round;
    EXPECT_NE(record.ranOn, std::this_thread::get_id()) << round;
    EXPECT_EQ(record.flagSeen, round < 10 ? 1 : 0) << round;
  }
  EXPECT_EQ(cudaFree(buffer), cudaSuccess);
  EXPECT_EQ(cudaFree(first), cudaSuccess);
  EXPECT_EQ(cudaFree(second), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace

namespace {

/// A host function that waits (at most `limit`) for `flag`, then records
/// whether it saw it.
struct Gate {
  std::atomic<bool> flag{false};
  std::atomic<bool> sawFlag{false};
  std::chrono::milliseconds limit{10000};
};

void waitForGate(void *data) {
  auto *gate = static_cast<Gate *>(data);
  auto deadline = std::chrono::steady_clock::now() + gate->limit;
  while (!gate->flag.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  gate->sawFlag = gate->flag.load();
}

void openGate(void *data) { static_cast<Gate *>(data)->flag = true; }

} // namespace

/// cudaStreamPerThread is a stream of its own in each host thread: work of
/// one thread's per-thread stream does not wait for another's.
TEST(RuntimePerThreadStream, OneStreamPerThread) {
  unsigned long long first = 0, again = 0, other = 0;
  ASSERT_EQ(cudaStreamGetId(cudaStreamPerThread, &first), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(cudaStreamPerThread, &again), cudaSuccess);
  EXPECT_EQ(first, again);

  Gate gate;
  // This thread's per-thread stream blocks until the other thread's
  // per-thread stream has run its own work and opened the gate.
  ASSERT_EQ(cudaLaunchHostFunc(cudaStreamPerThread, waitForGate, &gate), cudaSuccess);
  cudaError_t otherResult = cudaErrorUnknown;
  std::thread thread([&] {
    cudaStreamGetId(cudaStreamPerThread, &other);
    otherResult = cudaLaunchHostFunc(cudaStreamPerThread, openGate, &gate);
    if (otherResult == cudaSuccess)
      otherResult = cudaStreamSynchronize(cudaStreamPerThread);
  });
  thread.join();
  EXPECT_EQ(otherResult, cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_TRUE(gate.sawFlag) << "the other thread's stream waited for this one's";
  EXPECT_NE(other, first);
}

/// The per-thread stream is a blocking stream: it waits for work submitted
/// before to the legacy stream, and the legacy stream waits for it.
TEST(RuntimePerThreadStream, SynchronizesWithTheLegacyStream) {
  Gate gate;
  ASSERT_EQ(cudaLaunchHostFunc(cudaStreamLegacy, waitForGate, &gate), cudaSuccess);
  std::atomic<bool> ranAfterLegacy{false};
  ASSERT_EQ(cudaLaunchHostFunc(
                cudaStreamPerThread,
                [](void *data) { static_cast<std::atomic<bool> *>(data)->store(true); },
                &ranAfterLegacy),
            cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(cudaStreamPerThread), cudaErrorNotReady)
      << "per-thread work waits for the legacy stream";
  EXPECT_FALSE(ranAfterLegacy.load());
  gate.flag = true;
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_TRUE(ranAfterLegacy.load());
  EXPECT_TRUE(gate.sawFlag);

  Gate second;
  second.limit = std::chrono::milliseconds(300);
  ASSERT_EQ(cudaLaunchHostFunc(cudaStreamPerThread, waitForGate, &second), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(cudaStreamLegacy, openGate, &second), cudaSuccess);
  // The legacy stream's openGate waits for the per-thread stream, which
  // waits for the gate: only its 300 ms timeout ends that wait.
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_FALSE(second.sawFlag) << "the legacy stream ran before the per-thread work it follows";
}

/// cudaDeviceReset destroys the per-thread stream with the device's other
/// streams; the next use makes a new one.
TEST(RuntimePerThreadStream, NewStreamAfterDeviceReset) {
  unsigned long long before = 0, after = 0;
  ASSERT_EQ(cudaStreamGetId(cudaStreamPerThread, &before), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  ASSERT_EQ(cudaStreamGetId(cudaStreamPerThread, &after), cudaSuccess);
  EXPECT_NE(before, after);
  Gate gate;
  ASSERT_EQ(cudaLaunchHostFunc(cudaStreamPerThread, openGate, &gate), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_TRUE(gate.flag.load());
}
