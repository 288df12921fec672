// transpose: out = in^T for a non-square matrix whose sides are not
// multiples of the tile. Each 32x8 block moves a 32x32 tile through shared
// memory padded by one column (tile[32][33]) so that the column-wise reads
// do not hit one bank; coalesced reads and writes on both sides, 2D grid and
// 2D blocks, one __syncthreads. A naive transpose runs too and both are
// checked against the host; prints PASSED.
#include "../common.h"

#include <vector>

constexpr int kTile = 32;
constexpr int kRows = 8;

__global__ void transposeShared(const float *in, float *out, int width,
                                int height) {
  __shared__ float tile[kTile][kTile + 1];
  int x = blockIdx.x * kTile + threadIdx.x;
  int y = blockIdx.y * kTile + threadIdx.y;
  for (int j = 0; j < kTile; j += kRows)
    if (x < width && y + j < height)
      tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * width + x];
  __syncthreads();
  x = blockIdx.y * kTile + threadIdx.x;
  y = blockIdx.x * kTile + threadIdx.y;
  for (int j = 0; j < kTile; j += kRows)
    if (x < height && y + j < width)
      out[(y + j) * height + x] = tile[threadIdx.x][threadIdx.y + j];
}

__global__ void transposeNaive(const float *in, float *out, int width,
                               int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height)
    out[x * height + y] = in[y * width + x];
}

static int check(const std::vector<float> &in, const std::vector<float> &out,
                 int width, int height, const char *name) {
  int errors = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (out[x * height + y] != in[y * width + x] && errors++ < 5)
        std::fprintf(stderr, "%s: out[%d][%d] = %g, expected %g\n", name, x, y,
                     out[x * height + y], in[y * width + x]);
  return errors;
}

int main() {
  const int width = 1000, height = 517;
  const size_t bytes = size_t(width) * height * sizeof(float);
  std::vector<float> in(size_t(width) * height), out(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = float(i);
  float *dIn, *dOut;
  CHECK_CUDA(cudaMalloc(&dIn, bytes));
  CHECK_CUDA(cudaMalloc(&dOut, bytes));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), bytes, cudaMemcpyHostToDevice));
  dim3 grid((width + kTile - 1) / kTile, (height + kTile - 1) / kTile);
  std::printf("[transpose] %d x %d, grid %u x %u, block %d x %d\n", width,
              height, grid.x, grid.y, kTile, kRows);

  CHECK_CUDA(cudaMemset(dOut, 0, bytes));
  transposeShared<<<grid, dim3(kTile, kRows)>>>(dIn, dOut, width, height);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, bytes, cudaMemcpyDeviceToHost));
  int errors = check(in, out, width, height, "shared");

  CHECK_CUDA(cudaMemset(dOut, 0, bytes));
  transposeNaive<<<grid, dim3(kTile, kTile)>>>(dIn, dOut, width, height);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, bytes, cudaMemcpyDeviceToHost));
  errors += check(in, out, width, height, "naive");

  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
  if (errors) {
    std::printf("FAILED (%d wrong elements)\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
