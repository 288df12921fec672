// Tensor cores (WMMA), cooperative groups, cp.async pipelines, bf16, switch.
#include <mma.h>
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cuda/barrier>
#include <cuda_pipeline.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
using namespace nvcuda;
namespace cg = cooperative_groups;
__global__ void wmmaKernel(const half *a, const half *b, float *c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::fill_fragment(fc, 0.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(c, fc, 16, wmma::mem_row_major);
}
__global__ void cgKernel(const int *in, int *out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  int v = in[block.thread_rank()];
  int s = cg::reduce(warp, v, cg::plus<int>());
  auto active = cg::coalesced_threads();
  if (warp.thread_rank() == 0) atomicAdd(out, s + active.size());
  unsigned m = __match_any_sync(0xffffffff, v);
  out[1 + threadIdx.x] = m + __activemask() + __popc(v) + __clz(v) + __brev(v) + __ffs(v);
  __nanosleep(100);
  __threadfence();
  __syncwarp();
}
__global__ void pipeKernel(const float4 *in, float4 *out) {
  __shared__ float4 buf[128];
  __pipeline_memcpy_async(&buf[threadIdx.x], &in[threadIdx.x], sizeof(float4));
  __pipeline_commit();
  __pipeline_wait_prior(0);
  __syncthreads();
  out[threadIdx.x] = buf[127 - threadIdx.x];
}
__global__ void bf16Kernel(const __nv_bfloat16 *a, __nv_bfloat16 *b, __half2 *h) {
  b[threadIdx.x] = __hmul(a[threadIdx.x], a[threadIdx.x]);
  h[threadIdx.x] = __hmax2(h[threadIdx.x], __h2div(h[threadIdx.x], h[0]));
  float f = __bfloat162float(a[0]);
  b[0] = __float2bfloat16_rn(sinf(f) + powf(f, 2.5f) + erff(f) + tanhf(f) + logf(f));
}
__global__ void switchKernel(int *out, int k) {
  switch (k + threadIdx.x) {
  case 0: out[0] = 5; break; case 1: out[1] = 7; break; case 2: out[3] = 9; break;
  case 3: out[2] = 1; break; case 4: out[5] = 3; break; case 5: out[9] = 2; break;
  case 6: out[7] = 4; break; case 7: out[4] = 6; break; default: out[8] = 0;
  }
}

