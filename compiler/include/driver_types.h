//===- driver_types.h - CUDA runtime types, enums and handles ---*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//
//
// The types of the CUDA Runtime API as CUDA 13.0 defines them: the error
// codes, the enums of attributes, kinds and flags, the parameter structs and
// the opaque handles. Layouts and values are CUDA 13.0's on x86-64 Linux to
// the byte; test/unit/abi compares them against NVIDIA's headers.
//
// Valid C (C11) and C++. Enumerators are listed with explicit values, in
// CUDA's order.
//
//===----------------------------------------------------------------------===//

#ifndef CUPORT_DRIVER_TYPES_H
#define CUPORT_DRIVER_TYPES_H

#include "crt/host_defines.h"
#include "vector_types.h"

#include <limits.h>
#include <stddef.h>

//===----------------------------------------------------------------------===//
// Flag values
//===----------------------------------------------------------------------===//

// cudaHostAlloc
#define cudaHostAllocDefault 0x00
#define cudaHostAllocPortable 0x01
#define cudaHostAllocMapped 0x02
#define cudaHostAllocWriteCombined 0x04

// cudaHostRegister
#define cudaHostRegisterDefault 0x00
#define cudaHostRegisterPortable 0x01
#define cudaHostRegisterMapped 0x02
#define cudaHostRegisterIoMemory 0x04
#define cudaHostRegisterReadOnly 0x08

// cudaDeviceEnablePeerAccess
#define cudaPeerAccessDefault 0x00

// cudaStreamCreateWithFlags
#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01

// The two special stream handles: the legacy default stream, which
// synchronizes with every blocking stream, and the per-thread default stream.
#define cudaStreamLegacy ((cudaStream_t)0x1)
#define cudaStreamPerThread ((cudaStream_t)0x2)

// cudaEventCreateWithFlags, cudaEventRecordWithFlags, cudaStreamWaitEvent
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04
#define cudaEventRecordDefault 0x00
#define cudaEventRecordExternal 0x01
#define cudaEventWaitDefault 0x00
#define cudaEventWaitExternal 0x01

// cudaSetDeviceFlags
#define cudaDeviceScheduleAuto 0x00
#define cudaDeviceScheduleSpin 0x01
#define cudaDeviceScheduleYield 0x02
#define cudaDeviceScheduleBlockingSync 0x04
#define cudaDeviceBlockingSync 0x04 // deprecated spelling
#define cudaDeviceScheduleMask 0x07
#define cudaDeviceMapHost 0x08
#define cudaDeviceLmemResizeToMax 0x10
#define cudaDeviceSyncMemops 0x80
#define cudaDeviceMask 0xff

// cudaMallocArray, cudaMalloc3DArray, cudaMallocMipmappedArray
#define cudaArrayDefault 0x00
#define cudaArrayLayered 0x01
#define cudaArraySurfaceLoadStore 0x02
#define cudaArrayCubemap 0x04
#define cudaArrayTextureGather 0x08
#define cudaArrayColorAttachment 0x20
#define cudaArraySparse 0x40
#define cudaArrayDeferredMapping 0x80

// cudaIpcOpenMemHandle
#define cudaIpcMemLazyEnablePeerAccess 0x01

// cudaMallocManaged, cudaStreamAttachMemAsync
#define cudaMemAttachGlobal 0x01
#define cudaMemAttachHost 0x02
#define cudaMemAttachSingle 0x04

// cudaOccupancy*WithFlags
#define cudaOccupancyDefault 0x00
#define cudaOccupancyDisableCachingOverride 0x01

// Device ids with a special meaning, and cudaInitDevice flags.
#define cudaCpuDeviceId ((int)-1)
#define cudaInvalidDeviceId ((int)-2)
#define cudaInitDeviceFlagsAreValid 0x01

//===----------------------------------------------------------------------===//
// Error codes
//===----------------------------------------------------------------------===//

// Every error code of CUDA 13.0. cuport::errorName / cuport::errorString
// (runtime/core/ErrorNames.cpp) hold the name and message of each.
enum __device_builtin__ cudaError {
  cudaSuccess                             = 0,
  cudaErrorInvalidValue                   = 1,
  cudaErrorMemoryAllocation               = 2,
  cudaErrorInitializationError            = 3,
  cudaErrorCudartUnloading                = 4,
  cudaErrorProfilerDisabled               = 5,
  cudaErrorProfilerNotInitialized         = 6,
  cudaErrorProfilerAlreadyStarted         = 7,
  cudaErrorProfilerAlreadyStopped         = 8,
  cudaErrorInvalidConfiguration           = 9,
  cudaErrorInvalidPitchValue              = 12,
  cudaErrorInvalidSymbol                  = 13,
  cudaErrorInvalidHostPointer             = 16,
  cudaErrorInvalidDevicePointer           = 17,
  cudaErrorInvalidTexture                 = 18,
  cudaErrorInvalidTextureBinding          = 19,
  cudaErrorInvalidChannelDescriptor       = 20,
  cudaErrorInvalidMemcpyDirection         = 21,
  cudaErrorAddressOfConstant              = 22,
  cudaErrorTextureFetchFailed             = 23,
  cudaErrorTextureNotBound                = 24,
  cudaErrorSynchronizationError           = 25,
  cudaErrorInvalidFilterSetting           = 26,
  cudaErrorInvalidNormSetting             = 27,
  cudaErrorMixedDeviceExecution           = 28,
  cudaErrorNotYetImplemented              = 31,
  cudaErrorMemoryValueTooLarge            = 32,
  cudaErrorStubLibrary                    = 34,
  cudaErrorInsufficientDriver             = 35,
  cudaErrorCallRequiresNewerDriver        = 36,
  cudaErrorInvalidSurface                 = 37,
  cudaErrorDuplicateVariableName          = 43,
  cudaErrorDuplicateTextureName           = 44,
  cudaErrorDuplicateSurfaceName           = 45,
  cudaErrorDevicesUnavailable             = 46,
  cudaErrorIncompatibleDriverContext      = 49,
  cudaErrorMissingConfiguration           = 52,
  cudaErrorPriorLaunchFailure             = 53,
  cudaErrorLaunchMaxDepthExceeded         = 65,
  cudaErrorLaunchFileScopedTex            = 66,
  cudaErrorLaunchFileScopedSurf           = 67,
  cudaErrorSyncDepthExceeded              = 68,
  cudaErrorLaunchPendingCountExceeded     = 69,
  cudaErrorInvalidDeviceFunction          = 98,
  cudaErrorNoDevice                       = 100,
  cudaErrorInvalidDevice                  = 101,
  cudaErrorDeviceNotLicensed              = 102,
  cudaErrorSoftwareValidityNotEstablished = 103,
  cudaErrorStartupFailure                 = 127,
  cudaErrorInvalidKernelImage             = 200,
  cudaErrorDeviceUninitialized            = 201,
  cudaErrorMapBufferObjectFailed          = 205,
  cudaErrorUnmapBufferObjectFailed        = 206,
  cudaErrorArrayIsMapped                  = 207,
  cudaErrorAlreadyMapped                  = 208,
  cudaErrorNoKernelImageForDevice         = 209,
  cudaErrorAlreadyAcquired                = 210,
  cudaErrorNotMapped                      = 211,
  cudaErrorNotMappedAsArray               = 212,
  cudaErrorNotMappedAsPointer             = 213,
  cudaErrorECCUncorrectable               = 214,
  cudaErrorUnsupportedLimit               = 215,
  cudaErrorDeviceAlreadyInUse             = 216,
  cudaErrorPeerAccessUnsupported          = 217,
  cudaErrorInvalidPtx                     = 218,
  cudaErrorInvalidGraphicsContext         = 219,
  cudaErrorNvlinkUncorrectable            = 220,
  cudaErrorJitCompilerNotFound            = 221,
  cudaErrorUnsupportedPtxVersion          = 222,
  cudaErrorJitCompilationDisabled         = 223,
  cudaErrorUnsupportedExecAffinity        = 224,
  cudaErrorUnsupportedDevSideSync         = 225,
  cudaErrorContained                      = 226,
  cudaErrorInvalidSource                  = 300,
  cudaErrorFileNotFound                   = 301,
  cudaErrorSharedObjectSymbolNotFound     = 302,
  cudaErrorSharedObjectInitFailed         = 303,
  cudaErrorOperatingSystem                = 304,
  cudaErrorInvalidResourceHandle          = 400,
  cudaErrorIllegalState                   = 401,
  cudaErrorLossyQuery                     = 402,
  cudaErrorSymbolNotFound                 = 500,
  cudaErrorNotReady                       = 600,
  cudaErrorIllegalAddress                 = 700,
  cudaErrorLaunchOutOfResources           = 701,
  cudaErrorLaunchTimeout                  = 702,
  cudaErrorLaunchIncompatibleTexturing    = 703,
  cudaErrorPeerAccessAlreadyEnabled       = 704,
  cudaErrorPeerAccessNotEnabled           = 705,
  cudaErrorSetOnActiveProcess             = 708,
  cudaErrorContextIsDestroyed             = 709,
  cudaErrorAssert                         = 710,
  cudaErrorTooManyPeers                   = 711,
  cudaErrorHostMemoryAlreadyRegistered    = 712,
  cudaErrorHostMemoryNotRegistered        = 713,
  cudaErrorHardwareStackError             = 714,
  cudaErrorIllegalInstruction             = 715,
  cudaErrorMisalignedAddress              = 716,
  cudaErrorInvalidAddressSpace            = 717,
  cudaErrorInvalidPc                      = 718,
  cudaErrorLaunchFailure                  = 719,
  cudaErrorCooperativeLaunchTooLarge      = 720,
  cudaErrorTensorMemoryLeak               = 721,
  cudaErrorNotPermitted                   = 800,
  cudaErrorNotSupported                   = 801,
  cudaErrorSystemNotReady                 = 802,
  cudaErrorSystemDriverMismatch           = 803,
  cudaErrorCompatNotSupportedOnDevice     = 804,
  cudaErrorMpsConnectionFailed            = 805,
  cudaErrorMpsRpcFailure                  = 806,
  cudaErrorMpsServerNotReady              = 807,
  cudaErrorMpsMaxClientsReached           = 808,
  cudaErrorMpsMaxConnectionsReached       = 809,
  cudaErrorMpsClientTerminated            = 810,
  cudaErrorCdpNotSupported                = 811,
  cudaErrorCdpVersionMismatch             = 812,
  cudaErrorStreamCaptureUnsupported       = 900,
  cudaErrorStreamCaptureInvalidated       = 901,
  cudaErrorStreamCaptureMerge             = 902,
  cudaErrorStreamCaptureUnmatched         = 903,
  cudaErrorStreamCaptureUnjoined          = 904,
  cudaErrorStreamCaptureIsolation         = 905,
  cudaErrorStreamCaptureImplicit          = 906,
  cudaErrorCapturedEvent                  = 907,
  cudaErrorStreamCaptureWrongThread       = 908,
  cudaErrorTimeout                        = 909,
  cudaErrorGraphExecUpdateFailure         = 910,
  cudaErrorExternalDevice                 = 911,
  cudaErrorInvalidClusterSize             = 912,
  cudaErrorFunctionNotLoaded              = 913,
  cudaErrorInvalidResourceType            = 914,
  cudaErrorInvalidResourceConfiguration   = 915,
  cudaErrorUnknown                        = 999,
  cudaErrorApiFailureBase                 = 10000,
};

