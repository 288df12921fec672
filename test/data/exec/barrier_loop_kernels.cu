// Kernels for test/unit/exec/BarrierLoopExecTest.cpp: loops with
// __syncthreads whose state crosses the barriers in the forms the CPU
// lowering treats specially: induction variables with a thread-dependent
// start (RematerializeThreadValues: start + step * trip), block-uniform
// values redefined every iteration (UniformSlots: one scalar slot), and
// shared addresses computed once before the loop.
// Regenerate: see README.md beside this file.

// Each iteration: thread t publishes in[up] + down in shared memory, then
// adds its right neighbour's entry. `up` starts at t * 3 + blockIdx.x and
// steps by `step`; `down` starts at 1000 - t and steps by -7.
extern "C" __global__ void ivAcrossBarriers(const int *in, int *out, int rounds,
                                            int step, int mask) {
  __shared__ int cell[128];
  unsigned t = threadIdx.x, n = blockDim.x;
  int *mine = &cell[t];
  int *right = &cell[(t + 1) % n];
  int up = int(t) * 3 + int(blockIdx.x), down = 1000 - int(t), sum = 0;
  for (int r = 0; r < rounds; ++r) {
    *mine = in[up & mask] + down;
    __syncthreads();
    sum += *right;
    __syncthreads();
    up += step;
    down -= 7;
  }
  out[blockIdx.x * n + t] = sum;
}

// A block-uniform value `u` redefined in every iteration and read after
// the barrier of the same iteration and before the one of the next; the
// halving stride `s` of a tree step in shared memory.
extern "C" __global__ void uniformAcrossBarriers(const int *in, int *out,
                                                 unsigned seed, int rounds) {
  __shared__ int cell[256];
  unsigned t = threadIdx.x;
  unsigned u = seed;
  int sum = 0;
  for (int r = 0; r < rounds; ++r) {
    u = u * 1664525u + 1013904223u;
    cell[t] = in[blockIdx.x * blockDim.x + t] + int(u >> 20);
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
      if (t < s)
        cell[t] += cell[t + s];
      __syncthreads();
    }
    sum += cell[0] + int((u >> 8) & 0xff) * int(t);
    __syncthreads();
  }
  out[blockIdx.x * blockDim.x + t] = sum;
}
