// Kernels for the memory execution tests (test/unit/exec/MemoryExecTest.cpp):
// every ld/st form of ../shared/ptx-opcodes.txt outside shared memory, on
// global, generic, local, const and param addresses, with vectors,
// orderings, scopes, .volatile, .nc and cache hints; cvta to and from each
// state space; prefetch; fences; special registers. Inline PTX pins each
// form. Inputs arrive through memory so nvcc cannot fold them.
// Regenerate: see README.md in this directory.
#include <cuda_runtime.h>
#include <stdint.h>

typedef unsigned long long u64;

__constant__ unsigned constWords[4] = {0xC0FFEE01u, 0xC0FFEE02u, 0xC0FFEE03u, 0xC0FFEE04u};
__constant__ float constFloats[2] = {1.5f, -2.25f};

#define LD(form, c, out, p) asm volatile(form " %0, [%1];" : "=" c(out) : "l"(p))
#define ST(form, c, p, v) asm volatile(form " [%0], %1;" ::"l"(p), c(v) : "memory")

// Scalar and vector loads of global and generic memory. `in` holds bytes
// 0x80, 0x81, ...; results go to `out`, one 64-bit slot per form.
extern "C" __global__ void loads(const unsigned char *in, u64 *out) {
  const unsigned char *g = in; // a generic address of global memory
  unsigned r, a, b, c, d;
  u64 l, l2;
  float f, f2, f3, f4;
  double x, y;
  size_t global;
  asm("cvta.to.global.u64 %0, %1;" : "=l"(global) : "l"(g));
  const char *gp = (const char *)global; // a .global address
  int k = 0;
  LD("ld.global.u32", "r", r, gp); out[k++] = r;
  LD("ld.global.f32", "f", f, gp + 4); out[k++] = __float_as_uint(f);
  LD("ld.global.u64", "l", l, gp + 8); out[k++] = l;
  LD("ld.global.nc.u64", "l", l, gp + 16); out[k++] = l;
  LD("ld.global.f64", "d", x, gp + 24); out[k++] = __double_as_longlong(x);
  LD("ld.global.nc.u32", "r", r, gp + 4); out[k++] = r;
  LD("ld.global.nc.f32", "f", f, gp + 8); out[k++] = __float_as_uint(f);
  LD("ld.global.nc.f64", "d", x, gp + 16); out[k++] = __double_as_longlong(x);
  LD("ld.global.u8", "r", r, gp + 3); out[k++] = r;          // zero-extends
  LD("ld.global.s8", "r", r, gp + 3); out[k++] = r;          // sign-extends
  LD("ld.global.u16", "r", r, gp + 6); out[k++] = r;
  LD("ld.volatile.global.u32", "r", r, gp + 12); out[k++] = r;
  LD("ld.acquire.sys.global.u8", "r", r, gp + 5); out[k++] = r;
  asm volatile("ld.global.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"(gp + 16));
  out[k++] = a; out[k++] = b; out[k++] = c; out[k++] = d;
  asm volatile("ld.global.nc.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"(gp + 32));
  out[k++] = a; out[k++] = b; out[k++] = c; out[k++] = d;
  asm volatile("ld.global.nc.v2.u64 {%0, %1}, [%2];" : "=l"(l), "=l"(l2) : "l"(gp + 16));
  out[k++] = l; out[k++] = l2;
  asm volatile("ld.global.v2.f32 {%0, %1}, [%2];" : "=f"(f), "=f"(f2) : "l"(gp + 8));
  out[k++] = __float_as_uint(f); out[k++] = __float_as_uint(f2);
  asm volatile("ld.global.v2.u32 {%0, %1}, [%2];" : "=r"(a), "=r"(b) : "l"(gp + 24));
  out[k++] = a; out[k++] = b;
  asm volatile("ld.global.nc.v2.f32 {%0, %1}, [%2];" : "=f"(f), "=f"(f2) : "l"(gp + 40));
  out[k++] = __float_as_uint(f); out[k++] = __float_as_uint(f2);
  asm volatile("ld.global.nc.v2.f64 {%0, %1}, [%2];" : "=d"(x), "=d"(y) : "l"(gp + 48));
  out[k++] = __double_as_longlong(x); out[k++] = __double_as_longlong(y);
  asm volatile("ld.global.v4.f32 {%0, %1, %2, %3}, [%4];"
               : "=f"(f), "=f"(f2), "=f"(f3), "=f"(f4) : "l"(gp + 48));
  out[k++] = __float_as_uint(f); out[k++] = __float_as_uint(f2);
  out[k++] = __float_as_uint(f3); out[k++] = __float_as_uint(f4);
  // Generic addresses.
  LD("ld.u32", "r", r, g + 4); out[k++] = r;
  LD("ld.f32", "f", f, g + 12); out[k++] = __float_as_uint(f);
  LD("ld.u64", "l", l, g + 40); out[k++] = l;
  LD("ld.u16", "r", r, g + 10); out[k++] = r;
  LD("ld.f64", "d", x, g + 32); out[k++] = __double_as_longlong(x);
  LD("ld.ca.u32", "r", r, g + 20); out[k++] = r;
  LD("ld.cg.u32", "r", r, g + 24); out[k++] = r;
  LD("ld.volatile.u32", "r", r, g + 28); out[k++] = r;
  LD("ld.acquire.gpu.u32", "r", r, g + 36); out[k++] = r;
  LD("ld.relaxed.gpu.u32", "r", r, g + 44); out[k++] = r;
  LD("ld.acquire.cta.u32", "r", r, g + 52); out[k++] = r;
  LD("ld.acquire.cta.b64", "l", l, g + 56); out[k++] = l;
  LD("ld.relaxed.cta.b32", "r", r, g + 60); out[k++] = r;
  asm volatile("ld.relaxed.gpu.v2.u32 {%0, %1}, [%2];" : "=r"(a), "=r"(b) : "l"(g + 8));
  out[k++] = a; out[k++] = b;
  asm volatile("ld.relaxed.gpu.v2.u64 {%0, %1}, [%2];" : "=l"(l), "=l"(l2) : "l"(g + 32));
  out[k++] = l; out[k++] = l2;
  asm volatile("ld.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"(g));
  out[k++] = a; out[k++] = b; out[k++] = c; out[k++] = d;
  asm volatile("ld.global.L2::64B.u32 %0, [%1];" : "=r"(r) : "l"(gp + 8));
  out[k++] = r;
  asm volatile("prefetch.global.L2 [%0];" ::"l"(gp));
  asm volatile("prefetchu.L1 [%0];" ::"l"(g));
  // Constant memory, by symbol and through cvta.const.
  asm volatile("ld.const.u32 %0, [constWords+8];" : "=r"(r)); out[k++] = r;
  asm volatile("ld.const.f32 %0, [constFloats+4];" : "=f"(f)); out[k++] = __float_as_uint(f);
  size_t constGeneric, constAgain;
  asm volatile("cvta.const.u64 %0, constWords;" : "=l"(constGeneric));
  LD("ld.u32", "r", r, constGeneric + 12); out[k++] = r;
  asm volatile("cvta.to.const.u64 %0, %1;" : "=l"(constAgain) : "l"(constGeneric));
  asm volatile("ld.const.u32 %0, [%1+4];" : "=r"(r) : "l"(constAgain)); out[k++] = r;
  out[k++] = k; // the number of slots written before this one
}

