//===- CpuModule.h - A tile module compiled for the host CPU -----*- C++
//-*-===//

#ifndef RECUR_RUNTIME_CPUMODULE_H
#define RECUR_RUNTIME_CPUMODULE_H

#include "compiler/Pipelines.h"
#include "runtime/Kernel.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace recur {

/// What decides the machine code of a CPU module; part of the cache key.
struct CpuCompileOptions {
  CPUPipelineOptions pipeline;
  /// LLVM optimisation level of the JIT (0-3).
  unsigned optLevel = 3;

  /// A stable text of every option, for cache keys.
  std::string fingerprint() const;
};

/// A tile module lowered by the CPU pipeline and JIT-compiled with ORC for
/// the host (all its vector extensions). Each kernel is entered through its
/// `<kernel>_grid` wrapper, which runs a range of programs.
class CpuModule {
public:
  /// Parses `source` (tile IR text), lowers and JIT-compiles it. Throws
  /// recur::Error(CompileError) with the MLIR diagnostics on failure.
  static std::shared_ptr<CpuModule> compile(llvm::StringRef source,
                                            const CpuCompileOptions &options);
  ~CpuModule();

  /// Packed entry of a grid wrapper: arguments, then gx, gy, gz (i32) and
  /// the program range [begin, end) (i64), each passed by address.
  using GridFunction = void (*)(void **);

  struct Kernel {
    KernelSignature signature;
    GridFunction entry = nullptr;
  };

  /// Throws recur::Error(NotFound) naming the kernels that do exist.
  const Kernel &getKernel(llvm::StringRef name) const;
  std::vector<std::string> getKernelNames() const;

private:
  CpuModule() = default;

  std::unique_ptr<mlir::ExecutionEngine> engine_;
  llvm::StringMap<Kernel> kernels_;
};

} // namespace recur

#endif // RECUR_RUNTIME_CPUMODULE_H
