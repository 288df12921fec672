//===- ParserOperandTest.cpp - Operands, declarations, special syntax -----===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Round trips: an instruction is parsed, printed back with toString() and
// compared with its canonical spelling, one per operand kind. Then the
// declarations and special forms of zoo.ptx (hand-written, accepted by
// ptxas) and of small inline snippets.
//
//===----------------------------------------------------------------------===//
#include "PtxTestUtil.h"

#include <bit>
#include <limits>

using namespace cuport::ptx;
using namespace cuport::ptx::test;

namespace {

/// Parses one instruction inside a kernel (with declarations before it).
Instruction parseOne(std::string_view instruction,
                     std::string_view declarations = "") {
  Module m = parseOk(
      kernelWith(std::string(declarations) + "\n" + std::string(instruction)));
  if (m.functions.size() != 1)
    return {};
  std::vector<const Instruction *> all = instructions(m.functions[0]);
  EXPECT_EQ(all.size(), 1u) << instruction;
  return all.empty() ? Instruction{} : *all.back();
}

void expectRoundTrip(std::string_view written, std::string_view canonical) {
  Instruction inst = parseOne(written);
  EXPECT_EQ(toString(inst), canonical) << "written: " << written;
}

void expectRoundTrip(std::string_view text) { expectRoundTrip(text, text); }

TEST(PtxOperands, Registers) {
  expectRoundTrip("add.s32 %r1, %r2, %r3;");
  expectRoundTrip("mov.u32 %r1, %tid.x;");
  expectRoundTrip("mov.u32 %r1, %ntid.y;");
  expectRoundTrip("mov.u32 %r1, %ctaid.z;");
  expectRoundTrip("mov.u32 %r1, %laneid;");
  Instruction tid = parseOne("mov.u32 %r1, %tid.w;");
  EXPECT_EQ(tid.operands[1].component, 3);
  Instruction rgba = parseOne("mov.u32 %r1, %v.g;");
  EXPECT_EQ(rgba.operands[1].component, 1);
}

TEST(PtxOperands, PredicatesAndGuards) {
  expectRoundTrip("setp.ne.s32 %p1|%p2, %r1, 0;");
  expectRoundTrip("@%p1 bra $L__BB0_2;");
  expectRoundTrip("@!%p1 bra.uni $L__BB0_2;");
  expectRoundTrip("setp.lt.and.s32 %p3, %r1, %r2, !%p1;");
  Instruction guarded = parseOne("@!%p7 ret;");
  ASSERT_TRUE(guarded.guard.has_value());
  EXPECT_TRUE(guarded.guard->negated);
  EXPECT_EQ(guarded.guard->predicate, "%p7");
  EXPECT_TRUE(guarded.operands.empty());
  Instruction negated = parseOne("selp.b32 %r1, %r2, %r3, !%p1;");
  EXPECT_TRUE(negated.operands[3].negated);
  EXPECT_EQ(negated.operands[3].kind, Operand::Kind::Register);
  Instruction pair = parseOne("shfl.sync.down.b32 %r2|%p1, %r1, 16, 31, -1;");
  EXPECT_EQ(pair.operands[0].name, "%r2");
  EXPECT_EQ(pair.operands[0].pairName, "%p1");
}

TEST(PtxOperands, Immediates) {
  expectRoundTrip("add.s32 %r1, %r2, 5;");
  expectRoundTrip("add.s32 %r1, %r2, -5;");
  expectRoundTrip("mov.u32 %r1, 0xFF;", "mov.u32 %r1, 255;");
  expectRoundTrip("mov.u32 %r1, 017;", "mov.u32 %r1, 15;");
  expectRoundTrip("mov.u32 %r1, 0b1010;", "mov.u32 %r1, 10;");
  expectRoundTrip("mov.u32 %r1, 42U;", "mov.u32 %r1, 42;");
  expectRoundTrip("add.s32 %r1, %r2, (2 * 3 + 1);", "add.s32 %r1, %r2, 7;");
  expectRoundTrip("add.s32 %r1, %r2, (1 << 4) | 3;", "add.s32 %r1, %r2, 19;");
  expectRoundTrip("add.s32 %r1, %r2, ~0;", "add.s32 %r1, %r2, -1;");
  expectRoundTrip("add.s32 %r1, %r2, 7 / 2 - 10 % 4;", "add.s32 %r1, %r2, 1;");

  Instruction big = parseOne("mov.u64 %rd1, 0xFFFFFFFFFFFFFFFF;");
  EXPECT_EQ(big.operands[1].intValue, ~uint64_t(0));
  EXPECT_FALSE(big.operands[1].isNegativeInt);
  Instruction minus = parseOne("mov.u32 %r1, -1;");
  EXPECT_EQ(minus.operands[1].intValue, ~uint64_t(0));
  EXPECT_TRUE(minus.operands[1].isNegativeInt);
  Instruction min = parseOne("mov.s64 %rd1, -9223372036854775808;");
  EXPECT_EQ(min.operands[1].intValue, uint64_t(1) << 63);
  EXPECT_TRUE(min.operands[1].isNegativeInt);
}

TEST(PtxOperands, FloatImmediates) {
  expectRoundTrip("mov.f32 %f1, 0f3F800000;");
  expectRoundTrip("mov.f64 %fd1, 0d3FF0000000000000;");
  Instruction f32 = parseOne("mov.f32 %f1, 0fBF800000;");
  EXPECT_EQ(f32.operands[1].kind, Operand::Kind::FloatImm);
  EXPECT_TRUE(f32.operands[1].isF32Bits);
  EXPECT_EQ(f32.operands[1].floatValue, -1.0);
  Instruction decimal = parseOne("mov.f64 %fd1, 0.5;");
  EXPECT_FALSE(decimal.operands[1].isF32Bits || decimal.operands[1].isF64Bits);
  EXPECT_EQ(decimal.operands[1].floatValue, 0.5);
  Instruction negative = parseOne("mov.f32 %f1, -0f3F800000;");
  EXPECT_EQ(negative.operands[1].intValue, 0xBF800000u);
  EXPECT_EQ(negative.operands[1].floatValue, -1.0);
  Instruction negativeD = parseOne("mov.f64 %fd1, -0d4000000000000000;");
  EXPECT_EQ(negativeD.operands[1].intValue, 0xC000000000000000u);
}

TEST(PtxOperands, Addresses) {
  expectRoundTrip("ld.global.u32 %r1, [%rd1];");
  expectRoundTrip("ld.global.u32 %r1, [%rd1+8];");
  expectRoundTrip("st.global.u32 [%rd1+-8], %r1;");
  expectRoundTrip("st.global.u32 [%rd1-8], %r1;",
                  "st.global.u32 [%rd1+-8], %r1;");
  expectRoundTrip("ld.const.u32 %r1, [sym];");
  expectRoundTrip("ld.const.u32 %r1, [sym+4];");
  expectRoundTrip("ld.local.u32 %r1, [8];");
  expectRoundTrip("ld.shared.u32 %r1, [%r2+4*4];",
                  "ld.shared.u32 %r1, [%r2+16];");
  expectRoundTrip("ld.shared.u32 %r1, [%r2-8+4];",
                  "ld.shared.u32 %r1, [%r2+-4];");

  Instruction reg = parseOne("ld.global.u32 %r1, [%rd1+8];");
  EXPECT_EQ(reg.operands[1].kind, Operand::Kind::Address);
  EXPECT_EQ(reg.operands[1].name, "%rd1");
  EXPECT_TRUE(reg.operands[1].addressIsRegister);
  EXPECT_EQ(reg.operands[1].offset, 8);
  Instruction symbol = parseOne("ld.param.u32 %r1, [k_param_0+4];");
  EXPECT_FALSE(symbol.operands[1].addressIsRegister);
  EXPECT_EQ(symbol.operands[1].offset, 4);
  Instruction absolute = parseOne("ld.local.u32 %r1, [8];");
  EXPECT_TRUE(absolute.operands[1].name.empty());
  EXPECT_EQ(absolute.operands[1].offset, 8);
  Instruction named = parseOne("ld.u32 %r1, [ptr];", ".reg .b64 ptr;");
  EXPECT_TRUE(named.operands[1].addressIsRegister);
}

TEST(PtxOperands, TextureAddressesKeepEveryPart) {
  Instruction tex =
      parseOne("tex.2d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [%rd1, {%f5, %f6}];");
  EXPECT_EQ(toString(tex),
            "tex.2d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [%rd1, {%f5, %f6}];");
  const Operand &address = tex.operands[1];
  EXPECT_EQ(address.kind, Operand::Kind::Address);
  EXPECT_EQ(address.name, "%rd1");
  ASSERT_EQ(address.elements.size(), 2u);
  EXPECT_EQ(address.elements[0].kind, Operand::Kind::Register);
  EXPECT_EQ(address.elements[1].kind, Operand::Kind::Vector);
  EXPECT_EQ(tex.modifiers[0], "2d");
}

TEST(PtxOperands, VectorsAndSinks) {
  expectRoundTrip("ld.global.v4.u32 {%r1, %r2, _, %r4}, [%rd1+16];");
  expectRoundTrip("mov.b64 %rd1, {%r1, %r2};");
  expectRoundTrip("mov.b32 {%rs1, %rs2}, %r1;");
  expectRoundTrip("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r2], %r7;");
  Instruction vector = parseOne("ld.global.v4.u32 {%r1, %r2, _, %r4}, [%rd1];");
  EXPECT_EQ(vector.vectorWidth(), 4u);
  EXPECT_EQ(vector.operands[0].kind, Operand::Kind::Vector);
  EXPECT_EQ(vector.operands[0].elements[2].kind, Operand::Kind::Sink);
}

TEST(PtxOperands, SymbolsAsValues) {
  expectRoundTrip("mov.u64 %rd1, sym;");
  expectRoundTrip("mov.u32 %r1, $str;");
  expectRoundTrip("mov.u64 %rd1, table+8;");
  expectRoundTrip("mov.u32 %r1, WARP_SZ;");
  Instruction symbol = parseOne("mov.u64 %rd1, $str$1;");
  EXPECT_EQ(symbol.operands[1].kind, Operand::Kind::Symbol);
  EXPECT_EQ(symbol.operands[1].name, "$str$1");
}

TEST(PtxOperands, Calls) {
  expectRoundTrip("call.uni (retval0), _Z3fooi, (param0, param1);");
  expectRoundTrip("call (retval0), %rd5, (param0), prototype_0;");
  expectRoundTrip("call.uni _Z3foov, ();");
  expectRoundTrip("call.uni _Z3foov;");
  expectRoundTrip("call.uni\n(retval0),\n_Z3fooi,\n(\nparam0\n)\n;",
                  "call.uni (retval0), _Z3fooi, (param0);");
  Instruction call = parseOne("call.uni (retval0), _Z3fooi, (param0, param1);");
  ASSERT_EQ(call.operands.size(), 3u);
  EXPECT_EQ(call.operands[0].kind, Operand::Kind::List);
  EXPECT_EQ(call.operands[0].elements[0].kind, Operand::Kind::Symbol);
  EXPECT_EQ(call.operands[1].kind, Operand::Kind::Symbol);
  EXPECT_EQ(call.operands[2].kind, Operand::Kind::List);
  EXPECT_EQ(call.operands[2].elements.size(), 2u);
  Instruction indirect =
      parseOne("call (retval0), %rd5, (param0), prototype_0;");
  EXPECT_EQ(indirect.operands[1].kind, Operand::Kind::Register);
  EXPECT_EQ(indirect.operands[3].kind, Operand::Kind::Symbol);
  // Outside call, a parenthesis starts a constant expression.
  Instruction notCall = parseOne("add.s32 %r1, %r2, (3);");
  EXPECT_EQ(notCall.operands[2].kind, Operand::Kind::Immediate);
}

TEST(PtxOperands, LocationsPointAtTheOperand) {
  Module m = parseOk(kernelWith("\tadd.s32 %r1, %r2, 7;"));
  const Instruction *add = instructions(m.functions[0])[0];
  EXPECT_EQ(add->loc.line, 6u);
  EXPECT_EQ(add->loc.column, 2u);
  EXPECT_EQ(add->operands[1].loc.column, 15u);
  EXPECT_EQ(add->operands[2].loc.column, 20u);
}

TEST(PtxZoo, Globals) {
  Module m = parseOk(readTestFile("zoo.ptx"), "zoo.ptx");
  EXPECT_EQ(m.versionMajor, 8u);
  EXPECT_EQ(m.versionMinor, 7u);
  EXPECT_EQ(m.targets, std::vector<std::string>{"sm_90a"});
  EXPECT_EQ(m.smVersion(), 90u);

  const VariableDecl *matrix = findGlobal(m, "matrix");
  ASSERT_NE(matrix, nullptr);
  EXPECT_EQ(matrix->arrayDims, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(matrix->sizeInBytes(), 24u);
  ASSERT_EQ(matrix->init.size(), 6u); // nested braces flattened
  EXPECT_EQ(matrix->init[5].intValue, 6u);

  const VariableDecl *table = findGlobal(m, "table");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->arrayDims, std::vector<uint64_t>{3}); // sized by init
  ASSERT_EQ(table->init.size(), 3u);
  EXPECT_EQ(table->init[0].symbol, "matrix");
  EXPECT_FALSE(table->init[0].isGeneric);
  EXPECT_EQ(table->init[1].symbol, "matrix");
  EXPECT_TRUE(table->init[1].isGeneric);
  EXPECT_EQ(table->init[1].offset, 4);
  EXPECT_EQ(table->init[2].kind, Initializer::Kind::Integer);

  const VariableDecl *half = findGlobal(m, "half");
  ASSERT_NE(half, nullptr);
  EXPECT_TRUE(half->init[0].isF32Bits);
  EXPECT_EQ(half->init[0].floatValue, 0.5);
  const VariableDecl *third = findGlobal(m, "third");
  ASSERT_NE(third, nullptr);
  EXPECT_NEAR(third->init[0].floatValue, 1.0 / 3.0, 1e-15);

  const VariableDecl *weights = findGlobal(m, "weights");
  ASSERT_NE(weights, nullptr);
  EXPECT_EQ(weights->vectorWidth, 4u);
  EXPECT_EQ(weights->sizeInBytes(), 16u);
  EXPECT_EQ(weights->init.size(), 4u);

  const VariableDecl *expr = findGlobal(m, "expr");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(int64_t(expr->init[0].intValue), 10);

  const VariableDecl *managed = findGlobal(m, "managedCounter");
  ASSERT_NE(managed, nullptr);
  EXPECT_TRUE(managed->isManaged);
  EXPECT_EQ(managed->align, 4u);
  EXPECT_EQ(findGlobal(m, "commonBlock")->linkage, Linkage::Common);
  EXPECT_EQ(findGlobal(m, "weakValue")->linkage, Linkage::Weak);
  EXPECT_EQ(findGlobal(m, "weakValue")->init[0].intValue, 0x7fu);

  // `.global .u32 first, second = 2, third_[4];` declares three variables.
  ASSERT_NE(findGlobal(m, "first"), nullptr);
  ASSERT_NE(findGlobal(m, "second"), nullptr);
  EXPECT_EQ(findGlobal(m, "second")->init[0].intValue, 2u);
  EXPECT_EQ(findGlobal(m, "third_")->sizeInBytes(), 16u);
}

TEST(PtxZoo, FunctionsParamsAndTuning) {
  Module m = parseOk(readTestFile("zoo.ptx"));
  ASSERT_EQ(m.functions.size(), 3u);
  const Function &weak = m.functions[0];
  EXPECT_EQ(weak.linkage, Linkage::Weak);
  ASSERT_EQ(weak.returns.size(), 1u);
  EXPECT_EQ(weak.returns[0].name, "retval");
  ASSERT_EQ(weak.params.size(), 2u);
  EXPECT_EQ(weak.params[1].align, 16u);
  EXPECT_EQ(weak.params[1].sizeInBytes(), 32u);

  EXPECT_TRUE(m.functions[1].tuning.noreturn);

  const Function &zoo = m.functions[2];
  EXPECT_TRUE(zoo.isKernel);
  ASSERT_EQ(zoo.params.size(), 3u);
  EXPECT_EQ(zoo.params[0].pointeeSpace, StateSpace::Global);
  EXPECT_EQ(zoo.params[0].pointeeAlign, 16u);
  EXPECT_EQ(zoo.params[0].align, 0u);
  EXPECT_EQ(zoo.params[1].pointeeSpace, StateSpace::Shared);
  EXPECT_EQ(zoo.params[2].pointeeSpace, StateSpace::None);
  EXPECT_EQ(zoo.tuning.reqntid[0], 128u);
  EXPECT_EQ(zoo.tuning.reqntid[1], 2u);
  EXPECT_EQ(zoo.tuning.reqntid[2], 0u);
  EXPECT_EQ(zoo.tuning.maxnreg, 64u);

  const VariableDecl *pairReg = nullptr, *tile = nullptr;
  for (const VariableDecl *d : declarations(zoo)) {
    if (d->name == "pairReg")
      pairReg = d;
    if (d->name == "tile")
      tile = d;
  }
  ASSERT_NE(pairReg, nullptr);
  EXPECT_EQ(pairReg->vectorWidth, 2u);
  ASSERT_NE(tile, nullptr);
  EXPECT_EQ(tile->align, 128u);
  EXPECT_EQ(tile->sizeInBytes(), 512u);
}

TEST(PtxZoo, PrototypesAndTargets) {
  Module m = parseOk(readTestFile("zoo.ptx"));
  const Function &zoo = m.functions[2];
  ASSERT_EQ(zoo.prototypes.size(), 2u);
  const CallPrototype *noRet = zoo.findPrototype("protoNoRet");
  ASSERT_NE(noRet, nullptr);
  EXPECT_TRUE(noRet->returns.empty());
  EXPECT_EQ(noRet->params.size(), 1u);
  EXPECT_TRUE(noRet->noreturn);
  const CallPrototype *ret = zoo.findPrototype("protoRet");
  ASSERT_NE(ret, nullptr);
  EXPECT_EQ(ret->returns.size(), 1u);
  EXPECT_FALSE(ret->noreturn);

  const TargetList *targets = zoo.findBranchTargets("$L__targets");
  ASSERT_NE(targets, nullptr);
  EXPECT_EQ(targets->targets,
            (std::vector<std::string>{"$L__loop", "$L__done"}));
  const Instruction *brx = findInstruction(zoo, "brx.idx");
  ASSERT_NE(brx, nullptr);
  EXPECT_EQ(brx->operands[1].name, "$L__targets");
}

TEST(PtxZoo, NamedRegistersInNestedScopes) {
  Module m = parseOk(readTestFile("zoo.ptx"));
  const Function &zoo = m.functions[2];
  const Instruction *selp = findInstruction(zoo, "selp.b32");
  ASSERT_NE(selp, nullptr);
  for (const Operand &op : selp->operands)
    EXPECT_EQ(op.kind, Operand::Kind::Register) << op.name;
  const Instruction *component = nullptr;
  for (const Instruction *inst : instructions(zoo))
    if (inst->spelling() == "mov.u32" && inst->operands[1].name == "pairReg")
      component = inst;
  ASSERT_NE(component, nullptr);
  EXPECT_EQ(component->operands[1].kind, Operand::Kind::Register);
  EXPECT_EQ(component->operands[1].component, 1);
  // After the scope closes, the same name is a symbol again.
  Module scoped = parseOk(kernelWith("{ .reg .b32 t; mov.u32 t, 1; }\n"
                                     "mov.u64 %rd1, t;"));
  std::vector<const Instruction *> all = instructions(scoped.functions[0]);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->operands[0].kind, Operand::Kind::Register);
  EXPECT_EQ(all[1]->operands[1].kind, Operand::Kind::Symbol);
}

