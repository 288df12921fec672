//===- ptx/Ast.cpp - Helpers of the PTX syntax tree -----------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Name tables (types, state spaces) and the small queries that Ast.h
// declares on instructions, variables, functions and modules.
//
//===----------------------------------------------------------------------===//
#include "ptx/Ast.h"

#include <array>
#include <limits>

namespace cuport::ptx {

namespace {

struct TypeEntry {
  Type type;
  std::string_view name;
  unsigned bits;
};

constexpr std::array<TypeEntry, 22> kTypes = {{
    {Type::None, "", 0},          {Type::Pred, "pred", 1},
    {Type::B8, "b8", 8},          {Type::B16, "b16", 16},
    {Type::B32, "b32", 32},       {Type::B64, "b64", 64},
    {Type::B128, "b128", 128},    {Type::U8, "u8", 8},
    {Type::U16, "u16", 16},       {Type::U32, "u32", 32},
    {Type::U64, "u64", 64},       {Type::S8, "s8", 8},
    {Type::S16, "s16", 16},       {Type::S32, "s32", 32},
    {Type::S64, "s64", 64},       {Type::F16, "f16", 16},
    {Type::F16x2, "f16x2", 32},   {Type::BF16, "bf16", 16},
    {Type::BF16x2, "bf16x2", 32}, {Type::TF32, "tf32", 32},
    {Type::F32, "f32", 32},       {Type::F64, "f64", 64},
}};

struct SpaceEntry {
  StateSpace space;
  std::string_view name;
};

constexpr std::array<SpaceEntry, 9> kSpaces = {{
    {StateSpace::None, ""},
    {StateSpace::Reg, "reg"},
    {StateSpace::Sreg, "sreg"},
    {StateSpace::Const, "const"},
    {StateSpace::Global, "global"},
    {StateSpace::Local, "local"},
    {StateSpace::Param, "param"},
    {StateSpace::Shared, "shared"},
    {StateSpace::Tex, "tex"},
}};

} // namespace

unsigned typeBits(Type type) {
  for (const TypeEntry &entry : kTypes)
    if (entry.type == type)
      return entry.bits;
  return 0;
}

Type typeFromName(std::string_view name) {
  // Every type name starts with one of b/u/s/f/p/t; a quick reject keeps
  // the common modifiers (global, sync, rn, ...) cheap.
  if (name.empty() || name.size() > 6)
    return Type::None;
  for (const TypeEntry &entry : kTypes)
    if (!entry.name.empty() && entry.name == name)
      return entry.type;
  return Type::None;
}

std::string_view typeName(Type type) {
  for (const TypeEntry &entry : kTypes)
    if (entry.type == type)
      return entry.name;
  return "";
}

StateSpace stateSpaceFromName(std::string_view name) {
  if (size_t colons = name.find("::"); colons != std::string_view::npos)
    name = name.substr(0, colons);
  if (name.empty())
    return StateSpace::None;
  for (const SpaceEntry &entry : kSpaces)
    if (entry.name == name)
      return entry.space;
  return StateSpace::None;
}

std::string_view stateSpaceName(StateSpace space) {
  for (const SpaceEntry &entry : kSpaces)
    if (entry.space == space)
      return entry.name;
  return "";
}

//===----------------------------------------------------------------------===//
// Instruction
//===----------------------------------------------------------------------===//

bool Instruction::has(std::string_view modifier) const {
  for (const std::string &m : modifiers)
    if (m == modifier)
      return true;
  return false;
}

std::vector<Type> Instruction::types() const {
  std::vector<Type> result;
  for (const std::string &m : modifiers)
    if (Type t = typeFromName(m); t != Type::None)
      result.push_back(t);
  return result;
}

Type Instruction::type() const {
  for (auto it = modifiers.rbegin(); it != modifiers.rend(); ++it)
    if (Type t = typeFromName(*it); t != Type::None)
      return t;
  return Type::None;
}

StateSpace Instruction::space() const {
  for (const std::string &m : modifiers)
    if (StateSpace s = stateSpaceFromName(m); s != StateSpace::None)
      return s;
  return StateSpace::None;
}

unsigned Instruction::vectorWidth() const {
  for (const std::string &m : modifiers) {
    if (m == "v2")
      return 2;
    if (m == "v4")
      return 4;
    if (m == "v8")
      return 8;
  }
  return 1;
}

std::string Instruction::spelling() const {
  std::string text = opcode;
  for (const std::string &m : modifiers) {
    text += '.';
    text += m;
  }
  return text;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

uint64_t VariableDecl::sizeInBytes() const {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t size = (typeBits(type) + 7) / 8;
  auto multiply = [&](uint64_t factor) {
    if (factor != 0 && size > kMax / factor)
      size = kMax; // saturate; the parser rejects such sizes anyway
    else
      size *= factor;
  };
  multiply(vectorWidth);
  for (uint64_t dim : arrayDims)
    multiply(dim);
  return size;
}

const CallPrototype *
Function::findPrototype(std::string_view prototypeName) const {
  for (const CallPrototype &prototype : prototypes)
    if (prototype.name == prototypeName)
      return &prototype;
  return nullptr;
}

const TargetList *Function::findBranchTargets(std::string_view listName) const {
  for (const TargetList &list : branchTargets)
    if (list.name == listName)
      return &list;
  return nullptr;
}

uint32_t Module::smVersion() const {
  for (const std::string &target : targets) {
    if (target.size() < 4 || target.compare(0, 3, "sm_") != 0)
      continue;
    uint32_t value = 0;
    for (size_t i = 3; i < target.size() && i < 12; ++i) {
      char c = target[i];
      if (c < '0' || c > '9')
        break;
      value = value * 10 + uint32_t(c - '0');
    }
    return value;
  }
  return 0;
}

} // namespace cuport::ptx
