// PTX corpus: shared memory, barriers, vector and cached loads and stores,
// local arrays, fences, volatile accesses, nanosleep, trap.
#include <cuda_runtime.h>
#include <cstdint>

__global__ void tileTranspose(const float *in, float *out, int n) {
  __shared__ float tile[32][33];
  int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 32 + threadIdx.y;
  if (x < n && y < n)
    tile[threadIdx.y][threadIdx.x] = in[y * n + x];
  __syncthreads();
  x = blockIdx.y * 32 + threadIdx.x;
  y = blockIdx.x * 32 + threadIdx.y;
  if (x < n && y < n)
    out[y * n + x] = tile[threadIdx.x][threadIdx.y];
}

__global__ void blockVotes(const int *in, int *out) {
  int v = in[threadIdx.x];
  out[0] = __syncthreads_or(v > 3);
  out[1] = __syncthreads_and(v > 0);
  out[2] = __syncthreads_count(v & 1);
}

__global__ void reduceShared(const double *in, double *out, unsigned long long *counts) {
  extern __shared__ double partial[];
  __shared__ unsigned long long wide[64];
  __shared__ unsigned short shorts[64];
  __shared__ unsigned char bytes[64];
  __shared__ signed char sbytes[64];
  partial[threadIdx.x] = in[blockIdx.x * blockDim.x + threadIdx.x];
  wide[threadIdx.x & 63] = counts[threadIdx.x];
  shorts[threadIdx.x & 63] = (unsigned short)threadIdx.x;
  bytes[threadIdx.x & 63] = (unsigned char)threadIdx.x;
  sbytes[threadIdx.x & 63] = (signed char)(threadIdx.x - 40);
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s)
      partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    out[blockIdx.x] = partial[0];
    counts[blockIdx.x] = wide[3] + shorts[5] + bytes[7] + sbytes[9];
  }
}

__global__ void volatileWarpReduce(const float *in, float *out, unsigned *flags) {
  __shared__ float s[64];
  __shared__ unsigned u[64];
  s[threadIdx.x] = in[threadIdx.x];
  u[threadIdx.x] = flags[threadIdx.x];
  __syncthreads();
  if (threadIdx.x < 32) {
    volatile float *vs = s;
    volatile unsigned *vu = u;
    vs[threadIdx.x] += vs[threadIdx.x + 32];
    vu[threadIdx.x] |= vu[threadIdx.x + 32];
    __syncwarp();
    vs[threadIdx.x] += vs[threadIdx.x + 16];
  }
  if (threadIdx.x == 0) {
    out[0] = s[0];
    volatile unsigned *vf = flags;
    vf[0] = u[0];
    flags[1] = vf[2];
  }
}

struct __align__(16) Particle {
  float4 position;
  int2 cell;
  unsigned short tag[2];
  uchar4 color;
};

__global__ void vectors(const float4 *a, const uint4 *b, const double2 *c,
                        const ulonglong2 *d, float4 *fo, uint4 *uo,
                        double2 *dout, ulonglong2 *lo, Particle *p,
                        short2 *s2, const float2 *f2, float2 *f2o,
                        const uint2 *u2, uint2 *u2o, char4 *c4) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float4 x = __ldg(&a[i]);
  uint4 y = __ldg(&b[i]);
  double2 z = __ldg(&c[i]);
  ulonglong2 w = __ldg(&d[i]);
  float2 f = __ldg(&f2[i]);
  uint2 g = u2[i];
  fo[i] = make_float4(x.w, x.z, x.y, x.x);
  uo[i] = make_uint4(y.w, y.z, y.y, y.x);
  dout[i] = make_double2(z.y, z.x);
  lo[i] = make_ulonglong2(w.y, w.x);
  f2o[i] = make_float2(f.y, f.x);
  u2o[i] = make_uint2(g.y, g.x);
  Particle q = p[i];
  q.position.x += 1.0f;
  q.cell.y += 2;
  q.tag[1] = q.tag[0];
  p[i] = q;
  s2[i] = make_short2(s2[i].y, s2[i].x);
  c4[i] = make_char4(c4[i].w, 1, 2, 3);
}

__global__ void cacheHints(const unsigned *in, unsigned *out, const float *fin,
                           const double *din, const unsigned long long *lin,
                           const int8_t *bin, const uint8_t *ubin, const uint16_t *hin,
                           double *dout) {
  int i = threadIdx.x;
  unsigned a = __ldca(&in[i]);
  unsigned b = __ldcg(&in[i + 1]);
  float f = __ldg(&fin[i]);
  double d = __ldg(&din[i]);
  unsigned long long l = __ldg(&lin[i]);
  __stcg(&out[i], a + b + (unsigned)f + (unsigned)d + (unsigned)l + bin[i] + ubin[i] + hin[i]);
  dout[i] = d * 2;
}

__device__ int lookup(int *table, int i) { return table[i & 15]; }

__global__ void localArrays(const int *in, int *out, double *dout, int n) {
  int table[16];
  double acc[8];
  unsigned char small[4];
  for (int i = 0; i < 16; ++i)
    table[i] = in[(i * 7) % n];
  for (int i = 0; i < 8; ++i)
    acc[i] = in[i] * 0.5;
  for (int i = 0; i < 4; ++i)
    small[i] = (unsigned char)in[i];
  int k = in[threadIdx.x] & 7;
  out[threadIdx.x] = lookup(table, in[threadIdx.x]) + small[k & 3];
  dout[threadIdx.x] = acc[k];
}

__global__ void fences(int *data, volatile int *flag) {
  data[threadIdx.x] = threadIdx.x;
  __threadfence_block();
  __threadfence();
  __threadfence_system();
  if (threadIdx.x == 0)
    *flag = 1;
}

__global__ void sleepAndTrap(int *data, unsigned ns) {
  __nanosleep(ns);
  if (data[0] < 0)
    __trap();
  data[1] = (int)clock();
  data[2] = (int)clock64();
}

__global__ void genericAccess(int *g, int which, int *out) {
  __shared__ int s[4];
  int local[4] = {out[4], out[5], out[6], out[7]};
  s[which & 3] = which;
  int *p = which == 0 ? g : which == 1 ? s : local + (which & 3);
  out[0] = *p;
  *p = 7;
  out[1] = __isGlobal(p) + __isShared(p) * 2 + __isLocal(p) * 4 + local[which & 3] + s[0];
}

__constant__ float coefficients[16];
__constant__ unsigned lut[8];

__global__ void constants(float *out) {
  out[threadIdx.x] = coefficients[threadIdx.x & 15] * lut[threadIdx.x & 7];
}

__device__ unsigned long long globalCounter;
__device__ float globalTable[256];

__global__ void deviceGlobals(float *out) {
  out[threadIdx.x] = globalTable[threadIdx.x] + (float)globalCounter;
}
