//===- PipelineAsyncCopies.cpp - Loads through shared memory, ahead
//--------===//
//
// The asynchronous form of tile-pipeline-loads, as Triton's pipeliner uses
// cp.async on sm_80: a loop's tiles are copied from global memory into
// shared-memory slots D iterations before the iteration that reads them,
// so D copies are in flight while the loop computes, without holding
// registers. The body is rewritten in place: the loads become reads of
// their slot, and the copies of iteration i + D are computed from the
// induction variable and from iteration arguments carried D iterations
// ahead (the loop's own are untouched).
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/LoopPipelining.h"
#include "dialects/tile/TileOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace recur;

/// Whether `value` is +0 in every lane: what a copy writes for masked-off
/// lanes.
static bool isPositiveZero(Value value) {
  if (auto splat = value.getDefiningOp<tile::SplatOp>())
    value = splat.getOperand();
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    attr = splat.getSplatValue<Attribute>();
  if (auto floating = dyn_cast<FloatAttr>(attr))
    return floating.getValue().isPosZero();
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return integer.getValue().isZero();
  return false;
}

/// Loads that a copy into a slot reproduces: tiles of numbers whose
/// masked-off lanes may read as zero.
static bool isCopyable(tile::LoadOp load) {
  auto type = dyn_cast<RankedTensorType>(load.getType());
  if (!type || load.getIsVolatile())
    return false;
  Type element = type.getElementType();
  if (isa<tile::PtrType>(element) || element.isInteger(1))
    return false;
  return !load.getOther() || isPositiveZero(load.getOther());
}

namespace {
struct CopiedLoad {
  tile::LoadOp load;
  /// The body's ops that compute the load's pointer and mask.
  SmallVector<Operation *> slice;
  Value buffer;
};

class AsyncCopyPipeliner {
public:
  AsyncCopyPipeliner(scf::ForOp loop, unsigned numStages)
      : loop(loop), body(loop.getBody()), numStages(numStages) {}

  void run();

private:
  bool addIfCopyable(tile::LoadOp load);
  void issueCopies(OpBuilder &b, IRMapping &at, Value iv, Value slot);
  SmallVector<Value> advance(OpBuilder &b, IRMapping &at);
  Value nextSlot(OpBuilder &b, Value slot);
  Value getYielded(BlockArgument arg) {
    return body->getTerminator()->getOperand(arg.getArgNumber() - 1);
  }

  scf::ForOp loop;
  Block *body;
  unsigned numStages;
  int64_t distance = 1;
  SmallVector<CopiedLoad> loads;
  /// The iteration arguments the copies read, directly or through the
  /// values the body yields for them.
  llvm::SetVector<BlockArgument> carried;
  /// The body's ops that compute the yields of `carried`, in block order.
  SmallVector<Operation *> advanceSlice;
};
} // namespace

/// Adds `load` when its operands, and the advance of every iteration
/// argument they read, are recomputable.
bool AsyncCopyPipeliner::addIfCopyable(tile::LoadOp load) {
  if (!isCopyable(load))
    return false;
  CopiedLoad copied{load, {}, {}};
  llvm::SetVector<BlockArgument> args;
  if (!collectRecomputableSlice(body, load->getOperands(), copied.slice, args))
    return false;
  llvm::SetVector<BlockArgument> needed;
  llvm::SetVector<Operation *> advanceOps;
  SmallVector<BlockArgument> worklist(args.begin(), args.end());
  while (!worklist.empty()) {
    BlockArgument arg = worklist.pop_back_val();
    if (arg == loop.getInductionVar() || !needed.insert(arg))
      continue;
    SmallVector<Operation *> slice;
    llvm::SetVector<BlockArgument> read;
    if (!collectRecomputableSlice(body, getYielded(arg), slice, read))
      return false;
    advanceOps.insert(slice.begin(), slice.end());
    llvm::append_range(worklist, read);
  }
  carried.insert(needed.begin(), needed.end());
  llvm::SetVector<Operation *> all(advanceSlice.begin(), advanceSlice.end());
  all.insert(advanceOps.begin(), advanceOps.end());
  advanceSlice.assign(all.begin(), all.end());
  llvm::sort(advanceSlice,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  loads.push_back(std::move(copied));
  return true;
}

/// Starts the copies of the iteration whose induction variable is `iv`
/// (the body's values as `at` maps them) into `slot`, as one group.
void AsyncCopyPipeliner::issueCopies(OpBuilder &b, IRMapping &at, Value iv,
                                     Value slot) {
  Location loc = loop.getLoc();
  Value inRange = createInRange(b, loop, iv);
  for (const CopiedLoad &copied : loads) {
    // Slices may share ops; each is computed once.
    for (Operation *op : copied.slice)
      if (!at.contains(op->getResult(0)))
        b.clone(*op, at);
    tile::LoadOp load = copied.load;
    Value ptr = at.lookupOrDefault(load.getPtr());
    Value lanes = tile::SplatOp::create(
        b, loc, tile::getI1TypeLike(ptr.getType()), inRange);
    Value mask = lanes;
    if (load.getMask())
      mask = arith::AndIOp::create(b, loc, at.lookupOrDefault(load.getMask()),
                                   lanes);
    tile::AsyncCopyOp::create(b, load.getLoc(), ptr, mask, copied.buffer, slot,
                              load.getCacheAttr());
  }
  tile::AsyncCommitOp::create(b, loc);
}

/// The carried iteration arguments' values one iteration after those
/// that `at` maps.
SmallVector<Value> AsyncCopyPipeliner::advance(OpBuilder &b, IRMapping &at) {
  for (Operation *op : advanceSlice)
    if (!at.contains(op->getResult(0)))
      b.clone(*op, at);
  SmallVector<Value> next;
  for (BlockArgument arg : carried)
    next.push_back(at.lookupOrDefault(getYielded(arg)));
  return next;
}

Value AsyncCopyPipeliner::nextSlot(OpBuilder &b, Value slot) {
  Location loc = loop.getLoc();
  Value next = arith::AddIOp::create(
      b, loc, slot, arith::ConstantIntOp::create(b, loc, 1, 32));
  Value wraps = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, next,
      arith::ConstantIntOp::create(b, loc, distance + 1, 32));
  return arith::SelectOp::create(
      b, loc, wraps, arith::ConstantIntOp::create(b, loc, 0, 32), next);
}

