//===- AssignLayouts.cpp - The tile-gpu-assign-layouts pass ---------------===//
//
// Types are rewritten in place, op by op in program order, rather than by
// patterns: a value's layout depends on its users (slices for tiles that
// feed expand_dims) and on its producer, and every region-carrying op must
// agree with the layouts of its yields, which a single ordered walk settles
// with one conversion per disagreement.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileLayouts.h"
#include "dialects/tile/TileOps.h"

#include "llvm/Support/MathExtras.h"

namespace recur {
#define GEN_PASS_DEF_TILEGPUASSIGNLAYOUTS
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

namespace {

/// The largest power of two at most `value` (and at least 1).
int64_t floorPowerOf2(int64_t value) {
  return value <= 1 ? 1 : int64_t(1) << llvm::Log2_64(value);
}

static bool isRankedTile(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() > 0;
}

/// Ops that may be cloned in another layout: side-effect free, one result,
/// no regions; a range, splat, constant, shape op or elementwise op.
static bool isRematerializable(Operation *op) {
  if (!op || op->getNumResults() != 1 || op->getNumRegions() != 0 ||
      !isMemoryEffectFree(op))
    return false;
  return isa<tile::MakeRangeOp, tile::SplatOp, arith::ConstantOp,
             tile::ExpandDimsOp, tile::BroadcastOp>(op) ||
         op->hasTrait<OpTrait::Elementwise>();
}

/// Whether `value` is computed from ranges, splats and constants alone, so
/// that any layout of it costs no data movement.
static bool isIndexComputation(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (depth > 8 || !isRematerializable(op))
    return false;
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    return !isRankedTile(operand.getType()) ||
           isIndexComputation(operand, depth + 1);
  });
}

class LayoutAssigner {
public:
  LayoutAssigner(tile::FuncOp kernel, unsigned numWarps, unsigned warpSize,
                 bool mmaLayouts)
      : kernel(kernel), numWarps(numWarps), warpSize(warpSize),
        mmaLayouts(mmaLayouts) {}

  LogicalResult run();

private:
  tile::BlockedLayoutAttr getDefaultLayout(ArrayRef<int64_t> shape);
  /// The default layout for `value`'s shape.
  tile::BlockedLayoutAttr getDefaultLayoutOf(Value value) {
    return getDefaultLayout(cast<RankedTensorType>(value.getType()).getShape());
  }
  /// `getHint`'s layout for `value` when it is blocked; else the default
  /// for its shape.
  tile::BlockedLayoutAttr getBlockedHint(Value value);
  /// The mma.sync accumulator layout for the result of `value`'s producer:
  /// a dot that mma.sync runs, or a loop whose result such a dot yields.
  Attribute getMmaLayout(Value value, unsigned depth = 0);
  Attribute getHint(Value value, unsigned depth = 0);
  RankedTensorType withLayout(Type type, Attribute layout) {
    auto tensor = cast<RankedTensorType>(type);
    return RankedTensorType::get(tensor.getShape(), tensor.getElementType(),
                                 layout);
  }
  /// Makes `operand` of `user` have `layout`: rematerialised there when it
  /// is computed from indices and constants alone, else converted.
  void require(Operation *user, OpOperand &operand, Attribute layout);
  /// `value` recomputed in `layout` right after its producer, or null when
  /// it depends on memory, arguments or ops that move elements between
  /// threads.
  Value rematerialize(Value value, Attribute layout, unsigned depth = 0);
  /// The layout of an op that is elementwise in its tiles: what its users
  /// want (`getHint`); with no user to suit, that of its operands that
  /// would need converting (a value computed from reductions stays in
  /// their slice layout).
  Attribute getElementwiseLayout(Operation *op, Value result);
  LogicalResult assign(Operation *op);
  void setResultLayout(Value result, Attribute layout);

