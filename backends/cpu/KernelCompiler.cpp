//===- cpu/KernelCompiler.cpp - Kernel images to host code ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "KernelCompiler.h"

#include "DeviceServices.h"
#include "TextureServices.h"
#include "cuport/Log.h"
#include "passes/CpuPipeline.h"
#include "ptx/Parser.h"
#include "translate/LinkModules.h"
#include "translate/PtxToNvvm.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>

#ifndef CUPORT_VERSION_STRING
#define CUPORT_VERSION_STRING "unknown"
#endif

using namespace llvm;

namespace cuport::cpu {

namespace {

/// Code generation for the host: the most aggressive level.
constexpr CodeGenOptLevel kCodeGenOptLevel = CodeGenOptLevel::Aggressive;

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// The name of image `index` of `count` in messages: the entry's identifier
/// (the source file, with -lineinfo/-G), numbered when there are several.
std::string unitName(const backend::ModuleImage &image, size_t index,
                     size_t count) {
  std::string name = image.name.empty() ? "kernel.ptx" : std::string(image.name);
  if (count > 1)
    name += " (translation unit " + std::to_string(index + 1) + " of " +
            std::to_string(count) + ")";
  return name;
}

/// An object in this plugin, to find the plugin's build id.
const char pluginAnchor = 0;

/// What the generated code depends on besides its inputs: this build of
/// cuport (the plugin holds the translator, the passes and the backend)
/// and the libLLVM it runs with.
std::string compilerIdentity() {
  return std::string("cuport ") + CUPORT_VERSION_STRING + "; plugin " +
         binaryIdentity(&pluginAnchor) + "; libLLVM " +
         binaryIdentity(reinterpret_cast<const void *>(&sys::getHostCPUName));
}

} // namespace

Error KernelCompiler::defineDeviceServices(orc::JITDylib &dylib) {
  orc::MangleAndInterner mangle(jit_->getExecutionSession(), jit_->getDataLayout());
  orc::SymbolMap symbols;
  for (auto services : {deviceServiceSymbols(), textureServiceSymbols()})
    for (const ServiceSymbol &service : services)
      symbols[mangle(service.name)] = {orc::ExecutorAddr::fromPtr(service.address),
                                       JITSymbolFlags::Exported |
                                           JITSymbolFlags::Callable};
  return dylib.define(orc::absoluteSymbols(std::move(symbols)));
}

backend::Kernel *CpuModule::findKernel(std::string_view name) {
  auto it = kernels.find(name);
  return it == kernels.end() ? nullptr : it->second.get();
}

backend::Status CpuModule::findGlobal(std::string_view name, void **address,
                                      size_t *size) {
  auto it = globals.find(name);
  if (it == globals.end())
    return backend::Status::NotFound;
  *address = it->second.first;
  *size = it->second.second;
  return backend::Status::Success;
}

KernelCompiler::KernelCompiler(std::unique_ptr<orc::LLJIT> jit,
                               orc::JITTargetMachineBuilder machine,
                               KernelCache cache)
    : jit_(std::move(jit)), machineBuilder_(std::move(machine)),
      hostCpu_(machineBuilder_.getCPU()), compilerIdentity_(compilerIdentity()),
      cache_(std::move(cache)) {
  // JIT session errors (an object that does not link) reach the caller
  // through the failed lookup; the details go to the debug log, so that an
  // unusable cache entry is rebuilt without a word at the default level.
  jit_->getExecutionSession().setErrorReporter([](Error error) {
    cuport::log().debug("JIT: {}", toString(std::move(error)));
  });
}

Expected<std::unique_ptr<KernelCompiler>> KernelCompiler::create() {
  static std::once_flag initialised;
  std::call_once(initialised, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
  auto machine = orc::JITTargetMachineBuilder::detectHost();
  if (!machine)
    return machine.takeError();
  machine->setCodeGenOptLevel(kCodeGenOptLevel);
  auto jit = orc::LLJITBuilder().setJITTargetMachineBuilder(*machine).create();
  if (!jit)
    return jit.takeError();
  return std::unique_ptr<KernelCompiler>(new KernelCompiler(
      std::move(*jit), std::move(*machine), KernelCache::fromEnvironment()));
}

CacheKeyInputs
KernelCompiler::cacheKeyInputs(std::span<const backend::ModuleImage> images) const {
  CacheKeyInputs inputs;
  inputs.images = images;
  inputs.pipelineVersion = passes::kCpuPipelineVersion;
  inputs.pipelineSettings = passes::pipelineSettings();
  inputs.compilerIdentity = compilerIdentity_;
  inputs.llvmVersion = LLVM_VERSION_STRING;
  inputs.triple = machineBuilder_.getTargetTriple().str();
  inputs.cpu = hostCpu_;
  inputs.features = machineBuilder_.getFeatures().getString();
  inputs.pipelineOptLevel = passes::CpuPipelineOptions{}.optLevel;
  inputs.codegenOptLevel = unsigned(kCodeGenOptLevel);
  return inputs;
}

Expected<std::unique_ptr<CpuModule>>
KernelCompiler::compile(std::span<const backend::ModuleImage> images) {
  Clock::time_point start = Clock::now();
  if (images.empty())
    return makeError("no kernel image to compile");
  std::vector<std::string> names;
  for (size_t i = 0; i < images.size(); ++i)
    names.push_back(unitName(images[i], i, images.size()));
  std::string sourceName = names.size() == 1
                               ? names.front()
                               : std::to_string(names.size()) + " translation units";

  std::string key;
  if (cache_.enabled()) {
    key = computeCacheKey(cacheKeyInputs(images));
    if (std::optional<CacheEntry> cached = cache_.load(key)) {
      auto module = linkModule(*cached);
      if (module) {
        cuport::log().debug("kernel cache hit {}: {} for {}: {} kernels loaded "
                            "in {:.1f} ms, nothing compiled",
                            key.substr(0, 16), sourceName, hostCpu_,
                            (*module)->kernels.size(), millisecondsSince(start));
        return module;
      }
      cache_.remove(key, "it does not link: " + toString(module.takeError()));
    } else {
      cuport::log().debug("kernel cache miss {}: {}", key.substr(0, 16), sourceName);
    }
  }

  CompileTimes times;
  auto entry = compileToObject(images, names, times);
  if (!entry)
    return entry.takeError();
  Clock::time_point linkStart = Clock::now();
  auto module = linkModule(*entry);
  if (!module)
    return module.takeError();
  double link = millisecondsSince(linkStart);
  if (cache_.enabled())
    cache_.store(key, *entry, describeCacheKeyInputs(cacheKeyInputs(images)));
  cuport::log().debug("compiled {} for {}: {} kernels in {:.1f} ms (parse and "
                      "translate {:.1f} ms, lowering {:.1f} ms, code generation "
                      "{:.1f} ms, linking {:.1f} ms)",
                      sourceName, hostCpu_, (*module)->kernels.size(),
                      millisecondsSince(start), times.frontEnd, times.lowering,
                      times.codegen, link);
  return module;
}

Expected<CacheEntry>
KernelCompiler::compileToObject(std::span<const backend::ModuleImage> images,
                                const std::vector<std::string> &names,
                                CompileTimes &times) {
  Clock::time_point start = Clock::now();
  // One PTX module per image: a single one, or one per translation unit of
  // a program built with -rdc=true; they are linked into one module.
  std::vector<ptx::ParseResult> parsed;
  std::vector<const ptx::Module *> modules;
  std::string problems;
  parsed.reserve(images.size()); // `modules` points into it
  for (size_t i = 0; i < images.size(); ++i) {
    const backend::ModuleImage &image = images[i];
    if (image.kind != backend::ImageKind::Ptx)
      return makeError(names[i] + ": the CPU backend reads PTX images only so far");
    std::string_view text(reinterpret_cast<const char *>(image.bytes.data()),
                          image.bytes.size());
    parsed.push_back(ptx::parseModule(text));
    if (!parsed.back().module) {
      for (const ptx::Diagnostic &diagnostic : parsed.back().diagnostics)
        problems += (problems.empty() ? "" : "\n") + diagnostic.format(names[i]);
      continue;
    }
    modules.push_back(&*parsed.back().module);
  }
  if (!problems.empty())
    return makeError(problems);

  auto context = std::make_unique<LLVMContext>();
  auto translated = translate::translateAndLink(modules, names, *context);
  if (!translated)
    return translated.takeError();
  times.frontEnd = millisecondsSince(start);

  start = Clock::now();
  auto target = machineBuilder_.createTargetMachine();
  if (!target)
    return target.takeError();
  if (Error error = passes::lowerForCpu(*translated->module, translated->kernels,
                                        **target, passes::CpuPipelineOptions{}))
    return error;
  times.lowering = millisecondsSince(start);

  start = Clock::now();
  orc::SimpleCompiler compiler(**target);
  auto object = compiler(*translated->module);
  if (!object)
    return object.takeError();
  times.codegen = millisecondsSince(start);

  // Everything the backend needs later goes into the entry: a cache hit has
  // no IR and no translator descriptors. A new descriptor field the backend
  // uses must be added to CachedKernel and its JSON (KernelCache.cpp), with
  // kCacheFormatVersion bumped.
  CacheEntry entry;
  entry.object = std::move(*object);
  for (const translate::KernelDescriptor &desc : translated->kernels) {
    CachedKernel kernel;
    kernel.name = desc.name;
    for (const translate::ParamDescriptor &param : desc.params)
      kernel.params.push_back({param.offset, param.size, param.align});
    kernel.argBufferSize = desc.argBufferSize;
    kernel.staticSharedBytes = desc.staticSharedBytes;
    kernel.maxThreadsPerBlock = desc.maxThreadsPerBlock;
    kernel.features = desc.features;
    entry.kernels.push_back(std::move(kernel));
  }
  for (const translate::GlobalDescriptor &global : translated->globals)
    if (!global.isExternal && global.addressSpace != translate::SharedAS)
      entry.globals.push_back({global.name, global.size});
  return entry;
}

Expected<std::unique_ptr<CpuModule>>
KernelCompiler::linkModule(const CacheEntry &entry) {
  auto module = std::make_unique<CpuModule>();
  std::lock_guard lock(mutex_);
  auto dylib = jit_->createJITDylib("cuport.module." + std::to_string(nextModule_++));
  if (!dylib)
    return dylib.takeError();
  auto fail = [&](Error error) -> Expected<std::unique_ptr<CpuModule>> {
    consumeError(jit_->getExecutionSession().removeJITDylib(*dylib));
    return error;
  };
  auto processSymbols = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      jit_->getDataLayout().getGlobalPrefix());
  if (!processSymbols)
    return fail(processSymbols.takeError());
  dylib->addGenerator(std::move(*processSymbols));
  if (Error error = defineDeviceServices(*dylib))
    return fail(std::move(error));
  // The JIT owns what it is given and may keep it until the JITDylib goes.
  if (Error error = jit_->addObjectFile(
          *dylib, MemoryBuffer::getMemBufferCopy(
                      entry.object->getBuffer(),
                      entry.object->getBufferIdentifier())))
    return fail(std::move(error));

  for (const CachedKernel &cached : entry.kernels) {
    auto symbol = jit_->lookup(*dylib, cached.name);
    if (!symbol)
      return fail(symbol.takeError());
    backend::KernelInfo info;
    info.argBufferSize = cached.argBufferSize;
    info.staticSharedBytes = cached.staticSharedBytes;
    info.maxThreadsPerBlock = cached.maxThreadsPerBlock;
    info.flags = cached.features;
    module->kernels[cached.name] = std::make_unique<CpuKernel>(
        cached.name, cached.params, info, symbol->toPtr<BlockFunction>());
  }
  for (const CachedGlobal &global : entry.globals) {
    auto symbol = jit_->lookup(*dylib, global.name);
    if (!symbol)
      return fail(symbol.takeError());
    module->globals[global.name] = {symbol->toPtr<void *>(), global.size};
  }
  module->dylib = &*dylib;
  return module;
}

void KernelCompiler::release(CpuModule &module) {
  std::lock_guard lock(mutex_);
  if (module.dylib)
    consumeError(jit_->getExecutionSession().removeJITDylib(*module.dylib));
  module.dylib = nullptr;
}

} // namespace cuport::cpu
