//===- ptx_fuzzer.cpp - libFuzzer target for the PTX parser ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to ptx::parseModule. libFuzzer hands over a buffer
// of exactly `size` bytes, so AddressSanitizer catches any read past the
// string_view. Beyond "no crash, no hang", the target checks the parser's
// contract: exactly one of {module, diagnostics}, one diagnostic with a
// real location on failure, and no internal errors. It then walks the tree
// through the Ast.h helpers.
//
// Seeds: test/data/ptx/*.ptx. Dictionary: test/data/ptx/fuzz.dict.
//   ptx_fuzzer -dict=test/data/ptx/fuzz.dict CORPUS_DIR test/data/ptx
//
//===----------------------------------------------------------------------===//
#include "ptx/Parser.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace cuport::ptx;

namespace {

uint64_t walk(const Block &block);

uint64_t walk(const Operand &operand) {
  uint64_t sum = operand.name.size() + operand.pairName.size() +
                 operand.intValue + uint64_t(operand.offset);
  for (const Operand &element : operand.elements)
    sum += walk(element);
  return sum;
}

uint64_t walk(const Statement &statement) {
  if (const auto *inst = std::get_if<Instruction>(&statement.node)) {
    uint64_t sum = inst->spelling().size() + inst->types().size() +
                   unsigned(inst->type()) + unsigned(inst->space()) +
                   inst->vectorWidth() + inst->has("sync");
    for (const Operand &operand : inst->operands)
      sum += walk(operand);
    return sum;
  }
  if (const auto *decl = std::get_if<VariableDecl>(&statement.node))
    return decl->sizeInBytes() + decl->init.size();
  if (const auto *block = std::get_if<Block>(&statement.node))
    return walk(*block);
  return std::get<Label>(statement.node).name.size();
}

uint64_t walk(const Block &block) {
  uint64_t sum = 0;
  for (const Statement &statement : block.statements)
    sum += walk(statement);
  return sum;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  ParseResult result = parseModule(text);

  if (result.module.has_value() == !result.diagnostics.empty())
    __builtin_trap(); // must be a module xor diagnostics
  if (!result.module) {
    const Diagnostic &d = result.diagnostics.front();
    if (result.diagnostics.size() != 1 || d.loc.line == 0 ||
        d.loc.column == 0 || d.message.empty())
      __builtin_trap(); // internal error or diagnostic without location
    (void)d.format("fuzz");
    return 0;
  }

  volatile uint64_t sink = result.module->smVersion();
  for (const VariableDecl &global : result.module->globals)
    sink = sink + global.sizeInBytes();
  for (const Function &function : result.module->functions) {
    if (function.body)
      sink = sink + walk(*function.body);
    for (const CallPrototype &prototype : function.prototypes)
      sink = sink + (function.findPrototype(prototype.name) != nullptr);
  }
  return 0;
}