//===----------------------------------------------------------------------===//
// Channel formats and arrays
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaChannelFormatKind {
  cudaChannelFormatKindSigned                       = 0,
  cudaChannelFormatKindUnsigned                     = 1,
  cudaChannelFormatKindFloat                        = 2,
  cudaChannelFormatKindNone                         = 3,
  cudaChannelFormatKindNV12                         = 4,
  cudaChannelFormatKindUnsignedNormalized8X1        = 5,
  cudaChannelFormatKindUnsignedNormalized8X2        = 6,
  cudaChannelFormatKindUnsignedNormalized8X4        = 7,
  cudaChannelFormatKindUnsignedNormalized16X1       = 8,
  cudaChannelFormatKindUnsignedNormalized16X2       = 9,
  cudaChannelFormatKindUnsignedNormalized16X4       = 10,
  cudaChannelFormatKindSignedNormalized8X1          = 11,
  cudaChannelFormatKindSignedNormalized8X2          = 12,
  cudaChannelFormatKindSignedNormalized8X4          = 13,
  cudaChannelFormatKindSignedNormalized16X1         = 14,
  cudaChannelFormatKindSignedNormalized16X2         = 15,
  cudaChannelFormatKindSignedNormalized16X4         = 16,
  cudaChannelFormatKindUnsignedBlockCompressed1     = 17,
  cudaChannelFormatKindUnsignedBlockCompressed1SRGB = 18,
  cudaChannelFormatKindUnsignedBlockCompressed2     = 19,
  cudaChannelFormatKindUnsignedBlockCompressed2SRGB = 20,
  cudaChannelFormatKindUnsignedBlockCompressed3     = 21,
  cudaChannelFormatKindUnsignedBlockCompressed3SRGB = 22,
  cudaChannelFormatKindUnsignedBlockCompressed4     = 23,
  cudaChannelFormatKindSignedBlockCompressed4       = 24,
  cudaChannelFormatKindUnsignedBlockCompressed5     = 25,
  cudaChannelFormatKindSignedBlockCompressed5       = 26,
  cudaChannelFormatKindUnsignedBlockCompressed6H    = 27,
  cudaChannelFormatKindSignedBlockCompressed6H      = 28,
  cudaChannelFormatKindUnsignedBlockCompressed7     = 29,
  cudaChannelFormatKindUnsignedBlockCompressed7SRGB = 30,
  cudaChannelFormatKindUnsignedNormalized1010102    = 31,
};

// The bit width of each component of an array element, and their kind.
struct __device_builtin__ cudaChannelFormatDesc {
  int x;
  int y;
  int z;
  int w;
  enum cudaChannelFormatKind f;
};

struct cudaArray;
typedef struct cudaArray *cudaArray_t;
typedef const struct cudaArray *cudaArray_const_t;

struct cudaMipmappedArray;
typedef struct cudaMipmappedArray *cudaMipmappedArray_t;
typedef const struct cudaMipmappedArray *cudaMipmappedArray_const_t;

// cudaArraySparseProperties::flags
#define cudaArraySparsePropertiesSingleMipTail 0x1

struct __device_builtin__ cudaArraySparseProperties {
  struct {
    unsigned int width;
    unsigned int height;
    unsigned int depth;
  } tileExtent;
  unsigned int miptailFirstLevel;
  unsigned long long miptailSize;
  unsigned int flags;
  unsigned int reserved[4];
};

struct __device_builtin__ cudaArrayMemoryRequirements {
  size_t size;
  size_t alignment;
  unsigned int reserved[4];
};

//===----------------------------------------------------------------------===//
// Memory and copies
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaMemoryType {
  cudaMemoryTypeUnregistered = 0,
  cudaMemoryTypeHost         = 1,
  cudaMemoryTypeDevice       = 2,
  cudaMemoryTypeManaged      = 3,
};

enum __device_builtin__ cudaMemcpyKind {
  cudaMemcpyHostToHost     = 0,
  cudaMemcpyHostToDevice   = 1,
  cudaMemcpyDeviceToHost   = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault        = 4,
};

struct __device_builtin__ cudaPitchedPtr {
  void *ptr;
  size_t pitch; // bytes per row
  size_t xsize; // logical width in bytes
  size_t ysize; // logical height in rows
};

// Width in bytes for linear memory, in elements for arrays.
struct __device_builtin__ cudaExtent {
  size_t width;
  size_t height;
  size_t depth;
};

struct __device_builtin__ cudaPos {
  size_t x;
  size_t y;
  size_t z;
};

struct __device_builtin__ cudaMemcpy3DParms {
  cudaArray_t srcArray;
  struct cudaPos srcPos;
  struct cudaPitchedPtr srcPtr;
  cudaArray_t dstArray;
  struct cudaPos dstPos;
  struct cudaPitchedPtr dstPtr;
  struct cudaExtent extent;
  enum cudaMemcpyKind kind;
};

struct __device_builtin__ cudaMemcpyNodeParams {
  int flags;
  int reserved[3];
  struct cudaMemcpy3DParms copyParams;
};

struct __device_builtin__ cudaMemcpy3DPeerParms {
  cudaArray_t srcArray;
  struct cudaPos srcPos;
  struct cudaPitchedPtr srcPtr;
  int srcDevice;
  cudaArray_t dstArray;
  struct cudaPos dstPos;
  struct cudaPitchedPtr dstPtr;
  int dstDevice;
  struct cudaExtent extent;
};

struct __device_builtin__ cudaMemsetParams {
  void *dst;
  size_t pitch;
  unsigned int value;
  unsigned int elementSize; // 1, 2 or 4
  size_t width;
  size_t height;
};

struct __device_builtin__ cudaMemsetParamsV2 {
  void *dst;
  size_t pitch;
  unsigned int value;
  unsigned int elementSize;
  size_t width;
  size_t height;
};

enum __device_builtin__ cudaAccessProperty {
  cudaAccessPropertyNormal     = 0,
  cudaAccessPropertyStreaming  = 1,
  cudaAccessPropertyPersisting = 2,
};

struct __device_builtin__ cudaAccessPolicyWindow {
  void *base_ptr;
  size_t num_bytes;
  float hitRatio;
  enum cudaAccessProperty hitProp;
  enum cudaAccessProperty missProp;
};

// A host function enqueued with cudaLaunchHostFunc or a graph host node.
typedef void(CUDART_CB *cudaHostFn_t)(void *userData);

struct __device_builtin__ cudaHostNodeParams {
  cudaHostFn_t fn;
  void *userData;
};

struct __device_builtin__ cudaHostNodeParamsV2 {
  cudaHostFn_t fn;
  void *userData;
};

//===----------------------------------------------------------------------===//
// Streams, capture and user objects
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaStreamCaptureStatus {
  cudaStreamCaptureStatusNone        = 0,
  cudaStreamCaptureStatusActive      = 1,
  cudaStreamCaptureStatusInvalidated = 2,
};

