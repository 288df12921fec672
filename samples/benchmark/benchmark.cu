// benchmark: cuport's CPU backend against native C++/OpenMP, in one run.
//
// For vectorAdd, SAXPY, a tiled matrix multiply (shared memory, 16 x 16
// tiles), a block reduction (shared memory tree with __syncthreads, no warp
// shuffles) and a matrix transpose (padded shared tile), it times the CUDA
// kernel as cuport runs it and the same algorithm written natively with
// OpenMP (native.cpp, -O3 -march=native), checks that both give the same
// results, and prints one table. It also measures an empty kernel launch plus
// cudaDeviceSynchronize (median over many iterations) against an empty
// OpenMP parallel region.
//
// Timing: the first launch of each kernel is timed on its own (it includes
// JIT compilation when the kernel cache is cold) and its result is checked;
// then each kernel runs `reps` more times and the table gives the medians:
// the cudaEvent time (start/stop events around the launch) and the host wall
// clock (launch to cudaEventSynchronize return). The native version runs once
// untimed (warm-up, its result checked) and then `reps` timed times. Both use
// the same thread count: CUPORT_CPU_THREADS if set, else the core count.
// "x native" = native time / cuport wall time (1.0: as fast as native;
// above 1: faster). This is a measurement program, not a test: it asserts
// only the results, never the times.
//
// Build: nvcc -cudart shared -O3 -Xcompiler -fopenmp,-O3,-march=native
//          -o benchmark benchmark.cu native.cpp -lgomp
// Run:   cuport run -- ./benchmark [--quick] [--reps N]
#include "../common.h"
#include "native.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------- kernels

__global__ void vectorAdd(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    c[i] = a[i] + b[i];
}

__global__ void saxpy(float a, const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

constexpr int kMatTile = 16;

// C = A * B, n a multiple of kMatTile; one thread per element of C.
__global__ void matmulTiled(const float *a, const float *b, float *c, int n) {
  __shared__ float aTile[kMatTile][kMatTile];
  __shared__ float bTile[kMatTile][kMatTile];
  int row = blockIdx.y * kMatTile + threadIdx.y;
  int col = blockIdx.x * kMatTile + threadIdx.x;
  float sum = 0.0f;
  for (int t = 0; t < n / kMatTile; ++t) {
    aTile[threadIdx.y][threadIdx.x] = a[row * n + t * kMatTile + threadIdx.x];
    bTile[threadIdx.y][threadIdx.x] = b[(t * kMatTile + threadIdx.y) * n + col];
    __syncthreads();
    for (int k = 0; k < kMatTile; ++k)
      sum += aTile[threadIdx.y][k] * bTile[k][threadIdx.x];
    __syncthreads();
  }
  c[row * n + col] = sum;
}

constexpr int kReduceThreads = 256;

// Each block adds its grid-stride share of `in`, then reduces the partial
// sums of its threads in shared memory (tree, __syncthreads between steps).
__global__ void blockReduce(const int *in, int *blockSums, int n) {
  __shared__ int partial[kReduceThreads];
  unsigned t = threadIdx.x;
  int sum = 0;
  for (int i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x)
    sum += in[i];
  partial[t] = sum;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (t < stride)
      partial[t] += partial[t + stride];
    __syncthreads();
  }
  if (t == 0)
    blockSums[blockIdx.x] = partial[0];
}

constexpr int kTransTile = 32, kTransRows = 8;

// out = in^T, n a multiple of kTransTile; blocks of 32 x 8 threads, each
// thread moving 4 elements through a tile padded to avoid bank conflicts.
__global__ void transposePadded(const float *in, float *out, int n) {
  __shared__ float tile[kTransTile][kTransTile + 1];
  int x = blockIdx.x * kTransTile + threadIdx.x;
  int y = blockIdx.y * kTransTile + threadIdx.y;
  for (int j = 0; j < kTransTile; j += kTransRows)
    tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * n + x];
  __syncthreads();
  x = blockIdx.y * kTransTile + threadIdx.x;
  y = blockIdx.x * kTransTile + threadIdx.y;
  for (int j = 0; j < kTransTile; j += kTransRows)
    out[(y + j) * n + x] = tile[threadIdx.x][threadIdx.y + j];
}

__global__ void emptyKernel() {}

// ---------------------------------------------------------------- timing

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct CudaTiming {
  double firstMs = 0; // first launch + sync (JIT compile if the cache is cold)
  double eventMs = 0; // median cudaEventElapsedTime
  double wallMs = 0;  // median host wall clock, launch to sync
};

