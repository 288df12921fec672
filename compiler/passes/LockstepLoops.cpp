//===- passes/LockstepLoops.cpp - Divergent loops in lock step ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/LockstepLoops.h"

#include "passes/KernelAbi.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ADT/PostOrderIterator.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/PostDominators.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicsNVPTX.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/SSAUpdater.h"
#include "llvm/Transforms/Utils/UnrollLoop.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>

using namespace llvm;

namespace cuport::passes {

namespace {

/// Loops put in lock step per function, at most.
constexpr unsigned kMaxLoops = 16;
/// Dominators of the loop header tried as the uniform start G.
constexpr unsigned kMaxClimb = 8;
/// Iterations of a lock-step loop that each thread runs per round, at
/// most: every round ends in a block-wide OR and keeps the loop state in
/// per-thread slots, so more iterations per round divide that cost; the
/// iterations of one round also put independent loads in flight.
constexpr unsigned kMaxIterationsPerRound = 8;
/// Instructions of a loop body times its iterations per round, at most.
constexpr unsigned kRoundBudget = 96;
/// Iterations per round CUPORT_LOCKSTEP_UNROLL may ask for, at most.
constexpr int kMaxRequestedIterations = 64;
/// Adds of the step that make up one iteration's advance, at most: an
/// unrolled induction variable advances once per copy of the body.
constexpr unsigned kMaxStepChain = kMaxRequestedIterations;

constexpr const char *kBlockOr = "llvm.nvvm.barrier0.or";

StringRef calleeName(const CallBase &call) {
  const Function *callee = call.getCalledFunction();
  return callee ? callee->getName() : StringRef();
}

Value *branchCondition(Instruction *terminator) {
  if (auto *branch = dyn_cast<BranchInst>(terminator))
    return branch->isConditional() ? branch->getCondition() : nullptr;
  if (auto *switchInst = dyn_cast<SwitchInst>(terminator))
    return switchInst->getCondition();
  return nullptr;
}

/// Which values may differ between the threads of a block, and which
/// blocks not every thread reaches. Deliberately coarser than the sub-CFG
/// formation's analysis (every load and call in the body varies), so that
/// a block found uniform here is uniform there too.
class Divergence {
public:
  Divergence(Function &function, const PostDominatorTree &postDominators)
      : entry_(&function.getEntryBlock()) {
    for (bool changed = true; changed;) {
      changed = false;
      for (BasicBlock &block : function)
        for (Instruction &inst : block)
          if (!varying_.contains(&inst) && computeVarying(inst)) {
            varying_.insert(&inst);
            changed = true;
          }
      for (BasicBlock &block : function) {
        Value *condition = branchCondition(block.getTerminator());
        if (!condition || !isVarying(condition) || !divergent_.insert(&block))
          continue;
        BasicBlock *join = nullptr;
        if (DomTreeNode *node = postDominators.getNode(&block))
          if (DomTreeNode *idom = node->getIDom())
            join = idom->getBlock();
        SmallVector<BasicBlock *, 16> work(succ_begin(&block), succ_end(&block));
        while (!work.empty()) {
          BasicBlock *next = work.pop_back_val();
          if (next == join || !notAllThreads_.insert(next).second)
            continue;
          joins_.insert(next);
          append_range(work, successors(next));
        }
        if (join)
          joins_.insert(join);
        changed = true;
      }
    }
  }

  bool isVarying(const Value *value) const {
    return isa<Instruction>(value) && varying_.contains(cast<Instruction>(value));
  }
  bool reachedByAllThreads(BasicBlock *block) const { return !notAllThreads_.contains(block); }

private:
  bool computeVarying(Instruction &inst) const {
    if (inst.getParent() == entry_)
      return false; // arguments and launch geometry
    auto anyOperandVarying = [&] {
      return any_of(inst.operands(), [&](Value *op) { return isVarying(op); });
    };
    if (auto *call = dyn_cast<CallBase>(&inst)) {
      StringRef name = calleeName(*call);
      if (name == kBlockOr)
        return false; // the same result in every thread
      Function *callee = call->getCalledFunction();
      if (!callee || !callee->isIntrinsic() || !call->doesNotAccessMemory() ||
          name.starts_with("llvm.nvvm."))
        return true;
      return anyOperandVarying();
    }
    if (isa<LoadInst, AtomicRMWInst, AtomicCmpXchgInst, AllocaInst>(inst))
      return true;
    if (isa<PHINode>(inst) && joins_.contains(inst.getParent()))
      return true;
    return anyOperandVarying();
  }

