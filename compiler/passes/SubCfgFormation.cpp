//===- passes/SubCfgFormation.cpp - Thread loops around barrier regions ---===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/SubCfgFormation.h"

#include "passes/BarrierVariants.h"
#include "passes/EarlyExits.h"
#include "passes/ThreadLoops.h"
#include "passes/UniformSlots.h"
#include "passes/WarpCollectives.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ADT/PostOrderIterator.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Analysis/PostDominators.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <functional>

using namespace llvm;

namespace cuport::passes {

bool isBlockBarrier(const CallInst &call) {
  const Function *callee = call.getCalledFunction();
  if (!callee)
    return false;
  StringRef name = callee->getName();
  return name == "llvm.nvvm.barrier0" || name == "llvm.nvvm.barrier.n" ||
         name == "llvm.nvvm.barrier.sync" || isBarrierReduction(call) ||
         isNamedBarrierSync(call);
}

namespace {

/// `next` value of a thread that returned.
constexpr int kExitId = -1;

class SubCfgFormation {
public:
  SubCfgFormation(Function &function, LoweringDiagnostics &diagnostics)
      : function_(function), context_(function.getContext()),
        diagnostics_(diagnostics), unpack_(&function.getEntryBlock()) {}

  void run() {
    IRBuilder<> entry(unpack_->getTerminator());
    loadBlockDims(entry, function_, dims_);
    threads_ = entry.CreateZExt(
        entry.CreateMul(entry.CreateMul(dims_[0], dims_[1]), dims_[2]),
        entry.getInt64Ty(), "block.threads");
    memberSlots_ = expandWarpCollectives(function_, threads_);
    normalise();
    lowerArrivals();
    if (!privatiseAllocas())
      return;
    hoistUniformValues();
    earlyExits_ = findEarlyExitBranches(body_, [&](BasicBlock *b) { return isBarrier(b); });
    findVaryingValues();
    if (!checkBarriersAreUniform())
      return;
    createExitedFlagsIfNeeded();
    if (!scheduled_)
      dropMemberSlots();
    resolveLiveLanes();
    demoteValuesLiveAtBarriers();
    buildRegions();
  }

private:
  //===--------------------------------------------------------------------===//
  // Normal form: one start block, one exit block, each barrier alone.
  //===--------------------------------------------------------------------===//

  void normalise() {
    BasicBlock *first = unpack_->getSingleSuccessor();
    start_ = BasicBlock::Create(context_, "body.start", &function_, first);
    BranchInst::Create(first, start_);
    unpack_->getTerminator()->replaceSuccessorWith(first, start_);
    first->replacePhiUsesWith(unpack_, start_);

    exit_ = BasicBlock::Create(context_, "body.exit", &function_);
    ReturnInst::Create(context_, exit_);
    std::vector<CallInst *> barrierCalls;
    for (BasicBlock &block : function_) {
      if (&block == exit_)
        continue;
      if (auto *ret = dyn_cast<ReturnInst>(block.getTerminator())) {
        BranchInst::Create(exit_, ret);
        ret->eraseFromParent();
      }
      for (Instruction &inst : block)
        if (auto *call = dyn_cast<CallInst>(&inst);
            call && (isBlockBarrier(*call) || isWarpSplit(*call)))
          barrierCalls.push_back(call);
    }
    for (CallInst *call : barrierCalls) {
      std::optional<BarrierReduction> reduction;
      if (isBarrierReduction(*call)) {
        IRBuilder<> entry(unpack_->getTerminator());
        reduction = expandBarrierReduction(*call, entry, threads_);
      }
      BasicBlock *barrier = call->getParent()->splitBasicBlock(call, "barrier");
      barrier->splitBasicBlock(call->getNextNode(), "after.barrier");
      if (MDNode *collective = call->getMetadata(kCollectiveMetadata))
        collectives_[barrier] =
            cast<MDString>(collective->getOperand(0))->getString().str();
      if (AllocaInst *slot = memberSlots_.lookup(call))
        waitsFor_[barrier] = slot;
      if (reduction)
        reductions_.try_emplace(barrier, *reduction);
      if (isNamedBarrierSync(*call))
        named_[barrier] = {call->getArgOperand(0), call->getArgOperand(1)};
      call->eraseFromParent();
      barrierIds_[barrier] = int(barriers_.size()) + 1;
      barriers_.push_back(barrier);
    }
    for (BasicBlock &block : function_)
      if (&block != unpack_)
        body_.push_back(&block);
  }

  bool isBarrier(BasicBlock *block) const { return barrierIds_.count(block); }
  bool isTerminal(BasicBlock *block) const { return block == exit_ || isBarrier(block); }

  /// Defined outside the body: the same in every thread and every region.
  bool isOutsideBody(const Value *value) const {
    if (auto *inst = dyn_cast<Instruction>(value))
      return inst->getParent() == unpack_;
    return true; // constants, arguments
  }

