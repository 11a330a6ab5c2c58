//===- CombineRegion.cpp - Applying a reduce or scan combine --------------===//

#include "compiler/Utils/CombineRegion.h"
#include "dialects/tile/TileOps.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

SmallVector<Value> recur::applyCombine(OpBuilder &builder, Region &combine,
                                       ValueRange lhs, ValueRange rhs) {
  Block &block = combine.front();
  IRMapping mapping;
  mapping.map(block.getArguments().take_front(lhs.size()), lhs);
  mapping.map(block.getArguments().drop_front(lhs.size()), rhs);
  for (Operation &op : block.without_terminator())
    builder.clone(op, mapping);
  auto yield = cast<tile::YieldOp>(block.getTerminator());
  return llvm::map_to_vector(
      yield.getValues(), [&](Value v) { return mapping.lookupOrDefault(v); });
}
