// earlyReturn: the bounds check CUDA code is full of, before a barrier:
//   if (i >= n) return;  ...  __syncthreads();  ...
// Threads past the end of the array leave; the others stage their element
// in shared memory, synchronise, and smooth it with their neighbours in the
// block (a 3-point average that stays inside the block's live threads).
// The last block is partly empty (n is not a multiple of the block size),
// and __syncthreads_count tells each block how many threads stayed.
// Integers, so the result is exact; prints PASSED.
#include "../common.h"

#include <algorithm>
#include <vector>

__global__ void smoothInBlock(const int *in, int *out, int *liveThreads, int n) {
  __shared__ int tile[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  tile[threadIdx.x] = in[i];
  int live = __syncthreads_count(1);
  int left = threadIdx.x > 0 ? tile[threadIdx.x - 1] : tile[threadIdx.x];
  int right = threadIdx.x + 1 < live ? tile[threadIdx.x + 1] : tile[threadIdx.x];
  out[i] = left + 2 * tile[threadIdx.x] + right;
  if (threadIdx.x == 0)
    liveThreads[blockIdx.x] = live;
}

int main() {
  const int n = 10000, threads = 256, blocks = (n + threads - 1) / threads;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 37) % 101 - 50;
  int *dIn, *dOut, *dLive;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dOut, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dLive, blocks * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  smoothInBlock<<<blocks, threads>>>(dIn, dOut, dLive, n);
  CHECK_CUDA(cudaGetLastError());
  std::vector<int> out(n), live(blocks);
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(live.data(), dLive, blocks * sizeof(int), cudaMemcpyDeviceToHost));

  int errors = 0;
  for (int b = 0; b < blocks; ++b) {
    int begin = b * threads, count = std::min(threads, n - begin);
    if (live[b] != count && errors++ < 5)
      std::printf("block %d: %d threads stayed, expected %d\n", b, live[b], count);
    for (int t = 0; t < count; ++t) {
      int centre = in[begin + t];
      int left = t > 0 ? in[begin + t - 1] : centre;
      int right = t + 1 < count ? in[begin + t + 1] : centre;
      int expected = left + 2 * centre + right;
      if (out[begin + t] != expected && errors++ < 10)
        std::printf("out[%d] = %d, expected %d\n", begin + t, out[begin + t], expected);
    }
  }
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFree(dLive));
  if (errors) {
    std::printf("FAILED: %d errors\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return 0;
}
