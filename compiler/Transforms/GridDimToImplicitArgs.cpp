//===- GridDimToImplicitArgs.cpp - AMD grid sizes without ockl ------------===//
//
// The HIP runtime writes the grid's block counts into the hidden kernel
// arguments that follow a kernel's own (code object v5); reading them is
// what ockl's __ockl_get_num_groups does, without linking ockl.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace recur {
#define GEN_PASS_DEF_GRIDDIMTOIMPLICITARGS
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;

namespace {
/// AMDGPU's constant address space, where kernel arguments live.
constexpr unsigned kConstantAddressSpace = 4;

struct GridDimFromImplicitArgs : public OpRewritePattern<gpu::GridDimOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(gpu::GridDimOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto pointer =
        LLVM::LLVMPointerType::get(getContext(), kConstantAddressSpace);
    Value implicitArgs =
        LLVM::CallIntrinsicOp::create(
            rewriter, loc, pointer,
            rewriter.getStringAttr("llvm.amdgcn.implicitarg.ptr"), ValueRange{})
            .getResult(0);
    // hidden_block_count_x, _y and _z: the first three 32-bit words.
    int32_t offset = 4 * static_cast<int32_t>(op.getDimension());
    Value address = implicitArgs;
    if (offset != 0)
      address =
          LLVM::GEPOp::create(rewriter, loc, pointer, rewriter.getI8Type(),
                              implicitArgs, ArrayRef<LLVM::GEPArg>{offset});
    Value count = LLVM::LoadOp::create(
        rewriter, loc, rewriter.getI32Type(), address, /*alignment=*/4,
        /*isVolatile=*/false, /*isNonTemporal=*/false, /*isInvariant=*/true);
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(
        op, rewriter.getIndexType(), count);
    return success();
  }
};

struct GridDimToImplicitArgsPass
    : public recur::impl::GridDimToImplicitArgsBase<GridDimToImplicitArgsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GridDimFromImplicitArgs>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
