// textureFilter: resamples an image through a texture object, the way CUDA
// programs do it. A float image goes into a CUDA array (cudaMallocArray +
// cudaMemcpy2DToArray from a pitched host buffer); a texture object with
// linear filtering, clamp addressing and normalized coordinates resizes it
// to another resolution; a second, RGBA8 texture is read as normalized
// floats with point sampling; a surface kernel writes the resized image,
// converted to RGBA8, into an array made with cudaArraySurfaceLoadStore,
// which cudaMemcpy2DFromArray reads back. Everything is checked against a
// host model of CUDA's texture filtering (9-bit fixed-point weights);
// prints PASSED.
#include "../common.h"

#include <cmath>
#include <vector>

__global__ void resize(cudaTextureObject_t image, float *out, int width, int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= width || y >= height)
    return;
  float u = (x + 0.5f) / width, v = (y + 0.5f) / height;
  out[y * width + x] = tex2D<float>(image, u, v);
}

__global__ void readRgba(cudaTextureObject_t rgba, float4 *out, int width, int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height)
    out[y * width + x] = tex2D<float4>(rgba, x + 0.5f, y + 0.5f);
}

// Writes the resized image as grey RGBA8 texels through a surface.
__global__ void toRgba(cudaTextureObject_t image, cudaSurfaceObject_t target, int width,
                       int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= width || y >= height)
    return;
  float value = tex2D<float>(image, (x + 0.5f) / width, (y + 0.5f) / height);
  unsigned char grey = (unsigned char)(fminf(fmaxf(value, 0.0f), 1.0f) * 255.0f);
  surf2Dwrite(make_uchar4(grey, grey, grey, 255), target, x * (int)sizeof(uchar4), y);
}

// CUDA's linear filtering of a clamped, normalized 2D texture.
static float sampleLinear(const std::vector<float> &image, int w, int h, float u, float v) {
  float xb = u * w - 0.5f, yb = v * h - 0.5f;
  float fx = std::floor(xb), fy = std::floor(yb);
  float a = std::round((xb - fx) * 256.0f) / 256.0f;
  float b = std::round((yb - fy) * 256.0f) / 256.0f;
  auto at = [&](int x, int y) {
    x = x < 0 ? 0 : x >= w ? w - 1 : x;
    y = y < 0 ? 0 : y >= h ? h - 1 : y;
    return image[y * w + x];
  };
  int i = (int)fx, j = (int)fy;
  return (1 - a) * (1 - b) * at(i, j) + a * (1 - b) * at(i + 1, j) +
         (1 - a) * b * at(i, j + 1) + a * b * at(i + 1, j + 1);
}

