//===- DebugOpToCPU.cpp - tile.assert/print -> runtime calls --------------===//
//
// Both ops call into the CPU runtime (runtime/CpuDebug.h) with the program
// id, so that output and failures name the program they come from. A failed
// assert does not abort the process: the runtime records it and the launch
// reports an error.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToCPU/PatternsToCPU.h"
#include "compiler/Utils/AssertMessage.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace recur;

/// A constant global holding a NUL-terminated copy of `text`, one per
/// distinct text. It is created up front at module level: the loop nests that
/// use it are still being built and not yet attached to the module.
static LLVM::GlobalOp getOrCreateString(OpBuilder &builder, Operation *from,
                                        StringRef text) {
  auto module = from->getParentOfType<ModuleOp>();
  std::string name =
      "__recur_str_" + llvm::utohexstr(llvm::hash_value(text), true);
  if (auto global = module.lookupSymbol<LLVM::GlobalOp>(name))
    return global;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(module.getBody());
  std::string data = text.str();
  data.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), data.size());
  return LLVM::GlobalOp::create(builder, from->getLoc(), type,
                                /*isConstant=*/true, LLVM::Linkage::Internal,
                                name, builder.getStringAttr(data));
}

/// The program id (x, y, z) of the function around `op`: the first three of
/// the six grid arguments that convert-tile-to-cpu appends.
static SmallVector<Value> getProgramIds(Operation *op) {
  auto fn = op->getParentOfType<func::FuncOp>();
  return SmallVector<Value>(
      fn.getArguments().take_back(kNumGridArgs).take_front(3));
}

static LLVM::LLVMFuncOp getRuntimeFunction(OpBuilder &builder, Operation *from,
                                           StringRef name,
                                           ArrayRef<Type> params) {
  auto module = from->getParentOfType<ModuleOp>();
  OpBuilder::InsertionGuard guard(builder);
  return *LLVM::lookupOrCreateFn(builder, module, name, params,
                                 LLVM::LLVMVoidType::get(builder.getContext()));
}

static ArrayRef<int64_t> shapeOf(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.getShape();
  return {};
}

namespace {
struct AssertOpLowering : public OpConversionPattern<tile::AssertOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type ptrType = LLVM::LLVMPointerType::get(getContext());
    Type i32 = rewriter.getI32Type();
    auto fail = getRuntimeFunction(rewriter, op, "recur_cpu_assert_fail",
                                   {ptrType, i32, i32, i32});
    std::string message = getAssertMessage(op);
    SmallVector<Value> pids = getProgramIds(op);
    LLVM::GlobalOp text = getOrCreateString(rewriter, op, message);
    buildTileLoopNest(
        rewriter, loc, shapeOf(op.getCondition().getType()), {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
          Value ok = extractElement(b, l, adaptor.getCondition(), ivs);
          Value isTrue = arith::ConstantIntOp::create(b, l, 1, 1);
          Value failed = arith::XOrIOp::create(b, l, ok, isTrue);
          scf::IfOp::create(b, l, failed, [&](OpBuilder &tb, Location tl) {
            SmallVector<Value> args = {
                LLVM::AddressOfOp::create(tb, tl, text).getResult()};
            args.append(pids);
            LLVM::CallOp::create(tb, tl, fail, args);
            scf::YieldOp::create(tb, tl);
          });
          return SmallVector<Value>{};
        });
    rewriter.eraseOp(op);
    return success();
  }
};

/// Floats print as f64 and integers as i64 (i1 zero-extended), one call per
/// element with its row-major index; scalars pass index -1, and a print
/// with no values passes index -2 (the runtime prints the prefix alone).
struct PrintOpLowering : public OpConversionPattern<tile::PrintOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::PrintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type ptrType = LLVM::LLVMPointerType::get(getContext());
    Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
    Type f64 = rewriter.getF64Type();
    auto printF64 = getRuntimeFunction(rewriter, op, "recur_cpu_print_f64",
                                       {ptrType, i32, i32, i32, i64, f64});
    auto printI64 = getRuntimeFunction(rewriter, op, "recur_cpu_print_i64",
                                       {ptrType, i32, i32, i32, i64, i64, i32});
    SmallVector<Value> pids = getProgramIds(op);
    Value prefix = LLVM::AddressOfOp::create(
        rewriter, loc, getOrCreateString(rewriter, op, op.getPrefix()));
    if (adaptor.getArgs().empty()) {
      Value none = arith::ConstantIntOp::create(rewriter, loc, i64, -2);
      Value zero = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
      Value hex = arith::ConstantIntOp::create(rewriter, loc, i32, 0);
      SmallVector<Value> args = {prefix};
      args.append(pids);
      args.append({none, zero, hex});
      LLVM::CallOp::create(rewriter, loc, printI64, args);
    }
    for (Value arg : adaptor.getArgs()) {
      ArrayRef<int64_t> shape = shapeOf(arg.getType());
      buildTileLoopNest(
          rewriter, loc, shape, {},
          [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
            Value linear = arith::ConstantIntOp::create(b, l, i64, -1);
            if (!shape.empty()) {
              linear = arith::ConstantIndexOp::create(b, l, 0);
              for (auto [iv, size] : llvm::zip(ivs, shape)) {
                Value dim = arith::ConstantIndexOp::create(b, l, size);
                linear = arith::AddIOp::create(
                    b, l, arith::MulIOp::create(b, l, linear, dim), iv);
              }
              linear = arith::IndexCastOp::create(b, l, i64, linear);
            }
            Value value = extractElement(b, l, arg, ivs);
            SmallVector<Value> args = {prefix};
            args.append(pids);
            args.push_back(linear);
            if (isa<FloatType>(value.getType())) {
              if (value.getType() != f64)
                value = arith::ExtFOp::create(b, l, f64, value);
              args.push_back(value);
              LLVM::CallOp::create(b, l, printF64, args);
            } else {
              unsigned width = value.getType().getIntOrFloatBitWidth();
              if (width == 1)
                value = arith::ExtUIOp::create(b, l, i64, value);
              else if (width < 64)
                value = arith::ExtSIOp::create(b, l, i64, value);
              args.push_back(value);
              args.push_back(
                  arith::ConstantIntOp::create(b, l, i32, op.getHex() ? 1 : 0));
              LLVM::CallOp::create(b, l, printI64, args);
            }
            return SmallVector<Value>{};
          });
    }
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void recur::populateDebugOpToCPUPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<AssertOpLowering, PrintOpLowering>(converter,
                                                  patterns.getContext());
}
