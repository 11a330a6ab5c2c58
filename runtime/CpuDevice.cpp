//===- CpuDevice.cpp - The CPU device: module cache and launches ----------===//

#include "runtime/CpuDevice.h"
#include "runtime/CompileCache.h"
#include "runtime/CpuDebug.h"
#include "runtime/Error.h"
#include "runtime/WorkerPool.h"

#include "llvm/Support/Threading.h"

using namespace recur;

CpuDevice::CpuDevice(unsigned numThreads)
    : numThreads_(numThreads
                      ? numThreads
                      : llvm::hardware_concurrency().compute_thread_count()),
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
  const std::string &kernelName = kernel.signature.name;
  checkArguments(kernel.signature, args);
  constexpr int64_t kMaxDim = INT32_MAX;
  if (grid.x < 0 || grid.y < 0 || grid.z < 0 || grid.x > kMaxDim ||
      grid.y > kMaxDim || grid.z > kMaxDim)
    throw Error(Status::InvalidArgument,
                "grid (" + std::to_string(grid.x) + ", " +
                    std::to_string(grid.y) + ", " + std::to_string(grid.z) +
                    ") of kernel '" + kernelName +
                    "' must have dimensions in [0, 2^31)");
  int64_t total = grid.size();
  if (total == 0)
    return;

  std::vector<KernelArg> argValues(args.begin(), args.end());
  int32_t dims[3] = {static_cast<int32_t>(grid.x), static_cast<int32_t>(grid.y),
                     static_cast<int32_t>(grid.z)};
  LaunchReport report;
  auto runRange = [&](int64_t begin, int64_t end) {
    ScopedLaunchReport scope(report);
    // Workers share the argument values: kernels only read them through
    // these pointers. Only the program range is each worker's own.
    std::vector<void *> packed;
    packed.reserve(argValues.size() + 5);
    for (KernelArg &arg : argValues)
      packed.push_back(arg.data());
    for (int32_t &dim : dims)
      packed.push_back(&dim);
    packed.push_back(&begin);
    packed.push_back(&end);
    kernel.entry(packed.data());
  };

  int64_t workers = std::min<int64_t>(total, numThreads_);
  pool_->run(static_cast<unsigned>(workers), [&](unsigned w) {
    runRange(total * w / workers, total * (w + 1) / workers);
  });
  std::string failure = report.firstFailure();
  if (!failure.empty())
    throw Error(Status::AssertionFailed,
                "kernel '" + kernelName + "': assertion failed in " + failure);
}
