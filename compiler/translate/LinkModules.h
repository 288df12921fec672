//===- translate/LinkModules.h - Several PTX units, one module --*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A program built with relocatable device code (`nvcc -rdc=true`, CMake
// CUDA_SEPARABLE_COMPILATION) carries one PTX module per translation unit;
// they refer to each other through `.extern .func` / `.extern .global`
// declarations. This file turns them into what DESIGN.md §3.2 promises the
// backend: ONE linked NVVM-form module plus the kernel and global
// descriptors of the whole program.
//
// In: PTX syntax trees (or modules already translated into one context).
// Out: a TranslatedModule, as translateToNvvm returns for a single module.
//
// How symbols resolve (PTX linkage -> LLVM linkage, see PtxToNvvm.cpp):
//   - no directive (internal): internal linkage; two units may each have
//     their own symbol of the same name (the linker renames the second,
//     "name.1"), and neither sees the other's;
//   - `.visible`: external; a use in another unit binds to it; two
//     `.visible` definitions of one name are an error naming the symbol;
//   - `.extern`: a declaration, bound to the unit that defines the symbol;
//   - `.weak`: weak_any; a `.visible` definition wins, else the first unit's;
//   - `.common` (global variables): common; the largest size wins.
// A declaration no unit defines is an error naming the symbol, except the
// functions the device runtime provides (vprintf, __assertfail, malloc, free,
// the device-side `cuda*` API and cuport's own `__cuport_*` services:
// isDeviceRuntimeFunction) and `.extern .shared` arrays (dynamic shared
// memory).
//
// Descriptors are derived again after linking: a kernel's features and
// static shared memory include what it reaches in other units, and names
// are the linked ones.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_LINKMODULES_H
#define CUPORT_TRANSLATE_LINKMODULES_H

#include "translate/PtxToNvvm.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace cuport::translate {

/// Translates each PTX module (one per translation unit) into `context` and
/// links them into one module. `sourceNames[i]` names `modules[i]` in
/// messages (it may be shorter than `modules`; missing names become
/// "unit<i>.ptx"). Translation problems of every unit are reported together.
/// With one module, the result is translateToNvvm's, checked for undefined
/// symbols in the same way.
llvm::Expected<TranslatedModule>
translateAndLink(llvm::ArrayRef<const ptx::Module *> modules,
                 llvm::ArrayRef<std::string> sourceNames,
                 llvm::LLVMContext &context);

/// Links modules translated into one LLVMContext (translateToNvvm results)
/// into the first; the same rules as translateAndLink.
llvm::Expected<TranslatedModule>
linkTranslatedModules(std::vector<TranslatedModule> units,
                      llvm::ArrayRef<std::string> sourceNames);

/// Whether `name` is a function the device runtime provides when no unit
/// defines it: vprintf, __assertfail, malloc, free, the device-side CUDA
/// runtime API (cudaGetParameterBufferV2, cudaLaunchDeviceV2, ...) and
/// cuport's device services (__cuport_*).
bool isDeviceRuntimeFunction(llvm::StringRef name);

} // namespace cuport::translate

#endif // CUPORT_TRANSLATE_LINKMODULES_H
