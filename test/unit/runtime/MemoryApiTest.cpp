//===- MemoryApiTest.cpp - Pitched, managed, registered and batched memory ===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The Memory Management entries beyond linear memory, called through the
// exported symbols of libcudart.so.13 as an nvcc-built program calls them:
// cudaMallocPitch/cudaMalloc3D and the 2D/3D copies and sets, managed memory
// (cudaMallocManaged, __managed__ variables, advice, prefetches, range
// attributes, stream attachment), cudaHostRegister, and CUDA 13's batched
// copies. Every copy is checked byte for byte, padding included, so a copy
// that touches a byte outside its rows fails.
//
//===----------------------------------------------------------------------===//
#include "runtime/RuntimeTestSupport.h"

#include <crt/cuport_registration.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <numeric>
#include <vector>

using cuport::test::RegisteredPtx;

namespace {

class MemoryTest : public ::testing::Test {
protected:
  void SetUp() override { cudaGetLastError(); }
};

using RuntimePitchedMemory = MemoryTest;
using RuntimeManagedMemory = MemoryTest;
using RuntimeHostRegister = MemoryTest;
using RuntimeBatchCopy = MemoryTest;

/// Bytes 0, 1, 2, ... (mod 251, so rows do not repeat with a 256 pitch).
std::vector<uint8_t> pattern(size_t bytes, uint8_t seed = 0) {
  std::vector<uint8_t> values(bytes);
  for (size_t i = 0; i < bytes; ++i)
    values[i] = uint8_t((i + seed) % 251);
  return values;
}

std::vector<uint8_t> readBack(const void *device, size_t bytes) {
  std::vector<uint8_t> values(bytes);
  EXPECT_EQ(cudaMemcpy(values.data(), device, bytes, cudaMemcpyDeviceToHost), cudaSuccess);
  return values;
}

//===----------------------------------------------------------------------===//
// Pitched and 3D memory
//===----------------------------------------------------------------------===//

TEST_F(RuntimePitchedMemory, MallocPitch) {
  void *p = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(&p, &pitch, 100, 7), cudaSuccess);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(pitch, 512u) << "rows are padded to the texture alignment";
  cudaDeviceProp prop{};
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(pitch % prop.texturePitchAlignment, 0u);
  EXPECT_EQ(pitch % prop.textureAlignment, 0u);
  // The whole pitch * height is the application's.
  EXPECT_EQ(cudaMemset(p, 1, pitch * 7), cudaSuccess);
  EXPECT_EQ(cudaMemset(p, 1, pitch * 7 + 1), cudaErrorInvalidValue);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, p), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
  EXPECT_EQ(cudaFree(p), cudaSuccess);

  ASSERT_EQ(cudaMallocPitch(&p, &pitch, 512, 2), cudaSuccess);
  EXPECT_EQ(pitch, 512u);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
  ASSERT_EQ(cudaMallocPitch(&p, &pitch, 513, 2), cudaSuccess);
  EXPECT_EQ(pitch, 1024u);
  EXPECT_EQ(cudaFree(p), cudaSuccess);

  EXPECT_EQ(cudaMallocPitch(nullptr, &pitch, 16, 16), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocPitch(&p, nullptr, 16, 16), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocPitch(&p, &pitch, size_t(1) << 40, size_t(1) << 30),
            cudaErrorMemoryAllocation);
  EXPECT_EQ(cudaGetLastError(), cudaErrorMemoryAllocation);
}

