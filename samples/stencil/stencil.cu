// stencil: a 1D stencil of radius 3 and a 2D five-point stencil, both with
// their halo cells staged in shared memory next to the block's own cells.
// 1D: 256 threads, the first kRadius threads also load the left and right
// halos. 2D: 16x16 blocks with a one-cell halo on each side loaded by the
// edge threads; the grid edges read zeros. Sizes are not multiples of the
// block. Integers, checked against the host; prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kRadius = 3;
constexpr int kBlock1D = 256;
constexpr int kTile = 16;

__constant__ int weights[2 * kRadius + 1];

__global__ void stencil1D(const int *in, int *out, int n) {
  __shared__ int cells[kBlock1D + 2 * kRadius];
  int g = blockIdx.x * blockDim.x + threadIdx.x;
  int l = threadIdx.x + kRadius;
  cells[l] = g < n ? in[g] : 0;
  if (threadIdx.x < kRadius) {
    int left = g - kRadius, right = g + kBlock1D;
    cells[l - kRadius] = left >= 0 && left < n ? in[left] : 0;
    cells[l + kBlock1D] = right < n ? in[right] : 0;
  }
  __syncthreads();
  if (g < n) {
    int sum = 0;
    for (int o = -kRadius; o <= kRadius; ++o)
      sum += weights[o + kRadius] * cells[l + o];
    out[g] = sum;
  }
}

__device__ int cellAt(const int *in, int x, int y, int w, int h) {
  return x >= 0 && x < w && y >= 0 && y < h ? in[y * w + x] : 0;
}

__global__ void stencil2D(const int *in, int *out, int w, int h) {
  __shared__ int tile[kTile + 2][kTile + 2];
  int x = blockIdx.x * kTile + threadIdx.x;
  int y = blockIdx.y * kTile + threadIdx.y;
  int tx = threadIdx.x + 1, ty = threadIdx.y + 1;
  tile[ty][tx] = cellAt(in, x, y, w, h);
  if (threadIdx.x == 0)
    tile[ty][0] = cellAt(in, x - 1, y, w, h);
  if (threadIdx.x == kTile - 1)
    tile[ty][kTile + 1] = cellAt(in, x + 1, y, w, h);
  if (threadIdx.y == 0)
    tile[0][tx] = cellAt(in, x, y - 1, w, h);
  if (threadIdx.y == kTile - 1)
    tile[kTile + 1][tx] = cellAt(in, x, y + 1, w, h);
  __syncthreads();
  if (x < w && y < h)
    out[y * w + x] = 4 * tile[ty][tx] - tile[ty][tx - 1] - tile[ty][tx + 1] -
                     tile[ty - 1][tx] - tile[ty + 1][tx];
}

int main() {
  int errors = 0;
  // 1D
  const int n = 100003;
  const int hostWeights[2 * kRadius + 1] = {1, -2, 3, 5, 3, -2, 1};
  std::vector<int> in(n), out(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 13) % 101 - 50;
  int *dIn, *dOut;
  CHECK_CUDA(cudaMemcpyToSymbol(weights, hostWeights, sizeof(hostWeights)));
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dOut, n * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  stencil1D<<<(n + kBlock1D - 1) / kBlock1D, kBlock1D>>>(dIn, dOut, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  for (int i = 0; i < n; ++i) {
    int expected = 0;
    for (int o = -kRadius; o <= kRadius; ++o)
      if (i + o >= 0 && i + o < n)
        expected += hostWeights[o + kRadius] * in[i + o];
    if (out[i] != expected && errors++ < 5)
      std::fprintf(stderr, "1D out[%d] = %d, expected %d\n", i, out[i], expected);
  }
  // 2D
  const int w = 301, h = 190;
  std::vector<int> grid(w * h), result(w * h);
  for (int i = 0; i < w * h; ++i)
    grid[i] = (i * 7) % 23;
  CHECK_CUDA(cudaMalloc(&dIn, w * h * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dOut, w * h * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, grid.data(), w * h * sizeof(int), cudaMemcpyHostToDevice));
  dim3 blocks((w + kTile - 1) / kTile, (h + kTile - 1) / kTile);
  stencil2D<<<blocks, dim3(kTile, kTile)>>>(dIn, dOut, w, h);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(result.data(), dOut, w * h * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  auto at = [&](int x, int y) {
    return x >= 0 && x < w && y >= 0 && y < h ? grid[y * w + x] : 0;
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int expected = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) -
                     at(x, y + 1);
      if (result[y * w + x] != expected && errors++ < 10)
        std::fprintf(stderr, "2D out[%d][%d] = %d, expected %d\n", y, x,
                     result[y * w + x], expected);
    }
  std::printf("[stencil] 1D: %d cells, radius %d; 2D: %d x %d, 5 points\n", n,
              kRadius, w, h);
  if (errors) {
    std::printf("FAILED (%d wrong cells)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
