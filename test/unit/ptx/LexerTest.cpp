//===- LexerTest.cpp - Tests of the PTX lexer -----------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Token by token: every token shape of Lexer.h, line and column tracking,
// comments, and malformed text turning into Error tokens.
//
//===----------------------------------------------------------------------===//
#include "ptx/Lexer.h"

#include <gtest/gtest.h>

#include <vector>

using namespace cuport::ptx;

namespace {

std::vector<Token> lexAll(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  for (;;) {
    Token token = lexer.next();
    tokens.push_back(token);
    if (token.kind == TokenKind::EndOfFile || tokens.size() > 10000)
      return tokens;
  }
}

Token single(std::string_view text) {
  std::vector<Token> tokens = lexAll(text);
  EXPECT_GE(tokens.size(), 1u);
  return tokens.front();
}

TEST(PtxLexer, Identifiers) {
  for (std::string_view name :
       {"add", "%r1", "%rd12", "$L__BB0_2", "_Z3fooi", "__local_depot0",
        "$str$1", "%tid", "_", "sm_90a", "%SP", "a$b_9"}) {
    Token token = single(name);
    EXPECT_EQ(token.kind, TokenKind::Identifier) << name;
    EXPECT_EQ(token.text, name);
  }
}

TEST(PtxLexer, RegisterComponentIsIdentifierThenDirective) {
  std::vector<Token> tokens = lexAll("%tid.x");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].text, "%tid");
  EXPECT_EQ(tokens[1].kind, TokenKind::Directive);
  EXPECT_EQ(tokens[1].directiveName(), "x");
}

TEST(PtxLexer, DirectivesKeepDoubleColonQualifiers) {
  std::vector<Token> tokens =
      lexAll("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes"
             " .L2::128B .2d .version");
  std::vector<std::string_view> names;
  for (const Token &t : tokens)
    if (t.kind == TokenKind::Directive)
      names.push_back(t.directiveName());
  EXPECT_EQ(tokens[0].text, "cp");
  std::vector<std::string_view> expected = {"async",
                                            "bulk",
                                            "shared::cluster",
                                            "global",
                                            "mbarrier::complete_tx::bytes",
                                            "L2::128B",
                                            "2d",
                                            "version"};
  EXPECT_EQ(names, expected);
  EXPECT_TRUE(tokens[3].isDirective("shared::cluster"));
}

TEST(PtxLexer, IntegerLiterals) {
  struct Case {
    std::string_view text;
    uint64_t value;
    bool unsignedSuffix;
  };
  for (Case c : {Case{"0", 0, false}, Case{"42", 42, false},
                 Case{"0x1F", 31, false}, Case{"0XfF", 255, false},
                 Case{"017", 15, false}, Case{"0b101", 5, false},
                 Case{"42U", 42, true}, Case{"0xFFFFFFFFU", 0xFFFFFFFFu, true},
                 Case{"18446744073709551615", ~uint64_t(0), false},
                 Case{"0xFFFFFFFFFFFFFFFF", ~uint64_t(0), false}}) {
    Token token = single(c.text);
    EXPECT_EQ(token.kind, TokenKind::Integer) << c.text;
    EXPECT_EQ(token.intValue, c.value) << c.text;
    EXPECT_EQ(token.hasUnsignedSuffix, c.unsignedSuffix) << c.text;
    EXPECT_EQ(token.text, c.text);
  }
}

TEST(PtxLexer, NegativeLiteralIsMinusThenLiteral) {
  std::vector<Token> tokens = lexAll("-8 +-1");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].kind, TokenKind::Minus);
  EXPECT_EQ(tokens[1].kind, TokenKind::Integer);
  EXPECT_EQ(tokens[1].intValue, 8u);
  EXPECT_EQ(tokens[2].kind, TokenKind::Plus);
  EXPECT_EQ(tokens[3].kind, TokenKind::Minus);
}

TEST(PtxLexer, MalformedIntegers) {
  for (std::string_view text : {"18446744073709551616", "0x10000000000000000",
                                "08", "0b12", "12abc", "0x1G"}) {
    Token token = single(text);
    EXPECT_EQ(token.kind, TokenKind::Error) << text;
    EXPECT_FALSE(token.error.empty()) << text;
  }
}

TEST(PtxLexer, FloatLiterals) {
  Token f32 = single("0f3F800000");
  EXPECT_EQ(f32.kind, TokenKind::Float);
  EXPECT_TRUE(f32.isF32Bits);
  EXPECT_EQ(f32.intValue, 0x3F800000u);
  EXPECT_EQ(f32.floatValue, 1.0);

  Token f64 = single("0d4004000000000000");
  EXPECT_EQ(f64.kind, TokenKind::Float);
  EXPECT_TRUE(f64.isF64Bits);
  EXPECT_EQ(f64.intValue, 0x4004000000000000u);
  EXPECT_EQ(f64.floatValue, 2.5);

  Token nan = single("0F7FC00000");
  EXPECT_TRUE(nan.isF32Bits);
  EXPECT_NE(nan.floatValue, nan.floatValue);

  for (auto [text, value] : {std::pair{"1.5", 1.5}, std::pair{"9.0", 9.0},
                             std::pair{"2.5e-3", 2.5e-3},
                             std::pair{"1e3", 1000.0}, std::pair{"3.", 3.0}}) {
    Token token = single(text);
    EXPECT_EQ(token.kind, TokenKind::Float) << text;
    EXPECT_FALSE(token.isF32Bits || token.isF64Bits);
    EXPECT_DOUBLE_EQ(token.floatValue, value) << text;
  }
}

