// histogram: 256 bins of the bytes of a buffer. Each block counts into a
// private histogram in shared memory with atomicAdd (heavy contention: the
// data are skewed so a few bins get most hits), then adds its counts to the
// global histogram with global atomicAdd. Grid-stride loop, barriers before
// and after the counting. Checked bin by bin against the host; prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kBins = 256;

__global__ void histogramShared(const unsigned char *data, int n,
                                unsigned int *bins) {
  __shared__ unsigned int local[kBins];
  for (int i = threadIdx.x; i < kBins; i += blockDim.x)
    local[i] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += gridDim.x * blockDim.x)
    atomicAdd(&local[data[i]], 1u);
  __syncthreads();
  for (int i = threadIdx.x; i < kBins; i += blockDim.x)
    if (local[i] != 0)
      atomicAdd(&bins[i], local[i]);
}

int main() {
  const int n = 3 << 20;
  std::vector<unsigned char> data(n);
  unsigned int seed = 12345;
  for (int i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    unsigned value = seed >> 24;
    // Skewed: half the values land in bins 0..3.
    data[i] = (unsigned char)((seed & 0x100) ? (value & 3) : value);
  }
  std::vector<unsigned int> expected(kBins, 0), bins(kBins);
  for (unsigned char byte : data)
    ++expected[byte];

  unsigned char *dData;
  unsigned int *dBins;
  CHECK_CUDA(cudaMalloc(&dData, n));
  CHECK_CUDA(cudaMalloc(&dBins, kBins * sizeof(unsigned int)));
  CHECK_CUDA(cudaMemcpy(dData, data.data(), n, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemset(dBins, 0, kBins * sizeof(unsigned int)));
  const int threads = 256, blocks = 120;
  std::printf("[histogram] %d bytes into %d bins, %d blocks of %d threads\n",
              n, kBins, blocks, threads);
  histogramShared<<<blocks, threads>>>(dData, n, dBins);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(bins.data(), dBins, kBins * sizeof(unsigned int),
                        cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dData));
  CHECK_CUDA(cudaFree(dBins));
  int errors = 0;
  unsigned long long total = 0;
  for (int b = 0; b < kBins; ++b) {
    total += bins[b];
    if (bins[b] != expected[b] && errors++ < 5)
      std::fprintf(stderr, "bin %d: %u, expected %u\n", b, bins[b], expected[b]);
  }
  std::printf("[histogram] total %llu, bin 0 %u, bin 200 %u\n", total, bins[0],
              bins[200]);
  if (errors || total != (unsigned long long)n) {
    std::printf("FAILED (%d wrong bins)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
