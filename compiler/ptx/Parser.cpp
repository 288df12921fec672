//===- ptx/Parser.cpp - PTX text to syntax tree ---------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A recursive-descent parser over the tokens of ptx/Lexer.h. In: PTX text.
// Out: a ptx::Module, or one Diagnostic (line, column, what was expected and
// what was found) at the first error.
//
// Error handling: the first error records its diagnostic and unwinds with a
// private exception that parseModule() catches, so no exception ever leaves
// the parser. Recursion is bounded (blocks, constant expressions and
// initializer braces each have a depth limit) and every loop consumes a
// token, so any input ends in bounded time and stack.
//
// Things the parser reads and drops: .loc lines, .pragma, .section blocks
// (DWARF that nvcc -G emits), function attributes it has no field for
// (.maxclusterrank, .explicitcluster, ...).
//
//===----------------------------------------------------------------------===//
#include "ptx/Parser.h"
#include "ptx/Lexer.h"

#include <array>
#include <exception>
#include <limits>
#include <new>
#include <type_traits>

namespace cuport::ptx {

std::string Diagnostic::format(std::string_view sourceName) const {
  std::string text(sourceName);
  text += ':';
  text += std::to_string(loc.line);
  text += ':';
  text += std::to_string(loc.column);
  text += ": ";
  text += message;
  return text;
}

namespace {

constexpr unsigned kMaxBlockDepth = 256;
constexpr unsigned kMaxExpressionDepth = 128;
constexpr unsigned kMaxInitializerDepth = 64;
constexpr unsigned kMaxOperandDepth = 4; ///< `[tex, {x, y}]` needs 2
constexpr uint64_t kMaxRegisterRange = uint64_t(1) << 24;
constexpr uint64_t kMaxVariableBytes = uint64_t(1) << 48;

/// Unwinds the parser after the diagnostic has been recorded.
struct ParseAbort {};

/// `'text'`, with unprintable bytes escaped and long text shortened.
std::string quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  static const char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > kMaxShown)
    out += "...";
  out += '\'';
  return out;
}

std::string describe(const Token &token) {
  if (token.kind == TokenKind::EndOfFile)
    return "end of file";
  return quote(token.text);
}

/// Adds a statement to a block. (Built in place: GCC 12 warns about a
/// brace-initialized Statement moved through std::variant.)
template <typename Node> void append(Block &block, Node &&node) {
  block.statements.emplace_back().node.template emplace<std::decay_t<Node>>(
      std::forward<Node>(node));
}

std::optional<Linkage> linkageFromName(std::string_view name) {
  if (name == "visible")
    return Linkage::Visible;
  if (name == "extern")
    return Linkage::Extern;
  if (name == "weak")
    return Linkage::Weak;
  if (name == "common")
    return Linkage::Common;
  return std::nullopt;
}

/// A state space written as a declaration keyword (no `::` qualifier).
StateSpace declarationSpace(std::string_view name) {
  if (name.find(':') != std::string_view::npos)
    return StateSpace::None;
  return stateSpaceFromName(name);
}

int componentIndex(std::string_view name) {
  if (name.size() != 1)
    return -1;
  switch (name[0]) {
  case 'x':
  case 'r':
    return 0;
  case 'y':
  case 'g':
    return 1;
  case 'z':
  case 'b':
    return 2;
  case 'w':
  case 'a':
    return 3;
  default:
    return -1;
  }
}

bool isOpaqueTypeName(std::string_view name) {
  return name == "texref" || name == "samplerref" || name == "surfref";
}

/// Binary operators of constant expressions, C precedence (higher binds
/// tighter); 0 for anything else.
int binaryPrecedence(TokenKind kind) {
  switch (kind) {
  case TokenKind::Pipe:
    return 1;
  case TokenKind::Caret:
    return 2;
  case TokenKind::Amp:
    return 3;
  case TokenKind::ShiftLeft:
  case TokenKind::ShiftRight:
    return 4;
  case TokenKind::Plus:
  case TokenKind::Minus:
    return 5;
  case TokenKind::Star:
  case TokenKind::Slash:
  case TokenKind::Percent:
    return 6;
  default:
    return 0;
  }
}

/// Value of a constant expression: 64-bit two's complement.
struct ConstValue {
  uint64_t value = 0;
  bool isLiteral = false; ///< a single literal, no operator
};

class Parser {
public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  Module parse();
  const Diagnostic &diagnostic() const { return diagnostic_; }
  [[noreturn]] void fail(SourceLoc loc, std::string message);

private:
  // Tokens.
  const Token &peek(size_t ahead = 0);
  Token take();
  bool check(TokenKind kind, size_t ahead = 0) {
    return peek(ahead).kind == kind;
  }
  bool checkDirective(std::string_view name) {
    return peek().isDirective(name);
  }
  bool accept(TokenKind kind);
  Token expect(TokenKind kind, std::string_view what);
  [[noreturn]] void failExpected(std::string_view what);
  [[noreturn]] void failExpectedAfterPrevious(std::string_view what);
  uint32_t parseUInt32(std::string_view what);

  // Module scope.
  void parseModuleItem(Module &module);
  void parseVersion(Module &module);
  void parseTarget(Module &module);
  void parseAddressSize(Module &module);
  void parseFile(Module &module);
  void parseModuleDeclaration(Module &module);
  void skipLine();
  void skipPragma();
  void skipSection();
  void skipAttribute(VariableDecl *decl);

