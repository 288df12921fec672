//===- cli/PtxCommand.h - cuport ptx ---------------------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport ptx translate FILE.ptx... [--emit nvvm|cpu|descriptors] [-O N]
//       the NVVM-form IR of the PTX (several files: translation units of one
//       program, linked), the IR after the CPU lowering, or the descriptors;
//   cuport ptx scan FILE.ptx|BINARY...
//       every instruction form used, with its count and whether the
//       translator supports it. A BINARY's PTX is read from its fatbinaries
//       (.nv_fatbin and, for -rdc=true programs, __nv_relfatbin).
//       Exit status: 0 all supported, 1 some form unsupported, 2 an input
//       could not be read or parsed.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CLI_PTXCOMMAND_H
#define CUPORT_CLI_PTXCOMMAND_H

#include <CLI/CLI.hpp>

namespace cuport::cli {

/// Adds `ptx` with its subcommands to `app`; they run when parsed.
void addPtxCommand(CLI::App &app);

} // namespace cuport::cli

#endif // CUPORT_CLI_PTXCOMMAND_H
