//===- translate/InstructionForms.cpp - What a module needs ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: a parsed PTX module. Out: per instruction form, its occurrences and
// how many of them the translator could not translate.
//
// Attribution: every statement of the module (variables, functions, labels,
// instructions) is an anchor at its source position. A problem belongs to
// the last anchor at or before its position; problems reported at an
// operand (which may sit on a later line than its opcode, as in nvcc's
// multi-line `call`) thus land on their instruction, and problems of
// declarations land on no instruction.
//
//===----------------------------------------------------------------------===//
#include "translate/InstructionForms.h"

#include "ptx/Ast.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/LLVMContext.h"

#include <algorithm>
#include <tuple>

using namespace llvm;

namespace cuport::translate {

namespace {

struct Anchor {
  uint32_t line = 0, column = 0;
  /// Index into the instruction list; -1 for any other statement.
  int64_t instruction = -1;

  bool operator<(const Anchor &other) const {
    return std::tie(line, column) < std::tie(other.line, other.column);
  }
};

class AnchorCollector {
public:
  std::vector<Anchor> anchors;
  std::vector<const ptx::Instruction *> instructions;

  void collect(const ptx::Module &module) {
    for (const ptx::VariableDecl &global : module.globals)
      add(global.loc);
    for (const ptx::Function &function : module.functions) {
      add(function.loc);
      for (const ptx::VariableDecl &param : function.params)
        add(param.loc);
      if (function.body)
        collect(*function.body);
    }
    std::stable_sort(anchors.begin(), anchors.end());
  }

private:
  void add(const ptx::SourceLoc &loc, int64_t instruction = -1) {
    anchors.push_back({loc.line, loc.column, instruction});
  }

  void collect(const ptx::Block &block) {
    add(block.loc);
    for (const ptx::Statement &statement : block.statements) {
      if (auto *inst = std::get_if<ptx::Instruction>(&statement.node)) {
        add(inst->loc, static_cast<int64_t>(instructions.size()));
        instructions.push_back(inst);
      } else if (auto *label = std::get_if<ptx::Label>(&statement.node)) {
        add(label->loc);
      } else if (auto *decl = std::get_if<ptx::VariableDecl>(&statement.node)) {
        add(decl->loc);
      } else if (auto *nested = std::get_if<ptx::Block>(&statement.node)) {
        collect(*nested);
      }
    }
  }
};

std::string located(StringRef name, uint32_t line, uint32_t column,
                    StringRef message) {
  return name.str() + ":" + std::to_string(line) + ":" +
         std::to_string(column) + ": " + message.str();
}

} // namespace

void FormScan::merge(const FormScan &other) {
  for (const auto &[form, use] : other.forms) {
    FormUse &mine = forms[form];
    mine.count += use.count;
    mine.failed += use.failed;
    if (mine.firstProblem.empty())
      mine.firstProblem = use.firstProblem;
  }
  otherProblems.insert(otherProblems.end(), other.otherProblems.begin(),
                       other.otherProblems.end());
  modules += other.modules;
}

uint64_t FormScan::instructions() const {
  uint64_t total = 0;
  for (const auto &[form, use] : forms)
    total += use.count;
  return total;
}

uint64_t FormScan::unsupportedForms() const {
  return std::count_if(forms.begin(), forms.end(),
                       [](const auto &entry) { return !entry.second.supported(); });
}

std::string instructionForm(const ptx::Instruction &inst) {
  return inst.spelling();
}

FormScan scanInstructionForms(const ptx::Module &module, StringRef sourceName) {
  AnchorCollector collector;
  collector.collect(module);

  FormScan scan;
  scan.modules = 1;
  std::vector<std::string> forms;
  for (const ptx::Instruction *inst : collector.instructions) {
    forms.push_back(instructionForm(*inst));
    ++scan.forms[forms.back()].count;
  }

  LLVMContext context;
  std::vector<TranslationProblem> problems;
  auto translated = translateToNvvm(module, context, sourceName, &problems);
  if (!translated) {
    std::string message = toString(translated.takeError());
    if (problems.empty()) // not about an instruction: an internal error
      scan.otherProblems.push_back(message);
  }

  std::vector<std::string> failures(collector.instructions.size());
  for (const TranslationProblem &problem : problems) {
    std::string text =
        located(sourceName, problem.line, problem.column, problem.message);
    Anchor position{problem.line, problem.column, -1};
    auto after = std::upper_bound(collector.anchors.begin(),
                                  collector.anchors.end(), position);
    if (problem.line == 0 || after == collector.anchors.begin() ||
        std::prev(after)->instruction < 0) {
      scan.otherProblems.push_back(std::move(text));
      continue;
    }
    std::string &failure = failures[std::prev(after)->instruction];
    if (failure.empty())
      failure = std::move(text);
  }
  for (size_t i = 0; i < failures.size(); ++i) {
    if (failures[i].empty())
      continue;
    FormUse &use = scan.forms[forms[i]];
    ++use.failed;
    if (use.firstProblem.empty())
      use.firstProblem = failures[i];
  }
  return scan;
}

} // namespace cuport::translate
