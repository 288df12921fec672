//===- translate/LinkModules.cpp - Several PTX units, one module ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// In: one translated NVVM-form module per translation unit (all in one
// LLVMContext) with its descriptors. Out: the units linked by llvm::Linker
// into the first one, with the descriptors of the program.
//
// The linker renames and drops symbols (internal clashes get ".N", weak and
// common duplicates disappear), so the descriptors cannot be matched by name
// afterwards. Before linking, every described kernel and global and every
// function's feature bits are tagged with metadata; the linker carries the
// tags with the definitions it keeps; after linking the descriptors are
// rebuilt from the tags found, and the tags are removed.
//
//===----------------------------------------------------------------------===//
#include "translate/LinkModules.h"

#include "ptx/Ast.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace cuport::translate {

namespace {

constexpr const char *kFeaturesTag = "cuport.link.features";
constexpr const char *kKernelTag = "cuport.link.kernel";
constexpr const char *kGlobalTag = "cuport.link.global";

Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

std::string unitName(ArrayRef<std::string> names, size_t index) {
  if (index < names.size() && !names[index].empty())
    return names[index];
  return "unit" + std::to_string(index) + ".ptx";
}

/// A descriptor's place: (unit, index in that unit's list).
using Slot = std::pair<uint32_t, uint32_t>;

MDNode *slotNode(LLVMContext &context, Slot slot) {
  Type *i32 = Type::getInt32Ty(context);
  return MDNode::get(context,
                     {ConstantAsMetadata::get(ConstantInt::get(i32, slot.first)),
                      ConstantAsMetadata::get(ConstantInt::get(i32, slot.second))});
}

uint32_t nodeValue(const MDNode *node, unsigned operand) {
  return static_cast<uint32_t>(
      mdconst::extract<ConstantInt>(node->getOperand(operand))->getZExtValue());
}

/// Attaches the tags that survive linking (see the file comment).
void tagUnit(TranslatedModule &unit, uint32_t index) {
  Module &module = *unit.module;
  LLVMContext &context = module.getContext();
  for (const auto &[function, features] : unit.functionFeatures)
    if (features)
      const_cast<Function *>(function)->setMetadata(
          kFeaturesTag, slotNode(context, {features, 0}));
  for (uint32_t i = 0; i < unit.kernels.size(); ++i)
    if (Function *kernel = module.getFunction(unit.kernels[i].name))
      kernel->setMetadata(kKernelTag, slotNode(context, {index, i}));
  for (uint32_t i = 0; i < unit.globals.size(); ++i) {
    const GlobalDescriptor &global = unit.globals[i];
    if (global.isExternal)
      continue;
    if (GlobalVariable *variable =
            module.getGlobalVariable(global.name, /*AllowInternal=*/true))
      variable->setMetadata(kGlobalTag, slotNode(context, {index, i}));
  }
}

void removeTags(Module &module) {
  for (Function &function : module) {
    function.setMetadata(kFeaturesTag, nullptr);
    function.setMetadata(kKernelTag, nullptr);
  }
  for (GlobalVariable &variable : module.globals())
    variable.setMetadata(kGlobalTag, nullptr);
}

/// Collects the errors llvm::Linker reports through the context (it would
/// otherwise print them and exit the process) while it is alive.
class LinkDiagnostics {
public:
  explicit LinkDiagnostics(LLVMContext &context)
      : context_(context), previous_(context.getDiagnosticHandler()) {
    context_.setDiagnosticHandler(std::make_unique<Collector>(errors_));
  }
  ~LinkDiagnostics() { context_.setDiagnosticHandler(std::move(previous_)); }
  LinkDiagnostics(const LinkDiagnostics &) = delete;
  LinkDiagnostics &operator=(const LinkDiagnostics &) = delete;

  /// The errors so far, one per line; empty if none.
  std::string takeErrors() { return std::exchange(errors_, {}); }

private:
  struct Collector final : DiagnosticHandler {
    explicit Collector(std::string &errors) : errors(errors) {}
    bool handleDiagnostics(const DiagnosticInfo &info) override {
      if (info.getSeverity() != DS_Error)
        return true; // warnings (e.g. differing data layouts) are dropped
      raw_string_ostream stream(errors);
      if (!errors.empty())
        stream << "\n";
      DiagnosticPrinterRawOStream printer(stream);
      info.print(printer);
      return true;
    }
    std::string &errors;
  };

