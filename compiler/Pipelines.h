//===- Pipelines.h - Recur's lowering pipelines, one per target --*- C++
//-*-===//

#ifndef RECUR_COMPILER_PIPELINES_H
#define RECUR_COMPILER_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace recur {

/// Options of the CPU pipeline. They are part of the compile-cache key.
struct CPUPipelineOptions {
  /// Inline device functions into their callers before bufferization.
  bool inlineCalls = true;
};

/// tile -> func/tensor/linalg -> bufferized loops -> LLVM dialect. The result
/// translates to LLVM IR, where the JIT's O3 pipeline vectorises for the host.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options = {});

/// Registers `recur-cpu-pipeline` for recur-opt.
void registerCPUPipeline();

} // namespace recur

#endif // RECUR_COMPILER_PIPELINES_H
