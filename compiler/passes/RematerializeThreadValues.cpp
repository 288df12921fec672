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
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"

#include <optional>

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

  /// Rewrites induction variables, then copies the cheap trees at their
  /// uses; true if anything changed.
  bool run(Function &function) {
    bool changed = rewriteInductionVariables(function);
    sizes_.clear(); // erased phis may share addresses with new values
    return copyTreesAtUses(function) || changed;
  }

private:
  //===--------------------------------------------------------------------===//
  // Induction variables of loops with a synchronisation point.
  //===--------------------------------------------------------------------===//

  /// `phi` = [start, preheader], [phi +/- step, latch] with `step` defined
  /// outside `loop`: its start, its step and whether it counts down.
  struct Recurrence {
    PHINode *phi;
    Value *start, *step;
    BinaryOperator *next;
  };

  static std::optional<Recurrence> matchRecurrence(PHINode &phi, Loop &loop,
                                                   BasicBlock *preheader,
                                                   BasicBlock *latch) {
    if (!phi.getType()->isIntegerTy() || phi.getNumIncomingValues() != 2)
      return std::nullopt;
    auto *next = dyn_cast<BinaryOperator>(phi.getIncomingValueForBlock(latch));
    if (!next || phi.getBasicBlockIndex(preheader) < 0)
      return std::nullopt;
    Value *step = nullptr;
    if (next->getOpcode() == Instruction::Add)
      step = next->getOperand(0) == &phi   ? next->getOperand(1)
             : next->getOperand(1) == &phi ? next->getOperand(0)
                                           : nullptr;
    else if (next->getOpcode() == Instruction::Sub && next->getOperand(0) == &phi)
      step = next->getOperand(1);
    auto *stepInst = dyn_cast_or_null<Instruction>(step);
    if (!step || (stepInst && loop.contains(stepInst)))
      return std::nullopt;
    return Recurrence{&phi, phi.getIncomingValueForBlock(preheader), step, next};
  }

  static bool isCounter(const Recurrence &r) {
    auto *start = dyn_cast<ConstantInt>(r.start);
    auto *step = dyn_cast<ConstantInt>(r.step);
    return start && step && start->isZero() && step->isOne() &&
           r.next->getOpcode() == Instruction::Add;
  }

  bool containsSynchronisation(const Loop &loop) const {
    return any_of(loop.blocks(), [&](BasicBlock *block) { return syncBlocks_.contains(block); });
  }

  /// In a loop that synchronises, an induction variable whose start is
  /// computed from the thread position (`row * n + threadIdx.x`) becomes
  /// `start + step * trip`, with `trip` the loop's trip counter (a
  /// block-uniform value): then no per-thread value of it needs to be kept
  /// across the barrier, and its addresses stay consecutive across threads.
  /// Exact in wrapping integer arithmetic.
  bool rewriteInductionVariables(Function &function) {
    DominatorTree dominators(function);
    LoopInfo loops(dominators);
    bool changed = false;
    for (Loop *loop : loops.getLoopsInPreorder()) {
      BasicBlock *preheader = loop->getLoopPreheader();
      BasicBlock *latch = loop->getLoopLatch();
      if (!preheader || !latch || !containsSynchronisation(*loop))
        continue;
      BasicBlock *header = loop->getHeader();
      std::vector<Recurrence> rewrite;
      DenseMap<Type *, PHINode *> counters;
      for (PHINode &phi : header->phis()) {
        std::optional<Recurrence> r = matchRecurrence(phi, *loop, preheader, latch);
        if (!r)
          continue;
        if (isCounter(*r))
          counters.try_emplace(phi.getType(), &phi);
        else if (!isLeaf(r->start) && isa<Instruction>(r->start) &&
                 treeSize(cast<Instruction>(r->start)) != 0)
          rewrite.push_back(*r);
      }
      for (const Recurrence &r : rewrite) {
        PHINode *&counter = counters[r.phi->getType()];
        if (!counter)
          counter = createCounter(r.phi->getType(), header, preheader, latch);
        IRBuilder<> b(header, header->getFirstInsertionPt());
        Value *offset = b.CreateMul(r.step, counter);
        Value *value = r.next->getOpcode() == Instruction::Add
                           ? b.CreateAdd(r.start, offset)
                           : b.CreateSub(r.start, offset);
        value->takeName(r.phi);
        r.phi->replaceAllUsesWith(value);
        r.phi->eraseFromParent();
        if (r.next->use_empty())
          r.next->eraseFromParent();
        changed = true;
      }
    }
    return changed;
  }

  static PHINode *createCounter(Type *type, BasicBlock *header,
                                BasicBlock *preheader, BasicBlock *latch) {
    IRBuilder<> b(header, header->begin());
    PHINode *counter = b.CreatePHI(type, 2, "trip");
    b.SetInsertPoint(latch->getTerminator());
    Value *next = b.CreateAdd(counter, ConstantInt::get(type, 1), "trip.next");
    counter->addIncoming(ConstantInt::get(type, 0), preheader);
    counter->addIncoming(next, latch);
    return counter;
  }

  //===--------------------------------------------------------------------===//
  // Copies of the cheap trees.
  //===--------------------------------------------------------------------===//

  bool copyTreesAtUses(Function &function) {
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
  /// in a block that synchronises. A use by another cheap value in the same
  /// block is copied with that value's tree instead.
  bool needsCopy(Instruction &inst, Use &use) {
    auto *user = cast<Instruction>(use.getUser());
    BasicBlock *block = user->getParent();
    if (auto *phi = dyn_cast<PHINode>(user))
      block = phi->getIncomingBlock(use);
    if (block != inst.getParent() || syncBlocks_.contains(block))
      return true;
    return false; // a same-block user: it is copied, or it keeps `inst`
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
