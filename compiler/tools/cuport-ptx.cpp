//===- tools/cuport-ptx.cpp - Inspect the PTX translation -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport-ptx FILE.ptx [--emit=nvvm|cpu|descriptors]
//
// Shows what cuport makes of a PTX file: the NVVM-form module the translator
// produces (nvvm), the module after the CPU lowering and optimisation (cpu),
// or the kernel descriptors (descriptors). Used by the golden tests and by
// anyone bringing up a backend. Problems go to stderr with file:line:col;
// the exit status is 1 then.
//
//===----------------------------------------------------------------------===//
#include "passes/CpuPipeline.h"
#include "ptx/Parser.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<file.ptx>"),
                                      cl::Required);
enum class Emit { Nvvm, Cpu, Descriptors };
static cl::opt<Emit> emit(
    "emit", cl::desc("what to print"), cl::init(Emit::Nvvm),
    cl::values(clEnumValN(Emit::Nvvm, "nvvm", "NVVM-form IR from the translator"),
               clEnumValN(Emit::Cpu, "cpu", "IR after the CPU lowering (O3)"),
               clEnumValN(Emit::Descriptors, "descriptors", "kernel descriptors")));
static cl::opt<unsigned> optLevel("O", cl::desc("optimisation level for --emit=cpu"),
                                  cl::init(3), cl::Prefix);

static void printDescriptors(const cuport::translate::TranslatedModule &module) {
  for (const auto &kernel : module.kernels) {
    outs() << "kernel " << kernel.name << " args=" << kernel.argBufferSize
           << " shared=" << kernel.staticSharedBytes
           << " maxThreads=" << kernel.maxThreadsPerBlock
           << " features=" << kernel.features << "\n";
    for (const auto &param : kernel.params)
      outs() << "  param offset=" << param.offset << " size=" << param.size
             << " align=" << param.align
             << (param.isAggregate ? " aggregate" : "") << "\n";
  }
  for (const auto &global : module.globals)
    outs() << "global " << global.name << " addrspace=" << global.addressSpace
           << " size=" << global.size << (global.isExternal ? " extern" : "")
           << "\n";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "cuport PTX translation inspector\n");
  auto buffer = MemoryBuffer::getFileOrSTDIN(inputPath);
  if (!buffer) {
    errs() << inputPath << ": " << buffer.getError().message() << "\n";
    return 1;
  }
  cuport::ptx::ParseResult parsed = cuport::ptx::parseModule((*buffer)->getBuffer());
  if (!parsed.module) {
    for (const auto &diagnostic : parsed.diagnostics)
      errs() << diagnostic.format(inputPath) << "\n";
    return 1;
  }
  LLVMContext context;
  auto translated = cuport::translate::translateToNvvm(*parsed.module, context, inputPath);
  if (!translated) {
    errs() << toString(translated.takeError()) << "\n";
    return 1;
  }
  if (emit == Emit::Descriptors) {
    printDescriptors(*translated);
    return 0;
  }
  if (emit == Emit::Cpu) {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    auto builder = orc::JITTargetMachineBuilder::detectHost();
    if (!builder) {
      errs() << toString(builder.takeError()) << "\n";
      return 1;
    }
    auto target = builder->createTargetMachine();
    if (!target) {
      errs() << toString(target.takeError()) << "\n";
      return 1;
    }
    cuport::passes::CpuPipelineOptions options;
    options.optLevel = optLevel;
    if (Error error = cuport::passes::lowerForCpu(*translated->module,
                                                  translated->kernels, **target,
                                                  options)) {
      errs() << toString(std::move(error)) << "\n";
      return 1;
    }
  }
  translated->module->print(outs(), nullptr);
  return 0;
}