  BasicBlock *entry_;
  SmallPtrSet<const Instruction *, 32> varying_;
  SetVector<BasicBlock *> divergent_;
  SmallPtrSet<BasicBlock *, 32> notAllThreads_, joins_;
};

/// Whether `inst` may run in lock step with the other threads: no
/// synchronisation, no warp collective, no call with effects, no stack,
/// no atomics, fences or volatile accesses.
bool mayRunInLockstep(const Instruction &inst) {
  if (isa<AllocaInst, FenceInst>(inst) || inst.isAtomic())
    return false;
  // Threads may wait for each other through memory (a lock taken with
  // atomicCAS, a volatile flag): run one after another, the first one
  // through releases the others; in lock step none would get through.
  if (auto *load = dyn_cast<LoadInst>(&inst); load && load->isVolatile())
    return false;
  if (auto *store = dyn_cast<StoreInst>(&inst); store && store->isVolatile())
    return false;
  if (auto *call = dyn_cast<CallBase>(&inst)) {
    StringRef name = calleeName(*call);
    if (name.starts_with(translate::kSregPrefix))
      return true;
    const Function *callee = call->getCalledFunction();
    return callee && callee->isIntrinsic() && !call->isConvergent() &&
           !name.starts_with("llvm.nvvm.") && !call->mayHaveSideEffects();
  }
  return !inst.isTerminator() || isa<BranchInst, SwitchInst>(inst);
}

/// A loop and its region: G (reached by every thread) to J.
struct Plan {
  Loop *loop;
  BasicBlock *start;               // G
  BasicBlock *join;                // J
  SmallPtrSet<BasicBlock *, 8> pre;  // from G to the loop or J, not through the loop
  SmallPtrSet<BasicBlock *, 8> post; // from the loop's exits to J
};

enum class EdgeKind { Entry, Skip, Latch, Exit };

/// An induction variable that advances by `times` steps per iteration.
struct Recurrence {
  Value *step = nullptr;
  unsigned times = 0;
  bool subtract = false;
};

struct Edge {
  BasicBlock *from;  // the original source
  BasicBlock *block; // the new block on the edge
  EdgeKind kind;
};

class LockstepLoops {
public:
  LockstepLoops(Function &function, TargetLibraryInfo &libraryInfo)
      : function_(function), libraryInfo_(libraryInfo) {}

  /// Speculatable computations of kernel arguments, launch geometry and
  /// constants move to the entry block (as the sub-CFG formation does
  /// later): then the region's start values are defined before G, and no
  /// phi of the lock-step loop has to carry them.
  bool hoistUniformValues() {
    BasicBlock *entry = &function_.getEntryBlock();
    auto isOutsideBody = [&](Value *value) {
      auto *inst = dyn_cast<Instruction>(value);
      return !inst || inst->getParent() == entry;
    };
    bool changed = false;
    ReversePostOrderTraversal<Function *> order(&function_);
    for (BasicBlock *block : order) {
      if (block == entry)
        continue;
      for (Instruction &inst : make_early_inc_range(*block)) {
        if (isa<PHINode, CallBase, AllocaInst>(inst) || inst.isTerminator() ||
            inst.mayReadOrWriteMemory() || !isSafeToSpeculativelyExecute(&inst))
          continue;
        if (all_of(inst.operands(), isOutsideBody)) {
          inst.moveBefore(entry->getTerminator());
          changed = true;
        }
      }
    }
    return changed;
  }

