// pitched2D: a 2D image in pitched device memory. cudaMallocPitch pads each
// row, cudaMemcpy2D copies rows between the packed host image and the
// padded device rows, a kernel finds row y at base + y * pitch, and
// cudaMemset2D clears a border band. The result is checked on the host.
#include "../common.h"

#include <vector>

// out(x, y) = 2 * in(x, y) + x - y, rows `pitch` bytes apart.
__global__ void transform(const float *in, size_t inPitch, float *out, size_t outPitch,
                          int width, int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= width || y >= height)
    return;
  const float *inRow = (const float *)((const char *)in + y * inPitch);
  float *outRow = (float *)((char *)out + y * outPitch);
  outRow[x] = 2.0f * inRow[x] + float(x) - float(y);
}

int main() {
  const int width = 300, height = 123; // floats per row, rows
  const size_t rowBytes = width * sizeof(float);
  std::vector<float> image(width * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      image[y * width + x] = float((x * 7 + y * 13) % 101);

  float *in = nullptr, *out = nullptr;
  size_t inPitch = 0, outPitch = 0;
  CHECK_CUDA(cudaMallocPitch((void **)&in, &inPitch, rowBytes, height));
  CHECK_CUDA(cudaMallocPitch((void **)&out, &outPitch, rowBytes, height));
  std::printf("[pitched2D] %d x %d floats, row %zu bytes, pitch %zu bytes\n", width,
              height, rowBytes, inPitch);
  if (inPitch < rowBytes || inPitch % 32 != 0) {
    std::printf("[pitched2D] unexpected pitch\nFAILED\n");
    return EXIT_FAILURE;
  }

  CHECK_CUDA(cudaMemcpy2D(in, inPitch, image.data(), rowBytes, rowBytes, height,
                          cudaMemcpyHostToDevice));
  dim3 block(32, 8);
  dim3 grid((width + block.x - 1) / block.x, (height + block.y - 1) / block.y);
  transform<<<grid, block>>>(in, inPitch, out, outPitch, width, height);
  CHECK_CUDA(cudaGetLastError());

  // Clear a band of 10 rows, columns 50..149, in the output.
  const int bandRow = 40, bandRows = 10, bandCol = 50, bandCols = 100;
  CHECK_CUDA(cudaMemset2D((char *)out + bandRow * outPitch + bandCol * sizeof(float),
                          outPitch, 0, bandCols * sizeof(float), bandRows));

  // Copy back into a host image with its own padding (width + 3 floats).
  const int hostStride = width + 3;
  std::vector<float> result(hostStride * height, -1.0f);
  CHECK_CUDA(cudaMemcpy2D(result.data(), hostStride * sizeof(float), out, outPitch,
                          rowBytes, height, cudaMemcpyDeviceToHost));

  int errors = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < hostStride; ++x) {
      float expected = -1.0f; // host padding stays untouched
      if (y >= bandRow && y < bandRow + bandRows && x >= bandCol &&
          x < bandCol + bandCols)
        expected = 0.0f;
      else if (x < width)
        expected = 2.0f * image[y * width + x] + float(x) - float(y);
      if (result[y * hostStride + x] != expected && ++errors <= 5)
        std::printf("[pitched2D] (%d, %d): %f, expected %f\n", x, y,
                    result[y * hostStride + x], expected);
    }
  CHECK_CUDA(cudaFree(in));
  CHECK_CUDA(cudaFree(out));
  std::printf("[pitched2D] %d of %d values wrong\n", errors, hostStride * height);
  std::printf(errors == 0 ? "PASSED\n" : "FAILED\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
