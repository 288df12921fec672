//===- passes/LowerDeviceServices.cpp - Registers needing the backend -----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/LowerDeviceServices.h"

#include "passes/DeviceServices.h"
#include "passes/KernelAbi.h"
#include "passes/LaunchContext.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace cuport::passes {

namespace {

/// Declares service `name` returning `result` after (ctx, extra...).
FunctionCallee serviceFunction(Module &module, StringRef name, Type *result,
                               ArrayRef<Type *> extra, bool readsClock) {
  LLVMContext &context = module.getContext();
  SmallVector<Type *, 3> params{PointerType::get(context, 0)};
  params.append(extra.begin(), extra.end());
  FunctionCallee callee =
      module.getOrInsertFunction(name, FunctionType::get(result, params, false));
  if (auto *function = dyn_cast<Function>(callee.getCallee())) {
    function->setDoesNotThrow();
    // Time and sleep must stay where they are; the others only read the
    // launch context.
    if (readsClock)
      function->setOnlyAccessesInaccessibleMemory();
    else
      function->setOnlyReadsMemory();
  }
  return callee;
}

/// CUDA 12+'s device runtime entries that `kernel<<<...>>>` in device code
/// calls (dynamic parallelism).
constexpr const char *kCdpParameterBuffer = "__cudaCDP2GetParameterBufferV2";
constexpr const char *kCdpLaunch = "__cudaCDP2LaunchDeviceV2";
constexpr const char *kCdpGetLastError = "__cudaCDP2GetLastError";
constexpr const char *kCdpPeekAtLastError = "__cudaCDP2PeekAtLastError";

/// Streams and events of device code. Child grids run one after another
/// once their parent grid has finished (backends/cpu/DeviceLaunch.h): an
/// order every stream and event of the device runtime allows, so these
/// only hand out handles and check their arguments.
bool isDeviceStreamOrEvent(StringRef name) {
  return name == "__cudaCDP2StreamCreateWithFlags" || name == "__cudaCDP2StreamDestroy" ||
         name == "__cudaCDP2EventCreateWithFlags" || name == "__cudaCDP2EventDestroy" ||
         name == "__cudaCDP2EventRecord" || name == "__cudaCDP2StreamWaitEvent";
}

/// Calls this pass gives to the backend: NVVM intrinsics and the
/// functions CUDA's device runtime provides (printf, assert, trap, the
/// device heap).
bool isServiceCall(StringRef name) {
  return name.starts_with("llvm.nvvm.") || name == "vprintf" ||
         name == "__assertfail" || name == "llvm.trap" || name == "malloc" ||
         name == "free" || name == "__cuda_syscall_aligned_malloc" ||
         name == kCdpParameterBuffer || name == kCdpLaunch || name == kCdpGetLastError ||
         name == kCdpPeekAtLastError || isDeviceStreamOrEvent(name);
}

class ServiceLowering {
public:
  ServiceLowering(Function &block, uint32_t staticSharedBytes)
      : module_(*block.getParent()), context_(block.getContext()),
        ctx_(block.getArg(1)), staticSharedBytes_(staticSharedBytes) {}

