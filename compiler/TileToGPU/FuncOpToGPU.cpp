//===- FuncOpToGPU.cpp - Kernels and the launch grid on GPU targets -------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace recur;

namespace {

/// A kernel `tile.func` becomes a `gpu.func` kernel of the same name whose
/// block size (`known_block_size`) is the layouts' thread count.
struct FuncOpLowering : public OpConversionPattern<tile::FuncOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::FuncOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.isKernel() || op.isExternal())
      return rewriter.notifyMatchFailure(op, "only kernels reach the GPU");
    TypeConverter::SignatureConversion signature(op.getNumArguments());
    for (auto [i, type] : llvm::enumerate(op.getArgumentTypes()))
      signature.addInputs(i, getTypeConverter()->convertType(type));
    auto type = rewriter.getFunctionType(signature.getConvertedTypes(), {});
    auto fn = gpu::GPUFuncOp::create(rewriter, op.getLoc(), op.getName(), type);
    fn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                rewriter.getUnitAttr());
    auto threads = op->getAttrOfType<IntegerAttr>("tile.num_threads");
    if (threads)
      fn.setKnownBlockSizeAttr(rewriter.getDenseI32ArrayAttr(
          {static_cast<int32_t>(threads.getInt()), 1, 1}));
    // gpu.func's builder made an entry block; the kernel's body replaces it.
    rewriter.eraseBlock(&fn.getBody().front());
    rewriter.inlineRegionBefore(op.getBody(), fn.getBody(), fn.getBody().end());
    if (failed(rewriter.convertRegionTypes(&fn.getBody(), *getTypeConverter(),
                                           &signature)))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};

struct ReturnOpLowering : public OpConversionPattern<tile::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ReturnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->getParentOfType<gpu::GPUFuncOp>())
      return failure();
    rewriter.replaceOpWithNewOp<gpu::ReturnOp>(op);
    return success();
  }
};

/// program_id and num_programs read the block id and grid size.
template <typename TileOp, typename GPUOp>
struct GridOpLowering : public OpConversionPattern<TileOp> {
  using OpConversionPattern<TileOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TileOp op, typename TileOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dimension = static_cast<gpu::Dimension>(op.getAxis());
    Value index = GPUOp::create(rewriter, op.getLoc(), dimension);
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(op, rewriter.getI32Type(),
                                                      index);
    return success();
  }
};

} // namespace

void recur::populateFuncOpToGPUPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<FuncOpLowering, ReturnOpLowering,
               GridOpLowering<tile::ProgramIdOp, gpu::BlockIdOp>,
               GridOpLowering<tile::NumProgramsOp, gpu::GridDimOp>>(
      converter, patterns.getContext());
}
