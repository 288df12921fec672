// Kernels for the atomics execution tests (test/unit/exec/AtomicsExecTest.cpp):
// every atom/red form of ../shared/ptx-opcodes.txt outside shared memory,
// under contention from many blocks and threads, so the final values are
// exact only if every update is atomic; the wrap rules of inc/dec, the
// flush-to-zero of add.f32, the half-precision adds, and the special
// registers. Inline PTX pins each form.
// Regenerate: see README.md in this directory.
#include <cuda_runtime.h>
#include <stdint.h>

typedef unsigned long long u64;

#define A32(form, p, v)                                                        \
  do {                                                                         \
    unsigned _o;                                                               \
    asm volatile(form " %0, [%1], %2;" : "=r"(_o) : "l"(p), "r"(v) : "memory"); \
  } while (0)
#define A64(form, p, v)                                                        \
  do {                                                                         \
    u64 _o;                                                                    \
    asm volatile(form " %0, [%1], %2;" : "=l"(_o) : "l"(p), "l"(v) : "memory"); \
  } while (0)

// u: 32 unsigned counters, l: 8 u64 counters, d: 4 doubles, f: 2 floats.
extern "C" __global__ void contention(unsigned *u, u64 *l, double *d, float *f) {
  unsigned gid = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned lane = threadIdx.x & 31;
  int value = int((gid * 37u) % 1000u) - 500;
  A32("atom.global.add.u32", u + 0, 1u);
  A32("atom.add.release.gpu.u32", u + 1, 1u);
  A32("atom.global.inc.u32", u + 2, 1000u);
  A32("atom.or.acq_rel.cta.b32", u + 3, 1u << lane);
  A32("atom.add.u32", u + 4, 2u);
  A32("atom.global.max.s32", u + 5, value);
  A32("atom.global.dec.u32", u + 6, 1000u);
  A32("atom.global.max.u32", u + 7, gid * 3u);
  A32("atom.global.min.s32", u + 8, value);
  A32("atom.global.sys.add.u32", u + 9, 3u);
  A32("atom.global.sys.and.b32", u + 10, ~(1u << lane));
  A32("atom.global.sys.dec.u32", u + 11, 100u);
  A32("atom.global.sys.inc.u32", u + 12, 100u);
  A32("atom.global.sys.max.s32", u + 13, -value);
  A32("atom.global.sys.min.s32", u + 14, -value);
  A32("atom.global.sys.or.b32", u + 15, 1u << (31 - lane));
  A32("atom.global.sys.xor.b32", u + 16, gid * 0x9E3779B1u);
  A32("atom.add.acquire.cta.u32", u + 17, 5u);
  A32("atom.add.relaxed.cta.u32", u + 18, 7u);
  A32("atom.global.and.b32", u + 19, ~(1u << ((lane + 3) & 31)));
  A32("atom.global.or.b32", u + 20, 1u << ((lane + 5) & 31));
  A32("atom.global.xor.b32", u + 21, gid);
  A32("atom.max.s32", u + 22, value * 3);
  asm volatile("red.and.release.cta.b32 [%0], %1;" ::"l"(u + 23), "r"(~(1u << lane))
               : "memory");
  // exch: the values handed out plus the last one left are every gid once.
  unsigned old;
  asm volatile("atom.global.exch.b32 %0, [%1], %2;" : "=r"(old) : "l"(u + 24), "r"(gid + 1)
               : "memory");
  A64("atom.global.add.u64", l + 0, u64(old));
  asm volatile("atom.global.sys.exch.b32 %0, [%1], %2;" : "=r"(old) : "l"(u + 25), "r"(gid + 1)
               : "memory");
  A64("atom.global.add.u64", l + 1, u64(old));
  asm volatile("atom.exch.b32 %0, [%1], %2;" : "=r"(old) : "l"(u + 26), "r"(gid + 1)
               : "memory");
  A64("atom.global.add.u64", l + 2, u64(old));
  // cas: a counter built from compare-and-swap retries.
  unsigned seen = u[27], expected;
  do {
    expected = seen;
    asm volatile("atom.global.cas.b32 %0, [%1], %2, %3;"
                 : "=r"(seen) : "l"(u + 27), "r"(expected), "r"(expected + 1) : "memory");
  } while (seen != expected);
  seen = u[28];
  do {
    expected = seen;
    asm volatile("atom.global.sys.cas.b32 %0, [%1], %2, %3;"
                 : "=r"(seen) : "l"(u + 28), "r"(expected), "r"(expected + 2) : "memory");
  } while (seen != expected);
  A64("atom.global.add.u64", l + 3, 0x100000001ull);
  A64("atom.add.acq_rel.cta.u64", l + 4, 3ull);
  A64("atom.add.relaxed.cta.u64", l + 5, u64(gid));
  double one = 1.0, half = 0.5, quarter = 0.25;
  double dold;
  asm volatile("atom.global.add.f64 %0, [%1], %2;" : "=d"(dold) : "l"(d + 0), "d"(one) : "memory");
  asm volatile("atom.global.sys.add.f64 %0, [%1], %2;" : "=d"(dold) : "l"(d + 1), "d"(half) : "memory");
  asm volatile("atom.add.f64 %0, [%1], %2;" : "=d"(dold) : "l"(d + 2), "d"(quarter) : "memory");
  float fold;
  asm volatile("atom.global.add.f32 %0, [%1], %2;" : "=f"(fold) : "l"(f + 0), "f"(1.0f) : "memory");
  asm volatile("red.global.add.f32 [%0], %1;" ::"l"(f + 1), "f"(2.0f) : "memory");
}

