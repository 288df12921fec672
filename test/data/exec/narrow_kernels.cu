// Kernels for the narrow-form execution tests (test/unit/exec/NarrowExecTest.cpp):
// the instruction forms of ../ptx-opcodes.txt no other execution test pinned:
// sign/zero extensions between 8, 16, 32 and 64 bits, 16-bit select and
// comparisons, 64-bit signed comparisons, and the vector shared-memory
// accesses (v4.f32, v2.u64, v2.u16, v2.u32). Every thread takes its operands
// from memory (so nvcc cannot fold anything) and writes one result per form;
// inline PTX pins the exact form.
// Regenerate: see README.md in this directory.
#include <cstdint>

// Extensions and truncations: out[form * n + i].
extern "C" __global__ void extend(const uint32_t *words, const uint64_t *wides,
                                  uint64_t *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  int32_t s;
  uint16_t h;
  uint64_t l;
  asm("cvt.s32.s8 %0, %1;" : "=r"(s) : "r"(words[i]));
  out[0 * n + i] = uint64_t(uint32_t(s));
  asm("cvt.u16.u64 %0, %1;" : "=h"(h) : "l"(wides[i]));
  out[1 * n + i] = h;
  // The 16-bit register of cvt.u64.u16 comes from the low half of the word.
  asm("{\n\t.reg .b16 lo, hi;\n\tmov.b32 {lo, hi}, %1;\n\tcvt.u64.u16 %0, lo;\n\t}"
      : "=l"(l) : "r"(words[i]));
  out[2 * n + i] = l;
}

// 16-bit select and comparisons, 64-bit signed comparisons:
// flags[form * n + i] (0 or 1), picked[i] the selp.b16 result.
extern "C" __global__ void compare(const uint16_t *as, const uint16_t *bs,
                                   const int64_t *xs, const int64_t *ys,
                                   uint32_t *flags, uint16_t *picked, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  uint16_t a = as[i], b = bs[i];
  int64_t x = xs[i], y = ys[i];
  uint32_t f;
  asm("{\n\t.reg .pred p;\n\tsetp.le.u16 p, %1, %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(f) : "h"(a), "h"(b));
  flags[0 * n + i] = f;
  asm("{\n\t.reg .pred p;\n\tsetp.eq.b16 p, %1, %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(f) : "h"(a), "h"(b));
  flags[1 * n + i] = f;
  asm("{\n\t.reg .pred p;\n\tsetp.le.s64 p, %1, %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(f) : "l"(x), "l"(y));
  flags[2 * n + i] = f;
  asm("{\n\t.reg .pred p;\n\tsetp.ge.s64 p, %1, %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(f) : "l"(x), "l"(y));
  flags[3 * n + i] = f;
  // selp.b16: a where the 64-bit pair compares less, b elsewhere.
  uint16_t s;
  asm("{\n\t.reg .pred p;\n\tsetp.lt.s64 p, %3, %4;\n\tselp.b16 %0, %1, %2, p;\n\t}"
      : "=h"(s) : "h"(a), "h"(b), "l"(x), "l"(y));
  picked[i] = s;
}

// Vector accesses of shared memory: one block of `blockDim.x` threads; each
// thread stores its element with the vector form, the block synchronizes,
// and each thread reads back the element of thread blockDim.x - 1 - tid with
// the vector form, so lanes and neighbours must land where they belong.
extern "C" __global__ void sharedVectors(const float4 *f4, const ulonglong2 *l2,
                                         const uint32_t *w2, const uint32_t *h2,
                                         float4 *of4, ulonglong2 *ol2, uint32_t *ow2,
                                         uint32_t *oh2) {
  __shared__ float4 sf4[64];
  __shared__ ulonglong2 sl2[64];
  __shared__ uint2 sw2[64];
  __shared__ ushort2 sh2[64];
  unsigned t = threadIdx.x, r = blockDim.x - 1 - t;
  sf4[t] = f4[t];
  sl2[t] = l2[t];
  uint32_t wa = w2[2 * t], wb = w2[2 * t + 1];
  asm volatile("st.shared.v2.u32 [%0], {%1, %2};" ::"r"(
                   unsigned(__cvta_generic_to_shared(&sw2[t]))),
               "r"(wa), "r"(wb) : "memory");
  uint16_t ha = uint16_t(h2[2 * t]), hb = uint16_t(h2[2 * t + 1]);
  asm volatile("st.shared.v2.u16 [%0], {%1, %2};" ::"r"(
                   unsigned(__cvta_generic_to_shared(&sh2[t]))),
               "h"(ha), "h"(hb) : "memory");
  __syncthreads();
  float a, b, c, d;
  asm volatile("ld.shared.v4.f32 {%0, %1, %2, %3}, [%4];"
               : "=f"(a), "=f"(b), "=f"(c), "=f"(d)
               : "r"(unsigned(__cvta_generic_to_shared(&sf4[r]))) : "memory");
  of4[t] = make_float4(a, b, c, d);
  unsigned long long x, y;
  asm volatile("ld.shared.v2.u64 {%0, %1}, [%2];"
               : "=l"(x), "=l"(y)
               : "r"(unsigned(__cvta_generic_to_shared(&sl2[r]))) : "memory");
  ol2[t] = make_ulonglong2(x, y);
  ow2[2 * t] = sw2[r].x;
  ow2[2 * t + 1] = sw2[r].y;
  uint16_t u, v;
  asm volatile("ld.shared.v2.u16 {%0, %1}, [%2];"
               : "=h"(u), "=h"(v)
               : "r"(unsigned(__cvta_generic_to_shared(&sh2[r]))) : "memory");
  oh2[2 * t] = u;
  oh2[2 * t + 1] = v;
}