  tile::FuncOp kernel;
  unsigned numWarps, warpSize;
  bool mmaLayouts;
  std::map<SmallVector<int64_t>, tile::BlockedLayoutAttr> defaults;
  llvm::DenseMap<Value, Attribute> hints;
  llvm::DenseMap<std::pair<Value, Attribute>, Value> rematerialized;
  llvm::DenseMap<std::pair<Value, Attribute>, Value> conversions;
};

/// Runs of up to four elements along the last dimension, lanes along the
/// fastest dimensions, warps along the slowest; lanes or warps that the
/// tile cannot occupy go to the first dimension (copies). Sized on each
/// shape, so that a small tile is not spread like a large one (a [32, 32]
/// tile in a [128, 128] tile's layout would be held four times over).
tile::BlockedLayoutAttr
LayoutAssigner::getDefaultLayout(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> key(shape);
  auto it = defaults.find(key);
  if (it != defaults.end())
    return it->second;
  unsigned rank = shape.size();
  int64_t elements = 1;
  for (int64_t size : shape)
    elements *= size;
  int64_t threads = int64_t(numWarps) * warpSize;

  SmallVector<unsigned> order, sizePerThread(rank, 1), lanes(rank, 1),
      warps(rank, 1);
  for (unsigned d = rank; d-- > 0;)
    order.push_back(d);
  sizePerThread[rank - 1] = static_cast<unsigned>(std::min<int64_t>(
      {4, shape[rank - 1],
       floorPowerOf2(std::max<int64_t>(1, elements / threads))}));

  int64_t freeLanes = warpSize;
  for (unsigned d : order) {
    int64_t fit = std::max<int64_t>(1, shape[d] / sizePerThread[d]);
    int64_t take = std::min(freeLanes, floorPowerOf2(fit));
    lanes[d] = static_cast<unsigned>(take);
    freeLanes /= take;
  }
  lanes[0] *= static_cast<unsigned>(freeLanes);

  int64_t freeWarps = numWarps;
  for (unsigned d : llvm::reverse(order)) {
    int64_t fit =
        std::max<int64_t>(1, shape[d] / (sizePerThread[d] * lanes[d]));
    int64_t take = std::min(freeWarps, floorPowerOf2(fit));
    warps[d] = static_cast<unsigned>(take);
    freeWarps /= take;
  }
  warps[0] *= static_cast<unsigned>(freeWarps);

  auto layout = tile::BlockedLayoutAttr::get(kernel.getContext(), sizePerThread,
                                             lanes, warps, order);
  defaults[key] = layout;
  return layout;
}

Attribute LayoutAssigner::getMmaLayout(Value value, unsigned depth) {
  if (!mmaLayouts || warpSize != 32 || depth > 8)
    return {};
  if (auto dot = value.getDefiningOp<tile::DotOp>()) {
    if (!getMmaShape(dot))
      return {};
    RankedTensorType type = dot.getType();
    return getMmaAccumulatorLayout(kernel.getContext(), type.getDimSize(0),
                                   type.getDimSize(1), numWarps);
  }
  if (auto loop = value.getDefiningOp<scf::ForOp>())
    return getMmaLayout(
        loop.getYieldedValues()[cast<OpResult>(value).getResultNumber()],
        depth + 1);
  return {};
}

/// The layout the first shape-changing user wants, looking through
/// elementwise ops: a broadcast's source takes the broadcast's layout, an
/// expansion's source the slice of the expansion's; the default for the
/// value's shape otherwise.
Attribute LayoutAssigner::getHint(Value value, unsigned depth) {
  auto known = hints.find(value);
  if (known != hints.end())
    return known->second;
  Attribute hint;
  if (depth < 8) {
    for (Operation *user : value.getUsers()) {
      if (auto expand = dyn_cast<tile::ExpandDimsOp>(user)) {
        hint = tile::SliceLayoutAttr::get(value.getContext(), expand.getAxis(),
                                          getBlockedHint(expand.getResult()));
        break;
      }
      if (auto broadcast = dyn_cast<tile::BroadcastOp>(user)) {
        hint = getHint(broadcast.getResult(), depth + 1);
        break;
      }
      bool elementwise = user->getNumResults() == 1 &&
                         (isa<tile::AddPtrOp, tile::LoadOp>(user) ||
                          user->hasTrait<OpTrait::Elementwise>()) &&
                         isa<RankedTensorType>(user->getResult(0).getType());
      if (!elementwise)
        continue;
      Attribute userHint = getHint(user->getResult(0), depth + 1);
      if (userHint != getDefaultLayoutOf(value)) {
        hint = userHint;
        break;
      }
    }
  }
  if (!hint)
    hint = getDefaultLayoutOf(value);
  hints[value] = hint;
  return hint;
}

