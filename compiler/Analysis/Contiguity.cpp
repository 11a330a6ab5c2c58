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

/// The largest power of two a value may be said to be divisible by: 2^30,
/// as in Triton, for zero and for products that would exceed it.
static constexpr int64_t kMaxDivisibility = int64_t(1) << 30;

/// The largest power of two dividing `value`.
static int64_t powerOfTwoDividing(int64_t value) {
  if (value == 0)
    return kMaxDivisibility;
  return std::min<int64_t>(kMaxDivisibility, value & -value);
}

/// a + b: a contiguous run of a plus a constant run of b stays contiguous
/// over the runs' common length; constant plus constant stays constant; the
/// sum of the runs' first values keeps the divisibility both share.
static LastDimInfo addInfo(LastDimInfo a, LastDimInfo b) {
  return {std::max(std::gcd(a.contiguity, b.constancy),
                   std::gcd(b.contiguity, a.constancy)),
          std::gcd(a.constancy, b.constancy),
          std::min(a.divisibility, b.divisibility)};
}

/// The greatest facts that hold for both a and b.
static LastDimInfo meetInfo(LastDimInfo a, LastDimInfo b) {
  return {std::gcd(a.contiguity, b.contiguity),
          std::gcd(a.constancy, b.constancy),
          std::min(a.divisibility, b.divisibility)};
}

/// The divisibility of a scalar integer: a constant's, the `tile.divisibility`
/// a function argument is marked with, or 1.
static int64_t getScalarDivisibility(Value value) {
  APInt constant;
  if (matchPattern(value, m_ConstantInt(&constant)))
    return powerOfTwoDividing(constant.getSExtValue());
  return 1;
}

