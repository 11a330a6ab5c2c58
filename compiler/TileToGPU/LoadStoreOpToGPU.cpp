//===- LoadStoreOpToGPU.cpp - Global memory access on GPU targets ---------===//
//
// Each thread accesses its own elements. A run of up to 16 bytes of
// elements that the layout keeps together in one thread, and whose
// addresses the contiguity analysis proves consecutive, is one vector
// access (`ld.global.v4.f32`) when its first address is aligned and its
// mask lanes are all set. The analysis's divisibility (from arguments the
// JIT marked divisible by 16) proves the alignment where it can; elsewhere
// it is tested at run time. Where either test fails the run falls back to
// one predicated access per element. Copies of elements that a layout
// replicates are stored only by their canonical holder.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "compiler/Utils/AtomicKinds.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

Value recur::toGlobalPointer(OpBuilder &builder, Location loc, Value address) {
  return LLVM::IntToPtrOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext(), 1),
      address);
}

namespace {

/// The memory type of a tile element: i1 lives in a byte.
Type getMemoryType(OpBuilder &builder, Type elementType) {
  return elementType.isInteger(1) ? builder.getI8Type() : elementType;
}

} // namespace

int64_t recur::getRunLength(const tile::ThreadMapping &mapping,
                            int64_t contiguity, Type elementType) {
  if (mapping.getRank() == 0 || elementType.isInteger(1))
    return 1;
  unsigned fastest = mapping.order.front();
  if (fastest != mapping.getRank() - 1)
    return 1;
  int64_t bytes = getStorageBytes(elementType);
  return std::max<int64_t>(
      1, std::min({mapping.sizePerThread[fastest], contiguity, 16 / bytes}));
}

static Value isAligned(OpBuilder &builder, Location loc, Value address,
                       int64_t bytes) {
  Value low = arith::AndIOp::create(
      builder, loc, address,
      arith::ConstantIntOp::create(builder, loc, bytes - 1, 64));
  return arith::CmpIOp::create(
      builder, loc, arith::CmpIPredicate::eq, low,
      arith::ConstantIntOp::create(builder, loc, 0, 64));
}

Value recur::canAccessAsVector(OpBuilder &builder, Location loc, Value address,
                               int64_t bytes, LastDimInfo info,
                               ArrayRef<Value> masks) {
  Value fast;
  if (info.divisibility % bytes != 0)
    fast = isAligned(builder, loc, address, bytes);
  if (!masks.empty() && masks.front()) {
    Value all = allTrue(builder, loc, masks);
    fast =
        fast ? arith::AndIOp::create(builder, loc, fast, all).getResult() : all;
  }
  return fast;
}

void recur::branchOnVectorAccess(OpBuilder &builder, Location loc, Value fast,
                                 function_ref<void(OpBuilder &)> vector,
                                 function_ref<void(OpBuilder &)> perElement) {
  if (!fast)
    return vector(builder);
  scf::IfOp::create(
      builder, loc, fast,
      [&](OpBuilder &b, Location) {
        vector(b);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &b, Location) {
        perElement(b);
        scf::YieldOp::create(b, loc);
      });
}

namespace {

struct AddPtrOpLowering : public OpConversionPattern<tile::AddPtrOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AddPtrOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type resultType = getTypeConverter()->convertType(op.getType());
    auto pointee = cast<tile::PtrType>(getElementTypeOrSelf(op.getType()))
                       .getPointeeType();
    Value offset = adaptor.getOffset();
    Type wide = resultType;
    if (getElementTypeOrSelf(offset.getType()).getIntOrFloatBitWidth() < 64)
      offset = arith::ExtSIOp::create(rewriter, loc, wide, offset);
    IntegerAttr scalarSize =
        rewriter.getI64IntegerAttr(getStorageBytes(pointee));
    TypedAttr sizeAttr = scalarSize;
    if (auto vectorType = dyn_cast<VectorType>(wide))
      sizeAttr = DenseElementsAttr::get(vectorType, Attribute(scalarSize));
    Value size = arith::ConstantOp::create(rewriter, loc, wide, sizeAttr);
    Value bytes = arith::MulIOp::create(rewriter, loc, offset, size);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, adaptor.getPtr(), bytes);
    return success();
  }
};

