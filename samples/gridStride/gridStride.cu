// gridStride: a grid-stride loop over more elements than threads, in double
// precision with a 64-bit index, on a 2D grid of fewer blocks than the data
// needs; cudaMemset clears the output first. The result must match the
// fused multiply-add bit for bit.
#include "../common.h"

#include <cmath>
#include <vector>

__global__ void scaleAndShift(double *out, const double *in, long long n,
                              double scale, double shift) {
  long long threads = (long long)gridDim.x * gridDim.y * blockDim.x;
  long long block = (long long)blockIdx.y * gridDim.x + blockIdx.x;
  for (long long i = block * blockDim.x + threadIdx.x; i < n; i += threads)
    out[i] = in[i] * scale + shift;
}

int main() {
  const long long n = 3000001; // not a multiple of anything convenient
  std::vector<double> in(n), out(n, -1.0);
  for (long long i = 0; i < n; ++i)
    in[i] = double(i % 1000) * 0.001 - 0.5;
  double *din, *dout;
  CHECK_CUDA(cudaMalloc(&din, n * sizeof(double)));
  CHECK_CUDA(cudaMalloc(&dout, n * sizeof(double)));
  CHECK_CUDA(cudaMemset(dout, 0, n * sizeof(double)));
  CHECK_CUDA(cudaMemcpy(din, in.data(), n * sizeof(double), cudaMemcpyHostToDevice));

  dim3 grid(8, 4), block(128);
  scaleAndShift<<<grid, block>>>(dout, din, n, 3.0, 0.25);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(out.data(), dout, n * sizeof(double), cudaMemcpyDeviceToHost));

  long long errors = 0;
  for (long long i = 0; i < n; ++i)
    if (out[i] != std::fma(in[i], 3.0, 0.25)) // nvcc fuses a*b+c (--fmad=true)
      ++errors;
  std::printf("[gridStride] %lld elements, %u x %u blocks of %u threads, %lld wrong\n",
              n, grid.x, grid.y, block.x, errors);
  CHECK_CUDA(cudaFree(din));
  CHECK_CUDA(cudaFree(dout));
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
