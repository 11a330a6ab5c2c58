//===- CpuCompiler.h - Tile IR to a host object file ------------*- C++ -*-===//
//
// Compilation for the host CPU is separate from loading: the result is a
// relocatable object file, which the JIT loads (CpuModule::load), the
// on-disk compile cache stores, and ahead-of-time users link.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_CPUCOMPILER_H
#define RECUR_RUNTIME_CPUCOMPILER_H

#include "compiler/Pipelines.h"
#include "runtime/Kernel.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace recur {

/// The kernels (public tile functions) of a tile module and their argument
/// kinds, in order. Throws recur::Error(CompileError) for an argument type
/// kernels cannot take.
std::vector<KernelSignature> collectKernels(mlir::ModuleOp module);

struct CpuCompileOptions {
  CPUPipelineOptions pipeline;
  /// When set, the kernels go through this GPU target's lowering and run on
  /// the SIMT emulator (runtime/emu) instead of the CPU's launch grid.
  std::optional<GPUPipelineOptions> emulatedGPU;
  /// LLVM optimisation level (0-3).
  unsigned optLevel = 3;
  /// LLVM IR (text) linked into the kernels' module before optimisation,
  /// e.g. the C-callable wrappers of ahead-of-time kernels.
  std::string linkIR;
  /// When not empty, every other definition becomes internal, so objects of
  /// several compilations link together without clashes.
  std::vector<std::string> exported;

  /// A stable text of every option, for cache keys.
  std::string fingerprint() const;
};

/// What compiling a tile module for the host produces.
struct CpuArtifact {
  /// The optimised LLVM IR, as text.
  std::string llvmIR;
  /// A relocatable ELF/Mach-O object for the host, position independent.
  std::string object;
  /// The kernels (public tile functions) the object defines, in order.
  std::vector<KernelSignature> kernels;
  /// With `emulatedGPU`: per kernel, the block each launch runs.
  struct EmulatedBlock {
    unsigned threads = 0, warpSize = 32;
    uint64_t sharedBytes = 0;
  };
  std::vector<EmulatedBlock> emulatedBlocks;
};

/// Identifies the compiler build: part of every cache key, so that a new
/// lowering never reuses objects an older one produced.
std::string compilerVersion();

/// Registers the host target with LLVM, once per process (compiling and
/// loading both need it).
void initializeHostTarget();

/// The packed entry of a kernel in the object: `void(void **)` taking the
/// kernel's arguments, then gx, gy, gz (i32) and the program range [begin,
/// end) (i64), each by address. Emulated GPU kernels take only their
/// arguments (the emulator supplies thread and block ids).
std::string packedEntryName(llvm::StringRef kernel);

/// Parses `source` (tile IR text), lowers it and emits an object for the
/// host CPU. Throws recur::Error(CompileError) with the MLIR diagnostics.
CpuArtifact compileForCpu(llvm::StringRef source,
                          const CpuCompileOptions &options = {});

} // namespace recur

#endif // RECUR_RUNTIME_CPUCOMPILER_H
