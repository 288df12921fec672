// Kernels for test/unit/exec/SharedBarrierExecTest.cpp: shared memory in the
// worker's arena (static, dynamic, 32-bit shared addresses, shared atomics)
// and block barriers (__syncthreads) lowered by sub-CFG formation.
// Regenerate: see README.md beside this file.
#include <cstdint>

// --- shared memory, no barrier ------------------------------------------

// Each thread writes and reads back its own slot.
extern "C" __global__ void sharedOwnSlot(const int *in, int *out) {
  __shared__ int slot[256];
  __shared__ double wide[256];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  slot[t] = in[i] * 3;
  wide[t] = in[i] * 0.5;
  out[i] = slot[t] + int(wide[t] * 4.0);
}

// Dynamic shared memory after an odd-sized static array: 16-byte aligned,
// inside the arena (isspacep.shared), each thread on its own slot.
extern "C" __global__ void dynamicOwnSlot(const float *in, float *out,
                                          unsigned *flags) {
  extern __shared__ float dyn[];
  __shared__ char odd[3];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  odd[t % 3] = char(t);
  dyn[t] = in[i] + 1.0f;
  out[i] = dyn[t] * 2.0f;
  if (t == 0) {
    flags[blockIdx.x * 4 + 0] = unsigned(uintptr_t(dyn) % 16);
    flags[blockIdx.x * 4 + 1] = __isShared(dyn) ? 1u : 0u;
    flags[blockIdx.x * 4 + 2] = __isShared(&odd[2]) ? 1u : 0u;
    flags[blockIdx.x * 4 + 3] = __isShared(in) ? 1u : 0u;
  }
}

// 32-bit shared addresses: cvta.to.shared, then ld/st.shared through a
// 32-bit register, as PTX allows.
extern "C" __global__ void sharedAddress32(const unsigned *in, unsigned *out) {
  __shared__ unsigned words[128];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  unsigned address = unsigned(__cvta_generic_to_shared(&words[t]));
  asm volatile("st.shared.u32 [%0], %1;" ::"r"(address), "r"(in[i] ^ 0xA5A5u));
  unsigned value;
  asm volatile("ld.shared.u32 %0, [%1];" : "=r"(value) : "r"(address));
  out[i * 2] = value;
  out[i * 2 + 1] = address - unsigned(__cvta_generic_to_shared(words));
}

// atom.shared on the thread's own word: old values and the final value.
extern "C" __global__ void sharedAtomicsOwnSlot(unsigned *out) {
  __shared__ unsigned counter[64];
  unsigned t = threadIdx.x;
  counter[t] = t;
  unsigned a = atomicAdd(&counter[t], 5u);
  unsigned b = atomicMax(&counter[t], 100u);
  unsigned c = atomicExch(&counter[t], a + b);
  unsigned d = atomicCAS(&counter[t], a + b, 7u);
  out[t * 5 + 0] = a;
  out[t * 5 + 1] = b;
  out[t * 5 + 2] = c;
  out[t * 5 + 3] = d;
  out[t * 5 + 4] = counter[t];
}

// --- barriers --------------------------------------------------------------

// Tree reduction in shared memory, __syncthreads in a loop (blockDim.x a
// power of two up to 1024).
extern "C" __global__ void blockReduce(const int *in, int *out) {
  __shared__ int partial[1024];
  unsigned t = threadIdx.x;
  partial[t] = in[blockIdx.x * blockDim.x + t];
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s)
      partial[t] += partial[t + s];
    __syncthreads();
  }
  if (t == 0)
    out[blockIdx.x] = partial[0];
}

// Shared-memory histogram: initialise, barrier, atom.shared.add, barrier,
// publish.
extern "C" __global__ void sharedHistogram(const unsigned *in, unsigned n,
                                           unsigned *bins) {
  __shared__ unsigned local[16];
  unsigned t = threadIdx.x;
  if (t < 16)
    local[t] = 0;
  __syncthreads();
  for (unsigned i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x)
    atomicAdd(&local[in[i] % 16], 1u);
  __syncthreads();
  if (t < 16)
    atomicAdd(&bins[t], local[t]);
}

// Tiled matrix multiply C = A * B (n x n, n a multiple of 16), 2D blocks,
// two barriers per tile.
#define TILE 16
extern "C" __global__ void tiledMatMul(const float *a, const float *b, float *c,
                                       int n) {
  __shared__ float as[TILE][TILE];
  __shared__ float bs[TILE][TILE];
  int tx = threadIdx.x, ty = threadIdx.y;
  int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
  float sum = 0.0f;
  for (int tile = 0; tile < n / TILE; ++tile) {
    as[ty][tx] = a[row * n + tile * TILE + tx];
    bs[ty][tx] = b[(tile * TILE + ty) * n + col];
    __syncthreads();
    for (int k = 0; k < TILE; ++k)
      sum += as[ty][k] * bs[k][tx];
    __syncthreads();
  }
  c[row * n + col] = sum;
}

// A barrier inside an if whose condition is block-uniform (a kernel
// argument and the block index): neighbours' values when taken.
extern "C" __global__ void uniformIfBarrier(const int *in, int *out, int mode) {
  __shared__ int s[256];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  int v = in[i];
  if (mode > 0 && (blockIdx.x & 1) == 0) {
    s[t] = v * 10;
    __syncthreads();
    v = s[(t + 1) % blockDim.x] + mode;
  } else {
    v = -v;
  }
  out[i] = v;
}

// Dynamic shared memory with a barrier: reverse each block's slice.
extern "C" __global__ void dynamicReverse(const int *in, int *out) {
  extern __shared__ int buffer[];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  buffer[t] = in[i];
  __syncthreads();
  out[i] = buffer[blockDim.x - 1 - t];
}

// A barrier in a loop whose trip count is a kernel argument: values
// rotate through shared memory `rounds` times.
extern "C" __global__ void rotateRounds(const int *in, int *out, int rounds) {
  __shared__ int ring[256];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  int v = in[i];
  for (int r = 0; r < rounds; ++r) {
    ring[t] = v;
    __syncthreads();
    v = ring[(t + 1) % blockDim.x] + r;
    __syncthreads();
  }
  out[i] = v;
}

// 2D (and 3D) blocks: transpose a 32 x 8 x 2 block's values through shared
// memory, the linear thread index of the partner thread.
extern "C" __global__ void transpose3d(const int *in, int *out) {
  __shared__ int cube[2][8][32];
  unsigned x = threadIdx.x, y = threadIdx.y, z = threadIdx.z;
  unsigned linear = (z * blockDim.y + y) * blockDim.x + x;
  unsigned base = blockIdx.x * blockDim.x * blockDim.y * blockDim.z;
  cube[z][y][x] = in[base + linear];
  __syncthreads();
  out[base + linear] = cube[blockDim.z - 1 - z][blockDim.y - 1 - y][blockDim.x - 1 - x];
}

// A per-thread local array indexed at run time, live across barriers:
// each thread must keep its own copy while threads interleave.
extern "C" __global__ void localArrayAcrossBarrier(const int *in, int *out) {
  __shared__ int s[128];
  unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  int local[8];
  for (int k = 0; k < 8; ++k)
    local[k] = in[i] * (k + 1);
  s[t] = local[in[i] & 7];
  __syncthreads();
  int other = s[(t + 3) % blockDim.x];
  __syncthreads();
  out[i] = local[(in[i] + 1) & 7] + other;
}
