//===- LoopPipelining.h - Shared by both pipelining forms -------*- C++ -*-===//
//
// tile-pipeline-loads moves a loop's loads ahead in two forms: in registers
// (PipelineLoads.cpp) and through shared memory with asynchronous copies
// (PipelineAsyncCopies.cpp). Both recompute a load's operands away from
// where the body computes them, which is sound only for ops without
// effects, and both keep loads after the stores of earlier iterations.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_TRANSFORMS_LOOPPIPELINING_H
#define RECUR_COMPILER_TRANSFORMS_LOOPPIPELINING_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

namespace recur {

/// Ops that may be computed again elsewhere in the body, or before the loop,
/// with the same result: no effects, no regions, no loads.
bool isRecomputable(mlir::Operation *op);

/// Whether `op`, or an op nested in it, may write global memory (or has
/// effects that are not known). Writes to a GPU program's shared memory
/// (the asynchronous copies' slots) cannot change what a load reads.
bool mayWriteGlobalMemory(mlir::Operation *op);

/// Collects the ops of `body` that compute `roots` into `slice`, in block
/// order, and the block's arguments they read (roots included) into `args`.
/// Values from outside `body` end the walk. False when one of the ops is
/// not recomputable.
bool collectRecomputableSlice(mlir::Block *body, mlir::ValueRange roots,
                              llvm::SmallVectorImpl<mlir::Operation *> &slice,
                              llvm::SetVector<mlir::BlockArgument> &args);

/// The kernel argument that `pointer` (a pointer or a tile of pointers) is
/// derived from through splats, broadcasts, views and `tile.addptr`, also
/// across a loop's iteration arguments; null when that cannot be told.
mlir::BlockArgument getPointerBase(mlir::Value pointer);

/// Whether every global-memory write of `op` (nested ones included) is a
/// store or atomic through a `tile.noalias` kernel argument
/// (`tile::kNoAliasAttrName`) outside
/// `loadBases`, so that it cannot change what loads through `loadBases`
/// read. False for any other kind of write.
bool writesOnlyElsewhere(mlir::Operation *op,
                         llvm::ArrayRef<mlir::BlockArgument> loadBases);

/// Erases the ops of `slices` (a loop body's, computing loads that were
/// moved) that nothing uses any more, users before their operands.
void eraseUnusedSlices(mlir::RewriterBase &rewriter,
                       llvm::ArrayRef<mlir::Operation *> slices);

/// `iv < ub`, signed or unsigned as `loop` compares.
mlir::Value createInRange(mlir::OpBuilder &builder, mlir::scf::ForOp loop,
                          mlir::Value iv);

/// Pipelines the loads of `loop` that asynchronous copies can carry through
/// shared memory, `numStages - 1` iterations ahead (see
/// tile-pipeline-loads{async-copies}); leaves the others.
void pipelineAsyncCopies(mlir::scf::ForOp loop, unsigned numStages);

} // namespace recur

#endif // RECUR_COMPILER_TRANSFORMS_LOOPPIPELINING_H
