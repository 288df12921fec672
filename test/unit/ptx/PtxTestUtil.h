//===- PtxTestUtil.h - Helpers for the PTX parser tests --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reading test inputs from test/data/ptx, walking a parsed function's
// statements (nested blocks flattened), and printing operands back to PTX
// text so tests can compare them with what was written.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TEST_UNIT_PTX_PTXTESTUTIL_H
#define CUPORT_TEST_UNIT_PTX_PTXTESTUTIL_H

#include "ptx/Parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cuport::ptx::test {

inline std::string readTestFile(const std::string &relative) {
  std::string path = std::string(CUPORT_TEST_DATA_DIR) + "/ptx/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Parses and asserts that there are no diagnostics.
inline Module parseOk(std::string_view text, std::string_view name = "input") {
  ParseResult result = parseModule(text);
  for (const Diagnostic &d : result.diagnostics)
    ADD_FAILURE() << d.format(name);
  EXPECT_TRUE(result.module.has_value());
  return result.module ? std::move(*result.module) : Module{};
}

/// The single diagnostic of a parse that must fail.
inline Diagnostic parseError(std::string_view text) {
  ParseResult result = parseModule(text);
  EXPECT_FALSE(result.module.has_value());
  EXPECT_EQ(result.diagnostics.size(), 1u);
  return result.diagnostics.empty() ? Diagnostic{} : result.diagnostics[0];
}

inline void collect(const Block &block, std::vector<const Statement *> &out) {
  for (const Statement &statement : block.statements) {
    out.push_back(&statement);
    if (const auto *nested = std::get_if<Block>(&statement.node))
      collect(*nested, out);
  }
}

/// Every instruction of a function body, nested blocks included, in order.
inline std::vector<const Instruction *> instructions(const Function &f) {
  std::vector<const Statement *> statements;
  if (f.body)
    collect(*f.body, statements);
  std::vector<const Instruction *> out;
  for (const Statement *s : statements)
    if (const auto *inst = std::get_if<Instruction>(&s->node))
      out.push_back(inst);
  return out;
}

inline std::vector<const VariableDecl *> declarations(const Function &f) {
  std::vector<const Statement *> statements;
  if (f.body)
    collect(*f.body, statements);
  std::vector<const VariableDecl *> out;
  for (const Statement *s : statements)
    if (const auto *decl = std::get_if<VariableDecl>(&s->node))
      out.push_back(decl);
  return out;
}

/// The first instruction spelled exactly so ("ld.global.f32"), or null.
inline const Instruction *findInstruction(const Function &f,
                                          std::string_view spelling) {
  for (const Instruction *inst : instructions(f))
    if (inst->spelling() == spelling)
      return inst;
  return nullptr;
}

inline const Function *findFunction(const Module &m, std::string_view name,
                                    bool withBody = true) {
  for (const Function &f : m.functions)
    if (f.name == name && f.body.has_value() == withBody)
      return &f;
  return nullptr;
}

inline const VariableDecl *findGlobal(const Module &m, std::string_view name) {
  for (const VariableDecl &g : m.globals)
    if (g.name == name)
      return &g;
  return nullptr;
}

inline std::string hex(uint64_t value) {
  std::ostringstream out;
  out << std::hex << std::uppercase << value;
  return out.str();
}

/// Prints an operand back in PTX syntax (canonical spacing).
inline std::string toString(const Operand &op) {
  static const char kAxes[] = "xyzw";
  std::string text = op.negated ? "!" : "";
  auto join = [](const std::vector<Operand> &elements) {
    std::string joined;
    for (size_t i = 0; i < elements.size(); ++i)
      joined += (i ? ", " : "") + toString(elements[i]);
    return joined;
  };
  switch (op.kind) {
  case Operand::Kind::Register:
    text += op.name;
    if (op.component >= 0)
      text += std::string(".") + kAxes[op.component];
    if (!op.pairName.empty())
      text += "|" + op.pairName;
    return text;
  case Operand::Kind::Immediate:
    return text + (op.isNegativeInt ? std::to_string(int64_t(op.intValue))
                                    : std::to_string(op.intValue));
  case Operand::Kind::FloatImm:
    if (op.isF32Bits) {
      std::string digits = hex(op.intValue);
      return text + "0f" + std::string(8 - digits.size(), '0') + digits;
    }
    if (op.isF64Bits) {
      std::string digits = hex(op.intValue);
      return text + "0d" + std::string(16 - digits.size(), '0') + digits;
    }
    return text + std::to_string(op.floatValue);
  case Operand::Kind::Symbol:
    text += op.name;
    if (op.offset)
      text += "+" + std::to_string(op.offset);
    return text;
  case Operand::Kind::Address:
    if (!op.elements.empty())
      return "[" + join(op.elements) + "]";
    if (op.name.empty())
      return "[" + std::to_string(op.offset) + "]";
    return "[" + op.name + (op.offset ? "+" + std::to_string(op.offset) : "") +
           "]";
  case Operand::Kind::Vector:
    return "{" + join(op.elements) + "}";
  case Operand::Kind::Sink:
    return "_";
  case Operand::Kind::List:
    return "(" + join(op.elements) + ")";
  }
  return "?";
}

/// Prints an instruction back: `@!%p1 bra.uni $L1;`.
inline std::string toString(const Instruction &inst) {
  std::string text;
  if (inst.guard)
    text += "@" + std::string(inst.guard->negated ? "!" : "") +
            inst.guard->predicate + " ";
  text += inst.spelling();
  for (size_t i = 0; i < inst.operands.size(); ++i)
    text += (i ? ", " : " ") + toString(inst.operands[i]);
  return text + ";";
}

/// Wraps instructions in a minimal module with one kernel.
inline std::string kernelWith(std::string_view body) {
  return ".version 9.0\n.target sm_80\n.address_size 64\n"
         ".visible .entry k()\n{\n" +
         std::string(body) + "\n}\n";
}

} // namespace cuport::ptx::test

#endif // CUPORT_TEST_UNIT_PTX_PTXTESTUTIL_H
