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

/// `iv < ub`, signed or unsigned as `loop` compares.
mlir::Value createInRange(mlir::OpBuilder &builder, mlir::scf::ForOp loop,
                          mlir::Value iv);

/// Pipelines the loads of `loop` that asynchronous copies can carry through
/// shared memory, `numStages - 1` iterations ahead (see
/// tile-pipeline-loads{async-copies}); leaves the others.
void pipelineAsyncCopies(mlir::scf::ForOp loop, unsigned numStages);

} // namespace recur

#endif // RECUR_COMPILER_TRANSFORMS_LOOPPIPELINING_H
