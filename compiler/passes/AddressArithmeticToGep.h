//===- passes/AddressArithmeticToGep.h - Integer addresses to GEPs -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// IN:  PTX keeps addresses in integer registers, so the translated IR forms
//      every address as `inttoptr (add base, offset)`; scalar evolution
//      does not look through inttoptr, and the loop vectorizer then sees
//      neither consecutive nor invariant addresses (gathers and scatters).
// OUT: each `inttoptr (add a, b)` becomes `getelementptr i8, (pointer of
//      a), b`, recursively, where the pointer of `a` is the pointer `a` was
//      made from (ptrtoint p) or `inttoptr a`. The address bits are the
//      same and no inbounds is claimed, so nothing is assumed that PTX's
//      wrapping integer arithmetic does not guarantee.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PASSES_ADDRESSARITHMETICTOGEP_H
#define CUPORT_PASSES_ADDRESSARITHMETICTOGEP_H

#include "llvm/IR/PassManager.h"

namespace cuport::passes {

class AddressArithmeticToGepPass
    : public llvm::PassInfoMixin<AddressArithmeticToGepPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function &function,
                              llvm::FunctionAnalysisManager &analyses);
};

} // namespace cuport::passes

#endif
