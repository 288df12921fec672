// PTX corpus: cooperative groups (tiles, reductions, grid sync), tensor-core
// WMMA (f16 and u8, fragments in shared and global memory), printf and
// assert, a switch.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <mma.h>
#include <cassert>
#include <cstdio>

namespace cg = cooperative_groups;
using namespace nvcuda;

__global__ void groups(const int *in, int *out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  cg::thread_block_tile<8> eight = cg::tiled_partition<8>(block);
  int v = in[block.thread_rank()];
  int sum = cg::reduce(warp, v, cg::plus<int>());
  int best = cg::reduce(eight, v, cg::greater<int>());
  block.sync();
  cg::coalesced_group active = cg::coalesced_threads();
  if (v & 1) {
    cg::coalesced_group odd = cg::coalesced_threads();
    out[64 + block.thread_rank()] = odd.shfl(v, 0) + (int)odd.size();
  }
  out[block.thread_rank()] = sum + best + warp.shfl_down(v, 1) + (int)active.thread_rank() +
                             (int)warp.ballot(v > 2) + warp.any(v == 3) + warp.all(v >= 0) +
                             (int)warp.match_any(v);
}

__global__ void gridSync(int *data) {
  cg::grid_group grid = cg::this_grid();
  data[grid.thread_rank()] += 1;
  grid.sync();
  data[grid.thread_rank()] += data[(grid.thread_rank() + 1) % grid.size()];
}

__global__ void wmmaHalf(const half *a, const half *b, float *c) {
  __shared__ half sa[16 * 16], sb[16 * 16];
  __shared__ float sc[16 * 16];
  for (int i = threadIdx.x; i < 256; i += 32) {
    sa[i] = a[i];
    sb[i] = b[i];
    sc[i] = c[i];
  }
  __syncwarp();
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa, ga;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb, gb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc, gc;
  wmma::load_matrix_sync(fa, sa, 16);
  wmma::load_matrix_sync(fb, sb, 16);
  wmma::load_matrix_sync(fc, sc, 16, wmma::mem_row_major);
  wmma::load_matrix_sync(ga, a, 16);
  wmma::load_matrix_sync(gb, b, 16);
  wmma::load_matrix_sync(gc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::mma_sync(gc, ga, gb, gc);
  wmma::store_matrix_sync(sc, fc, 16, wmma::mem_row_major);
  wmma::store_matrix_sync(c, gc, 16, wmma::mem_row_major);
  __syncwarp();
  c[256 + threadIdx.x] = sc[threadIdx.x];
}

__global__ void wmmaInt8(const unsigned char *a, const unsigned char *b, int *c) {
  __shared__ unsigned char sa[256], sb[256];
  __shared__ int sc[256];
  for (int i = threadIdx.x; i < 256; i += 32) {
    sa[i] = a[i];
    sb[i] = b[i];
    sc[i] = c[i];
  }
  __syncwarp();
  wmma::fragment<wmma::matrix_a, 16, 16, 16, unsigned char, wmma::row_major> fa, ga;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, unsigned char, wmma::col_major> fb, gb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, int> fc, gc;
  wmma::load_matrix_sync(fa, sa, 16);
  wmma::load_matrix_sync(fb, sb, 16);
  wmma::load_matrix_sync(fc, sc, 16, wmma::mem_row_major);
  wmma::load_matrix_sync(ga, a, 16);
  wmma::load_matrix_sync(gb, b, 16);
  wmma::load_matrix_sync(gc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::mma_sync(gc, ga, gb, gc);
  wmma::store_matrix_sync(sc, fc, 16, wmma::mem_row_major);
  wmma::store_matrix_sync(c, gc, 16, wmma::mem_row_major);
  __syncwarp();
  c[256 + threadIdx.x] = sc[threadIdx.x];
}

__global__ void printAndAssert(const int *in, int *out) {
  int v = in[threadIdx.x];
  assert(v >= 0);
  if (threadIdx.x == 0)
    printf("block %d: v=%d f=%f\n", blockIdx.x, v, (double)v * 0.5);
  switch (v & 7) {
  case 0: out[threadIdx.x] = 10; break;
  case 1: out[threadIdx.x] = 21; break;
  case 2: out[threadIdx.x] = 32; break;
  case 3: out[threadIdx.x] = 43; break;
  case 5: out[threadIdx.x] = 65; break;
  default: out[threadIdx.x] = -1;
  }
}

__device__ __noinline__ int deviceHelper(int x) { return x * 3 + 1; }
typedef int (*UnaryFn)(int);
__device__ int twice(int x) { return 2 * x; }
__device__ UnaryFn pickFn(int which) { return which ? twice : deviceHelper; }

__global__ void calls(const int *in, int *out) {
  UnaryFn f = pickFn(in[0] & 1);
  out[threadIdx.x] = deviceHelper(in[threadIdx.x]) + f(in[threadIdx.x]);
}
