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
  // add.cc addc sub.cc subc; mad.cc madc
  void translateCarryArith(const ptx::Instruction &inst);
  void translateCarryMad(const ptx::Instruction &inst);
  void translateBfind(const ptx::Instruction &inst);
  void translateFns(const ptx::Instruction &inst);
  void translatePrmt(const ptx::Instruction &inst);
  void translateFunnelShift(const ptx::Instruction &inst); // shf
  void translateLop3(const ptx::Instruction &inst);
  void translateDotProduct(const ptx::Instruction &inst); // dp4a dp2a
  void translateBmsk(const ptx::Instruction &inst);
  void translateSzext(const ptx::Instruction &inst);
  void translateMul24(const ptx::Instruction &inst); // mul24 mad24
  void translateSad(const ptx::Instruction &inst);
  /// min/max .u16x2 .s16x2 and .relu (integer forms).
  void translateIntMinMaxPacked(const ptx::Instruction &inst);
  /// Reads and writes CC.CF, the carry flag of the carry-chain
  /// instructions: one i1 alloca per function, created (as 0) on first use.
  llvm::Value *readCarryFlag();
  void writeCarryFlag(llvm::Value *carry);
  llvm::AllocaInst *carryFlagSlot();
  llvm::AllocaInst *carryFlag_ = nullptr;
  // --- end: integer and bit ---
  // --- family: floating point and half precision (FloatingPoint.cpp) ---
  // translateFloatArith and translateMathApprox (declared above) are
  // defined in FloatingPoint.cpp too; translateCvt in Conversion.cpp.
  void translateFloatMad(const ptx::Instruction &inst);    // fma, mad .f*
  void translateFloatDiv(const ptx::Instruction &inst);    // div .f*
  void translateFloatMinMax(const ptx::Instruction &inst); // min, max .f*
  void translateFloatUnary(const ptx::Instruction &inst);  // neg, abs .f*
  void translateFloatSetp(const ptx::Instruction &inst);
  void translateSet(const ptx::Instruction &inst);
  void translateSlct(const ptx::Instruction &inst);
  void translateTestp(const ptx::Instruction &inst);
  void translateCopysign(const ptx::Instruction &inst);
  void translateCvtToTf32(const ptx::Instruction &inst); // Conversion.cpp
  /// cvt between integer types (Conversion.cpp).
  llvm::Value *convertInteger(const ptx::Instruction &inst, llvm::Value *a,
                              ptx::Type from, ptx::Type to);
  // --- end: floating point ---
  // --- family: memory, atomics, fences, special registers (Atomics.cpp) ---
  // Memory.cpp: ld/st helpers, prefetch, isspacep; Atomics.cpp: atom, red,
  // membar, fence, nanosleep. cvta is in Conversion.cpp.
  void translatePrefetch(const ptx::Instruction &inst); // prefetch prefetchu
  void translateIsspacep(const ptx::Instruction &inst);
  void translateAtomic(const ptx::Instruction &inst);   // atom red
  void translateFence(const ptx::Instruction &inst);    // membar fence
  void translateNanosleep(const ptx::Instruction &inst);
  /// LLVM ordering of .relaxed/.acquire/.release/.acq_rel (.sc for
  /// fences); `fallback` when none is named.
  llvm::AtomicOrdering memoryOrderingOf(const ptx::Instruction &inst,
                                        llvm::AtomicOrdering fallback);
  /// Sync scope of .cta/.cluster/.gpu/.sys: "block", "cluster", "device",
  /// system (the names NVPTX gives them); .gpu when none is named.
  llvm::SyncScope::ID syncScopeOf(const ptx::Instruction &inst);
  // --- end: memory ---
  // --- family: control, synchronisation, warp (Control.cpp, Warp.cpp) ---
  void translateBranchIndexed(const ptx::Instruction &inst);
  void translateTrap(const ptx::Instruction &inst);
  /// The callee and its type of a direct or indirect call; nullptr callee
  /// (after recording the problem) if it cannot be resolved.
  std::pair<llvm::Value *, llvm::FunctionType *>
  resolveCallee(const ptx::Instruction &inst, const ptx::Operand &callee,
                const ptx::Operand *signature);
  void translateBarrier(const ptx::Instruction &inst);
  void translateBarrierSync(const ptx::Instruction &inst, bool aligned);
  void translateBarrierReduction(const ptx::Instruction &inst, bool aligned);
  void translateWarpSync(const ptx::Instruction &inst);
  void translateShuffle(const ptx::Instruction &inst);
  void translateVote(const ptx::Instruction &inst);
  void translateMatch(const ptx::Instruction &inst);
  void translateActivemask(const ptx::Instruction &inst);
  void translateRedux(const ptx::Instruction &inst);
  /// Writes {value, i1} to `%d|%p` (the predicate only if it is named).
  void writePair(const ptx::Operand &dst, llvm::Value *pair, ptx::Type type);
  // --- end: control ---
  // --- family: warp matrix multiply-accumulate (Wmma.cpp) ---
  void translateWmma(const ptx::Instruction &inst);
  void translateWmmaLoadStore(const ptx::Instruction &inst);
  void translateWmmaMma(const ptx::Instruction &inst);
  /// laneid / 2 and laneid % 2 (i32): where the lane's fragment sits.
  std::pair<llvm::Value *, llvm::Value *> wmmaLanePosition();
  void callWarpAllGather(llvm::Value *dst, llvm::Value *src, unsigned bytes);
  // --- end: wmma ---

  // --- family: textures and surfaces (TextureFamily.cpp) ---
  void translateTexture(const ptx::Instruction &inst);      // tex
  void translateGather(const ptx::Instruction &inst);       // tld4
  void translateTextureQuery(const ptx::Instruction &inst); // txq suq
  void translateSurfaceLoad(const ptx::Instruction &inst);  // suld
  void translateSurfaceStore(const ptx::Instruction &inst); // sust
  void translateSurfaceAccess(const ptx::Instruction &inst,
                              const ptx::Operand &address,
                              const ptx::Operand &data, bool store);
  /// The 64-bit texture or surface object of [handle, ...] or [handle].
  llvm::Value *textureHandle(const ptx::Instruction &inst,
                             const ptx::Operand &address);
  /// A 16-byte stack buffer the texture services write results into.
  llvm::Value *textureScratch();
  /// Two float[3] stack buffers for tex.grad's gradients.
  llvm::Value *textureGradients();
  void writeTextureResult(const ptx::Operand &dst, ptx::Type type);
  /// Calls llvm.trap when `condition` holds.
  void trapIf(llvm::Value *condition);
  llvm::AllocaInst *textureScratch_ = nullptr;
  llvm::AllocaInst *textureGradients_ = nullptr;
  // --- end: textures ---
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
