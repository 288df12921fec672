//===- ParserErrorTest.cpp - Malformed PTX gives precise diagnostics ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each malformed input yields exactly one diagnostic, at the right line and
// column, naming what was expected and what was found, and no module.
// Also: every prefix of a real file (a truncated file) and deep nesting end
// in a diagnostic, not a crash or a hang.
//
//===----------------------------------------------------------------------===//
#include "PtxTestUtil.h"

using namespace cuport::ptx;
using namespace cuport::ptx::test;

namespace {

const char kHeader[] = ".version 9.0\n.target sm_80\n.address_size 64\n";

struct ErrorCase {
  const char *name;
  std::string text;
  uint32_t line, column;
  const char *messagePart; ///< must appear in the message
};

void expectError(const ErrorCase &c) {
  Diagnostic d = parseError(c.text);
  EXPECT_EQ(d.loc.line, c.line) << c.name << ": " << d.format("in");
  EXPECT_EQ(d.loc.column, c.column) << c.name << ": " << d.format("in");
  EXPECT_NE(d.message.find(c.messagePart), std::string::npos)
      << c.name << ": " << d.format("in");
}

TEST(PtxErrors, MissingSemicolon) {
  expectError({"missing ';'", kernelWith("\tadd.s32 %r1, %r2, %r3\n\tret;"), 6,
               23, "expected ';' after the instruction, found 'ret'"});
  expectError({"missing ';' after declaration",
               kernelWith("\t.reg .b32 %r<4>\n\tret;"), 6, 17,
               "expected ';' after the declaration, found 'ret'"});
  expectError({"missing ';' at module scope",
               std::string(kHeader) + ".global .u32 x\n.global .u32 y;", 4, 15,
               "expected ';' after the declaration, found '.global'"});
}

TEST(PtxErrors, UnterminatedCommentAndString) {
  expectError({"comment", kernelWith("\tret;\n  /* never closed\n\tret;"), 7, 3,
               "unterminated /* comment"});
  expectError({"string", std::string(kHeader) + ".pragma \"nounroll;\n", 4, 9,
               "unterminated string"});
  expectError({"file string", std::string(kHeader) + ".file 1 \"a.cu", 4, 9,
               "unterminated string"});
}

TEST(PtxErrors, BadRegisterRanges) {
  expectError({"name", kernelWith("\t.reg .b32 %r<abc>;"), 6, 15,
               "expected a register count after '<', found 'abc'"});
  expectError({"zero", kernelWith("\t.reg .b32 %r<0>;"), 6, 15,
               "register count must be between 1 and"});
  expectError({"unclosed", kernelWith("\t.reg .b32 %r<4;"), 6, 16,
               "expected '>' after the register count, found ';'"});
  expectError({"negative", kernelWith("\t.reg .b32 %r<-1>;"), 6, 15,
               "expected a register count"});
  expectError({"huge", kernelWith("\t.reg .b32 %r<99999999999>;"), 6, 15,
               "register count must be between"});
  expectError({"not a register", kernelWith("\t.shared .b32 s<4>;"), 6, 16,
               "only allowed in .reg"});
}

TEST(PtxErrors, GarbageBytes) {
  expectError({"control byte", kernelWith("\tret;\n\t\x01\x02\x03"), 7, 2,
               "unexpected character '\\x01'"});
  expectError({"high byte", std::string(kHeader) + "\xff\xfe", 4, 1,
               "unexpected character '\\xff'"});
  expectError({"hash", std::string(kHeader) + "#include <x>", 4, 1,
               "unexpected character '#'"});
  expectError({"stray dot", kernelWith("\tadd . s32 %r1;"), 6, 6, "stray '.'"});
  std::string withNul = kernelWith("\tret;");
  withNul.insert(withNul.find("ret"), 1, '\0');
  expectError({"NUL", withNul, 6, 2, "unexpected character '\\x00'"});
}

TEST(PtxErrors, TruncatedFile) {
  std::string text = kernelWith("\tadd.s32 %r1, %r2, %r3;\n\tret;");
  std::string cut = text.substr(0, text.find("ret;"));
  expectError(
      {"cut before ret", cut, 7, 2,
       "expected '}' to close the block opened at line 5, found end of file"});
  expectError({"cut mid operand list", text.substr(0, text.find("%r3")), 6, 20,
               "expected an operand, found end of file"});
  expectError({"cut in header", std::string(".version 9.0\n.target"), 2, 8,
               "expected a target name such as sm_90, found end of file"});
  expectError({"cut in params",
               std::string(kHeader) + ".entry k(.param .u64 p,", 4, 24,
               "expected a parameter declaration"});
}

TEST(PtxErrors, EveryPrefixOfARealFileEndsCleanly) {
  std::string text = readTestFile("calls.ptx");
  size_t failures = 0;
  for (size_t length = 0; length <= text.size(); ++length) {
    ParseResult result = parseModule(std::string_view(text).substr(0, length));
    // Either a module or exactly one diagnostic, never both, never neither.
    ASSERT_NE(result.module.has_value(), !result.diagnostics.empty()) << length;
    if (!result.module) {
      ++failures;
      ASSERT_EQ(result.diagnostics.size(), 1u);
      ASSERT_GE(result.diagnostics[0].loc.line, 1u) << length;
    }
  }
  EXPECT_GT(failures, text.size() / 2);
}

TEST(PtxErrors, DeepNesting) {
  std::string braces = kernelWith(std::string(100000, '{'));
  Diagnostic d = parseError(braces);
  EXPECT_EQ(d.loc.line, 6u);
  EXPECT_EQ(d.loc.column, 256u); // the 257th '{' including the body's
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos)
      << d.message;

