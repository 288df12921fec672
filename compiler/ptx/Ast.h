//===- ptx/Ast.h - Syntax tree of a PTX module -----------------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What the PTX parser produces and the translator consumes. The tree keeps
// PTX's own vocabulary and knows nothing of LLVM: an instruction is its
// opcode, its dot-modifiers in source order, an optional guard predicate and
// its operands. Interpreting modifiers is the translator's job, so the
// parser accepts every instruction form PTX's grammar allows, including
// ones the translator does not yet implement (those fail in translation,
// with the instruction's line, not in parsing).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_PTX_AST_H
#define CUPORT_PTX_AST_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cuport::ptx {

struct SourceLoc {
  uint32_t line = 0;   ///< 1-based; 0 = unknown
  uint32_t column = 0; ///< 1-based
};

enum class StateSpace : uint8_t {
  None, ///< not given (generic addressing for ld/st)
  Reg,
  Sreg,
  Const,
  Global,
  Local,
  Param,
  Shared,
  Tex,
};

/// Fundamental PTX types, as in the `.type` suffixes.
enum class Type : uint8_t {
  None,
  Pred,
  B8, B16, B32, B64, B128,
  U8, U16, U32, U64,
  S8, S16, S32, S64,
  F16, F16x2, BF16, BF16x2, TF32, F32, F64,
};

/// Size in bits of a fundamental type (Pred: 1; None: 0).
unsigned typeBits(Type type);
/// Parses a type name without the dot ("u32"); Type::None if it is not one.
Type typeFromName(std::string_view name);
std::string_view typeName(Type type);
/// Parses a state space name without the dot; a `::` qualifier is allowed
/// and ignored ("shared::cluster" -> Shared, "param::entry" -> Param).
StateSpace stateSpaceFromName(std::string_view name);
std::string_view stateSpaceName(StateSpace space);

enum class Linkage : uint8_t { Internal, Visible, Extern, Weak, Common };

/// One operand of an instruction.
struct Operand {
  enum class Kind : uint8_t {
    Register,  ///< %r1, %tid (with component .x), or a named register
    Immediate, ///< integer literal
    FloatImm,  ///< 0fXXXXXXXX / 0dXXXXXXXXXXXXXXXX / decimal float literal
    Symbol,    ///< identifier: variable, function, label, param name
    Address,   ///< [base], [base+imm], [imm]; [a, {b, c}] (tex, suld):
               ///< then elements holds every part and name the first's
    Vector,    ///< {a, b, c, d}
    Sink,      ///< _ (discarded result)
    List,      ///< (a, b) argument or return list of call
  };
  Kind kind = Kind::Register;
  std::string name;      ///< Register / Symbol / Address base (empty: none)
  int8_t component = -1; ///< .x .y .z .w (or .r .g .b .a) as 0..3; -1 none
  bool negated = false;  ///< !%p (predicate operands only)
  /// Register: second half of a predicate pair `%p|%q` (setp), else empty.
  std::string pairName;
  uint64_t intValue = 0;  ///< Immediate bits (two's complement)
  bool isNegativeInt = false;
  double floatValue = 0;  ///< FloatImm as a double
  bool isF32Bits = false; ///< FloatImm written 0f (exact f32 bits in intValue)
  bool isF64Bits = false; ///< FloatImm written 0d (exact f64 bits in intValue)
  int64_t offset = 0;     ///< Address: constant displacement; Symbol: +imm
  bool addressIsRegister = false; ///< Address base is a register, not symbol
  std::vector<Operand> elements;  ///< Vector / List members
  SourceLoc loc;
};

struct Guard {
  std::string predicate; ///< register name, e.g. "%p1"
  bool negated = false;  ///< @!%p
};

struct Instruction {
  std::string opcode;                 ///< "ld", "mad", "setp", ...
  std::vector<std::string> modifiers; ///< without dots, in source order
  std::optional<Guard> guard;
  std::vector<Operand> operands;
  SourceLoc loc;

  bool has(std::string_view modifier) const;
  /// The fundamental types among the modifiers, in order (cvt has two).
  std::vector<Type> types() const;
  /// The last type modifier; Type::None if there is none.
  Type type() const;
  /// The first state space named among the modifiers (ld.global...,
  /// ld.shared::cta...), else None.
  StateSpace space() const;
  /// Vector width from .v2/.v4/.v8, or 1.
  unsigned vectorWidth() const;
  /// "ld.global.f32" style spelling, for diagnostics.
  std::string spelling() const;
};

