//===- passes/KernelAbi.cpp - Kernels to block-function ABI ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/KernelAbi.h"

#include "passes/LaunchContext.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace cuport::passes {

StructType *getLaunchContextType(LLVMContext &context) {
  if (StructType *existing =
          StructType::getTypeByName(context, "cuport.LaunchContext"))
    return existing;
  Type *i32 = Type::getInt32Ty(context);
  Type *dims = ArrayType::get(i32, 3);
  Type *ptr = PointerType::get(context, 0);
  // Field order is LaunchContextField.
  return StructType::create(context, {dims, dims, dims, i32, ptr, ptr, i32},
                            "cuport.LaunchContext");
}

namespace {

/// Where a launch-geometry special register lives in the launch context:
/// {field, index}; field < 0 if the register is not one of them.
std::pair<int, int> contextSlotOf(StringRef sreg) {
  auto axis = [](StringRef name) { return name.back() - 'x'; };
  if (sreg.starts_with("ntid."))
    return {LCBlockDim, axis(sreg)};
  if (sreg.starts_with("nctaid."))
    return {LCGridDim, axis(sreg)};
  if (sreg.starts_with("ctaid."))
    return {LCBlockIdx, axis(sreg)};
  if (sreg == "dynamic_smem_size")
    return {LCDynamicSharedBytes, -1};
  return {-1, -1};
}

/// Replaces launch-geometry special-register calls in `function` with loads
/// from the launch context, emitted by `entry` (so they are computed once).
void lowerGeometryRegisters(Function &function, Value *ctx, IRBuilder<> &entry) {
  StructType *ctxType = getLaunchContextType(function.getContext());
  std::vector<CallInst *> calls;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst))
      if (Function *callee = call->getCalledFunction())
        if (callee->getName().starts_with(translate::kSregPrefix))
          calls.push_back(call);
  for (CallInst *call : calls) {
    StringRef sreg =
        call->getCalledFunction()->getName().drop_front(strlen(translate::kSregPrefix));
    Value *value = nullptr;
    if (sreg == "warpsize") {
      value = entry.getInt32(32);
    } else {
      auto [field, index] = contextSlotOf(sreg);
      if (field < 0)
        continue;
      Value *address =
          index < 0 ? entry.CreateStructGEP(ctxType, ctx, field)
                    : entry.CreateConstInBoundsGEP2_32(ctxType, ctx, 0, field);
      if (index > 0)
        address = entry.CreateConstInBoundsGEP1_32(entry.getInt32Ty(), address, index);
      value = entry.CreateLoad(entry.getInt32Ty(), address, sreg);
    }
    call->replaceAllUsesWith(value);
    call->eraseFromParent();
  }
}

const translate::KernelDescriptor *
findDescriptor(ArrayRef<translate::KernelDescriptor> kernels, StringRef name) {
  for (const translate::KernelDescriptor &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

/// Rebuilds `kernel` as a block function; returns it (or nullptr).
Function *rewriteKernel(Function &kernel, const translate::KernelDescriptor &desc,
                        LoweringDiagnostics &diagnostics) {
  LLVMContext &context = kernel.getContext();
  if (desc.params.size() != kernel.arg_size()) {
    diagnostics.error(kernel.getName(), "descriptor has " +
                                            Twine(desc.params.size()) +
                                            " parameters, function has " +
                                            Twine(kernel.arg_size()));
    return nullptr;
  }
  Type *ptr = PointerType::get(context, 0);
  auto *type = FunctionType::get(Type::getVoidTy(context), {ptr, ptr}, false);
  Function *block = Function::Create(type, GlobalValue::ExternalLinkage, "",
                                     kernel.getParent());
  block->takeName(&kernel);
  block->copyAttributesFrom(&kernel);
  block->setCallingConv(CallingConv::C);
  block->addFnAttr(kBlockFunctionAttr);
  block->addFnAttr(Attribute::NoUnwind);
  Argument *args = block->getArg(0);
  Argument *ctx = block->getArg(1);
  args->setName("args");
  ctx->setName("ctx");
  args->addAttr(Attribute::NoAlias);
  args->addAttr(Attribute::ReadOnly);
  ctx->addAttr(Attribute::NoAlias);

  BasicBlock *entry = BasicBlock::Create(context, "unpack", block);
  IRBuilder<> builder(entry);
  for (unsigned i = 0; i < kernel.arg_size(); ++i) {
    const translate::ParamDescriptor &param = desc.params[i];
    Argument *old = kernel.getArg(i);
    Value *address = builder.CreateConstInBoundsGEP1_32(builder.getInt8Ty(), args,
                                                        param.offset);
    Value *value = old->getType()->isPointerTy() && param.isAggregate
                       ? address
                       : builder.CreateAlignedLoad(old->getType(), address,
                                                   Align(param.align),
                                                   old->getName());
    old->replaceAllUsesWith(value);
  }
  lowerGeometryRegisters(kernel, ctx, builder);

  BasicBlock *oldEntry = &kernel.getEntryBlock();
  block->splice(block->end(), &kernel);
  builder.CreateBr(oldEntry);
  // The kernel's address (`mov.u64 %rd, kernel`: a device-side launch)
  // is the block function's.
  kernel.replaceAllUsesWith(block);
  kernel.eraseFromParent();
  return block;
}

} // namespace

PreservedAnalyses KernelAbiPass::run(Module &module, ModuleAnalysisManager &) {
  std::vector<Function *> kernels;
  for (Function &function : module)
    if (function.getCallingConv() == CallingConv::PTX_Kernel &&
        !function.isDeclaration())
      kernels.push_back(&function);
  if (kernels.empty())
    return PreservedAnalyses::all();
  for (Function *kernel : kernels) {
    const translate::KernelDescriptor *desc =
        findDescriptor(kernels_, kernel->getName());
    if (!desc) {
      diagnostics_.error(kernel->getName(), "no kernel descriptor");
      continue;
    }
    rewriteKernel(*kernel, *desc, diagnostics_);
  }
  return PreservedAnalyses::none();
}

} // namespace cuport::passes