  // Functions.
  void parseFunction(Module &module, Linkage linkage);
  void parseParamList(std::vector<VariableDecl> &params, bool declareNames);
  VariableDecl parseParam(bool declareNames);
  void parseTuning(Function &function);
  void parseTriple(uint32_t (&values)[3], std::string_view directive);

  // Declarations.
  struct DeclSpec {
    VariableDecl decl;
    bool isOpaque = false; ///< .texref / .samplerref / .surfref
  };
  bool startsDeclaration(const Token &token) const;
  DeclSpec parseDeclSpec();
  void parseDeclarators(const DeclSpec &spec, std::vector<VariableDecl> &out);
  VariableDecl parseDeclarator(const DeclSpec &spec, bool allowInitializer);
  void parseArrayDims(VariableDecl &decl);
  void parseInitializer(VariableDecl &decl, bool isOpaque);
  void parseInitValue(std::vector<Initializer> &out, unsigned depth);
  Initializer parseScalarInit();
  void skipBraces();
  void checkSize(const VariableDecl &decl);

  // Bodies.
  Block parseBlock(Function &function, unsigned depth);
  void parseStatement(Function &function, Block &block, unsigned depth);
  void parseLabelled(Function &function, Block &block);
  void parsePrototype(Function &function, const Token &name);
  TargetList parseTargetList(const Token &name);
  Instruction parseInstruction();

  // Operands.
  Operand parseOperand(bool isCall, bool allowVector);
  Operand parseNamedOperand();
  Operand parseImmediate();
  Operand parseFloat();
  Operand parseAddress();
  Operand parseVector(bool isCall);
  Operand parseList();

  // Constant expressions.
  ConstValue parseExpression(unsigned depth, int minPrecedence = 1);
  ConstValue parseUnary(unsigned depth);
  uint64_t applyBinary(const Token &op, uint64_t lhs, uint64_t rhs);

  // Registers named without '%' (`.reg .pred p;`, inline asm) per scope.
  void declareRegister(std::string_view name);
  bool isRegisterName(std::string_view name) const;

  /// Counts operands open inside operands ({..}, [..], (..)) for as long
  /// as it lives; fails past kMaxOperandDepth.
  class NestingGuard {
  public:
    NestingGuard(Parser &parser, SourceLoc loc) : parser_(parser) {
      if (++parser_.operandDepth_ > kMaxOperandDepth)
        parser_.fail(loc, "operands nested too deeply");
    }
    ~NestingGuard() { --parser_.operandDepth_; }
    NestingGuard(const NestingGuard &) = delete;
    NestingGuard &operator=(const NestingGuard &) = delete;

  private:
    Parser &parser_;
  };

  Lexer lexer_;
  unsigned operandDepth_ = 0;
  std::array<Token, 4> lookahead_{};
  size_t head_ = 0, count_ = 0;
  SourceLoc previousEnd_{1, 1}; ///< just after the last token taken
  std::vector<std::vector<std::string>> registerScopes_;
  Diagnostic diagnostic_;
};

//===----------------------------------------------------------------------===//
// Tokens and diagnostics
//===----------------------------------------------------------------------===//

void Parser::fail(SourceLoc loc, std::string message) {
  diagnostic_.loc = loc;
  diagnostic_.message = std::move(message);
  throw ParseAbort{};
}

const Token &Parser::peek(size_t ahead) {
  while (count_ <= ahead) {
    Token token = lexer_.next();
    if (token.kind == TokenKind::Error) {
      std::string message(token.error);
      if (!token.text.empty())
        message += " " + quote(token.text);
      fail(token.loc, std::move(message));
    }
    lookahead_[(head_ + count_) % lookahead_.size()] = token;
    ++count_;
  }
  return lookahead_[(head_ + ahead) % lookahead_.size()];
}

Token Parser::take() {
  Token token = peek();
  head_ = (head_ + 1) % lookahead_.size();
  --count_;
  if (token.kind != TokenKind::EndOfFile)
    previousEnd_ = {token.loc.line,
                    uint32_t(token.loc.column + token.text.size())};
  return token;
}

bool Parser::accept(TokenKind kind) {
  if (!check(kind))
    return false;
  take();
  return true;
}

void Parser::failExpected(std::string_view what) {
  const Token &found = peek();
  fail(found.loc,
       "expected " + std::string(what) + ", found " + describe(found));
}

void Parser::failExpectedAfterPrevious(std::string_view what) {
  // A missing terminator is best shown where it belongs: right after the
  // token before it, not at the start of the next line.
  const Token &found = peek();
  fail(previousEnd_,
       "expected " + std::string(what) + ", found " + describe(found));
}

Token Parser::expect(TokenKind kind, std::string_view what) {
  if (!check(kind)) {
    if (kind == TokenKind::Semicolon)
      failExpectedAfterPrevious(what);
    failExpected(what);
  }
  return take();
}

uint32_t Parser::parseUInt32(std::string_view what) {
  if (!check(TokenKind::Integer))
    failExpected(what);
  Token token = take();
  if (token.intValue > std::numeric_limits<uint32_t>::max())
    fail(token.loc,
         std::string(what) + " " + quote(token.text) + " is out of range");
  return uint32_t(token.intValue);
}

//===----------------------------------------------------------------------===//
// Module scope
//===----------------------------------------------------------------------===//

