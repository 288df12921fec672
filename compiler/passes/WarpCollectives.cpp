//===- passes/WarpCollectives.cpp - Warp collectives as split points ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/WarpCollectives.h"

#include "passes/ThreadLoops.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"

#include <functional>

using namespace llvm;

namespace cuport::passes {

namespace {

constexpr unsigned kWarpSize = 32;

StringRef calleeName(const CallInst &call) {
  const Function *callee = call.getCalledFunction();
  return callee ? callee->getName() : "";
}

/// The operation a collective performs, and where its operands are.
struct Collective {
  enum Kind { Shuffle, Vote, MatchAny, MatchAll, Redux, ActiveMask, WarpSync, AllGather };
  Kind kind;
  StringRef op;            // shfl/vote mode, redux operation
  Value *mask = nullptr;   // nullptr: every existing lane (non-.sync forms)
  Value *operand = nullptr;
};

Collective classify(CallInst &call) {
  StringRef name = calleeName(call);
  auto arg = [&](unsigned i) { return call.getArgOperand(i); };
  if (name == "llvm.nvvm.activemask")
    return {Collective::ActiveMask, "", nullptr, nullptr};
  if (name == kWarpAllGather)
    return {Collective::AllGather, "", arg(3), nullptr};
  if (name == "llvm.nvvm.bar.warp.sync")
    return {Collective::WarpSync, "", arg(0), nullptr};
  if (name.consume_front("llvm.nvvm.shfl.")) {
    bool sync = name.consume_front("sync.");
    StringRef mode = name.split('.').first;
    return {Collective::Shuffle, mode, sync ? arg(0) : nullptr, arg(sync ? 1 : 0)};
  }
  if (name.consume_front("llvm.nvvm.vote.")) {
    bool sync = name.ends_with(".sync");
    StringRef mode = name.split('.').first;
    return {Collective::Vote, mode, sync ? arg(0) : nullptr, arg(sync ? 1 : 0)};
  }
  if (name.starts_with("llvm.nvvm.match.any.sync"))
    return {Collective::MatchAny, "", arg(0), arg(1)};
  if (name.starts_with("llvm.nvvm.match.all.sync"))
    return {Collective::MatchAll, "", arg(0), arg(1)};
  name.consume_front("llvm.nvvm.redux.sync.");
  return {Collective::Redux, name, arg(1), arg(0)};
}

class CollectiveExpander {
public:
  CollectiveExpander(Function &function, Value *threads)
      : function_(function), module_(*function.getParent()),
        unpack_(&function.getEntryBlock()), threads_(threads) {}

