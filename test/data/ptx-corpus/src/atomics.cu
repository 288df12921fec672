// PTX corpus: atomics on global and shared memory, scoped (_block,
// _system) and ordered (cuda::atomic_ref) forms, reductions, and the
// acquire/release loads and stores of libcu++.
#include <cuda_runtime.h>
#include <cuda/atomic>

__global__ void histogram(const unsigned char *in, unsigned *bins, int n) {
  __shared__ unsigned local[256];
  for (int i = threadIdx.x; i < 256; i += blockDim.x)
    local[i] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    atomicAdd(&local[in[i]], 1u);
  __syncthreads();
  for (int i = threadIdx.x; i < 256; i += blockDim.x)
    atomicAdd(&bins[i], local[i]);
}

__global__ void everyAtomic(int *i, unsigned *u, unsigned long long *ull, float *f,
                            double *d, long long *ll) {
  int t = threadIdx.x;
  atomicAdd(&i[0], t);
  atomicSub(&i[1], t);
  atomicExch(&i[2], t);
  atomicMin(&i[3], t);
  atomicMax(&i[4], t);
  atomicMin(&u[0], (unsigned)t);
  atomicMax(&u[1], (unsigned)t);
  atomicInc(&u[2], 100u);
  atomicDec(&u[3], 100u);
  atomicCAS(&i[5], t, t + 1);
  atomicAnd(&i[6], t);
  atomicOr(&i[7], t);
  atomicXor(&i[8], t);
  atomicAdd(&ull[0], 1ull);
  atomicCAS(&ull[1], 0ull, (unsigned long long)t);
  atomicExch(&ull[2], (unsigned long long)t);
  atomicMin(&ll[0], (long long)t);
  atomicMax(&ull[3], (unsigned long long)t);
  atomicAdd(&f[0], 1.5f);
  atomicExch(&f[1], 2.5f);
  atomicAdd(&d[0], 0.5);
  u[10] = atomicAdd(&u[11], 3u);
}

__global__ void scopedAtomics(int *i, unsigned *u, double *d, unsigned long long *ull) {
  int t = threadIdx.x;
  atomicAdd_system(&i[0], t);
  atomicAdd_system(&u[0], 1u);
  atomicAdd_system(&d[0], 1.0);
  atomicAnd_system(&i[1], t);
  atomicOr_system(&i[2], t);
  atomicXor_system(&i[3], t);
  atomicCAS_system(&i[4], t, 0);
  atomicExch_system(&i[5], t);
  atomicInc_system(&u[1], 10u);
  atomicDec_system(&u[2], 10u);
  atomicMax_system(&i[6], t);
  atomicMin_system(&i[7], t);
  atomicAdd_block(&i[8], t);
  atomicAdd_block(&ull[0], 1ull);
}

__global__ void sharedAtomics(float *out, double *dout) {
  __shared__ double sd[4];
  __shared__ float sf[4];
  __shared__ unsigned su[4];
  __shared__ int si[4];
  if (threadIdx.x < 4) {
    sd[threadIdx.x] = 0;
    sf[threadIdx.x] = 0;
    su[threadIdx.x] = 0;
    si[threadIdx.x] = 0;
  }
  __syncthreads();
  atomicAdd(&sd[threadIdx.x & 3], 1.0);
  atomicAdd(&sf[threadIdx.x & 3], 1.0f);
  atomicExch(&su[threadIdx.x & 3], threadIdx.x);
  atomicCAS(&si[threadIdx.x & 3], 0, 1);
  atomicMax(&si[(threadIdx.x + 1) & 3], (int)threadIdx.x);
  __syncthreads();
  out[threadIdx.x] = sf[threadIdx.x & 3] + su[0] + si[1];
  dout[threadIdx.x] = sd[threadIdx.x & 3];
}

__global__ void orderedAtomics(unsigned *u, unsigned long long *ull, int *flag, unsigned char *byte) {
  cuda::atomic_ref<unsigned, cuda::thread_scope_device> counter(u[0]);
  counter.fetch_add(1, cuda::std::memory_order_release);
  counter.fetch_add(1, cuda::std::memory_order_relaxed);
  unsigned seen = counter.load(cuda::std::memory_order_acquire);
  unsigned relaxed = counter.load(cuda::std::memory_order_relaxed);
  counter.store(seen + relaxed, cuda::std::memory_order_release);
  cuda::atomic_ref<unsigned, cuda::thread_scope_block> block(u[1]);
  block.fetch_add(1, cuda::std::memory_order_acquire);
  block.fetch_add(1, cuda::std::memory_order_relaxed);
  block.fetch_or(4, cuda::std::memory_order_acq_rel);
  block.fetch_and(~4u, cuda::std::memory_order_release);
  block.store(3, cuda::std::memory_order_relaxed);
  u[3] = block.load(cuda::std::memory_order_acquire) + block.load(cuda::std::memory_order_relaxed);
  cuda::atomic_ref<unsigned long long, cuda::thread_scope_block> wide(ull[0]);
  wide.fetch_add(1, cuda::std::memory_order_acq_rel);
  wide.fetch_add(1, cuda::std::memory_order_relaxed);
  ull[1] = wide.load(cuda::std::memory_order_acquire);
  cuda::atomic_ref<int, cuda::thread_scope_block> f(*flag);
  f.fetch_or(1, cuda::std::memory_order_acq_rel);
  f.store(2, cuda::std::memory_order_seq_cst);
  cuda::atomic_ref<unsigned, cuda::thread_scope_system> sys(u[2]);
  sys.fetch_add(1, cuda::std::memory_order_seq_cst);
  cuda::atomic_ref<unsigned char, cuda::thread_scope_system> b(*byte);
  b.store(1, cuda::std::memory_order_release);
  u[4] = b.load(cuda::std::memory_order_acquire);
  unsigned long long v2[2];
  asm volatile("ld.relaxed.gpu.v2.u32 {%0, %1}, [%2];" : "=r"(u[5]), "=r"(u[6]) : "l"(u + 8));
  asm volatile("ld.relaxed.gpu.v2.u64 {%0, %1}, [%2];" : "=l"(v2[0]), "=l"(v2[1]) : "l"(ull + 2));
  asm volatile("st.relaxed.gpu.v2.u32 [%0], {%1, %2};" ::"l"(u + 10), "r"(1u), "r"(2u));
  asm volatile("st.relaxed.gpu.v2.u64 [%0], {%1, %2};" ::"l"(ull + 4), "l"(v2[0]), "l"(v2[1]));
  asm volatile("red.and.release.cta.b32 [%0], %1;" ::"l"(u + 12), "r"(0xf0u));
  asm volatile("ld.acquire.cta.b64 %0, [%1];" : "=l"(v2[0]) : "l"(ull + 6));
  asm volatile("ld.relaxed.cta.b32 %0, [%1];" : "=r"(u[13]) : "l"(u + 14));
  asm volatile("st.relaxed.cta.b32 [%0], %1;" ::"l"(u + 15), "r"(5u));
  asm volatile("fence.sc.cta;");
  ull[8] = v2[0];
}
