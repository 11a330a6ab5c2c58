//===- PipelineLoads.cpp - Load the next iteration's tiles early
//-----------===//
//
// Register double buffering, as Triton's pipeliner does before it uses
// cp.async: a loop carries the tiles loaded for its current iteration and
// issues the next iteration's loads before the current iteration's compute,
// so that their latency overlaps the dot or reduction that precedes their
// use. The rewrite is a walk rather than a pattern: it decides per loop from
// the whole body (writes, the slices of every load), and a pattern would
// find its own output loop pipelineable again.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/LoopPipelining.h"
#include "dialects/tile/TileOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace recur {
#define GEN_PASS_DEF_TILEPIPELINELOADS
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

namespace {
/// One load to pipeline and the body ops that compute its operands, in
/// block order.
struct Candidate {
  tile::LoadOp load;
  SmallVector<Operation *> slice;
  /// The loop's iteration argument that carries the loaded tile.
  BlockArgument carried;
};

class LoopPipeliner {
public:
  explicit LoopPipeliner(scf::ForOp loop) : loop(loop), body(loop.getBody()) {}

  /// Pipelines the loop's candidate loads; does nothing when there are none.
  void run();

private:
  bool collectSlice(tile::LoadOp load, SmallVector<Operation *> &slice);
  Operation *findInsertionPoint(ArrayRef<Candidate> candidates);
  Operation *latestNeed(Value value, Operation *at,
                        llvm::DenseSet<Value> &visited);
  Value getCurrent(Value value, OpBuilder &builder);
  Value getNext(Value value, OpBuilder &builder);
  Value maskWith(OpBuilder &builder, tile::LoadOp load, Value mask,
                 Value inRange);

  scf::ForOp loop;
  Block *body;
  /// Where the next iteration's loads go (after it; null: the body's start).
  Operation *point = nullptr;
  llvm::DenseMap<Operation *, BlockArgument> carriedOf;
  IRMapping current, next;
};
} // namespace

bool LoopPipeliner::collectSlice(tile::LoadOp load,
                                 SmallVector<Operation *> &slice) {
  llvm::SetVector<BlockArgument> args;
  return collectRecomputableSlice(body, load->getOperands(), slice, args);
}

/// The last op that computing the current iteration's `value` after `at`
/// (null: at the body's start) would have to follow: recomputable ops after
/// `at` are computed again, so only the others count. Null when `value` is
/// available there.
Operation *LoopPipeliner::latestNeed(Value value, Operation *at,
                                     llvm::DenseSet<Value> &visited) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != body || !visited.insert(value).second)
    return nullptr;
  if (carriedOf.count(def))
    return nullptr; // replaced by its iteration argument
  if (at && !at->isBeforeInBlock(def))
    return nullptr;
  if (!isRecomputable(def))
    return def;
  Operation *latest = nullptr;
  for (Value operand : def->getOperands())
    if (Operation *need = latestNeed(operand, at, visited))
      if (!latest || latest->isBeforeInBlock(need))
        latest = need;
  return latest;
}

/// The next loads go after every op that may write memory (a store of this
/// iteration must precede the next iteration's loads) and after what the
/// yielded values they read need; otherwise at the start of the body.
Operation *LoopPipeliner::findInsertionPoint(ArrayRef<Candidate> candidates) {
  Operation *at = nullptr;
  for (Operation &op : body->without_terminator())
    if (mayWriteGlobalMemory(&op))
      at = &op;
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  // Moving the point later can only make more values available, so one
  // pass over the needs reaches the fixed point.
  for (const Candidate &candidate : candidates) {
    SmallVector<Operation *> ops(candidate.slice);
    ops.push_back(candidate.load);
    for (Operation *op : ops)
      for (Value operand : op->getOperands()) {
        auto arg = dyn_cast<BlockArgument>(operand);
        if (!arg || arg.getOwner() != body || arg == loop.getInductionVar())
          continue;
        Value yielded = yield.getOperand(arg.getArgNumber() - 1);
        llvm::DenseSet<Value> visited;
        if (Operation *need = latestNeed(yielded, at, visited))
          at = need;
      }
  }
  return at;
}

/// `value` as the current iteration computes it, available at the
/// insertion point.
Value LoopPipeliner::getCurrent(Value value, OpBuilder &builder) {
  if (Value mapped = current.lookupOrNull(value))
    return mapped;
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != body)
    return value;
  auto carried = carriedOf.find(def);
  if (carried != carriedOf.end())
    return carried->second;
  if (point && !point->isBeforeInBlock(def))
    return value;
  for (Value operand : def->getOperands())
    current.map(operand, getCurrent(operand, builder));
  Operation *clone = builder.clone(*def, current);
  for (auto [old, now] : llvm::zip(def->getResults(), clone->getResults()))
    current.map(old, now);
  return current.lookup(value);
}

/// `value` as the next iteration will compute it, from the current
/// iteration's values.
Value LoopPipeliner::getNext(Value value, OpBuilder &builder) {
  if (Value mapped = next.lookupOrNull(value))
    return mapped;
  Value result;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner() != body)
      return value;
    if (arg == loop.getInductionVar()) {
      result =
          arith::AddIOp::create(builder, loop.getLoc(), arg, loop.getStep());
    } else {
      auto yield = cast<scf::YieldOp>(body->getTerminator());
      result = getCurrent(yield.getOperand(arg.getArgNumber() - 1), builder);
    }
  } else {
    Operation *def = value.getDefiningOp();
    if (def->getBlock() != body)
      return value;
    IRMapping operands;
    for (Value operand : def->getOperands())
      operands.map(operand, getNext(operand, builder));
    Operation *clone = builder.clone(*def, operands);
    for (auto [old, now] : llvm::zip(def->getResults(), clone->getResults()))
      next.map(old, now);
    return next.lookup(value);
  }
  next.map(value, result);
  return result;
}