  void expand(CallInst *call) {
    Collective collective = classify(*call);
    name_ = calleeName(*call);
    IRBuilder<> b(call);
    memberSlot_ = nullptr;
    if (collective.mask) {
      // The lanes this thread waits for, for a scheduler that lets warps
      // meet under divergent control flow.
      IRBuilder<> entry(unpack_->getTerminator());
      memberSlot_ = entry.CreateAlloca(b.getInt32Ty(), threads_, "warp.waits.for");
      Value *members = b.CreateAnd(collective.mask, warpOf(b).existing);
      b.CreateStore(members, b.CreateInBoundsGEP(b.getInt32Ty(), memberSlot_, linear64(b)));
    }
    if (collective.kind == Collective::AllGather)
      return allGather(call);
    if (collective.kind == Collective::WarpSync) {
      split(b);
      call->eraseFromParent();
      return;
    }
    // The exchange: each thread publishes its operand, then every thread
    // reads those of its warp.
    AllocaInst *exchange = nullptr;
    if (collective.operand) {
      Value *operand = collective.operand;
      if (operand->getType()->isIntegerTy(1))
        operand = b.CreateZExt(operand, b.getInt8Ty());
      IRBuilder<> entry(unpack_->getTerminator());
      exchange = entry.CreateAlloca(operand->getType(), threads_, "warp.exchange");
      b.CreateStore(operand, b.CreateInBoundsGEP(operand->getType(), exchange,
                                                 linear64(b)));
    }
    split(b);
    Warp warp = warpOf(b);
    Value *members = warp.existing;
    if (collective.mask || collective.kind == Collective::ActiveMask) {
      // Lanes named in the mask that have returned take no part (CUDA:
      // "all non-exited threads named in mask must execute" it).
      FunctionCallee live = module_.getOrInsertFunction(
          kWarpLiveLanesMarker,
          FunctionType::get(b.getInt32Ty(), {b.getInt64Ty()}, false));
      // activemask: the existing lanes that have not exited.
      members = b.CreateAnd(collective.mask ? b.CreateAnd(collective.mask, warp.existing)
                                            : warp.existing,
                            b.CreateCall(live, {warp.base}), "warp.members");
    }
    Value *result = nullptr;
    switch (collective.kind) {
    case Collective::ActiveMask:
      result = members;
      break;
    case Collective::Shuffle:
      result = shuffle(b, call, collective, warp, exchange);
      break;
    case Collective::Vote:
      result = vote(b, collective.op, warp, members, exchange);
      break;
    case Collective::MatchAny:
    case Collective::MatchAll:
      result = match(b, call, collective, warp, members, exchange);
      break;
    case Collective::Redux:
      result = redux(b, collective.op, warp, members, exchange);
      break;
    case Collective::WarpSync:
    case Collective::AllGather:
      break;
    }
    split(b);
    call->replaceAllUsesWith(result);
    call->eraseFromParent();
  }

private:
  /// __cuport_warp_allgather(dst, src, bytes, mask): copy `bytes` of src into this
  /// thread's slot, split, copy the warp's slots (lane order) to dst, split.
  void allGather(CallInst *call) {
    IRBuilder<> b(call);
    Value *dst = call->getArgOperand(0), *src = call->getArgOperand(1);
    uint64_t bytes = cast<ConstantInt>(call->getArgOperand(2))->getZExtValue();
    IRBuilder<> entry(unpack_->getTerminator());
    Type *slotType = ArrayType::get(b.getInt8Ty(), bytes);
    AllocaInst *exchange = entry.CreateAlloca(slotType, threads_, "warp.gather");
    exchange->setAlignment(Align(16));
    b.CreateMemCpy(b.CreateInBoundsGEP(slotType, exchange, linear64(b)), Align(1), src,
                   Align(1), bytes);
    split(b);
    Warp warp = warpOf(b);
    Value *size = b.CreateMul(b.CreateZExt(warp.laneCount, b.getInt64Ty()), b.getInt64(bytes));
    b.CreateMemCpy(dst, Align(1), b.CreateInBoundsGEP(slotType, exchange, warp.base), Align(1),
                   size);
    split(b);
    call->eraseFromParent();
  }

  /// The running thread's warp: the linear index of its lane 0, its lane,
  /// and the mask of the lanes that exist.
  struct Warp {
    Value *base;
    Value *lane;
    Value *laneCount;
    Value *existing;
  };

  Value *linear64(IRBuilder<> &b) {
    return b.CreateZExt(linearThreadIndex(b, module_), b.getInt64Ty());
  }

  void split(IRBuilder<> &b) {
    FunctionCallee marker = module_.getOrInsertFunction(
        kWarpSplitMarker, FunctionType::get(b.getVoidTy(), false));
    CallInst *call = b.CreateCall(marker);
    if (memberSlot_)
      memberSlots_[call] = memberSlot_;
    LLVMContext &context = function_.getContext();
    call->setMetadata(kCollectiveMetadata,
                      MDNode::get(context, MDString::get(context, name_)));
  }

  Warp warpOf(IRBuilder<> &b) {
    Value *linear = b.CreateZExt(linearThreadIndex(b, module_), b.getInt64Ty());
    Value *base = b.CreateAnd(linear, b.getInt64(~uint64_t(kWarpSize - 1)), "warp.base");
    Value *lane = b.CreateTrunc(b.CreateAnd(linear, b.getInt64(kWarpSize - 1)),
                                b.getInt32Ty(), "warp.lane");
    Value *remaining = b.CreateSub(threads_, base);
    Value *count = b.CreateSelect(b.CreateICmpULT(remaining, b.getInt64(kWarpSize)),
                                  remaining, b.getInt64(kWarpSize));
    Value *existing = b.CreateTrunc(
        b.CreateSub(b.CreateShl(b.getInt64(1), count), b.getInt64(1)),
        b.getInt32Ty(), "warp.existing");
    return {base, lane, b.CreateTrunc(count, b.getInt32Ty(), "warp.lanes"), existing};
  }

