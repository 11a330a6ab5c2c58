//===- PatternsToCPU.h - tile -> CPU conversion patterns ---------*- C++
//-*-===//
//
// The tile -> CPU conversion is split one file per op family, as Triton splits
// its LLVM lowering: a reader finds the lowering of `tile.load` in
// LoadStoreOpToCPU.cpp. Each file contributes its patterns through one of the
// populate functions below.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_TILETOCPU_PATTERNSTOCPU_H
#define RECUR_COMPILER_TILETOCPU_PATTERNSTOCPU_H

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace recur {

/// Names of the six trailing grid arguments every lowered function takes.
constexpr unsigned kNumGridArgs = 6;

/// Attribute marking lowered kernels for the launch-grid pass and runtime.
constexpr llvm::StringLiteral kKernelAttrName = "recur.kernel";

/// Pointers become i64 addresses, also inside tensors; all else is kept.
class TileToCPUTypeConverter : public mlir::TypeConverter {
public:
  TileToCPUTypeConverter();
};

/// Calls `body` once per index of a static `shape` in row-major order,
/// threading `iterArgs` through an `scf.for` nest; returns the final values.
/// A rank-0 shape calls `body` once with no loops.
mlir::SmallVector<mlir::Value>
buildTileLoopNest(mlir::OpBuilder &builder, mlir::Location loc,
                  llvm::ArrayRef<int64_t> shape, mlir::ValueRange iterArgs,
                  llvm::function_ref<mlir::SmallVector<mlir::Value>(
                      mlir::OpBuilder &, mlir::Location, mlir::ValueRange ivs,
                      mlir::ValueRange args)>
                      body);

/// `tensor.extract` of `value` at `ivs` when it is a tensor, else `value`.
mlir::Value extractElement(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Value value, mlir::ValueRange ivs);

/// An `i64` address converted to `!llvm.ptr`.
mlir::Value toLLVMPointer(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Value address);

void populateFuncOpToCPUPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateViewOpToCPUPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
/// Contiguity, along the last dimension, of the pointer tile of each tile
/// load and store (from ContiguityAnalysis, computed before conversion).
using AccessContiguity = llvm::DenseMap<mlir::Operation *, int64_t>;

void populateLoadStoreOpToCPUPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const AccessContiguity &contiguity);
void populateDotOpToCPUPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);
void populateReduceScanOpToCPUPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateDebugOpToCPUPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

} // namespace recur

#endif // RECUR_COMPILER_TILETOCPU_PATTERNSTOCPU_H