Module Parser::parse() {
  Module module;
  while (!check(TokenKind::EndOfFile))
    parseModuleItem(module);
  return module;
}

void Parser::parseModuleItem(Module &module) {
  const Token &token = peek();
  if (token.kind != TokenKind::Directive)
    failExpected("a directive (.version, .entry, .global, ...)");
  std::string_view name = token.directiveName();
  if (name == "version")
    return parseVersion(module);
  if (name == "target")
    return parseTarget(module);
  if (name == "address_size")
    return parseAddressSize(module);
  if (name == "file")
    return parseFile(module);
  if (name == "loc")
    return skipLine();
  if (name == "pragma")
    return skipPragma();
  if (name == "section")
    return skipSection();
  if (name == "entry" || name == "func" || startsDeclaration(token))
    return parseModuleDeclaration(module);
  fail(token.loc,
       "unknown directive " + quote(token.text) + " at module scope");
}

void Parser::parseVersion(Module &module) {
  take();
  const Token &token = peek();
  // `9.0` lexes as a decimal float; read its digits, not its value.
  std::string_view text = token.text;
  size_t dot = text.find('.');
  bool wellFormed = token.kind == TokenKind::Float && dot != 0 &&
                    dot != std::string_view::npos && dot + 1 < text.size() &&
                    dot <= 4 && text.size() - dot - 1 <= 4;
  uint32_t major = 0, minor = 0;
  for (size_t i = 0; wellFormed && i < text.size(); ++i) {
    if (i == dot)
      continue;
    if (text[i] < '0' || text[i] > '9')
      wellFormed = false;
    else if (i < dot)
      major = major * 10 + uint32_t(text[i] - '0');
    else
      minor = minor * 10 + uint32_t(text[i] - '0');
  }
  if (!wellFormed)
    failExpected("a version number such as 9.0 after .version");
  take();
  module.versionMajor = major;
  module.versionMinor = minor;
}

void Parser::parseTarget(Module &module) {
  take();
  do {
    if (!check(TokenKind::Identifier))
      failExpected("a target name such as sm_90");
    module.targets.emplace_back(take().text);
  } while (accept(TokenKind::Comma));
}

void Parser::parseAddressSize(Module &module) {
  take();
  SourceLoc loc = peek().loc;
  uint32_t size = parseUInt32("an address size (32 or 64)");
  if (size != 32 && size != 64)
    fail(loc, "address size must be 32 or 64, found " + std::to_string(size));
  module.addressSize = size;
}

/// The contents of a string token, with backslash escapes resolved.
std::string unquote(std::string_view text) {
  std::string out;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size())
      ++i;
    out += text[i];
  }
  return out;
}

void Parser::parseFile(Module &module) {
  take();
  uint32_t index = parseUInt32("a file index after .file");
  if (!check(TokenKind::String))
    failExpected("a file name string after the .file index");
  module.files.emplace_back(index, unquote(take().text));
  // Optional `, timestamp, size`.
  while (accept(TokenKind::Comma))
    if (!accept(TokenKind::Integer))
      failExpected("an integer (timestamp or size) in .file");
}

void Parser::skipLine() {
  uint32_t line = take().loc.line;
  while (!check(TokenKind::EndOfFile) && peek().loc.line == line)
    take();
}

void Parser::skipPragma() {
  take();
  do {
    if (!check(TokenKind::String))
      failExpected("a string after .pragma");
    take();
  } while (accept(TokenKind::Comma));
  expect(TokenKind::Semicolon, "';' after .pragma");
}

void Parser::skipSection() {
  Token section = take();
  if (!check(TokenKind::Directive) && !check(TokenKind::Identifier))
    failExpected("a section name after .section");
  take();
  expect(TokenKind::LBrace, "'{' after the section name");
  size_t depth = 1;
  while (depth > 0) {
    Token token = take();
    if (token.kind == TokenKind::EndOfFile)
      fail(token.loc, "expected '}' to close the .section opened at line " +
                          std::to_string(section.loc.line) +
                          ", found end of file");
    if (token.kind == TokenKind::LBrace)
      ++depth;
    else if (token.kind == TokenKind::RBrace)
      --depth;
  }
}

/// `.attribute(.managed)`, `.attribute(.unified(0x1, 0x2))`: records
/// .managed on `decl` (when given) and skips the rest.
void Parser::skipAttribute(VariableDecl *decl) {
  take();
  expect(TokenKind::LParen, "'(' after .attribute");
  size_t depth = 1;
  while (depth > 0) {
    const Token &token = peek();
    if (token.kind == TokenKind::EndOfFile ||
        token.kind == TokenKind::Semicolon)
      failExpected("')' to close .attribute(");
    if (token.isDirective("managed") && decl)
      decl->isManaged = true;
    if (token.kind == TokenKind::LParen)
      ++depth;
    else if (token.kind == TokenKind::RParen)
      --depth;
    take();
  }
}