tile::BlockedLayoutAttr LayoutAssigner::getBlockedHint(Value value) {
  if (auto blocked = dyn_cast<tile::BlockedLayoutAttr>(getHint(value)))
    return blocked;
  return getDefaultLayoutOf(value);
}

Value LayoutAssigner::rematerialize(Value value, Attribute layout,
                                    unsigned depth) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getEncoding() == layout)
    return value;
  auto known = rematerialized.find({value, layout});
  if (known != rematerialized.end())
    return known->second;
  Operation *op = value.getDefiningOp();
  if (depth > 8 || !isRematerializable(op))
    return {};
  // The tile operands in the layouts this op needs them in.
  SmallVector<Value> operands;
  for (Value operand : op->getOperands()) {
    if (!isRankedTile(operand.getType())) {
      operands.push_back(operand);
      continue;
    }
    Attribute operandLayout = layout;
    if (auto expand = dyn_cast<tile::ExpandDimsOp>(op)) {
      auto blocked = dyn_cast<tile::BlockedLayoutAttr>(layout);
      if (!blocked)
        return {};
      operandLayout = tile::SliceLayoutAttr::get(op->getContext(),
                                                 expand.getAxis(), blocked);
    }
    Value recomputed = rematerialize(operand, operandLayout, depth + 1);
    if (!recomputed)
      return {};
    operands.push_back(recomputed);
  }
  OpBuilder builder(op->getContext());
  builder.setInsertionPointAfter(op);
  Operation *copy = builder.clone(*op);
  copy->setOperands(operands);
  setResultLayout(copy->getResult(0), layout);
  rematerialized[{value, layout}] = copy->getResult(0);
  return copy->getResult(0);
}

void LayoutAssigner::require(Operation *user, OpOperand &operand,
                             Attribute layout) {
  auto type = dyn_cast<RankedTensorType>(operand.get().getType());
  if (!type || type.getRank() == 0 || type.getEncoding() == layout)
    return;
  if (Value recomputed = rematerialize(operand.get(), layout)) {
    operand.set(recomputed);
    return;
  }
  // One conversion per value and layout, right after the value, for all
  // its users (outside the loop when the value is).
  Value &converted = conversions[{operand.get(), layout}];
  if (!converted) {
    OpBuilder builder(user->getContext());
    builder.setInsertionPointAfterValue(operand.get());
    converted =
        tile::ConvertLayoutOp::create(builder, operand.get().getLoc(),
                                      withLayout(type, layout), operand.get());
  }
  operand.set(converted);
}

