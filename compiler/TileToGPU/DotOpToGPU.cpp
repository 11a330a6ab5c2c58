//===- DotOpToGPU.cpp - tile.dot on GPU targets: the FMA form -------------===//
//
// The operands go to shared memory in row-major order (any layout can be
// stored there), then each thread accumulates its own elements of the
// result over k: per step it reads the rows of `a` and the columns of `b`
// its elements need, once each, and does one multiply-add per element, as
// Triton's FMA dot does. Correct for every shape and element type; tensor
// cores (mma.sync, wgmma, MFMA) replace it for the shapes they fit.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace recur;

namespace {

/// Stores a distributed tile row-major at element offset `start` of the
/// scratch, viewed as an array of `type` (each thread its own elements;
/// copies write the same value to the same place).
void storeRowMajor(OpBuilder &b, Location loc, Value scratch, Type type,
                   int64_t start, ArrayRef<Value> elements,
                   const tile::ThreadMapping &mapping) {
  SmallVector<Value> base = getBaseCoordinates(b, loc, mapping);
  for (auto [e, element] : llvm::enumerate(elements)) {
    Value index = getRowMajorIndex(
        b, loc,
        getElementCoordinates(b, loc, mapping, base, static_cast<int64_t>(e)),
        mapping.shape);
    index = arith::AddIOp::create(b, loc, index, createI32(b, loc, start));
    Value address = LLVM::GEPOp::create(b, loc, scratch.getType(), type,
                                        scratch, ValueRange{index});
    LLVM::StoreOp::create(b, loc, element, address);
  }
}

struct DotOpLowering : public OpConversionPattern<tile::DotOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tile::BlockedLayoutAttr>(op.getType().getEncoding()))
      return rewriter.notifyMatchFailure(op, "accumulator layout not blocked");
    Location loc = op.getLoc();
    RankedTensorType aType = op.getA().getType(), bType = op.getB().getType();
    RankedTensorType cType = op.getType();
    int64_t M = aType.getDimSize(0), K = aType.getDimSize(1);
    int64_t N = bType.getDimSize(1);
    Type accElement = cType.getElementType();
    bool isFloat = isa<FloatType>(accElement);
    tile::ThreadMapping acc = getMapping(cType);

    // Operands in shared memory, extended to the accumulator's type so
    // the k loop reads them ready to use.
    auto extend = [&](Value v) -> Value {
      if (v.getType() == accElement)
        return v;
      if (isFloat)
        return arith::ExtFOp::create(rewriter, loc, accElement, v);
      return arith::ExtSIOp::create(rewriter, loc, accElement, v);
    };
    SmallVector<Value> aElements, bElements;
    for (Value v : unpackElements(rewriter, loc, adaptor.getA()))
      aElements.push_back(extend(v));
    for (Value v : unpackElements(rewriter, loc, adaptor.getB()))
      bElements.push_back(extend(v));
    Value scratch = getSharedScratch(rewriter, loc);
    gpu::BarrierOp::create(rewriter, loc);
    storeRowMajor(rewriter, loc, scratch, accElement, 0, aElements,
                  getMapping(aType));
    storeRowMajor(rewriter, loc, scratch, accElement, M * K, bElements,
                  getMapping(bType));
    gpu::BarrierOp::create(rewriter, loc);

    // The rows and columns of this thread's accumulator elements.
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, acc);
    SmallVector<Value> rows, cols;
    for (int64_t i = 0; i < acc.perThread[0]; ++i) {
      SmallVector<int64_t> indices = {i, 0};
      SmallVector<int64_t> offsets =
          acc.getOffsets(acc.getElementIndex(indices));
      rows.push_back(arith::AddIOp::create(
          rewriter, loc, base[0], createI32(rewriter, loc, offsets[0])));
    }
    for (int64_t j = 0; j < acc.perThread[1]; ++j) {
      SmallVector<int64_t> indices = {0, j};
      SmallVector<int64_t> offsets =
          acc.getOffsets(acc.getElementIndex(indices));
      cols.push_back(arith::AddIOp::create(
          rewriter, loc, base[1], createI32(rewriter, loc, offsets[1])));
    }

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value bound = arith::ConstantIndexOp::create(rewriter, loc, K);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, bound, one, ValueRange{adaptor.getAcc()},
        [&](OpBuilder &b, Location l, Value iv, ValueRange args) {
          Value k = arith::IndexCastOp::create(b, l, b.getI32Type(), iv);
          auto load = [&](Value index) -> Value {
            Value address =
                LLVM::GEPOp::create(b, l, scratch.getType(), accElement,
                                    scratch, ValueRange{index});
            return LLVM::LoadOp::create(b, l, accElement, address);
          };
          SmallVector<Value> aRow, bCol;
          for (Value row : rows)
            aRow.push_back(load(arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, row, createI32(b, l, K)),
                k)));
          for (Value col : cols)
            bCol.push_back(load(arith::AddIOp::create(
                b, l,
                arith::AddIOp::create(
                    b, l, arith::MulIOp::create(b, l, k, createI32(b, l, N)),
                    col),
                createI32(b, l, M * K))));
          SmallVector<Value> lhs, rhs;
          for (int64_t e = 0; e < acc.getNumElements(); ++e) {
            int64_t rest = e;
            SmallVector<int64_t> indices(2);
            for (unsigned d : acc.order) {
              indices[d] = rest % acc.perThread[d];
              rest /= acc.perThread[d];
            }
            lhs.push_back(aRow[indices[0]]);
            rhs.push_back(bCol[indices[1]]);
          }
          Type vectorType = args[0].getType();
          Value x = packElements(b, l, vectorType, lhs);
          Value y = packElements(b, l, vectorType, rhs);
          Value next =
              isFloat ? math::FmaOp::create(b, l, x, y, args[0]).getResult()
                      : arith::AddIOp::create(
                            b, l, arith::MulIOp::create(b, l, x, y), args[0])
                            .getResult();
          scf::YieldOp::create(b, l, next);
        });
    // Another exchange may reuse the scratch once every thread is done.
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void recur::populateDotOpToGPUPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DotOpLowering>(converter, patterns.getContext());
}
