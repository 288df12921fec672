//===- passes/CpuPipeline.cpp - NVVM-form IR to host-CPU IR ---------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "passes/CpuPipeline.h"

#include "passes/AddressArithmeticToGep.h"
#include "passes/BlockRangeLoop.h"
#include "passes/ImplicitWarpSync.h"
#include "passes/KernelAbi.h"
#include "passes/LockstepLoops.h"
#include "passes/LowerDeviceServices.h"
#include "passes/RematerializeThreadValues.h"
#include "passes/SharedMemoryArena.h"
#include "passes/UniformSlots.h"
#include "passes/WidenSyncScopes.h"
#include "passes/WorkItemLoops.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Mem2Reg.h"

#include <cstdlib>

using namespace llvm;

namespace cuport::passes {

namespace {

/// Every device function is inlined into its kernels (DESIGN.md §4.1.1).
/// The module holds every translation unit of the program (linked before
/// lowering), so no device function is needed from outside it: making them
/// internal lets the inliner delete the copies it fully inlined. (With
/// -rdc=true nvcc makes every device function .visible; a surviving copy
/// would still read %tid or call a barrier outside any thread loop.)
void markDeviceFunctionsInline(Module &module) {
  for (Function &function : module) {
    if (function.isDeclaration() ||
        function.getCallingConv() == CallingConv::PTX_Kernel)
      continue;
    function.setLinkage(GlobalValue::InternalLinkage);
    function.removeFnAttr(Attribute::NoInline);
    function.addFnAttr(Attribute::AlwaysInline);
  }
}

/// Names of NVVM intrinsics and device runtime functions that survived the
/// lowering, per function.
void reportLeftoverIntrinsics(Module &module, LoweringDiagnostics &diagnostics) {
  for (Function &function : module) {
    if (function.isDeclaration())
      continue;
    for (Instruction &inst : instructions(function))
      if (auto *call = dyn_cast<CallInst>(&inst))
        if (Function *callee = call->getCalledFunction()) {
          if (callee->getName().starts_with("llvm.nvvm.")) {
            diagnostics.error(function.getName(),
                              "'" + callee->getName() +
                                  "' has no CPU lowering yet");
            break;
          }
          // The device runtime of dynamic parallelism (libcudadevrt),
          // which cuport provides in part (LowerDeviceServices).
          if (callee->isDeclaration() && callee->getName().starts_with("__cudaCDP2")) {
            diagnostics.error(function.getName(),
                              "device runtime call '" + callee->getName() +
                                  "' is not supported: of the device runtime, cuport "
                                  "runs kernel launches from device code, streams and "
                                  "events, cudaGetLastError and cudaPeekAtLastError");
            break;
          }
        }
  }
}

/// The JIT finds module-scope variables by name (cudaMemcpyToSymbol):
/// give every defined global outside shared memory external linkage. The
/// host writes __constant__ variables too, so none may land in read-only
/// memory: constness holds for device code only.
void keepGlobalsAddressable(Module &module) {
  for (GlobalVariable &global : module.globals()) {
    if (global.isDeclaration() || global.getAddressSpace() == translate::SharedAS)
      continue;
    if (global.hasLocalLinkage())
      global.setLinkage(GlobalValue::ExternalLinkage);
    global.setConstant(false);
  }
}

/// CUPORT_DUMP_IR=<folder>: the module after the lowering (`stage`
/// "lowered", thread loops formed, before O3) and after O3 ("optimised"),
/// as <folder>/<module>.<stage>.ll, to see what the vectorizer received and
/// made of it.
void dumpIrIfAsked(const Module &module, StringRef stage) {
  const char *folder = std::getenv("CUPORT_DUMP_IR");
  if (!folder || !*folder)
    return;
  std::string name = module.getModuleIdentifier();
  for (char &c : name)
    if (!isAlnum(c) && c != '.' && c != '-' && c != '_')
      c = '_';
  if (name.empty())
    name = "module";
  std::error_code error;
  raw_fd_ostream out((Twine(folder) + "/" + name + "." + stage + ".ll").str(), error);
  if (!error)
    module.print(out, nullptr);
}

struct Analyses {
  LoopAnalysisManager loops;
  FunctionAnalysisManager functions;
  CGSCCAnalysisManager cgscc;
  ModuleAnalysisManager modules;
};

} // namespace

std::string pipelineSettings() {
  std::string settings = lockstepLoopsEnabled() ? "" : "lockstep-loops=0";
  if (const char *unroll = std::getenv("CUPORT_LOCKSTEP_UNROLL"))
    settings += std::string(settings.empty() ? "" : ",") + "lockstep-unroll=" + unroll;
  return settings;
}

Error lowerForCpu(Module &module, ArrayRef<translate::KernelDescriptor> kernels,
                  TargetMachine &target, const CpuPipelineOptions &options) {
  module.setTargetTriple(target.getTargetTriple().str());
  module.setDataLayout(target.createDataLayout());
  LoweringDiagnostics diagnostics;

  PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  PassBuilder builder(&target, tuning);
  Analyses am;
  builder.registerModuleAnalyses(am.modules);
  builder.registerCGSCCAnalyses(am.cgscc);
  builder.registerFunctionAnalyses(am.functions);
  builder.registerLoopAnalyses(am.loops);
  builder.crossRegisterProxies(am.loops, am.functions, am.cgscc, am.modules);

  // Normalise and inline.
  markDeviceFunctionsInline(module);
  keepGlobalsAddressable(module);
  {
    ModulePassManager normalise;
    FunctionPassManager promote;
    promote.addPass(SROAPass(SROAOptions::ModifyCFG));
    promote.addPass(PromotePass());
    normalise.addPass(createModuleToFunctionPassAdaptor(std::move(promote)));
    normalise.addPass(AlwaysInlinerPass());
    FunctionPassManager cleanup;
    cleanup.addPass(SROAPass(SROAOptions::ModifyCFG));
    cleanup.addPass(SimplifyCFGPass());
    normalise.addPass(createModuleToFunctionPassAdaptor(std::move(cleanup)));
    normalise.run(module, am.modules);
  }

  // Kernels to block functions with thread loops.
  {
    ModulePassManager lower;
    lower.addPass(KernelAbiPass(kernels, diagnostics));
    lower.addPass(LowerDeviceServicesPass(kernels));
    lower.addPass(createModuleToFunctionPassAdaptor(ImplicitWarpSyncPass()));
    lower.addPass(SharedMemoryArenaPass(kernels, diagnostics));
    lower.addPass(createModuleToFunctionPassAdaptor(LockstepLoopsPass()));
    lower.addPass(createModuleToFunctionPassAdaptor(RematerializeThreadValuesPass()));
    lower.addPass(createModuleToFunctionPassAdaptor(WorkItemLoopsPass(diagnostics)));
    lower.addPass(createModuleToFunctionPassAdaptor(UniformSlotsPass()));
    lower.addPass(createModuleToFunctionPassAdaptor(WidenSyncScopesPass()));
    lower.addPass(createModuleToFunctionPassAdaptor(AddressArithmeticToGepPass()));
    lower.addPass(BlockRangeLoopPass());
    lower.run(module, am.modules);
  }
  if (!diagnostics.empty())
    return diagnostics.takeError();
  reportLeftoverIntrinsics(module, diagnostics);
  if (!diagnostics.empty())
    return diagnostics.takeError();

  std::string message;
  raw_string_ostream stream(message);
  if (verifyModule(module, &stream))
    return createStringError(inconvertibleErrorCode(),
                             "internal error: CPU lowering produced invalid IR: %s",
                             message.c_str());

  dumpIrIfAsked(module, "lowered");
  OptimizationLevel level = options.optLevel >= 3   ? OptimizationLevel::O3
                            : options.optLevel == 2 ? OptimizationLevel::O2
                            : options.optLevel == 1 ? OptimizationLevel::O1
                                                    : OptimizationLevel::O0;
  ModulePassManager optimise = level == OptimizationLevel::O0
                                   ? builder.buildO0DefaultPipeline(level)
                                   : builder.buildPerModuleDefaultPipeline(level);
  optimise.run(module, am.modules);
  dumpIrIfAsked(module, "optimised");
  return Error::success();
}

} // namespace cuport::passes
