// peerCopy: two devices, as CUDA's simpleP2P sample drives them. Checks that
// the devices can access each other, enables peer access both ways, fills a
// buffer with a kernel on device 0, copies it to device 1 with
// cudaMemcpyPeer, doubles it there with a kernel that also reads device 0's
// buffer directly (peer access), copies it back with cudaMemcpyPeerAsync on
// a stream of device 0 and checks every element on the host. Needs two
// devices (cuport: CUPORT_CPU_DEVICES=2); prints PASSED.
#include "../common.h"

#include <vector>

__global__ void fill(int *data, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] = i * 3 + 1;
}

// out[i] = 2 * mine[i] + peer[i], where `peer` lives on the other device.
__global__ void combine(const int *mine, const int *peer, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = 2 * mine[i] + peer[i];
}

int main() {
  int count = 0;
  CHECK_CUDA(cudaGetDeviceCount(&count));
  if (count < 2) {
    std::printf("[peerCopy] needs two devices, found %d: FAILED\n", count);
    return EXIT_FAILURE;
  }
  int canZeroOne = 0, canOneZero = 0;
  CHECK_CUDA(cudaDeviceCanAccessPeer(&canZeroOne, 0, 1));
  CHECK_CUDA(cudaDeviceCanAccessPeer(&canOneZero, 1, 0));
  std::printf("[peerCopy] peer access 0->1: %s, 1->0: %s\n", canZeroOne ? "yes" : "no",
              canOneZero ? "yes" : "no");
  if (!canZeroOne || !canOneZero) {
    std::printf("[peerCopy] FAILED: the devices cannot reach each other\n");
    return EXIT_FAILURE;
  }
  char bus0[16], bus1[16];
  CHECK_CUDA(cudaDeviceGetPCIBusId(bus0, sizeof bus0, 0));
  CHECK_CUDA(cudaDeviceGetPCIBusId(bus1, sizeof bus1, 1));
  std::printf("[peerCopy] device 0 at %s, device 1 at %s\n", bus0, bus1);

  const int n = 1 << 20;
  const size_t bytes = n * sizeof(int);
  int *on0, *back0, *on1, *out1;
  CHECK_CUDA(cudaSetDevice(0));
  CHECK_CUDA(cudaDeviceEnablePeerAccess(1, 0));
  CHECK_CUDA(cudaMalloc(&on0, bytes));
  CHECK_CUDA(cudaMalloc(&back0, bytes));
  cudaStream_t stream0;
  CHECK_CUDA(cudaStreamCreate(&stream0));
  CHECK_CUDA(cudaSetDevice(1));
  CHECK_CUDA(cudaDeviceEnablePeerAccess(0, 0));
  CHECK_CUDA(cudaMalloc(&on1, bytes));
  CHECK_CUDA(cudaMalloc(&out1, bytes));

  CHECK_CUDA(cudaSetDevice(0));
  fill<<<(n + 255) / 256, 256>>>(on0, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpyPeer(on1, 1, on0, 0, bytes));

  CHECK_CUDA(cudaSetDevice(1));
  combine<<<(n + 255) / 256, 256>>>(on1, on0, out1, n); // reads device 0's memory
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());

  CHECK_CUDA(cudaSetDevice(0));
  CHECK_CUDA(cudaMemcpyPeerAsync(back0, 0, out1, 1, bytes, stream0));
  std::vector<int> host(n);
  CHECK_CUDA(cudaMemcpyAsync(host.data(), back0, bytes, cudaMemcpyDeviceToHost, stream0));
  CHECK_CUDA(cudaStreamSynchronize(stream0));

  int errors = 0;
  for (int i = 0; i < n; ++i) {
    int expected = 3 * (i * 3 + 1);
    if (host[i] != expected && ++errors <= 5)
      std::fprintf(stderr, "element %d: %d, expected %d\n", i, host[i], expected);
  }
  CHECK_CUDA(cudaDeviceDisablePeerAccess(1));
  CHECK_CUDA(cudaFree(on0));
  CHECK_CUDA(cudaFree(back0));
  CHECK_CUDA(cudaStreamDestroy(stream0));
  CHECK_CUDA(cudaSetDevice(1));
  CHECK_CUDA(cudaDeviceDisablePeerAccess(0));
  CHECK_CUDA(cudaFree(on1));
  CHECK_CUDA(cudaFree(out1));
  std::printf("[peerCopy] %d elements through two devices: %s\n", n,
              errors ? "FAILED" : "PASSED");
  return errors ? EXIT_FAILURE : EXIT_SUCCESS;
}
