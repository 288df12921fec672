// eventTiming: events around kernels. Times a short and a long kernel with
// cudaEventRecord / cudaEventElapsedTime (after a warm-up launch; the
// times are not negative and add up across consecutive intervals),
// checks that an event made with cudaEventDisableTiming refuses
// cudaEventElapsedTime (cudaErrorInvalidResourceHandle), that an event not
// yet recorded does too, that cudaEventBlockingSync events synchronize, and
// that cudaEventQuery reports the work behind an event. Prints PASSED.
#include "../common.h"

#include <cmath>

__global__ void spin(float *data, int n, int iterations) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float v = data[i];
    for (int k = 0; k < iterations; ++k)
      v = v * 0.999f + 0.001f;
    data[i] = v;
  }
}

int main() {
  const int n = 1 << 16;
  float *data;
  CHECK_CUDA(cudaMalloc(&data, n * sizeof(float)));
  CHECK_CUDA(cudaMemset(data, 0, n * sizeof(float)));
  cudaEvent_t start, middle, stop, untimed, blocking, neverRecorded;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&middle));
  CHECK_CUDA(cudaEventCreateWithFlags(&stop, cudaEventDefault));
  CHECK_CUDA(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming));
  CHECK_CUDA(cudaEventCreateWithFlags(&blocking, cudaEventBlockingSync));
  CHECK_CUDA(cudaEventCreate(&neverRecorded));
  int errors = 0;

  spin<<<n / 256, 256>>>(data, n, 1); // warm-up: the first launch loads the kernel
  CHECK_CUDA(cudaDeviceSynchronize());
  CHECK_CUDA(cudaEventRecord(start));
  spin<<<n / 256, 256>>>(data, n, 10);
  CHECK_CUDA(cudaEventRecord(middle));
  spin<<<n / 256, 256>>>(data, n, 1000);
  CHECK_CUDA(cudaEventRecord(stop));
  CHECK_CUDA(cudaEventRecord(untimed));
  CHECK_CUDA(cudaEventRecord(blocking));
  CHECK_CUDA(cudaEventSynchronize(blocking)); // a blocking-sync wait
  CHECK_CUDA(cudaEventSynchronize(stop));
  if (cudaEventQuery(stop) != cudaSuccess) {
    std::printf("cudaEventQuery: the recorded work is not complete\n");
    ++errors;
  }

  float shortMs = -1, longMs = -1, totalMs = -1;
  CHECK_CUDA(cudaEventElapsedTime(&shortMs, start, middle));
  CHECK_CUDA(cudaEventElapsedTime(&longMs, middle, stop));
  CHECK_CUDA(cudaEventElapsedTime(&totalMs, start, stop));
  if (shortMs < 0 || longMs < 0 || totalMs < 0) {
    std::printf("negative elapsed times: %f %f %f\n", shortMs, longMs, totalMs);
    ++errors;
  }
  // The intervals are consecutive: they add up (within the clock's rounding).
  if (std::fabs(shortMs + longMs - totalMs) > 0.01f) {
    std::printf("intervals %f + %f do not add up to %f\n", shortMs, longMs, totalMs);
    ++errors;
  }

  float ms = 0;
  if (cudaEventElapsedTime(&ms, start, untimed) != cudaErrorInvalidResourceHandle) {
    std::printf("cudaEventDisableTiming: elapsed time was not refused\n");
    ++errors;
  }
  if (cudaEventElapsedTime(&ms, start, neverRecorded) != cudaErrorInvalidResourceHandle) {
    std::printf("an event never recorded: elapsed time was not refused\n");
    ++errors;
  }
  if (cudaEventElapsedTime(nullptr, start, stop) != cudaErrorInvalidValue) {
    std::printf("a null result pointer was not refused\n");
    ++errors;
  }
  cudaGetLastError(); // the refusals above are expected

  // Re-recording moves the event.
  CHECK_CUDA(cudaEventRecord(start));
  spin<<<n / 256, 256>>>(data, n, 10);
  CHECK_CUDA(cudaEventRecord(stop));
  CHECK_CUDA(cudaEventSynchronize(stop));
  float again = -1;
  CHECK_CUDA(cudaEventElapsedTime(&again, start, stop));
  if (again < 0) {
    std::printf("re-recorded events: %f ms\n", again);
    ++errors;
  }

  float host[4];
  CHECK_CUDA(cudaMemcpy(host, data, sizeof host, cudaMemcpyDeviceToHost));
  if (!(host[0] > 0.0f && host[0] < 1.0f)) {
    std::printf("data[0] = %f\n", host[0]);
    ++errors;
  }
  for (cudaEvent_t event : {start, middle, stop, untimed, blocking, neverRecorded})
    CHECK_CUDA(cudaEventDestroy(event));
  CHECK_CUDA(cudaFree(data));
  std::printf("[eventTiming] short %.3f ms, long %.3f ms, total %.3f ms\n", shortMs,
              longMs, totalMs);
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? 0 : 1;
}
