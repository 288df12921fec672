//===- tools/cuport-ptx.cpp - Inspect the PTX translation -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport-ptx FILE.ptx... [--emit=nvvm|cpu|descriptors] [-O N]
//
// Shows what cuport makes of PTX: the NVVM-form module the translator
// produces (nvvm), the module after the CPU lowering and optimisation (cpu),
// or the kernel descriptors (descriptors). Several files are translation
// units of one program (-rdc=true) and are linked. Used by the golden tests
// and by anyone bringing up a backend; the same as `cuport ptx translate`
// (both are tools/PtxTool.cpp). Problems go to stderr with file:line:col;
// the exit status is 1 then.
//
//===----------------------------------------------------------------------===//
#include "tools/PtxTool.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

using namespace llvm;
using cuport::tools::Emit;

static cl::list<std::string> inputPaths(cl::Positional, cl::desc("<file.ptx>..."),
                                        cl::OneOrMore);
static cl::opt<Emit> emit(
    "emit", cl::desc("what to print"), cl::init(Emit::Nvvm),
    cl::values(clEnumValN(Emit::Nvvm, "nvvm", "NVVM-form IR from the translator"),
               clEnumValN(Emit::Cpu, "cpu", "IR after the CPU lowering (O3)"),
               clEnumValN(Emit::Descriptors, "descriptors", "kernel descriptors")));
static cl::opt<unsigned> optLevel("O", cl::desc("optimisation level for --emit=cpu"),
                                  cl::init(3), cl::Prefix);

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "cuport PTX translation inspector\n");
  cuport::tools::TranslateOptions options;
  options.inputs.assign(inputPaths.begin(), inputPaths.end());
  options.emit = emit;
  options.optLevel = optLevel;
  return cuport::tools::translatePtxFiles(options, outs(), errs());
}