  LLVMContext &context_;
  std::unique_ptr<DiagnosticHandler> previous_;
  std::string errors_;
};

/// "_Z6addOnei (addOne(int))" for mangled names, the name itself otherwise.
std::string describeSymbol(StringRef name) {
  std::string demangled = demangle(name);
  if (demangled == name)
    return "'" + name.str() + "'";
  return "'" + name.str() + "' (" + demangled + ")";
}

/// Which unit first declared each external symbol, for the messages.
using Declarers = StringMap<uint32_t>;

void recordDeclarations(const Module &module, uint32_t index,
                        Declarers &declarers) {
  for (const Function &function : module)
    if (function.isDeclaration() && !function.isIntrinsic())
      declarers.try_emplace(function.getName(), index);
  for (const GlobalVariable &variable : module.globals())
    if (variable.isDeclaration())
      declarers.try_emplace(variable.getName(), index);
}

/// Every symbol still undefined after linking that nothing else provides.
Error checkUndefined(const Module &linked, const Declarers &declarers,
                     ArrayRef<std::string> names) {
  std::string message;
  auto report = [&](StringRef kind, StringRef name) {
    if (!message.empty())
      message += "\n";
    auto declarer = declarers.find(name);
    message += declarer == declarers.end()
                   ? std::string("<linked module>")
                   : unitName(names, declarer->second);
    message += ": undefined " + kind.str() + " " + describeSymbol(name) +
               ": it is declared .extern but no translation unit defines it";
  };
  for (const Function &function : linked)
    if (function.isDeclaration() && !function.isIntrinsic() &&
        !function.use_empty() && !isDeviceRuntimeFunction(function.getName()))
      report("device function", function.getName());
  for (const GlobalVariable &variable : linked.globals())
    if (variable.isDeclaration() && !variable.use_empty() &&
        variable.getAddressSpace() != SharedAS)
      report("device variable", variable.getName());
  if (message.empty())
    return Error::success();
  return makeError(message);
}

struct UnitDescriptors {
  std::vector<KernelDescriptor> kernels;
  std::vector<GlobalDescriptor> globals;
};

/// The kernel descriptors of the linked program, in unit order.
std::vector<KernelDescriptor>
linkedKernels(Module &linked, ArrayRef<UnitDescriptors> units) {
  DenseMap<Slot, Function *> bySlot;
  for (Function &function : linked)
    if (MDNode *tag = function.getMetadata(kKernelTag))
      bySlot[{nodeValue(tag, 0), nodeValue(tag, 1)}] = &function;
  auto featuresOf = [](const Function *function) -> uint32_t {
    MDNode *tag = function->getMetadata(kFeaturesTag);
    return tag ? nodeValue(tag, 0) : 0;
  };
  std::vector<KernelDescriptor> kernels;
  for (uint32_t unit = 0; unit < units.size(); ++unit)
    for (uint32_t i = 0; i < units[unit].kernels.size(); ++i) {
      Function *kernel = bySlot.lookup({unit, i});
      if (!kernel)
        continue; // a .weak duplicate the linker dropped
      KernelDescriptor descriptor = units[unit].kernels[i];
      descriptor.name = kernel->getName().str();
      summarizeKernelUses(*kernel, featuresOf, descriptor);
      kernels.push_back(std::move(descriptor));
    }
  return kernels;
}

/// The global descriptors of the linked program, in unit order: every
/// definition that survived linking, then declarations left undefined
/// (dynamic shared memory), once per name.
std::vector<GlobalDescriptor>
linkedGlobals(Module &linked, ArrayRef<UnitDescriptors> units) {
  DenseMap<Slot, GlobalVariable *> bySlot;
  for (GlobalVariable &variable : linked.globals())
    if (MDNode *tag = variable.getMetadata(kGlobalTag))
      bySlot[{nodeValue(tag, 0), nodeValue(tag, 1)}] = &variable;
  const DataLayout &layout = linked.getDataLayout();
  std::vector<GlobalDescriptor> globals;
  StringSet<> externals;
  for (uint32_t unit = 0; unit < units.size(); ++unit)
    for (uint32_t i = 0; i < units[unit].globals.size(); ++i) {
      GlobalDescriptor descriptor = units[unit].globals[i];
      if (descriptor.isExternal) {
        GlobalVariable *variable = linked.getNamedGlobal(descriptor.name);
        if (variable && variable->isDeclaration() &&
            externals.insert(descriptor.name).second)
          globals.push_back(std::move(descriptor));
        continue;
      }
      GlobalVariable *variable = bySlot.lookup({unit, i});
      if (!variable)
        continue; // a .weak or .common duplicate the linker dropped
      descriptor.name = variable->getName().str();
      // .common: the linker kept the largest definition.
      descriptor.size = std::max<uint64_t>(
          descriptor.size, layout.getTypeAllocSize(variable->getValueType()));
      globals.push_back(std::move(descriptor));
    }
  return globals;
}

} // namespace

