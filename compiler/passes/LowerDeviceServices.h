//===- passes/LowerDeviceServices.h - Registers needing the backend -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  block functions from KernelAbi that still read special registers the
//      launch context does not hold, call llvm.nvvm.nanosleep, ask
//      llvm.nvvm.isspacep.*, or call vprintf, __assertfail or llvm.trap.
// OUT: - %clock64, %clock (its low 32 bits), %globaltimer, %smid, %nsmid,
//        %gridid and nanosleep: calls of the device services
//        (passes/DeviceServices.h) with ctx as first argument;
//      - vprintf(format, args), __assertfail(...) and llvm.trap: calls of
//        the printf, assert and trap services; the last two never return
//        (the backend aborts the launch) and assert also passes the
//        thread's %tid, which WorkItemLoops resolves later;
//      - %envreg0..31: 0 (driver-defined registers; no driver defines them
//        on the CPU);
//      - %total_smem_size, %aggr_smem_size: the kernel's static shared
//        bytes plus ctx->dynamicSharedBytes;
//      - isspacep.shared: the address lies in the block's part of the
//        worker's shared arena [sharedArena, sharedArena + static +
//        dynamic); isspacep.local: the address is on the running thread's
//        stack (a service); isspacep.const: the address lies in one of the
//        module's __constant__ variables; isspacep.global: neither shared
//        nor local (as on NVIDIA hardware, constant memory is inside the
//        global window).
// Thread-position registers (%tid, %laneid, %lanemask_*, ...) are left for
// WorkItemLoops.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_LOWERDEVICESERVICES_H
#define CUPORT_PASSES_LOWERDEVICESERVICES_H

#include "passes/LoweringDiagnostics.h"
#include "translate/PtxToNvvm.h"

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class LowerDeviceServicesPass
    : public llvm::PassInfoMixin<LowerDeviceServicesPass> {
public:
  explicit LowerDeviceServicesPass(
      llvm::ArrayRef<translate::KernelDescriptor> kernels)
      : kernels_(kernels) {}
  llvm::PreservedAnalyses run(llvm::Module &module,
                              llvm::ModuleAnalysisManager &analyses);

private:
  llvm::ArrayRef<translate::KernelDescriptor> kernels_;
};

} // namespace cuport::passes

#endif // CUPORT_PASSES_LOWERDEVICESERVICES_H
