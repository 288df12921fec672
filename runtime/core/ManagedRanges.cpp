//===- core/ManagedRanges.cpp - Advice and prefetches of memory ranges ----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/ManagedRanges.h"

#include <iterator>

namespace cuport::rt {

ManagedRanges &managedRanges() {
  static ManagedRanges *ranges = new ManagedRanges(); // lives as long as Runtime
  return *ranges;
}

void ManagedRanges::splitAt(uintptr_t at) {
  auto it = segments_.upper_bound(at);
  if (it == segments_.begin())
    return;
  --it;
  if (it->first == at || it->second.end <= at)
    return;
  Segment tail = it->second;
  it->second.end = at;
  segments_.emplace(at, tail);
}

void ManagedRanges::update(uintptr_t begin, uintptr_t end,
                           const std::function<void(RangeState &)> &change) {
  if (begin >= end)
    return;
  std::lock_guard lock(mutex_);
  splitAt(begin);
  splitAt(end);
  // Fill the gaps with default segments, then change every segment inside.
  uintptr_t cursor = begin;
  auto it = segments_.lower_bound(begin);
  while (cursor < end) {
    if (it == segments_.end() || it->first >= end) {
      segments_.emplace(cursor, Segment{end, {}});
      break;
    }
    if (it->first > cursor)
      segments_.emplace(cursor, Segment{it->first, {}});
    cursor = it->second.end;
    ++it;
  }
  for (auto at = segments_.lower_bound(begin); at != segments_.end() && at->first < end;
       ++at)
    change(at->second.state);
}

std::vector<RangeState> ManagedRanges::states(uintptr_t begin, uintptr_t end) const {
  std::lock_guard lock(mutex_);
  std::vector<RangeState> result;
  uintptr_t cursor = begin;
  auto it = segments_.upper_bound(begin);
  if (it != segments_.begin() && std::prev(it)->second.end > begin)
    --it;
  for (; cursor < end && it != segments_.end() && it->first < end; ++it) {
    if (it->first > cursor)
      result.push_back({}); // a gap
    result.push_back(it->second.state);
    cursor = it->second.end;
  }
  if (cursor < end)
    result.push_back({});
  return result;
}

void ManagedRanges::forget(const void *base, size_t size) {
  auto begin = reinterpret_cast<uintptr_t>(base);
  uintptr_t end = begin + size;
  std::lock_guard lock(mutex_);
  splitAt(begin);
  splitAt(end);
  segments_.erase(segments_.lower_bound(begin), segments_.lower_bound(end));
}

} // namespace cuport::rt