  //===--------------------------------------------------------------------===//
  // Per-thread stack memory.
  //===--------------------------------------------------------------------===//

  bool privatiseAllocas() {
    const DataLayout &layout = function_.getDataLayout();
    std::vector<AllocaInst *> allocas;
    for (BasicBlock *block : body_)
      for (Instruction &inst : *block)
        if (auto *alloca = dyn_cast<AllocaInst>(&inst))
          allocas.push_back(alloca);
    for (AllocaInst *alloca : allocas) {
      std::optional<TypeSize> size = alloca->getAllocationSize(layout);
      if (!size || size->isScalable()) {
        diagnostics_.error(function_.getName(),
                           "stack memory of run-time size in a kernel with barriers");
        return false;
      }
      uint64_t stride = alignTo(size->getFixedValue(), alloca->getAlign());
      IRBuilder<> entry(unpack_->getTerminator());
      AllocaInst *storage = entry.CreateAlloca(
          entry.getInt8Ty(), entry.CreateMul(threads_, entry.getInt64(stride)),
          alloca->getName() + ".per.thread");
      storage->setAlignment(alloca->getAlign());
      IRBuilder<> b(alloca);
      Value *index = b.CreateZExt(linearThreadIndex(b, *function_.getParent()), b.getInt64Ty());
      Value *own = b.CreateInBoundsGEP(b.getInt8Ty(), storage,
                                       b.CreateMul(index, b.getInt64(stride)));
      own->takeName(alloca);
      alloca->replaceAllUsesWith(own);
      alloca->eraseFromParent();
    }
    return true;
  }

  //===--------------------------------------------------------------------===//
  // Block-uniform values.
  //===--------------------------------------------------------------------===//

  /// Speculatable computations of kernel arguments, launch geometry and
  /// constants move to "unpack": one scalar copy for all threads.
  void hoistUniformValues() {
    ReversePostOrderTraversal<Function *> order(&function_);
    for (BasicBlock *block : order) {
      if (block == unpack_)
        continue;
      for (Instruction &inst : make_early_inc_range(*block)) {
        if (isa<PHINode, CallBase, AllocaInst>(inst) || inst.isTerminator() ||
            inst.mayReadOrWriteMemory() || !isSafeToSpeculativelyExecute(&inst))
          continue;
        if (all_of(inst.operands(), [&](Value *op) { return isOutsideBody(op); }))
          inst.moveBefore(unpack_->getTerminator());
      }
    }
  }

  bool isVarying(const Value *value) const { return varying_.contains(value); }

  bool computeVarying(Instruction &inst) const {
    auto anyOperandVarying = [&] {
      return any_of(inst.operands(), [&](Value *op) { return isVarying(op); });
    };
    if (auto *call = dyn_cast<CallBase>(&inst)) {
      Function *callee = call->getCalledFunction();
      if (!callee || !callee->isIntrinsic() || !call->doesNotAccessMemory() ||
          callee->getName().starts_with(translate::kSregPrefix))
        return true; // thread position, services, anything with effects
      return anyOperandVarying();
    }
    if (auto *load = dyn_cast<LoadInst>(&inst))
      return !load->isSimple() || isVarying(load->getPointerOperand());
    if (isa<AtomicRMWInst, AtomicCmpXchgInst>(inst))
      return true;
    if (isa<PHINode>(inst) && joinsDivergence_.contains(inst.getParent()))
      return true;
    return anyOperandVarying();
  }

  /// The blocks a branch in `block` on a varying condition makes threads
  /// disagree about: reachable from it before its immediate post-dominator.
  SmallVector<BasicBlock *, 16> divergentRegion(BasicBlock *block,
                                                BasicBlock *&join) const {
    join = nullptr;
    if (DomTreeNode *node = postDominators_->getNode(block))
      if (DomTreeNode *idom = node->getIDom())
        join = idom->getBlock();
    SmallVector<BasicBlock *, 16> region;
    SmallPtrSet<BasicBlock *, 16> seen;
    SmallVector<BasicBlock *, 16> work(succ_begin(block), succ_end(block));
    while (!work.empty()) {
      BasicBlock *next = work.pop_back_val();
      if (next == join || !seen.insert(next).second)
        continue;
      region.push_back(next);
      append_range(work, successors(next));
    }
    return region;
  }

  static Value *branchCondition(Instruction *terminator) {
    if (auto *branch = dyn_cast<BranchInst>(terminator))
      return branch->isConditional() ? branch->getCondition() : nullptr;
    if (auto *switchInst = dyn_cast<SwitchInst>(terminator))
      return switchInst->getCondition();
    return nullptr;
  }

