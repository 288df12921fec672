//===- tools/PtxTool.cpp - PTX translation for people ---------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "tools/PtxTool.h"

#include "passes/CpuPipeline.h"
#include "ptx/Parser.h"
#include "translate/LinkModules.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace cuport::tools {

namespace {

void printDescriptors(const translate::TranslatedModule &module,
                      raw_ostream &out) {
  for (const auto &kernel : module.kernels) {
    out << "kernel " << kernel.name << " args=" << kernel.argBufferSize
        << " shared=" << kernel.staticSharedBytes
        << " maxThreads=" << kernel.maxThreadsPerBlock
        << " features=" << kernel.features << "\n";
    for (const auto &param : kernel.params)
      out << "  param offset=" << param.offset << " size=" << param.size
          << " align=" << param.align << (param.isAggregate ? " aggregate" : "")
          << "\n";
  }
  for (const auto &global : module.globals)
    out << "global " << global.name << " addrspace=" << global.addressSpace
        << " size=" << global.size << (global.isExternal ? " extern" : "")
        << "\n";
}

Error lowerForHost(translate::TranslatedModule &module, unsigned optLevel) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  auto builder = orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  auto target = builder->createTargetMachine();
  if (!target)
    return target.takeError();
  passes::CpuPipelineOptions options;
  options.optLevel = optLevel;
  return passes::lowerForCpu(*module.module, module.kernels, **target, options);
}

} // namespace

int translatePtxFiles(const TranslateOptions &options, raw_ostream &out,
                      raw_ostream &err) {
  if (options.inputs.empty()) {
    err << "no PTX file given\n";
    return 1;
  }
  std::vector<std::unique_ptr<MemoryBuffer>> buffers;
  std::vector<ptx::ParseResult> parsed;
  std::vector<const ptx::Module *> modules;
  parsed.reserve(options.inputs.size()); // `modules` points into it
  bool failed = false;
  for (const std::string &path : options.inputs) {
    auto buffer = MemoryBuffer::getFileOrSTDIN(path);
    if (!buffer) {
      err << path << ": " << buffer.getError().message() << "\n";
      return 1;
    }
    parsed.push_back(ptx::parseModule((*buffer)->getBuffer()));
    buffers.push_back(std::move(*buffer));
    if (!parsed.back().module) {
      for (const auto &diagnostic : parsed.back().diagnostics)
        err << diagnostic.format(path) << "\n";
      failed = true;
      continue;
    }
    modules.push_back(&*parsed.back().module);
  }
  if (failed)
    return 1;

  LLVMContext context;
  // One file translates alone (its .extern symbols may stay undefined);
  // several are the translation units of one program and are linked.
  auto translated =
      modules.size() == 1
          ? translate::translateToNvvm(*modules.front(), context,
                                       options.inputs.front())
          : translate::translateAndLink(modules, options.inputs, context);
  if (!translated) {
    err << toString(translated.takeError()) << "\n";
    return 1;
  }
  if (options.emit == Emit::Descriptors) {
    printDescriptors(*translated, out);
    return 0;
  }
  if (options.emit == Emit::Cpu)
    if (Error error = lowerForHost(*translated, options.optLevel)) {
      err << toString(std::move(error)) << "\n";
      return 1;
    }
  translated->module->print(out, nullptr);
  return 0;
}

translate::FormScan scanPtxTexts(const std::vector<PtxText> &texts) {
  translate::FormScan total;
  for (const PtxText &text : texts) {
    ptx::ParseResult parsed = ptx::parseModule(text.text);
    if (!parsed.module) {
      for (const auto &diagnostic : parsed.diagnostics)
        total.otherProblems.push_back(diagnostic.format(text.name));
      continue;
    }
    total.merge(translate::scanInstructionForms(*parsed.module, text.name));
  }
  return total;
}

void printFormScan(const translate::FormScan &scan, raw_ostream &out) {
  out << "  count  status       form\n";
  for (const auto &[form, use] : scan.forms) {
    std::string status = use.supported()        ? "supported"
                         : use.failed == use.count ? "UNSUPPORTED"
                                                 : "PARTIAL";
    out << format("%7llu  %-11s  ", (unsigned long long)use.count,
                  status.c_str())
        << form;
    if (!use.supported()) {
      if (use.failed != use.count)
        out << "  (" << use.failed << " of " << use.count << " fail)";
      out << "  [" << use.firstProblem << "]";
    }
    out << "\n";
  }
  for (const std::string &problem : scan.otherProblems)
    out << "problem: " << problem << "\n";
  uint64_t unsupported = scan.unsupportedForms();
  out << "summary: " << scan.modules << " module(s), " << scan.instructions()
      << " instructions, " << scan.forms.size() << " forms: "
      << scan.forms.size() - unsupported << " supported, " << unsupported
      << " unsupported\n";
}

} // namespace cuport::tools
