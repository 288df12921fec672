//===- cli/CoverageCommand.h - cuport coverage -----------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport coverage [--format text|markdown]
//
// The whole CUDA 13.0 runtime surface (the 422 exports of libcudart.so.13)
// with what cuport implements, straight from the API registry
// (runtime/api/CudartApi.def) so the answer cannot drift from the code.
// docs/coverage.md is this command's markdown output; a test keeps the two
// identical.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CLI_COVERAGECOMMAND_H
#define CUPORT_CLI_COVERAGECOMMAND_H

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace cuport::cli {

void addCoverageCommand(CLI::App &app);

/// Writes the coverage report; `format` is "text" or "markdown".
void printCoverage(std::ostream &out, const std::string &format);

} // namespace cuport::cli

#endif