int main() {
  const int w = 67, h = 45;       // source image
  const int ow = 160, oh = 100;   // resized
  const size_t hostPitch = 80 * sizeof(float);
  std::vector<float> pitched(80 * h, -1.0f), image(w * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float value = 0.5f + 0.5f * std::sin(x * 0.21f) * std::cos(y * 0.13f);
      image[y * w + x] = value;
      pitched[y * 80 + x] = value;
    }

  // The image in a CUDA array, and a texture object over it.
  cudaChannelFormatDesc floatDesc = cudaCreateChannelDesc<float>();
  cudaArray_t imageArray;
  CHECK_CUDA(cudaMallocArray(&imageArray, &floatDesc, w, h));
  CHECK_CUDA(cudaMemcpy2DToArray(imageArray, 0, 0, pitched.data(), hostPitch,
                                 w * sizeof(float), h, cudaMemcpyHostToDevice));
  cudaResourceDesc resource = {};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = imageArray;
  cudaTextureDesc texDesc = {};
  texDesc.addressMode[0] = cudaAddressModeClamp;
  texDesc.addressMode[1] = cudaAddressModeClamp;
  texDesc.filterMode = cudaFilterModeLinear;
  texDesc.readMode = cudaReadModeElementType;
  texDesc.normalizedCoords = 1;
  cudaTextureObject_t imageTex;
  CHECK_CUDA(cudaCreateTextureObject(&imageTex, &resource, &texDesc, nullptr));

  float *resized;
  CHECK_CUDA(cudaMalloc(&resized, ow * oh * sizeof(float)));
  dim3 block(16, 8), grid((ow + 15) / 16, (oh + 7) / 8);
  resize<<<grid, block>>>(imageTex, resized, ow, oh);
  CHECK_CUDA(cudaGetLastError());
  std::vector<float> out(ow * oh);
  CHECK_CUDA(cudaMemcpy(out.data(), resized, out.size() * sizeof(float),
                        cudaMemcpyDeviceToHost));
  int errors = 0;
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      float expected = sampleLinear(image, w, h, (x + 0.5f) / ow, (y + 0.5f) / oh);
      if (std::fabs(out[y * ow + x] - expected) > 1e-4f && errors++ < 5)
        std::printf("resize (%d, %d): %f, expected %f\n", x, y, out[y * ow + x], expected);
    }

  // An RGBA8 texture read as normalized floats.
  std::vector<uchar4> rgba(w * h);
  for (int k = 0; k < w * h; ++k)
    rgba[k] = make_uchar4(k % 256, (k * 7) % 256, 255, 0);
  cudaChannelFormatDesc rgbaDesc = cudaCreateChannelDesc<uchar4>();
  cudaArray_t rgbaArray;
  CHECK_CUDA(cudaMallocArray(&rgbaArray, &rgbaDesc, w, h));
  CHECK_CUDA(cudaMemcpy2DToArray(rgbaArray, 0, 0, rgba.data(), w * sizeof(uchar4),
                                 w * sizeof(uchar4), h, cudaMemcpyHostToDevice));
  resource.res.array.array = rgbaArray;
  texDesc.filterMode = cudaFilterModePoint;
  texDesc.readMode = cudaReadModeNormalizedFloat;
  texDesc.normalizedCoords = 0;
  cudaTextureObject_t rgbaTex;
  CHECK_CUDA(cudaCreateTextureObject(&rgbaTex, &resource, &texDesc, nullptr));
  float4 *colours;
  CHECK_CUDA(cudaMalloc(&colours, w * h * sizeof(float4)));
  readRgba<<<dim3((w + 15) / 16, (h + 7) / 8), block>>>(rgbaTex, colours, w, h);
  CHECK_CUDA(cudaGetLastError());
  std::vector<float4> colourOut(w * h);
  CHECK_CUDA(cudaMemcpy(colourOut.data(), colours, colourOut.size() * sizeof(float4),
                        cudaMemcpyDeviceToHost));
  for (int k = 0; k < w * h; ++k) {
    float4 c = colourOut[k];
    if ((std::fabs(c.x - rgba[k].x / 255.0f) > 1e-6f ||
         std::fabs(c.y - rgba[k].y / 255.0f) > 1e-6f || c.z != 1.0f || c.w != 0.0f) &&
        errors++ < 5)
      std::printf("rgba %d: (%f, %f, %f, %f)\n", k, c.x, c.y, c.z, c.w);
  }

  // The resized image written as RGBA8 through a surface.
  cudaArray_t targetArray;
  CHECK_CUDA(cudaMallocArray(&targetArray, &rgbaDesc, ow, oh, cudaArraySurfaceLoadStore));
  cudaResourceDesc targetResource = {};
  targetResource.resType = cudaResourceTypeArray;
  targetResource.res.array.array = targetArray;
  cudaSurfaceObject_t target;
  CHECK_CUDA(cudaCreateSurfaceObject(&target, &targetResource));
  toRgba<<<grid, block>>>(imageTex, target, ow, oh);
  CHECK_CUDA(cudaGetLastError());
  std::vector<uchar4> written(ow * oh);
  CHECK_CUDA(cudaMemcpy2DFromArray(written.data(), ow * sizeof(uchar4), targetArray, 0, 0,
                                   ow * sizeof(uchar4), oh, cudaMemcpyDeviceToHost));
  for (int k = 0; k < ow * oh; ++k) {
    float value = std::fmin(std::fmax(out[k], 0.0f), 1.0f);
    unsigned char grey = (unsigned char)(value * 255.0f);
    if ((written[k].x != grey || written[k].z != grey || written[k].w != 255) &&
        errors++ < 5)
      std::printf("surface %d: %d, expected %d\n", k, written[k].x, grey);
  }

  CHECK_CUDA(cudaDestroySurfaceObject(target));
  CHECK_CUDA(cudaDestroyTextureObject(rgbaTex));
  CHECK_CUDA(cudaDestroyTextureObject(imageTex));
  CHECK_CUDA(cudaFreeArray(targetArray));
  CHECK_CUDA(cudaFreeArray(rgbaArray));
  CHECK_CUDA(cudaFreeArray(imageArray));
  CHECK_CUDA(cudaFree(colours));
  CHECK_CUDA(cudaFree(resized));
  if (errors) {
    std::printf("FAILED: %d mismatches\n", errors);
    return EXIT_FAILURE;
  }
  std::printf("textureFilter: %dx%d resized to %dx%d, RGBA8 and surface checked\n", w, h,
              ow, oh);
  std::printf("PASSED\n");
  return EXIT_SUCCESS;
}
