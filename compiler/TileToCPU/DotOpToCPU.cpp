//===- DotOpToCPU.cpp - tile.dot -> an (m, k, n) linalg.generic ----------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

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

/// Rows of the accumulator a register block covers.
constexpr int64_t kBlockRows = 4;

/// A register-blocked matmul for float tiles whose rows divide by
/// kBlockRows and whose columns divide by one vector register (64 bytes):
/// each (kBlockRows x vectors) block of the accumulator stays in registers
/// for the whole k loop, and every row of `b` loaded is used by kBlockRows
/// FMAs (the plain (m, k, n) loops reload it for each row). Returns null when
/// the shapes do not fit.
static Value buildRegisterBlockedDot(OpBuilder &builder, Location loc, Value a,
                                     Value b, Value acc) {
  auto accType = cast<RankedTensorType>(acc.getType());
  auto aType = cast<RankedTensorType>(a.getType());
  Type element = accType.getElementType();
  if (!element.isF32() && !element.isF64())
    return {};
  int64_t m = accType.getDimSize(0), n = accType.getDimSize(1),
          k = aType.getDimSize(1);
  int64_t lanes = 64 / (element.getIntOrFloatBitWidth() / 8);
  if (m % kBlockRows || n % lanes)
    return {};
  int64_t vectors = n % (2 * lanes) == 0 ? 2 : 1;
  auto vectorType = VectorType::get({lanes}, element);
  auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, l, v);
  };
  auto offset = [&](OpBuilder &b, Location l, Value base, int64_t v) -> Value {
    return v ? arith::AddIOp::create(b, l, base, index(b, l, v)).getResult()
             : base;
  };
  Value padding = arith::ConstantOp::create(builder, loc,
                                            builder.getFloatAttr(element, 0.0));
  SmallVector<bool> inBounds{true};
  auto read = [&](OpBuilder &b, Location l, Value tensor, Value row,
                  Value col) -> Value {
    return vector::TransferReadOp::create(
        b, l, vectorType, tensor, ValueRange{row, col}, padding, inBounds);
  };
  auto rowLoop = scf::ForOp::create(
      builder, loc, index(builder, loc, 0), index(builder, loc, m),
      index(builder, loc, kBlockRows), ValueRange{acc},
      [&](OpBuilder &rb, Location rl, Value m0, ValueRange rowArgs) {
        auto colLoop = scf::ForOp::create(
            rb, rl, index(rb, rl, 0), index(rb, rl, n),
            index(rb, rl, lanes * vectors), ValueRange{rowArgs[0]},
            [&](OpBuilder &cb, Location cl, Value n0, ValueRange colArgs) {
              Value c = colArgs[0];
              SmallVector<Value> rows, cols, inits;
              for (int64_t i = 0; i < kBlockRows; ++i)
                rows.push_back(offset(cb, cl, m0, i));
              for (int64_t j = 0; j < vectors; ++j)
                cols.push_back(offset(cb, cl, n0, j * lanes));
              for (int64_t i = 0; i < kBlockRows; ++i)
                for (int64_t j = 0; j < vectors; ++j)
                  inits.push_back(read(cb, cl, c, rows[i], cols[j]));
              auto kLoop = scf::ForOp::create(
                  cb, cl, index(cb, cl, 0), index(cb, cl, k), index(cb, cl, 1),
                  inits,
                  [&](OpBuilder &kb, Location kl, Value kk, ValueRange accs) {
                    SmallVector<Value> bs, next;
                    for (int64_t j = 0; j < vectors; ++j)
                      bs.push_back(read(kb, kl, b, kk, cols[j]));
                    for (int64_t i = 0; i < kBlockRows; ++i) {
                      Value scalar = tensor::ExtractOp::create(
                          kb, kl, a, ValueRange{rows[i], kk});
                      Value splat = vector::BroadcastOp::create(
                          kb, kl, vectorType, scalar);
                      for (int64_t j = 0; j < vectors; ++j)
                        next.push_back(vector::FMAOp::create(
                            kb, kl, splat, bs[j], accs[i * vectors + j]));
                    }
                    scf::YieldOp::create(kb, kl, next);
                  });
              for (int64_t i = 0; i < kBlockRows; ++i)
                for (int64_t j = 0; j < vectors; ++j)
                  c = vector::TransferWriteOp::create(
                          cb, cl, kLoop.getResult(i * vectors + j), c,
                          ValueRange{rows[i], cols[j]}, inBounds)
                          .getResult();
              scf::YieldOp::create(cb, cl, c);
            });
        scf::YieldOp::create(rb, rl, colLoop.getResult(0));
      });
  return rowLoop.getResult(0);
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
    if (Value blocked =
            buildRegisterBlockedDot(rewriter, loc, a, b, adaptor.getAcc())) {
      rewriter.replaceOp(op, blocked);
      return success();
    }
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
