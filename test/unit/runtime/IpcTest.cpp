//===- IpcTest.cpp - cudaIpc* and shareable pools between processes -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each case exports memory, an event or a pool, then runs this test program
// again as a child (only the IpcChild case it names, with the handle's
// bytes in CUPORT_IPC_HANDLE as hex) that imports it, uses it and exits;
// the parent checks what the child did and how it ended. A pool's file
// descriptor reaches the child as its descriptor 3.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char **environ;

using cuport::test::kVectorAddPtx;
using cuport::test::RegisteredPtx;

namespace {

constexpr const char *kVectorAdd = "_Z9vectorAddPKfS0_Pfi";
constexpr int kN = 256;

template <typename T> std::string toHex(const T &value) {
  static const char digits[] = "0123456789abcdef";
  const auto *bytes = reinterpret_cast<const unsigned char *>(&value);
  std::string text;
  for (size_t i = 0; i < sizeof value; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 15];
  }
  return text;
}

template <typename T> bool fromHex(const char *text, T *value) {
  if (!text || std::strlen(text) != 2 * sizeof(T))
    return false;
  auto *bytes = reinterpret_cast<unsigned char *>(value);
  for (size_t i = 0; i < sizeof(T); ++i)
    bytes[i] = static_cast<unsigned char>(std::stoi(std::string(text + 2 * i, 2), nullptr, 16));
  return true;
}

