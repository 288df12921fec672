// Warp collectives (shfl, vote, match, redux, activemask, __syncwarp) for
// test/unit/exec/WarpExecTest.cpp. Every result is compared there with the
// PTX ISA's definition computed on the host. Regenerate the PTX with:
//   /usr/local/cuda/bin/nvcc -ptx -arch=sm_80 -o warp_kernels.ptx warp_kernels.cu
#define FULL 0xffffffffu

// The four shuffles of the CUDA API with a run-time source/delta and width.
extern "C" __global__ void shuffles(const int *in, int *out, int b, int width) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  int v = in[i];
  out[4 * i + 0] = __shfl_up_sync(FULL, v, b, width);
  out[4 * i + 1] = __shfl_down_sync(FULL, v, b, width);
  out[4 * i + 2] = __shfl_xor_sync(FULL, v, b, width);
  out[4 * i + 3] = __shfl_sync(FULL, v, b, width);
}

// The raw PTX forms with a run-time c operand (clamp c[4:0], segment mask
// c[12:8]) and the predicate output: out[8i + 2m] value, +1 predicate.
extern "C" __global__ void shufflePredicates(const int *in, int *out, int b, int c) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  int v = in[i];
  int d[4], p[4];
  asm volatile("{ .reg .pred q; shfl.sync.up.b32 %0|q, %2, %3, %4, -1; selp.u32 %1, 1, 0, q; }"
               : "=r"(d[0]), "=r"(p[0]) : "r"(v), "r"(b), "r"(c));
  asm volatile("{ .reg .pred q; shfl.sync.down.b32 %0|q, %2, %3, %4, -1; selp.u32 %1, 1, 0, q; }"
               : "=r"(d[1]), "=r"(p[1]) : "r"(v), "r"(b), "r"(c));
  asm volatile("{ .reg .pred q; shfl.sync.bfly.b32 %0|q, %2, %3, %4, -1; selp.u32 %1, 1, 0, q; }"
               : "=r"(d[2]), "=r"(p[2]) : "r"(v), "r"(b), "r"(c));
  asm volatile("{ .reg .pred q; shfl.sync.idx.b32 %0|q, %2, %3, %4, -1; selp.u32 %1, 1, 0, q; }"
               : "=r"(d[3]), "=r"(p[3]) : "r"(v), "r"(b), "r"(c));
  for (int m = 0; m < 4; ++m) {
    out[8 * i + 2 * m] = d[m];
    out[8 * i + 2 * m + 1] = p[m];
  }
}

__device__ int warpSum(int v) {
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(FULL, v, offset);
  return v;
}

// Warp reduction with __shfl_down_sync: lane 0 holds the warp's sum.
extern "C" __global__ void warpReduce(const int *in, int *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  int v = warpSum(in[i]);
  if ((threadIdx.x & 31) == 0)
    out[i / 32] = v;
}

// Butterfly all-reduce with __shfl_xor_sync: every lane gets the sum of its
// width-lane segment, over the lanes that exist (mask = __activemask()).
extern "C" __global__ void butterfly(const int *in, int *out, int width) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned mask = __activemask();
  int v = in[i];
  for (int offset = width / 2; offset > 0; offset /= 2)
    v += __shfl_xor_sync(mask, v, offset, width);
  out[i] = v;
}

// Inclusive scan with __shfl_up_sync.
extern "C" __global__ void scan(const int *in, int *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned lane = threadIdx.x & 31;
  int v = in[i];
  for (int offset = 1; offset < 32; offset *= 2) {
    int up = __shfl_up_sync(FULL, v, offset);
    if (lane >= offset)
      v += up;
  }
  out[i] = v;
}