  /// Puts one more loop in lock step (with `dryRun`, only says whether
  /// there is one); false when none is left.
  bool transformOne(bool dryRun = false) {
    DominatorTree dominators(function_);
    PostDominatorTree postDominators(function_);
    LoopInfo loops(dominators);
    Divergence divergence(function_, postDominators);
    for (Loop *loop : loops.getLoopsInPreorder()) {
      if (!loop->isInnermost() || !hasThreadDependentExit(*loop, divergence))
        continue;
      if (std::optional<Plan> plan =
              planFor(*loop, dominators, postDominators, loops, divergence)) {
        if (dryRun)
          return true;
        // First unrolled (the next call finds it again, bigger), then
        // put in lock step.
        if (unrolled_.insert(loop->getHeader()).second &&
            unrollForRounds(*loop, dominators, loops))
          return true;
        apply(*plan, dominators);
        return true;
      }
    }
    return false;
  }

private:
  /// Iterations per round for `loop`: as many as the budget allows.
  static unsigned iterationsPerRound(const Loop &loop) {
    if (const char *setting = std::getenv("CUPORT_LOCKSTEP_UNROLL"))
      return std::clamp(std::atoi(setting), 1, kMaxRequestedIterations);
    unsigned size = 0;
    for (BasicBlock *block : loop.blocks())
      size += block->sizeWithoutDebug();
    return std::clamp(kRoundBudget / std::max(size, 1u), 1u, kMaxIterationsPerRound);
  }

  /// Unrolls `loop` (every exit kept: the trip count depends on the
  /// thread) so that each round of the lock-step loop runs several of its
  /// iterations.
  bool unrollForRounds(Loop &loop, DominatorTree &dominators, LoopInfo &loops) {
    unsigned count = iterationsPerRound(loop);
    if (count < 2 || !loop.isSafeToClone())
      return false;
    AssumptionCache assumptions(function_);
    ScalarEvolution evolution(function_, libraryInfo_, assumptions, dominators, loops);
    simplifyLoop(&loop, &dominators, &loops, &evolution, &assumptions, nullptr,
                 /*PreserveLCSSA=*/false);
    formLCSSA(loop, dominators, &loops, &evolution);
    UnrollLoopOptions options{};
    options.Count = count;
    options.Force = true;
    options.ForgetAllSCEV = true;
    LoopUnrollResult result =
        UnrollLoop(&loop, options, &loops, &evolution, &dominators, &assumptions,
                   /*TTI=*/nullptr, /*ORE=*/nullptr, /*PreserveLCSSA=*/true);
    return result != LoopUnrollResult::Unmodified;
  }

  static bool hasThreadDependentExit(Loop &loop, const Divergence &divergence) {
    SmallVector<BasicBlock *, 4> exiting;
    loop.getExitingBlocks(exiting);
    return any_of(exiting, [&](BasicBlock *block) {
      Value *condition = branchCondition(block->getTerminator());
      return condition && divergence.isVarying(condition);
    });
  }

  std::optional<Plan> planFor(Loop &loop, DominatorTree &dominators,
                              PostDominatorTree &postDominators, LoopInfo &loops,
                              const Divergence &divergence) {
    SmallVector<BasicBlock *, 4> exits;
    loop.getUniqueExitBlocks(exits);
    if (exits.empty())
      return std::nullopt;
    DomTreeNode *node = dominators.getNode(loop.getHeader())->getIDom();
    for (unsigned climb = 0; node && climb < kMaxClimb; ++climb, node = node->getIDom()) {
      BasicBlock *start = node->getBlock();
      if (start == &function_.getEntryBlock() || loops.getLoopFor(start))
        return std::nullopt;
      if (!divergence.reachedByAllThreads(start))
        continue;
      BasicBlock *join = start;
      for (BasicBlock *exit : exits)
        join = join ? postDominators.findNearestCommonDominator(join, exit) : nullptr;
      if (!join || join == start || loop.contains(join))
        return std::nullopt;
      return checkRegion(loop, start, join, loops);
    }
    return std::nullopt;
  }

  /// Blocks reachable from `from` (its successors, or itself) before
  /// `join`, never entering `loop`.
  static void collectOutside(ArrayRef<BasicBlock *> from, BasicBlock *join, Loop &loop,
                             SmallPtrSetImpl<BasicBlock *> &into) {
    SmallVector<BasicBlock *, 16> work(from.begin(), from.end());
    while (!work.empty()) {
      BasicBlock *block = work.pop_back_val();
      if (block == join || loop.contains(block) || !into.insert(block).second)
        continue;
      append_range(work, successors(block));
    }
  }

