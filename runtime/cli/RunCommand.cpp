//===- cli/RunCommand.cpp - cuport run ------------------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// How the application is bound to cuport's libcudart.so.13 even when the
// loader would find NVIDIA's (in the ld.so cache, through LD_LIBRARY_PATH
// or through an RPATH/RUNPATH baked into the binary): cuport's library is
// preloaded (LD_PRELOAD). The dynamic loader then already holds an object
// whose SONAME is libcudart.so.13 when it resolves the application's
// DT_NEEDED entry, and uses it instead of searching; RPATH never comes into
// play. The process is then replaced by the application (execv), so its
// stdin, stdout, stderr, arguments and exit status are its own.
//
//===----------------------------------------------------------------------===//
#include "RunCommand.h"

#include "BinaryInspector.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

namespace cuport::cli {

namespace {

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Where libcudart.so.13 lives: ../lib relative to this executable.
std::string libraryDirectory() {
  char self[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0)
    return "";
  self[length] = '\0';
  return directoryOf(directoryOf(self)) + "/lib";
}

bool isExecutableFile(const std::string &path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

/// The program's path as execvp would find it.
std::string resolveProgram(const std::string &program) {
  if (program.find('/') != std::string::npos)
    return program;
  const char *path = std::getenv("PATH");
  std::string directories = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= directories.size()) {
    size_t end = directories.find(':', start);
    if (end == std::string::npos)
      end = directories.size();
    std::string directory = directories.substr(start, end - start);
    std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
    if (isExecutableFile(candidate))
      return candidate;
    start = end + 1;
  }
  return "";
}

void prependToVariable(const char *name, const std::string &value) {
  const char *old = std::getenv(name);
  std::string combined = value;
  if (old && *old)
    combined += std::string(":") + old;
  setenv(name, combined.c_str(), 1);
}

/// `path` made absolute against the current directory (the application may
/// change directory before it exits).
std::string absolutePath(const std::string &path) {
  if (path.empty() || path.front() == '/')
    return path;
  char cwd[PATH_MAX];
  return getcwd(cwd, sizeof(cwd)) ? std::string(cwd) + "/" + path : path;
}

/// Explains why cuport cannot run this binary; empty when it can.
std::string refusalFor(const std::string &program, const BinaryInfo &info) {
  switch (info.linkage) {
  case CudaLinkage::StaticCudart:
    return program +
           " was linked with the static CUDA runtime (nvcc's default, "
           "-cudart static). That runtime is compiled into the program and "
           "talks to NVIDIA's driver directly, so no libcudart.so.13 call "
           "ever reaches cuport.\nRebuild it with the shared runtime: "
           "`nvcc -cudart shared ...` (CMake: "
           "set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)).";
  case CudaLinkage::SharedOtherCudart:
    return program + " needs " + info.cudartNeeded +
           ", an older CUDA runtime. cuport provides the CUDA 13 runtime "
           "(libcudart.so.13); rebuild the program with CUDA 13.";
  default:
    return "";
  }
}

} // namespace

int runApplication(const RunOptions &options) {
  if (options.command.empty()) {
    std::fprintf(stderr, "cuport run: no program given\n");
    return 2;
  }
  std::string libdir = libraryDirectory();
  std::string cudart = libdir + "/libcudart.so.13";
  if (access(cudart.c_str(), R_OK) != 0) {
    std::fprintf(stderr, "cuport run: cannot find %s: %s\n", cudart.c_str(),
                 std::strerror(errno));
    return 2;
  }
  const std::string &program = options.command.front();
  std::string path = resolveProgram(program);
  if (path.empty() || !isExecutableFile(path)) {
    std::fprintf(stderr, "cuport run: %s: no such executable\n", program.c_str());
    return 127;
  }
  BinaryInfo info = inspectBinary(path);
  if (std::string refusal = refusalFor(program, info); !refusal.empty()) {
    std::fprintf(stderr, "cuport run: %s\n", refusal.c_str());
    return 2;
  }

  prependToVariable("LD_PRELOAD", cudart);
  prependToVariable("LD_LIBRARY_PATH", libdir);
  if (!options.backend.empty())
    setenv("CUPORT_BACKEND", options.backend.c_str(), 1);
  if (!options.report.empty())
    setenv("CUPORT_REPORT", absolutePath(options.report).c_str(), 1);

  std::vector<char *> argv;
  for (const std::string &argument : options.command)
    argv.push_back(const_cast<char *>(argument.c_str()));
  argv.push_back(nullptr);
  execv(path.c_str(), argv.data());
  std::fprintf(stderr, "cuport run: cannot execute %s: %s\n", path.c_str(),
               std::strerror(errno));
  return 126;
}

} // namespace cuport::cli
