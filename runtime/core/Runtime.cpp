//===- core/Runtime.cpp - Process-wide state of libcudart -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/Runtime.h"

#include "core/Graph.h"
#include "core/Arrays.h"
#include "core/IpcEvents.h"
#include "core/MemoryPool.h"
#include "core/PeerAccess.h"
#include "core/ManagedRanges.h"
#include "core/ErrorLog.h"
#include "core/Report.h"
#include "core/Streams.h"
#include "cuport/Log.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace cuport::rt {

ThreadState &threadState() {
  thread_local ThreadState state;
  return state;
}

cudaError_t recordError(cudaError_t error) {
  if (error != cudaSuccess) {
    threadState().lastError = error;
    const char *api = nullptr;
    if (report::isEnabled()) [[unlikely]] {
      report::noteError(error);
      api = report::currentApiName();
    }
    errorlog::append(error, api);
  }
  return error;
}

cudaError_t toCudaError(backend::Status status) {
  using S = backend::Status;
  switch (status) {
  case S::Success: return cudaSuccess;
  case S::InvalidValue: return cudaErrorInvalidValue;
  case S::OutOfMemory: return cudaErrorMemoryAllocation;
  case S::NotSupported: return cudaErrorNotSupported;
  case S::InvalidImage: return cudaErrorInvalidPtx;
  case S::NotFound: return cudaErrorInvalidSymbol;
  case S::LaunchFailure: return cudaErrorLaunchFailure;
  case S::AssertTriggered: return cudaErrorAssert;
  case S::OutOfResources: return cudaErrorLaunchOutOfResources;
  case S::NotReady: return cudaErrorNotReady;
  case S::Internal: return cudaErrorUnknown;
  }
  return cudaErrorUnknown;
}

/// Errors after which the device is unusable until cudaDeviceReset.
static bool isSticky(cudaError_t error) {
  return error == cudaErrorLaunchFailure || error == cudaErrorAssert ||
         error == cudaErrorIllegalAddress;
}

backend::Queue *Device::defaultQueue() {
  std::lock_guard lock(mutex);
  if (!defaultQueue_ && backend->createQueue(&defaultQueue_) != backend::Status::Success)
    defaultQueue_ = nullptr;
  return defaultQueue_;
}

backend::Event *Device::legacyOrderEvent() {
  std::lock_guard lock(mutex);
  if (!legacyOrderEvent_ &&
      backend->createEvent(&legacyOrderEvent_) != backend::Status::Success)
    legacyOrderEvent_ = nullptr;
  return legacyOrderEvent_;
}

cudaError_t Device::synchronizeQueue(backend::Queue &queue) {
  if (sticky != cudaSuccess)
    return sticky;
  cudaError_t error = toCudaError(queue.synchronize());
  if (isSticky(error))
    sticky = error;
  return error;
}

cudaError_t Device::synchronize() {
  backend::Queue *queue = defaultQueue();
  if (!queue)
    return cudaErrorUnknown;
  cudaError_t first = synchronizeQueue(*queue);
  liveStreams().forEach([&](Stream *stream) {
    if (stream->device != this)
      return;
    cudaError_t error = synchronizeQueue(*stream->queue);
    if (first == cudaSuccess)
      first = error;
  });
  return first;
}

void Device::drain() {
  if (backend::Queue *queue = defaultQueue())
    queue->synchronize();
  liveStreams().forEach([&](Stream *stream) {
    if (stream->device == this)
      stream->queue->synchronize();
  });
}

void *Device::mallocHeapForLaunch() {
  std::lock_guard lock(mutex);
  if (!mallocHeap &&
      backend->allocate(limits[cudaLimitMallocHeapSize], backend::MemoryKind::DeviceHeap,
                        &mallocHeap) != backend::Status::Success)
    mallocHeap = nullptr;
  return mallocHeap;
}

void Device::resetContextState() {
  std::lock_guard lock(mutex);
  if (defaultQueue_)
    backend->destroyQueue(defaultQueue_);
  if (legacyOrderEvent_)
    backend->destroyEvent(legacyOrderEvent_);
  defaultQueue_ = nullptr;
  legacyOrderEvent_ = nullptr;
  sticky = cudaSuccess;
  limits = defaultLimits();
  cacheConfig = cudaFuncCachePreferNone;
  sharedMemConfig = cudaSharedMemBankSizeFourByte;
  launchedPrintf = false;
  if (mallocHeap) // blocks kernels malloc'ed die with the context
    backend->release(mallocHeap, backend::MemoryKind::DeviceHeap);
  mallocHeap = nullptr;
  // `flags` stay: cudaSetDeviceFlags sets the flags the device is
  // (re)initialized with.
}

//===----------------------------------------------------------------------===//
// Runtime
//===----------------------------------------------------------------------===//

