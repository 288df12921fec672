// Kernels for test/unit/exec/DynamicParallelismExecTest.cpp: kernels that
// launch kernels (CUDA 12+'s device runtime, nvcc -rdc=true). Regenerate:
// see README.md beside this file.

extern "C" __global__ void fillSegment(int *out, int begin, int count, int base) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count)
    out[begin + i] = base + i;
}

// Thread 0 of every block launches a child grid over the block's segment
// and records what cudaGetLastError said.
extern "C" __global__ void launchPerBlock(int *out, int segment, int *errors) {
  if (threadIdx.x != 0)
    return;
  fillSegment<<<(segment + 63) / 64, 64>>>(out, blockIdx.x * segment, segment,
                                            blockIdx.x * 1000);
  errors[blockIdx.x] = cudaGetLastError();
}

// Each level writes its depth, then launches the next level, until
// `levels`; every launch also goes through a stream created on the device.
extern "C" __global__ void nest(int *depths, int level, int levels) {
  depths[level] = level * 10 + int(blockDim.x);
  if (level + 1 < levels) {
    cudaStream_t stream;
    cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    nest<<<1, 2, 0, stream>>>(depths, level + 1, levels);
    cudaStreamDestroy(stream);
  }
}

// Invalid launches from device code: no grid runs and cudaGetLastError
// names the problem; then a valid tail launch.
extern "C" __global__ void badLaunches(int *out, int *errors) {
  fillSegment<<<1, 2048>>>(out, 0, 1, 7); // more threads than a block holds
  errors[0] = cudaGetLastError();
  errors[1] = cudaGetLastError(); // reset by the first call
  fillSegment<<<1, 32, 0, cudaStreamTailLaunch>>>(out, 0, 1, 42);
  errors[2] = cudaPeekAtLastError();
}

// Recursion past the nesting limit of 24 levels.
extern "C" __global__ void tooDeep(int *reached, int *errors, int level) {
  atomicMax(reached, level);
  nest<<<1, 1>>>(reached + 1, 0, 1);
  tooDeep<<<1, 1>>>(reached, errors, level + 1);
  int error = cudaGetLastError();
  if (error)
    errors[0] = error;
}