// Votes: out[5i..5i+4] = ballot, any, all, uni, activemask.
extern "C" __global__ void votes(const int *in, unsigned *out, unsigned mask) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  bool p = in[i] != 0;
  unsigned uni;
  asm volatile("{ .reg .pred a, u; setp.ne.u32 a, %1, 0; vote.sync.uni.pred u, a, %2; "
               "selp.u32 %0, 1, 0, u; }"
               : "=r"(uni) : "r"(unsigned(p)), "r"(mask));
  out[5 * i + 0] = __ballot_sync(mask, p);
  out[5 * i + 1] = __any_sync(mask, p);
  out[5 * i + 2] = __all_sync(mask, p);
  out[5 * i + 3] = uni;
  out[5 * i + 4] = __activemask();
}

// match.any / match.all on 32- and 64-bit values: out[4i..4i+3] = any32,
// all32, pred32, any64.
extern "C" __global__ void matches(const int *in, const long long *wide, unsigned *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  int pred = 0;
  out[4 * i + 0] = __match_any_sync(FULL, in[i]);
  out[4 * i + 1] = __match_all_sync(FULL, in[i], &pred);
  out[4 * i + 2] = pred;
  out[4 * i + 3] = __match_any_sync(FULL, wide[i]);
}

// redux.sync (sm_80): out[6i..6i+5] = add, umin, smax, and, or, xor over
// the lanes of `mask`.
extern "C" __global__ void reductions(const int *in, unsigned *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  int v = in[i];
  out[6 * i + 0] = __reduce_add_sync(FULL, v);
  out[6 * i + 1] = __reduce_min_sync(FULL, unsigned(v));
  out[6 * i + 2] = __reduce_max_sync(FULL, v);
  out[6 * i + 3] = __reduce_and_sync(FULL, unsigned(v));
  out[6 * i + 4] = __reduce_or_sync(FULL, unsigned(v));
  out[6 * i + 5] = __reduce_xor_sync(FULL, unsigned(v));
}

// __syncwarp makes the other lanes' shared-memory stores visible.
extern "C" __global__ void syncwarpExchange(const int *in, int *out) {
  __shared__ int s[256];
  unsigned t = threadIdx.x;
  s[t] = in[blockIdx.x * blockDim.x + t] * 3;
  __syncwarp();
  out[blockIdx.x * blockDim.x + t] = s[t ^ 1] + s[t ^ 31];
}

// Block reduction: warp sums through shared memory, __syncthreads, and a
// second warp reduction (done by every warp, so uniform control flow).
extern "C" __global__ void blockReduce(const int *in, int *out) {
  __shared__ int partial[32];
  unsigned lane = threadIdx.x & 31, warp = threadIdx.x / 32;
  unsigned warps = (blockDim.x + 31) / 32;
  int v = warpSum(in[blockIdx.x * blockDim.x + threadIdx.x]);
  if (lane == 0)
    partial[warp] = v;
  __syncthreads();
  v = lane < warps ? partial[lane] : 0;
  v = warpSum(v);
  if (threadIdx.x == 0)
    out[blockIdx.x] = v;
}

// A shuffle in a loop with a run-time trip count: each round rotates the
// warp's values by one lane (a lane must not overwrite its published value
// before the others have read it).
extern "C" __global__ void rotate(const int *in, int *out, int rounds) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned lane = threadIdx.x & 31;
  int v = in[i];
  for (int r = 0; r < rounds; ++r)
    v = __shfl_sync(FULL, v, lane + 1);
  out[i] = v;
}

// Collectives under divergent control flow with partial masks: only the
// lanes named in the mask meet there (scheduled form of the lowering).
extern "C" __global__ void divergentShuffles(const int *in, int *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned lane = threadIdx.x & 31;
  int v = in[i];
  if (lane < 16)
    v += __shfl_down_sync(0x0000ffffu, v, 1, 16);
  else
    v -= __shfl_xor_sync(0xffff0000u, v, 3);
  out[2 * i] = v;
  out[2 * i + 1] = __shfl_sync(FULL, v, 31 - lane);
}

