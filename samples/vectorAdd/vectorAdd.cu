// vectorAdd: c[i] = a[i] + b[i], one thread per element, the classic first
// CUDA program. Checks every element on the host and prints PASSED.
#include "../common.h"

#include <cmath>
#include <vector>

__global__ void vectorAdd(const float *a, const float *b, float *c, int n) {
  int i = blockDim.x * blockIdx.x + threadIdx.x;
  if (i < n)
    c[i] = a[i] + b[i];
}

int main() {
  const int n = 50000;
  const size_t bytes = n * sizeof(float);
  std::vector<float> a(n), b(n), c(n);
  for (int i = 0; i < n; ++i) {
    a[i] = std::sin(float(i)) * 0.5f;
    b[i] = float(i % 97) / 7.0f;
  }

  float *da, *db, *dc;
  CHECK_CUDA(cudaMalloc(&da, bytes));
  CHECK_CUDA(cudaMalloc(&db, bytes));
  CHECK_CUDA(cudaMalloc(&dc, bytes));
  CHECK_CUDA(cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(db, b.data(), bytes, cudaMemcpyHostToDevice));

  const int threads = 256;
  const int blocks = (n + threads - 1) / threads;
  std::printf("[vectorAdd] %d elements, %d blocks of %d threads\n", n, blocks, threads);
  vectorAdd<<<blocks, threads>>>(da, db, dc, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(c.data(), dc, bytes, cudaMemcpyDeviceToHost));

  for (int i = 0; i < n; ++i) {
    if (std::fabs(c[i] - (a[i] + b[i])) > 1e-5f) {
      std::fprintf(stderr, "mismatch at %d: %f != %f\n", i, c[i], a[i] + b[i]);
      std::printf("FAILED\n");
      return EXIT_FAILURE;
    }
  }
  CHECK_CUDA(cudaFree(da));
  CHECK_CUDA(cudaFree(db));
  CHECK_CUDA(cudaFree(dc));
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
