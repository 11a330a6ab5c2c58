//===- Pipelines.cpp - Recur's lowering pipelines -------------------------===//

#include "compiler/Pipelines.h"
#include "compiler/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"

#include <mutex>

using namespace mlir;

/// Shared-memory (and local and constant) addresses in 32-bit registers, as
/// Triton compiles: by default LLVM's NVPTX back end keeps each of them,
/// hoisted out of loops by the dozen, in a pair. The back end reads the
/// flag when serialisation creates its target machine.
static void useShortNvptxPointers() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto options = llvm::cl::getRegisteredOptions();
    auto it = options.find("nvptx-short-ptr");
    // An explicit -nvptx-short-ptr=false (recur-opt) is kept.
    if (it != options.end() && it->second->getNumOccurrences() == 0)
      static_cast<llvm::cl::opt<bool> *>(it->second)->setValue(true);
  });
}

void recur::buildCPUPipeline(OpPassManager &pm,
                             const CPUPipelineOptions &options) {
  // tile -> tensors and loops, with the launch grid as the outer loop.
  pm.addPass(createConvertTileToCPU());
  if (options.inlineCalls)
    pm.addPass(createInlinerPass());
  pm.addPass(createTileCPULaunchGrid());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Tensors -> buffers. Kernels take only scalars, so function boundaries
  // see no tensors once device functions are inlined. The kernel itself is
  // not inlined into its grid loop: its stack buffers then live in its own
  // frame, released after every program. Hoisting moves tile buffers out of
  // loops so that almost all of them end up on the stack.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addNestedPass<func::FuncOp>(createVectorizeTileLinalg());
  pm.addPass(createApproximateMath());
  pm.addPass(createCanonicalizerPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // A loop may yield a tile computed into a fresh buffer (fusion makes this
  // common); the deallocation pipeline frees the buffers such loops create.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferHoistingPass());
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  pm.addNestedPass<func::FuncOp>(createPromoteLoopFreeBuffersToStack());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());

  addLowerToLLVMPasses(pm);
}