// A warp-uniform branch: only the warps past the first vote.
extern "C" __global__ void warpUniformBallot(const int *in, unsigned *out) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned r = 0xdeadu;
  if (threadIdx.x >= 32)
    r = __ballot_sync(FULL, in[i] > 0);
  out[i] = r;
}

// The usual block reduction: only warp 0 reduces the warps' partial sums.
extern "C" __global__ void blockReduceWarp0(const int *in, int *out) {
  __shared__ int partial[32];
  unsigned lane = threadIdx.x & 31, warp = threadIdx.x / 32;
  unsigned warps = (blockDim.x + 31) / 32;
  int v = warpSum(in[blockIdx.x * blockDim.x + threadIdx.x]);
  if (lane == 0)
    partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < warps ? partial[lane] : 0;
    v = warpSum(v);
    if (lane == 0)
      out[blockIdx.x] = v;
  }
}

// The last-warp shared-memory reduction with __syncwarp under `t < 32`.
extern "C" __global__ void lastWarpSyncwarp(const int *in, int *out) {
  __shared__ int s[64];
  unsigned t = threadIdx.x;
  s[t] = in[blockIdx.x * 64 + t];
  __syncthreads();
  if (t < 32) {
    s[t] += s[t + 32];
    __syncwarp();
    for (int offset = 16; offset > 0; offset /= 2) {
      int x = s[t + offset];
      __syncwarp();
      s[t] += x;
      __syncwarp();
    }
  }
  if (t == 0)
    out[blockIdx.x] = s[0];
}

// Threads past n return first; the lanes named in the mask that returned
// take no part in the vote and the reduction.
extern "C" __global__ void earlyExitCollectives(const int *in, unsigned *out, unsigned n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  out[3 * i] = __ballot_sync(FULL, in[i] > 0);
  out[3 * i + 1] = __reduce_add_sync(FULL, in[i]);
  out[3 * i + 2] = __shfl_xor_sync(FULL, in[i], 1);
}

// Warp-synchronous code written before Volta: no __syncwarp(), the lanes
// talk through volatile shared memory and rely on running in lock step.
// The classic last-warp unrolled reduction (the first warp finishes a
// block reduction of 256 values).
__device__ void legacyWarpReduce(volatile int *s, unsigned tid) {
  s[tid] += s[tid + 32];
  s[tid] += s[tid + 16];
  s[tid] += s[tid + 8];
  s[tid] += s[tid + 4];
  s[tid] += s[tid + 2];
  s[tid] += s[tid + 1];
}
extern "C" __global__ void legacyBlockReduce(const int *in, int *out) {
  __shared__ int s[256];
  unsigned tid = threadIdx.x;
  s[tid] = in[blockIdx.x * 256 + tid];
  __syncthreads();
  for (unsigned k = 128; k > 32; k >>= 1) {
    if (tid < k)
      s[tid] += s[tid + k];
    __syncthreads();
  }
  if (tid < 32)
    legacyWarpReduce(s, tid);
  if (tid == 0)
    out[blockIdx.x] = s[0];
}

// The classic volatile warp scan: lanes at or above each offset add the
// value `offset` lanes down, under lane-dependent branches; a block barrier
// after it (lanes that skip a step wait there), then a second warp reads
// the first warp's results.
extern "C" __global__ void legacyWarpScan(const int *in, int *out) {
  __shared__ int s[64];
  unsigned tid = threadIdx.x, lane = tid & 31;
  volatile int *v = s;
  int value = in[blockIdx.x * 64 + tid];
  v[tid] = value;
  if (lane >= 1) v[tid] = value = value + v[tid - 1];
  if (lane >= 2) v[tid] = value = value + v[tid - 2];
  if (lane >= 4) v[tid] = value = value + v[tid - 4];
  if (lane >= 8) v[tid] = value = value + v[tid - 8];
  if (lane >= 16) v[tid] = value = value + v[tid - 16];
  __syncthreads();
  out[blockIdx.x * 64 + tid] = s[tid] * 1000 + s[63 - tid] % 1000;
}