enum __device_builtin__ cudaStreamCaptureMode {
  cudaStreamCaptureModeGlobal      = 0,
  cudaStreamCaptureModeThreadLocal = 1,
  cudaStreamCaptureModeRelaxed     = 2,
};

enum __device_builtin__ cudaSynchronizationPolicy {
  cudaSyncPolicyAuto         = 1,
  cudaSyncPolicySpin         = 2,
  cudaSyncPolicyYield        = 3,
  cudaSyncPolicyBlockingSync = 4,
};

enum __device_builtin__ cudaClusterSchedulingPolicy {
  cudaClusterSchedulingPolicyDefault       = 0,
  cudaClusterSchedulingPolicySpread        = 1,
  cudaClusterSchedulingPolicyLoadBalancing = 2,
};

enum __device_builtin__ cudaStreamUpdateCaptureDependenciesFlags {
  cudaStreamAddCaptureDependencies = 0,
  cudaStreamSetCaptureDependencies = 1,
};

enum __device_builtin__ cudaUserObjectFlags {
  cudaUserObjectNoDestructorSync = 1,
};

enum __device_builtin__ cudaUserObjectRetainFlags {
  cudaGraphUserObjectMove = 1,
};

//===----------------------------------------------------------------------===//
// Graphics interop
//===----------------------------------------------------------------------===//

struct cudaGraphicsResource;

enum __device_builtin__ cudaGraphicsRegisterFlags {
  cudaGraphicsRegisterFlagsNone             = 0,
  cudaGraphicsRegisterFlagsReadOnly         = 1,
  cudaGraphicsRegisterFlagsWriteDiscard     = 2,
  cudaGraphicsRegisterFlagsSurfaceLoadStore = 4,
  cudaGraphicsRegisterFlagsTextureGather    = 8,
};

enum __device_builtin__ cudaGraphicsMapFlags {
  cudaGraphicsMapFlagsNone         = 0,
  cudaGraphicsMapFlagsReadOnly     = 1,
  cudaGraphicsMapFlagsWriteDiscard = 2,
};

enum __device_builtin__ cudaGraphicsCubeFace {
  cudaGraphicsCubeFacePositiveX = 0,
  cudaGraphicsCubeFaceNegativeX = 1,
  cudaGraphicsCubeFacePositiveY = 2,
  cudaGraphicsCubeFaceNegativeY = 3,
  cudaGraphicsCubeFacePositiveZ = 4,
  cudaGraphicsCubeFaceNegativeZ = 5,
};

//===----------------------------------------------------------------------===//
// Texture and surface resources
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaResourceType {
  cudaResourceTypeArray          = 0,
  cudaResourceTypeMipmappedArray = 1,
  cudaResourceTypeLinear         = 2,
  cudaResourceTypePitch2D        = 3,
};

enum __device_builtin__ cudaResourceViewFormat {
  cudaResViewFormatNone                      = 0,
  cudaResViewFormatUnsignedChar1             = 1,
  cudaResViewFormatUnsignedChar2             = 2,
  cudaResViewFormatUnsignedChar4             = 3,
  cudaResViewFormatSignedChar1               = 4,
  cudaResViewFormatSignedChar2               = 5,
  cudaResViewFormatSignedChar4               = 6,
  cudaResViewFormatUnsignedShort1            = 7,
  cudaResViewFormatUnsignedShort2            = 8,
  cudaResViewFormatUnsignedShort4            = 9,
  cudaResViewFormatSignedShort1              = 10,
  cudaResViewFormatSignedShort2              = 11,
  cudaResViewFormatSignedShort4              = 12,
  cudaResViewFormatUnsignedInt1              = 13,
  cudaResViewFormatUnsignedInt2              = 14,
  cudaResViewFormatUnsignedInt4              = 15,
  cudaResViewFormatSignedInt1                = 16,
  cudaResViewFormatSignedInt2                = 17,
  cudaResViewFormatSignedInt4                = 18,
  cudaResViewFormatHalf1                     = 19,
  cudaResViewFormatHalf2                     = 20,
  cudaResViewFormatHalf4                     = 21,
  cudaResViewFormatFloat1                    = 22,
  cudaResViewFormatFloat2                    = 23,
  cudaResViewFormatFloat4                    = 24,
  cudaResViewFormatUnsignedBlockCompressed1  = 25,
  cudaResViewFormatUnsignedBlockCompressed2  = 26,
  cudaResViewFormatUnsignedBlockCompressed3  = 27,
  cudaResViewFormatUnsignedBlockCompressed4  = 28,
  cudaResViewFormatSignedBlockCompressed4    = 29,
  cudaResViewFormatUnsignedBlockCompressed5  = 30,
  cudaResViewFormatSignedBlockCompressed5    = 31,
  cudaResViewFormatUnsignedBlockCompressed6H = 32,
  cudaResViewFormatSignedBlockCompressed6H   = 33,
  cudaResViewFormatUnsignedBlockCompressed7  = 34,
};

struct __device_builtin__ cudaResourceDesc {
  enum cudaResourceType resType;
  union {
    struct {
      cudaArray_t array;
    } array;
    struct {
      cudaMipmappedArray_t mipmap;
    } mipmap;
    struct {
      void *devPtr;
      struct cudaChannelFormatDesc desc;
      size_t sizeInBytes;
    } linear;
    struct {
      void *devPtr;
      struct cudaChannelFormatDesc desc;
      size_t width;
      size_t height;
      size_t pitchInBytes;
    } pitch2D;
    struct {
      int reserved[32];
    } reserved;
  } res;
  unsigned int flags;
};

struct __device_builtin__ cudaResourceViewDesc {
  enum cudaResourceViewFormat format;
  size_t width;
  size_t height;
  size_t depth;
  unsigned int firstMipmapLevel;
  unsigned int lastMipmapLevel;
  unsigned int firstLayer;
  unsigned int lastLayer;
  unsigned int reserved[16];
};

//===----------------------------------------------------------------------===//
// Pointers, functions and devices
//===----------------------------------------------------------------------===//

// Filled by cudaPointerGetAttributes.
struct __device_builtin__ cudaPointerAttributes {
  enum cudaMemoryType type;
  int device;
  void *devicePointer;
  void *hostPointer;
  long reserved[8];
};

// Filled by cudaFuncGetAttributes.
struct __device_builtin__ cudaFuncAttributes {
  size_t sharedSizeBytes; // static shared memory
  size_t constSizeBytes;
  size_t localSizeBytes; // per thread
  int maxThreadsPerBlock;
  int numRegs;
  int ptxVersion;    // major * 10 + minor
  int binaryVersion; // major * 10 + minor
  int cacheModeCA;
  int maxDynamicSharedSizeBytes;
  int preferredShmemCarveout;
  int clusterDimMustBeSet;
  int requiredClusterWidth;
  int requiredClusterHeight;
  int requiredClusterDepth;
  int clusterSchedulingPolicyPreference;
  int nonPortableClusterSizeAllowed;
  int reserved[16];
};

enum __device_builtin__ cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize        = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout     = 9,
  cudaFuncAttributeClusterDimMustBeSet               = 10,
  cudaFuncAttributeRequiredClusterWidth              = 11,
  cudaFuncAttributeRequiredClusterHeight             = 12,
  cudaFuncAttributeRequiredClusterDepth              = 13,
  cudaFuncAttributeNonPortableClusterSizeAllowed     = 14,
  cudaFuncAttributeClusterSchedulingPolicyPreference = 15,
  cudaFuncAttributeMax                               = 16,
};

enum __device_builtin__ cudaFuncCache {
  cudaFuncCachePreferNone   = 0,
  cudaFuncCachePreferShared = 1,
  cudaFuncCachePreferL1     = 2,
  cudaFuncCachePreferEqual  = 3,
};

enum __device_builtin__ cudaSharedMemConfig {
  cudaSharedMemBankSizeDefault   = 0,
  cudaSharedMemBankSizeFourByte  = 1,
  cudaSharedMemBankSizeEightByte = 2,
};

enum __device_builtin__ cudaSharedCarveout {
  cudaSharedmemCarveoutDefault   = -1,
  cudaSharedmemCarveoutMaxShared = 100,
  cudaSharedmemCarveoutMaxL1     = 0,
};

enum __device_builtin__ cudaComputeMode {
  cudaComputeModeDefault          = 0,
  cudaComputeModeExclusive        = 1,
  cudaComputeModeProhibited       = 2,
  cudaComputeModeExclusiveProcess = 3,
};

enum __device_builtin__ cudaLimit {
  cudaLimitStackSize                    = 0,
  cudaLimitPrintfFifoSize               = 1,
  cudaLimitMallocHeapSize               = 2,
  cudaLimitDevRuntimeSyncDepth          = 3,
  cudaLimitDevRuntimePendingLaunchCount = 4,
  cudaLimitMaxL2FetchGranularity        = 5,
  cudaLimitPersistingL2CacheSize        = 6,
};

enum __device_builtin__ cudaMemoryAdvise {
  cudaMemAdviseSetReadMostly          = 1,
  cudaMemAdviseUnsetReadMostly        = 2,
  cudaMemAdviseSetPreferredLocation   = 3,
  cudaMemAdviseUnsetPreferredLocation = 4,
  cudaMemAdviseSetAccessedBy          = 5,
  cudaMemAdviseUnsetAccessedBy        = 6,
};

