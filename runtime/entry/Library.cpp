//===- entry/Library.cpp - Library management ------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaLibraryLoadData / LoadFromFile take PTX text, a fatbinary (or the
// wrapper nvcc registers) and make it a module of the ModuleRegistry whose
// kernels and variables are found by name. The library is loaded on the
// current device at once, so a PTX that does not translate fails the load
// (cudaErrorInvalidPtx); it loads on other devices when used there. A
// cudaKernel_t of a library is a KernelRecord like the ones cudaGetKernel
// returns: cudaLaunchKernel, cudaLaunchKernelExC, cudaFuncGetAttributes...
// accept it. A cubin (SASS) cannot run on any cuport backend:
// cudaErrorNoKernelImageForDevice. JIT and library options are accepted
// and ignored (they tune NVIDIA's compiler and loader).
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "fatbin/FatbinReader.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

using namespace cuport::rt;
namespace fatbin = cuport::fatbin;

namespace {

constexpr uint32_t kFatbinaryMagic = 0xBA55ED50;
constexpr uint32_t kWrapperMagic = 0x466243B1;

struct Library {
  FatbinModule *module = nullptr;
  std::vector<KernelRecord *> kernels;     ///< in the order of the PTX
  std::vector<std::string> managedNames;   ///< .attribute(.managed) globals
};

std::mutex &librariesMutex() {
  static auto *mutex = new std::mutex();
  return *mutex;
}

std::unordered_map<const void *, std::unique_ptr<Library>> &libraries() {
  static auto *all = new std::unordered_map<const void *, std::unique_ptr<Library>>();
  return *all;
}

Library *findLibrary(cudaLibrary_t handle) {
  std::lock_guard lock(librariesMutex());
  auto it = libraries().find(handle);
  return it == libraries().end() ? nullptr : it->second.get();
}

bool isIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         c == '%';
}

/// The identifier that ends `declaration` (before an initializer or array
/// bounds): `.global .align 4 .u32 counter[4] = {...}` -> counter.
std::string declaredName(std::string declaration) {
  declaration = declaration.substr(0, declaration.find('='));
  declaration = declaration.substr(0, declaration.find('['));
  size_t end = declaration.find_last_not_of(" \t\r\n");
  if (end == std::string::npos)
    return "";
  size_t begin = end;
  while (begin > 0 && isIdentifierChar(declaration[begin - 1]))
    --begin;
  return declaration.substr(begin, end + 1 - begin);
}

/// Kernel names (`.entry NAME`) and managed variables of one PTX text.
void scanPtx(const std::string &ptx, std::vector<std::string> &kernels,
             std::vector<std::string> &managed) {
  for (size_t at = ptx.find(".entry"); at != std::string::npos;
       at = ptx.find(".entry", at + 6)) {
    size_t begin = at + 6;
    if (begin >= ptx.size() || !std::isspace(static_cast<unsigned char>(ptx[begin])))
      continue;
    while (begin < ptx.size() && std::isspace(static_cast<unsigned char>(ptx[begin])))
      ++begin;
    size_t end = begin;
    while (end < ptx.size() && isIdentifierChar(ptx[end]))
      ++end;
    if (end > begin)
      kernels.push_back(ptx.substr(begin, end - begin));
  }
  for (size_t at = ptx.find(".managed"); at != std::string::npos;
       at = ptx.find(".managed", at + 8)) {
    size_t end = ptx.find(';', at);
    if (end == std::string::npos)
      break;
    if (std::string name = declaredName(ptx.substr(at + 8, end - at - 8));
        !name.empty())
      managed.push_back(name);
  }
}

bool looksLikePtx(const std::string &text) {
  return text.find(".version") != std::string::npos &&
         text.find(".target") != std::string::npos;
}

/// The architecture of `.target sm_XX` (0 when the text names none).
uint32_t targetArch(const std::string &ptx) {
  size_t at = ptx.find(".target");
  if (at == std::string::npos)
    return 0;
  at = ptx.find("sm_", at);
  return at == std::string::npos ? 0 : uint32_t(std::atoi(ptx.c_str() + at + 3));
}

