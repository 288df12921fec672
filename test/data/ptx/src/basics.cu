// Shared memory, barriers, warp intrinsics, atomics, globals with initializers.
#include <cstdint>

__constant__ float coefficients[4] = {1.0f, 0.5f, 0.25f, 0.125f};
__constant__ int lookup[2][3] = {{1, 2, 3}, {4, 5, 6}};
__device__ int counter = 7;
__device__ double scale = 2.5;
__device__ int histogram[16];
__device__ int *counterPtr = &counter;

__global__ void blockReduce(const float *in, float *out, int n) {
  __shared__ float partial[256];
  int tid = threadIdx.x;
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  partial[tid] = i < n ? in[i] * coefficients[i & 3] : 0.0f;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (tid < s) partial[tid] += partial[tid + s];
    __syncthreads();
  }
  if (tid == 0) out[blockIdx.x] = partial[0];
}

__global__ void warpOps(const int *in, int *out, unsigned *ballots) {
  int lane = threadIdx.x & 31;
  int v = in[blockIdx.x * blockDim.x + threadIdx.x];
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(0xffffffffu, v, offset);
  int x = __shfl_xor_sync(0xffffffffu, v, 1);
  int up = __shfl_up_sync(0xffffffffu, x, 2);
  int idx = __shfl_sync(0xffffffffu, up, 3, 16);
  unsigned ballot = __ballot_sync(0xffffffffu, idx > 0);
  int any = __any_sync(0xffffffffu, idx == 5);
  int all = __all_sync(0xffffffffu, idx != 9);
  if (lane == 0) {
    out[blockIdx.x] = v + any + all;
    ballots[blockIdx.x] = ballot;
  }
}

__global__ void atomics(int *data, unsigned *udata, float *fdata, double *ddata) {
  atomicAdd(&data[0], 1);
  atomicSub(&data[1], 2);
  atomicMax(&data[2], (int)threadIdx.x);
  atomicMin(&data[3], -(int)threadIdx.x);
  atomicCAS(&data[4], 0, 42);
  atomicExch(&data[5], 9);
  atomicAnd(&data[6], 0xF0F0);
  atomicOr(&data[7], 0x0F);
  atomicXor(&data[8], 0x55);
  atomicInc(&udata[0], 100u);
  atomicDec(&udata[1], 100u);
  atomicAdd(&fdata[0], 1.5f);
  atomicAdd(&ddata[0], 2.5);
  atomicAdd(&histogram[threadIdx.x & 15], 1);
  atomicAdd(counterPtr, lookup[1][threadIdx.x % 3]);
  ddata[1] = scale * ddata[2];
}

__global__ void localArray(const int *in, int *out, int k) {
  int buffer[24];
  for (int i = 0; i < 24; ++i) buffer[i] = in[i] * i;
  out[threadIdx.x] = buffer[(k + threadIdx.x) % 24];
}

extern __shared__ float dynamicShared[];
__global__ void dynamicSmem(float *out) {
  dynamicShared[threadIdx.x] = threadIdx.x;
  __syncthreads();
  out[threadIdx.x] = dynamicShared[blockDim.x - 1 - threadIdx.x];
}

struct Pair { int a; double b; };
__global__ void __launch_bounds__(128, 4) byValue(Pair p, int8_t c, short s, Pair *out) {
  out->a = p.a + c + s;
  out->b = p.b;
}
