//===- TileCanonicalize.cpp - Tile folders and canonicalizations ----------===//

#include "dialects/tile/TileOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace recur::tile;

namespace {
/// A shape-only op (broadcast, expand_dims, reshape, trans) of a splat is a
/// splat of the result shape: every element is the same either way.
template <typename ShapeOp>
struct SplatThroughShapeOp : public OpRewritePattern<ShapeOp> {
  using OpRewritePattern<ShapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto splat = op.getSrc().template getDefiningOp<SplatOp>();
    if (!splat)
      return failure();
    rewriter.replaceOpWithNewOp<SplatOp>(op, op.getType(), splat.getSrc());
    return success();
  }
};

/// broadcast(broadcast(x)) is one broadcast of x: each step only repeats
/// size-1 dimensions, and the composition does too.
struct BroadcastOfBroadcast : public OpRewritePattern<BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BroadcastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getSrc().getDefiningOp<BroadcastOp>();
    if (!inner)
      return failure();
    rewriter.modifyOpInPlace(
        op, [&] { op.getSrcMutable().assign(inner.getSrc()); });
    return success();
  }
};
} // namespace

/// A constant splat of the source becomes a constant of the result shape.
static Attribute reshapeSplatConstant(Attribute attr, ShapedType type) {
  if (auto dense = dyn_cast_if_present<SplatElementsAttr>(attr))
    return SplatElementsAttr::get(type, dense.getSplatValue<Attribute>());
  return {};
}

OpFoldResult SplatOp::fold(FoldAdaptor adaptor) {
  Attribute value = adaptor.getSrc();
  if (!value || !isa<IntegerAttr, FloatAttr>(value))
    return {};
  return SplatElementsAttr::get(getType(), value);
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  return reshapeSplatConstant(adaptor.getSrc(), getType());
}

void BroadcastOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<BroadcastOfBroadcast, SplatThroughShapeOp<BroadcastOp>>(context);
}

void ExpandDimsOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<SplatThroughShapeOp<ExpandDimsOp>>(context);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  // Row-major reshapes compose: reshape(reshape(x)) == reshape(x).
  if (auto inner = getSrc().getDefiningOp<ReshapeOp>()) {
    getSrcMutable().assign(inner.getSrc());
    return getResult();
  }
  return reshapeSplatConstant(adaptor.getSrc(), getType());
}

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<SplatThroughShapeOp<ReshapeOp>>(context);
}

OpFoldResult TransOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int32_t> order = getOrder();
  if (llvm::equal(order, llvm::seq<int32_t>(0, order.size())))
    return getSrc();
  // trans(trans(x, p), q) == trans(x, p o q); fold away when it is identity.
  if (auto inner = getSrc().getDefiningOp<TransOp>()) {
    ArrayRef<int32_t> innerOrder = inner.getOrder();
    bool identity = true;
    for (auto [i, dim] : llvm::enumerate(order))
      identity &= innerOrder[dim] == static_cast<int32_t>(i);
    if (identity)
      return inner.getSrc();
  }
  return reshapeSplatConstant(adaptor.getSrc(), getType());
}

namespace {
/// trans(local_load(buf[slot])) reads the slot transposed: one local_load
/// with the composed order (none when it is the identity), at the original
/// read, so the tile is not exchanged through shared memory again.
struct TransOfLocalLoad : public OpRewritePattern<TransOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransOp op,
                                PatternRewriter &rewriter) const override {
    auto read = op.getSrc().getDefiningOp<LocalLoadOp>();
    if (!read)
      return failure();
    SmallVector<int32_t> order;
    for (int32_t dim : op.getOrder())
      order.push_back(read.getOrder() ? (*read.getOrder())[dim] : dim);
    DenseI32ArrayAttr orderAttr;
    if (!llvm::equal(order, llvm::seq<int32_t>(0, order.size())))
      orderAttr = rewriter.getDenseI32ArrayAttr(order);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(read);
    rewriter.replaceOp(op, LocalLoadOp::create(rewriter, read.getLoc(),
                                               op.getType(), read.getBuffer(),
                                               read.getSlot(), orderAttr));
    return success();
  }
};
} // namespace

void TransOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                          MLIRContext *context) {
  results.add<SplatThroughShapeOp<TransOp>, TransOfLocalLoad>(context);
}

OpFoldResult AddPtrOp::fold(FoldAdaptor adaptor) {
  if (matchPattern(adaptor.getOffset(), m_Zero()))
    return getPtr();
  return {};
}
