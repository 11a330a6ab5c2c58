//===- LaunchGrid.cpp - The tile-cpu-launch-grid pass ---------------------===//

#include "compiler/Passes.h"
#include "compiler/TileToCPU/PatternsToCPU.h"

namespace recur {
#define GEN_PASS_DEF_TILECPULAUNCHGRID
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

/// Builds `@<kernel>_grid(args..., gx, gy, gz: i32, begin, end: i64)`: for
/// each linear program id in [begin, end), x fastest, call the kernel.
static void buildGridWrapper(OpBuilder &builder, func::FuncOp kernel) {
  Location loc = kernel.getLoc();
  Type i32 = builder.getI32Type(), i64 = builder.getI64Type();
  ArrayRef<Type> kernelInputs = kernel.getFunctionType().getInputs();
  SmallVector<Type> inputs(kernelInputs.drop_back(kNumGridArgs));
  unsigned numUserArgs = inputs.size();
  inputs.append({i32, i32, i32, i64, i64});

  builder.setInsertionPointAfter(kernel);
  auto wrapper =
      func::FuncOp::create(builder, loc, (kernel.getSymName() + "_grid").str(),
                           builder.getFunctionType(inputs, {}));
  Block *entry = wrapper.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  ValueRange args = entry->getArguments();
  Value gx = args[numUserArgs], gy = args[numUserArgs + 1];
  Value gz = args[numUserArgs + 2];
  Value begin = args[numUserArgs + 3], end = args[numUserArgs + 4];
  Value one = arith::ConstantIntOp::create(builder, loc, i64, 1);
  Value gx64 = arith::ExtSIOp::create(builder, loc, i64, gx);
  Value gy64 = arith::ExtSIOp::create(builder, loc, i64, gy);
  scf::ForOp::create(
      builder, loc, begin, end, one, {},
      [&](OpBuilder &b, Location l, Value linear, ValueRange) {
        Value x = arith::RemSIOp::create(b, l, linear, gx64);
        Value rest = arith::DivSIOp::create(b, l, linear, gx64);
        Value y = arith::RemSIOp::create(b, l, rest, gy64);
        Value z = arith::DivSIOp::create(b, l, rest, gy64);
        SmallVector<Value> callArgs(args.take_front(numUserArgs));
        for (Value id : {x, y, z})
          callArgs.push_back(arith::TruncIOp::create(b, l, i32, id));
        callArgs.append({gx, gy, gz});
        func::CallOp::create(b, l, kernel, callArgs);
        scf::YieldOp::create(b, l);
      });
  func::ReturnOp::create(builder, loc);
}

namespace {
struct TileCPULaunchGridPass
    : public recur::impl::TileCPULaunchGridBase<TileCPULaunchGridPass> {
  void runOnOperation() override {
    OpBuilder builder(&getContext());
    SmallVector<func::FuncOp> kernels;
    getOperation().walk([&](func::FuncOp fn) {
      if (fn->hasAttr(kKernelAttrName) && !fn.isExternal())
        kernels.push_back(fn);
    });
    for (func::FuncOp kernel : kernels)
      buildGridWrapper(builder, kernel);
  }
};
} // namespace
