//===- ElementwiseOpToGPU.cpp - arith/math on distributed tiles -----------===//
//
// An elementwise op on tiles is the same op on each thread's vector of
// elements: every operand of an elementwise op has its result's layout, so
// element i of each vector sits at the same coordinates.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

namespace {

struct ElementwiseOpLowering : public ConversionPattern {
  ElementwiseOpLowering(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        isa<arith::ConstantOp>(op) || op->getNumRegions() != 0 ||
        !(op->hasTrait<OpTrait::Elementwise>() || isa<arith::SelectOp>(op)))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

/// Splat constants become vector splats; other dense tiles are built from
/// the coordinates each thread holds.
struct ConstantOpLowering : public OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    auto tileType = dyn_cast<RankedTensorType>(op.getType());
    if (!dense || !tileType)
      return failure();
    auto vectorType =
        cast<VectorType>(getTypeConverter()->convertType(tileType));
    if (dense.isSplat()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, vectorType,
          DenseElementsAttr::get(vectorType, dense.getSplatValue<Attribute>()));
      return success();
    }
    // Elements at thread-dependent coordinates: a lookup per element in the
    // constant, kept as a row-major vector (rare; only small tiles).
    tile::ThreadMapping mapping = getMapping(tileType);
    Location loc = op.getLoc();
    auto flatType =
        VectorType::get({tileType.getNumElements()}, tileType.getElementType());
    Value table = arith::ConstantOp::create(
        rewriter, loc, flatType,
        dense.reshape(RankedTensorType::get({tileType.getNumElements()},
                                            tileType.getElementType())));
    // vector.extract with a dynamic position takes an index.
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
    SmallVector<Value> elements;
    for (int64_t e = 0; e < mapping.getNumElements(); ++e) {
      Value index = getRowMajorIndex(
          rewriter, loc, getElementCoordinates(rewriter, loc, mapping, base, e),
          tileType.getShape());
      Value position = arith::IndexCastUIOp::create(
          rewriter, loc, rewriter.getIndexType(), index);
      elements.push_back(vector::ExtractOp::create(
          rewriter, loc, table, ArrayRef<OpFoldResult>{position}));
    }
    rewriter.replaceOp(op, packElements(rewriter, loc, vectorType, elements));
    return success();
  }
};

} // namespace

void recur::populateElementwiseOpToGPUPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<ElementwiseOpLowering, ConstantOpLowering>(
      converter, patterns.getContext());
}
