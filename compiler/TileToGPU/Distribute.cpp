//===- Distribute.cpp - Per-thread elements of tiles on GPU targets -------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

TileToGPUTypeConverter::TileToGPUTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](tile::PtrType type) -> Type {
    return IntegerType::get(type.getContext(), 64);
  });
  addConversion([](tile::SharedBufferType type) -> Type {
    return LLVM::LLVMPointerType::get(type.getContext(), 3);
  });
  addConversion([this](RankedTensorType type) -> std::optional<Type> {
    FailureOr<tile::ThreadMapping> mapping = tile::getThreadMapping(type);
    if (failed(mapping))
      return std::nullopt;
    return VectorType::get({mapping->getNumElements()},
                           convertType(type.getElementType()));
  });
}

tile::ThreadMapping recur::getMapping(Type tileType) {
  return *tile::getThreadMapping(cast<RankedTensorType>(tileType));
}

Value recur::createI32(OpBuilder &builder, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(builder, loc, value, 32);
}

Value recur::getThreadId(OpBuilder &builder, Location loc) {
  Value id = gpu::ThreadIdOp::create(builder, loc, gpu::Dimension::x);
  return arith::IndexCastUIOp::create(builder, loc, builder.getI32Type(), id);
}

LaneAndWarp recur::getLaneAndWarp(OpBuilder &builder, Location loc,
                                  int64_t warpSize) {
  Value tid = getThreadId(builder, loc);
  Value size = createI32(builder, loc, warpSize);
  return {arith::RemUIOp::create(builder, loc, tid, size),
          arith::DivUIOp::create(builder, loc, tid, size)};
}

SmallVector<Value> recur::getBaseCoordinates(OpBuilder &builder, Location loc,
                                             const tile::ThreadMapping &m) {
  auto [lane, warp] = getLaneAndWarp(builder, loc, m.warpSize);
  auto field = [&](Value id, int64_t stride, int64_t count) {
    Value shifted = arith::DivUIOp::create(builder, loc, id,
                                           createI32(builder, loc, stride));
    return arith::RemUIOp::create(builder, loc, shifted,
                                  createI32(builder, loc, count));
  };
  SmallVector<Value> base;
  for (unsigned d = 0; d < m.getRank(); ++d) {
    Value laneCoord = field(lane, m.laneStride[d], m.lanes[d]);
    Value warpCoord = field(warp, m.warpStride[d], m.warps[d]);
    Value thread = arith::AddIOp::create(
        builder, loc,
        arith::MulIOp::create(builder, loc, warpCoord,
                              createI32(builder, loc, m.lanes[d])),
        laneCoord);
    Value first = arith::MulIOp::create(
        builder, loc, thread, createI32(builder, loc, m.sizePerThread[d]));
    base.push_back(arith::RemUIOp::create(builder, loc, first,
                                          createI32(builder, loc, m.shape[d])));
  }
  return base;
}

Value recur::isCanonicalHolder(OpBuilder &builder, Location loc,
                               const tile::ThreadMapping &m) {
  if (m.copyLaneBits == 0 && m.copyWarpBits == 0)
    return arith::ConstantIntOp::create(builder, loc, 1, 1);
  Value tid = getThreadId(builder, loc);
  // Thread id = warp * warpSize + lane: the copy bits of both, in one mask.
  int64_t mask = m.copyLaneBits | (m.copyWarpBits * m.warpSize);
  Value bits =
      arith::AndIOp::create(builder, loc, tid, createI32(builder, loc, mask));
  return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, bits,
                               createI32(builder, loc, 0));
}

SmallVector<Value> recur::unpackElements(OpBuilder &builder, Location loc,
                                         Value vector) {
  auto type = cast<VectorType>(vector.getType());
  SmallVector<Value> elements;
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    elements.push_back(vector::ExtractOp::create(builder, loc, vector, i));
  return elements;
}

Value recur::packElements(OpBuilder &builder, Location loc, Type vectorType,
                          ArrayRef<Value> elements) {
  return vector::FromElementsOp::create(builder, loc,
                                        cast<VectorType>(vectorType), elements);
}

Value recur::getSharedScratch(OpBuilder &builder, Location loc) {
  return LLVM::AddressOfOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext(), 3),
      kSharedScratchName);
}

int64_t recur::getStorageBytes(Type elementType) {
  if (isa<tile::PtrType>(elementType))
    return 8;
  return std::max<int64_t>(1, elementType.getIntOrFloatBitWidth() / 8);
}

Value recur::getRowMajorIndex(OpBuilder &builder, Location loc,
                              ArrayRef<Value> coordinates,
                              ArrayRef<int64_t> shape) {
  Value index = createI32(builder, loc, 0);
  for (auto [coordinate, size] : llvm::zip(coordinates, shape)) {
    index = arith::MulIOp::create(builder, loc, index,
                                  createI32(builder, loc, size));
    index = arith::AddIOp::create(builder, loc, index, coordinate);
  }
  return index;
}

