//===- LoopSlices.cpp - Recomputable slices of a loop body ----------------===//

#include "compiler/Transforms/LoopPipelining.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace recur;

bool recur::isRecomputable(Operation *op) {
  return op->getNumRegions() == 0 && op->getNumSuccessors() == 0 &&
         !op->hasTrait<OpTrait::IsTerminator>() && isMemoryEffectFree(op);
}

bool recur::mayWriteGlobalMemory(Operation *op) {
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return true;
  return llvm::any_of(*effects, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect()) &&
           !isa<tile::SharedMemoryResource>(e.getResource());
  });
}

bool recur::collectRecomputableSlice(Block *body, ValueRange roots,
                                     SmallVectorImpl<Operation *> &slice,
                                     llvm::SetVector<BlockArgument> &args) {
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> worklist(roots);
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() == body)
        args.insert(arg);
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (def->getBlock() != body)
      continue;
    if (!isRecomputable(def))
      return false;
    if (ops.insert(def))
      llvm::append_range(worklist, def->getOperands());
  }
  slice.assign(ops.begin(), ops.end());
  llvm::sort(slice,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return true;
}

namespace {
/// A pointer's base: a kernel argument; a null argument when the value only
/// cycles back to the loop argument being traced; a failure when the base
/// cannot be told.
using Base = FailureOr<BlockArgument>;

Base combine(Base a, Base b) {
  if (failed(a) || failed(b))
    return failure();
  if (!*a)
    return b;
  if (*b && *a != *b)
    return failure();
  return a;
}

Base traceBase(Value value, llvm::DenseSet<Value> &visiting) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (isa<tile::FuncOp>(owner))
      return arg;
    auto loop = dyn_cast<scf::ForOp>(owner);
    if (!loop || arg == loop.getInductionVar())
      return failure();
    if (!visiting.insert(value).second)
      return BlockArgument(); // the advance cycles back to this argument
    unsigned index = arg.getArgNumber() - 1;
    return combine(traceBase(loop.getInitArgs()[index], visiting),
                   traceBase(loop.getBody()->getTerminator()->getOperand(index),
                             visiting));
  }
  Operation *def = value.getDefiningOp();
  if (isa<tile::AddPtrOp, tile::SplatOp, tile::BroadcastOp, tile::ExpandDimsOp,
          tile::ReshapeOp, tile::TransOp, tile::ConvertLayoutOp>(def))
    return traceBase(def->getOperand(0), visiting);
  if (auto select = dyn_cast<arith::SelectOp>(def))
    return combine(traceBase(select.getTrueValue(), visiting),
                   traceBase(select.getFalseValue(), visiting));
  return failure();
}
} // namespace

BlockArgument recur::getPointerBase(Value pointer) {
  llvm::DenseSet<Value> visiting;
  Base base = traceBase(pointer, visiting);
  return succeeded(base) ? *base : BlockArgument();
}

bool recur::writesOnlyElsewhere(Operation *op,
                                ArrayRef<BlockArgument> loadBases) {
  auto elsewhere = [&](Value pointer) {
    BlockArgument base = getPointerBase(pointer);
    if (!base || llvm::is_contained(loadBases, base))
      return false;
    auto kernel = cast<tile::FuncOp>(base.getOwner()->getParentOp());
    return static_cast<bool>(
        kernel.getArgAttr(base.getArgNumber(), tile::kNoAliasAttrName));
  };
  WalkResult walked = op->walk([&](Operation *nested) {
    Value pointer;
    if (auto store = dyn_cast<tile::StoreOp>(nested))
      pointer = store.getPtr();
    else if (auto atomic = dyn_cast<tile::AtomicRMWOp>(nested))
      pointer = atomic.getPtr();
    if (pointer)
      return elsewhere(pointer) ? WalkResult::advance()
                                : WalkResult::interrupt();
    // Ops with regions are judged by the ops inside them.
    if (nested->getNumRegions() == 0 && mayWriteGlobalMemory(nested))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walked.wasInterrupted();
}

void recur::eraseUnusedSlices(RewriterBase &rewriter,
                              ArrayRef<Operation *> slices) {
  llvm::SetVector<Operation *> unique(slices.begin(), slices.end());
  SmallVector<Operation *> order(unique.begin(), unique.end());
  llvm::sort(order,
             [](Operation *a, Operation *b) { return b->isBeforeInBlock(a); });
  for (Operation *op : order)
    if (op->use_empty())
      rewriter.eraseOp(op);
}

Value recur::createInRange(OpBuilder &builder, scf::ForOp loop, Value iv) {
  auto predicate = loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                                         : arith::CmpIPredicate::slt;
  return arith::CmpIOp::create(builder, loop.getLoc(), predicate, iv,
                               loop.getUpperBound());
}
