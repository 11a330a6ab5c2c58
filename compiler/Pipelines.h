//===- Pipelines.h - Recur's lowering pipelines, one per target --*- C++
//-*-===//

#ifndef RECUR_COMPILER_PIPELINES_H
#define RECUR_COMPILER_PIPELINES_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace recur {

/// On the GPU module the GPU pipeline makes, when its shared-memory scratch
/// is dynamic: the bytes every launch of its kernels must request.
constexpr llvm::StringLiteral kDynamicSharedBytesAttrName =
    "recur.dynamic_shared_bytes";

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

/// A GPU target: `cuda:sm_80`, `cuda:sm_90`, `rocm:gfx90a`, `rocm:gfx942`.
struct GPUTarget {
  enum class Vendor { CUDA, ROCm };
  Vendor vendor = Vendor::CUDA;
  /// `sm_80`, `gfx942`, ...
  std::string chip;
  /// 32 on NVIDIA; 64 on AMD CDNA (wavefronts).
  unsigned warpSize = 32;

  /// Parses a target name; std::nullopt names an unknown one.
  static std::optional<GPUTarget> parse(llvm::StringRef name);
  std::string getName() const;
  /// The architecture code is generated for (PTX `.target`, `ptxas
  /// -arch`): `sm_90a` for sm_90, whose warpgroup MMA (`wgmma`) exists
  /// only in the arch-specific feature set; the chip otherwise.
  std::string getArch() const;
  /// Whether dots may use warpgroup MMA (`wgmma`, sm_90).
  bool hasWgmma() const { return vendor == Vendor::CUDA && chip == "sm_90"; }
};

/// Options of the GPU pipelines. They are part of the compile-cache key.
struct GPUPipelineOptions {
  GPUTarget target;
  /// Warps per block.
  unsigned numWarps = 4;
  /// Software pipeline stages of loops' global loads: 2 or more runs
  /// `tile-pipeline-loads` (loads one iteration ahead); 1 leaves loops as
  /// written.
  unsigned numStages = 1;
  /// sm_90: copy the pipelined tiles' rows with the Tensor Memory
  /// Accelerator's bulk copies where they take them; false keeps every copy
  /// per-thread `cp.async` (the tuner times both).
  bool bulkCopies = true;
  /// Inline device functions into their callers (the GPU lowering needs
  /// it: layouts are chosen per kernel).
  bool inlineCalls = true;
  /// End with `gpu-module-to-binary{format=isa}`; without it the pipeline
  /// stops at the attached NVVM/ROCDL target, for a caller's own
  /// serialisation.
  bool serialize = true;
};

/// tile -> laid-out tiles -> gpu/LLVM -> NVVM or ROCDL -> a `gpu.binary`
/// holding the target's assembly (PTX, or AMDGCN ISA). The runtime turns the
/// assembly into a cubin (ptxas) or an HSACO (lld).
void buildGPUPipeline(mlir::OpPassManager &pm,
                      const GPUPipelineOptions &options);

/// The GPU lowering of `options.target` (layouts, distribution), then
/// `convert-gpu-to-emu`: host functions that the SIMT emulator
/// (runtime/emu) runs once per emulated thread. `addLowerToLLVMPasses`
/// finishes them.
void buildEmuPipeline(mlir::OpPassManager &pm,
                      const GPUPipelineOptions &options);

/// scf/vector/arith/math/func/memref -> the LLVM dialect, for host code.
void addLowerToLLVMPasses(mlir::OpPassManager &pm);

/// Registers `recur-gpu-pipeline{target=cuda:sm_90 num-warps=4
/// num-stages=1}` for
/// recur-opt.
void registerGPUPipeline();

} // namespace recur

#endif // RECUR_COMPILER_PIPELINES_H