TEST_F(RuntimePitchedMemory, Malloc3D) {
  cudaPitchedPtr pitched{};
  ASSERT_EQ(cudaMalloc3D(&pitched, make_cudaExtent(40, 3, 5)), cudaSuccess);
  ASSERT_NE(pitched.ptr, nullptr);
  EXPECT_EQ(pitched.pitch, 512u);
  EXPECT_EQ(pitched.xsize, 40u);
  EXPECT_EQ(pitched.ysize, 3u);
  EXPECT_EQ(cudaMemset(pitched.ptr, 0, 512 * 3 * 5), cudaSuccess) << "pitch*height*depth";
  EXPECT_EQ(cudaMemset(pitched.ptr, 0, 512 * 3 * 5 + 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(pitched.ptr), cudaSuccess);
  EXPECT_EQ(cudaMalloc3D(nullptr, make_cudaExtent(1, 1, 1)), cudaErrorInvalidValue);
}

TEST_F(RuntimePitchedMemory, Memcpy2D) {
  const size_t width = 37, height = 9, hostPitch = 40;
  uint8_t *device = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void **>(&device), &pitch, width, height),
            cudaSuccess);
  ASSERT_EQ(cudaMemset(device, 0xEE, pitch * height), cudaSuccess);
  std::vector<uint8_t> host = pattern(hostPitch * height);
  ASSERT_EQ(cudaMemcpy2D(device, pitch, host.data(), hostPitch, width, height,
                         cudaMemcpyHostToDevice),
            cudaSuccess);
  std::vector<uint8_t> onDevice = readBack(device, pitch * height);
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < pitch; ++x)
      ASSERT_EQ(onDevice[y * pitch + x], x < width ? host[y * hostPitch + x] : 0xEE)
          << "row " << y << " byte " << x;

  // Back to the host with another pitch; bytes between rows stay untouched.
  std::vector<uint8_t> back(64 * height, 0x11);
  ASSERT_EQ(cudaMemcpy2D(back.data(), 64, device, pitch, width, height,
                         cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < 64; ++x)
      ASSERT_EQ(back[y * 64 + x], x < width ? host[y * hostPitch + x] : 0x11);

  // Device to device, into a packed buffer, with cudaMemcpyDefault.
  uint8_t *packed = nullptr;
  ASSERT_EQ(cudaMalloc(&packed, width * height), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2D(packed, width, device, pitch, width, height, cudaMemcpyDefault),
            cudaSuccess);
  std::vector<uint8_t> packedBack = readBack(packed, width * height);
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < width; ++x)
      ASSERT_EQ(packedBack[y * width + x], host[y * hostPitch + x]);

  // Errors.
  EXPECT_EQ(cudaMemcpy2D(device, pitch, host.data(), 30, width, height,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue)
      << "width > spitch";
  EXPECT_EQ(cudaMemcpy2D(device, 16, host.data(), hostPitch, width, height,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue)
      << "width > dpitch";
  EXPECT_EQ(cudaMemcpy2D(device, size_t(1) << 32, host.data(), hostPitch, width, 1,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue)
      << "pitch above cudaDeviceProp::memPitch";
  EXPECT_EQ(cudaMemcpy2D(device, pitch, host.data(), hostPitch, width, height + 1,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidValue)
      << "rows past the allocation";
  EXPECT_EQ(cudaMemcpy2D(nullptr, pitch, host.data(), hostPitch, width, height,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2D(device, pitch, host.data(), hostPitch, width, height,
                         static_cast<cudaMemcpyKind>(9)),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy2D(device, pitch, host.data(), hostPitch, 0, height,
                         cudaMemcpyHostToDevice),
            cudaSuccess)
      << "an empty copy";
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(packed), cudaSuccess);
}

TEST_F(RuntimePitchedMemory, Memcpy2DAsync) {
  const size_t width = 64, height = 100;
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  uint8_t *device = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void **>(&device), &pitch, width, height),
            cudaSuccess);
  // A pageable source is captured before the call returns: overwriting it
  // afterwards does not change what is copied.
  std::vector<uint8_t> source = pattern(width * height, 3);
  const std::vector<uint8_t> expected = source;
  ASSERT_EQ(cudaMemcpy2DAsync(device, pitch, source.data(), width, width, height,
                              cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  std::fill(source.begin(), source.end(), 0);
  // Into pinned memory the copy stays asynchronous, in stream order.
  uint8_t *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, width * height), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DAsync(pinned, width, device, pitch, width, height,
                              cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(std::memcmp(pinned, expected.data(), width * height), 0);
  EXPECT_EQ(cudaMemcpy2DAsync(pinned, width, device, pitch, width, height,
                              cudaMemcpyDeviceToHost, reinterpret_cast<cudaStream_t>(0x10)),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

/// A 3D copy of a sub-box between two cudaMalloc3D volumes and the host.
TEST_F(RuntimePitchedMemory, Memcpy3D) {
  const cudaExtent volume = make_cudaExtent(20, 6, 4); // bytes, rows, slices
  cudaPitchedPtr a{}, b{};
  ASSERT_EQ(cudaMalloc3D(&a, volume), cudaSuccess);
  ASSERT_EQ(cudaMalloc3D(&b, volume), cudaSuccess);
  const size_t slice = a.pitch * volume.height, total = slice * volume.depth;
  ASSERT_EQ(cudaMemset(b.ptr, 0, total), cudaSuccess);
  std::vector<uint8_t> host = pattern(20 * 6 * 4, 7);

  // Whole volume in from a packed host buffer.
  cudaMemcpy3DParms in{};
  in.srcPtr = make_cudaPitchedPtr(host.data(), 20, 20, 6);
  in.dstPtr = a;
  in.extent = volume;
  in.kind = cudaMemcpyHostToDevice;
  ASSERT_EQ(cudaMemcpy3D(&in), cudaSuccess);

  // A 5x2x2 box from a at (3,1,1) to b at (10,4,2).
  cudaMemcpy3DParms box{};
  box.srcPtr = a;
  box.srcPos = make_cudaPos(3, 1, 1);
  box.dstPtr = b;
  box.dstPos = make_cudaPos(10, 4, 2);
  box.extent = make_cudaExtent(5, 2, 2);
  box.kind = cudaMemcpyDeviceToDevice;
  ASSERT_EQ(cudaMemcpy3D(&box), cudaSuccess);
  std::vector<uint8_t> result = readBack(b.ptr, total);
  for (size_t z = 0; z < 4; ++z)
    for (size_t y = 0; y < 6; ++y)
      for (size_t x = 0; x < b.pitch; ++x) {
        bool inside = x >= 10 && x < 15 && y >= 4 && y < 6 && z >= 2 && z < 4;
        uint8_t want = inside ? host[((z - 1) * 6 + (y - 3)) * 20 + (x - 7)] : 0;
        ASSERT_EQ(result[z * slice + y * b.pitch + x], want) << x << "," << y << "," << z;
      }

  // Errors: arrays, null pointers, rows past the slice, boxes past the pitch.
  cudaMemcpy3DParms bad = box;
  bad.srcArray = reinterpret_cast<cudaArray_t>(0x1000);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
  bad = box;
  bad.dstPtr.ptr = nullptr;
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
  bad = box;
  bad.dstPos = make_cudaPos(10, 5, 2);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue) << "y + height > ysize";
  bad = box;
  bad.dstPos = make_cudaPos(b.pitch - 2, 0, 0);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidPitchValue) << "x + width > pitch";
  bad = box;
  bad.dstPos = make_cudaPos(0, 0, 3);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue) << "slices past the allocation";
  bad = box;
  bad.kind = static_cast<cudaMemcpyKind>(17);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy3D(nullptr), cudaErrorInvalidValue);
  bad = box;
  bad.extent = make_cudaExtent(5, 0, 2);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaSuccess) << "an empty extent copies nothing";
  EXPECT_EQ(cudaFree(a.ptr), cudaSuccess);
  EXPECT_EQ(cudaFree(b.ptr), cudaSuccess);
}

TEST_F(RuntimePitchedMemory, Memcpy3DAsync) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  const cudaExtent volume = make_cudaExtent(16, 4, 3);
  cudaPitchedPtr device{};
  ASSERT_EQ(cudaMalloc3D(&device, volume), cudaSuccess);
  std::vector<uint8_t> host = pattern(16 * 4 * 3, 1);
  std::vector<uint8_t> back(16 * 4 * 3, 0);
  cudaMemcpy3DParms in{};
  in.srcPtr = make_cudaPitchedPtr(host.data(), 16, 16, 4);
  in.dstPtr = device;
  in.extent = volume;
  in.kind = cudaMemcpyDefault;
  ASSERT_EQ(cudaMemcpy3DAsync(&in, stream), cudaSuccess);
  cudaMemcpy3DParms out{};
  out.srcPtr = device;
  out.dstPtr = make_cudaPitchedPtr(back.data(), 16, 16, 4);
  out.extent = volume;
  out.kind = cudaMemcpyDefault;
  ASSERT_EQ(cudaMemcpy3DAsync(&out, stream), cudaSuccess); // pageable: completes here
  EXPECT_EQ(back, host);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(device.ptr), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

