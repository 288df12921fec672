// wmmaGemm: C = alpha * A * B + beta * C with tensor-core fragments
// (<mma.h>, nvcuda::wmma). A (M x K) and B (K x N) are half precision,
// A row-major and B column-major; C is float, row-major. Each warp computes
// one 16x16 tile of C: it walks K in steps of 16, loading a fragment of A
// and one of B and accumulating their product (mma_sync), then scales the
// accumulator and the loaded C tile element by element and stores the
// result. Blocks of 4 warps (2 x 2 tiles). The inputs are small multiples
// of 1/4 so every product and sum is exact in float; the host computes the
// same expression and compares; prints PASSED.
#include "../common.h"

#include <cuda_fp16.h>
#include <mma.h>

#include <vector>

using namespace nvcuda;

constexpr int kTile = 16;

__global__ void wmmaGemm(const half *a, const half *b, float *c, int m, int n, int k,
                         float alpha, float beta) {
  int warpM = (blockIdx.y * blockDim.y + threadIdx.y);           // tile row
  int warpN = (blockIdx.x * blockDim.x + threadIdx.x) / warpSize; // tile column
  if (warpM * kTile >= m || warpN * kTile >= n)
    return; // the whole warp leaves together
  wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, half, wmma::row_major> aFrag;
  wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, half, wmma::col_major> bFrag;
  wmma::fragment<wmma::accumulator, kTile, kTile, kTile, float> acc, cFrag;
  wmma::fill_fragment(acc, 0.0f);
  for (int i = 0; i < k; i += kTile) {
    const half *aTile = a + warpM * kTile * k + i;  // row-major, lda = k
    const half *bTile = b + warpN * kTile * k + i;  // column-major, ldb = k
    wmma::load_matrix_sync(aFrag, aTile, k);
    wmma::load_matrix_sync(bFrag, bTile, k);
    wmma::mma_sync(acc, aFrag, bFrag, acc);
  }
  float *cTile = c + warpM * kTile * n + warpN * kTile;
  wmma::load_matrix_sync(cFrag, cTile, n, wmma::mem_row_major);
  for (int e = 0; e < cFrag.num_elements; ++e)
    cFrag.x[e] = alpha * acc.x[e] + beta * cFrag.x[e];
  wmma::store_matrix_sync(cTile, cFrag, n, wmma::mem_row_major);
}

int main() {
  const int m = 64, n = 48, k = 80; // multiples of 16; the grid has idle warps
  const float alpha = 2.0f, beta = -0.5f;
  std::vector<float> a(m * k), b(k * n), c(m * n);
  std::vector<half> aHalf(m * k), bHalf(k * n);
  for (int r = 0; r < m; ++r)
    for (int i = 0; i < k; ++i) {
      a[r * k + i] = float((r * 7 + i * 3) % 13 - 6) / 4.0f;
      aHalf[r * k + i] = __float2half(a[r * k + i]);
    }
  for (int i = 0; i < k; ++i)
    for (int col = 0; col < n; ++col) {
      b[i * n + col] = float((i * 5 + col * 11) % 9 - 4) / 4.0f;
      bHalf[col * k + i] = __float2half(b[i * n + col]); // column-major
    }
  for (int i = 0; i < m * n; ++i)
    c[i] = float(i % 17 - 8);
  half *dA, *dB;
  float *dC;
  CHECK_CUDA(cudaMalloc(&dA, aHalf.size() * sizeof(half)));
  CHECK_CUDA(cudaMalloc(&dB, bHalf.size() * sizeof(half)));
  CHECK_CUDA(cudaMalloc(&dC, c.size() * sizeof(float)));
  CHECK_CUDA(cudaMemcpy(dA, aHalf.data(), aHalf.size() * sizeof(half), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dB, bHalf.data(), bHalf.size() * sizeof(half), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dC, c.data(), c.size() * sizeof(float), cudaMemcpyHostToDevice));
  dim3 block(2 * 32, 2); // 2 x 2 warps, one 16x16 tile each
  dim3 grid((n / kTile + 1) / 2 + 1, (m / kTile + 1) / 2);
  std::printf("[wmmaGemm] (%d x %d) * (%d x %d), grid %u x %u of 2 x 2 warps\n", m, k, k, n,
              grid.x, grid.y);
  wmmaGemm<<<grid, block>>>(dA, dB, dC, m, n, k, alpha, beta);
  CHECK_CUDA(cudaGetLastError());
  std::vector<float> result(m * n);
  CHECK_CUDA(cudaMemcpy(result.data(), dC, result.size() * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dA));
  CHECK_CUDA(cudaFree(dB));
  CHECK_CUDA(cudaFree(dC));
  int errors = 0;
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < n; ++col) {
      float sum = 0.0f;
      for (int i = 0; i < k; ++i)
        sum += a[r * k + i] * b[i * n + col];
      float expected = alpha * sum + beta * c[r * n + col];
      if (result[r * n + col] != expected && errors++ < 5)
        std::fprintf(stderr, "C[%d][%d] = %g, expected %g\n", r, col, result[r * n + col],
                     expected);
    }
  if (errors) {
    std::printf("FAILED (%d wrong elements)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
