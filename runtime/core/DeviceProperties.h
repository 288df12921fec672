//===- core/DeviceProperties.h - cudaDeviceProp and device attributes -*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one place that turns what a backend reports about a device
// (backend::DeviceProperties) into CUDA's view of it:
//   - fillDeviceProperties() builds the cudaDeviceProp of cudaGetDeviceProperties
//     from the backend's numbers plus the constants every Ampere-class device
//     of CUDA 13 shares (texture and surface limits, alignments, ...);
//   - deviceAttribute() answers cudaDeviceGetAttribute from that
//     cudaDeviceProp, so an attribute and the field it mirrors cannot
//     disagree. The few attributes that CUDA 13's cudaDeviceProp has no field
//     for (clock rates, compute mode, ...) come from the backend's numbers or
//     from documented constants.
// Limits (cudaDeviceSetLimit) and the PCI bus id live here too: they are
// device properties the application can read back.
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_DEVICEPROPERTIES_H
#define CUPORT_RUNTIME_CORE_DEVICEPROPERTIES_H

#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>

namespace cuport::rt {

/// Fills `to` (every byte: reserved fields are zero) for device `ordinal`.
void fillDeviceProperties(const backend::DeviceProperties &from, int ordinal,
                          cudaDeviceProp &to);

/// cudaDeviceGetAttribute's answer for `attr`: cudaSuccess and *value, or
/// cudaErrorInvalidValue when `attr` names no cudaDeviceAttr of CUDA 13.0.
cudaError_t deviceAttribute(const cudaDeviceProp &prop,
                            const backend::DeviceProperties &from, int attr,
                            int *value);

/// The PCI bus id cudaDeviceGetPCIBusId reports, "dddd:bb:dd.0" (hex), from
/// the pciDomainID, pciBusID and pciDeviceID of `prop`.
std::string pciBusId(const cudaDeviceProp &prop);

/// Parses the forms cudaDeviceGetByPCIBusId accepts: "domain:bus:device.function",
/// "domain:bus:device" and "bus:device.function" (hex). Returns
/// {domain, bus, device}, or nothing when `text` has none of these forms.
std::optional<std::array<unsigned, 3>> parsePciBusId(const char *text);

//===----------------------------------------------------------------------===//
// Limits (cudaDeviceSetLimit / cudaDeviceGetLimit)
//===----------------------------------------------------------------------===//

/// Number of cudaLimit values in CUDA 13.0 (cudaLimitStackSize ...
/// cudaLimitPersistingL2CacheSize).
inline constexpr int kLimitCount = 7;
using DeviceLimits = std::array<size_t, kLimitCount>;

/// The values a freshly initialized (or reset) CUDA device reports.
DeviceLimits defaultLimits();

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_DEVICEPROPERTIES_H
