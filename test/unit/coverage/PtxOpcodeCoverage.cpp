//===- PtxOpcodeCoverage.cpp - Which listed PTX forms translate -----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport_ptx_coverage --opcodes test/data/ptx-opcodes.txt
//                       --unsupported test/data/ptx-opcodes-unsupported.txt
//                       --corpus test/data/ptx-corpus
//                       [--corpus test/data/exec] [--update]
//
// Scans every PTX file of the corpus directories (real nvcc output: the
// programs of test/data/ptx-corpus, and the PTX the execution tests run,
// test/data/exec) with the translator (tools::scanPtxTexts, the code of
// `cuport ptx scan`) and reports, for every instruction form of the opcode
// list: supported, unsupported, or not seen in the corpus. A form is
// supported when the translator translated each of its occurrences; with
// test/data/exec in the corpus, a form that only an execution test pins
// (inline PTX) counts too, and it is then tested by execution.
//
// A ratchet, so coverage only grows:
//   - a listed form the corpus shows unsupported must be in the
//     known-unsupported list (otherwise it regressed, or a new corpus file
//     brought it in: either way someone must look);
//   - every form of the known-unsupported list must still be unsupported
//     and seen in the corpus (when a family lands, the list shrinks).
// --update rewrites the known-unsupported list from the scan instead.
// Exit status 0 when the ratchet holds.
//
//===----------------------------------------------------------------------===//
#include "tools/PtxTool.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace llvm;

static cl::opt<std::string> opcodesPath("opcodes", cl::Required,
                                        cl::desc("the list of forms (count form)"));
static cl::opt<std::string> unsupportedPath(
    "unsupported", cl::Required, cl::desc("the known-unsupported forms"));
static cl::list<std::string> corpusPaths("corpus", cl::OneOrMore,
                                         cl::desc("directory of .ptx files (repeatable)"));
static cl::opt<bool> update("update",
                            cl::desc("rewrite the known-unsupported list"));

namespace {

/// The forms of a list file: the last word of each line that is not blank
/// or a `#` comment ("  15583  add.s32" and "add.s32" both give add.s32).
std::vector<std::string> readForms(const std::string &path) {
  std::vector<std::string> forms;
  std::ifstream in(path);
  if (!in) {
    errs() << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::string line;
  while (std::getline(in, line)) {
    StringRef text = StringRef(line).trim();
    if (text.empty() || text.starts_with("#"))
      continue;
    forms.push_back(text.rsplit(' ').second.empty() ? text.str()
                                                    : text.rsplit(' ').second.trim().str());
  }
  return forms;
}

std::vector<cuport::tools::PtxText> readCorpus(const std::string &directory) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (sys::fs::directory_iterator it(directory, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::extension(it->path()) == ".ptx")
      paths.push_back(it->path());
  if (ec || paths.empty()) {
    errs() << "no .ptx file in " << directory << "\n";
    std::exit(2);
  }
  std::sort(paths.begin(), paths.end());
  std::vector<cuport::tools::PtxText> texts;
  for (const std::string &path : paths) {
    auto buffer = MemoryBuffer::getFile(path);
    if (!buffer) {
      errs() << path << ": " << buffer.getError().message() << "\n";
      std::exit(2);
    }
    texts.push_back({(sys::path::filename(directory) + "/" + sys::path::filename(path)).str(),
                     (*buffer)->getBuffer().str()});
  }
  return texts;
}

void writeKnownUnsupported(const std::string &path,
                           const std::vector<std::string> &forms) {
  std::ofstream out(path);
  out << "# Instruction forms of ptx-opcodes.txt that the translator does not "
         "support yet,\n"
         "# as the PTX corpus (test/data/ptx-corpus) shows them. The ctest "
         "coverage.ptxOpcodes\n"
         "# fails when a form listed here becomes supported (remove it) and "
         "when a supported\n"
         "# form becomes unsupported. Regenerate after adding a family:\n"
         "#   build/bin/cuport_ptx_coverage --opcodes test/data/ptx-opcodes.txt \\\n"
         "#     --unsupported test/data/ptx-opcodes-unsupported.txt \\\n"
         "#     --corpus test/data/ptx-corpus --corpus test/data/exec --update\n";
  for (const std::string &form : forms)
    out << form << "\n";
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "PTX opcode coverage ratchet\n");
  std::vector<std::string> listed = readForms(opcodesPath);
  std::vector<std::string> knownList =
      sys::fs::exists(unsupportedPath) ? readForms(unsupportedPath)
                                       : std::vector<std::string>{};
  std::set<std::string> known(knownList.begin(), knownList.end());
  std::vector<cuport::tools::PtxText> corpus;
  std::string corpusNames;
  for (const std::string &directory : corpusPaths) {
    std::vector<cuport::tools::PtxText> texts = readCorpus(directory);
    corpus.insert(corpus.end(), std::make_move_iterator(texts.begin()),
                  std::make_move_iterator(texts.end()));
    corpusNames += (corpusNames.empty() ? "" : ", ") + directory;
  }
  cuport::translate::FormScan scan = cuport::tools::scanPtxTexts(corpus);
  for (const std::string &problem : scan.otherProblems)
    outs() << "corpus problem: " << problem << "\n";

  size_t supported = 0, unsupported = 0, unseen = 0;
  std::vector<std::string> nowUnsupported, failures;
  std::set<std::string> listedSet(listed.begin(), listed.end());
  outs() << "PTX instruction forms of " << opcodesPath << "\nagainst "
         << corpus.size() << " files of " << corpusNames << ":\n";
  for (const std::string &form : listed) {
    auto found = scan.forms.find(form);
    std::string status;
    if (found == scan.forms.end()) {
      ++unseen;
      status = "not in corpus";
      if (known.count(form))
        failures.push_back(form + " is in the known-unsupported list but not "
                                  "in the corpus: remove it");
    } else if (found->second.supported()) {
      ++supported;
      status = "supported";
      if (known.count(form))
        failures.push_back(form + " is supported now: remove it from the "
                                  "known-unsupported list");
    } else {
      ++unsupported;
      nowUnsupported.push_back(form);
      status = "UNSUPPORTED  " + found->second.firstProblem;
      if (!known.count(form))
        failures.push_back(form + " is unsupported (" +
                           found->second.firstProblem +
                           ") but not in the known-unsupported list: a "
                           "regression, or a new corpus file brought it in");
    }
    outs() << format("  %-60s ", form.c_str()) << status << "\n";
  }
  for (const std::string &form : known)
    if (!listedSet.count(form))
      failures.push_back(form + " is in the known-unsupported list but not in " +
                         opcodesPath.getValue());

  size_t extra = 0, extraUnsupported = 0;
  for (const auto &[form, use] : scan.forms)
    if (!listedSet.count(form)) {
      ++extra;
      extraUnsupported += !use.supported();
    }
  outs() << "\nforms listed: " << listed.size() << ", supported: " << supported
         << ", unsupported: " << unsupported << ", not in corpus: " << unseen
         << "\ncorpus: " << scan.instructions() << " instructions, "
         << scan.forms.size() << " forms (" << extra << " not in the list, "
         << extraUnsupported << " of them unsupported)\n";

  if (update) {
    writeKnownUnsupported(unsupportedPath, nowUnsupported);
    outs() << "wrote " << nowUnsupported.size() << " forms to "
           << unsupportedPath << "\n";
    return 0;
  }
  for (const std::string &failure : failures)
    outs() << "FAILED: " << failure << "\n";
  if (!failures.empty())
    outs() << "(after a deliberate change, regenerate the list with --update)\n";
  return failures.empty() ? 0 : 1;
}