/// The PTX a fatbinary offers the current device.
cudaError_t ptxOfFatbinary(const fatbin::Fatbinary &fatbinary, Device &device,
                           std::vector<PtxImage> &out) {
  const cuport::backend::DeviceProperties &props = device.backend->properties();
  unsigned sm = unsigned(props.computeMajor * 10 + props.computeMinor);
  auto entry = fatbin::selectPtx(fatbinary, sm);
  if (!entry)
    return cudaErrorNoKernelImageForDevice;
  auto text = fatbin::extractPtx(**entry);
  if (!text)
    return cudaErrorInvalidKernelImage;
  out.push_back({(*entry)->smArch, std::move(*text)});
  return cudaSuccess;
}

/// The PTX texts of a library image: PTX text, a fatbinary or nvcc's
/// registration wrapper.
cudaError_t ptxOfImage(const void *code, Device &device,
                       std::vector<PtxImage> &out) {
  uint32_t magic = 0;
  std::memcpy(&magic, code, sizeof(magic));
  if (magic == kFatbinaryMagic) {
    auto bytes = fatbin::fatbinaryInMemory(code);
    if (!bytes)
      return cudaErrorInvalidKernelImage;
    auto fatbinary = fatbin::parseFatbinary(*bytes);
    if (!fatbinary)
      return cudaErrorInvalidKernelImage;
    return ptxOfFatbinary(*fatbinary, device, out);
  }
  if (magic == kWrapperMagic) {
    auto image = fatbin::readRegisteredImage(code);
    if (!image)
      return cudaErrorInvalidKernelImage;
    const cuport::backend::DeviceProperties &props = device.backend->properties();
    auto selected = fatbin::selectPtx(
        *image, unsigned(props.computeMajor * 10 + props.computeMinor));
    if (!selected)
      return cudaErrorNoKernelImageForDevice;
    for (const fatbin::Entry *entry : *selected) {
      auto text = fatbin::extractPtx(*entry);
      if (!text)
        return cudaErrorInvalidKernelImage;
      out.push_back({entry->smArch, std::move(*text)});
    }
    return cudaSuccess;
  }
  if (std::memcmp(code, "\x7f" "ELF", 4) == 0)
    return cudaErrorNoKernelImageForDevice; // SASS for a GPU
  std::string text(static_cast<const char *>(code));
  if (!looksLikePtx(text))
    return cudaErrorInvalidKernelImage;
  uint32_t sm = targetArch(text);
  out.push_back({sm, std::move(text)});
  return cudaSuccess;
}

cudaError_t loadLibrary(cudaLibrary_t *out, const void *code,
                        unsigned numJitOptions, const void *jitOptions,
                        const void *jitValues, unsigned numLibraryOptions,
                        const void *libraryOptions, const void *libraryValues) {
  if (!out || !code || (numJitOptions && (!jitOptions || !jitValues)) ||
      (numLibraryOptions && (!libraryOptions || !libraryValues)))
    return cudaErrorInvalidValue;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  std::vector<PtxImage> ptx;
  if (cudaError_t error = ptxOfImage(code, *device, ptx))
    return error;
  auto library = std::make_unique<Library>();
  std::vector<std::string> kernelNames;
  for (const PtxImage &image : ptx)
    scanPtx(image.text, kernelNames, library->managedNames);
  ModuleRegistry &modules = Runtime::instance().modules();
  library->module = modules.registerPtx(std::move(ptx));
  if (cudaError_t error = modules.loadOn(library->module, *device)) {
    modules.unregister(library->module);
    return error;
  }
  for (const std::string &name : kernelNames)
    modules.registerFunction(library->module, nullptr, name.c_str());
  library->kernels = library->module->kernels;
  std::lock_guard lock(librariesMutex());
  *out = reinterpret_cast<cudaLibrary_t>(library->module);
  libraries().emplace(library->module, std::move(library));
  return cudaSuccess;
}

