//===- passes/BlockRangeLoop.cpp - Several blocks per call ----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/BlockRangeLoop.h"

#include "passes/KernelAbi.h"
#include "passes/LaunchContext.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// Moves the body of `kernel` into an internal always-inline function and
/// gives `kernel` the loop over the call's blocks.
void loopOverBlocks(Function &kernel) {
  LLVMContext &context = kernel.getContext();
  // Right after the kernel (the IR reads kernel by kernel), internal with
  // a single call: O3 inlines it; -O 0 output keeps it apart, as lowered.
  Function *body = Function::Create(kernel.getFunctionType(), GlobalValue::InternalLinkage,
                                    kernel.getName() + ".block");
  kernel.getParent()->getFunctionList().insertAfter(kernel.getIterator(), body);
  body->copyAttributesFrom(&kernel);
  body->setLinkage(GlobalValue::InternalLinkage);
  body->setVisibility(GlobalValue::DefaultVisibility);
  body->setDSOLocal(true);
  body->removeFnAttr(kBlockFunctionAttr);
  body->addFnAttr(Attribute::InlineHint);
  body->splice(body->begin(), &kernel);
  for (unsigned i = 0; i < kernel.arg_size(); ++i) {
    Argument *from = kernel.getArg(i), *to = body->getArg(i);
    to->takeName(from);
    from->replaceAllUsesWith(to);
  }
  Argument *args = kernel.getArg(0), *ctx = kernel.getArg(1);
  args->setName("args");
  ctx->setName("ctx");
  // The loop writes blockIdx.x: ctx is no longer read-only here.
  kernel.removeParamAttr(1, Attribute::ReadOnly);

  StructType *ctxType = getLaunchContextType(context);
  auto *entry = BasicBlock::Create(context, "blocks", &kernel);
  auto *loop = BasicBlock::Create(context, "block.loop", &kernel);
  auto *exit = BasicBlock::Create(context, "blocks.done", &kernel);
  IRBuilder<> b(entry);
  Type *i32 = b.getInt32Ty();
  Value *indexX = b.CreateStructGEP(ctxType, ctx, LCBlockIdx, "blockIdx.x.addr");
  Value *first = b.CreateLoad(i32, indexX, "first.block");
  Value *count = b.CreateLoad(i32, b.CreateStructGEP(ctxType, ctx, LCBlockCount),
                              "block.count");
  Value *end = b.CreateAdd(first, b.CreateBinaryIntrinsic(Intrinsic::umax, count, b.getInt32(1)), "end.block");
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  PHINode *block = b.CreatePHI(i32, 2, "block");
  block->addIncoming(first, entry);
  b.CreateStore(block, indexX);
  b.CreateCall(body, {args, ctx});
  Value *next = b.CreateAdd(block, b.getInt32(1), "next.block", /*HasNUW=*/true);
  block->addIncoming(next, loop);
  b.CreateCondBr(b.CreateICmpULT(next, end), loop, exit);

  b.SetInsertPoint(exit);
  b.CreateRetVoid();
}

} // namespace

PreservedAnalyses BlockRangeLoopPass::run(Module &module, ModuleAnalysisManager &) {
  SmallVector<Function *, 8> kernels;
  for (Function &function : module)
    if (function.hasFnAttribute(kBlockFunctionAttr) && !function.isDeclaration())
      kernels.push_back(&function);
  for (Function *kernel : kernels)
    loopOverBlocks(*kernel);
  return kernels.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

} // namespace cuport::passes
