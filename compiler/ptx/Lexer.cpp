//===- ptx/Lexer.cpp - Tokens of PTX text ---------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A hand-written scanner: one switch on the first character of each token,
// bounds-checked look-ahead through peekChar(), no regular expressions and
// no allocation. See Lexer.h for the token shapes.
//
//===----------------------------------------------------------------------===//
#include "ptx/Lexer.h"

#include <bit>
#include <charconv>
#include <limits>

namespace cuport::ptx {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isHexDigit(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
unsigned hexValue(char c) {
  if (isDigit(c))
    return unsigned(c - '0');
  if (c >= 'a' && c <= 'f')
    return unsigned(c - 'a' + 10);
  return unsigned(c - 'A' + 10);
}
bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

} // namespace

std::string_view tokenKindName(TokenKind kind) {
  switch (kind) {
  case TokenKind::EndOfFile:
    return "end of file";
  case TokenKind::Error:
    return "invalid token";
  case TokenKind::Identifier:
    return "identifier";
  case TokenKind::Directive:
    return "directive";
  case TokenKind::Integer:
    return "integer";
  case TokenKind::Float:
    return "floating-point literal";
  case TokenKind::String:
    return "string";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::LBracket:
    return "'['";
  case TokenKind::RBracket:
    return "']'";
  case TokenKind::LBrace:
    return "'{'";
  case TokenKind::RBrace:
    return "'}'";
  case TokenKind::Less:
    return "'<'";
  case TokenKind::Greater:
    return "'>'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::Semicolon:
    return "';'";
  case TokenKind::Colon:
    return "':'";
  case TokenKind::Plus:
    return "'+'";
  case TokenKind::Minus:
    return "'-'";
  case TokenKind::Bang:
    return "'!'";
  case TokenKind::Pipe:
    return "'|'";
  case TokenKind::At:
    return "'@'";
  case TokenKind::Equal:
    return "'='";
  case TokenKind::Star:
    return "'*'";
  case TokenKind::Slash:
    return "'/'";
  case TokenKind::Percent:
    return "'%'";
  case TokenKind::Amp:
    return "'&'";
  case TokenKind::Caret:
    return "'^'";
  case TokenKind::Tilde:
    return "'~'";
  case TokenKind::ShiftLeft:
    return "'<<'";
  case TokenKind::ShiftRight:
    return "'>>'";
  }
  return "token";
}

bool Token::isDirective(std::string_view name) const {
  return kind == TokenKind::Directive && text.size() == name.size() + 1 &&
         text.substr(1) == name;
}

std::string_view Token::directiveName() const {
  return kind == TokenKind::Directive ? text.substr(1) : std::string_view();
}

void Lexer::advance(size_t count) {
  for (size_t i = 0; i < count && pos_ < text_.size(); ++i) {
    if (text_[pos_] == '\n') {
      ++line_;
      lineStart_ = pos_ + 1;
    }
    ++pos_;
  }
}

std::string_view Lexer::skipTrivia(SourceLoc &commentStart) {
  while (!atEnd()) {
    char c = peekChar();
    if (isBlank(c)) {
      advance();
      continue;
    }
    if (c == '/' && peekChar(1) == '/') {
      while (!atEnd() && peekChar() != '\n')
        ++pos_;
      continue;
    }
    if (c == '/' && peekChar(1) == '*') {
      commentStart = {line_, uint32_t(pos_ - lineStart_ + 1)};
      advance(2);
      while (!atEnd() && !(peekChar() == '*' && peekChar(1) == '/'))
        advance();
      if (atEnd())
        return "unterminated /* comment";
      advance(2);
      continue;
    }
    break;
  }
  return {};
}

Token Lexer::make(TokenKind kind, size_t begin, SourceLoc loc) const {
  Token token;
  token.kind = kind;
  token.text = text_.substr(begin, pos_ - begin);
  token.loc = loc;
  return token;
}

Token Lexer::makeError(size_t begin, SourceLoc loc,
                       std::string_view message) const {
  Token token = make(TokenKind::Error, begin, loc);
  token.error = message;
  return token;
}

Token Lexer::next() {
  SourceLoc commentStart;
  size_t commentBegin = pos_;
  std::string_view triviaError = skipTrivia(commentStart);
  if (!triviaError.empty()) {
    Token token = makeError(commentBegin, commentStart, triviaError);
    token.text = {};
    return token;
  }
  size_t begin = pos_;
  SourceLoc loc{line_, uint32_t(pos_ - lineStart_ + 1)};
  if (atEnd())
    return make(TokenKind::EndOfFile, begin, loc);

  char c = peekChar();
  if (isLetter(c) || c == '_' || c == '$')
    return lexIdentifier(begin, loc);
  if (c == '%' && isIdentifierChar(peekChar(1)))
    return lexIdentifier(begin, loc);
  if (c == '.')
    return lexDirective(begin, loc);
  if (isDigit(c))
    return lexNumber(begin, loc);
  if (c == '"')
    return lexString(begin, loc);
  return lexPunctuation(begin, loc);
}

Token Lexer::lexIdentifier(size_t begin, SourceLoc loc) {
  ++pos_;
  while (isIdentifierChar(peekChar()))
    ++pos_;
  // `[_$%][A-Za-z0-9_$]+`: a lone `$` is not an identifier; a lone `_` is
  // the sink, and a lone `%` never gets here.
  if (pos_ - begin == 1 && text_[begin] == '$')
    return makeError(begin, loc, "'$' must begin an identifier");
  return make(TokenKind::Identifier, begin, loc);
}

Token Lexer::lexDirective(size_t begin, SourceLoc loc) {
  ++pos_; // '.'
  if (!isIdentifierChar(peekChar()))
    return makeError(begin, loc, "stray '.'");
  while (isIdentifierChar(peekChar()))
    ++pos_;
  // `.shared::cluster`, `.mbarrier::complete_tx::bytes`, `.L2::128B`.
  while (peekChar() == ':' && peekChar(1) == ':' &&
         isIdentifierChar(peekChar(2))) {
    pos_ += 2;
    while (isIdentifierChar(peekChar()))
      ++pos_;
  }
  return make(TokenKind::Directive, begin, loc);
}

Token Lexer::lexHexFloat(size_t begin, SourceLoc loc, unsigned digits) {
  pos_ += 2; // "0f" / "0d"
  uint64_t bits = 0;
  unsigned count = 0;
  while (isHexDigit(peekChar())) {
    bits = (bits << 4) | hexValue(peekChar());
    ++pos_;
    ++count;
  }
  if (count != digits || isIdentifierChar(peekChar())) {
    while (isIdentifierChar(peekChar()))
      ++pos_;
    return makeError(begin, loc,
                     digits == 8
                         ? "0f float literal needs exactly 8 hex digits"
                         : "0d float literal needs exactly 16 hex digits");
  }
  Token token = make(TokenKind::Float, begin, loc);
  token.intValue = bits;
  if (digits == 8) {
    token.isF32Bits = true;
    token.floatValue = std::bit_cast<float>(uint32_t(bits));
  } else {
    token.isF64Bits = true;
    token.floatValue = std::bit_cast<double>(bits);
  }
  return token;
}

Token Lexer::lexDecimalFloat(size_t begin, SourceLoc loc) {
  // Digits are consumed already; now an optional fraction and exponent.
  if (peekChar() == '.') {
    ++pos_;
    while (isDigit(peekChar()))
      ++pos_;
  }
  if (peekChar() == 'e' || peekChar() == 'E') {
    size_t sign = (peekChar(1) == '+' || peekChar(1) == '-') ? 1 : 0;
    if (!isDigit(peekChar(1 + sign))) {
      while (isIdentifierChar(peekChar()))
        ++pos_;
      return makeError(begin, loc, "malformed exponent in float literal");
    }
    pos_ += 1 + sign;
    while (isDigit(peekChar()))
      ++pos_;
  }
  // Nothing in PTX follows a number directly with a letter or a dot
  // (`1.5x`, `9.0.1`).
  if (isIdentifierChar(peekChar()) || peekChar() == '.') {
    while (isIdentifierChar(peekChar()) || peekChar() == '.')
      ++pos_;
    return makeError(begin, loc, "malformed float literal");
  }
  Token token = make(TokenKind::Float, begin, loc);
  double value = 0;
  auto [end, ec] = std::from_chars(
      token.text.data(), token.text.data() + token.text.size(), value);
  if (ec == std::errc::result_out_of_range)
    value = std::numeric_limits<double>::infinity();
  else if (ec != std::errc() || end != token.text.data() + token.text.size())
    return makeError(begin, loc, "malformed float literal");
  token.floatValue = value;
  return token;
}

Token Lexer::lexNumber(size_t begin, SourceLoc loc) {
  char prefix = peekChar(1);
  if (peekChar() == '0' && (prefix == 'f' || prefix == 'F'))
    return lexHexFloat(begin, loc, 8);
  if (peekChar() == '0' && (prefix == 'd' || prefix == 'D'))
    return lexHexFloat(begin, loc, 16);

  unsigned base = 10;
  if (peekChar() == '0' && (prefix == 'x' || prefix == 'X') &&
      isHexDigit(peekChar(2))) {
    base = 16;
    pos_ += 2;
  } else if (peekChar() == '0' && (prefix == 'b' || prefix == 'B') &&
             (peekChar(2) == '0' || peekChar(2) == '1')) {
    base = 2;
    pos_ += 2;
  } else if (peekChar() == '0' && isDigit(prefix)) {
    base = 8;
    ++pos_;
  }

  size_t digitsBegin = pos_;
  while (base == 16 ? isHexDigit(peekChar()) : isDigit(peekChar()))
    ++pos_;
  if (base == 10 &&
      (peekChar() == '.' || peekChar() == 'e' || peekChar() == 'E'))
    return lexDecimalFloat(begin, loc);

  uint64_t value = 0;
  bool overflow = false, badDigit = false;
  for (size_t i = digitsBegin; i < pos_; ++i) {
    unsigned digit = hexValue(text_[i]);
    if (digit >= base)
      badDigit = true;
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / base)
      overflow = true;
    value = value * base + digit;
  }
  bool unsignedSuffix = false;
  if (peekChar() == 'U' || peekChar() == 'u') {
    unsignedSuffix = true;
    ++pos_;
  }
  if (isIdentifierChar(peekChar())) {
    while (isIdentifierChar(peekChar()))
      ++pos_;
    return makeError(begin, loc, "malformed integer literal");
  }
  if (badDigit)
    return makeError(begin, loc,
                     base == 8 ? "invalid digit in octal literal"
                               : "invalid digit in binary literal");
  if (overflow)
    return makeError(begin, loc, "integer literal does not fit in 64 bits");
  Token token = make(TokenKind::Integer, begin, loc);
  token.intValue = value;
  token.hasUnsignedSuffix = unsignedSuffix;
  return token;
}

