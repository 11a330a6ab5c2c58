//===- TileOps.cpp - Tile dialect operations: builders and verifiers ------===//

#include "dialects/tile/TileOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace recur::tile;

#define GET_OP_CLASSES
#include "dialects/tile/TileOps.cpp.inc"

//===----------------------------------------------------------------------===//
// FuncOp / CallOp / ReturnOp
//===----------------------------------------------------------------------===//

void FuncOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   FunctionType type) {
  state.addAttribute(SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute(getFunctionTypeAttrName(state.name), TypeAttr::get(type));
  state.addRegion();
}

ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType =
      [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
         function_interface_impl::VariadicFlag,
         std::string &) { return builder.getFunctionType(argTypes, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFuncType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void FuncOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(
      printer, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

LogicalResult FuncOp::verify() {
  if (!isKernel())
    return success();
  if (isExternal())
    return emitOpError("kernel '") << getSymName() << "' has no body";
  if (!getResultTypes().empty())
    return emitOpError("kernel '") << getSymName() << "' must return nothing";
  for (auto [index, type] : llvm::enumerate(getArgumentTypes()))
    if (!isTileElementType(type))
      return emitOpError("kernel argument #")
             << index << " must be a scalar or pointer, got " << type;
  return success();
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto fn = symbolTable.lookupNearestSymbolFrom<FuncOp>(*this, getCalleeAttr());
  if (!fn)
    return emitOpError("'")
           << getCallee() << "' does not reference a tile.func";
  FunctionType type = fn.getFunctionType();
  if (!llvm::equal(type.getInputs(), getOperandTypes()) ||
      !llvm::equal(type.getResults(), getResultTypes()))
    return emitOpError("type ")
           << getCalleeType() << " does not match callee type " << type;
  return success();
}

LogicalResult ReturnOp::verify() {
  auto fn = (*this)->getParentOfType<FuncOp>();
  if (!llvm::equal(fn.getResultTypes(), getOperandTypes()))
    return emitOpError("returns ")
           << getOperandTypes() << " but the function returns "
           << fn.getResultTypes();
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

LogicalResult MakeRangeOp::verify() {
  // I32Attr getters return uint32_t; read the attributes as signed.
  int64_t start = getStartAttr().getInt(), end = getEndAttr().getInt();
  if (end <= start)
    return emitOpError("needs start < end, got [")
           << start << ", " << end << ")";
  auto type = getResult().getType();
  if (type.getRank() != 1 || type.getDimSize(0) != end - start)
    return emitOpError("result must be tensor<")
           << end - start << "xi32>, got " << type;
  return success();
}

LogicalResult BroadcastOp::verify() {
  auto src = getSrc().getType(), dst = getResult().getType();
  if (src.getRank() != dst.getRank())
    return emitOpError("source rank ")
           << src.getRank() << " differs from result rank " << dst.getRank()
           << "; insert dimensions with tile.expand_dims first";
  for (int64_t i = 0, e = src.getRank(); i < e; ++i)
    if (src.getDimSize(i) != 1 && src.getDimSize(i) != dst.getDimSize(i))
      return emitOpError("dimension ")
             << i << " of size " << src.getDimSize(i) << " cannot broadcast to "
             << dst.getDimSize(i);
  return success();
}

LogicalResult ExpandDimsOp::verify() {
  auto src = getSrc().getType(), dst = getResult().getType();
  int64_t axis = getAxisAttr().getInt();
  if (axis < 0 || axis > src.getRank())
    return emitOpError("axis ")
           << axis << " out of range [0, " << src.getRank() << "]";
  SmallVector<int64_t> shape(src.getShape());
  shape.insert(shape.begin() + axis, 1);
  if (dst.getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("result type ")
           << dst << " does not insert a unit dimension at axis " << axis;
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto src = getSrc().getType(), dst = getResult().getType();
  if (src.getNumElements() != dst.getNumElements())
    return emitOpError("cannot reshape ")
           << src.getNumElements() << " elements into " << dst.getNumElements();
  return success();
}

/// Whether `order` permutes the dimensions of `src` into those of `dst`:
/// dimension `i` of `dst` is dimension `order[i]` of `src`.
static LogicalResult verifyPermutation(Operation *op, ArrayRef<int32_t> order,
                                       ArrayRef<int64_t> src,
                                       ArrayRef<int64_t> dst) {
  int64_t rank = src.size();
  if (static_cast<int64_t>(dst.size()) != rank)
    return op->emitOpError("result rank ")
           << dst.size() << " differs from source rank " << rank;
  if (static_cast<int64_t>(order.size()) != rank)
    return op->emitOpError("order has ")
           << order.size() << " entries for a rank-" << rank << " source";
  SmallVector<bool> seen(order.size(), false);
  for (int32_t dim : order) {
    if (dim < 0 || dim >= rank || seen[dim])
      return op->emitOpError("order must be a permutation of [0, ")
             << rank << ")";
    seen[dim] = true;
  }
  for (auto [i, dim] : llvm::enumerate(order))
    if (dst[i] != src[dim])
      return op->emitOpError("result dimension ")
             << i << " must be source dimension " << dim << " of size "
             << src[dim];
  return success();
}

LogicalResult TransOp::verify() {
  return verifyPermutation(*this, getOrder(), getSrc().getType().getShape(),
                           getResult().getType().getShape());
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

LogicalResult AddPtrOp::verify() {
  auto ptrTensor = dyn_cast<RankedTensorType>(getPtr().getType());
  auto offTensor = dyn_cast<RankedTensorType>(getOffset().getType());
  if (static_cast<bool>(ptrTensor) != static_cast<bool>(offTensor))
    return emitOpError("pointer and offset must both be scalars or both be "
                       "tensors; splat the scalar first");
  if (ptrTensor && ptrTensor.getShape() != offTensor.getShape())
    return emitOpError("offset shape differs from pointer shape");
  return success();
}

void LoadOp::build(OpBuilder &builder, OperationState &state, Value ptr,
                   Value mask, Value other) {
  build(builder, state, getPointeeTypeLike(ptr.getType()), ptr, mask, other,
        /*cache=*/nullptr, /*evict=*/nullptr, /*isVolatile=*/false);
}

LogicalResult LoadOp::verify() {
  if (getOther() && !getMask())
    return emitOpError("'other' needs a mask: without one every lane loads");
  return success();
}

LogicalResult AtomicRMWOp::verify() {
  Type element = mlir::getElementTypeOrSelf(getValue().getType());
  bool isFloat = isa<FloatType>(element);
  switch (getKind()) {
  case RMWKind::fadd:
  case RMWKind::fmax:
  case RMWKind::fmin:
    if (!isFloat)
      return emitOpError("'")
             << stringifyRMWKind(getKind())
             << "' needs floating-point values, got " << element;
    break;
  case RMWKind::xchg:
    break;
  default:
    if (isFloat)
      return emitOpError("'") << stringifyRMWKind(getKind())
                              << "' needs integer values, got " << element;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

namespace {
/// Whether `value` is a tile of zeros (a dense splat or a tile.splat).
bool isZeroTile(Value value) {
  if (auto splat = value.getDefiningOp<SplatOp>())
    value = splat.getSrc();
  return matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero());
}

/// add(x, dot(a, b, 0)) -> dot(a, b, x): `acc += dot(a, b)` accumulates
/// into acc directly, as Triton combines it, so that the accumulator stays
/// where the dot keeps it (in registers, in mma.sync's fragment layout).
template <typename AddOp>
struct AccumulateIntoDot : public OpRewritePattern<AddOp> {
  using OpRewritePattern<AddOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (auto [product, other] : {std::pair(add.getLhs(), add.getRhs()),
                                  std::pair(add.getRhs(), add.getLhs())}) {
      auto dot = product.template getDefiningOp<DotOp>();
      if (!dot || !dot->hasOneUse() || other.getType() != dot.getType() ||
          !isZeroTile(dot.getAcc()))
        continue;
      rewriter.replaceOpWithNewOp<DotOp>(add, dot.getType(), dot.getA(),
                                         dot.getB(), other,
                                         dot.getInputPrecisionAttr());
      rewriter.eraseOp(dot);
      return success();
    }
    return failure();
  }
};
} // namespace

void DotOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                        MLIRContext *context) {
  results
      .add<AccumulateIntoDot<arith::AddFOp>, AccumulateIntoDot<arith::AddIOp>>(
          context);
}

LogicalResult DotOp::verify() {
  auto a = getA().getType(), b = getB().getType(), acc = getAcc().getType();
  if (a.getRank() != 2 || b.getRank() != 2 || acc.getRank() != 2)
    return emitOpError("operands must be 2-D, got ")
           << a << ", " << b << ", " << acc;
  if (a.getDimSize(1) != b.getDimSize(0))
    return emitOpError("contraction sizes differ: a is ")
           << a.getDimSize(0) << "x" << a.getDimSize(1) << ", b is "
           << b.getDimSize(0) << "x" << b.getDimSize(1);
  if (acc.getDimSize(0) != a.getDimSize(0) ||
      acc.getDimSize(1) != b.getDimSize(1))
    return emitOpError("accumulator must be ")
           << a.getDimSize(0) << "x" << b.getDimSize(1) << ", got " << acc;
  if (a.getElementType() != b.getElementType())
    return emitOpError("a and b element types differ: ")
           << a.getElementType() << " vs " << b.getElementType();
  bool floatIn = isa<FloatType>(a.getElementType());
  bool floatAcc = isa<FloatType>(acc.getElementType());
  if (floatIn != floatAcc)
    return emitOpError("cannot accumulate ")
           << a.getElementType() << " products in " << acc.getElementType();
  if (acc.getElementType().getIntOrFloatBitWidth() <
      a.getElementType().getIntOrFloatBitWidth())
    return emitOpError("accumulator ")
           << acc.getElementType() << " is narrower than the operands "
           << a.getElementType();
  // Operands extend to the accumulator type, so a different accumulator must
  // be strictly wider: f16 and bf16 do not convert into each other.
  if (acc.getElementType() != a.getElementType() &&
      acc.getElementType().getIntOrFloatBitWidth() ==
          a.getElementType().getIntOrFloatBitWidth())
    return emitOpError("cannot extend ")
           << a.getElementType() << " operands to a " << acc.getElementType()
           << " accumulator";
  return success();
}

/// Checks what reduce and scan share: same-shaped sources, an axis in range,
/// and a combine region mapping (accumulators..., elements...) to scalars of
/// the source element types.
static LogicalResult verifyCombine(Operation *op, ValueRange srcs, int64_t axis,
                                   Region &combine) {
  if (srcs.empty())
    return op->emitOpError("needs at least one source");
  auto first = cast<RankedTensorType>(srcs.front().getType());
  for (Value src : srcs)
    if (cast<RankedTensorType>(src.getType()).getShape() != first.getShape())
      return op->emitOpError("sources must share one shape");
  if (axis < 0 || axis >= first.getRank())
    return op->emitOpError("axis ")
           << axis << " out of range for rank " << first.getRank();
  Block &block = combine.front();
  size_t n = srcs.size();
  if (block.getNumArguments() != 2 * n)
    return op->emitOpError("combine region takes ")
           << block.getNumArguments() << " arguments, expected " << 2 * n;
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().size() != n)
    return yield.emitOpError("yields ")
           << yield.getValues().size() << " values, expected " << n;
  for (size_t i = 0; i < n; ++i) {
    Type element = cast<RankedTensorType>(srcs[i].getType()).getElementType();
    if (block.getArgument(i).getType() != element ||
        block.getArgument(i + n).getType() != element)
      return op->emitOpError("combine arguments ")
             << i << " and " << i + n << " must be " << element;
    if (yield.getValues()[i].getType() != element)
      return yield.emitOpError("value ") << i << " must be " << element;
  }
  return success();
}

LogicalResult ReduceOp::verifyRegions() {
  if (failed(verifyCombine(*this, getSrcs(), getAxisAttr().getInt(),
                           getCombineOp())))
    return failure();
  if (getResults().size() != getSrcs().size())
    return emitOpError("has ") << getResults().size() << " results for "
                               << getSrcs().size() << " sources";
  for (auto [src, result] : llvm::zip(getSrcs(), getResults())) {
    auto srcType = cast<RankedTensorType>(src.getType());
    Type expected = srcType.getElementType();
    if (srcType.getRank() > 1) {
      SmallVector<int64_t> shape(srcType.getShape());
      shape.erase(shape.begin() + getAxis());
      expected = RankedTensorType::get(shape, srcType.getElementType());
    }
    // Layouts (GPU encodings) of the result are the lowering's business.
    Type actual = result.getType();
    if (auto tensor = dyn_cast<RankedTensorType>(actual))
      actual =
          RankedTensorType::get(tensor.getShape(), tensor.getElementType());
    if (actual != expected)
      return emitOpError("result type ")
             << result.getType() << " should be " << expected;
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  if (failed(verifyCombine(*this, getSrcs(), getAxisAttr().getInt(),
                           getCombineOp())))
    return failure();
  if (getResultTypes() != getSrcs().getTypes())
    return emitOpError("result types must equal source types");
  return success();
}

//===----------------------------------------------------------------------===//
// ConvertLayoutOp
//===----------------------------------------------------------------------===//

OpFoldResult ConvertLayoutOp::fold(FoldAdaptor adaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  // A splat holds the same value in every layout.
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getSrc()))
    return splat.reshape(getType());
  // convert(convert(x)) moves the elements of x once.
  if (auto inner = getSrc().getDefiningOp<ConvertLayoutOp>()) {
    if (inner.getSrc().getType() == getType())
      return inner.getSrc();
    getSrcMutable().assign(inner.getSrc());
    return getResult();
  }
  return {};
}

/// Whether `tile` (its layout aside) is one slot of `buffer`.
static LogicalResult verifySlotType(Operation *op, RankedTensorType tile,
                                    SharedBufferType buffer, StringRef what) {
  RankedTensorType slot = buffer.getSlotType();
  if (tile.getShape() != slot.getShape() ||
      tile.getElementType() != slot.getElementType())
    return op->emitOpError()
           << what << " " << tile << " does not match the buffer's slots of "
           << slot;
  return success();
}

LogicalResult AsyncCopyOp::verify() {
  RankedTensorType ptr = getPtr().getType();
  return verifySlotType(*this, cast<RankedTensorType>(getPointeeTypeLike(ptr)),
                        getBuffer().getType(), "the tile at 'ptr',");
}

LogicalResult LocalLoadOp::verify() {
  auto result = cast<RankedTensorType>(getType());
  std::optional<ArrayRef<int32_t>> order = getOrder();
  if (!order)
    return verifySlotType(*this, result, getBuffer().getType(), "the result");
  RankedTensorType slot = getBuffer().getType().getSlotType();
  if (result.getElementType() != slot.getElementType())
    return emitOpError("the result's element type ")
           << result.getElementType() << " is not the buffer's "
           << slot.getElementType();
  return verifyPermutation(*this, *order, slot.getShape(), result.getShape());
}
