//===- translate/SharedMemoryLayout.h - Where shared variables live -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one layout of a kernel's shared memory, used both by the kernel
// descriptor (KernelDescriptor::staticSharedBytes, from which the runtime
// sizes the per-worker arena) and by the CPU lowering
// (passes/SharedMemoryArena), so the two cannot disagree:
//
//   - the static `.shared` variables the kernel reaches, ordered by
//     decreasing alignment (ties: the order of the module's global list),
//     each at the next offset aligned to its alignment;
//   - every `.extern .shared` array (dynamic shared memory) starts at the
//     end of the static part rounded up to 16 bytes, the alignment CUDA
//     guarantees for it; a kernel using dynamic shared memory reports that
//     rounded size as its static size, so static + dynamic bytes cover it.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_SHAREDMEMORYLAYOUT_H
#define CUPORT_TRANSLATE_SHAREDMEMORYLAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace llvm {
class DataLayout;
class GlobalVariable;
} // namespace llvm

namespace cuport::translate {

/// Alignment of dynamic shared memory (`extern __shared__`) in CUDA.
inline constexpr uint64_t kDynamicSharedAlign = 16;

struct SharedMemoryLayout {
  /// Every static variable with its offset in the arena.
  std::vector<std::pair<llvm::GlobalVariable *, uint64_t>> offsets;
  bool usesDynamic = false;
  /// Bytes before dynamic shared memory (the descriptor's static size).
  uint64_t staticBytes = 0;
  /// Offset of dynamic shared memory (== staticBytes when it is used).
  uint64_t dynamicOffset = 0;
};

/// Lays out the address-space-3 variables in `used` (declarations are the
/// dynamic arrays). Deterministic: independent of the order of `used`.
SharedMemoryLayout
layOutSharedMemory(const llvm::SmallPtrSetImpl<llvm::GlobalVariable *> &used,
                   const llvm::DataLayout &layout);

} // namespace cuport::translate

#endif // CUPORT_TRANSLATE_SHAREDMEMORYLAYOUT_H
