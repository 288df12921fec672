//===- translate/TextureFamily.cpp - tex, tld4, txq, suld, sust, suq ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Texture and surface instructions on texture objects (unified mode: the
// handle is a 64-bit register, a cudaTextureObject_t or
// cudaSurfaceObject_t). Each becomes a call of a texture service
// (cuport/TextureDescriptor.h) that the backend defines: the handle points
// at a descriptor the runtime filled, so sampling, address modes and texel
// formats are the backend's business, not the translator's.
//
// The coordinate vectors of the geometries, as PTX lays them out:
//   .1d {x}   .2d {x, y}   .3d {x, y, z, _}   .a1d {layer, x}
//   .a2d {layer, x, y, _}   .cube {x, y, z, _}   .acube {layer, x, y, z}
// The results land in a 16-byte stack buffer and are read back into the
// destination registers. suld/sust .trap out of range calls llvm.trap
// (which the CPU lowering turns into a launch failure).
//
// tex.level passes its level of detail and tex.grad its gradients to the
// backend, which picks the mipmap level.
//
// Not translated: texture references (.texref symbols and independent
// samplers), sust.p (formatted stores), multisample geometries, f16
// results, depth compare and offset operands.
//
//===----------------------------------------------------------------------===//
#include "translate/FunctionTranslator.h"

#include "cuport/TextureDescriptor.h"

using namespace llvm;

