//===- passes/WidenSyncScopes.cpp - NVPTX scopes to host scopes -----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/WidenSyncScopes.h"

#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace cuport::passes {

namespace {

void setSystemScope(Instruction &inst) {
  if (auto *load = dyn_cast<LoadInst>(&inst))
    load->setSyncScopeID(SyncScope::System);
  else if (auto *store = dyn_cast<StoreInst>(&inst))
    store->setSyncScopeID(SyncScope::System);
  else if (auto *fence = dyn_cast<FenceInst>(&inst))
    fence->setSyncScopeID(SyncScope::System);
  else if (auto *cas = dyn_cast<AtomicCmpXchgInst>(&inst))
    cas->setSyncScopeID(SyncScope::System);
  else if (auto *rmw = dyn_cast<AtomicRMWInst>(&inst))
    rmw->setSyncScopeID(SyncScope::System);
}

} // namespace

PreservedAnalyses WidenSyncScopesPass::run(Function &function,
                                           FunctionAnalysisManager &) {
  LLVMContext &context = function.getContext();
  SmallVector<StringRef, 8> names;
  context.getSyncScopeNames(names);
  auto isWidened = [&](SyncScope::ID id) {
    return id < names.size() &&
           (names[id] == "device" || names[id] == "cluster");
  };
  bool changed = false;
  for (Instruction &inst : instructions(function)) {
    std::optional<SyncScope::ID> scope = getAtomicSyncScopeID(&inst);
    if (!scope || !isWidened(*scope))
      continue;
    setSystemScope(inst);
    changed = true;
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace cuport::passes
