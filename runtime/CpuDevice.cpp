//===- CpuDevice.cpp - The CPU device: module cache and launches ----------===//

#include "runtime/CpuDevice.h"
#include "runtime/CompileCache.h"
#include "runtime/CpuLaunch.h"
#include "runtime/Error.h"
#include "runtime/WorkerPool.h"

using namespace recur;

CpuDevice::CpuDevice(unsigned numThreads)
    : numThreads_(numThreads ? numThreads : defaultWorkerCount()),
      pool_(std::make_unique<WorkerPool>(numThreads_)) {}

CpuDevice::~CpuDevice() = default;

std::shared_ptr<CpuModule> CpuDevice::load(llvm::StringRef source,
                                           const CpuCompileOptions &options) {
  std::string key = sha256Hex(compilerVersion() + "\n" + options.fingerprint() +
                              "\n" + source.str());
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    auto it = cache_.find(key);
    if (it != cache_.end())
      return it->second;
  }
  // Compile outside the lock: two threads racing on one source both compile
  // and the first to finish wins, which is cheaper than serialising compiles.
  std::shared_ptr<CpuModule> module = CpuModule::compile(source, options);
  std::lock_guard<std::mutex> lock(cacheMutex_);
  return cache_.try_emplace(key, std::move(module)).first->second;
}

size_t CpuDevice::getCacheSize() const {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  return cache_.size();
}

static void checkArguments(const KernelSignature &signature,
                           llvm::ArrayRef<KernelArg> args) {
  if (args.size() != signature.args.size())
    throw Error(Status::InvalidArgument,
                "kernel '" + signature.name + "' takes " +
                    std::to_string(signature.args.size()) + " arguments, got " +
                    std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].kind() != signature.args[i])
      throw Error(Status::InvalidArgument,
                  "argument #" + std::to_string(i) + " of kernel '" +
                      signature.name + "' is " +
                      argKindName(signature.args[i]) + ", got " +
                      argKindName(args[i].kind()));
}

void CpuDevice::launch(const CpuModule &module, llvm::StringRef kernelName,
                       llvm::ArrayRef<KernelArg> args, Grid grid) {
  launch(module.getKernel(kernelName), args, grid);
}

void CpuDevice::launch(const CpuModule::Kernel &kernel,
                       llvm::ArrayRef<KernelArg> args, Grid grid) {
  checkArguments(kernel.signature, args);
  launchPacked(*pool_, numThreads_, kernel.entry, kernel.signature.name,
               std::vector<KernelArg>(args.begin(), args.end()), grid);
}
