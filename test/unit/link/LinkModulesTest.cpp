//===- LinkModulesTest.cpp - Linking translation units --------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// translateAndLink: PTX of several translation units in, one NVVM-form
// module and the program's descriptors out. Checks how each PTX linkage
// resolves (.visible, .extern, internal, .weak, .common), that descriptors
// follow the linker (names, features reached in another unit, sizes), and
// that a missing or doubly defined symbol is an error naming it.
//
//===----------------------------------------------------------------------===//
#include "ptx/Parser.h"
#include "translate/LinkModules.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace cuport;
using namespace llvm;

namespace {

std::string readPtx(const std::string &name) {
  std::ifstream in(std::string(CUPORT_TEST_DATA_DIR) + "/ptx/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Parses the texts and links them; keeps everything alive for inspection.
struct Linked {
  std::vector<ptx::ParseResult> parsed;
  LLVMContext context;
  Expected<translate::TranslatedModule> result =
      createStringError(inconvertibleErrorCode(), "not run");

  explicit Linked(const std::vector<std::string> &texts) {
    parsed.reserve(texts.size());
    std::vector<const ptx::Module *> modules;
    std::vector<std::string> names;
    for (size_t i = 0; i < texts.size(); ++i) {
      parsed.push_back(ptx::parseModule(texts[i]));
      for (const auto &diagnostic : parsed.back().diagnostics)
        ADD_FAILURE() << diagnostic.format("unit" + std::to_string(i));
      modules.push_back(&*parsed.back().module);
      names.push_back("tu" + std::to_string(i) + ".ptx");
    }
    result = translate::translateAndLink(modules, names, context);
  }
  ~Linked() {
    if (!result)
      consumeError(result.takeError());
  }

  std::string error() {
    if (result)
      return "";
    std::string message = toString(result.takeError());
    result = createStringError(inconvertibleErrorCode(), "taken");
    return message;
  }
  Module &module() { return *result->module; }
  std::string ir() {
    std::string text;
    raw_string_ostream stream(text);
    result->module->print(stream, nullptr);
    return text;
  }
  const translate::GlobalDescriptor *global(StringRef name) {
    for (const auto &global : result->globals)
      if (global.name == name)
        return &global;
    return nullptr;
  }
  const translate::KernelDescriptor *kernel(StringRef name) {
    for (const auto &kernel : result->kernels)
      if (kernel.name == name)
        return &kernel;
    return nullptr;
  }
};

const char *kHeader = ".version 9.0\n.target sm_75\n.address_size 64\n";

std::string ptxUnit(const std::string &body) { return kHeader + body; }

} // namespace

TEST(LinkModules, NvccRdcUnitsResolveFunctionAndVariable) {
  Linked linked({readPtx("rdc_main.ptx"), readPtx("rdc_lib.ptx")});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  Module &module = linked.module();
  Function *addOne = module.getFunction("_Z6addOnei");
  ASSERT_NE(addOne, nullptr);
  EXPECT_FALSE(addOne->isDeclaration());
  GlobalVariable *table = module.getNamedGlobal("sharedTable");
  ASSERT_NE(table, nullptr);
  EXPECT_FALSE(table->isDeclaration());
  ASSERT_EQ(linked.result->kernels.size(), 1u);
  EXPECT_EQ(linked.result->kernels[0].name, "_Z9useExternPi");
  // The variable is listed once, defined, with its size.
  ASSERT_EQ(linked.result->globals.size(), 1u);
  EXPECT_EQ(linked.result->globals[0].name, "sharedTable");
  EXPECT_EQ(linked.result->globals[0].size, 32u);
  EXPECT_FALSE(linked.result->globals[0].isExternal);
  // No tag of the linker's bookkeeping is left.
  EXPECT_EQ(linked.ir().find("cuport.link"), std::string::npos);
}

TEST(LinkModules, OrderOfUnitsDoesNotMatter) {
  Linked linked({readPtx("rdc_lib.ptx"), readPtx("rdc_main.ptx")});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  EXPECT_FALSE(linked.module().getFunction("_Z6addOnei")->isDeclaration());
  EXPECT_NE(linked.kernel("_Z9useExternPi"), nullptr);
}

TEST(LinkModules, MissingFunctionDefinitionIsNamed) {
  Linked linked({readPtx("rdc_main.ptx")});
  std::string error = linked.error();
  EXPECT_NE(error.find("tu0.ptx: undefined device function '_Z6addOnei' "
                       "(addOne(int))"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("undefined device variable 'sharedTable'"),
            std::string::npos)
      << error;
}

TEST(LinkModules, InternalSymbolsOfTwoUnitsDoNotClash) {
  // Both units define an internal `helper` and an internal `counter`;
  // each kernel must keep its own.
  auto unit = [](const char *kernel, int value) {
    return ptxUnit(std::string(".global .align 4 .u32 counter = ") +
                   std::to_string(value) +
                   ";\n"
                   ".func (.param .b32 r) helper()\n{\n"
                   "  .reg .b32 %r<2>;\n"
                   "  ld.global.u32 %r1, [counter];\n"
                   "  st.param.b32 [r], %r1;\n  ret;\n}\n"
                   ".visible .entry " +
                   kernel +
                   "(.param .u64 out)\n{\n"
                   "  .reg .b32 %r<2>;\n  .reg .b64 %rd<2>;\n"
                   "  ld.param.u64 %rd1, [out];\n"
                   "  { .param .b32 ret0;\n"
                   "    call.uni (ret0), helper, ();\n"
                   "    ld.param.b32 %r1, [ret0]; }\n"
                   "  st.global.u32 [%rd1], %r1;\n  ret;\n}\n");
  };
  Linked linked({unit("first", 1), unit("second", 2)});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  Module &module = linked.module();
  // Two internal helpers and two internal counters; the linker renamed the
  // second of each (for NVPTX without a dot: "helper1").
  std::vector<Function *> helpers;
  for (Function &function : module)
    if (function.getName().starts_with("helper")) {
      EXPECT_TRUE(function.hasLocalLinkage());
      helpers.push_back(&function);
    }
  EXPECT_EQ(helpers.size(), 2u) << linked.ir();
  ASSERT_EQ(linked.result->globals.size(), 2u);
  for (const translate::GlobalDescriptor &global : linked.result->globals) {
    GlobalVariable *variable = module.getNamedGlobal(global.name);
    ASSERT_NE(variable, nullptr) << global.name;
    EXPECT_TRUE(variable->hasLocalLinkage());
  }
  // Each kernel reaches its own helper, which reads its own counter.
  auto counterOf = [&](StringRef kernel) -> uint64_t {
    for (Instruction &inst : instructions(*module.getFunction(kernel)))
      if (auto *call = dyn_cast<CallInst>(&inst))
        for (Instruction &calleeInst : instructions(*call->getCalledFunction()))
          if (auto *load = dyn_cast<LoadInst>(&calleeInst))
            if (auto *counter = dyn_cast<GlobalVariable>(load->getPointerOperand()))
              return cast<ConstantInt>(counter->getInitializer()->getAggregateElement(0u))
                  ->getZExtValue();
    return 0;
  };
  EXPECT_EQ(counterOf("first"), 1u);
  EXPECT_EQ(counterOf("second"), 2u);
  EXPECT_NE(linked.kernel("first"), nullptr);
  EXPECT_NE(linked.kernel("second"), nullptr);
}

TEST(LinkModules, TwoVisibleDefinitionsAreAnError) {
  std::string unit = ptxUnit(".visible .func f()\n{\n  ret;\n}\n");
  Linked linked({unit, unit});
  std::string error = linked.error();
  EXPECT_NE(error.find("cannot link tu1.ptx"), std::string::npos) << error;
  EXPECT_NE(error.find("'f'"), std::string::npos) << error;
}

TEST(LinkModules, WeakDefinitionYieldsToVisibleOne) {
  std::string weak = ptxUnit(".weak .global .align 4 .u32 value = 1;\n"
                             ".weak .func (.param .b32 r) pick()\n{\n"
                             "  st.param.b32 [r], 1;\n  ret;\n}\n");
  std::string strong = ptxUnit(".visible .global .align 4 .u32 value = 2;\n"
                               ".visible .func (.param .b32 r) pick()\n{\n"
                               "  st.param.b32 [r], 2;\n  ret;\n}\n");
  Linked linked({weak, strong});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  std::string ir = linked.ir();
  EXPECT_NE(ir.find("@value = addrspace(1) global [1 x i32] [i32 2]"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("store i32 2"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("store i32 1"), std::string::npos) << ir;
  ASSERT_EQ(linked.result->globals.size(), 1u);
}

TEST(LinkModules, WeakDuplicatesKeepTheFirst) {
  auto unit = [](int value) {
    return ptxUnit(".weak .func (.param .b32 r) pick()\n{\n"
                   "  st.param.b32 [r], " +
                   std::to_string(value) +
                   ";\n  ret;\n}\n"
                   ".weak .entry k(.param .u64 out)\n{\n  ret;\n}\n");
  };
  Linked linked({unit(7), unit(8)});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  std::string ir = linked.ir();
  EXPECT_NE(ir.find("store i32 7"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("store i32 8"), std::string::npos) << ir;
  // The template-like kernel defined in both units is one kernel.
  ASSERT_EQ(linked.result->kernels.size(), 1u);
  EXPECT_EQ(linked.result->kernels[0].name, "k");
}

TEST(LinkModules, CommonTakesTheLargestSize) {
  std::string small = ptxUnit(".common .global .align 8 .b8 buffer[16];\n");
  std::string large = ptxUnit(".common .global .align 8 .b8 buffer[64];\n");
  Linked linked({small, large});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  const translate::GlobalDescriptor *buffer = linked.global("buffer");
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->size, 64u);
  EXPECT_EQ(linked.result->globals.size(), 1u);
}

TEST(LinkModules, KernelFeaturesIncludeCalleesOfOtherUnits) {
  // The kernel calls a device function of another unit that uses static
  // shared memory and printf: the kernel's descriptor says so.
  std::string kernel = ptxUnit(
      ".extern .func callee();\n"
      ".visible .entry k()\n{\n  call.uni callee, ();\n  ret;\n}\n");
  std::string library = ptxUnit(
      ".extern .func (.param .b32 r) vprintf(.param .b64 f, .param .b64 a);\n"
      ".global .align 1 .b8 fmt[3] = {104, 105, 0};\n"
      ".shared .align 4 .b8 tile[128];\n"
      ".visible .func callee()\n{\n"
      "  .reg .b32 %r<2>;\n  .reg .b64 %rd<3>;\n"
      "  ld.shared.u32 %r1, [tile];\n"
      "  mov.u64 %rd1, fmt;\n  cvta.global.u64 %rd2, %rd1;\n"
      "  { .param .b64 p0; .param .b64 p1; .param .b32 r0;\n"
      "    st.param.b64 [p0], %rd2;\n    st.param.b64 [p1], 0;\n"
      "    call.uni (r0), vprintf, (p0, p1); }\n"
      "  ret;\n}\n");
  Linked linked({kernel, library});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  const translate::KernelDescriptor *k = linked.kernel("k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->staticSharedBytes, 128u);
  EXPECT_TRUE(k->features & translate::UsesPrintf);
  // vprintf is the device runtime's: left undefined without an error.
  EXPECT_TRUE(linked.module().getFunction("vprintf")->isDeclaration());
}

TEST(LinkModules, DynamicSharedMemoryIsNotAnUndefinedSymbol) {
  std::string unit = ptxUnit(
      ".extern .shared .align 16 .b8 dyn[];\n"
      ".visible .entry k()\n{\n  .reg .b32 %r<2>;\n"
      "  ld.shared.u32 %r1, [dyn];\n  ret;\n}\n");
  Linked linked({unit});
  ASSERT_TRUE(bool(linked.result)) << linked.error();
  EXPECT_TRUE(linked.kernel("k")->features & translate::UsesDynamicShared);
}

TEST(LinkModules, TranslationProblemsOfEveryUnitAreReported) {
  std::string bad = ptxUnit(".visible .entry k()\n{\n  frobnicate.b32;\n  ret;\n}\n");
  Linked linked({bad, bad});
  std::string error = linked.error();
  EXPECT_NE(error.find("tu0.ptx:6:3: unsupported instruction 'frobnicate.b32'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("tu1.ptx:6:3"), std::string::npos) << error;
}