  std::optional<Plan> checkRegion(Loop &loop, BasicBlock *start, BasicBlock *join,
                                  LoopInfo &loops) {
    Plan plan{&loop, start, join, {}, {}};
    SmallVector<BasicBlock *, 4> startSuccessors(successors(start));
    collectOutside(startSuccessors, join, loop, plan.pre);
    SmallVector<BasicBlock *, 4> exits;
    loop.getUniqueExitBlocks(exits);
    collectOutside(exits, join, loop, plan.post);
    if (plan.pre.contains(start) || plan.post.contains(start))
      return std::nullopt; // a cycle through G
    // Other loops may run before this one (in the first step: nvcc puts
    // the remainder loop of an unrolled loop there), not after it.
    for (BasicBlock *block : plan.pre)
      if (plan.post.contains(block))
        return std::nullopt;
    for (BasicBlock *block : plan.post)
      if (loops.getLoopFor(block))
        return std::nullopt;
    auto allowed = [](BasicBlock *block) {
      return all_of(*block, [](Instruction &inst) { return mayRunInLockstep(inst); });
    };
    if (!all_of(loop.blocks(), allowed) || !all_of(plan.pre, allowed) ||
        !all_of(plan.post, allowed))
      return std::nullopt;
    // Every block of the region leads on only inside it or to J.
    auto closed = [&](BasicBlock *block) {
      return all_of(successors(block), [&](BasicBlock *succ) {
        return succ == join || loop.contains(succ) || plan.pre.contains(succ) ||
               plan.post.contains(succ);
      });
    };
    if (!all_of(loop.blocks(), closed) || !all_of(plan.pre, closed) ||
        !all_of(plan.post, closed))
      return std::nullopt;
    // ... and is entered only through G.
    auto entered = [&](BasicBlock *block) {
      return all_of(predecessors(block), [&](BasicBlock *pred) {
        return pred == start || loop.contains(pred) || plan.pre.contains(pred) ||
               plan.post.contains(pred);
      });
    };
    if (!all_of(loop.blocks(), entered) || !all_of(plan.pre, entered) ||
        !all_of(plan.post, entered))
      return std::nullopt;
    return plan;
  }

  /// `phi` = [start, entry], [phi +/- n * step, latch] on every back edge
  /// (n adds or subtractions of one step: an unrolled loop advances its
  /// induction variable n times per iteration), the step defined before
  /// G, and the phi used only inside the loop.
  static std::optional<Recurrence> recurrenceOf(PHINode &phi, const Plan &plan,
                                                ArrayRef<Edge> edges,
                                                DominatorTree &dominators) {
    if (!phi.getType()->isIntegerTy())
      return std::nullopt;
    Value *next = nullptr;
    for (const Edge &edge : edges) {
      if (edge.kind != EdgeKind::Latch)
        continue;
      Value *value = phi.getIncomingValueForBlock(edge.from);
      if (next && value != next)
        return std::nullopt;
      next = value;
    }
    if (!next)
      return std::nullopt;
    Recurrence recurrence;
    for (Value *value = next; value != &phi;) {
      auto *advance = dyn_cast<BinaryOperator>(value);
      if (!advance || recurrence.times == kMaxStepChain ||
          !plan.loop->contains(advance->getParent()))
        return std::nullopt;
      bool subtract = advance->getOpcode() == Instruction::Sub;
      if (!subtract && advance->getOpcode() != Instruction::Add)
        return std::nullopt;
      if (recurrence.times > 0 && subtract != recurrence.subtract)
        return std::nullopt;
      Value *lhs = advance->getOperand(0), *rhs = advance->getOperand(1);
      // The step is the operand defined before G; the other one leads on
      // to the phi (a subtraction only ever subtracts the step).
      bool rhsIsStep = isAvailableAtStart(rhs, plan, dominators);
      if (!rhsIsStep && (subtract || !isAvailableAtStart(lhs, plan, dominators)))
        return std::nullopt;
      Value *step = rhsIsStep ? rhs : lhs;
      if (rhsIsStep && isAvailableAtStart(lhs, plan, dominators))
        return std::nullopt; // does not depend on the phi
      if (recurrence.step && step != recurrence.step)
        return std::nullopt;
      recurrence.step = step;
      recurrence.subtract = subtract;
      ++recurrence.times;
      value = rhsIsStep ? lhs : rhs;
    }
    for (User *user : phi.users())
      if (!plan.loop->contains(cast<Instruction>(user)->getParent()))
        return std::nullopt;
    return recurrence;
  }

