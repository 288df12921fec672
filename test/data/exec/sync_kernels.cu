// Kernels for test/unit/exec/SyncExecTest.cpp: reducing barriers
// (__syncthreads_count/_and/_or), barriers with a thread count, and threads
// that return before a barrier. Regenerate the PTX with:
//   /usr/local/cuda/bin/nvcc -ptx -arch=sm_75 -o sync_kernels.ptx sync_kernels.cu

__device__ unsigned linearThread() {
  return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}

__device__ unsigned blockThreads() { return blockDim.x * blockDim.y * blockDim.z; }

// out[3 * g + 0..2] = count(in > 0), and(in > -900), or(in == 7) over the
// block, as every thread sees them.
extern "C" __global__ void reduceFlags(const int *in, int *out) {
  unsigned t = linearThread();
  unsigned g = blockIdx.x * blockThreads() + t;
  int v = in[g];
  int count = __syncthreads_count(v > 0);
  int all = __syncthreads_and(v > -900);
  int any = __syncthreads_or(v == 7);
  out[3 * g + 0] = count;
  out[3 * g + 1] = all;
  out[3 * g + 2] = any;
}

// Reductions in a loop, the result deciding the loop's trip count
// (block-uniform): sum over rounds of count((in + r) % 3 == 0).
extern "C" __global__ void reduceInLoop(const int *in, int *out, int rounds) {
  unsigned t = linearThread();
  unsigned g = blockIdx.x * blockThreads() + t;
  int total = 0;
  for (int r = 0; r < rounds; ++r) {
    total += __syncthreads_count((in[g] + r) % 3 == 0);
    if (__syncthreads_or(total > 1000000))
      break;
  }
  out[g] = total;
}

// A barrier with the block's thread count is a whole-block barrier.
extern "C" __global__ void countedBarrier(const int *in, int *out) {
  __shared__ int tile[1024];
  unsigned t = linearThread(), n = blockThreads();
  tile[t] = in[blockIdx.x * n + t];
  asm volatile("bar.sync 1, %0;" ::"r"(n) : "memory");
  int mirrored = tile[n - 1 - t];
  asm volatile("barrier.sync 2, %0;" ::"r"(n) : "memory");
  tile[t] = mirrored * 2;
  __syncthreads();
  out[blockIdx.x * n + t] = tile[(t + 1) % n];
}

// bar.sync 1, 64 in a larger block: a barrier for part of the block.
extern "C" __global__ void partialBarrier(int *out) {
  out[threadIdx.x] = 1;
  asm volatile("bar.sync 1, 64;" ::: "memory");
  out[threadIdx.x] = 2;
}

// The idiom: threads past the end return, the others share through shared
// memory: out[i] = in[i] + in[next live thread of the block, cyclic].
extern "C" __global__ void earlyReturnNeighbour(const float *in, float *out, int n) {
  __shared__ float tile[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  tile[threadIdx.x] = in[i];
  __syncthreads();
  int live = min(int(blockDim.x), n - int(blockIdx.x * blockDim.x));
  out[i] = tile[threadIdx.x] + tile[(threadIdx.x + 1) % live];
}

// Exited threads take no part in a reducing barrier: out[i] = live threads
// of the block, and the number of odd live threads.
extern "C" __global__ void earlyReturnCount(int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  int live = __syncthreads_count(1);
  int odd = __syncthreads_count(i & 1);
  out[2 * i] = live;
  out[2 * i + 1] = odd;
}

// Threads leave a loop with barriers round by round: in round r the threads
// t < limit(r) = blockDim.x - 7 * r stay; each adds its right neighbour's
// value (cyclic among those that stay).
extern "C" __global__ void shrinkingRounds(const int *in, int *out, int rounds) {
  __shared__ int tile[256];
  unsigned t = threadIdx.x;
  unsigned g = blockIdx.x * blockDim.x + t;
  int v = in[g];
  out[g] = -1;
  for (int r = 0; r < rounds; ++r) {
    int limit = int(blockDim.x) - 7 * r;
    if (int(t) >= limit)
      return;
    tile[t] = v;
    __syncthreads();
    v += tile[(t + 1) % limit];
    __syncthreads();
    out[g] = v;
  }
}

// After an early return, activemask names the lanes that have not exited.
extern "C" __global__ void earlyReturnActiveMask(unsigned *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  __syncthreads();
  out[i] = __activemask();
}

// Early return, a shuffle under a lane-dependent branch (the scheduled
// form of the lowering), then a reducing barrier over the live threads.
extern "C" __global__ void countAfterDivergentShuffle(const int *in, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  int v = in[i];
  if ((threadIdx.x & 31) < 16)
    v += __shfl_down_sync(0xffff, v, 1, 16);
  out[i] = __syncthreads_count(v > 0) * 1000 + v;
}

// Warp specialisation with named barriers: warp 0 produces into a shared
// buffer, warp 1 consumes it; barrier 1 says "full" (producers arrive,
// consumers wait), barrier 2 says "empty" (consumers arrive, producers
// wait). Blocks of 64 threads.
extern "C" __global__ void producerConsumer(const int *in, int *out, int rounds) {
  __shared__ int buffer[32];
  unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (warp == 0) {
    for (int r = 0; r < rounds; ++r) {
      asm volatile("bar.sync 2, 64;" ::: "memory");
      buffer[lane] = in[r * 32 + lane] * (int(blockIdx.x) + 1);
      asm volatile("bar.arrive 1, 64;" ::: "memory");
    }
  } else {
    int sum = 0;
    asm volatile("bar.arrive 2, 64;" ::: "memory");
    for (int r = 0; r < rounds; ++r) {
      asm volatile("bar.sync 1, 64;" ::: "memory");
      sum = sum * 3 + buffer[31 - lane];
      asm volatile("bar.arrive 2, 64;" ::: "memory");
    }
    out[blockIdx.x * 32 + lane] = sum;
  }
}

// Consumers wait for 96 arrivals that 64 threads never make: a deadlock.
extern "C" __global__ void namedBarrierDeadlock(int *out) {
  if (threadIdx.x < 32)
    asm volatile("bar.arrive 1, 96;" ::: "memory");
  else
    asm volatile("bar.sync 1, 96;" ::: "memory");
  out[threadIdx.x] = 1;
}

// Grid-wide synchronisation (cooperative launch): every phase sees what all
// blocks wrote in the phase before. Block `trapBlock` (if < gridDim.x)
// traps before the first sync: the others must not wait for it forever.
#include <cooperative_groups.h>
extern "C" __global__ void gridPhases(int *a, int *b, int n, int trapBlock) {
  cooperative_groups::grid_group grid = cooperative_groups::this_grid();
  int i = grid.thread_rank();
  if (int(blockIdx.x) == trapBlock)
    asm volatile("trap;");
  if (i < n)
    a[i] = 3 * i + 1;
  grid.sync();
  if (i < n)
    b[i] = a[(i + 1) % n];
  grid.sync();
  if (i < n)
    a[i] = b[(i + 1) % n];
}
