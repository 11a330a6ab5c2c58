//===- ViewOpToGPU.cpp - Tile construction and shape ops on GPU targets ---===//
//
// make_range, splat, broadcast and expand_dims stay inside each thread: the
// layouts are chosen so that a broadcast's source and result, and an
// expansion's slice and parent, place shared coordinates on the same
// thread. convert_layout, trans and reshape move elements between threads
// through shared memory.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

namespace {

struct MakeRangeOpLowering : public OpConversionPattern<tile::MakeRangeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::MakeRangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tile::ThreadMapping mapping = getMapping(op.getType());
    auto vectorType =
        cast<VectorType>(getTypeConverter()->convertType(op.getType()));
    // start + base + offset(e): one splat of the thread's base and one
    // constant vector of offsets.
    SmallVector<int32_t> offsets;
    for (int64_t e = 0; e < mapping.getNumElements(); ++e)
      offsets.push_back(
          static_cast<int32_t>(mapping.getOffsets(e)[0] + op.getStart()));
    Value base = getBaseCoordinates(rewriter, loc, mapping)[0];
    Value splat = vector::BroadcastOp::create(rewriter, loc, vectorType, base);
    Value constant = arith::ConstantOp::create(
        rewriter, loc, vectorType,
        DenseElementsAttr::get(vectorType, ArrayRef<int32_t>(offsets)));
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, splat, constant);
    return success();
  }
};

struct SplatOpLowering : public OpConversionPattern<tile::SplatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(
        op, getTypeConverter()->convertType(op.getType()), adaptor.getSrc());
    return success();
  }
};

/// Element e of the result reads the source element with the same indices,
/// zero along the broadcast dimensions: a shuffle inside the thread.
struct BroadcastOpLowering : public OpConversionPattern<tile::BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getSrc().getType().getEncoding() != op.getType().getEncoding())
      return rewriter.notifyMatchFailure(op,
                                         "source and result layouts differ");
    tile::ThreadMapping source = getMapping(op.getSrc().getType());
    tile::ThreadMapping result = getMapping(op.getType());
    SmallVector<int64_t> mask;
    for (int64_t e = 0; e < result.getNumElements(); ++e) {
      SmallVector<int64_t> indices = result.getIndices(e);
      for (unsigned d = 0; d < result.getRank(); ++d)
        if (source.shape[d] == 1)
          indices[d] = 0;
      mask.push_back(source.getElementIndex(indices));
    }
    rewriter.replaceOpWithNewOp<vector::ShuffleOp>(op, adaptor.getSrc(),
                                                   adaptor.getSrc(), mask);
    return success();
  }
};

/// A slice and its parent number a thread's elements alike.
struct ExpandDimsOpLowering : public OpConversionPattern<tile::ExpandDimsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ExpandDimsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto slice =
        dyn_cast<tile::SliceLayoutAttr>(op.getSrc().getType().getEncoding());
    if (!slice || slice.getParent() != op.getType().getEncoding() ||
        slice.getDim() != op.getAxis())
      return rewriter.notifyMatchFailure(
          op, "source is not the slice of the result's layout at the axis");
    rewriter.replaceOp(op, adaptor.getSrc());
    return success();
  }
};

/// Moves elements between threads through shared memory: each thread
/// stores its elements at `sourceIndex` of their coordinates and loads its
/// new elements from `resultIndex` of theirs.
template <typename TileOp>
struct ExchangeOpLowering : public OpConversionPattern<TileOp> {
  using OpConversionPattern<TileOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TileOp op, typename TileOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto sourceType = cast<RankedTensorType>(op.getSrc().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> resultShape = resultType.getShape();
    auto rowMajorIn = [](ArrayRef<int64_t> shape) {
      return [shape](OpBuilder &b, Location l, ArrayRef<Value> coordinates) {
        return getRowMajorIndex(b, l, coordinates, shape);
      };
    };
    std::function<Value(OpBuilder &, Location, ArrayRef<Value>)> sourceIndex =
        rowMajorIn(sourceType.getShape());
    if (auto trans = dyn_cast<tile::TransOp>(op.getOperation())) {
      // Result dimension i is source dimension order[i].
      SmallVector<int32_t> order(trans.getOrder());
      sourceIndex = [order, resultShape](OpBuilder &b, Location l,
                                         ArrayRef<Value> coordinates) {
        SmallVector<Value> permuted;
        for (int32_t d : order)
          permuted.push_back(coordinates[d]);
        return getRowMajorIndex(b, l, permuted, resultShape);
      };
    }
    SmallVector<Value> elements = exchangeThroughShared(
        rewriter, loc, sourceType.getElementType(),
        unpackElements(rewriter, loc, adaptor.getSrc()), getMapping(sourceType),
        sourceIndex, getMapping(resultType), rowMajorIn(resultShape));
    rewriter.replaceOp(
        op, packElements(rewriter, loc,
                         this->getTypeConverter()->convertType(resultType),
                         elements));
    return success();
  }
};

} // namespace

void recur::populateViewOpToGPUPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<MakeRangeOpLowering, SplatOpLowering, BroadcastOpLowering,
               ExpandDimsOpLowering, ExchangeOpLowering<tile::ConvertLayoutOp>,
               ExchangeOpLowering<tile::TransOp>,
               ExchangeOpLowering<tile::ReshapeOp>>(converter,
                                                    patterns.getContext());
}
