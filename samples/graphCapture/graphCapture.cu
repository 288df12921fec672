// graphCapture: CUDA graphs, made two ways.
//
// 1. Stream capture. A sequence of work on stream s1 (an upload, kernels, a
//    host function) is captured into a graph, with a fork onto stream s2
//    through an event and a join back through another event. The graph is
//    instantiated once and launched 100 times; an accumulator in device
//    memory and a host counter prove that every launch ran every node, in
//    order.
// 2. Explicit construction. memset -> kernel -> copy-back nodes with
//    cudaGraphAdd*Node, launched, then one kernel node's parameters are
//    changed in the executable graph and it is launched again.
// Every result is checked on the host; prints PASSED.
#include "../common.h"

#include <vector>

__global__ void scaleAdd(int *x, int n, int mul, int add) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    x[i] = x[i] * mul + add;
}

// acc[i] += a[i] + b[i]
__global__ void accumulate(int *acc, const int *a, const int *b, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    acc[i] += a[i] + b[i];
}

static void countLaunch(void *counter) { ++*static_cast<int *>(counter); }

static int checkCapturedGraph() {
  const int n = 1 << 16, launches = 100, threads = 256;
  const int blocks = (n + threads - 1) / threads;
  const size_t bytes = n * sizeof(int);
  int *hostIn, *hostAcc;
  CHECK_CUDA(cudaMallocHost(&hostIn, bytes));
  CHECK_CUDA(cudaMallocHost(&hostAcc, bytes));
  for (int i = 0; i < n; ++i)
    hostIn[i] = i % 1000;
  int *dA, *dB, *dAcc;
  CHECK_CUDA(cudaMalloc(&dA, bytes));
  CHECK_CUDA(cudaMalloc(&dB, bytes));
  CHECK_CUDA(cudaMalloc(&dAcc, bytes));

  cudaStream_t s1, s2;
  CHECK_CUDA(cudaStreamCreate(&s1));
  CHECK_CUDA(cudaStreamCreate(&s2));
  // On s1: built with --default-stream per-thread, a cudaMemset would go to
  // the per-thread default stream, which s1 does not wait for.
  CHECK_CUDA(cudaMemsetAsync(dAcc, 0, bytes, s1));
  cudaEvent_t fork, join;
  CHECK_CUDA(cudaEventCreateWithFlags(&fork, cudaEventDisableTiming));
  CHECK_CUDA(cudaEventCreateWithFlags(&join, cudaEventDisableTiming));
  int launched = 0;

  CHECK_CUDA(cudaStreamBeginCapture(s1, cudaStreamCaptureModeGlobal));
  CHECK_CUDA(cudaMemcpyAsync(dA, hostIn, bytes, cudaMemcpyHostToDevice, s1));
  CHECK_CUDA(cudaEventRecord(fork, s1));
  CHECK_CUDA(cudaStreamWaitEvent(s2, fork, 0)); // s2 joins the capture
  scaleAdd<<<blocks, threads, 0, s1>>>(dA, n, 3, 1);
  CHECK_CUDA(cudaMemsetAsync(dB, 0, bytes, s2));
  scaleAdd<<<blocks, threads, 0, s2>>>(dB, n, 1, 2);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaEventRecord(join, s2));
  CHECK_CUDA(cudaStreamWaitEvent(s1, join, 0)); // and is joined back
  accumulate<<<blocks, threads, 0, s1>>>(dAcc, dA, dB, n);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaLaunchHostFunc(s1, countLaunch, &launched));
  cudaStreamCaptureStatus status;
  CHECK_CUDA(cudaStreamIsCapturing(s2, &status));
  if (status != cudaStreamCaptureStatusActive) {
    std::fprintf(stderr, "s2 is not part of the capture\n");
    return 1;
  }
  cudaGraph_t graph;
  CHECK_CUDA(cudaStreamEndCapture(s1, &graph));

  size_t nodes = 0, edges = 0;
  CHECK_CUDA(cudaGraphGetNodes(graph, nullptr, &nodes));
  CHECK_CUDA(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &edges));
  if (nodes != 6 || edges != 6 || launched != 0) {
    std::fprintf(stderr, "captured graph: %zu nodes, %zu edges, %d launches\n", nodes,
                 edges, launched);
    return 1;
  }

  cudaGraphExec_t exec;
  CHECK_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  for (int i = 0; i < launches; ++i)
    CHECK_CUDA(cudaGraphLaunch(exec, s1));
  CHECK_CUDA(cudaStreamSynchronize(s1));
  CHECK_CUDA(cudaMemcpy(hostAcc, dAcc, bytes, cudaMemcpyDeviceToHost));

  int errors = launched == launches ? 0 : 1;
  if (errors)
    std::fprintf(stderr, "host node ran %d times, not %d\n", launched, launches);
  for (int i = 0; i < n && errors < 10; ++i) {
    int expected = launches * (3 * (i % 1000) + 1 + 2);
    if (hostAcc[i] != expected) {
      std::fprintf(stderr, "acc[%d] = %d, expected %d\n", i, hostAcc[i], expected);
      ++errors;
    }
  }
  std::printf("captured graph: %zu nodes, %zu edges, launched %d times\n", nodes, edges,
              launches);

  CHECK_CUDA(cudaGraphExecDestroy(exec));
  CHECK_CUDA(cudaGraphDestroy(graph));
  CHECK_CUDA(cudaEventDestroy(fork));
  CHECK_CUDA(cudaEventDestroy(join));
  CHECK_CUDA(cudaStreamDestroy(s1));
  CHECK_CUDA(cudaStreamDestroy(s2));
  CHECK_CUDA(cudaFree(dA));
  CHECK_CUDA(cudaFree(dB));
  CHECK_CUDA(cudaFree(dAcc));
  CHECK_CUDA(cudaFreeHost(hostIn));
  CHECK_CUDA(cudaFreeHost(hostAcc));
  return errors;
}

