//===- core/ErrorLog.cpp - The runtime's error log -------------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "core/ErrorLog.h"

#include "core/ErrorNames.h"

#include <deque>
#include <list>
#include <mutex>

namespace cuport::rt::errorlog {

namespace {

struct Callback {
  cudaLogsCallback_t function;
  void *userData;
};

struct Log {
  std::mutex mutex;
  std::deque<std::string> lines; ///< lines[0] has number `first`
  uint32_t first = 0;
  size_t bytes = 0;
  std::list<Callback> callbacks; ///< stable addresses: the handles
};

Log &log() {
  static auto *state = new Log(); // never destroyed: used at exit
  return *state;
}

} // namespace

void append(cudaError_t error, const char *api) {
  std::string line = std::string("[cuport] ") + (api ? api : "CUDA runtime") +
                     " returned " + errorName(error) + ": " +
                     errorString(error) + "\n";
  std::vector<Callback> callbacks;
  {
    Log &state = log();
    std::lock_guard lock(state.mutex);
    state.bytes += line.size();
    state.lines.push_back(line);
    while (state.bytes > kCapacityBytes && state.lines.size() > 1) {
      state.bytes -= state.lines.front().size();
      state.lines.pop_front();
      ++state.first;
    }
    callbacks.assign(state.callbacks.begin(), state.callbacks.end());
  }
  // Outside the lock: a callback may call the runtime.
  for (const Callback &callback : callbacks)
    callback.function(callback.userData, cudaLogLevelError, line.data(),
                      line.size());
}

uint32_t end() {
  Log &state = log();
  std::lock_guard lock(state.mutex);
  return state.first + uint32_t(state.lines.size());
}

std::vector<std::string> read(const uint32_t *from, uint32_t *lost,
                              uint32_t *next) {
  Log &state = log();
  std::lock_guard lock(state.mutex);
  uint32_t start = from ? *from : state.first;
  *lost = start < state.first ? state.first - start : 0;
  std::vector<std::string> lines;
  uint32_t endNumber = state.first + uint32_t(state.lines.size());
  for (uint32_t number = std::max(start, state.first); number < endNumber; ++number)
    lines.push_back(state.lines[number - state.first]);
  *next = std::max(start, endNumber);
  return lines;
}

void *addCallback(cudaLogsCallback_t callback, void *userData) {
  Log &state = log();
  std::lock_guard lock(state.mutex);
  state.callbacks.push_back({callback, userData});
  return &state.callbacks.back();
}

bool removeCallback(void *handle) {
  Log &state = log();
  std::lock_guard lock(state.mutex);
  for (auto it = state.callbacks.begin(); it != state.callbacks.end(); ++it)
    if (&*it == handle) {
      state.callbacks.erase(it);
      return true;
    }
  return false;
}

} // namespace cuport::rt::errorlog
