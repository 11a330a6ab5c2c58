//===- AsyncCopyOpToGPU.cpp - Copies into shared-memory slots
//--------------===//
//
// A `tile.local_alloc` is a fixed place in the program's shared memory,
// after the scratch (ConvertTileToGPU.cpp assigns it); a slot holds its tile
// row-major. Each thread copies its own elements of a `tile.async_copy`:
// on NVIDIA targets a run that a vector load would read (aligned, every
// lane set; see LoadStoreOpToGPU.cpp) is one `cp.async` of up to 16 bytes,
// and the other elements are one `cp.async` each, whose source size of 0
// zero-fills a masked-off lane. Elements under 4 bytes outside such runs,
// and every copy on targets without `cp.async`, are an ordinary load and a
// store to shared memory: complete when they return, which the wait's
// barrier makes visible like the asynchronous ones. A `tile.local_load`
// reads each thread's runs back as vectors.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace recur;

int64_t recur::getSlotBytes(tile::SharedBufferType type) {
  return llvm::alignTo(type.getSlotType().getNumElements() *
                           getStorageBytes(type.getElementType()),
                       16);
}

Value recur::getSlotAddress(OpBuilder &b, Location loc, Value buffer,
                            Value slot, tile::SharedBufferType type) {
  Value offset = arith::MulIOp::create(b, loc, slot,
                                       createI32(b, loc, getSlotBytes(type)));
  return LLVM::GEPOp::create(b, loc, buffer.getType(), b.getI8Type(), buffer,
                             ValueRange{offset});
}

namespace {

struct LocalAllocOpLowering : public OpConversionPattern<tile::LocalAllocOp> {
  LocalAllocOpLowering(const TypeConverter &converter, MLIRContext *context,
                       const SharedBufferOffsets &offsets)
      : OpConversionPattern(converter, context), offsets(offsets) {}

  LogicalResult
  matchAndRewrite(tile::LocalAllocOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto offset = offsets.find(op);
    if (offset == offsets.end())
      return rewriter.notifyMatchFailure(op, "no place in shared memory");
    Location loc = op.getLoc();
    Value scratch = getSharedScratch(rewriter, loc);
    rewriter.replaceOpWithNewOp<LLVM::GEPOp>(
        op, scratch.getType(), rewriter.getI8Type(), scratch,
        ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset->second)});
    return success();
  }

  const SharedBufferOffsets &offsets;
};

struct AsyncCopyOpLowering : public OpConversionPattern<tile::AsyncCopyOp> {
  AsyncCopyOpLowering(const TypeConverter &converter, MLIRContext *context,
                      const GPUAccessContiguity &contiguity, bool useCpAsync)
      : OpConversionPattern(converter, context), contiguity(contiguity),
        useCpAsync(useCpAsync) {}

  LogicalResult
  matchAndRewrite(tile::AsyncCopyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tile::SharedBufferType bufferType = op.getBuffer().getType();
    Type element = bufferType.getElementType();
    int64_t bytes = getStorageBytes(element);
    tile::ThreadMapping mapping = getMapping(op.getPtr().getType());
    SmallVector<Value> addresses =
        unpackElements(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpackElements(rewriter, loc, adaptor.getMask());
    Value slot = getSlotAddress(rewriter, loc, adaptor.getBuffer(),
                                adaptor.getSlot(), bufferType);

    // Copies `count` bytes (one element, or an aligned run with every lane
    // set) whole, or `srcSize` of them and zeros.
    auto copyBytes = [&](OpBuilder &b, Value dst, Value src, int64_t count,
                         Value srcSize) {
      NVVM::CpAsyncOp::create(b, loc, dst, toGlobalPointer(b, loc, src), count,
                              count == 16 ? NVVM::LoadCacheModifierKind::CG
                                          : NVVM::LoadCacheModifierKind::CA,
                              srcSize);
    };
    auto copySync = [&](OpBuilder &b, Value dst, Value src, int64_t count,
                        Value mask) {
      Type type =
          count == bytes ? element : VectorType::get({count / bytes}, element);
      auto load = [&](OpBuilder &at) -> Value {
        return LLVM::LoadOp::create(at, loc, type,
                                    toGlobalPointer(at, loc, src), count);
      };
      Value value;
      if (!mask) {
        value = load(b);
      } else {
        value = scf::IfOp::create(
                    b, loc, mask,
                    [&](OpBuilder &then, Location) {
                      scf::YieldOp::create(then, loc, load(then));
                    },
                    [&](OpBuilder &otherwise, Location) {
                      scf::YieldOp::create(
                          otherwise, loc,
                          arith::ConstantOp::create(
                              otherwise, loc, type,
                              cast<TypedAttr>(otherwise.getZeroAttr(type)))
                              .getResult());
                    })
                    .getResult(0);
      }
      LLVM::StoreOp::create(b, loc, value, dst, count);
    };
    auto copyElement = [&](OpBuilder &b, Value dst, Value src, Value mask) {
      if (!useCpAsync || bytes < 4)
        return copySync(b, dst, src, bytes, mask);
      Value srcSize;
      if (mask)
        srcSize = arith::SelectOp::create(
            b, loc, mask, createI32(b, loc, bytes), createI32(b, loc, 0));
      copyBytes(b, dst, src, bytes, srcSize);
    };

    LastDimInfo info = contiguity.lookup(op);
    int64_t run = getRunLength(mapping, info.contiguity, element);
    // A run starts on a multiple of its length in its row, and so in the
    // slot, only when the rows divide into runs.
    if (mapping.shape.back() % run != 0)
      run = 1;
    int64_t runBytes = run * bytes;
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      Value index = getRowMajorIndex(
          rewriter, loc,
          getElementCoordinates(rewriter, loc, mapping, base, first),
          mapping.shape);
      Value dst = LLVM::GEPOp::create(rewriter, loc, slot.getType(), element,
                                      slot, ValueRange{index});
      ArrayRef<Value> runMasks =
          masks.empty() ? ArrayRef<Value>() : ArrayRef(masks).slice(first, run);
      auto perElement = [&](OpBuilder &b) {
        for (int64_t i = 0; i < run; ++i) {
          Value at = i == 0
                         ? dst
                         : LLVM::GEPOp::create(
                               b, loc, dst.getType(), element, dst,
                               ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)})
                               .getResult();
          copyElement(b, at, addresses[first + i],
                      runMasks.empty() ? Value() : runMasks[i]);
        }
      };
      if (run == 1 || runBytes < 4) {
        perElement(rewriter);
        continue;
      }
      auto copyRun = [&](OpBuilder &b) {
        if (useCpAsync)
          copyBytes(b, dst, addresses[first], runBytes, Value());
        else
          copySync(b, dst, addresses[first], runBytes, Value());
      };
      branchOnVectorAccess(rewriter, loc,
                           canAccessAsVector(rewriter, loc, addresses[first],
                                             runBytes, info, runMasks),
                           copyRun, perElement);
    }
    rewriter.eraseOp(op);
    return success();
  }

  const GPUAccessContiguity &contiguity;
  bool useCpAsync;
};