static int checkExplicitGraph() {
  const int n = 4096;
  const size_t bytes = n * sizeof(int);
  std::vector<int> host(n, -1);
  int *dX;
  CHECK_CUDA(cudaMalloc(&dX, bytes));

  cudaGraph_t graph;
  CHECK_CUDA(cudaGraphCreate(&graph, 0));
  cudaMemsetParams memset = {};
  memset.dst = dX;
  memset.value = 5;
  memset.elementSize = sizeof(int);
  memset.width = n;
  memset.height = 1;
  cudaGraphNode_t fillNode, kernelNode, copyNode;
  CHECK_CUDA(cudaGraphAddMemsetNode(&fillNode, graph, nullptr, 0, &memset));

  int count = n, mul = 10, add = 7;
  void *args[] = {&dX, &count, &mul, &add};
  cudaKernelNodeParams kernel = {};
  kernel.func = reinterpret_cast<void *>(scaleAdd);
  kernel.gridDim = dim3((n + 127) / 128);
  kernel.blockDim = dim3(128);
  kernel.kernelParams = args;
  CHECK_CUDA(cudaGraphAddKernelNode(&kernelNode, graph, &fillNode, 1, &kernel));
  CHECK_CUDA(cudaGraphAddMemcpyNode1D(&copyNode, graph, &kernelNode, 1, host.data(), dX,
                                      bytes, cudaMemcpyDeviceToHost));

  cudaGraphExec_t exec;
  CHECK_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  CHECK_CUDA(cudaGraphLaunch(exec, 0));
  CHECK_CUDA(cudaStreamSynchronize(0));
  int errors = 0;
  for (int i = 0; i < n && errors < 10; ++i)
    if (host[i] != 5 * 10 + 7) {
      std::fprintf(stderr, "x[%d] = %d, expected %d\n", i, host[i], 57);
      ++errors;
    }

  add = -50; // node parameters were copied: change them through the exec
  CHECK_CUDA(cudaGraphExecKernelNodeSetParams(exec, kernelNode, &kernel));
  CHECK_CUDA(cudaGraphLaunch(exec, 0));
  CHECK_CUDA(cudaStreamSynchronize(0));
  for (int i = 0; i < n && errors < 10; ++i)
    if (host[i] != 0) {
      std::fprintf(stderr, "after update x[%d] = %d, expected 0\n", i, host[i]);
      ++errors;
    }
  std::printf("explicit graph: memset -> kernel -> copy, updated once\n");

  CHECK_CUDA(cudaGraphExecDestroy(exec));
  CHECK_CUDA(cudaGraphDestroy(graph));
  CHECK_CUDA(cudaFree(dX));
  return errors;
}

int main() {
  int errors = checkCapturedGraph() + checkExplicitGraph();
  if (errors) {
    std::printf("FAILED\n");
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