enum __device_builtin__ cudaMemRangeAttribute {
  cudaMemRangeAttributeReadMostly               = 1,
  cudaMemRangeAttributePreferredLocation        = 2,
  cudaMemRangeAttributeAccessedBy               = 3,
  cudaMemRangeAttributeLastPrefetchLocation     = 4,
  cudaMemRangeAttributePreferredLocationType    = 5,
  cudaMemRangeAttributePreferredLocationId      = 6,
  cudaMemRangeAttributeLastPrefetchLocationType = 7,
  cudaMemRangeAttributeLastPrefetchLocationId   = 8,
};

enum __device_builtin__ cudaFlushGPUDirectRDMAWritesOptions {
  cudaFlushGPUDirectRDMAWritesOptionHost   = 1,
  cudaFlushGPUDirectRDMAWritesOptionMemOps = 2,
};

enum __device_builtin__ cudaGPUDirectRDMAWritesOrdering {
  cudaGPUDirectRDMAWritesOrderingNone       = 0,
  cudaGPUDirectRDMAWritesOrderingOwner      = 100,
  cudaGPUDirectRDMAWritesOrderingAllDevices = 200,
};

enum __device_builtin__ cudaFlushGPUDirectRDMAWritesScope {
  cudaFlushGPUDirectRDMAWritesToOwner      = 100,
  cudaFlushGPUDirectRDMAWritesToAllDevices = 200,
};

enum __device_builtin__ cudaFlushGPUDirectRDMAWritesTarget {
  cudaFlushGPUDirectRDMAWritesTargetCurrentDevice = 0,
};

// Queried with cudaDeviceGetAttribute. The numbering has gaps: the missing
// values name no attribute in CUDA 13.0.
enum __device_builtin__ cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock                     = 1,
  cudaDevAttrMaxBlockDimX                           = 2,
  cudaDevAttrMaxBlockDimY                           = 3,
  cudaDevAttrMaxBlockDimZ                           = 4,
  cudaDevAttrMaxGridDimX                            = 5,
  cudaDevAttrMaxGridDimY                            = 6,
  cudaDevAttrMaxGridDimZ                            = 7,
  cudaDevAttrMaxSharedMemoryPerBlock                = 8,
  cudaDevAttrTotalConstantMemory                    = 9,
  cudaDevAttrWarpSize                               = 10,
  cudaDevAttrMaxPitch                               = 11,
  cudaDevAttrMaxRegistersPerBlock                   = 12,
  cudaDevAttrClockRate                              = 13,
  cudaDevAttrTextureAlignment                       = 14,
  cudaDevAttrGpuOverlap                             = 15,
  cudaDevAttrMultiProcessorCount                    = 16,
  cudaDevAttrKernelExecTimeout                      = 17,
  cudaDevAttrIntegrated                             = 18,
  cudaDevAttrCanMapHostMemory                       = 19,
  cudaDevAttrComputeMode                            = 20,
  cudaDevAttrMaxTexture1DWidth                      = 21,
  cudaDevAttrMaxTexture2DWidth                      = 22,
  cudaDevAttrMaxTexture2DHeight                     = 23,
  cudaDevAttrMaxTexture3DWidth                      = 24,
  cudaDevAttrMaxTexture3DHeight                     = 25,
  cudaDevAttrMaxTexture3DDepth                      = 26,
  cudaDevAttrMaxTexture2DLayeredWidth               = 27,
  cudaDevAttrMaxTexture2DLayeredHeight              = 28,
  cudaDevAttrMaxTexture2DLayeredLayers              = 29,
  cudaDevAttrSurfaceAlignment                       = 30,
  cudaDevAttrConcurrentKernels                      = 31,
  cudaDevAttrEccEnabled                             = 32,
  cudaDevAttrPciBusId                               = 33,
  cudaDevAttrPciDeviceId                            = 34,
  cudaDevAttrTccDriver                              = 35,
  cudaDevAttrMemoryClockRate                        = 36,
  cudaDevAttrGlobalMemoryBusWidth                   = 37,
  cudaDevAttrL2CacheSize                            = 38,
  cudaDevAttrMaxThreadsPerMultiProcessor            = 39,
  cudaDevAttrAsyncEngineCount                       = 40,
  cudaDevAttrUnifiedAddressing                      = 41,
  cudaDevAttrMaxTexture1DLayeredWidth               = 42,
  cudaDevAttrMaxTexture1DLayeredLayers              = 43,
  cudaDevAttrMaxTexture2DGatherWidth                = 45,
  cudaDevAttrMaxTexture2DGatherHeight               = 46,
  cudaDevAttrMaxTexture3DWidthAlt                   = 47,
  cudaDevAttrMaxTexture3DHeightAlt                  = 48,
  cudaDevAttrMaxTexture3DDepthAlt                   = 49,
  cudaDevAttrPciDomainId                            = 50,
  cudaDevAttrTexturePitchAlignment                  = 51,
  cudaDevAttrMaxTextureCubemapWidth                 = 52,
  cudaDevAttrMaxTextureCubemapLayeredWidth          = 53,
  cudaDevAttrMaxTextureCubemapLayeredLayers         = 54,
  cudaDevAttrMaxSurface1DWidth                      = 55,
  cudaDevAttrMaxSurface2DWidth                      = 56,
  cudaDevAttrMaxSurface2DHeight                     = 57,
  cudaDevAttrMaxSurface3DWidth                      = 58,
  cudaDevAttrMaxSurface3DHeight                     = 59,
  cudaDevAttrMaxSurface3DDepth                      = 60,
  cudaDevAttrMaxSurface1DLayeredWidth               = 61,
  cudaDevAttrMaxSurface1DLayeredLayers              = 62,
  cudaDevAttrMaxSurface2DLayeredWidth               = 63,
  cudaDevAttrMaxSurface2DLayeredHeight              = 64,
  cudaDevAttrMaxSurface2DLayeredLayers              = 65,
  cudaDevAttrMaxSurfaceCubemapWidth                 = 66,
  cudaDevAttrMaxSurfaceCubemapLayeredWidth          = 67,
  cudaDevAttrMaxSurfaceCubemapLayeredLayers         = 68,
  cudaDevAttrMaxTexture1DLinearWidth                = 69,
  cudaDevAttrMaxTexture2DLinearWidth                = 70,
  cudaDevAttrMaxTexture2DLinearHeight               = 71,
  cudaDevAttrMaxTexture2DLinearPitch                = 72,
  cudaDevAttrMaxTexture2DMipmappedWidth             = 73,
  cudaDevAttrMaxTexture2DMipmappedHeight            = 74,
  cudaDevAttrComputeCapabilityMajor                 = 75,
  cudaDevAttrComputeCapabilityMinor                 = 76,
  cudaDevAttrMaxTexture1DMipmappedWidth             = 77,
  cudaDevAttrStreamPrioritiesSupported              = 78,
  cudaDevAttrGlobalL1CacheSupported                 = 79,
  cudaDevAttrLocalL1CacheSupported                  = 80,
  cudaDevAttrMaxSharedMemoryPerMultiprocessor       = 81,
  cudaDevAttrMaxRegistersPerMultiprocessor          = 82,
  cudaDevAttrManagedMemory                          = 83,
  cudaDevAttrIsMultiGpuBoard                        = 84,
  cudaDevAttrMultiGpuBoardGroupID                   = 85,
  cudaDevAttrHostNativeAtomicSupported              = 86,
  cudaDevAttrSingleToDoublePrecisionPerfRatio       = 87,
  cudaDevAttrPageableMemoryAccess                   = 88,
  cudaDevAttrConcurrentManagedAccess                = 89,
  cudaDevAttrComputePreemptionSupported             = 90,
  cudaDevAttrCanUseHostPointerForRegisteredMem      = 91,
  cudaDevAttrReserved92                             = 92,
  cudaDevAttrReserved93                             = 93,
  cudaDevAttrReserved94                             = 94,
  cudaDevAttrCooperativeLaunch                      = 95,
  cudaDevAttrReserved96                             = 96,
  cudaDevAttrMaxSharedMemoryPerBlockOptin           = 97,
  cudaDevAttrCanFlushRemoteWrites                   = 98,
  cudaDevAttrHostRegisterSupported                  = 99,
  cudaDevAttrPageableMemoryAccessUsesHostPageTables = 100,
  cudaDevAttrDirectManagedMemAccessFromHost         = 101,
  cudaDevAttrMaxBlocksPerMultiprocessor             = 106,
  cudaDevAttrMaxPersistingL2CacheSize               = 108,
  cudaDevAttrMaxAccessPolicyWindowSize              = 109,
  cudaDevAttrReservedSharedMemoryPerBlock           = 111,
  cudaDevAttrSparseCudaArraySupported               = 112,
  cudaDevAttrHostRegisterReadOnlySupported          = 113,
  cudaDevAttrTimelineSemaphoreInteropSupported      = 114,
  cudaDevAttrMemoryPoolsSupported                   = 115,
  cudaDevAttrGPUDirectRDMASupported                 = 116,
  cudaDevAttrGPUDirectRDMAFlushWritesOptions        = 117,
  cudaDevAttrGPUDirectRDMAWritesOrdering            = 118,
  cudaDevAttrMemoryPoolSupportedHandleTypes         = 119,
  cudaDevAttrClusterLaunch                          = 120,
  cudaDevAttrDeferredMappingCudaArraySupported      = 121,
  cudaDevAttrReserved122                            = 122,
  cudaDevAttrReserved123                            = 123,
  cudaDevAttrReserved124                            = 124,
  cudaDevAttrIpcEventSupport                        = 125,
  cudaDevAttrMemSyncDomainCount                     = 126,
  cudaDevAttrReserved127                            = 127,
  cudaDevAttrReserved128                            = 128,
  cudaDevAttrReserved129                            = 129,
  cudaDevAttrNumaConfig                             = 130,
  cudaDevAttrNumaId                                 = 131,
  cudaDevAttrReserved132                            = 132,
  cudaDevAttrMpsEnabled                             = 133,
  cudaDevAttrHostNumaId                             = 134,
  cudaDevAttrD3D12CigSupported                      = 135,
  cudaDevAttrVulkanCigSupported                     = 138,
  cudaDevAttrGpuPciDeviceId                         = 139,
  cudaDevAttrGpuPciSubsystemId                      = 140,
  cudaDevAttrReserved141                            = 141,
  cudaDevAttrHostNumaMemoryPoolsSupported           = 142,
  cudaDevAttrHostNumaMultinodeIpcSupported          = 143,
  cudaDevAttrHostMemoryPoolsSupported               = 144,
  cudaDevAttrReserved145                            = 145,
  cudaDevAttrOnlyPartialHostNativeAtomicSupported   = 147,
  cudaDevAttrMax                                    = 148,
};

