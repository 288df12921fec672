//===- translate/Warp.cpp - Barriers and warp collectives -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: PTX block barriers (bar.*, barrier.*) and warp collectives (shfl,
// vote, match, activemask, redux, bar.warp.sync). Out: the NVVM intrinsics
// Clang emits for the same CUDA builtins (LLVM 19's IntrinsicsNVVM.td):
//
//   bar.sync 0 / barrier.sync.aligned 0   llvm.nvvm.barrier0()
//   bar.sync a                            llvm.nvvm.barrier.n(a)
//   bar.sync a, b                         llvm.nvvm.barrier(a, b)
//   barrier.sync a{, b}                   llvm.nvvm.barrier.sync{.cnt}(a{, b})
//   bar.red.{popc,and,or} d, 0, {!}c      llvm.nvvm.barrier0.{popc,and,or}(zext c)
//   bar.warp.sync m                       llvm.nvvm.bar.warp.sync(m)
//   shfl.sync.M.b32 d|p, a, b, c, m       llvm.nvvm.shfl.sync.M.i32{p}(m, a, b, c)
//   shfl.M.b32 d|p, a, b, c               llvm.nvvm.shfl.M.i32{p}(a, b, c)
//   vote.sync.M d, {!}a, m                llvm.nvvm.vote.M.sync(m, a)
//   vote.M d, {!}a                        llvm.nvvm.vote.M(a)
//   match.any.sync.bN d, a, m             llvm.nvvm.match.any.sync.iN(m, a)
//   match.all.sync.bN d|p, a, m           llvm.nvvm.match.all.sync.iNp(m, a)
//   activemask.b32 d                      llvm.nvvm.activemask()
//   redux.sync.OP.T d, a, m               llvm.nvvm.redux.sync.OP(a, m)
//                                         (min/max of u32: umin/umax)
//
// PTX operations LLVM has no intrinsic for become calls of external
// functions, part of cuport's NVVM-form contract (all convergent, nounwind;
// `aligned` is bar.* or barrier.*.aligned, `any` is barrier.* without it):
//
//   void __cuport_bar_arrive(i32 id, i32 count)         bar.arrive a, b
//   void __cuport_barrier_arrive(i32 id, i32 count)     barrier.arrive a, b
//   i32  __cuport_bar_red_OP(i32 id, i32 count, i32 c)  bar.red.OP with a
//   i32  __cuport_barrier_red_OP(i32 id, i32 count, i32 c)  barrier id other
//        than the constant 0 or with a thread count (count 0: all threads
//        of the CTA); OP is popc, and, or; c is 0 or 1; the result is the
//        population count, or 0/1 for and/or.
//
// PTX semantics that matter: the source predicate of vote and bar.red may be
// negated (`!%p`); shfl's optional predicate output says whether the source
// lane was in range; match.all's predicate output says whether all lanes in
// the mask had the same value; vote and match take the member mask last.
// Every instruction here sets the kernel's UsesBarriers or UsesWarpOps
// feature bit; the CPU lowering of the intrinsics is issue 4 (today it
// rejects kernels with synchronisation points, naming the kernel).
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/IR/IntrinsicsNVPTX.h"

using namespace llvm;