cudaError_t getKernel(cudaKernel_t *out, cudaLibrary_t handle, const char *name) {
  if (!out || !name)
    return cudaErrorInvalidValue;
  Library *library = findLibrary(handle);
  if (!library)
    return cudaErrorInvalidResourceHandle;
  for (KernelRecord *record : library->kernels)
    if (record->deviceName == name) {
      *out = reinterpret_cast<cudaKernel_t>(record);
      return cudaSuccess;
    }
  return cudaErrorSymbolNotFound;
}

/// Address and size of the library's variable `name` on the current device.
cudaError_t getVariable(void **address, size_t *bytes, cudaLibrary_t handle,
                        const char *name, bool managedOnly) {
  if (!address || !name)
    return cudaErrorInvalidValue;
  Library *library = findLibrary(handle);
  if (!library)
    return cudaErrorInvalidResourceHandle;
  if (managedOnly &&
      std::find(library->managedNames.begin(), library->managedNames.end(),
                name) == library->managedNames.end())
    return cudaErrorSymbolNotFound;
  Device *device = nullptr;
  if (cudaError_t error = Runtime::instance().currentDevice(&device))
    return error;
  ModuleRegistry &modules = Runtime::instance().modules();
  VariableRecord *record = nullptr;
  for (VariableRecord *variable : library->module->variables)
    if (variable->deviceName == name)
      record = variable;
  if (!record) {
    modules.registerVariable(library->module, nullptr, name, 0, false);
    record = library->module->variables.back();
  }
  void *found = nullptr;
  size_t size = 0;
  if (cudaError_t error = modules.resolve(*record, *device, &found, &size))
    return error == cudaErrorInvalidSymbol ? cudaErrorSymbolNotFound : error;
  *address = found;
  if (bytes)
    *bytes = size;
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaLibraryLoadData(
    cudaLibrary_t *library, const void *code, enum cudaJitOption *jitOptions,
    void **jitOptionsValues, unsigned int numJitOptions,
    enum cudaLibraryOption *libraryOptions, void **libraryOptionValues,
    unsigned int numLibraryOptions) {
  CUPORT_API_ENTRY(cudaLibraryLoadData);
  return recordError(loadLibrary(library, code, numJitOptions, jitOptions,
                                 jitOptionsValues, numLibraryOptions,
                                 libraryOptions, libraryOptionValues));
}

CUPORT_EXPORT cudaError_t cudaLibraryLoadFromFile(
    cudaLibrary_t *library, const char *fileName, enum cudaJitOption *jitOptions,
    void **jitOptionsValues, unsigned int numJitOptions,
    enum cudaLibraryOption *libraryOptions, void **libraryOptionValues,
    unsigned int numLibraryOptions) {
  CUPORT_API_ENTRY(cudaLibraryLoadFromFile);
  if (!library || !fileName)
    return recordError(cudaErrorInvalidValue);
  std::ifstream file(fileName, std::ios::binary);
  if (!file)
    return recordError(cudaErrorFileNotFound);
  std::string contents((std::istreambuf_iterator<char>(file)),
                       std::istreambuf_iterator<char>());
  if (contents.size() < 4)
    return recordError(cudaErrorInvalidKernelImage);
  contents.push_back('\0'); // PTX text ends at the file's end
  return recordError(loadLibrary(library, contents.data(), numJitOptions,
                                 jitOptions, jitOptionsValues, numLibraryOptions,
                                 libraryOptions, libraryOptionValues));
}

CUPORT_EXPORT cudaError_t cudaLibraryUnload(cudaLibrary_t library) {
  CUPORT_API_ENTRY(cudaLibraryUnload);
  std::unique_ptr<Library> owned;
  {
    std::lock_guard lock(librariesMutex());
    auto it = libraries().find(library);
    if (it == libraries().end())
      return recordError(cudaErrorInvalidResourceHandle);
    owned = std::move(it->second);
    libraries().erase(it);
  }
  // Work already submitted may still use its kernels.
  Device *device = nullptr;
  if (Runtime::instance().currentDevice(&device) == cudaSuccess)
    device->drain();
  Runtime::instance().modules().unregister(owned->module);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLibraryGetKernel(cudaKernel_t *pKernel,
                                               cudaLibrary_t library,
                                               const char *name) {
  CUPORT_API_ENTRY(cudaLibraryGetKernel);
  return recordError(getKernel(pKernel, library, name));
}

CUPORT_EXPORT cudaError_t cudaLibraryGetKernelCount(unsigned int *count,
                                                    cudaLibrary_t lib) {
  CUPORT_API_ENTRY(cudaLibraryGetKernelCount);
  if (!count)
    return recordError(cudaErrorInvalidValue);
  Library *library = findLibrary(lib);
  if (!library)
    return recordError(cudaErrorInvalidResourceHandle);
  *count = unsigned(library->kernels.size());
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLibraryEnumerateKernels(cudaKernel_t *kernels,
                                                      unsigned int numKernels,
                                                      cudaLibrary_t lib) {
  CUPORT_API_ENTRY(cudaLibraryEnumerateKernels);
  if (!kernels)
    return recordError(cudaErrorInvalidValue);
  Library *library = findLibrary(lib);
  if (!library)
    return recordError(cudaErrorInvalidResourceHandle);
  size_t count = std::min<size_t>(numKernels, library->kernels.size());
  for (size_t i = 0; i < count; ++i)
    kernels[i] = reinterpret_cast<cudaKernel_t>(library->kernels[i]);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaLibraryGetGlobal(void **dptr, size_t *bytes,
                                               cudaLibrary_t library,
                                               const char *name) {
  CUPORT_API_ENTRY(cudaLibraryGetGlobal);
  return recordError(getVariable(dptr, bytes, library, name, false));
}

CUPORT_EXPORT cudaError_t cudaLibraryGetManaged(void **dptr, size_t *bytes,
                                                cudaLibrary_t library,
                                                const char *name) {
  CUPORT_API_ENTRY(cudaLibraryGetManaged);
  // Device memory is host-addressable on every cuport backend: a managed
  // variable is its global.
  return recordError(getVariable(dptr, bytes, library, name, true));
}

CUPORT_EXPORT cudaError_t cudaLibraryGetUnifiedFunction(void **fptr,
                                                        cudaLibrary_t library,
                                                        const char *symbol) {
  CUPORT_API_ENTRY(cudaLibraryGetUnifiedFunction);
  if (!fptr || !symbol)
    return recordError(cudaErrorInvalidValue);
  if (!findLibrary(library))
    return recordError(cudaErrorInvalidResourceHandle);
  // No device reports cudaDevAttrUnifiedFunctionPointers: no library has a
  // unified function, as CUDA answers on such systems.
  *fptr = nullptr;
  return recordError(cudaErrorSymbolNotFound);
}

CUPORT_EXPORT cudaError_t cudaKernelSetAttributeForDevice(
    cudaKernel_t kernel, enum cudaFuncAttribute attr, int value, int device) {
  CUPORT_API_ENTRY(cudaKernelSetAttributeForDevice);
  ModuleRegistry &modules = Runtime::instance().modules();
  if (!kernel || !modules.isKernel(kernel))
    return recordError(cudaErrorInvalidResourceHandle);
  Device *target = Runtime::instance().device(device);
  if (!target)
    return recordError(cudaErrorInvalidDevice);
  auto *record = reinterpret_cast<KernelRecord *>(kernel);
  cuport::backend::Kernel *loaded = nullptr;
  if (cudaError_t error = modules.resolve(*record, *target, &loaded))
    return recordError(error);
  return recordError(setFunctionAttribute({record, target, loaded}, attr, value));
}