  // 200 levels are fine.
  std::string ok =
      kernelWith(std::string(200, '{') + "ret;" + std::string(200, '}'));
  parseOk(ok);

  std::string parens =
      kernelWith("\tadd.s32 %r1, %r2, " + std::string(100000, '(') + "1;");
  d = parseError(parens);
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos)
      << d.message;

  std::string minus =
      kernelWith("\tadd.s32 %r1, %r2, " + std::string(100000, '-') + "1;");
  d = parseError(minus);
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos)
      << d.message;

  std::string init = std::string(kHeader) +
                     ".global .u32 x[1] = " + std::string(100000, '{') + "1;";
  d = parseError(init);
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos)
      << d.message;

  std::string operands = "{[a"; // {[a, {[a, ... : vector in address in vector
  for (int i = 0; i < 1000; ++i)
    operands += ", {[a";
  d = parseError(kernelWith("\tld.u32 %r1, " + operands));
  EXPECT_EQ(d.loc.line, 6u);
  EXPECT_EQ(d.loc.column, 24u); // the fifth nested operand
  EXPECT_NE(d.message.find("operands nested too deeply"), std::string::npos)
      << d.message;

  std::string section =
      std::string(kHeader) + ".section .debug_info " + std::string(100000, '{');
  d = parseError(section);
  EXPECT_NE(d.message.find("end of file"), std::string::npos) << d.message;
}

TEST(PtxErrors, DeclarationMistakes) {
  std::string h = kHeader;
  expectError({"no type", h + ".global .align 4 x;", 4, 18,
               "expected a type such as .b32 in the declaration, found 'x'"});
  expectError({"two spaces", h + ".global .shared .u32 x;", 4, 9,
               "second state space '.shared'"});
  expectError(
      {"two types", h + ".global .u32 .f32 x;", 4, 14, "second type '.f32'"});
  expectError({"alignment", h + ".global .align 3 .u32 x;", 4, 16,
               "alignment must be a power of two, found 3"});
  expectError({"unknown directive", h + ".foo 1;", 4, 1,
               "unknown directive '.foo' at module scope"});
  expectError({"no name", h + ".global .u32 ;", 4, 14,
               "expected a name in the declaration, found ';'"});
  expectError({"bad array", h + ".global .u32 x[0];", 4, 16,
               "array size must be positive"});
  expectError({"too large", h + ".global .u64 x[1099511627776][1024];", 4, 14,
               "is too large"});
  expectError({"bad init", h + ".global .u32 x = ;", 4, 18,
               "expected an initial value"});
  expectError({"unclosed init", h + ".global .u32 x[2] = {1, 2;", 4, 26,
               "expected ',' or '}' in the initializer, found ';'"});
  expectError({"address size", h + ".address_size 48", 4, 15,
               "address size must be 32 or 64"});
  expectError({"version", std::string(".version nine\n"), 1, 10,
               "expected a version number such as 9.0"});
  expectError({"bad version", std::string(".version 9.0.1\n"), 1, 10,
               "malformed float literal '9.0.1'"});
  expectError({"integer overflow", h + ".global .u64 x = 18446744073709551616;",
               4, 18, "integer literal does not fit in 64 bits"});
  expectError({"short float", h + ".global .f32 x = 0f3F80;", 4, 18,
               "0f float literal needs exactly 8 hex digits"});
}

