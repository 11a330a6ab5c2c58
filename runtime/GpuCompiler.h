//===- GpuCompiler.h - Tile IR to PTX/cubin or AMDGCN/HSACO ------*- C++
//-*-===//
//
// Compilation for GPU targets needs no GPU: the assembly comes from LLVM's
// NVPTX or AMDGPU back end; the binary from the CUDA toolkit's `ptxas`
// (found at run time) or from `ld.lld`. The resource figures that `ptxas -v`
// or the AMDGPU code-object metadata report (registers, shared memory,
// spills) feed the autotuner's resource model and the tests.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_GPUCOMPILER_H
#define RECUR_RUNTIME_GPUCOMPILER_H

#include "compiler/Pipelines.h"
#include "runtime/Kernel.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace recur {

struct GpuCompileOptions {
  GPUPipelineOptions pipeline;
};

/// Per kernel: its signature, block size and what the binary needs.
struct GpuKernelInfo {
  KernelSignature signature;
  unsigned threads = 0;
  /// From `ptxas -v` on CUDA, from the code-object metadata on ROCm
  /// (registers: VGPRs and AGPRs); -1 where not known.
  int64_t registers = -1;
  int64_t sharedBytes = 0;
  /// Dynamic shared memory every launch must request (a scratch above the
  /// static 48 KiB on NVIDIA); not part of sharedBytes.
  int64_t dynamicSharedBytes = 0;
  int64_t spillStoreBytes = 0, spillLoadBytes = 0, stackBytes = 0;
};

struct GpuArtifact {
  /// PTX, or AMDGCN assembly.
  std::string assembly;
  /// A cubin, or an HSACO code object.
  std::string binary;
  std::vector<GpuKernelInfo> kernels;
};

/// Where `ptxas` is: $RECUR_PTXAS, $CUDA_HOME/bin, /usr/local/cuda/bin, or
/// PATH; std::nullopt when none exists.
std::optional<std::string> findPtxas();

/// Lowers `source` (tile IR text) for `options.pipeline.target`. Throws
/// recur::Error(CompileError) with the MLIR diagnostics or ptxas' messages,
/// and recur::Error(NotFound) when ptxas or ld.lld is missing.
GpuArtifact compileForGpu(llvm::StringRef source,
                          const GpuCompileOptions &options);

} // namespace recur

#endif // RECUR_RUNTIME_GPUCOMPILER_H
