//===- CpuDevice.h - The CPU device: module cache and launches ---*- C++
//-*-===//

#ifndef RECUR_RUNTIME_CPUDEVICE_H
#define RECUR_RUNTIME_CPUDEVICE_H

#include "runtime/CpuModule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <mutex>

namespace recur {

class WorkerPool;

/// Runs tile kernels on the host's cores. Compiled modules are kept in
/// memory, keyed by a hash of their source and options, so loading the same
/// kernel twice compiles it once. Launches split the grid's programs into
/// contiguous ranges, one per worker thread.
///
/// Destroy a device before `main` returns (or never): tearing down an ORC JIT
/// compiles its de-initialisation code, which must not run after LLVM's own
/// static objects are destroyed at exit.
class CpuDevice {
public:
  /// `numThreads == 0`: defaultWorkerCount() (RECUR_NUM_THREADS, else one
  /// per core the process may run on).
  explicit CpuDevice(unsigned numThreads = 0);
  ~CpuDevice();

  /// Compiles `source`, or returns the module compiled from it before.
  std::shared_ptr<CpuModule> load(llvm::StringRef source,
                                  const CpuCompileOptions &options = {});

  /// Runs `kernel` once per program of `grid` and returns when all are done.
  /// Throws recur::Error when the arguments do not match the kernel's
  /// signature (InvalidArgument) or a device assertion failed
  /// (AssertionFailed). An empty grid runs nothing.
  void launch(const CpuModule &module, llvm::StringRef kernel,
              llvm::ArrayRef<KernelArg> args, Grid grid);
  /// The same, for a kernel already looked up (`module` must outlive it).
  void launch(const CpuModule::Kernel &kernel, llvm::ArrayRef<KernelArg> args,
              Grid grid);

  unsigned getNumThreads() const { return numThreads_; }
  /// Number of distinct modules compiled so far.
  size_t getCacheSize() const;

private:
  unsigned numThreads_;
  std::unique_ptr<WorkerPool> pool_;
  mutable std::mutex cacheMutex_;
  llvm::StringMap<std::shared_ptr<CpuModule>> cache_;
};

} // namespace recur

#endif // RECUR_RUNTIME_CPUDEVICE_H
