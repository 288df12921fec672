//===- cpu/KernelCompiler.cpp - Kernel images to host code ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "KernelCompiler.h"

#include "cuport/Log.h"
#include "passes/CpuPipeline.h"
#include "ptx/Parser.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
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

} // namespace

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
  if (images.size() > 1)
    return makeError("modules of several relocatable images (-rdc=true) are "
                     "not supported yet");
  const backend::ModuleImage &image = images.front();
  if (image.kind != backend::ImageKind::Ptx)
    return makeError("the CPU backend reads PTX images only so far");
  std::string sourceName =
      image.name.empty() ? "kernel.ptx" : std::string(image.name);
  std::string_view text(reinterpret_cast<const char *>(image.bytes.data()),
                        image.bytes.size());

  ptx::ParseResult parsed = ptx::parseModule(text);
  if (!parsed.module) {
    std::string message;
    for (const ptx::Diagnostic &diagnostic : parsed.diagnostics)
      message += (message.empty() ? "" : "\n") + diagnostic.format(sourceName);
    return makeError(message);
  }

  auto context = std::make_unique<LLVMContext>();
  auto translated = translate::translateToNvvm(*parsed.module, *context, sourceName);
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