void AsyncCopyPipeliner::run() {
  Operation *lastWrite = nullptr;
  for (Operation &op : body->without_terminator()) {
    if (auto load = dyn_cast<tile::LoadOp>(op); load && !lastWrite)
      addIfCopyable(load);
    if (mayWriteGlobalMemory(&op))
      lastWrite = &op;
  }
  if (loads.empty())
    return;
  // Writes through `tile.noalias` arguments the copies do not read from
  // cannot change what they read: such a loop copies as if it wrote nothing.
  if (lastWrite) {
    SmallVector<BlockArgument> bases;
    for (CopiedLoad &copied : loads)
      bases.push_back(getPointerBase(copied.load.getPtr()));
    if (llvm::all_of(bases, [](BlockArgument base) { return base; }) &&
        llvm::all_of(body->without_terminator(), [&](Operation &op) {
          return writesOnlyElsewhere(&op, bases);
        }))
      lastWrite = nullptr;
  }
  // Iteration i + D's copies are issued in iteration i: after i's writes
  // they still precede those of i + 1 .. i + D - 1, which may store what
  // they read, so a loop that writes copies one iteration ahead.
  distance = lastWrite ? 1 : std::max<int64_t>(1, numStages - 1);
  Location loc = loop.getLoc();
  MLIRContext *context = loop.getContext();

  OpBuilder builder(loop);
  for (CopiedLoad &copied : loads) {
    auto type = cast<RankedTensorType>(copied.load.getType());
    SmallVector<int64_t> shape{distance + 1};
    llvm::append_range(shape, type.getShape());
    copied.buffer = tile::LocalAllocOp::create(
        builder, loc,
        tile::SharedBufferType::get(context, shape, type.getElementType()));
  }
  // The prologue: iterations 0 .. D - 1 into slots 0 .. D - 1, and the
  // carried arguments of iteration D.
  SmallVector<Value> state;
  for (BlockArgument arg : carried)
    state.push_back(loop.getInitArgs()[arg.getArgNumber() - 1]);
  Value iv = loop.getLowerBound();
  for (int64_t j = 0; j < distance; ++j) {
    if (j > 0)
      iv = arith::AddIOp::create(builder, loc, iv, loop.getStep());
    IRMapping at;
    at.map(loop.getInductionVar(), iv);
    for (auto [arg, value] : llvm::zip(carried, state))
      at.map(arg, value);
    issueCopies(builder, at, iv,
                arith::ConstantIntOp::create(builder, loc, j, 32));
    state = advance(builder, at);
  }
  SmallVector<Value> inits(state);
  inits.push_back(arith::ConstantIntOp::create(builder, loc, 0, 32));
  inits.push_back(arith::ConstantIntOp::create(builder, loc, distance, 32));

  auto yieldNext = [&](OpBuilder &b, Location,
                       ArrayRef<BlockArgument> args) -> SmallVector<Value> {
    ArrayRef<BlockArgument> ahead = args.drop_back(2);
    Value readSlot = args[args.size() - 2], writeSlot = args.back();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(body);
    auto wait = tile::AsyncWaitOp::create(b, loc, distance - 1);
    for (CopiedLoad &copied : loads) {
      b.setInsertionPoint(copied.load);
      Value slot = tile::LocalLoadOp::create(b, copied.load.getLoc(),
                                             copied.load.getType(),
                                             copied.buffer, readSlot,
                                             /*order=*/DenseI32ArrayAttr());
      copied.load.getResult().replaceAllUsesWith(slot);
    }
    b.setInsertionPointAfter(lastWrite ? lastWrite : wait.getOperation());
    Value aheadIv = loop.getInductionVar();
    for (int64_t j = 0; j < distance; ++j)
      aheadIv = arith::AddIOp::create(b, loc, aheadIv, loop.getStep());
    IRMapping at;
    at.map(loop.getInductionVar(), aheadIv);
    for (auto [arg, value] : llvm::zip(carried, ahead))
      at.map(arg, value);
    issueCopies(b, at, aheadIv, writeSlot);
    SmallVector<Value> next = advance(b, at);
    next.push_back(nextSlot(b, readSlot));
    next.push_back(nextSlot(b, writeSlot));
    return next;
  };
  IRRewriter rewriter(context);
  rewriter.setInsertionPoint(loop);
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, inits, /*replaceInitOperandUsesInLoop=*/false, yieldNext);
  if (failed(replaced))
    return;
  // Copies of iterations past the end were masked off: retire them before
  // the program goes on.
  rewriter.setInsertionPointAfter(*replaced);
  tile::AsyncWaitOp::create(rewriter, loc, 0);

  SmallVector<Operation *> slices;
  for (const CopiedLoad &copied : loads) {
    llvm::append_range(slices, copied.slice);
    rewriter.eraseOp(copied.load);
  }
  eraseUnusedSlices(rewriter, slices);
}

void recur::pipelineAsyncCopies(scf::ForOp loop, unsigned numStages) {
  AsyncCopyPipeliner(loop, numStages).run();
}
