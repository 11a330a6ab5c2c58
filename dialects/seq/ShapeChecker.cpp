//===- ShapeChecker.cpp - Named-dimension shape verification --------------===//

#include "dialects/seq/ShapeChecker.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace recur::seq;

LogicalResult ShapeChecker::check(Value value, StringRef operand,
                                  ArrayRef<StringRef> dims) {
  if (!value)
    return success();
  auto type = cast<ShapedType>(value.getType());
  if (type.getRank() != static_cast<int64_t>(dims.size()))
    return op_->emitOpError("'")
           << operand << "' must be [" << llvm::join(dims, ", ")
           << "], got rank " << type.getRank() << " (" << value.getType()
           << ")";
  for (auto [index, dim] : llvm::enumerate(dims)) {
    if (dim.empty() || type.isDynamicDim(index))
      continue;
    std::string where =
        "'" + operand.str() + "' dimension " + std::to_string(index);
    if (failed(bind(dim, type.getDimSize(index), where)))
      return failure();
  }
  return success();
}

LogicalResult ShapeChecker::bind(StringRef dim, int64_t size, StringRef where) {
  int64_t literal;
  if (!dim.getAsInteger(10, literal)) {
    if (size != literal)
      return op_->emitOpError()
             << where << " must be " << literal << ", got " << size;
    return success();
  }
  auto [it, inserted] = bindings_.try_emplace(dim, Binding{size, where.str()});
  if (!inserted && it->second.size != size)
    return op_->emitOpError()
           << where << " (" << dim << ") is " << size << ", but "
           << it->second.where << " (" << dim << ") is " << it->second.size;
  return success();
}

LogicalResult ShapeChecker::require(StringRef dim, int64_t size,
                                    StringRef where) {
  auto it = bindings_.find(dim);
  if (it != bindings_.end() && it->second.size != size)
    return op_->emitOpError()
           << it->second.where << " (" << dim << ") is " << it->second.size
           << ", but " << where << " must be " << size;
  return bind(dim, size, where);
}

std::optional<int64_t> ShapeChecker::lookup(StringRef dim) const {
  auto it = bindings_.find(dim);
  if (it == bindings_.end())
    return std::nullopt;
  return it->second.size;
}

LogicalResult ShapeChecker::requireDivisible(StringRef dividend,
                                             StringRef divisor,
                                             StringRef purpose) {
  auto a = bindings_.find(dividend), b = bindings_.find(divisor);
  if (a == bindings_.end() || b == bindings_.end())
    return success();
  int64_t num = a->second.size, den = b->second.size;
  if (den != 0 && num % den == 0)
    return success();
  InFlightDiagnostic diag = op_->emitOpError()
                            << a->second.where << " (" << dividend << ") is "
                            << num << ", not a multiple of " << b->second.where
                            << " (" << divisor << ") = " << den;
  if (!purpose.empty())
    diag << " " << purpose;
  return diag;
}

LogicalResult ShapeChecker::bindSequenceCount(Value offsets, StringRef operand,
                                              StringRef dim) {
  if (!offsets)
    return success();
  auto type = cast<ShapedType>(offsets.getType());
  if (type.isDynamicDim(0))
    return success();
  if (type.getDimSize(0) < 2)
    return op_->emitOpError("'")
           << operand << "' needs at least 2 entries (one sequence), got "
           << type.getDimSize(0);
  return bind(dim, type.getDimSize(0) - 1,
              "'" + operand.str() + "' length - 1");
}
