//===- cpu/DeviceLaunch.cpp - Kernel launches from device code ------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "DeviceLaunch.h"

#include "CpuKernel.h"
#include "KernelCompiler.h"

#include <mutex>
#include <unordered_map>

namespace cuport::cpu {

namespace {

struct Directory {
  std::mutex mutex;
  std::unordered_map<const void *, CpuKernel *> kernels;
};

Directory &directory() {
  static Directory instance;
  return instance;
}

} // namespace

void KernelDirectory::add(const CpuModule &module) {
  Directory &dir = directory();
  std::lock_guard lock(dir.mutex);
  for (const auto &[name, kernel] : module.kernels)
    dir.kernels[reinterpret_cast<const void *>(kernel->entry())] = kernel.get();
}

void KernelDirectory::remove(const CpuModule &module) {
  Directory &dir = directory();
  std::lock_guard lock(dir.mutex);
  for (const auto &[name, kernel] : module.kernels)
    dir.kernels.erase(reinterpret_cast<const void *>(kernel->entry()));
}

CpuKernel *KernelDirectory::find(const void *entry) {
  Directory &dir = directory();
  std::lock_guard lock(dir.mutex);
  auto found = dir.kernels.find(entry);
  return found == dir.kernels.end() ? nullptr : found->second;
}

} // namespace cuport::cpu
