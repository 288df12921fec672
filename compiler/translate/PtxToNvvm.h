//===- translate/PtxToNvvm.h - PTX syntax tree to NVVM IR ------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Translates a parsed PTX module into an LLVM module in NVVM form: the IR
// Clang emits for nvptx64-nvidia-cuda (DESIGN.md §1):
//   - kernels use the ptx_kernel calling convention; device functions are
//     ordinary functions;
//   - special registers are calls to llvm.nvvm.read.ptx.sreg.*;
//   - variables live in address spaces 1 (global), 3 (shared), 4 (constant),
//     5 (local); generic pointers are address space 0;
//   - PTX registers become SSA values (via allocas that mem2reg removes).
// The translator knows nothing of PTX text; the parser knows nothing of LLVM.
//
// Alongside the module it returns one descriptor per kernel (parameter
// layout, static shared memory, feature flags) and the module's globals, the
// contract of DESIGN.md §3.2.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_PTXTONVVM_H
#define CUPORT_TRANSLATE_PTXTONVVM_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cuport::ptx {
struct Module;
}

namespace cuport::translate {

/// Address spaces of the NVVM form.
enum AddressSpace : unsigned {
  GenericAS = 0,
  GlobalAS = 1,
  SharedAS = 3,
  ConstantAS = 4,
  LocalAS = 5,
};

/// Feature bits of a kernel; the values equal backend::KernelFlags.
enum KernelFeature : uint32_t {
  UsesBarriers = 1u << 0,
  UsesWarpOps = 1u << 1,
  UsesAtomics = 1u << 2,
  UsesPrintf = 1u << 3,
  UsesAssert = 1u << 4,
  UsesDynamicShared = 1u << 5,
  UsesMalloc = 1u << 6,
};

struct ParamDescriptor {
  uint32_t offset = 0; ///< in the packed argument buffer
  uint32_t size = 0;
  uint32_t align = 1;
  bool isAggregate = false; ///< `.param .b8 p[N]`: passed by pointer
};

struct KernelDescriptor {
  std::string name;
  std::vector<ParamDescriptor> params;
  uint32_t argBufferSize = 0;
  uint32_t staticSharedBytes = 0;
  uint32_t maxThreadsPerBlock = 0; ///< from .maxntid / .reqntid; 0 if none
  uint32_t features = 0;           ///< KernelFeature bits
};

struct GlobalDescriptor {
  std::string name;
  unsigned addressSpace = GlobalAS;
  uint64_t size = 0;
  bool isExternal = false; ///< .extern: defined by another module
};

struct TranslatedModule {
  std::unique_ptr<llvm::Module> module;
  std::vector<KernelDescriptor> kernels;
  std::vector<GlobalDescriptor> globals;
  /// Feature bits (KernelFeature) of each function the module defines, for
  /// its own body only (callees not included). A linker uses them to derive
  /// the kernel descriptors again once calls across modules resolve.
  llvm::DenseMap<const llvm::Function *, uint32_t> functionFeatures;
};

/// One problem the translator found, at its PTX source position (the
/// position of the instruction, or of one of its operands).
struct TranslationProblem {
  uint32_t line = 0;   ///< 1-based; 0 = unknown
  uint32_t column = 0; ///< 1-based
  std::string message;
};

/// Translates `ptx` into a new module in `context`. Instructions the
/// translator does not implement make the translation fail; the error lists
/// each one with its source line ("name:line:col: unsupported instruction
/// 'foo.bar'").
/// When `problems` is given, every problem is also appended to it (the error
/// message shows only the first ones).
llvm::Expected<TranslatedModule>
translateToNvvm(const ptx::Module &ptx, llvm::LLVMContext &context,
                llvm::StringRef sourceName,
                std::vector<TranslationProblem> *problems = nullptr);

/// Derives what a kernel descriptor says about the code `kernel` reaches in
/// its module: the feature bits of every reached function (`featuresOf`),
/// UsesDynamicShared for a reached `.extern .shared` array, and the static
/// shared memory size. Sets `descriptor.features` and
/// `descriptor.staticSharedBytes`; the rest is left as it is.
void summarizeKernelUses(
    llvm::Function &kernel,
    llvm::function_ref<uint32_t(const llvm::Function *)> featuresOf,
    KernelDescriptor &descriptor);

/// Name of the NVVM special-register intrinsic family used by the
/// translator, e.g. "llvm.nvvm.read.ptx.sreg.tid.x".
inline constexpr const char *kSregPrefix = "llvm.nvvm.read.ptx.sreg.";

} // namespace cuport::translate

#endif // CUPORT_TRANSLATE_PTXTONVVM_H
