// bitonicSort: sorts 2^16 unsigned keys (with duplicates) ascending.
// Chunks of 1024 keys are sorted in shared memory by 512 threads (nested
// loops over the merge size k and the stride j, a __syncthreads after every
// step); larger merges run their strides >= 1024 as one global-memory
// launch each and finish the strides < 1024 in shared memory again.
// Checked against std::sort; prints PASSED.
#include "../common.h"

#include <algorithm>
#include <vector>

constexpr unsigned kChunk = 1024; // keys per block in shared memory
constexpr unsigned kThreads = kChunk / 2;

__device__ void compareSwap(unsigned &a, unsigned &b, bool ascending) {
  if ((a > b) == ascending) {
    unsigned t = a;
    a = b;
    b = t;
  }
}

// The comparator `c` of stride j works on keys pos and pos + j.
__device__ unsigned lowIndex(unsigned c, unsigned j) {
  return 2 * c - (c & (j - 1));
}

// Runs the steps (k, j) for j = min(k, kChunk)/2..1 on the block's chunk in shared
// memory for the merge k = kOnly; with kOnly == 0 all merges k = 2..kChunk.
__global__ void bitonicShared(unsigned *keys, unsigned kOnly) {
  __shared__ unsigned chunk[kChunk];
  unsigned base = blockIdx.x * kChunk;
  chunk[threadIdx.x] = keys[base + threadIdx.x];
  chunk[threadIdx.x + kThreads] = keys[base + threadIdx.x + kThreads];
  __syncthreads();
  unsigned kFirst = kOnly ? kOnly : 2;
  unsigned kLast = kOnly ? kOnly : kChunk;
  for (unsigned k = kFirst; k <= kLast; k <<= 1) {
    for (unsigned j = min(k, kChunk) >> 1; j > 0; j >>= 1) {
      unsigned pos = lowIndex(threadIdx.x, j);
      bool ascending = ((base + pos) & k) == 0;
      compareSwap(chunk[pos], chunk[pos + j], ascending);
      __syncthreads();
    }
  }
  keys[base + threadIdx.x] = chunk[threadIdx.x];
  keys[base + threadIdx.x + kThreads] = chunk[threadIdx.x + kThreads];
}

// One step (k, j) with j >= kChunk over all keys, one comparator a thread.
__global__ void bitonicGlobal(unsigned *keys, unsigned k, unsigned j) {
  unsigned c = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned pos = lowIndex(c, j);
  compareSwap(keys[pos], keys[pos + j], (pos & k) == 0);
}

int main() {
  const unsigned n = 1u << 16;
  std::vector<unsigned> keys(n);
  unsigned seed = 2024;
  for (unsigned i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    keys[i] = (seed >> 8) % 50000; // duplicates on purpose
  }
  unsigned *dKeys;
  CHECK_CUDA(cudaMalloc(&dKeys, n * sizeof(unsigned)));
  CHECK_CUDA(cudaMemcpy(dKeys, keys.data(), n * sizeof(unsigned), cudaMemcpyHostToDevice));
  int launches = 0;
  bitonicShared<<<n / kChunk, kThreads>>>(dKeys, 0);
  ++launches;
  for (unsigned k = 2 * kChunk; k <= n; k <<= 1) {
    for (unsigned j = k >> 1; j >= kChunk; j >>= 1, ++launches)
      bitonicGlobal<<<n / 2 / 256, 256>>>(dKeys, k, j);
    bitonicShared<<<n / kChunk, kThreads>>>(dKeys, k);
    ++launches;
  }
  CHECK_CUDA(cudaGetLastError());
  std::vector<unsigned> sorted(n);
  CHECK_CUDA(cudaMemcpy(sorted.data(), dKeys, n * sizeof(unsigned), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dKeys));
  std::printf("[bitonicSort] %u keys, %d launches, first %u last %u\n", n,
              launches, sorted[0], sorted[n - 1]);
  std::sort(keys.begin(), keys.end());
  for (unsigned i = 0; i < n; ++i)
    if (sorted[i] != keys[i]) {
      std::fprintf(stderr, "key %u: %u, expected %u\n", i, sorted[i], keys[i]);
      std::printf("FAILED\n");
      return EXIT_FAILURE;
    }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
