//===- BackendHarness.cpp - Run PTX on a backend plugin -------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "BackendHarness.h"

#include <dlfcn.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cuport::test {

namespace {
std::string failure;
}

const std::string &BackendHarness::why() { return failure; }

std::string readTestData(const std::string &relativePath) {
  std::ifstream file(std::string(CUPORT_TEST_DATA_DIR) + "/" + relativePath);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

BackendHarness *BackendHarness::get() {
  static BackendHarness *harness = [] () -> BackendHarness * {
    const char *chosen = std::getenv("CUPORT_TEST_BACKEND");
    std::string path = chosen && *chosen ? chosen : CUPORT_TEST_DEFAULT_PLUGIN;
    auto *created = new BackendHarness();
    created->plugin_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!created->plugin_) {
      failure = std::string("cannot load ") + path + ": " + dlerror();
      return nullptr;
    }
    using CreateFn = backend::Backend *(*)();
    using VersionFn = uint32_t (*)();
    auto version = reinterpret_cast<VersionFn>(
        dlsym(created->plugin_, "cuport_backend_interface_version"));
    auto create = reinterpret_cast<CreateFn>(
        dlsym(created->plugin_, "cuport_backend_create"));
    if (!version || !create || version() != backend::kInterfaceVersion) {
      failure = path + " is not a backend of interface version " +
                std::to_string(backend::kInterfaceVersion);
      return nullptr;
    }
    created->backend_.reset(create());
    created->device_ = created->backend_ ? created->backend_->device(0) : nullptr;
    if (!created->device_ ||
        created->device_->createQueue(&created->queue_) != backend::Status::Success) {
      failure = path + " offers no usable device";
      return nullptr;
    }
    return created;
  }();
  return harness;
}

BackendHarness::~BackendHarness() {
  for (void *memory : allocations_)
    device_->release(memory, backend::MemoryKind::Device);
  if (queue_)
    device_->destroyQueue(queue_);
}

backend::Module *BackendHarness::load(const std::string &ptx,
                                      std::string *diagnostic) {
  backend::ModuleImage image;
  image.kind = backend::ImageKind::Ptx;
  image.bytes = std::as_bytes(std::span(ptx));
  image.name = "test.ptx";
  backend::Module *module = nullptr;
  if (device_->loadModule(std::span(&image, 1), &module, diagnostic) !=
      backend::Status::Success)
    return nullptr;
  return module;
}

backend::Status BackendHarness::launchPacked(
    backend::Kernel &kernel, backend::Dim3 grid, backend::Dim3 block,
    const std::vector<std::pair<const void *, size_t>> &values,
    uint32_t dynamicSharedBytes, bool cooperative) {
  const backend::KernelInfo &info = kernel.info();
  if (values.size() != info.params.size())
    return backend::Status::InvalidValue;
  std::vector<std::byte> buffer(info.argBufferSize);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].second != info.params[i].size)
      return backend::Status::InvalidValue;
    std::memcpy(buffer.data() + info.params[i].offset, values[i].first,
                values[i].second);
  }
  backend::LaunchParams params;
  params.grid = grid;
  params.block = block;
  params.dynamicSharedBytes = dynamicSharedBytes;
  params.args = buffer;
  params.cooperative = cooperative;
  if (backend::Status status = queue_->launch(kernel, params);
      status != backend::Status::Success)
    return status;
  return queue_->synchronize();
}

} // namespace cuport::test
