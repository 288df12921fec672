//===- core/MemoryPool.h - Stream-ordered allocation and memory pools -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// CUDA's stream-ordered allocator (cudaMallocAsync / cudaFreeAsync) and its
// memory pools (cudaMemPool_t, a MemoryPool*).
//
// A pool holds blocks of device memory obtained from the backend. A block
// is in one of three states:
//   - live: handed out by cudaMallocAsync, recorded in the allocation table
//     (so memcpy validation and cudaPointerGetAttributes see it);
//   - pending: given back by cudaFreeAsync on a queue that has not reached
//     the free yet. Only a later allocation on the same queue may take it:
//     stream order puts that allocation's work after the free;
//   - free: the queue has reached the free (a host callback on the queue
//     moves the block). Another stream may take it when the pool allows
//     opportunistic reuse (cudaMemPoolReuseAllowOpportunistic).
// Memory is handed out at once (valid earlier than CUDA promises, which no
// correct program can tell apart). Because allocation happens when the
// call is made, a block freed on one stream is never handed to another
// stream before its free has run, so cudaMemPoolReuseFollowEventDependencies
// and cudaMemPoolReuseAllowInternalDependencies are kept and reported but
// never needed: CUDA may reuse more, never less safely. Free blocks stay reserved by the pool up
// to its release threshold; the rest goes back to the backend when a
// stream, event or the device is synchronized, as CUDA does, or on
// cudaMemPoolTrimTo.
//
// Each device has a default pool (created on first use) and a current
// pool (cudaDeviceSetMemPool). Pools are device-local
// (cudaMemLocationTypeDevice); no pool is IPC-capable, because the CPU
// backend's memory is private to the process (the device reports no
// supported handle type).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_MEMORYPOOL_H
#define CUPORT_RUNTIME_CORE_MEMORYPOOL_H

#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace cuport::rt {

struct Device;

class MemoryPool : public std::enable_shared_from_this<MemoryPool> {
public:
  MemoryPool(Device &device, const cudaMemPoolProps &props, bool isDefault);

  Device &device() const { return *device_; }
  bool isDefault() const { return isDefault_; }
  const cudaMemPoolProps &props() const { return props_; }

  /// A block of at least `bytes` for work on `queue`. cudaErrorMemoryAllocation
  /// when the backend (or the pool's maxSize) refuses.
  cudaError_t allocate(size_t bytes, backend::Queue *queue, void **out);
  /// True when `pointer` is a live block of this pool.
  bool owns(const void *pointer) const;
  /// Makes the live block `pointer` pending on `queue`; the caller then
  /// submits the callback that calls completeFree(ticket) on that queue.
  /// 0 when `pointer` is no longer live.
  uint64_t beginFree(void *pointer, backend::Queue *queue);
  /// The queue reached the free: a pending block becomes free.
  void completeFree(uint64_t ticket);
  /// Gives live block `pointer` back at once (cudaFree after the device was
  /// synchronized).
  void freeNow(void *pointer);

  /// Free blocks beyond the release threshold go back to the backend.
  void releaseAboveThreshold();
  /// cudaMemPoolTrimTo: free blocks go back until at most `keep` bytes stay
  /// reserved (live and pending blocks are never released).
  void trimTo(size_t keep);
  /// Releases every free and pending block and forgets the live ones (whose
  /// memory the caller frees through the allocation table): cudaDeviceReset.
  void abandon();
  /// True once no live or pending block remains.
  bool empty() const;

  cudaError_t setAttribute(cudaMemPoolAttr attr, const void *value);
  cudaError_t getAttribute(cudaMemPoolAttr attr, void *value) const;
  cudaError_t setAccess(const cudaMemAccessDesc &desc);
  cudaError_t getAccess(const cudaMemLocation &location,
                        cudaMemAccessFlags *flags) const;

private:
  struct Block {
    void *base = nullptr;
    size_t size = 0; ///< bytes reserved for it (rounded)
  };
  struct Pending {
    Block block;
    backend::Queue *queue = nullptr;
  };
  bool takeReusable(size_t bytes, backend::Queue *queue, Block *out);
  void releaseBlock(const Block &block);
  void recordUse(const Block &block, size_t requested, void *base);

  Device *device_;
  cudaMemPoolProps props_;
  bool isDefault_;

  mutable std::mutex mutex_;
  uint64_t releaseThreshold_ = 0;
  bool followEventDependencies_ = true;
  bool allowOpportunistic_ = true;
  bool allowInternalDependencies_ = true;
  uint64_t reservedCurrent_ = 0, reservedHigh_ = 0;
  uint64_t usedCurrent_ = 0, usedHigh_ = 0;
  std::unordered_map<const void *, Block> live_;
  std::map<uint64_t, Pending> pending_; ///< by ticket
  uint64_t nextTicket_ = 1;
  std::multimap<size_t, Block> free_;   ///< by size
  std::map<int, cudaMemAccessFlags> peerAccess_;
};

/// Every pool, and each device's default and current pool.
class MemoryPools {
public:
  /// cudaMemPoolCreate, props already validated.
  MemoryPool *create(Device &device, const cudaMemPoolProps &props);
  /// cudaMemPoolDestroy: the handle becomes invalid; the pool's memory goes
  /// when its last block is freed. A device whose current pool it was gets
  /// its default pool back.
  cudaError_t destroy(MemoryPool *pool);
  /// The live pool `handle` names, or nullptr.
  std::shared_ptr<MemoryPool> find(cudaMemPool_t handle) const;

  MemoryPool *defaultPool(Device &device);
  MemoryPool *currentPool(Device &device);
  void setCurrentPool(Device &device, MemoryPool *pool);

  /// The pool (live or destroyed) that owns live block `pointer`.
  std::shared_ptr<MemoryPool> owner(const void *pointer) const;
  /// Releases what every pool of `device` holds above its threshold (after a
  /// synchronization).
  void releaseAboveThreshold(const Device &device);
  /// cudaDeviceReset: forgets every pool of `device` (handles become
  /// invalid) after releasing their free memory.
  void resetDevice(const Device &device);

private:
  /// Drops destroyed pools that no longer hold blocks.
  void collectDestroyed();

  mutable std::mutex mutex_;
  std::unordered_map<const void *, std::shared_ptr<MemoryPool>> live_;
  std::vector<std::shared_ptr<MemoryPool>> destroyed_;
  std::map<int, MemoryPool *> default_, current_;
};

MemoryPools &memoryPools();

/// cudaMallocAsync / cudaMallocFromPoolAsync on `stream` (pool nullptr: the
/// stream's device's current pool).
cudaError_t mallocAsync(void **out, size_t bytes, MemoryPool *pool,
                        cudaStream_t stream);
/// cudaFreeAsync: memory from a pool returns to it when the stream reaches
/// the free; cudaMalloc memory is freed then.
cudaError_t freeAsync(void *pointer, cudaStream_t stream);
/// cudaFree of a pool block: true (and *error set) when `pointer` was one.
bool freePoolBlock(void *pointer, cudaError_t *error);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_MEMORYPOOL_H