  /// Fixed point of "depends on the thread": data dependences, and phis
  /// where paths of a divergent branch meet (loop headers of loops with a
  /// divergent exit included).
  void findVaryingValues() {
    postDominators_ = std::make_unique<PostDominatorTree>(function_);
    for (bool changed = true; changed;) {
      changed = false;
      for (BasicBlock *block : body_)
        for (Instruction &inst : *block)
          if (!isVarying(&inst) && computeVarying(inst)) {
            varying_.insert(&inst);
            changed = true;
          }
      for (BasicBlock *block : body_) {
        Value *condition = branchCondition(block->getTerminator());
        // The threads that leave at an early exit meet no one again.
        if (!condition || !isVarying(condition) || earlyExits_.contains(block) ||
            !divergent_.insert(block))
          continue;
        BasicBlock *join = nullptr;
        for (BasicBlock *reached : divergentRegion(block, join))
          changed |= joinsDivergence_.insert(reached).second;
        if (join)
          changed |= joinsDivergence_.insert(join).second;
      }
    }
  }

  bool checkBarriersAreUniform() {
    if (namedState_)
      scheduled_ = true; // named barriers count arrivals per thread
    for (BasicBlock *branch : divergent_) {
      BasicBlock *join = nullptr;
      for (BasicBlock *reached : divergentRegion(branch, join))
        if (isBarrier(reached)) {
          if (waitsFor_.count(reached) || named_.count(reached)) {
            // The lanes of the mask (the arrivals of the named barrier)
            // meet there: the scheduled form.
            scheduled_ = true;
            continue;
          }
          if (auto found = collectives_.find(reached); found != collectives_.end()) {
            diagnostics_.error(
                function_.getName(),
                "warp collective '" + found->second +
                    "' under thread-dependent control flow is not supported "
                    "yet: there, the CPU lowering handles the collectives with "
                    "a member mask (.sync forms, bar.warp.sync), not "
                    "activemask or the forms without .sync");
            return false;
          }
          diagnostics_.error(
              function_.getName(),
              "barrier (__syncthreads/bar.sync) under thread-dependent control "
              "flow: CUDA requires every thread of the block to reach the same "
              "barriers, and this kernel may not");
          return false;
        }
    }
    return true;
  }

  //===--------------------------------------------------------------------===//
  // Values live across a barrier: per-thread slots.
  //===--------------------------------------------------------------------===//

  /// Whether `inst` is live on entry to a barrier block: some use is
  /// reachable from a barrier without passing the definition.
  bool isLiveAtBarrier(Instruction &inst) const {
    BasicBlock *def = inst.getParent();
    SmallVector<BasicBlock *, 16> work;
    for (Use &use : inst.uses()) {
      auto *user = cast<Instruction>(use.getUser());
      if (auto *phi = dyn_cast<PHINode>(user)) {
        BasicBlock *incoming = phi->getIncomingBlock(use);
        if (incoming != def)
          work.push_back(incoming);
      } else if (user->getParent() != def) {
        work.push_back(user->getParent());
      }
    }
    SmallPtrSet<BasicBlock *, 32> liveIn;
    while (!work.empty()) {
      BasicBlock *block = work.pop_back_val();
      if (isBarrier(block))
        return true;
      if (!liveIn.insert(block).second)
        continue;
      for (BasicBlock *pred : predecessors(block))
        if (pred != def)
          work.push_back(pred);
    }
    return false;
  }

  Value *slotAddress(IRBuilder<> &b, AllocaInst *slot) {
    Value *index = b.CreateZExt(linearThreadIndex(b, *function_.getParent()),
                                b.getInt64Ty());
    return b.CreateInBoundsGEP(slot->getAllocatedType(), slot, index);
  }

  void demote(Instruction &inst) {
    IRBuilder<> entry(unpack_->getTerminator());
    AllocaInst *slot = entry.CreateAlloca(inst.getType(), threads_,
                                          inst.getName() + ".slot");
    if (!isVarying(&inst) && !scheduled_) // UniformSlotsPass makes it scalar
      slot->setMetadata(kUniformSlotMetadata, MDNode::get(context_, {}));
    std::vector<Use *> uses;
    for (Use &use : inst.uses())
      uses.push_back(&use);
    for (Use *use : uses) {
      auto *user = cast<Instruction>(use->getUser());
      Instruction *at = user;
      if (auto *phi = dyn_cast<PHINode>(user))
        at = phi->getIncomingBlock(*use)->getTerminator();
      IRBuilder<> b(at);
      use->set(b.CreateLoad(inst.getType(), slotAddress(b, slot), inst.getName() + ".reload"));
    }
    IRBuilder<> b(inst.getParent(),
                  isa<PHINode>(inst) ? inst.getParent()->getFirstInsertionPt()
                                     : std::next(inst.getIterator()));
    b.CreateStore(&inst, slotAddress(b, slot));
  }

  /// A thread-position register (%tid.*, %laneid, ...) or the linear-index
  /// marker: every region's loop nest gives it again, so it is recomputed
  /// at each use rather than stored.
  static bool isThreadPosition(const Instruction &inst) {
    auto *call = dyn_cast<CallInst>(&inst);
    Function *callee = call ? call->getCalledFunction() : nullptr;
    return callee && call->arg_size() == 0 &&
           (callee->getName().starts_with(translate::kSregPrefix) ||
            callee->getName() == kLinearThreadIndexMarker);
  }

