// reduction: the sum of an array, each block reducing its part in shared
// memory with __syncthreads between the steps of a tree (dynamic shared
// memory, a barrier in a loop), then the host adding the block sums. The
// values are integers so the result is exact; prints PASSED.
#include "../common.h"

#include <vector>

__global__ void blockSum(const int *in, long long *blockSums, int n) {
  extern __shared__ long long partial[];
  unsigned t = threadIdx.x;
  long long sum = 0;
  // Grid-stride: each thread first adds its share of the input.
  for (int i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x)
    sum += in[i];
  partial[t] = sum;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (t < stride)
      partial[t] += partial[t + stride];
    __syncthreads();
  }
  if (t == 0)
    blockSums[blockIdx.x] = partial[0];
}

int main() {
  const int n = 1 << 20;
  std::vector<int> in(n);
  long long expected = 0;
  for (int i = 0; i < n; ++i) {
    in[i] = (i * 7919) % 2001 - 1000;
    expected += in[i];
  }
  const int threads = 256, blocks = 64;
  int *dIn;
  long long *dSums;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums, blocks * sizeof(long long)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  std::printf("[reduction] %d elements, %d blocks of %d threads\n", n, blocks, threads);
  blockSum<<<blocks, threads, threads * sizeof(long long)>>>(dIn, dSums, n);
  CHECK_CUDA(cudaGetLastError());
  std::vector<long long> sums(blocks);
  CHECK_CUDA(cudaMemcpy(sums.data(), dSums, blocks * sizeof(long long),
                        cudaMemcpyDeviceToHost));
  long long total = 0;
  for (long long sum : sums)
    total += sum;
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dSums));
  if (total != expected) {
    std::fprintf(stderr, "sum %lld, expected %lld\n", total, expected);
    std::printf("FAILED\n");
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
