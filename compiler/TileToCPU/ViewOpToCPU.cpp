//===- ViewOpToCPU.cpp - tile shape ops -> tensor/linalg ------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace recur;

static Value createEmpty(OpBuilder &builder, Location loc, Type type) {
  auto tensorType = cast<RankedTensorType>(type);
  return tensor::EmptyOp::create(builder, loc, tensorType.getShape(),
                                 tensorType.getElementType());
}

namespace {
/// Base for the patterns below: the converted result type is all they need
/// from the type converter.
template <typename SourceOp>
struct ViewOpLowering : public OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;

  RankedTensorType convertedResultType(SourceOp op) const {
    return cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
  }
};

struct MakeRangeOpLowering : public ViewOpLowering<tile::MakeRangeOp> {
  using ViewOpLowering::ViewOpLowering;

  LogicalResult
  matchAndRewrite(tile::MakeRangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto values = llvm::to_vector(llvm::seq<int32_t>(op.getStartAttr().getInt(),
                                                     op.getEndAttr().getInt()));
    auto attr = DenseElementsAttr::get(op.getType(), ArrayRef(values));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, attr);
    return success();
  }
};

struct SplatOpLowering : public ViewOpLowering<tile::SplatOp> {
  using ViewOpLowering::ViewOpLowering;

  LogicalResult
  matchAndRewrite(tile::SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value empty = createEmpty(rewriter, op.getLoc(), convertedResultType(op));
    rewriter.replaceOp(op, linalg::FillOp::create(rewriter, op.getLoc(),
                                                  adaptor.getSrc(), empty)
                               .getResult(0));
    return success();
  }
};

/// Size-1 source dimensions read index 0 whatever the result index is.
struct BroadcastOpLowering : public ViewOpLowering<tile::BroadcastOp> {
  using ViewOpLowering::ViewOpLowering;

  LogicalResult
  matchAndRewrite(tile::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertedResultType(op);
    auto srcType = cast<RankedTensorType>(adaptor.getSrc().getType());
    int64_t rank = resultType.getRank();
    SmallVector<AffineExpr> srcExprs;
    for (int64_t i = 0; i < rank; ++i)
      srcExprs.push_back(srcType.getDimSize(i) == resultType.getDimSize(i)
                             ? rewriter.getAffineDimExpr(i)
                             : rewriter.getAffineConstantExpr(0));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, srcExprs, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value empty = createEmpty(rewriter, op.getLoc(), resultType);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{resultType}, adaptor.getSrc(), empty,
        maps, iterators, [](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct ExpandDimsOpLowering : public ViewOpLowering<tile::ExpandDimsOp> {
  using ViewOpLowering::ViewOpLowering;

  LogicalResult
  matchAndRewrite(tile::ExpandDimsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t rank = op.getSrc().getType().getRank();
    int64_t axis = op.getAxis();
    // The new unit dimension joins the group of its neighbour: the source
    // dimension it precedes, or the last one when appended at the end.
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t out = i < axis ? i : i + 1;
      if (i == axis)
        groups.push_back({i, i + 1});
      else if (i == rank - 1 && axis == rank)
        groups.push_back({i, i + 1});
      else
        groups.push_back({out});
    }
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, convertedResultType(op), adaptor.getSrc(), groups);
    return success();
  }
};

/// Row-major reshape: collapse to 1-D, then expand to the result shape.
struct ReshapeOpLowering : public ViewOpLowering<tile::ReshapeOp> {
  using ViewOpLowering::ViewOpLowering;

  static SmallVector<ReassociationIndices> allInOneGroup(int64_t rank) {
    return {llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  }

  LogicalResult
  matchAndRewrite(tile::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertedResultType(op);
    Value value = adaptor.getSrc();
    auto srcType = cast<RankedTensorType>(value.getType());
    // A rank-0 tile holds one element: expand it to (or collapse to it from)
    // an all-ones shape with an empty reassociation.
    if (srcType.getRank() == 0 || resultType.getRank() == 0) {
      if (srcType.getRank() == 0 && resultType.getRank() == 0)
        rewriter.replaceOp(op, value);
      else if (srcType.getRank() == 0)
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
            op, resultType, value, ArrayRef<ReassociationIndices>{});
      else
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
            op, resultType, value, ArrayRef<ReassociationIndices>{});
      return success();
    }
    if (srcType.getRank() != 1) {
      auto flat = RankedTensorType::get({srcType.getNumElements()},
                                        srcType.getElementType());
      value = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), flat, value, allInOneGroup(srcType.getRank()));
    }
    if (resultType.getRank() != 1)
      value = tensor::ExpandShapeOp::create(
          rewriter, op.getLoc(), resultType, value,
          allInOneGroup(resultType.getRank()));
    rewriter.replaceOp(op, value);
    return success();
  }
};

struct TransOpLowering : public ViewOpLowering<tile::TransOp> {
  using ViewOpLowering::ViewOpLowering;

  LogicalResult
  matchAndRewrite(tile::TransOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value empty = createEmpty(rewriter, op.getLoc(), convertedResultType(op));
    SmallVector<int64_t> permutation(op.getOrder());
    auto transpose = linalg::TransposeOp::create(
        rewriter, op.getLoc(), adaptor.getSrc(), empty, permutation);
    rewriter.replaceOp(op, transpose->getResult(0));
    return success();
  }
};
} // namespace

void recur::populateViewOpToCPUPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<MakeRangeOpLowering, SplatOpLowering, BroadcastOpLowering,
               ExpandDimsOpLowering, ReshapeOpLowering, TransOpLowering>(
      converter, patterns.getContext());
}
