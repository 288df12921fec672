//===- passes/SharedMemoryArena.cpp - Shared memory in the worker's arena -===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/SharedMemoryArena.h"

#include "passes/KernelAbi.h"
#include "passes/LaunchContext.h"
#include "translate/SharedMemoryLayout.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/ReplaceConstant.h"

using namespace llvm;

namespace cuport::passes {

namespace {

bool isSharedPointer(const Value *value) {
  auto *type = dyn_cast<PointerType>(value->getType());
  return type && type->getAddressSpace() == translate::SharedAS;
}

/// The shared variables `function` uses (all uses are instructions here).
SmallPtrSet<GlobalVariable *, 8> sharedVariablesOf(Function &function,
                                                   ArrayRef<GlobalVariable *> shared) {
  SmallPtrSet<GlobalVariable *, 8> used;
  for (GlobalVariable *global : shared)
    for (User *user : global->users())
      if (auto *inst = dyn_cast<Instruction>(user); inst && inst->getFunction() == &function)
        used.insert(global);
  return used;
}

class ArenaRewriter {
public:
  ArenaRewriter(Function &block, LoweringDiagnostics &diagnostics)
      : function_(block), diagnostics_(diagnostics) {
    BasicBlock &entry = block.getEntryBlock();
    IRBuilder<> b(entry.getTerminator());
    StructType *ctxType = getLaunchContextType(block.getContext());
    base_ = b.CreateLoad(b.getPtrTy(),
                         b.CreateStructGEP(ctxType, block.getArg(1), LCSharedArena),
                         "shared.arena");
  }

  /// Replaces `global`'s uses in the function by the offset `offset`.
  void place(GlobalVariable *global, uint64_t offset) {
    Type *i64 = Type::getInt64Ty(function_.getContext());
    Constant *address =
        ConstantExpr::getIntToPtr(ConstantInt::get(i64, offset), global->getType());
    global->replaceUsesWithIf(address, [&](Use &use) {
      auto *inst = dyn_cast<Instruction>(use.getUser());
      return inst && inst->getFunction() == &function_;
    });
  }

  /// Rewrites every access and cast of an addrspace(3) pointer.
  void rewriteAccesses() {
    std::vector<Instruction *> work;
    for (Instruction &inst : instructions(function_))
      work.push_back(&inst);
    for (Instruction *inst : work)
      rewrite(*inst);
  }

private:
  /// base + offset for the shared pointer `pointer`, emitted before `at`.
  Value *absolute(IRBuilder<> &b, Value *pointer) {
    return b.CreateInBoundsGEP(b.getInt8Ty(), base_, offsetOf(b, pointer, 0),
                               pointer->getName() + ".abs");
  }

  /// The shared-window offset of `pointer` as an i64. Constant-offset GEPs
  /// and `inttoptr` are looked through, so that scalar evolution sees
  /// `offset + 64` rather than `ptrtoint (gep (inttoptr offset), 64)`,
  /// which it cannot analyse (a consecutive access became a gather).
  Value *offsetOf(IRBuilder<> &b, Value *pointer, int depth) {
    const DataLayout &layout = function_.getDataLayout();
    if (depth < 8 && layout.getIndexSizeInBits(translate::SharedAS) == 64) {
      if (auto *gep = dyn_cast<GEPOperator>(pointer)) {
        APInt constant(64, 0);
        if (gep->accumulateConstantOffset(layout, constant)) {
          Value *base = offsetOf(b, gep->getPointerOperand(), depth + 1);
          return constant.isZero() ? base : b.CreateAdd(base, b.getInt(constant));
        }
      }
      if (auto *cast = dyn_cast<IntToPtrInst>(pointer);
          cast && layout.getPointerSizeInBits(translate::SharedAS) == 64)
        return b.CreateZExtOrTrunc(cast->getOperand(0), b.getInt64Ty());
    }
    return b.CreatePtrToInt(pointer, b.getInt64Ty());
  }

  void rewrite(Instruction &inst) {
    IRBuilder<> b(&inst);
    if (auto *load = dyn_cast<LoadInst>(&inst)) {
      if (isSharedPointer(load->getPointerOperand()))
        load->setOperand(0, absolute(b, load->getPointerOperand()));
    } else if (auto *store = dyn_cast<StoreInst>(&inst)) {
      if (isSharedPointer(store->getPointerOperand()))
        store->setOperand(1, absolute(b, store->getPointerOperand()));
    } else if (auto *rmw = dyn_cast<AtomicRMWInst>(&inst)) {
      if (isSharedPointer(rmw->getPointerOperand()))
        rmw->setOperand(AtomicRMWInst::getPointerOperandIndex(),
                        absolute(b, rmw->getPointerOperand()));
    } else if (auto *cas = dyn_cast<AtomicCmpXchgInst>(&inst)) {
      if (isSharedPointer(cas->getPointerOperand()))
        cas->setOperand(AtomicCmpXchgInst::getPointerOperandIndex(),
                        absolute(b, cas->getPointerOperand()));
    } else if (auto *cast = dyn_cast<AddrSpaceCastInst>(&inst)) {
      rewriteCast(b, *cast);
    } else if (auto *call = dyn_cast<CallBase>(&inst)) {
      rewriteCall(b, *call);
    }
  }

