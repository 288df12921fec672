// saxpy: y = a*x + y in single precision, launched through cudaLaunchKernel
// as well as <<<>>>, with the device properties printed first.
#include "../common.h"

#include <cmath>
#include <vector>

__global__ void saxpy(int n, float a, const float *x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

int main() {
  int device = 0;
  CHECK_CUDA(cudaGetDevice(&device));
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, device));
  std::printf("[saxpy] device %d: %s, compute capability %d.%d, warp size %d\n",
              device, prop.name, prop.major, prop.minor, prop.warpSize);

  const int n = 1 << 20;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = 1.0f + float(i % 13);
    y[i] = 2.0f - float(i % 7);
  }
  float *dx, *dy;
  CHECK_CUDA(cudaMalloc(&dx, n * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&dy, n * sizeof(float)));
  CHECK_CUDA(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));

  float a = 2.5f;
  saxpy<<<(n + 255) / 256, 256>>>(n, a, dx, dy);
  CHECK_CUDA(cudaGetLastError());
  // The same launch through the runtime API: y = a*x + (a*x + y).
  void *args[] = {(void *)&n, &a, &dx, &dy};
  CHECK_CUDA(cudaLaunchKernel((const void *)saxpy, dim3((n + 511) / 512), dim3(512),
                              args, 0, nullptr));
  CHECK_CUDA(cudaDeviceSynchronize());
  std::vector<float> result(n);
  CHECK_CUDA(cudaMemcpy(result.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost));

  int errors = 0;
  for (int i = 0; i < n; ++i) {
    float expected = a * x[i] + (a * x[i] + y[i]);
    if (std::fabs(result[i] - expected) > 1e-4f * std::fabs(expected) + 1e-5f)
      ++errors;
  }
  CHECK_CUDA(cudaFree(dx));
  CHECK_CUDA(cudaFree(dy));
  std::printf("[saxpy] %d of %d elements wrong\n", errors, n);
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
