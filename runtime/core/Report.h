//===- core/Report.h - Coverage report of a run ---------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// When the environment names a report file (CUPORT_REPORT=FILE, what
// `cuport run --report FILE` sets), libcudart counts, for the whole run:
//   - the calls of every API (one relaxed atomic counter per registry row,
//     indexed by the row's ApiId, no lookup by name);
//   - the calls that failed, per API and error name;
//   - the calls of not-supported entry points;
//   - the launches of every kernel and their total execution time (timed by
//     the backend queue, asked for through LaunchParams::executionNs).
// The report is written as JSON when the program ends: normal return,
// exit(), or a fatal signal (SIGSEGV, SIGABRT, ...: the handler writes it,
// then re-raises the signal with its default action). A short table goes to
// stderr at the same time.
//
// Without a report the only cost is one relaxed atomic load per API call
// (CUPORT_API_ENTRY) and per failed call (recordError).
//
// Every exported entry of runtime/entry/ starts with CUPORT_API_ENTRY(Name).
// Only the outermost entry of a call counts: a _ptsz variant that calls its
// base function is one call of the variant. recordError() attributes the
// error to that outermost call; a call counts one error at most (the last
// one recorded).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_REPORT_H
#define CUPORT_RUNTIME_CORE_REPORT_H

#include <cuda_runtime_api.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace cuport::rt {

struct KernelRecord;

/// The row of every API in runtime/api/CudartApi.def, by name.
enum class ApiId : uint16_t {
#define CUPORT_API(Name, Section, Status, Test) Name,
#include "api/CudartApi.def"
  Count
};

/// Launch statistics of one kernel (by mangled name); never freed, since
/// the backend adds execution times asynchronously.
struct KernelStats {
  std::string mangledName;
  std::atomic<uint64_t> launches{0};
  std::atomic<uint64_t> executionNs{0};
};

namespace report {

/// True when this run writes a report.
extern std::atomic<bool> enabled;

inline bool isEnabled() { return enabled.load(std::memory_order_relaxed); }

/// Counts an API call; see ApiScope.
void enterApi(ApiId id);
void leaveApi();
/// recordError()'s hook: the current outermost API call failed with `error`.
void noteError(cudaError_t error);
/// The name of the calling thread's current outermost API call, nullptr
/// when none.
const char *currentApiName();
/// A not-supported entry point named `name` was called.
void noteNotSupported(const char *name);
/// The statistics of the kernel whose mangled name is `mangledName`.
KernelStats &kernelStats(const std::string &mangledName);
/// The statistics of `record`'s kernel, looked up once and cached on the
/// record (direct launches and graph kernel nodes count alike).
KernelStats &kernelStats(KernelRecord &record);

/// Starts reporting into `path` (also called at load time from
/// CUPORT_REPORT): installs the exit and signal hooks. For tests.
void start(const std::string &path);
/// Writes the report now; `reason` is "exit" or a signal name. Only the
/// first call writes. Returns false when the file cannot be written.
bool write(const char *reason);

} // namespace report

/// Counts the API call it is declared in, when reporting.
class ApiScope {
public:
  explicit ApiScope(ApiId id) {
    if (report::isEnabled()) [[unlikely]] {
      entered_ = true;
      report::enterApi(id);
    }
  }
  ~ApiScope() {
    if (entered_) [[unlikely]]
      report::leaveApi();
  }
  ApiScope(const ApiScope &) = delete;
  ApiScope &operator=(const ApiScope &) = delete;

private:
  bool entered_ = false;
};

} // namespace cuport::rt

/// First statement of every exported API entry.
#define CUPORT_API_ENTRY(Name)                                                 \
  ::cuport::rt::ApiScope cuportApiScope_(::cuport::rt::ApiId::Name)

#endif // CUPORT_RUNTIME_CORE_REPORT_H
