//===- translate/FunctionTranslator.cpp - Structure and operands ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The skeleton of a function body: parameters, scopes and registers, labels
// and guards, operand reads and writes, and the dispatch of each instruction
// to its family. The families themselves live in Arithmetic.cpp,
// Memory.cpp, Control.cpp and Conversion.cpp.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IntrinsicsNVPTX.h"

#include <charconv>

using namespace llvm;

namespace cuport::translate {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type *llvmTypeFor(LLVMContext &c, ptx::Type type) {
  using T = ptx::Type;
  switch (type) {
  case T::Pred:
    return Type::getInt1Ty(c);
  case T::B8: case T::U8: case T::S8:
    return Type::getInt8Ty(c);
  case T::B16: case T::U16: case T::S16:
    return Type::getInt16Ty(c);
  case T::B32: case T::U32: case T::S32: case T::TF32:
    return Type::getInt32Ty(c);
  case T::B64: case T::U64: case T::S64:
    return Type::getInt64Ty(c);
  case T::B128:
    return Type::getInt128Ty(c);
  case T::F16:
    return Type::getHalfTy(c);
  case T::BF16:
    return Type::getBFloatTy(c);
  case T::F16x2:
    return FixedVectorType::get(Type::getHalfTy(c), 2);
  case T::BF16x2:
    return FixedVectorType::get(Type::getBFloatTy(c), 2);
  case T::F32:
    return Type::getFloatTy(c);
  case T::F64:
    return Type::getDoubleTy(c);
  case T::None:
    break;
  }
  return Type::getInt32Ty(c);
}

bool isFloat(ptx::Type type) {
  using T = ptx::Type;
  return type == T::F16 || type == T::F16x2 || type == T::BF16 ||
         type == T::BF16x2 || type == T::F32 || type == T::F64;
}

bool isSigned(ptx::Type type) {
  using T = ptx::Type;
  return type == T::S8 || type == T::S16 || type == T::S32 || type == T::S64;
}

unsigned addressSpaceOf(ptx::StateSpace space) {
  switch (space) {
  case ptx::StateSpace::Global:
    return GlobalAS;
  case ptx::StateSpace::Shared:
    return SharedAS;
  case ptx::StateSpace::Const:
    return ConstantAS;
  case ptx::StateSpace::Local:
    return LocalAS;
  default:
    return GenericAS;
  }
}

Type *llvmTypeForDecl(LLVMContext &c, const ptx::VariableDecl &decl) {
  Type *element = llvmTypeFor(c, decl.type);
  if (decl.type == ptx::Type::Pred)
    element = Type::getInt8Ty(c); // predicates in memory take a byte
  if (decl.vectorWidth > 1)
    element = ArrayType::get(element, decl.vectorWidth);
  for (auto dim = decl.arrayDims.rbegin(); dim != decl.arrayDims.rend(); ++dim)
    element = ArrayType::get(element, *dim);
  return element;
}

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

FunctionTranslator::FunctionTranslator(ModuleContext &moduleContext,
                                       const ptx::Function &ptx,
                                       Function &function)
    : mc_(moduleContext), ptx_(ptx), fn_(function), ctx_(function.getContext()),
      b_(function.getContext()) {}

void FunctionTranslator::translate(std::vector<TranslationIssue> &issues) {
  issues_ = &issues;
  allocaBlock_ = BasicBlock::Create(ctx_, "entry", &fn_);
  BasicBlock *body = BasicBlock::Create(ctx_, "body", &fn_);
  b_.SetInsertPoint(allocaBlock_);
  scopes_.push_back(Scope{nextScopeId_++, {}, {}, {}});
  declareParams();
  b_.CreateBr(body);
  b_.SetInsertPoint(body);

  collectLabels(*ptx_.body);
  translateBlock(*ptx_.body);

  // Falling off the end of a body is an implicit return.
  if (!b_.GetInsertBlock()->getTerminator()) {
    if (fn_.getReturnType()->isVoidTy())
      b_.CreateRetVoid();
    else
      b_.CreateRet(returnSlot_ ? static_cast<Value *>(b_.CreateLoad(
                                     fn_.getReturnType(), returnSlot_))
                               : UndefValue::get(fn_.getReturnType()));
  }
}

void FunctionTranslator::declareParams() {
  Scope &scope = scopes_.back();
  for (size_t i = 0; i < ptx_.params.size(); ++i) {
    const ptx::VariableDecl &param = ptx_.params[i];
    Argument *arg = fn_.getArg(i);
    arg->setName(param.name);
    if (arg->getType()->isPointerTy()) {
      // Aggregates arrive as a pointer to their bytes (byval semantics).
      scope.variables[param.name] = arg;
      continue;
    }
    AllocaInst *slot = b_.CreateAlloca(arg->getType(), nullptr, param.name);
    b_.CreateStore(arg, slot);
    scope.variables[param.name] = slot;
  }
  if (!ptx_.returns.empty()) {
    const ptx::VariableDecl &ret = ptx_.returns.front();
    returnSlot_ = b_.CreateAlloca(fn_.getReturnType(), nullptr, ret.name);
    scope.variables[ret.name] = returnSlot_;
  }
}

void FunctionTranslator::collectLabels(const ptx::Block &block) {
  for (const ptx::Statement &statement : block.statements) {
    if (auto *label = std::get_if<ptx::Label>(&statement.node))
      labels_[label->name] = BasicBlock::Create(ctx_, label->name, &fn_);
    else if (auto *nested = std::get_if<ptx::Block>(&statement.node))
      collectLabels(*nested);
  }
}

void FunctionTranslator::translateBlock(const ptx::Block &block) {
  for (const ptx::Statement &statement : block.statements) {
    if (auto *inst = std::get_if<ptx::Instruction>(&statement.node)) {
      translateInstruction(*inst);
    } else if (auto *label = std::get_if<ptx::Label>(&statement.node)) {
      BasicBlock *target = labels_.lookup(label->name);
      if (!b_.GetInsertBlock()->getTerminator())
        b_.CreateBr(target);
      b_.SetInsertPoint(target);
    } else if (auto *decl = std::get_if<ptx::VariableDecl>(&statement.node)) {
      declareLocal(*decl);
    } else if (auto *nested = std::get_if<ptx::Block>(&statement.node)) {
      scopes_.push_back(Scope{nextScopeId_++, {}, {}, {}});
      translateBlock(*nested);
      scopes_.pop_back();
    }
  }
}

void FunctionTranslator::declareLocal(const ptx::VariableDecl &decl) {
  Scope &scope = scopes_.back();
  switch (decl.space) {
  case ptx::StateSpace::Reg:
    if (decl.rangeCount > 0)
      scope.ranges[decl.name] = decl;
    else
      scope.registers[decl.name] = decl;
    return;
  case ptx::StateSpace::Param:
  case ptx::StateSpace::Local: {
    // Call-site parameters and per-thread arrays: stack memory.
    IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
    AllocaInst *slot =
        entry.CreateAlloca(llvmTypeForDecl(ctx_, decl), nullptr, decl.name);
    if (decl.align)
      slot->setAlignment(Align(decl.align));
    scope.variables[decl.name] = slot;
    return;
  }
  case ptx::StateSpace::Shared: {
    // A __shared__ variable nvcc moved into the only kernel that uses it
    // ("demoted variable"): one per block like any other, so a module
    // global in address space 3, named after its function.
    Type *type = llvmTypeForDecl(ctx_, decl);
    auto *global = new GlobalVariable(
        mc_.module, type, /*isConstant=*/false, GlobalValue::InternalLinkage,
        UndefValue::get(type), fn_.getName() + "." + decl.name, nullptr,
        GlobalValue::NotThreadLocal, SharedAS);
    global->setAlignment(Align(decl.align ? decl.align : 4));
    scope.variables[decl.name] = global;
    return;
  }
  default:
    issues_->push_back({decl.loc, "unsupported function-scope declaration of '" +
                                      decl.name + "' in state space ." +
                                      std::string(ptx::stateSpaceName(decl.space))});
  }
}

void FunctionTranslator::startBlockAfterTerminator() {
  b_.SetInsertPoint(BasicBlock::Create(ctx_, "after", &fn_));
}

void FunctionTranslator::translateInstruction(const ptx::Instruction &inst) {
  failed_ = false;
  if (!inst.guard || inst.opcode == "bra") {
    dispatch(inst);
    return;
  }
  // @%p inst  ==>  br %p, then, cont;  then: inst; br cont;  cont:
  ptx::Operand guard;
  guard.kind = ptx::Operand::Kind::Register;
  guard.name = inst.guard->predicate;
  guard.negated = inst.guard->negated;
  guard.loc = inst.loc;
  Value *condition = read(guard, ptx::Type::Pred);
  if (!condition)
    return;
  BasicBlock *then = BasicBlock::Create(ctx_, "guarded", &fn_);
  BasicBlock *cont = BasicBlock::Create(ctx_, "cont", &fn_);
  b_.CreateCondBr(condition, then, cont);
  b_.SetInsertPoint(then);
  dispatch(inst);
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateBr(cont);
  b_.SetInsertPoint(cont);
}

void FunctionTranslator::dispatch(const ptx::Instruction &inst) {
  using Handler = void (FunctionTranslator::*)(const ptx::Instruction &);
  static const StringMap<Handler> handlers = {
      {"add", &FunctionTranslator::translateArith},
      {"sub", &FunctionTranslator::translateArith},
      {"mul", &FunctionTranslator::translateArith},
      {"mad", &FunctionTranslator::translateMad},
      {"fma", &FunctionTranslator::translateMad},
      {"div", &FunctionTranslator::translateDivRem},
      {"rem", &FunctionTranslator::translateDivRem},
      {"min", &FunctionTranslator::translateMinMax},
      {"max", &FunctionTranslator::translateMinMax},
      {"neg", &FunctionTranslator::translateUnary},
      {"abs", &FunctionTranslator::translateUnary},
      {"not", &FunctionTranslator::translateUnary},
      {"cnot", &FunctionTranslator::translateUnary},
      {"popc", &FunctionTranslator::translateUnary},
      {"clz", &FunctionTranslator::translateUnary},
      {"brev", &FunctionTranslator::translateUnary},
      {"sqrt", &FunctionTranslator::translateMathApprox},
      {"rsqrt", &FunctionTranslator::translateMathApprox},
      {"rcp", &FunctionTranslator::translateMathApprox},
      {"sin", &FunctionTranslator::translateMathApprox},
      {"cos", &FunctionTranslator::translateMathApprox},
      {"ex2", &FunctionTranslator::translateMathApprox},
      {"lg2", &FunctionTranslator::translateMathApprox},
      {"and", &FunctionTranslator::translateLogic},
      {"or", &FunctionTranslator::translateLogic},
      {"xor", &FunctionTranslator::translateLogic},
      {"shl", &FunctionTranslator::translateShift},
      {"shr", &FunctionTranslator::translateShift},
      {"bfe", &FunctionTranslator::translateBfe},
      {"bfi", &FunctionTranslator::translateBfi},
      {"setp", &FunctionTranslator::translateSetp},
      {"selp", &FunctionTranslator::translateSelp},
      {"mov", &FunctionTranslator::translateMov},
      {"cvt", &FunctionTranslator::translateCvt},
      {"cvta", &FunctionTranslator::translateCvta},
      {"ld", &FunctionTranslator::translateLoad},
      {"ldu", &FunctionTranslator::translateLoad},
      {"st", &FunctionTranslator::translateStore},
      {"bra", &FunctionTranslator::translateBranch},
      {"ret", &FunctionTranslator::translateReturn},
      {"exit", &FunctionTranslator::translateReturn},
      {"call", &FunctionTranslator::translateCall},
      // --- family: integer and bit ---
      {"addc", &FunctionTranslator::translateCarryArith},
      {"subc", &FunctionTranslator::translateCarryArith},
      {"madc", &FunctionTranslator::translateCarryMad},
      {"bfind", &FunctionTranslator::translateBfind},
      {"fns", &FunctionTranslator::translateFns},
      {"prmt", &FunctionTranslator::translatePrmt},
      {"shf", &FunctionTranslator::translateFunnelShift},
      {"lop3", &FunctionTranslator::translateLop3},
      {"dp4a", &FunctionTranslator::translateDotProduct},
      {"dp2a", &FunctionTranslator::translateDotProduct},
      {"bmsk", &FunctionTranslator::translateBmsk},
      {"szext", &FunctionTranslator::translateSzext},
      {"mul24", &FunctionTranslator::translateMul24},
      {"mad24", &FunctionTranslator::translateMul24},
      {"sad", &FunctionTranslator::translateSad},
      // --- end: integer and bit ---
      // --- family: floating point ---
      {"tanh", &FunctionTranslator::translateMathApprox},
      {"testp", &FunctionTranslator::translateTestp},
      {"copysign", &FunctionTranslator::translateCopysign},
      {"set", &FunctionTranslator::translateSet},
      {"slct", &FunctionTranslator::translateSlct},
      // --- end: floating point ---
      // --- family: memory ---
      {"atom", &FunctionTranslator::translateAtomic},
      {"red", &FunctionTranslator::translateAtomic},
      {"membar", &FunctionTranslator::translateFence},
      {"fence", &FunctionTranslator::translateFence},
      {"prefetch", &FunctionTranslator::translatePrefetch},
      {"prefetchu", &FunctionTranslator::translatePrefetch},
      {"isspacep", &FunctionTranslator::translateIsspacep},
      {"nanosleep", &FunctionTranslator::translateNanosleep},
      // --- end: memory ---
      // --- family: control ---
      {"brx", &FunctionTranslator::translateBranchIndexed},
      {"trap", &FunctionTranslator::translateTrap},
      {"brkpt", &FunctionTranslator::translateTrap},
      {"bar", &FunctionTranslator::translateBarrier},
      {"barrier", &FunctionTranslator::translateBarrier},
      {"shfl", &FunctionTranslator::translateShuffle},
      {"vote", &FunctionTranslator::translateVote},
      {"match", &FunctionTranslator::translateMatch},
      {"activemask", &FunctionTranslator::translateActivemask},
      {"redux", &FunctionTranslator::translateRedux},
      // --- end: control ---
      {"wmma", &FunctionTranslator::translateWmma},
      // --- family: textures ---
      {"tex", &FunctionTranslator::translateTexture},
      {"tld4", &FunctionTranslator::translateGather},
      {"txq", &FunctionTranslator::translateTextureQuery},
      {"suq", &FunctionTranslator::translateTextureQuery},
      {"suld", &FunctionTranslator::translateSurfaceLoad},
      {"sust", &FunctionTranslator::translateSurfaceStore},
      // --- end: textures ---
  };
  auto it = handlers.find(inst.opcode);
  if (it == handlers.end()) {
    unsupported(inst);
    return;
  }
  (this->*(it->second))(inst);
}

void FunctionTranslator::unsupported(const ptx::Instruction &inst,
                                     StringRef why) {
  failed_ = true;
  std::string message = "unsupported instruction '" + inst.spelling() + "'";
  if (!why.empty())
    message += " (" + why.str() + ")";
  issues_->push_back({inst.loc, std::move(message)});
}

void FunctionTranslator::expectOperands(const ptx::Instruction &inst,
                                        size_t count) {
  if (inst.operands.size() != count) {
    failed_ = true;
    issues_->push_back({inst.loc, "'" + inst.spelling() + "' expects " +
                                      std::to_string(count) + " operands, has " +
                                      std::to_string(inst.operands.size())});
  }
}

//===----------------------------------------------------------------------===//
// Registers
//===----------------------------------------------------------------------===//

FunctionTranslator::RegisterSlot *
FunctionTranslator::lookupRegister(StringRef name) {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    const ptx::VariableDecl *decl = nullptr;
    if (auto it = scope->registers.find(name); it != scope->registers.end()) {
      decl = &it->second;
    } else {
      // %r12 belongs to a range declaration %r<N> with N > 12.
      size_t digits = name.size();
      while (digits > 0 && isdigit(static_cast<unsigned char>(name[digits - 1])))
        --digits;
      if (digits == name.size() || digits == 0)
        continue;
      auto range = scope->ranges.find(name.substr(0, digits));
      if (range == scope->ranges.end())
        continue;
      unsigned index = 0;
      StringRef number = name.substr(digits);
      auto [end, ec] = std::from_chars(number.begin(), number.end(), index);
      if (ec != std::errc() || index >= range->second.rangeCount)
        continue;
      decl = &range->second;
    }
    std::string key = std::to_string(scope->id) + ":" + name.str();
    auto [slot, inserted] = slots_.try_emplace(key);
    if (inserted) {
      IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
      Type *type = llvmTypeFor(ctx_, decl->type);
      if (decl->vectorWidth > 1)
        type = FixedVectorType::get(type, decl->vectorWidth);
      slot->second.storage = entry.CreateAlloca(type, nullptr, name);
      slot->second.type = decl->type;
    }
    return &slot->second;
  }
  return nullptr;
}