void Runtime::resetDevice(Device &device) {
  // Nothing may still run on memory, queues or modules about to go.
  device.drain();
  for (Stream *stream : liveStreams().takeIf(
           [&](Stream *stream) { return stream->device == &device; })) {
    forgetStreamCapture(stream);
    device.backend->destroyEvent(stream->orderEvent);
    device.backend->destroyQueue(stream->queue);
    delete stream;
  }
  for (Event *event : liveEvents().takeIf(
           [&](Event *event) { return event->device == &device; })) {
    device.backend->destroyEvent(event->event);
    destroyIpcEventState(event->ipc);
    delete event;
  }
  // Pools give back their free memory and forget their blocks, which the
  // allocation table frees below; peer mappings from and to it go.
  memoryPools().resetDevice(device);
  peerAccess().resetDevice(device.ordinal);
  resetDeviceArrays(device.ordinal); // arrays, textures, surfaces
  // Module variables are in the table too; their memory goes with the
  // module, everything else is the application's allocations.
  for (const Allocation &allocation : allocations_.takeAll(device.ordinal)) {
    if (allocation.isSymbol || allocation.registered)
      continue; // the module's, or the application's own host memory
    if (allocation.kind == backend::MemoryKind::Managed)
      managedRanges().forget(reinterpret_cast<void *>(allocation.base), allocation.size);
    device.backend->release(reinterpret_cast<void *>(allocation.base), allocation.kind);
  }
  forgetGraphAllocations(device); // released with the allocations above
  modules_.resetDevice(device);
  device.resetContextState();
}

Runtime &Runtime::instance() {
  static Runtime *runtime = new Runtime(); // never destroyed, see header
  return *runtime;
}

cudaError_t Runtime::initialize() {
  std::call_once(loaded_, [this] { loadError_ = loadBackend(); });
  return loadError_;
}

int Runtime::deviceCount() {
  return initialize() == cudaSuccess ? static_cast<int>(devices_.size()) : 0;
}

Device *Runtime::device(int ordinal) {
  if (initialize() != cudaSuccess || ordinal < 0 ||
      ordinal >= static_cast<int>(devices_.size()))
    return nullptr;
  return devices_[ordinal].get();
}

cudaError_t Runtime::currentDevice(Device **out) {
  if (cudaError_t error = initialize(); error != cudaSuccess)
    return error;
  Device *device = this->device(threadState().device);
  if (!device)
    return cudaErrorInvalidDevice;
  *out = device;
  return cudaSuccess;
}

/// Directory that holds this libcudart.so.13.
static std::string libraryDirectory() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void *>(&threadState), &info) || !info.dli_fname)
    return ".";
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

static bool isValidBackendName(const std::string &name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

cudaError_t Runtime::loadBackend() {
  const char *requested = std::getenv("CUPORT_BACKEND");
  backendName_ = requested && *requested ? requested : "cpu";
  if (!isValidBackendName(backendName_)) {
    log().error("CUPORT_BACKEND='{}' is not a backend name (use e.g. cpu)",
                backendName_);
    return cudaErrorNoDevice;
  }
  const char *pluginDir = std::getenv("CUPORT_PLUGIN_DIR");
  std::string directory = pluginDir && *pluginDir
                              ? std::string(pluginDir)
                              : libraryDirectory() + "/cuport";
  std::string path = directory + "/libcuport-backend-" + backendName_ + ".so";
  // Local scope: the plugin's LLVM never becomes visible to the application.
  pluginHandle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!pluginHandle_) {
    log().error("cannot load backend '{}': {}", backendName_, dlerror());
    return cudaErrorNoDevice;
  }
  using VersionFn = uint32_t (*)();
  using CreateFn = backend::Backend *(*)();
  auto version = reinterpret_cast<VersionFn>(
      dlsym(pluginHandle_, "cuport_backend_interface_version"));
  auto create =
      reinterpret_cast<CreateFn>(dlsym(pluginHandle_, "cuport_backend_create"));
  if (!version || !create) {
    log().error("{} is not a cuport backend (entry points missing)", path);
    return cudaErrorNoDevice;
  }
  if (version() != backend::kInterfaceVersion) {
    log().error("backend {} implements interface version {}, this runtime "
                "needs {}",
                path, version(), backend::kInterfaceVersion);
    return cudaErrorNoDevice;
  }
  backend_.reset(create());
  if (!backend_) {
    log().error("backend {} failed to start", path);
    return cudaErrorNoDevice;
  }
  for (int i = 0; i < backend_->deviceCount(); ++i) {
    auto device = std::make_unique<Device>();
    device->ordinal = i;
    device->backend = backend_->device(i);
    if (device->backend)
      devices_.push_back(std::move(device));
  }
  log().info("backend '{}' loaded from {} with {} device(s)", backendName_,
             path, devices_.size());
  return devices_.empty() ? cudaErrorNoDevice : cudaSuccess;
}

} // namespace cuport::rt
