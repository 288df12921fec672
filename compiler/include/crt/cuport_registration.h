//===- crt/cuport_registration.h - Compiler-called hooks --------*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The hidden entry points that CUDA compilers call from the host code they
// generate, with the signatures CUDA 13.0 gives them (crt/host_runtime.h and
// crt/device_functions.h of the toolkit). libcudart.so.13 exports all of
// them; cuport's runtime implements them and cuport-cc's generated code calls
// them. Applications never call them by hand.
//
// The life of a translation unit, as nvcc 13.0 emits it:
//   before main   h = __cudaRegisterFatBinary(&wrapper)
//                 __cudaRegisterFunction(h, hostStub, deviceName, ...) per
//                 kernel, __cudaRegisterVar / __cudaRegisterManagedVar per
//                 device variable
//                 __cudaRegisterFatBinaryEnd(h)
//   each <<<>>>   __cudaPushCallConfiguration(grid, block, shmem, stream)
//                 then, in the kernel's host stub:
//                 __cudaPopCallConfiguration(&grid, &block, &shmem, &stream)
//                 __cudaGetKernel(&k, hostStub)  (once per stub)
//                 __cudaLaunchKernel(k, grid, block, args, shmem, stream)
//   at exit       __cudaUnregisterFatBinary(h)
//
// Not declared: __cudaRegisterHostVar, __cudaRegisterUnifiedTable and
// __cudaGetProcAddress are exported by libcudart.so.13 but appear in no
// toolkit header, so their signatures are not documented facts.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_CRT_CUPORT_REGISTRATION_H
#define CUPORT_CRT_CUPORT_REGISTRATION_H

#include "../driver_types.h"
#include "../vector_types.h"

#if defined(__cplusplus)
#define CUPORT_REG_DV(v) = v
extern "C" {
#else
#define CUPORT_REG_DV(v)
#endif

//===----------------------------------------------------------------------===//
// Module registration
//===----------------------------------------------------------------------===//

// Registers the fatbinary wrapper (magic 0x466243B1) of one translation unit;
// the returned handle identifies the module in every later call.
void **CUDARTAPI __cudaRegisterFatBinary(void *fatCubin);

// Ends the registration of a module: all its kernels and variables are known.
void CUDARTAPI __cudaRegisterFatBinaryEnd(void **fatCubinHandle);

void CUDARTAPI __cudaUnregisterFatBinary(void **fatCubinHandle);

// Binds the host stub `hostFun` to the kernel `deviceName` (the mangled
// name; `deviceFun` is the same string). nvcc passes -1 and null pointers
// for the remaining arguments.
void CUDARTAPI __cudaRegisterFunction(void **fatCubinHandle,
                                      const char *hostFun, char *deviceFun,
                                      const char *deviceName, int thread_limit,
                                      uint3 *tid, uint3 *bid, dim3 *bDim,
                                      dim3 *gDim, int *wSize);

// Binds the host shadow `hostVar` of a __device__ or __constant__ variable to
// its device name, which nvcc passes as both `deviceAddress` and
// `deviceName`. `ext`: declared extern; `constant`: a __constant__ variable;
// `global`: 0 in what nvcc 13.0 emits.
void CUDARTAPI __cudaRegisterVar(void **fatCubinHandle, char *hostVar,
                                 char *deviceAddress, const char *deviceName,
                                 int ext, size_t size, int constant,
                                 int global);

// As __cudaRegisterVar for a __managed__ variable; the runtime stores the
// managed allocation's address through `hostVarPtrAddress`.
void CUDARTAPI __cudaRegisterManagedVar(void **fatCubinHandle,
                                        void **hostVarPtrAddress,
                                        char *deviceAddress,
                                        const char *deviceName, int ext,
                                        size_t size, int constant, int global);

// Makes sure the module is loaded (managed variables need it before the
// first access); nonzero on success.
char CUDARTAPI __cudaInitModule(void **fatCubinHandle);

//===----------------------------------------------------------------------===//
// Kernel launch
//===----------------------------------------------------------------------===//

// Saves the <<<grid, block, sharedMem, stream>>> configuration for the next
// __cudaPopCallConfiguration on this thread; 0 on success.
__host__ __device__ unsigned CUDARTAPI __cudaPushCallConfiguration(
    dim3 gridDim, dim3 blockDim CUPORT_REG_DV(1),
    size_t sharedMem CUPORT_REG_DV(0),
    struct CUstream_st *stream CUPORT_REG_DV(0));

// Takes back the configuration that the last push saved. `stream` points to a
// cudaStream_t.
cudaError_t CUDARTAPI __cudaPopCallConfiguration(dim3 *gridDim,
                                                 dim3 *blockDim,
                                                 size_t *sharedMem,
                                                 void *stream);

// The kernel handle registered for the host stub `hostFun`.
cudaError_t CUDARTAPI __cudaGetKernel(cudaKernel_t *kernel,
                                      const void *hostFun);

cudaError_t CUDARTAPI __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim,
                                         dim3 blockDim, void **args,
                                         size_t sharedMem,
                                         cudaStream_t stream);

// The per-thread-default-stream form of __cudaLaunchKernel.
cudaError_t CUDARTAPI __cudaLaunchKernel_ptsz(cudaKernel_t kernel,
                                              dim3 gridDim, dim3 blockDim,
                                              void **args, size_t sharedMem,
                                              cudaStream_t stream);

#if defined(__cplusplus)
} // extern "C"
#endif

#undef CUPORT_REG_DV

#endif // CUPORT_CRT_CUPORT_REGISTRATION_H
