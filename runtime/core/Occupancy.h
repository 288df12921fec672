//===- core/Occupancy.h - Kernel attributes and the occupancy calculator -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaFuncGetAttributes' view of a kernel, built from its kernel descriptor
// (backend::KernelInfo), and CUDA's occupancy rules applied to the limits
// the device reports in its cudaDeviceProp.
//
// Registers: PTX has virtual registers only, and no cuport backend
// allocates hardware registers per thread, so every kernel reports the
// fixed kRegistersPerThread. 32 is what a typical small kernel compiled by
// ptxas uses, and with it the register file of a compute capability 8.x
// device (64K per block and per multiprocessor) never limits occupancy:
// 2048 threads x 32 registers = 64K. Occupancy is then decided by threads,
// blocks and shared memory per multiprocessor, as for most real kernels.
//
// The model, per multiprocessor (compute capability 8.x rules):
//   - a block occupies ceil(blockSize / warpSize) warps; at most
//     maxThreadsPerMultiProcessor / warpSize warps and
//     maxBlocksPerMultiProcessor blocks are resident;
//   - registers are allocated per warp in units of 256;
//   - a block's shared memory is its static plus dynamic bytes plus the
//     reservedSharedMemPerBlock the system keeps, rounded up to 128 bytes;
//     the whole sharedMemPerMultiprocessor is available (the carveout that
//     fits most blocks is chosen);
//   - a block larger than the kernel's maxThreadsPerBlock, or with more
//     dynamic shared memory than its maxDynamicSharedSizeBytes, has no
//     occupancy at all.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_OCCUPANCY_H
#define CUPORT_RUNTIME_CORE_OCCUPANCY_H

#include "core/ModuleRegistry.h"
#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <optional>

namespace cuport::rt {

/// Registers per thread every kernel reports (see above).
inline constexpr int kRegistersPerThread = 32;
/// Registers are allocated per warp in units of this many (CC 5.x - 9.x).
inline constexpr int kRegisterAllocationUnit = 256;
/// Shared memory is allocated per block in units of this many bytes (CC 8.x).
inline constexpr size_t kSharedAllocationUnit = 128;

/// What cudaFuncGetAttributes reports for `kernel` on a device with `device`
/// properties. `ptxArch` is the PTX's architecture (ptxVersion), the device's
/// compute capability is the binary's (the PTX is compiled for it).
void describeFunction(const backend::KernelInfo &kernel,
                      const cudaDeviceProp &device,
                      const FunctionSettings &settings, uint32_t ptxArch,
                      size_t constBytes, cudaFuncAttributes &out);

/// Blocks of `blockSize` threads with `dynamicShared` bytes each that fit on
/// one multiprocessor at once (0 when none can run). blockSize > 0.
int maxActiveBlocksPerMultiprocessor(const cudaDeviceProp &device,
                                     const cudaFuncAttributes &function,
                                     int blockSize, size_t dynamicShared);

/// The most dynamic shared memory each block may use so that `numBlocks`
/// blocks of `blockSize` threads fit on one multiprocessor; nothing when
/// that many blocks cannot fit even without dynamic shared memory.
std::optional<size_t> availableDynamicSharedPerBlock(
    const cudaDeviceProp &device, const cudaFuncAttributes &function,
    int numBlocks, int blockSize);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_OCCUPANCY_H
