//===- CpuModule.cpp - Kernels loaded for the host CPU --------------------===//

#include "runtime/CpuModule.h"
#include "runtime/CpuDebug.h"
#include "runtime/EmuDevice.h"
#include "runtime/Error.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace recur;

CpuModule::~CpuModule() = default;

std::shared_ptr<CpuModule>
CpuModule::compile(llvm::StringRef source, const CpuCompileOptions &options) {
  CpuArtifact artifact = compileForCpu(source, options);
  return load(artifact.object, std::move(artifact.kernels));
}

std::shared_ptr<CpuModule>
CpuModule::load(llvm::StringRef object, std::vector<KernelSignature> kernels) {
  initializeHostTarget();
  auto fail = [](const std::string &what, llvm::Error error) {
    return Error(Status::Internal,
                 what + ": " + llvm::toString(std::move(error)));
  };
  // No JIT event listeners (gdb, perf): LLVM registers them process-wide and
  // tearing one JIT down left the others writing through a dead stream.
  // RuntimeDyld, as MLIR's ExecutionEngine uses: JITLink rejects sections
  // aligned beyond a page, which large vector constants can ask for.
  auto jit =
      llvm::orc::LLJITBuilder()
          .setObjectLinkingLayerCreator(
              [](llvm::orc::ExecutionSession &session)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                return std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                    session, [](const llvm::MemoryBuffer &) {
                      return std::make_unique<llvm::SectionMemoryManager>();
                    });
              })
          .create();
  if (!jit)
    throw fail("cannot create the JIT", jit.takeError());
  llvm::orc::JITDylib &dylib = (*jit)->getMainJITDylib();

  // Kernels call libm, malloc/free and Recur's debug hooks.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    throw fail("cannot search the process's symbols", process.takeError());
  dylib.addGenerator(std::move(*process));
  llvm::orc::MangleAndInterner mangle((*jit)->getExecutionSession(),
                                      (*jit)->getDataLayout());
  llvm::orc::SymbolMap hooks;
  auto hook = [&](const char *name, auto *fn) {
    hooks[mangle(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                           llvm::JITSymbolFlags::Exported};
  };
  hook("recur_cpu_assert_fail", &recur_cpu_assert_fail);
  hook("recur_cpu_print_f64", &recur_cpu_print_f64);
  hook("recur_cpu_print_i64", &recur_cpu_print_i64);
  // Kernels compiled for an emulated GPU call the SIMT emulator.
  addEmulatorSymbols([&](const char *name, void *address) {
    hooks[mangle(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                           llvm::JITSymbolFlags::Exported};
  });
  if (llvm::Error error = dylib.define(llvm::orc::absoluteSymbols(hooks)))
    throw fail("cannot define the runtime hooks", std::move(error));

  if (llvm::Error error = (*jit)->addObjectFile(
          llvm::MemoryBuffer::getMemBufferCopy(object, "recur-kernels.o")))
    throw fail("cannot load the kernels' object", std::move(error));

  std::shared_ptr<CpuModule> module(new CpuModule());
  for (KernelSignature &signature : kernels) {
    auto entry = (*jit)->lookup(packedEntryName(signature.name));
    if (!entry)
      throw fail("kernel '" + signature.name + "' has no entry",
                 entry.takeError());
    std::string name = signature.name;
    module->kernels_[name] =
        Kernel{std::move(signature), entry->toPtr<GridFunction>()};
  }
  module->jit_ = std::move(*jit);
  return module;
}

const CpuModule::Kernel &CpuModule::getKernel(llvm::StringRef name) const {
  auto it = kernels_.find(name);
  if (it == kernels_.end()) {
    std::string known;
    for (const std::string &kernel : getKernelNames())
      known += (known.empty() ? "" : ", ") + kernel;
    throw Error(Status::NotFound, "no kernel '" + name.str() +
                                      "' in module (kernels: " + known + ")");
  }
  return it->second;
}

std::vector<std::string> CpuModule::getKernelNames() const {
  std::vector<std::string> names;
  for (const auto &entry : kernels_)
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}