// Both sides of one comparison: the cuport figures and native's median.
struct Timing {
  CudaTiming cuda;
  double nativeMs = 0;
};

// A pause between the timed runs, so that each side starts on a quiet
// machine: after a parallel region libgomp's threads spin before they
// sleep (GOMP_SPINCOUNT, 300000 rounds by default: milliseconds here),
// cuport's workers for up to 50 us after a launch. With the native run
// right before it, cuport's launch ran at about half speed.
void letThreadsSettle() {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// Times `launch` (which enqueues one kernel) against `native`: the native
// run once untimed (warm-up), the launch once on its own (JIT compilation
// on a cold kernel cache), after which `afterFirst` checks its result;
// then `reps` rounds of one native run and one launch between two events,
// alternating, so that a slow phase of the machine affects both sides.
// Medians of each.
template <typename Native, typename Launch, typename AfterFirst>
Timing timeBoth(int reps, Native native, Launch launch, AfterFirst afterFirst) {
  Timing timing;
  native();
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  auto first = Clock::now();
  launch();
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  timing.cuda.firstMs = msSince(first);
  afterFirst();
  std::vector<double> natives, events, walls;
  for (int r = 0; r < reps; ++r) {
    letThreadsSettle();
    auto nativeStart = Clock::now();
    native();
    natives.push_back(msSince(nativeStart));
    letThreadsSettle();
    auto wallStart = Clock::now();
    CHECK_CUDA(cudaEventRecord(start));
    launch();
    CHECK_CUDA(cudaEventRecord(stop));
    CHECK_CUDA(cudaEventSynchronize(stop));
    walls.push_back(msSince(wallStart));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    events.push_back(ms);
  }
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaEventDestroy(start));
  CHECK_CUDA(cudaEventDestroy(stop));
  timing.cuda.eventMs = median(events);
  timing.cuda.wallMs = median(walls);
  timing.nativeMs = median(natives);
  return timing;
}

// ---------------------------------------------------------------- report

struct Row {
  std::string kernel, size;
  CudaTiming cuda;
  double nativeMs;
  double work;      // bytes moved or floating-point operations
  const char *unit; // "GB/s" or "GFLOP/s"
  bool correct;
};

std::vector<Row> rows;
bool allCorrect = true;

void record(Row row) {
  allCorrect = allCorrect && row.correct;
  rows.push_back(std::move(row));
}

void printTable() {
  std::printf("\n%-14s %-18s %10s %10s %10s %9s %9s %9s %9s %-7s %s\n",
              "kernel", "size", "first ms", "event ms", "cuport ms",
              "native ms", "x native", "cuport", "native", "unit", "check");
  for (const Row &row : rows) {
    double cuportRate = row.work / (row.cuda.wallMs * 1e-3) / 1e9;
    double nativeRate = row.work / (row.nativeMs * 1e-3) / 1e9;
    std::printf(
        "%-14s %-18s %10.3f %10.3f %10.3f %9.3f %8.2fx %9.2f %9.2f %-7s %s\n",
        row.kernel.c_str(), row.size.c_str(), row.cuda.firstMs,
        row.cuda.eventMs, row.cuda.wallMs, row.nativeMs,
        row.nativeMs / row.cuda.wallMs, cuportRate, nativeRate, row.unit,
        row.correct ? "ok" : "MISMATCH");
  }
}

// Equal up to a relative tolerance (the two sides may contract a*b+c into an
// fma differently); the integer-valued inputs below usually make them exact.
bool sameFloats(const std::vector<float> &got, const std::vector<float> &want,
                const char *what) {
  for (size_t i = 0; i < want.size(); ++i) {
    float tolerance = 1e-5f * std::max(1.0f, std::fabs(want[i]));
    if (!(std::fabs(got[i] - want[i]) <= tolerance)) {
      std::fprintf(stderr, "%s: element %zu is %g, native %g\n", what, i,
                   got[i], want[i]);
      return false;
    }
  }
  return true;
}

// Small-integer-valued floats (multiples of 1/4 in [-2, 2]): sums and
// products stay exact, so both sides agree bit for bit.
std::vector<float> pattern(size_t n, int seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = float(int((i * 7919 + seed * 104729) % 17) - 8) * 0.25f;
  return v;
}

