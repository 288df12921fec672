//===- ptx/Parser.h - PTX text to syntax tree ------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Parses PTX text (ISA up to 9.0) into a ptx::Module. The parser is a
// recursive-descent parser over the tokens of ptx/Lexer.h. Any malformed
// input yields diagnostics with line and column and no module; the parser
// never aborts, throws out of parseModule, or reads past the input.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PTX_PARSER_H
#define CUPORT_PTX_PARSER_H

#include "ptx/Ast.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuport::ptx {

struct Diagnostic {
  SourceLoc loc;
  std::string message;
  /// "name:line:col: message"
  std::string format(std::string_view sourceName) const;
};

struct ParseResult {
  std::optional<Module> module; ///< set exactly when parsing succeeded
  std::vector<Diagnostic> diagnostics;
};

/// Parses a whole PTX module. `text` need not be NUL-terminated.
ParseResult parseModule(std::string_view text);

} // namespace cuport::ptx

#endif // CUPORT_PTX_PARSER_H