  /// exchange[warp base + lane] (lane < 32, an existing lane).
  Value *laneValue(IRBuilder<> &b, AllocaInst *exchange, const Warp &warp,
                   Value *lane) {
    Type *type = exchange->getAllocatedType();
    Value *index = b.CreateAdd(warp.base, b.CreateZExt(lane, b.getInt64Ty()));
    return b.CreateLoad(type, b.CreateInBoundsGEP(type, exchange, index), "lane.value");
  }

  using Combine = std::function<Value *(IRBuilder<> &, Value *acc, Value *value,
                                        Value *lane)>;

  /// Folds `combine` over the lanes in `members` (which must exist), lane 0
  /// first, starting from `init`; `b` continues after the loop.
  Value *foldLanes(IRBuilder<> &b, AllocaInst *exchange, const Warp &warp,
                   Value *members, Value *init, const Combine &combine) {
    BasicBlock *before = b.GetInsertBlock();
    BasicBlock *after = before->splitBasicBlock(b.GetInsertPoint(), "warp.fold.done");
    LLVMContext &context = function_.getContext();
    auto *loop = BasicBlock::Create(context, "warp.fold", &function_, after);
    before->getTerminator()->setSuccessor(0, loop);
    b.SetInsertPoint(loop);
    PHINode *lane = b.CreatePHI(b.getInt32Ty(), 2, "fold.lane");
    PHINode *acc = b.CreatePHI(init->getType(), 2, "fold.acc");
    lane->addIncoming(b.getInt32(0), before);
    acc->addIncoming(init, before);
    Value *isMember = b.CreateTrunc(b.CreateLShr(members, lane), b.getInt1Ty());
    // Lane 0 always exists: read it instead of a lane that may not.
    Value *safeLane = b.CreateSelect(isMember, lane, b.getInt32(0));
    Value *value = laneValue(b, exchange, warp, safeLane);
    Value *next = b.CreateSelect(isMember, combine(b, acc, value, lane), acc);
    Value *nextLane = b.CreateAdd(lane, b.getInt32(1));
    lane->addIncoming(nextLane, loop);
    acc->addIncoming(next, loop);
    b.CreateCondBr(b.CreateICmpULT(nextLane, b.getInt32(kWarpSize)), loop, after);
    b.SetInsertPoint(after, after->getFirstInsertionPt());
    return next;
  }

  /// shfl: PTX ISA's source-lane computation; an out-of-range (or, in a
  /// partial warp, missing) source gives the lane's own value.
  Value *shuffle(IRBuilder<> &b, CallInst *call, const Collective &shfl,
                 const Warp &warp, AllocaInst *exchange) {
    unsigned first = shfl.mask ? 2 : 1;
    Value *source = b.CreateAnd(call->getArgOperand(first), 31, "shfl.b");
    Value *c = call->getArgOperand(first + 1);
    Value *clamp = b.CreateAnd(c, 31, "shfl.clamp");
    Value *segment = b.CreateAnd(b.CreateLShr(c, 8), 31, "shfl.segmask");
    Value *notSegment = b.CreateXor(segment, 31);
    Value *lane = warp.lane;
    Value *minLane = b.CreateAnd(lane, segment);
    Value *maxLane = b.CreateOr(minLane, b.CreateAnd(clamp, notSegment), "shfl.maxlane");
    Value *j = nullptr, *inRange = nullptr;
    if (shfl.op == "up") {
      j = b.CreateSub(lane, source);
      inRange = b.CreateICmpSGE(j, maxLane);
    } else if (shfl.op == "down") {
      j = b.CreateAdd(lane, source);
      inRange = b.CreateICmpSLE(j, maxLane);
    } else if (shfl.op == "bfly") {
      j = b.CreateXor(lane, source);
      inRange = b.CreateICmpSLE(j, maxLane);
    } else { // idx
      j = b.CreateOr(minLane, b.CreateAnd(source, notSegment));
      inRange = b.CreateICmpSLE(j, maxLane);
    }
    Value *from = b.CreateSelect(inRange, j, lane);
    from = b.CreateSelect(b.CreateICmpULT(from, warp.laneCount), from, lane, "shfl.src");
    Value *value = laneValue(b, exchange, warp, from);
    if (!call->getType()->isStructTy())
      return value;
    Value *pair = b.CreateInsertValue(PoisonValue::get(call->getType()), value, 0);
    return b.CreateInsertValue(pair, inRange, 1);
  }

