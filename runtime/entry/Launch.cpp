//===- entry/Launch.cpp - Execution control and <<<...>>> -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// kernel<<<grid, block, shared, stream>>>(args) compiles to
//   __cudaPushCallConfiguration(grid, block, shared, stream);
//   stub: __cudaPopCallConfiguration(...); __cudaGetKernel(&h, stub) (once);
//         __cudaLaunchKernel(h, grid, block, args, shared, stream);
// and older code calls cudaLaunchKernel(stub, ...). All end in
// launchKernel(), which applies CUDA's configuration checks and packs the
// arguments by the kernel's parameter layout.
//
// cudaLaunchCooperativeKernel (grid-wide synchronisation with
// cooperative_groups::this_grid().sync()) additionally needs every block of
// the grid resident at once: at most the occupancy calculator's blocks per
// multiprocessor times the multiprocessors (cudaErrorCooperativeLaunchTooLarge
// beyond, as CUDA); the backend then runs all blocks concurrently.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/Graph.h"
#include "core/Report.h"
#include "core/DeviceProperties.h"
#include "core/Occupancy.h"
#include "core/Streams.h"
#include "cuport/Log.h"

#include <cstring>

namespace cuport::rt {

/// The most dynamic shared memory a launch of the kernel may ask for: what
/// cudaFuncAttributeMaxDynamicSharedMemorySize was set to, else what is left
/// of the device's default 48 KiB per block after the static part. More
/// needs the opt-in, as in CUDA.
static uint64_t dynamicSharedLimit(const backend::DeviceProperties &props,
                                   const backend::KernelInfo &info,
                                   const FunctionSettings &settings) {
  if (settings.maxDynamicSharedBytes >= 0)
    return uint64_t(settings.maxDynamicSharedBytes);
  return props.sharedMemPerBlock > info.staticSharedBytes
             ? props.sharedMemPerBlock - info.staticSharedBytes
             : 0;
}

static cudaError_t checkConfiguration(const backend::DeviceProperties &props,
                                      const backend::KernelInfo &info,
                                      const FunctionSettings &settings,
                                      dim3 grid, dim3 block, size_t sharedMem) {
  if (!backend::launchGeometryFits(props, info, {grid.x, grid.y, grid.z},
                                   {block.x, block.y, block.z}))
    return cudaErrorInvalidConfiguration;
  if (info.staticSharedBytes + uint64_t(sharedMem) > props.sharedMemPerBlockOptin ||
      uint64_t(sharedMem) > dynamicSharedLimit(props, info, settings))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}


/// A cooperative grid must fit on the device at once.
static cudaError_t checkCoResident(KernelRecord &record, Device &device,
                                   backend::Kernel &kernel, dim3 grid, dim3 block,
                                   size_t sharedMem) {
  cudaDeviceProp props{};
  fillDeviceProperties(device.backend->properties(), device.ordinal, props);
  if (!props.cooperativeLaunch)
    return cudaErrorNotSupported;
  cudaFuncAttributes attributes{};
  functionAttributes(ResolvedFunction{&record, &device, &kernel}, &attributes);
  int perMultiprocessor = maxActiveBlocksPerMultiprocessor(
      props, attributes, int(block.x * block.y * block.z), sharedMem);
  uint64_t blocks = uint64_t(grid.x) * grid.y * grid.z;
  if (blocks > uint64_t(perMultiprocessor) * uint64_t(props.multiProcessorCount))
    return cudaErrorCooperativeLaunchTooLarge;
  return cudaSuccess;
}

std::vector<uint32_t> PreparedLaunch::offsets() const {
  std::vector<uint32_t> starts;
  for (const backend::ParamLayout &param : kernel->info().params)
    starts.push_back(param.offset);
  return starts;
}

cudaError_t prepareLaunch(KernelRecord &record, dim3 grid, dim3 block,
                          void **args, size_t sharedMem, PreparedLaunch *out) {
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  if (device->sticky != cudaSuccess)
    return device->sticky;
  backend::Kernel *kernel = nullptr;
  if (cudaError_t error =
          Runtime::instance().modules().resolve(record, *device, &kernel))
    return error;
  const backend::KernelInfo &info = kernel->info();
  if (cudaError_t error = checkConfiguration(
          device->backend->properties(), info,
          Runtime::instance().modules().settings(record, device->ordinal), grid,
          block, sharedMem))
    return error;
  if (!info.params.empty() && !args)
    return cudaErrorInvalidValue;
  out->device = device;
  out->kernel = kernel;
  out->args.assign(info.argBufferSize, std::byte{0});
  for (size_t i = 0; i < info.params.size(); ++i) {
    const backend::ParamLayout &param = info.params[i];
    if (!args[i])
      return cudaErrorInvalidValue;
    std::memcpy(out->args.data() + param.offset, args[i], param.size);
  }
  return cudaSuccess;
}

/// A launch on a capturing stream becomes a kernel node (a cooperative one
/// with the cooperative launch attribute, which its launches act on).
static cudaError_t captureLaunch(const StreamTarget &target, KernelRecord &record,
                                 dim3 grid, dim3 block, size_t sharedMem,
                                 bool cooperative, PreparedLaunch &prepared) {
  auto node = std::make_unique<GraphNode>();
  node->type = cudaGraphNodeTypeKernel;
  KernelNodeData &kernel = node->data.kernel;
  kernel.record = &record;
  kernel.func = const_cast<void *>(record.hostFunction);
  kernel.grid = grid;
  kernel.block = block;
  kernel.sharedMem = static_cast<unsigned>(sharedMem);
  kernel.args = std::move(prepared.args);
  kernel.argOffsets = prepared.offsets();
  kernel.refreshPointers();
  if (cooperative) {
    cudaLaunchAttributeValue value{};
    value.cooperative = 1;
    kernel.attributes[cudaLaunchAttributeCooperative] = value;
  }
  return captureNode(target, std::move(node));
}

cudaError_t launchKernel(KernelRecord &record, dim3 grid, dim3 block,
                         void **args, size_t sharedMem, cudaStream_t stream,
                         bool cooperative) {
  PreparedLaunch prepared;
  if (cudaError_t error = prepareLaunch(record, grid, block, args, sharedMem, &prepared))
    return error;
  Device *device = prepared.device;
  if (cooperative)
    if (cudaError_t error =
            checkCoResident(record, *device, *prepared.kernel, grid, block, sharedMem))
      return error;
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.device != device)
    return cudaErrorInvalidResourceHandle;
  if (target.capture)
    return captureLaunch(target, record, grid, block, sharedMem, cooperative, prepared);

