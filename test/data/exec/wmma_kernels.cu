// Kernels for the warp matrix multiply-accumulate execution tests
// (test/unit/exec/WmmaExecTest.cpp): wmma.load/mma/store of shape m16n16k16
// with f16 multiplicands and f32 or f16 accumulators, and u8/s8
// multiplicands with s32 accumulators, from global and shared memory, row-
// and column-major, plus element-wise operations on fragments (which must
// not depend on how cuport lays fragments out).
// Regenerate: see README.md in this directory.
#include <cuda_fp16.h>
#include <mma.h>

using namespace nvcuda;

// D = A * B + C for one 16x16x16 tile, one warp; A row-major, B column-major
// (ldb = 16), C and D row-major, all in global memory. Then E = alpha * D
// element-wise on the accumulator fragment, stored column-major in `e`.
extern "C" __global__ void wmmaHalfGlobal(const half *a, const half *b, const float *c,
                                          float *d, float *e, float alpha) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::load_matrix_sync(fc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(d, fc, 16, wmma::mem_row_major);
  for (int i = 0; i < fc.num_elements; ++i)
    fc.x[i] = alpha * fc.x[i];
  wmma::store_matrix_sync(e, fc, 16, wmma::mem_col_major);
}

// The same product staged through shared memory, with A column-major and
// B row-major in memory, a zero-filled accumulator, a leading dimension of
// 24 elements, and the product accumulated twice (D = A*B + A*B). Two warps
// per block, each computing its own tile (blockIdx.x * 2 + warp).
extern "C" __global__ void wmmaHalfShared(const half *a, const half *b, float *d) {
  constexpr int ld = 24;
  __shared__ half sa[2][16 * ld], sb[2][16 * ld];
  __shared__ float sd[2][16 * ld];
  int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  int tile = blockIdx.x * 2 + warp;
  for (int i = lane; i < 256; i += 32) {
    int r = i / 16, col = i % 16;
    sa[warp][col * ld + r] = a[tile * 256 + i];  // A[r][col], column-major
    sb[warp][r * ld + col] = b[tile * 256 + i];  // B[r][col], row-major
  }
  __syncthreads();
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::col_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::fill_fragment(fc, 0.0f);
  wmma::load_matrix_sync(fa, sa[warp], ld);
  wmma::load_matrix_sync(fb, sb[warp], ld);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(sd[warp], fc, ld, wmma::mem_row_major);
  __syncwarp();
  for (int i = lane; i < 256; i += 32)
    d[tile * 256 + i] = sd[warp][(i / 16) * ld + i % 16];
}

// Half-precision accumulator: D = A * B + C with C and D f16, row-major.
extern "C" __global__ void wmmaHalfAccumulator(const half *a, const half *b, const half *c,
                                               half *d) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, half> fc;
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::load_matrix_sync(fc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(d, fc, 16, wmma::mem_row_major);
}

// 8-bit multiplicands, 32-bit accumulator: unsigned (through shared
// memory) and signed (global memory).
extern "C" __global__ void wmmaUnsignedBytes(const unsigned char *a, const unsigned char *b,
                                             const int *c, int *d) {
  __shared__ unsigned char sa[256], sb[256];
  __shared__ int sc[256];
  for (int i = threadIdx.x; i < 256; i += 32) {
    sa[i] = a[i];
    sb[i] = b[i];
    sc[i] = c[i];
  }
  __syncwarp();
  wmma::fragment<wmma::matrix_a, 16, 16, 16, unsigned char, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, unsigned char, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, int> fc;
  wmma::load_matrix_sync(fa, sa, 16);
  wmma::load_matrix_sync(fb, sb, 16);
  wmma::load_matrix_sync(fc, sc, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(sc, fc, 16, wmma::mem_row_major);
  __syncwarp();
  for (int i = threadIdx.x; i < 256; i += 32)
    d[i] = sc[i];
}

extern "C" __global__ void wmmaSignedBytes(const signed char *a, const signed char *b,
                                           const int *c, int *d) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, signed char, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, signed char, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, int> fc;
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::load_matrix_sync(fc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(d, fc, 16, wmma::mem_row_major);
}
