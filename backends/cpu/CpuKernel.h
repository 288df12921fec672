//===- cpu/CpuKernel.h - A compiled kernel ---------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_CPUKERNEL_H
#define CUPORT_CPU_CPUKERNEL_H

#include "cuport/Backend.h"
#include "passes/LaunchContext.h"

#include <string>
#include <vector>

namespace cuport::cpu {

class CpuKernel final : public backend::Kernel {
public:
  CpuKernel(std::string name, std::vector<backend::ParamLayout> params,
            backend::KernelInfo info, BlockFunction entry)
      : name_(std::move(name)), params_(std::move(params)), info_(info),
        entry_(entry) {
    info_.name = name_;
    info_.params = params_;
  }
  const backend::KernelInfo &info() const override { return info_; }
  BlockFunction entry() const { return entry_; }

private:
  std::string name_;
  std::vector<backend::ParamLayout> params_;
  backend::KernelInfo info_;
  BlockFunction entry_;
};

} // namespace cuport::cpu

#endif // CUPORT_CPU_CPUKERNEL_H
