//===- cli/BinaryInspector.h - What an application binary needs -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reads an executable without running it to tell how it reaches the CUDA
// runtime: through a shared libcudart.so.13 (cuport can take its place),
// through the static runtime nvcc links by default (it carries NVIDIA's
// runtime inside and talks to the driver directly: cuport cannot
// intercept it), or not at all.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CLI_BINARYINSPECTOR_H
#define CUPORT_CLI_BINARYINSPECTOR_H

#include <string>
#include <vector>

namespace cuport::cli {

enum class CudaLinkage {
  NotElf,        ///< a script or something else: run it as it is
  SharedCudart13,
  SharedOtherCudart, ///< libcudart.so.12 or older
  StaticCudart,  ///< embeds a fatbinary, imports no libcudart
  NoCuda,        ///< an ELF file with no trace of CUDA
};

struct BinaryInfo {
  CudaLinkage linkage = CudaLinkage::NotElf;
  std::vector<std::string> needed; ///< DT_NEEDED entries
  std::string cudartNeeded;        ///< the libcudart entry, if any
  bool hasFatbinSection = false;
  std::string error; ///< set when the file could not be read
};

BinaryInfo inspectBinary(const std::string &path);

/// One PTX entry embedded in a binary, decompressed.
struct EmbeddedPtx {
  std::string name; ///< "app:.nv_fatbin#0:compute_86" (section, fatbinary, arch)
  std::string text;
};

/// Whether the file starts like an ELF object.
bool isElfFile(const std::string &path);

/// Every PTX entry of the fatbinaries in the binary's .nv_fatbin and
/// __nv_relfatbin sections (the latter holds the PTX of each translation
/// unit of a -rdc=true program). Sets `error` when the file or a
/// fatbinary cannot be read.
std::vector<EmbeddedPtx> readEmbeddedPtx(const std::string &path,
                                         std::string &error);

} // namespace cuport::cli

#endif // CUPORT_CLI_BINARYINSPECTOR_H
