//===- core/Report.cpp - Coverage report of a run -------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The counters behind CUPORT_API_ENTRY and the writer of the report (see
// Report.h). Writing from a signal handler is best effort: it allocates and
// takes no lock that may be held (try_lock, else the tables are read
// without it), which is what crash reporters commonly accept.
//
//===----------------------------------------------------------------------===//
#include "core/Report.h"

#include "api/ApiRegistry.h"
#include "core/ErrorNames.h"
#include "core/ModuleRegistry.h"
#include "cuport/Log.h"

#include <cxxabi.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace cuport::rt::report {

std::atomic<bool> enabled{false};

namespace {

constexpr size_t kApiCount = size_t(ApiId::Count);

struct Counters {
  std::array<std::atomic<uint64_t>, kApiCount> calls{};
  std::array<std::atomic<bool>, kApiCount> notSupported{};
  /// (API row, error) -> count; errors are rare, a map under a lock will do.
  std::mutex errorMutex;
  std::map<std::pair<size_t, int>, uint64_t> errors;
  std::mutex kernelMutex;
  std::unordered_map<std::string, std::unique_ptr<KernelStats>> kernels;
  std::string path;
  std::atomic<bool> written{false};
};

Counters &counters() {
  static auto *state = new Counters(); // never destroyed: used at exit
  return *state;
}

/// The outermost API call of this thread.
struct CallState {
  int depth = 0;
  size_t api = 0;
  cudaError_t error = cudaSuccess;
};
thread_local CallState callState;

void addError(size_t api, int error) {
  Counters &c = counters();
  std::lock_guard lock(c.errorMutex);
  ++c.errors[{api, error}];
}

std::string demangle(const std::string &mangled) {
  int status = 0;
  char *text = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !text)
    return mangled;
  std::string result = text;
  std::free(text);
  return result;
}

const char *signalName(int sig) {
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGABRT: return "SIGABRT";
  case SIGBUS: return "SIGBUS";
  case SIGFPE: return "SIGFPE";
  case SIGILL: return "SIGILL";
  case SIGTERM: return "SIGTERM";
  case SIGINT: return "SIGINT";
  default: return "signal";
  }
}

constexpr int kFatalSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
                                 SIGILL,  SIGTERM, SIGINT};

void onFatalSignal(int sig) {
  write(signalName(sig));
  // SA_RESETHAND restored the default action; SA_NODEFER lets it act now.
  std::raise(sig);
}

void onExit() { write("exit"); }

/// Locks `mutex` unless a signal handler would wait for it forever.
std::unique_lock<std::mutex> lockUnlessSignal(std::mutex &mutex,
                                              bool inSignal) {
  if (!inSignal)
    return std::unique_lock(mutex);
  std::unique_lock lock(mutex, std::try_to_lock);
  return lock;
}

struct ApiLine {
  size_t api;
  uint64_t calls;
  uint64_t errors;
};

nlohmann::json buildReport(const char *reason, std::vector<ApiLine> &lines,
                           std::vector<const KernelStats *> &kernels) {
  Counters &c = counters();
  bool inSignal = std::strcmp(reason, "exit") != 0;
  std::span<const api::ApiEntry> apis = api::allApis();
  std::map<size_t, std::map<std::string, uint64_t>> errorsByApi;
  std::map<std::string, uint64_t> errorTotals;
  {
    auto lock = lockUnlessSignal(c.errorMutex, inSignal);
    for (const auto &[key, count] : c.errors) {
      errorsByApi[key.first][errorName(key.second)] += count;
      errorTotals[errorName(key.second)] += count;
    }
  }
  nlohmann::json json;
  json["version"] = 1;
  json["termination"] = reason;
  char exe[4096];
  ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  json["program"] = length > 0 ? std::string(exe, size_t(length)) : "";
  nlohmann::json apiList = nlohmann::json::array();
  nlohmann::json notSupported = nlohmann::json::array();
  uint64_t totalCalls = 0, totalErrors = 0;
  for (size_t i = 0; i < kApiCount && i < apis.size(); ++i) {
    uint64_t calls = c.calls[i].load(std::memory_order_relaxed);
    if (calls == 0)
      continue;
    nlohmann::json entry;
    entry["name"] = apis[i].name;
    entry["section"] = api::sectionName(apis[i].section);
    entry["status"] = api::statusName(apis[i].status);
    entry["calls"] = calls;
    uint64_t errors = 0;
    nlohmann::json errorCounts = nlohmann::json::object();
    for (const auto &[name, count] : errorsByApi[i]) {
      errorCounts[name] = count;
      errors += count;
    }
    entry["errors"] = errorCounts;
    apiList.push_back(entry);
    if (c.notSupported[i].load(std::memory_order_relaxed))
      notSupported.push_back({{"name", apis[i].name}, {"calls", calls}});
    lines.push_back({i, calls, errors});
    totalCalls += calls;
    totalErrors += errors;
  }
  json["apis"] = apiList;
  json["errors"] = errorTotals;
  json["notSupported"] = notSupported;
  json["totals"] = {{"apis", lines.size()},
                    {"calls", totalCalls},
                    {"errors", totalErrors},
                    {"notSupportedApis", notSupported.size()}};
  nlohmann::json kernelList = nlohmann::json::array();
  {
    auto lock = lockUnlessSignal(c.kernelMutex, inSignal);
    for (const auto &[name, stats] : c.kernels)
      kernels.push_back(stats.get());
  }
  std::sort(kernels.begin(), kernels.end(),
            [](const KernelStats *a, const KernelStats *b) {
              return a->mangledName < b->mangledName;
            });
  for (const KernelStats *stats : kernels) {
    uint64_t ns = stats->executionNs.load(std::memory_order_relaxed);
    kernelList.push_back({{"name", demangle(stats->mangledName)},
                          {"mangledName", stats->mangledName},
                          {"launches", stats->launches.load()},
                          {"totalTimeNs", ns},
                          {"totalTimeMs", double(ns) / 1e6}});
  }
  json["kernels"] = kernelList;
  return json;
}

