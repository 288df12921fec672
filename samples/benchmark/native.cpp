// Native C++/OpenMP versions of the benchmark kernels (see native.h). Built
// with -O3 -march=native -fopenmp by the host compiler; the loops are the
// obvious ones a CPU programmer writes, with `omp parallel for` over the same
// work the CUDA grid covers and `simd` where the compiler should vectorize.
#include "native.h"

#include <algorithm>
#include <omp.h>

namespace native {

void setThreads(int threads) { omp_set_num_threads(threads); }
int threads() { return omp_get_max_threads(); }

void vectorAdd(const float *a, const float *b, float *c, int n) {
#pragma omp parallel for simd schedule(static)
  for (int i = 0; i < n; ++i)
    c[i] = a[i] + b[i];
}

void saxpy(float a, const float *x, float *y, int n) {
#pragma omp parallel for simd schedule(static)
  for (int i = 0; i < n; ++i)
    y[i] = a * x[i] + y[i];
}

void matmul(const float *a, const float *b, float *c, int n) {
  constexpr int rowBlock = 16, kBlock = 64;
#pragma omp parallel for schedule(static)
  for (int ii = 0; ii < n; ii += rowBlock) {
    int iEnd = std::min(ii + rowBlock, n);
    for (int i = ii; i < iEnd; ++i)
      std::fill(c + (long)i * n, c + (long)i * n + n, 0.0f);
    for (int kk = 0; kk < n; kk += kBlock) {
      int kEnd = std::min(kk + kBlock, n);
      for (int i = ii; i < iEnd; ++i) {
        float *cRow = c + (long)i * n;
        for (int k = kk; k < kEnd; ++k) {
          float aik = a[(long)i * n + k];
          const float *bRow = b + (long)k * n;
#pragma omp simd
          for (int j = 0; j < n; ++j)
            cRow[j] += aik * bRow[j];
        }
      }
    }
  }
}

int reduce(const int *in, int n) {
  int sum = 0;
#pragma omp parallel for simd reduction(+ : sum) schedule(static)
  for (int i = 0; i < n; ++i)
    sum += in[i];
  return sum;
}

void transpose(const float *in, float *out, int n) {
  constexpr int tile = 32;
#pragma omp parallel for collapse(2) schedule(static)
  for (int ii = 0; ii < n; ii += tile)
    for (int jj = 0; jj < n; jj += tile)
      for (int i = ii; i < std::min(ii + tile, n); ++i)
        for (int j = jj; j < std::min(jj + tile, n); ++j)
          out[(long)j * n + i] = in[(long)i * n + j];
}

void emptyParallel() {
  // Only the fork and the join are measured. The body must not be empty:
  // GCC deletes an empty parallel region altogether.
  static volatile int sink;
#pragma omp parallel
  { sink = omp_get_thread_num(); }
}

} // namespace native
