// twoStreams: two non-blocking streams work on the two halves of a buffer in
// pinned host memory. Each stream copies its half in with cudaMemcpyAsync,
// runs a kernel on it and records an event; stream 2 then waits
// (cudaStreamWaitEvent) for stream 1's event before a kernel that combines
// both halves, and copies the result back. Events around the whole
// pipeline give the elapsed time (cudaEventElapsedTime), printed. The
// pipeline runs several rounds; every result is checked on the host;
// prints PASSED.
#include "../common.h"

#include <cmath>
#include <vector>

__global__ void polish(float *data, int n, float scale, float offset) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += gridDim.x * blockDim.x) {
    float v = data[i];
    for (int r = 0; r < 16; ++r) // some work so the streams can overlap
      v = fmaf(v, scale, offset);
    data[i] = v;
  }
}

// out[i] = b[i] - a[n - 1 - i]: needs stream 1's half to be finished.
__global__ void combine(const float *a, const float *b, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = b[i] - a[n - 1 - i];
}

static float polishHost(float v, float scale, float offset) {
  for (int r = 0; r < 16; ++r)
    v = std::fma(v, scale, offset); // fused on both sides: same rounding
  return v;
}

int main() {
  const int half = 1 << 19, n = 2 * half, rounds = 4;
  const size_t halfBytes = half * sizeof(float);
  float *host, *result;
  CHECK_CUDA(cudaMallocHost(&host, n * sizeof(float)));
  CHECK_CUDA(cudaHostAlloc(&result, halfBytes, cudaHostAllocDefault));
  float *dData, *dOut;
  CHECK_CUDA(cudaMalloc(&dData, n * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&dOut, halfBytes));
  cudaStream_t s1, s2;
  CHECK_CUDA(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
  CHECK_CUDA(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
  cudaEvent_t start, stop, firstHalfDone;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  CHECK_CUDA(cudaEventCreateWithFlags(&firstHalfDone, cudaEventDisableTiming));

  const float scale1 = 0.5f, offset1 = 1.0f, scale2 = 0.75f, offset2 = -2.0f;
  int errors = 0;
  float totalMs = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < n; ++i)
      host[i] = float((i * 31 + round * 7) % 1000) * 0.125f;
    CHECK_CUDA(cudaEventRecord(start, s1));
    CHECK_CUDA(cudaStreamWaitEvent(s2, start, 0));
    CHECK_CUDA(cudaMemcpyAsync(dData, host, halfBytes, cudaMemcpyHostToDevice, s1));
    CHECK_CUDA(cudaMemcpyAsync(dData + half, host + half, halfBytes,
                               cudaMemcpyHostToDevice, s2));
    polish<<<64, 256, 0, s1>>>(dData, half, scale1, offset1);
    polish<<<64, 256, 0, s2>>>(dData + half, half, scale2, offset2);
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaEventRecord(firstHalfDone, s1));
    CHECK_CUDA(cudaStreamWaitEvent(s2, firstHalfDone, 0));
    combine<<<(half + 255) / 256, 256, 0, s2>>>(dData, dData + half, dOut, half);
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaMemcpyAsync(result, dOut, halfBytes, cudaMemcpyDeviceToHost, s2));
    CHECK_CUDA(cudaEventRecord(stop, s2));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    if (!(ms >= 0.0f)) {
      std::fprintf(stderr, "round %d: elapsed time %f ms\n", round, ms);
      ++errors;
    }
    totalMs += ms;
    for (int i = 0; i < half; ++i) {
      float a = polishHost(host[half - 1 - i], scale1, offset1);
      float b = polishHost(host[half + i], scale2, offset2);
      float expected = b - a;
      if (result[i] != expected && errors++ < 5)
        std::fprintf(stderr, "round %d: result[%d] = %g, expected %g\n", round,
                     i, result[i], expected);
    }
  }
  CHECK_CUDA(cudaStreamSynchronize(s1));
  CHECK_CUDA(cudaStreamQuery(s1));
  CHECK_CUDA(cudaStreamQuery(s2));
  std::printf("[twoStreams] %d rounds of 2 x %d floats, %.3f ms per round (events)\n",
              rounds, half, totalMs / rounds);
  CHECK_CUDA(cudaEventDestroy(start));
  CHECK_CUDA(cudaEventDestroy(stop));
  CHECK_CUDA(cudaEventDestroy(firstHalfDone));
  CHECK_CUDA(cudaStreamDestroy(s1));
  CHECK_CUDA(cudaStreamDestroy(s2));
  CHECK_CUDA(cudaFree(dData));
  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFreeHost(host));
  CHECK_CUDA(cudaFreeHost(result));
  if (errors) {
    std::printf("FAILED (%d errors)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
