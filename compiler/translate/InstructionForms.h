//===- translate/InstructionForms.h - What a module needs ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Which instruction forms a PTX module uses and which of them the
// translator supports. A form is the opcode with its modifiers in source
// order, guard and operands stripped ("atom.global.add.u32"), the spelling
// of test/data/ptx-opcodes.txt.
//
// The answer comes from the translator itself, never from a list kept by
// hand: the module is translated, and every problem the translator reports
// (each carries the line and column of the instruction or of one of its
// operands) is attributed to the instruction at that position. A form is
// supported when none of its occurrences had a problem. This is what the
// translator can express; the CPU lowering of the IR (compiler/passes) may
// still reject a kernel, which `cuport ptx translate --emit=cpu` shows.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_INSTRUCTIONFORMS_H
#define CUPORT_TRANSLATE_INSTRUCTIONFORMS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cuport::ptx {
struct Instruction;
struct Module;
} // namespace cuport::ptx

namespace cuport::translate {

/// How one instruction form fared.
struct FormUse {
  uint64_t count = 0;  ///< occurrences
  uint64_t failed = 0; ///< occurrences the translator reported a problem for
  /// "name:line:col: message" of the first failed occurrence.
  std::string firstProblem;

  bool supported() const { return failed == 0; }
};

/// The forms of one or more modules.
struct FormScan {
  std::map<std::string, FormUse> forms; ///< by form, sorted
  /// Problems at no instruction (declarations, directives), and internal
  /// errors of the translation, as "name:line:col: message".
  std::vector<std::string> otherProblems;
  uint64_t modules = 0;

  /// Adds `other`'s counts to this scan.
  void merge(const FormScan &other);
  uint64_t instructions() const;
  uint64_t unsupportedForms() const;
};

/// The form of `inst`: "opcode.mod1.mod2...".
std::string instructionForm(const ptx::Instruction &inst);

/// Translates `module` (in a context of its own) and attributes each
/// problem to its instruction. `sourceName` prefixes the problems.
FormScan scanInstructionForms(const ptx::Module &module,
                              llvm::StringRef sourceName);

} // namespace cuport::translate

#endif // CUPORT_TRANSLATE_INSTRUCTIONFORMS_H