TEST(PtxZoo, ExoticInstructions) {
  Module m = parseOk(readTestFile("zoo.ptx"));
  const Function &zoo = m.functions[2];
  const Instruction *load =
      findInstruction(zoo, "ld.global.nc.L1::no_allocate.L2::256B.v4.u32");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->vectorWidth(), 4u);
  EXPECT_EQ(load->space(), StateSpace::Global);
  EXPECT_TRUE(load->has("L2::256B"));
  EXPECT_FALSE(load->has("L2"));

  const Instruction *tensor = nullptr;
  for (const Instruction *inst : instructions(zoo))
    if (inst->opcode == "cp" && inst->has("tensor"))
      tensor = inst;
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(toString(*tensor),
            "cp.async.bulk.tensor.2d.shared::cluster.global.tile."
            "mbarrier::complete_tx::bytes [%rd3], [%rd6, {%r1, %r2}], [%rd3];");

  const Instruction *wgmma =
      findInstruction(zoo, "wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16");
  ASSERT_NE(wgmma, nullptr);
  EXPECT_EQ(wgmma->operands.size(), 8u);
  EXPECT_EQ(wgmma->operands[3].kind, Operand::Kind::Register);

  EXPECT_NE(findInstruction(zoo, "wgmma.fence.sync.aligned"), nullptr);
  EXPECT_NE(findInstruction(zoo, "cp.async.commit_group"), nullptr);
  const Instruction *elect = findInstruction(zoo, "elect.sync");
  ASSERT_NE(elect, nullptr);
  EXPECT_EQ(elect->operands[0].pairName, "%p2");
}

