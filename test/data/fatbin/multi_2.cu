// Translation unit 2 of a whole-program (no -rdc) two-file test program.
__global__ void cuport_k2(float *x) { x[threadIdx.x] *= 2.0f; }
void cuport_launch1(float *x);
int main() {
  cuport_launch1(nullptr);
  cuport_k2<<<1, 32>>>(nullptr);
  return 0;
}