// Stores: one form per slot of `out` (a 256-byte buffer, preset to 0xEE),
// values from `v`.
extern "C" __global__ void stores(unsigned char *out, const u64 *v) {
  char *g = (char *)out;
  size_t global;
  asm("cvta.to.global.u64 %0, %1;" : "=l"(global) : "l"(g));
  char *gp = (char *)global;
  unsigned r = unsigned(v[0]), r2 = unsigned(v[1]), r3 = unsigned(v[2]), r4 = unsigned(v[3]);
  u64 l = v[4], l2 = v[5];
  float f = __uint_as_float(r), f2 = __uint_as_float(r2);
  double x = __longlong_as_double(l);
  unsigned short h = (unsigned short)r3;
  ST("st.global.u32", "r", gp + 0, r);
  ST("st.global.f32", "f", gp + 4, f2);
  ST("st.global.u64", "l", gp + 8, l);
  ST("st.global.f64", "d", gp + 16, x);
  ST("st.global.u8", "r", gp + 24, r3);        // low byte only
  ST("st.global.u16", "h", gp + 26, h);        // low half only
  ST("st.release.sys.global.u8", "r", gp + 28, r4);
  ST("st.volatile.global.u32", "r", gp + 32, r2);
  asm volatile("st.global.v4.u32 [%0], {%1, %2, %3, %4};" ::"l"(gp + 48), "r"(r), "r"(r2),
               "r"(r3), "r"(r4) : "memory");
  asm volatile("st.global.v2.u32 [%0], {%1, %2};" ::"l"(gp + 64), "r"(r4), "r"(r3) : "memory");
  asm volatile("st.global.v2.f32 [%0], {%1, %2};" ::"l"(gp + 72), "f"(f2), "f"(f) : "memory");
  asm volatile("st.global.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(gp + 80), "f"(f), "f"(f2),
               "f"(f), "f"(f2) : "memory");
  asm volatile("st.global.v2.u64 [%0], {%1, %2};" ::"l"(gp + 96), "l"(l2), "l"(l) : "memory");
  ST("st.u64", "l", g + 112, l2);
  ST("st.f32", "f", g + 120, f);
  ST("st.u32", "r", g + 124, r3);
  ST("st.u16", "h", g + 128, h);
  ST("st.f64", "d", g + 136, x);
  ST("st.cg.u32", "r", g + 144, r4);
  ST("st.volatile.u32", "r", g + 148, r);
  ST("st.release.gpu.u32", "r", g + 152, r2);
  ST("st.relaxed.cta.b32", "r", g + 156, r3);
  asm volatile("st.relaxed.gpu.v2.u32 [%0], {%1, %2};" ::"l"(g + 160), "r"(r2), "r"(r) : "memory");
  asm volatile("st.relaxed.gpu.v2.u64 [%0], {%1, %2};" ::"l"(g + 168), "l"(l), "l"(l2) : "memory");
  asm volatile("st.v2.u32 [%0], {%1, %2};" ::"l"(g + 184), "r"(r3), "r"(r4) : "memory");
  asm volatile("st.global.L2::cache_hint.u32 [%0], %1, %2;" ::"l"(gp + 192), "r"(r), "l"(l)
               : "memory");
  asm volatile("fence.sc.cta;");
  asm volatile("membar.cta;");
  asm volatile("membar.gl;");
  asm volatile("membar.sys;");
  asm volatile("fence.acq_rel.gpu;");
  asm volatile("fence.sc.sys;");
}

