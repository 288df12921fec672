//===- core/IpcEvents.h - Events shared between processes -----*- C++ -*-===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A cudaEventInterprocess event has, besides its backend event, a page of
// shared memory (a memfd of its own) with two counters: how many records
// were made and the highest record that has completed. cudaEventRecord in
// any process that holds the event adds a record and a host callback on the
// stream that marks it complete when the stream reaches it; cudaEventQuery,
// cudaEventSynchronize (spin briefly, then sleep) and cudaStreamWaitEvent (a
// host callback that waits, on the stream's own thread) read the counters.
// cudaIpcGetEventHandle encodes the exporting process, the memfd and its
// inode; cudaIpcOpenEventHandle maps the same page through
// /proc/<pid>/fd/<fd> (processes of the same user).
//
// Limits: records from several processes complete in the order their
// streams reach them, and "complete" means the highest record so far has
// completed; an earlier record of another process that is still pending is
// not waited for (CUDA orders them on the device). The exporting process
// must still be alive to open a handle (its memfd is reached through /proc).
//
//===----------------------------------------------------------------------===//
#ifndef CUPORT_RUNTIME_CORE_IPCEVENTS_H
#define CUPORT_RUNTIME_CORE_IPCEVENTS_H

#include "cuport/Backend.h"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace cuport::rt {

struct IpcEventState;

/// The shared state of a new interprocess event; nullptr when no memfd can
/// be made.
IpcEventState *createIpcEventState();
void destroyIpcEventState(IpcEventState *state);

/// After the backend record: counts the record and completes it when
/// `queue` reaches it.
cudaError_t recordIpcEvent(IpcEventState &state, backend::Queue *queue);
/// cudaSuccess when the latest record has completed, cudaErrorNotReady else.
cudaError_t queryIpcEvent(IpcEventState &state);
/// Waits until the latest record (as of now) has completed.
void synchronizeIpcEvent(IpcEventState &state);
/// Work submitted to `queue` later waits for the latest record.
cudaError_t waitIpcEvent(IpcEventState &state, backend::Queue *queue);

/// cudaIpcGetEventHandle's bytes for `state`.
void encodeIpcEvent(const IpcEventState &state, cudaIpcEventHandle_t *handle);
/// Opens the state a handle names: cudaErrorInvalidValue when the bytes are
/// no handle, cudaErrorDeviceUninitialized for a handle of this process,
/// cudaErrorInvalidResourceHandle when its process or event is gone.
cudaError_t openIpcEvent(const cudaIpcEventHandle_t &handle, IpcEventState **out);

} // namespace cuport::rt

#endif // CUPORT_RUNTIME_CORE_IPCEVENTS_H
