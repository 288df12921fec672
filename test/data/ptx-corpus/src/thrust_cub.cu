// PTX corpus: CUB block and warp collectives and a small Thrust pipeline
// (sort, reduce, inclusive scan), as library-heavy programs emit them.
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <cub/warp/warp_reduce.cuh>
#include <thrust/device_vector.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/sort.h>

__global__ void cubCollectives(const int *in, int *out) {
  using BlockReduce = cub::BlockReduce<int, 128>;
  using BlockScan = cub::BlockScan<int, 128>;
  using WarpReduce = cub::WarpReduce<int>;
  __shared__ typename BlockReduce::TempStorage reduceStorage;
  __shared__ typename BlockScan::TempStorage scanStorage;
  __shared__ typename WarpReduce::TempStorage warpStorage[4];
  int v = in[blockIdx.x * 128 + threadIdx.x];
  int total = BlockReduce(reduceStorage).Sum(v);
  int prefix;
  BlockScan(scanStorage).ExclusiveSum(v, prefix);
  int warpSum = WarpReduce(warpStorage[threadIdx.x / 32]).Sum(v);
  out[blockIdx.x * 128 + threadIdx.x] = prefix + warpSum + (threadIdx.x == 0 ? total : 0);
}

int thrustPipeline(int n) {
  thrust::device_vector<unsigned> keys(n);
  thrust::sort(keys.begin(), keys.end());
  thrust::inclusive_scan(keys.begin(), keys.end(), keys.begin());
  return (int)thrust::reduce(keys.begin(), keys.end(), 0u);
}
