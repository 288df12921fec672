//===- passes/WidenSyncScopes.h - NVPTX scopes to host scopes ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  atomics and fences with the NVPTX sync scopes the translator emits
//      ("block" for .cta, "cluster", "device" for .gpu, system for .sys).
// OUT: "device" and "cluster" widened to the system scope; "block" kept.
//
// Why: the blocks of a grid run on different host threads, so .gpu order
// must be enforced between host threads, and the x86 backend treats every
// scope but the system one as a single-thread scope (a syncscope("device")
// seq_cst fence becomes a compiler barrier, no mfence). A block runs on one
// host thread, one thread after another, so for "block" a compiler barrier
// is exactly right and cheaper.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_WIDENSYNCSCOPES_H
#define CUPORT_PASSES_WIDENSYNCSCOPES_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class WidenSyncScopesPass : public llvm::PassInfoMixin<WidenSyncScopesPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_WIDENSYNCSCOPES_H
