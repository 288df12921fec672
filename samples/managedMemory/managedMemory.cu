// managedMemory: unified memory without explicit copies. A cudaMallocManaged
// array is filled on the host, advised and prefetched to the device,
// updated by a kernel and read back on the host after
// cudaDeviceSynchronize; a __managed__ counter is set by the host, counted
// up by the kernel with atomics and read by the host.
#include "../common.h"

__managed__ unsigned int visited;       // threads that ran
__managed__ float scale = 3.0f;         // set by the host before the launch

__global__ void scaleAndCount(float *data, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    data[i] = data[i] * scale + 1.0f;
    atomicAdd(&visited, 1u);
  }
}

int main() {
  const int n = 100000;
  float *data = nullptr;
  CHECK_CUDA(cudaMallocManaged(&data, n * sizeof(float)));
  for (int i = 0; i < n; ++i)
    data[i] = float(i % 1000);

  int device = 0;
  CHECK_CUDA(cudaGetDevice(&device));
  cudaMemLocation onDevice = {cudaMemLocationTypeDevice, device};
  cudaMemLocation onHost = {cudaMemLocationTypeHost, 0};
  CHECK_CUDA(cudaMemAdvise(data, n * sizeof(float), cudaMemAdviseSetPreferredLocation,
                           onDevice));
  CHECK_CUDA(cudaMemAdvise(data, n * sizeof(float), cudaMemAdviseSetAccessedBy, onHost));
  cudaStream_t stream;
  CHECK_CUDA(cudaStreamCreate(&stream));
  CHECK_CUDA(cudaMemPrefetchAsync(data, n * sizeof(float), onDevice, 0, stream));

  visited = 0;
  scale = 2.5f;
  scaleAndCount<<<(n + 255) / 256, 256, 0, stream>>>(data, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemPrefetchAsync(data, n * sizeof(float), onHost, 0, stream));
  CHECK_CUDA(cudaDeviceSynchronize());

  int errors = 0;
  for (int i = 0; i < n; ++i)
    if (data[i] != float(i % 1000) * 2.5f + 1.0f && ++errors <= 5)
      std::printf("[managedMemory] data[%d] = %f\n", i, data[i]);
  if (visited != unsigned(n)) {
    std::printf("[managedMemory] %u threads counted, %d expected\n", visited, n);
    ++errors;
  }

  int preferred = -3, lastPrefetch = -3;
  CHECK_CUDA(cudaMemRangeGetAttribute(&preferred, sizeof preferred,
                                      cudaMemRangeAttributePreferredLocation, data,
                                      n * sizeof(float)));
  CHECK_CUDA(cudaMemRangeGetAttribute(&lastPrefetch, sizeof lastPrefetch,
                                      cudaMemRangeAttributeLastPrefetchLocation, data,
                                      n * sizeof(float)));
  if (preferred != device || lastPrefetch != cudaCpuDeviceId) {
    std::printf("[managedMemory] preferred location %d, last prefetch %d\n", preferred,
                lastPrefetch);
    ++errors;
  }
  cudaPointerAttributes attributes;
  CHECK_CUDA(cudaPointerGetAttributes(&attributes, data));
  if (attributes.type != cudaMemoryTypeManaged) {
    std::printf("[managedMemory] pointer type %d\n", int(attributes.type));
    ++errors;
  }
  std::printf("[managedMemory] %u threads visited, scale %.2f\n", visited, scale);
  CHECK_CUDA(cudaStreamDestroy(stream));
  CHECK_CUDA(cudaFree(data));
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
