// dynamicShared: `extern __shared__` memory whose size is given at launch.
// Each block reverses a chunk of the input that fills its dynamic shared
// memory (two arrays carved out of the one extern buffer: the int chunk and
// a per-thread float partial sum) and writes the chunk sum. Run with 4 KiB,
// with 48 KiB (the default limit), and, when the device allows more
// (cudaDevAttrMaxSharedMemoryPerBlockOptin), with more than 48 KiB after
// opting in with cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize);
// the same launch without the opt-in must be refused. Checked on the host;
// prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kThreads = 256;

__global__ void reverseChunks(const int *in, int *out, long long *sums,
                              int chunk) {
  extern __shared__ int dynamic[];
  int *values = dynamic;
  long long *partial = reinterpret_cast<long long *>(dynamic + chunk);
  const int *src = in + size_t(blockIdx.x) * chunk;
  long long sum = 0;
  for (int i = threadIdx.x; i < chunk; i += blockDim.x) {
    values[i] = src[i];
    sum += src[i];
  }
  partial[threadIdx.x] = sum;
  __syncthreads();
  int *dst = out + size_t(blockIdx.x) * chunk;
  for (int i = threadIdx.x; i < chunk; i += blockDim.x)
    dst[i] = values[chunk - 1 - i];
  if (threadIdx.x == 0) {
    long long total = 0;
    for (int t = 0; t < blockDim.x; ++t)
      total += partial[t];
    sums[blockIdx.x] = total;
  }
}

// Chunk length (ints) that fills `bytes` next to the 8-byte partial sums.
static int chunkFor(size_t bytes) {
  return int((bytes - kThreads * sizeof(long long)) / sizeof(int)) & ~1;
}

static int runWith(size_t bytes, int blocks) {
  int chunk = chunkFor(bytes);
  size_t n = size_t(chunk) * blocks;
  std::vector<int> in(n), out(n);
  for (size_t i = 0; i < n; ++i)
    in[i] = int(i % 9973) - 4000;
  int *dIn, *dOut;
  long long *dSums;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dOut, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums, blocks * sizeof(long long)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  reverseChunks<<<blocks, kThreads, bytes>>>(dIn, dOut, dSums, chunk);
  CHECK_CUDA(cudaGetLastError());
  std::vector<long long> sums(blocks);
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(sums.data(), dSums, blocks * sizeof(long long),
                        cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFree(dSums));
  int errors = 0;
  for (int b = 0; b < blocks; ++b) {
    long long expected = 0;
    for (int i = 0; i < chunk; ++i) {
      size_t at = size_t(b) * chunk;
      expected += in[at + i];
      if (out[at + i] != in[at + chunk - 1 - i] && errors++ < 5)
        std::fprintf(stderr, "%zu bytes: block %d out[%d] = %d, expected %d\n",
                     bytes, b, i, out[at + i], in[at + chunk - 1 - i]);
    }
    if (sums[b] != expected && errors++ < 5)
      std::fprintf(stderr, "%zu bytes: block %d sum %lld, expected %lld\n",
                   bytes, b, sums[b], expected);
  }
  std::printf("[dynamicShared] %zu bytes of dynamic shared memory, chunk of %d ints: %s\n",
              bytes, chunk, errors ? "wrong" : "ok");
  return errors;
}

int main() {
  int device = 0, perBlock = 0, optin = 0;
  CHECK_CUDA(cudaGetDevice(&device));
  CHECK_CUDA(cudaDeviceGetAttribute(&perBlock, cudaDevAttrMaxSharedMemoryPerBlock, device));
  CHECK_CUDA(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  std::printf("[dynamicShared] shared memory per block %d, opt-in maximum %d\n",
              perBlock, optin);
  int errors = runWith(4 * 1024, 37) + runWith(size_t(perBlock), 19);
  if (optin > perBlock) {
    size_t large = size_t(optin) < 160 * 1024 ? size_t(optin) : 160 * 1024;
    // Without the opt-in the launch is refused, and the error is not sticky.
    reverseChunks<<<1, kThreads, large>>>(nullptr, nullptr, nullptr, chunkFor(large));
    cudaError_t refused = cudaGetLastError();
    std::printf("[dynamicShared] %zu bytes without opt-in -> %s\n", large,
                cudaGetErrorName(refused));
    if (refused == cudaSuccess) {
      std::fprintf(stderr, "launch above the default limit was not refused\n");
      ++errors;
    }
    CHECK_CUDA(cudaFuncSetAttribute(reverseChunks,
                                    cudaFuncAttributeMaxDynamicSharedMemorySize,
                                    int(large)));
    cudaFuncAttributes attributes;
    CHECK_CUDA(cudaFuncGetAttributes(&attributes, reverseChunks));
    if (attributes.maxDynamicSharedSizeBytes != int(large)) {
      std::fprintf(stderr, "maxDynamicSharedSizeBytes %d, expected %zu\n",
                   attributes.maxDynamicSharedSizeBytes, large);
      ++errors;
    }
    errors += runWith(large, 11);
  } else {
    std::printf("[dynamicShared] no opt-in above %d bytes on this device\n", perBlock);
  }
  if (errors) {
    std::printf("FAILED (%d errors)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
