// Translation unit 1 of the -rdc=true test program: calls a device function
// defined in rdc_b.cu, so the device code must be linked.
#include <cstdio>

__device__ float cuport_helper(float x);

__global__ void cuport_kernel_a(float *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    x[i] = cuport_helper(x[i]);
}

int main() {
  float *d = nullptr;
  cudaMalloc(&d, 64 * sizeof(float));
  cuport_kernel_a<<<1, 64>>>(d, 64);
  std::printf("%s\n", cudaGetErrorString(cudaDeviceSynchronize()));
  return 0;
}