/// cudaMemcpy3D with a CUDA array on one side: a float volume goes into a
/// 3D array and a sub-box of it comes back into a pitched allocation
/// (array positions and extents count elements, pitched ones bytes).
TEST_F(RuntimePitchedMemory, Memcpy3DWithArrays) {
  const size_t w = 7, h = 5, d = 3;
  cudaChannelFormatDesc desc = cudaCreateChannelDesc<float>();
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&array, &desc, make_cudaExtent(w, h, d)), cudaSuccess);
  std::vector<float> host(w * h * d);
  for (size_t i = 0; i < host.size(); ++i)
    host[i] = 0.5f * static_cast<float>(i) - 3.0f;

  cudaMemcpy3DParms in{};
  in.srcPtr = make_cudaPitchedPtr(host.data(), w * sizeof(float), w, h);
  in.dstArray = array;
  in.extent = make_cudaExtent(w, h, d);
  in.kind = cudaMemcpyHostToDevice;
  ASSERT_EQ(cudaMemcpy3D(&in), cudaSuccess);

  // The 3x2x2 box at element (2,1,1) of the array into a pitched volume.
  cudaPitchedPtr box{};
  ASSERT_EQ(cudaMalloc3D(&box, make_cudaExtent(3 * sizeof(float), 2, 2)), cudaSuccess);
  cudaMemcpy3DParms out{};
  out.srcArray = array;
  out.srcPos = make_cudaPos(2, 1, 1);
  out.dstPtr = box;
  out.extent = make_cudaExtent(3, 2, 2);
  out.kind = cudaMemcpyDeviceToDevice;
  ASSERT_EQ(cudaMemcpy3D(&out), cudaSuccess);
  std::vector<uint8_t> bytes = readBack(box.ptr, box.pitch * 2 * 2);
  for (size_t z = 0; z < 2; ++z)
    for (size_t y = 0; y < 2; ++y)
      for (size_t x = 0; x < 3; ++x) {
        float got;
        std::memcpy(&got, bytes.data() + (z * 2 + y) * box.pitch + x * sizeof(float),
                    sizeof got);
        EXPECT_EQ(got, host[((z + 1) * h + (y + 1)) * w + (x + 2)]) << x << "," << y << "," << z;
      }

  // The same box through cudaMemcpy3DPeer (device 0 to device 0).
  cudaMemcpy3DPeerParms peer{};
  peer.srcArray = array;
  peer.srcPos = make_cudaPos(2, 1, 1);
  peer.dstPtr = box;
  peer.extent = make_cudaExtent(3, 2, 2);
  ASSERT_EQ(cudaMemset(box.ptr, 0, box.pitch * 4), cudaSuccess);
  ASSERT_EQ(cudaMemcpy3DPeer(&peer), cudaSuccess);
  EXPECT_EQ(readBack(box.ptr, box.pitch * 4), bytes);

  // A box running past the array is refused; so is a freed array.
  out.srcPos = make_cudaPos(5, 1, 1);
  EXPECT_EQ(cudaMemcpy3D(&out), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  out.srcPos = make_cudaPos(0, 0, 0);
  EXPECT_NE(cudaMemcpy3D(&out), cudaSuccess);
  EXPECT_EQ(cudaFree(box.ptr), cudaSuccess);
}

