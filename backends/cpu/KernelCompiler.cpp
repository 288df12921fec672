//===- cpu/KernelCompiler.cpp - Kernel images to host code ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "KernelCompiler.h"

#include "DeviceServices.h"
#include "cuport/Log.h"
#include "passes/CpuPipeline.h"
#include "ptx/Parser.h"
#include "translate/LinkModules.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace llvm;

namespace cuport::cpu {

namespace {

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

} // namespace

Error KernelCompiler::defineDeviceServices(orc::JITDylib &dylib) {
  orc::MangleAndInterner mangle(jit_->getExecutionSession(), jit_->getDataLayout());
  orc::SymbolMap symbols;
  for (const ServiceSymbol &service : deviceServiceSymbols())
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
                               orc::JITTargetMachineBuilder machine)
    : jit_(std::move(jit)), machineBuilder_(std::move(machine)),
      hostCpu_(machineBuilder_.getCPU()) {}

Expected<std::unique_ptr<KernelCompiler>> KernelCompiler::create() {
  static std::once_flag initialised;
  std::call_once(initialised, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
  auto machine = orc::JITTargetMachineBuilder::detectHost();
  if (!machine)
    return machine.takeError();
  machine->setCodeGenOptLevel(CodeGenOptLevel::Aggressive);
  auto jit = orc::LLJITBuilder().setJITTargetMachineBuilder(*machine).create();
  if (!jit)
    return jit.takeError();
  return std::unique_ptr<KernelCompiler>(
      new KernelCompiler(std::move(*jit), std::move(*machine)));
}

Expected<std::unique_ptr<CpuModule>>
KernelCompiler::compile(std::span<const backend::ModuleImage> images) {
  if (images.empty())
    return makeError("no kernel image to compile");
  // One PTX module per image: a single one, or one per translation unit of
  // a program built with -rdc=true; they are linked into one module.
  std::vector<ptx::ParseResult> parsed;
  std::vector<const ptx::Module *> modules;
  std::vector<std::string> names;
  std::string problems;
  parsed.reserve(images.size()); // `modules` points into it
  for (size_t i = 0; i < images.size(); ++i) {
    const backend::ModuleImage &image = images[i];
    names.push_back(unitName(image, i, images.size()));
    if (image.kind != backend::ImageKind::Ptx)
      return makeError(names.back() + ": the CPU backend reads PTX images only so far");
    std::string_view text(reinterpret_cast<const char *>(image.bytes.data()),
                          image.bytes.size());
    parsed.push_back(ptx::parseModule(text));
    if (!parsed.back().module) {
      for (const ptx::Diagnostic &diagnostic : parsed.back().diagnostics)
        problems += (problems.empty() ? "" : "\n") + diagnostic.format(names.back());
      continue;
    }
    modules.push_back(&*parsed.back().module);
  }
  if (!problems.empty())
    return makeError(problems);
  std::string sourceName = names.size() == 1
                               ? names.front()
                               : std::to_string(names.size()) + " translation units";

  auto context = std::make_unique<LLVMContext>();
  auto translated = translate::translateAndLink(modules, names, *context);
  if (!translated)
    return translated.takeError();

  auto target = machineBuilder_.createTargetMachine();
  if (!target)
    return target.takeError();
  if (Error error = passes::lowerForCpu(*translated->module, translated->kernels,
                                        **target))
    return std::move(error);

  auto module = std::make_unique<CpuModule>();
  std::lock_guard lock(mutex_);
  auto dylib = jit_->createJITDylib("cuport.module." + std::to_string(nextModule_++));
  if (!dylib)
    return dylib.takeError();
  module->dylib = &*dylib;
  auto processSymbols = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      jit_->getDataLayout().getGlobalPrefix());
  if (!processSymbols)
    return processSymbols.takeError();
  dylib->addGenerator(std::move(*processSymbols));
  if (Error error = defineDeviceServices(*dylib))
    return std::move(error);

  if (Error error = jit_->addIRModule(
          *dylib, orc::ThreadSafeModule(std::move(translated->module),
                                        std::move(context))))
    return std::move(error);

  for (const translate::KernelDescriptor &desc : translated->kernels) {
    auto symbol = jit_->lookup(*dylib, desc.name);
    if (!symbol)
      return symbol.takeError();
    std::vector<backend::ParamLayout> params;
    for (const translate::ParamDescriptor &param : desc.params)
      params.push_back({param.offset, param.size, param.align});
    backend::KernelInfo info;
    info.argBufferSize = desc.argBufferSize;
    info.staticSharedBytes = desc.staticSharedBytes;
    info.maxThreadsPerBlock = desc.maxThreadsPerBlock;
    info.flags = desc.features;
    module->kernels[desc.name] = std::make_unique<CpuKernel>(
        desc.name, std::move(params), info, symbol->toPtr<BlockFunction>());
  }
  for (const translate::GlobalDescriptor &global : translated->globals) {
    if (global.isExternal || global.addressSpace == translate::SharedAS)
      continue;
    auto symbol = jit_->lookup(*dylib, global.name);
    if (!symbol)
      return symbol.takeError();
    module->globals[global.name] = {symbol->toPtr<void *>(), global.size};
  }
  cuport::log().debug("compiled {} for {}: {} kernels", sourceName, hostCpu_,
                      module->kernels.size());
  return module;
}

void KernelCompiler::release(CpuModule &module) {
  std::lock_guard lock(mutex_);
  if (module.dylib)
    consumeError(jit_->getExecutionSession().removeJITDylib(*module.dylib));
  module.dylib = nullptr;
}

} // namespace cuport::cpu