  /// The replacement of `call`, emitted before it; nullptr to keep it.
  Value *lower(CallInst &call) {
    StringRef name = call.getCalledFunction()->getName();
    IRBuilder<> b(&call);
    if (name.consume_front(translate::kSregPrefix))
      return lowerRegister(b, name);
    if (name == "llvm.nvvm.nanosleep")
      return b.CreateCall(service(services::kNanosleep, b.getVoidTy(),
                                  {b.getInt32Ty()}, true),
                          {ctx_, call.getArgOperand(0)});
    if (name.consume_front("llvm.nvvm.isspacep."))
      return lowerIsspacep(b, name, call.getArgOperand(0));
    if (name == "vprintf")
      return lowerVprintf(b, call);
    if (name == "__assertfail")
      return lowerAssertFail(b, call);
    if (name == "malloc" || name == "free" || name == "__cuda_syscall_aligned_malloc")
      return lowerHeapCall(b, name, call);
    if (name == kCdpParameterBuffer || name == kCdpLaunch)
      return lowerDeviceLaunch(b, name, call);
    if (isDeviceStreamOrEvent(name))
      return lowerDeviceStreamOrEvent(b, name, call);
    if ((name == kCdpGetLastError || name == kCdpPeekAtLastError) && call.arg_size() == 0 &&
        call.getType()->isIntegerTy())
      return b.CreateCall(opaqueService(services::kDeviceLastError, b.getInt32Ty(),
                                        {b.getInt32Ty()}),
                          {ctx_, b.getInt32(name == kCdpGetLastError)});
    if (name == "llvm.trap")
      return abort(b, b.CreateCall(opaqueService(services::kTrap, b.getVoidTy(), {}),
                                   {ctx_}));
    return nullptr;
  }

private:
  /// vprintf(format, args) as the PTX declares it (two 64-bit values).
  Value *lowerVprintf(IRBuilder<> &b, CallInst &call) {
    if (call.arg_size() != 2)
      return nullptr;
    Type *i64 = b.getInt64Ty();
    FunctionCallee printf = opaqueService(services::kVprintf, b.getInt32Ty(), {i64, i64});
    Value *result = b.CreateCall(printf, {ctx_, asInt64(b, call.getArgOperand(0)),
                                          asInt64(b, call.getArgOperand(1))});
    return b.CreateZExtOrTrunc(result, call.getType()->isVoidTy() ? b.getInt32Ty()
                                                                  : call.getType());
  }

  /// __assertfail(message, file, line, function, charSize): the thread's
  /// position is read here, before WorkItemLoops gives %tid its values.
  Value *lowerAssertFail(IRBuilder<> &b, CallInst &call) {
    if (call.arg_size() < 4)
      return nullptr;
    Type *i32 = b.getInt32Ty(), *i64 = b.getInt64Ty();
    SmallVector<Value *, 8> args{ctx_, asInt64(b, call.getArgOperand(0)),
                                 asInt64(b, call.getArgOperand(1)),
                                 b.CreateZExtOrTrunc(call.getArgOperand(2), i32),
                                 asInt64(b, call.getArgOperand(3))};
    for (const char *axis : {"tid.x", "tid.y", "tid.z"}) {
      FunctionCallee sreg = module_.getOrInsertFunction(
          std::string(translate::kSregPrefix) + axis, FunctionType::get(i32, false));
      args.push_back(b.CreateCall(sreg));
    }
    FunctionCallee fail = opaqueService(services::kAssertFail, b.getVoidTy(),
                                        {i64, i64, i32, i64, i32, i32, i32});
    return abort(b, b.CreateCall(fail, args));
  }

  /// malloc(size), free(pointer) and __cuda_syscall_aligned_malloc(size,
  /// align) as the PTX declares them (64-bit values): the backend's device
  /// heap. Opaque calls: the heap is memory the kernel does not see.
  Value *lowerHeapCall(IRBuilder<> &b, StringRef name, CallInst &call) {
    Type *i64 = b.getInt64Ty();
    if (name == "free") {
      if (call.arg_size() != 1)
        return nullptr;
      return b.CreateCall(opaqueService(services::kFree, b.getVoidTy(), {i64}),
                          {ctx_, asInt64(b, call.getArgOperand(0))});
    }
    bool aligned = name != "malloc";
    if (call.arg_size() != (aligned ? 2u : 1u) || call.getType()->isVoidTy())
      return nullptr;
    SmallVector<Value *, 3> args{ctx_};
    for (Value *arg : call.args())
      args.push_back(asInt64(b, arg));
    SmallVector<Type *, 2> extra(args.size() - 1, i64);
    Value *pointer = b.CreateCall(
        opaqueService(aligned ? services::kAlignedMalloc : services::kMalloc, i64, extra),
        args);
    if (call.getType()->isPointerTy())
      return b.CreateIntToPtr(pointer, call.getType());
    return pointer;
  }

