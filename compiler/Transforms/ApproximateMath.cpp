//===- ApproximateMath.cpp - Vectorisable f32 exp, tanh and friends -------===//
//
// LLVM has no vector libm here: a vector math.exp becomes one expf call per
// lane, which dominates kernels heavy in exponentials (GLA's decays, the
// Newton RNN cells, softmax). Upstream's polynomial approximations express
// the f32 functions in plain arithmetic, which stays in vector registers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace recur {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;

namespace {
struct ApproximateMathPass
    : public recur::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Accurate to a few ulps of f32 (upstream's bounds); f64 keeps libm.
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      // Called with operation names ("math.exp").
      name.consume_front("math.");
      return llvm::is_contained(
          {"exp", "expm1", "tanh", "log", "log1p", "log2", "erf"}, name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
