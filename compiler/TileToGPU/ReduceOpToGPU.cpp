//===- ReduceOpToGPU.cpp - tile.reduce across the threads of a block ------===//
//
// Along the axis, a blocked layout gives each thread runs of `sizePerThread`
// elements that repeat every `period` coordinates; inside one period the
// runs of lanes, then of warps, follow in coordinate order. The reduction
// keeps the combine in index order, so non-commutative combines stay
// correct: per period, each thread folds its run, a butterfly of xor
// shuffles folds the lanes (the lower lane's partial always on the left),
// shared memory folds the warps in order; the periods are folded last.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "compiler/Utils/CombineRegion.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace recur;

namespace {

using Tuple = SmallVector<Value>;

struct ReduceOpLowering : public OpConversionPattern<tile::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto sourceType = cast<RankedTensorType>(op.getSrcs()[0].getType());
    // A slice's mapping numbers its lanes, warps and copies as a blocked
    // one does; only a tile result needs the source blocked (its layout is
    // the source's slice).
    bool toScalars = llvm::none_of(op.getResultTypes(), [](Type type) {
      return isa<RankedTensorType>(type);
    });
    if (!isa<tile::BlockedLayoutAttr>(sourceType.getEncoding()) &&
        !(toScalars && isa<tile::SliceLayoutAttr>(sourceType.getEncoding())))
      return rewriter.notifyMatchFailure(op, "source layout is not blocked");
    tile::ThreadMapping m = getMapping(sourceType);
    unsigned axis = op.getAxis();
    size_t numSources = op.getSrcs().size();
    SmallVector<SmallVector<Value>> sources;
    for (Value src : adaptor.getSrcs())
      sources.push_back(unpackElements(rewriter, loc, src));
    Region &region = op.getCombineOp();

    // Partials per (line, period): folded runs, elements in index order.
    int64_t run = m.sizePerThread[axis];
    int64_t periods = m.perThread[axis] / run;
    SmallVector<SmallVector<int64_t>> lines = getLinesAlong(m, axis);
    int64_t outputs = lines.size();
    SmallVector<SmallVector<Tuple>> partials(outputs,
                                             SmallVector<Tuple>(periods));
    for (auto [output, line] : llvm::enumerate(lines))
      for (auto [position, e] : llvm::enumerate(line)) {
        Tuple element;
        for (auto &source : sources)
          element.push_back(source[e]);
        Tuple &partial = partials[output][position / run];
        partial = partial.empty()
                      ? element
                      : applyCombine(rewriter, region, partial, element);
      }

    // Lanes: butterfly, lower lanes' partials on the left.
    Value lane = getLaneAndWarp(rewriter, loc, m.warpSize).lane;
    for (int64_t step = 1; step < m.getDistinctLanes(axis); step *= 2) {
      int64_t mask = step * m.laneStride[axis];
      Value upper = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ne,
          arith::AndIOp::create(rewriter, loc, lane,
                                createI32(rewriter, loc, mask)),
          createI32(rewriter, loc, 0));
      for (auto &perPeriod : partials)
        for (Tuple &partial : perPeriod) {
          Tuple other;
          for (Value value : partial)
            other.push_back(shuffleScalar(rewriter, loc, value,
                                          createI32(rewriter, loc, mask),
                                          m.warpSize, gpu::ShuffleMode::XOR));
          Tuple left, right;
          for (auto [mine, theirs] : llvm::zip(partial, other)) {
            left.push_back(
                arith::SelectOp::create(rewriter, loc, upper, theirs, mine));
            right.push_back(
                arith::SelectOp::create(rewriter, loc, upper, mine, theirs));
          }
          partial = applyCombine(rewriter, region, left, right);
        }
    }

    // Warps: through shared memory, in warp order.
    int64_t warps = m.getDistinctWarps(axis);
    if (warps > 1) {
      SmallVector<Value> base = getBaseCoordinates(rewriter, loc, m);
      Value warp = getLaneAndWarp(rewriter, loc, m.warpSize).warp;
      Value warpCoord = arith::RemUIOp::create(
          rewriter, loc,
          arith::DivUIOp::create(rewriter, loc, warp,
                                 createI32(rewriter, loc, m.warpStride[axis])),
          createI32(rewriter, loc, warps));
      Value scratch = getSharedScratch(rewriter, loc);
      WarpPartialSlots slots(op, axis, warps);
      for (int64_t period = 0; period < periods; ++period) {
        gpu::BarrierOp::create(rewriter, loc);
        SmallVector<Value> rows;
        for (int64_t output = 0; output < outputs; ++output) {
          rows.push_back(
              slots.getLineIndex(rewriter, loc, m, base, lines[output][0]));
          for (size_t s = 0; s < numSources; ++s)
            LLVM::StoreOp::create(rewriter, loc, partials[output][period][s],
                                  slots.getAddress(rewriter, loc, scratch, s,
                                                   rows[output], warpCoord));
        }
        gpu::BarrierOp::create(rewriter, loc);
        for (int64_t output = 0; output < outputs; ++output) {
          Tuple folded;
          for (int64_t w = 0; w < warps; ++w) {
            Tuple partial;
            for (size_t s = 0; s < numSources; ++s)
              partial.push_back(LLVM::LoadOp::create(
                  rewriter, loc, partials[output][period][s].getType(),
                  slots.getAddress(rewriter, loc, scratch, s, rows[output],
                                   createI32(rewriter, loc, w))));
            folded = folded.empty()
                         ? partial
                         : applyCombine(rewriter, region, folded, partial);
          }
          partials[output][period] = folded;
        }
      }
      gpu::BarrierOp::create(rewriter, loc);
    }

    // Periods, in order.
    SmallVector<Tuple> results;
    for (auto &perPeriod : partials) {
      Tuple folded = perPeriod.front();
      for (const Tuple &partial : ArrayRef<Tuple>(perPeriod).drop_front())
        folded = applyCombine(rewriter, region, folded, partial);
      results.push_back(folded);
    }

    SmallVector<Value> replacements;
    for (size_t s = 0; s < numSources; ++s) {
      Type resultType = op.getResult(s).getType();
      if (!isa<RankedTensorType>(resultType)) {
        replacements.push_back(results.front()[s]);
        continue;
      }
      // The slice numbers the outputs as the source numbers them.
      SmallVector<Value> elements;
      for (Tuple &result : results)
        elements.push_back(result[s]);
      replacements.push_back(
          packElements(rewriter, loc,
                       getTypeConverter()->convertType(resultType), elements));
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

} // namespace

void recur::populateReduceOpToGPUPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering>(converter, patterns.getContext());
}
