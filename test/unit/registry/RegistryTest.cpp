//===- RegistryTest.cpp - Tests of the CUDA Runtime API registry ----------===//
//
// Part of cuport. See LICENSE for license information.
//
//===----------------------------------------------------------------------===//
//
// The registry must name exactly what NVIDIA's libcudart.so.13 exports, the
// generated version script must export exactly that, and every NotSupported
// row must have a stub that reports itself and honours its return convention.
//
//===----------------------------------------------------------------------===//

#include "api/ApiRegistry.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <new>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace cuport::api;

namespace {
std::vector<std::string> gReported; // names passed to reportNotSupported

std::vector<std::string> readExportsList() {
  std::ifstream in(CUPORT_TEST_DATA_DIR "/cudart-13.0-exports.txt");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      names.push_back(line);
  return names;
}

std::vector<std::string> registryNames() {
  std::vector<std::string> names;
  for (const ApiEntry &e : allApis())
    names.emplace_back(e.name);
  return names;
}
} // namespace

// The runtime core defines this in libcudart; the test stands in for it.
int cuport::api::reportNotSupported(const char *name) {
  gReported.emplace_back(name);
  return kCudaErrorNotSupported;
}

TEST(Registry, MatchesNvidiaExportsList) {
  std::vector<std::string> expected = readExportsList();
  ASSERT_EQ(expected.size(), 422u) << "cannot read the exports list";
  // Same names, same order: the .def follows the list row for row.
  EXPECT_EQ(registryNames(), expected);
}

TEST(Registry, NoDuplicates) {
  std::vector<std::string> names = registryNames();
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
}

TEST(Registry, FindApi) {
  for (const ApiEntry &e : allApis())
    EXPECT_EQ(findApi(e.name), &e) << e.name;
  EXPECT_EQ(findApi(""), nullptr);
  EXPECT_EQ(findApi("cudaMal"), nullptr);
  EXPECT_EQ(findApi("cudaMallocX"), nullptr);
  EXPECT_EQ(findApi("cudaGetDeviceProperties_v2"), nullptr);
  EXPECT_EQ(findApi("zzz"), nullptr);
  const ApiEntry *malloc = findApi("cudaMalloc");
  ASSERT_NE(malloc, nullptr);
  EXPECT_EQ(malloc->section, Section::Memory);
}

TEST(Registry, SectionsAndStatusesAreValid) {
  std::set<Section> sections(allSections().begin(), allSections().end());
  EXPECT_EQ(sections.size(), allSections().size());
  for (Section s : allSections()) {
    EXPECT_STRNE(sectionName(s), "?");
    EXPECT_STRNE(sectionTitle(s), "?");
  }
  for (const ApiEntry &e : allApis()) {
    EXPECT_TRUE(sections.count(e.section)) << e.name;
    EXPECT_TRUE(e.status == Status::Implemented ||
                e.status == Status::Partial || e.status == Status::NotSupported)
        << e.name;
    EXPECT_STRNE(statusName(e.status), "?") << e.name;
  }
  EXPECT_STREQ(statusName(Status::NotSupported), "not-supported");
  EXPECT_STREQ(sectionName(Section::StreamOrderedAllocator),
               "StreamOrderedAllocator");
}

TEST(Registry, HooksAreInternal) {
  for (const ApiEntry &e : allApis()) {
    if (std::string_view(e.name).starts_with("__cuda")) {
      EXPECT_EQ(e.section, Section::Internal) << e.name;
    }
  }
}

TEST(Registry, VariantsShareTheirBaseSection) {
  for (const ApiEntry &e : allApis()) {
    std::string_view name = e.name;
    if (!name.ends_with("_ptsz") && !name.ends_with("_ptds"))
      continue;
    const ApiEntry *base = findApi(name.substr(0, name.size() - 5));
    ASSERT_NE(base, nullptr) << e.name;
    EXPECT_EQ(base->section, e.section) << e.name;
  }
}