Token Lexer::lexString(size_t begin, SourceLoc loc) {
  ++pos_; // opening quote
  while (!atEnd()) {
    char c = peekChar();
    if (c == '"') {
      ++pos_;
      return make(TokenKind::String, begin, loc);
    }
    if (c == '\n')
      break;
    if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n')
      ++pos_;
    ++pos_;
  }
  return makeError(begin, loc, "unterminated string");
}

Token Lexer::lexPunctuation(size_t begin, SourceLoc loc) {
  char c = peekChar();
  char n = peekChar(1);
  TokenKind kind;
  size_t length = 1;
  switch (c) {
  case '(':
    kind = TokenKind::LParen;
    break;
  case ')':
    kind = TokenKind::RParen;
    break;
  case '[':
    kind = TokenKind::LBracket;
    break;
  case ']':
    kind = TokenKind::RBracket;
    break;
  case '{':
    kind = TokenKind::LBrace;
    break;
  case '}':
    kind = TokenKind::RBrace;
    break;
  case ',':
    kind = TokenKind::Comma;
    break;
  case ';':
    kind = TokenKind::Semicolon;
    break;
  case ':':
    kind = TokenKind::Colon;
    break;
  case '+':
    kind = TokenKind::Plus;
    break;
  case '-':
    kind = TokenKind::Minus;
    break;
  case '!':
    kind = TokenKind::Bang;
    break;
  case '|':
    kind = TokenKind::Pipe;
    break;
  case '@':
    kind = TokenKind::At;
    break;
  case '=':
    kind = TokenKind::Equal;
    break;
  case '*':
    kind = TokenKind::Star;
    break;
  case '/':
    kind = TokenKind::Slash;
    break;
  case '%':
    kind = TokenKind::Percent;
    break;
  case '&':
    kind = TokenKind::Amp;
    break;
  case '^':
    kind = TokenKind::Caret;
    break;
  case '~':
    kind = TokenKind::Tilde;
    break;
  case '<':
    kind = n == '<' ? TokenKind::ShiftLeft : TokenKind::Less;
    length = n == '<' ? 2 : 1;
    break;
  case '>':
    kind = n == '>' ? TokenKind::ShiftRight : TokenKind::Greater;
    length = n == '>' ? 2 : 1;
    break;
  default:
    ++pos_;
    return makeError(begin, loc, "unexpected character");
  }
  pos_ += length;
  return make(kind, begin, loc);
}

} // namespace cuport::ptx
