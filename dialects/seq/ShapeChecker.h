//===- ShapeChecker.h - Named-dimension shape verification -------*- C++
//-*-===//
//
// The seq verifiers state each operand's shape with dimension names, as the
// op descriptions do ("q is [B, T, H, K]"), and let this class check that
// equal names have equal sizes. One checker serves every op, so each
// verifier reads like its documentation.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_DIALECTS_SEQ_SHAPECHECKER_H
#define RECUR_DIALECTS_SEQ_SHAPECHECKER_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace recur::seq {

class ShapeChecker {
public:
  explicit ShapeChecker(mlir::Operation *op) : op_(op) {}

  /// Checks that `value` (when present) has one dimension per entry of
  /// `dims`. A name binds a size the first time a static dimension carries
  /// it; later static dimensions of that name must match. A numeral name
  /// ("2") requires that size; an empty name accepts any. Dynamic
  /// dimensions match anything.
  mlir::LogicalResult check(mlir::Value value, llvm::StringRef operand,
                            llvm::ArrayRef<llvm::StringRef> dims);

  /// Binds `dim` to `size`, found as `where` (used in messages).
  mlir::LogicalResult bind(llvm::StringRef dim, int64_t size,
                           llvm::StringRef where);

  /// Holds `dim` to `size` because of an operand's presence, described by
  /// `where` ("the batch with 'cu_seqlens'"): an operand that already bound
  /// another size is named in the error, later ones are held to `size`.
  mlir::LogicalResult require(llvm::StringRef dim, int64_t size,
                              llvm::StringRef where);

  std::optional<int64_t> lookup(llvm::StringRef dim) const;

  /// `dividend % divisor == 0` when both sizes are known; `purpose`, if
  /// given, ends the message ("for GQA/MQA").
  mlir::LogicalResult requireDivisible(llvm::StringRef dividend,
                                       llvm::StringRef divisor,
                                       llvm::StringRef purpose = "");

  /// Binds N from cumulative sequence lengths `[N + 1]` (when static).
  mlir::LogicalResult bindSequenceCount(mlir::Value offsets,
                                        llvm::StringRef operand,
                                        llvm::StringRef dim);

private:
  struct Binding {
    int64_t size;
    std::string where;
  };
  mlir::Operation *op_;
  llvm::StringMap<Binding> bindings_;
};

} // namespace recur::seq

#endif // RECUR_DIALECTS_SEQ_SHAPECHECKER_H