  /// `value` defined before G (or not an instruction): usable anywhere in
  /// the region and after it.
  static bool isAvailableAtStart(Value *value, const Plan &plan, DominatorTree &dominators) {
    auto *inst = dyn_cast<Instruction>(value);
    return !inst || dominators.dominates(inst, plan.start->getTerminator());
  }

  /// One value per incoming edge of `block` (nullptr: any value will do):
  /// that value when it is the only one and defined before G, else a phi.
  static Value *merge(BasicBlock *block, Type *type, ArrayRef<Edge> edges,
                      ArrayRef<Value *> values, const Plan &plan,
                      DominatorTree &dominators, const Twine &name) {
    Value *only = nullptr;
    bool single = true;
    for (Value *value : values)
      if (value) {
        single &= !only || only == value;
        only = value;
      }
    if (single && only && isAvailableAtStart(only, plan, dominators))
      return only;
    IRBuilder<> b(block, block->begin());
    PHINode *phi = b.CreatePHI(type, edges.size(), name);
    for (size_t i = 0; i < edges.size(); ++i)
      phi->addIncoming(values[i] ? values[i] : PoisonValue::get(type), edges[i].block);
    return phi;
  }

  void apply(Plan &plan, DominatorTree &dominators) {
    LLVMContext &context = function_.getContext();
    BasicBlock *header = plan.loop->getHeader();
    BasicBlock *join = plan.join;
    BasicBlock *start = plan.start;

    // New blocks: the merges of the first step and of the later steps, the
    // test whether some thread goes on, the step, the way out.
    auto *firstMerge = BasicBlock::Create(context, "lockstep.first", &function_, join);
    auto *stepMerge = BasicBlock::Create(context, "lockstep.next", &function_, join);
    auto *top = BasicBlock::Create(context, "lockstep.top", &function_, join);
    auto *step = BasicBlock::Create(context, "lockstep.step", &function_, join);
    auto *leave = BasicBlock::Create(context, "lockstep.leave", &function_, join);

    // Every edge into the header or J from the region gets its own block.
    std::vector<Edge> firstEdges, stepEdges;
    SmallVector<BasicBlock *, 16> sources{start};
    append_range(sources, plan.pre);
    append_range(sources, plan.loop->blocks());
    append_range(sources, plan.post);
    for (BasicBlock *from : sources) {
      bool first = from == start || plan.pre.contains(from);
      Instruction *terminator = from->getTerminator();
      for (unsigned i = 0; i < terminator->getNumSuccessors(); ++i) {
        BasicBlock *to = terminator->getSuccessor(i);
        if (to != header && to != join)
          continue;
        EdgeKind kind = to == header ? (first ? EdgeKind::Entry : EdgeKind::Latch)
                                     : (first ? EdgeKind::Skip : EdgeKind::Exit);
        auto *block = BasicBlock::Create(context, "lockstep.edge", &function_, join);
        BranchInst::Create(first ? firstMerge : stepMerge, block);
        (first ? firstEdges : stepEdges).push_back({from, block, kind});
      }
    }
    // Values per edge, read before the edges move.
    auto headerValues = [&](ArrayRef<Edge> edges, PHINode &phi) {
      SmallVector<Value *, 8> values;
      for (const Edge &edge : edges)
        values.push_back(edge.kind == EdgeKind::Entry || edge.kind == EdgeKind::Latch
                             ? phi.getIncomingValueForBlock(edge.from)
                             : nullptr);
      return values;
    };
    auto joinValues = [&](ArrayRef<Edge> edges, PHINode &phi) {
      SmallVector<Value *, 8> values;
      for (const Edge &edge : edges)
        values.push_back(edge.kind == EdgeKind::Skip || edge.kind == EdgeKind::Exit
                             ? phi.getIncomingValueForBlock(edge.from)
                             : nullptr);
      return values;
    };
    auto activeValues = [&](ArrayRef<Edge> edges) {
      SmallVector<Value *, 8> values;
      for (const Edge &edge : edges)
        values.push_back(ConstantInt::get(
            Type::getInt32Ty(context),
            edge.kind == EdgeKind::Entry || edge.kind == EdgeKind::Latch));
      return values;
    };

    // The step: the edges plus the threads that sat it out (carry their
    // values, inactive).
    std::vector<Edge> stepIncoming = stepEdges;
    stepIncoming.push_back({step, step, EdgeKind::Exit});
    IRBuilder<> t(top);
    auto topPhi = [&](Type *type, const Twine &name) {
      return t.CreatePHI(type, 2, name);
    };

    // Loop state: a phi of the outer loop per phi of the header and of
    // J; an induction variable is `start +/- step * k` instead, with k the
    // outer loop's (block-uniform) trip counter.
    struct State {
      PHINode *original;
      PHINode *top;
      std::optional<Recurrence> recurrence;
      Value *start = nullptr;
    };
    DenseMap<Type *, PHINode *> counters;
    auto counterOf = [&](Type *type) {
      PHINode *&counter = counters[type];
      if (!counter) {
        counter = t.CreatePHI(type, 2, "lockstep.trip");
        IRBuilder<> s(stepMerge);
        counter->addIncoming(ConstantInt::get(type, 0), firstMerge);
        counter->addIncoming(s.CreateAdd(counter, ConstantInt::get(type, 1), "lockstep.trip.next"),
                             stepMerge);
      }
      return counter;
    };
    std::vector<State> headerState, joinState;
    for (PHINode &phi : header->phis())
      headerState.push_back({&phi, nullptr, recurrenceOf(phi, plan, stepEdges, dominators)});
    for (State &state : headerState)
      if (!state.recurrence)
        state.top = topPhi(state.original->getType(), state.original->getName() + ".lockstep");
    for (PHINode &phi : join->phis())
      joinState.push_back({&phi, topPhi(phi.getType(), phi.getName() + ".lockstep"), std::nullopt});
    // 1 while the thread is in the loop (i32: vectorizes as a mask).
    PHINode *active = topPhi(t.getInt32Ty(), "lockstep.active");

    auto fill = [&](PHINode *topValue, Value *firstValue, Value *stepValue) {
      topValue->addIncoming(firstValue, firstMerge);
      topValue->addIncoming(stepValue, stepMerge);
    };
    for (State &state : headerState) {
      PHINode &phi = *state.original;
      Value *first = merge(firstMerge, phi.getType(), firstEdges, headerValues(firstEdges, phi),
                           plan, dominators, phi.getName() + ".first");
      Value *next;
      auto *firstPhi = dyn_cast<PHINode>(first);
      if (state.recurrence && !(firstPhi && firstPhi->getParent() == firstMerge)) {
        // Recomputed where the loop body starts (below).
        state.start = first;
        counterOf(phi.getType());
        continue;
      }
      state.recurrence.reset();
      if (!state.top) // a recurrence whose start is not defined before G
        state.top = topPhi(phi.getType(), phi.getName() + ".lockstep");
      {
        SmallVector<Value *, 8> values = headerValues(stepEdges, phi);
        values.push_back(state.top);
        next = merge(stepMerge, phi.getType(), stepIncoming, values, plan, dominators,
                     phi.getName() + ".next");
      }
      fill(state.top, first, next);
    }
    for (State &state : joinState) {
      PHINode &phi = *state.original;
      Value *first = merge(firstMerge, phi.getType(), firstEdges, joinValues(firstEdges, phi),
                           plan, dominators, phi.getName() + ".first");
      SmallVector<Value *, 8> values = joinValues(stepEdges, phi);
      values.push_back(state.top);
      Value *next = merge(stepMerge, phi.getType(), stepIncoming, values, plan, dominators,
                          phi.getName() + ".next");
      fill(state.top, first, next);
    }
    {
      Value *first = merge(firstMerge, t.getInt32Ty(), firstEdges, activeValues(firstEdges),
                           plan, dominators, "lockstep.active.first");
      SmallVector<Value *, 8> values = activeValues(stepEdges);
      values.push_back(t.getInt32(0));
      Value *next = merge(stepMerge, t.getInt32Ty(), stepIncoming, values, plan, dominators,
                          "lockstep.active.next");
      fill(active, first, next);
    }
    BranchInst::Create(top, firstMerge);
    BranchInst::Create(top, stepMerge);

    // Some thread still in the loop?
    Function *blockOr = Intrinsic::getDeclaration(function_.getParent(),
                                                  Intrinsic::nvvm_barrier0_or);
    Value *any = t.CreateCall(blockOr, {active}, "lockstep.any");
    t.CreateCondBr(t.CreateICmpNE(any, t.getInt32(0)), step, leave);
    IRBuilder<> s(step);
    s.CreateCondBr(s.CreateICmpNE(active, s.getInt32(0)), header, stepMerge);
    BranchInst::Create(join, leave);

    // Move the edges.
    for (const std::vector<Edge> *edges : {&firstEdges, &stepEdges})
      for (const Edge &edge : *edges) {
        Instruction *terminator = edge.from->getTerminator();
        BasicBlock *target =
            edge.kind == EdgeKind::Entry || edge.kind == EdgeKind::Latch ? header : join;
        for (unsigned i = 0; i < terminator->getNumSuccessors(); ++i)
          if (terminator->getSuccessor(i) == target) {
            terminator->setSuccessor(i, edge.block);
            break;
          }
      }
    for (State &state : headerState) {
      Value *value = state.top;
      if (!value) {
        IRBuilder<> h(header, header->getFirstNonPHIIt());
        const Recurrence &recurrence = *state.recurrence;
        Value *steps = counters.lookup(state.original->getType());
        if (recurrence.times > 1)
          steps = h.CreateMul(steps, ConstantInt::get(steps->getType(), recurrence.times));
        Value *offset = h.CreateMul(recurrence.step, steps);
        value = recurrence.subtract ? h.CreateSub(state.start, offset)
                                    : h.CreateAdd(state.start, offset);
        value->takeName(state.original);
      }
      state.original->replaceAllUsesWith(value);
      state.original->eraseFromParent();
    }
    for (State &state : joinState) {
      PHINode &phi = *state.original;
      for (const std::vector<Edge> *edges : {&firstEdges, &stepEdges})
        for (const Edge &edge : *edges)
          if (edge.kind == EdgeKind::Skip || edge.kind == EdgeKind::Exit)
            while (phi.getBasicBlockIndex(edge.from) >= 0)
              phi.removeIncomingValue(edge.from, /*DeletePHIIfEmpty=*/false);
      phi.addIncoming(state.top, leave);
    }
    repairSsa(plan);
  }

