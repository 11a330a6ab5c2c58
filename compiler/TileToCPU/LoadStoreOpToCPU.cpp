//===- LoadStoreOpToCPU.cpp - tile memory ops -> LLVM loads and stores ----===//
//
// Pointers are i64 addresses by now. Tensor accesses become a loop nest over
// the tile, one scalar access per lane guarded by its mask; LLVM's loop
// vectoriser turns unmasked contiguous runs back into vector accesses.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace recur;

/// Bytes between consecutive elements of `pointee` in memory.
static int64_t getElementBytes(Type pointee) {
  if (isa<tile::PtrType>(pointee))
    return 8;
  return std::max<int64_t>(1, pointee.getIntOrFloatBitWidth() / 8);
}

static Value createConstantLike(OpBuilder &builder, Location loc, Type type,
                                TypedAttr scalar) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return arith::ConstantOp::create(
        builder, loc, SplatElementsAttr::get(tensor, scalar));
  return arith::ConstantOp::create(builder, loc, scalar);
}

/// Runs `lane` for every lane of `shape` (once for a scalar access) and
/// collects the values it returns into a tensor of `resultType`; returns the
/// scalar itself for scalar accesses.
static Value buildPerLane(
    OpBuilder &builder, Location loc, Type resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> lane) {
  auto tensorType = dyn_cast<RankedTensorType>(resultType);
  if (!tensorType)
    return lane(builder, loc, {});
  Value init = tensor::EmptyOp::create(builder, loc, tensorType.getShape(),
                                       tensorType.getElementType());
  return buildTileLoopNest(
      builder, loc, tensorType.getShape(), init,
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        Value value = lane(b, l, ivs);
        return SmallVector<Value>{
            tensor::InsertOp::create(b, l, value, args[0], ivs)};
      })[0];
}

/// `access` when `mask` (at `ivs`) is true, else `fallback` (or nothing when
/// the access has no result).
static Value buildMasked(OpBuilder &builder, Location loc, Value mask,
                         ValueRange ivs,
                         function_ref<Value(OpBuilder &, Location)> access,
                         function_ref<Value(OpBuilder &, Location)> fallback) {
  if (!mask)
    return access(builder, loc);
  Value laneMask = extractElement(builder, loc, mask, ivs);
  if (!fallback) {
    scf::IfOp::create(builder, loc, laneMask,
                      [&](OpBuilder &b, Location l) {
                        access(b, l);
                        scf::YieldOp::create(b, l);
                      });
    return {};
  }
  auto ifOp = scf::IfOp::create(
      builder, loc, laneMask,
      [&](OpBuilder &b, Location l) {
        scf::YieldOp::create(b, l, access(b, l));
      },
      [&](OpBuilder &b, Location l) {
        scf::YieldOp::create(b, l, fallback(b, l));
      });
  return ifOp.getResult(0);
}

namespace {
struct AddPtrOpLowering : public OpConversionPattern<tile::AddPtrOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AddPtrOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value ptr = adaptor.getPtr();
    Value offset = adaptor.getOffset();
    Type addressType = ptr.getType();
    unsigned width = getElementTypeOrSelf(offset.getType()).getIntOrFloatBitWidth();
    // Offsets are signed element counts (i1 masks-as-offsets are 0 or 1).
    if (width == 1)
      offset = arith::ExtUIOp::create(rewriter, loc, addressType, offset);
    else if (width < 64)
      offset = arith::ExtSIOp::create(rewriter, loc, addressType, offset);
    Type pointee = cast<tile::PtrType>(getElementTypeOrSelf(op.getType()))
                       .getPointeeType();
    Value size = createConstantLike(
        rewriter, loc, addressType,
        rewriter.getI64IntegerAttr(getElementBytes(pointee)));
    Value bytes = arith::MulIOp::create(rewriter, loc, offset, size);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, ptr, bytes);
    return success();
  }
};

