//===- passes/SharedMemoryArena.h - Shared memory in the worker's arena -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  block functions from KernelAbi that use addrspace(3) globals (PTX
//      `.shared` variables, `.extern .shared` dynamic arrays), load, store
//      and atomically update memory through `ptr addrspace(3)` pointers and
//      cast between address space 3 and the generic space 0.
// OUT: no addrspace(3) global is used any more (unused ones are erased):
//      - each variable is a fixed offset in the worker's arena
//        ctx->sharedArena, laid out by translate/SharedMemoryLayout.h, the
//        layout KernelDescriptor::staticSharedBytes was computed with
//        (dynamic shared memory after the static part, 16-byte aligned);
//      - a `ptr addrspace(3)` value is an *offset* from the arena base, the
//        meaning PTX gives shared addresses (`mov.u32 %r, smem` is a 32-bit
//        offset, `ld.shared [%r]` reads at it): the variable becomes
//        `inttoptr (offset)`, address arithmetic, ptrtoint and inttoptr on
//        such pointers stay as they are;
//      - loads, stores, atomicrmw and cmpxchg through an addrspace(3)
//        pointer, and the memory intrinsics, access base + offset;
//      - addrspacecast 3 -> 0 (cvta.shared) adds the arena base,
//        0 -> 3 (cvta.to.shared) subtracts it.
// The arena base is loaded once, in the block function's entry block.
// A function other than a block function that still uses shared memory
// (not inlined: recursion, calls through pointers) is reported, naming it.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_SHAREDMEMORYARENA_H
#define CUPORT_PASSES_SHAREDMEMORYARENA_H

#include "passes/LoweringDiagnostics.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class SharedMemoryArenaPass : public llvm::PassInfoMixin<SharedMemoryArenaPass> {
public:
  SharedMemoryArenaPass(llvm::ArrayRef<translate::KernelDescriptor> kernels,
                        LoweringDiagnostics &diagnostics)
      : kernels_(kernels), diagnostics_(diagnostics) {}
  llvm::PreservedAnalyses run(llvm::Module &module,
                              llvm::ModuleAnalysisManager &analyses);

private:
  llvm::ArrayRef<translate::KernelDescriptor> kernels_;
  LoweringDiagnostics &diagnostics_;
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_SHAREDMEMORYARENA_H