  /// __cudaCDP2GetParameterBufferV2(kernel, dim3 grid, dim3 block, shared)
  /// (the dim3s as pointers to their parameter memory) and
  /// __cudaCDP2LaunchDeviceV2(buffer, stream), as the PTX declares them.
  Value *lowerDeviceLaunch(IRBuilder<> &b, StringRef name, CallInst &call) {
    Type *i32 = b.getInt32Ty(), *i64 = b.getInt64Ty(), *ptr = b.getPtrTy();
    if (name == kCdpLaunch) {
      if (call.arg_size() != 2 || call.getType()->isVoidTy())
        return nullptr;
      Value *status = b.CreateCall(
          opaqueService(services::kDeviceLaunch, i32, {i64, i64}),
          {ctx_, asInt64(b, call.getArgOperand(0)), asInt64(b, call.getArgOperand(1))});
      return b.CreateZExtOrTrunc(status, call.getType());
    }
    if (call.arg_size() != 4 || call.getType()->isVoidTy() ||
        !call.getArgOperand(1)->getType()->isPointerTy() ||
        !call.getArgOperand(2)->getType()->isPointerTy())
      return nullptr;
    Value *buffer = b.CreateCall(
        opaqueService(services::kDeviceLaunchBuffer, i64, {i64, ptr, ptr, i32}),
        {ctx_, asInt64(b, call.getArgOperand(0)), call.getArgOperand(1),
         call.getArgOperand(2), b.CreateZExtOrTrunc(call.getArgOperand(3), i32)});
    if (call.getType()->isPointerTy())
      return b.CreateIntToPtr(buffer, call.getType());
    return b.CreateZExtOrTrunc(buffer, call.getType());
  }

  /// cudaStreamCreateWithFlags(&stream, flags) and
  /// cudaEventCreateWithFlags(&event, flags) store a handle (the address of
  /// the variable: distinct, never null) and return cudaSuccess; a stream
  /// of device code must be cudaStreamNonBlocking (else
  /// cudaErrorInvalidValue, nothing stored). Record, wait and destroy
  /// return cudaSuccess.
  Value *lowerDeviceStreamOrEvent(IRBuilder<> &b, StringRef name, CallInst &call) {
    if (!call.getType()->isIntegerTy())
      return nullptr;
    Value *success = ConstantInt::get(call.getType(), 0);
    if (!name.ends_with("CreateWithFlags"))
      return success;
    if (call.arg_size() != 2)
      return nullptr;
    Value *out = call.getArgOperand(0);
    if (!out->getType()->isPointerTy())
      out = b.CreateIntToPtr(out, b.getPtrTy());
    Value *valid = b.getTrue();
    if (name == "__cudaCDP2StreamCreateWithFlags") // cudaStreamNonBlocking
      valid = b.CreateICmpEQ(b.CreateZExtOrTrunc(call.getArgOperand(1), b.getInt32Ty()),
                             b.getInt32(1));
    Instruction *thenTerm = SplitBlockAndInsertIfThen(valid, &call, /*Unreachable=*/false);
    IRBuilder<> store(thenTerm);
    store.CreateStore(store.CreatePtrToInt(out, store.getInt64Ty()), out);
    b.SetInsertPoint(&call);
    return b.CreateSelect(valid, success, ConstantInt::get(call.getType(), 1));
  }

  /// A service that may read any memory (printf reads its argument buffer
  /// and the strings it points to): no memory attributes, or dead-store
  /// elimination would drop the stores that fill the buffer.
  FunctionCallee opaqueService(StringRef name, Type *result, ArrayRef<Type *> extra) {
    SmallVector<Type *, 8> params{PointerType::get(context_, 0)};
    params.append(extra.begin(), extra.end());
    FunctionCallee callee =
        module_.getOrInsertFunction(name, FunctionType::get(result, params, false));
    if (auto *function = dyn_cast<Function>(callee.getCallee()))
      function->setDoesNotThrow();
    return callee;
  }