struct LoadOpLowering : public OpConversionPattern<tile::LoadOp> {
  LoadOpLowering(const TypeConverter &converter, MLIRContext *context,
                 const GPUAccessContiguity &contiguity)
      : OpConversionPattern(converter, context), contiguity(contiguity) {}

  LogicalResult
  matchAndRewrite(tile::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = getElementTypeOrSelf(op.getType());
    Type memoryType = getMemoryType(rewriter, elementType);
    bool isVolatile = op.getIsVolatile();
    auto loadScalar = [&](OpBuilder &b, Value address) -> Value {
      Value value = LLVM::LoadOp::create(b, loc, memoryType,
                                         toGlobalPointer(b, loc, address),
                                         /*alignment=*/0, isVolatile);
      if (memoryType != elementType)
        value =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                  arith::ConstantIntOp::create(b, loc, 0, 8));
      return value;
    };
    auto fallback = [&](OpBuilder &b, Value other) -> Value {
      if (other)
        return other;
      return arith::ConstantOp::create(b, loc, elementType,
                                       b.getZeroAttr(elementType));
    };
    // One element, predicated by its mask.
    auto loadElement = [&](OpBuilder &b, Value address, Value mask,
                           Value other) -> Value {
      if (!mask)
        return loadScalar(b, address);
      auto guarded = scf::IfOp::create(
          b, loc, mask,
          [&](OpBuilder &then, Location) {
            scf::YieldOp::create(then, loc, loadScalar(then, address));
          },
          [&](OpBuilder &otherwise, Location) {
            scf::YieldOp::create(otherwise, loc, fallback(otherwise, other));
          });
      return guarded.getResult(0);
    };

    auto tileType = dyn_cast<RankedTensorType>(op.getType());
    if (!tileType) {
      rewriter.replaceOp(op,
                         loadElement(rewriter, adaptor.getPtr(),
                                     adaptor.getMask(), adaptor.getOther()));
      return success();
    }
    tile::ThreadMapping mapping = getMapping(tileType);
    SmallVector<Value> addresses =
        unpackElements(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks, others;
    if (adaptor.getMask())
      masks = unpackElements(rewriter, loc, adaptor.getMask());
    if (adaptor.getOther())
      others = unpackElements(rewriter, loc, adaptor.getOther());
    LastDimInfo info = contiguity.lookup(op);
    int64_t run =
        isVolatile ? 1 : getRunLength(mapping, info.contiguity, elementType);
    int64_t runBytes = run * getStorageBytes(elementType);
    SmallVector<Value> values;
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      auto slice = [&](ArrayRef<Value> all) {
        return all.empty() ? ArrayRef<Value>() : all.slice(first, run);
      };
      ArrayRef<Value> runMasks = slice(masks), runOthers = slice(others);
      auto perElement = [&](OpBuilder &b) {
        SmallVector<Value> loaded;
        for (int64_t i = 0; i < run; ++i)
          loaded.push_back(loadElement(
              b, addresses[first + i], runMasks.empty() ? Value() : runMasks[i],
              runOthers.empty() ? Value() : runOthers[i]));
        return loaded;
      };
      if (run == 1) {
        values.append(perElement(rewriter));
        continue;
      }
      auto vectorType = VectorType::get({run}, memoryType);
      auto loadVector = [&](OpBuilder &b) {
        Value vector = LLVM::LoadOp::create(
            b, loc, vectorType, toGlobalPointer(b, loc, addresses[first]),
            static_cast<unsigned>(runBytes));
        return unpackElements(b, loc, vector);
      };
      Value fast = canAccessAsVector(rewriter, loc, addresses[first], runBytes,
                                     info, runMasks);
      if (!fast) {
        values.append(loadVector(rewriter));
        continue;
      }
      auto branch = scf::IfOp::create(
          rewriter, loc, fast,
          [&](OpBuilder &b, Location) {
            scf::YieldOp::create(b, loc, loadVector(b));
          },
          [&](OpBuilder &b, Location) {
            scf::YieldOp::create(b, loc, perElement(b));
          });
      values.append(branch.getResults().begin(), branch.getResults().end());
    }
    rewriter.replaceOp(
        op, packElements(rewriter, loc,
                         getTypeConverter()->convertType(tileType), values));
    return success();
  }

  const GPUAccessContiguity &contiguity;
};