TEST(PtxDeclarations, MultipleNamesAndRanges) {
  Module m = parseOk(kernelWith(".reg .b32 %r<5>, a, b;\n.reg .pred p, q;\n"
                                "add.s32 a, b, %r4;\n@q bra L;\nL:\nret;"));
  std::vector<const VariableDecl *> decls = declarations(m.functions[0]);
  ASSERT_EQ(decls.size(), 5u);
  EXPECT_EQ(decls[0]->rangeCount, 5u);
  EXPECT_EQ(decls[1]->name, "a");
  EXPECT_EQ(decls[1]->rangeCount, 0u);
  EXPECT_EQ(decls[4]->type, Type::Pred);
  const Instruction *add = findInstruction(m.functions[0], "add.s32");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->operands[0].kind, Operand::Kind::Register);
  EXPECT_EQ(add->operands[1].kind, Operand::Kind::Register);
}

TEST(PtxDeclarations, InitializerOffsets) {
  Module m =
      parseOk(".version 9.0\n.target sm_80\n.address_size 64\n"
              ".global .u32 data[4];\n"
              ".global .u64 p[4] = {data+8, data-8, generic(data)+(2*4), "
              "data-0x8000000000000000};\n");
  const VariableDecl *p = findGlobal(m, "p");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->init.size(), 4u);
  EXPECT_EQ(p->init[0].offset, 8);
  EXPECT_EQ(p->init[1].offset, -8);
  EXPECT_EQ(p->init[2].offset, 8);
  EXPECT_TRUE(p->init[2].isGeneric);
  EXPECT_EQ(p->init[3].offset, std::numeric_limits<int64_t>::min());
}

