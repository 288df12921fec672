//===- translate/PtxToNvvm.cpp - Module-level translation -----------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Input: a ptx::Module. Output: an NVVM-form llvm::Module plus kernel and
// global descriptors. This file creates the module's globals and function
// signatures (so bodies can refer to anything in the module, in any order),
// hands each body to a FunctionTranslator, then derives each kernel's
// descriptor from the functions it reaches.
//
//===----------------------------------------------------------------------===//
#include "translate/PtxToNvvm.h"

#include "ptx/Ast.h"
#include "translate/FunctionTranslator.h"
#include "translate/SharedMemoryLayout.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace cuport::translate {

namespace {

constexpr const char *kNvptxTriple = "nvptx64-nvidia-cuda";
constexpr const char *kNvptxDataLayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64";

uint32_t naturalAlign(const ptx::VariableDecl &decl) {
  if (decl.align)
    return decl.align;
  unsigned bits = ptx::typeBits(decl.type) * decl.vectorWidth;
  return std::max<uint32_t>(1, bits / 8);
}

bool isAggregateParam(const ptx::VariableDecl &decl) {
  return !decl.arrayDims.empty() || decl.vectorWidth > 1;
}

GlobalValue::LinkageTypes linkageFor(ptx::Linkage linkage, bool hasBody) {
  switch (linkage) {
  case ptx::Linkage::Internal:
    return hasBody ? GlobalValue::InternalLinkage : GlobalValue::ExternalLinkage;
  case ptx::Linkage::Weak:
    return GlobalValue::WeakAnyLinkage;
  case ptx::Linkage::Common:
    return GlobalValue::CommonLinkage;
  case ptx::Linkage::Visible:
  case ptx::Linkage::Extern:
    return GlobalValue::ExternalLinkage;
  }
  return GlobalValue::ExternalLinkage;
}

/// Calls `visit` for each global variable `value` refers to, looking through
/// constant expressions (GEPs with offsets, ptrtoint, casts).
template <typename Visitor> void forEachGlobal(Value *value, Visitor &&visit) {
  if (auto *global = dyn_cast<GlobalVariable>(value))
    return visit(global);
  if (auto *expr = dyn_cast<ConstantExpr>(value))
    for (Value *operand : expr->operands())
      forEachGlobal(operand, visit);
}

class ModuleTranslator {
public:
  ModuleTranslator(const ptx::Module &ptx, LLVMContext &context,
                   StringRef sourceName,
                   std::vector<TranslationProblem> *problems)
      : ptx_(ptx), context_(context), sourceName_(sourceName),
        problems_(problems),
        module_(std::make_unique<Module>(sourceName, context)),
        mc_{*module_, ptx, {}, {}, {}} {
    module_->setTargetTriple(kNvptxTriple);
    module_->setDataLayout(kNvptxDataLayout);
  }

  Expected<TranslatedModule> run();

private:
  void declareGlobal(const ptx::VariableDecl &decl);
  Constant *initializerFor(const ptx::VariableDecl &decl, Type *&type);
  void declareFunction(const ptx::Function &function);
  KernelDescriptor describeKernel(const ptx::Function &kernel);
  Error issuesAsError() const;

