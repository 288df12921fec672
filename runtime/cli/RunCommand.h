//===- cli/RunCommand.h - cuport run ---------------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CLI_RUNCOMMAND_H
#define CUPORT_CLI_RUNCOMMAND_H

#include <string>
#include <vector>

namespace cuport::cli {

struct RunOptions {
  std::string backend; ///< empty: CUPORT_BACKEND or the default (cpu)
  /// --report FILE: the coverage report of the run (JSON) goes to FILE
  /// (CUPORT_REPORT for the application; see runtime/core/Report.h).
  std::string report;
  std::vector<std::string> command; ///< program and its arguments
};

/// Replaces this process with the application bound to cuport's
/// libcudart.so.13. Returns only on failure, with the exit status to use.
int runApplication(const RunOptions &options);

} // namespace cuport::cli

#endif // CUPORT_CLI_RUNCOMMAND_H