void printTable(const std::string &path, const char *reason,
                std::vector<ApiLine> lines,
                const std::vector<const KernelStats *> &kernels) {
  std::span<const api::ApiEntry> apis = api::allApis();
  std::sort(lines.begin(), lines.end(), [](const ApiLine &a, const ApiLine &b) {
    return a.calls != b.calls ? a.calls > b.calls : a.api < b.api;
  });
  std::fprintf(stderr, "cuport report (%s, %s):\n", reason, path.c_str());
  std::fprintf(stderr, "  %-40s %10s %8s\n", "API", "calls", "errors");
  constexpr size_t kMostLines = 20;
  for (size_t i = 0; i < lines.size(); ++i) {
    const ApiLine &line = lines[i];
    bool notSupported = apis[line.api].status == api::Status::NotSupported;
    // The busiest APIs, and every one that failed or is missing.
    if (i >= kMostLines && line.errors == 0 && !notSupported)
      continue;
    std::fprintf(stderr, "  %-40s %10llu %8llu%s\n", apis[line.api].name,
                 (unsigned long long)line.calls,
                 (unsigned long long)line.errors,
                 notSupported ? "  (not supported)" : "");
  }
  if (!kernels.empty())
    std::fprintf(stderr, "  %-40s %10s %12s\n", "kernel", "launches", "time ms");
  for (const KernelStats *stats : kernels) {
    std::string name = demangle(stats->mangledName);
    if (name.size() > 40)
      name = name.substr(0, 37) + "...";
    std::fprintf(stderr, "  %-40s %10llu %12.3f\n", name.c_str(),
                 (unsigned long long)stats->launches.load(),
                 double(stats->executionNs.load()) / 1e6);
  }
}

} // namespace

void enterApi(ApiId id) {
  CallState &state = callState;
  if (state.depth++ != 0)
    return; // an entry called by another entry: the outer one counts
  state.api = size_t(id);
  state.error = cudaSuccess;
  counters().calls[size_t(id)].fetch_add(1, std::memory_order_relaxed);
}

void leaveApi() {
  CallState &state = callState;
  if (--state.depth != 0 || state.error == cudaSuccess)
    return;
  addError(state.api, state.error);
  state.error = cudaSuccess;
}

void noteError(cudaError_t error) {
  CallState &state = callState;
  if (state.depth > 0)
    state.error = error;
}

const char *currentApiName() {
  const CallState &state = callState;
  return state.depth > 0 ? api::allApis()[state.api].name : nullptr;
}

void noteNotSupported(const char *name) {
  const api::ApiEntry *entry = api::findApi(name);
  if (!entry)
    return;
  size_t index = size_t(entry - api::allApis().data());
  if (index >= kApiCount)
    return;
  Counters &c = counters();
  c.calls[index].fetch_add(1, std::memory_order_relaxed);
  c.notSupported[index].store(true, std::memory_order_relaxed);
  addError(index, cudaErrorNotSupported);
}

KernelStats &kernelStats(const std::string &mangledName) {
  Counters &c = counters();
  std::lock_guard lock(c.kernelMutex);
  std::unique_ptr<KernelStats> &stats = c.kernels[mangledName];
  if (!stats) {
    stats = std::make_unique<KernelStats>();
    stats->mangledName = mangledName;
  }
  return *stats;
}

void start(const std::string &path) {
  Counters &c = counters();
  c.path = path;
  if (!path.empty() && path.front() != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)))
      c.path = std::string(cwd) + "/" + path;
  }
  c.written.store(false);
  if (enabled.exchange(true))
    return; // hooks already installed
  std::atexit(onExit);
  for (int sig : kFatalSignals) {
    struct sigaction action {};
    action.sa_handler = onFatalSignal;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, nullptr);
  }
}

bool write(const char *reason) {
  Counters &c = counters();
  if (!isEnabled() || c.written.exchange(true))
    return false;
  std::vector<ApiLine> lines;
  std::vector<const KernelStats *> kernels;
  nlohmann::json json = buildReport(reason, lines, kernels);
  std::string text =
      json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  bool ok = false;
  if (FILE *file = std::fopen(c.path.c_str(), "w")) {
    ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    ok = std::fclose(file) == 0 && ok;
  }
  if (!ok)
    std::fprintf(stderr, "cuport: cannot write the report %s: %s\n",
                 c.path.c_str(), std::strerror(errno));
  printTable(c.path, reason, std::move(lines), kernels);
  return ok;
}

namespace {

/// Starts reporting when the library loads, before the application's static
/// constructors register their fatbinaries.
__attribute__((constructor)) void startFromEnvironment() {
  const char *path = std::getenv("CUPORT_REPORT");
  if (path && *path)
    start(path);
}

} // namespace

KernelStats &kernelStats(KernelRecord &record) {
  KernelStats *stats = record.reportStats.load(std::memory_order_acquire);
  if (!stats) {
    stats = &kernelStats(record.deviceName);
    record.reportStats.store(stats, std::memory_order_release);
  }
  return *stats;
}

} // namespace cuport::rt::report
