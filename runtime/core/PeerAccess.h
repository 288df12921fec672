//===- core/PeerAccess.h - Which devices may access which peers -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The peer mappings cudaDeviceEnablePeerAccess creates: (device, peer)
// pairs. Every device of a backend with unified host-addressable memory
// can reach every other device's memory, so a mapping changes nothing at
// run time; it is kept so that enabling twice, disabling what was never
// enabled and cudaDeviceReset follow CUDA's rules.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_PEERACCESS_H
#define CUPORT_RUNTIME_CORE_PEERACCESS_H

#include <mutex>
#include <set>
#include <utility>

namespace cuport::rt {

class PeerAccess {
public:
  /// False when `device` already had access to `peer`.
  bool enable(int device, int peer);
  /// False when `device` had no access to `peer`.
  bool disable(int device, int peer);
  bool isEnabled(int device, int peer) const;
  /// cudaDeviceReset of `device`: its context goes, and with it every
  /// mapping from or to it.
  void resetDevice(int device);

private:
  mutable std::mutex mutex_;
  std::set<std::pair<int, int>> enabled_;
};

PeerAccess &peerAccess();

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_PEERACCESS_H
