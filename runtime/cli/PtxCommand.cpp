//===- cli/PtxCommand.cpp - cuport ptx ------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The command line of `cuport ptx`; the work is compiler/tools/PtxTool.cpp,
// shared with the cuport-ptx developer tool.
//
//===----------------------------------------------------------------------===//
#include "PtxCommand.h"

#include "BinaryInspector.h"
#include "tools/PtxTool.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <memory>

namespace cuport::cli {

namespace {

struct PtxCommandState {
  tools::TranslateOptions translate;
  std::string emit = "nvvm";
  std::vector<std::string> scanInputs;
};

int runScan(const std::vector<std::string> &inputs) {
  std::vector<tools::PtxText> texts;
  for (const std::string &path : inputs) {
    if (isElfFile(path)) {
      std::string error;
      std::vector<EmbeddedPtx> embedded = readEmbeddedPtx(path, error);
      if (!error.empty()) {
        llvm::errs() << "cuport ptx scan: " << error << "\n";
        return 2;
      }
      if (embedded.empty()) {
        llvm::errs() << "cuport ptx scan: " << path
                     << ": no PTX in its fatbinaries (built without PTX, or "
                        "not a CUDA program)\n";
        return 2;
      }
      for (EmbeddedPtx &ptx : embedded) {
        llvm::outs() << "scanning " << ptx.name << "\n";
        texts.push_back({std::move(ptx.name), std::move(ptx.text)});
      }
      continue;
    }
    auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path);
    if (!buffer) {
      llvm::errs() << "cuport ptx scan: " << path << ": "
                   << buffer.getError().message() << "\n";
      return 2;
    }
    texts.push_back({path, (*buffer)->getBuffer().str()});
  }
  translate::FormScan scan = tools::scanPtxTexts(texts);
  tools::printFormScan(scan, llvm::outs());
  if (scan.modules < texts.size())
    return 2; // a text did not parse
  return scan.unsupportedForms() ? 1 : 0;
}

} // namespace

void addPtxCommand(CLI::App &app) {
  auto state = std::make_shared<PtxCommandState>();
  CLI::App *ptx = app.add_subcommand(
      "ptx", "Inspect PTX: its translation, and which instructions cuport supports");
  ptx->require_subcommand(1);

  CLI::App *translate = ptx->add_subcommand(
      "translate", "Print the NVVM-form LLVM IR of PTX files (several files are "
                   "translation units of one program and are linked)");
  translate->add_option("files", state->translate.inputs, "PTX files")
      ->required()
      ->check(CLI::ExistingFile);
  translate->add_option("--emit", state->emit,
                        "nvvm (translator output), cpu (after the CPU lowering) "
                        "or descriptors")
      ->check(CLI::IsMember({"nvvm", "cpu", "descriptors"}));
  translate->add_option("-O", state->translate.optLevel,
                        "optimisation level for --emit cpu (default 3)");
  translate->final_callback([state] {
    static const std::map<std::string, tools::Emit> emits = {
        {"nvvm", tools::Emit::Nvvm},
        {"cpu", tools::Emit::Cpu},
        {"descriptors", tools::Emit::Descriptors}};
    state->translate.emit = emits.at(state->emit);
    int status = tools::translatePtxFiles(state->translate, llvm::outs(),
                                          llvm::errs());
    llvm::outs().flush();
    throw CLI::RuntimeError(status);
  });

  CLI::App *scan = ptx->add_subcommand(
      "scan", "List every instruction form in PTX files or in the fatbinaries "
              "of programs, with counts and whether cuport translates it");
  scan->add_option("inputs", state->scanInputs, "PTX files or binaries")
      ->required()
      ->check(CLI::ExistingFile);
  scan->final_callback([state] {
    int status = runScan(state->scanInputs);
    llvm::outs().flush();
    throw CLI::RuntimeError(status);
  });
}

} // namespace cuport::cli
