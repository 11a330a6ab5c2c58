//===- ConvertTileToGPU.cpp - The convert-tile-to-gpu pass ----------------===//

#include "compiler/Analysis/Contiguity.h"
#include "compiler/Passes.h"
#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/SCF/Transforms/Patterns.h"

namespace recur {
#define GEN_PASS_DEF_CONVERTTILETOGPU
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

namespace {

/// Moves the kernels into the GPU module and gives it the shared memory its
/// ops need: the scratch, then every `tile.local_alloc` (whose offsets go to
/// `offsets`). A walk, not a pattern: it restructures the module around the
/// ops the patterns then convert.
LogicalResult buildGPUModule(ModuleOp module, bool registerAccumulators,
                             int64_t dynamicSharedAbove,
                             SharedBufferOffsets &offsets, BulkCopyPlan &bulk) {
  OpBuilder builder(module.getContext());
  SmallVector<tile::FuncOp> kernels;
  for (auto fn : module.getOps<tile::FuncOp>()) {
    if (!fn.isKernel())
      return fn.emitOpError("device functions must be inlined before GPU "
                            "lowering");
    kernels.push_back(fn);
  }
  int64_t scratch = 0;
  for (tile::FuncOp fn : kernels)
    fn.walk([&](Operation *op) {
      scratch =
          std::max(scratch, getSharedScratchBytes(op, registerAccumulators));
    });
  // Buffers live as long as the program: each has its own bytes.
  scratch = llvm::alignTo(scratch, 16);
  for (tile::FuncOp fn : kernels)
    fn.walk([&](tile::LocalAllocOp alloc) {
      offsets[alloc] = scratch;
      tile::SharedBufferType type = alloc.getType();
      scratch += type.getNumSlots() * getSlotBytes(type);
    });
  // Then the mbarriers of kernels with bulk copies.
  SmallVector<std::pair<tile::FuncOp, BulkCopyKernel *>> bulkKernels;
  for (tile::FuncOp fn : kernels) {
    bool hasBulkCopies = false;
    fn.walk([&](tile::AsyncCopyOp copy) {
      hasBulkCopies |= bulk.copies.contains(copy);
    });
    if (!hasBulkCopies)
      continue;
    BulkCopyKernel &state = bulk.kernels.emplace_back();
    state.count = getBulkCopyRingCount(fn);
    state.offset = llvm::alignTo(scratch, 8);
    scratch = state.offset + 8 * state.count;
    fn.walk([&](Operation *op) {
      if (isa<tile::AsyncCopyOp, tile::AsyncCommitOp, tile::AsyncWaitOp>(op))
        bulk.kernelOf[op] = &state;
    });
    bulkKernels.emplace_back(fn, &state);
  }

  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  builder.getUnitAttr());
  builder.setInsertionPointToEnd(module.getBody());
  auto gpuModule =
      gpu::GPUModuleOp::create(builder, module.getLoc(), kGPUModuleName);
  builder.setInsertionPointToStart(gpuModule.getBody());
  if (scratch > 0) {
    // Dynamic shared memory is an external array of unknown size (PTX's
    // `.extern .shared`), the launch saying how much there is.
    bool dynamic = dynamicSharedAbove > 0 && scratch > dynamicSharedAbove;
    LLVM::GlobalOp::create(
        builder, module.getLoc(),
        LLVM::LLVMArrayType::get(builder.getI8Type(), dynamic ? 0 : scratch),
        /*isConstant=*/false,
        dynamic ? LLVM::Linkage::External : LLVM::Linkage::Internal,
        kSharedScratchName, /*value=*/Attribute(), /*alignment=*/16,
        /*addrSpace=*/3);
    if (dynamic)
      gpuModule->setAttr(kDynamicSharedBytesAttrName,
                         builder.getI64IntegerAttr(scratch));
  }
  for (tile::FuncOp fn : kernels)
    fn->moveBefore(gpuModule.getBody(), gpuModule.getBody()->end());
  for (auto [fn, state] : bulkKernels)
    initBulkCopyKernel(fn, *state);
  return success();
}

struct ConvertTileToGPUPass
    : public recur::impl::ConvertTileToGPUBase<ConvertTileToGPUPass> {
  using ConvertTileToGPUBase::ConvertTileToGPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();

    // Every tile must carry a layout.
    WalkResult unlaid = module.walk([&](Operation *op) {
      for (Type type : op->getResultTypes())
        if (auto tensor = dyn_cast<RankedTensorType>(type);
            tensor && !tensor.getEncoding())
          return WalkResult(op->emitOpError(
              "has a tile without a layout; run tile-gpu-assign-layouts "
              "first"));
      return WalkResult::advance();
    });
    if (unlaid.wasInterrupted())
      return signalPassFailure();
    GPUAccessContiguity contiguity;
    ContiguityAnalysis analysis;
    module.walk([&](Operation *op) {
      if (isa<tile::LoadOp, tile::StoreOp, tile::AsyncCopyOp>(op) &&
          isa<RankedTensorType>(op->getOperand(0).getType()))
        contiguity[op] = analysis.getInfo(op->getOperand(0));
    });
    BulkCopyPlan bulk;
    if (bulkCopies)
      module.walk([&](tile::AsyncCopyOp copy) {
        int64_t maskConstancy =
            copy.getMask() ? analysis.getInfo(copy.getMask()).constancy : 0;
        if (canCopyRowsInBulk(copy, contiguity.lookup(copy), maskConstancy))
          bulk.copies.insert(copy);
      });
    // wgmma (which stages its accumulator) takes the dots that fit it first.
    SharedBufferOffsets offsets;
    if (failed(buildGPUModule(module, mmaSync && !wgmma, dynamicSharedAbove,
                              offsets, bulk)))
      return signalPassFailure();

    TileToGPUTypeConverter converter;
    ConversionTarget target(*context);
    target.addIllegalDialect<tile::TileDialect>();
    target.addLegalDialect<amdgpu::AMDGPUDialect, gpu::GPUDialect,
                           LLVM::LLVMDialect, NVVM::NVVMDialect,
                           nvgpu::NVGPUDialect, vector::VectorDialect>();
    target.addLegalOp<ModuleOp>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(context);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    populateFuncOpToGPUPatterns(converter, patterns);
    populateDebugOpToGPUPatterns(converter, patterns, trapAsserts);
    populateElementwiseOpToGPUPatterns(converter, patterns);
    populateViewOpToGPUPatterns(converter, patterns);
    populateLoadStoreOpToGPUPatterns(converter, patterns, contiguity);
    populateAsyncCopyOpToGPUPatterns(converter, patterns, contiguity, offsets,
                                     cpAsync, bulk);
    populateDotOpToGPUPatterns(converter, patterns, mmaSync);
    if (wgmma)
      populateDotOpToWgmmaPatterns(converter, patterns);
    if (mfma)
      populateDotOpToMfmaPatterns(converter, patterns);
    populateReduceOpToGPUPatterns(converter, patterns);
    populateScanOpToGPUPatterns(converter, patterns);
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
