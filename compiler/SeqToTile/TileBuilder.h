//===- TileBuilder.h - Terse construction of tile programs ------*- C++ -*-===//
//
// The seq -> tile lowerings write whole chunked kernels. This builder gives
// them the DSL's vocabulary in C++: ranges, broadcasting elementwise
// arithmetic, masked loads and stores at element offsets, dot, transposes,
// sums and cumulative sums, so that a kernel reads like its Python form.
// Shapes are static; scalars are rank-0 values (plain MLIR scalars).
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_SEQTOTILE_TILEBUILDER_H
#define RECUR_COMPILER_SEQTOTILE_TILEBUILDER_H

#include "mlir/IR/Builders.h"

namespace recur {

class TileBuilder {
public:
  TileBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location getLoc() const { return loc; }

  // Constants and indices.
  mlir::Value i32(int64_t value);
  mlir::Value f32(double value);
  mlir::Value floatConst(double value, mlir::Type type);
  /// The integers [0, n) as a 1-D i32 tile (n a power of two).
  mlir::Value range(int64_t n);
  mlir::Value programId(unsigned axis);
  /// A tile of `shape` filled with zeros of `elementType`.
  mlir::Value zeros(llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

  // Shapes.
  mlir::Value expandDims(mlir::Value value, unsigned axis);
  /// Splats scalars and broadcasts size-1 dimensions (after prepending
  /// them, numpy style) to `shape`.
  mlir::Value broadcastTo(mlir::Value value, llvm::ArrayRef<int64_t> shape);
  mlir::Value trans(mlir::Value value);

  // Elementwise arithmetic with numpy broadcasting; operands share an
  // element type.
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value div(mlir::Value a, mlir::Value b);
  mlir::Value exp(mlir::Value a);
  mlir::Value log(mlir::Value a);
  mlir::Value log1p(mlir::Value a);
  mlir::Value tanh(mlir::Value a);
  /// 1 / (1 + exp(-a)).
  mlir::Value sigmoid(mlir::Value a);
  mlir::Value abs(mlir::Value a);
  /// Elementwise maximum: NaN-propagating for floats, signed for integers.
  mlir::Value maximum(mlir::Value a, mlir::Value b);
  /// Signed integer minimum and quotient (truncating).
  mlir::Value minSigned(mlir::Value a, mlir::Value b);
  mlir::Value divSigned(mlir::Value a, mlir::Value b);
  /// Float comparisons (ordered).
  mlir::Value floatEq(mlir::Value a, mlir::Value b);
  mlir::Value floatGt(mlir::Value a, mlir::Value b);
  /// True where a > b or either is NaN.
  mlir::Value floatGtOrNaN(mlir::Value a, mlir::Value b);
  /// Signed integer comparison a <= b.
  mlir::Value le(mlir::Value a, mlir::Value b);
  mlir::Value lt(mlir::Value a, mlir::Value b);
  mlir::Value ge(mlir::Value a, mlir::Value b);
  mlir::Value logicalAnd(mlir::Value a, mlir::Value b);
  mlir::Value select(mlir::Value condition, mlir::Value a, mlir::Value b);
  /// Float conversion (extension or truncation) to `elementType`.
  mlir::Value castFloat(mlir::Value value, mlir::Type elementType);

  // Memory: `base` is a scalar `!tile.ptr<T>`, `offsets` an integer tile of
  // element offsets; masked-off lanes load zero and do not store.
  mlir::Value load(mlir::Value base, mlir::Value offsets, mlir::Value mask);
  void store(mlir::Value base, mlir::Value offsets, mlir::Value value,
             mlir::Value mask);
  /// A scalar load through a scalar pointer plus a scalar offset.
  mlir::Value loadScalar(mlir::Value base, mlir::Value offset);
  /// Atomically raises the scalar at `base` to at least `value` (signed
  /// integer or float maximum; a float max ignores NaN, as LLVM's does).
  void atomicMax(mlir::Value base, mlir::Value value);

  // Compute.
  mlir::Value dot(mlir::Value a, mlir::Value b, mlir::Value acc);
  /// Sum along `axis` (in index order).
  mlir::Value sum(mlir::Value value, unsigned axis);
  /// Maximum along `axis` (in index order).
  mlir::Value max(mlir::Value value, unsigned axis);
  /// Inclusive cumulative sum along `axis`.
  mlir::Value cumsum(mlir::Value value, unsigned axis);
  /// Inclusive scan of same-shaped `values` along `axis`; `combine` maps
  /// the earlier and the later elements (scalars) to the combined ones.
  llvm::SmallVector<mlir::Value>
  scan(mlir::ValueRange values, unsigned axis,
       llvm::function_ref<llvm::SmallVector<mlir::Value>(
           TileBuilder &, mlir::ValueRange, mlir::ValueRange)>
           combine);

  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);
  static mlir::Type elementTypeOf(mlir::Value value);

private:
  mlir::Type tileType(llvm::ArrayRef<int64_t> shape, mlir::Type element);
  /// Broadcasts two operands to their common shape.
  std::pair<mlir::Value, mlir::Value> broadcastPair(mlir::Value a,
                                                    mlir::Value b);
  /// Fills the combine region of a reduce or scan with `combine(lhs, rhs)`.
  mlir::Value
  combine(mlir::Operation *op, mlir::Type element,
          llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> combine);

  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace recur

#endif // RECUR_COMPILER_SEQTOTILE_TILEBUILDER_H