Value *FunctionTranslator::readRegister(const ptx::Operand &op,
                                        ptx::Type type) {
  RegisterSlot *slot = lookupRegister(op.name);
  if (!slot) {
    failed_ = true;
    issues_->push_back({op.loc, "use of undeclared register '" + op.name + "'"});
    return nullptr;
  }
  Value *value = b_.CreateLoad(slot->storage->getAllocatedType(), slot->storage);
  value = convertBits(value, slot->type, type);
  if (op.negated)
    value = b_.CreateNot(value);
  return value;
}

Value *FunctionTranslator::readSpecialRegister(const ptx::Operand &op,
                                               ptx::Type type) {
  static const char *const axes[] = {"x", "y", "z", "w"};
  std::string sreg = StringRef(op.name).drop_front().str(); // drop '%'
  bool hasAxis = sreg == "tid" || sreg == "ntid" || sreg == "ctaid" ||
                 sreg == "nctaid";
  if (hasAxis) {
    if (op.component < 0 || op.component > 2) {
      failed_ = true;
      issues_->push_back({op.loc, "special register '" + op.name +
                                      "' needs a component .x, .y or .z"});
      return nullptr;
    }
    sreg += std::string(".") + axes[op.component];
  }
  // %globaltimer_lo/_hi are the halves of the 64-bit %globaltimer.
  int timerHalf = sreg == "globaltimer_lo" ? 0 : sreg == "globaltimer_hi" ? 1 : -1;
  if (timerHalf >= 0)
    sreg = "globaltimer";
  // LLVM 19 declares %gridid 32-bit; PTX's register is 64-bit (zero-extended).
  bool is64 = sreg == "clock64" || sreg == "globaltimer";
  // Registers whose value changes while a thread runs must not be merged
  // or hoisted: they read inaccessible memory instead of none.
  bool isVolatile = sreg == "clock" || sreg == "clock64" ||
                    sreg == "globaltimer" || sreg == "smid" ||
                    sreg == "warpid";
  Type *resultType = is64 ? b_.getInt64Ty() : b_.getInt32Ty();
  std::string intrinsic = std::string(kSregPrefix) + sreg;
  FunctionCallee callee = mc_.module.getOrInsertFunction(
      intrinsic, FunctionType::get(resultType, false));
  if (auto *f = dyn_cast<Function>(callee.getCallee())) {
    if (isVolatile)
      f->setOnlyAccessesInaccessibleMemory();
    else
      f->setDoesNotAccessMemory();
    f->setDoesNotThrow();
  }
  Value *value = b_.CreateCall(callee);
  if (timerHalf >= 0) {
    value = b_.CreateTrunc(b_.CreateLShr(value, timerHalf * 32), b_.getInt32Ty());
    is64 = false;
  }
  return convertBits(value, is64 ? ptx::Type::U64 : ptx::Type::U32, type);
}