TEST(PtxDeclarations, TextureReferencesAndSamplers) {
  Module m = parseOk(
      ".version 6.0\n.target sm_50, texmode_independent\n.address_size 64\n"
      ".global .texref tex;\n"
      ".global .samplerref smp = { addr_mode_0 = clamp_to_edge, filter_mode = "
      "nearest };\n");
  EXPECT_EQ(m.targets,
            (std::vector<std::string>{"sm_50", "texmode_independent"}));
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_EQ(m.globals[0].type, Type::B64);
  EXPECT_TRUE(m.globals[1].init.empty());
}

TEST(PtxDeclarations, CallTargetsAndExternFunctions) {
  Module m = parseOk(".version 9.0\n.target sm_80\n.address_size 64\n"
                     ".extern .func (.param .b32 func_retval0) vprintf(.param "
                     ".b64 vprintf_param_0, "
                     ".param .b64 vprintf_param_1);\n"
                     ".extern .func __assertfail(.param .b64 a) .noreturn;\n"
                     ".func f() {\n ret;\n}\n.func g() {\n ret;\n}\n"
                     ".entry k(.param .u64 p) {\n"
                     "  .reg .b64 %rd<2>;\n"
                     "  Ftgt: .calltargets f, g;\n"
                     "  ld.param.u64 %rd1, [p];\n"
                     "  call %rd1, (), Ftgt;\n"
                     "  ret;\n}\n");
  ASSERT_EQ(m.functions.size(), 5u);
  EXPECT_EQ(m.functions[0].returns.size(), 1u);
  EXPECT_EQ(m.functions[0].params.size(), 2u);
  EXPECT_FALSE(m.functions[0].body.has_value());
  EXPECT_TRUE(m.functions[1].tuning.noreturn);
  const Function &k = m.functions[4];
  ASSERT_EQ(k.callTargets.size(), 1u);
  EXPECT_EQ(k.callTargets[0].name, "Ftgt");
  EXPECT_EQ(k.callTargets[0].targets, (std::vector<std::string>{"f", "g"}));
}