namespace cuport::translate {

namespace {

/// Calls `__cuport_<op>`, declared convergent and nounwind like the NVVM
/// intrinsics it stands in for.
CallInst *callCuportExternal(Module &module, IRBuilder<> &builder,
                             StringRef op, Type *result,
                             ArrayRef<Value *> args) {
  std::vector<Type *> params;
  for (Value *arg : args)
    params.push_back(arg->getType());
  FunctionCallee callee = module.getOrInsertFunction(
      ("__cuport_" + op).str(), FunctionType::get(result, params, false));
  if (auto *function = dyn_cast<Function>(callee.getCallee())) {
    function->addFnAttr(Attribute::Convergent);
    function->addFnAttr(Attribute::NoUnwind);
  }
  CallInst *call = builder.CreateCall(callee, args);
  call->addFnAttr(Attribute::Convergent);
  return call;
}

bool isImmediateZero(const ptx::Operand &op) {
  return op.kind == ptx::Operand::Kind::Immediate && op.intValue == 0;
}

/// The second destination of `%d|%p` as an operand of its own.
ptx::Operand pairDestination(const ptx::Operand &dst) {
  ptx::Operand pair = dst;
  pair.name = dst.pairName;
  pair.pairName.clear();
  return pair;
}

} // namespace

void FunctionTranslator::writePair(const ptx::Operand &dst, Value *pair,
                                   ptx::Type type) {
  write(dst, b_.CreateExtractValue(pair, 0), type);
  if (!dst.pairName.empty())
    write(pairDestination(dst), b_.CreateExtractValue(pair, 1),
          ptx::Type::Pred);
}

//===----------------------------------------------------------------------===//
// Block barriers
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateBarrier(const ptx::Instruction &inst) {
  if (inst.opcode == "bar" && inst.has("warp"))
    return translateWarpSync(inst);
  features_ |= UsesBarriers;
  // bar.* is barrier.*.aligned: every thread of a warp executes the same
  // barrier instruction.
  bool aligned = inst.opcode == "bar" || inst.has("aligned");
  if (inst.has("sync"))
    return translateBarrierSync(inst, aligned);
  if (inst.has("arrive")) {
    expectOperands(inst, 2);
    if (failed_)
      return;
    Value *id = read(inst.operands[0], ptx::Type::U32);
    Value *count = read(inst.operands[1], ptx::Type::U32);
    if (!id || !count)
      return;
    callCuportExternal(mc_.module, b_,
                       aligned ? "bar_arrive" : "barrier_arrive",
                       b_.getVoidTy(), {id, count});
    return;
  }
  if (inst.has("red"))
    return translateBarrierReduction(inst, aligned);
  unsupported(inst, "barrier without .sync, .arrive or .red");
}

void FunctionTranslator::translateBarrierSync(const ptx::Instruction &inst,
                                              bool aligned) {
  const auto &ops = inst.operands;
  if (ops.empty() || ops.size() > 2)
    return unsupported(inst, "expects a barrier id and an optional thread count");
  Value *id = read(ops[0], ptx::Type::U32);
  Value *count = ops.size() == 2 ? read(ops[1], ptx::Type::U32) : nullptr;
  if (!id || (ops.size() == 2 && !count))
    return;
  if (!aligned) {
    if (count)
      b_.CreateIntrinsic(Intrinsic::nvvm_barrier_sync_cnt, {}, {id, count});
    else
      b_.CreateIntrinsic(Intrinsic::nvvm_barrier_sync, {}, {id});
    return;
  }
  if (count)
    b_.CreateIntrinsic(Intrinsic::nvvm_barrier, {}, {id, count});
  else if (isImmediateZero(ops[0]))
    b_.CreateIntrinsic(Intrinsic::nvvm_barrier0, {}, {});
  else
    b_.CreateIntrinsic(Intrinsic::nvvm_barrier_n, {}, {id});
}

void FunctionTranslator::translateBarrierReduction(const ptx::Instruction &inst,
                                                   bool aligned) {
  // bar.red.popc.u32 d, a{, b}, {!}c;  bar.red.{and,or}.pred p, a{, b}, {!}c;
  const auto &ops = inst.operands;
  if (ops.size() != 3 && ops.size() != 4)
    return unsupported(inst, "expects d, a{, b}, {!}c");
  StringRef op = inst.has("popc") ? "popc"
                 : inst.has("and") ? "and"
                 : inst.has("or")  ? "or"
                                   : "";
  if (op.empty())
    return unsupported(inst, "reduction must be .popc, .and or .or");
  bool hasCount = ops.size() == 4;
  Value *id = read(ops[1], ptx::Type::U32);
  Value *count = hasCount ? read(ops[2], ptx::Type::U32) : b_.getInt32(0);
  Value *predicate = read(ops.back(), ptx::Type::Pred);
  if (!id || !count || !predicate)
    return;
  Value *flag = b_.CreateZExt(predicate, b_.getInt32Ty());
  Value *result = nullptr;
  if (aligned && !hasCount && isImmediateZero(ops[1])) {
    Intrinsic::ID intrinsic = op == "popc" ? Intrinsic::nvvm_barrier0_popc
                              : op == "and" ? Intrinsic::nvvm_barrier0_and
                                            : Intrinsic::nvvm_barrier0_or;
    result = b_.CreateIntrinsic(intrinsic, {}, {flag});
  } else {
    std::string name = (aligned ? "bar_red_" : "barrier_red_") + op.str();
    result = callCuportExternal(mc_.module, b_, name, b_.getInt32Ty(),
                                {id, count, flag});
  }
  if (op == "popc")
    write(ops[0], result, ptx::Type::U32);
  else
    write(ops[0], b_.CreateICmpNE(result, b_.getInt32(0)), ptx::Type::Pred);
}

//===----------------------------------------------------------------------===//
// Warp collectives
//===----------------------------------------------------------------------===//

void FunctionTranslator::translateWarpSync(const ptx::Instruction &inst) {
  // bar.warp.sync membermask;
  features_ |= UsesWarpOps;
  expectOperands(inst, 1);
  if (failed_)
    return;
  if (Value *mask = read(inst.operands[0], ptx::Type::B32))
    b_.CreateIntrinsic(Intrinsic::nvvm_bar_warp_sync, {}, {mask});
}

void FunctionTranslator::translateShuffle(const ptx::Instruction &inst) {
  // shfl.sync.mode.b32 d{|p}, a, b, c, membermask;  (shfl.mode: no mask)
  features_ |= UsesWarpOps;
  bool sync = inst.has("sync");
  expectOperands(inst, sync ? 5 : 4);
  if (failed_)
    return;
  if (inst.type() != ptx::Type::B32)
    return unsupported(inst, "shfl moves .b32 values");
  static constexpr Intrinsic::ID ids[2][4][2] = {
      {{Intrinsic::nvvm_shfl_up_i32, Intrinsic::nvvm_shfl_up_i32p},
       {Intrinsic::nvvm_shfl_down_i32, Intrinsic::nvvm_shfl_down_i32p},
       {Intrinsic::nvvm_shfl_bfly_i32, Intrinsic::nvvm_shfl_bfly_i32p},
       {Intrinsic::nvvm_shfl_idx_i32, Intrinsic::nvvm_shfl_idx_i32p}},
      {{Intrinsic::nvvm_shfl_sync_up_i32, Intrinsic::nvvm_shfl_sync_up_i32p},
       {Intrinsic::nvvm_shfl_sync_down_i32, Intrinsic::nvvm_shfl_sync_down_i32p},
       {Intrinsic::nvvm_shfl_sync_bfly_i32, Intrinsic::nvvm_shfl_sync_bfly_i32p},
       {Intrinsic::nvvm_shfl_sync_idx_i32, Intrinsic::nvvm_shfl_sync_idx_i32p}}};
  int mode = inst.has("up")     ? 0
             : inst.has("down") ? 1
             : inst.has("bfly") ? 2
             : inst.has("idx")  ? 3
                                : -1;
  if (mode < 0)
    return unsupported(inst, "shfl mode must be .up, .down, .bfly or .idx");
  const ptx::Operand &dst = inst.operands[0];
  bool withPredicate = !dst.pairName.empty();
  std::vector<Value *> args;
  if (sync)
    args.push_back(read(inst.operands[4], ptx::Type::B32)); // membermask
  for (size_t i = 1; i <= 3; ++i)
    args.push_back(read(inst.operands[i], ptx::Type::B32));
  for (Value *arg : args)
    if (!arg)
      return;
  Value *result =
      b_.CreateIntrinsic(ids[sync][mode][withPredicate], {}, args);
  if (withPredicate)
    writePair(dst, result, ptx::Type::B32);
  else
    write(dst, result, ptx::Type::B32);
}

void FunctionTranslator::translateVote(const ptx::Instruction &inst) {
  // vote{.sync}.mode.type d, {!}a{, membermask};  (modifier order varies:
  // vote.sync.ballot.b32 and vote.ballot.sync.b32 are both seen)
  features_ |= UsesWarpOps;
  bool sync = inst.has("sync");
  expectOperands(inst, sync ? 3 : 2);
  if (failed_)
    return;
  static constexpr Intrinsic::ID ids[2][4] = {
      {Intrinsic::nvvm_vote_all, Intrinsic::nvvm_vote_any,
       Intrinsic::nvvm_vote_uni, Intrinsic::nvvm_vote_ballot},
      {Intrinsic::nvvm_vote_all_sync, Intrinsic::nvvm_vote_any_sync,
       Intrinsic::nvvm_vote_uni_sync, Intrinsic::nvvm_vote_ballot_sync}};
  int mode = inst.has("all")      ? 0
             : inst.has("any")    ? 1
             : inst.has("uni")    ? 2
             : inst.has("ballot") ? 3
                                  : -1;
  if (mode < 0)
    return unsupported(inst, "vote mode must be .all, .any, .uni or .ballot");
  bool ballot = mode == 3;
  if (inst.type() != (ballot ? ptx::Type::B32 : ptx::Type::Pred))
    return unsupported(inst, ballot ? "vote.ballot needs .b32"
                                    : "vote.all/.any/.uni need .pred");
  Value *predicate = read(inst.operands[1], ptx::Type::Pred);
  Value *mask = sync ? read(inst.operands[2], ptx::Type::B32) : nullptr;
  if (!predicate || (sync && !mask))
    return;
  std::vector<Value *> args;
  if (sync)
    args.push_back(mask);
  args.push_back(predicate);
  Value *result = b_.CreateIntrinsic(ids[sync][mode], {}, args);
  write(inst.operands[0], result, ballot ? ptx::Type::B32 : ptx::Type::Pred);
}

void FunctionTranslator::translateMatch(const ptx::Instruction &inst) {
  // match.any.sync.type d, a, membermask;
  // match.all.sync.type d{|p}, a, membermask;
  features_ |= UsesWarpOps;
  expectOperands(inst, 3);
  if (failed_)
    return;
  if (!inst.has("sync"))
    return unsupported(inst, "match needs .sync");
  ptx::Type type = inst.type();
  bool wide = type == ptx::Type::B64;
  if (!wide && type != ptx::Type::B32)
    return unsupported(inst, "match compares .b32 or .b64 values");
  bool all = inst.has("all");
  if (!all && !inst.has("any"))
    return unsupported(inst, "match mode must be .any or .all");
  Value *value = read(inst.operands[1], type);
  Value *mask = read(inst.operands[2], ptx::Type::B32);
  if (!value || !mask)
    return;
  const ptx::Operand &dst = inst.operands[0];
  if (!all) {
    Intrinsic::ID id = wide ? Intrinsic::nvvm_match_any_sync_i64
                            : Intrinsic::nvvm_match_any_sync_i32;
    write(dst, b_.CreateIntrinsic(id, {}, {mask, value}), ptx::Type::B32);
    return;
  }
  Intrinsic::ID id = wide ? Intrinsic::nvvm_match_all_sync_i64p
                          : Intrinsic::nvvm_match_all_sync_i32p;
  writePair(dst, b_.CreateIntrinsic(id, {}, {mask, value}), ptx::Type::B32);
}

void FunctionTranslator::translateActivemask(const ptx::Instruction &inst) {
  // activemask.b32 d;
  features_ |= UsesWarpOps;
  expectOperands(inst, 1);
  if (failed_)
    return;
  write(inst.operands[0], b_.CreateIntrinsic(Intrinsic::nvvm_activemask, {}, {}),
        ptx::Type::B32);
}

void FunctionTranslator::translateRedux(const ptx::Instruction &inst) {
  // redux.sync.op.type d, a, membermask;  op: add/min/max (.u32/.s32),
  // and/or/xor (.b32).
  features_ |= UsesWarpOps;
  expectOperands(inst, 3);
  if (failed_)
    return;
  if (!inst.has("sync"))
    return unsupported(inst, "redux needs .sync");
  ptx::Type type = inst.type();
  if (type == ptx::Type::F32)
    return unsupported(inst, "redux.sync.min/max.f32 (sm_100a) has no NVVM form yet");
  bool isSignedType = type == ptx::Type::S32;
  Intrinsic::ID id = Intrinsic::not_intrinsic;
  if (inst.has("add") && (type == ptx::Type::U32 || isSignedType))
    id = Intrinsic::nvvm_redux_sync_add;
  else if (inst.has("min") && (type == ptx::Type::U32 || isSignedType))
    id = isSignedType ? Intrinsic::nvvm_redux_sync_min
                      : Intrinsic::nvvm_redux_sync_umin;
  else if (inst.has("max") && (type == ptx::Type::U32 || isSignedType))
    id = isSignedType ? Intrinsic::nvvm_redux_sync_max
                      : Intrinsic::nvvm_redux_sync_umax;
  else if (inst.has("and") && type == ptx::Type::B32)
    id = Intrinsic::nvvm_redux_sync_and;
  else if (inst.has("or") && type == ptx::Type::B32)
    id = Intrinsic::nvvm_redux_sync_or;
  else if (inst.has("xor") && type == ptx::Type::B32)
    id = Intrinsic::nvvm_redux_sync_xor;
  if (id == Intrinsic::not_intrinsic)
    return unsupported(inst, "redux.sync supports add/min/max on .u32/.s32 "
                             "and and/or/xor on .b32");
  Value *value = read(inst.operands[1], type);
  Value *mask = read(inst.operands[2], ptx::Type::B32);
  if (!value || !mask)
    return;
  write(inst.operands[0], b_.CreateIntrinsic(id, {}, {value, mask}), type);
}

} // namespace cuport::translate