template <typename T> T *deviceCopy(const std::vector<T> &host) {
  T *device;
  CHECK_CUDA(cudaMalloc(&device, host.size() * sizeof(T)));
  CHECK_CUDA(cudaMemcpy(device, host.data(), host.size() * sizeof(T),
                        cudaMemcpyHostToDevice));
  return device;
}

template <typename T> std::vector<T> hostCopy(const T *device, size_t n) {
  std::vector<T> host(n);
  CHECK_CUDA(
      cudaMemcpy(host.data(), device, n * sizeof(T), cudaMemcpyDeviceToHost));
  return host;
}

std::string sizeOf(long n) { return std::to_string(n); }
std::string sizeOf(long rows, long cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

// ---------------------------------------------------------------- cases

void benchVectorAdd(int n, int reps) {
  auto a = pattern(n, 1), b = pattern(n, 2);
  float *dA = deviceCopy(a), *dB = deviceCopy(b), *dC;
  CHECK_CUDA(cudaMalloc(&dC, n * sizeof(float)));
  std::vector<float> want(n);
  int threads = 256, blocks = (n + threads - 1) / threads;
  bool correct = false;
  Timing timing = timeBoth(
      reps, [&] { native::vectorAdd(a.data(), b.data(), want.data(), n); },
      [&] { vectorAdd<<<blocks, threads>>>(dA, dB, dC, n); },
      [&] { correct = sameFloats(hostCopy(dC, n), want, "vectorAdd"); });
  record({"vectorAdd", sizeOf(n), timing.cuda, timing.nativeMs,
          3.0 * n * sizeof(float), "GB/s", correct});
  CHECK_CUDA(cudaFree(dA));
  CHECK_CUDA(cudaFree(dB));
  CHECK_CUDA(cudaFree(dC));
}

void benchSaxpy(int n, int reps) {
  const float alpha = 1.5f;
  auto x = pattern(n, 3), y = pattern(n, 4);
  float *dX = deviceCopy(x), *dY = deviceCopy(y);
  // The native result of one SAXPY, for the check after the first launch.
  std::vector<float> want = y;
  native::saxpy(alpha, x.data(), want.data(), n);
  std::vector<float> yNative = y;
  int threads = 256, blocks = (n + threads - 1) / threads;
  bool correct = false;
  Timing timing = timeBoth(
      reps, [&] { native::saxpy(alpha, x.data(), yNative.data(), n); },
      [&] { saxpy<<<blocks, threads>>>(alpha, dX, dY, n); },
      [&] { correct = sameFloats(hostCopy(dY, n), want, "saxpy"); });
  record({"saxpy", sizeOf(n), timing.cuda, timing.nativeMs,
          3.0 * n * sizeof(float), "GB/s", correct});
  CHECK_CUDA(cudaFree(dX));
  CHECK_CUDA(cudaFree(dY));
}

void benchMatmul(int n, int reps) {
  size_t elements = size_t(n) * n;
  auto a = pattern(elements, 5), b = pattern(elements, 6);
  float *dA = deviceCopy(a), *dB = deviceCopy(b), *dC;
  CHECK_CUDA(cudaMalloc(&dC, elements * sizeof(float)));
  std::vector<float> want(elements);
  dim3 threads(kMatTile, kMatTile), blocks(n / kMatTile, n / kMatTile);
  bool correct = false;
  Timing timing = timeBoth(
      reps, [&] { native::matmul(a.data(), b.data(), want.data(), n); },
      [&] { matmulTiled<<<blocks, threads>>>(dA, dB, dC, n); },
      [&] { correct = sameFloats(hostCopy(dC, elements), want, "matmul"); });
  record({"matmul 16x16", sizeOf(n, n), timing.cuda, timing.nativeMs,
          2.0 * n * n * double(n), "GFLOP/s", correct});
  CHECK_CUDA(cudaFree(dA));
  CHECK_CUDA(cudaFree(dB));
  CHECK_CUDA(cudaFree(dC));
}

void benchReduce(int n, int reps, int workers) {
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = int((i * 7919L) % 17) - 8; // |sum| stays far inside int
  int *dIn = deviceCopy(in), *dSums;
  // A few blocks per worker, each thread adding a grid-stride share first.
  int blocks = std::max(1, std::min(64 * workers, n / kReduceThreads));
  CHECK_CUDA(cudaMalloc(&dSums, blocks * sizeof(int)));
  int want = 0;
  bool correct = false;
  Timing timing = timeBoth(
      reps, [&] { want = native::reduce(in.data(), n); },
      [&] { blockReduce<<<blocks, kReduceThreads>>>(dIn, dSums, n); },
      [&] {
        // The host adds the block sums (not timed: `blocks` ints).
        int total = 0;
        for (int sum : hostCopy(dSums, blocks))
          total += sum;
        correct = total == want;
        if (!correct)
          std::fprintf(stderr, "reduce: %d, native %d\n", total, want);
      });
  record({"reduce", sizeOf(n), timing.cuda, timing.nativeMs,
          double(n) * sizeof(int), "GB/s", correct});
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dSums));
}

