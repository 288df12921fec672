//===- core/IpcEvents.cpp - Events shared between processes ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/IpcEvents.h"

#include "core/Runtime.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace cuport::rt {

namespace {

constexpr uint64_t kPageMagic = 0x31746e6576457563; // "cuEvent1"
constexpr char kHandleMagic[8] = {'c', 'u', 'p', 'I', 'P', 'C', 'e', '2'};
constexpr size_t kPageBytes = 4096;

/// The shared page.
struct Counters {
  std::atomic<uint64_t> magic;
  std::atomic<uint64_t> recorded;  ///< records made
  std::atomic<uint64_t> completed; ///< highest record completed
};

struct EncodedEvent {
  char magic[8];
  int64_t process;
  int32_t fd;
  int32_t reserved;
  uint64_t inode;
};
static_assert(sizeof(EncodedEvent) <= CUDA_IPC_HANDLE_SIZE);

bool reached(const Counters &counters, uint64_t record) {
  return counters.completed.load(std::memory_order_acquire) >= record;
}

/// Spins for a few microseconds, then sleeps in growing steps (up to 1 ms).
void waitFor(const Counters &counters, uint64_t record) {
  auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
  while (!reached(counters, record) && std::chrono::steady_clock::now() < spinUntil)
    std::this_thread::yield();
  auto sleep = std::chrono::microseconds(10);
  while (!reached(counters, record)) {
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::microseconds(1000));
  }
}

} // namespace

struct IpcEventState {
  int fd = -1;
  uint64_t inode = 0;
  bool imported = false;
  Counters *counters = nullptr;
  /// Host callbacks of this process that still use the page.
  std::atomic<uint64_t> callbacks{0};
};

namespace {

struct Completion {
  IpcEventState *state;
  uint64_t record;
};

} // namespace

IpcEventState *createIpcEventState() {
  int fd = memfd_create("cuport-ipc-event", MFD_CLOEXEC);
  if (fd < 0)
    return nullptr;
  struct stat info;
  void *page = MAP_FAILED;
  if (ftruncate(fd, kPageBytes) == 0 && fstat(fd, &info) == 0)
    page = mmap(nullptr, kPageBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (page == MAP_FAILED) {
    close(fd);
    return nullptr;
  }
  auto *state = new IpcEventState();
  state->fd = fd;
  state->inode = uint64_t(info.st_ino);
  state->counters = static_cast<Counters *>(page);
  state->counters->magic.store(kPageMagic, std::memory_order_release);
  return state;
}

void destroyIpcEventState(IpcEventState *state) {
  if (!state)
    return;
  // Streams that have not yet reached this process's records or waits
  // still use the page.
  while (state->callbacks.load(std::memory_order_acquire) != 0)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  munmap(state->counters, kPageBytes);
  if (state->fd >= 0)
    close(state->fd);
  delete state;
}

cudaError_t recordIpcEvent(IpcEventState &state, backend::Queue *queue) {
  uint64_t record = state.counters->recorded.fetch_add(1) + 1;
  state.callbacks.fetch_add(1);
  auto *completion = new Completion{&state, record};
  // The page stays mapped until the callback has run (destroyIpcEventState
  // waits for it).
  return toCudaError(queue->hostCallback(
      [](void *data) {
        std::unique_ptr<Completion> completion(static_cast<Completion *>(data));
        std::atomic<uint64_t> &completed = completion->state->counters->completed;
        uint64_t seen = completed.load();
        while (seen < completion->record &&
               !completed.compare_exchange_weak(seen, completion->record))
          ;
        completion->state->callbacks.fetch_sub(1, std::memory_order_release);
      },
      completion));
}

cudaError_t queryIpcEvent(IpcEventState &state) {
  return reached(*state.counters, state.counters->recorded.load())
             ? cudaSuccess
             : cudaErrorNotReady;
}

void synchronizeIpcEvent(IpcEventState &state) {
  waitFor(*state.counters, state.counters->recorded.load());
}

cudaError_t waitIpcEvent(IpcEventState &state, backend::Queue *queue) {
  uint64_t record = state.counters->recorded.load();
  if (reached(*state.counters, record))
    return cudaSuccess;
  state.callbacks.fetch_add(1);
  auto *completion = new Completion{&state, record};
  return toCudaError(queue->hostCallback(
      [](void *data) {
        std::unique_ptr<Completion> completion(static_cast<Completion *>(data));
        waitFor(*completion->state->counters, completion->record);
        completion->state->callbacks.fetch_sub(1, std::memory_order_release);
      },
      completion));
}

void encodeIpcEvent(const IpcEventState &state, cudaIpcEventHandle_t *handle) {
  EncodedEvent payload{};
  std::memcpy(payload.magic, kHandleMagic, sizeof kHandleMagic);
  payload.process = getpid();
  payload.fd = state.fd;
  payload.inode = state.inode;
  std::memset(handle->reserved, 0, sizeof handle->reserved);
  std::memcpy(handle->reserved, &payload, sizeof payload);
}

cudaError_t openIpcEvent(const cudaIpcEventHandle_t &handle, IpcEventState **out) {
  EncodedEvent payload;
  std::memcpy(&payload, handle.reserved, sizeof payload);
  if (std::memcmp(payload.magic, kHandleMagic, sizeof kHandleMagic) != 0 ||
      payload.process <= 0 || payload.fd < 0)
    return cudaErrorInvalidValue;
  if (payload.process == getpid())
    return cudaErrorDeviceUninitialized; // as for memory handles
  std::string path = "/proc/" + std::to_string(payload.process) + "/fd/" +
                     std::to_string(payload.fd);
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return cudaErrorInvalidResourceHandle; // the process or event is gone
  struct stat info;
  void *page = MAP_FAILED;
  if (fstat(fd, &info) == 0 && uint64_t(info.st_ino) == payload.inode &&
      info.st_size == off_t(kPageBytes))
    page = mmap(nullptr, kPageBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (page == MAP_FAILED)
    return cudaErrorInvalidResourceHandle;
  auto *counters = static_cast<Counters *>(page);
  if (counters->magic.load(std::memory_order_acquire) != kPageMagic) {
    munmap(page, kPageBytes);
    return cudaErrorInvalidResourceHandle;
  }
  auto *state = new IpcEventState();
  state->inode = payload.inode;
  state->imported = true;
  state->counters = counters;
  *out = state;
  return cudaSuccess;
}

} // namespace cuport::rt
