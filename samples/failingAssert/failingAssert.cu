// failingAssert: a kernel whose assert fails for exactly one thread (the
// one that finds the value 42). The assertion message goes to stderr. The
// program checks what CUDA guarantees after a device-side assert: the
// synchronisation reports cudaErrorAssert, and the error is sticky: a
// following cudaMalloc, a following launch and another synchronisation all
// report it too. Prints PASSED if so (the process itself survives).
#include "../common.h"

#include <cassert>
#include <vector>

__global__ void checkValues(const int *values, int *seen, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    assert(values[i] != 42);
    seen[i] = values[i];
  }
}

static int expectError(const char *what, cudaError_t got) {
  std::printf("[failingAssert] %s -> %s\n", what, cudaGetErrorName(got));
  if (got != cudaErrorAssert) {
    std::fprintf(stderr, "%s returned %s, expected cudaErrorAssert\n", what,
                 cudaGetErrorName(got));
    return 1;
  }
  return 0;
}

int main() {
  const int n = 1000, bad = 617;
  std::vector<int> values(n);
  for (int i = 0; i < n; ++i)
    values[i] = i == bad ? 42 : 1000 + i;
  int *dValues, *dSeen;
  CHECK_CUDA(cudaMalloc(&dValues, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSeen, n * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dValues, values.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  std::printf("[failingAssert] launching; element %d makes one assert fail\n", bad);
  std::fflush(stdout);
  checkValues<<<(n + 127) / 128, 128>>>(dValues, dSeen, n);
  int failures = 0;
  cudaError_t launch = cudaGetLastError();
  if (launch != cudaSuccess) {
    std::fprintf(stderr, "launch itself failed: %s\n", cudaGetErrorName(launch));
    ++failures;
  }
  failures += expectError("cudaDeviceSynchronize", cudaDeviceSynchronize());
  void *more = nullptr;
  failures += expectError("cudaMalloc after the assert", cudaMalloc(&more, 256));
  checkValues<<<1, 32>>>(dValues, dSeen, 32);
  failures += expectError("launch after the assert", cudaGetLastError());
  failures += expectError("second cudaDeviceSynchronize", cudaDeviceSynchronize());
  if (failures) {
    std::printf("FAILED (%d checks)\n", failures);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
