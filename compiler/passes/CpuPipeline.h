//===- passes/CpuPipeline.h - NVVM-form IR to host-CPU IR ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The CPU lowering recipe of DESIGN.md §4.1 as one function:
//   1. retarget the module to the host (triple, data layout);
//   2. normalise: SROA/mem2reg, inline every device function into its
//      kernels, simplify the CFG;
//   3. KernelAbi: kernels become block functions `void (ptr args, ptr ctx)`;
//   4. LockstepLoops: loops with a thread-dependent trip count run one
//      iteration at a time for all threads (a block-wide OR decides
//      whether another one runs); WorkItemLoops: the body loops over the
//      block's threads;
//   5. check that no NVVM intrinsic is left;
//   6. the O3 pipeline for the host target machine (vectorizes the
//      parallel thread loops).
// After it the module is ready for the JIT: each kernel's block function
// has the kernel's mangled name.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_CPUPIPELINE_H
#define CUPORT_PASSES_CPUPIPELINE_H

#include "translate/PtxToNvvm.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class TargetMachine;
}

namespace cuport::passes {

/// Version of the CPU lowering; part of the kernel cache key. Bump it on
/// any change that alters generated code.
inline constexpr unsigned kCpuPipelineVersion = 12;

struct CpuPipelineOptions {
  unsigned optLevel = 3;
};

/// The environment settings that change the generated code (today
/// CUPORT_LOCKSTEP_LOOPS), as text for the kernel cache key; empty when all
/// are at their defaults.
std::string pipelineSettings();

llvm::Error lowerForCpu(llvm::Module &module,
                        llvm::ArrayRef<translate::KernelDescriptor> kernels,
                        llvm::TargetMachine &target,
                        const CpuPipelineOptions &options = {});

} // namespace cuport::passes

#endif // CUPORT_PASSES_CPUPIPELINE_H
