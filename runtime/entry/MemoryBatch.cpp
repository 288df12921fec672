//===- entry/MemoryBatch.cpp - CUDA 13 batched copies ----------------------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// cudaMemcpyBatchAsync and cudaMemcpy3DBatchAsync: every copy of the batch
// is checked before any is submitted, so a batch with a bad copy submits
// nothing (CUDA 13.0 dropped the failIdx out-parameter of CUDA 12.8: the
// error code is the whole answer). The copies are then submitted in order
// to the stream, each like cudaMemcpyAsync with cudaMemcpyDefault; a source
// whose attributes say cudaMemcpySrcAccessOrderDuringApiCall is captured
// before the call returns. Location hints and
// cudaMemcpyFlagPreferOverlapWithCompute are accepted and change nothing.
//
// Only pointer operands exist: a cudaMemcpy3DBatchAsync operand of type
// cudaMemcpyOperandTypeArray is cudaErrorInvalidValue (cuport has no CUDA
// arrays yet). For two pointer operands the element is one byte, so
// extent.width, rowLength and layerHeight count bytes and rows.
//
//===----------------------------------------------------------------------===//
#include "entry/Entry.h"

#include "core/MemoryOps.h"

#include <vector>

using namespace cuport::rt;

namespace {

bool validOrder(cudaMemcpySrcAccessOrder order) {
  return order == cudaMemcpySrcAccessOrderStream ||
         order == cudaMemcpySrcAccessOrderDuringApiCall ||
         order == cudaMemcpySrcAccessOrderAny;
}

bool validCopyFlags(unsigned flags) {
  return (flags & ~unsigned(cudaMemcpyFlagPreferOverlapWithCompute)) == 0;
}

/// Batches are not accepted on the legacy default stream.
bool isLegacyStream(cudaStream_t stream) {
  return stream == nullptr || stream == cudaStreamLegacy;
}

/// Checks each copy, then submits them all.
cudaError_t submitBatch(const std::vector<StridedCopy> &copies, cudaStream_t stream) {
  for (const StridedCopy &copy : copies)
    if (cudaError_t error = checkStridedCopy(copy, cudaMemcpyDefault))
      return error;
  // Batches are not captured: a capturing stream refuses them
  // (cudaErrorStreamCaptureUnsupported, the capture invalidated).
  StreamTarget target;
  if (cudaError_t error = resolveStream(stream, &target))
    return error;
  for (const StridedCopy &copy : copies)
    if (cudaError_t error = copyStrided(copy, cudaMemcpyDefault, stream, /*async=*/true))
      return error;
  return cudaSuccess;
}

cudaError_t copyBatch(void *const *dsts, const void *const *srcs, const size_t *sizes,
                      size_t count, cudaMemcpyAttributes *attrs, size_t *attrsIdxs,
                      size_t numAttrs, cudaStream_t stream) {
  if (count == 0 || !dsts || !srcs || !sizes || !attrs || !attrsIdxs ||
      numAttrs == 0 || numAttrs > count || attrsIdxs[0] != 0 || isLegacyStream(stream))
    return cudaErrorInvalidValue;
  for (size_t i = 0; i < numAttrs; ++i) {
    if ((i > 0 && attrsIdxs[i] <= attrsIdxs[i - 1]) || attrsIdxs[i] >= count)
      return cudaErrorInvalidValue;
    if (!validOrder(attrs[i].srcAccessOrder) || !validCopyFlags(attrs[i].flags))
      return cudaErrorInvalidValue;
  }
  std::vector<StridedCopy> copies(count);
  size_t attribute = 0;
  for (size_t i = 0; i < count; ++i) {
    if (attribute + 1 < numAttrs && attrsIdxs[attribute + 1] == i)
      ++attribute;
    if (sizes[i] == 0)
      return cudaErrorInvalidValue;
    StridedCopy &copy = copies[i];
    copy.dst = {dsts[i], sizes[i], sizes[i]};
    copy.src = {const_cast<void *>(srcs[i]), sizes[i], sizes[i]};
    copy.width = sizes[i];
    copy.captureSource =
        attrs[attribute].srcAccessOrder == cudaMemcpySrcAccessOrderDuringApiCall;
  }
  return submitBatch(copies, stream);
}

/// One pointer operand of a 3D batch copy.
cudaError_t operandRegion(const cudaMemcpy3DOperand &operand, const cudaExtent &extent,
                          StridedRegion *out) {
  if (operand.type != cudaMemcpyOperandTypePointer)
    return cudaErrorInvalidValue; // arrays do not exist yet
  size_t rowLength = operand.op.ptr.rowLength ? operand.op.ptr.rowLength : extent.width;
  size_t layerHeight =
      operand.op.ptr.layerHeight ? operand.op.ptr.layerHeight : extent.height;
  if (!operand.op.ptr.ptr || rowLength < extent.width || layerHeight < extent.height)
    return cudaErrorInvalidValue;
  *out = {operand.op.ptr.ptr, rowLength, rowLength * layerHeight};
  return cudaSuccess;
}

cudaError_t copy3DBatch(size_t numOps, cudaMemcpy3DBatchOp *opList,
                        unsigned long long flags, cudaStream_t stream) {
  if (numOps == 0 || !opList || flags != 0 || isLegacyStream(stream))
    return cudaErrorInvalidValue;
  std::vector<StridedCopy> copies(numOps);
  for (size_t i = 0; i < numOps; ++i) {
    const cudaMemcpy3DBatchOp &op = opList[i];
    if (op.extent.width == 0 || op.extent.height == 0 || op.extent.depth == 0 ||
        !validOrder(op.srcAccessOrder) || !validCopyFlags(op.flags))
      return cudaErrorInvalidValue;
    StridedCopy &copy = copies[i];
    if (cudaError_t error = operandRegion(op.src, op.extent, &copy.src))
      return error;
    if (cudaError_t error = operandRegion(op.dst, op.extent, &copy.dst))
      return error;
    copy.width = op.extent.width;
    copy.height = op.extent.height;
    copy.depth = op.extent.depth;
    copy.captureSource = op.srcAccessOrder == cudaMemcpySrcAccessOrderDuringApiCall;
  }
  return submitBatch(copies, stream);
}

} // namespace

CUPORT_EXPORT cudaError_t cudaMemcpyBatchAsync(void *const *dsts, const void *const *srcs,
                                               const size_t *sizes, size_t count,
                                               struct cudaMemcpyAttributes *attrs,
                                               size_t *attrsIdxs, size_t numAttrs,
                                               cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpyBatchAsync);
  return recordError(
      copyBatch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, stream));
}

CUPORT_EXPORT cudaError_t cudaMemcpy3DBatchAsync(size_t numOps,
                                                 struct cudaMemcpy3DBatchOp *opList,
                                                 unsigned long long flags,
                                                 cudaStream_t stream) {
  CUPORT_API_ENTRY(cudaMemcpy3DBatchAsync);
  return recordError(copy3DBatch(numOps, opList, flags, stream));
}
