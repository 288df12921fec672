//===- cuport/Log.h - The one logger of cuport -----------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// stdout belongs to the application: cuport logs through spdlog to stderr
// only, through one logger named "cuport" shared by the runtime and the
// backend plugins. CUPORT_LOG selects the level: off, error (default),
// warn, info, debug, trace. At the default level a working program prints
// nothing; only failures that the application cannot see the reason of
// (a kernel that does not translate, a backend that does not load) are
// reported.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_LOG_H
#define CUPORT_LOG_H

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace cuport {

inline spdlog::level::level_enum logLevelFromEnvironment() {
  const char *value = std::getenv("CUPORT_LOG");
  if (!value || !*value)
    return spdlog::level::err;
  spdlog::level::level_enum level = spdlog::level::from_str(value);
  // from_str answers "off" for names it does not know; accept "error".
  if (level == spdlog::level::off && std::string_view(value) != "off")
    return spdlog::level::err;
  return level;
}

inline spdlog::logger &log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("cuport"))
      return existing;
    std::shared_ptr<spdlog::logger> created;
    try {
      created = spdlog::stderr_logger_mt("cuport");
    } catch (const spdlog::spdlog_ex &) {
      created = spdlog::get("cuport"); // another library registered it first
    }
    created->set_pattern("cuport[%l]: %v");
    created->set_level(logLevelFromEnvironment());
    created->flush_on(spdlog::level::trace);
    return created;
  }();
  return *logger;
}

} // namespace cuport

#endif // CUPORT_LOG_H