  backend::LaunchParams launch;
  launch.grid = {grid.x, grid.y, grid.z};
  launch.block = {block.x, block.y, block.z};
  launch.dynamicSharedBytes = static_cast<uint32_t>(sharedMem);
  launch.args = prepared.args;
  launch.cooperative = cooperative;
  if (cudaError_t error = orderSubmission(target))
    return error;
  if (prepared.kernel->info().flags & backend::KernelUsesPrintf) {
    // The printf FIFO is in use: its size is fixed from now on.
    std::lock_guard lock(device->mutex);
    device->launchedPrintf = true;
  }
  if (prepared.kernel->info().flags & backend::KernelUsesMalloc) {
    // The heap is made now; its size is fixed from now on.
    launch.deviceHeap = device->mallocHeapForLaunch();
    if (!launch.deviceHeap)
      return cudaErrorMemoryAllocation;
  }
  KernelStats *stats = nullptr;
  if (report::isEnabled()) [[unlikely]] {
    stats = &report::kernelStats(record);
    launch.executionNs = &stats->executionNs;
  }
  cudaError_t error = toCudaError(target.queue->launch(*prepared.kernel, launch));
  if (stats && error == cudaSuccess)
    stats->launches.fetch_add(1, std::memory_order_relaxed);
  return error;
}

} // namespace cuport::rt

using namespace cuport::rt;

CUPORT_EXPORT unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim,
                                                   size_t sharedMem,
                                                   struct CUstream_st *stream) {
  CUPORT_API_ENTRY(__cudaPushCallConfiguration);
  threadState().callConfigurations.push_back({gridDim, blockDim, sharedMem, stream});
  return 0;
}

CUPORT_EXPORT cudaError_t __cudaPopCallConfiguration(dim3 *gridDim,
                                                     dim3 *blockDim,
                                                     size_t *sharedMem,
                                                     void *stream) {
  CUPORT_API_ENTRY(__cudaPopCallConfiguration);
  auto &stack = threadState().callConfigurations;
  if (stack.empty())
    return recordError(cudaErrorMissingConfiguration);
  CallConfiguration config = stack.back();
  stack.pop_back();
  if (gridDim) *gridDim = config.grid;
  if (blockDim) *blockDim = config.block;
  if (sharedMem) *sharedMem = config.sharedMem;
  if (stream) *static_cast<cudaStream_t *>(stream) = config.stream;
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t __cudaGetKernel(cudaKernel_t *kernel,
                                          const void *hostFun) {
  CUPORT_API_ENTRY(__cudaGetKernel);
  if (!kernel)
    return recordError(cudaErrorInvalidValue);
  KernelRecord *record = Runtime::instance().modules().findByHostFunction(hostFun);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  *kernel = reinterpret_cast<cudaKernel_t>(record);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim,
                                             dim3 blockDim, void **args,
                                             size_t sharedMem,
                                             cudaStream_t stream) {
  CUPORT_API_ENTRY(__cudaLaunchKernel);
  if (!kernel || !Runtime::instance().modules().isKernel(kernel))
    return recordError(cudaErrorInvalidResourceHandle);
  return recordError(launchKernel(*reinterpret_cast<KernelRecord *>(kernel),
                                  gridDim, blockDim, args, sharedMem, stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchKernel(const void *func, dim3 gridDim,
                                           dim3 blockDim, void **args,
                                           size_t sharedMem, cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaLaunchKernel);
  // A host stub, or a cudaKernel_t (cudaGetKernel, cudaLibraryGetKernel).
  KernelRecord *record = findFunction(func);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  return recordError(launchKernel(*record, gridDim, blockDim, args, sharedMem, stream));
}

CUPORT_EXPORT cudaError_t cudaLaunchCooperativeKernel(const void *func, dim3 gridDim,
                                                      dim3 blockDim, void **args,
                                                      size_t sharedMem,
                                                      cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaLaunchCooperativeKernel);
  KernelRecord *record = Runtime::instance().modules().findByHostFunction(func);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  return recordError(launchKernel(*record, gridDim, blockDim, args, sharedMem, stream,
                                  /*cooperative=*/true));
}
