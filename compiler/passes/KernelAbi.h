//===- passes/KernelAbi.h - Kernels to block-function ABI ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  NVVM-form kernels (ptx_kernel calling convention) with their
//      parameters as LLVM arguments, device functions already inlined.
// OUT: for each kernel, a function of the same name with the C calling
//      convention and the signature `void (ptr args, ptr ctx)`
//      (passes/LaunchContext.h); parameters are loaded from the packed
//      argument buffer at the offsets of the kernel descriptor (byte-array
//      parameters become pointers into it); the launch-geometry special
//      registers (%ntid, %ctaid, %nctaid, %dynamic_smem_size, WARP_SZ) are
//      loads from ctx in the entry block. The per-thread registers (%tid,
//      %laneid, ...) are left for WorkItemLoops. The function carries the
//      attribute "cuport-block-function".
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_KERNELABI_H
#define CUPORT_PASSES_KERNELABI_H

#include "passes/LoweringDiagnostics.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/PassManager.h"

namespace llvm {
class StructType;
}

namespace cuport::passes {

inline constexpr const char *kBlockFunctionAttr = "cuport-block-function";

/// The IR type of cuport::LaunchContext.
llvm::StructType *getLaunchContextType(llvm::LLVMContext &context);

class KernelAbiPass : public llvm::PassInfoMixin<KernelAbiPass> {
public:
  KernelAbiPass(llvm::ArrayRef<translate::KernelDescriptor> kernels,
                LoweringDiagnostics &diagnostics)
      : kernels_(kernels), diagnostics_(diagnostics) {}
  llvm::PreservedAnalyses run(llvm::Module &module,
                              llvm::ModuleAnalysisManager &analyses);

private:
  llvm::ArrayRef<translate::KernelDescriptor> kernels_;
  LoweringDiagnostics &diagnostics_;
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_KERNELABI_H