// Half-precision adds under contention: every thread adds 1.0 to an f16,
// to both halves of an f16x2 (1.0 and 2.0), to a bf16 and to a bf16x2.
extern "C" __global__ void halfAdds(unsigned short *h, unsigned *h2) {
  unsigned short o16;
  unsigned o32;
  asm volatile("atom.global.add.noftz.f16 %0, [%1], %2;"
               : "=h"(o16) : "l"(h + 0), "h"((unsigned short)0x3C00) : "memory");
  asm volatile("atom.global.add.noftz.bf16 %0, [%1], %2;"
               : "=h"(o16) : "l"(h + 1), "h"((unsigned short)0x3F80) : "memory");
  asm volatile("atom.global.add.noftz.f16x2 %0, [%1], %2;"
               : "=r"(o32) : "l"(h2 + 0), "r"(0x40003C00u) : "memory");
  asm volatile("atom.add.noftz.bf16x2 %0, [%1], %2;"
               : "=r"(o32) : "l"(h2 + 1), "r"(0x40003F80u) : "memory");
}

// One thread, exact edge cases: in[] are inputs, out[] old values.
extern "C" __global__ void edges(unsigned *u, float *f, unsigned short *h, unsigned *out) {
  unsigned o;
  // inc: old >= b gives 0; dec: old == 0 or old > b gives b.
  asm volatile("atom.global.inc.u32 %0, [%1], %2;" : "=r"(out[0]) : "l"(u + 0), "r"(5u) : "memory");
  asm volatile("atom.global.inc.u32 %0, [%1], %2;" : "=r"(out[1]) : "l"(u + 1), "r"(5u) : "memory");
  asm volatile("atom.global.dec.u32 %0, [%1], %2;" : "=r"(out[2]) : "l"(u + 2), "r"(5u) : "memory");
  asm volatile("atom.global.dec.u32 %0, [%1], %2;" : "=r"(out[3]) : "l"(u + 3), "r"(5u) : "memory");
  asm volatile("atom.global.dec.u32 %0, [%1], %2;" : "=r"(out[4]) : "l"(u + 4), "r"(5u) : "memory");
  // cas that fails leaves memory alone and still returns the old value.
  asm volatile("atom.global.cas.b32 %0, [%1], %2, %3;"
               : "=r"(out[5]) : "l"(u + 5), "r"(1u), "r"(2u) : "memory");
  // min/max: signed for .s32, unsigned for .u32.
  asm volatile("atom.global.max.s32 %0, [%1], %2;" : "=r"(o) : "l"(u + 6), "r"(1u) : "memory");
  asm volatile("atom.global.max.u32 %0, [%1], %2;" : "=r"(o) : "l"(u + 7), "r"(1u) : "memory");
  asm volatile("atom.global.min.s32 %0, [%1], %2;" : "=r"(o) : "l"(u + 8), "r"(1u) : "memory");
  // add.f32 flushes subnormal inputs and results to zero of the same sign.
  float fo;
  asm volatile("atom.global.add.f32 %0, [%1], %2;" : "=f"(fo) : "l"(f + 0), "f"(0.0f) : "memory");
  out[6] = __float_as_uint(fo);
  asm volatile("atom.global.add.f32 %0, [%1], %2;" : "=f"(fo) : "l"(f + 1), "f"(f[3]) : "memory");
  asm volatile("atom.global.add.f32 %0, [%1], %2;" : "=f"(fo) : "l"(f + 2), "f"(f[4]) : "memory");
  // bf16 rounds to nearest even once: 1 + 2^-8 is a tie that stays 1.
  unsigned short ho;
  asm volatile("atom.global.add.noftz.bf16 %0, [%1], %2;"
               : "=h"(ho) : "l"(h + 0), "h"((unsigned short)0x3B80) : "memory");
  // f16 keeps subnormals (.noftz): 2^-24 + 2^-24.
  asm volatile("atom.global.add.noftz.f16 %0, [%1], %2;"
               : "=h"(ho) : "l"(h + 1), "h"((unsigned short)0x0001) : "memory");
}

