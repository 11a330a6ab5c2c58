//===- NarrowDotOperands.cpp - The tile-narrow-dot-operands pass ----------===//
//
// A dot over f32 extensions of f16/bf16 values computes exactly what the
// narrow dot with an f32 accumulator computes (each product is exact in
// f32); only the latter can run on matrix units.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace recur {
#define GEN_PASS_DEF_TILENARROWDOTOPERANDS
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

namespace {

/// What a dot operand extends to f32: an f16 or bf16 value, and the
/// `tile.trans` the extension goes through, if any.
struct Extension {
  Value narrow;
  tile::TransOp trans;

  Type getNarrowType() const { return getElementTypeOrSelf(narrow.getType()); }
};

std::optional<Extension> getExtension(Value operand) {
  auto trans = operand.getDefiningOp<tile::TransOp>();
  auto extend =
      (trans ? trans.getSrc() : operand).getDefiningOp<arith::ExtFOp>();
  if (!extend || !getElementTypeOrSelf(extend.getType()).isF32())
    return std::nullopt;
  Extension extension{extend.getIn(), trans};
  Type narrow = extension.getNarrowType();
  if (!narrow.isF16() && !narrow.isBF16())
    return std::nullopt;
  return extension;
}

/// The narrow operand, transposed again where the wide one was.
Value buildNarrowOperand(OpBuilder &builder, Extension extension) {
  if (!extension.trans)
    return extension.narrow;
  auto type = cast<RankedTensorType>(extension.trans.getType());
  return tile::TransOp::create(
      builder, extension.trans.getLoc(), type.clone(extension.getNarrowType()),
      extension.narrow, extension.trans.getOrderAttr());
}

struct TileNarrowDotOperandsPass
    : public recur::impl::TileNarrowDotOperandsBase<TileNarrowDotOperandsPass> {
  void runOnOperation() override {
    OpBuilder builder(&getContext());
    getOperation().walk([&](tile::DotOp dot) {
      if (!dot.getType().getElementType().isF32())
        return;
      std::optional<Extension> a = getExtension(dot.getA());
      std::optional<Extension> b = getExtension(dot.getB());
      if (!a || !b || a->getNarrowType() != b->getNarrowType())
        return;
      builder.setInsertionPoint(dot);
      Value wideA = dot.getA(), wideB = dot.getB();
      dot.getAMutable().assign(buildNarrowOperand(builder, *a));
      dot.getBMutable().assign(buildNarrowOperand(builder, *b));
      // The wide operands' transposes and extensions, where nothing else
      // uses them (a dead trans would still be lowered through shared
      // memory).
      for (Value wide : {wideA, wideB}) {
        while (wide && wide.use_empty()) {
          Operation *producer = wide.getDefiningOp();
          if (!isa<tile::TransOp, arith::ExtFOp>(producer))
            break;
          wide =
              isa<tile::TransOp>(producer) ? producer->getOperand(0) : Value();
          producer->erase();
        }
      }
    });
  }
};

} // namespace
