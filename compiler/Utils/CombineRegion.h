//===- CombineRegion.h - Applying a reduce or scan combine -------*- C++
//-*-===//

#ifndef RECUR_COMPILER_UTILS_COMBINEREGION_H
#define RECUR_COMPILER_UTILS_COMBINEREGION_H

#include "mlir/IR/Builders.h"

namespace recur {

/// Clones the ops of a `tile.reduce`/`tile.scan` combine region at the
/// builder's insertion point, applied to (lhs..., rhs...), and returns the
/// values it yields. Shared by the CPU and GPU lowerings.
llvm::SmallVector<mlir::Value> applyCombine(mlir::OpBuilder &builder,
                                            mlir::Region &combine,
                                            mlir::ValueRange lhs,
                                            mlir::ValueRange rhs);

} // namespace recur

#endif // RECUR_COMPILER_UTILS_COMBINEREGION_H