// Local memory (.local variables and the stack nvcc uses for arrays),
// through .local addresses and through generic ones (cvta.local).
extern "C" __global__ void localMemory(const u64 *v, u64 *out) {
  unsigned r = unsigned(v[0]), r2 = unsigned(v[1]);
  u64 l = v[2], l2 = v[3];
  double x = __longlong_as_double(v[4]);
  u64 o[12];
  unsigned tmp = 0;
  asm volatile("{\n\t.local .align 16 .b8 buf[64];\n\t"
               ".reg .b64 %%gen, %%back;\n\t"
               ".reg .b32 %%t<4>;\n\t"
               ".reg .b64 %%w<4>;\n\t"
               ".reg .f64 %%d;\n\t"
               "st.local.u32 [buf], %12;\n\t"
               "st.local.u64 [buf+8], %14;\n\t"
               "st.local.f64 [buf+16], %16;\n\t"
               "st.local.u8 [buf+24], %13;\n\t"
               "st.local.v2.u32 [buf+32], {%13, %12};\n\t"
               "st.local.v2.u64 [buf+48], {%15, %14};\n\t"
               "ld.local.u32 %%t0, [buf];\n\t"
               "cvt.u64.u32 %0, %%t0;\n\t"
               "ld.local.u64 %1, [buf+8];\n\t"
               "ld.local.f64 %%d, [buf+16];\n\t"
               "mov.b64 %2, %%d;\n\t"
               "ld.local.u32 %%t1, [buf+24];\n\t"
               "cvt.u64.u32 %3, %%t1;\n\t"
               "ld.local.u64 %4, [buf+32];\n\t"
               "ld.local.u64 %5, [buf+48];\n\t"
               "ld.local.u64 %6, [buf+56];\n\t"
               "mov.u64 %%gen, buf;\n\t"
               "cvta.local.u64 %%gen, %%gen;\n\t"
               "ld.u64 %7, [%%gen+8];\n\t"
               "cvta.to.local.u64 %%back, %%gen;\n\t"
               "ld.local.u32 %%t2, [%%back+32];\n\t"
               "cvt.u64.u32 %8, %%t2;\n\t"
               "st.local.v4.u8 [buf+40], {%12, %13, %12, %13};\n\t"
               "ld.local.u32 %%t3, [buf+40];\n\t"
               "cvt.u64.u32 %9, %%t3;\n\t"
               "}"
               : "=l"(o[0]), "=l"(o[1]), "=l"(o[2]), "=l"(o[3]), "=l"(o[4]), "=l"(o[5]),
                 "=l"(o[6]), "=l"(o[7]), "=l"(o[8]), "=l"(o[9]), "=l"(o[10]), "=r"(tmp)
               : "r"(r), "r"(r2), "l"(l), "l"(l2), "d"(x));
  for (int k = 0; k < 10; ++k)
    out[k] = o[k];
}

