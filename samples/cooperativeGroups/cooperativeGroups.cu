// cooperativeGroups: the cooperative_groups API as CUDA programmers use it.
// A block is a cg::thread_block (thread_rank, sync); it is split into warp
// tiles (cg::tiled_partition<32> and <16>) that reduce with shfl_down. Then
// a kernel launched with cudaLaunchCooperativeKernel, sized by the
// occupancy calculator so that every block is resident at once, reduces a
// whole array in one launch: each block writes its partial sum, the grid
// synchronises (this_grid().sync()), block 0 adds the partials, the grid
// synchronises again and every thread centres its elements on the mean.
// Integers, so every result is exact; prints PASSED.
#include "../common.h"

#include <cooperative_groups.h>

#include <vector>

namespace cg = cooperative_groups;

// The sum of the tile's values, in the tile's thread 0.
template <unsigned Size> __device__ int tileSum(cg::thread_block_tile<Size> tile, int value) {
  for (unsigned offset = tile.size() / 2; offset > 0; offset /= 2)
    value += tile.shfl_down(value, offset);
  return value;
}

// sums32[b] and sums16[b]: the sum of block b's elements, reduced once with
// tiles of 32 and once with tiles of 16 threads.
__global__ void blockSums(const int *in, int *sums32, int *sums16, int n) {
  cg::thread_block block = cg::this_thread_block();
  __shared__ int tileTotals32[32];
  __shared__ int tileTotals16[64];
  int i = blockIdx.x * block.size() + block.thread_rank();
  int value = i < n ? in[i] : 0;

  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  int warpTotal = tileSum(warp, value);
  if (warp.thread_rank() == 0)
    tileTotals32[warp.meta_group_rank()] = warpTotal;

  cg::thread_block_tile<16> half = cg::tiled_partition<16>(block);
  int halfTotal = tileSum(half, value);
  if (half.thread_rank() == 0)
    tileTotals16[half.meta_group_rank()] = halfTotal;
  block.sync();

  if (block.thread_rank() == 0) {
    int total32 = 0, total16 = 0;
    for (unsigned w = 0; w < warp.meta_group_size(); ++w)
      total32 += tileTotals32[w];
    for (unsigned h = 0; h < half.meta_group_size(); ++h)
      total16 += tileTotals16[h];
    sums32[blockIdx.x] = total32;
    sums16[blockIdx.x] = total16;
  }
}

// One launch for the whole array: block partial sums, a grid-wide sync,
// the total in block 0, another grid-wide sync, then out = in * n - total
// (the elements centred on the mean, scaled by n to stay integral).
__global__ void centreOnMean(const int *in, long long *out, long long *partials,
                             long long *total, int n) {
  cg::grid_group grid = cg::this_grid();
  cg::thread_block block = cg::this_thread_block();
  __shared__ long long blockPartial;
  if (block.thread_rank() == 0)
    blockPartial = 0;
  block.sync();
  long long sum = 0;
  for (unsigned long long i = grid.thread_rank(); i < (unsigned long long)n; i += grid.size())
    sum += in[i];
  atomicAdd((unsigned long long *)&blockPartial, (unsigned long long)sum);
  block.sync();
  if (block.thread_rank() == 0)
    partials[blockIdx.x] = blockPartial;

  grid.sync();
  if (blockIdx.x == 0 && block.thread_rank() == 0) {
    long long all = 0;
    for (unsigned b = 0; b < gridDim.x; ++b)
      all += partials[b];
    *total = all;
  }
  grid.sync();

  long long t = *total;
  for (unsigned long long i = grid.thread_rank(); i < (unsigned long long)n; i += grid.size())
    out[i] = (long long)in[i] * n - t;
}

int main() {
  int device = 0, cooperative = 0, multiprocessors = 0;
  CHECK_CUDA(cudaGetDevice(&device));
  CHECK_CUDA(cudaDeviceGetAttribute(&cooperative, cudaDevAttrCooperativeLaunch, device));
  CHECK_CUDA(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, device));
  if (!cooperative) {
    std::printf("cooperative launch not supported\n");
    return EXIT_FAILURE;
  }

  const int n = 100003;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 7919) % 2001 - 1000;
  int *dIn;
  CHECK_CUDA(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK_CUDA(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));

  // Tiles: blocks of 256 threads (8 warps, 16 half-warps).
  const int threads = 256, blocks = (n + threads - 1) / threads;
  int *dSums32, *dSums16;
  CHECK_CUDA(cudaMalloc(&dSums32, blocks * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums16, blocks * sizeof(int)));
  blockSums<<<blocks, threads>>>(dIn, dSums32, dSums16, n);
  CHECK_CUDA(cudaGetLastError());
  std::vector<int> sums32(blocks), sums16(blocks);
  CHECK_CUDA(cudaMemcpy(sums32.data(), dSums32, blocks * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(sums16.data(), dSums16, blocks * sizeof(int), cudaMemcpyDeviceToHost));
  int errors = 0;
  for (int b = 0; b < blocks; ++b) {
    int expected = 0;
    for (int i = b * threads; i < n && i < (b + 1) * threads; ++i)
      expected += in[i];
    if (sums32[b] != expected || sums16[b] != expected) {
      if (errors++ < 5)
        std::printf("block %d: tiles of 32 %d, tiles of 16 %d, expected %d\n", b, sums32[b],
                    sums16[b], expected);
    }
  }

  // The cooperative launch: as many blocks as can be resident at once.
  const int gridThreads = 128;
  int blocksPerMultiprocessor = 0;
  CHECK_CUDA(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocksPerMultiprocessor,
                                                           centreOnMean, gridThreads, 0));
  int gridBlocks = blocksPerMultiprocessor * multiprocessors;
  if (gridBlocks > 64)
    gridBlocks = 64;
  long long *dOut, *dPartials, *dTotal;
  CHECK_CUDA(cudaMalloc(&dOut, n * sizeof(long long)));
  CHECK_CUDA(cudaMalloc(&dPartials, gridBlocks * sizeof(long long)));
  CHECK_CUDA(cudaMalloc(&dTotal, sizeof(long long)));
  int count = n;
  void *args[] = {&dIn, &dOut, &dPartials, &dTotal, &count};
  CHECK_CUDA(cudaLaunchCooperativeKernel((void *)centreOnMean, dim3(gridBlocks),
                                         dim3(gridThreads), args, 0, nullptr));
  CHECK_CUDA(cudaDeviceSynchronize());

  long long total = 0, deviceTotal = 0;
  for (int value : in)
    total += value;
  std::vector<long long> out(n);
  CHECK_CUDA(cudaMemcpy(&deviceTotal, dTotal, sizeof(long long), cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(out.data(), dOut, n * sizeof(long long), cudaMemcpyDeviceToHost));
  if (deviceTotal != total) {
    std::printf("grid total %lld, expected %lld\n", deviceTotal, total);
    ++errors;
  }
  for (int i = 0; i < n; ++i)
    if (out[i] != (long long)in[i] * n - total) {
      if (errors++ < 10)
        std::printf("out[%d] = %lld, expected %lld\n", i, out[i], (long long)in[i] * n - total);
    }

  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dSums32));
  CHECK_CUDA(cudaFree(dSums16));
  CHECK_CUDA(cudaFree(dOut));
  CHECK_CUDA(cudaFree(dPartials));
  CHECK_CUDA(cudaFree(dTotal));
  if (errors) {
    std::printf("FAILED: %d errors\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return 0;
}