  void rematerialize(Instruction &inst) {
    std::vector<Use *> uses;
    for (Use &use : inst.uses())
      uses.push_back(&use);
    for (Use *use : uses) {
      auto *user = cast<Instruction>(use->getUser());
      Instruction *at = user;
      if (auto *phi = dyn_cast<PHINode>(user))
        at = phi->getIncomingBlock(*use)->getTerminator();
      Instruction *copy = inst.clone();
      copy->insertBefore(at);
      use->set(copy);
    }
  }

  void demoteValuesLiveAtBarriers() {
    std::vector<Instruction *> live;
    for (BasicBlock *block : body_)
      for (Instruction &inst : *block)
        if (!inst.getType()->isVoidTy() && isLiveAtBarrier(inst))
          live.push_back(&inst);
    for (Instruction *inst : live) {
      if (isThreadPosition(*inst))
        rematerialize(*inst);
      else
        demote(*inst);
    }
  }

  //===--------------------------------------------------------------------===//
  // Regions in thread loops, and the dispatch between them.
  //===--------------------------------------------------------------------===//

  /// What is reachable from `start` without entering a barrier or the exit.
  SmallVector<BasicBlock *, 16> regionFrom(BasicBlock *start) const {
    SmallVector<BasicBlock *, 16> region{start};
    SmallPtrSet<BasicBlock *, 16> seen{start};
    for (size_t i = 0; i < region.size(); ++i)
      for (BasicBlock *succ : successors(region[i]))
        if (!isTerminal(succ) && seen.insert(succ).second)
          region.push_back(succ);
    return region;
  }

  void buildRegions() {
    if (scheduled_)
      return buildScheduledRegions();
    IRBuilder<> entry(unpack_->getTerminator());
    next_ = entry.CreateAlloca(entry.getInt32Ty(), nullptr, "next.region");
    entry.CreateStore(entry.getInt32(kExitId), next_);

    auto *blockExit = BasicBlock::Create(context_, "block.exit", &function_);
    ReturnInst::Create(context_, blockExit);
    auto *dispatch = BasicBlock::Create(context_, "dispatch", &function_, blockExit);
    IRBuilder<> b(dispatch);
    SwitchInst *choose =
        b.CreateSwitch(b.CreateLoad(b.getInt32Ty(), next_, "next"), blockExit,
                       unsigned(barriers_.size()));

    BasicBlock *first = wrapRegion(start_, 0, dispatch);
    for (BasicBlock *barrier : barriers_) {
      int id = barrierIds_.lookup(barrier);
      BasicBlock *pre = wrapRegion(barrier->getSingleSuccessor(), id, dispatch);
      choose->addCase(b.getInt32(id), releaseReduction(barrier, pre, nullptr));
    }
    unpack_->getTerminator()->eraseFromParent();
    BranchInst::Create(first, unpack_);

    // The original body is now unreachable.
    for (BasicBlock *block : body_)
      block->dropAllReferences();
    for (BasicBlock *block : body_)
      block->eraseFromParent();
  }

  /// __cuport_warp_live_lanes(base): every lane in the plain form; in the
  /// scheduled form the lanes whose resume point is not "returned".
  void resolveLiveLanes() {
    Function *marker = function_.getParent()->getFunction(kWarpLiveLanesMarker);
    if (!marker)
      return;
    if (scheduled_) {
      IRBuilder<> entry(unpack_->getTerminator());
      state_ = entry.CreateAlloca(entry.getInt32Ty(), threads_, "resume.at");
    }
    for (User *user : make_early_inc_range(marker->users())) {
      auto *call = cast<CallInst>(user);
      if (call->getFunction() != &function_)
        continue;
      IRBuilder<> b(call);
      Value *live = b.getInt32(~0u);
      if (scheduled_ || exited_) {
        // Lanes past the block's end read a clamped slot; the caller masks
        // them out with the existing lanes.
        Value *base = call->getArgOperand(0);
        Value *last = b.CreateSub(threads_, b.getInt64(1));
        live = b.getInt32(0);
        for (unsigned lane = 0; lane < 32; ++lane) {
          Value *index = b.CreateAdd(base, b.getInt64(lane));
          index = b.CreateSelect(b.CreateICmpULE(index, last), index, last);
          Value *alive = b.CreateZExt(hasNotReturned(b, index), b.getInt32Ty());
          live = b.CreateOr(live, b.CreateShl(alive, lane));
        }
      }
      call->replaceAllUsesWith(live);
      call->eraseFromParent();
    }
    if (marker->use_empty())
      marker->eraseFromParent();
  }