/// Special registers PTX predefines. A name is only special when no
/// declaration in scope shadows it.
static bool isSpecialRegisterName(StringRef name) {
  // %envreg0 .. %envreg31.
  if (unsigned index = 0; name.consume_front("%envreg") &&
                          !name.getAsInteger(10, index) && index < 32)
    return true;
  return StringSwitch<bool>(name)
      .Cases("%tid", "%ntid", "%ctaid", "%nctaid", true)
      .Cases("%laneid", "%warpid", "%nwarpid", "%smid", "%nsmid", true)
      .Cases("%gridid", "%clock", "%clock64", "%globaltimer", true)
      .Cases("%lanemask_eq", "%lanemask_le", "%lanemask_lt", true)
      .Cases("%lanemask_ge", "%lanemask_gt", "%dynamic_smem_size", true)
      .Cases("%total_smem_size", "%warpsize", "%globaltimer_lo", true)
      .Cases("%globaltimer_hi", "%aggr_smem_size", true)
      .Default(false);
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

Value *FunctionTranslator::convertBits(Value *value, ptx::Type from,
                                       ptx::Type to) {
  Type *target = llvmTypeFor(ctx_, to);
  if (value->getType() == target)
    return value;
  unsigned fromBits = value->getType()->getPrimitiveSizeInBits();
  unsigned toBits = target->getPrimitiveSizeInBits();
  if (fromBits == toBits)
    return b_.CreateBitCast(value, target);
  Value *bits = b_.CreateBitCast(value, b_.getIntNTy(fromBits));
  if (toBits < fromBits)
    bits = b_.CreateTrunc(bits, b_.getIntNTy(toBits));
  else if (isSigned(from))
    bits = b_.CreateSExt(bits, b_.getIntNTy(toBits));
  else
    bits = b_.CreateZExt(bits, b_.getIntNTy(toBits));
  return b_.CreateBitCast(bits, target);
}

Value *FunctionTranslator::readImmediate(const ptx::Operand &op,
                                         ptx::Type type) {
  Type *target = llvmTypeFor(ctx_, type);
  unsigned bits = target->getPrimitiveSizeInBits();
  if (op.kind == ptx::Operand::Kind::Immediate) {
    if (target->isFloatingPointTy())
      return ConstantFP::get(target, op.isNegativeInt
                                         ? double(int64_t(op.intValue))
                                         : double(op.intValue));
    if (target->isIntegerTy(1))
      return b_.getInt1(op.intValue != 0);
    if (target->isIntegerTy())
      return ConstantInt::get(target, op.intValue, /*signed=*/false);
    return ConstantExpr::getBitCast(
        ConstantInt::get(b_.getIntNTy(bits), op.intValue), target);
  }
  // Float immediate: build it exactly in its written format, then convert.
  APFloat value(op.floatValue);
  if (op.isF32Bits)
    value = APFloat(APFloat::IEEEsingle(), APInt(32, op.intValue));
  else if (op.isF64Bits)
    value = APFloat(APFloat::IEEEdouble(), APInt(64, op.intValue));
  if (target->isIntegerTy()) {
    // mov.b32 %r, 0f3F800000: the bits themselves.
    APInt raw = value.bitcastToAPInt();
    return ConstantInt::get(target, raw.zextOrTrunc(bits));
  }
  if (!target->isFloatingPointTy()) {
    failed_ = true;
    issues_->push_back({op.loc, "float immediate for non-float operand"});
    return nullptr;
  }
  bool losesInfo = false;
  value.convert(target->getFltSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return ConstantFP::get(target, value);
}

Value *FunctionTranslator::variableAddress(StringRef name) {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope)
    if (auto it = scope->variables.find(name); it != scope->variables.end())
      return it->second;
  if (GlobalVariable *global = mc_.globals.lookup(name))
    return global;
  return nullptr;
}

Value *FunctionTranslator::symbolAddress(StringRef name) {
  if (Value *variable = variableAddress(name))
    return variable;
  if (Function *function = mc_.functions.lookup(name))
    return function;
  return nullptr;
}

Value *FunctionTranslator::read(const ptx::Operand &op, ptx::Type type) {
  using K = ptx::Operand::Kind;
  switch (op.kind) {
  case K::Register:
    if (isSpecialRegisterName(op.name) && !lookupRegister(op.name))
      return readSpecialRegister(op, type);
    return readRegister(op, type);
  case K::Immediate:
  case K::FloatImm:
    return readImmediate(op, type);
  case K::Symbol: {
    if (op.name == "WARP_SZ")
      return ConstantInt::get(llvmTypeFor(ctx_, type), 32);
    Value *address = symbolAddress(op.name);
    if (!address) {
      failed_ = true;
      issues_->push_back({op.loc, "unknown symbol '" + op.name + "'"});
      return nullptr;
    }
    Value *integer = b_.CreatePtrToInt(address, b_.getInt64Ty());
    if (op.offset)
      integer = b_.CreateAdd(integer, b_.getInt64(op.offset));
    return convertBits(integer, ptx::Type::U64, type);
  }
  default:
    failed_ = true;
    issues_->push_back({op.loc, "operand kind not valid here"});
    return nullptr;
  }
}

void FunctionTranslator::write(const ptx::Operand &dst, Value *value,
                               ptx::Type type) {
  if (!value || dst.kind == ptx::Operand::Kind::Sink)
    return;
  if (dst.kind != ptx::Operand::Kind::Register) {
    failed_ = true;
    issues_->push_back({dst.loc, "destination must be a register"});
    return;
  }
  RegisterSlot *slot = lookupRegister(dst.name);
  if (!slot) {
    failed_ = true;
    issues_->push_back({dst.loc, "write to undeclared register '" + dst.name + "'"});
    return;
  }
  ptx::Type storedAs = slot->type;
  Value *stored = convertBits(value, type, storedAs);
  if (stored->getType() != slot->storage->getAllocatedType())
    stored = b_.CreateBitCast(stored, slot->storage->getAllocatedType());
  b_.CreateStore(stored, slot->storage);
}

Value *FunctionTranslator::address(const ptx::Operand &op,
                                   ptx::StateSpace space) {
  if (op.kind != ptx::Operand::Kind::Address) {
    failed_ = true;
    issues_->push_back({op.loc, "expected an address operand [..]"});
    return nullptr;
  }
  unsigned as = addressSpaceOf(space);
  PointerType *pointerType = PointerType::get(ctx_, as);
  Value *base = nullptr;
  if (op.name.empty()) {
    base = b_.CreateIntToPtr(b_.getInt64(op.offset), pointerType);
    return base;
  }
  if (op.addressIsRegister) {
    RegisterSlot *slot = lookupRegister(op.name);
    if (!slot) {
      failed_ = true;
      issues_->push_back({op.loc, "use of undeclared register '" + op.name + "'"});
      return nullptr;
    }
    Value *integer = readRegister(op, slot->type);
    if (integer->getType()->getPrimitiveSizeInBits() < 64)
      integer = b_.CreateZExt(b_.CreateBitCast(integer, b_.getIntNTy(
                                  integer->getType()->getPrimitiveSizeInBits())),
                              b_.getInt64Ty());
    else
      integer = b_.CreateBitCast(integer, b_.getInt64Ty());
    base = b_.CreateIntToPtr(integer, pointerType);
  } else {
    base = variableAddress(op.name);
    if (!base) {
      failed_ = true;
      issues_->push_back({op.loc, "unknown variable '" + op.name + "'"});
      return nullptr;
    }
    if (space != ptx::StateSpace::Param &&
        base->getType()->getPointerAddressSpace() != as)
      base = b_.CreateAddrSpaceCast(base, pointerType);
  }
  if (op.offset)
    base = b_.CreateGEP(b_.getInt8Ty(), base, b_.getInt64(op.offset));
  return base;
}

} // namespace cuport::translate