TEST_F(RuntimePitchedMemory, Memcpy3DPeer) {
  const cudaExtent volume = make_cudaExtent(8, 2, 2);
  cudaPitchedPtr a{}, b{};
  ASSERT_EQ(cudaMalloc3D(&a, volume), cudaSuccess);
  ASSERT_EQ(cudaMalloc3D(&b, volume), cudaSuccess);
  std::vector<uint8_t> host = pattern(a.pitch * 4, 9);
  ASSERT_EQ(cudaMemcpy(a.ptr, host.data(), host.size(), cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaMemcpy3DPeerParms peer{};
  peer.srcPtr = a;
  peer.dstPtr = b;
  peer.srcDevice = 0;
  peer.dstDevice = 0;
  peer.extent = volume;
  ASSERT_EQ(cudaMemcpy3DPeer(&peer), cudaSuccess);
  std::vector<uint8_t> back = readBack(b.ptr, b.pitch * 4);
  for (size_t row = 0; row < 4; ++row)
    EXPECT_EQ(std::memcmp(&back[row * b.pitch], &host[row * a.pitch], 8), 0) << row;
  ASSERT_EQ(cudaMemcpy3DPeerAsync(&peer, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  cudaMemcpy3DPeerParms bad = peer;
  bad.dstDevice = 5;
  EXPECT_EQ(cudaMemcpy3DPeer(&bad), cudaErrorInvalidDevice);
  bad = peer;
  int onHost[64];
  bad.dstPtr = make_cudaPitchedPtr(onHost, 16, 8, 2);
  EXPECT_EQ(cudaMemcpy3DPeer(&bad), cudaErrorInvalidValue) << "peer copies are device memory";
  EXPECT_EQ(cudaMemcpy3DPeer(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(a.ptr), cudaSuccess);
  EXPECT_EQ(cudaFree(b.ptr), cudaSuccess);
}

TEST_F(RuntimePitchedMemory, Memset2D) {
  uint8_t *device = nullptr;
  size_t pitch = 0;
  const size_t width = 30, height = 5;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void **>(&device), &pitch, width, height),
            cudaSuccess);
  ASSERT_EQ(cudaMemset(device, 0x00, pitch * height), cudaSuccess);
  ASSERT_EQ(cudaMemset2D(device + pitch + 2, pitch, 0x7F, 10, 3), cudaSuccess);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaMemset2DAsync(device + 4 * pitch, pitch, 0x42, width, 1, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  std::vector<uint8_t> back = readBack(device, pitch * height);
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < pitch; ++x) {
      uint8_t want = 0;
      if (y >= 1 && y <= 3 && x >= 2 && x < 12)
        want = 0x7F;
      if (y == 4 && x < width)
        want = 0x42;
      ASSERT_EQ(back[y * pitch + x], want) << x << "," << y;
    }
  EXPECT_EQ(cudaMemset2D(device, 8, 0, 9, 2), cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemset2D(device, pitch, 0, width, height + 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset2D(nullptr, pitch, 0, width, height), cudaErrorInvalidValue);
  std::vector<uint8_t> host(64);
  EXPECT_EQ(cudaMemset2D(host.data(), 8, 0, 8, 8), cudaErrorInvalidValue)
      << "pageable host memory is not device memory";
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimePitchedMemory, Memset3D) {
  const cudaExtent volume = make_cudaExtent(24, 4, 3);
  cudaPitchedPtr device{};
  ASSERT_EQ(cudaMalloc3D(&device, volume), cudaSuccess);
  const size_t slice = device.pitch * 4, total = slice * 3;
  ASSERT_EQ(cudaMemset(device.ptr, 0, total), cudaSuccess);
  cudaPitchedPtr inner = device;
  inner.ptr = static_cast<char *>(device.ptr) + slice + device.pitch + 1;
  ASSERT_EQ(cudaMemset3D(inner, 0x5C, make_cudaExtent(4, 2, 2)), cudaSuccess);
  ASSERT_EQ(cudaMemset3DAsync(device, 0x01, make_cudaExtent(2, 1, 1), nullptr),
            cudaSuccess);
  std::vector<uint8_t> back = readBack(device.ptr, total);
  for (size_t z = 0; z < 3; ++z)
    for (size_t y = 0; y < 4; ++y)
      for (size_t x = 0; x < device.pitch; ++x) {
        uint8_t want = 0;
        if (z >= 1 && y >= 1 && y < 3 && x >= 1 && x < 5)
          want = 0x5C;
        if (z == 0 && y == 0 && x < 2)
          want = 0x01;
        ASSERT_EQ(back[z * slice + y * device.pitch + x], want) << x << "," << y << "," << z;
      }
  EXPECT_EQ(cudaMemset3D(device, 0, make_cudaExtent(24, 5, 3)), cudaErrorInvalidValue)
      << "height > ysize";
  EXPECT_EQ(cudaMemset3D(device, 0, make_cudaExtent(device.pitch + 1, 1, 1)),
            cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemset3D(device, 0, make_cudaExtent(24, 4, 4)), cudaErrorInvalidValue)
      << "past the allocation";
  EXPECT_EQ(cudaFree(device.ptr), cudaSuccess);
}

/// The _ptds / _ptsz variants run their base function on the per-thread
/// default stream.
TEST_F(RuntimePitchedMemory, PerThreadVariants) {
  const cudaExtent volume = make_cudaExtent(16, 4, 2);
  cudaPitchedPtr device{};
  ASSERT_EQ(cudaMalloc3D(&device, volume), cudaSuccess);
  std::vector<uint8_t> host = pattern(16 * 8, 5), back(16 * 8, 0);
  ASSERT_EQ(cudaMemset3D_ptds(device, 0, volume), cudaSuccess);
  ASSERT_EQ(cudaMemset3DAsync_ptsz(device, 0, volume, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemset2D_ptds(device.ptr, device.pitch, 0, 16, 4), cudaSuccess);
  ASSERT_EQ(cudaMemset2DAsync_ptsz(device.ptr, device.pitch, 0, 16, 4, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2D_ptds(device.ptr, device.pitch, host.data(), 16, 16, 8,
                              cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy2DAsync_ptsz(back.data(), 16, device.ptr, device.pitch, 16, 8,
                                   cudaMemcpyDeviceToHost, nullptr),
            cudaSuccess);
  EXPECT_EQ(back, host);
  cudaMemcpy3DParms p{};
  p.srcPtr = device;
  p.dstPtr = make_cudaPitchedPtr(back.data(), 16, 16, 4);
  p.extent = volume;
  p.kind = cudaMemcpyDeviceToHost;
  std::fill(back.begin(), back.end(), 0);
  ASSERT_EQ(cudaMemcpy3D_ptds(&p), cudaSuccess);
  EXPECT_EQ(back, host);
  ASSERT_EQ(cudaMemcpy3DAsync_ptsz(&p, nullptr), cudaSuccess);
  cudaMemcpy3DPeerParms peer{};
  peer.srcPtr = device;
  peer.dstPtr = device;
  peer.extent = make_cudaExtent(0, 0, 0);
  EXPECT_EQ(cudaMemcpy3DPeer_ptds(&peer), cudaSuccess);
  EXPECT_EQ(cudaMemcpy3DPeerAsync_ptsz(&peer, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);

  // Managed memory and batches on the per-thread stream.
  float *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 256), cudaSuccess);
  cudaMemLocation here{cudaMemLocationTypeDevice, 0};
  EXPECT_EQ(cudaMemPrefetchAsync_ptsz(managed, 256, here, 0, nullptr), cudaSuccess);
  void *ranges[] = {managed};
  size_t sizes[] = {256};
  size_t firstIndex = 0;
  EXPECT_EQ(cudaMemPrefetchBatchAsync_ptsz(ranges, sizes, 1, &here, &firstIndex, 1, 0,
                                           nullptr),
            cudaSuccess);
  EXPECT_EQ(cudaMemDiscardBatchAsync_ptsz(ranges, sizes, 1, 0, nullptr), cudaSuccess);
  EXPECT_EQ(cudaMemDiscardAndPrefetchBatchAsync_ptsz(ranges, sizes, 1, &here, &firstIndex,
                                                     1, 0, nullptr),
            cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync_ptsz(nullptr, managed, 0, cudaMemAttachGlobal),
            cudaSuccess);
  float values[64];
  std::iota(values, values + 64, 0.0f);
  void *dsts[] = {managed};
  const void *srcs[] = {values};
  cudaMemcpyAttributes attributes{};
  attributes.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  EXPECT_EQ(cudaMemcpyBatchAsync_ptsz(dsts, srcs, sizes, 1, &attributes, &firstIndex, 1,
                                      nullptr),
            cudaSuccess)
      << "the per-thread stream is not the legacy stream";
  cudaMemcpy3DBatchOp op{};
  op.src.type = cudaMemcpyOperandTypePointer;
  op.src.op.ptr.ptr = values;
  op.dst.type = cudaMemcpyOperandTypePointer;
  op.dst.op.ptr.ptr = managed;
  op.extent = make_cudaExtent(256, 1, 1);
  op.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  EXPECT_EQ(cudaMemcpy3DBatchAsync_ptsz(1, &op, 0, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  EXPECT_EQ(managed[63], 63.0f);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
  EXPECT_EQ(cudaFree(device.ptr), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// Managed memory
//===----------------------------------------------------------------------===//

TEST_F(RuntimeManagedMemory, MallocManaged) {
  int *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 1000 * sizeof(int)), cudaSuccess);
  ASSERT_NE(managed, nullptr);
  for (int i = 0; i < 1000; ++i) // host-accessible at once
    managed[i] = i;
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 1000 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device, managed, 1000 * sizeof(int), cudaMemcpyDefault),
            cudaSuccess);
  ASSERT_EQ(cudaMemset(managed, 0, 1000 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(managed[999], 0);
  ASSERT_EQ(cudaMemcpy(managed, device, 1000 * sizeof(int), cudaMemcpyDeviceToDevice),
            cudaSuccess);
  EXPECT_EQ(managed[999], 999);

  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, managed + 10), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeManaged);
  EXPECT_EQ(attributes.devicePointer, managed + 10);
  EXPECT_EQ(attributes.hostPointer, managed + 10);
  EXPECT_EQ(attributes.device, 0);

  int *hostAttached = nullptr;
  ASSERT_EQ(cudaMallocManaged(&hostAttached, 64, cudaMemAttachHost), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(hostAttached), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(hostAttached), cudaSuccess);
  EXPECT_EQ(cudaMallocManaged(&hostAttached, 64, cudaMemAttachSingle),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocManaged(&hostAttached, 64, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocManaged(&hostAttached, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocManaged(static_cast<int **>(nullptr), 64), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(managed + 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaErrorInvalidValue) << "double free";
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

// nvcc's PTX for two __managed__ variables and a kernel using them.
const char *const kManagedPtx = R"(
.version 9.0
.target sm_75
.address_size 64

.global .attribute(.managed) .align 4 .u32 counter;
.global .attribute(.managed) .align 4 .b8 values[64];

.visible .entry bump()
{
	.reg .b32 %r<4>;
	.reg .b64 %rd<4>;

	mov.u32 %r1, %tid.x;
	atom.global.add.u32 %r2, [counter], 1;
	shl.b32 %r3, %r1, 1;
	mul.wide.u32 %rd1, %r1, 4;
	mov.u64 %rd2, values;
	add.s64 %rd3, %rd2, %rd1;
	st.global.u32 [%rd3], %r3;
	ret;
}
)";

/// A __managed__ variable as nvcc compiles host code that uses it: the host
/// reads and writes it through a pointer the runtime sets when
/// __cudaInitModule loads the module.
TEST_F(RuntimeManagedMemory, ManagedVariable) {
  RegisteredPtx program(kManagedPtx, {"bump"});
  unsigned *counter = nullptr; // nvcc's `static unsigned *counter`
  unsigned *values = nullptr;
  __cudaRegisterManagedVar(program.handle(), reinterpret_cast<void **>(&counter),
                           const_cast<char *>("counter"), "counter", 0, 4, 0, 0);
  __cudaRegisterManagedVar(program.handle(), reinterpret_cast<void **>(&values),
                           const_cast<char *>("values"), "values", 0, 64, 0, 0);
  EXPECT_EQ(counter, nullptr) << "nothing is loaded at registration";
  ASSERT_EQ(__cudaInitModule(program.handle()), 1);
  ASSERT_NE(counter, nullptr);
  ASSERT_NE(values, nullptr);
  *counter = 5; // host code writes the variable directly
  ASSERT_EQ(cudaLaunchKernel(program.stub(0), dim3(1), dim3(16), nullptr, 0, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(*counter, 21u) << "the kernel saw the host's write, the host sees the kernel's";
  for (unsigned i = 0; i < 16; ++i)
    EXPECT_EQ(values[i], 2 * i);

  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, values + 3), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeManaged);
  // Host code names the variable by its address (nvcc dereferences the
  // pointer), which the symbol entries accept.
  unsigned seven = 7;
  ASSERT_EQ(cudaMemcpyToSymbol(counter, &seven, sizeof seven, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  EXPECT_EQ(*counter, 7u);
  size_t size = 0;
  ASSERT_EQ(cudaGetSymbolSize(&size, values), cudaSuccess);
  EXPECT_EQ(size, 64u);
  EXPECT_EQ(cudaFree(counter), cudaErrorInvalidValue) << "not the application's to free";
  EXPECT_EQ(__cudaInitModule(program.handle()), 1) << "a second call changes nothing";
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

TEST_F(RuntimeManagedMemory, AdviseAndRangeAttributes) {
  char *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 8192), cudaSuccess);
  const cudaMemLocation device0{cudaMemLocationTypeDevice, 0};
  const cudaMemLocation host{cudaMemLocationTypeHost, 0};
  int value = -7;

  // Nothing said yet.
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly,
                                     managed, 8192),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocation, managed, 8192),
            cudaSuccess);
  EXPECT_EQ(value, cudaInvalidDeviceId);

  // Read-mostly on the first half only.
  ASSERT_EQ(cudaMemAdvise(managed, 4096, cudaMemAdviseSetReadMostly, device0), cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly,
                                     managed, 4096),
            cudaSuccess);
  EXPECT_EQ(value, 1);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly,
                                     managed + 4000, 200),
            cudaSuccess);
  EXPECT_EQ(value, 0) << "the range is only partly read-mostly";
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseUnsetReadMostly, device0),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly,
                                     managed, 100),
            cudaSuccess);
  EXPECT_EQ(value, 0);

  // Preferred location: the device, then the host on a part.
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseSetPreferredLocation, device0),
            cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(managed + 6000, 100, cudaMemAdviseSetPreferredLocation, host),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocation, managed, 6000),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocation, managed + 6000,
                                     100),
            cudaSuccess);
  EXPECT_EQ(value, cudaCpuDeviceId);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocation, managed, 8192),
            cudaSuccess);
  EXPECT_EQ(value, cudaInvalidDeviceId) << "mixed";
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocationType,
                                     managed + 6010, 10),
            cudaSuccess);
  EXPECT_EQ(value, cudaMemLocationTypeHost);
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseUnsetPreferredLocation, host),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributePreferredLocationType, managed,
                                     8192),
            cudaSuccess);
  EXPECT_EQ(value, cudaMemLocationTypeInvalid);

  // Accessed-by: the device and the host, listed; spare slots invalid.
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseSetAccessedBy, device0), cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(managed, 1024, cudaMemAdviseSetAccessedBy, host), cudaSuccess);
  int ids[3] = {9, 9, 9};
  ASSERT_EQ(cudaMemRangeGetAttribute(ids, sizeof ids, cudaMemRangeAttributeAccessedBy,
                                     managed, 1024),
            cudaSuccess);
  EXPECT_EQ(ids[0], cudaCpuDeviceId);
  EXPECT_EQ(ids[1], 0);
  EXPECT_EQ(ids[2], cudaInvalidDeviceId);
  ASSERT_EQ(cudaMemRangeGetAttribute(ids, sizeof ids, cudaMemRangeAttributeAccessedBy,
                                     managed, 8192),
            cudaSuccess);
  EXPECT_EQ(ids[0], 0) << "only the device covers the whole range";
  EXPECT_EQ(ids[1], cudaInvalidDeviceId);
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseUnsetAccessedBy, device0),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(ids, sizeof ids, cudaMemRangeAttributeAccessedBy,
                                     managed, 8192),
            cudaSuccess);
  EXPECT_EQ(ids[0], cudaInvalidDeviceId);

  // Several attributes at once.
  ASSERT_EQ(cudaMemAdvise(managed, 8192, cudaMemAdviseSetReadMostly, device0), cudaSuccess);
  int readMostly = -1, preferred = -1;
  void *data[] = {&readMostly, &preferred};
  size_t sizes[] = {sizeof(int), sizeof(int)};
  cudaMemRangeAttribute attributes[] = {cudaMemRangeAttributeReadMostly,
                                        cudaMemRangeAttributePreferredLocation};
  ASSERT_EQ(cudaMemRangeGetAttributes(data, sizes, attributes, 2, managed, 8192),
            cudaSuccess);
  EXPECT_EQ(readMostly, 1);
  EXPECT_EQ(preferred, cudaInvalidDeviceId);

  // Errors.
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 64), cudaSuccess);
  EXPECT_EQ(cudaMemAdvise(device, 64, cudaMemAdviseSetReadMostly, device0),
            cudaErrorInvalidValue)
      << "cudaMalloc memory cannot be advised";
  EXPECT_EQ(cudaMemAdvise(managed, 8193, cudaMemAdviseSetReadMostly, device0),
            cudaErrorInvalidValue)
      << "past the allocation";
  EXPECT_EQ(cudaMemAdvise(managed, 0, cudaMemAdviseSetReadMostly, device0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemAdvise(managed, 64, static_cast<cudaMemoryAdvise>(42), device0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemAdvise(managed, 64, cudaMemAdviseSetPreferredLocation,
                          cudaMemLocation{cudaMemLocationTypeDevice, 3}),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemAdvise(managed, 64, cudaMemAdviseSetAccessedBy,
                          cudaMemLocation{cudaMemLocationTypeHostNumaCurrent, 0}),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemRangeGetAttribute(&value, 8, cudaMemRangeAttributeReadMostly, managed,
                                     64),
            cudaErrorInvalidValue)
      << "wrong data size";
  EXPECT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     static_cast<cudaMemRangeAttribute>(99), managed, 64),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemRangeGetAttribute(nullptr, sizeof value, cudaMemRangeAttributeReadMostly,
                                     managed, 64),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly,
                                     device, 64),
            cudaErrorInvalidValue);
  // System memory may be advised: the device reports pageableMemoryAccess.
  std::vector<char> system(4096);
  EXPECT_EQ(cudaMemAdvise(system.data(), system.size(), cudaMemAdviseSetReadMostly, device0),
            cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
}

