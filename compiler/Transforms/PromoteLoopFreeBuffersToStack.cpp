//===- PromoteLoopFreeBuffersToStack.cpp - Small loop-free buffers on stack
//===//

#include "compiler/Passes.h"

#include "mlir/Interfaces/LoopLikeInterface.h"

namespace recur {
#define GEN_PASS_DEF_PROMOTELOOPFREEBUFFERSTOSTACK
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;

static bool isInsideLoop(Operation *op, Operation *function) {
  for (Operation *parent = op->getParentOp(); parent && parent != function;
       parent = parent->getParentOp())
    if (isa<LoopLikeOpInterface>(parent))
      return true;
  return false;
}

namespace {
struct PromoteLoopFreeBuffersToStackPass
    : public recur::impl::PromoteLoopFreeBuffersToStackBase<
          PromoteLoopFreeBuffersToStackPass> {
  using PromoteLoopFreeBuffersToStackBase::PromoteLoopFreeBuffersToStackBase;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    // A returned buffer must outlive the frame; rather than track which one
    // escapes, leave functions that return buffers alone (kernels never do,
    // and device functions are inlined before bufferization).
    if (llvm::any_of(function.getResultTypes(),
                     [](Type type) { return isa<BaseMemRefType>(type); }))
      return;
    SmallVector<memref::AllocOp> candidates;
    function.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !alloc.getDynamicSizes().empty() ||
          !alloc.getSymbolOperands().empty())
        return;
      int64_t bits = type.getNumElements() *
                     std::max<int64_t>(8, type.getElementTypeBitWidth());
      if (bits / 8 > maxBytes || isInsideLoop(alloc, function))
        return;
      candidates.push_back(alloc);
    });
    for (memref::AllocOp alloc : candidates) {
      OpBuilder builder(alloc);
      auto alloca = memref::AllocaOp::create(
          builder, alloc.getLoc(), alloc.getType(), alloc.getAlignmentAttr());
      alloc.replaceAllUsesWith(alloca.getResult());
      alloc.erase();
    }
  }
};
} // namespace
