//===- passes/EarlyExits.cpp - Threads that leave before a barrier --------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/EarlyExits.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace cuport::passes {

SmallPtrSet<BasicBlock *, 8>
findEarlyExitBranches(ArrayRef<BasicBlock *> body,
                      function_ref<bool(BasicBlock *)> isBarrier) {
  // Blocks from which a barrier can be reached: backwards from the barriers.
  SmallPtrSet<BasicBlock *, 32> reachesBarrier;
  SmallVector<BasicBlock *, 32> work;
  for (BasicBlock *block : body)
    if (isBarrier(block))
      work.push_back(block);
  while (!work.empty()) {
    BasicBlock *block = work.pop_back_val();
    if (!reachesBarrier.insert(block).second)
      continue;
    append_range(work, predecessors(block));
  }
  SmallPtrSet<BasicBlock *, 8> branches;
  for (BasicBlock *block : body) {
    Instruction *terminator = block->getTerminator();
    if (!terminator || terminator->getNumSuccessors() < 2 ||
        !isa<BranchInst, SwitchInst>(terminator))
      continue;
    BasicBlock *live = nullptr;
    bool hasDead = false, oneLive = true;
    for (BasicBlock *succ : successors(block)) {
      if (!reachesBarrier.contains(succ))
        hasDead = true;
      else if (!live)
        live = succ;
      else if (live != succ)
        oneLive = false;
    }
    if (hasDead && live && oneLive)
      branches.insert(block);
  }
  return branches;
}

AllocaInst *createExitedFlags(IRBuilder<> &entry, Value *threads) {
  AllocaInst *exited = entry.CreateAlloca(entry.getInt8Ty(), threads, "exited");
  entry.CreateMemSet(exited, entry.getInt8(0), threads, MaybeAlign(1));
  return exited;
}

Value *hasExited(IRBuilder<> &b, AllocaInst *exited, Value *t) {
  Value *flag = b.CreateLoad(b.getInt8Ty(), b.CreateInBoundsGEP(b.getInt8Ty(), exited, t));
  return b.CreateICmpNE(flag, b.getInt8(0));
}

void markExited(IRBuilder<> &b, AllocaInst *exited, Value *t) {
  b.CreateStore(b.getInt8(1), b.CreateInBoundsGEP(b.getInt8Ty(), exited, t));
}

} // namespace cuport::passes