void Parser::parseModuleDeclaration(Module &module) {
  Linkage linkage = Linkage::Internal;
  while (check(TokenKind::Directive)) {
    auto parsed = linkageFromName(peek().directiveName());
    if (!parsed)
      break;
    take();
    linkage = *parsed;
  }
  if (checkDirective("entry") || checkDirective("func"))
    return parseFunction(module, linkage);
  DeclSpec spec = parseDeclSpec();
  if (spec.decl.linkage == Linkage::Internal)
    spec.decl.linkage = linkage;
  parseDeclarators(spec, module.globals);
  expect(TokenKind::Semicolon, "';' after the declaration");
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

void Parser::parseFunction(Module &module, Linkage linkage) {
  Token keyword = take();
  Function function;
  function.isKernel = keyword.isDirective("entry");
  function.linkage = linkage;
  function.loc = keyword.loc;
  while (checkDirective("attribute"))
    skipAttribute(nullptr);
  registerScopes_.emplace_back(); // parameters declared as .reg
  if (!function.isKernel && check(TokenKind::LParen))
    parseParamList(function.returns, /*declareNames=*/true);
  if (!check(TokenKind::Identifier))
    failExpected(function.isKernel ? "a kernel name after .entry"
                                   : "a function name after .func");
  function.name = take().text;
  if (check(TokenKind::LParen))
    parseParamList(function.params, /*declareNames=*/true);
  parseTuning(function);
  if (check(TokenKind::LBrace))
    function.body = parseBlock(function, 1);
  else if (!accept(TokenKind::Semicolon))
    failExpected("'{' or ';' after the function header");
  registerScopes_.pop_back();
  module.functions.push_back(std::move(function));
}

void Parser::parseParamList(std::vector<VariableDecl> &params,
                            bool declareNames) {
  take(); // '('
  if (accept(TokenKind::RParen))
    return;
  do
    params.push_back(parseParam(declareNames));
  while (accept(TokenKind::Comma));
  expect(TokenKind::RParen, "',' or ')' in the parameter list");
}

VariableDecl Parser::parseParam(bool declareNames) {
  if (!startsDeclaration(peek()))
    failExpected("a parameter declaration such as '.param .b32 name'");
  DeclSpec spec = parseDeclSpec();
  VariableDecl param = parseDeclarator(spec, /*allowInitializer=*/false);
  if (param.space == StateSpace::Reg && declareNames)
    declareRegister(param.name);
  return param;
}

void Parser::parseTriple(uint32_t (&values)[3], std::string_view directive) {
  std::string what = "an integer after ." + std::string(directive);
  for (unsigned i = 0; i < 3; ++i) {
    values[i] = parseUInt32(what);
    if (i == 2 || !accept(TokenKind::Comma))
      break;
  }
}

void Parser::parseTuning(Function &function) {
  Tuning &tuning = function.tuning;
  while (check(TokenKind::Directive)) {
    std::string_view name = peek().directiveName();
    if (name == "pragma") {
      skipPragma();
      continue;
    }
    if (name == "attribute") {
      skipAttribute(nullptr);
      continue;
    }
    SourceLoc loc = take().loc;
    if (name == "maxntid") {
      parseTriple(tuning.maxntid, name);
    } else if (name == "reqntid") {
      parseTriple(tuning.reqntid, name);
    } else if (name == "minnctapersm") {
      tuning.minnctapersm = parseUInt32("an integer after .minnctapersm");
    } else if (name == "maxnreg") {
      tuning.maxnreg = parseUInt32("an integer after .maxnreg");
    } else if (name == "noreturn") {
      tuning.noreturn = true;
    } else if (name == "reqnctapercluster" || name == "maxclusterrank" ||
               name == "abi_preserve" || name == "abi_preserve_control") {
      uint32_t ignored[3];
      parseTriple(ignored, name); // cluster shapes: not modelled
    } else if (name == "explicitcluster" || name == "blocksareclusters") {
      // not modelled
    } else {
      fail(loc, "unknown function directive ." + std::string(name));
    }
  }
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

bool Parser::startsDeclaration(const Token &token) const {
  if (token.kind != TokenKind::Directive)
    return false;
  std::string_view name = token.directiveName();
  return declarationSpace(name) != StateSpace::None ||
         linkageFromName(name).has_value() || name == "align";
}

Parser::DeclSpec Parser::parseDeclSpec() {
  DeclSpec spec;
  VariableDecl &decl = spec.decl;
  SourceLoc start = peek().loc;
  bool afterPtr = false, hasType = false;
  while (check(TokenKind::Directive)) {
    const Token &token = peek();
    std::string_view name = token.directiveName();
    if (StateSpace space = declarationSpace(name); space != StateSpace::None) {
      if (afterPtr)
        decl.pointeeSpace = space;
      else if (decl.space != StateSpace::None)
        fail(token.loc,
             "second state space " + quote(token.text) + " in one declaration");
      else
        decl.space = space;
      take();
    } else if (name == "align") {
      take();
      SourceLoc loc = peek().loc;
      uint32_t align = parseUInt32("an alignment after .align");
      if (align == 0 || (align & (align - 1)) != 0)
        fail(loc, "alignment must be a power of two, found " +
                      std::to_string(align));
      (afterPtr ? decl.pointeeAlign : decl.align) = align;
    } else if (name == "v2" || name == "v4" || name == "v8") {
      decl.vectorWidth = uint32_t(name[1] - '0');
      take();
    } else if (Type type = typeFromName(name); type != Type::None) {
      if (hasType)
        fail(token.loc,
             "second type " + quote(token.text) + " in one declaration");
      decl.type = type;
      hasType = true;
      take();
    } else if (isOpaqueTypeName(name)) {
      // Texture, sampler and surface references: 64-bit handles.
      decl.type = Type::B64;
      spec.isOpaque = hasType = true;
      take();
    } else if (name == "ptr") {
      afterPtr = true;
      take();
    } else if (name == "attribute") {
      skipAttribute(&decl);
    } else if (auto linkage = linkageFromName(name)) {
      decl.linkage = *linkage;
      take();
    } else {
      break;
    }
  }
  if (decl.space == StateSpace::None)
    fail(start, "expected a state space (.reg, .global, .shared, .param, "
                "...) in the declaration");
  if (!hasType)
    failExpected("a type such as .b32 in the declaration");
  return spec;
}

void Parser::parseDeclarators(const DeclSpec &spec,
                              std::vector<VariableDecl> &out) {
  do {
    out.push_back(parseDeclarator(spec, /*allowInitializer=*/true));
    if (out.back().space == StateSpace::Reg)
      declareRegister(out.back().name);
  } while (accept(TokenKind::Comma));
}

VariableDecl Parser::parseDeclarator(const DeclSpec &spec,
                                     bool allowInitializer) {
  VariableDecl decl = spec.decl;
  if (!check(TokenKind::Identifier))
    failExpected("a name in the declaration");
  Token name = take();
  decl.name = name.text;
  decl.loc = name.loc;
  if (check(TokenKind::Less)) {
    Token open = take();
    if (decl.space != StateSpace::Reg)
      fail(open.loc, "a register range '<N>' is only allowed in .reg "
                     "declarations");
    if (!check(TokenKind::Integer))
      failExpected("a register count after '<'");
    Token count = take();
    if (count.intValue == 0 || count.intValue > kMaxRegisterRange)
      fail(count.loc, "register count must be between 1 and " +
                          std::to_string(kMaxRegisterRange) + ", found " +
                          quote(count.text));
    decl.rangeCount = uint32_t(count.intValue);
    expect(TokenKind::Greater, "'>' after the register count");
  }
  parseArrayDims(decl);
  if (check(TokenKind::Equal)) {
    if (!allowInitializer)
      failExpected("',' or ')' after the parameter");
    parseInitializer(decl, spec.isOpaque);
  }
  checkSize(decl);
  return decl;
}

void Parser::parseArrayDims(VariableDecl &decl) {
  while (check(TokenKind::LBracket)) {
    take();
    if (accept(TokenKind::RBracket)) {
      decl.arrayDims.push_back(0); // unsized: []
      continue;
    }
    SourceLoc loc = peek().loc;
    ConstValue size = parseExpression(0);
    if (int64_t(size.value) <= 0 || size.value > kMaxVariableBytes)
      fail(loc, "array size must be positive and at most 2^48, found " +
                    std::to_string(int64_t(size.value)));
    decl.arrayDims.push_back(size.value);
    expect(TokenKind::RBracket, "']' after the array size");
  }
}

void Parser::checkSize(const VariableDecl &decl) {
  uint64_t size = decl.sizeInBytes();
  if (size > kMaxVariableBytes)
    fail(decl.loc, "variable " + quote(decl.name) + " is too large");
}

void Parser::parseInitializer(VariableDecl &decl, bool isOpaque) {
  take(); // '='
  if (isOpaque) {
    // Sampler settings `{ filter_mode = nearest, ... }`: not modelled.
    if (check(TokenKind::LBrace))
      skipBraces();
    else
      take();
    return;
  }
  parseInitValue(decl.init, 0);
  // `.b8 str[] = {...}`: the initializer sizes the first dimension.
  if (!decl.arrayDims.empty() && decl.arrayDims[0] == 0 && !decl.init.empty()) {
    uint64_t inner = decl.vectorWidth;
    for (size_t i = 1; i < decl.arrayDims.size(); ++i)
      inner *= decl.arrayDims[i];
    if (inner != 0)
      decl.arrayDims[0] = (decl.init.size() + inner - 1) / inner;
  }
}

void Parser::skipBraces() {
  Token open = take();
  size_t depth = 1;
  while (depth > 0) {
    Token token = take();
    if (token.kind == TokenKind::EndOfFile)
      fail(token.loc, "expected '}' to close the '{' at line " +
                          std::to_string(open.loc.line) +
                          ", found end of file");
    if (token.kind == TokenKind::LBrace)
      ++depth;
    else if (token.kind == TokenKind::RBrace)
      --depth;
  }
}

void Parser::parseInitValue(std::vector<Initializer> &out, unsigned depth) {
  if (!check(TokenKind::LBrace)) {
    out.push_back(parseScalarInit());
    return;
  }
  Token open = take();
  if (depth >= kMaxInitializerDepth)
    fail(open.loc, "initializer braces nested too deeply");
  if (accept(TokenKind::RBrace))
    return;
  do
    parseInitValue(out, depth + 1);
  while (accept(TokenKind::Comma));
  expect(TokenKind::RBrace, "',' or '}' in the initializer");
}

Initializer Parser::parseScalarInit() {
  Initializer init;
  const Token &token = peek();
  if (token.kind == TokenKind::Float ||
      (token.kind == TokenKind::Minus && check(TokenKind::Float, 1))) {
    Operand value = parseFloat();
    init.kind = Initializer::Kind::Float;
    init.floatValue = value.floatValue;
    init.intValue = value.intValue;
    init.isF32Bits = value.isF32Bits;
    init.isF64Bits = value.isF64Bits;
    return init;
  }
  if (token.kind == TokenKind::Identifier) {
    Token name = take();
    init.kind = Initializer::Kind::Symbol;
    if (name.text == "generic" && check(TokenKind::LParen)) {
      take();
      if (!check(TokenKind::Identifier))
        failExpected("a variable name inside generic( )");
      init.symbol = take().text;
      init.isGeneric = true;
      expect(TokenKind::RParen, "')' after generic(name");
    } else {
      init.symbol = name.text;
    }
    if (accept(TokenKind::Plus))
      init.offset = int64_t(parseExpression(0).value);
    else if (accept(TokenKind::Minus))
      init.offset = int64_t(uint64_t(0) - parseExpression(0).value);
    return init;
  }
  switch (token.kind) {
  case TokenKind::Integer:
  case TokenKind::Minus:
  case TokenKind::Tilde:
  case TokenKind::Bang:
  case TokenKind::LParen:
    init.kind = Initializer::Kind::Integer;
    init.intValue = parseExpression(0).value;
    return init;
  default:
    failExpected("an initial value (number, symbol or '{')");
  }
}

//===----------------------------------------------------------------------===//
// Function bodies
//===----------------------------------------------------------------------===//

Block Parser::parseBlock(Function &function, unsigned depth) {
  Token open = take(); // '{'
  if (depth > kMaxBlockDepth)
    fail(open.loc, "blocks nested too deeply (more than " +
                       std::to_string(kMaxBlockDepth) + " levels)");
  Block block;
  block.loc = open.loc;
  registerScopes_.emplace_back();
  while (!check(TokenKind::RBrace)) {
    if (check(TokenKind::EndOfFile))
      failExpected("'}' to close the block opened at line " +
                   std::to_string(open.loc.line));
    parseStatement(function, block, depth);
  }
  take();
  registerScopes_.pop_back();
  return block;
}

void Parser::parseStatement(Function &function, Block &block, unsigned depth) {
  const Token &token = peek();
  switch (token.kind) {
  case TokenKind::LBrace:
    append(block, parseBlock(function, depth + 1));
    return;
  case TokenKind::Semicolon:
    take(); // empty statement
    return;
  case TokenKind::At:
    append(block, parseInstruction());
    return;
  case TokenKind::Identifier:
    if (check(TokenKind::Colon, 1))
      return parseLabelled(function, block);
    append(block, parseInstruction());
    return;
  case TokenKind::Directive:
    break;
  default:
    failExpected("an instruction, label or declaration");
  }

  std::string_view name = token.directiveName();
  if (name == "loc")
    return skipLine();
  if (name == "pragma")
    return skipPragma();
  if (!startsDeclaration(token))
    fail(token.loc,
         "unexpected directive " + quote(token.text) + " in a function body");
  std::vector<VariableDecl> decls;
  parseDeclarators(parseDeclSpec(), decls);
  expect(TokenKind::Semicolon, "';' after the declaration");
  for (VariableDecl &decl : decls)
    append(block, std::move(decl));
}

void Parser::parseLabelled(Function &function, Block &block) {
  Token name = take();
  take(); // ':'
  if (checkDirective("callprototype"))
    return parsePrototype(function, name);
  if (checkDirective("branchtargets")) {
    function.branchTargets.push_back(parseTargetList(name));
    return;
  }
  if (checkDirective("calltargets")) {
    function.callTargets.push_back(parseTargetList(name));
    return;
  }
  append(block, Label{std::string(name.text), name.loc});
}

void Parser::parsePrototype(Function &function, const Token &name) {
  take(); // .callprototype
  CallPrototype prototype;
  prototype.name = name.text;
  prototype.loc = name.loc;
  if (check(TokenKind::LParen))
    parseParamList(prototype.returns, /*declareNames=*/false);
  if (!check(TokenKind::Identifier) || peek().text != "_")
    failExpected("'_' (the placeholder name) in .callprototype");
  take();
  if (check(TokenKind::LParen))
    parseParamList(prototype.params, /*declareNames=*/false);
  if (checkDirective("noreturn")) {
    take();
    prototype.noreturn = true;
  }
  expect(TokenKind::Semicolon, "';' after .callprototype");
  function.prototypes.push_back(std::move(prototype));
}

TargetList Parser::parseTargetList(const Token &name) {
  take(); // .branchtargets / .calltargets
  TargetList list;
  list.name = name.text;
  list.loc = name.loc;
  do {
    if (!check(TokenKind::Identifier))
      failExpected("a label or function name in the target list");
    list.targets.emplace_back(take().text);
  } while (accept(TokenKind::Comma));
  expect(TokenKind::Semicolon, "';' after the target list");
  return list;
}

Instruction Parser::parseInstruction() {
  Instruction inst;
  inst.loc = peek().loc;
  if (accept(TokenKind::At)) {
    Guard guard;
    guard.negated = accept(TokenKind::Bang);
    if (!check(TokenKind::Identifier))
      failExpected("a predicate register after '@'");
    guard.predicate = take().text;
    inst.guard = std::move(guard);
  }
  const Token &opcode = peek();
  if (opcode.kind != TokenKind::Identifier || opcode.text.empty() ||
      !((opcode.text[0] >= 'a' && opcode.text[0] <= 'z') ||
        (opcode.text[0] >= 'A' && opcode.text[0] <= 'Z')))
    failExpected("an instruction opcode");
  inst.opcode = take().text;
  while (check(TokenKind::Directive))
    inst.modifiers.emplace_back(take().directiveName());
  bool isCall = inst.opcode == "call";
  if (!check(TokenKind::Semicolon)) {
    do
      inst.operands.push_back(parseOperand(isCall, /*allowVector=*/true));
    while (accept(TokenKind::Comma));
  }
  expect(TokenKind::Semicolon, "';' after the instruction");
  return inst;
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

Operand Parser::parseOperand(bool isCall, bool allowVector) {
  const Token &token = peek();
  switch (token.kind) {
  case TokenKind::Identifier:
    return parseNamedOperand();
  case TokenKind::Bang:
    if (check(TokenKind::Identifier, 1)) {
      SourceLoc loc = take().loc;
      Operand operand = parseNamedOperand();
      operand.negated = true;
      operand.loc = loc;
      return operand;
    }
    return parseImmediate();
  case TokenKind::LBrace:
    if (!allowVector)
      fail(token.loc, "a vector operand cannot be nested in another");
    return parseVector(isCall);
  case TokenKind::LBracket:
    return parseAddress();
  case TokenKind::LParen:
    if (isCall) {
      if (!allowVector)
        fail(token.loc, "an argument list cannot be nested in another");
      return parseList();
    }
    return parseImmediate();
  case TokenKind::Float:
    return parseFloat();
  case TokenKind::Minus:
    if (check(TokenKind::Float, 1))
      return parseFloat();
    return parseImmediate();
  case TokenKind::Integer:
  case TokenKind::Tilde:
    return parseImmediate();
  default:
    failExpected("an operand");
  }
}

Operand Parser::parseNamedOperand() {
  Token name = take();
  Operand operand;
  operand.loc = name.loc;
  if (name.text == "_") {
    operand.kind = Operand::Kind::Sink;
    return operand;
  }
  operand.name = name.text;
  if (isRegisterName(name.text)) {
    operand.kind = Operand::Kind::Register;
    if (check(TokenKind::Directive)) {
      int component = componentIndex(peek().directiveName());
      if (component < 0)
        failExpected("a register component (.x, .y, .z, .w) or ','");
      operand.component = int8_t(component);
      take();
    }
    if (accept(TokenKind::Pipe)) {
      if (!check(TokenKind::Identifier))
        failExpected("a second predicate register after '|'");
      operand.pairName = take().text;
    }
    return operand;
  }
  operand.kind = Operand::Kind::Symbol;
  if (accept(TokenKind::Plus))
    operand.offset = int64_t(parseExpression(0).value);
  return operand;
}

Operand Parser::parseImmediate() {
  Operand operand;
  operand.kind = Operand::Kind::Immediate;
  operand.loc = peek().loc;
  ConstValue value = parseExpression(0);
  operand.intValue = value.value;
  operand.isNegativeInt = !value.isLiteral && int64_t(value.value) < 0;
  return operand;
}

Operand Parser::parseFloat() {
  Operand operand;
  operand.kind = Operand::Kind::FloatImm;
  operand.loc = peek().loc;
  bool negative = accept(TokenKind::Minus);
  Token token = take();
  operand.floatValue = negative ? -token.floatValue : token.floatValue;
  operand.intValue = token.intValue;
  operand.isF32Bits = token.isF32Bits;
  operand.isF64Bits = token.isF64Bits;
  if (negative && token.isF32Bits)
    operand.intValue ^= uint64_t(1) << 31;
  if (negative && token.isF64Bits)
    operand.intValue ^= uint64_t(1) << 63;
  return operand;
}

Operand Parser::parseAddress() {
  Token open = take(); // '['
  NestingGuard guard(*this, open.loc);
  Operand operand;
  operand.kind = Operand::Kind::Address;
  operand.loc = open.loc;
  if (check(TokenKind::Identifier)) {
    Token base = take();
    if (base.text == "_")
      fail(base.loc, "'_' cannot be used as an address");
    operand.name = base.text;
    operand.addressIsRegister = isRegisterName(base.text);
  } else {
    switch (peek().kind) {
    case TokenKind::Integer:
    case TokenKind::Minus:
    case TokenKind::Tilde:
    case TokenKind::LParen:
      operand.offset = int64_t(parseExpression(0).value);
      break;
    default:
      failExpected("a register, variable or constant address after '['");
    }
  }
  // Displacement: `+8`, `+-8`, `-8`, `+4*2`.
  while (check(TokenKind::Plus) || check(TokenKind::Minus)) {
    bool minus = take().kind == TokenKind::Minus;
    uint64_t term = parseExpression(0, binaryPrecedence(TokenKind::Star)).value;
    operand.offset = int64_t(uint64_t(operand.offset) + (minus ? -term : term));
  }
  if (check(TokenKind::Comma)) {
    // `[tex, {x, y}]`, `[surf, {x}]`: every part kept in elements.
    Operand first = operand;
    first.kind = operand.addressIsRegister ? Operand::Kind::Register
                                           : Operand::Kind::Symbol;
    first.addressIsRegister = false;
    operand.elements.push_back(std::move(first));
    while (accept(TokenKind::Comma))
      operand.elements.push_back(parseOperand(false, /*allowVector=*/true));
  }
  expect(TokenKind::RBracket, "']' to close the address");
  return operand;
}

Operand Parser::parseVector(bool isCall) {
  Token open = take(); // '{'
  NestingGuard guard(*this, open.loc);
  Operand operand;
  operand.kind = Operand::Kind::Vector;
  operand.loc = open.loc;
  do
    operand.elements.push_back(parseOperand(isCall, /*allowVector=*/false));
  while (accept(TokenKind::Comma));
  expect(TokenKind::RBrace, "',' or '}' in the vector operand");
  return operand;
}

Operand Parser::parseList() {
  Token open = take(); // '('
  NestingGuard guard(*this, open.loc);
  Operand operand;
  operand.kind = Operand::Kind::List;
  operand.loc = open.loc;
  if (accept(TokenKind::RParen))
    return operand;
  do
    operand.elements.push_back(parseOperand(/*isCall=*/true,
                                            /*allowVector=*/false));
  while (accept(TokenKind::Comma));
  expect(TokenKind::RParen, "',' or ')' in the argument list");
  return operand;
}

//===----------------------------------------------------------------------===//
// Constant expressions
//===----------------------------------------------------------------------===//

ConstValue Parser::parseExpression(unsigned depth, int minPrecedence) {
  ConstValue lhs = parseUnary(depth);
  for (;;) {
    int precedence = binaryPrecedence(peek().kind);
    if (precedence == 0 || precedence < minPrecedence)
      return lhs;
    Token op = take();
    ConstValue rhs = parseExpression(depth + 1, precedence + 1);
    lhs.value = applyBinary(op, lhs.value, rhs.value);
    lhs.isLiteral = false;
  }
}

ConstValue Parser::parseUnary(unsigned depth) {
  if (depth > kMaxExpressionDepth)
    fail(peek().loc, "constant expression nested too deeply");
  const Token &token = peek();
  ConstValue result;
  switch (token.kind) {
  case TokenKind::Integer:
    result.value = take().intValue;
    result.isLiteral = true;
    return result;
  case TokenKind::Minus:
    take();
    result.value = uint64_t(0) - parseUnary(depth + 1).value;
    return result;
  case TokenKind::Tilde:
    take();
    result.value = ~parseUnary(depth + 1).value;
    return result;
  case TokenKind::Bang:
    take();
    result.value = parseUnary(depth + 1).value == 0 ? 1 : 0;
    return result;
  case TokenKind::LParen:
    take();
    result.value = parseExpression(depth + 1).value;
    expect(TokenKind::RParen, "')' in the constant expression");
    return result;
  default:
    failExpected("an integer constant");
  }
}

uint64_t Parser::applyBinary(const Token &op, uint64_t lhs, uint64_t rhs) {
  auto slhs = int64_t(lhs), srhs = int64_t(rhs);
  switch (op.kind) {
  case TokenKind::Pipe:
    return lhs | rhs;
  case TokenKind::Caret:
    return lhs ^ rhs;
  case TokenKind::Amp:
    return lhs & rhs;
  case TokenKind::Plus:
    return lhs + rhs;
  case TokenKind::Minus:
    return lhs - rhs;
  case TokenKind::Star:
    return lhs * rhs;
  case TokenKind::ShiftLeft:
  case TokenKind::ShiftRight:
    if (rhs >= 64)
      fail(op.loc, "shift count out of range in constant expression");
    return op.kind == TokenKind::ShiftLeft ? lhs << rhs : uint64_t(slhs >> rhs);
  case TokenKind::Slash:
  case TokenKind::Percent:
    if (rhs == 0)
      fail(op.loc, "division by zero in constant expression");
    if (slhs == std::numeric_limits<int64_t>::min() && srhs == -1)
      return op.kind == TokenKind::Slash ? lhs : 0;
    return uint64_t(op.kind == TokenKind::Slash ? slhs / srhs : slhs % srhs);
  default:
    fail(op.loc, "unexpected operator " + quote(op.text));
  }
}

//===----------------------------------------------------------------------===//
// Register scopes
//===----------------------------------------------------------------------===//

void Parser::declareRegister(std::string_view name) {
  if (name.empty() || name[0] == '%' || registerScopes_.empty())
    return;
  registerScopes_.back().emplace_back(name);
}

bool Parser::isRegisterName(std::string_view name) const {
  if (!name.empty() && name[0] == '%')
    return true;
  for (auto scope = registerScopes_.rbegin(); scope != registerScopes_.rend();
       ++scope)
    for (const std::string &declared : *scope)
      if (declared == name)
        return true;
  return false;
}

} // namespace

ParseResult parseModule(std::string_view text) {
  ParseResult result;
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    result.diagnostics.push_back({{1, 1}, "input larger than 4 GiB"});
    return result;
  }
  try {
    Parser parser(text);
    try {
      result.module = parser.parse();
    } catch (const ParseAbort &) {
      result.diagnostics.push_back(parser.diagnostic());
    }
  } catch (const std::bad_alloc &) {
    result.module.reset();
    result.diagnostics.push_back({{0, 0}, "out of memory while parsing"});
  } catch (const std::exception &error) {
    result.module.reset();
    result.diagnostics.push_back(
        {{0, 0}, std::string("internal parser error: ") + error.what()});
  } catch (...) {
    result.module.reset();
    result.diagnostics.push_back({{0, 0}, "internal parser error"});
  }
  return result;
}

} // namespace cuport::ptx