  const ptx::Module &ptx_;
  LLVMContext &context_;
  std::string sourceName_;
  std::vector<TranslationProblem> *problems_;
  std::unique_ptr<Module> module_;
  ModuleContext mc_;
  std::vector<TranslationIssue> issues_;
  DenseMap<Function *, uint32_t> features_;
  std::vector<GlobalDescriptor> globals_;
};

Expected<TranslatedModule> ModuleTranslator::run() {
  // Functions first: a global's initializer may hold function addresses
  // (`__device__ fn_t table[] = {f, g};`).
  for (const ptx::Function &function : ptx_.functions)
    declareFunction(function);
  for (const ptx::VariableDecl &global : ptx_.globals)
    declareGlobal(global);

  for (const ptx::Function &function : ptx_.functions) {
    if (!function.body)
      continue;
    Function *llvmFunction = mc_.functions.lookup(function.name);
    if (!llvmFunction->empty()) {
      issues_.push_back({function.loc, "function '" + function.name +
                                           "' is defined twice"});
      continue;
    }
    FunctionTranslator translator(mc_, function, *llvmFunction);
    translator.translate(issues_);
    features_[llvmFunction] = translator.features();
  }
  if (problems_)
    for (const TranslationIssue &issue : issues_)
      problems_->push_back({issue.loc.line, issue.loc.column, issue.message});
  if (!issues_.empty())
    return issuesAsError();

  std::string verifierMessage;
  raw_string_ostream verifierStream(verifierMessage);
  if (verifyModule(*module_, &verifierStream))
    return createStringError(inconvertibleErrorCode(),
                             "%s: internal error, the translated module is "
                             "invalid: %s",
                             sourceName_.c_str(), verifierMessage.c_str());

  TranslatedModule result;
  for (const ptx::Function &function : ptx_.functions)
    if (function.isKernel && function.body)
      result.kernels.push_back(describeKernel(function));
  result.globals = std::move(globals_);
  for (const auto &[function, features] : features_)
    result.functionFeatures[function] = features;
  result.module = std::move(module_);
  return result;
}

Constant *ModuleTranslator::initializerFor(const ptx::VariableDecl &decl,
                                           Type *&type) {
  if (decl.init.empty())
    return decl.space == ptx::StateSpace::Shared ? UndefValue::get(type)
                                                 : Constant::getNullValue(type);
  // Initialized variables are laid out as a flat array of their elements;
  // the bytes are the same as for the nested type.
  Type *element = llvmTypeFor(context_, decl.type);
  uint64_t count = std::max<uint64_t>(
      1, decl.sizeInBytes() / std::max(1u, ptx::typeBits(decl.type) / 8));
  std::vector<Constant *> values;
  for (const ptx::Initializer &init : decl.init) {
    Constant *value = nullptr;
    switch (init.kind) {
    case ptx::Initializer::Kind::Integer:
      value = element->isFloatingPointTy()
                  ? ConstantFP::get(element, double(int64_t(init.intValue)))
                  : ConstantInt::get(element, init.intValue);
      break;
    case ptx::Initializer::Kind::Float: {
      APFloat f(init.floatValue);
      if (init.isF32Bits)
        f = APFloat(APFloat::IEEEsingle(), APInt(32, init.intValue));
      else if (init.isF64Bits)
        f = APFloat(APFloat::IEEEdouble(), APInt(64, init.intValue));
      if (element->isFloatingPointTy()) {
        bool losesInfo;
        f.convert(element->getFltSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
        value = ConstantFP::get(element, f);
      } else {
        value = ConstantInt::get(element,
                                 f.bitcastToAPInt().zextOrTrunc(
                                     element->getIntegerBitWidth()));
      }
      break;
    }
    case ptx::Initializer::Kind::Symbol: {
      Constant *target = mc_.globals.lookup(init.symbol);
      if (!target)
        target = mc_.functions.lookup(init.symbol);
      if (!target || !element->isIntegerTy()) {
        issues_.push_back({decl.loc, "initializer of '" + decl.name +
                                         "' refers to unknown symbol '" +
                                         init.symbol + "'"});
        return Constant::getNullValue(type);
      }
      Constant *address = ConstantExpr::getPtrToInt(target, element);
      if (init.offset)
        address = ConstantExpr::getAdd(address,
                                       ConstantInt::get(element, init.offset));
      value = address;
      break;
    }
    }
    values.push_back(value);
  }
  if (values.size() > count) {
    issues_.push_back({decl.loc, "too many initializers for '" + decl.name + "'"});
    values.resize(count);
  }
  while (values.size() < count)
    values.push_back(Constant::getNullValue(element));
  auto *array = ArrayType::get(element, count);
  type = array;
  return ConstantArray::get(array, values);
}

void ModuleTranslator::declareGlobal(const ptx::VariableDecl &decl) {
  unsigned as = addressSpaceOf(decl.space);
  if (as == GenericAS) {
    issues_.push_back({decl.loc, "unsupported module-scope variable '" +
                                     decl.name + "' in state space ." +
                                     std::string(ptx::stateSpaceName(decl.space))});
    return;
  }
  Type *type = llvmTypeForDecl(context_, decl);
  bool external = decl.linkage == ptx::Linkage::Extern;
  Constant *init = external ? nullptr : initializerFor(decl, type);
  auto *global = new GlobalVariable(
      *module_, type, decl.space == ptx::StateSpace::Const, linkageFor(decl.linkage, true),
      init, decl.name, nullptr, GlobalValue::NotThreadLocal, as);
  if (external)
    global->setLinkage(GlobalValue::ExternalLinkage);
  // LLVM's common linkage requires a zero initializer; an initialized
  // .common variable keeps the one-definition-wins behaviour as weak.
  if (global->hasCommonLinkage() && !global->getInitializer()->isNullValue())
    global->setLinkage(GlobalValue::WeakAnyLinkage);
  global->setAlignment(Align(naturalAlign(decl)));
  mc_.globals[decl.name] = global;
  globals_.push_back({decl.name, as, decl.sizeInBytes(), external});
}

void ModuleTranslator::declareFunction(const ptx::Function &function) {
  if (function.body || !mc_.ptxFunctions.count(function.name))
    mc_.ptxFunctions[function.name] = &function;
  if (Function *existing = mc_.functions.lookup(function.name)) {
    if (function.body)
      existing->setLinkage(linkageFor(function.linkage, true));
    return;
  }
  std::vector<Type *> params;
  for (const ptx::VariableDecl &param : function.params)
    params.push_back(isAggregateParam(param)
                         ? PointerType::get(context_, GenericAS)
                         : llvmTypeFor(context_, param.type));
  Type *returnType = Type::getVoidTy(context_);
  if (!function.returns.empty()) {
    const ptx::VariableDecl &ret = function.returns.front();
    returnType = isAggregateParam(ret) ? llvmTypeForDecl(context_, ret)
                                       : llvmTypeFor(context_, ret.type);
  }
  if (function.returns.size() > 1)
    issues_.push_back({function.loc, "function '" + function.name +
                                         "' returns more than one value"});
  auto *type = FunctionType::get(returnType, params, false);
  Function *llvmFunction =
      Function::Create(type, linkageFor(function.linkage, function.body.has_value()),
                       function.name, *module_);
  if (function.isKernel)
    llvmFunction->setCallingConv(CallingConv::PTX_Kernel);
  mc_.functions[function.name] = llvmFunction;
}

KernelDescriptor ModuleTranslator::describeKernel(const ptx::Function &kernel) {
  KernelDescriptor descriptor;
  descriptor.name = kernel.name;
  uint32_t offset = 0;
  for (const ptx::VariableDecl &param : kernel.params) {
    ParamDescriptor pd;
    pd.align = naturalAlign(param);
    pd.size = static_cast<uint32_t>(param.sizeInBytes());
    pd.isAggregate = isAggregateParam(param);
    offset = (offset + pd.align - 1) / pd.align * pd.align;
    pd.offset = offset;
    offset += pd.size;
    descriptor.params.push_back(pd);
  }
  descriptor.argBufferSize = offset;
  const ptx::Tuning &tuning = kernel.tuning;
  const uint32_t *dims = tuning.reqntid[0] ? tuning.reqntid : tuning.maxntid;
  if (dims[0])
    descriptor.maxThreadsPerBlock =
        dims[0] * std::max(1u, dims[1]) * std::max(1u, dims[2]);
  summarizeKernelUses(
      *mc_.functions.lookup(kernel.name),
      [&](const Function *function) {
        return features_.lookup(const_cast<Function *>(function));
      },
      descriptor);
  return descriptor;
}

Error ModuleTranslator::issuesAsError() const {
  constexpr size_t kShown = 20;
  std::string message;
  for (size_t i = 0; i < issues_.size() && i < kShown; ++i) {
    const TranslationIssue &issue = issues_[i];
    if (!message.empty())
      message += "\n";
    message += sourceName_ + ":" + std::to_string(issue.loc.line) + ":" +
               std::to_string(issue.loc.column) + ": " + issue.message;
  }
  if (issues_.size() > kShown)
    message += "\n... and " + std::to_string(issues_.size() - kShown) +
               " more problems";
  return createStringError(inconvertibleErrorCode(), message);
}

} // namespace

Expected<TranslatedModule>
translateToNvvm(const ptx::Module &ptx, LLVMContext &context,
                StringRef sourceName, std::vector<TranslationProblem> *problems) {
  return ModuleTranslator(ptx, context, sourceName, problems).run();
}

/// The functions defined in `root`'s module that `root` calls directly or
/// through other defined functions, `root` first.
static SetVector<Function *> reachableFrom(Function *root) {
  SetVector<Function *> reached;
  reached.insert(root);
  for (size_t i = 0; i < reached.size(); ++i)
    for (Instruction &inst : instructions(*reached[i]))
      if (auto *call = dyn_cast<CallBase>(&inst))
        if (Function *callee = call->getCalledFunction())
          if (!callee->isDeclaration())
            reached.insert(callee);
  return reached;
}

void summarizeKernelUses(Function &kernel,
                         function_ref<uint32_t(const Function *)> featuresOf,
                         KernelDescriptor &descriptor) {
  const DataLayout &layout = kernel.getParent()->getDataLayout();
  descriptor.features = 0;
  descriptor.staticSharedBytes = 0;
  SmallPtrSet<GlobalVariable *, 8> sharedSeen;
  for (Function *function : reachableFrom(&kernel)) {
    descriptor.features |= featuresOf(function);
    for (Instruction &inst : instructions(*function))
      for (Value *operand : inst.operands())
        forEachGlobal(operand, [&](GlobalVariable *global) {
          if (global->getAddressSpace() == SharedAS)
            sharedSeen.insert(global);
        });
  }
  // The same layout the CPU lowering uses (SharedMemoryLayout.h).
  SharedMemoryLayout shared = layOutSharedMemory(sharedSeen, layout);
  if (shared.usesDynamic)
    descriptor.features |= UsesDynamicShared;
  descriptor.staticSharedBytes = static_cast<uint32_t>(shared.staticBytes);
}

} // namespace cuport::translate