TEST(PtxDeclarations, IgnoredDirectives) {
  Module m = parseOk(
      "// leading comment\n.version 9.0\n.target sm_90\n.address_size 64\n"
      ".file 1 \"/tmp/a b.cu\", 1700000000, 1234\n"
      ".file 2 \"C:\\\\dir\\\\x.cu\"\n"
      ".pragma \"abi_param_reg all\";\n"
      ".entry k()\n.maxntid 64\n.explicitcluster\n.reqnctapercluster 2, 1, 1\n"
      ".maxclusterrank 8\n.pragma \"nounroll\";\n{\n"
      "  .loc 1 10 3\n  .pragma \"nounroll\";\n  .loc 1 11 5, function_name "
      "$L__info_string0, inlined_at 1 3 4\n"
      "  ret;\n}\n"
      ".section .debug_str\n{\n$L__info_string0:\n.b8 95,0\n.b64 "
      "$L__tmp0\n.b32 .debug_abbrev\n}\n");
  ASSERT_EQ(m.files.size(), 2u);
  EXPECT_EQ(m.files[0].second, "/tmp/a b.cu");
  EXPECT_EQ(m.files[1].second, "C:\\dir\\x.cu");
  ASSERT_EQ(m.functions.size(), 1u);
  EXPECT_EQ(m.functions[0].tuning.maxntid[0], 64u);
  EXPECT_EQ(m.functions[0].tuning.maxntid[1], 0u);
  EXPECT_EQ(instructions(m.functions[0]).size(), 1u);
}