TEST_F(RuntimeManagedMemory, Prefetch) {
  float *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 4096), cudaSuccess);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  int value = 0;
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocation, managed,
                                     4096),
            cudaSuccess);
  EXPECT_EQ(value, cudaInvalidDeviceId) << "never prefetched";
  ASSERT_EQ(cudaMemPrefetchAsync(managed, 4096, cudaMemLocation{cudaMemLocationTypeDevice, 0},
                                 0, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocation, managed,
                                     4096),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemPrefetchAsync(managed, 1024, cudaMemLocation{cudaMemLocationTypeHost, 0},
                                 0, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocation, managed,
                                     1024),
            cudaSuccess);
  EXPECT_EQ(value, cudaCpuDeviceId);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocationType, managed,
                                     1024),
            cudaSuccess);
  EXPECT_EQ(value, cudaMemLocationTypeHost);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocationId,
                                     managed + 512, 100),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocation, managed,
                                     4096),
            cudaSuccess);
  EXPECT_EQ(value, cudaInvalidDeviceId) << "mixed";
  // Work on the stream still runs in order around prefetches.
  for (int i = 0; i < 1024; ++i)
    managed[i] = float(i);
  float *copy = nullptr;
  ASSERT_EQ(cudaMalloc(&copy, 4096), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(copy, managed, 4096, cudaMemcpyDefault, stream), cudaSuccess);
  ASSERT_EQ(cudaMemPrefetchAsync(copy, 4096, cudaMemLocation{cudaMemLocationTypeHost, 0}, 0,
                                 stream),
            cudaErrorInvalidValue)
      << "device memory is not prefetchable";
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  float back = 0;
  ASSERT_EQ(cudaMemcpy(&back, copy + 1023, sizeof back, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(back, 1023.0f);

  EXPECT_EQ(cudaMemPrefetchAsync(managed, 4096, cudaMemLocation{cudaMemLocationTypeDevice, 0},
                                 1, stream),
            cudaErrorInvalidValue)
      << "flags must be 0";
  EXPECT_EQ(cudaMemPrefetchAsync(managed, 4096, cudaMemLocation{cudaMemLocationTypeDevice, 7},
                                 0, stream),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemPrefetchAsync(managed, 4096,
                                 cudaMemLocation{cudaMemLocationTypeInvalid, 0}, 0, stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPrefetchAsync(managed, 4096, cudaMemLocation{cudaMemLocationTypeDevice, 0},
                                 0, reinterpret_cast<cudaStream_t>(0x20)),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaMemPrefetchAsync(nullptr, 4096, cudaMemLocation{cudaMemLocationTypeDevice, 0},
                                 0, stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(copy), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeManagedMemory, BatchPrefetchAndDiscard) {
  char *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(cudaMallocManaged(&a, 1024), cudaSuccess);
  ASSERT_EQ(cudaMallocManaged(&b, 1024), cudaSuccess);
  ASSERT_EQ(cudaMallocManaged(&c, 1024), cudaSuccess);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  void *ranges[] = {a, b, c};
  size_t sizes[] = {1024, 512, 1024};
  // a and b to the device, c to the host.
  cudaMemLocation locations[] = {{cudaMemLocationTypeDevice, 0},
                                 {cudaMemLocationTypeHost, 0}};
  size_t firstIndices[] = {0, 2};
  ASSERT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 3, locations, firstIndices, 2, 0,
                                      stream),
            cudaSuccess);
  auto lastPrefetch = [](const void *p, size_t n) {
    int value = 99;
    EXPECT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                       cudaMemRangeAttributeLastPrefetchLocation, p, n),
              cudaSuccess);
    return value;
  };
  EXPECT_EQ(lastPrefetch(a, 1024), 0);
  EXPECT_EQ(lastPrefetch(b, 512), 0);
  EXPECT_EQ(lastPrefetch(b + 512, 512), cudaInvalidDeviceId) << "outside the batch's range";
  EXPECT_EQ(lastPrefetch(c, 1024), cudaCpuDeviceId);

  ASSERT_EQ(cudaMemDiscardBatchAsync(ranges, sizes, 3, 0, stream), cudaSuccess);
  size_t toHostFirst[] = {0};
  cudaMemLocation hostOnly[] = {{cudaMemLocationTypeHost, 0}};
  ASSERT_EQ(cudaMemDiscardAndPrefetchBatchAsync(ranges, sizes, 3, hostOnly, toHostFirst, 1,
                                                0, stream),
            cudaSuccess);
  EXPECT_EQ(lastPrefetch(a, 1024), cudaCpuDeviceId);

  // Errors: indices not starting at 0 or not increasing, too many
  // locations, flags, bad ranges, empty batches.
  size_t badStart[] = {1, 2};
  EXPECT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 3, locations, badStart, 2, 0, stream),
            cudaErrorInvalidValue);
  size_t notIncreasing[] = {0, 0};
  EXPECT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 3, locations, notIncreasing, 2, 0,
                                      stream),
            cudaErrorInvalidValue);
  size_t pastEnd[] = {0, 3};
  EXPECT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 3, locations, pastEnd, 2, 0, stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 1, locations, firstIndices, 2, 0,
                                      stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPrefetchBatchAsync(ranges, sizes, 3, locations, firstIndices, 2, 1,
                                      stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemDiscardBatchAsync(ranges, sizes, 0, 0, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemDiscardBatchAsync(ranges, sizes, 3, 4, stream), cudaErrorInvalidValue);
  size_t tooLong[] = {1024, 2048, 1024};
  EXPECT_EQ(cudaMemDiscardBatchAsync(ranges, tooLong, 3, 0, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(a), cudaSuccess);
  EXPECT_EQ(cudaFree(b), cudaSuccess);
  EXPECT_EQ(cudaFree(c), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeManagedMemory, StreamAttach) {
  int *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 256), cudaSuccess);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, managed, 0, cudaMemAttachSingle), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, managed, 256, cudaMemAttachHost), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(nullptr, managed, 0, cudaMemAttachGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(nullptr, managed, 0, cudaMemAttachSingle),
            cudaErrorInvalidValue)
      << "single-stream attachment to the legacy stream";
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, managed, 128, cudaMemAttachGlobal),
            cudaErrorInvalidValue)
      << "length is 0 or the whole allocation";
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, managed + 1, 0, cudaMemAttachGlobal),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, managed, 0, 0x10), cudaErrorInvalidValue);
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 64), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, device, 0, cudaMemAttachGlobal),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamAttachMemAsync(reinterpret_cast<cudaStream_t>(0x30), managed, 0,
                                     cudaMemAttachGlobal),
            cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

