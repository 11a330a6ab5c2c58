//===- TileBuilder.cpp - Terse construction of tile programs --------------===//

#include "compiler/SeqToTile/TileBuilder.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace recur;

ArrayRef<int64_t> TileBuilder::shapeOf(Value value) {
  if (auto tensor = dyn_cast<RankedTensorType>(value.getType()))
    return tensor.getShape();
  return {};
}

Type TileBuilder::elementTypeOf(Value value) {
  return getElementTypeOrSelf(value.getType());
}

Type TileBuilder::tileType(ArrayRef<int64_t> shape, Type element) {
  if (shape.empty())
    return element;
  return RankedTensorType::get(shape, element);
}

Value TileBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

Value TileBuilder::f32(double value) {
  return floatConst(value, b.getF32Type());
}

Value TileBuilder::floatConst(double value, Type type) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value TileBuilder::range(int64_t n) {
  return tile::MakeRangeOp::create(b, loc, tileType({n}, b.getI32Type()),
                                   b.getI32IntegerAttr(0),
                                   b.getI32IntegerAttr(n));
}

Value TileBuilder::programId(unsigned axis) {
  return tile::ProgramIdOp::create(b, loc, b.getI32Type(),
                                   static_cast<tile::GridAxis>(axis));
}

Value TileBuilder::zeros(ArrayRef<int64_t> shape, Type elementType) {
  Type type = tileType(shape, elementType);
  TypedAttr zero = b.getZeroAttr(elementType);
  if (shape.empty())
    return arith::ConstantOp::create(b, loc, zero);
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(cast<ShapedType>(type), zero));
}

Value TileBuilder::expandDims(Value value, unsigned axis) {
  SmallVector<int64_t> shape(shapeOf(value));
  shape.insert(shape.begin() + axis, 1);
  return tile::ExpandDimsOp::create(b, loc,
                                    tileType(shape, elementTypeOf(value)),
                                    value, b.getI32IntegerAttr(axis));
}

Value TileBuilder::broadcastTo(Value value, ArrayRef<int64_t> shape) {
  ArrayRef<int64_t> current = shapeOf(value);
  if (current == shape)
    return value;
  Type type = tileType(shape, elementTypeOf(value));
  if (current.empty())
    return tile::SplatOp::create(b, loc, type, value);
  while (shapeOf(value).size() < shape.size())
    value = expandDims(value, 0);
  if (shapeOf(value) == shape)
    return value;
  return tile::BroadcastOp::create(b, loc, type, value);
}

Value TileBuilder::trans(Value value) {
  ArrayRef<int64_t> shape = shapeOf(value);
  return tile::TransOp::create(
      b, loc, tileType({shape[1], shape[0]}, elementTypeOf(value)), value,
      b.getDenseI32ArrayAttr({1, 0}));
}

std::pair<Value, Value> TileBuilder::broadcastPair(Value lhs, Value rhs) {
  ArrayRef<int64_t> a = shapeOf(lhs), c = shapeOf(rhs);
  size_t rank = std::max(a.size(), c.size());
  SmallVector<int64_t> shape(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    int64_t y = i + c.size() >= rank ? c[i + c.size() - rank] : 1;
    shape[i] = std::max(x, y);
  }
  return {broadcastTo(lhs, shape), broadcastTo(rhs, shape)};
}

Value TileBuilder::add(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  if (isa<FloatType>(elementTypeOf(x)))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value TileBuilder::sub(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  if (isa<FloatType>(elementTypeOf(x)))
    return arith::SubFOp::create(b, loc, x, y);
  return arith::SubIOp::create(b, loc, x, y);
}

Value TileBuilder::mul(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  if (isa<FloatType>(elementTypeOf(x)))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value TileBuilder::div(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::DivFOp::create(b, loc, x, y);
}

Value TileBuilder::exp(Value value) {
  return math::ExpOp::create(b, loc, value);
}

Value TileBuilder::log(Value value) {
  return math::LogOp::create(b, loc, value);
}

Value TileBuilder::log1p(Value value) {
  return math::Log1pOp::create(b, loc, value);
}

Value TileBuilder::tanh(Value value) {
  return math::TanhOp::create(b, loc, value);
}

Value TileBuilder::sigmoid(Value value) {
  Value one = floatConst(1.0, elementTypeOf(value));
  return div(one, add(one, exp(arith::NegFOp::create(b, loc, value))));
}

Value TileBuilder::abs(Value value) {
  return math::AbsFOp::create(b, loc, value);
}

Value TileBuilder::maximum(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  if (isa<FloatType>(elementTypeOf(x)))
    return arith::MaximumFOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value TileBuilder::minSigned(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::MinSIOp::create(b, loc, x, y);
}

Value TileBuilder::divSigned(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::DivSIOp::create(b, loc, x, y);
}

Value TileBuilder::floatEq(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
}

Value TileBuilder::floatGt(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
}

Value TileBuilder::floatGtOrNaN(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGT, x, y);
}

Value TileBuilder::le(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, x, y);
}

Value TileBuilder::lt(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
}

Value TileBuilder::ge(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, x, y);
}

Value TileBuilder::logicalAnd(Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  return arith::AndIOp::create(b, loc, x, y);
}

