//===- DotOpToCPU.cpp - tile.dot -> linalg.matmul -------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace recur;

/// Extends `operand` elementwise to `elementType` (fpext or sext).
static Value extendTo(OpBuilder &builder, Location loc, Value operand,
                      Type elementType) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (type.getElementType() == elementType)
    return operand;
  Type extended = type.clone(elementType);
  if (isa<FloatType>(elementType))
    return arith::ExtFOp::create(builder, loc, extended, operand);
  return arith::ExtSIOp::create(builder, loc, extended, operand);
}

namespace {
/// Operands are extended to the accumulator type first, so f16/bf16 products
/// accumulate in f32 exactly as tensor cores do. The CPU computes f32
/// products in IEEE precision whatever `inputPrecision` asks for: tf32 is a
/// GPU speed knob, never a requirement to lose bits.
struct DotOpLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type accElement = op.getAcc().getType().getElementType();
    Value a = extendTo(rewriter, loc, adaptor.getA(), accElement);
    Value b = extendTo(rewriter, loc, adaptor.getB(), accElement);
    auto matmul = linalg::MatmulOp::create(rewriter, loc, ValueRange{a, b},
                                           ValueRange{adaptor.getAcc()});
    rewriter.replaceOp(op, matmul->getResult(0));
    return success();
  }
};
} // namespace

void recur::populateDotOpToCPUPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DotOpLowering>(converter, patterns.getContext());
}
