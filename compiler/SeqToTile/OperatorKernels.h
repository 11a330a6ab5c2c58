//===- OperatorKernels.h - What the seq -> tile lowerings share -*- C++ -*-===//
//
// convert-seq-to-tile replaces each operator function by a kernel. The
// kernel builders live in several files; this header gives them the kernel's
// operands and declares the builders kept outside ConvertSeqToTile.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_SEQTOTILE_OPERATORKERNELS_H
#define RECUR_COMPILER_SEQTOTILE_OPERATORKERNELS_H

#include "dialects/seq/SeqOps.h"

#include "mlir/IR/Builders.h"

namespace recur {

/// The pointers and sizes a kernel body works with.
struct KernelOperands {
  /// Pointer of each function argument and result, by SSA value.
  llvm::DenseMap<mlir::Value, mlir::Value> pointers;
  llvm::SmallVector<mlir::Value> resultPointers;
  /// Scratch memory of the compute type (seq.newton_rnn only), else null.
  mlir::Value workspace;
  /// The sequence lengths: T for the linear family; Tq, Tk for attention.
  llvm::SmallVector<mlir::Value> lengths;
};

/// The smallest power of two >= max(n, 1): tiles have power-of-two sizes.
int64_t nextPowerOf2(int64_t n);

/// The columns of the [K, V] state that one program of the linear family
/// (linear attention, GLA, the delta rules) holds: all of V (rounded up to a
/// power of two) on the CPU and wherever the state has at most 8192
/// elements; on GPUs a larger state is split over V into blocks of 8192 / K
/// columns (at least 16), one program each, which recompute the chunk's
/// [C, C] scores. At K = V = 64 nothing splits; at K = V = 128 each of two
/// programs holds [128, 64], which fits a block's registers without
/// spilling. The kernels' grid is (H, sequences, ceil(V / block)).
int64_t getValueBlock(int64_t keyDim, int64_t valueDim, bool gpu);

/// ParaRNN's Newton solve of `op` (see NewtonRNN.cpp); `gpu` as
/// convert-seq-to-tile's option.
mlir::LogicalResult buildNewtonRNN(mlir::OpBuilder &builder,
                                   seq::NewtonRNNOp op,
                                   const KernelOperands &kernel, int64_t chunk,
                                   bool gpu);

} // namespace recur

#endif // RECUR_COMPILER_SEQTOTILE_OPERATORKERNELS_H
