//===- core/ModuleRegistry.cpp - Registered fatbinaries and kernels -------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/ModuleRegistry.h"

#include "core/Runtime.h"
#include "cuport/Log.h"
#include "fatbin/FatbinReader.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

namespace cuport::rt {

namespace {

/// CUPORT_PTX_ARCH=NN: choose PTX as for a device of compute capability
/// N.N instead of the backend's (to run the compute_NN PTX of a
/// multi-architecture fatbinary; docs/architecture.md). Unset, empty or
/// not a number: no override.
std::optional<unsigned> ptxArchOverride() {
  const char *value = std::getenv("CUPORT_PTX_ARCH");
  if (!value || !*value)
    return std::nullopt;
  std::string text(value);
  if (text.rfind("sm_", 0) == 0 || text.rfind("compute_", 0) == 0)
    text = text.substr(text.find('_') + 1);
  char *end = nullptr;
  unsigned long sm = std::strtoul(text.c_str(), &end, 10);
  if (*end || sm < 10 || sm > 1000) {
    log().warn("CUPORT_PTX_ARCH='{}' is not an architecture such as 80; ignored", value);
    return std::nullopt;
  }
  return unsigned(sm);
}

} // namespace

FatbinModule *ModuleRegistry::registerFatbinary(const void *wrapper) {
  std::lock_guard lock(mutex_);
  auto module = std::make_unique<FatbinModule>();
  module->wrapper = wrapper;
  FatbinModule *handle = module.get();
  modules_.emplace(handle, std::move(module));
  return handle;
}

FatbinModule *ModuleRegistry::registerPtx(std::vector<PtxImage> ptx) {
  std::lock_guard lock(mutex_);
  auto module = std::make_unique<FatbinModule>();
  module->ptx = std::move(ptx);
  FatbinModule *handle = module.get();
  modules_.emplace(handle, std::move(module));
  return handle;
}

cudaError_t ModuleRegistry::loadOn(FatbinModule *module, Device &device) {
  std::lock_guard lock(mutex_);
  backend::Module *loadedModule = nullptr;
  return loaded(*module, device, &loadedModule);
}

bool ModuleRegistry::isModule(const void *handle) const {
  std::lock_guard lock(mutex_);
  return modules_.count(handle) > 0;
}

void ModuleRegistry::registerFunction(FatbinModule *module,
                                      const void *hostFunction,
                                      const char *deviceName) {
  std::lock_guard lock(mutex_);
  auto record = std::make_unique<KernelRecord>();
  record->module = module;
  record->hostFunction = hostFunction;
  record->deviceName = deviceName;
  module->kernels.push_back(record.get());
  if (hostFunction) // library kernels have no host stub
    byHostFunction_[hostFunction] = record.get();
  kernels_.emplace(record.get(), std::move(record));
}

void ModuleRegistry::unregister(FatbinModule *module) {
  std::lock_guard lock(mutex_);
  for (auto &[ordinal, loaded] : module->loaded)
    if (loaded.module)
      if (Device *device = Runtime::instance().device(ordinal))
        device->backend->unloadModule(loaded.module);
  for (KernelRecord *record : module->kernels)
    if (auto it = byHostFunction_.find(record->hostFunction);
        it != byHostFunction_.end() && it->second == record)
      byHostFunction_.erase(it);
  for (VariableRecord *record : module->variables) {
    if (auto it = byHostVariable_.find(record->hostVariable);
        it != byHostVariable_.end() && it->second == record)
      byHostVariable_.erase(it);
    for (auto &[ordinal, placement] : record->resolved) {
      Runtime::instance().allocations().erase(placement.address);
      if (auto it = byHostVariable_.find(placement.address);
          it != byHostVariable_.end() && it->second == record)
        byHostVariable_.erase(it);
    }
  }
  std::erase_if(variables_, [&](const auto &record) { return record->module == module; });
  for (KernelRecord *record : module->kernels)
    kernels_.erase(record);
  modules_.erase(module);
}

KernelRecord *ModuleRegistry::findByHostFunction(const void *hostFunction) {
  std::lock_guard lock(mutex_);
  auto it = byHostFunction_.find(hostFunction);
  return it == byHostFunction_.end() ? nullptr : it->second;
}

bool ModuleRegistry::isKernel(const void *handle) const {
  std::lock_guard lock(mutex_);
  return kernels_.count(handle) > 0;
}

/// Hands `texts` to the backend as the images of `module` on `device`.
static cudaError_t loadTexts(FatbinModule &module, Device &device,
                             std::span<const PtxImage> texts) {
  std::vector<backend::ModuleImage> images;
  for (const PtxImage &text : texts) {
    backend::ModuleImage image;
    image.kind = backend::ImageKind::Ptx;
    image.smArch = text.smArch;
    image.bytes = std::as_bytes(std::span(text.text));
    image.name = "library.ptx";
    images.push_back(image);
  }
  backend::Module *loaded = nullptr;
  std::string diagnostic;
  backend::Status status = device.backend->loadModule(images, &loaded, &diagnostic);
  if (status != backend::Status::Success) {
    log().error("cannot load the library's PTX on backend '{}':\n{}",
                Runtime::instance().backendName(), diagnostic);
    return status == backend::Status::InvalidImage ? cudaErrorInvalidPtx
                                                   : toCudaError(status);
  }
  FatbinModule::Loaded &entry = module.loaded[device.ordinal];
  entry.module = loaded;
  for (const PtxImage &text : texts)
    entry.ptxArch = std::max(entry.ptxArch, text.smArch);
  return cudaSuccess;
}

cudaError_t ModuleRegistry::load(FatbinModule &module, Device &device) {
  if (!module.ptx.empty())
    return loadTexts(module, device, module.ptx);
  auto image = fatbin::readRegisteredImage(module.wrapper);
  if (!image) {
    log().error("the application registered an unreadable fatbinary: {}",
                image.error());
    return cudaErrorInvalidKernelImage;
  }
  const backend::DeviceProperties &properties = device.backend->properties();
  unsigned sm = unsigned(properties.computeMajor * 10 + properties.computeMinor);
  if (std::optional<unsigned> forced = ptxArchOverride()) {
    log().info("CUPORT_PTX_ARCH: choosing PTX as for sm_{} (device: sm_{})", *forced, sm);
    sm = *forced;
  }
  auto selected = fatbin::selectPtx(*image, sm);
  if (!selected) {
    log().error("no kernel image for the device (compute capability {}.{}): {}",
                properties.computeMajor, properties.computeMinor,
                selected.error());
    return cudaErrorNoKernelImageForDevice;
  }
  // The PTX texts must outlive loadModule only.
  std::vector<std::string> texts;
  std::vector<backend::ModuleImage> images;
  for (const fatbin::Entry *entry : *selected) {
    log().info("loading the PTX of {}", entry->describe());
    auto text = fatbin::extractPtx(*entry);
    if (!text) {
      log().error("cannot read the PTX of {}: {}", entry->describe(), text.error());
      return cudaErrorInvalidKernelImage;
    }
    texts.push_back(std::move(*text));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    backend::ModuleImage converted;
    converted.kind = backend::ImageKind::Ptx;
    converted.smArch = (*selected)[i]->smArch;
    converted.bytes = std::as_bytes(std::span(texts[i]));
    converted.name = (*selected)[i]->identifier.empty()
                         ? std::string_view("module.ptx")
                         : (*selected)[i]->identifier;
    images.push_back(converted);
  }
  backend::Module *loaded = nullptr;
  std::string diagnostic;
  backend::Status status = device.backend->loadModule(images, &loaded, &diagnostic);
  if (status != backend::Status::Success) {
    log().error("cannot load the kernels of this program on backend '{}':\n{}",
                Runtime::instance().backendName(), diagnostic);
    return status == backend::Status::InvalidImage ? cudaErrorInvalidPtx
                                                   : toCudaError(status);
  }
  FatbinModule::Loaded &entry = module.loaded[device.ordinal];
  entry.module = loaded;
  for (const fatbin::Entry *selectedEntry : *selected)
    entry.ptxArch = std::max(entry.ptxArch, selectedEntry->smArch);
  return cudaSuccess;
}

cudaError_t ModuleRegistry::loaded(FatbinModule &module, Device &device,
                                   backend::Module **out) {
  auto it = module.loaded.find(device.ordinal);
  if (it == module.loaded.end()) {
    cudaError_t error = load(module, device);
    if (error != cudaSuccess) {
      module.loaded[device.ordinal].error = error;
      return error;
    }
    publishManaged(module, device);
    it = module.loaded.find(device.ordinal);
  }
  if (it->second.error != cudaSuccess)
    return it->second.error; // loading failed before: same answer
  *out = it->second.module;
  return cudaSuccess;
}

cudaError_t ModuleRegistry::resolve(KernelRecord &record, Device &device,
                                    backend::Kernel **out) {
  std::lock_guard lock(mutex_);
  if (auto it = record.resolved.find(device.ordinal); it != record.resolved.end()) {
    *out = it->second;
    return cudaSuccess;
  }
  backend::Module *module = nullptr;
  if (cudaError_t error = loaded(*record.module, device, &module))
    return error;
  backend::Kernel *kernel = module->findKernel(record.deviceName);
  if (!kernel) {
    log().error("kernel {} is registered but missing from its module",
                record.deviceName);
    return cudaErrorInvalidDeviceFunction;
  }
  record.resolved[device.ordinal] = kernel;
  *out = kernel;
  return cudaSuccess;
}

void ModuleRegistry::registerVariable(FatbinModule *module,
                                      const void *hostVariable,
                                      const char *deviceName, size_t size,
                                      bool constant) {
  std::lock_guard lock(mutex_);
  auto record = std::make_unique<VariableRecord>();
  record->module = module;
  record->hostVariable = hostVariable;
  record->deviceName = deviceName;
  record->size = size;
  record->constant = constant;
  module->variables.push_back(record.get());
  if (hostVariable) // library variables have no host shadow
    byHostVariable_[hostVariable] = record.get();
  variables_.push_back(std::move(record));
}

void ModuleRegistry::registerManagedVariable(FatbinModule *module, void **hostSlot,
                                             const char *deviceName, size_t size) {
  std::lock_guard lock(mutex_);
  registerVariable(module, hostSlot, deviceName, size, /*constant=*/false);
  byHostVariable_[hostSlot]->managedSlot = hostSlot;
}

cudaError_t ModuleRegistry::initializeManaged(FatbinModule *module, Device &device) {
  std::lock_guard lock(mutex_);
  bool hasManaged = std::any_of(module->variables.begin(), module->variables.end(),
                                [](const VariableRecord *v) { return v->managedSlot; });
  if (!hasManaged)
    return cudaSuccess; // loading stays lazy
  backend::Module *loadedModule = nullptr;
  return loaded(*module, device, &loadedModule);
}

void ModuleRegistry::publishManaged(FatbinModule &module, Device &device) {
  for (VariableRecord *record : module.variables) {
    if (!record->managedSlot)
      continue;
    void *current = *record->managedSlot;
    if (current && Runtime::instance().allocations().find(current))
      continue; // published on another device, still loaded
    void *address = nullptr;
    size_t size = 0;
    if (resolve(*record, device, &address, &size) == cudaSuccess)
      *record->managedSlot = address;
  }
}

VariableRecord *ModuleRegistry::findByHostVariable(const void *hostVariable) {
  std::lock_guard lock(mutex_);
  auto it = byHostVariable_.find(hostVariable);
  return it == byHostVariable_.end() ? nullptr : it->second;
}

cudaError_t ModuleRegistry::resolve(VariableRecord &record, Device &device,
                                    void **address, size_t *size) {
  std::lock_guard lock(mutex_);
  auto it = record.resolved.find(device.ordinal);
  if (it == record.resolved.end()) {
    backend::Module *module = nullptr;
    if (cudaError_t error = loaded(*record.module, device, &module))
      return error;
    VariableRecord::Placement placement;
    if (module->findGlobal(record.deviceName, &placement.address,
                           &placement.size) != backend::Status::Success) {
      log().error("variable {} is registered but missing from its module",
                  record.deviceName);
      return cudaErrorInvalidSymbol;
    }
    // Device code may use the variable's address like any device pointer.
    Runtime::instance().allocations().insert(
        {reinterpret_cast<uintptr_t>(placement.address), placement.size,
         record.managedSlot ? backend::MemoryKind::Managed : backend::MemoryKind::Device,
         device.ordinal, /*isSymbol=*/true});
    // Host code names a managed variable by its address (nvcc reads it
    // through the host pointer), so cudaMemcpyToSymbol(var, ...) passes that.
    if (record.managedSlot)
      byHostVariable_[placement.address] = &record;
    it = record.resolved.emplace(device.ordinal, placement).first;
  }
  *address = it->second.address;
  *size = it->second.size;
  return cudaSuccess;
}

void ModuleRegistry::resetDevice(Device &device) {
  std::lock_guard lock(mutex_);
  for (auto &[handle, module] : modules_) {
    auto it = module->loaded.find(device.ordinal);
    if (it == module->loaded.end())
      continue;
    if (it->second.module)
      device.backend->unloadModule(it->second.module);
    module->loaded.erase(it);
  }
  for (auto &[handle, kernel] : kernels_) {
    kernel->resolved.erase(device.ordinal);
    kernel->settings.erase(device.ordinal);
  }
  for (auto &variable : variables_) {
    auto placement = variable->resolved.find(device.ordinal);
    if (placement == variable->resolved.end())
      continue;
    byHostVariable_.erase(placement->second.address);
    if (variable->managedSlot)
      byHostVariable_[variable->managedSlot] = variable.get();
    variable->resolved.erase(placement);
  }
}

FunctionSettings ModuleRegistry::settings(const KernelRecord &record,
                                          int ordinal) const {
  std::lock_guard lock(mutex_);
  auto it = record.settings.find(ordinal);
  return it == record.settings.end() ? FunctionSettings{} : it->second;
}

void ModuleRegistry::updateSettings(
    KernelRecord &record, int ordinal,
    const std::function<void(FunctionSettings &)> &change) {
  std::lock_guard lock(mutex_);
  change(record.settings[ordinal]);
}

uint32_t ModuleRegistry::ptxArch(const KernelRecord &record, int ordinal) const {
  std::lock_guard lock(mutex_);
  auto it = record.module->loaded.find(ordinal);
  return it == record.module->loaded.end() ? 0 : it->second.ptxArch;
}

size_t ModuleRegistry::constantBytes(const KernelRecord &record) const {
  std::lock_guard lock(mutex_);
  size_t bytes = 0;
  for (const VariableRecord *variable : record.module->variables)
    if (variable->constant)
      bytes += variable->size;
  return bytes;
}

} // namespace cuport::rt
