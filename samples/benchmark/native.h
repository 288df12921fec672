// The native baselines of the benchmark: the same algorithms as the CUDA
// kernels of benchmark.cu, written in plain C++ with OpenMP. native.cpp is
// compiled by the host compiler alone (g++ -O3 -march=native -fopenmp, passed
// through nvcc), never by nvcc's device front end, so it is exactly what a
// C++ programmer would write for the CPU.
#pragma once

namespace native {

// Sets the OpenMP thread count (the same as cuport's worker pool).
void setThreads(int threads);
int threads();

void vectorAdd(const float *a, const float *b, float *c, int n);
void saxpy(float a, const float *x, float *y, int n);
// C = A * B for n x n row-major matrices, cache-blocked; per element the
// products are added in ascending k, as in the CUDA tiled kernel.
void matmul(const float *a, const float *b, float *c, int n);
// Sum of n ints (the benchmark keeps the sum inside int's range).
int reduce(const int *in, int n);
// out = in^T for an n x n row-major matrix, in 32 x 32 tiles.
void transpose(const float *in, float *out, int n);
// An empty parallel region: the fork/join cost of an OpenMP launch.
void emptyParallel();

} // namespace native
