//===- core/MemoryPool.cpp - Stream-ordered allocation and memory pools ---===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/MemoryPool.h"

#include "core/Graph.h"

#include "core/Runtime.h"
#include "core/Streams.h"

#include <algorithm>
#include <cstring>

namespace cuport::rt {

using backend::MemoryKind;
using backend::Status;

namespace {

constexpr size_t kBlockGranularity = 256; // cudaMalloc's alignment
/// A free block serves a request when it wastes at most half of itself.
constexpr size_t kMaxReuseWaste = 2;

size_t roundedSize(size_t bytes) {
  return (bytes + kBlockGranularity - 1) / kBlockGranularity * kBlockGranularity;
}

} // namespace

//===----------------------------------------------------------------------===//
// MemoryPool
//===----------------------------------------------------------------------===//

MemoryPool::MemoryPool(Device &device, const cudaMemPoolProps &props,
                       bool isDefault)
    : device_(&device), props_(props), isDefault_(isDefault) {}

MemoryPool::~MemoryPool() {
  if (isImported())
    device_->backend->closeImported(imported_.base);
}

void MemoryPool::adoptImported(void *pointer, size_t size) {
  std::lock_guard lock(mutex_);
  recordUse({pointer, roundedSize(size)}, size, pointer);
}

bool MemoryPool::takeReusable(size_t bytes, backend::Queue *queue, Block *out) {
  // Pending on the same queue: stream order already puts the new work after
  // the free.
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const Block &block = it->second.block;
    if (it->second.queue == queue && block.size >= bytes &&
        block.size <= bytes * kMaxReuseWaste) {
      *out = block;
      pending_.erase(it);
      return true;
    }
  }
  // Free: the free has completed; any stream may take it when the pool
  // allows opportunistic reuse. Without it, a block is only reused by
  // cudaMallocAsync on the queue that freed it, which we no longer know
  // once the free completed, so only fresh memory is used.
  if (!allowOpportunistic_)
    return false;
  auto it = free_.lower_bound(bytes);
  if (it == free_.end() || it->first > bytes * kMaxReuseWaste)
    return false;
  *out = it->second;
  free_.erase(it);
  return true;
}

void MemoryPool::recordUse(const Block &block, size_t requested, void *base) {
  live_[base] = block;
  usedCurrent_ += block.size;
  usedHigh_ = std::max(usedHigh_, usedCurrent_);
  Runtime::instance().allocations().insert(
      {reinterpret_cast<uintptr_t>(base), requested, MemoryKind::Device,
       device_->ordinal});
}

cudaError_t MemoryPool::allocate(size_t bytes, backend::Queue *queue, void **out) {
  if (isImported())
    return cudaErrorInvalidValue; // imported pools only import pointers
  size_t size = roundedSize(bytes);
  if (size < bytes)
    return cudaErrorMemoryAllocation;
  std::lock_guard lock(mutex_);
  Block block;
  if (!takeReusable(size, queue, &block)) {
    if (props_.maxSize && reservedCurrent_ + size > props_.maxSize)
      return cudaErrorMemoryAllocation;
    void *memory = nullptr;
    if (device_->backend->allocate(size, MemoryKind::Device, &memory) !=
        Status::Success)
      return cudaErrorMemoryAllocation;
    block = {memory, size};
    reservedCurrent_ += size;
    reservedHigh_ = std::max(reservedHigh_, reservedCurrent_);
  }
  recordUse(block, bytes, block.base);
  *out = block.base;
  return cudaSuccess;
}

bool MemoryPool::owns(const void *pointer) const {
  std::lock_guard lock(mutex_);
  return live_.count(pointer) > 0;
}

uint64_t MemoryPool::beginFree(void *pointer, backend::Queue *queue) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(pointer);
  if (it == live_.end())
    return 0; // freed meanwhile by another thread
  Block block = it->second;
  live_.erase(it);
  usedCurrent_ -= block.size;
  Runtime::instance().allocations().erase(pointer);
  uint64_t ticket = nextTicket_++;
  if (!isImported()) // an imported pointer is simply forgotten
    pending_[ticket] = {block, queue};
  return ticket;
}

void MemoryPool::completeFree(uint64_t ticket) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(ticket);
  if (it == pending_.end())
    return; // already taken again by the same queue
  free_.emplace(it->second.block.size, it->second.block);
  pending_.erase(it);
}

void MemoryPool::freeNow(void *pointer) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(pointer);
  if (it == live_.end())
    return;
  Block block = it->second;
  live_.erase(it);
  usedCurrent_ -= block.size;
  Runtime::instance().allocations().erase(pointer);
  if (!isImported())
    free_.emplace(block.size, block);
}

