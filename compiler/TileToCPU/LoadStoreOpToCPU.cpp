//===- LoadStoreOpToCPU.cpp - tile memory ops -> LLVM loads and stores ----===//
//
// Pointers are i64 addresses by now. A tile load or store walks the tile,
// flattened, in vectors of up to 16 lanes (one AVX-512 register of f32) and
// uses LLVM's masked gather and scatter: masked-off lanes never touch memory,
// any address pattern is correct, and the host's gather/scatter instructions
// do the work. Volatile loads, i1 tiles and atomics go lane by lane.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "compiler/Utils/AtomicKinds.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

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
    return arith::ConstantOp::create(builder, loc,
                                     SplatElementsAttr::get(tensor, scalar));
  return arith::ConstantOp::create(builder, loc, scalar);
}

/// Runs `lane` for every lane of `shape` (once for a scalar access) and
/// collects the values it returns into a tensor of `resultType`; returns the
/// scalar itself for scalar accesses.
static Value
buildPerLane(OpBuilder &builder, Location loc, Type resultType,
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

/// A rank >= 1 tile collapsed to one dimension (a view, free after
/// bufferization).
static Value flatten(OpBuilder &builder, Location loc, Value tile) {
  auto type = cast<RankedTensorType>(tile.getType());
  if (type.getRank() == 1)
    return tile;
  auto flat =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return tensor::CollapseShapeOp::create(builder, loc, flat, tile,
                                         ArrayRef<ReassociationIndices>{all});
}

static Value unflatten(OpBuilder &builder, Location loc, Value flat,
                       RankedTensorType type) {
  if (type.getRank() == 1)
    return flat;
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return tensor::ExpandShapeOp::create(builder, loc, type, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

/// Lanes per vector access: 16, or the largest power of two dividing the
/// tile's size (tiles are powers of two in practice).
static int64_t getVectorWidth(int64_t numElements) {
  int64_t width = 16;
  while (numElements % width)
    width /= 2;
  return width;
}

/// Whether the tile access can go through masked gather/scatter.
static bool canVectorize(Type tileType) {
  auto tensor = dyn_cast<RankedTensorType>(tileType);
  return tensor && tensor.getRank() >= 1 &&
         !tensor.getElementType().isInteger(1);
}

/// The vector of `tile` (flat) at lanes [offset, offset + width), or
/// `fallback` splatted when there is no tile.
static Value readLanes(OpBuilder &builder, Location loc, Value flatTile,
                       Value offset, VectorType type, TypedAttr fallback) {
  if (!flatTile)
    return arith::ConstantOp::create(builder, loc,
                                     SplatElementsAttr::get(type, fallback));
  Value padding = arith::ConstantOp::create(
      builder, loc,
      cast<TypedAttr>(builder.getZeroAttr(type.getElementType())));
  return vector::TransferReadOp::create(builder, loc, type, flatTile,
                                        ValueRange{offset}, padding,
                                        ArrayRef<bool>{true});
}

/// Runs `body(offset)` for each vector of `width` lanes of a flat tile of
/// `numElements`, threading `iterArgs`.
static SmallVector<Value> buildVectorLoop(
    OpBuilder &builder, Location loc, int64_t numElements, int64_t width,
    ValueRange iterArgs,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value end = arith::ConstantIndexOp::create(builder, loc, numElements);
  Value step = arith::ConstantIndexOp::create(builder, loc, width);
  auto loop = scf::ForOp::create(
      builder, loc, zero, end, step, iterArgs,
      [&](OpBuilder &b, Location l, Value offset, ValueRange args) {
        scf::YieldOp::create(b, l, body(b, l, offset, args));
      });
  return SmallVector<Value>(loop.getResults());
}

/// A flat i1 mask tile widened to i8. In memory an i1 tile holds one byte per
/// element, while a vector<Nxi1> load reads N packed bits, so masks are read
/// as bytes and compared with zero.
static Value widenMask(OpBuilder &builder, Location loc, Value flatMask) {
  auto type = cast<RankedTensorType>(flatMask.getType());
  return arith::ExtUIOp::create(builder, loc, type.clone(builder.getI8Type()),
                                flatMask);
}

static Value readMaskLanes(OpBuilder &builder, Location loc, Value bytes,
                           Value offset, int64_t width) {
  if (!bytes)
    return arith::ConstantOp::create(
        builder, loc,
        SplatElementsAttr::get(VectorType::get({width}, builder.getI1Type()),
                               builder.getBoolAttr(true)));
  auto byteType = VectorType::get({width}, builder.getI8Type());
  Value laneBytes = readLanes(builder, loc, bytes, offset, byteType, {});
  Value zero = arith::ConstantOp::create(
      builder, loc,
      SplatElementsAttr::get(byteType, builder.getI8IntegerAttr(0)));
  return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ne,
                               laneBytes, zero);
}

static VectorType getAddressVectorType(MLIRContext *context, int64_t width) {
  return VectorType::get({width}, LLVM::LLVMPointerType::get(context));
}

/// What a vectorised tile access needs at each step: the lanes' pointers and
/// mask, read from the flattened pointer and mask tiles. When the pointer
/// tile has unit-stride runs (`contiguity` lanes, a divisor of the last
/// dimension), each vector covers part of one run and is one plain masked
/// vector load or store at its first lane's address.
class VectorAccess {
public:
  VectorAccess(OpBuilder &builder, Location loc, Value ptr, Value mask,
               Type element, int64_t numElements, int64_t contiguity)
      : ptrs(flatten(builder, loc, ptr)),
        maskBytes(mask ? widenMask(builder, loc, flatten(builder, loc, mask))
                       : Value()),
        numElements(numElements), contiguous(contiguity > 1),
        width(contiguous ? std::gcd<int64_t>(16, contiguity)
                         : getVectorWidth(numElements)),
        alignment(getElementBytes(element)),
        valueType(VectorType::get({width}, element)) {}

  /// The address of the vector's first lane (contiguous accesses).
  Value firstAddress(OpBuilder &b, Location l, Value offset) const {
    return toLLVMPointer(b, l, tensor::ExtractOp::create(b, l, ptrs, offset));
  }

  Value pointers(OpBuilder &b, Location l, Value offset) const {
    Value addresses = readLanes(b, l, ptrs, offset,
                                VectorType::get({width}, b.getI64Type()), {});
    return LLVM::IntToPtrOp::create(
        b, l, getAddressVectorType(b.getContext(), width), addresses);
  }

  Value mask(OpBuilder &b, Location l, Value offset) const {
    return readMaskLanes(b, l, maskBytes, offset, width);
  }

  Value ptrs, maskBytes;
  int64_t numElements;
  bool contiguous;
  int64_t width;
  unsigned alignment;
  VectorType valueType;
};

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
    scf::IfOp::create(builder, loc, laneMask, [&](OpBuilder &b, Location l) {
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
    unsigned width =
        getElementTypeOrSelf(offset.getType()).getIntOrFloatBitWidth();
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

/// Loads and stores see the contiguity of their pointer tiles, computed on
/// the tile IR before conversion.
template <typename SourceOp>
struct AccessPattern : public OpConversionPattern<SourceOp> {
  AccessPattern(const TypeConverter &converter, MLIRContext *context,
                const AccessContiguity &contiguity)
      : OpConversionPattern<SourceOp>(converter, context),
        contiguity(contiguity) {}

  const AccessContiguity &contiguity;
};

/// `arith.select` between pointers (Triton's `where` on pointer tiles)
/// selects between their addresses.
struct SelectOpLowering : public OpConversionPattern<arith::SelectOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, adaptor.getCondition(),
                                                 adaptor.getTrueValue(),
                                                 adaptor.getFalseValue());
    return success();
  }
};

struct LoadOpLowering : public AccessPattern<tile::LoadOp> {
  using AccessPattern::AccessPattern;

  static Value gather(OpBuilder &builder, Location loc, OpAdaptor adaptor,
                      RankedTensorType type, int64_t contiguity) {
    Type element = type.getElementType();
    VectorAccess access(builder, loc, adaptor.getPtr(), adaptor.getMask(),
                        element, type.getNumElements(), contiguity);
    Value other = adaptor.getOther() ? flatten(builder, loc, adaptor.getOther())
                                     : Value();
    Value init = tensor::EmptyOp::create(
        builder, loc, ArrayRef<int64_t>{access.numElements}, element);
    Value flat = buildVectorLoop(
        builder, loc, access.numElements, access.width, init,
        [&](OpBuilder &b, Location l, Value offset, ValueRange args) {
          // Named in order so that the IR reads addresses, mask, other.
          Value pointers = access.contiguous ? access.firstAddress(b, l, offset)
                                             : access.pointers(b, l, offset);
          Value laneMask = access.mask(b, l, offset);
          Value passThru = readLanes(b, l, other, offset, access.valueType,
                                     cast<TypedAttr>(b.getZeroAttr(element)));
          Value values =
              access.contiguous
                  ? LLVM::MaskedLoadOp::create(
                        b, l, access.valueType, pointers, laneMask, passThru,
                        b.getI32IntegerAttr(access.alignment))
                        .getResult()
                  : LLVM::masked_gather::create(
                        b, l, access.valueType, pointers, laneMask,
                        ValueRange{passThru}, access.alignment)
                        .getResult();
          return SmallVector<Value>{
              vector::TransferWriteOp::create(b, l, values, args[0],
                                              ValueRange{offset},
                                              ArrayRef<bool>{true})
                  .getResult()};
        })[0];
    return unflatten(builder, loc, flat, type);
  }

  LogicalResult
  matchAndRewrite(tile::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    Type elementType = getElementTypeOrSelf(resultType);
    bool isVolatile = op.getIsVolatile();
    if (!isVolatile && canVectorize(resultType)) {
      rewriter.replaceOp(op, gather(rewriter, op.getLoc(), adaptor,
                                    cast<RankedTensorType>(resultType),
                                    contiguity.lookup(op)));
      return success();
    }
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

struct StoreOpLowering : public AccessPattern<tile::StoreOp> {
  using AccessPattern::AccessPattern;

  static void scatter(OpBuilder &builder, Location loc, OpAdaptor adaptor,
                      RankedTensorType type, int64_t contiguity) {
    VectorAccess access(builder, loc, adaptor.getPtr(), adaptor.getMask(),
                        type.getElementType(), type.getNumElements(),
                        contiguity);
    Value values = flatten(builder, loc, adaptor.getValue());
    buildVectorLoop(
        builder, loc, access.numElements, access.width, {},
        [&](OpBuilder &b, Location l, Value offset, ValueRange) {
          Value pointers = access.contiguous ? access.firstAddress(b, l, offset)
                                             : access.pointers(b, l, offset);
          Value laneMask = access.mask(b, l, offset);
          Value laneValues =
              readLanes(b, l, values, offset, access.valueType, {});
          if (access.contiguous)
            LLVM::MaskedStoreOp::create(b, l, laneValues, pointers, laneMask,
                                        b.getI32IntegerAttr(access.alignment));
          else
            LLVM::masked_scatter::create(b, l, laneValues, pointers, laneMask,
                                         access.alignment);
          return SmallVector<Value>{};
        });
  }

  LogicalResult
  matchAndRewrite(tile::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type valueType = adaptor.getValue().getType();
    if (canVectorize(valueType)) {
      scatter(rewriter, op.getLoc(), adaptor, cast<RankedTensorType>(valueType),
              contiguity.lookup(op));
      rewriter.eraseOp(op);
      return success();
    }
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

/// Every scope is the whole process on the CPU, so the scope is dropped.
struct AtomicRMWOpLowering : public OpConversionPattern<tile::AtomicRMWOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AtomicRMWOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    Type elementType = getElementTypeOrSelf(resultType);
    LLVM::AtomicBinOp binOp = toLLVMAtomicBinOp(op.getKind());
    LLVM::AtomicOrdering ordering = toLLVMAtomicOrdering(op.getSem());
    Value result = buildPerLane(
        rewriter, op.getLoc(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          auto rmw = [&](OpBuilder &ab, Location l) -> Value {
            Value address = extractElement(ab, l, adaptor.getPtr(), ivs);
            Value value = extractElement(ab, l, adaptor.getValue(), ivs);
            return LLVM::AtomicRMWOp::create(
                ab, l, binOp, toLLVMPointer(ab, l, address), value, ordering);
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

void recur::populateLoadStoreOpToCPUPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const AccessContiguity &contiguity) {
  patterns.add<AddPtrOpLowering, AtomicRMWOpLowering, SelectOpLowering>(
      converter, patterns.getContext());
  patterns.add<LoadOpLowering, StoreOpLowering>(
      converter, patterns.getContext(), contiguity);
}