int64_t ContiguityAnalysis::getCompareConstancy(arith::CmpIOp cmp) {
  LastDimInfo lhs = getInfo(cmp.getLhs()), rhs = getInfo(cmp.getRhs());
  int64_t constancy = std::gcd(lhs.constancy, rhs.constancy);
  // `range < bound` (or `bound > range`, and the negations) over a run
  // [s, s + g) whose start and bound are multiples of g: s + i < c for every
  // i < g exactly when s < c. That is how a row's mask `cols < K` is seen to
  // hold or fail for whole rows.
  using arith::CmpIPredicate;
  auto aligned = [](LastDimInfo range, LastDimInfo bound) {
    return std::gcd(std::gcd(range.contiguity, range.divisibility),
                    std::gcd(bound.constancy, bound.divisibility));
  };
  switch (cmp.getPredicate()) {
  case CmpIPredicate::slt:
  case CmpIPredicate::ult:
  case CmpIPredicate::sge:
  case CmpIPredicate::uge:
    return std::max(constancy, aligned(lhs, rhs));
  case CmpIPredicate::sgt:
  case CmpIPredicate::ugt:
  case CmpIPredicate::sle:
  case CmpIPredicate::ule:
    return std::max(constancy, aligned(rhs, lhs));
  default:
    return constancy;
  }
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
    LastDimInfo next = meetInfo(current, body);
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
    Operation *owner = blockArg.getOwner()->getParentOp();
    if (auto loop = dyn_cast<scf::ForOp>(owner)) {
      if (blockArg.getArgNumber() > 0)
        return computeLoopArgument(value);
      // The induction variable: lb + i * step.
      return {1, 1,
              std::min(getInfo(loop.getLowerBound()).divisibility,
                       getInfo(loop.getStep()).divisibility)};
    }
    if (auto fn = dyn_cast<tile::FuncOp>(owner))
      if (auto known = fn.getArgAttrOfType<IntegerAttr>(blockArg.getArgNumber(),
                                                        "tile.divisibility"))
        return {1, size, powerOfTwoDividing(known.getInt())};
    return {};
  }
  Operation *op = value.getDefiningOp();
  if (auto range = dyn_cast<tile::MakeRangeOp>(op))
    return {size, 1, powerOfTwoDividing(range.getStart())};
  if (auto splat = dyn_cast<tile::SplatOp>(op))
    return {1, size, getInfo(splat.getSrc()).divisibility};
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (auto splat = dyn_cast<SplatElementsAttr>(constant.getValue())) {
      int64_t divisibility = 1;
      if (splat.getElementType().isInteger())
        divisibility =
            powerOfTwoDividing(splat.getSplatValue<APInt>().getSExtValue());
      return {1, size, divisibility};
    }
    return {1, 1, getScalarDivisibility(value)};
  }
  if (auto broadcast = dyn_cast<tile::BroadcastOp>(op)) {
    // A last dimension of 1 spreads each element along the row: constant,
    // and as divisible as the element.
    if (lastDimSize(broadcast.getSrc()) == 1)
      return {1, size, getInfo(broadcast.getSrc()).divisibility};
    return getInfo(broadcast.getSrc());
  }
  if (auto expand = dyn_cast<tile::ExpandDimsOp>(op)) {
    LastDimInfo source = getInfo(expand.getSrc());
    if (expand.getAxisAttr().getInt() != expand.getSrc().getType().getRank())
      return source;
    // A new last dimension of 1: each element is a run of its own, as
    // divisible as every element of the source (consecutive values are
    // not, beyond 1).
    return {1, 1, source.contiguity == 1 ? source.divisibility : 1};
  }
  if (auto addptr = dyn_cast<tile::AddPtrOp>(op)) {
    // Offsets count elements; pointer divisibility counts bytes.
    LastDimInfo offset = getInfo(addptr.getOffset());
    auto pointee = cast<tile::PtrType>(getElementTypeOrSelf(addptr.getType()))
                       .getPointeeType();
    int64_t bytes =
        pointee.isIntOrFloat()
            ? std::max<int64_t>(1, (pointee.getIntOrFloatBitWidth() + 7) / 8)
            : 8; // a pointer
    offset.divisibility =
        std::min(kMaxDivisibility, offset.divisibility * bytes);
    return addInfo(getInfo(addptr.getPtr()), offset);
  }
  if (auto add = dyn_cast<arith::AddIOp>(op))
    return addInfo(getInfo(add.getLhs()), getInfo(add.getRhs()));
  if (auto sub = dyn_cast<arith::SubIOp>(op)) {
    LastDimInfo a = getInfo(sub.getLhs()), b = getInfo(sub.getRhs());
    return {std::gcd(a.contiguity, b.constancy),
            std::gcd(a.constancy, b.constancy),
            std::min(a.divisibility, b.divisibility)};
  }
  if (auto mul = dyn_cast<arith::MulIOp>(op)) {
    LastDimInfo a = getInfo(mul.getLhs()), b = getInfo(mul.getRhs());
    int64_t constancy = std::gcd(a.constancy, b.constancy);
    // Only constant runs keep their first values' product divisible.
    int64_t divisibility =
        a.contiguity == 1 && b.contiguity == 1
            ? std::min(kMaxDivisibility, a.divisibility * b.divisibility)
            : 1;
    if (isSplatOf(mul.getRhs(), 1))
      return {a.contiguity, constancy, a.divisibility};
    if (isSplatOf(mul.getLhs(), 1))
      return {b.contiguity, constancy, b.divisibility};
    return {1, constancy, divisibility};
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(op))
    return {1, getCompareConstancy(cmp)};
  // Bitwise ops and selects (masks) are constant where all operands are.
  if (isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp, arith::SelectOp>(op)) {
    int64_t constancy = size;
    for (Value operand : op->getOperands())
      constancy = std::gcd(constancy, getInfo(operand).constancy);
    return {1, constancy};
  }
  // Width changes keep both facts (as in Triton, offsets are assumed not to
  // overflow their type).
  if (isa<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp, arith::IndexCastOp>(
          op))
    return getInfo(op->getOperand(0));
  return {};
}