  /// Values of the region used where their definition no longer
  /// dominates (a later step, after J): carried through phis, undefined
  /// in the threads that did not compute them.
  void repairSsa(const Plan &plan) {
    DominatorTree dominators(function_);
    SmallVector<BasicBlock *, 16> blocks(plan.pre.begin(), plan.pre.end());
    append_range(blocks, plan.loop->blocks());
    append_range(blocks, plan.post);
    for (BasicBlock *block : blocks)
      for (Instruction &inst : *block) {
        if (inst.getType()->isVoidTy())
          continue;
        SmallVector<Use *, 8> broken;
        for (Use &use : inst.uses())
          if (!dominators.dominates(&inst, use))
            broken.push_back(&use);
        if (broken.empty())
          continue;
        SSAUpdater updater;
        updater.Initialize(inst.getType(), inst.getName());
        updater.AddAvailableValue(block, &inst);
        updater.AddAvailableValue(plan.start, PoisonValue::get(inst.getType()));
        for (Use *use : broken)
          updater.RewriteUse(*use);
      }
  }

  Function &function_;
  TargetLibraryInfo &libraryInfo_;
  SmallPtrSet<BasicBlock *, 8> unrolled_; // loop headers
};

} // namespace

bool lockstepLoopsEnabled() {
  const char *setting = std::getenv("CUPORT_LOCKSTEP_LOOPS");
  return !setting || std::string_view(setting) != "0";
}

PreservedAnalyses LockstepLoopsPass::run(Function &function,
                                         FunctionAnalysisManager &analyses) {
  if (!function.hasFnAttribute(kBlockFunctionAttr) || function.empty() ||
      !lockstepLoopsEnabled())
    return PreservedAnalyses::all();
  // The barrier sends the kernel through the sub-CFG formation, which
  // refuses stack memory of run-time size.
  for (Instruction &inst : instructions(function))
    if (auto *alloca = dyn_cast<AllocaInst>(&inst);
        alloca && !isa<ConstantInt>(alloca->getArraySize()))
      return PreservedAnalyses::all();
  LockstepLoops lockstep(function, analyses.getResult<TargetLibraryAnalysis>(function));
  if (!lockstep.transformOne(/*dryRun=*/true))
    return PreservedAnalyses::all();
  lockstep.hoistUniformValues();
  for (unsigned n = 0; n < 2 * kMaxLoops && lockstep.transformOne(); ++n)
    ;
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
