//===- ScanOpToGPU.cpp - tile.scan across the threads of a block ----------===//
//
// An inclusive scan in index order (or from the end with `reverse`, as
// flip . scan . flip) with a combine that need only be associative. There is no
// identity element, so every partial carries whether it holds anything. Per
// period of the layout along the axis (see ReduceOpToGPU.cpp):
//   1. each thread scans its run of elements;
//   2. the runs' totals are scanned across the lanes (Hillis-Steele with
//      shuffles up, or down for `reverse`), and shifted by one lane to give
//      each thread the total of the lanes before it;
//   3. warp totals go through shared memory; each thread folds those of the
//      warps before it, and all of them for the period's total;
//   4. element = carry of earlier periods . warps before . lanes before .
//      its run's inclusive prefix.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "compiler/Utils/CombineRegion.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace recur;

namespace {

using Tuple = SmallVector<Value>;

/// A partial that may be empty: the scan has no identity element, so each
/// partial carries whether it holds anything (an i1; constants fold away).
struct Partial {
  Tuple values;
  Value present;
};

struct ScanOpLowering : public OpConversionPattern<tile::ScanOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto sourceType = cast<RankedTensorType>(op.getSrcs()[0].getType());
    if (!isa<tile::BlockedLayoutAttr>(sourceType.getEncoding()))
      return rewriter.notifyMatchFailure(op, "source layout is not blocked");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    tile::ThreadMapping m = getMapping(sourceType);
    unsigned axis = op.getAxis();
    bool reverse = op.getReverse();
    size_t numSources = op.getSrcs().size();
    Region &region = op.getCombineOp();

    // earlier . later in scan order: a reverse scan is flip . scan . flip,
    // so its combine takes the partial from the end first.
    auto ordered = [&](const Tuple &earlier, const Tuple &later) {
      return applyCombine(b, region, earlier, later);
    };
    auto select = [&](Value condition, const Tuple &yes, const Tuple &no) {
      Tuple result;
      for (auto [y, n] : llvm::zip(yes, no))
        result.push_back(arith::SelectOp::create(b, loc, condition, y, n));
      return result;
    };
    Value yes = arith::ConstantIntOp::create(b, loc, 1, 1);
    // The partial of `first` followed by `second`, either possibly empty.
    auto join = [&](const Partial &first, const Partial &second) -> Partial {
      if (first.values.empty())
        return second;
      if (second.values.empty())
        return first;
      Tuple both = ordered(first.values, second.values);
      Tuple value =
          select(first.present, select(second.present, both, first.values),
                 second.values);
      return {value,
              arith::OrIOp::create(b, loc, first.present, second.present)};
    };

    SmallVector<SmallVector<Value>> sources;
    for (Value src : adaptor.getSrcs())
      sources.push_back(unpackElements(b, loc, src));
    auto elementAt = [&](int64_t e) {
      Tuple t;
      for (auto &source : sources)
        t.push_back(source[e]);
      return t;
    };

    // The thread's elements by line (the other coordinates) and position
    // along the axis.
    int64_t length = m.perThread[axis];
    int64_t run = m.sizePerThread[axis];
    int64_t periods = length / run;
    SmallVector<SmallVector<int64_t>> lines = getLinesAlong(m, axis);

    LaneAndWarp ids = getLaneAndWarp(b, loc, m.warpSize);
    Value lane = ids.lane, warp = ids.warp;
    int64_t lanes = m.getDistinctLanes(axis), warps = m.getDistinctWarps(axis);
    auto coordinate = [&](Value id, int64_t stride, int64_t count) -> Value {
      Value field =
          arith::DivUIOp::create(b, loc, id, createI32(b, loc, stride));
      return arith::RemUIOp::create(b, loc, field, createI32(b, loc, count));
    };
    Value laneCoord = coordinate(lane, m.laneStride[axis], lanes);
    Value warpCoord = coordinate(warp, m.warpStride[axis], warps);
    // Lanes and warps counted from where the scan starts.
    auto rank = [&](Value coord, int64_t count) -> Value {
      if (!reverse)
        return coord;
      return arith::SubIOp::create(b, loc, createI32(b, loc, count - 1), coord);
    };
    Value laneRank = rank(laneCoord, lanes);
    Value warpRank = rank(warpCoord, warps);
    // Shuffles move partials towards later ranks: up, or down for reverse.
    gpu::ShuffleMode towardsLater =
        reverse ? gpu::ShuffleMode::DOWN : gpu::ShuffleMode::UP;
    auto shuffle = [&](const Tuple &value, Value offset,
                       gpu::ShuffleMode mode) {
      Tuple moved;
      for (Value v : value)
        moved.push_back(shuffleScalar(b, loc, v, offset, m.warpSize, mode));
      return moved;
    };
    // The lane of the same line whose rank is the last one (it holds the
    // warp's inclusive total after the lane scan).
    Value lastLane = arith::AddIOp::create(
        b, loc,
        arith::SubIOp::create(
            b, loc, lane,
            arith::MulIOp::create(b, loc, laneCoord,
                                  createI32(b, loc, m.laneStride[axis]))),
        createI32(b, loc, (reverse ? 0 : lanes - 1) * m.laneStride[axis]));

