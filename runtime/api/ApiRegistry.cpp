//===- ApiRegistry.cpp - The CUDA Runtime API registry --------------------===//
//
// Part of cuport. See LICENSE for license information.
//
//===----------------------------------------------------------------------===//
//
// The registry table, expanded from CudartApi.def at compile time. The
// invariants the rest of cuport relies on are checked here by static_assert,
// so a bad edit of the .def fails the build, not a run.
//
//===----------------------------------------------------------------------===//

#include "api/ApiRegistry.h"

#include <algorithm>
#include <iterator>

namespace cuport::api {
namespace {

constexpr ApiEntry kApis[] = {
#define CUPORT_API(Name, Sec, Stat, Test)                                      \
  {#Name, Section::Sec, Status::Stat, Test},
#include "CudartApi.def"
};

constexpr Section kSections[] = {
#define CUPORT_API_SECTION(Id, Title) Section::Id,
#include "CudartApi.def"
};

constexpr bool lessByName(const ApiEntry &a, const ApiEntry &b) {
  return std::string_view(a.name) < std::string_view(b.name);
}

constexpr bool isStrictlySorted() {
  for (std::size_t i = 1; i < std::size(kApis); ++i)
    if (!lessByName(kApis[i - 1], kApis[i]))
      return false;
  return true;
}

constexpr bool everyImplementedRowNamesATest() {
  for (const ApiEntry &e : kApis)
    if (e.status != Status::NotSupported && std::string_view(e.test).empty())
      return false;
  return true;
}

constexpr bool everyNonErrorReturnIsAnExport() {
  for (const ReturnConvention &c : kNonErrorReturns)
    if (!std::binary_search(std::begin(kApis), std::end(kApis),
                            ApiEntry{c.name.data(), {}, {}, ""}, lessByName))
      return false;
  return true;
}

static_assert(std::size(kApis) == 422,
              "libcudart.so.13 (CUDA 13.0) exports exactly 422 functions");
static_assert(isStrictlySorted(),
              "CudartApi.def rows must stay byte-wise sorted, each name once");
static_assert(everyImplementedRowNamesATest(),
              "an Implemented or Partial row must name its test");
static_assert(everyNonErrorReturnIsAnExport(),
              "kNonErrorReturns names a function that is not exported");

} // namespace

std::span<const ApiEntry> allApis() { return kApis; }

const ApiEntry *findApi(std::string_view name) {
  const ApiEntry *it = std::lower_bound(
      std::begin(kApis), std::end(kApis), name,
      [](const ApiEntry &e, std::string_view n) { return e.name < n; });
  if (it == std::end(kApis) || it->name != name)
    return nullptr;
  return it;
}

std::span<const Section> allSections() { return kSections; }

const char *sectionName(Section section) {
  switch (section) {
#define CUPORT_API_SECTION(Id, Title)                                          \
  case Section::Id:                                                            \
    return #Id;
#include "CudartApi.def"
  }
  return "?";
}

const char *sectionTitle(Section section) {
  switch (section) {
#define CUPORT_API_SECTION(Id, Title)                                          \
  case Section::Id:                                                            \
    return Title;
#include "CudartApi.def"
  }
  return "?";
}

const char *statusName(Status status) {
  switch (status) {
  case Status::Implemented:
    return "implemented";
  case Status::Partial:
    return "partial";
  case Status::NotSupported:
    return "not-supported";
  }
  return "?";
}

} // namespace cuport::api
