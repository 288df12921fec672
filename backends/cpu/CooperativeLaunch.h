//===- cpu/CooperativeLaunch.h - Every block of a grid at once -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaLaunchCooperativeKernel on the CPU backend. An ordinary launch runs
// blocks in chunks on the worker pool, a block to completion before the
// next: blocks never wait for each other. A cooperative kernel may
// (cooperative_groups::this_grid().sync()), so here every block of the grid
// gets a host thread of its own, its own shared memory arena, and all run
// at once. The runtime has limited the grid to what the occupancy
// calculator says is co-resident (cudaErrorCooperativeLaunchTooLarge
// beyond), so the number of threads stays bounded.
//
// nvcc implements grid.sync() with a word in global memory whose address
// the kernel reads from %envreg1:%envreg2: after a block barrier, thread 0
// of each block adds to it (atom.add.release.gpu; block 0 adds so that the
// top bit flips when the last block arrives) and polls it with
// ld.acquire.gpu until the bit has flipped, then a block barrier again. The
// launch owns that word (zeroed, 8 bytes); DeviceServiceState::gridBarrier
// points at it and the %envreg service reads it. The lowering makes each
// poll yield the host thread (__cuport_spin_wait), which also leaves the
// block when another block has aborted the launch (assert, trap), so a
// failing grid never hangs at its barrier.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_COOPERATIVELAUNCH_H
#define CUPORT_CPU_COOPERATIVELAUNCH_H

#include "cuport/Backend.h"

namespace cuport::cpu {

class CpuKernel;
class DeviceOutput;

/// Runs the launch `params` of `kernel` (arguments packed in `args`) with
/// one host thread per block, all at once; returns when every block is
/// done, with the launch's status. Its printf output goes to `output`.
backend::Status runCooperativeLaunch(CpuKernel &kernel, const backend::LaunchParams &params,
                                     const void *args, DeviceOutput &output);

} // namespace cuport::cpu

#endif // CUPORT_CPU_COOPERATIVELAUNCH_H
