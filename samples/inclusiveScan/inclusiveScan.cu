// inclusiveScan: prefix sums of an array of any length in three passes.
// 1. each block scans its 256 elements in shared memory with the
//    Hillis-Steele algorithm (double buffer, a barrier per step in a loop)
//    and writes its total to blockSums;
// 2. one block scans the block totals with the work-efficient Blelloch
//    algorithm (up-sweep and down-sweep loops, barriers in both), in place;
// 3. every block adds the scanned total of the blocks before it.
// Integers, so the result is exact; checked against the host; prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kBlock = 256;
constexpr int kMaxBlocks = 1024; // pass 2 scans up to this many totals

__global__ void scanBlocks(const int *in, int *out, int *blockSums, int n) {
  __shared__ int buffer[2][kBlock];
  int t = threadIdx.x;
  int i = blockIdx.x * blockDim.x + t;
  int current = 0;
  buffer[current][t] = i < n ? in[i] : 0;
  __syncthreads();
  for (int offset = 1; offset < blockDim.x; offset *= 2) {
    int next = 1 - current;
    int value = buffer[current][t];
    if (t >= offset)
      value += buffer[current][t - offset];
    buffer[next][t] = value;
    current = next;
    __syncthreads();
  }
  if (i < n)
    out[i] = buffer[current][t];
  if (t == blockDim.x - 1)
    blockSums[blockIdx.x] = buffer[current][t];
}

// Blelloch scan of `count` (<= 2 * blockDim.x, power of two padded) values,
// turned into an inclusive scan by adding each input back.
__global__ void scanTotals(int *sums, int count) {
  __shared__ int temp[kMaxBlocks];
  int t = threadIdx.x;
  int size = 2 * blockDim.x;
  int a = 2 * t, b = 2 * t + 1;
  int inA = a < count ? sums[a] : 0;
  int inB = b < count ? sums[b] : 0;
  temp[a] = inA;
  temp[b] = inB;
  int offset = 1;
  for (int d = size >> 1; d > 0; d >>= 1) { // up-sweep
    __syncthreads();
    if (t < d) {
      int left = offset * (2 * t + 1) - 1;
      int right = offset * (2 * t + 2) - 1;
      temp[right] += temp[left];
    }
    offset *= 2;
  }
  if (t == 0)
    temp[size - 1] = 0;
  for (int d = 1; d < size; d *= 2) { // down-sweep
    offset >>= 1;
    __syncthreads();
    if (t < d) {
      int left = offset * (2 * t + 1) - 1;
      int right = offset * (2 * t + 2) - 1;
      int saved = temp[left];
      temp[left] = temp[right];
      temp[right] += saved;
    }
  }
  __syncthreads();
  if (a < count)
    sums[a] = temp[a] + inA;
  if (b < count)
    sums[b] = temp[b] + inB;
}

__global__ void addBlockOffsets(int *out, const int *scannedSums, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (blockIdx.x > 0 && i < n)
    out[i] += scannedSums[blockIdx.x - 1];
}

int main() {
  const int n = 200000 + 17;
  const int blocks = (n + kBlock - 1) / kBlock;
  if (blocks > kMaxBlocks) {
    std::printf("FAILED (too many blocks)\n");
    return EXIT_FAILURE;
  }
  std::vector<int> in(n), out(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 37) % 19 - 9;
  int *dIn, *dOut, *dSums;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dOut, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums, kMaxBlocks * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  std::printf("[inclusiveScan] %d elements, %d blocks of %d\n", n, blocks, kBlock);
  scanBlocks<<<blocks, kBlock>>>(dIn, dOut, dSums, n);
  CHECK_CUDA(cudaGetLastError());
  scanTotals<<<1, kMaxBlocks / 2>>>(dSums, blocks);
  CHECK_CUDA(cudaGetLastError());
  addBlockOffsets<<<blocks, kBlock>>>(dOut, dSums, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFree(dSums));
  int errors = 0;
  long long running = 0;
  for (int i = 0; i < n; ++i) {
    running += in[i];
    if (out[i] != running && errors++ < 5)
      std::fprintf(stderr, "out[%d] = %d, expected %lld\n", i, out[i], running);
  }
  std::printf("[inclusiveScan] last prefix sum %d\n", out[n - 1]);
  if (errors) {
    std::printf("FAILED (%d wrong elements)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
