//===- cpu/TextureServices.h - Texture services of the CPU backend -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The texture and surface services (cuport/TextureDescriptor.h) the CPU
// backend defines; KernelCompiler puts them into every JITDylib next to the
// other device services.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_CPU_TEXTURESERVICES_H
#define CUPORT_CPU_TEXTURESERVICES_H

#include "DeviceServices.h"

#include <span>

namespace cuport::cpu {

/// Every texture and surface service, by the name the translator calls it.
std::span<const ServiceSymbol> textureServiceSymbols();

} // namespace cuport::cpu

#endif // CUPORT_CPU_TEXTURESERVICES_H