SmallVector<Value> recur::getElementCoordinates(OpBuilder &builder,
                                                Location loc,
                                                const tile::ThreadMapping &m,
                                                ArrayRef<Value> base,
                                                int64_t e) {
  SmallVector<int64_t> offsets = m.getOffsets(e);
  SmallVector<Value> coordinates;
  for (auto [start, offset] : llvm::zip(base, offsets))
    coordinates.push_back(
        offset == 0 ? start
                    : arith::AddIOp::create(builder, loc, start,
                                            createI32(builder, loc, offset))
                          .getResult());
  return coordinates;
}

/// Memory holds i1 as i8 and addresses as i64.
static Type getStorageType(OpBuilder &builder, Type elementType) {
  if (elementType.isInteger(1))
    return builder.getI8Type();
  if (isa<tile::PtrType>(elementType))
    return builder.getI64Type();
  return elementType;
}

SmallVector<Value> recur::exchangeThroughShared(
    OpBuilder &builder, Location loc, Type elementType,
    ArrayRef<Value> elements, const tile::ThreadMapping &source,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> sourceIndex,
    const tile::ThreadMapping &result,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> resultIndex) {
  Type storage = getStorageType(builder, elementType);
  Value scratch = getSharedScratch(builder, loc);
  auto address = [&](Value index) {
    return LLVM::GEPOp::create(builder, loc, scratch.getType(), storage,
                               scratch, ValueRange{index});
  };
  // Another exchange may still be reading the scratch.
  gpu::BarrierOp::create(builder, loc);
  SmallVector<Value> base = getBaseCoordinates(builder, loc, source);
  for (auto [e, element] : llvm::enumerate(elements)) {
    Value index = sourceIndex(builder, loc,
                              getElementCoordinates(builder, loc, source, base,
                                                    static_cast<int64_t>(e)));
    Value stored = element;
    if (storage != element.getType())
      stored = arith::ExtUIOp::create(builder, loc, storage, element);
    LLVM::StoreOp::create(builder, loc, stored, address(index));
  }
  gpu::BarrierOp::create(builder, loc);
  SmallVector<Value> loaded;
  SmallVector<Value> resultBase = getBaseCoordinates(builder, loc, result);
  for (int64_t e = 0, n = result.getNumElements(); e < n; ++e) {
    Value index =
        resultIndex(builder, loc,
                    getElementCoordinates(builder, loc, result, resultBase, e));
    Value value = LLVM::LoadOp::create(builder, loc, storage, address(index));
    if (elementType.isInteger(1))
      value = arith::TruncIOp::create(builder, loc, builder.getI1Type(), value);
    loaded.push_back(value);
  }
  return loaded;
}

Value recur::allTrue(OpBuilder &builder, Location loc, ArrayRef<Value> bits) {
  Value all = bits.front();
  for (Value bit : bits.drop_front())
    all = arith::AndIOp::create(builder, loc, all, bit);
  return all;
}

int64_t recur::getSharedScratchBytes(Operation *op, bool registerAccumulators) {
  auto tileBytes = [](Type type) {
    auto tensor = cast<RankedTensorType>(type);
    return tensor.getNumElements() * getStorageBytes(tensor.getElementType());
  };
  if (isa<tile::ConvertLayoutOp, tile::TransOp, tile::ReshapeOp>(op))
    return tileBytes(op->getOperand(0).getType());
  if (auto atomic = dyn_cast<tile::AtomicRMWOp>(op)) {
    // The old values, for the threads that hold copies (or all threads,
    // for a scalar atomic).
    auto tile = dyn_cast<RankedTensorType>(atomic.getType());
    return tile ? tileBytes(tile) : getStorageBytes(atomic.getType());
  }
  if (auto dot = dyn_cast<tile::DotOp>(op)) {
    // Both operands (in the wider of their type and the accumulator's: the
    // FMA form extends them, mma.sync keeps them), and for mma.sync the
    // accumulator in f32.
    RankedTensorType a = dot.getA().getType(), b = dot.getB().getType();
    RankedTensorType c = dot.getType();
    // An accumulator in mma.sync's fragment layout stays in registers, and
    // operands read from an asynchronous copy's slot are not staged.
    if (registerAccumulators && getMmaShape(dot) &&
        isMmaAccumulatorLayout(c.getEncoding(), c.getShape())) {
      auto staged = [](Value operand, RankedTensorType type) -> int64_t {
        return operand.getDefiningOp<tile::LocalLoadOp>()
                   ? 0
                   : type.getNumElements();
      };
      return (staged(dot.getA(), a) + staged(dot.getB(), b)) *
             getStorageBytes(a.getElementType());
    }
    int64_t bytes = std::max(getStorageBytes(a.getElementType()),
                             getStorageBytes(c.getElementType()));
    return (a.getNumElements() + b.getNumElements()) * bytes +
           c.getNumElements() * 4;
  }
  if (isa<tile::ReduceOp, tile::ScanOp>(op)) {
    unsigned axis = isa<tile::ReduceOp>(op) ? cast<tile::ReduceOp>(op).getAxis()
                                            : cast<tile::ScanOp>(op).getAxis();
    tile::ThreadMapping m = getMapping(op->getOperand(0).getType());
    return WarpPartialSlots(op, axis, m.getDistinctWarps(axis)).getBytes();
  }
  return 0;
}

