// rdcTwoUnits, second translation unit: a __device__ function and a
// __device__ variable that main.cu uses through `extern` declarations. With
// -rdc=true each unit has its own PTX; cuport links them into one module.
#include <cuda_runtime.h>

// The polynomial main.cu evaluates, read by the kernels of the other unit.
__device__ float coefficients[4] = {0.5f, -1.25f, 2.0f, 0.75f};

// Internal to this unit: main.cu has a function of the same name, with
// different behaviour; each unit must call its own.
static __device__ __noinline__ float localTwist(float x) { return x * 2.0f; }

// Horner's rule over `coefficients`, then this unit's twist.
__device__ __noinline__ float evaluatePolynomial(float x) {
  float result = 0.0f;
  for (int i = 3; i >= 0; --i)
    result = result * x + coefficients[i];
  return localTwist(result);
}