/// Initializer of a variable: a flat list of scalar values or symbol
/// addresses (`{1, 2, 3}`, `{sym, sym+8}`, nested braces flattened).
struct Initializer {
  enum class Kind : uint8_t { Integer, Float, Symbol };
  Kind kind = Kind::Integer;
  uint64_t intValue = 0;
  double floatValue = 0;
  bool isF32Bits = false, isF64Bits = false; ///< as in Operand
  std::string symbol;
  int64_t offset = 0; ///< symbol+offset; also generic(sym) is recorded here
  bool isGeneric = false; ///< written generic(sym): the generic address
};

/// A variable or register declaration: `.reg .b32 %r<42>;`,
/// `.shared .align 4 .b8 smem[1024];`, a kernel `.param`, ...
struct VariableDecl {
  StateSpace space = StateSpace::None;
  Type type = Type::None;
  Linkage linkage = Linkage::Internal;
  std::string name;
  uint32_t align = 0;       ///< .align N; 0 = natural
  uint32_t vectorWidth = 1; ///< .v2 / .v4
  /// Array dimensions; a 0 entry is an unsized dimension (`[]`).
  std::vector<uint64_t> arrayDims;
  /// `%r<42>`: declares %r0 .. %r41 (rangeCount = 42); 0 otherwise.
  uint32_t rangeCount = 0;
  /// `.param .u64 .ptr .global .align 8 p`: the pointee space, else None.
  StateSpace pointeeSpace = StateSpace::None;
  uint32_t pointeeAlign = 0;
  std::vector<Initializer> init;
  SourceLoc loc;
  bool isManaged = false; ///< .attribute(.managed) (__managed__ variables)

  /// Total size in bytes (type size x vector width x array elements).
  uint64_t sizeInBytes() const;
};

struct Label {
  std::string name;
  SourceLoc loc;
};

struct Statement;

/// `{ ... }`: a nested scope; its declarations are local to it.
struct Block {
  std::vector<Statement> statements;
  SourceLoc loc;
};

struct Statement {
  std::variant<Instruction, Label, VariableDecl, Block> node;
};

/// `prototype_0 : .callprototype (.param .b32 _) _ (.param .b32 _);`:
/// the signature that an indirect call names as its last operand
/// (`call (retval0), %rd5, (param0), prototype_0;`).
struct CallPrototype {
  std::string name;
  std::vector<VariableDecl> returns; ///< parameter names are "_"
  std::vector<VariableDecl> params;
  bool noreturn = false;
  SourceLoc loc;
};

/// `name: .branchtargets L1, L2;` (the table of brx.idx) or
/// `name: .calltargets f, g;` (the possible callees of an indirect call).
struct TargetList {
  std::string name;
  std::vector<std::string> targets;
  SourceLoc loc;
};

/// Performance-tuning directives of a function.
struct Tuning {
  uint32_t maxntid[3] = {0, 0, 0};
  uint32_t reqntid[3] = {0, 0, 0};
  uint32_t minnctapersm = 0;
  uint32_t maxnreg = 0;
  bool noreturn = false;
};

struct Function {
  bool isKernel = false; ///< .entry (else .func)
  Linkage linkage = Linkage::Internal;
  std::string name;
  std::vector<VariableDecl> returns; ///< .func (.param .b32 r) name(...)
  std::vector<VariableDecl> params;
  Tuning tuning;
  std::optional<Block> body; ///< none for a declaration (prototype)
  SourceLoc loc;
  /// Declarations made anywhere in the body, in order of appearance. nvcc
  /// numbers them uniquely per function (prototype_0, prototype_1, ...).
  std::vector<CallPrototype> prototypes;
  std::vector<TargetList> branchTargets;
  std::vector<TargetList> callTargets;

  /// The first declaration of that name; nullptr if there is none.
  const CallPrototype *findPrototype(std::string_view name) const;
  const TargetList *findBranchTargets(std::string_view name) const;
};

struct Module {
  uint32_t versionMajor = 0, versionMinor = 0; ///< .version 9.0
  std::vector<std::string> targets;            ///< .target sm_75, texmode_...
  uint32_t addressSize = 64;
  std::vector<VariableDecl> globals; ///< module-scope variables, in order
  std::vector<Function> functions;   ///< in order of appearance
  /// .file directives: index -> path.
  std::vector<std::pair<uint32_t, std::string>> files;

  /// SM number from the first sm_XX target (75 for sm_75); 0 if absent.
  uint32_t smVersion() const;
};

} // namespace cuport::ptx

#endif // CUPORT_PTX_AST_H
