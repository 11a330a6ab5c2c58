//===- GpuModule.h - Kernels of a loaded GPU binary -------------*- C++ -*-===//
//
// What the CUDA and HIP devices share: a loaded binary's kernels by name
// (signature and the driver's function handle), and the checks and the
// argument array before a launch.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_GPUMODULE_H
#define RECUR_RUNTIME_GPUMODULE_H

#include "runtime/Kernel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <utility>
#include <vector>

namespace recur {

class GpuModule {
public:
  /// The kernel's signature, or Error(NotFound).
  const KernelSignature &getSignature(llvm::StringRef name) const;
  /// The driver's handle of the kernel (CUfunction, hipFunction_t).
  void *getFunction(llvm::StringRef name) const;

protected:
  void addKernel(KernelSignature signature, void *function);

private:
  llvm::StringMap<std::pair<KernelSignature, void *>> kernels;
};

/// A launch's argument values and the pointers to them that the drivers
/// take (`pointers[i]` points into `values[i]`).
struct GpuLaunchArguments {
  std::vector<KernelArg> values;
  std::vector<void *> pointers;
};

/// The arguments of a launch of `signature`'s kernel on `grid`, or nothing
/// when the grid is empty; Error(InvalidArgument) for a wrong argument
/// count or a grid beyond the GPUs' limits (2^31 - 1, 65535, 65535).
std::optional<GpuLaunchArguments>
prepareGpuLaunch(const KernelSignature &signature,
                 llvm::ArrayRef<KernelArg> args, Grid grid);

} // namespace recur

#endif // RECUR_RUNTIME_GPUMODULE_H
