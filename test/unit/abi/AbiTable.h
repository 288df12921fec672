//===- AbiTable.h - Rows describing the CUDA runtime ABI --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The ABI test builds the same table twice from AbiLayout.def: once against
// cuport's CUDA headers (AbiCuport.cpp) and once against NVIDIA's
// (AbiNvidia.cpp, built only where those headers exist). This header is the
// only thing the two sides share; it includes neither set of CUDA headers.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_TEST_UNIT_ABI_ABITABLE_H
#define CUPORT_TEST_UNIT_ABI_ABITABLE_H

#include <string>
#include <vector>

namespace cuport::abi {

struct Row {
  // What the row describes, e.g. "field cudaDeviceProp.totalGlobalMem",
  // "enumerator cudaError::cudaErrorInvalidValue", "function cudaMalloc".
  std::string Key;
  // The numbers: "offset=288 size=8", "size=1008 align=8", "value=1".
  // Independent of the compiler, so they can also be checked against the
  // recorded values of AbiGolden.inc.
  std::string Layout;
  // The type as this compiler spells it (field, enum and function rows).
  // Comparable only between two tables built by the same compiler.
  std::string Type;
};

// The table of cuport's headers.
std::vector<Row> cuportRows();

// The table of NVIDIA's headers; defined only when CUPORT_HAVE_NVIDIA_HEADERS.
std::vector<Row> nvidiaRows();

} // namespace cuport::abi

#endif // CUPORT_TEST_UNIT_ABI_ABITABLE_H
