// Separate compilation: calls a device function and reads a variable from another unit.
extern __device__ int addOne(int x);
extern __device__ int sharedTable[8];

__global__ void useExtern(int *out) {
  out[threadIdx.x] = addOne(sharedTable[threadIdx.x & 7]);
}