Value TileBuilder::select(Value condition, Value lhs, Value rhs) {
  auto [x, y] = broadcastPair(lhs, rhs);
  Value c = broadcastTo(condition, shapeOf(x));
  return arith::SelectOp::create(b, loc, c, x, y);
}

Value TileBuilder::castFloat(Value value, Type elementType) {
  Type from = elementTypeOf(value);
  if (from == elementType)
    return value;
  Type type = tileType(shapeOf(value), elementType);
  if (from.getIntOrFloatBitWidth() < elementType.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, type, value);
  return arith::TruncFOp::create(b, loc, type, value);
}

Value TileBuilder::load(Value base, Value offsets, Value mask) {
  ArrayRef<int64_t> shape = shapeOf(offsets);
  Type ptrs = tileType(shape, base.getType());
  Value address = tile::AddPtrOp::create(
      b, loc, ptrs, tile::SplatOp::create(b, loc, ptrs, base), offsets);
  Type element = cast<tile::PtrType>(base.getType()).getPointeeType();
  return tile::LoadOp::create(b, loc, address, broadcastTo(mask, shape),
                              zeros(shape, element));
}

void TileBuilder::store(Value base, Value offsets, Value value, Value mask) {
  ArrayRef<int64_t> shape = shapeOf(offsets);
  Type ptrs = tileType(shape, base.getType());
  Value address = tile::AddPtrOp::create(
      b, loc, ptrs, tile::SplatOp::create(b, loc, ptrs, base), offsets);
  tile::StoreOp::create(b, loc, address, value, broadcastTo(mask, shape),
                        /*cache=*/nullptr, /*evict=*/nullptr);
}

Value TileBuilder::loadScalar(Value base, Value offset) {
  Value address = tile::AddPtrOp::create(b, loc, base.getType(), base, offset);
  return tile::LoadOp::create(b, loc, address);
}

void TileBuilder::atomicMax(Value base, Value value) {
  tile::RMWKind kind = isa<FloatType>(value.getType()) ? tile::RMWKind::fmax
                                                       : tile::RMWKind::max;
  tile::AtomicRMWOp::create(b, loc, value.getType(), kind,
                            tile::MemSemantic::acq_rel, tile::MemScope::gpu,
                            base, value, /*mask=*/nullptr);
}

Value TileBuilder::dot(Value lhs, Value rhs, Value acc) {
  return tile::DotOp::create(b, loc, acc.getType(), lhs, rhs, acc,
                             /*inputPrecision=*/nullptr);
}

Value TileBuilder::combine(Operation *op, Type element,
                           function_ref<Value(Value, Value)> combine) {
  OpBuilder::InsertionGuard guard(b);
  Block *block =
      b.createBlock(&op->getRegion(0), {}, {element, element}, {loc, loc});
  Value result = combine(block->getArgument(0), block->getArgument(1));
  tile::YieldOp::create(b, loc, ValueRange{result});
  return op->getResult(0);
}

static tile::ReduceOp createReduce(OpBuilder &b, Location loc, Value value,
                                   unsigned axis) {
  SmallVector<int64_t> shape(TileBuilder::shapeOf(value));
  shape.erase(shape.begin() + axis);
  Type element = TileBuilder::elementTypeOf(value);
  Type type = shape.empty() ? element : RankedTensorType::get(shape, element);
  return tile::ReduceOp::create(b, loc, TypeRange{type}, ValueRange{value},
                                b.getI32IntegerAttr(axis));
}

Value TileBuilder::sum(Value value, unsigned axis) {
  return combine(
      createReduce(b, loc, value, axis), elementTypeOf(value),
      [&](Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); });
}

Value TileBuilder::max(Value value, unsigned axis) {
  return combine(createReduce(b, loc, value, axis), elementTypeOf(value),
                 [&](Value x, Value y) {
                   return arith::MaximumFOp::create(b, loc, x, y);
                 });
}

Value TileBuilder::cumsum(Value value, unsigned axis) {
  auto scan = tile::ScanOp::create(b, loc, TypeRange{value.getType()},
                                   ValueRange{value}, b.getI32IntegerAttr(axis),
                                   /*reverse=*/nullptr);
  return combine(scan, elementTypeOf(value), [&](Value x, Value y) {
    return arith::AddFOp::create(b, loc, x, y);
  });
}

SmallVector<Value> TileBuilder::scan(
    ValueRange values, unsigned axis,
    function_ref<SmallVector<Value>(TileBuilder &, ValueRange, ValueRange)>
        combine) {
  auto scan =
      tile::ScanOp::create(b, loc, values.getTypes(), values,
                           b.getI32IntegerAttr(axis), /*reverse=*/nullptr);
  OpBuilder::InsertionGuard guard(b);
  SmallVector<Type> elements;
  for (Value value : values)
    elements.push_back(elementTypeOf(value));
  SmallVector<Type> argumentTypes(elements);
  argumentTypes.append(elements);
  SmallVector<Location> locations(argumentTypes.size(), loc);
  Block *block =
      b.createBlock(&scan.getCombineOp(), {}, argumentTypes, locations);
  TileBuilder inner(b, loc);
  unsigned n = values.size();
  SmallVector<Value> combined =
      combine(inner, block->getArguments().take_front(n),
              block->getArguments().drop_front(n));
  tile::YieldOp::create(b, loc, combined);
  return SmallVector<Value>(scan.getResults());
}