  /// Named barriers (BarrierVariants.h): block-wide counters, the
  /// generation each thread waits for, and arrivals as helper calls.
  void lowerArrivals() {
    std::vector<CallInst *> arrivals;
    for (BasicBlock *block : body_)
      for (Instruction &inst : *block)
        if (auto *call = dyn_cast<CallInst>(&inst); call && isBarrierArrive(*call))
          arrivals.push_back(call);
    if (named_.empty() && arrivals.empty())
      return;
    IRBuilder<> entry(unpack_->getTerminator());
    namedState_ = createNamedBarriers(entry, *function_.getParent());
    waitGeneration_ = entry.CreateAlloca(entry.getInt32Ty(), threads_, "named.waits.for");
    for (CallInst *call : arrivals) {
      IRBuilder<> b(call);
      emitArrive(b, *namedState_, call->getArgOperand(0), call->getArgOperand(1));
      call->eraseFromParent();
    }
  }

  /// The plain form with threads that leave at an early-exit branch (the
  /// condition varies) keeps a per-thread exited flag (EarlyExits.h).
  void createExitedFlagsIfNeeded() {
    if (scheduled_)
      return;
    for (BasicBlock *block : earlyExits_)
      if (Value *condition = branchCondition(block->getTerminator());
          condition && isVarying(condition)) {
        IRBuilder<> entry(unpack_->getTerminator());
        exited_ = createExitedFlags(entry, threads_);
        return;
      }
  }

  /// i1: thread `t` (i64) has not returned (always true in the plain form
  /// without early exits).
  Value *hasNotReturned(IRBuilder<> &b, Value *t) {
    if (scheduled_)
      return b.CreateICmpNE(b.CreateLoad(b.getInt32Ty(), stateAddress(b, t)),
                            b.getInt32(kExitId));
    if (exited_)
      return b.CreateNot(hasExited(b, exited_, t));
    return b.getTrue();
  }

  /// Plain form: the block the dispatch enters region `pre` through after
  /// `barrier`; a reducing barrier computes its result there.
  BasicBlock *releaseReduction(BasicBlock *barrier, BasicBlock *pre, Value *when) {
    auto found = reductions_.find(barrier);
    if (found == reductions_.end())
      return pre;
    auto *release = BasicBlock::Create(context_, "barrier.release", &function_, pre);
    IRBuilder<> b(release);
    emitBarrierReduction(
        b, found->second, threads_, [&](IRBuilder<> &b, Value *t) { return hasNotReturned(b, t); },
        when);
    b.CreateBr(pre);
    return release;
  }

  /// The plain form does not need the lanes each thread waits for.
  void dropMemberSlots() {
    SmallPtrSet<AllocaInst *, 8> slots;
    for (auto &[call, slot] : memberSlots_)
      slots.insert(slot);
    for (AllocaInst *slot : slots) {
      for (User *address : make_early_inc_range(slot->users())) {
        for (User *store : make_early_inc_range(address->users()))
          cast<Instruction>(store)->eraseFromParent();
        cast<Instruction>(address)->eraseFromParent();
      }
      slot->eraseFromParent();
    }
    memberSlots_.clear();
    waitsFor_.clear();
  }

  //===--------------------------------------------------------------------===//
  // The scheduled form: warp collectives under divergent control flow.
  //===--------------------------------------------------------------------===//
  //
  // Each thread has its own resume point state[t] (0: the start, k: after
  // split point or barrier k, -1: returned). Sweeps run the regions in
  // order, again and again while some thread ran: region k runs the
  // threads at k that may go on, chosen before its thread loop starts (in
  // go[t]): at a warp split point, when every lane the thread waits for
  // (its member mask & the existing lanes) is at k too; at a block barrier
  // (block-uniform, checked above), when every thread that has not
  // returned is at k. A thread whose lanes never arrive (undefined in CUDA)
  // ends the block when no thread can move.

  Value *stateAddress(IRBuilder<> &b, Value *index64) {
    return b.CreateInBoundsGEP(b.getInt32Ty(), state_, index64);
  }

  /// for (t = 0; t < threads; ++t) body(b, t64); `b` continues after it.
  void forEachThread(IRBuilder<> &b, BasicBlock *before, StringRef name,
                     const std::function<void(IRBuilder<> &, Value *)> &body) {
    BasicBlock *after = BasicBlock::Create(context_, name + ".done", &function_);
    Value *count = b.CreateTrunc(threads_, b.getInt32Ty());
    ThreadLoop loop = createLoop(before, after, count, name);
    auto *bodyBlock = BasicBlock::Create(context_, name + ".body", &function_, loop.latch);
    BranchInst::Create(bodyBlock, loop.header);
    b.SetInsertPoint(bodyBlock);
    body(b, b.CreateZExt(loop.index, b.getInt64Ty()));
    b.CreateBr(loop.latch);
    b.SetInsertPoint(after);
  }