  /// Marks a service call that never returns.
  Value *abort(IRBuilder<> &, CallInst *call) {
    call->setDoesNotReturn();
    return call;
  }

  static Value *asInt64(IRBuilder<> &b, Value *value) {
    if (value->getType()->isPointerTy())
      return b.CreatePtrToInt(value, b.getInt64Ty());
    return b.CreateZExtOrTrunc(value, b.getInt64Ty());
  }

  FunctionCallee service(StringRef name, Type *result, ArrayRef<Type *> extra,
                         bool readsClock) {
    return serviceFunction(module_, name, result, extra, readsClock);
  }

  Value *callService(IRBuilder<> &b, StringRef name, Type *result,
                     bool readsClock) {
    return b.CreateCall(service(name, result, {}, readsClock), {ctx_});
  }

  Value *lowerRegister(IRBuilder<> &b, StringRef sreg) {
    Type *i32 = b.getInt32Ty(), *i64 = b.getInt64Ty();
    if (sreg == "clock64")
      return callService(b, services::kClock64, i64, true);
    if (sreg == "clock")
      return b.CreateTrunc(callService(b, services::kClock64, i64, true), i32);
    if (sreg == "globaltimer")
      return callService(b, services::kGlobalTimer, i64, true);
    if (sreg == "smid")
      return callService(b, services::kSmid, i32, false);
    if (sreg == "nsmid")
      return callService(b, services::kNsmid, i32, false);
    if (sreg == "gridid")
      return callService(b, services::kGridId, i64, false);
    if (sreg.consume_front("envreg")) {
      unsigned index = 0;
      if (sreg.getAsInteger(10, index))
        return nullptr;
      return b.CreateCall(service(services::kEnvReg, i32, {i32}, false),
                          {ctx_, b.getInt32(index)});
    }
    if (sreg == "total_smem_size" || sreg == "aggr_smem_size")
      return sharedBytes(b);
    return nullptr;
  }

  /// Static shared bytes of the kernel plus this launch's dynamic bytes.
  Value *sharedBytes(IRBuilder<> &b) {
    StructType *ctxType = getLaunchContextType(context_);
    Value *dynamic = b.CreateLoad(
        b.getInt32Ty(), b.CreateStructGEP(ctxType, ctx_, LCDynamicSharedBytes));
    return b.CreateAdd(dynamic, b.getInt32(staticSharedBytes_));
  }

  Value *inSharedArena(IRBuilder<> &b, Value *pointer) {
    StructType *ctxType = getLaunchContextType(context_);
    Value *arena = b.CreateLoad(b.getPtrTy(),
                                b.CreateStructGEP(ctxType, ctx_, LCSharedArena));
    Value *address = b.CreatePtrToInt(pointer, b.getInt64Ty());
    Value *begin = b.CreatePtrToInt(arena, b.getInt64Ty());
    Value *size = b.CreateZExt(sharedBytes(b), b.getInt64Ty());
    // One unsigned comparison: address - begin < size.
    return b.CreateICmpULT(b.CreateSub(address, begin), size);
  }

  Value *onStack(IRBuilder<> &b, Value *pointer) {
    FunctionCallee isLocal =
        service(services::kIsLocal, b.getInt32Ty(), {b.getPtrTy()}, false);
    return b.CreateICmpNE(b.CreateCall(isLocal, {ctx_, pointer}), b.getInt32(0));
  }

  Value *inConstantVariable(IRBuilder<> &b, Value *pointer) {
    const DataLayout &layout = module_.getDataLayout();
    Value *address = b.CreatePtrToInt(pointer, b.getInt64Ty());
    Value *result = b.getFalse();
    for (GlobalVariable &global : module_.globals()) {
      if (global.getAddressSpace() != translate::ConstantAS)
        continue;
      uint64_t size = layout.getTypeAllocSize(global.getValueType());
      Value *begin = b.CreatePtrToInt(
          ConstantExpr::getAddrSpaceCast(&global, b.getPtrTy()), b.getInt64Ty());
      result = b.CreateOr(result, b.CreateICmpULT(b.CreateSub(address, begin),
                                                  b.getInt64(size)));
    }
    return result;
  }

