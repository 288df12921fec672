//===- ptx/Lexer.h - Tokens of PTX text ------------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Splits PTX text into tokens, one at a time. In: a string_view (not
// necessarily NUL-terminated). Out: tokens whose text views point into it,
// each with its 1-based line and column. Comments and white space are
// skipped. The lexer never reads outside the view and never throws; a
// malformed piece of text becomes a TokenKind::Error token whose `error`
// says what is wrong, after which the lexer keeps going.
//
// Token shapes (PTX ISA 9.0, section 4):
//   identifier  [A-Za-z][A-Za-z0-9_$]* | [_$%][A-Za-z0-9_$]+ ; also a lone
//               `_` (the sink). Registers (%r1) and labels ($L__BB0_2)
//               are identifiers.
//   directive   `.` followed by [A-Za-z0-9_$]+, with `::` continuations
//               kept inside the token: `.shared::cluster`, `.L2::128B`.
//   integer     decimal, 0x hex, 0 octal, 0b binary, optional U suffix.
//               A minus sign is its own token; the parser folds `-` and a
//               literal into a negative value.
//   float       0f + 8 hex digits (f32 bits), 0d + 16 hex digits (f64
//               bits), or decimal with a fraction and/or exponent.
//   string      "..." with backslash escapes; the text keeps the quotes.
//   punctuation ( ) [ ] { } < > , ; : + - ! | @ = * / % & ^ ~ << >>
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PTX_LEXER_H
#define CUPORT_PTX_LEXER_H

#include "ptx/Ast.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace cuport::ptx {

enum class TokenKind : uint8_t {
  EndOfFile,
  Error,
  Identifier,
  Directive,
  Integer,
  Float,
  String,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Less,
  Greater,
  Comma,
  Semicolon,
  Colon,
  Plus,
  Minus,
  Bang,
  Pipe,
  At,
  Equal,
  Star,
  Slash,
  Percent,
  Amp,
  Caret,
  Tilde,
  ShiftLeft,
  ShiftRight,
};

/// Human-readable name of a token kind ("identifier", "';'").
std::string_view tokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  std::string_view text; ///< the token's spelling in the input
  SourceLoc loc;
  /// Integer: the value. Float written 0f/0d: the raw bits.
  uint64_t intValue = 0;
  /// Float: the value as a double.
  double floatValue = 0;
  bool isF32Bits = false;         ///< Float written 0fXXXXXXXX
  bool isF64Bits = false;         ///< Float written 0dXXXXXXXXXXXXXXXX
  bool hasUnsignedSuffix = false; ///< Integer written with U
  /// Error: what is wrong (a static string).
  std::string_view error;

  bool is(TokenKind k) const { return kind == k; }
  /// A directive token spelled exactly `.name` (name given without dot).
  bool isDirective(std::string_view name) const;
  /// Directive text without the leading dot.
  std::string_view directiveName() const;
};

class Lexer {
public:
  explicit Lexer(std::string_view text) : text_(text) {}

  /// Returns the next token; EndOfFile forever once the input is used up.
  Token next();

private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char peekChar(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance(size_t count = 1);
  /// Skips blanks and comments; returns an Error token's message for an
  /// unterminated block comment, else empty.
  std::string_view skipTrivia(SourceLoc &commentStart);

  Token make(TokenKind kind, size_t begin, SourceLoc loc) const;
  Token makeError(size_t begin, SourceLoc loc, std::string_view message) const;
  Token lexIdentifier(size_t begin, SourceLoc loc);
  Token lexDirective(size_t begin, SourceLoc loc);
  Token lexNumber(size_t begin, SourceLoc loc);
  Token lexDecimalFloat(size_t begin, SourceLoc loc);
  Token lexHexFloat(size_t begin, SourceLoc loc, unsigned digits);
  Token lexString(size_t begin, SourceLoc loc);
  Token lexPunctuation(size_t begin, SourceLoc loc);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t lineStart_ = 0;
};

/// Identifier characters after the first: [A-Za-z0-9_$].
inline bool isIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$';
}

} // namespace cuport::ptx

#endif // CUPORT_PTX_LEXER_H