//===----------------------------------------------------------------------===//
// Memory pools and allocation nodes
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaMemPoolAttr {
  cudaMemPoolReuseFollowEventDependencies   = 1,
  cudaMemPoolReuseAllowOpportunistic        = 2,
  cudaMemPoolReuseAllowInternalDependencies = 3,
  cudaMemPoolAttrReleaseThreshold           = 4,
  cudaMemPoolAttrReservedMemCurrent         = 5,
  cudaMemPoolAttrReservedMemHigh            = 6,
  cudaMemPoolAttrUsedMemCurrent             = 7,
  cudaMemPoolAttrUsedMemHigh                = 8,
};

enum __device_builtin__ cudaMemLocationType {
  cudaMemLocationTypeInvalid         = 0,
  cudaMemLocationTypeNone            = 0,
  cudaMemLocationTypeDevice          = 1,
  cudaMemLocationTypeHost            = 2,
  cudaMemLocationTypeHostNuma        = 3,
  cudaMemLocationTypeHostNumaCurrent = 4,
};

struct __device_builtin__ cudaMemLocation {
  enum cudaMemLocationType type;
  int id;
};

enum __device_builtin__ cudaMemAccessFlags {
  cudaMemAccessFlagsProtNone      = 0,
  cudaMemAccessFlagsProtRead      = 1,
  cudaMemAccessFlagsProtReadWrite = 3,
};

struct __device_builtin__ cudaMemAccessDesc {
  struct cudaMemLocation location;
  enum cudaMemAccessFlags flags;
};

enum __device_builtin__ cudaMemAllocationType {
  cudaMemAllocationTypeInvalid = 0,
  cudaMemAllocationTypePinned  = 1,
  cudaMemAllocationTypeManaged = 2,
  cudaMemAllocationTypeMax     = 0x7FFFFFFF,
};

enum __device_builtin__ cudaMemAllocationHandleType {
  cudaMemHandleTypeNone                = 0,
  cudaMemHandleTypePosixFileDescriptor = 1,
  cudaMemHandleTypeWin32               = 2,
  cudaMemHandleTypeWin32Kmt            = 4,
  cudaMemHandleTypeFabric              = 8,
};

// cudaMemPoolProps::usage
#define cudaMemPoolCreateUsageHwDecompress 0x2

struct __device_builtin__ cudaMemPoolProps {
  enum cudaMemAllocationType allocType;
  enum cudaMemAllocationHandleType handleTypes;
  struct cudaMemLocation location;
  void *win32SecurityAttributes;
  size_t maxSize;
  unsigned short usage;
  unsigned char reserved[54];
};

struct __device_builtin__ cudaMemPoolPtrExportData {
  unsigned char reserved[64];
};

struct __device_builtin__ cudaMemAllocNodeParams {
  struct cudaMemPoolProps poolProps;
  const struct cudaMemAccessDesc *accessDescs;
  size_t accessDescCount;
  size_t bytesize;
  void *dptr; // out
};

struct __device_builtin__ cudaMemAllocNodeParamsV2 {
  struct cudaMemPoolProps poolProps;
  const struct cudaMemAccessDesc *accessDescs;
  size_t accessDescCount;
  size_t bytesize;
  void *dptr; // out
};

struct __device_builtin__ cudaMemFreeNodeParams {
  void *dptr;
};

enum __device_builtin__ cudaGraphMemAttributeType {
  cudaGraphMemAttrUsedMemCurrent     = 0,
  cudaGraphMemAttrUsedMemHigh        = 1,
  cudaGraphMemAttrReservedMemCurrent = 2,
  cudaGraphMemAttrReservedMemHigh    = 3,
};

//===----------------------------------------------------------------------===//
// Batched copies
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaMemcpyFlags {
  cudaMemcpyFlagDefault                  = 0,
  cudaMemcpyFlagPreferOverlapWithCompute = 1,
};

enum __device_builtin__ cudaMemcpySrcAccessOrder {
  cudaMemcpySrcAccessOrderInvalid       = 0,
  cudaMemcpySrcAccessOrderStream        = 1,
  cudaMemcpySrcAccessOrderDuringApiCall = 2,
  cudaMemcpySrcAccessOrderAny           = 3,
  cudaMemcpySrcAccessOrderMax           = 0x7FFFFFFF,
};

struct __device_builtin__ cudaMemcpyAttributes {
  enum cudaMemcpySrcAccessOrder srcAccessOrder;
  struct cudaMemLocation srcLocHint;
  struct cudaMemLocation dstLocHint;
  unsigned int flags;
};

enum __device_builtin__ cudaMemcpy3DOperandType {
  cudaMemcpyOperandTypePointer = 1,
  cudaMemcpyOperandTypeArray   = 2,
  cudaMemcpyOperandTypeMax     = 0x7FFFFFFF,
};

struct __device_builtin__ cudaOffset3D {
  size_t x;
  size_t y;
  size_t z;
};

struct __device_builtin__ cudaMemcpy3DOperand {
  enum cudaMemcpy3DOperandType type;
  union {
    struct {
      void *ptr;
      size_t rowLength;   // elements
      size_t layerHeight; // elements
      struct cudaMemLocation locHint;
    } ptr;
    struct {
      cudaArray_t array;
      struct cudaOffset3D offset;
    } array;
  } op;
};

struct __device_builtin__ cudaMemcpy3DBatchOp {
  struct cudaMemcpy3DOperand src;
  struct cudaMemcpy3DOperand dst;
  struct cudaExtent extent;
  enum cudaMemcpySrcAccessOrder srcAccessOrder;
  unsigned int flags;
};

//===----------------------------------------------------------------------===//
// Peer access and atomics
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaDeviceP2PAttr {
  cudaDevP2PAttrPerformanceRank                  = 1,
  cudaDevP2PAttrAccessSupported                  = 2,
  cudaDevP2PAttrNativeAtomicSupported            = 3,
  cudaDevP2PAttrCudaArrayAccessSupported         = 4,
  cudaDevP2PAttrOnlyPartialNativeAtomicSupported = 5,
};

enum __device_builtin__ cudaAtomicOperation {
  cudaAtomicOperationIntegerAdd       = 0,
  cudaAtomicOperationIntegerMin       = 1,
  cudaAtomicOperationIntegerMax       = 2,
  cudaAtomicOperationIntegerIncrement = 3,
  cudaAtomicOperationIntegerDecrement = 4,
  cudaAtomicOperationAnd              = 5,
  cudaAtomicOperationOr               = 6,
  cudaAtomicOperationXOR              = 7,
  cudaAtomicOperationExchange         = 8,
  cudaAtomicOperationCAS              = 9,
  cudaAtomicOperationFloatAdd         = 10,
  cudaAtomicOperationFloatMin         = 11,
  cudaAtomicOperationFloatMax         = 12,
};

enum __device_builtin__ cudaAtomicOperationCapability {
  cudaAtomicCapabilitySigned     = 1,
  cudaAtomicCapabilityUnsigned   = 2,
  cudaAtomicCapabilityReduction  = 4,
  cudaAtomicCapabilityScalar32   = 8,
  cudaAtomicCapabilityScalar64   = 16,
  cudaAtomicCapabilityScalar128  = 32,
  cudaAtomicCapabilityVector32x4 = 64,
};

//===----------------------------------------------------------------------===//
// Device properties
//===----------------------------------------------------------------------===//

