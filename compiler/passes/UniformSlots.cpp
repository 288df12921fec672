//===- passes/UniformSlots.cpp - One slot for block-uniform values --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/UniformSlots.h"

#include "passes/KernelAbi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// The loop nest (z, y, x) of one region: its outermost loop.
Loop *threadNestOf(const Instruction &inst, const LoopInfo &loops) {
  for (Loop *loop = loops.getLoopFor(inst.getParent()); loop;
       loop = loop->getParentLoop())
    if (findOptionMDForLoop(loop, "llvm.loop.parallel_accesses")) {
      // The thread loop over x, inside the loops over y and z.
      Loop *y = loop->getParentLoop();
      return y ? y->getParentLoop() : nullptr;
    }
  return nullptr;
}

/// The thread loop over x of a nest: the innermost loop of its single
/// chain z -> y -> x.
Loop *threadLoopOf(Loop *nest) {
  Loop *y = nest->getSubLoops().size() == 1 ? nest->getSubLoops()[0] : nullptr;
  return y && y->getSubLoops().size() == 1 ? y->getSubLoops()[0] : nullptr;
}

class SlotRewrite {
public:
  SlotRewrite(AllocaInst &slot, DominatorTree &dominators, LoopInfo &loops)
      : slot_(slot), dominators_(dominators), loops_(loops) {}

  /// Checks the slot's accesses; false if it must stay per-thread.
  bool analyse() {
    for (User *user : slot_.users()) {
      auto *address = dyn_cast<GetElementPtrInst>(user);
      if (!address || address->getNumIndices() != 1 ||
          address->getSourceElementType() != slot_.getAllocatedType())
        return false;
      for (User *access : address->users()) {
        auto *inst = cast<Instruction>(access);
        Loop *nest = threadNestOf(*inst, loops_);
        if (!nest || !threadLoopOf(nest) || !nest->getLoopPreheader())
          return false;
        if (auto *load = dyn_cast<LoadInst>(inst); load && load->isSimple())
          nests_[nest].loads.push_back(load);
        else if (auto *store = dyn_cast<StoreInst>(inst);
                 store && store->isSimple() && store->getPointerOperand() == address)
          nests_[nest].stores.push_back(store);
        else
          return false;
      }
    }
    for (auto &[nest, accesses] : nests_)
      for (LoadInst *load : accesses.loads) {
        if (any_of(accesses.stores,
                   [&](StoreInst *store) { return dominators_.dominates(store, load); }))
          continue; // reads what this thread stored
        if (anyStoreReaches(accesses.stores, load, threadLoopOf(nest)))
          return false;
        accesses.onEntry.push_back(load);
      }
    return true;
  }

  void rewrite() {
    IRBuilder<> entry(&slot_);
    AllocaInst *scalar = entry.CreateAlloca(slot_.getAllocatedType(), nullptr,
                                            slot_.getName() + ".uniform");
    scalar->setAlignment(slot_.getAlign());
    for (auto &[nest, accesses] : nests_) {
      if (accesses.onEntry.empty())
        continue;
      IRBuilder<> b(nest->getLoopPreheader()->getTerminator());
      Value *onEntry = b.CreateLoad(slot_.getAllocatedType(), scalar,
                                    slot_.getName() + ".on.entry");
      for (LoadInst *load : accesses.onEntry) {
        load->replaceAllUsesWith(onEntry);
        load->eraseFromParent();
      }
    }
    for (User *user : make_early_inc_range(slot_.users())) {
      auto *address = cast<Instruction>(user);
      address->replaceAllUsesWith(scalar);
      address->eraseFromParent();
    }
    slot_.eraseFromParent();
  }

private:
  struct Accesses {
    std::vector<LoadInst *> loads;
    std::vector<StoreInst *> stores;
    std::vector<LoadInst *> onEntry; ///< loads of the value at region entry
  };

  /// Whether a store can precede `load` in the same iteration of the
  /// thread loop `threads` (inner loops of the thread's code included).
  bool anyStoreReaches(ArrayRef<StoreInst *> stores, LoadInst *load, Loop *threads) {
    BasicBlock *target = load->getParent();
    SmallVector<BasicBlock *, 16> work;
    SmallPtrSet<BasicBlock *, 32> seen;
    for (StoreInst *store : stores) {
      if (store->getParent() == target && store->comesBefore(load))
        return true;
      append_range(work, successors(store->getParent()));
    }
    while (!work.empty()) {
      BasicBlock *block = work.pop_back_val();
      if (block == threads->getHeader() || !threads->contains(block) ||
          !seen.insert(block).second)
        continue; // the next thread's iteration, or out of the nest
      if (block == target)
        return true;
      append_range(work, successors(block));
    }
    return false;
  }

  AllocaInst &slot_;
  DominatorTree &dominators_;
  LoopInfo &loops_;
  DenseMap<Loop *, Accesses> nests_;
};

} // namespace

PreservedAnalyses UniformSlotsPass::run(Function &function, FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty())
    return PreservedAnalyses::all();
  std::vector<AllocaInst *> slots;
  for (Instruction &inst : function.getEntryBlock())
    if (auto *alloca = dyn_cast<AllocaInst>(&inst);
        alloca && alloca->getMetadata(kUniformSlotMetadata))
      slots.push_back(alloca);
  if (slots.empty())
    return PreservedAnalyses::all();
  DominatorTree dominators(function);
  LoopInfo loops(dominators);
  bool changed = false;
  for (AllocaInst *slot : slots) {
    SlotRewrite rewrite(*slot, dominators, loops);
    if (rewrite.analyse()) {
      rewrite.rewrite(); // no block changes: the analyses stay valid
      changed = true;
    } else {
      slot->setMetadata(kUniformSlotMetadata, nullptr);
    }
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace cuport::passes