TEST(PtxErrors, FunctionMistakes) {
  std::string h = kHeader;
  expectError({"no name", h + ".entry (", 4, 8,
               "expected a kernel name after .entry, found '('"});
  expectError({"no body", h + ".entry k() ret;", 4, 12,
               "expected '{' or ';' after the function header, found 'ret'"});
  expectError({"bad param", h + ".entry k(.param .u32)", 4, 21,
               "expected a name in the declaration, found ')'"});
  expectError({"param init", h + ".entry k(.param .u32 a = 1)", 4, 24,
               "expected ',' or ')' after the parameter"});
  expectError({"unknown tuning", h + ".entry k() .fast {}", 4, 12,
               "unknown function directive .fast"});
  expectError({"maxntid", h + ".entry k() .maxntid x {}", 4, 21,
               "expected an integer after .maxntid, found 'x'"});
  expectError(
      {"prototype", kernelWith("\tp: .callprototype (.param .b32 _) f ();"), 6,
       36, "expected '_' (the placeholder name) in .callprototype, found 'f'"});
  expectError(
      {"instruction at module scope", h + "ret;", 4, 1,
       "expected a directive (.version, .entry, .global, ...), found 'ret'"});
}

TEST(PtxErrors, InstructionMistakes) {
  expectError({"guard", kernelWith("\t@%p1 ;\n"), 6, 7,
               "expected an instruction opcode, found ';'"});
  expectError({"guard operand", kernelWith("\t@1 bra L;\n"), 6, 3,
               "expected a predicate register after '@', found '1'"});
  expectError({"opcode", kernelWith("\t%r1 = 5;\n"), 6, 2,
               "expected an instruction opcode, found '%r1'"});
  expectError({"address", kernelWith("\tld.u32 %r1, [];\n"), 6, 15,
               "expected a register, variable or constant address after '[', "
               "found ']'"});
  expectError({"unclosed address", kernelWith("\tld.u32 %r1, [%rd1+4;\n"), 6,
               21, "expected ']' to close the address, found ';'"});
  expectError({"unclosed vector", kernelWith("\tmov.b64 %rd1, {%r1, %r2;\n"), 6,
               25, "expected ',' or '}' in the vector operand, found ';'"});
  expectError({"nested vector", kernelWith("\tmov.b64 %rd1, {{%r1}};\n"), 6, 17,
               "a vector operand cannot be nested"});
  expectError({"component", kernelWith("\tmov.u32 %r1, %tid.q;\n"), 6, 19,
               "expected a register component (.x, .y, .z, .w) or ','"});
  expectError({"pair", kernelWith("\tsetp.eq.s32 %p1|, %r1, 0;\n"), 6, 18,
               "expected a second predicate register after '|', found ','"});
  expectError({"division", kernelWith("\tadd.s32 %r1, %r2, 1/0;\n"), 6, 21,
               "division by zero"});
  expectError({"shift", kernelWith("\tadd.s32 %r1, %r2, 1<<64;\n"), 6, 21,
               "shift count out of range"});
  expectError({"directive in body", kernelWith("\t.version 9.0\n"), 6, 2,
               "unexpected directive '.version' in a function body"});
  expectError({"empty operand", kernelWith("\tadd.s32 %r1, , %r2;\n"), 6, 15,
               "expected an operand, found ','"});
  expectError({"call list", kernelWith("\tcall.uni f, (a, (b));\n"), 6, 18,
               "an argument list cannot be nested"});
}

TEST(PtxErrors, LongTokensAreShortenedInMessages) {
  std::string name(500, 'x');
  Diagnostic d = parseError(kernelWith("\tadd.s32 %r1 " + name + ";"));
  EXPECT_LT(d.message.size(), 200u);
  EXPECT_NE(d.message.find("..."), std::string::npos);
}

} // namespace
