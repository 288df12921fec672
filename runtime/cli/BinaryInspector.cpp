//===- cli/BinaryInspector.cpp - What an application binary needs ---------===//
//
// Part of cuport, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
#include "BinaryInspector.h"

#include "fatbin/FatbinReader.h"

#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;
using namespace llvm::object;

namespace cuport::cli {

namespace {

template <typename ELFT>
void readDynamicNeeded(const ELFObjectFile<ELFT> &object, BinaryInfo &info) {
  const ELFFile<ELFT> &file = object.getELFFile();
  auto entries = file.dynamicEntries();
  if (!entries) {
    consumeError(entries.takeError());
    return;
  }
  // Find the dynamic string table through DT_STRTAB.
  uint64_t strtab = 0;
  for (const auto &entry : *entries)
    if (entry.d_tag == ELF::DT_STRTAB)
      strtab = entry.getVal();
  if (!strtab)
    return;
  auto table = file.toMappedAddr(strtab);
  if (!table) {
    consumeError(table.takeError());
    return;
  }
  const char *strings = reinterpret_cast<const char *>(*table);
  const char *end = reinterpret_cast<const char *>(file.base() + file.getBufSize());
  for (const auto &entry : *entries) {
    if (entry.d_tag != ELF::DT_NEEDED)
      continue;
    const char *name = strings + entry.getVal();
    if (name < strings || name >= end)
      continue;
    info.needed.emplace_back(name, strnlen(name, end - name));
  }
}

} // namespace

BinaryInfo inspectBinary(const std::string &path) {
  BinaryInfo info;
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer) {
    info.error = buffer.getError().message();
    return info;
  }
  if ((*buffer)->getBufferSize() < 4 ||
      (*buffer)->getBuffer().substr(0, 4) != "\x7f" "ELF")
    return info; // not ELF: a script, run as it is
  auto object = ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object) {
    info.error = toString(object.takeError());
    return info;
  }
  if (auto *elf = dyn_cast<ELF64LEObjectFile>(object->get()))
    readDynamicNeeded(*elf, info);
  for (const SectionRef &section : (*object)->sections()) {
    auto name = section.getName();
    if (name && (*name == ".nv_fatbin" || *name == "__nv_relfatbin"))
      info.hasFatbinSection = true;
    else if (!name)
      consumeError(name.takeError());
  }
  for (const std::string &needed : info.needed)
    if (needed.rfind("libcudart.so", 0) == 0)
      info.cudartNeeded = needed;
  if (info.cudartNeeded == "libcudart.so.13")
    info.linkage = CudaLinkage::SharedCudart13;
  else if (!info.cudartNeeded.empty())
    info.linkage = CudaLinkage::SharedOtherCudart;
  else if (info.hasFatbinSection)
    info.linkage = CudaLinkage::StaticCudart;
  else
    info.linkage = CudaLinkage::NoCuda;
  return info;
}

bool isElfFile(const std::string &path) {
  auto buffer = MemoryBuffer::getFileSlice(path, 4, 0, /*IsVolatile=*/false);
  return buffer && (*buffer)->getBuffer() == "\x7f" "ELF";
}

std::vector<EmbeddedPtx> readEmbeddedPtx(const std::string &path,
                                         std::string &error) {
  std::vector<EmbeddedPtx> result;
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return result;
  }
  auto object = ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object) {
    error = path + ": " + toString(object.takeError());
    return result;
  }
  for (const SectionRef &section : (*object)->sections()) {
    auto name = section.getName();
    if (!name) {
      consumeError(name.takeError());
      continue;
    }
    if (*name != ".nv_fatbin" && *name != "__nv_relfatbin")
      continue;
    auto contents = section.getContents();
    if (!contents) {
      error = path + ": " + toString(contents.takeError());
      return result;
    }
    fatbin::Bytes bytes(reinterpret_cast<const uint8_t *>(contents->data()),
                        contents->size());
    auto fatbinaries = fatbin::parseFatbinaries(bytes);
    if (!fatbinaries) {
      error = path + ": section " + name->str() + ": " + fatbinaries.error();
      return result;
    }
    for (size_t i = 0; i < fatbinaries->size(); ++i)
      for (const fatbin::Entry &entry : (*fatbinaries)[i].entries) {
        if (!entry.isPtx())
          continue;
        auto text = fatbin::extractPtx(entry);
        if (!text) {
          error = path + ": " + entry.describe() + ": " + text.error();
          return result;
        }
        result.push_back({path + ":" + name->str() + "#" + std::to_string(i) +
                              ":" + entry.archName(),
                          std::move(*text)});
      }
  }
  return result;
}

} // namespace cuport::cli