struct LoadOpLowering : public OpConversionPattern<tile::LoadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    Type elementType = getElementTypeOrSelf(resultType);
    bool isVolatile = op.getIsVolatile();
    Value result = buildPerLane(
        rewriter, op.getLoc(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          auto load = [&](OpBuilder &lb, Location l) -> Value {
            Value address = extractElement(lb, l, adaptor.getPtr(), ivs);
            return LLVM::LoadOp::create(lb, l, elementType,
                                        toLLVMPointer(lb, l, address),
                                        /*alignment=*/0, isVolatile);
          };
          // Masked-off lanes read `other`, or zero when there is none.
          auto other = [&](OpBuilder &ob, Location l) -> Value {
            if (adaptor.getOther())
              return extractElement(ob, l, adaptor.getOther(), ivs);
            return arith::ConstantOp::create(
                ob, l, cast<TypedAttr>(ob.getZeroAttr(elementType)));
          };
          return buildMasked(b, loc, adaptor.getMask(), ivs, load, other);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StoreOpLowering : public OpConversionPattern<tile::StoreOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> shape;
    if (auto tensor = dyn_cast<RankedTensorType>(op.getValue().getType()))
      shape = tensor.getShape();
    buildTileLoopNest(
        rewriter, op.getLoc(), shape, {},
        [&](OpBuilder &b, Location loc, ValueRange ivs, ValueRange) {
          auto store = [&](OpBuilder &sb, Location l) -> Value {
            Value address = extractElement(sb, l, adaptor.getPtr(), ivs);
            Value value = extractElement(sb, l, adaptor.getValue(), ivs);
            LLVM::StoreOp::create(sb, l, value, toLLVMPointer(sb, l, address));
            return {};
          };
          buildMasked(b, loc, adaptor.getMask(), ivs, store, nullptr);
          return SmallVector<Value>{};
        });
    rewriter.eraseOp(op);
    return success();
  }
};

static LLVM::AtomicBinOp toLLVM(tile::RMWKind kind) {
  switch (kind) {
  case tile::RMWKind::add:
    return LLVM::AtomicBinOp::add;
  case tile::RMWKind::fadd:
    return LLVM::AtomicBinOp::fadd;
  case tile::RMWKind::max:
    return LLVM::AtomicBinOp::max;
  case tile::RMWKind::min:
    return LLVM::AtomicBinOp::min;
  case tile::RMWKind::umax:
    return LLVM::AtomicBinOp::umax;
  case tile::RMWKind::umin:
    return LLVM::AtomicBinOp::umin;
  case tile::RMWKind::fmax:
    return LLVM::AtomicBinOp::fmax;
  case tile::RMWKind::fmin:
    return LLVM::AtomicBinOp::fmin;
  case tile::RMWKind::andi:
    return LLVM::AtomicBinOp::_and;
  case tile::RMWKind::ori:
    return LLVM::AtomicBinOp::_or;
  case tile::RMWKind::xori:
    return LLVM::AtomicBinOp::_xor;
  case tile::RMWKind::xchg:
    return LLVM::AtomicBinOp::xchg;
  }
  llvm_unreachable("unknown RMW kind");
}

static LLVM::AtomicOrdering toLLVM(tile::MemSemantic sem) {
  switch (sem) {
  case tile::MemSemantic::relaxed:
    return LLVM::AtomicOrdering::monotonic;
  case tile::MemSemantic::acquire:
    return LLVM::AtomicOrdering::acquire;
  case tile::MemSemantic::release:
    return LLVM::AtomicOrdering::release;
  case tile::MemSemantic::acq_rel:
    return LLVM::AtomicOrdering::acq_rel;
  }
  llvm_unreachable("unknown memory semantic");
}

/// Every scope is the whole process on the CPU, so the scope is dropped.
struct AtomicRMWOpLowering : public OpConversionPattern<tile::AtomicRMWOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AtomicRMWOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    Type elementType = getElementTypeOrSelf(resultType);
    LLVM::AtomicBinOp binOp = toLLVM(op.getKind());
    LLVM::AtomicOrdering ordering = toLLVM(op.getSem());
    Value result = buildPerLane(
        rewriter, op.getLoc(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          auto rmw = [&](OpBuilder &ab, Location l) -> Value {
            Value address = extractElement(ab, l, adaptor.getPtr(), ivs);
            Value value = extractElement(ab, l, adaptor.getValue(), ivs);
            return LLVM::AtomicRMWOp::create(ab, l, binOp,
                                             toLLVMPointer(ab, l, address),
                                             value, ordering);
          };
          auto zero = [&](OpBuilder &zb, Location l) -> Value {
            return arith::ConstantOp::create(
                zb, l, cast<TypedAttr>(zb.getZeroAttr(elementType)));
          };
          return buildMasked(b, loc, adaptor.getMask(), ivs, rmw, zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void recur::populateLoadStoreOpToCPUPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<AddPtrOpLowering, LoadOpLowering, StoreOpLowering,
               AtomicRMWOpLowering>(converter, patterns.getContext());
}
