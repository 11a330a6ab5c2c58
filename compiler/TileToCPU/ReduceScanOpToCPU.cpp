//===- ReduceScanOpToCPU.cpp - tile.reduce/scan -> scf loops --------------===//
//
// Both ops walk each line along `axis` in order, carrying the accumulators
// through an scf.for and inlining the combine region once per element. In
// order means the combine need only be associative, never commutative.
//
// Along the leading axis of a tile of rank >= 2 with an elementwise combine
// (arith and math ops), the walk goes slab by slab instead: the combine is
// applied to whole [inner...] slabs, which vectorise like any elementwise
// tile code, rather than element by element through memory.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "compiler/Utils/CombineRegion.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace recur;

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

/// Whether the combine region can run on whole tensors: only scalar
/// constants and elementwise-mappable ops without regions.
static bool isElementwiseCombine(Region &combine) {
  for (Operation &op : combine.front().without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    if (!op.hasTrait<OpTrait::Elementwise>() || op.getNumRegions() != 0 ||
        llvm::any_of(op.getOperandTypes(),
                     [](Type t) { return isa<ShapedType>(t); }))
      return false;
  }
  return true;
}

/// Inlines `combine` on whole slabs of shape `shape`: each scalar op becomes
/// the same op on tensors, scalar constants become splats.
static SmallVector<Value> applyCombineOnSlabs(OpBuilder &builder, Location loc,
                                              Region &combine,
                                              ArrayRef<int64_t> shape,
                                              ValueRange accs,
                                              ValueRange elems) {
  Block &block = combine.front();
  IRMapping mapping;
  mapping.map(block.getArguments().take_front(accs.size()), accs);
  mapping.map(block.getArguments().drop_front(accs.size()), elems);
  for (Operation &op : block.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto type = RankedTensorType::get(shape, constant.getType());
      mapping.map(
          constant.getResult(),
          arith::ConstantOp::create(
              builder, loc, DenseElementsAttr::get(type, constant.getValue())));
      continue;
    }
    OperationState state(op.getLoc(), op.getName());
    for (Value operand : op.getOperands())
      state.addOperands(mapping.lookup(operand));
    state.addAttributes(op.getAttrs());
    for (Type type : op.getResultTypes())
      state.addTypes(RankedTensorType::get(shape, type));
    Operation *slabOp = builder.create(state);
    mapping.map(op.getResults(), slabOp->getResults());
  }
  auto yield = cast<tile::YieldOp>(block.getTerminator());
  return llvm::map_to_vector(yield.getValues(),
                             [&](Value v) { return mapping.lookup(v); });
}

/// Offsets, sizes and strides of slab `k` of a tile along its leading axis.
struct SlabGeometry {
  SmallVector<OpFoldResult> sizes, strides;
  RankedTensorType slabType(Type element) const {
    SmallVector<int64_t> shape;
    for (OpFoldResult size : ArrayRef(sizes).drop_front())
      shape.push_back(*getConstantIntValue(size));
    return RankedTensorType::get(shape, element);
  }
  SmallVector<OpFoldResult> offsets(OpBuilder &b, Value k) const {
    SmallVector<OpFoldResult> result(sizes.size(), b.getIndexAttr(0));
    result[0] = k;
    return result;
  }
};

static SlabGeometry slabGeometry(OpBuilder &b, RankedTensorType type) {
  SlabGeometry g;
  g.sizes.push_back(b.getIndexAttr(1));
  for (int64_t size : type.getShape().drop_front())
    g.sizes.push_back(b.getIndexAttr(size));
  g.strides.assign(type.getRank(), b.getIndexAttr(1));
  return g;
}

static SmallVector<Value> extractSlabs(OpBuilder &b, Location loc,
                                       const SlabGeometry &g,
                                       ValueRange tensors, Value k) {
  return llvm::map_to_vector(tensors, [&](Value t) -> Value {
    auto type = cast<RankedTensorType>(t.getType());
    return tensor::ExtractSliceOp::create(b, loc,
                                          g.slabType(type.getElementType()), t,
                                          g.offsets(b, k), g.sizes, g.strides);
  });
}

/// Whether a reduce or scan of `type` along `axis` goes slab by slab.
static bool useSlabs(RankedTensorType type, int64_t axis, Region &combine) {
  return axis == 0 && type.getRank() >= 2 && isElementwiseCombine(combine);
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

    if (useSlabs(srcType, axis, combine)) {
      SlabGeometry g = slabGeometry(rewriter, srcType);
      ArrayRef<int64_t> shape = srcType.getShape().drop_front();
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value end = arith::ConstantIndexOp::create(rewriter, loc, size);
      SmallVector<Value> accs = extractSlabs(rewriter, loc, g, srcs, zero);
      auto loop = scf::ForOp::create(
          rewriter, loc, one, end, one, accs,
          [&](OpBuilder &b, Location l, Value k, ValueRange args) {
            SmallVector<Value> elems = extractSlabs(b, l, g, srcs, k);
            scf::YieldOp::create(
                b, l, applyCombineOnSlabs(b, l, combine, shape, args, elems));
          });
      rewriter.replaceOp(op, loop.getResults());
      return success();
    }

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

    if (useSlabs(srcType, axis, combine)) {
      SlabGeometry g = slabGeometry(rewriter, srcType);
      ArrayRef<int64_t> shape = srcType.getShape().drop_front();
      Value last = arith::ConstantIndexOp::create(rewriter, loc, size - 1);
      auto position = [&](OpBuilder &b, Location l, Value k) -> Value {
        return reverse ? arith::SubIOp::create(b, l, last, k).getResult() : k;
      };
      auto insertSlabs = [&](OpBuilder &b, Location l, ValueRange slabs,
                             ValueRange tensors, Value at) {
        return llvm::map_to_vector(
            llvm::zip(slabs, tensors), [&](auto pair) -> Value {
              return tensor::InsertSliceOp::create(
                  b, l, std::get<0>(pair), std::get<1>(pair), g.offsets(b, at),
                  g.sizes, g.strides);
            });
      };
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value first = position(rewriter, loc, zero);
      SmallVector<Value> state = extractSlabs(rewriter, loc, g, srcs, first);
      llvm::append_range(
          state, insertSlabs(rewriter, loc, state,
                             createEmpties(rewriter, loc, op.getResultTypes()),
                             first));
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value end = arith::ConstantIndexOp::create(rewriter, loc, size);
      auto loop = scf::ForOp::create(
          rewriter, loc, one, end, one, state,
          [&](OpBuilder &b, Location l, Value k, ValueRange args) {
            Value at = position(b, l, k);
            SmallVector<Value> next =
                applyCombineOnSlabs(b, l, combine, shape, args.take_front(n),
                                    extractSlabs(b, l, g, srcs, at));
            llvm::append_range(next,
                               insertSlabs(b, l, next, args.drop_front(n), at));
            scf::YieldOp::create(b, l, next);
          });
      rewriter.replaceOp(op, loop.getResults().drop_front(n));
      return success();
    }

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