// isspacep and cvta round trips: a global buffer, a local variable, a
// __constant__ variable. out[k] is 1 or 0.
extern "C" __global__ void addressSpaces(const unsigned *global, unsigned *out) {
  volatile unsigned local[4] = {1, 2, 3, 4};
  const void *l = (const void *)local;
  const void *c = (const void *)constWords;
  unsigned p[12];
#define SPACEP(space, i, a)                                                    \
  asm volatile("{ .reg .pred q; isspacep." space " q, %1; selp.u32 %0, 1, 0, q; }" \
               : "=r"(p[i]) : "l"(a))
  SPACEP("global", 0, global);
  SPACEP("local", 1, global);
  SPACEP("shared", 2, global);
  SPACEP("const", 3, global);
  SPACEP("global", 4, l);
  SPACEP("local", 5, l);
  SPACEP("shared", 6, l);
  SPACEP("const", 7, c);
  SPACEP("global", 8, c);
  SPACEP("local", 9, c);
  size_t g, back;
  asm volatile("cvta.to.global.u64 %0, %1;" : "=l"(g) : "l"(global));
  asm volatile("cvta.global.u64 %0, %1;" : "=l"(back) : "l"(g));
  p[10] = back == (size_t)global;
  unsigned g32, back32;
  asm volatile("cvta.to.global.u32 %0, %1;" : "=r"(g32) : "r"(unsigned((size_t)global)));
  asm volatile("cvta.global.u32 %0, %1;" : "=r"(back32) : "r"(g32));
  p[11] = back32 == unsigned((size_t)global);
  for (int k = 0; k < 12; ++k)
    out[k] = p[k] + local[k & 3] * 0;
}

struct Packed {
  unsigned char a, b;
  unsigned u;
};

__device__ __noinline__ double mixParams(signed char s8, unsigned short u16, float f,
                                         double d, u64 l, int i) {
  return double(s8) + double(u16) * 2 + double(f) * 4 + d * 8 + double(l) * 16 +
         double(i) * 32;
}

// Kernel parameters of every width (ld.param.u8/s8/u16/u32/b32/u64/b64/
// f32/f64/v2.u32/v2.u8) and call-site parameters (st.param.b8/b32/b64/
// f32/f64), through a call that is not inlined.
extern "C" __global__ void params(unsigned char u8, signed char s8, unsigned short u16,
                                  unsigned u32, int i32, u64 u64v, long long s64,
                                  float f, double d, uint2 pair, uchar2 bytes,
                                  Packed packed, double *out) {
  out[0] = u8;
  out[1] = s8;
  out[2] = u16;
  out[3] = u32;
  out[4] = i32;
  out[5] = double(u64v);
  out[6] = double(s64);
  out[7] = f;
  out[8] = d;
  out[9] = pair.x + 2.0 * pair.y;
  out[10] = bytes.x + 256.0 * bytes.y;
  out[11] = packed.a + 256.0 * packed.b + 65536.0 * packed.u;
  out[12] = mixParams(s8, u16, f, d, u64v, i32);
  // Call-site-style .param buffers: st.param.b8/b32/b64 and
  // ld.param.b32/b64/v2.u32 on them.
  unsigned w, lo, hi;
  u64 wide;
  asm volatile("{\n\t.param .b32 pw;\n\t.param .b64 pd;\n\t"
               ".param .align 8 .b8 pv[8];\n\t"
               "st.param.b32 [pw], %4;\n\t"
               "st.param.b64 [pd], %5;\n\t"
               "st.param.b32 [pv], %4;\n\t"
               "st.param.b32 [pv+4], %4;\n\t"
               "st.param.b8 [pv+4], %6;\n\t"
               "ld.param.b32 %0, [pw];\n\t"
               "ld.param.b64 %1, [pd];\n\t"
               "ld.param.v2.u32 {%2, %3}, [pv];\n\t}"
               : "=r"(w), "=l"(wide), "=r"(lo), "=r"(hi)
               : "r"(u32), "l"(u64v), "r"(unsigned(u8)));
  out[13] = w;
  out[14] = double(wide);
  out[15] = lo;
  out[16] = hi;
}