struct StoreOpLowering : public OpConversionPattern<tile::StoreOp> {
  StoreOpLowering(const TypeConverter &converter, MLIRContext *context,
                  const GPUAccessContiguity &contiguity)
      : OpConversionPattern(converter, context), contiguity(contiguity) {}

  LogicalResult
  matchAndRewrite(tile::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = getElementTypeOrSelf(op.getValue().getType());
    Type memoryType = getMemoryType(rewriter, elementType);
    auto storeScalar = [&](OpBuilder &b, Value address, Value value) {
      if (memoryType != elementType)
        value = arith::ExtUIOp::create(b, loc, memoryType, value);
      LLVM::StoreOp::create(b, loc, value, toGlobalPointer(b, loc, address));
    };
    auto storeElement = [&](OpBuilder &b, Value address, Value value,
                            Value mask) {
      if (!mask)
        return storeScalar(b, address, value);
      scf::IfOp::create(b, loc, mask, [&](OpBuilder &then, Location) {
        storeScalar(then, address, value);
        scf::YieldOp::create(then, loc);
      });
    };

    auto tileType = dyn_cast<RankedTensorType>(op.getValue().getType());
    if (!tileType) {
      storeElement(rewriter, adaptor.getPtr(), adaptor.getValue(),
                   adaptor.getMask());
      rewriter.eraseOp(op);
      return success();
    }
    tile::ThreadMapping mapping = getMapping(tileType);
    SmallVector<Value> addresses =
        unpackElements(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> values =
        unpackElements(rewriter, loc, adaptor.getValue());
    // Copies are stored once, by their canonical holder.
    Value holder = isCanonicalHolder(rewriter, loc, mapping);
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpackElements(rewriter, loc, adaptor.getMask());
    else
      masks.assign(values.size(), Value());
    bool copies = mapping.copyLaneBits != 0 || mapping.copyWarpBits != 0;
    if (copies)
      for (Value &mask : masks)
        mask =
            mask
                ? arith::AndIOp::create(rewriter, loc, mask, holder).getResult()
                : holder;

    LastDimInfo info = contiguity.lookup(op);
    int64_t run = getRunLength(mapping, info.contiguity, elementType);
    int64_t runBytes = run * getStorageBytes(elementType);
    for (int64_t first = 0; first < mapping.getNumElements(); first += run) {
      ArrayRef<Value> runValues = ArrayRef<Value>(values).slice(first, run);
      ArrayRef<Value> runMasks = ArrayRef<Value>(masks).slice(first, run);
      auto perElement = [&](OpBuilder &b) {
        for (int64_t i = 0; i < run; ++i)
          storeElement(b, addresses[first + i], runValues[i], runMasks[i]);
      };
      if (run == 1) {
        perElement(rewriter);
        continue;
      }
      auto storeVector = [&](OpBuilder &b) {
        Value vector =
            packElements(b, loc, VectorType::get({run}, memoryType), runValues);
        LLVM::StoreOp::create(b, loc, vector,
                              toGlobalPointer(b, loc, addresses[first]),
                              static_cast<unsigned>(runBytes));
      };
      branchOnVectorAccess(rewriter, loc,
                           canAccessAsVector(rewriter, loc, addresses[first],
                                             runBytes, info, runMasks),
                           storeVector, perElement);
    }
    rewriter.eraseOp(op);
    return success();
  }

  const GPUAccessContiguity &contiguity;
};

/// Each element is updated once, by its canonical holder (one thread for a
/// scalar atomic); the old values reach every thread that holds the
/// element through shared memory. Atomics run at system scope, the
/// strongest, whatever scope the op names.
struct AtomicRMWOpLowering : public OpConversionPattern<tile::AtomicRMWOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AtomicRMWOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = getElementTypeOrSelf(op.getType());
    LLVM::AtomicBinOp binOp = toLLVMAtomicBinOp(op.getKind());
    LLVM::AtomicOrdering ordering = toLLVMAtomicOrdering(op.getSem());
    auto update = [&](OpBuilder &b, Value address, Value value,
                      Value predicate) -> Value {
      auto guarded = scf::IfOp::create(
          b, loc, predicate,
          [&](OpBuilder &then, Location) {
            Value old = LLVM::AtomicRMWOp::create(
                then, loc, binOp, toGlobalPointer(then, loc, address), value,
                ordering);
            scf::YieldOp::create(then, loc, old);
          },
          [&](OpBuilder &otherwise, Location) {
            Value zero = arith::ConstantOp::create(
                otherwise, loc,
                cast<TypedAttr>(otherwise.getZeroAttr(elementType)));
            scf::YieldOp::create(otherwise, loc, zero);
          });
      return guarded.getResult(0);
    };
    Value scratch = getSharedScratch(rewriter, loc);
    auto slot = [&](Value index) {
      return LLVM::GEPOp::create(rewriter, loc, scratch.getType(), elementType,
                                 scratch, ValueRange{index});
    };

