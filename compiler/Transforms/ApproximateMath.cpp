//===- ApproximateMath.cpp - Vectorisable f32 exp, tanh and friends -------===//
//
// LLVM has no vector libm here: a vector math.exp becomes one expf call per
// lane, which dominates kernels heavy in exponentials (GLA's decays, the
// Newton RNN cells, softmax). Upstream's polynomial approximations express
// the f32 functions in plain arithmetic, which stays in vector registers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace recur {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;

namespace {
/// f32 floor in arithmetic, exact everywhere: |x| >= 2^23, infinities and
/// NaN are their own floor; below that, the conversion to i32 and back
/// truncates toward zero exactly, and a negative non-integer then steps
/// down by one. An integral x is returned as it is, which keeps -0.0.
struct FloorInArith : public OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::FloorOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    Location loc = op.getLoc();
    Type intType = rewriter.getI32Type();
    if (auto shaped = dyn_cast<ShapedType>(type))
      intType = shaped.clone(intType);
    auto constant = [&](float value) -> Value {
      TypedAttr scalar = rewriter.getF32FloatAttr(value);
      if (auto shaped = dyn_cast<ShapedType>(type))
        scalar = DenseElementsAttr::get(shaped, Attribute(scalar));
      return arith::ConstantOp::create(rewriter, loc, scalar);
    };
    Value x = op.getOperand();
    // Unordered: NaN counts as large. Large values are swapped for zero
    // before the conversion, which would give poison for them.
    Value large = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::UGE,
        math::AbsFOp::create(rewriter, loc, x), constant(8388608.0f));
    Value safe =
        arith::SelectOp::create(rewriter, loc, large, constant(0.0f), x);
    Value truncated = arith::SIToFPOp::create(
        rewriter, loc, type,
        arith::FPToSIOp::create(rewriter, loc, intType, safe));
    Value below = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT, safe, truncated);
    Value stepped =
        arith::SubFOp::create(rewriter, loc, truncated, constant(1.0f));
    Value down =
        arith::SelectOp::create(rewriter, loc, below, stepped, truncated);
    Value integral = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OEQ, safe, truncated);
    Value keep = arith::OrIOp::create(rewriter, loc, integral, large);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, keep, x, down);
    return success();
  }
};

struct ApproximateMathPass
    : public recur::impl::ApproximateMathBase<ApproximateMathPass> {
  using ApproximateMathBase::ApproximateMathBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Accurate to a few ulps of f32 (upstream's bounds); f64 keeps libm.
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      // Called with operation names ("math.exp").
      name.consume_front("math.");
      return llvm::is_contained(
          {"exp", "expm1", "tanh", "log", "log1p", "log2", "erf"}, name);
    });
    if (arithFloor)
      patterns.add<FloorInArith>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
