// deviceMalloc: in-kernel malloc and free on the device heap, as the CUDA
// Programming Guide uses them. The host sets the heap size
// (cudaLimitMallocHeapSize) before any kernel runs; one kernel builds a
// linked list per thread out of malloc'ed nodes, a second kernel walks and
// frees them (memory outlives the launch that allocated it); each block
// shares one buffer thread 0 allocates; one thread allocates 1 MiB chunks
// until malloc returns NULL and frees them all. The heap size can no longer
// change once a kernel that uses malloc ran. The host checks every sum and
// count; prints PASSED.
#include "../common.h"

struct Node {
  int value;
  Node *next;
};

constexpr int kBlocks = 16, kThreads = 128, kCount = kBlocks * kThreads;
constexpr size_t kHeapBytes = 32u << 20;
constexpr int kMaxChunks = 64;

__device__ Node *heads[kCount];

// Thread t builds a list of 1 + t % 8 nodes holding t, t+1, ...
__global__ void buildLists(int *failures) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  Node *head = nullptr;
  for (int i = 0; i < 1 + t % 8; ++i) {
    Node *node = static_cast<Node *>(malloc(sizeof(Node)));
    if (!node) {
      atomicAdd(failures, 1);
      break;
    }
    node->value = t + i;
    node->next = head;
    head = node;
  }
  heads[t] = head;
}

// A later launch sums each list and frees its nodes.
__global__ void sumAndFreeLists(long long *sums) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  long long sum = 0;
  for (Node *node = heads[t]; node;) {
    Node *next = node->next;
    sum += node->value;
    free(node);
    node = next;
  }
  heads[t] = nullptr;
  sums[t] = sum;
}

// Thread 0 allocates one buffer for its block; every thread fills its
// slot, thread 0 adds them up and frees the buffer.
__global__ void blockBuffer(int *blockSums) {
  __shared__ int *buffer;
  if (threadIdx.x == 0)
    buffer = static_cast<int *>(malloc(blockDim.x * sizeof(int)));
  __syncthreads();
  if (!buffer) {
    if (threadIdx.x == 0)
      blockSums[blockIdx.x] = -1;
    return;
  }
  buffer[threadIdx.x] = threadIdx.x * (blockIdx.x + 1);
  __syncthreads();
  if (threadIdx.x == 0) {
    int sum = 0;
    for (int i = 0; i < blockDim.x; ++i)
      sum += buffer[i];
    blockSums[blockIdx.x] = sum;
    free(buffer);
  }
}

// One thread takes 1 MiB chunks until the heap is exhausted, then frees
// them: malloc returns NULL instead of failing.
__global__ void exhaust(int *granted, int *regranted) {
  void *chunks[kMaxChunks];
  int count = 0;
  while (count < kMaxChunks && (chunks[count] = malloc(1 << 20)) != nullptr)
    ++count;
  *granted = count;
  for (int i = 0; i < count; ++i)
    free(chunks[i]);
  // Freed chunks can be taken again.
  int again = 0;
  while (again < count && (chunks[again] = malloc(1 << 20)) != nullptr)
    ++again;
  *regranted = again;
  for (int i = 0; i < again; ++i)
    free(chunks[i]);
}

int main() {
  CHECK_CUDA(cudaDeviceSetLimit(cudaLimitMallocHeapSize, kHeapBytes));
  size_t heap = 0;
  CHECK_CUDA(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
  std::printf("[deviceMalloc] heap %zu MiB\n", heap >> 20);

  int *dFailures, *dBlockSums, *dCounts;
  long long *dSums;
  CHECK_CUDA(cudaMalloc(&dFailures, sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dSums, kCount * sizeof(long long)));
  CHECK_CUDA(cudaMalloc(&dBlockSums, kBlocks * sizeof(int)));
  CHECK_CUDA(cudaMalloc(&dCounts, 2 * sizeof(int)));
  CHECK_CUDA(cudaMemset(dFailures, 0, sizeof(int)));

  int errors = 0;
  for (int round = 0; round < 3; ++round) {
    buildLists<<<kBlocks, kThreads>>>(dFailures);
    CHECK_CUDA(cudaGetLastError());
    sumAndFreeLists<<<kBlocks, kThreads>>>(dSums);
    CHECK_CUDA(cudaGetLastError());
    long long sums[kCount];
    CHECK_CUDA(cudaMemcpy(sums, dSums, sizeof(sums), cudaMemcpyDeviceToHost));
    for (int t = 0; t < kCount; ++t) {
      long long length = 1 + t % 8;
      if (sums[t] != length * t + length * (length - 1) / 2)
        ++errors;
    }
  }
  int failures = 0;
  CHECK_CUDA(cudaMemcpy(&failures, dFailures, sizeof(int), cudaMemcpyDeviceToHost));

  blockBuffer<<<kBlocks, kThreads>>>(dBlockSums);
  CHECK_CUDA(cudaGetLastError());
  int blockSums[kBlocks];
  CHECK_CUDA(cudaMemcpy(blockSums, dBlockSums, sizeof(blockSums), cudaMemcpyDeviceToHost));
  for (int b = 0; b < kBlocks; ++b)
    if (blockSums[b] != (b + 1) * kThreads * (kThreads - 1) / 2)
      ++errors;

  exhaust<<<1, 1>>>(dCounts, dCounts + 1);
  CHECK_CUDA(cudaGetLastError());
  int counts[2];
  CHECK_CUDA(cudaMemcpy(counts, dCounts, sizeof(counts), cudaMemcpyDeviceToHost));
  std::printf("[deviceMalloc] %d list sums wrong, %d mallocs failed, %d MiB chunks "
              "granted, %d again after free\n",
              errors, failures, counts[0], counts[1]);
  bool exhaustedRight = counts[0] > 0 && counts[0] < int(kHeapBytes >> 20) + 1 &&
                        counts[1] == counts[0];

  // The heap size is fixed now that kernels using malloc ran.
  cudaError_t late = cudaDeviceSetLimit(cudaLimitMallocHeapSize, 2 * kHeapBytes);
  (void)cudaGetLastError();
  CHECK_CUDA(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
  bool fixedRight = late == cudaErrorInvalidValue && heap == kHeapBytes;

  CHECK_CUDA(cudaFree(dFailures));
  CHECK_CUDA(cudaFree(dSums));
  CHECK_CUDA(cudaFree(dBlockSums));
  CHECK_CUDA(cudaFree(dCounts));
  if (errors || failures || !exhaustedRight || !fixedRight) {
    std::printf("FAILED\n");
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
