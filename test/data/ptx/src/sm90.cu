// Hopper-era instructions through inline asm and cooperative idioms (compile with -arch=sm_90).
#include <cstdint>

__global__ void bulkCopy(const int4 *src, int4 *dst) {
  __shared__ alignas(16) int4 tile[64];
  __shared__ alignas(8) unsigned long long bar;
  unsigned smemTile = (unsigned)__cvta_generic_to_shared(tile);
  unsigned smemBar = (unsigned)__cvta_generic_to_shared(&bar);
  if (threadIdx.x == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(smemBar), "r"(1));
    asm volatile("fence.proxy.async.shared::cta;");
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" :: "r"(smemBar), "r"(1024));
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                 :: "r"(smemTile), "l"(src), "r"(1024), "r"(smemBar) : "memory");
  }
  __syncthreads();
  unsigned ready = 0;
  while (!ready) {
    asm volatile("{\n\t.reg .pred p;\n\tmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n\t"
                 "selp.u32 %0, 1, 0, p;\n\t}" : "=r"(ready) : "r"(smemBar), "r"(0));
  }
  int v;
  asm volatile("ld.global.L1::no_allocate.b32 %0, [%1];" : "=r"(v) : "l"(src + threadIdx.x));
  uint64_t policy;
  asm volatile("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;" : "=l"(policy));
  int w;
  asm volatile("ld.global.L2::cache_hint.b32 %0, [%1], %2;" : "=r"(w) : "l"(src), "l"(policy));
  dst[threadIdx.x] = tile[threadIdx.x];
  dst[threadIdx.x].x += v + w;
}

__global__ void tensorCore(const unsigned *a, const unsigned *b, float *c) {
  float d0, d1, d2, d3;
  unsigned a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], b0 = b[0], b1 = b[1];
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
               : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3)
               : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1),
                 "f"(0.f), "f"(0.f), "f"(0.f), "f"(0.f));
  c[threadIdx.x * 4 + 0] = d0; c[threadIdx.x * 4 + 1] = d1;
  c[threadIdx.x * 4 + 2] = d2; c[threadIdx.x * 4 + 3] = d3;
  unsigned sum = __reduce_add_sync(0xffffffffu, a0);
  c[0] += sum;
}