// Special registers, one value per thread: out[8 * t + k].
extern "C" __global__ void specialRegisters(unsigned *out, u64 *times) {
  unsigned t = threadIdx.x, *o = out + 8 * (blockIdx.x * blockDim.x + t);
  asm volatile("mov.u32 %0, %%lanemask_eq;" : "=r"(o[0]));
  asm volatile("mov.u32 %0, %%lanemask_le;" : "=r"(o[1]));
  asm volatile("mov.u32 %0, %%lanemask_lt;" : "=r"(o[2]));
  asm volatile("mov.u32 %0, %%lanemask_ge;" : "=r"(o[3]));
  asm volatile("mov.u32 %0, %%lanemask_gt;" : "=r"(o[4]));
  unsigned smid, nsmid, warpid, nwarpid;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
  asm volatile("mov.u32 %0, %%nsmid;" : "=r"(nsmid));
  asm volatile("mov.u32 %0, %%warpid;" : "=r"(warpid));
  asm volatile("mov.u32 %0, %%nwarpid;" : "=r"(nwarpid));
  o[5] = (smid < nsmid) | ((warpid < nwarpid) << 1);
  unsigned env, total, dynamic;
  asm volatile("mov.u32 %0, %%envreg3;" : "=r"(env));
  asm volatile("mov.u32 %0, %%total_smem_size;" : "=r"(total));
  asm volatile("mov.u32 %0, %%dynamic_smem_size;" : "=r"(dynamic));
  o[6] = env;
  o[7] = total - dynamic;
  if (blockIdx.x == 0 && t == 0) {
    u64 c0, c1, g0, g1, grid;
    unsigned c32, lo, hi;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(c0));
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(g0));
    asm volatile("nanosleep.u32 %0;" ::"r"(200000u));
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(g1));
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(c1));
    asm volatile("mov.u32 %0, %%clock;" : "=r"(c32));
    asm volatile("mov.u32 %0, %%globaltimer_lo;" : "=r"(lo));
    asm volatile("mov.u32 %0, %%globaltimer_hi;" : "=r"(hi));
    asm volatile("mov.u64 %0, %%gridid;" : "=l"(grid));
    times[0] = c0; times[1] = c1; times[2] = g0; times[3] = g1;
    times[4] = c32; times[5] = (u64(hi) << 32) | lo; times[6] = grid;
  }
}

// Long contention: every thread repeats the updates `iterations` times, so
// that blocks on different workers overlap for long.
extern "C" __global__ void hammer(unsigned *u, u64 *l, double *d, float *f, int iterations) {
  for (int i = 0; i < iterations; ++i) {
    A32("atom.global.add.u32", u + 0, 1u);
    A32("atom.global.inc.u32", u + 1, 0xFFFFFFFFu);
    A64("atom.add.relaxed.cta.u64", l + 0, 3ull);
    double dold;
    asm volatile("atom.global.add.f64 %0, [%1], %2;" : "=d"(dold) : "l"(d), "d"(1.0) : "memory");
    float fold;
    asm volatile("atom.global.add.f32 %0, [%1], %2;" : "=f"(fold) : "l"(f), "f"(1.0f) : "memory");
    unsigned seen = u[2], expected;
    do {
      expected = seen;
      asm volatile("atom.global.cas.b32 %0, [%1], %2, %3;"
                   : "=r"(seen) : "l"(u + 2), "r"(expected), "r"(expected + 1) : "memory");
    } while (seen != expected);
  }
}