//===----------------------------------------------------------------------===//
// cudaHostRegister
//===----------------------------------------------------------------------===//

TEST_F(RuntimeHostRegister, RegisterUnregister) {
  std::vector<int> host(4096);
  std::iota(host.begin(), host.end(), 0);
  ASSERT_EQ(cudaHostRegister(host.data(), 4096 * sizeof(int), cudaHostRegisterDefault),
            cudaSuccess);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, host.data() + 100), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeHost);
  void *devicePointer = nullptr;
  ASSERT_EQ(cudaHostGetDevicePointer(&devicePointer, host.data() + 8, 0), cudaSuccess);
  EXPECT_EQ(devicePointer, host.data() + 8);
  unsigned flags = 0;
  ASSERT_EQ(cudaHostGetFlags(&flags, host.data()), cudaSuccess);
  EXPECT_TRUE(flags & cudaHostAllocMapped);

  // Registered memory is pinned: an asynchronous copy out of it is not
  // staged, so it reads the memory when the stream runs the copy.
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 4096 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(device, host.data(), 4096 * sizeof(int), cudaMemcpyHostToDevice,
                            stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(host.data(), device + 1, sizeof(int), cudaMemcpyDeviceToHost,
                            stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(host[0], 1);

  // Overlaps: the same range, a part of it, a range across its end.
  EXPECT_EQ(cudaHostRegister(host.data(), 64, 0), cudaErrorHostMemoryAlreadyRegistered);
  EXPECT_EQ(cudaHostRegister(host.data() + 4000, 1024, 0),
            cudaErrorHostMemoryAlreadyRegistered);
  int *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 64), cudaSuccess);
  EXPECT_EQ(cudaHostRegister(pinned, 64, 0), cudaErrorHostMemoryAlreadyRegistered);
  EXPECT_EQ(cudaHostUnregister(pinned), cudaErrorHostMemoryNotRegistered)
      << "cudaMallocHost memory is not registered memory";
  EXPECT_EQ(cudaFreeHost(host.data()), cudaErrorInvalidValue)
      << "registered memory is the application's";
  EXPECT_EQ(cudaHostUnregister(host.data() + 1), cudaErrorHostMemoryNotRegistered);
  ASSERT_EQ(cudaHostUnregister(host.data()), cudaSuccess);
  EXPECT_EQ(cudaHostUnregister(host.data()), cudaErrorHostMemoryNotRegistered);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, host.data()), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  EXPECT_EQ(cudaHostGetDevicePointer(&devicePointer, host.data(), 0), cudaErrorInvalidValue);

  // Flags: mapped and portable are fine; unknown bits are not; read-only
  // registration is not supported by the device.
  ASSERT_EQ(cudaHostRegister(host.data(), 1024, cudaHostRegisterMapped |
                                                     cudaHostRegisterPortable),
            cudaSuccess);
  ASSERT_EQ(cudaHostGetFlags(&flags, host.data() + 10), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaHostRegisterMapped | cudaHostRegisterPortable));
  EXPECT_EQ(cudaHostUnregister(host.data()), cudaSuccess);
  EXPECT_EQ(cudaHostRegister(host.data(), 1024, 0x80), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(host.data(), 1024, cudaHostRegisterReadOnly),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaHostRegister(nullptr, 1024, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(host.data(), 0, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostUnregister(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

/// cudaDeviceReset ends every registration but leaves the memory to its
/// owner (freeing it would be a double free when the vector goes).
TEST_F(RuntimeHostRegister, DeviceResetForgetsRegistrations) {
  std::vector<int> host(1024, 3);
  ASSERT_EQ(cudaHostRegister(host.data(), 4096, 0), cudaSuccess);
  int *managed = nullptr;
  ASSERT_EQ(cudaMallocManaged(&managed, 4096), cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(managed, 4096, cudaMemAdviseSetReadMostly,
                          cudaMemLocation{cudaMemLocationTypeDevice, 0}),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  cudaPointerAttributes attributes{};
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, host.data()), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  EXPECT_EQ(cudaHostUnregister(host.data()), cudaErrorHostMemoryNotRegistered);
  host[1023] = 4; // still the application's memory
  ASSERT_EQ(cudaHostRegister(host.data(), 4096, 0), cudaSuccess);
  EXPECT_EQ(cudaHostUnregister(host.data()), cudaSuccess);
  EXPECT_EQ(cudaFree(managed), cudaErrorInvalidValue) << "freed by the reset";
}

//===----------------------------------------------------------------------===//
// Batched copies (CUDA 13)
//===----------------------------------------------------------------------===//

TEST_F(RuntimeBatchCopy, MemcpyBatchAsync) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  int *d1 = nullptr, *d2 = nullptr;
  ASSERT_EQ(cudaMalloc(&d1, 1024), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d2, 1024), cudaSuccess);
  std::vector<int> h1(256), h2(256), back1(256, 0), back2(256, 0);
  std::iota(h1.begin(), h1.end(), 0);
  std::iota(h2.begin(), h2.end(), 1000);

  // Two uploads with one attribute, then two downloads with another.
  void *dsts[] = {d1, d2};
  const void *srcs[] = {h1.data(), h2.data()};
  size_t sizes[] = {1024, 512};
  cudaMemcpyAttributes attributes[2] = {};
  attributes[0].srcAccessOrder = cudaMemcpySrcAccessOrderDuringApiCall;
  attributes[1].srcAccessOrder = cudaMemcpySrcAccessOrderAny;
  attributes[1].flags = cudaMemcpyFlagPreferOverlapWithCompute;
  size_t firstIndices[] = {0, 1};
  ASSERT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attributes, firstIndices, 2, stream),
            cudaSuccess);
  std::fill(h1.begin(), h1.end(), -1); // the sources were captured
  std::fill(h2.begin(), h2.end(), -1);
  void *downDsts[] = {back1.data(), back2.data()};
  const void *downSrcs[] = {d1, d2};
  size_t first[] = {0};
  // In stream order: the sources are read after the uploads ran.
  cudaMemcpyAttributes inOrder{};
  inOrder.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  ASSERT_EQ(cudaMemcpyBatchAsync(downDsts, downSrcs, sizes, 2, &inOrder, first, 1, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  for (int i = 0; i < 256; ++i)
    ASSERT_EQ(back1[i], i);
  for (int i = 0; i < 128; ++i)
    ASSERT_EQ(back2[i], 1000 + i);
  EXPECT_EQ(back2[128], 0) << "only 512 bytes of the second copy";

  // A source read during the call: device memory overwritten after the
  // call, but before the stream runs, does not change the copy.
  int *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 1024), cudaSuccess);
  cudaMemcpyAttributes duringCall{};
  duringCall.srcAccessOrder = cudaMemcpySrcAccessOrderDuringApiCall;
  void *toPinned[] = {pinned};
  const void *fromD1[] = {d1};
  size_t oneSize[] = {1024};
  ASSERT_EQ(cudaMemcpyBatchAsync(toPinned, fromD1, oneSize, 1, &duringCall, first, 1, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(d1, 0, 1024, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(pinned[255], 255);

  // Errors: one bad copy fails the whole batch before anything is copied.
  std::fill(back1.begin(), back1.end(), 7);
  void *badDsts[] = {back1.data(), d2};
  const void *badSrcs[] = {d2, h1.data()};
  size_t badSizes[] = {1024, 2048}; // the second runs past d2
  EXPECT_EQ(cudaMemcpyBatchAsync(badDsts, badSrcs, badSizes, 2, attributes, first, 1, stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(back1[0], 7) << "nothing of a failed batch runs";
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attributes, first, 1, nullptr),
            cudaErrorInvalidValue)
      << "not on the legacy stream";
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 0, attributes, first, 1, stream),
            cudaErrorInvalidValue);
  size_t badFirst[] = {1};
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attributes, badFirst, 1, stream),
            cudaErrorInvalidValue);
  cudaMemcpyAttributes invalidOrder{};
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, &invalidOrder, first, 1, stream),
            cudaErrorInvalidValue);
  cudaMemcpyAttributes badFlags = duringCall;
  badFlags.flags = 0x40;
  EXPECT_EQ(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, &badFlags, first, 1, stream),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(d1), cudaSuccess);
  EXPECT_EQ(cudaFree(d2), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(RuntimeBatchCopy, Memcpy3DBatchAsync) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  const cudaExtent volume = make_cudaExtent(10, 3, 2);
  cudaPitchedPtr device{};
  ASSERT_EQ(cudaMalloc3D(&device, volume), cudaSuccess);
  ASSERT_EQ(cudaMemset(device.ptr, 0, device.pitch * 6), cudaSuccess);
  std::vector<uint8_t> host = pattern(12 * 4 * 2, 2); // rows of 12, layers of 4 rows
  std::vector<uint8_t> back(10 * 3 * 2, 0);

  cudaMemcpy3DBatchOp ops[2] = {};
  ops[0].src.type = cudaMemcpyOperandTypePointer;
  ops[0].src.op.ptr.ptr = host.data();
  ops[0].src.op.ptr.rowLength = 12;
  ops[0].src.op.ptr.layerHeight = 4;
  ops[0].dst.type = cudaMemcpyOperandTypePointer;
  ops[0].dst.op.ptr.ptr = device.ptr;
  ops[0].dst.op.ptr.rowLength = device.pitch;
  ops[0].dst.op.ptr.layerHeight = 3;
  ops[0].extent = volume;
  ops[0].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  ops[1].src = ops[0].dst;
  ops[1].dst.type = cudaMemcpyOperandTypePointer;
  ops[1].dst.op.ptr.ptr = back.data(); // rowLength 0: packed rows
  ops[1].extent = volume;
  ops[1].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  ASSERT_EQ(cudaMemcpy3DBatchAsync(1, &ops[0], 0, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpy3DBatchAsync(1, &ops[1], 0, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  for (size_t z = 0; z < 2; ++z)
    for (size_t y = 0; y < 3; ++y)
      for (size_t x = 0; x < 10; ++x)
        ASSERT_EQ(back[(z * 3 + y) * 10 + x], host[(z * 4 + y) * 12 + x])
            << x << "," << y << "," << z;

  cudaMemcpy3DBatchOp bad = ops[0];
  bad.src.type = cudaMemcpyOperandTypeArray;
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, &bad, 0, stream), cudaErrorInvalidValue)
      << "no CUDA arrays";
  bad = ops[0];
  bad.extent.depth = 0;
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, &bad, 0, stream), cudaErrorInvalidValue);
  bad = ops[0];
  bad.src.op.ptr.rowLength = 5;
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, &bad, 0, stream), cudaErrorInvalidValue)
      << "rows shorter than the extent";
  bad = ops[0];
  bad.dst.op.ptr.layerHeight = 4; // the last layer runs past the allocation
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, &bad, 0, stream), cudaErrorInvalidValue);
  bad = ops[0];
  bad.srcAccessOrder = cudaMemcpySrcAccessOrderInvalid;
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, &bad, 0, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, ops, 1, stream), cudaErrorInvalidValue) << "flags";
  EXPECT_EQ(cudaMemcpy3DBatchAsync(0, ops, 0, stream), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy3DBatchAsync(1, ops, 0, cudaStreamLegacy), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device.ptr), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace
