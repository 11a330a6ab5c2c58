//===- Contiguity.cpp - Unit-stride runs in pointer tiles -----------------===//

#include "compiler/Analysis/Contiguity.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

#include <numeric>

using namespace mlir;
using namespace recur;

static int64_t lastDimSize(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() == 0)
    return 1;
  return type.getShape().back();
}

/// A splat of the integer `value` (a dense splat constant or tile.splat of
/// an integer constant).
static bool isSplatOf(Value tile, int64_t value) {
  APInt constant;
  if (matchPattern(tile, m_ConstantInt(&constant)))
    return constant.getSExtValue() == value;
  if (auto splat = tile.getDefiningOp<tile::SplatOp>())
    return matchPattern(splat.getSrc(), m_ConstantInt(&constant)) &&
           constant.getSExtValue() == value;
  return false;
}

/// a + b: a contiguous run of a plus a constant run of b stays contiguous
/// over the runs' common length; constant plus constant stays constant.
static LastDimInfo addInfo(LastDimInfo a, LastDimInfo b) {
  return {std::max(std::gcd(a.contiguity, b.constancy),
                   std::gcd(b.contiguity, a.constancy)),
          std::gcd(a.constancy, b.constancy)};
}

LastDimInfo ContiguityAnalysis::getInfo(Value value) {
  auto it = cache_.find(value);
  if (it != cache_.end())
    return it->second;
  LastDimInfo info = compute(value);
  cache_[value] = info;
  return info;
}

LastDimInfo ContiguityAnalysis::computeLoopArgument(Value argument) {
  auto assumed = loopArguments_.find(argument);
  if (assumed != loopArguments_.end())
    return assumed->second;
  auto blockArg = cast<BlockArgument>(argument);
  auto loop = cast<scf::ForOp>(blockArg.getOwner()->getParentOp());
  unsigned index = blockArg.getArgNumber() - loop.getNumInductionVars();
  LastDimInfo current = getInfo(loop.getInitArgs()[index]);
  Value yielded = loop.getYieldedValues()[index];
  // Lattice values only shrink (gcd), so a few rounds reach the fixed point;
  // facts computed under a superseded assumption, including solutions of
  // other loop arguments, are dropped each round.
  llvm::DenseMap<Value, LastDimInfo> outerAssumptions = loopArguments_;
  for (int round = 0; round < 8; ++round) {
    loopArguments_ = outerAssumptions;
    loopArguments_[argument] = current;
    cache_.clear();
    LastDimInfo body = getInfo(yielded);
    LastDimInfo next = {std::gcd(current.contiguity, body.contiguity),
                        std::gcd(current.constancy, body.constancy)};
    if (next == current)
      return current;
    current = next;
  }
  loopArguments_ = outerAssumptions;
  loopArguments_[argument] = LastDimInfo{};
  cache_.clear();
  return LastDimInfo{};
}

LastDimInfo ContiguityAnalysis::compute(Value value) {
  int64_t size = lastDimSize(value);
  if (auto blockArg = dyn_cast<BlockArgument>(value)) {
    if (isa<scf::ForOp>(blockArg.getOwner()->getParentOp()) &&
        blockArg.getArgNumber() > 0)
      return computeLoopArgument(value);
    return {};
  }
  Operation *op = value.getDefiningOp();
  if (isa<tile::MakeRangeOp>(op))
    return {size, 1};
  if (isa<tile::SplatOp>(op))
    return {1, size};
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (isa<SplatElementsAttr>(constant.getValue()))
      return {1, size};
    return {};
  }
  if (auto broadcast = dyn_cast<tile::BroadcastOp>(op)) {
    if (lastDimSize(broadcast.getSrc()) == 1)
      return {1, size};
    return getInfo(broadcast.getSrc());
  }
  if (auto expand = dyn_cast<tile::ExpandDimsOp>(op)) {
    if (expand.getAxisAttr().getInt() == expand.getSrc().getType().getRank())
      return {};
    return getInfo(expand.getSrc());
  }
  if (auto addptr = dyn_cast<tile::AddPtrOp>(op))
    return addInfo(getInfo(addptr.getPtr()), getInfo(addptr.getOffset()));
  if (auto add = dyn_cast<arith::AddIOp>(op))
    return addInfo(getInfo(add.getLhs()), getInfo(add.getRhs()));
  if (auto sub = dyn_cast<arith::SubIOp>(op)) {
    LastDimInfo a = getInfo(sub.getLhs()), b = getInfo(sub.getRhs());
    return {std::gcd(a.contiguity, b.constancy),
            std::gcd(a.constancy, b.constancy)};
  }
  if (auto mul = dyn_cast<arith::MulIOp>(op)) {
    LastDimInfo a = getInfo(mul.getLhs()), b = getInfo(mul.getRhs());
    int64_t constancy = std::gcd(a.constancy, b.constancy);
    if (isSplatOf(mul.getRhs(), 1))
      return {a.contiguity, constancy};
    if (isSplatOf(mul.getLhs(), 1))
      return {b.contiguity, constancy};
    return {1, constancy};
  }
  // Width changes keep both facts (as in Triton, offsets are assumed not to
  // overflow their type).
  if (isa<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp, arith::IndexCastOp>(
          op))
    return getInfo(op->getOperand(0));
  return {};
}
