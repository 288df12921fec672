//===- core/AllocationTable.cpp - Which pointers the runtime owns ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/AllocationTable.h"

#include <algorithm>
#include <iterator>
#include <mutex>

namespace cuport::rt {

void AllocationTable::insert(const Allocation &allocation) {
  std::unique_lock lock(mutex_);
  byBase_[allocation.base] = allocation;
}

bool AllocationTable::insertIfFree(const Allocation &allocation) {
  std::unique_lock lock(mutex_);
  uintptr_t end = allocation.base + std::max<size_t>(allocation.size, 1);
  auto next = byBase_.lower_bound(allocation.base);
  if (next != byBase_.end() && next->first < end)
    return false;
  if (next != byBase_.begin()) {
    const Allocation &before = std::prev(next)->second;
    if (before.base + std::max<size_t>(before.size, 1) > allocation.base)
      return false;
  }
  byBase_[allocation.base] = allocation;
  return true;
}

bool AllocationTable::setFlags(const void *base, unsigned flags) {
  std::unique_lock lock(mutex_);
  auto it = byBase_.find(reinterpret_cast<uintptr_t>(base));
  if (it == byBase_.end())
    return false;
  it->second.flags = flags;
  return true;
}

std::optional<Allocation> AllocationTable::erase(const void *base) {
  std::unique_lock lock(mutex_);
  auto it = byBase_.find(reinterpret_cast<uintptr_t>(base));
  if (it == byBase_.end())
    return std::nullopt;
  Allocation allocation = it->second;
  byBase_.erase(it);
  return allocation;
}

std::optional<Allocation> AllocationTable::find(const void *pointer) const {
  uintptr_t address = reinterpret_cast<uintptr_t>(pointer);
  std::shared_lock lock(mutex_);
  auto it = byBase_.upper_bound(address);
  if (it == byBase_.begin())
    return std::nullopt;
  --it;
  const Allocation &candidate = it->second;
  // A zero-byte allocation still owns its base address.
  if (address - candidate.base < std::max<size_t>(candidate.size, 1))
    return candidate;
  return std::nullopt;
}

bool AllocationTable::contains(const void *pointer, size_t bytes) const {
  std::optional<Allocation> allocation = find(pointer);
  if (!allocation)
    return false;
  uintptr_t offset = reinterpret_cast<uintptr_t>(pointer) - allocation->base;
  return bytes <= allocation->size - offset;
}

std::vector<Allocation> AllocationTable::takeAll(int device) {
  std::unique_lock lock(mutex_);
  std::vector<Allocation> taken;
  for (auto it = byBase_.begin(); it != byBase_.end();) {
    if (it->second.device == device) {
      taken.push_back(it->second);
      it = byBase_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

} // namespace cuport::rt