TEST(PtxLexer, MalformedFloats) {
  for (std::string_view text :
       {"0f3F8", "0f3F8000001", "0d3FF", "0fXYZ", "1.5x", "1e", "1e+"}) {
    Token token = single(text);
    EXPECT_EQ(token.kind, TokenKind::Error) << text;
  }
}

TEST(PtxLexer, Strings) {
  Token plain = single("\"nounroll\"");
  EXPECT_EQ(plain.kind, TokenKind::String);
  EXPECT_EQ(plain.text, "\"nounroll\"");
  Token escaped = single(R"("a\"b\\")");
  EXPECT_EQ(escaped.kind, TokenKind::String);
  EXPECT_EQ(escaped.text, R"("a\"b\\")");

  Token open = single("\"never closed");
  EXPECT_EQ(open.kind, TokenKind::Error);
  EXPECT_EQ(open.error, "unterminated string");
  Token newline = single("\"broken\nline\"");
  EXPECT_EQ(newline.kind, TokenKind::Error);
}

TEST(PtxLexer, Punctuation) {
  std::vector<Token> tokens =
      lexAll("( ) [ ] { } < > , ; : + - ! | @ = * / & ^ ~ << >> %");
  std::vector<TokenKind> kinds;
  for (const Token &t : tokens)
    kinds.push_back(t.kind);
  std::vector<TokenKind> expected = {
      TokenKind::LParen,    TokenKind::RParen,    TokenKind::LBracket,
      TokenKind::RBracket,  TokenKind::LBrace,    TokenKind::RBrace,
      TokenKind::Less,      TokenKind::Greater,   TokenKind::Comma,
      TokenKind::Semicolon, TokenKind::Colon,     TokenKind::Plus,
      TokenKind::Minus,     TokenKind::Bang,      TokenKind::Pipe,
      TokenKind::At,        TokenKind::Equal,     TokenKind::Star,
      TokenKind::Slash,     TokenKind::Amp,       TokenKind::Caret,
      TokenKind::Tilde,     TokenKind::ShiftLeft, TokenKind::ShiftRight,
      TokenKind::Percent,   TokenKind::EndOfFile};
  EXPECT_EQ(kinds, expected);
}

TEST(PtxLexer, RegisterRange) {
  std::vector<Token> tokens = lexAll("%r<42>;");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].text, "%r");
  EXPECT_EQ(tokens[1].kind, TokenKind::Less);
  EXPECT_EQ(tokens[2].intValue, 42u);
  EXPECT_EQ(tokens[3].kind, TokenKind::Greater);
  EXPECT_EQ(tokens[4].kind, TokenKind::Semicolon);
}

TEST(PtxLexer, CommentsAndLocations) {
  std::vector<Token> tokens = lexAll(
      "// header\n\tadd.s32 /* inline */ %r1, // tail\n  /* multi\nline */ 7;");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].text, "add");
  EXPECT_EQ(tokens[0].loc.line, 2u);
  EXPECT_EQ(tokens[0].loc.column, 2u);
  EXPECT_EQ(tokens[1].text, ".s32");
  EXPECT_EQ(tokens[1].loc.column, 5u);
  EXPECT_EQ(tokens[2].text, "%r1");
  EXPECT_EQ(tokens[2].loc.column, 23u);
  EXPECT_EQ(tokens[4].text, "7");
  EXPECT_EQ(tokens[4].loc.line, 4u);
  EXPECT_EQ(tokens[4].loc.column, 9u);
  EXPECT_EQ(tokens[6].kind, TokenKind::EndOfFile);
  EXPECT_EQ(tokens[6].loc.line, 4u);
  EXPECT_EQ(tokens[6].loc.column, 11u);
}

TEST(PtxLexer, UnterminatedComment) {
  std::vector<Token> tokens = lexAll("ret;\n  /* never closed\n");
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[2].kind, TokenKind::Error);
  EXPECT_EQ(tokens[2].error, "unterminated /* comment");
  EXPECT_EQ(tokens[2].loc.line, 2u);
  EXPECT_EQ(tokens[2].loc.column, 3u);
}

TEST(PtxLexer, UnexpectedCharacters) {
  for (std::string_view text :
       {"#include", "\x01", "\xff", "`", "?", "\\", "'", ".", ". x", "$"}) {
    Token token = single(text);
    EXPECT_EQ(token.kind, TokenKind::Error) << text;
  }
}

TEST(PtxLexer, EndOfFileRepeats) {
  Lexer lexer("ret");
  EXPECT_EQ(lexer.next().kind, TokenKind::Identifier);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(lexer.next().kind, TokenKind::EndOfFile);
}

TEST(PtxLexer, NeverReadsPastTheView) {
  // Each view stops inside a longer buffer; what follows must not leak in.
  std::string buffer = "abcdef 0f3F800000 \"str\" /* c */";
  EXPECT_EQ(single(std::string_view(buffer).substr(0, 3)).text, "abc");
  Token cutFloat = single(std::string_view(buffer).substr(7, 6));
  EXPECT_EQ(cutFloat.kind, TokenKind::Error);
  Token cutString = single(std::string_view(buffer).substr(18, 4));
  EXPECT_EQ(cutString.kind, TokenKind::Error);
  Token cutComment = single(std::string_view(buffer).substr(24, 5));
  EXPECT_EQ(cutComment.kind, TokenKind::Error);
  std::string hex = "0x";
  Token cutHex = single(std::string_view(hex).substr(0, 2));
  EXPECT_EQ(cutHex.kind, TokenKind::Error); // "0x" with no digits
  std::string withNul("a\0b", 3);
  std::vector<Token> tokens = lexAll(withNul);
  EXPECT_EQ(tokens[1].kind, TokenKind::Error);
}

} // namespace
