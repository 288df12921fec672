// Translation unit 1 of a whole-program (no -rdc) two-file test program.
__global__ void cuport_k1(float *x) { x[threadIdx.x] += 1.0f; }
void cuport_launch1(float *x) { cuport_k1<<<1, 32>>>(x); }