  Value *vote(IRBuilder<> &b, StringRef mode, const Warp &warp, Value *members,
              AllocaInst *exchange) {
    Value *ballot = foldLanes(
        b, exchange, warp, members, b.getInt32(0),
        [](IRBuilder<> &b, Value *acc, Value *value, Value *lane) {
          Value *bit = b.CreateShl(b.CreateZExt(value, b.getInt32Ty()), lane);
          return b.CreateOr(acc, bit);
        });
    if (mode == "ballot")
      return ballot;
    if (mode == "all")
      return b.CreateICmpEQ(ballot, members);
    if (mode == "any")
      return b.CreateICmpNE(ballot, b.getInt32(0));
    return b.CreateOr(b.CreateICmpEQ(ballot, b.getInt32(0)),
                      b.CreateICmpEQ(ballot, members)); // uni
  }

  Value *match(IRBuilder<> &b, CallInst *call, const Collective &match,
               const Warp &warp, Value *members, AllocaInst *exchange) {
    Value *own = match.operand;
    Value *equal = foldLanes(
        b, exchange, warp, members, b.getInt32(0),
        [own](IRBuilder<> &b, Value *acc, Value *value, Value *lane) {
          Value *same = b.CreateZExt(b.CreateICmpEQ(value, own), b.getInt32Ty());
          return b.CreateOr(acc, b.CreateShl(same, lane));
        });
    if (match.kind == Collective::MatchAny)
      return equal;
    Value *all = b.CreateICmpEQ(equal, members);
    Value *mask = b.CreateSelect(all, match.mask, b.getInt32(0));
    Value *pair = b.CreateInsertValue(PoisonValue::get(call->getType()), mask, 0);
    return b.CreateInsertValue(pair, all, 1);
  }

  Value *redux(IRBuilder<> &b, StringRef op, const Warp &warp, Value *members,
               AllocaInst *exchange) {
    Intrinsic::ID minMax = op == "min"    ? Intrinsic::smin
                           : op == "max"  ? Intrinsic::smax
                           : op == "umin" ? Intrinsic::umin
                           : op == "umax" ? Intrinsic::umax
                                          : Intrinsic::not_intrinsic;
    uint32_t init = op == "and" || op == "umin" ? ~0u
                    : op == "min"               ? 0x7fffffffu
                    : op == "max"               ? 0x80000000u
                                                : 0u;
    return foldLanes(
        b, exchange, warp, members, b.getInt32(init),
        [op, minMax](IRBuilder<> &b, Value *acc, Value *value, Value *) -> Value * {
          if (minMax != Intrinsic::not_intrinsic)
            return b.CreateBinaryIntrinsic(minMax, acc, value);
          if (op == "add")
            return b.CreateAdd(acc, value);
          if (op == "and")
            return b.CreateAnd(acc, value);
          if (op == "or")
            return b.CreateOr(acc, value);
          return b.CreateXor(acc, value);
        });
  }

  Function &function_;
  Module &module_;
  BasicBlock *unpack_;
  Value *threads_;
  StringRef name_;
  AllocaInst *memberSlot_ = nullptr;

public:
  MemberSlots memberSlots_;
};

} // namespace

bool isWarpCollective(const CallInst &call) {
  StringRef name = calleeName(call);
  return name.starts_with("llvm.nvvm.shfl.") || name.starts_with("llvm.nvvm.vote.") ||
         name.starts_with("llvm.nvvm.match.") || name.starts_with("llvm.nvvm.redux.sync.") ||
         name == "llvm.nvvm.activemask" || name == "llvm.nvvm.bar.warp.sync" ||
         name == kWarpAllGather;
}

bool isWarpSplit(const CallInst &call) { return calleeName(call) == kWarpSplitMarker; }

MemberSlots expandWarpCollectives(Function &function, Value *threads) {
  std::vector<CallInst *> collectives;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst); call && isWarpCollective(*call))
      collectives.push_back(call);
  CollectiveExpander expander(function, threads);
  for (CallInst *call : collectives)
    expander.expand(call);
  return std::move(expander.memberSlots_);
}

} // namespace cuport::passes
