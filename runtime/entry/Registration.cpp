//===- entry/Registration.cpp - The hooks nvcc's host code calls ----------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Before main(), nvcc's generated constructors call __cudaRegisterFatBinary
// with the fatbinary wrapper, __cudaRegisterFunction for each kernel and
// __cudaRegisterFatBinaryEnd; atexit() handlers call
// __cudaUnregisterFatBinary. A __managed__ variable is registered by
// __cudaRegisterManagedVar with the address of nvcc's host pointer to it.
// The handle returned to the application is the FatbinModule itself; every
// entry checks that it is one before use.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "cuport/Log.h"

using namespace cuport::rt;

static FatbinModule *moduleFromHandle(void **handle) {
  auto *module = reinterpret_cast<FatbinModule *>(handle);
  return Runtime::instance().modules().isModule(module) ? module : nullptr;
}

CUPORT_EXPORT void **__cudaRegisterFatBinary(void *fatCubin) {
  CUPORT_API_ENTRY(__cudaRegisterFatBinary);
  if (!fatCubin) {
    cuport::log().error("__cudaRegisterFatBinary called with a null wrapper");
    return nullptr;
  }
  FatbinModule *module = Runtime::instance().modules().registerFatbinary(fatCubin);
  cuport::log().debug("registered fatbinary wrapper {}", fatCubin);
  return reinterpret_cast<void **>(module);
}

CUPORT_EXPORT void __cudaRegisterFatBinaryEnd(void **fatCubinHandle) {
  CUPORT_API_ENTRY(__cudaRegisterFatBinaryEnd);
  // Loading is lazy (on the first launch); nothing to do yet.
  if (!moduleFromHandle(fatCubinHandle))
    cuport::log().error("__cudaRegisterFatBinaryEnd: unknown handle {}",
                        static_cast<void *>(fatCubinHandle));
}

CUPORT_EXPORT void __cudaUnregisterFatBinary(void **fatCubinHandle) {
  CUPORT_API_ENTRY(__cudaUnregisterFatBinary);
  if (FatbinModule *module = moduleFromHandle(fatCubinHandle))
    Runtime::instance().modules().unregister(module);
}

CUPORT_EXPORT void __cudaRegisterFunction(void **fatCubinHandle,
                                          const char *hostFun, char *deviceFun,
                                          const char *deviceName, int, uint3 *,
                                          uint3 *, dim3 *, dim3 *, int *) {
  CUPORT_API_ENTRY(__cudaRegisterFunction);
  FatbinModule *module = moduleFromHandle(fatCubinHandle);
  const char *name = deviceName ? deviceName : deviceFun;
  if (!module || !hostFun || !name) {
    cuport::log().error("__cudaRegisterFunction: invalid registration of {}",
                        name ? name : "(null)");
    return;
  }
  Runtime::instance().modules().registerFunction(module, hostFun, name);
}

CUPORT_EXPORT char __cudaInitModule(void **fatCubinHandle) {
  CUPORT_API_ENTRY(__cudaInitModule);
  // nvcc's host code calls this before its first access to a __managed__
  // variable: the module is loaded then, and the variables' host pointers
  // set. A module without managed variables still loads on first launch.
  FatbinModule *module = moduleFromHandle(fatCubinHandle);
  if (!module)
    return 0;
  Device *device = nullptr;
  if (Runtime::instance().currentDevice(&device) != cudaSuccess)
    return 0;
  return Runtime::instance().modules().initializeManaged(module, *device) == cudaSuccess
             ? 1
             : 0;
}

CUPORT_EXPORT void __cudaRegisterVar(void **fatCubinHandle, char *hostVar,
                                     char *deviceAddress, const char *deviceName,
                                     int ext, size_t size, int constant, int global) {
  CUPORT_API_ENTRY(__cudaRegisterVar);
  FatbinModule *module = moduleFromHandle(fatCubinHandle);
  // nvcc passes the variable's name as both deviceAddress and deviceName.
  const char *name = deviceName ? deviceName : deviceAddress;
  if (!module || !hostVar || !name) {
    cuport::log().error("__cudaRegisterVar: invalid registration of {}",
                        name ? name : "(null)");
    return;
  }
  Runtime::instance().modules().registerVariable(module, hostVar, name, size,
                                                 constant != 0);
}

CUPORT_EXPORT void __cudaRegisterManagedVar(void **fatCubinHandle,
                                            void **hostVarPtrAddress,
                                            char *deviceAddress,
                                            const char *deviceName, int ext,
                                            size_t size, int constant, int global) {
  CUPORT_API_ENTRY(__cudaRegisterManagedVar);
  FatbinModule *module = moduleFromHandle(fatCubinHandle);
  const char *name = deviceName ? deviceName : deviceAddress;
  if (!module || !hostVarPtrAddress || !name) {
    cuport::log().error("__cudaRegisterManagedVar: invalid registration of {}",
                        name ? name : "(null)");
    return;
  }
  // nvcc's host code reads the variable through *hostVarPtrAddress after
  // __cudaInitModule, which loads the module and sets it.
  Runtime::instance().modules().registerManagedVariable(module, hostVarPtrAddress,
                                                        name, size);
}
