//===- cli/Main.cpp - The cuport command -----------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
//   cuport run [--backend NAME] [--report FILE] [--] PROGRAM [ARGS...]
//       runs an unmodified nvcc-built program on cuport's runtime
//   cuport ptx translate FILE.ptx... | cuport ptx scan FILE.ptx|BINARY...
//       the translation of PTX, and which instruction forms it needs
//       (PtxCommand.h)
//
//===----------------------------------------------------------------------===//
#include "CoverageCommand.h"
#include "PtxCommand.h"
#include "RunCommand.h"

#include <CLI/CLI.hpp>

#include <string_view>

int main(int argc, char **argv) {
  CLI::App app{"cuport: run CUDA applications on any backend"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cuport 0.1.0 (CUDA runtime 13.0)");

  cuport::cli::RunOptions run;
  CLI::App *runCommand =
      app.add_subcommand("run", "Run an nvcc-built program (-cudart shared) on cuport");
  runCommand->add_option("--backend", run.backend,
                         "backend plugin to use (cpu, ...); default: "
                         "$CUPORT_BACKEND or cpu");
  runCommand->add_option("--report", run.report,
                         "write a JSON report of the run (API calls, errors, "
                         "unsupported calls, kernels and their time) to FILE "
                         "when the program ends; a summary goes to stderr");
  // Everything from the program name on belongs to the program.
  runCommand->prefix_command();
  cuport::cli::addPtxCommand(app);
  cuport::cli::addCoverageCommand(app);

  // `--` ends cuport's own options: what follows is the program, untouched
  // by the option parser (which would otherwise read the program's flags).
  int ownArgs = argc;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      ownArgs = i;
      break;
    }
  CLI11_PARSE(app, ownArgs, argv);
  if (runCommand->parsed()) {
    run.command = runCommand->remaining();
    for (int i = ownArgs + 1; i < argc; ++i)
      run.command.emplace_back(argv[i]);
    return cuport::cli::runApplication(run);
  }
  return 0;
}
