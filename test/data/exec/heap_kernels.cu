// Device malloc/free kernels for test/unit/exec/HeapExecTest.cpp: the
// device heap (cudaLimitMallocHeapSize) as CUDA programs use it.
#include <cstddef>

__device__ unsigned globalId() { return blockIdx.x * blockDim.x + threadIdx.x; }

// Each thread allocates n ints, fills them, sums them and frees them;
// sums[id] is -1 when malloc returned NULL.
extern "C" __global__ void allocUseFree(int *sums, int n) {
  unsigned id = globalId();
  int *p = static_cast<int *>(malloc(n * sizeof(int)));
  if (!p) {
    sums[id] = -1;
    return;
  }
  for (int i = 0; i < n; ++i)
    p[i] = int(id) + i;
  int sum = 0;
  for (int i = 0; i < n; ++i)
    sum += p[i];
  sums[id] = sum;
  free(p);
}

// Each thread allocates n ints, fills them with id * 1000 + i and keeps
// them: the pointer goes to slots[id].
extern "C" __global__ void allocKeep(int **slots, int n) {
  unsigned id = globalId();
  int *p = static_cast<int *>(malloc(n * sizeof(int)));
  if (p)
    for (int i = 0; i < n; ++i)
      p[i] = int(id) * 1000 + i;
  slots[id] = p;
}

// Checks what allocKeep wrote (in an earlier launch) and frees it.
extern "C" __global__ void checkAndFree(int **slots, int n, int *ok) {
  unsigned id = globalId();
  int *p = slots[id];
  int good = p != nullptr;
  if (p) {
    for (int i = 0; i < n; ++i)
      good &= p[i] == int(id) * 1000 + i;
    free(p);
  }
  ok[id] = good;
}

// Each thread asks for `bytes` and writes all of them; NULLs are counted.
extern "C" __global__ void allocCount(char **slots, size_t bytes, unsigned *nulls) {
  unsigned id = globalId();
  char *p = static_cast<char *>(malloc(bytes));
  slots[id] = p;
  if (!p) {
    atomicAdd(nulls, 1u);
    return;
  }
  for (size_t i = 0; i < bytes; ++i)
    p[i] = char(id);
}

// Frees every slot (NULL ones included: free(NULL) does nothing).
extern "C" __global__ void freeAll(char **slots) { free(slots[globalId()]); }

// Odd sizes from malloc and __nv_aligned_device_malloc with `align`: the
// addresses go to addresses[2 id] and [2 id + 1]; both are written through
// and freed.
extern "C" __global__ void alignments(unsigned long long *addresses, size_t align) {
  unsigned id = globalId();
  char *a = static_cast<char *>(malloc(1 + id));
  char *b = static_cast<char *>(__nv_aligned_device_malloc(24 + id, align));
  addresses[2 * id] = reinterpret_cast<unsigned long long>(a);
  addresses[2 * id + 1] = reinterpret_cast<unsigned long long>(b);
  if (a)
    for (unsigned i = 0; i < 1 + id; ++i)
      a[i] = 1;
  if (b)
    for (unsigned i = 0; i < 24 + id; ++i)
      b[i] = 2;
  free(a);
  free(b);
}