void MemoryPool::releaseBlock(const Block &block) {
  device_->backend->release(block.base, MemoryKind::Device);
  reservedCurrent_ -= block.size;
}

void MemoryPool::releaseAboveThreshold() {
  std::lock_guard lock(mutex_);
  // Largest blocks first: the fewest releases reach the threshold.
  while (reservedCurrent_ > releaseThreshold_ && !free_.empty()) {
    auto last = std::prev(free_.end());
    releaseBlock(last->second);
    free_.erase(last);
  }
}

void MemoryPool::trimTo(size_t keep) {
  std::lock_guard lock(mutex_);
  while (reservedCurrent_ > keep && !free_.empty()) {
    auto last = std::prev(free_.end());
    releaseBlock(last->second);
    free_.erase(last);
  }
}

void MemoryPool::abandon() {
  std::lock_guard lock(mutex_);
  for (auto &[size, block] : free_)
    releaseBlock(block);
  for (auto &[ticket, pending] : pending_)
    releaseBlock(pending.block);
  free_.clear();
  pending_.clear();
  live_.clear(); // their memory is in the allocation table: the caller frees it
  reservedCurrent_ = usedCurrent_ = 0;
}

bool MemoryPool::empty() const {
  std::lock_guard lock(mutex_);
  return live_.empty() && pending_.empty();
}

cudaError_t MemoryPool::setAttribute(cudaMemPoolAttr attr, const void *value) {
  std::lock_guard lock(mutex_);
  int flag = 0;
  uint64_t number = 0;
  switch (attr) {
  case cudaMemPoolReuseFollowEventDependencies:
  case cudaMemPoolReuseAllowOpportunistic:
  case cudaMemPoolReuseAllowInternalDependencies:
    std::memcpy(&flag, value, sizeof flag);
    break;
  default:
    std::memcpy(&number, value, sizeof number);
    break;
  }
  switch (attr) {
  case cudaMemPoolReuseFollowEventDependencies:
    followEventDependencies_ = flag != 0;
    return cudaSuccess;
  case cudaMemPoolReuseAllowOpportunistic:
    allowOpportunistic_ = flag != 0;
    return cudaSuccess;
  case cudaMemPoolReuseAllowInternalDependencies:
    allowInternalDependencies_ = flag != 0;
    return cudaSuccess;
  case cudaMemPoolAttrReleaseThreshold:
    releaseThreshold_ = number;
    return cudaSuccess;
  // The high-water marks may only be reset (to the current value) by
  // setting 0; the current values are read-only.
  case cudaMemPoolAttrReservedMemHigh:
    if (number != 0)
      return cudaErrorInvalidValue;
    reservedHigh_ = reservedCurrent_;
    return cudaSuccess;
  case cudaMemPoolAttrUsedMemHigh:
    if (number != 0)
      return cudaErrorInvalidValue;
    usedHigh_ = usedCurrent_;
    return cudaSuccess;
  default:
    return cudaErrorInvalidValue;
  }
}

cudaError_t MemoryPool::getAttribute(cudaMemPoolAttr attr, void *value) const {
  std::lock_guard lock(mutex_);
  auto putFlag = [&](bool flag) {
    int number = flag ? 1 : 0;
    std::memcpy(value, &number, sizeof number);
    return cudaSuccess;
  };
  auto putNumber = [&](uint64_t number) {
    std::memcpy(value, &number, sizeof number);
    return cudaSuccess;
  };
  switch (attr) {
  case cudaMemPoolReuseFollowEventDependencies: return putFlag(followEventDependencies_);
  case cudaMemPoolReuseAllowOpportunistic: return putFlag(allowOpportunistic_);
  case cudaMemPoolReuseAllowInternalDependencies: return putFlag(allowInternalDependencies_);
  case cudaMemPoolAttrReleaseThreshold: return putNumber(releaseThreshold_);
  case cudaMemPoolAttrReservedMemCurrent: return putNumber(reservedCurrent_);
  case cudaMemPoolAttrReservedMemHigh: return putNumber(reservedHigh_);
  case cudaMemPoolAttrUsedMemCurrent: return putNumber(usedCurrent_);
  case cudaMemPoolAttrUsedMemHigh: return putNumber(usedHigh_);
  }
  return cudaErrorInvalidValue;
}

