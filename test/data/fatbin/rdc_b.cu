// Translation unit 2 of the -rdc=true test program.
__device__ float cuport_helper(float x) { return 2.0f * x + 1.0f; }

__global__ void cuport_kernel_b(float *x) {
  x[threadIdx.x] = cuport_helper(x[threadIdx.x]);
}
