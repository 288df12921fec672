//===- passes/LoweringDiagnostics.h - Errors found by passes ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A pass cannot return an llvm::Error, so the lowering passes record what
// they cannot handle here (always naming the kernel) and the pipeline turns
// the list into one Error after the passes ran.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_LOWERINGDIAGNOSTICS_H
#define CUPORT_PASSES_LOWERINGDIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace cuport::passes {

class LoweringDiagnostics {
public:
  void error(llvm::StringRef kernel, const llvm::Twine &message) {
    messages_.push_back("kernel '" + kernel.str() + "': " + message.str());
  }
  bool empty() const { return messages_.empty(); }
  /// All recorded messages as one Error (success when there are none).
  llvm::Error takeError() {
    if (messages_.empty())
      return llvm::Error::success();
    std::string joined;
    for (const std::string &message : messages_)
      joined += (joined.empty() ? "" : "\n") + message;
    messages_.clear();
    return llvm::createStringError(llvm::inconvertibleErrorCode(), joined);
  }

private:
  std::vector<std::string> messages_;
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_LOWERINGDIAGNOSTICS_H