cudaError_t MemoryPool::setAccess(const cudaMemAccessDesc &desc) {
  if (desc.location.type != cudaMemLocationTypeDevice)
    return cudaErrorInvalidValue;
  if (!Runtime::instance().device(desc.location.id))
    return cudaErrorInvalidDevice;
  switch (desc.flags) {
  case cudaMemAccessFlagsProtNone:
  case cudaMemAccessFlagsProtRead:
  case cudaMemAccessFlagsProtReadWrite:
    break;
  default:
    return cudaErrorInvalidValue;
  }
  // The owning device always has read-write access to its pool.
  if (desc.location.id == device_->ordinal)
    return desc.flags == cudaMemAccessFlagsProtReadWrite ? cudaSuccess
                                                         : cudaErrorInvalidValue;
  std::lock_guard lock(mutex_);
  peerAccess_[desc.location.id] = desc.flags;
  return cudaSuccess;
}

cudaError_t MemoryPool::getAccess(const cudaMemLocation &location,
                                  cudaMemAccessFlags *flags) const {
  if (location.type != cudaMemLocationTypeDevice)
    return cudaErrorInvalidValue;
  if (!Runtime::instance().device(location.id))
    return cudaErrorInvalidDevice;
  if (location.id == device_->ordinal) {
    *flags = cudaMemAccessFlagsProtReadWrite;
    return cudaSuccess;
  }
  std::lock_guard lock(mutex_);
  auto it = peerAccess_.find(location.id);
  *flags = it == peerAccess_.end() ? cudaMemAccessFlagsProtNone : it->second;
  return cudaSuccess;
}

//===----------------------------------------------------------------------===//
// MemoryPools
//===----------------------------------------------------------------------===//

MemoryPools &memoryPools() {
  static auto *pools = new MemoryPools(); // never destroyed, like Runtime
  return *pools;
}

MemoryPool *MemoryPools::create(Device &device, const cudaMemPoolProps &props) {
  auto pool = std::make_shared<MemoryPool>(device, props, /*isDefault=*/false);
  std::lock_guard lock(mutex_);
  live_[pool.get()] = pool;
  return pool.get();
}

cudaError_t MemoryPools::destroy(MemoryPool *pool) {
  std::shared_ptr<MemoryPool> owned;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(pool);
    if (it == live_.end())
      return cudaErrorInvalidValue;
    if (it->second->isDefault())
      return cudaErrorInvalidValue; // a device's default pool stays
    owned = it->second;
    live_.erase(it);
    int ordinal = owned->device().ordinal;
    if (current_[ordinal] == pool)
      current_[ordinal] = default_[ordinal];
    destroyed_.push_back(owned);
  }
  owned->trimTo(0);
  collectDestroyed();
  return cudaSuccess;
}

void MemoryPools::collectDestroyed() {
  std::lock_guard lock(mutex_);
  // A destroyed pool keeps nothing it does not have to: free blocks go at
  // once, the pool itself when its last block is freed.
  std::erase_if(destroyed_, [](const std::shared_ptr<MemoryPool> &pool) {
    pool->trimTo(0);
    return pool->empty();
  });
}

std::shared_ptr<MemoryPool> MemoryPools::find(cudaMemPool_t handle) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(handle);
  return it == live_.end() ? nullptr : it->second;
}

MemoryPool *MemoryPools::createImported(Device &device,
                                        const cudaMemPoolProps &props,
                                        const MemoryPool::Imported &imported) {
  auto pool = std::make_shared<MemoryPool>(device, props, /*isDefault=*/false);
  pool->imported_ = imported;
  std::lock_guard lock(mutex_);
  live_[pool.get()] = pool;
  return pool.get();
}

MemoryPool *MemoryPools::defaultPool(Device &device) {
  std::lock_guard lock(mutex_);
  MemoryPool *&pool = default_[device.ordinal];
  if (!pool) {
    cudaMemPoolProps props{};
    props.allocType = cudaMemAllocationTypePinned;
    props.handleTypes = cudaMemHandleTypeNone;
    props.location = {cudaMemLocationTypeDevice, device.ordinal};
    auto created = std::make_shared<MemoryPool>(device, props, /*isDefault=*/true);
    pool = created.get();
    live_[pool] = std::move(created);
  }
  return pool;
}

MemoryPool *MemoryPools::currentPool(Device &device) {
  MemoryPool *fallback = defaultPool(device);
  std::lock_guard lock(mutex_);
  MemoryPool *&current = current_[device.ordinal];
  if (!current)
    current = fallback;
  return current;
}

void MemoryPools::setCurrentPool(Device &device, MemoryPool *pool) {
  std::lock_guard lock(mutex_);
  current_[device.ordinal] = pool;
}

