// tiledMatmul: C = A * B with 16x16 tiles of A and B staged in shared
// memory, two __syncthreads per tile (after loading, before overwriting),
// a barrier inside a loop over tiles. The sizes are not multiples of the
// tile, so edge threads load zeros and skip the store but still reach every
// barrier. Inputs are small integers so the float result is exact; the host
// computes the same product and compares; prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kTile = 16;

__global__ void matmulTiled(const float *a, const float *b, float *c, int m,
                            int k, int n) {
  __shared__ float tileA[kTile][kTile];
  __shared__ float tileB[kTile][kTile];
  int row = blockIdx.y * kTile + threadIdx.y;
  int col = blockIdx.x * kTile + threadIdx.x;
  float sum = 0.0f;
  for (int t = 0; t < (k + kTile - 1) / kTile; ++t) {
    int aCol = t * kTile + threadIdx.x;
    int bRow = t * kTile + threadIdx.y;
    tileA[threadIdx.y][threadIdx.x] =
        (row < m && aCol < k) ? a[row * k + aCol] : 0.0f;
    tileB[threadIdx.y][threadIdx.x] =
        (bRow < k && col < n) ? b[bRow * n + col] : 0.0f;
    __syncthreads();
    for (int i = 0; i < kTile; ++i)
      sum += tileA[threadIdx.y][i] * tileB[i][threadIdx.x];
    __syncthreads();
  }
  if (row < m && col < n)
    c[row * n + col] = sum;
}

int main() {
  const int m = 203, k = 141, n = 129;
  std::vector<float> a(m * k), b(k * n), c(m * n, -1.0f);
  for (int i = 0; i < m * k; ++i)
    a[i] = float(i % 7 - 3);
  for (int i = 0; i < k * n; ++i)
    b[i] = float(i % 5 - 2);
  float *dA, *dB, *dC;
  CHECK_CUDA(cudaMalloc(&dA, a.size() * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&dB, b.size() * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&dC, c.size() * sizeof(float)));
  CHECK_CUDA(cudaMemcpy(dA, a.data(), a.size() * sizeof(float), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dB, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemset(dC, 0xff, c.size() * sizeof(float)));
  dim3 block(kTile, kTile);
  dim3 grid((n + kTile - 1) / kTile, (m + kTile - 1) / kTile);
  std::printf("[tiledMatmul] (%d x %d) * (%d x %d), grid %u x %u of %d x %d tiles\n",
              m, k, k, n, grid.x, grid.y, kTile, kTile);
  matmulTiled<<<grid, block>>>(dA, dB, dC, m, k, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(c.data(), dC, c.size() * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dA));
  CHECK_CUDA(cudaFree(dB));
  CHECK_CUDA(cudaFree(dC));
  int errors = 0;
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < n; ++col) {
      float expected = 0.0f;
      for (int i = 0; i < k; ++i)
        expected += a[r * k + i] * b[i * n + col];
      if (c[r * n + col] != expected && errors++ < 5)
        std::fprintf(stderr, "C[%d][%d] = %g, expected %g\n", r, col,
                     c[r * n + col], expected);
    }
  if (errors) {
    std::printf("FAILED (%d wrong elements)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
