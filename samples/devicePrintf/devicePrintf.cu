// devicePrintf: device-side printf from a few threads of several blocks with
// many conversions (%d %i %u %x %X %o %c %s %f %e %g %p %lld %llu %%, width,
// precision and flags), and a per-thread atomic counter of the lines
// printed. The device lines appear when the host synchronizes. The host
// checks that cudaDeviceSynchronize succeeds, that the counter matches the
// number of printing threads, and that a value computed alongside the
// printf is right; prints PASSED.
#include "../common.h"

__global__ void talk(unsigned *lines, long long *values, const char *tag) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (threadIdx.x % 16 != 3) // a few threads of each block
    return;
  long long big = 1000000000000LL * (t + 1);
  double x = 1.5 * t - 0.25;
  printf("[%s] block %d thread %2d: int %d %i unsigned %u hex %x %X oct %o "
         "char %c\n",
         tag, blockIdx.x, threadIdx.x, -t, t, 4000000000u, 255 + t, 0xbeef,
         8, 'A' + t % 26);
  printf("[%s] thread %03d: %f %.3e %g %8.2f|%-6d|%+d %lld %llu %s 100%% %p\n",
         tag, t, x, x * 1e6, x / 3, x, t, t, -big, (unsigned long long)big,
         "str", (void *)values);
  values[t] = big + t;
  atomicAdd(lines, 2u);
}

int main() {
  const int blocks = 3, threads = 32;
  unsigned *dLines;
  long long *dValues;
  char *dTag;
  const char tag[] = "devicePrintf";
  CHECK_CUDA(cudaMalloc(&dLines, sizeof(unsigned)));
  CHECK_CUDA(cudaMalloc(&dValues, blocks * threads * sizeof(long long)));
  CHECK_CUDA(cudaMalloc(&dTag, sizeof(tag)));
  CHECK_CUDA(cudaMemcpy(dTag, tag, sizeof(tag), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemset(dLines, 0, sizeof(unsigned)));
  CHECK_CUDA(cudaMemset(dValues, 0, blocks * threads * sizeof(long long)));
  std::printf("[devicePrintf] host before launch\n");
  std::fflush(stdout); // the device lines must follow the host's
  talk<<<blocks, threads>>>(dLines, dValues, dTag);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  std::fflush(stdout);
  std::printf("[devicePrintf] host after synchronize\n");
  unsigned lines = 0;
  long long values[blocks * threads];
  CHECK_CUDA(cudaMemcpy(&lines, dLines, sizeof(unsigned), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(values, dValues, sizeof(values), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dLines));
  CHECK_CUDA(cudaFree(dValues));
  CHECK_CUDA(cudaFree(dTag));
  unsigned expectedLines = 0;
  int errors = 0;
  for (int t = 0; t < blocks * threads; ++t) {
    bool prints = t % threads % 16 == 3;
    expectedLines += prints ? 2 : 0;
    long long expected = prints ? 1000000000000LL * (t + 1) + t : 0;
    if (values[t] != expected)
      ++errors;
  }
  std::printf("[devicePrintf] %u device lines counted, %u expected\n", lines,
              expectedLines);
  if (lines != expectedLines || errors) {
    std::printf("FAILED\n");
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