void recur::addLowerToLLVMPasses(OpPassManager &pm) {
  // Fully unrolled: the looped form stages n-D transfers through temporary
  // buffers allocated in the enclosing loop body, which grow the stack on
  // every iteration of a long scf.for (a chunk loop over 8k steps overflowed
  // it).
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void recur::registerCPUPipeline() {
  PassPipelineRegistration<>(
      "recur-cpu-pipeline",
      "Lower tile kernels to the LLVM dialect for the CPU JIT and AOT",
      [](OpPassManager &pm) { buildCPUPipeline(pm); });
}

std::optional<recur::GPUTarget> recur::GPUTarget::parse(llvm::StringRef name) {
  auto [vendor, chip] = name.trim().split(':');
  GPUTarget target;
  target.chip = chip.str();
  if (vendor == "cuda" && (chip == "sm_80" || chip == "sm_90")) {
    target.vendor = Vendor::CUDA;
    target.warpSize = 32;
    return target;
  }
  if (vendor == "rocm" && (chip == "gfx90a" || chip == "gfx942")) {
    target.vendor = Vendor::ROCm;
    target.warpSize = 64;
    return target;
  }
  return std::nullopt;
}

std::string recur::GPUTarget::getName() const {
  return (vendor == Vendor::CUDA ? "cuda:" : "rocm:") + chip;
}

std::string recur::GPUTarget::getArch() const {
  return hasWgmma() ? chip + "a" : chip;
}

/// tile -> laid-out tiles -> each thread's share in gpu.funcs: what the GPU
/// and the emulated GPU pipelines have in common.
/// `emulated`: for the SIMT emulator, which prints for every target.
static void addDistributionPasses(OpPassManager &pm,
                                  const recur::GPUPipelineOptions &options,
                                  bool emulated) {
  using namespace recur;
  const GPUTarget &target = options.target;
  if (options.inlineCalls)
    pm.addPass(createInlinerPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Dots over extended f16/bf16 values take the matrix units.
  pm.addPass(createTileNarrowDotOperands());
  if (options.numStages >= 2) {
    TilePipelineLoadsOptions pipelining;
    pipelining.numStages = options.numStages;
    // cp.async exists from sm_80, the oldest NVIDIA target.
    pipelining.asyncCopies = target.vendor == GPUTarget::Vendor::CUDA;
    pm.addPass(createTilePipelineLoads(pipelining));
    // Merges the current iteration's values the pipeliner recomputed early
    // with the originals; transposes of slots become transposed reads.
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
  }
  TileGPUAssignLayoutsOptions layouts;
  layouts.numWarps = options.numWarps;
  layouts.warpSize = target.warpSize;
  // sm_90's dots that fit a warpgroup take wgmma, which reads its own
  // fragments from shared memory.
  layouts.mmaLayouts =
      target.vendor == GPUTarget::Vendor::CUDA && !target.hasWgmma();
  pm.addPass(createTileGPUAssignLayouts(layouts));
  ConvertTileToGPUOptions distribute;
  distribute.mmaSync = target.vendor == GPUTarget::Vendor::CUDA;
  distribute.wgmma = target.hasWgmma();
  distribute.cpAsync = target.vendor == GPUTarget::Vendor::CUDA;
  // sm_90's Tensor Memory Accelerator copies whole rows for one thread.
  distribute.bulkCopies = target.hasWgmma() && options.bulkCopies;
  distribute.mfma = target.vendor == GPUTarget::Vendor::ROCm;
  // AMD has no lowering of cf.assert (the emulator has one for every
  // target).
  distribute.trapAsserts =
      !emulated && target.vendor == GPUTarget::Vendor::ROCm;
  // NVIDIA kernels declare at most 48 KiB of shared memory statically; a
  // larger scratch is dynamic, requested at launch (up to 163 KiB on sm_80,
  // 227 KiB on sm_90). AMD's 64 KiB of LDS is all static.
  if (target.vendor == GPUTarget::Vendor::CUDA)
    distribute.dynamicSharedAbove = 48 * 1024;
  pm.addPass(createConvertTileToGPU(distribute));
  // AMD's exp, tanh, log and friends (and the floor inside their
  // polynomials) would otherwise become calls into the ROCm device libraries
  // (ocml), which are not linked: f32 takes the CPU's polynomials and an
  // arithmetic floor instead, so such kernels build without a ROCm install. The
  // emulation runs the same arithmetic.
  if (target.vendor == GPUTarget::Vendor::ROCm) {
    ApproximateMathOptions approximate;
    approximate.arithFloor = true;
    pm.addPass(createApproximateMath(approximate));
  }
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void recur::buildGPUPipeline(OpPassManager &pm,
                             const GPUPipelineOptions &options) {
  const GPUTarget &target = options.target;
  addDistributionPasses(pm, options, /*emulated=*/false);

  // gpu/nvgpu/vector/arith/scf -> the vendor's LLVM dialect.
  pm.addPass(createSCFToControlFlowPass());
  if (target.vendor == GPUTarget::Vendor::CUDA)
    pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  if (target.vendor == GPUTarget::Vendor::CUDA) {
    pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
    // NVVM ops without an LLVM intrinsic (wgmma.mma_async) as inline PTX.
    pm.addNestedPass<gpu::GPUModuleOp>(createConvertNVVMToLLVMPass());
  } else {
    pm.addNestedPass<gpu::GPUModuleOp>(createGridDimToImplicitArgs());
    ConvertGpuOpsToROCDLOpsOptions rocdl;
    rocdl.chipset = target.chip;
    // gpu.printf as the HIP runtime's printf (hostcalls into the device
    // libraries' ockl).
    rocdl.runtime = gpu::amd::Runtime::HIP;
    pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToROCDLOps(rocdl));
  }
  pm.addPass(createReconcileUnrealizedCastsPass());

  // Assembly, through LLVM's NVPTX or AMDGPU back end.
  if (target.vendor == GPUTarget::Vendor::CUDA) {
    useShortNvptxPointers();
    GpuNVVMAttachTargetOptions attach;
    attach.chip = target.getArch();
    attach.features = "+ptx80";
    attach.optLevel = 3;
    pm.addPass(createGpuNVVMAttachTarget(attach));
  } else {
    GpuROCDLAttachTargetOptions attach;
    attach.chip = target.chip;
    attach.optLevel = 3;
    attach.wave64Flag = target.warpSize == 64;
    pm.addPass(createGpuROCDLAttachTarget(attach));
  }
  if (!options.serialize)
    return;
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void recur::buildEmuPipeline(OpPassManager &pm,
                             const GPUPipelineOptions &options) {
  addDistributionPasses(pm, options, /*emulated=*/true);
  ConvertGPUToEmuOptions emu;
  emu.warpSize = options.target.warpSize;
  pm.addPass(createConvertGPUToEmu(emu));
  pm.addPass(createCanonicalizerPass());
}

namespace {
struct GPUPipelineCommandLine
    : public PassPipelineOptions<GPUPipelineCommandLine> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("cuda:sm_80, cuda:sm_90, "
                                            "rocm:gfx90a or rocm:gfx942"),
                             llvm::cl::init("cuda:sm_80")};
  Option<unsigned> numWarps{
      *this, "num-warps", llvm::cl::desc("Warps per block"), llvm::cl::init(4)};
  Option<unsigned> numStages{
      *this, "num-stages",
      llvm::cl::desc("Software pipeline stages of loops' global loads"),
      llvm::cl::init(1)};
  Option<bool> bulkCopies{
      *this, "bulk-copies",
      llvm::cl::desc("sm_90: bulk-copy whole rows of pipelined tiles (the "
                     "TMA) where they take it"),
      llvm::cl::init(true)};
};
} // namespace

void recur::registerGPUPipeline() {
  PassPipelineRegistration<GPUPipelineCommandLine>(
      "recur-gpu-pipeline",
      "Lower tile kernels to a gpu.binary of PTX or AMDGCN assembly",
      [](OpPassManager &pm, const GPUPipelineCommandLine &commandLine) {
        GPUPipelineOptions options;
        // An unknown target ends recur-opt with a message (no crash report).
        if (auto target = GPUTarget::parse(commandLine.target.getValue()))
          options.target = *target;
        else
          llvm::report_fatal_error(
              "recur-gpu-pipeline: unknown target '" +
                  llvm::Twine(commandLine.target.getValue()) +
                  "' (cuda:sm_80, cuda:sm_90, rocm:gfx90a, "
                  "rocm:gfx942)",
              /*gen_crash_diag=*/false);
        options.numWarps = commandLine.numWarps;
        options.numStages = commandLine.numStages;
        options.bulkCopies = commandLine.bulkCopies;
        buildGPUPipeline(pm, options);
      });
}
