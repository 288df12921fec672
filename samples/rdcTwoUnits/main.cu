// rdcTwoUnits: a program built with relocatable device code (nvcc
// -rdc=true, CMake CUDA_SEPARABLE_COMPILATION). The kernel in this unit
// calls a __device__ function and reads a __device__ variable defined in
// scale.cu. Each unit also has an internal function of the same name
// (localTwist), which must not be confused across units. Checks every
// element on the host and prints PASSED.
#include "../common.h"

#include <cmath>
#include <vector>

extern __device__ float coefficients[4];
extern __device__ float evaluatePolynomial(float x);

// Internal to this unit; scale.cu's localTwist doubles instead.
static __device__ __noinline__ float localTwist(float x) { return x + 100.0f; }

__global__ void evaluate(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = localTwist(evaluatePolynomial(x[i])) + coefficients[0];
}

static float hostPolynomial(float x) {
  const float c[4] = {0.5f, -1.25f, 2.0f, 0.75f};
  float result = 0.0f;
  for (int i = 3; i >= 0; --i)
    result = result * x + c[i];
  return result * 2.0f + 100.0f + c[0];
}

int main() {
  const int n = 10000;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i)
    x[i] = float(i % 200) / 50.0f - 2.0f;

  float *dx, *dy;
  CHECK_CUDA(cudaMalloc(&dx, n * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&dy, n * sizeof(float)));
  CHECK_CUDA(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  const int threads = 128;
  std::printf("[rdcTwoUnits] %d elements across two translation units\n", n);
  evaluate<<<(n + threads - 1) / threads, threads>>>(dx, dy, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(y.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost));

  for (int i = 0; i < n; ++i) {
    float expected = hostPolynomial(x[i]);
    if (std::fabs(y[i] - expected) > 1e-3f * std::fmax(1.0f, std::fabs(expected))) {
      std::fprintf(stderr, "mismatch at %d: %f != %f\n", i, y[i], expected);
      std::printf("FAILED\n");
      return EXIT_FAILURE;
    }
  }
  CHECK_CUDA(cudaFree(dx));
  CHECK_CUDA(cudaFree(dy));
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
