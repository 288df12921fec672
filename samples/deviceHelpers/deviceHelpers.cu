// deviceHelpers: the block-level building blocks CUDA programmers factor out
// into __device__ functions: the global index of the thread, a block-wide
// sum (shared memory, __syncthreads inside the helper) and a block-wide
// maximum, called from a kernel that reduces an array to per-block sums and
// maxima. Integers, checked on the host; prints PASSED.
//
// Also built with -rdc=true, where every __device__ function is a .visible
// .func: the CPU lowering must not keep (and reject) the inlined copies.
#include "../common.h"

#include <climits>
#include <vector>

constexpr int kThreads = 256;

__device__ int globalIndex() { return blockIdx.x * blockDim.x + threadIdx.x; }

// Sum of `value` over the block; every thread gets the result.
__device__ long long blockSum(long long value, long long *scratch) {
  scratch[threadIdx.x] = value;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      scratch[threadIdx.x] += scratch[threadIdx.x + stride];
    __syncthreads();
  }
  long long total = scratch[0];
  __syncthreads(); // scratch may be reused right after
  return total;
}

__device__ int blockMax(int value, int *scratch) {
  if (threadIdx.x == 0)
    *scratch = INT_MIN;
  __syncthreads();
  atomicMax(scratch, value);
  __syncthreads();
  int result = *scratch;
  __syncthreads();
  return result;
}

__global__ void summarize(const int *in, int n, long long *sums, int *maxima) {
  __shared__ long long scratch[kThreads];
  __shared__ int maximum;
  int i = globalIndex();
  int value = i < n ? in[i] : 0;
  long long sum = blockSum(value, scratch);
  int max = blockMax(i < n ? value : INT_MIN, &maximum);
  if (threadIdx.x == 0) {
    sums[blockIdx.x] = sum;
    maxima[blockIdx.x] = max;
  }
}

int main() {
  const int n = 100000;
  const int blocks = (n + kThreads - 1) / kThreads;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 7717) % 10007 - 5000;
  int *dIn, *dMaxima;
  long long *dSums;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums, blocks * sizeof(long long)));
  CHECK_CUDA(cudaMalloc(&dMaxima, blocks * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  summarize<<<blocks, kThreads>>>(dIn, n, dSums, dMaxima);
  CHECK_CUDA(cudaGetLastError());
  std::vector<long long> sums(blocks);
  std::vector<int> maxima(blocks);
  CHECK_CUDA(cudaMemcpy(sums.data(), dSums, blocks * sizeof(long long), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(maxima.data(), dMaxima, blocks * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dSums));
  CHECK_CUDA(cudaFree(dMaxima));
  int errors = 0;
  for (int b = 0; b < blocks; ++b) {
    long long sum = 0;
    int max = INT_MIN;
    for (int i = b * kThreads; i < n && i < (b + 1) * kThreads; ++i) {
      sum += in[i];
      max = in[i] > max ? in[i] : max;
    }
    if ((sums[b] != sum || maxima[b] != max) && errors++ < 5)
      std::fprintf(stderr, "block %d: sum %lld max %d, expected %lld %d\n", b,
                   sums[b], maxima[b], sum, max);
  }
  std::printf("[deviceHelpers] %d blocks summarized\n", blocks);
  if (errors) {
    std::printf("FAILED (%d blocks)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