TEST(Registry, ImplementedRowsNameTheirTest) {
  const std::regex testName("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+");
  for (const ApiEntry &e : allApis()) {
    std::string test = e.test;
    if (e.status == Status::NotSupported) {
      if (!test.empty()) {
        EXPECT_TRUE(std::regex_match(test, testName)) << e.name;
      }
      continue;
    }
    EXPECT_TRUE(std::regex_match(test, testName))
        << e.name << " is " << statusName(e.status) << " but names test '"
        << test << "'";
  }
}

TEST(Registry, NonErrorReturnsAreExports) {
  for (const ReturnConvention &c : kNonErrorReturns)
    EXPECT_NE(findApi(c.name), nullptr) << c.name;
  EXPECT_EQ(returnKindOf("cudaMalloc"), ReturnKind::Error);
  EXPECT_EQ(returnKindOf("cudaCreateChannelDesc"),
            ReturnKind::ChannelFormatDesc);
}

TEST(Registry, VersionScriptExportsEveryName) {
  std::ifstream in(CUPORT_CUDART_VERSION_SCRIPT);
  ASSERT_TRUE(in) << CUPORT_CUDART_VERSION_SCRIPT;
  std::stringstream text;
  text << in.rdbuf();
  std::string script = text.str();

  std::size_t node = script.find("libcudart.so.13 {");
  std::size_t global = script.find("global:");
  std::size_t local = script.find("local:");
  ASSERT_NE(node, std::string::npos);
  ASSERT_TRUE(node < global && global < local && local != std::string::npos);
  EXPECT_NE(script.find("*;", local), std::string::npos);

  std::vector<std::string> names;
  std::istringstream globals(script.substr(global + 7, local - global - 7));
  for (std::string word; globals >> word;) {
    ASSERT_EQ(word.back(), ';') << word;
    names.push_back(word.substr(0, word.size() - 1));
  }
  EXPECT_EQ(names, readExportsList());
}

// Every NotSupported row has an exported stub that reports its own name and
// fails the way its return type allows; no other row has one.
TEST(Registry, StubsReportAndFail) {
  for (const ApiEntry &e : allApis()) {
    void *sym = dlsym(RTLD_DEFAULT, e.name);
    if (e.status != Status::NotSupported) {
      EXPECT_EQ(sym, nullptr) << e.name << " is not a NotSupported row";
      continue;
    }
    ASSERT_NE(sym, nullptr) << "no stub for " << e.name;
    gReported.clear();
    switch (returnKindOf(e.name)) {
    case ReturnKind::Error:
      EXPECT_EQ(reinterpret_cast<int (*)()>(sym)(), 801) << e.name;
      break;
    case ReturnKind::Unsigned:
      EXPECT_EQ(reinterpret_cast<unsigned (*)()>(sym)(), 801u) << e.name;
      break;
    case ReturnKind::Char:
      EXPECT_EQ(reinterpret_cast<char (*)()>(sym)(), 0) << e.name;
      break;
    case ReturnKind::Void:
      reinterpret_cast<void (*)()>(sym)();
      break;
    case ReturnKind::Pointer:
      EXPECT_EQ(reinterpret_cast<void *(*)()>(sym)(), nullptr) << e.name;
      break;
    case ReturnKind::String:
      EXPECT_NE(reinterpret_cast<const char *(*)()>(sym)(), nullptr) << e.name;
      break;
    case ReturnKind::ChannelFormatDesc: {
      // Guaranteed copy elision: the caller passes `storage` itself as the
      // hidden return pointer, so the stub must write all 20 bytes there.
      alignas(ChannelFormatDescAbi) unsigned char
          storage[sizeof(ChannelFormatDescAbi)];
      std::memset(storage, 0xff, sizeof storage);
      auto fn = reinterpret_cast<ChannelFormatDescAbi (*)()>(sym);
      new (storage) ChannelFormatDescAbi(fn());
      EXPECT_TRUE(std::all_of(std::begin(storage), std::end(storage),
                              [](unsigned char b) { return b == 0; }))
          << e.name;
      break;
    }
    }
    EXPECT_EQ(gReported, std::vector<std::string>{e.name});
  }
}