// Shared with the driver API's cuda.h, hence the guard.
#ifndef CU_UUID_HAS_BEEN_DEFINED
#define CU_UUID_HAS_BEEN_DEFINED
struct __device_builtin__ CUuuid_st {
  char bytes[16];
};
typedef struct CUuuid_st CUuuid;
#endif
typedef struct CUuuid_st cudaUUID_t;

// Filled by cudaGetDeviceProperties. This is the CUDA 13.0 layout: the fields
// that 13.0 dropped (clockRate, memoryClockRate, kernelExecTimeoutEnabled,
// computeMode, maxTexture1DLinear, cooperativeMultiDeviceLaunch, ...) are
// gone and the reserved tail is 56 ints. 1008 bytes in all.
struct __device_builtin__ cudaDeviceProp {
  char name[256];
  cudaUUID_t uuid;
  char luid[8];
  unsigned int luidDeviceNodeMask;
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  size_t texturePitchAlignment;
  int multiProcessorCount;
  int integrated;
  int canMapHostMemory;
  int maxTexture1D;
  int maxTexture1DMipmap;
  int maxTexture2D[2];
  int maxTexture2DMipmap[2];
  int maxTexture2DLinear[3]; // width, height, pitch
  int maxTexture2DGather[2];
  int maxTexture3D[3];
  int maxTexture3DAlt[3];
  int maxTextureCubemap;
  int maxTexture1DLayered[2];
  int maxTexture2DLayered[3];
  int maxTextureCubemapLayered[2];
  int maxSurface1D;
  int maxSurface2D[2];
  int maxSurface3D[3];
  int maxSurface1DLayered[2];
  int maxSurface2DLayered[3];
  int maxSurfaceCubemap;
  int maxSurfaceCubemapLayered[2];
  size_t surfaceAlignment;
  int concurrentKernels;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int tccDriver;
  int asyncEngineCount;
  int unifiedAddressing;
  int memoryBusWidth; // bits
  int l2CacheSize;    // bytes
  int persistingL2CacheMaxSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  int globalL1CacheSupported;
  int localL1CacheSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int isMultiGpuBoard;
  int multiGpuBoardGroupID;
  int hostNativeAtomicSupported;
  int pageableMemoryAccess;
  int concurrentManagedAccess;
  int computePreemptionSupported;
  int canUseHostPointerForRegisteredMem;
  int cooperativeLaunch;
  size_t sharedMemPerBlockOptin;
  int pageableMemoryAccessUsesHostPageTables;
  int directManagedMemAccessFromHost;
  int maxBlocksPerMultiProcessor;
  int accessPolicyMaxWindowSize;
  size_t reservedSharedMemPerBlock;
  int hostRegisterSupported;
  int sparseCudaArraySupported;
  int hostRegisterReadOnlySupported;
  int timelineSemaphoreInteropSupported;
  int memoryPoolsSupported;
  int gpuDirectRDMASupported;
  unsigned int gpuDirectRDMAFlushWritesOptions;
  int gpuDirectRDMAWritesOrdering;
  unsigned int memoryPoolSupportedHandleTypes;
  int deferredMappingCudaArraySupported;
  int ipcEventSupported;
  int clusterLaunch;
  int unifiedFunctionPointers;
  int deviceNumaConfig;
  int deviceNumaId;
  int mpsEnabled;
  int hostNumaId;
  unsigned int gpuPciDeviceID;
  unsigned int gpuPciSubsystemID;
  int hostNumaMultinodeIpcSupported;
  int reserved[56];
};

//===----------------------------------------------------------------------===//
// Interprocess handles
//===----------------------------------------------------------------------===//

#define CUDA_IPC_HANDLE_SIZE 64

