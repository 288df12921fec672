// Dynamic parallelism: kernels that launch kernels (build with -rdc=true).
//  1. Each block of a parent grid launches a child grid that fills its
//     segment of an array; the child launch is checked on the device.
//  2. A recursive sum: a grid splits its range in two halves and launches
//     itself on each, until ranges are small enough to add in one block.
// The host sees every child grid finished when the parent launch is.
#include "../common.h"

#include <vector>

__global__ void fillSegment(int *out, int begin, int count, int base) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count)
    out[begin + i] = base + i;
}

__global__ void launchFillers(int *out, int segment, int *launchErrors) {
  if (threadIdx.x != 0)
    return;
  int threads = 128, blocks = (segment + threads - 1) / threads;
  fillSegment<<<blocks, threads>>>(out, blockIdx.x * segment, segment, blockIdx.x * 1000);
  if (cudaGetLastError() != cudaSuccess)
    atomicAdd(launchErrors, 1);
}

constexpr int kLeaf = 4096;

__global__ void recursiveSum(const int *in, int begin, int end,
                             unsigned long long *total, int *maxDepth, int depth) {
  if (end - begin > kLeaf) {
    if (threadIdx.x == 0) {
      int middle = begin + (end - begin) / 2;
      recursiveSum<<<1, 256>>>(in, begin, middle, total, maxDepth, depth + 1);
      recursiveSum<<<1, 256>>>(in, middle, end, total, maxDepth, depth + 1);
    }
    return;
  }
  __shared__ unsigned long long partial[256];
  unsigned long long sum = 0;
  for (int i = begin + threadIdx.x; i < end; i += blockDim.x)
    sum += in[i];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    atomicAdd(total, partial[0]);
    atomicMax(maxDepth, depth);
  }
}

int main() {
  int failures = 0;

  const int parents = 6, segment = 1000;
  int *dOut, *dErrors;
  CHECK_CUDA(cudaMalloc(&dOut, parents * segment * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dErrors, sizeof(int)));
  CHECK_CUDA(cudaMemset(dOut, 0xff, parents * segment * sizeof(int)));
  CHECK_CUDA(cudaMemset(dErrors, 0, sizeof(int)));
  launchFillers<<<parents, 32>>>(dOut, segment, dErrors);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  std::vector<int> out(parents * segment);
  int errors = 0;
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(&errors, dErrors, sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < parents; ++b)
    for (int i = 0; i < segment; ++i)
      if (out[b * segment + i] != b * 1000 + i && failures++ < 5)
        std::fprintf(stderr, "out[%d] = %d, expected %d\n", b * segment + i,
                     out[b * segment + i], b * 1000 + i);
  if (errors) {
    std::fprintf(stderr, "%d child launches failed on the device\n", errors);
    ++failures;
  }
  std::printf("%d parent blocks each launched a child grid of %d elements\n", parents,
              segment);

  const int n = 100000;
  std::vector<int> in(n);
  unsigned long long want = 0;
  for (int i = 0; i < n; ++i)
    want += in[i] = (i * 7) % 1001;
  int *dIn, *dDepth;
  unsigned long long *dTotal;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dTotal, sizeof(unsigned long long)));
  CHECK_CUDA(cudaMalloc(&dDepth, sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemset(dTotal, 0, sizeof(unsigned long long)));
  CHECK_CUDA(cudaMemset(dDepth, 0, sizeof(int)));
  recursiveSum<<<1, 256>>>(dIn, 0, n, dTotal, dDepth, 0);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  unsigned long long total = 0;
  int depth = 0;
  CHECK_CUDA(cudaMemcpy(&total, dTotal, sizeof(total), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(&depth, dDepth, sizeof(depth), cudaMemcpyDeviceToHost));
  // 100000 / 2^5 = 3125 <= 4096: leaves at depth 5.
  if (total != want || depth != 5) {
    std::fprintf(stderr, "recursive sum %llu at depth %d, expected %llu at depth 5\n", total,
                 depth, want);
    ++failures;
  }
  std::printf("recursive sum of %d values over %d levels of child grids: %llu\n", n, depth,
              total);

  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFree(dErrors));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dTotal));
  CHECK_CUDA(cudaFree(dDepth));
  std::printf(failures ? "FAILED\n" : "PASSED\n");
  return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