bool isDeviceRuntimeFunction(StringRef name) {
  if (StringSwitch<bool>(name)
          .Cases("vprintf", "__assertfail", "malloc", "free",
                 "__cuda_syscall_aligned_malloc", true)
          .Default(false))
    return true;
  // The device-side runtime API of dynamic parallelism (libcudadevrt).
  // cuport's own device services, defined by the backend.
  if (name.starts_with("__cuport_"))
    return true;
  return name.starts_with("cuda") || name.starts_with("__cudaCDP");
}

Expected<TranslatedModule>
linkTranslatedModules(std::vector<TranslatedModule> units,
                      ArrayRef<std::string> sourceNames) {
  if (units.empty())
    return makeError("no module to link");
  Declarers declarers;
  std::vector<UnitDescriptors> descriptors;
  for (uint32_t i = 0; i < units.size(); ++i) {
    tagUnit(units[i], i);
    recordDeclarations(*units[i].module, i, declarers);
    descriptors.push_back(
        {std::move(units[i].kernels), std::move(units[i].globals)});
  }

  std::unique_ptr<Module> linked = std::move(units.front().module);
  {
    LinkDiagnostics diagnostics(linked->getContext());
    for (uint32_t i = 1; i < units.size(); ++i) {
      if (&units[i].module->getContext() != &linked->getContext())
        return makeError(unitName(sourceNames, i) +
                         ": internal error, modules to link live in "
                         "different LLVM contexts");
      bool failed = Linker::linkModules(*linked, std::move(units[i].module));
      std::string errors = diagnostics.takeErrors();
      if (failed)
        return makeError("cannot link " + unitName(sourceNames, i) +
                         " with the translation units before it: " +
                         (errors.empty() ? std::string("unknown error")
                                         : errors));
    }
  }

  if (Error error = checkUndefined(*linked, declarers, sourceNames))
    return error;

  TranslatedModule result;
  result.kernels = linkedKernels(*linked, descriptors);
  result.globals = linkedGlobals(*linked, descriptors);
  for (Function &function : *linked)
    if (MDNode *tag = function.getMetadata(kFeaturesTag))
      result.functionFeatures[&function] = nodeValue(tag, 0);
  removeTags(*linked);

  std::string verifierMessage;
  raw_string_ostream verifierStream(verifierMessage);
  if (verifyModule(*linked, &verifierStream))
    return makeError("internal error, the linked module is invalid: " +
                     verifierMessage);
  result.module = std::move(linked);
  return result;
}

Expected<TranslatedModule>
translateAndLink(ArrayRef<const ptx::Module *> modules,
                 ArrayRef<std::string> sourceNames, LLVMContext &context) {
  if (modules.empty())
    return makeError("no PTX module to translate");
  std::vector<TranslatedModule> units;
  std::string problems;
  for (size_t i = 0; i < modules.size(); ++i) {
    auto unit = translateToNvvm(*modules[i], context, unitName(sourceNames, i));
    if (!unit) {
      problems += (problems.empty() ? "" : "\n") + toString(unit.takeError());
      continue;
    }
    units.push_back(std::move(*unit));
  }
  if (!problems.empty())
    return makeError(problems);
  return linkTranslatedModules(std::move(units), sourceNames);
}

} // namespace cuport::translate