  Value *lowerIsspacep(IRBuilder<> &b, StringRef space, Value *pointer) {
    if (space == "shared")
      return inSharedArena(b, pointer);
    if (space == "local")
      return onStack(b, pointer);
    if (space == "const")
      return inConstantVariable(b, pointer);
    if (space == "global")
      return b.CreateNot(b.CreateOr(inSharedArena(b, pointer), onStack(b, pointer)));
    return nullptr;
  }

  Module &module_;
  LLVMContext &context_;
  Value *ctx_;
  uint32_t staticSharedBytes_;
};

/// nvcc's grid.sync() polls a word whose address is %envreg1:%envreg2 with
/// ld.acquire until every block has arrived. Blocks of a cooperative launch
/// run on host threads of their own: after each atomic load through an
/// address computed from %envreg, the polling thread yields
/// (__cuport_spin_wait), so the blocks it waits for get the CPU.
void yieldWhilePollingGridBarrier(Function &function) {
  SmallPtrSet<Value *, 16> derived;
  SmallVector<Value *, 16> work;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<CallInst>(&inst))
      if (Function *callee = call->getCalledFunction();
          callee && callee->getName() == services::kEnvReg)
        work.push_back(call);
  std::vector<LoadInst *> polls;
  while (!work.empty()) {
    Value *value = work.pop_back_val();
    if (!derived.insert(value).second)
      continue;
    for (User *user : value->users()) {
      if (auto *load = dyn_cast<LoadInst>(user)) {
        if (load->getPointerOperand() == value &&
            (load->isAtomic() || load->isVolatile()))
          polls.push_back(load);
        continue;
      }
      auto *intrinsic = dyn_cast<IntrinsicInst>(user);
      if (isa<BinaryOperator, CastInst, GetElementPtrInst, PHINode, SelectInst>(user) ||
          (intrinsic && intrinsic->doesNotAccessMemory()))
        work.push_back(user);
    }
  }
  if (polls.empty())
    return;
  Module &module = *function.getParent();
  FunctionCallee wait = module.getOrInsertFunction(
      services::kSpinWait,
      FunctionType::get(Type::getVoidTy(module.getContext()),
                        {PointerType::get(module.getContext(), 0)}, false));
  for (LoadInst *load : polls)
    IRBuilder<>(load->getNextNode()).CreateCall(wait, {function.getArg(1)});
}

} // namespace

PreservedAnalyses LowerDeviceServicesPass::run(Module &module,
                                               ModuleAnalysisManager &) {
  bool changed = false;
  for (Function &function : module) {
    if (!function.hasFnAttribute(kBlockFunctionAttr) || function.isDeclaration())
      continue;
    uint32_t staticShared = 0;
    for (const translate::KernelDescriptor &kernel : kernels_)
      if (kernel.name == function.getName())
        staticShared = kernel.staticSharedBytes;
    ServiceLowering lowering(function, staticShared);
    std::vector<CallInst *> calls;
    for (Instruction &inst : instructions(function))
      if (auto *call = dyn_cast<CallInst>(&inst))
        if (Function *callee = call->getCalledFunction();
            callee && isServiceCall(callee->getName()))
          calls.push_back(call);
    for (CallInst *call : calls) {
      Value *replacement = lowering.lower(*call);
      if (!replacement)
        continue;
      if (!call->getType()->isVoidTy()) {
        // %gridid: a 64-bit service behind LLVM's 32-bit intrinsic.
        if (replacement->getType() != call->getType())
          replacement = IRBuilder<>(call).CreateZExtOrTrunc(replacement,
                                                            call->getType());
        call->replaceAllUsesWith(replacement);
      }
      call->eraseFromParent();
      changed = true;
    }
    yieldWhilePollingGridBarrier(function);
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace cuport::passes
