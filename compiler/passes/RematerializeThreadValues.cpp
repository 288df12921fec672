//===- passes/RematerializeThreadValues.cpp - Recompute cheap values ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/RematerializeThreadValues.h"

#include "passes/KernelAbi.h"
#include "passes/SubCfgFormation.h"
#include "passes/WarpCollectives.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// Larger expression trees stay in per-thread slots.
constexpr unsigned kMaxTreeSize = 24;

bool isSynchronisationPoint(const Instruction &inst) {
  auto *call = dyn_cast<CallInst>(&inst);
  return call && (isBlockBarrier(*call) || isWarpCollective(*call));
}

/// A register that gives the thread's position in its block: the same
/// value wherever the thread reads it.
bool isThreadPositionRegister(const Instruction &inst) {
  auto *call = dyn_cast<CallInst>(&inst);
  Function *callee = call ? call->getCalledFunction() : nullptr;
  if (!callee || call->arg_size() != 0 ||
      !callee->getName().starts_with(translate::kSregPrefix))
    return false;
  StringRef sreg = callee->getName().drop_front(strlen(translate::kSregPrefix));
  return sreg.starts_with("tid.") || sreg == "laneid" || sreg == "warpid" ||
         sreg == "nwarpid" || sreg.starts_with("lanemask_");
}

class Rematerializer {
public:
  explicit Rematerializer(Function &function)
      : entry_(&function.getEntryBlock()) {
    for (BasicBlock &block : function)
      for (Instruction &inst : block)
        if (isSynchronisationPoint(inst)) {
          syncBlocks_.insert(&block);
          break;
        }
  }

  bool hasSynchronisation() const { return !syncBlocks_.empty(); }

  /// Copies the cheap trees at their uses; true if anything changed.
  bool run(Function &function) {
    std::vector<Use *> roots;
    for (Instruction &inst : instructions(function))
      if (treeSize(&inst) != 0)
        for (Use &use : inst.uses())
          if (needsCopy(inst, use))
            roots.push_back(&use);
    for (Use *use : roots) {
      auto *user = cast<Instruction>(use->getUser());
      Instruction *at = user;
      if (auto *phi = dyn_cast<PHINode>(user))
        at = phi->getIncomingBlock(*use)->getTerminator();
      DenseMap<Instruction *, Instruction *> copies;
      use->set(copyTree(cast<Instruction>(use->get()), at, copies));
    }
    eraseDeadTrees(function);
    return !roots.empty();
  }

private:
  /// Values every thread sees the same everywhere in the body.
  bool isLeaf(Value *value) const {
    if (auto *inst = dyn_cast<Instruction>(value))
      return inst->getParent() == entry_;
    return isa<Constant, Argument>(value);
  }

  /// The size of the cheap expression tree rooted at `inst`, or 0 if it is
  /// not one (or a leaf).
  unsigned treeSize(Instruction *inst) {
    if (auto found = sizes_.find(inst); found != sizes_.end())
      return found->second;
    sizes_[inst] = 0; // no cycles through phis, but be safe
    unsigned size = 0;
    if (inst->getParent() != entry_) {
      if (isThreadPositionRegister(*inst)) {
        size = 1;
      } else if (isa<BinaryOperator, CastInst, CmpInst, SelectInst,
                     GetElementPtrInst, FreezeInst>(inst) &&
                 !inst->mayReadOrWriteMemory()) {
        size = 1;
        for (Value *op : inst->operands()) {
          if (isLeaf(op))
            continue;
          auto *opInst = dyn_cast<Instruction>(op);
          unsigned opSize = opInst ? treeSize(opInst) : 0;
          if (opSize == 0) {
            size = 0;
            break;
          }
          size += opSize;
        }
        if (size > kMaxTreeSize)
          size = 0;
      }
    }
    sizes_[inst] = size;
    return size;
  }

  /// A use the value could be live at a barrier for: in another block, or
  /// in a block that synchronises. Uses inside the tree of another cheap
  /// value are copied with that tree instead.
  bool needsCopy(Instruction &inst, Use &use) {
    auto *user = cast<Instruction>(use.getUser());
    if (!isa<PHINode>(user) && treeSize(user) != 0)
      return false;
    BasicBlock *block = user->getParent();
    if (auto *phi = dyn_cast<PHINode>(user))
      block = phi->getIncomingBlock(use);
    return block != inst.getParent() || syncBlocks_.contains(block);
  }

  Value *copyTree(Instruction *inst, Instruction *at,
                  DenseMap<Instruction *, Instruction *> &copies) {
    if (Instruction *done = copies.lookup(inst))
      return done;
    Instruction *copy = inst->clone();
    for (Use &op : copy->operands())
      if (auto *opInst = dyn_cast<Instruction>(op.get()); opInst && !isLeaf(opInst))
        op.set(copyTree(opInst, at, copies));
    copy->insertBefore(at);
    copy->setName(inst->getName());
    copies[inst] = copy;
    return copy;
  }

  void eraseDeadTrees(Function &function) {
    for (bool changed = true; changed;) {
      changed = false;
      for (Instruction &inst : make_early_inc_range(instructions(function)))
        if (inst.use_empty() && sizes_.lookup(&inst) != 0) {
          sizes_.erase(&inst);
          inst.eraseFromParent();
          changed = true;
        }
    }
  }

  BasicBlock *entry_;
  SmallPtrSet<BasicBlock *, 8> syncBlocks_;
  DenseMap<Instruction *, unsigned> sizes_;
};

} // namespace

PreservedAnalyses RematerializeThreadValuesPass::run(Function &function,
                                                     FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty())
    return PreservedAnalyses::all();
  Rematerializer rematerializer(function);
  if (!rematerializer.hasSynchronisation() || !rematerializer.run(function))
    return PreservedAnalyses::all();
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
