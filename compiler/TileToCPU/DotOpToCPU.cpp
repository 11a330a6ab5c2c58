//===- DotOpToCPU.cpp - tile.dot -> an (m, k, n) linalg.generic ----------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

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
    // A matmul whose loops run (m, k, n): the innermost loop walks a row of
    // b and of the accumulator, both contiguous, so the loop vectoriser
    // turns it into broadcast-FMAs over n (linalg.matmul's (m, n, k) order
    // leaves a strided reduction innermost).
    MLIRContext *context = rewriter.getContext();
    AffineExpr m, k, n;
    bindDims(context, m, k, n);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, k}, context),
                                   AffineMap::get(3, 0, {k, n}, context),
                                   AffineMap::get(3, 0, {m, n}, context)};
    auto product = linalg::GenericOp::create(
        rewriter, loc, TypeRange{adaptor.getAcc().getType()}, ValueRange{a, b},
        ValueRange{adaptor.getAcc()}, maps,
        {utils::IteratorType::parallel, utils::IteratorType::reduction,
         utils::IteratorType::parallel},
        [&](OpBuilder &nested, Location l, ValueRange args) {
          Value sum;
          if (isa<FloatType>(accElement)) {
            // One rounding per product-accumulate, as tensor cores and
            // Triton's FMA path do; LLVM never fuses a separate mul + add.
            sum = math::FmaOp::create(nested, l, args[0], args[1], args[2]);
          } else {
            Value mul = arith::MulIOp::create(nested, l, args[0], args[1]);
            sum = arith::AddIOp::create(nested, l, args[2], mul);
          }
          linalg::YieldOp::create(nested, l, sum);
        });
    rewriter.replaceOp(op, product->getResult(0));
    return success();
  }
};
} // namespace

void recur::populateDotOpToCPUPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DotOpLowering>(converter, patterns.getContext());
}