void benchTranspose(int n, int reps) {
  size_t elements = size_t(n) * n;
  auto in = pattern(elements, 7);
  float *dIn = deviceCopy(in), *dOut;
  CHECK_CUDA(cudaMalloc(&dOut, elements * sizeof(float)));
  std::vector<float> want(elements);
  dim3 threads(kTransTile, kTransRows), blocks(n / kTransTile, n / kTransTile);
  bool correct = false;
  Timing timing = timeBoth(
      reps, [&] { native::transpose(in.data(), want.data(), n); },
      [&] { transposePadded<<<blocks, threads>>>(dIn, dOut, n); },
      [&] {
        correct = sameFloats(hostCopy(dOut, elements), want, "transpose");
      });
  record({"transpose", sizeOf(n, n), timing.cuda, timing.nativeMs,
          2.0 * elements * sizeof(float), "GB/s", correct});
  CHECK_CUDA(cudaFree(dIn));
  CHECK_CUDA(cudaFree(dOut));
}

// An empty kernel: launch + cudaDeviceSynchronize, median over `iterations`
// after one warm-up launch; against an empty OpenMP parallel region.
void benchEmptyLaunch(int iterations) {
  auto first = Clock::now();
  emptyKernel<<<1, 1>>>();
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  double firstMs = msSince(first);
  std::vector<double> cuda, host;
  for (int i = 0; i < iterations; ++i) {
    auto start = Clock::now();
    emptyKernel<<<1, 1>>>();
    CHECK_CUDA(cudaDeviceSynchronize());
    cuda.push_back(msSince(start) * 1e3);
  }
  CHECK_CUDA(cudaGetLastError());
  native::emptyParallel();
  for (int i = 0; i < iterations; ++i) {
    auto start = Clock::now();
    native::emptyParallel();
    host.push_back(msSince(start) * 1e3);
  }
  std::sort(cuda.begin(), cuda.end());
  std::printf(
      "\nempty kernel <<<1,1>>> + cudaDeviceSynchronize, %d iterations: "
      "median %.2f us, p10 %.2f us, p90 %.2f us (first launch %.3f ms)\n",
      iterations, median(cuda), cuda[cuda.size() / 10],
      cuda[cuda.size() * 9 / 10], firstMs);
  std::printf(
      "empty OpenMP parallel region (native), %d iterations: median %.2f us\n",
      iterations, median(host));
}

int workerThreads() {
  if (const char *env = std::getenv("CUPORT_CPU_THREADS"))
    if (int threads = std::atoi(env); threads > 0)
      return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

int main(int argc, char **argv) {
  bool quick = false;
  int reps = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--quick] [--reps N]\n", argv[0]);
      return 2;
    }
  }
  if (reps <= 0)
    reps = quick ? 3 : 10;
  int workers = workerThreads();
  native::setThreads(workers);
  int deviceCount = 0;
  CHECK_CUDA(cudaGetDeviceCount(&deviceCount));
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("[benchmark] device: %s; %d worker threads (cuport and OpenMP); "
              "%d timed repetitions per kernel%s\n",
              prop.name, workers, reps, quick ? " (--quick sizes)" : "");

  int vectorN = quick ? 1000 : 1 << 24;
  int matN = quick ? 64 : 1024;
  int transN = quick ? 64 : 4096;
  benchVectorAdd(vectorN, reps);
  benchSaxpy(vectorN, reps);
  benchMatmul(matN, reps);
  benchReduce(vectorN, reps, workers);
  benchTranspose(transN, reps);
  printTable();
  std::printf(
      "(first ms: first launch + sync, includes JIT compilation on a "
      "cold kernel cache; event ms: cudaEvent median; cuport ms: host "
      "wall median, launch to sync; x native = native ms / cuport ms)\n");
  benchEmptyLaunch(quick ? 100 : 10000);

  if (!allCorrect) {
    std::printf("FAILED\n");
    return EXIT_FAILURE;
  }
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
