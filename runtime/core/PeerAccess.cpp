//===- core/PeerAccess.cpp - Which devices may access which peers ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/PeerAccess.h"

namespace cuport::rt {

PeerAccess &peerAccess() {
  static auto *access = new PeerAccess(); // never destroyed, like Runtime
  return *access;
}

bool PeerAccess::enable(int device, int peer) {
  std::lock_guard lock(mutex_);
  return enabled_.insert({device, peer}).second;
}

bool PeerAccess::disable(int device, int peer) {
  std::lock_guard lock(mutex_);
  return enabled_.erase({device, peer}) > 0;
}

bool PeerAccess::isEnabled(int device, int peer) const {
  std::lock_guard lock(mutex_);
  return enabled_.count({device, peer}) > 0;
}

void PeerAccess::resetDevice(int device) {
  std::lock_guard lock(mutex_);
  std::erase_if(enabled_, [&](const std::pair<int, int> &mapping) {
    return mapping.first == device || mapping.second == device;
  });
}

} // namespace cuport::rt
