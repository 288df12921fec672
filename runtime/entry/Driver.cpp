//===- entry/Driver.cpp - Driver entry points and driver interaction ------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What a program asks of the CUDA driver through the runtime. cuport has no
// driver library (libcuda.so): cudaGetDriverEntryPoint answers every symbol
// with "not found" the way CUDA documents for a symbol the driver lacks
// (cudaSuccess, *funcPtr = NULL, driverStatus SymbolNotFound), and
// cudaGetExportTable knows no table. A cudaFunction_t and a cudaKernel_t are
// both the kernel's KernelRecord. Also the undocumented hooks that nvcc 13
// never emits (checked: no string of cudafe++, cicc, nvlink or fatbinary
// names them) but NVIDIA's library exports: they are accepted and do
// nothing, as NVIDIA's __cudaGetProcAddress does.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

using namespace cuport::rt;

namespace {

constexpr unsigned long long kEntryPointFlags =
    cudaEnableLegacyStream | cudaEnablePerThreadDefaultStream;

/// Version of the CUDA API cuport implements (13.0).
constexpr unsigned kCudaVersion = 13000;

cudaError_t driverEntryPoint(const char *symbol, void **funcPtr,
                             unsigned cudaVersion, unsigned long long flags,
                             cudaDriverEntryPointQueryResult *driverStatus) {
  if (!symbol || !funcPtr || (flags & ~kEntryPointFlags) ||
      cudaVersion > kCudaVersion)
    return cudaErrorInvalidValue;
  *funcPtr = nullptr;
  if (driverStatus)
    *driverStatus = cudaDriverEntryPointSymbolNotFound;
  return cudaSuccess;
}

} // namespace

CUPORT_EXPORT cudaError_t cudaGetDriverEntryPoint(
    const char *symbol, void **funcPtr, unsigned long long flags,
    cudaDriverEntryPointQueryResult *driverStatus) {
  CUPORT_API_ENTRY(cudaGetDriverEntryPoint);
  return recordError(
      driverEntryPoint(symbol, funcPtr, kCudaVersion, flags, driverStatus));
}

CUPORT_EXPORT cudaError_t cudaGetDriverEntryPoint_ptsz(
    const char *symbol, void **funcPtr, unsigned long long flags,
    cudaDriverEntryPointQueryResult *driverStatus) {
  CUPORT_API_ENTRY(cudaGetDriverEntryPoint_ptsz);
  return recordError(
      driverEntryPoint(symbol, funcPtr, kCudaVersion, flags, driverStatus));
}

CUPORT_EXPORT cudaError_t cudaGetDriverEntryPointByVersion(
    const char *symbol, void **funcPtr, unsigned int cudaVersion,
    unsigned long long flags, cudaDriverEntryPointQueryResult *driverStatus) {
  CUPORT_API_ENTRY(cudaGetDriverEntryPointByVersion);
  return recordError(
      driverEntryPoint(symbol, funcPtr, cudaVersion, flags, driverStatus));
}

CUPORT_EXPORT cudaError_t cudaGetDriverEntryPointByVersion_ptsz(
    const char *symbol, void **funcPtr, unsigned int cudaVersion,
    unsigned long long flags, cudaDriverEntryPointQueryResult *driverStatus) {
  CUPORT_API_ENTRY(cudaGetDriverEntryPointByVersion_ptsz);
  return recordError(
      driverEntryPoint(symbol, funcPtr, cudaVersion, flags, driverStatus));
}

CUPORT_EXPORT cudaError_t cudaGetExportTable(const void **ppExportTable,
                                             const cudaUUID_t *pExportTableId) {
  CUPORT_API_ENTRY(cudaGetExportTable);
  if (!ppExportTable || !pExportTableId)
    return recordError(cudaErrorInvalidValue);
  // No private table exists; the driver answers an unknown id this way.
  *ppExportTable = nullptr;
  return recordError(cudaErrorInvalidValue);
}

CUPORT_EXPORT cudaError_t cudaGetKernel(cudaKernel_t *kernelPtr,
                                        const void *entryFuncAddr) {
  CUPORT_API_ENTRY(cudaGetKernel);
  if (!kernelPtr)
    return recordError(cudaErrorInvalidValue);
  KernelRecord *record = findFunction(entryFuncAddr);
  if (!record)
    return recordError(cudaErrorInvalidDeviceFunction);
  *kernelPtr = reinterpret_cast<cudaKernel_t>(record);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t cudaGetFuncBySymbol(cudaFunction_t *functionPtr,
                                              const void *symbolPtr) {
  CUPORT_API_ENTRY(cudaGetFuncBySymbol);
  if (!functionPtr)
    return recordError(cudaErrorInvalidValue);
  // A cudaFunction_t is the kernel loaded in the current context: load it.
  ResolvedFunction function;
  if (cudaError_t error = resolveFunction(symbolPtr, &function))
    return recordError(error);
  *functionPtr = reinterpret_cast<cudaFunction_t>(function.record);
  return cudaSuccess;
}

CUPORT_EXPORT cudaError_t __cudaGetProcAddress(void) {
  CUPORT_API_ENTRY(__cudaGetProcAddress);
  return cudaSuccess;
}

CUPORT_EXPORT void __cudaRegisterHostVar(void) {
  CUPORT_API_ENTRY(__cudaRegisterHostVar);
}

CUPORT_EXPORT void __cudaRegisterUnifiedTable(void) {
  CUPORT_API_ENTRY(__cudaRegisterUnifiedTable);
}
