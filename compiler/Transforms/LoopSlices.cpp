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

Value recur::createInRange(OpBuilder &builder, scf::ForOp loop, Value iv) {
  auto predicate = loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                                         : arith::CmpIPredicate::slt;
  return arith::CmpIOp::create(builder, loop.getLoc(), predicate, iv,
                               loop.getUpperBound());
}