namespace cuport::translate {

namespace {

namespace tx = cuport::texture;

/// The geometry modifier of `inst`, or false when it names none we know.
bool geometryOf(const ptx::Instruction &inst, uint32_t *geometry) {
  static const std::pair<const char *, uint32_t> names[] = {
      {"1d", tx::Geometry1D},          {"2d", tx::Geometry2D},
      {"3d", tx::Geometry3D},          {"a1d", tx::Geometry1DLayered},
      {"a2d", tx::Geometry2DLayered},  {"cube", tx::GeometryCube},
      {"acube", tx::GeometryCubeLayered},
  };
  for (const auto &[name, value] : names)
    if (inst.has(name)) {
      *geometry = value;
      return true;
    }
  return false;
}

bool isLayered(uint32_t geometry) {
  return geometry == tx::Geometry1DLayered || geometry == tx::Geometry2DLayered ||
         geometry == tx::GeometryCubeLayered;
}

/// How many coordinates (after the layer) a geometry reads.
unsigned coordinateCount(uint32_t geometry) {
  switch (geometry) {
  case tx::Geometry1D:
  case tx::Geometry1DLayered:
    return 1;
  case tx::Geometry2D:
  case tx::Geometry2DLayered:
    return 2;
  default:
    return 3;
  }
}

/// The elements of a vector operand, or the operand itself.
std::vector<const ptx::Operand *> elementsOf(const ptx::Operand &op) {
  std::vector<const ptx::Operand *> elements;
  if (op.kind == ptx::Operand::Kind::Vector)
    for (const ptx::Operand &element : op.elements)
      elements.push_back(&element);
  else
    elements.push_back(&op);
  return elements;
}

FunctionCallee textureService(Module &module, StringRef name, Type *result,
                              ArrayRef<Type *> params) {
  FunctionCallee callee =
      module.getOrInsertFunction(name, FunctionType::get(result, params, false));
  if (auto *function = dyn_cast<Function>(callee.getCallee()))
    function->setDoesNotThrow();
  return callee;
}

} // namespace

Value *FunctionTranslator::textureHandle(const ptx::Instruction &inst,
                                         const ptx::Operand &address) {
  if (address.kind != ptx::Operand::Kind::Address) {
    unsupported(inst, "expected [handle, {coordinates}]");
    return nullptr;
  }
  ptx::Operand handle;
  if (!address.elements.empty()) {
    handle = address.elements.front();
  } else {
    handle.kind = address.addressIsRegister ? ptx::Operand::Kind::Register
                                            : ptx::Operand::Kind::Symbol;
    handle.name = address.name;
    handle.loc = address.loc;
  }
  if (handle.kind != ptx::Operand::Kind::Register) {
    unsupported(inst, "texture references (.texref/.surfref) are not supported; "
                      "use texture objects");
    return nullptr;
  }
  return read(handle, ptx::Type::U64);
}

Value *FunctionTranslator::textureScratch() {
  if (!textureScratch_) {
    IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
    textureScratch_ = entry.CreateAlloca(ArrayType::get(b_.getInt32Ty(), 4), nullptr,
                                         "tex.scratch");
    textureScratch_->setAlignment(Align(16));
  }
  return textureScratch_;
}

void FunctionTranslator::trapIf(Value *condition) {
  BasicBlock *trap = BasicBlock::Create(ctx_, "surf.trap", &fn_);
  BasicBlock *cont = BasicBlock::Create(ctx_, "surf.ok", &fn_);
  b_.CreateCondBr(condition, trap, cont);
  b_.SetInsertPoint(trap);
  b_.CreateIntrinsic(Intrinsic::trap, {}, {});
  b_.CreateBr(cont);
  b_.SetInsertPoint(cont);
}

void FunctionTranslator::translateTexture(const ptx::Instruction &inst) {
  uint32_t geometry = 0;
  std::vector<ptx::Type> types = inst.types();
  // Operand 2: tex.level's level of detail; 2 and 3: tex.grad's gradients.
  if (inst.operands.size() < 2 || !geometryOf(inst, &geometry) || types.size() != 2) {
    unsupported(inst);
    return;
  }
  ptx::Type resultType = types[0], coordinateType = types[1];
  uint32_t resultKind = resultType == ptx::Type::F32   ? tx::ResultF32
                        : resultType == ptx::Type::S32 ? tx::ResultS32
                        : resultType == ptx::Type::U32 ? tx::ResultU32
                                                       : ~0u;
  bool integerCoordinates = coordinateType == ptx::Type::S32;
  if (resultKind == ~0u || (!integerCoordinates && coordinateType != ptx::Type::F32)) {
    unsupported(inst, "result or coordinate type");
    return;
  }
  const ptx::Operand &address = inst.operands[1];
  if (address.elements.size() != 2) {
    unsupported(inst, "expected [texture, {coordinates}] (unified texture mode)");
    return;
  }
  Value *handle = textureHandle(inst, address);
  if (!handle)
    return;
  std::vector<const ptx::Operand *> coords = elementsOf(address.elements[1]);
  size_t first = isLayered(geometry) ? 1 : 0;
  unsigned count = coordinateCount(geometry);
  if (coords.size() < first + count) {
    unsupported(inst, "too few coordinates for the geometry");
    return;
  }
  Type *i32 = b_.getInt32Ty();
  Value *layer = first ? read(*coords[0], ptx::Type::S32) : b_.getInt32(0);
  SmallVector<Value *, 3> xyz;
  for (unsigned i = 0; i < 3; ++i) {
    if (i < count)
      xyz.push_back(read(*coords[first + i], coordinateType));
    else
      xyz.push_back(integerCoordinates ? b_.getInt32(0)
                                       : ConstantFP::get(b_.getFloatTy(), 0.0));
  }
  if (failed_ || !layer || !xyz[0] || !xyz[1] || !xyz[2])
    return;
  Type *coordinate = integerCoordinates ? i32 : b_.getFloatTy();
  Value *scratch = textureScratch();
  SmallVector<Type *, 10> params{b_.getPtrTy(), b_.getInt64Ty(), i32, i32,
                                 coordinate,    coordinate,      coordinate, i32};
  SmallVector<Value *, 10> args{scratch, handle, b_.getInt32(geometry),
                                b_.getInt32(resultKind), xyz[0], xyz[1], xyz[2], layer};
  const char *name = integerCoordinates ? tx::kFetch : tx::kSample;
  if (!integerCoordinates && inst.has("level") && inst.operands.size() >= 3) {
    // tex.level: the level of detail follows the coordinates.
    Value *lod = read(inst.operands[2], ptx::Type::F32);
    if (!lod)
      return;
    name = tx::kSampleLevel;
    params.push_back(b_.getFloatTy());
    args.push_back(lod);
  } else if (!integerCoordinates && inst.has("grad") && inst.operands.size() >= 4) {
    // tex.grad: the gradients dP/dx and dP/dy, as two float[3] buffers.
    Value *gradients = textureGradients();
    for (unsigned which = 0; which < 2; ++which) {
      std::vector<const ptx::Operand *> parts = elementsOf(inst.operands[2 + which]);
      for (unsigned i = 0; i < 3; ++i) {
        Value *value = i < parts.size() && i < count
                           ? read(*parts[i], ptx::Type::F32)
                           : ConstantFP::get(b_.getFloatTy(), 0.0);
        if (!value)
          return;
        b_.CreateStore(value, b_.CreateConstGEP1_32(b_.getFloatTy(), gradients,
                                                    which * 3 + i));
      }
    }
    name = tx::kSampleGrad;
    params.append({b_.getPtrTy(), b_.getPtrTy()});
    args.append({gradients, b_.CreateConstGEP1_32(b_.getFloatTy(), gradients, 3)});
  }
  FunctionCallee service = textureService(*fn_.getParent(), name, b_.getVoidTy(), params);
  b_.CreateCall(service, args);
  writeTextureResult(inst.operands[0], resultType);
}

Value *FunctionTranslator::textureGradients() {
  if (!textureGradients_) {
    IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
    textureGradients_ =
        entry.CreateAlloca(ArrayType::get(b_.getFloatTy(), 6), nullptr, "tex.gradients");
  }
  return textureGradients_;
}

void FunctionTranslator::writeTextureResult(const ptx::Operand &dst, ptx::Type type) {
  Type *element = type == ptx::Type::F32 ? b_.getFloatTy() : b_.getInt32Ty();
  Value *scratch = textureScratch();
  std::vector<const ptx::Operand *> outputs = elementsOf(dst);
  for (size_t i = 0; i < outputs.size() && i < 4; ++i) {
    Value *slot = b_.CreateConstGEP1_32(b_.getInt32Ty(), scratch, unsigned(i));
    write(*outputs[i], b_.CreateLoad(element, slot), type);
  }
}

void FunctionTranslator::translateGather(const ptx::Instruction &inst) {
  std::vector<ptx::Type> types = inst.types();
  static const char *components[] = {"r", "g", "b", "a"};
  uint32_t component = 4;
  for (uint32_t c = 0; c < 4; ++c)
    if (inst.has(components[c]))
      component = c;
  if (inst.operands.size() != 2 || component == 4 || !inst.has("2d") ||
      types.size() != 2 || types[1] != ptx::Type::F32 ||
      inst.operands[1].elements.size() != 2) {
    unsupported(inst);
    return;
  }
  ptx::Type resultType = types[0];
  uint32_t resultKind = resultType == ptx::Type::F32   ? tx::ResultF32
                        : resultType == ptx::Type::S32 ? tx::ResultS32
                        : resultType == ptx::Type::U32 ? tx::ResultU32
                                                       : ~0u;
  std::vector<const ptx::Operand *> coords = elementsOf(inst.operands[1].elements[1]);
  if (resultKind == ~0u || coords.size() < 2) {
    unsupported(inst);
    return;
  }
  Value *handle = textureHandle(inst, inst.operands[1]);
  Value *x = read(*coords[0], ptx::Type::F32);
  Value *y = read(*coords[1], ptx::Type::F32);
  if (failed_ || !handle || !x || !y)
    return;
  Type *i32 = b_.getInt32Ty(), *f32 = b_.getFloatTy();
  FunctionCallee service =
      textureService(*fn_.getParent(), tx::kGather, b_.getVoidTy(),
                     {b_.getPtrTy(), b_.getInt64Ty(), i32, i32, f32, f32});
  b_.CreateCall(service, {textureScratch(), handle, b_.getInt32(component),
                          b_.getInt32(resultKind), x, y});
  writeTextureResult(inst.operands[0], resultType);
}

/// suld.b / sust.b: the byte-addressed surface access of `inst`; `data`
/// is the register operand (or vector) read or written.
void FunctionTranslator::translateSurfaceAccess(const ptx::Instruction &inst,
                                                const ptx::Operand &addressOp,
                                                const ptx::Operand &data, bool store) {
  uint32_t geometry = 0;
  ptx::Type type = inst.type();
  unsigned bits = type == ptx::Type::None ? 0 : ptx::typeBits(type);
  unsigned lanes = inst.vectorWidth();
  if (!inst.has("b") || !geometryOf(inst, &geometry) || geometry >= tx::GeometryCube ||
      bits == 0 || addressOp.elements.size() != 2) {
    unsupported(inst, store ? "only sust.b on 1d/2d/3d/a1d/a2d surfaces"
                            : "only suld.b on 1d/2d/3d/a1d/a2d surfaces");
    return;
  }
  uint32_t boundary = inst.has("clamp")  ? tx::BoundaryClamp
                      : inst.has("zero") ? tx::BoundaryZero
                                         : tx::BoundaryTrap;
  Value *handle = textureHandle(inst, addressOp);
  std::vector<const ptx::Operand *> coords = elementsOf(addressOp.elements[1]);
  size_t first = isLayered(geometry) ? 1 : 0;
  unsigned count = coordinateCount(geometry);
  std::vector<const ptx::Operand *> values = elementsOf(data);
  if (!handle || coords.size() < first + count || values.size() != lanes) {
    unsupported(inst, "operands do not match the geometry or vector width");
    return;
  }
  Value *layer = first ? read(*coords[0], ptx::Type::S32) : b_.getInt32(0);
  Value *xyz[3] = {b_.getInt32(0), b_.getInt32(0), b_.getInt32(0)};
  for (unsigned i = 0; i < count; ++i)
    xyz[i] = read(*coords[first + i], ptx::Type::S32);
  if (failed_ || !layer || !xyz[0] || !xyz[1] || !xyz[2])
    return;
  Type *element = b_.getIntNTy(bits);
  Value *scratch = textureScratch();
  if (store)
    for (unsigned i = 0; i < lanes; ++i) {
      Value *value = read(*values[i], type);
      if (!value)
        return;
      b_.CreateStore(b_.CreateBitCast(value, element),
                     b_.CreateConstGEP1_32(element, scratch, i));
    }
  Type *i32 = b_.getInt32Ty();
  FunctionCallee service = textureService(
      *fn_.getParent(), store ? tx::kSurfaceStore : tx::kSurfaceLoad, i32,
      {b_.getPtrTy(), b_.getInt64Ty(), i32, i32, i32, i32, i32, i32, i32});
  Value *outOfRange = b_.CreateCall(
      service, {scratch, handle, b_.getInt32(geometry), b_.getInt32(boundary), xyz[0],
                xyz[1], xyz[2], layer, b_.getInt32(bits / 8 * lanes)});
  if (boundary == tx::BoundaryTrap)
    trapIf(b_.CreateICmpNE(outOfRange, b_.getInt32(0)));
  if (!store)
    for (unsigned i = 0; i < lanes; ++i)
      write(*values[i], b_.CreateLoad(element, b_.CreateConstGEP1_32(element, scratch, i)),
            type);
}

void FunctionTranslator::translateSurfaceLoad(const ptx::Instruction &inst) {
  if (inst.operands.size() != 2) {
    unsupported(inst);
    return;
  }
  translateSurfaceAccess(inst, inst.operands[1], inst.operands[0], /*store=*/false);
}

void FunctionTranslator::translateSurfaceStore(const ptx::Instruction &inst) {
  if (inst.operands.size() != 2) {
    unsupported(inst);
    return;
  }
  translateSurfaceAccess(inst, inst.operands[0], inst.operands[1], /*store=*/true);
}

void FunctionTranslator::translateTextureQuery(const ptx::Instruction &inst) {
  static const std::pair<const char *, uint32_t> queries[] = {
      {"width", tx::QueryWidth},
      {"height", tx::QueryHeight},
      {"depth", tx::QueryDepth},
      {"channel_data_type", tx::QueryChannelDataType},
      {"channel_order", tx::QueryChannelOrder},
      {"normalized_coords", tx::QueryNormalizedCoords},
      {"filter_mode", tx::QueryFilterMode},
      {"addr_mode_0", tx::QueryAddrMode0},
      {"addr_mode_1", tx::QueryAddrMode1},
      {"addr_mode_2", tx::QueryAddrMode2},
      {"array_size", tx::QueryArraySize},
      {"num_mipmap_levels", tx::QueryMipmapLevels},
      {"num_samples", tx::QuerySamples},
  };
  uint32_t query = ~0u;
  for (const auto &[name, value] : queries)
    if (inst.has(name))
      query = value;
  if (inst.operands.size() != 2 || query == ~0u || inst.has("level")) {
    unsupported(inst);
    return;
  }
  Value *handle = textureHandle(inst, inst.operands[1]);
  if (!handle)
    return;
  Type *i32 = b_.getInt32Ty();
  FunctionCallee service =
      textureService(*fn_.getParent(), tx::kQuery, i32, {b_.getInt64Ty(), i32});
  write(inst.operands[0], b_.CreateCall(service, {handle, b_.getInt32(query)}),
        ptx::Type::B32);
}

} // namespace cuport::translate