struct AsyncCommitOpLowering : public OpConversionPattern<tile::AsyncCommitOp> {
  AsyncCommitOpLowering(const TypeConverter &converter, MLIRContext *context,
                        bool useCpAsync)
      : OpConversionPattern(converter, context), useCpAsync(useCpAsync) {}

  LogicalResult
  matchAndRewrite(tile::AsyncCommitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (useCpAsync)
      NVVM::CpAsyncCommitGroupOp::create(rewriter, op.getLoc());
    rewriter.eraseOp(op);
    return success();
  }

  bool useCpAsync;
};

struct AsyncWaitOpLowering : public OpConversionPattern<tile::AsyncWaitOp> {
  AsyncWaitOpLowering(const TypeConverter &converter, MLIRContext *context,
                      bool useCpAsync)
      : OpConversionPattern(converter, context), useCpAsync(useCpAsync) {}

  LogicalResult
  matchAndRewrite(tile::AsyncWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (useCpAsync)
      NVVM::CpAsyncWaitGroupOp::create(rewriter, op.getLoc(), op.getPending());
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }

  bool useCpAsync;
};

struct LocalLoadOpLowering : public OpConversionPattern<tile::LocalLoadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::LocalLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tile::SharedBufferType bufferType = op.getBuffer().getType();
    Value slot = getSlotAddress(rewriter, loc, adaptor.getBuffer(),
                                adaptor.getSlot(), bufferType);
    Type element = bufferType.getElementType();
    tile::ThreadMapping mapping = getMapping(op.getType());
    // A thread's run along the row is contiguous in the slot: one vector
    // load (`ld.shared.v4`), aligned when the rows divide into runs. A
    // permuted read takes element by element: coordinate `i` of the result
    // is coordinate `order[i]` of the slot.
    std::optional<ArrayRef<int32_t>> order = op.getOrder();
    int64_t run = getRunLength(mapping, mapping.shape.back(), element);
    if (order || mapping.shape.back() % run != 0)
      run = 1;
    ArrayRef<int64_t> slotShape = bufferType.getSlotType().getShape();
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
    SmallVector<Value> elements;
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      SmallVector<Value> coordinates =
          getElementCoordinates(rewriter, loc, mapping, base, first);
      if (order) {
        SmallVector<Value> inSlot(coordinates.size());
        for (auto [i, dim] : llvm::enumerate(*order))
          inSlot[dim] = coordinates[i];
        coordinates = inSlot;
      }
      Value index = getRowMajorIndex(rewriter, loc, coordinates, slotShape);
      Value address = LLVM::GEPOp::create(rewriter, loc, slot.getType(),
                                          element, slot, ValueRange{index});
      if (run == 1) {
        elements.push_back(
            LLVM::LoadOp::create(rewriter, loc, element, address));
        continue;
      }
      Value vector = LLVM::LoadOp::create(
          rewriter, loc, VectorType::get({run}, element), address,
          static_cast<unsigned>(run * getStorageBytes(element)));
      llvm::append_range(elements, unpackElements(rewriter, loc, vector));
    }
    rewriter.replaceOp(
        op,
        packElements(rewriter, loc,
                     getTypeConverter()->convertType(op.getType()), elements));
    return success();
  }
};

} // namespace

void recur::populateAsyncCopyOpToGPUPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const GPUAccessContiguity &contiguity, const SharedBufferOffsets &offsets,
    bool useCpAsync) {
  MLIRContext *context = patterns.getContext();
  patterns.add<LocalAllocOpLowering>(converter, context, offsets);
  patterns.add<AsyncCopyOpLowering>(converter, context, contiguity, useCpAsync);
  patterns.add<AsyncCommitOpLowering, AsyncWaitOpLowering>(converter, context,
                                                           useCpAsync);
  patterns.add<LocalLoadOpLowering>(converter, context);
}
