//===- core/Occupancy.cpp - Kernel attributes and the occupancy calculator ===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Occupancy.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace cuport::rt {

namespace {

size_t roundUp(size_t value, size_t unit) {
  return (value + unit - 1) / unit * unit;
}

/// Registers one warp of the kernel holds.
size_t registersPerWarp(const cudaDeviceProp &device,
                        const cudaFuncAttributes &function) {
  return roundUp(size_t(function.numRegs) * size_t(device.warpSize),
                 kRegisterAllocationUnit);
}

/// The largest block the register file allows, in whole warps.
int registerLimitedBlockSize(const cudaDeviceProp &device, int numRegs) {
  size_t perWarp =
      roundUp(size_t(numRegs) * size_t(device.warpSize), kRegisterAllocationUnit);
  if (perWarp == 0)
    return INT_MAX;
  size_t warps = size_t(device.regsPerBlock) / perWarp;
  return static_cast<int>(std::min<size_t>(warps * size_t(device.warpSize), INT_MAX));
}

/// Shared memory one block occupies on the multiprocessor.
size_t sharedPerBlock(const cudaDeviceProp &device,
                      const cudaFuncAttributes &function, size_t dynamicShared) {
  return roundUp(function.sharedSizeBytes + device.reservedSharedMemPerBlock +
                     dynamicShared,
                 kSharedAllocationUnit);
}

} // namespace

void describeFunction(const backend::KernelInfo &kernel,
                      const cudaDeviceProp &device,
                      const FunctionSettings &settings, uint32_t ptxArch,
                      size_t constBytes, cudaFuncAttributes &out) {
  std::memset(&out, 0, sizeof(out));
  out.sharedSizeBytes = kernel.staticSharedBytes;
  out.constSizeBytes = constBytes;
  out.localSizeBytes = kernel.localBytes;
  int limit = kernel.maxThreadsPerBlock ? static_cast<int>(kernel.maxThreadsPerBlock)
                                        : device.maxThreadsPerBlock;
  limit = std::min(limit, device.maxThreadsPerBlock);
  out.maxThreadsPerBlock =
      std::min(limit, registerLimitedBlockSize(device, kRegistersPerThread));
  out.numRegs = kRegistersPerThread;
  out.ptxVersion = static_cast<int>(ptxArch);
  // The PTX is compiled for the device it runs on, as the driver's JIT does.
  out.binaryVersion = device.major * 10 + device.minor;
  out.cacheModeCA = 0; // global loads are cached in L1 only with -dlcm=ca
  if (settings.maxDynamicSharedBytes >= 0) {
    out.maxDynamicSharedSizeBytes = settings.maxDynamicSharedBytes;
  } else {
    size_t byDefault = device.sharedMemPerBlock > kernel.staticSharedBytes
                           ? device.sharedMemPerBlock - kernel.staticSharedBytes
                           : 0;
    out.maxDynamicSharedSizeBytes = static_cast<int>(std::min<size_t>(byDefault, INT_MAX));
  }
  out.preferredShmemCarveout = settings.preferredCarveout;
  // No cluster dimensions: the device (compute capability 8.x) has no
  // thread block clusters.
}

int maxActiveBlocksPerMultiprocessor(const cudaDeviceProp &device,
                                     const cudaFuncAttributes &function,
                                     int blockSize, size_t dynamicShared) {
  if (blockSize > function.maxThreadsPerBlock ||
      dynamicShared > size_t(std::max(function.maxDynamicSharedSizeBytes, 0)))
    return 0;
  int warpsPerBlock = (blockSize + device.warpSize - 1) / device.warpSize;
  int limit = device.maxBlocksPerMultiProcessor;
  limit = std::min(limit, device.maxThreadsPerMultiProcessor / device.warpSize /
                              warpsPerBlock);
  if (size_t perWarp = registersPerWarp(device, function)) {
    size_t warpsByRegisters = size_t(device.regsPerMultiprocessor) / perWarp;
    limit = std::min<int>(limit, static_cast<int>(warpsByRegisters / warpsPerBlock));
  }
  if (size_t shared = sharedPerBlock(device, function, dynamicShared))
    limit = std::min<int>(limit, static_cast<int>(
                                     device.sharedMemPerMultiprocessor / shared));
  return std::max(limit, 0);
}

std::optional<size_t> availableDynamicSharedPerBlock(
    const cudaDeviceProp &device, const cudaFuncAttributes &function,
    int numBlocks, int blockSize) {
  if (maxActiveBlocksPerMultiprocessor(device, function, blockSize, 0) < numBlocks)
    return std::nullopt;
  // Each of the numBlocks blocks gets an equal share, in whole allocation
  // units; the system's reserve and the static part come out of it.
  size_t share = device.sharedMemPerMultiprocessor / size_t(numBlocks) /
                 kSharedAllocationUnit * kSharedAllocationUnit;
  size_t fixed = function.sharedSizeBytes + device.reservedSharedMemPerBlock;
  size_t available = share > fixed ? share - fixed : 0;
  return std::min(available, size_t(std::max(function.maxDynamicSharedSizeBytes, 0)));
}

} // namespace cuport::rt
