//===- DebugOpToGPU.cpp - tile.assert/print on GPU targets ----------------===//
//
// Both ops keep the meaning they have on the CPU, in the GPU's own terms:
//
// - `tile.print` becomes `gpu.printf` (vprintf on NVIDIA), one line per
//   element in the CPU runtime's format: "pid (x, y, z) idx (i) <prefix>v".
//   Only the canonical holder of an element prints it, so copies of a
//   broadcast tile print once; scalars print from thread 0. Lines of
//   different threads interleave in no fixed order, as on any GPU.
// - `tile.assert` becomes `cf.assert` on the AND of the thread's elements,
//   with the message and the source line; NVIDIA's lowering turns it into
//   `__assertfail`, which stops the kernel and fails the launch, and the
//   emulator reports it as the launch's assertion error.
//
// AMD GPUs print through the ROCm device libraries (the HIP runtime's
// hostcall printf), which the runtime links into kernels that print, and
// have no lowering of `cf.assert`: with `trap-asserts`, a thread whose
// elements fail prints the message and traps (`s_trap`), which ends the
// kernel and fails the launch.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "compiler/Utils/AssertMessage.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace recur;

namespace {

/// `text` as a printf format that prints it verbatim.
std::string escapeFormat(StringRef text) {
  std::string escaped;
  for (char c : text) {
    escaped.push_back(c);
    if (c == '%')
      escaped.push_back('%');
  }
  return escaped;
}

/// The block id (x, y, z) as i32s: the program id the CPU prints.
SmallVector<Value> getProgramIds(OpBuilder &b, Location loc) {
  SmallVector<Value> ids;
  for (gpu::Dimension dim :
       {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
    ids.push_back(arith::IndexCastUIOp::create(
        b, loc, b.getI32Type(), gpu::BlockIdOp::create(b, loc, dim)));
  return ids;
}

/// Whether the tile type has elements spread over threads (a rank-0 tile,
/// like a scalar, is held whole by every thread).
bool isDistributed(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() > 0;
}

struct AssertOpLowering : public OpConversionPattern<tile::AssertOp> {
  AssertOpLowering(const TypeConverter &converter, MLIRContext *context,
                   bool trapAsserts)
      : OpConversionPattern(converter, context), trapAsserts(trapAsserts) {}

  LogicalResult
  matchAndRewrite(tile::AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value condition = adaptor.getCondition();
    Value ok =
        isa<VectorType>(condition.getType())
            ? allTrue(rewriter, loc, unpackElements(rewriter, loc, condition))
            : condition;
    std::string message = getAssertMessage(op);
    if (!trapAsserts) {
      cf::AssertOp::create(rewriter, loc, ok, message);
      rewriter.eraseOp(op);
      return success();
    }
    Value failed = arith::XOrIOp::create(
        rewriter, loc, ok, arith::ConstantIntOp::create(rewriter, loc, 1, 1));
    scf::IfOp::create(rewriter, loc, failed, [&](OpBuilder &b, Location l) {
      gpu::PrintfOp::create(
          b, l,
          b.getStringAttr("Assertion failed: " + escapeFormat(message) + "\n"),
          ValueRange{});
      LLVM::Trap::create(b, l);
      scf::YieldOp::create(b, l);
    });
    rewriter.eraseOp(op);
    return success();
  }

  bool trapAsserts;
};

struct PrintOpLowering : public OpConversionPattern<tile::PrintOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tile::PrintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    std::string prefix = escapeFormat(op.getPrefix());
    SmallVector<Value> pids = getProgramIds(rewriter, loc);
    Value firstThread = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, getThreadId(rewriter, loc),
        createI32(rewriter, loc, 0));

    // Runs `body` only where `condition` holds.
    auto guarded = [&](Value condition,
                       function_ref<void(OpBuilder &, Location)> body) {
      scf::IfOp::create(rewriter, loc, condition,
                        [&](OpBuilder &b, Location l) {
                          body(b, l);
                          scf::YieldOp::create(b, l);
                        });
    };
    auto printValue = [&](OpBuilder &b, Location l, Value value, Value index) {
      std::string format = "pid (%d, %d, %d)";
      SmallVector<Value> args(pids);
      if (index) {
        format += " idx (%lld)";
        args.push_back(index);
      }
      format += " " + prefix;
      if (isa<FloatType>(value.getType())) {
        format += "%.9g\n";
        if (!value.getType().isF64())
          value = arith::ExtFOp::create(b, l, b.getF64Type(), value);
      } else {
        format += op.getHex() ? "0x%llx\n" : "%lld\n";
        unsigned width = value.getType().getIntOrFloatBitWidth();
        if (width == 1)
          value = arith::ExtUIOp::create(b, l, b.getI64Type(), value);
        else if (width < 64)
          value = arith::ExtSIOp::create(b, l, b.getI64Type(), value);
      }
      args.push_back(value);
      gpu::PrintfOp::create(b, l, format, args);
    };

    if (adaptor.getArgs().empty())
      guarded(firstThread, [&](OpBuilder &b, Location l) {
        gpu::PrintfOp::create(b, l, "pid (%d, %d, %d) " + prefix + "\n", pids);
      });
    for (auto [arg, converted] : llvm::zip(op.getArgs(), adaptor.getArgs())) {
      if (!isDistributed(arg.getType())) {
        Value value = converted;
        if (isa<VectorType>(value.getType()))
          value = unpackElements(rewriter, loc, value).front();
        guarded(firstThread, [&](OpBuilder &b, Location l) {
          printValue(b, l, value, Value());
        });
        continue;
      }
      tile::ThreadMapping mapping = getMapping(arg.getType());
      SmallVector<Value> elements = unpackElements(rewriter, loc, converted);
      guarded(isCanonicalHolder(rewriter, loc, mapping), [&](OpBuilder &b,
                                                             Location l) {
        SmallVector<Value> base = getBaseCoordinates(b, l, mapping);
        for (auto [e, element] : llvm::enumerate(elements)) {
          Value index =
              getRowMajorIndex(b, l,
                               getElementCoordinates(b, l, mapping, base,
                                                     static_cast<int64_t>(e)),
                               mapping.shape);
          printValue(b, l, element,
                     arith::ExtUIOp::create(b, l, b.getI64Type(), index));
        }
      });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void recur::populateDebugOpToGPUPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         bool trapAsserts) {
  patterns.add<AssertOpLowering>(converter, patterns.getContext(), trapAsserts);
  patterns.add<PrintOpLowering>(converter, patterns.getContext());
}
