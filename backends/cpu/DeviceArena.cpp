//===- cpu/DeviceArena.cpp - Shareable device memory of one CPU device ----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "DeviceArena.h"

#include "cuport/Log.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace cuport::cpu {

using backend::ExportedMemory;
using backend::Status;

namespace {

size_t pageSize() {
  static const size_t size = size_t(sysconf(_SC_PAGESIZE));
  return size;
}
size_t pageDown(size_t value) { return value / pageSize() * pageSize(); }
size_t pageUp(size_t value) { return pageDown(value + pageSize() - 1); }

} // namespace

//===----------------------------------------------------------------------===//
// The exporting side
//===----------------------------------------------------------------------===//

DeviceArena::~DeviceArena() {
  if (base_)
    munmap(base_, capacity_);
  if (fd_ >= 0)
    close(fd_);
}

bool DeviceArena::create(size_t capacity) {
  capacity = pageUp(capacity);
  int fd = memfd_create("cuport-device-memory", MFD_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat info;
  if (ftruncate(fd, off_t(capacity)) != 0 || fstat(fd, &info) != 0) {
    close(fd);
    return false;
  }
  void *base = mmap(nullptr, capacity, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (base == MAP_FAILED) {
    close(fd);
    return false;
  }
  // Huge pages where the system allows them for shared memory
  // (transparent_hugepage/shmem_enabled "advise"); a no-op otherwise.
  madvise(base, capacity, MADV_HUGEPAGE);
  fd_ = fd;
  inode_ = uint64_t(info.st_ino);
  base_ = static_cast<std::byte *>(base);
  capacity_ = capacity;
  freeByOffset_[kTableBytes] = capacity - kTableBytes;
  freeBySize_.insert({capacity - kTableBytes, kTableBytes});
  return true;
}

size_t DeviceArena::allocateRange(size_t size) {
  auto fit = freeBySize_.lower_bound({size, 0}); // best fit, lowest offset
  if (fit == freeBySize_.end())
    return 0;
  auto [rangeSize, offset] = *fit;
  freeBySize_.erase(fit);
  freeByOffset_.erase(offset);
  if (rangeSize > size) {
    freeByOffset_[offset + size] = rangeSize - size;
    freeBySize_.insert({rangeSize - size, offset + size});
  }
  return offset;
}

void DeviceArena::freeRange(size_t offset, size_t size) {
  size_t begin = offset, end = offset + size;
  auto next = freeByOffset_.lower_bound(begin);
  if (next != freeByOffset_.begin()) {
    auto previous = std::prev(next);
    if (previous->first + previous->second == begin) {
      begin = previous->first;
      freeBySize_.erase({previous->second, previous->first});
      freeByOffset_.erase(previous);
    }
  }
  if (next != freeByOffset_.end() && next->first == end) {
    end += next->second;
    freeBySize_.erase({next->second, next->first});
    freeByOffset_.erase(next);
  }
  freeByOffset_[begin] = end - begin;
  freeBySize_.insert({end - begin, begin});
  punchUnused(offset, size, begin, end);
}

void DeviceArena::punchUnused(size_t offset, size_t size, size_t freeBegin,
                              size_t freeEnd) {
  // Whole pages the freed block touched that no allocation uses any more.
  size_t begin = std::max(pageDown(offset), pageUp(freeBegin));
  size_t end = std::min(pageUp(offset + size), pageDown(freeEnd));
  if (end <= begin || end - begin < kPunchMinimum)
    return;
  if (fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(begin),
                off_t(end - begin)) != 0)
    log().debug("device memory: punching a hole failed: {}", std::strerror(errno));
}

void *DeviceArena::allocate(size_t bytes) {
  size_t size = (bytes + kUnit - 1) / kUnit * kUnit;
  if (size < bytes)
    return nullptr;
  size = std::max(size, kUnit);
  std::lock_guard lock(mutex_);
  size_t offset = allocateRange(size);
  if (offset == 0)
    return nullptr;
  live_[offset] = {size, 0};
  return base_ + offset;
}

bool DeviceArena::contains(const void *ptr) const {
  auto *byte = static_cast<const std::byte *>(ptr);
  return base_ && byte >= base_ && byte < base_ + capacity_;
}

size_t DeviceArena::release(void *ptr) {
  if (!contains(ptr))
    return 0;
  size_t offset = size_t(static_cast<std::byte *>(ptr) - base_);
  std::lock_guard lock(mutex_);
  auto it = live_.find(offset);
  if (it == live_.end())
    return 0;
  Live live = it->second;
  live_.erase(it);
  if (live.slot) {
    // Importers that open the handle from now on see it is stale.
    std::atomic_ref(slots()[live.slot].generation).store(0, std::memory_order_release);
    freeSlots_.push_back(live.slot);
  }
  freeRange(offset, live.size);
  return live.size;
}

Status DeviceArena::exportMemory(const void *ptr, ExportedMemory *out) {
  *out = {};
  out->process = getpid();
  out->fd = fd_;
  out->inode = inode_;
  if (!ptr) {
    out->size = capacity_;
    return Status::Success;
  }
  if (!contains(ptr))
    return Status::InvalidValue;
  size_t offset = size_t(static_cast<const std::byte *>(ptr) - base_);
  std::lock_guard lock(mutex_);
  auto it = live_.find(offset);
  if (it == live_.end())
    return Status::InvalidValue;
  Live &live = it->second;
  if (!live.slot) {
    if (!freeSlots_.empty()) {
      live.slot = freeSlots_.back();
      freeSlots_.pop_back();
    } else if (nextSlot_ < kTableBytes / sizeof(ExportSlot)) {
      live.slot = nextSlot_++;
    } else {
      return Status::OutOfMemory; // every slot is exported and live
    }
    ExportSlot &slot = slots()[live.slot];
    std::atomic_ref(slot.offset).store(offset, std::memory_order_relaxed);
    std::atomic_ref(slot.generation).store(nextGeneration_++, std::memory_order_release);
  }
  out->slot = live.slot;
  out->offset = offset;
  out->size = live.size;
  out->generation = std::atomic_ref(slots()[live.slot].generation).load();
  return Status::Success;
}

//===----------------------------------------------------------------------===//
// The importing side
//===----------------------------------------------------------------------===//

namespace {

struct Mapping {
  void *base;
  size_t length;
};

struct Imports {
  std::mutex mutex;
  std::unordered_map<void *, Mapping> byPointer;
};

Imports &imports() {
  static auto *all = new Imports();
  return *all;
}

/// Opens the exporter's file through /proc (the same user may).
int openExported(const ExportedMemory &memory) {
  std::string path = "/proc/" + std::to_string(memory.process) + "/fd/" +
                     std::to_string(memory.fd);
  return open(path.c_str(), O_RDWR | O_CLOEXEC);
}

/// NotFound when the slot no longer names the exported allocation.
Status checkSlot(int fd, const ExportedMemory &memory) {
  if (memory.slot == 0)
    return Status::Success;
  ExportSlot slot;
  off_t at = off_t(memory.slot) * off_t(sizeof slot);
  if (pread(fd, &slot, sizeof slot, at) != ssize_t(sizeof slot))
    return Status::NotFound;
  return slot.offset == memory.offset && slot.generation == memory.generation
             ? Status::Success
             : Status::NotFound;
}

Status mapExported(int fd, const ExportedMemory &memory, void **out) {
  struct stat info;
  if (fstat(fd, &info) != 0)
    return Status::NotFound;
  if (memory.inode && uint64_t(info.st_ino) != memory.inode)
    return Status::NotFound; // another file now: the exporter is gone
  if (memory.offset + memory.size > uint64_t(info.st_size))
    return Status::InvalidValue;
  if (Status status = checkSlot(fd, memory); status != Status::Success)
    return status;
  size_t begin = pageDown(memory.offset);
  size_t length = pageUp(memory.offset + memory.size) - begin;
  void *base = mmap(nullptr, length, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_NORESERVE, fd, off_t(begin));
  if (base == MAP_FAILED)
    return Status::Internal;
  void *pointer = static_cast<std::byte *>(base) + (memory.offset - begin);
  std::lock_guard lock(imports().mutex);
  imports().byPointer[pointer] = {base, length};
  *out = pointer;
  return Status::Success;
}

} // namespace

Status importMemory(const ExportedMemory &memory, void **out) {
  if (memory.process <= 0 || memory.fd < 0 || memory.size == 0 ||
      memory.offset + memory.size < memory.offset ||
      memory.slot >= DeviceArena::kTableBytes / sizeof(ExportSlot))
    return Status::InvalidValue;
  int fd = openExported(memory);
  if (fd < 0)
    return Status::NotFound;
  Status status = mapExported(fd, memory, out);
  close(fd); // the mapping keeps the file
  return status;
}

Status closeImport(void *ptr) {
  Mapping mapping;
  {
    std::lock_guard lock(imports().mutex);
    auto it = imports().byPointer.find(ptr);
    if (it == imports().byPointer.end())
      return Status::InvalidValue;
    mapping = it->second;
    imports().byPointer.erase(it);
  }
  munmap(mapping.base, mapping.length);
  return Status::Success;
}

} // namespace cuport::cpu
