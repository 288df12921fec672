//===- passes/ImplicitWarpSync.cpp - Warp-synchronous volatile code --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/ImplicitWarpSync.h"

#include "passes/KernelAbi.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicsNVPTX.h"

#include <optional>

using namespace llvm;

namespace cuport::passes {

namespace {

enum class Access { Load, Store };

/// Whether `inst` is a volatile access that warp-synchronous code may use
/// to talk to the other lanes: to shared memory, or through a generic
/// pointer (which may point there).
std::optional<Access> volatileSharedAccess(const Instruction &inst) {
  auto mayBeShared = [](unsigned addressSpace) {
    return addressSpace == translate::SharedAS || addressSpace == 0;
  };
  if (auto *load = dyn_cast<LoadInst>(&inst);
      load && load->isVolatile() && mayBeShared(load->getPointerAddressSpace()))
    return Access::Load;
  if (auto *store = dyn_cast<StoreInst>(&inst);
      store && store->isVolatile() && mayBeShared(store->getPointerAddressSpace()))
    return Access::Store;
  return std::nullopt;
}

/// The accesses that open a new lock-step step: the first of their block,
/// and each one whose kind differs from the one before it.
SmallVector<Instruction *, 16> stepStarts(Function &function) {
  SmallVector<Instruction *, 16> starts;
  for (BasicBlock &block : function) {
    std::optional<Access> previous;
    for (Instruction &inst : block) {
      std::optional<Access> access = volatileSharedAccess(inst);
      if (!access)
        continue;
      if (!previous || *previous != *access)
        starts.push_back(&inst);
      previous = access;
    }
  }
  return starts;
}

} // namespace

PreservedAnalyses ImplicitWarpSyncPass::run(Function &function, FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty())
    return PreservedAnalyses::all();
  SmallVector<Instruction *, 16> starts = stepStarts(function);
  if (starts.empty())
    return PreservedAnalyses::all();
  Function *warpSync =
      Intrinsic::getDeclaration(function.getParent(), Intrinsic::nvvm_bar_warp_sync);
  for (Instruction *start : starts) {
    IRBuilder<> b(start);
    b.CreateCall(warpSync, {b.getInt32(0)});
  }
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
