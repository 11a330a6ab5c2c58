//===- Contiguity.h - Unit-stride runs in pointer tiles ----------*- C++
//-*-===//
//
// A small form of Triton's AxisInfo: along the last dimension of an integer or
// pointer tile, how many consecutive lanes step by exactly one element, how
// many hold the same value, and what power of two divides the first value of
// each run. A load whose pointer tile has runs of 16 consecutive addresses
// can use vector loads instead of gathers, with no alignment test when the
// divisibility proves the runs aligned.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_ANALYSIS_CONTIGUITY_H
#define RECUR_COMPILER_ANALYSIS_CONTIGUITY_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::arith {
class CmpIOp;
} // namespace mlir::arith

namespace recur {

/// Facts about the last dimension (of size L) of a tile. Lanes split into
/// aligned groups of `contiguity` lanes whose values increase by one from
/// lane to lane, and into aligned groups of `constancy` equal values. Both
/// divide L; 1 says nothing. The first value of each contiguous group is a
/// multiple of `divisibility`, a power of two (in bytes for pointers), known
/// from constants and from function arguments marked `tile.divisibility`.
struct LastDimInfo {
  int64_t contiguity = 1;
  int64_t constancy = 1;
  int64_t divisibility = 1;

  bool operator==(const LastDimInfo &other) const {
    return contiguity == other.contiguity && constancy == other.constancy &&
           divisibility == other.divisibility;
  }
};

/// Computes LastDimInfo of tile-dialect values on demand. Loop-carried tiles
/// (scf.for iteration arguments) get the greatest facts that hold for the
/// initial value and every value the body yields, found by iterating to a
/// fixed point.
class ContiguityAnalysis {
public:
  LastDimInfo getInfo(mlir::Value value);

private:
  LastDimInfo compute(mlir::Value value);
  LastDimInfo computeLoopArgument(mlir::Value argument);
  /// Lanes in aligned groups of equal outcomes of an integer comparison.
  int64_t getCompareConstancy(mlir::arith::CmpIOp cmp);

  llvm::DenseMap<mlir::Value, LastDimInfo> cache_;
  /// Assumptions for loop arguments while their loop is being solved.
  llvm::DenseMap<mlir::Value, LastDimInfo> loopArguments_;
};

} // namespace recur

#endif // RECUR_COMPILER_ANALYSIS_CONTIGUITY_H
