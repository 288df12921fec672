//===- tools/PtxTool.h - PTX translation for people ------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What `cuport-ptx` and `cuport ptx translate|scan` do, in one place:
//   translate  PTX files -> the NVVM-form module (several files: one per
//              translation unit, linked as for -rdc=true), the module after
//              the CPU lowering, or the kernel descriptors;
//   scan       PTX texts -> every instruction form used, with its count and
//              whether the translator supports it (translate/InstructionForms).
// Output goes to the given streams; problems carry file:line:col.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TOOLS_PTXTOOL_H
#define CUPORT_TOOLS_PTXTOOL_H

#include "translate/InstructionForms.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cuport::tools {

enum class Emit { Nvvm, Cpu, Descriptors };

struct TranslateOptions {
  std::vector<std::string> inputs; ///< PTX files ("-" is stdin)
  Emit emit = Emit::Nvvm;
  unsigned optLevel = 3; ///< for Emit::Cpu
};

/// Translates (and with several inputs links) the files and prints what
/// `options.emit` asks for. Returns the exit status: 0, or 1 on a problem.
int translatePtxFiles(const TranslateOptions &options, llvm::raw_ostream &out,
                      llvm::raw_ostream &err);

/// One PTX text to scan and the name it goes by in messages.
struct PtxText {
  std::string name;
  std::string text;
};

/// Parses and scans each text; parse errors are added to otherProblems.
translate::FormScan scanPtxTexts(const std::vector<PtxText> &texts);

/// Prints a scan as a table: one line per form (count, status, form, and
/// the first problem of an unsupported one), then a summary line.
void printFormScan(const translate::FormScan &scan, llvm::raw_ostream &out);

} // namespace cuport::tools

#endif // CUPORT_TOOLS_PTXTOOL_H
