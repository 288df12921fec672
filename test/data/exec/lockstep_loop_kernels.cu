// Kernels for test/unit/exec/LockstepLoopExecTest.cpp: loops whose trip
// count depends on the thread, which the CPU lowering runs in lock step
// (passes/LockstepLoops: one iteration for every active thread at a time),
// and loops it must leave alone (warp collectives inside, under a
// thread-dependent branch). Regenerate: see README.md beside this file.

// Grid-stride accumulation, then a shared-memory tree: the block sums.
extern "C" __global__ void gridStrideBlockSum(const int *in, int *blockSums, int n) {
  __shared__ int partial[256];
  unsigned t = threadIdx.x;
  int sum = 0;
  for (int i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x)
    sum += in[i];
  partial[t] = sum;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (t < stride)
      partial[t] += partial[t + stride];
    __syncthreads();
  }
  if (t == 0)
    blockSums[blockIdx.x] = partial[0];
}

// Grid-stride loop in a kernel without barriers; also counts the
// iterations of each thread (a value live after the loop).
extern "C" __global__ void gridStrideScale(const long long *in, long long *out,
                                           int *trips, long long n, long long a) {
  long long stride = (long long)gridDim.x * blockDim.x;
  long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  int count = 0;
  for (long long i = first; i < n; i += stride) {
    out[i] = in[i] * a + i;
    ++count;
  }
  trips[first] = count;
}

// Trip counts read from memory (0 for some threads), a break in the
// middle, values from the last iteration used after the loop.
extern "C" __global__ void divergentTripsWithBreak(const int *limits, const int *seeds,
                                                   int *out, int *stoppedAt) {
  unsigned t = blockIdx.x * blockDim.x + threadIdx.x;
  int limit = limits[t];
  unsigned x = unsigned(seeds[t]);
  int k = 0;
  int last = -1;
  for (; k < limit; ++k) {
    x = x * 1103515245u + 12345u;
    last = int(x >> 16) & 1023;
    if (last % 97 == 0)
      break;
  }
  out[t] = int(x & 0x7fffffff) + last;
  stoppedAt[t] = k;
}

// A while loop whose condition depends on data (Collatz steps), after a
// block barrier, its result published through shared memory.
extern "C" __global__ void collatzNeighbours(const unsigned *start, int *out) {
  __shared__ int steps[128];
  unsigned t = threadIdx.x;
  unsigned base = blockIdx.x * blockDim.x;
  unsigned x = start[base + t];
  __syncthreads();
  int s = 0;
  while (x > 1 && s < 500) {
    x = (x & 1) ? 3 * x + 1 : x / 2;
    ++s;
  }
  steps[t] = s;
  __syncthreads();
  out[base + t] = steps[t] * 1000 + steps[(t + 1) % blockDim.x];
}

// A warp shuffle inside a loop whose trip count depends on the warp: the
// lanes of a warp must run it together, as written.
extern "C" __global__ void warpShuffleLoop(const int *in, int *out, int n) {
  unsigned t = threadIdx.x;
  unsigned warp = t / 32;
  int sum = 0;
  for (int i = int(t); i < n * int(warp + 1); i += blockDim.x) {
    int v = in[i % n];
    sum += v + __shfl_xor_sync(0xffffffffu, v, 1);
  }
  out[blockIdx.x * blockDim.x + t] = sum;
}

// A thread-dependent loop under a thread-dependent branch (left as it
// is), then a second one reached by every thread.
extern "C" __global__ void guardedAndSequentialLoops(const int *in, int *out, int n) {
  unsigned t = threadIdx.x;
  int a = 0, b = 0;
  if (t % 3 != 0)
    for (int i = int(t); i < n; i += 5)
      a += in[i];
  for (int i = int(t) * 2; i < n; i += int(blockDim.x))
    b ^= in[i] + i;
  out[blockIdx.x * blockDim.x + t] = a * 3 + b;
}

// Each thread takes a block-wide lock with atomicCAS in a loop whose trip
// count depends on the other threads, adds to a counter, releases the
// lock. Threads that run one after another get through; threads in lock
// step would all wait for the first, which never releases.
extern "C" __global__ void spinLockPerThread(int *locks, int *counters, int *order) {
  int *lock = &locks[blockIdx.x];
  int spins = 0;
  while (atomicCAS(lock, 0, 1) != 0)
    ++spins;
  int position = counters[blockIdx.x];
  counters[blockIdx.x] = position + 1;
  order[blockIdx.x * blockDim.x + threadIdx.x] = position + (spins > 1000000 ? 1 << 20 : 0);
  __threadfence();
  atomicExch(lock, 0);
}

// A loop counting down (the induction variable advances by subtraction)
// with a per-thread trip count of 0 to 2 * blockDim.x / step + 1: runs of
// iterations that end at every position of a lock-step round.
extern "C" __global__ void countDownStrided(const int *in, int *out, int *trips, int n,
                                           int step) {
  unsigned t = blockIdx.x * blockDim.x + threadIdx.x;
  int count = 0;
  int acc = int(t);
  for (int i = n - 1 - int(t); i >= 0; i -= step) {
    acc = acc * 3 + in[i];
    out[i] = acc;
    ++count;
  }
  trips[t] = count;
}
