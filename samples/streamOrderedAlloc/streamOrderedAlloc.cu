// streamOrderedAlloc: the stream-ordered allocator as CUDA's
// streamOrderedAllocation sample uses it. Each iteration allocates its
// buffers with cudaMallocAsync on one stream, fills and combines them with
// kernels, copies the result back and frees them with cudaFreeAsync, all in
// stream order. The default pool's release threshold is raised so the pool
// keeps its memory between iterations: after the first iteration no new
// memory is reserved (cudaMemPoolAttrReservedMemCurrent stays put) while
// cudaMemPoolAttrUsedMemCurrent returns to 0 at each synchronization.
// Finally cudaMemPoolTrimTo gives the memory back. Prints PASSED.
#include "../common.h"

#include <cstdint>
#include <vector>

__global__ void fill(float *data, int n, float base) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] = base + float(i % 97);
}

__global__ void axpy(const float *x, float *y, int n, float a) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

static uint64_t poolAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr) {
  uint64_t value = 0;
  CHECK_CUDA(cudaMemPoolGetAttribute(pool, attr, &value));
  return value;
}

int main() {
  const int n = 1 << 18, iterations = 20;
  const size_t bytes = n * sizeof(float);
  int device = 0;
  CHECK_CUDA(cudaSetDevice(device));
  int poolsSupported = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&poolsSupported, cudaDevAttrMemoryPoolsSupported, device));
  if (!poolsSupported) {
    std::printf("[streamOrderedAlloc] device has no memory pools: waived\n");
    return 0;
  }
  cudaMemPool_t pool;
  CHECK_CUDA(cudaDeviceGetDefaultMemPool(&pool, device));
  uint64_t threshold = UINT64_MAX; // keep everything between iterations
  CHECK_CUDA(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));

  cudaStream_t stream;
  CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  std::vector<float> result(n);
  int errors = 0;
  uint64_t reservedAfterFirst = 0;
  for (int it = 0; it < iterations; ++it) {
    float *x, *y;
    CHECK_CUDA(cudaMallocAsync(&x, bytes, stream));
    CHECK_CUDA(cudaMallocAsync(&y, bytes, stream));
    fill<<<(n + 255) / 256, 256, 0, stream>>>(x, n, float(it));
    fill<<<(n + 255) / 256, 256, 0, stream>>>(y, n, 1.0f);
    axpy<<<(n + 255) / 256, 256, 0, stream>>>(x, y, n, 2.0f);
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaMemcpyAsync(result.data(), y, bytes, cudaMemcpyDeviceToHost, stream));
    CHECK_CUDA(cudaFreeAsync(x, stream));
    CHECK_CUDA(cudaFreeAsync(y, stream));
    CHECK_CUDA(cudaStreamSynchronize(stream));
    for (int i = 0; i < n; ++i) {
      float expected = 2.0f * (float(it) + float(i % 97)) + (1.0f + float(i % 97));
      if (result[i] != expected && ++errors <= 5)
        std::fprintf(stderr, "iteration %d: y[%d] = %f, expected %f\n", it, i, result[i],
                     expected);
    }
    uint64_t used = poolAttribute(pool, cudaMemPoolAttrUsedMemCurrent);
    uint64_t reserved = poolAttribute(pool, cudaMemPoolAttrReservedMemCurrent);
    if (used != 0) {
      std::fprintf(stderr, "iteration %d: %llu bytes still in use\n", it,
                   (unsigned long long)used);
      ++errors;
    }
    if (it == 0)
      reservedAfterFirst = reserved;
    else if (reserved != reservedAfterFirst) {
      std::fprintf(stderr, "iteration %d: reserved %llu bytes, %llu after the first\n", it,
                   (unsigned long long)reserved, (unsigned long long)reservedAfterFirst);
      ++errors;
    }
  }
  uint64_t usedHigh = poolAttribute(pool, cudaMemPoolAttrUsedMemHigh);
  std::printf("[streamOrderedAlloc] %d iterations, pool reserved %llu bytes, used at most "
              "%llu\n",
              iterations, (unsigned long long)reservedAfterFirst,
              (unsigned long long)usedHigh);
  if (reservedAfterFirst < 2 * bytes || usedHigh < 2 * bytes) {
    std::fprintf(stderr, "the pool reserved less than two buffers\n");
    ++errors;
  }
  CHECK_CUDA(cudaMemPoolTrimTo(pool, 0));
  if (poolAttribute(pool, cudaMemPoolAttrReservedMemCurrent) != 0) {
    std::fprintf(stderr, "cudaMemPoolTrimTo(0) kept memory\n");
    ++errors;
  }
  CHECK_CUDA(cudaStreamDestroy(stream));
  std::printf("[streamOrderedAlloc] %s\n", errors ? "FAILED" : "PASSED");
  return errors ? EXIT_FAILURE : EXIT_SUCCESS;
}