std::shared_ptr<MemoryPool> MemoryPools::owner(const void *pointer) const {
  std::lock_guard lock(mutex_);
  for (const auto &[handle, pool] : live_)
    if (pool->owns(pointer))
      return pool;
  for (const auto &pool : destroyed_)
    if (pool->owns(pointer))
      return pool;
  return nullptr;
}

void MemoryPools::releaseAboveThreshold(const Device &device) {
  std::vector<std::shared_ptr<MemoryPool>> pools;
  {
    std::lock_guard lock(mutex_);
    for (const auto &[handle, pool] : live_)
      if (&pool->device() == &device)
        pools.push_back(pool);
  }
  for (const auto &pool : pools)
    pool->releaseAboveThreshold();
  collectDestroyed();
}

void MemoryPools::resetDevice(const Device &device) {
  std::vector<std::shared_ptr<MemoryPool>> pools;
  {
    std::lock_guard lock(mutex_);
    for (auto it = live_.begin(); it != live_.end();) {
      if (&it->second->device() == &device) {
        pools.push_back(it->second);
        it = live_.erase(it);
      } else {
        ++it;
      }
    }
    std::erase_if(destroyed_, [&](const std::shared_ptr<MemoryPool> &pool) {
      if (&pool->device() != &device)
        return false;
      pools.push_back(pool);
      return true;
    });
    default_.erase(device.ordinal);
    current_.erase(device.ordinal);
  }
  for (const auto &pool : pools)
    pool->abandon();
}

//===----------------------------------------------------------------------===//
// cudaMallocAsync / cudaFreeAsync
//===----------------------------------------------------------------------===//

cudaError_t mallocAsync(void **out, size_t bytes, MemoryPool *pool,
                        cudaStream_t stream) {
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.device->sticky != cudaSuccess)
    return target.device->sticky;
  if (!pool)
    pool = memoryPools().currentPool(*target.device);
  if (target.capture) // a memory allocation node, as in CUDA
    return captureMemAlloc(target, bytes, pool->device().ordinal, out);
  return pool->allocate(bytes, target.queue, out);
}

namespace {

struct CompleteFree {
  std::shared_ptr<MemoryPool> pool;
  uint64_t ticket;
};

struct ReleaseAllocation {
  Device *device;
  void *pointer;
};

} // namespace

cudaError_t freeAsync(void *pointer, cudaStream_t stream) {
  StreamTarget target;
  if (cudaError_t error = resolveStreamForCapture(stream, &target))
    return error;
  if (target.capture) // a memory free node
    return captureMemFree(target, pointer);
  if (cudaError_t error = orderSubmission(target))
    return error;
  if (std::shared_ptr<MemoryPool> pool = memoryPools().owner(pointer)) {
    uint64_t ticket = pool->beginFree(pointer, target.queue);
    if (ticket == 0)
      return cudaErrorInvalidValue;
    auto *closure = new CompleteFree{pool, ticket};
    return toCudaError(target.queue->hostCallback(
        [](void *data) {
          std::unique_ptr<CompleteFree> closure(static_cast<CompleteFree *>(data));
          closure->pool->completeFree(closure->ticket);
        },
        closure));
  }
  // Memory of a graph's allocation node: freed as cudaFree frees it.
  if (cudaError_t result; freeGraphAllocation(pointer, &result))
    return result;
  // cudaMalloc memory: freed when the stream reaches the free.
  std::optional<Allocation> allocation =
      Runtime::instance().allocations().find(pointer);
  if (!allocation || allocation->base != reinterpret_cast<uintptr_t>(pointer) ||
      allocation->kind != MemoryKind::Device || allocation->isSymbol)
    return cudaErrorInvalidValue;
  Device *owner = Runtime::instance().device(allocation->device);
  if (!owner)
    return cudaErrorInvalidValue;
  Runtime::instance().allocations().erase(pointer);
  auto *closure = new ReleaseAllocation{owner, pointer};
  return toCudaError(target.queue->hostCallback(
      [](void *data) {
        std::unique_ptr<ReleaseAllocation> closure(
            static_cast<ReleaseAllocation *>(data));
        closure->device->backend->release(closure->pointer, MemoryKind::Device);
      },
      closure));
}

bool freePoolBlock(void *pointer, cudaError_t *error) {
  std::shared_ptr<MemoryPool> pool = memoryPools().owner(pointer);
  if (!pool)
    return false;
  // cudaFree synchronizes: nothing still uses the block afterwards.
  *error = pool->device().synchronize();
  pool->freeNow(pointer);
  pool->releaseAboveThreshold();
  return true;
}

} // namespace cuport::rt