  void rewriteCast(IRBuilder<> &b, AddrSpaceCastInst &cast) {
    Value *source = cast.getPointerOperand();
    Value *result = nullptr;
    if (isSharedPointer(source)) {
      // cvta.shared: the generic address is base + offset.
      result = absolute(b, source);
      if (result->getType() != cast.getType())
        result = b.CreateAddrSpaceCast(result, cast.getType());
    } else if (isSharedPointer(&cast)) {
      // cvta.to.shared: the offset is the generic address minus the base.
      if (source->getType() != base_->getType())
        source = b.CreateAddrSpaceCast(source, base_->getType());
      Value *offset = b.CreateSub(b.CreatePtrToInt(source, b.getInt64Ty()),
                                  b.CreatePtrToInt(base_, b.getInt64Ty()));
      result = b.CreateIntToPtr(offset, cast.getType());
    } else {
      return;
    }
    result->takeName(&cast);
    cast.replaceAllUsesWith(result);
    cast.eraseFromParent();
  }

  void rewriteCall(IRBuilder<> &b, CallBase &call) {
    bool passesShared = false;
    for (Value *arg : call.args())
      passesShared |= isSharedPointer(arg);
    if (!passesShared)
      return;
    if (auto *memory = dyn_cast<MemIntrinsic>(&call)) {
      rewriteMemIntrinsic(b, *memory);
      return;
    }
    Function *callee = call.getCalledFunction();
    diagnostics_.error(function_.getName(),
                       "passes a shared-memory pointer to '" +
                           (callee ? callee->getName() : StringRef("an indirect call")) +
                           "', which has no CPU lowering");
  }

  void rewriteMemIntrinsic(IRBuilder<> &b, MemIntrinsic &memory) {
    auto flat = [&](Value *pointer) {
      return isSharedPointer(pointer) ? absolute(b, pointer) : pointer;
    };
    CallInst *replacement = nullptr;
    if (auto *set = dyn_cast<MemSetInst>(&memory))
      replacement = b.CreateMemSet(flat(set->getDest()), set->getValue(),
                                   set->getLength(), set->getDestAlign(),
                                   set->isVolatile());
    else if (auto *copy = dyn_cast<MemCpyInst>(&memory))
      replacement = b.CreateMemCpy(flat(copy->getDest()), copy->getDestAlign(),
                                   flat(copy->getSource()), copy->getSourceAlign(),
                                   copy->getLength(), copy->isVolatile());
    else if (auto *move = dyn_cast<MemMoveInst>(&memory))
      replacement = b.CreateMemMove(flat(move->getDest()), move->getDestAlign(),
                                    flat(move->getSource()), move->getSourceAlign(),
                                    move->getLength(), move->isVolatile());
    if (!replacement) {
      diagnostics_.error(function_.getName(), "shared memory in '" +
                                                  memory.getCalledFunction()->getName() +
                                                  "' has no CPU lowering");
      return;
    }
    memory.eraseFromParent();
  }

  Function &function_;
  LoweringDiagnostics &diagnostics_;
  Value *base_ = nullptr;
};

const translate::KernelDescriptor *
descriptorOf(ArrayRef<translate::KernelDescriptor> kernels, StringRef name) {
  for (const translate::KernelDescriptor &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

} // namespace

PreservedAnalyses SharedMemoryArenaPass::run(Module &module, ModuleAnalysisManager &) {
  std::vector<GlobalVariable *> shared;
  for (GlobalVariable &global : module.globals())
    if (global.getAddressSpace() == translate::SharedAS)
      shared.push_back(&global);
  if (shared.empty())
    return PreservedAnalyses::all();
  // Uses inside constant expressions become instructions of each function,
  // so that each kernel can place a variable at its own offset.
  convertUsersOfConstantsToInstructions(
      SmallVector<Constant *>(shared.begin(), shared.end()));

  const DataLayout &layout = module.getDataLayout();
  std::vector<Function *> deadHelpers;
  for (Function &function : module) {
    if (function.isDeclaration())
      continue;
    SmallPtrSet<GlobalVariable *, 8> used = sharedVariablesOf(function, shared);
    if (used.empty())
      continue;
    if (!function.hasFnAttribute(kBlockFunctionAttr)) {
      // Inlined everywhere but kept for its external linkage: nobody runs it.
      if (function.use_empty()) {
        deadHelpers.push_back(&function);
        continue;
      }
      diagnostics_.error(function.getName(),
                         "uses shared memory but could not be inlined into its "
                         "kernel (recursion or a call through a pointer)");
      continue;
    }
    translate::SharedMemoryLayout placed = translate::layOutSharedMemory(used, layout);
    const translate::KernelDescriptor *desc = descriptorOf(kernels_, function.getName());
    if (!desc || placed.staticBytes > desc->staticSharedBytes) {
      diagnostics_.error(function.getName(),
                         "internal error: shared-memory layout (" +
                             Twine(placed.staticBytes) +
                             " bytes) larger than the kernel descriptor's");
      continue;
    }
    ArenaRewriter rewriter(function, diagnostics_);
    for (auto [global, offset] : placed.offsets)
      rewriter.place(global, offset);
    for (GlobalVariable *global : used)
      if (global->isDeclaration())
        rewriter.place(global, placed.dynamicOffset);
    rewriter.rewriteAccesses();
  }
  for (Function *function : deadHelpers)
    function->eraseFromParent();
  for (GlobalVariable *global : shared) {
    global->removeDeadConstantUsers();
    if (global->use_empty())
      global->eraseFromParent();
  }
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
