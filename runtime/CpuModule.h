//===- CpuModule.h - Kernels loaded for the host CPU ------------*- C++ -*-===//

#ifndef RECUR_RUNTIME_CPUMODULE_H
#define RECUR_RUNTIME_CPUMODULE_H

#include "runtime/CpuCompiler.h"
#include "runtime/Kernel.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace recur {

class CpuModule {
public:
  /// Links `object` (from compileForCpu) into a JIT of its own and resolves
  /// the kernels' entries. Throws recur::Error(Internal) when the object
  /// does not load or lacks a kernel.
  static std::shared_ptr<CpuModule> load(llvm::StringRef object,
                                         std::vector<KernelSignature> kernels);

  /// compileForCpu, then load.
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

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  llvm::StringMap<Kernel> kernels_;
};

} // namespace recur

#endif // RECUR_RUNTIME_CPUMODULE_H
