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
    if (!isa<tile::BlockedLayoutAttr>(sourceType.getEncoding()))
      return rewriter.notifyMatchFailure(op, "source layout is not blocked");
    tile::ThreadMapping m = getMapping(sourceType);
    unsigned axis = op.getAxis();
    size_t numSources = op.getSrcs().size();
    SmallVector<SmallVector<Value>> sources;
    for (Value src : adaptor.getSrcs())
      sources.push_back(unpackElements(rewriter, loc, src));
    Region &region = op.getCombineOp();

    // Partials per (output element, period): folded runs.
    int64_t periods = m.perThread[axis] / m.sizePerThread[axis];
    int64_t outputs = m.getNumElements() / m.perThread[axis];
    SmallVector<SmallVector<Tuple>> partials(outputs,
                                             SmallVector<Tuple>(periods));
    SmallVector<int64_t> outputOf(m.getNumElements());
    SmallVector<int64_t> firstElement(outputs, -1);
    llvm::DenseMap<int64_t, int64_t> outputIndex;
    for (int64_t e = 0; e < m.getNumElements(); ++e) {
      SmallVector<int64_t> indices = m.getIndices(e);
      int64_t position = indices[axis];
      indices[axis] = 0;
      int64_t key = m.getElementIndex(indices);
      auto [it, inserted] = outputIndex.try_emplace(key, outputIndex.size());
      int64_t output = it->second;
      if (inserted)
        firstElement[output] = e;
      Tuple element;
      for (auto &source : sources)
        element.push_back(source[e]);
      Tuple &partial = partials[output][position / m.sizePerThread[axis]];
      // Elements come in increasing index order along the axis.
      partial = partial.empty()
                    ? element
                    : applyCombine(rewriter, region, partial, element);
    }

    // Lanes: butterfly, lower lanes' partials on the left.
    Value lane =
        arith::RemUIOp::create(rewriter, loc, getThreadId(rewriter, loc),
                               createI32(rewriter, loc, m.warpSize));
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
      Value warp =
          arith::DivUIOp::create(rewriter, loc, getThreadId(rewriter, loc),
                                 createI32(rewriter, loc, m.warpSize));
      Value warpCoord = arith::RemUIOp::create(
          rewriter, loc,
          arith::DivUIOp::create(rewriter, loc, warp,
                                 createI32(rewriter, loc, m.warpStride[axis])),
          createI32(rewriter, loc, warps));
      Value scratch = getSharedScratch(rewriter, loc);
      SmallVector<int64_t> outputShape(sourceType.getShape());
      outputShape[axis] = 1;
      // Source s's partials start at its own offset.
      SmallVector<int64_t> sourceOffsets;
      int64_t offset = 0;
      int64_t slots =
          sourceType.getNumElements() / sourceType.getDimSize(axis) * warps;
      for (Value src : op.getSrcs()) {
        sourceOffsets.push_back(offset);
        Type element = getElementTypeOrSelf(src.getType());
        offset += slots * std::max<int64_t>(4, getStorageBytes(element));
      }
      auto slotAddress = [&](size_t s, Value slot) {
        Type element = getElementTypeOrSelf(op.getSrcs()[s].getType());
        Value bytes = arith::MulIOp::create(
            rewriter, loc, slot,
            createI32(rewriter, loc,
                      std::max<int64_t>(4, getStorageBytes(element))));
        Value at = arith::AddIOp::create(
            rewriter, loc, bytes, createI32(rewriter, loc, sourceOffsets[s]));
        return LLVM::GEPOp::create(rewriter, loc, scratch.getType(),
                                   rewriter.getI8Type(), scratch,
                                   ValueRange{at});
      };
      for (int64_t period = 0; period < periods; ++period) {
        gpu::BarrierOp::create(rewriter, loc);
        SmallVector<Value> rows;
        for (int64_t output = 0; output < outputs; ++output) {
          SmallVector<Value> coordinates = getElementCoordinates(
              rewriter, loc, m, base, firstElement[output]);
          coordinates[axis] = createI32(rewriter, loc, 0);
          Value row = arith::MulIOp::create(
              rewriter, loc,
              getRowMajorIndex(rewriter, loc, coordinates, outputShape),
              createI32(rewriter, loc, warps));
          rows.push_back(row);
          Value slot = arith::AddIOp::create(rewriter, loc, row, warpCoord);
          for (size_t s = 0; s < numSources; ++s)
            LLVM::StoreOp::create(rewriter, loc, partials[output][period][s],
                                  slotAddress(s, slot));
        }
        gpu::BarrierOp::create(rewriter, loc);
        for (int64_t output = 0; output < outputs; ++output) {
          Tuple folded;
          for (int64_t w = 0; w < warps; ++w) {
            Value slot = arith::AddIOp::create(rewriter, loc, rows[output],
                                               createI32(rewriter, loc, w));
            Tuple partial;
            for (size_t s = 0; s < numSources; ++s)
              partial.push_back(LLVM::LoadOp::create(
                  rewriter, loc, partials[output][period][s].getType(),
                  slotAddress(s, slot)));
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