  /// The gate of region `id`: fills go[] and enters the thread loop nest.
  /// Returns the gate's first block; the nest continues at `next`.
  BasicBlock *gateRegion(BasicBlock *start, int id, BasicBlock *barrier,
                         BasicBlock *next) {
    std::string tag = ".g" + std::to_string(id);
    auto *gate = BasicBlock::Create(context_, "gate" + tag, &function_, next);
    IRBuilder<> b(gate);
    Value *k = b.getInt32(id);
    Value *blockReady = b.getTrue();
    AllocaInst *waitsFor = barrier ? waitsFor_.lookup(barrier) : nullptr;
    auto named = barrier ? named_.find(barrier) : named_.end();
    bool isNamed = named != named_.end();
    if (barrier && !waitsFor && !isNamed) {
      // A block barrier: every thread that has not returned is there.
      b.CreateStore(b.getTrue(), flag_);
      forEachThread(b, b.GetInsertBlock(), "all.at" + tag, [&](IRBuilder<> &b, Value *t) {
        Value *s = b.CreateLoad(b.getInt32Ty(), stateAddress(b, t));
        Value *ok = b.CreateOr(b.CreateICmpEQ(s, k), b.CreateICmpEQ(s, b.getInt32(kExitId)));
        b.CreateStore(b.CreateAnd(b.CreateLoad(b.getInt1Ty(), flag_), ok), flag_);
      });
      blockReady = b.CreateLoad(b.getInt1Ty(), flag_);
    }
    forEachThread(b, b.GetInsertBlock(), "may.go" + tag, [&](IRBuilder<> &b, Value *t) {
      Value *at = b.CreateICmpEQ(b.CreateLoad(b.getInt32Ty(), stateAddress(b, t)), k);
      Value *ready = b.CreateAnd(at, blockReady);
      if (isNamed) {
        // The generation the thread arrived in has completed.
        Value *waited = b.CreateLoad(b.getInt32Ty(),
                                     b.CreateInBoundsGEP(b.getInt32Ty(), waitGeneration_, t));
        Value *completed = completedGenerations(b, *namedState_, named->second.first);
        ready = b.CreateAnd(ready, b.CreateICmpNE(completed, waited));
      }
      if (waitsFor) {
        // Only a thread at k has stored the lanes it waits for (all of
        // them existing lanes); the others wait for none.
        Value *members = b.CreateSelect(
            at,
            b.CreateLoad(b.getInt32Ty(), b.CreateInBoundsGEP(b.getInt32Ty(), waitsFor, t)),
            b.getInt32(0));
        Value *base = b.CreateAnd(t, b.getInt64(~uint64_t(31)));
        b.CreateStore(b.getTrue(), flag_);
        BasicBlock *inner = b.GetInsertBlock();
        BasicBlock *after = BasicBlock::Create(context_, "lanes.done" + tag, &function_);
        ThreadLoop lanes = createLoop(inner, after, b.getInt32(32), "lanes" + tag);
        auto *laneBody = BasicBlock::Create(context_, "lanes.body" + tag, &function_, lanes.latch);
        BranchInst::Create(laneBody, lanes.header);
        IRBuilder<> l(laneBody);
        Value *isMember = l.CreateTrunc(l.CreateLShr(members, lanes.index), l.getInt1Ty());
        Value *lane = l.CreateAdd(base, l.CreateZExt(lanes.index, l.getInt64Ty()));
        Value *index = l.CreateSelect(isMember, lane, t);
        // A lane that returned does not hold the others up.
        Value *laneState = l.CreateLoad(l.getInt32Ty(), stateAddress(l, index));
        Value *there = l.CreateOr(l.CreateICmpEQ(laneState, k),
                                  l.CreateICmpEQ(laneState, l.getInt32(kExitId)));
        l.CreateStore(l.CreateAnd(l.CreateLoad(l.getInt1Ty(), flag_), there), flag_);
        l.CreateBr(lanes.latch);
        b.SetInsertPoint(after);
        ready = b.CreateAnd(ready, b.CreateLoad(b.getInt1Ty(), flag_));
      }
      b.CreateStore(b.CreateZExt(ready, b.getInt8Ty()),
                    b.CreateInBoundsGEP(b.getInt8Ty(), go_, t));
    });
    if (barrier && reductions_.count(barrier))
      emitBarrierReduction(
          b, reductions_.find(barrier)->second, threads_,
          [&](IRBuilder<> &b, Value *t) { return hasNotReturned(b, t); }, blockReady);
    BasicBlock *nestPre = wrapRegion(start, id, next);
    b.CreateBr(nestPre);
    return gate;
  }

