//===- translate/FunctionTranslator.h - One PTX function body --*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Internal to the translator. ModuleTranslator creates the LLVM functions
// and globals of a module; FunctionTranslator fills one function body:
//
//   registers  every PTX register is an alloca in the entry block, loaded
//              and stored around each instruction; mem2reg/SROA turn them
//              into SSA values;
//   labels     each label starts a basic block; a guarded instruction
//              becomes a conditional branch around it;
//   params     each .param variable (kernel or function parameter, or a
//              call-site .param) is a byte buffer reached by ld.param /
//              st.param with offsets;
//   families   instruction families are translated by the member functions
//              declared below and defined in Arithmetic.cpp, Memory.cpp,
//              Control.cpp and Conversion.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_TRANSLATE_FUNCTIONTRANSLATOR_H
#define CUPORT_TRANSLATE_FUNCTIONTRANSLATOR_H

#include "ptx/Ast.h"
#include "translate/PtxToNvvm.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/IR/IRBuilder.h"

#include <map>
#include <string>
#include <vector>

namespace cuport::translate {

/// A translation problem tied to a PTX source location.
struct TranslationIssue {
  ptx::SourceLoc loc;
  std::string message;
};

/// What the module translator knows that function bodies need.
struct ModuleContext {
  llvm::Module &module;
  const ptx::Module &ptx;
  /// PTX name -> global variable (any address space).
  llvm::StringMap<llvm::GlobalVariable *> globals;
  /// PTX name -> LLVM function, for call and function-pointer operands.
  llvm::StringMap<llvm::Function *> functions;
  /// PTX name -> its declaration (for parameter and return types).
  llvm::StringMap<const ptx::Function *> ptxFunctions;
};

/// LLVM type that holds a value of PTX type `type` (pred -> i1, f16 -> half,
/// f16x2 -> <2 x half>, b32 -> i32, ...).
llvm::Type *llvmTypeFor(llvm::LLVMContext &context, ptx::Type type);
bool isFloat(ptx::Type type);
bool isSigned(ptx::Type type);
unsigned addressSpaceOf(ptx::StateSpace space);
/// The LLVM type of a declared variable: a scalar, vector or (nested)
/// array; `.b8 p[N]` is [N x i8].
llvm::Type *llvmTypeForDecl(llvm::LLVMContext &context,
                            const ptx::VariableDecl &decl);

class FunctionTranslator {
public:
  FunctionTranslator(ModuleContext &moduleContext, const ptx::Function &ptx,
                     llvm::Function &function);

  /// Translates the body; problems are appended to `issues`.
  void translate(std::vector<TranslationIssue> &issues);

  /// Feature bits (KernelFeature) seen while translating.
  uint32_t features() const { return features_; }

private:
  // Registers and variables in scope.
  struct RegisterSlot {
    llvm::AllocaInst *storage = nullptr;
    ptx::Type type = ptx::Type::None;
  };
  struct Scope {
    unsigned id = 0;
    std::map<std::string, ptx::VariableDecl, std::less<>> registers;
    std::map<std::string, ptx::VariableDecl, std::less<>> ranges; // prefix
    std::map<std::string, llvm::Value *, std::less<>> variables; // .param/.local
  };

  // Structure.
  void declareParams();
  void collectLabels(const ptx::Block &block);
  void translateBlock(const ptx::Block &block);
  void declareLocal(const ptx::VariableDecl &decl);
  void translateInstruction(const ptx::Instruction &inst);
  void dispatch(const ptx::Instruction &inst);
  void startBlockAfterTerminator();

  // Operands.
  RegisterSlot *lookupRegister(llvm::StringRef name);
  llvm::Value *readRegister(const ptx::Operand &op, ptx::Type type);
  llvm::Value *readSpecialRegister(const ptx::Operand &op, ptx::Type type);
  llvm::Value *readImmediate(const ptx::Operand &op, ptx::Type type);
  llvm::Value *symbolAddress(llvm::StringRef name);
  /// Reads an operand as a value of PTX type `type`.
  llvm::Value *read(const ptx::Operand &op, ptx::Type type);
  /// Writes `value` (of PTX type `type`) into a register operand.
  void write(const ptx::Operand &dst, llvm::Value *value, ptx::Type type);
  /// Adjusts a value between PTX types of possibly different widths, with
  /// PTX's extension rules (sign from `from` when widening).
  llvm::Value *convertBits(llvm::Value *value, ptx::Type from, ptx::Type to);
  /// Address operand [base+offset] as a pointer in `space`.
  llvm::Value *address(const ptx::Operand &op, ptx::StateSpace space);
  llvm::Value *variableAddress(llvm::StringRef name);

  // Instruction families (one file each).
  void translateIntArith(const ptx::Instruction &inst);
  void translateFloatArith(const ptx::Instruction &inst);
  void translateArith(const ptx::Instruction &inst);
  void translateMad(const ptx::Instruction &inst);
  void translateDivRem(const ptx::Instruction &inst);
  void translateMinMax(const ptx::Instruction &inst);
  void translateUnary(const ptx::Instruction &inst);
  void translateMathApprox(const ptx::Instruction &inst);
  void translateLogic(const ptx::Instruction &inst);
  void translateShift(const ptx::Instruction &inst);
  void translateBfe(const ptx::Instruction &inst);
  void translateBfi(const ptx::Instruction &inst);
  void translateSetp(const ptx::Instruction &inst);
  void translateSelp(const ptx::Instruction &inst);
  void translateMov(const ptx::Instruction &inst);
  void translateCvt(const ptx::Instruction &inst);
  void translateCvta(const ptx::Instruction &inst);
  void translateLoad(const ptx::Instruction &inst);
  void translateStore(const ptx::Instruction &inst);
  void translateBranch(const ptx::Instruction &inst);
  void translateReturn(const ptx::Instruction &inst);
  void translateCall(const ptx::Instruction &inst);

  // Each instruction family below owns its section (declarations here,
  // handlers in the dispatch table of FunctionTranslator.cpp, definitions
  // in the named file).
  // --- family: integer and bit (IntegerBits.cpp) ---
  // --- end: integer and bit ---
  // --- family: floating point and half precision (FloatingPoint.cpp) ---
  // --- end: floating point ---
  // --- family: memory, atomics, fences, special registers (Atomics.cpp) ---
  // --- end: memory ---
  // --- family: control, synchronisation, warp (Control.cpp, Warp.cpp) ---
  // --- end: control ---

  void unsupported(const ptx::Instruction &inst, llvm::StringRef why = "");
  void expectOperands(const ptx::Instruction &inst, size_t count);

  ModuleContext &mc_;
  const ptx::Function &ptx_;
  llvm::Function &fn_;
  llvm::LLVMContext &ctx_;
  llvm::IRBuilder<> b_;
  llvm::BasicBlock *allocaBlock_ = nullptr;
  std::vector<Scope> scopes_;
  unsigned nextScopeId_ = 0;
  std::map<std::string, RegisterSlot, std::less<>> slots_; // by unique key
  llvm::StringMap<llvm::BasicBlock *> labels_;
  llvm::AllocaInst *returnSlot_ = nullptr;
  std::vector<TranslationIssue> *issues_ = nullptr;
  uint32_t features_ = 0;
  bool failed_ = false; ///< current instruction could not be translated
};

} // namespace cuport::translate

#endif // CUPORT_TRANSLATE_FUNCTIONTRANSLATOR_H