Value recur::shuffleScalar(OpBuilder &b, Location loc, Value value,
                           Value offset, unsigned warpSize,
                           gpu::ShuffleMode mode) {
  Type type = value.getType();
  Type i32 = b.getI32Type();
  auto shuffle32 = [&](Value word) {
    return gpu::ShuffleOp::create(b, loc, word, offset,
                                  createI32(b, loc, warpSize), mode)
        .getShuffleResult();
  };
  unsigned bits = type.getIntOrFloatBitWidth();
  if (type.isF32() || type.isInteger(32))
    return shuffle32(value);
  if (bits < 32) {
    Type integer = b.getIntegerType(bits);
    Value word = value;
    if (type != integer)
      word = arith::BitcastOp::create(b, loc, integer, word);
    word = arith::ExtUIOp::create(b, loc, i32, word);
    Value result = arith::TruncIOp::create(b, loc, integer, shuffle32(word));
    return type == integer
               ? result
               : arith::BitcastOp::create(b, loc, type, result).getResult();
  }
  // 64 bits: two words.
  Type i64 = b.getI64Type();
  Value whole = type == i64
                    ? value
                    : arith::BitcastOp::create(b, loc, i64, value).getResult();
  Value low = arith::TruncIOp::create(b, loc, i32, whole);
  Value high = arith::TruncIOp::create(
      b, loc, i32,
      arith::ShRUIOp::create(b, loc, whole,
                             arith::ConstantIntOp::create(b, loc, 32, 64)));
  Value lowResult = arith::ExtUIOp::create(b, loc, i64, shuffle32(low));
  Value highResult = arith::ShLIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, i64, shuffle32(high)),
      arith::ConstantIntOp::create(b, loc, 32, 64));
  Value result = arith::OrIOp::create(b, loc, lowResult, highResult);
  return type == i64
             ? result
             : arith::BitcastOp::create(b, loc, type, result).getResult();
}

SmallVector<SmallVector<int64_t>>
recur::getLinesAlong(const tile::ThreadMapping &m, unsigned axis) {
  SmallVector<SmallVector<int64_t>> lines;
  llvm::DenseMap<int64_t, int64_t> lineOf;
  for (int64_t e = 0; e < m.getNumElements(); ++e) {
    SmallVector<int64_t> indices = m.getIndices(e);
    int64_t position = indices[axis];
    indices[axis] = 0;
    auto [it, inserted] =
        lineOf.try_emplace(m.getElementIndex(indices), lines.size());
    if (inserted)
      lines.emplace_back(m.perThread[axis], -1);
    lines[it->second][position] = e;
  }
  return lines;
}

WarpPartialSlots::WarpPartialSlots(Operation *op, unsigned axis, int64_t warps)
    : axis(axis), warps(warps) {
  auto type = cast<RankedTensorType>(op->getOperand(0).getType());
  lineShape.assign(type.getShape().begin(), type.getShape().end());
  lineShape[axis] = 1;
  int64_t lines = type.getNumElements() / type.getDimSize(axis);
  for (Value src : op->getOperands()) {
    offsets.push_back(bytes);
    slotBytes.push_back(std::max<int64_t>(
        4, getStorageBytes(getElementTypeOrSelf(src.getType()))));
    bytes += lines * warps * slotBytes.back();
  }
}

Value WarpPartialSlots::getLineIndex(OpBuilder &b, Location loc,
                                     const tile::ThreadMapping &mapping,
                                     ArrayRef<Value> base, int64_t e) const {
  SmallVector<Value> coordinates =
      getElementCoordinates(b, loc, mapping, base, e);
  coordinates[axis] = createI32(b, loc, 0);
  return getRowMajorIndex(b, loc, coordinates, lineShape);
}

Value WarpPartialSlots::getAddress(OpBuilder &b, Location loc, Value scratch,
                                   size_t s, Value line, Value warp) const {
  Value slot = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, line, createI32(b, loc, warps)),
      warp);
  Value at = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, slot, createI32(b, loc, slotBytes[s])),
      createI32(b, loc, offsets[s]));
  return LLVM::GEPOp::create(b, loc, scratch.getType(), b.getI8Type(), scratch,
                             ValueRange{at});
}