    SmallVector<Value> base;
    Value scratch;
    WarpPartialSlots slots(op, axis, warps);
    if (warps > 1) {
      base = getBaseCoordinates(b, loc, m);
      scratch = getSharedScratch(b, loc);
    }
    auto slot = [&](size_t s, Value line, Value w) {
      return slots.getAddress(b, loc, scratch, s, line, w);
    };

    SmallVector<SmallVector<Tuple>> results(lines.size(),
                                            SmallVector<Tuple>(length));
    SmallVector<Partial> carry(lines.size());
    for (int64_t step = 0; step < periods; ++step) {
      int64_t period = reverse ? periods - 1 - step : step;
      SmallVector<Value> lineIndex;
      if (warps > 1) {
        gpu::BarrierOp::create(b, loc);
        for (auto &line : lines)
          lineIndex.push_back(slots.getLineIndex(b, loc, m, base, line[0]));
      }
      SmallVector<Partial> before(lines.size());
      SmallVector<Tuple> periodTotal(lines.size());
      for (auto [l, line] : llvm::enumerate(lines)) {
        // 1. The thread's run.
        Tuple running;
        for (int64_t i = 0; i < run; ++i) {
          int64_t position = period * run + (reverse ? run - 1 - i : i);
          Tuple element = elementAt(line[position]);
          running = running.empty() ? element : ordered(running, element);
          results[l][position] = running;
        }
        // 2. Lanes: Hillis-Steele over the run totals.
        Tuple inclusive = running;
        for (int64_t delta = 1; delta < lanes; delta *= 2) {
          Value has = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                            laneRank, createI32(b, loc, delta));
          Tuple earlier =
              shuffle(inclusive, createI32(b, loc, delta * m.laneStride[axis]),
                      towardsLater);
          inclusive = select(has, ordered(earlier, inclusive), inclusive);
        }
        if (lanes > 1)
          before[l] = {shuffle(inclusive, createI32(b, loc, m.laneStride[axis]),
                               towardsLater),
                       arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                             laneRank, createI32(b, loc, 1))};
        Tuple warpTotal =
            lanes > 1 ? shuffle(inclusive, lastLane, gpu::ShuffleMode::IDX)
                      : inclusive;
        periodTotal[l] = warpTotal;
        if (warps > 1)
          for (size_t s = 0; s < numSources; ++s)
            LLVM::StoreOp::create(b, loc, warpTotal[s],
                                  slot(s, lineIndex[l], warpCoord));
      }
      // 3. Warps, in scan order.
      if (warps > 1) {
        gpu::BarrierOp::create(b, loc);
        for (size_t l = 0; l < lines.size(); ++l) {
          Partial earlierWarps;
          Tuple all;
          for (int64_t i = 0; i < warps; ++i) {
            int64_t w = reverse ? warps - 1 - i : i;
            Tuple value;
            for (size_t s = 0; s < numSources; ++s)
              value.push_back(LLVM::LoadOp::create(
                  b, loc, periodTotal[l][s].getType(),
                  slot(s, lineIndex[l], createI32(b, loc, w))));
            Value isEarlier =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                      createI32(b, loc, i), warpRank);
            earlierWarps = join(earlierWarps, {value, isEarlier});
            all = all.empty() ? value : ordered(all, value);
          }
          before[l] = join(earlierWarps, before[l]);
          periodTotal[l] = all;
        }
        gpu::BarrierOp::create(b, loc);
      }
      // 4. Earlier periods, earlier warps and lanes, then the run.
      for (size_t l = 0; l < lines.size(); ++l) {
        Partial prefix = join(carry[l], before[l]);
        if (!prefix.values.empty())
          for (int64_t i = 0; i < run; ++i) {
            Tuple &result = results[l][period * run + i];
            result =
                select(prefix.present, ordered(prefix.values, result), result);
          }
        carry[l] = join(carry[l], {periodTotal[l], yes});
      }
    }

    SmallVector<Value> replacements;
    for (size_t s = 0; s < numSources; ++s) {
      SmallVector<Value> elements(m.getNumElements());
      for (auto [l, line] : llvm::enumerate(lines))
        for (int64_t position = 0; position < length; ++position)
          elements[line[position]] = results[l][position][s];
      replacements.push_back(packElements(
          b, loc, getTypeConverter()->convertType(op.getResult(s).getType()),
          elements));
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

} // namespace

void recur::populateScanOpToGPUPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<ScanOpLowering>(converter, patterns.getContext());
}
