//===- ReduceScanOpToCPU.cpp - tile.reduce/scan -> scf loops --------------===//
//
// Both ops walk each line along `axis` in order, carrying the accumulators
// through an scf.for and inlining the combine region once per element. In
// order means the combine need only be associative, never commutative.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace recur;

/// Inlines `combine` on (accumulators, elements) and returns what it yields.
static SmallVector<Value> applyCombine(OpBuilder &builder, Region &combine,
                                       ValueRange accs, ValueRange elems) {
  Block &block = combine.front();
  IRMapping mapping;
  mapping.map(block.getArguments().take_front(accs.size()), accs);
  mapping.map(block.getArguments().drop_front(accs.size()), elems);
  for (Operation &op : block.without_terminator())
    builder.clone(op, mapping);
  auto yield = cast<tile::YieldOp>(block.getTerminator());
  return llvm::map_to_vector(
      yield.getValues(), [&](Value v) { return mapping.lookupOrDefault(v); });
}

/// The full index of element `k` of the line at `outerIvs` along `axis`.
static SmallVector<Value> lineIndex(ValueRange outerIvs, int64_t axis,
                                    Value k) {
  SmallVector<Value> index(outerIvs);
  index.insert(index.begin() + axis, k);
  return index;
}

static SmallVector<Value> extractAll(OpBuilder &builder, Location loc,
                                     ValueRange tensors, ValueRange index) {
  return llvm::map_to_vector(
      tensors, [&](Value t) { return extractElement(builder, loc, t, index); });
}

static SmallVector<int64_t> shapeWithout(RankedTensorType type, int64_t axis) {
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  return shape;
}

static SmallVector<Value> createEmpties(OpBuilder &builder, Location loc,
                                        TypeRange types) {
  return llvm::map_to_vector(types, [&](Type type) -> Value {
    auto tensor = cast<RankedTensorType>(type);
    return tensor::EmptyOp::create(builder, loc, tensor.getShape(),
                                   tensor.getElementType());
  });
}

namespace {
struct ReduceOpLowering : public OpConversionPattern<tile::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange srcs = adaptor.getSrcs();
    auto srcType = cast<RankedTensorType>(srcs.front().getType());
    int64_t axis = op.getAxis();
    int64_t size = srcType.getDimSize(axis);
    Region &combine = op.getCombineOp();

    // Accumulators start at element 0 of the line: no identity is needed.
    auto reduceLine = [&](OpBuilder &b, Location l, ValueRange outerIvs) {
      Value zero = arith::ConstantIndexOp::create(b, l, 0);
      SmallVector<Value> accs =
          extractAll(b, l, srcs, lineIndex(outerIvs, axis, zero));
      if (size == 1)
        return accs;
      Value one = arith::ConstantIndexOp::create(b, l, 1);
      Value end = arith::ConstantIndexOp::create(b, l, size);
      auto loop = scf::ForOp::create(
          b, l, one, end, one, accs,
          [&](OpBuilder &lb, Location ll, Value k, ValueRange args) {
            SmallVector<Value> elems =
                extractAll(lb, ll, srcs, lineIndex(outerIvs, axis, k));
            scf::YieldOp::create(lb, ll,
                                 applyCombine(lb, combine, args, elems));
          });
      return SmallVector<Value>(loop.getResults());
    };

    if (srcType.getRank() == 1) {
      rewriter.replaceOp(op, reduceLine(rewriter, loc, {}));
      return success();
    }
    SmallVector<Value> inits =
        createEmpties(rewriter, loc, op.getResultTypes());
    SmallVector<Value> results = buildTileLoopNest(
        rewriter, loc, shapeWithout(srcType, axis), inits,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          SmallVector<Value> accs = reduceLine(b, l, ivs);
          SmallVector<Value> next;
          for (auto [acc, tensor] : llvm::zip(accs, args))
            next.push_back(tensor::InsertOp::create(b, l, acc, tensor, ivs));
          return next;
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// A reverse scan walks each line from its end, so result `i` combines
/// elements n-1 down to i: scan(x, reverse) == flip(scan(flip(x))).
struct ScanOpLowering : public OpConversionPattern<tile::ScanOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange srcs = adaptor.getSrcs();
    auto srcType = cast<RankedTensorType>(srcs.front().getType());
    int64_t axis = op.getAxis();
    int64_t size = srcType.getDimSize(axis);
    size_t n = srcs.size();
    bool reverse = op.getReverse();
    Region &combine = op.getCombineOp();

    auto scanLine = [&](OpBuilder &b, Location l, ValueRange outerIvs,
                        ValueRange tensors) {
      Value last = arith::ConstantIndexOp::create(b, l, size - 1);
      auto position = [&](OpBuilder &pb, Location pl, Value k) -> Value {
        return reverse ? arith::SubIOp::create(pb, pl, last, k).getResult() : k;
      };
      Value zero = arith::ConstantIndexOp::create(b, l, 0);
      SmallVector<Value> firstIndex =
          lineIndex(outerIvs, axis, position(b, l, zero));
      SmallVector<Value> state = extractAll(b, l, srcs, firstIndex);
      for (size_t i = 0; i < n; ++i)
        state.push_back(
            tensor::InsertOp::create(b, l, state[i], tensors[i], firstIndex));
      if (size == 1)
        return SmallVector<Value>(ArrayRef(state).drop_front(n));
      Value one = arith::ConstantIndexOp::create(b, l, 1);
      Value end = arith::ConstantIndexOp::create(b, l, size);
      auto loop = scf::ForOp::create(
          b, l, one, end, one, state,
          [&](OpBuilder &lb, Location ll, Value k, ValueRange args) {
            SmallVector<Value> index =
                lineIndex(outerIvs, axis, position(lb, ll, k));
            SmallVector<Value> next =
                applyCombine(lb, combine, args.take_front(n),
                             extractAll(lb, ll, srcs, index));
            for (size_t i = 0; i < n; ++i)
              next.push_back(tensor::InsertOp::create(lb, ll, next[i],
                                                      args[n + i], index));
            scf::YieldOp::create(lb, ll, next);
          });
      return SmallVector<Value>(loop.getResults().drop_front(n));
    };

    SmallVector<Value> inits =
        createEmpties(rewriter, loc, op.getResultTypes());
    SmallVector<Value> results = buildTileLoopNest(
        rewriter, loc, shapeWithout(srcType, axis), inits,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          return scanLine(b, l, ivs, args);
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};
} // namespace

void recur::populateReduceScanOpToCPUPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering, ScanOpLowering>(converter,
                                                 patterns.getContext());
}