void LayoutAssigner::setResultLayout(Value result, Attribute layout) {
  auto type = cast<RankedTensorType>(result.getType());
  RankedTensorType encoded = withLayout(type, layout);
  result.setType(encoded);
  // A constant's attribute carries its type, encoding included.
  if (auto constant = result.getDefiningOp<arith::ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      constant.setValueAttr(dense.reshape(encoded));
}

static Attribute getLayout(Value value) {
  return cast<RankedTensorType>(value.getType()).getEncoding();
}

Attribute LayoutAssigner::getElementwiseLayout(Operation *op, Value result) {
  Attribute hint = getHint(result);
  if (!op->hasTrait<OpTrait::Elementwise>() ||
      hint != getDefaultLayoutOf(result))
    return hint;
  Attribute common;
  for (Value operand : op->getOperands()) {
    if (!isRankedTile(operand.getType()) || isIndexComputation(operand))
      continue;
    Attribute layout = getLayout(operand);
    if (common && layout != common)
      return hint;
    common = layout;
  }
  return common ? common : hint;
}

LogicalResult LayoutAssigner::assign(Operation *op) {
  if (isa<tile::CallOp>(op))
    return op->emitOpError("device functions must be inlined before GPU "
                           "lowering");
  if (isa<tile::ConvertLayoutOp>(op))
    return success();

  // Ops that end a region take the layouts of what they yield to.
  if (op->hasTrait<OpTrait::IsTerminator>()) {
    Operation *parent = op->getParentOp();
    TypeRange expected;
    if (isa<scf::YieldOp>(op) && isa<scf::WhileOp>(parent))
      expected = TypeRange(cast<scf::WhileOp>(parent).getBeforeArguments());
    else if (isa<scf::YieldOp, scf::ConditionOp>(op))
      expected = parent->getResultTypes();
    else
      return success();
    auto operands = isa<scf::ConditionOp>(op) ? op->getOpOperands().drop_front()
                                              : op->getOpOperands();
    for (auto [operand, type] : llvm::zip(operands, expected))
      if (isRankedTile(type))
        require(op, operand, cast<RankedTensorType>(type).getEncoding());
    return success();
  }

  // Region-carrying ops: each result keeps one layout on every path.
  if (op->getNumRegions() > 0 && !isa<tile::ReduceOp, tile::ScanOp>(op)) {
    for (Value result : op->getResults()) {
      if (!isRankedTile(result.getType()))
        continue;
      // A loop-carried dot accumulator keeps the dot's layout; other
      // carried values take the layout their uses in the body want (a
      // running maximum that is expanded against the rows of a tile, the
      // slice), which every iteration pays for, before that of the uses
      // after the loop.
      Attribute layout = getMmaLayout(result);
      if (!layout)
        if (auto loop = dyn_cast<scf::ForOp>(op)) {
          Attribute inBody =
              getHint(loop.getTiedLoopRegionIterArg(cast<OpResult>(result)));
          if (inBody != getDefaultLayoutOf(result))
            layout = inBody;
        }
      setResultLayout(result, layout ? layout : getHint(result));
    }
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      for (auto [arg, result, init] :
           llvm::zip(loop.getRegionIterArgs(), loop.getResults(),
                     loop.getInitArgsMutable())) {
        if (!isRankedTile(result.getType()))
          continue;
        arg.setType(result.getType());
        require(op, init, getLayout(result));
      }
    } else if (auto loop = dyn_cast<scf::WhileOp>(op)) {
      for (auto [arg, init] :
           llvm::zip(loop.getBeforeArguments(), loop.getInitsMutable())) {
        if (!isRankedTile(arg.getType()))
          continue;
        setResultLayout(arg, getHint(arg));
        require(op, init, getLayout(arg));
      }
      for (auto [arg, result] :
           llvm::zip(loop.getAfterArguments(), loop.getResults()))
        arg.setType(result.getType());
    } else if (!isa<scf::IfOp, scf::ExecuteRegionOp, scf::IndexSwitchOp>(op)) {
      return op->emitOpError("has no GPU layout rule");
    }
    return success();
  }

  auto tensorOperands =
      llvm::make_filter_range(op->getOpOperands(), [](OpOperand &operand) {
        return isRankedTile(operand.get().getType());
      });
  Value result = op->getNumResults() > 0 ? op->getResult(0) : Value();
  bool tensorResult = result && isRankedTile(result.getType());

  if (auto expand = dyn_cast<tile::ExpandDimsOp>(op)) {
    tile::BlockedLayoutAttr layout = getBlockedHint(result);
    setResultLayout(result, layout);
    require(
        op, expand.getSrcMutable(),
        tile::SliceLayoutAttr::get(op->getContext(), expand.getAxis(), layout));
    return success();
  }
  if (isa<tile::ReduceOp, tile::ScanOp>(op)) {
    // Reductions and scans work on blocked operands of one layout; a
    // reduction to scalars takes its operand's slice as it is (its result
    // needs no layout).
    bool toScalars = llvm::none_of(op->getResultTypes(), isRankedTile);
    Attribute source;
    for (OpOperand &operand : tensorOperands) {
      if (!source) {
        source = getLayout(operand.get());
        if (!isa<tile::BlockedLayoutAttr>(source) &&
            !(toScalars && isa<tile::SliceLayoutAttr>(source)))
          source = getDefaultLayoutOf(operand.get());
      }
      require(op, operand, source);
    }
    unsigned axis = isa<tile::ReduceOp>(op) ? cast<tile::ReduceOp>(op).getAxis()
                                            : cast<tile::ScanOp>(op).getAxis();
    for (Value value : op->getResults()) {
      if (!isRankedTile(value.getType()))
        continue;
      setResultLayout(value, isa<tile::ScanOp>(op)
                                 ? source
                                 : tile::SliceLayoutAttr::get(
                                       op->getContext(), axis,
                                       cast<tile::BlockedLayoutAttr>(source)));
    }
    return success();
  }
  if (isa<tile::DotOp, tile::TransOp, tile::ReshapeOp>(op)) {
    // a, b and the sources of trans/reshape go through shared memory in any
    // layout; the accumulator matches the result.
    Attribute layout = getMmaLayout(result);
    setResultLayout(result, layout ? layout : getHint(result));
    if (auto dot = dyn_cast<tile::DotOp>(op))
      require(op, dot.getAccMutable(), getLayout(result));
    return success();
  }

  // Everything else is elementwise in its tensors: stores, atomics and
  // asserts follow their first tile operand, other ops their result.
  Attribute layout;
  if (tensorResult && !isa<tile::AtomicRMWOp>(op))
    layout = getElementwiseLayout(op, result);
  else if (!tensorOperands.empty())
    layout = getLayout((*tensorOperands.begin()).get());
  else
    return success();
  if (!layout)
    layout = getDefaultLayoutOf((*tensorOperands.begin()).get());
  for (Value value : op->getResults())
    if (isRankedTile(value.getType()))
      setResultLayout(value, layout);
  for (OpOperand &operand : tensorOperands)
    require(op, operand, layout);
  return success();
}

