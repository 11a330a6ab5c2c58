//===- ConvertTileToCPU.cpp - The convert-tile-to-cpu pass ----------------===//

#include "compiler/Analysis/Contiguity.h"
#include "compiler/Passes.h"
#include "compiler/TileToCPU/PatternsToCPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

namespace recur {
#define GEN_PASS_DEF_CONVERTTILETOCPU
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

TileToCPUTypeConverter::TileToCPUTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](tile::PtrType type) -> Type {
    return IntegerType::get(type.getContext(), 64);
  });
  addConversion([this](RankedTensorType type) -> Type {
    return type.clone(convertType(type.getElementType()));
  });
}

SmallVector<Value> recur::buildTileLoopNest(
    OpBuilder &builder, Location loc, ArrayRef<int64_t> shape,
    ValueRange iterArgs,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange,
                                    ValueRange)>
        body) {
  SmallVector<Value> lbs, ubs, steps;
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  for (int64_t size : shape) {
    lbs.push_back(zero);
    ubs.push_back(arith::ConstantIndexOp::create(builder, loc, size));
    steps.push_back(one);
  }
  scf::LoopNest nest = scf::buildLoopNest(
      builder, loc, lbs, ubs, steps, iterArgs,
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        return scf::ValueVector(body(b, l, ivs, args));
      });
  return SmallVector<Value>(nest.results);
}

Value recur::extractElement(OpBuilder &builder, Location loc, Value value,
                            ValueRange ivs) {
  if (!isa<RankedTensorType>(value.getType()))
    return value;
  return tensor::ExtractOp::create(builder, loc, value, ivs);
}

Value recur::toLLVMPointer(OpBuilder &builder, Location loc, Value address) {
  return LLVM::IntToPtrOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext()), address);
}

/// Makes the launch grid explicit before conversion: every tile.func gets six
/// trailing i32 arguments (program id x, y, z; grid size x, y, z), program_id
/// and num_programs read them, and calls forward the caller's. This is a walk
/// rather than a pattern because it changes every function signature and
/// every call site together.
static void materializeGridArguments(ModuleOp module) {
  Builder builder(module.getContext());
  Type i32 = builder.getI32Type();
  module.walk([&](tile::FuncOp fn) {
    SmallVector<Type> inputs(fn.getArgumentTypes());
    unsigned first = inputs.size();
    inputs.append(kNumGridArgs, i32);
    fn.setFunctionTypeAttr(
        TypeAttr::get(builder.getFunctionType(inputs, fn.getResultTypes())));
    if (fn.isExternal())
      return;
    Block &entry = fn.getBody().front();
    for (unsigned i = 0; i < kNumGridArgs; ++i)
      entry.addArgument(i32, fn.getLoc());
    fn.walk([&](Operation *op) {
      if (auto pid = dyn_cast<tile::ProgramIdOp>(op)) {
        pid.replaceAllUsesWith(
            entry.getArgument(first + static_cast<unsigned>(pid.getAxis())));
        pid.erase();
      } else if (auto nprog = dyn_cast<tile::NumProgramsOp>(op)) {
        nprog.replaceAllUsesWith(entry.getArgument(
            first + 3 + static_cast<unsigned>(nprog.getAxis())));
        nprog.erase();
      } else if (auto call = dyn_cast<tile::CallOp>(op)) {
        call.getOperandsMutable().append(
            entry.getArguments().drop_front(first));
      }
    });
  });
}

namespace {
struct ConvertTileToCPUPass
    : public recur::impl::ConvertTileToCPUBase<ConvertTileToCPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    AccessContiguity contiguity;
    ContiguityAnalysis analysis;
    module.walk([&](Operation *op) {
      if (isa<tile::LoadOp, tile::StoreOp>(op) &&
          isa<RankedTensorType>(op->getOperand(0).getType()))
        contiguity[op] = analysis.getInfo(op->getOperand(0)).contiguity;
    });
    materializeGridArguments(module);

    TileToCPUTypeConverter converter;
    ConversionTarget target(*context);
    target.addIllegalDialect<tile::TileDialect>();
    target.addLegalDialect<arith::ArithDialect, func::FuncDialect,
                           linalg::LinalgDialect, LLVM::LLVMDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect, vector::VectorDialect>();
    target.addLegalOp<ModuleOp>();
    // Upstream ops are legal unless they carry tile pointers.
    target.addDynamicallyLegalOp<arith::SelectOp>([&](arith::SelectOp op) {
      return converter.isLegal(op.getOperation());
    });

    RewritePatternSet patterns(context);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    populateFuncOpToCPUPatterns(converter, patterns);
    populateViewOpToCPUPatterns(converter, patterns);
    populateLoadStoreOpToCPUPatterns(converter, patterns, contiguity);
    populateDotOpToCPUPatterns(converter, patterns);
    populateReduceScanOpToCPUPatterns(converter, patterns);
    populateDebugOpToCPUPatterns(converter, patterns);
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