    auto tileType = dyn_cast<RankedTensorType>(op.getType());
    if (!tileType) {
      Value first = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, getThreadId(rewriter, loc),
          createI32(rewriter, loc, 0));
      Value predicate =
          adaptor.getMask()
              ? arith::AndIOp::create(rewriter, loc, first, adaptor.getMask())
                    .getResult()
              : first;
      Value old =
          update(rewriter, adaptor.getPtr(), adaptor.getValue(), predicate);
      gpu::BarrierOp::create(rewriter, loc);
      scf::IfOp::create(rewriter, loc, first, [&](OpBuilder &b, Location) {
        LLVM::StoreOp::create(b, loc, old, slot(createI32(b, loc, 0)));
        scf::YieldOp::create(b, loc);
      });
      gpu::BarrierOp::create(rewriter, loc);
      Value shared = LLVM::LoadOp::create(rewriter, loc, elementType,
                                          slot(createI32(rewriter, loc, 0)));
      gpu::BarrierOp::create(rewriter, loc);
      rewriter.replaceOp(op, shared);
      return success();
    }

    tile::ThreadMapping mapping = getMapping(tileType);
    SmallVector<Value> addresses =
        unpackElements(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> values =
        unpackElements(rewriter, loc, adaptor.getValue());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpackElements(rewriter, loc, adaptor.getMask());
    Value holder = isCanonicalHolder(rewriter, loc, mapping);
    SmallVector<Value> old;
    for (size_t e = 0; e < values.size(); ++e) {
      Value predicate =
          masks.empty() ? holder
                        : arith::AndIOp::create(rewriter, loc, masks[e], holder)
                              .getResult();
      old.push_back(update(rewriter, addresses[e], values[e], predicate));
    }
    if (mapping.copyLaneBits != 0 || mapping.copyWarpBits != 0) {
      // Copies read the old values their canonical holder saw.
      SmallVector<Value> base = getBaseCoordinates(rewriter, loc, mapping);
      SmallVector<Value> indices;
      for (int64_t e = 0; e < mapping.getNumElements(); ++e)
        indices.push_back(getRowMajorIndex(
            rewriter, loc,
            getElementCoordinates(rewriter, loc, mapping, base, e),
            tileType.getShape()));
      gpu::BarrierOp::create(rewriter, loc);
      scf::IfOp::create(rewriter, loc, holder, [&](OpBuilder &b, Location) {
        for (auto [value, index] : llvm::zip(old, indices))
          LLVM::StoreOp::create(b, loc, value,
                                LLVM::GEPOp::create(b, loc, scratch.getType(),
                                                    elementType, scratch,
                                                    ValueRange{index}));
        scf::YieldOp::create(b, loc);
      });
      gpu::BarrierOp::create(rewriter, loc);
      for (auto [value, index] : llvm::zip(old, indices))
        value = LLVM::LoadOp::create(rewriter, loc, elementType, slot(index));
      gpu::BarrierOp::create(rewriter, loc);
    }
    rewriter.replaceOp(
        op, packElements(rewriter, loc,
                         getTypeConverter()->convertType(tileType), old));
    return success();
  }
};

} // namespace

void recur::populateLoadStoreOpToGPUPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const GPUAccessContiguity &contiguity) {
  patterns.add<AddPtrOpLowering, AtomicRMWOpLowering>(converter,
                                                      patterns.getContext());
  patterns.add<LoadOpLowering, StoreOpLowering>(
      converter, patterns.getContext(), contiguity);
}