  /// With named barriers, no thread moving while some have not returned is
  /// a deadlock (a barrier whose count is never reached): the launch fails
  /// naming the kernel, rather than ending the block with work undone.
  BasicBlock *deadlockCheck(BasicBlock *blockExit) {
    auto *check = BasicBlock::Create(context_, "deadlock.check", &function_, blockExit);
    IRBuilder<> b(check);
    b.CreateStore(b.getTrue(), flag_);
    forEachThread(b, check, "all.returned", [&](IRBuilder<> &b, Value *t) {
      Value *returned = b.CreateNot(hasNotReturned(b, t));
      b.CreateStore(b.CreateAnd(b.CreateLoad(b.getInt1Ty(), flag_), returned), flag_);
    });
    auto *deadlock = BasicBlock::Create(context_, "deadlock", &function_, blockExit);
    b.CreateCondBr(b.CreateLoad(b.getInt1Ty(), flag_), blockExit, deadlock);
    b.SetInsertPoint(deadlock);
    emitDeadlockReport(b, function_);
    b.CreateBr(blockExit);
    return check;
  }

  void buildScheduledRegions() {
    IRBuilder<> entry(unpack_->getTerminator());
    if (!state_) // resolveLiveLanes may have made it
      state_ = entry.CreateAlloca(entry.getInt32Ty(), threads_, "resume.at");
    go_ = entry.CreateAlloca(entry.getInt8Ty(), threads_, "may.go");
    ran_ = entry.CreateAlloca(entry.getInt1Ty(), nullptr, "some.thread.ran");
    flag_ = entry.CreateAlloca(entry.getInt1Ty(), nullptr, "ready");
    entry.CreateMemSet(state_, entry.getInt8(0), entry.CreateMul(threads_, entry.getInt64(4)),
                       MaybeAlign(4));

    auto *blockExit = BasicBlock::Create(context_, "block.exit", &function_);
    ReturnInst::Create(context_, blockExit);
    auto *sweepEnd = BasicBlock::Create(context_, "sweep.end", &function_, blockExit);
    auto *sweep = BasicBlock::Create(context_, "sweep", &function_, sweepEnd);
    BasicBlock *next = sweepEnd;
    for (auto barrier = barriers_.rbegin(); barrier != barriers_.rend(); ++barrier)
      next = gateRegion((*barrier)->getSingleSuccessor(), barrierIds_.lookup(*barrier),
                        *barrier, next);
    next = gateRegion(start_, 0, nullptr, next);
    IRBuilder<> b(sweep);
    b.CreateStore(b.getFalse(), ran_);
    b.CreateBr(next);
    b.SetInsertPoint(sweepEnd);
    BasicBlock *stuck = blockExit;
    if (namedState_)
      stuck = deadlockCheck(blockExit);
    b.CreateCondBr(b.CreateLoad(b.getInt1Ty(), ran_), sweep, stuck);

    unpack_->getTerminator()->eraseFromParent();
    BranchInst::Create(sweep, unpack_);
    for (BasicBlock *block : body_)
      block->dropAllReferences();
    for (BasicBlock *block : body_)
      block->eraseFromParent();
  }

