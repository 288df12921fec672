//===- ErrorNamesTest.cpp - Tests of cuport::errorName / errorString ------===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "ErrorNames.h"

#include "cuda_runtime_api.h"
#include "library_types.h"

#include <gtest/gtest.h>

#include <climits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Enumerator {
  std::string_view Name;
  int Value;
};

// Every enumerator of enum cudaError in cuport's driver_types.h, taken from
// the ABI test's list (which AbiTest checks against NVIDIA's headers).
std::vector<Enumerator> cudaErrorEnumerators() {
  std::vector<Enumerator> List;
#define CUPORT_ABI_ENUMERATOR(Enum, Name)                                      \
  if (std::string_view(#Enum) == "cudaError")                                  \
    List.push_back({#Name, static_cast<int>(Name)});
#include "AbiLayout.def"
  return List;
}

TEST(ErrorNamesTest, KnownPairs) {
  struct {
    int Code;
    const char *Name;
    const char *Message;
  } Known[] = {
      {cudaSuccess, "cudaSuccess", "no error"},
      {cudaErrorInvalidValue, "cudaErrorInvalidValue", "invalid argument"},
      {cudaErrorMemoryAllocation, "cudaErrorMemoryAllocation",
       "out of memory"},
      {cudaErrorInsufficientDriver, "cudaErrorInsufficientDriver",
       "CUDA driver version is insufficient for CUDA runtime version"},
      {cudaErrorNoDevice, "cudaErrorNoDevice",
       "no CUDA-capable device is detected"},
      {cudaErrorInvalidDeviceFunction, "cudaErrorInvalidDeviceFunction",
       "invalid device function"},
      {cudaErrorNotReady, "cudaErrorNotReady", "device not ready"},
      {cudaErrorIllegalAddress, "cudaErrorIllegalAddress",
       "an illegal memory access was encountered"},
      {cudaErrorNotSupported, "cudaErrorNotSupported",
       "operation not supported"},
      {cudaErrorUnknown, "cudaErrorUnknown", "unknown error"},
      {cudaErrorApiFailureBase, "cudaErrorApiFailureBase", "api failure base"},
  };
  for (const auto &K : Known) {
    EXPECT_STREQ(cuport::errorName(K.Code), K.Name) << K.Code;
    EXPECT_STREQ(cuport::errorString(K.Code), K.Message) << K.Code;
  }
}

TEST(ErrorNamesTest, EveryEnumeratorHasItsNameAndAMessage) {
  std::vector<Enumerator> All = cudaErrorEnumerators();
  EXPECT_EQ(All.size(), 134u) << "CUDA 13.0 has 134 error codes";
  for (const Enumerator &E : All) {
    EXPECT_EQ(cuport::errorName(E.Value), E.Name) << E.Value;
    std::string_view Message = cuport::errorString(E.Value);
    EXPECT_FALSE(Message.empty()) << E.Name;
    EXPECT_NE(Message, cuport::UnrecognizedErrorCode) << E.Name;
  }
}

TEST(ErrorNamesTest, TableIsTheEnum) {
  std::set<int> Codes;
  for (const Enumerator &E : cudaErrorEnumerators())
    Codes.insert(E.Value);

  int Previous = INT_MIN;
  for (const cuport::ErrorInfo &Info : cuport::errorTable()) {
    EXPECT_GT(Info.code, Previous) << "table not sorted at " << Info.name;
    Previous = Info.code;
    EXPECT_TRUE(Codes.count(Info.code)) << Info.name << " is not in the enum";
    std::string_view Name = Info.name;
    EXPECT_TRUE(Name == "cudaSuccess" || Name.starts_with("cudaError"))
        << Name;
    EXPECT_NE(Info.message, nullptr);
  }
  EXPECT_EQ(cuport::errorTable().size(), Codes.size());
}

// CUDA documents "unrecognized error code" for both functions.
TEST(ErrorNamesTest, UnknownCodes) {
  for (int Code : {-1, 10, 11, 33, 99, 998, 1000, 9999, 10001, INT_MAX,
                   INT_MIN}) {
    EXPECT_STREQ(cuport::errorName(Code), "unrecognized error code") << Code;
    EXPECT_STREQ(cuport::errorString(Code), "unrecognized error code") << Code;
  }
}

} // namespace