/// Runs IpcChild.`name` in a new process with `env` added; `fd`, when not
/// -1, becomes the child's descriptor 3. Returns the child's exit status
/// (-1 when it did not exit normally).
int runChild(const std::string &name, std::vector<std::string> env, int fd = -1) {
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "CUPORT_IPC_", 11) != 0)
      env.emplace_back(*e);
  std::string filter = "--gtest_filter=IpcChild." + name;
  std::string self = "/proc/self/exe";
  char *args[] = {self.data(), filter.data(), nullptr};
  std::vector<char *> envp;
  for (std::string &e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The child's pid of the last runChild would be handy for "exporter gone";
/// instead a process that has surely exited: a child we spawn and reap.
pid_t exitedProcess() {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

#define CHILD_HANDLE(Type, var)                                                \
  Type var;                                                                    \
  if (!fromHex(std::getenv("CUPORT_IPC_HANDLE"), &var))                        \
    GTEST_SKIP() << "run by the RuntimeIpc tests only";

//===----------------------------------------------------------------------===//
// The children
//===----------------------------------------------------------------------===//

/// Opens the parent's memory (a = 0..n-1, b = 1000+i), adds a and b into c
/// with a kernel and checks a from the host.
TEST(IpcChild, Memory) {
  CHILD_HANDLE(cudaIpcMemHandle_t, handle);
  RegisteredPtx program(kVectorAddPtx, {kVectorAdd});
  void *opened = nullptr, *again = nullptr;
  ASSERT_EQ(cudaIpcOpenMemHandle(&opened, handle, cudaIpcMemLazyEnablePeerAccess),
            cudaSuccess);
  ASSERT_EQ(cudaIpcOpenMemHandle(&again, handle, cudaIpcMemLazyEnablePeerAccess),
            cudaSuccess);
  EXPECT_EQ(again, opened) << "the same handle opens to the same pointer";
  std::vector<float> a(kN);
  ASSERT_EQ(cudaMemcpy(a.data(), opened, kN * sizeof(float), cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (int i = 0; i < kN; ++i)
    ASSERT_EQ(a[i], float(i));
  float *da = static_cast<float *>(opened), *db = da + kN, *dc = db + kN;
  int n = kN;
  void *args[] = {&da, &db, &dc, &n};
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(kN), args, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(again), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(opened), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(opened), cudaErrorInvalidValue) << "closed as often as opened";
}

/// The handle's memory was freed by the parent.
TEST(IpcChild, StaleMemory) {
  CHILD_HANDLE(cudaIpcMemHandle_t, handle);
  void *opened = nullptr;
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 0), cudaErrorInvalidResourceHandle);
}

/// The parent's event is pending until the child says it saw it pending
/// (a byte on CUPORT_IPC_PIPE); then it completes.
TEST(IpcChild, Event) {
  CHILD_HANDLE(cudaIpcEventHandle_t, handle);
  int pipe = std::atoi(std::getenv("CUPORT_IPC_PIPE"));
  cudaEvent_t event = nullptr;
  ASSERT_EQ(cudaIpcOpenEventHandle(&event, handle), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaErrorNotReady);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(stream, event, 0), cudaSuccess);
  static std::atomic<bool> ran{false};
  ASSERT_EQ(cudaLaunchHostFunc(stream, [](void *) { ran = true; }, nullptr), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaErrorNotReady) << "waits for the parent's event";
  char byte = 1;
  ASSERT_EQ(write(pipe, &byte, 1), 1);
  EXPECT_EQ(cudaEventSynchronize(event), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_TRUE(ran.load());
  // The child records it too: the parent's query then sees the record.
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  EXPECT_EQ(cudaEventSynchronize(event), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
}

/// Imports the parent's pool from descriptor 3 and its pointer (export
/// data in CUPORT_IPC_HANDLE), checks the bytes (0x11), writes 0x22.
TEST(IpcChild, Pool) {
  CHILD_HANDLE(cudaMemPoolPtrExportData, data);
  cudaMemPool_t pool = nullptr;
  ASSERT_EQ(cudaMemPoolImportFromShareableHandle(
                &pool, reinterpret_cast<void *>(intptr_t(3)),
                cudaMemHandleTypePosixFileDescriptor, 0),
            cudaSuccess);
  close(3); // the pool keeps its mapping
  void *pointer = nullptr;
  ASSERT_EQ(cudaMemPoolImportPointer(&pointer, pool, &data), cudaSuccess);
  std::vector<unsigned char> bytes(1024);
  ASSERT_EQ(cudaMemcpy(bytes.data(), pointer, bytes.size(), cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (unsigned char byte : bytes)
    ASSERT_EQ(byte, 0x11);
  ASSERT_EQ(cudaMemset(pointer, 0x22, bytes.size()), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  void *fresh = nullptr;
  EXPECT_EQ(cudaMallocFromPoolAsync(&fresh, 64, pool, nullptr), cudaErrorInvalidValue)
      << "an imported pool only imports";
  cudaMemPoolPtrExportData garbage;
  std::memset(&garbage, 0x5a, sizeof garbage);
  EXPECT_EQ(cudaMemPoolImportPointer(&fresh, pool, &garbage), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(pointer), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

//===----------------------------------------------------------------------===//
// The parents
//===----------------------------------------------------------------------===//

TEST(RuntimeIpc, MemoryAcrossProcesses) {
  float *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 3 * kN * sizeof(float)), cudaSuccess);
  std::vector<float> host(2 * kN);
  for (int i = 0; i < kN; ++i) {
    host[i] = float(i);
    host[kN + i] = float(1000 + i);
  }
  ASSERT_EQ(cudaMemcpy(memory, host.data(), 2 * kN * sizeof(float), cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemset(memory + 2 * kN, 0, kN * sizeof(float)), cudaSuccess);
  cudaIpcMemHandle_t handle;
  ASSERT_EQ(cudaIpcGetMemHandle(&handle, memory), cudaSuccess);
  cudaIpcMemHandle_t again;
  ASSERT_EQ(cudaIpcGetMemHandle(&again, memory), cudaSuccess);
  EXPECT_EQ(std::memcmp(&handle, &again, sizeof handle), 0) << "exporting again: same handle";

  EXPECT_EQ(runChild("Memory", {"CUPORT_IPC_HANDLE=" + toHex(handle)}), 0);
  std::vector<float> sums(kN);
  ASSERT_EQ(cudaMemcpy(sums.data(), memory + 2 * kN, kN * sizeof(float),
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (int i = 0; i < kN; ++i)
    ASSERT_EQ(sums[i], float(1000 + 2 * i)) << "the child's kernel wrote it, at " << i;

  // In the exporting process the handle does not open (CUDA: invalid
  // device context).
  void *opened = nullptr;
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 0), cudaErrorDeviceUninitialized);
  // A handle of a process that has exited.
  cudaIpcMemHandle_t orphan = handle;
  int64_t gone = exitedProcess();
  std::memcpy(orphan.reserved + 8, &gone, sizeof gone); // bytes 8..15: the process
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, orphan, 0), cudaErrorInvalidResourceHandle);

  ASSERT_EQ(cudaFree(memory), cudaSuccess);
  EXPECT_EQ(runChild("StaleMemory", {"CUPORT_IPC_HANDLE=" + toHex(handle)}), 0)
      << "freed since exported";
  // A new allocation at the same address gets a new handle.
  float *reused = nullptr;
  ASSERT_EQ(cudaMalloc(&reused, 3 * kN * sizeof(float)), cudaSuccess);
  cudaIpcMemHandle_t fresh;
  ASSERT_EQ(cudaIpcGetMemHandle(&fresh, reused), cudaSuccess);
  EXPECT_NE(std::memcmp(&fresh, &handle, sizeof handle), 0);
  EXPECT_EQ(cudaFree(reused), cudaSuccess);
}

TEST(RuntimeIpc, BadMemoryHandles) {
  cudaIpcMemHandle_t handle;
  std::memset(&handle, 0x5a, sizeof handle);
  void *opened = nullptr;
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaIpcOpenMemHandle(nullptr, handle, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaIpcOpenMemHandle(&opened, handle, 2), cudaErrorInvalidValue);
  EXPECT_EQ(cudaIpcCloseMemHandle(nullptr), cudaErrorInvalidValue);
  int *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 1024), cudaSuccess);
  EXPECT_EQ(cudaIpcCloseMemHandle(memory), cudaErrorInvalidValue) << "not opened from a handle";
  EXPECT_EQ(cudaIpcGetMemHandle(&handle, memory + 1), cudaErrorInvalidValue) << "not the base";
  EXPECT_EQ(cudaIpcGetMemHandle(nullptr, memory), cudaErrorInvalidValue);
  void *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 64), cudaSuccess);
  EXPECT_EQ(cudaIpcGetMemHandle(&handle, pinned), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
  cudaGetLastError();
}

TEST(RuntimeIpc, EventAcrossProcesses) {
  int attribute = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&attribute, cudaDevAttrIpcEventSupport, 0), cudaSuccess);
  EXPECT_EQ(attribute, 1);
  cudaEvent_t event = nullptr;
  ASSERT_EQ(cudaEventCreateWithFlags(&event, cudaEventInterprocess | cudaEventDisableTiming),
            cudaSuccess);
  cudaIpcEventHandle_t handle;
  ASSERT_EQ(cudaIpcGetEventHandle(&handle, event), cudaSuccess);
  // The stream blocks in a host function until the child has seen the
  // event pending.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  static int readEnd = -1;
  readEnd = fds[0];
  ASSERT_EQ(cudaLaunchHostFunc(
                stream,
                [](void *) {
                  char byte;
                  (void)!read(readEnd, &byte, 1);
                },
                nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  EXPECT_EQ(runChild("Event", {"CUPORT_IPC_HANDLE=" + toHex(handle),
                               "CUPORT_IPC_PIPE=" + std::to_string(fds[1])}),
            0);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess) << "the child's record completed too";

  cudaEvent_t opened = nullptr;
  EXPECT_EQ(cudaIpcOpenEventHandle(&opened, handle), cudaErrorDeviceUninitialized);
  cudaIpcEventHandle_t garbage;
  std::memset(&garbage, 0, sizeof garbage);
  EXPECT_EQ(cudaIpcOpenEventHandle(&opened, garbage), cudaErrorInvalidValue);
  cudaIpcEventHandle_t orphan = handle;
  int64_t gone = exitedProcess();
  std::memcpy(orphan.reserved + 8, &gone, sizeof gone);
  EXPECT_EQ(cudaIpcOpenEventHandle(&opened, orphan), cudaErrorInvalidResourceHandle);
  cudaEvent_t plain = nullptr;
  ASSERT_EQ(cudaEventCreate(&plain), cudaSuccess);
  EXPECT_EQ(cudaIpcGetEventHandle(&handle, plain), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaEventCreateWithFlags(&opened, cudaEventInterprocess), cudaErrorInvalidValue)
      << "interprocess events take no timestamps";
  EXPECT_EQ(cudaEventDestroy(plain), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  close(fds[0]);
  close(fds[1]);
  cudaGetLastError();
}

TEST(RuntimeIpc, PoolAcrossProcesses) {
  int types = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&types, cudaDevAttrMemoryPoolSupportedHandleTypes, 0),
            cudaSuccess);
  EXPECT_EQ(types, int(cudaMemHandleTypePosixFileDescriptor));
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.location = {cudaMemLocationTypeDevice, 0};
  props.handleTypes = cudaMemHandleTypeWin32;
  cudaMemPool_t pool = nullptr;
  EXPECT_EQ(cudaMemPoolCreate(&pool, &props), cudaErrorNotSupported);
  props.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  ASSERT_EQ(cudaMemPoolCreate(&pool, &props), cudaSuccess);
  void *pointer = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&pointer, 1024, pool, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(pointer, 0x11, 1024, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  int fd = -1;
  EXPECT_EQ(cudaMemPoolExportToShareableHandle(&fd, pool, cudaMemHandleTypeFabric, 0),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMemPoolExportToShareableHandle(&fd, pool,
                                               cudaMemHandleTypePosixFileDescriptor, 0),
            cudaSuccess);
  ASSERT_GE(fd, 0);
  cudaMemPoolPtrExportData data;
  ASSERT_EQ(cudaMemPoolExportPointer(&data, pointer), cudaSuccess);
  EXPECT_EQ(runChild("Pool", {"CUPORT_IPC_HANDLE=" + toHex(data)}, fd), 0);
  std::vector<unsigned char> bytes(1024);
  ASSERT_EQ(cudaMemcpy(bytes.data(), pointer, bytes.size(), cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (unsigned char byte : bytes)
    ASSERT_EQ(byte, 0x22) << "the child wrote it";
  close(fd);

  // A pool made without a handle type exports nothing.
  cudaMemPoolProps plainProps = props;
  plainProps.handleTypes = cudaMemHandleTypeNone;
  cudaMemPool_t plain = nullptr;
  ASSERT_EQ(cudaMemPoolCreate(&plain, &plainProps), cudaSuccess);
  EXPECT_EQ(cudaMemPoolExportToShareableHandle(&fd, plain,
                                               cudaMemHandleTypePosixFileDescriptor, 0),
            cudaErrorInvalidValue);
  void *plainPointer = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&plainPointer, 64, plain, nullptr), cudaSuccess);
  EXPECT_EQ(cudaMemPoolExportPointer(&data, plainPointer), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolImportPointer(&plainPointer, plain, &data), cudaErrorInvalidValue)
      << "not an imported pool";
  EXPECT_EQ(cudaMemPoolImportFromShareableHandle(&plain, reinterpret_cast<void *>(intptr_t(-1)),
                                                 cudaMemHandleTypePosixFileDescriptor, 0),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaFreeAsync(plainPointer, nullptr), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(pointer, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(plain), cudaSuccess);
  EXPECT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  cudaGetLastError();
}

/// Bytes the device memory file holds (st_blocks), found through
/// /proc/self/fd; -1 when there is none.
long long deviceFileBytes() {
  for (int fd = 0; fd < 1024; ++fd) {
    char link[256] = {};
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    ssize_t length = readlink(path.c_str(), link, sizeof link - 1);
    if (length > 0 && std::strstr(link, "cuport-device-memory")) {
      struct stat info;
      if (fstat(fd, &info) == 0)
        return static_cast<long long>(info.st_blocks) * 512;
    }
  }
  return -1;
}

/// Device memory comes from the memfd arena: small allocations sit next to
/// each other, and freeing a large one gives its pages back.
TEST(RuntimeIpc, DeviceMemoryGoesBack) {
  char *small = nullptr, *next = nullptr;
  ASSERT_EQ(cudaMalloc(&small, 4), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&next, 4), cudaSuccess);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small) % 256, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(next) % 256, 0u);
  long long before = deviceFileBytes();
  ASSERT_GE(before, 0) << "no device memory file";
  constexpr size_t kBig = 16 << 20;
  char *big = nullptr;
  ASSERT_EQ(cudaMalloc(&big, kBig), cudaSuccess);
  ASSERT_EQ(cudaMemset(big, 7, kBig), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_GE(deviceFileBytes(), before + static_cast<long long>(kBig));
  ASSERT_EQ(cudaFree(big), cudaSuccess);
  EXPECT_LE(deviceFileBytes(), before + (1 << 20)) << "the pages went back";
  // The freed range coalesced: the same size fits at the same place.
  char *again = nullptr;
  ASSERT_EQ(cudaMalloc(&again, kBig), cudaSuccess);
  EXPECT_EQ(again, big);
  EXPECT_EQ(cudaFree(again), cudaSuccess);
  EXPECT_EQ(cudaFree(next), cudaSuccess);
  EXPECT_EQ(cudaFree(small), cudaSuccess);
}

} // namespace