TEST(PtxAstHelpers, TypesAndSpaces) {
  EXPECT_EQ(typeFromName("u32"), Type::U32);
  EXPECT_EQ(typeFromName("f16x2"), Type::F16x2);
  EXPECT_EQ(typeFromName("bf16x2"), Type::BF16x2);
  EXPECT_EQ(typeFromName("pred"), Type::Pred);
  EXPECT_EQ(typeFromName("global"), Type::None);
  EXPECT_EQ(typeFromName(""), Type::None);
  EXPECT_EQ(typeBits(Type::B128), 128u);
  EXPECT_EQ(typeBits(Type::Pred), 1u);
  EXPECT_EQ(typeBits(Type::TF32), 32u);
  EXPECT_EQ(typeName(Type::S64), "s64");
  for (int t = int(Type::Pred); t <= int(Type::F64); ++t)
    EXPECT_EQ(typeFromName(typeName(Type(t))), Type(t));
  EXPECT_EQ(stateSpaceFromName("shared::cluster"), StateSpace::Shared);
  EXPECT_EQ(stateSpaceFromName("param::entry"), StateSpace::Param);
  EXPECT_EQ(stateSpaceFromName("L2::cache_hint"), StateSpace::None);
  EXPECT_EQ(stateSpaceFromName("global"), StateSpace::Global);
  EXPECT_EQ(stateSpaceName(StateSpace::Const), "const");
  for (int s = int(StateSpace::Reg); s <= int(StateSpace::Tex); ++s)
    EXPECT_EQ(stateSpaceFromName(stateSpaceName(StateSpace(s))), StateSpace(s));
}

