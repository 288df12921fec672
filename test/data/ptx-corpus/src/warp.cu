// PTX corpus: warp shuffles, votes, ballot, match, redux, activemask,
// bit intrinsics, and the spellings CUB's inline assembly uses.
#include <cuda_runtime.h>

__global__ void shuffles(const float *in, float *out, const double *din, double *dout) {
  float v = in[threadIdx.x];
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(0xffffffff, v, offset);
  float up = __shfl_up_sync(0xffffffff, v, 1);
  float x = __shfl_xor_sync(0xffffffff, v, 4);
  float b = __shfl_sync(0xffffffff, v, 0);
  float w = __shfl_sync(0x0000ffff, v, 3, 16);
  double d = __shfl_xor_sync(0xffffffff, din[threadIdx.x], 1);
  out[threadIdx.x] = v + up + x + b + w;
  dout[threadIdx.x] = d;
}

__global__ void votes(const int *in, unsigned *out) {
  int v = in[threadIdx.x];
  out[0] = __all_sync(0xffffffff, v > 0);
  out[1] = __any_sync(0xffffffff, v > 5);
  out[2] = __ballot_sync(0xffffffff, v & 1);
  out[3] = __activemask();
  out[4] = __match_any_sync(0xffffffff, v);
  out[5] = __match_any_sync(0xffffffff, (unsigned long long)v << 20);
  int pred;
  out[6] = __match_all_sync(0xffffffff, v, &pred) + pred;
  out[7] = __popc(v) + __clz(v) + __brev(v) + __ffs(v) + __popcll(v) + __clzll(v) +
           (unsigned)__brevll(v) + __ffsll(v);
}

__global__ void reduxAndBits(const unsigned *in, unsigned *out) {
  unsigned v = in[threadIdx.x];
#if __CUDA_ARCH__ >= 800 // redux.sync
  out[threadIdx.x] = __reduce_add_sync(0xffffffff, v) + __reduce_max_sync(0xffffffff, v) +
                     __reduce_min_sync(0xffffffff, v) + __reduce_and_sync(0xffffffff, v) +
                     __reduce_or_sync(0xffffffff, v) + __reduce_xor_sync(0xffffffff, v) +
                     (unsigned)__reduce_max_sync(0xffffffff, (int)v);
#endif
  out[threadIdx.x + 32] = __funnelshift_l(v, v >> 3, 5) + __funnelshift_r(v, v << 2, 7) +
                          __byte_perm(v, v >> 8, 0x3120) + __fns(v, 0, 1) +
                          __sad((int)v, 5, 1u) + __usad(v, 9u, 2u);
}

__global__ void cubStyleAsm(unsigned *out, unsigned v) {
  unsigned ballot, lane, bfind, mask;
  asm volatile("vote.ballot.sync.b32 %0, 1, 0xffffffff;" : "=r"(ballot));
  asm volatile("vote.sync.ballot.b32 %0, 1, 0xffffffff;" : "=r"(mask));
  asm("mov.u32 %0, %%laneid;" : "=r"(lane));
  asm("bfind.u32 %0, %1;" : "=r"(bfind) : "r"(v));
  unsigned shift;
  asm("bfind.shiftamt.u32 %0, %1;" : "=r"(shift) : "r"(v));
  unsigned bmsk;
  asm("bmsk.clamp.b32 %0, %1, %2;" : "=r"(bmsk) : "r"(lane), "r"(v & 31));
  unsigned lt, le, gt, ge, eq;
  asm("mov.u32 %0, %%lanemask_lt;" : "=r"(lt));
  asm("mov.u32 %0, %%lanemask_le;" : "=r"(le));
  asm("mov.u32 %0, %%lanemask_gt;" : "=r"(gt));
  asm("mov.u32 %0, %%lanemask_ge;" : "=r"(ge));
  asm("mov.u32 %0, %%lanemask_eq;" : "=r"(eq));
  unsigned r;
  asm volatile("shfl.sync.idx.b32 %0, %1, %2, %3, %4;" : "=r"(r) : "r"(v), "r"(lane ^ 1), "r"(31), "r"(0xffffffffu));
  unsigned long long b64;
  asm("bfi.b64 %0, %1, %2, %3, %4;" : "=l"(b64) : "l"((unsigned long long)v), "l"(0ull), "r"(8u), "r"(16u));
  unsigned b32;
  asm("bfi.b32 %0, %1, %2, %3, %4;" : "=r"(b32) : "r"(v), "r"(0u), "r"(4u), "r"(8u));
  unsigned e32;
  asm("bfe.u32 %0, %1, %2, %3;" : "=r"(e32) : "r"(v), "r"(4u), "r"(8u));
  asm volatile("bar.warp.sync %0;" ::"r"(0xffffffffu));
  out[threadIdx.x] = ballot + mask + lane + bfind + shift + bmsk + lt + le + gt + ge + eq + r +
                     (unsigned)b64 + b32 + e32;
}

__global__ void warpSync(int *data) {
  if (threadIdx.x < 16) {
    data[threadIdx.x] += 1;
    __syncwarp(0x0000ffff);
  }
  __syncwarp();
  unsigned warp, nwarp, smid;
  asm("mov.u32 %0, %%warpid;" : "=r"(warp));
  asm("mov.u32 %0, %%nwarpid;" : "=r"(nwarp));
  asm("mov.u32 %0, %%smid;" : "=r"(smid));
  data[32 + threadIdx.x] = warp + nwarp + smid;
}
