//===- translate/SharedMemoryLayout.cpp - Where shared variables live -----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "translate/SharedMemoryLayout.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace llvm;

namespace cuport::translate {

SharedMemoryLayout
layOutSharedMemory(const SmallPtrSetImpl<GlobalVariable *> &used,
                   const DataLayout &layout) {
  SharedMemoryLayout result;
  if (used.empty())
    return result;
  // The module's order makes the layout independent of set iteration.
  Module *module = (*used.begin())->getParent();
  std::vector<GlobalVariable *> statics;
  for (GlobalVariable &global : module->globals()) {
    if (!used.contains(&global))
      continue;
    if (global.isDeclaration())
      result.usesDynamic = true;
    else
      statics.push_back(&global);
  }
  auto alignOf = [&](GlobalVariable *global) {
    return global->getAlign().value_or(layout.getABITypeAlign(global->getValueType()));
  };
  std::stable_sort(statics.begin(), statics.end(),
                   [&](GlobalVariable *a, GlobalVariable *b) {
                     return alignOf(a) > alignOf(b);
                   });
  uint64_t end = 0;
  for (GlobalVariable *global : statics) {
    uint64_t offset = alignTo(end, alignOf(global));
    result.offsets.push_back({global, offset});
    end = offset + layout.getTypeAllocSize(global->getValueType());
  }
  if (result.usesDynamic)
    end = alignTo(end, kDynamicSharedAlign);
  result.staticBytes = end;
  result.dynamicOffset = end;
  return result;
}

} // namespace cuport::translate
