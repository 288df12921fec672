//===- ParserScaleTest.cpp - A 5 MB module parses ------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Builds a module of about 5 MB from the kernels of a real file (renamed
// copies) and parses it. The time is printed, never asserted (DESIGN.md §7:
// benchmarks print figures).
//
//===----------------------------------------------------------------------===//
#include "PtxTestUtil.h"

#include <chrono>
#include <iostream>

using namespace cuport::ptx;
using namespace cuport::ptx::test;

namespace {

/// Replaces every occurrence of `from` in `text` by `to`.
std::string replaceAll(std::string text, const std::string &from,
                       const std::string &to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(PtxScale, FiveMegabyteModule) {
  std::string source = readTestFile("basics.ptx");
  size_t firstEntry = source.find(".visible .entry");
  ASSERT_NE(firstEntry, std::string::npos);
  std::string header = source.substr(0, firstEntry);
  std::string kernels = source.substr(firstEntry);

  std::string text = header;
  size_t copies = 0;
  while (text.size() < 5 * 1024 * 1024) {
    // `_Z` starts every kernel name and parameter name; label names repeat
    // harmlessly (they are per function).
    text += replaceAll(kernels, "_Z", "_Z" + std::to_string(copies) + "_");
    ++copies;
  }

  auto start = std::chrono::steady_clock::now();
  ParseResult result = parseModule(text);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result.module.has_value());
  EXPECT_EQ(result.module->functions.size(), copies * 6);
  double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  std::cout << "[ figures  ] parsed " << text.size() / 1024 << " KiB ("
            << result.module->functions.size() << " kernels) in " << ms
            << " ms\n";
}

} // namespace
