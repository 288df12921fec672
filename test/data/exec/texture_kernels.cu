// Kernels for test/unit/exec/TextureExecTest.cpp: every texture and surface
// form CUDA's texture-object API makes nvcc 13 emit (tex.1d/2d/3d/a1d/a2d/
// cube with float and integer coordinates and results, tex.level,
// tex.grad, tld4, suld.b/sust.b with each boundary mode; mipmap levels).
// Each thread samples one coordinate from the `coords` array.
#include <cuda_runtime.h>

extern "C" __global__ void sample2D(cudaTextureObject_t tex, const float2 *coords,
                                    float4 *out) {
  int i = threadIdx.x;
  out[i] = tex2D<float4>(tex, coords[i].x, coords[i].y);
}

extern "C" __global__ void sample2DInt(cudaTextureObject_t tex, const float2 *coords,
                                       int4 *out) {
  int i = threadIdx.x;
  out[i] = tex2D<int4>(tex, coords[i].x, coords[i].y);
}

extern "C" __global__ void sample1D(cudaTextureObject_t tex, const float *coords,
                                    float *out) {
  int i = threadIdx.x;
  out[i] = tex1D<float>(tex, coords[i]);
}

extern "C" __global__ void fetch1D(cudaTextureObject_t tex, const int *coords,
                                   float *out) {
  int i = threadIdx.x;
  out[i] = tex1Dfetch<float>(tex, coords[i]);
}

extern "C" __global__ void sample3D(cudaTextureObject_t tex, const float4 *coords,
                                    float *out) {
  int i = threadIdx.x;
  out[i] = tex3D<float>(tex, coords[i].x, coords[i].y, coords[i].z);
}

extern "C" __global__ void sampleLayered(cudaTextureObject_t tex1, cudaTextureObject_t tex2,
                                         const float4 *coords, float *out) {
  int i = threadIdx.x;
  int layer = int(coords[i].w);
  out[2 * i] = tex1DLayered<float>(tex1, coords[i].x, layer);
  out[2 * i + 1] = tex2DLayered<float>(tex2, coords[i].x, coords[i].y, layer);
}

extern "C" __global__ void sampleCube(cudaTextureObject_t tex, const float4 *coords,
                                      float *out) {
  int i = threadIdx.x;
  out[i] = texCubemap<float>(tex, coords[i].x, coords[i].y, coords[i].z);
}

extern "C" __global__ void sampleLodGrad(cudaTextureObject_t tex, const float2 *coords,
                                         float *out) {
  int i = threadIdx.x;
  out[2 * i] = tex2DLod<float>(tex, coords[i].x, coords[i].y, 0.0f);
  out[2 * i + 1] = tex2DGrad<float>(tex, coords[i].x, coords[i].y, make_float2(1, 0),
                                    make_float2(0, 1));
}

extern "C" __global__ void gather2D(cudaTextureObject_t tex, const float2 *coords,
                                    float4 *out) {
  int i = threadIdx.x;
  out[i] = tex2Dgather<float4>(tex, coords[i].x, coords[i].y, 0);
}

// Doubles every float of a 2D surface into another, and copies a uchar4
// surface with clamp reads and zero-boundary writes one texel to the right.
extern "C" __global__ void surfaceScale(cudaSurfaceObject_t src, cudaSurfaceObject_t dst,
                                        int width) {
  int x = threadIdx.x, y = blockIdx.x;
  float v = surf2Dread<float>(src, x * 4, y);
  surf2Dwrite(v * 2.0f, dst, x * 4, y);
}

extern "C" __global__ void surfaceShift(cudaSurfaceObject_t src, cudaSurfaceObject_t dst) {
  int x = threadIdx.x, y = blockIdx.x;
  uchar4 c = surf2Dread<uchar4>(src, (x - 1) * 4, y, cudaBoundaryModeClamp);
  surf2Dwrite(c, dst, (x + 1) * 4, y, cudaBoundaryModeZero);
}

extern "C" __global__ void surfaceTrap(cudaSurfaceObject_t src, float *out) {
  out[threadIdx.x] = surf1Dread<float>(src, threadIdx.x * 4);
}

extern "C" __global__ void surfaceLayered(cudaSurfaceObject_t surf, int layers) {
  int x = threadIdx.x, y = blockIdx.x;
  for (int l = 0; l < layers; ++l) {
    float v = surf2DLayeredread<float>(surf, x * 4, y, l);
    surf2DLayeredwrite(v + 100.0f * l, surf, x * 4, y, l);
  }
}

extern "C" __global__ void surface3D(cudaSurfaceObject_t surf) {
  int x = threadIdx.x, y = blockIdx.x, z = blockIdx.y;
  short2 v = surf3Dread<short2>(surf, x * 4, y, z);
  surf3Dwrite(make_short2(v.y, v.x), surf, x * 4, y, z);
}

// Mipmapped sampling: tex2DLod at lod[i], tex2DGrad with gradients
// (g, 0) and (0, g) where g = grad[i].
extern "C" __global__ void sampleMip(cudaTextureObject_t tex, const float *lod,
                                     const float *grad, float *out) {
  int i = threadIdx.x;
  out[2 * i] = tex2DLod<float>(tex, 0.5f, 0.5f, lod[i]);
  out[2 * i + 1] = tex2DGrad<float>(tex, 0.5f, 0.5f, make_float2(grad[i], 0.0f),
                                    make_float2(0.0f, grad[i]));
}