  /// Clones the region starting at `start` into a thread loop nest that
  /// continues at `dispatch`; returns the nest's preheader.
  BasicBlock *wrapRegion(BasicBlock *start, int id, BasicBlock *dispatch) {
    std::string tag = ".r" + std::to_string(id);
    auto *pre = BasicBlock::Create(context_, "region" + std::to_string(id), &function_, dispatch);
    SmallVector<BasicBlock *, 16> region = regionFrom(start);
    ValueToValueMapTy map;
    SmallVector<BasicBlock *, 16> clones;
    for (BasicBlock *block : region) {
      BasicBlock *clone = CloneBasicBlock(block, map, tag, &function_);
      clone->moveBefore(dispatch);
      map[block] = clone;
      clones.push_back(clone);
    }
    remapInstructionsInBlocks(clones, map);
    BasicBlock *entryBlock = cast<BasicBlock>(map[start]);
    BasicBlock *guard = nullptr;
    if (exited_) {
      // Threads that have exited skip the region.
      guard = BasicBlock::Create(context_, "not.exited" + tag, &function_, dispatch);
      IRBuilder<> g(guard);
      Value *t = g.CreateZExt(linearThreadIndex(g, *function_.getParent()), g.getInt64Ty());
      guardBranch_ = g.CreateCondBr(hasExited(g, exited_, t), entryBlock, entryBlock);
      entryBlock = guard;
    } else if (scheduled_) {
      // Only the threads chosen by the gate run; each records that one ran.
      guard = BasicBlock::Create(context_, "may.go" + tag, &function_, dispatch);
      auto *enter = BasicBlock::Create(context_, "goes" + tag, &function_, dispatch);
      IRBuilder<> g(guard);
      Value *t = g.CreateZExt(linearThreadIndex(g, *function_.getParent()), g.getInt64Ty());
      Value *goes = g.CreateLoad(g.getInt8Ty(), g.CreateInBoundsGEP(g.getInt8Ty(), go_, t));
      guardBranch_ = g.CreateCondBr(g.CreateICmpNE(goes, g.getInt8(0)), enter, enter);
      g.SetInsertPoint(enter);
      g.CreateStore(g.getTrue(), ran_);
      g.CreateBr(entryBlock);
      entryBlock = guard;
    }
    ThreadNest nest = createThreadNest(pre, dispatch, dims_, entryBlock);
    if (guard)
      guardBranch_->setSuccessor(exited_ ? 0 : 1, nest.x.latch);
    if (exited_) {
      // Chosen by the threads that have not exited; none: the block ends.
      IRBuilder<> p(pre, pre->getFirstInsertionPt());
      p.CreateStore(p.getInt32(kExitId), next_);
    }

    // Edges out of the region record where the thread stopped.
    DenseMap<BasicBlock *, BasicBlock *> stops;
    auto stopAt = [&](BasicBlock *terminal) {
      BasicBlock *&stop = stops[terminal];
      if (!stop) {
        int target = terminal == exit_ ? kExitId : barrierIds_.lookup(terminal);
        stop = BasicBlock::Create(context_, "reached" + tag, &function_, nest.x.latch);
        IRBuilder<> b(stop);
        if (scheduled_) {
          Value *t = b.CreateZExt(linearThreadIndex(b, *function_.getParent()), b.getInt64Ty());
          b.CreateStore(b.getInt32(target), stateAddress(b, t));
          if (auto found = named_.find(terminal); found != named_.end())
            // Arrive, and remember the generation to wait for.
            b.CreateStore(emitArrive(b, *namedState_, found->second.first, found->second.second),
                          b.CreateInBoundsGEP(b.getInt32Ty(), waitGeneration_, t));
        } else if (exited_ && terminal == exit_)
          markExited(b, exited_,
                     b.CreateZExt(linearThreadIndex(b, *function_.getParent()), b.getInt64Ty()));
        else
          b.CreateStore(b.getInt32(target), next_);
        b.CreateBr(nest.x.latch);
      }
      return stop;
    };
    SmallPtrSet<BasicBlock *, 16> inRegion(clones.begin(), clones.end());
    for (BasicBlock *clone : clones) {
      Instruction *terminator = clone->getTerminator();
      for (unsigned i = 0; i < terminator->getNumSuccessors(); ++i)
        if (isTerminal(terminator->getSuccessor(i)))
          terminator->setSuccessor(i, stopAt(terminator->getSuccessor(i)));
      // Edges from outside the region never run inside it.
      for (PHINode &phi : clone->phis())
        for (int i = int(phi.getNumIncomingValues()) - 1; i >= 0; --i)
          if (!inRegion.contains(phi.getIncomingBlock(i)))
            phi.removeIncomingValue(unsigned(i), /*DeletePHIIfEmpty=*/false);
    }
    SmallVector<BasicBlock *, 16> loopBody(clones.begin(), clones.end());
    for (auto &[terminal, stop] : stops)
      loopBody.push_back(stop);
    if (exited_)
      loopBody.push_back(guard); // reads the thread's own flag
    SmallVector<BasicBlock *, 16> resolved(loopBody.begin(), loopBody.end());
    if (guard && !exited_)
      resolved.push_back(guard);
    resolveThreadRegisters(resolved, nest, dims_);
    markParallel(nest.x, loopBody);
    return pre;
  }

  Function &function_;
  LLVMContext &context_;
  LoweringDiagnostics &diagnostics_;
  BasicBlock *unpack_;
  BasicBlock *start_ = nullptr;
  BasicBlock *exit_ = nullptr;
  std::vector<BasicBlock *> barriers_;
  DenseMap<BasicBlock *, int> barrierIds_;
  DenseMap<BasicBlock *, std::string> collectives_; // split point -> its collective
  std::vector<BasicBlock *> body_;
  Value *dims_[3] = {};
  Value *threads_ = nullptr;
  AllocaInst *next_ = nullptr;
  MemberSlots memberSlots_;
  DenseMap<BasicBlock *, AllocaInst *> waitsFor_; // warp split -> waited-for lanes
  bool scheduled_ = false;
  SmallPtrSet<BasicBlock *, 8> earlyExits_;          // branches some threads leave by
  AllocaInst *exited_ = nullptr;                     // plain form: exited[t]
  DenseMap<BasicBlock *, std::pair<Value *, Value *>> named_; // barrier -> (id, count)
  std::optional<NamedBarriers> namedState_;
  AllocaInst *waitGeneration_ = nullptr; // named.waits.for[t]
  DenseMap<BasicBlock *, BarrierReduction> reductions_; // bar.red barriers
  AllocaInst *state_ = nullptr, *go_ = nullptr, *ran_ = nullptr, *flag_ = nullptr;
  BranchInst *guardBranch_ = nullptr;
  std::unique_ptr<PostDominatorTree> postDominators_;
  SmallPtrSet<const Value *, 32> varying_;
  SetVector<BasicBlock *> divergent_;
  SmallPtrSet<BasicBlock *, 16> joinsDivergence_;
};

} // namespace

void formSubCfgs(Function &function, LoweringDiagnostics &diagnostics) {
  SubCfgFormation(function, diagnostics).run();
}

} // namespace cuport::passes
