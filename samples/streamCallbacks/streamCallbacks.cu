// streamCallbacks: host work ordered with device work on two streams.
// Each stream runs, several times over: a kernel that adds its round number
// to a buffer in mapped pinned memory, a host callback (cudaStreamAddCallback)
// that checks the kernel's result from the host and logs its position, a
// second kernel, and a host function (cudaLaunchHostFunc) that checks that
// one and logs too. Stream B also waits (cudaStreamWaitEvent) for each of
// stream A's rounds. Host work must see every earlier kernel of its stream
// finished and none of the later ones started; the logs must come out in
// stream order. Prints PASSED.
#include "../common.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

__global__ void addRound(int *data, int n, int amount) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] += amount;
}

constexpr int kN = 4096, kRounds = 6;

struct StreamLog {
  int *data = nullptr;           // host view of the stream's buffer
  std::vector<int> order;        // positions logged by host work, in order
  std::atomic<int> wrong{0};     // host work that saw unexpected data
  int expected = 0;              // value the buffer must hold next
  std::mutex mutex;
};

struct Check {
  StreamLog *log;
  int position;  // where in the stream's sequence this host work sits
  int expected;  // the value every element must have now
};

static void checkNow(Check *check) {
  StreamLog &log = *check->log;
  for (int i = 0; i < kN; ++i)
    if (log.data[i] != check->expected) {
      ++log.wrong;
      break;
    }
  std::lock_guard<std::mutex> lock(log.mutex);
  log.order.push_back(check->position);
}

static void CUDART_CB afterFirstKernel(cudaStream_t, cudaError_t status, void *data) {
  Check *check = static_cast<Check *>(data);
  if (status != cudaSuccess)
    ++check->log->wrong;
  checkNow(check);
}

static void CUDART_CB afterSecondKernel(void *data) { checkNow(static_cast<Check *>(data)); }

int main() {
  CHECK_CUDA(cudaSetDeviceFlags(cudaDeviceMapHost));
  StreamLog logs[2];
  int *device[2];
  cudaStream_t streams[2];
  for (int s = 0; s < 2; ++s) {
    CHECK_CUDA(cudaHostAlloc(&logs[s].data, kN * sizeof(int), cudaHostAllocMapped));
    std::memset(logs[s].data, 0, kN * sizeof(int));
    CHECK_CUDA(cudaHostGetDevicePointer(&device[s], logs[s].data, 0));
    CHECK_CUDA(cudaStreamCreateWithFlags(&streams[s], cudaStreamNonBlocking));
  }
  std::vector<Check> checks(2 * kRounds * 2);
  std::vector<cudaEvent_t> roundDone(kRounds);
  for (cudaEvent_t &event : roundDone)
    CHECK_CUDA(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));

  int position = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int s = 0; s < 2; ++s) {
      StreamLog &log = logs[s];
      if (s == 1) // B's round follows A's round
        CHECK_CUDA(cudaStreamWaitEvent(streams[1], roundDone[round], 0));
      addRound<<<kN / 256, 256, 0, streams[s]>>>(device[s], kN, round + 1);
      CHECK_CUDA(cudaGetLastError());
      log.expected += round + 1;
      Check &first = checks[position++];
      first = {&log, 2 * round, log.expected};
      CHECK_CUDA(cudaStreamAddCallback(streams[s], afterFirstKernel, &first, 0));
      addRound<<<kN / 256, 256, 0, streams[s]>>>(device[s], kN, 100);
      CHECK_CUDA(cudaGetLastError());
      log.expected += 100;
      Check &second = checks[position++];
      second = {&log, 2 * round + 1, log.expected};
      CHECK_CUDA(cudaLaunchHostFunc(streams[s], afterSecondKernel, &second));
      if (s == 0)
        CHECK_CUDA(cudaEventRecord(roundDone[round], streams[0]));
    }
  }
  // Bad arguments are refused, not crashes.
  int errors = 0;
  if (cudaStreamAddCallback(streams[0], nullptr, nullptr, 0) != cudaErrorInvalidValue)
    ++errors;
  if (cudaStreamAddCallback(streams[0], afterFirstKernel, &checks[0], 1) !=
      cudaErrorInvalidValue)
    ++errors;
  if (cudaLaunchHostFunc(streams[0], nullptr, nullptr) != cudaErrorInvalidValue)
    ++errors;
  cudaGetLastError();
  for (int s = 0; s < 2; ++s)
    CHECK_CUDA(cudaStreamSynchronize(streams[s]));

  for (int s = 0; s < 2; ++s) {
    StreamLog &log = logs[s];
    if (log.wrong != 0) {
      std::printf("stream %d: %d host callbacks saw unfinished or later work\n", s,
                  log.wrong.load());
      ++errors;
    }
    if (int(log.order.size()) != 2 * kRounds) {
      std::printf("stream %d: %zu host callbacks ran, %d expected\n", s,
                  log.order.size(), 2 * kRounds);
      ++errors;
    }
    for (size_t i = 0; i < log.order.size(); ++i)
      if (log.order[i] != int(i)) {
        std::printf("stream %d: host work %zu ran at position %d\n", s, i,
                    log.order[i]);
        ++errors;
        break;
      }
    for (int i = 0; i < kN; ++i)
      if (log.data[i] != log.expected) {
        std::printf("stream %d: data[%d] = %d, expected %d\n", s, i, log.data[i],
                    log.expected);
        ++errors;
        break;
      }
  }
  for (cudaEvent_t event : roundDone)
    CHECK_CUDA(cudaEventDestroy(event));
  for (int s = 0; s < 2; ++s) {
    CHECK_CUDA(cudaStreamDestroy(streams[s]));
    CHECK_CUDA(cudaFreeHost(logs[s].data));
  }
  std::printf("[streamCallbacks] 2 streams x %d rounds, %d host callbacks checked\n",
              kRounds, 4 * kRounds);
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? 0 : 1;
}
