//===- VectorizeTileLinalg.cpp - Whole-tile vectorization of linalg ops ---===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

namespace recur {
#define GEN_PASS_DEF_VECTORIZETILELINALG
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;

/// Whether every operand of `op` is a static tensor of at most `limit`
/// elements: one vector per operand must stay a register-sized tile.
static bool isSmallStaticTile(linalg::LinalgOp op, int64_t limit) {
  if (!op.hasPureTensorSemantics())
    return false;
  // Contractions stay loops for now: vector.contract lowered by outer
  // products measured at half the throughput of LLVM's loop vectoriser on
  // the matmul loops (12 vs 22 GFLOP/s for 32x16x16 tiles).
  // Reductions of any kind stay loops too: elementwise fusion folds
  // producers into a tile.dot's generic, which then no longer looks like a
  // contraction, and its vectorised vector.multi_reduction has no LLVM
  // lowering in this pipeline.
  if (linalg::isaContractionOpInterface(op) || op.getNumReductionLoops() > 0)
    return false;
  // Transcendentals stay scalar: without a vector math library LLVM splits a
  // vector exp into scalar libm calls plus shuffles, slower than the loop
  // (softmax: 1.6 vs 2.4 GB/s).
  bool hasMath = false;
  op->walk([&](Operation *nested) {
    hasMath |= isa_and_present<math::MathDialect>(nested->getDialect());
  });
  if (hasMath)
    return false;
  // Broadcasts index size-1 dimensions with constant 0; only permutation
  // maps are vectorized, the rest stay loops.
  if (!llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return false;
  // i1 tiles stay loops: in memory they hold a byte per element, while a
  // vector<Nxi1> transfer reads and writes N packed bits.
  return llvm::all_of(op->getOperandTypes(), [&](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return type.isIntOrIndexOrFloat();
    return tensor.hasStaticShape() && tensor.getNumElements() <= limit &&
           !tensor.getElementType().isInteger(1);
  });
}

namespace {
struct VectorizeTileLinalgPass
    : public recur::impl::VectorizeTileLinalgBase<VectorizeTileLinalgPass> {
  using VectorizeTileLinalgBase::VectorizeTileLinalgBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isSmallStaticTile(op, maxElements) &&
          succeeded(linalg::vectorizeOpPrecondition(op)))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op, /*inputVectorSizes=*/{},
                            /*inputScalableVecDims=*/{},
                            /*vectorizeNDExtract=*/false,
                            /*flatten1DDepthwiseConv=*/false,
                            /*assumeDynamicDimsMatchVecSizes=*/false,
                            /*createNamedContraction=*/true);
      // The precondition held, so failure here is a vectorizer gap: keep
      // the op for the loop lowering rather than fail the compile.
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }
  }
};
} // namespace