TEST(PtxAstHelpers, InstructionQueries) {
  Instruction cvt = parseOne("cvt.rn.f32.s32 %f1, %r1;");
  EXPECT_EQ(cvt.types(), (std::vector<Type>{Type::F32, Type::S32}));
  EXPECT_EQ(cvt.type(), Type::S32);
  EXPECT_TRUE(cvt.has("rn"));
  EXPECT_FALSE(cvt.has("rz"));
  EXPECT_EQ(cvt.space(), StateSpace::None);
  EXPECT_EQ(cvt.vectorWidth(), 1u);
  EXPECT_EQ(cvt.spelling(), "cvt.rn.f32.s32");
  Instruction ret = parseOne("ret;");
  EXPECT_EQ(ret.type(), Type::None);
  EXPECT_EQ(ret.spelling(), "ret");
}

TEST(PtxAstHelpers, SmVersion) {
  Module m;
  EXPECT_EQ(m.smVersion(), 0u);
  m.targets = {"texmode_unified", "sm_100a"};
  EXPECT_EQ(m.smVersion(), 100u);
  m.targets = {"sm_"};
  EXPECT_EQ(m.smVersion(), 0u);
}

TEST(PtxDiagnostics, Format) {
  Diagnostic d{{3, 7}, "expected ';'"};
  EXPECT_EQ(d.format("k.ptx"), "k.ptx:3:7: expected ';'");
}

} // namespace