LogicalResult LayoutAssigner::run() {
  // Pre-order: a region-carrying op fixes its results' layouts before its
  // body's yields are visited, and producers come before their users.
  WalkResult walked = kernel.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == kernel.getOperation())
      return WalkResult::advance();
    for (Type type : op->getResultTypes())
      if (auto tensor = dyn_cast<RankedTensorType>(type);
          tensor && tensor.getRank() == 0)
        return WalkResult(op->emitOpError(
            "rank-0 tiles are not supported on GPU targets yet"));
    return WalkResult(assign(op));
  });
  return failure(walked.wasInterrupted());
}

struct TileGPUAssignLayoutsPass
    : public recur::impl::TileGPUAssignLayoutsBase<TileGPUAssignLayoutsPass> {
  using TileGPUAssignLayoutsBase::TileGPUAssignLayoutsBase;

  void runOnOperation() override {
    if (!llvm::isPowerOf2_32(numWarps) || (warpSize != 32 && warpSize != 64)) {
      getOperation().emitError("tile-gpu-assign-layouts: num-warps must be a "
                               "power of two and warp-size 32 or 64");
      return signalPassFailure();
    }
    for (auto kernel : getOperation().getOps<tile::FuncOp>()) {
      if (kernel.isExternal())
        continue;
      if (!kernel.isKernel()) {
        kernel.emitOpError("device functions must be inlined before GPU "
                           "lowering");
        return signalPassFailure();
      }
      LayoutAssigner assigner(kernel, numWarps, warpSize, mmaLayouts);
      if (failed(assigner.run()))
        return signalPassFailure();
      // The block size every layout of the kernel was made for.
      kernel->setAttr("tile.num_threads",
                      IntegerAttr::get(IntegerType::get(&getContext(), 32),
                                       numWarps * warpSize));
    }
  }
};

} // namespace
