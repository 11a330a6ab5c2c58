//===- Pipelines.cpp - Recur's lowering pipelines -------------------------===//

#include "compiler/Pipelines.h"
#include "compiler/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

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

  // Everything -> LLVM dialect.
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