/// `mask` (or all lanes) AND `inRange` splatted to the load's shape.
Value LoopPipeliner::maskWith(OpBuilder &builder, tile::LoadOp load, Value mask,
                              Value inRange) {
  Location loc = load.getLoc();
  Type maskType = tile::getI1TypeLike(load.getPtr().getType());
  Value lanes = inRange;
  if (isa<RankedTensorType>(maskType))
    lanes = tile::SplatOp::create(builder, loc, maskType, inRange);
  if (!mask)
    return lanes;
  return arith::AndIOp::create(builder, loc, mask, lanes);
}

/// A copy of `load` through `ptr`, `mask` and `other`.
static tile::LoadOp cloneLoad(OpBuilder &builder, tile::LoadOp load, Value ptr,
                              Value mask, Value other) {
  auto clone = tile::LoadOp::create(builder, load.getLoc(), ptr, mask, other);
  clone.setCacheAttr(load.getCacheAttr());
  clone.setEvictAttr(load.getEvictAttr());
  return clone;
}

void LoopPipeliner::run() {
  SmallVector<Candidate> candidates;
  bool written = false;
  for (Operation &op : body->without_terminator()) {
    if (auto load = dyn_cast<tile::LoadOp>(op); load && !written) {
      Candidate candidate{load, {}, {}};
      if (!load.getIsVolatile() && collectSlice(load, candidate.slice))
        candidates.push_back(std::move(candidate));
    }
    written = written || mayWriteGlobalMemory(&op);
  }
  if (candidates.empty())
    return;

  // The prologue: the first iteration's loads, masked off when the loop
  // runs no iteration.
  OpBuilder builder(loop);
  Value first = createInRange(builder, loop, loop.getLowerBound());
  IRMapping prologue;
  prologue.map(loop.getInductionVar(), loop.getLowerBound());
  prologue.map(loop.getRegionIterArgs(), loop.getInitArgs());
  auto atStart = [&](Value value) {
    return value ? prologue.lookupOrDefault(value) : Value();
  };
  SmallVector<Value> inits;
  for (const Candidate &candidate : candidates) {
    // Slices may share ops; each is computed once.
    for (Operation *op : candidate.slice)
      if (!prologue.contains(op->getResult(0)))
        builder.clone(*op, prologue);
    tile::LoadOp load = candidate.load;
    Value mask = maskWith(builder, load, atStart(load.getMask()), first);
    inits.push_back(cloneLoad(builder, load, atStart(load.getPtr()), mask,
                              atStart(load.getOther())));
  }

  for (Candidate &candidate : candidates)
    carriedOf[candidate.load] = {};
  point = findInsertionPoint(candidates);

  IRRewriter rewriter(loop.getContext());
  // Called before the body moves: `loop`'s block arguments are still the
  // ones the body uses (the move replaces them), `args` the new loop's.
  auto yieldNext = [&](OpBuilder &b, Location, ArrayRef<BlockArgument> args) {
    for (auto [candidate, arg] : llvm::zip(candidates, args)) {
      candidate.carried = arg;
      carriedOf[candidate.load] = arg;
    }
    OpBuilder::InsertionGuard guard(b);
    if (point)
      b.setInsertionPointAfter(point);
    else
      b.setInsertionPointToStart(body);
    Value more = createInRange(b, loop, getNext(loop.getInductionVar(), b));
    SmallVector<Value> prefetched;
    for (const Candidate &candidate : candidates) {
      tile::LoadOp load = candidate.load;
      Value mask = load.getMask() ? getNext(load.getMask(), b) : Value();
      Value other = load.getOther() ? getNext(load.getOther(), b) : Value();
      prefetched.push_back(cloneLoad(b, load, getNext(load.getPtr(), b),
                                     maskWith(b, load, mask, more), other));
    }
    return prefetched;
  };
  // The body moves into the new loop (its ops are not copied), so `point`,
  // the loads and their slices stay valid.
  rewriter.setInsertionPoint(loop);
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, inits, /*replaceInitOperandUsesInLoop=*/false, yieldNext);
  if (failed(replaced))
    return;
  for (Candidate &candidate : candidates) {
    rewriter.replaceAllUsesWith(candidate.load, candidate.carried);
    rewriter.eraseOp(candidate.load);
  }
  // The operands of the loads this iteration no longer issues.
  SmallVector<Operation *> slices;
  for (const Candidate &candidate : candidates)
    llvm::append_range(slices, candidate.slice);
  eraseUnusedSlices(rewriter, slices);
}

namespace {
struct TilePipelineLoadsPass
    : public recur::impl::TilePipelineLoadsBase<TilePipelineLoadsPass> {
  using TilePipelineLoadsBase::TilePipelineLoadsBase;

  void runOnOperation() override {
    if (numStages < 2)
      return;
    // Asynchronous copies first; the loads they cannot carry are then
    // pipelined in registers.
    if (asyncCopies) {
      SmallVector<scf::ForOp> loops;
      getOperation().walk<WalkOrder::PreOrder>(
          [&](scf::ForOp loop) { loops.push_back(loop); });
      for (scf::ForOp loop : loops)
        pipelineAsyncCopies(loop, numStages);
    }
    // Outer loops first: an inner loop's prologue then stays a plain load
    // of the outer body instead of being carried by the outer loop too.
    SmallVector<scf::ForOp> loops;
    getOperation().walk<WalkOrder::PreOrder>(
        [&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      LoopPipeliner(loop).run();
  }
};
} // namespace