typedef struct __device_builtin__ cudaIpcEventHandle_st {
  char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaIpcEventHandle_t;

typedef struct __device_builtin__ cudaIpcMemHandle_st {
  char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaIpcMemHandle_t;

typedef struct __device_builtin__ cudaMemFabricHandle_st {
  char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaMemFabricHandle_t;

//===----------------------------------------------------------------------===//
// External memory and semaphores
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaExternalMemoryHandleType {
  cudaExternalMemoryHandleTypeOpaqueFd         = 1,
  cudaExternalMemoryHandleTypeOpaqueWin32      = 2,
  cudaExternalMemoryHandleTypeOpaqueWin32Kmt   = 3,
  cudaExternalMemoryHandleTypeD3D12Heap        = 4,
  cudaExternalMemoryHandleTypeD3D12Resource    = 5,
  cudaExternalMemoryHandleTypeD3D11Resource    = 6,
  cudaExternalMemoryHandleTypeD3D11ResourceKmt = 7,
  cudaExternalMemoryHandleTypeNvSciBuf         = 8,
};

// cudaExternalMemoryHandleDesc::flags
#define cudaExternalMemoryDedicated 0x1
// cudaExternalSemaphoreSignalParams::flags and
// cudaExternalSemaphoreWaitParams::flags
#define cudaExternalSemaphoreSignalSkipNvSciBufMemSync 0x01
#define cudaExternalSemaphoreWaitSkipNvSciBufMemSync 0x02
// cudaDeviceGetNvSciSyncAttributes flags
#define cudaNvSciSyncAttrSignal 0x1
#define cudaNvSciSyncAttrWait 0x2

struct __device_builtin__ cudaExternalMemoryHandleDesc {
  enum cudaExternalMemoryHandleType type;
  union {
    int fd;
    struct {
      void *handle;
      const void *name;
    } win32;
    const void *nvSciBufObject;
  } handle;
  unsigned long long size;
  unsigned int flags;
  unsigned int reserved[16];
};

struct __device_builtin__ cudaExternalMemoryBufferDesc {
  unsigned long long offset;
  unsigned long long size;
  unsigned int flags;
  unsigned int reserved[16];
};

struct __device_builtin__ cudaExternalMemoryMipmappedArrayDesc {
  unsigned long long offset;
  struct cudaChannelFormatDesc formatDesc;
  struct cudaExtent extent;
  unsigned int flags;
  unsigned int numLevels;
  unsigned int reserved[16];
};

enum __device_builtin__ cudaExternalSemaphoreHandleType {
  cudaExternalSemaphoreHandleTypeOpaqueFd               = 1,
  cudaExternalSemaphoreHandleTypeOpaqueWin32            = 2,
  cudaExternalSemaphoreHandleTypeOpaqueWin32Kmt         = 3,
  cudaExternalSemaphoreHandleTypeD3D12Fence             = 4,
  cudaExternalSemaphoreHandleTypeD3D11Fence             = 5,
  cudaExternalSemaphoreHandleTypeNvSciSync              = 6,
  cudaExternalSemaphoreHandleTypeKeyedMutex             = 7,
  cudaExternalSemaphoreHandleTypeKeyedMutexKmt          = 8,
  cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd    = 9,
  cudaExternalSemaphoreHandleTypeTimelineSemaphoreWin32 = 10,
};

struct __device_builtin__ cudaExternalSemaphoreHandleDesc {
  enum cudaExternalSemaphoreHandleType type;
  union {
    int fd;
    struct {
      void *handle;
      const void *name;
    } win32;
    const void *nvSciSyncObj;
  } handle;
  unsigned int flags;
  unsigned int reserved[16];
};

struct __device_builtin__ cudaExternalSemaphoreSignalParams {
  struct {
    struct {
      unsigned long long value;
    } fence;
    union {
      void *fence;
      unsigned long long reserved;
    } nvSciSync;
    struct {
      unsigned long long key;
    } keyedMutex;
    unsigned int reserved[12];
  } params;
  unsigned int flags;
  unsigned int reserved[16];
};

struct __device_builtin__ cudaExternalSemaphoreWaitParams {
  struct {
    struct {
      unsigned long long value;
    } fence;
    union {
      void *fence;
      unsigned long long reserved;
    } nvSciSync;
    struct {
      unsigned long long key;
      unsigned int timeoutMs;
    } keyedMutex;
    unsigned int reserved[10];
  } params;
  unsigned int flags;
  unsigned int reserved[16];
};

//===----------------------------------------------------------------------===//
// Handles
//===----------------------------------------------------------------------===//

typedef enum cudaError cudaError_t;
typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;
typedef struct cudaGraphicsResource *cudaGraphicsResource_t;
typedef struct CUexternalMemory_st *cudaExternalMemory_t;
typedef struct CUexternalSemaphore_st *cudaExternalSemaphore_t;
typedef struct CUgraph_st *cudaGraph_t;
typedef struct CUgraphNode_st *cudaGraphNode_t;
typedef struct CUuserObject_st *cudaUserObject_t;
typedef unsigned long long cudaGraphConditionalHandle;
typedef struct CUfunc_st *cudaFunction_t;
typedef struct CUkern_st *cudaKernel_t;

//===----------------------------------------------------------------------===//
// JIT options and libraries
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaJitOption {
  cudaJitMaxRegisters            = 0,
  cudaJitThreadsPerBlock         = 1,
  cudaJitWallTime                = 2,
  cudaJitInfoLogBuffer           = 3,
  cudaJitInfoLogBufferSizeBytes  = 4,
  cudaJitErrorLogBuffer          = 5,
  cudaJitErrorLogBufferSizeBytes = 6,
  cudaJitOptimizationLevel       = 7,
  cudaJitFallbackStrategy        = 10,
  cudaJitGenerateDebugInfo       = 11,
  cudaJitLogVerbose              = 12,
  cudaJitGenerateLineInfo        = 13,
  cudaJitCacheMode               = 14,
  cudaJitPositionIndependentCode = 30,
  cudaJitMinCtaPerSm             = 31,
  cudaJitMaxThreadsPerBlock      = 32,
  cudaJitOverrideDirectiveValues = 33,
};

enum __device_builtin__ cudaLibraryOption {
  cudaLibraryHostUniversalFunctionAndDataTable = 0,
  cudaLibraryBinaryIsPreserved                 = 1,
};

struct __device_builtin__ cudalibraryHostUniversalFunctionAndDataTable {
  void *functionTable;
  size_t functionWindowSize;
  void *dataTable;
  size_t dataWindowSize;
};

enum __device_builtin__ cudaJit_CacheMode {
  cudaJitCacheOptionNone = 0,
  cudaJitCacheOptionCG   = 1,
  cudaJitCacheOptionCA   = 2,
};

enum __device_builtin__ cudaJit_Fallback {
  cudaPreferPtx    = 0,
  cudaPreferBinary = 1,
};

typedef struct CUlib_st *cudaLibrary_t;
typedef struct CUmemPoolHandle_st *cudaMemPool_t;

//===----------------------------------------------------------------------===//
// Graphs
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaCGScope {
  cudaCGScopeInvalid  = 0,
  cudaCGScopeGrid     = 1,
  cudaCGScopeReserved = 2,
};

struct __device_builtin__ cudaKernelNodeParams {
  void *func;
  dim3 gridDim;
  dim3 blockDim;
  unsigned int sharedMemBytes;
  void **kernelParams;
  void **extra;
};

struct __device_builtin__ cudaKernelNodeParamsV2 {
  void *func;
  dim3 gridDim;
  dim3 blockDim;
  unsigned int sharedMemBytes;
  void **kernelParams;
  void **extra;
};

struct __device_builtin__ cudaExternalSemaphoreSignalNodeParams {
  cudaExternalSemaphore_t *extSemArray;
  const struct cudaExternalSemaphoreSignalParams *paramsArray;
  unsigned int numExtSems;
};

struct __device_builtin__ cudaExternalSemaphoreSignalNodeParamsV2 {
  cudaExternalSemaphore_t *extSemArray;
  const struct cudaExternalSemaphoreSignalParams *paramsArray;
  unsigned int numExtSems;
};

struct __device_builtin__ cudaExternalSemaphoreWaitNodeParams {
  cudaExternalSemaphore_t *extSemArray;
  const struct cudaExternalSemaphoreWaitParams *paramsArray;
  unsigned int numExtSems;
};

struct __device_builtin__ cudaExternalSemaphoreWaitNodeParamsV2 {
  cudaExternalSemaphore_t *extSemArray;
  const struct cudaExternalSemaphoreWaitParams *paramsArray;
  unsigned int numExtSems;
};

enum __device_builtin__ cudaGraphConditionalHandleFlags {
  cudaGraphCondAssignDefault = 1,
};

enum __device_builtin__ cudaGraphConditionalNodeType {
  cudaGraphCondTypeIf     = 0,
  cudaGraphCondTypeWhile  = 1,
  cudaGraphCondTypeSwitch = 2,
};

struct __device_builtin__ cudaConditionalNodeParams {
  cudaGraphConditionalHandle handle;
  enum cudaGraphConditionalNodeType type;
  unsigned int size;
  cudaGraph_t *phGraph_out; // out: `size` body graphs
};

enum __device_builtin__ cudaGraphNodeType {
  cudaGraphNodeTypeKernel             = 0,
  cudaGraphNodeTypeMemcpy             = 1,
  cudaGraphNodeTypeMemset             = 2,
  cudaGraphNodeTypeHost               = 3,
  cudaGraphNodeTypeGraph              = 4,
  cudaGraphNodeTypeEmpty              = 5,
  cudaGraphNodeTypeWaitEvent          = 6,
  cudaGraphNodeTypeEventRecord        = 7,
  cudaGraphNodeTypeExtSemaphoreSignal = 8,
  cudaGraphNodeTypeExtSemaphoreWait   = 9,
  cudaGraphNodeTypeMemAlloc           = 10,
  cudaGraphNodeTypeMemFree            = 11,
  cudaGraphNodeTypeConditional        = 13,
  cudaGraphNodeTypeCount              = 14,
};

enum __device_builtin__ cudaGraphChildGraphNodeOwnership {
  cudaGraphChildGraphOwnershipClone = 0,
  cudaGraphChildGraphOwnershipMove  = 1,
};

struct __device_builtin__ cudaChildGraphNodeParams {
  cudaGraph_t graph;
  enum cudaGraphChildGraphNodeOwnership ownership;
};

struct __device_builtin__ cudaEventRecordNodeParams {
  cudaEvent_t event;
};

struct __device_builtin__ cudaEventWaitNodeParams {
  cudaEvent_t event;
};

// The parameters of any graph node, selected by `type`.
struct __device_builtin__ cudaGraphNodeParams {
  enum cudaGraphNodeType type;
  int reserved0[3];
  union {
    long long reserved1[29];
    struct cudaKernelNodeParamsV2 kernel;
    struct cudaMemcpyNodeParams memcpy;
    struct cudaMemsetParamsV2 memset;
    struct cudaHostNodeParamsV2 host;
    struct cudaChildGraphNodeParams graph;
    struct cudaEventWaitNodeParams eventWait;
    struct cudaEventRecordNodeParams eventRecord;
    struct cudaExternalSemaphoreSignalNodeParamsV2 extSemSignal;
    struct cudaExternalSemaphoreWaitNodeParamsV2 extSemWait;
    struct cudaMemAllocNodeParamsV2 alloc;
    struct cudaMemFreeNodeParams free;
    struct cudaConditionalNodeParams conditional;
  };
  long long reserved2;
};

typedef enum __device_builtin__ cudaGraphDependencyType_enum {
  cudaGraphDependencyTypeDefault      = 0,
  cudaGraphDependencyTypeProgrammatic = 1,
} cudaGraphDependencyType;

typedef struct __device_builtin__ cudaGraphEdgeData_st {
  unsigned char from_port;
  unsigned char to_port;
  unsigned char type; // cudaGraphDependencyType
  unsigned char reserved[5];
} cudaGraphEdgeData;

// Ports of a kernel node (cudaGraphEdgeData::from_port).
#define cudaGraphKernelNodePortDefault 0
#define cudaGraphKernelNodePortProgrammatic 1
#define cudaGraphKernelNodePortLaunchCompletion 2

typedef struct CUgraphExec_st *cudaGraphExec_t;

enum __device_builtin__ cudaGraphExecUpdateResult {
  cudaGraphExecUpdateSuccess                        = 0,
  cudaGraphExecUpdateError                          = 1,
  cudaGraphExecUpdateErrorTopologyChanged           = 2,
  cudaGraphExecUpdateErrorNodeTypeChanged           = 3,
  cudaGraphExecUpdateErrorFunctionChanged           = 4,
  cudaGraphExecUpdateErrorParametersChanged         = 5,
  cudaGraphExecUpdateErrorNotSupported              = 6,
  cudaGraphExecUpdateErrorUnsupportedFunctionChange = 7,
  cudaGraphExecUpdateErrorAttributesChanged         = 8,
};

typedef enum __device_builtin__ cudaGraphInstantiateResult {
  cudaGraphInstantiateSuccess                     = 0,
  cudaGraphInstantiateError                       = 1,
  cudaGraphInstantiateInvalidStructure            = 2,
  cudaGraphInstantiateNodeOperationNotSupported   = 3,
  cudaGraphInstantiateMultipleDevicesNotSupported = 4,
  cudaGraphInstantiateConditionalHandleUnused     = 5,
} cudaGraphInstantiateResult;

typedef struct __device_builtin__ cudaGraphInstantiateParams_st {
  unsigned long long flags;
  cudaStream_t uploadStream;
  cudaGraphNode_t errNode_out;
  cudaGraphInstantiateResult result_out;
} cudaGraphInstantiateParams;

typedef struct __device_builtin__ cudaGraphExecUpdateResultInfo_st {
  enum cudaGraphExecUpdateResult result;
  cudaGraphNode_t errorNode;
  cudaGraphNode_t errorFromNode;
} cudaGraphExecUpdateResultInfo;

typedef struct CUgraphDeviceUpdatableNode_st *cudaGraphDeviceNode_t;

enum __device_builtin__ cudaGraphKernelNodeField {
  cudaGraphKernelNodeFieldInvalid = 0,
  cudaGraphKernelNodeFieldGridDim = 1,
  cudaGraphKernelNodeFieldParam   = 2,
  cudaGraphKernelNodeFieldEnabled = 3,
};

struct __device_builtin__ cudaGraphKernelNodeUpdate {
  cudaGraphDeviceNode_t node;
  enum cudaGraphKernelNodeField field;
  union {
    dim3 gridDim;
    struct {
      const void *pValue;
      size_t offset;
      size_t size;
    } param;
    unsigned int isEnabled;
  } updateData;
};

enum __device_builtin__ cudaGetDriverEntryPointFlags {
  cudaEnableDefault                = 0,
  cudaEnableLegacyStream           = 1,
  cudaEnablePerThreadDefaultStream = 2,
};

// The misspelling "Sufficent" is CUDA's own.
enum __device_builtin__ cudaDriverEntryPointQueryResult {
  cudaDriverEntryPointSuccess             = 0,
  cudaDriverEntryPointSymbolNotFound      = 1,
  cudaDriverEntryPointVersionNotSufficent = 2,
};

enum __device_builtin__ cudaGraphDebugDotFlags {
  cudaGraphDebugDotFlagsVerbose                  = 1,
  cudaGraphDebugDotFlagsKernelNodeParams         = 4,
  cudaGraphDebugDotFlagsMemcpyNodeParams         = 8,
  cudaGraphDebugDotFlagsMemsetNodeParams         = 16,
  cudaGraphDebugDotFlagsHostNodeParams           = 32,
  cudaGraphDebugDotFlagsEventNodeParams          = 64,
  cudaGraphDebugDotFlagsExtSemasSignalNodeParams = 128,
  cudaGraphDebugDotFlagsExtSemasWaitNodeParams   = 256,
  cudaGraphDebugDotFlagsKernelNodeAttributes     = 512,
  cudaGraphDebugDotFlagsHandles                  = 1024,
  cudaGraphDebugDotFlagsConditionalNodeParams    = 32768,
};

enum __device_builtin__ cudaGraphInstantiateFlags {
  cudaGraphInstantiateFlagAutoFreeOnLaunch = 1,
  cudaGraphInstantiateFlagUpload           = 2,
  cudaGraphInstantiateFlagDeviceLaunch     = 4,
  cudaGraphInstantiateFlagUseNodePriority  = 8,
};

//===----------------------------------------------------------------------===//
// Launch attributes
//===----------------------------------------------------------------------===//

typedef enum __device_builtin__ cudaLaunchMemSyncDomain {
  cudaLaunchMemSyncDomainDefault = 0,
  cudaLaunchMemSyncDomainRemote  = 1,
} cudaLaunchMemSyncDomain;

typedef struct __device_builtin__ cudaLaunchMemSyncDomainMap_st {
  unsigned char default_;
  unsigned char remote;
} cudaLaunchMemSyncDomainMap;

// Value 15 is unused.
typedef enum __device_builtin__ cudaLaunchAttributeID {
  cudaLaunchAttributeIgnore                            = 0,
  cudaLaunchAttributeAccessPolicyWindow                = 1,
  cudaLaunchAttributeCooperative                       = 2,
  cudaLaunchAttributeSynchronizationPolicy             = 3,
  cudaLaunchAttributeClusterDimension                  = 4,
  cudaLaunchAttributeClusterSchedulingPolicyPreference = 5,
  cudaLaunchAttributeProgrammaticStreamSerialization   = 6,
  cudaLaunchAttributeProgrammaticEvent                 = 7,
  cudaLaunchAttributePriority                          = 8,
  cudaLaunchAttributeMemSyncDomainMap                  = 9,
  cudaLaunchAttributeMemSyncDomain                     = 10,
  cudaLaunchAttributePreferredClusterDimension         = 11,
  cudaLaunchAttributeLaunchCompletionEvent             = 12,
  cudaLaunchAttributeDeviceUpdatableKernelNode         = 13,
  cudaLaunchAttributePreferredSharedMemoryCarveout     = 14,
  cudaLaunchAttributeNvlinkUtilCentricScheduling       = 16,
} cudaLaunchAttributeID;

// The value of one launch attribute; the member to use follows from the id.
// 64 bytes.
typedef union __device_builtin__ cudaLaunchAttributeValue {
  char pad[64];
  struct cudaAccessPolicyWindow accessPolicyWindow;
  int cooperative;
  enum cudaSynchronizationPolicy syncPolicy;
  struct {
    unsigned int x;
    unsigned int y;
    unsigned int z;
  } clusterDim;
  enum cudaClusterSchedulingPolicy clusterSchedulingPolicyPreference;
  int programmaticStreamSerializationAllowed;
  struct {
    cudaEvent_t event;
    int flags;
    int triggerAtBlockStart;
  } programmaticEvent;
  int priority;
  cudaLaunchMemSyncDomainMap memSyncDomainMap;
  cudaLaunchMemSyncDomain memSyncDomain;
  struct {
    unsigned int x;
    unsigned int y;
    unsigned int z;
  } preferredClusterDim;
  struct {
    cudaEvent_t event;
    int flags;
  } launchCompletionEvent;
  struct {
    int deviceUpdatable;
    cudaGraphDeviceNode_t devNode;
  } deviceUpdatableKernelNode;
  unsigned int sharedMemCarveout;
  unsigned int nvlinkUtilCentricScheduling;
} cudaLaunchAttributeValue;

// 72 bytes: the id, padding to 8, the value.
typedef struct __device_builtin__ cudaLaunchAttribute_st {
  cudaLaunchAttributeID id;
  char pad[8 - sizeof(cudaLaunchAttributeID)];
  cudaLaunchAttributeValue val;
} cudaLaunchAttribute;

// The configuration of cudaLaunchKernelExC / cudaLaunchKernelEx.
typedef struct __device_builtin__ cudaLaunchConfig_st {
  dim3 gridDim;
  dim3 blockDim;
  size_t dynamicSmemBytes;
  cudaStream_t stream;
  cudaLaunchAttribute *attrs;
  unsigned int numAttrs;
} cudaLaunchConfig_t;

// Stream attributes and kernel node attributes are launch attributes under
// other names.
#define cudaStreamAttrID cudaLaunchAttributeID
#define cudaStreamAttrValue cudaLaunchAttributeValue
#define cudaStreamAttributeAccessPolicyWindow \
  cudaLaunchAttributeAccessPolicyWindow
#define cudaStreamAttributeSynchronizationPolicy \
  cudaLaunchAttributeSynchronizationPolicy
#define cudaStreamAttributeMemSyncDomainMap cudaLaunchAttributeMemSyncDomainMap
#define cudaStreamAttributeMemSyncDomain cudaLaunchAttributeMemSyncDomain
#define cudaStreamAttributePriority cudaLaunchAttributePriority

#define cudaKernelNodeAttrID cudaLaunchAttributeID
#define cudaKernelNodeAttrValue cudaLaunchAttributeValue
#define cudaKernelNodeAttributeAccessPolicyWindow \
  cudaLaunchAttributeAccessPolicyWindow
#define cudaKernelNodeAttributeCooperative cudaLaunchAttributeCooperative
#define cudaKernelNodeAttributePriority cudaLaunchAttributePriority
#define cudaKernelNodeAttributeClusterDimension \
  cudaLaunchAttributeClusterDimension
#define cudaKernelNodeAttributeClusterSchedulingPolicyPreference \
  cudaLaunchAttributeClusterSchedulingPolicyPreference
#define cudaKernelNodeAttributeMemSyncDomainMap \
  cudaLaunchAttributeMemSyncDomainMap
#define cudaKernelNodeAttributeMemSyncDomain cudaLaunchAttributeMemSyncDomain
#define cudaKernelNodeAttributePreferredSharedMemoryCarveout \
  cudaLaunchAttributePreferredSharedMemoryCarveout
#define cudaKernelNodeAttributeDeviceUpdatableKernelNode \
  cudaLaunchAttributeDeviceUpdatableKernelNode
#define cudaKernelNodeAttributeNvlinkUtilCentricScheduling \
  cudaLaunchAttributeNvlinkUtilCentricScheduling

//===----------------------------------------------------------------------===//
// NUMA, asynchronous notifications and logs
//===----------------------------------------------------------------------===//

enum __device_builtin__ cudaDeviceNumaConfig {
  cudaDeviceNumaConfigNone     = 0,
  cudaDeviceNumaConfigNumaNode = 1,
};

struct cudaAsyncCallbackEntry;
typedef struct cudaAsyncCallbackEntry *cudaAsyncCallbackHandle_t;

typedef enum __device_builtin__ cudaAsyncNotificationType_enum {
  cudaAsyncNotificationTypeOverBudget = 1,
} cudaAsyncNotificationType;

typedef struct __device_builtin__ cudaAsyncNotificationInfo {
  cudaAsyncNotificationType type;
  union {
    struct {
      unsigned long long bytesOverBudget;
    } overBudget;
  } info;
} cudaAsyncNotificationInfo_t;

typedef void (*cudaAsyncCallback)(cudaAsyncNotificationInfo_t *, void *,
                                  cudaAsyncCallbackHandle_t);

typedef enum __device_builtin__ CUDAlogLevel_enum {
  cudaLogLevelError   = 0,
  cudaLogLevelWarning = 1,
} cudaLogLevel;

typedef struct CUlogsCallbackEntry_st *cudaLogsCallbackHandle;
typedef unsigned int cudaLogIterator;

#endif // CUPORT_DRIVER_TYPES_H
