//===- ConvertGPUToEmu.cpp - The convert-gpu-to-emu pass ------------------===//
//
// Turns the kernels of the GPU module into host functions that run once per
// emulated thread under runtime/emu: GPU intrinsics become calls to its
// `__recur_emu_*` functions (documented in docs/gpu.md), and every address
// space becomes the host's. Moving the kernels out of the GPU module and
// retyping pointers is a walk (it restructures the module); the intrinsics
// are patterns.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/TileToGPU/PatternsToGPU.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace recur {
#define GEN_PASS_DEF_CONVERTGPUTOEMU
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

namespace {

/// A call to `name`, declared at the top of the module on first use.
Value callIntrinsic(PatternRewriter &rewriter, Operation *at, StringRef name,
                    TypeRange results, ValueRange operands) {
  auto module = at->getParentOfType<ModuleOp>();
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn) {
    OpBuilder builder(module.getBodyRegion());
    fn = func::FuncOp::create(
        builder, module.getLoc(), name,
        builder.getFunctionType(operands.getTypes(), results));
    fn.setPrivate();
  }
  auto call = func::CallOp::create(rewriter, at->getLoc(), fn, operands);
  return results.empty() ? Value() : call.getResult(0);
}

/// The address of a constant global holding a NUL-terminated copy of
/// `text`, one global per distinct text.
Value getStringAddress(PatternRewriter &rewriter, Operation *at,
                       StringRef text) {
  auto module = at->getParentOfType<ModuleOp>();
  std::string name =
      "__recur_emu_str_" + llvm::utohexstr(llvm::hash_value(text), true);
  auto global = module.lookupSymbol<LLVM::GlobalOp>(name);
  if (!global) {
    OpBuilder builder(module.getBodyRegion());
    std::string data = text.str();
    data.push_back('\0');
    global = LLVM::GlobalOp::create(
        builder, module.getLoc(),
        LLVM::LLVMArrayType::get(builder.getI8Type(), data.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal, name,
        builder.getStringAttr(data));
  }
  return LLVM::AddressOfOp::create(rewriter, at->getLoc(), global);
}

/// gpu.thread_id & co. read the emulated thread's coordinates.
template <typename GPUOp> struct IdOpLowering : public OpRewritePattern<GPUOp> {
  IdOpLowering(MLIRContext *context, StringRef intrinsic)
      : OpRewritePattern<GPUOp>(context), intrinsic(intrinsic) {}

  LogicalResult matchAndRewrite(GPUOp op,
                                PatternRewriter &rewriter) const override {
    Value dim = createI32(rewriter, op.getLoc(),
                          static_cast<int64_t>(op.getDimension()));
    Value id =
        callIntrinsic(rewriter, op, intrinsic, rewriter.getI32Type(), dim);
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(
        op, rewriter.getIndexType(), id);
    return success();
  }

  std::string intrinsic;
};

struct BarrierOpLowering : public OpRewritePattern<gpu::BarrierOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(gpu::BarrierOp op,
                                PatternRewriter &rewriter) const override {
    callIntrinsic(rewriter, op, "__recur_emu_barrier", {}, {});
    rewriter.eraseOp(op);
    return success();
  }
};

/// `shfl.sync` semantics with upstream's operand packing:
/// c = ((warpSize - width) << 8) | (up ? 0 : warpSize - 1).
struct ShuffleOpLowering : public OpRewritePattern<gpu::ShuffleOp> {
  ShuffleOpLowering(MLIRContext *context, unsigned warpSize)
      : OpRewritePattern(context), warpSize(warpSize) {}

  LogicalResult matchAndRewrite(gpu::ShuffleOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type();
    Type type = op.getValue().getType();
    if (type.getIntOrFloatBitWidth() != 32)
      return rewriter.notifyMatchFailure(op, "only 32-bit shuffles");
    Value word = op.getValue();
    if (type != i32)
      word = arith::BitcastOp::create(rewriter, loc, i32, word);
    Value segment = arith::ShLIOp::create(
        rewriter, loc,
        arith::SubIOp::create(rewriter, loc, createI32(rewriter, loc, warpSize),
                              op.getWidth()),
        createI32(rewriter, loc, 8));
    bool up = op.getMode() == gpu::ShuffleMode::UP;
    Value packed =
        arith::OrIOp::create(rewriter, loc, segment,
                             createI32(rewriter, loc, up ? 0 : warpSize - 1));
    // The valid flag comes back through memory, in the function's entry
    // block so that loops do not grow the stack.
    auto fn = op->getParentOfType<func::FuncOp>();
    OpBuilder entry(&fn.getBody().front(), fn.getBody().front().begin());
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    Value slot =
        LLVM::AllocaOp::create(entry, loc, ptrType, i32,
                               arith::ConstantIntOp::create(entry, loc, 1, 64));
    const char *names[] = {"__recur_emu_shfl_xor", "__recur_emu_shfl_up",
                           "__recur_emu_shfl_down", "__recur_emu_shfl_idx"};
    StringRef name;
    switch (op.getMode()) {
    case gpu::ShuffleMode::XOR:
      name = names[0];
      break;
    case gpu::ShuffleMode::UP:
      name = names[1];
      break;
    case gpu::ShuffleMode::DOWN:
      name = names[2];
      break;
    case gpu::ShuffleMode::IDX:
      name = names[3];
      break;
    }
    Value result = callIntrinsic(rewriter, op, name, i32,
                                 {word, op.getOffset(), packed, slot});
    Value validWord = LLVM::LoadOp::create(rewriter, loc, i32, slot);
    Value valid = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                        validWord, createI32(rewriter, loc, 0));
    if (type != i32)
      result = arith::BitcastOp::create(rewriter, loc, type, result);
    rewriter.replaceOp(op, {result, valid});
    return success();
  }

  unsigned warpSize;
};

/// `mma.sync` is a warp collective of the emulator, which takes each lane's
/// fragments by address in the element order of the nvgpu vector types.
struct MmaSyncOpLowering : public OpRewritePattern<nvgpu::MmaSyncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nvgpu::MmaSyncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getMatrixA().getType().getElementType();
    StringRef name;
    if (op.getTf32Enabled())
      name = "__recur_emu_mma_m16n8k8_f32_tf32";
    else if (element.isF16())
      name = "__recur_emu_mma_m16n8k16_f32_f16";
    else if (element.isBF16())
      name = "__recur_emu_mma_m16n8k16_f32_bf16";
    else
      return rewriter.notifyMatchFailure(op, "no emulated mma for this type");
    if (!op.getMatrixC().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 accumulators");

    auto fn = op->getParentOfType<func::FuncOp>();
    OpBuilder entry(&fn.getBody().front(), fn.getBody().front().begin());
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    auto flat = [&](Value fragment) {
      auto type = cast<VectorType>(fragment.getType());
      return vector::ShapeCastOp::create(
          rewriter, loc,
          VectorType::get({type.getNumElements()}, type.getElementType()),
          fragment);
    };
    // One slot per operand, in the entry block (loops must not grow the
    // stack).
    auto slot = [&](Type type) {
      return LLVM::AllocaOp::create(
          entry, loc, ptrType, type,
          arith::ConstantIntOp::create(entry, loc, 1, 64));
    };
    SmallVector<Value> addresses;
    for (Value fragment : {op.getMatrixA(), op.getMatrixB(), op.getMatrixC()}) {
      Value values = flat(fragment);
      Value address = slot(values.getType());
      LLVM::StoreOp::create(rewriter, loc, values, address);
      addresses.push_back(address);
    }
    auto resultType = cast<VectorType>(op.getType());
    auto flatResult = VectorType::get({resultType.getNumElements()},
                                      resultType.getElementType());
    Value d = slot(flatResult);
    addresses.push_back(d);
    callIntrinsic(rewriter, op, name, {}, addresses);
    Value result = LLVM::LoadOp::create(rewriter, loc, flatResult, d);
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, resultType, result);
    return success();
  }
};

/// `gpu.printf` calls the emulator's printf with the same arguments (the
/// tile lowering has already widened them as C's varargs would).
struct PrintfOpLowering : public OpRewritePattern<gpu::PrintfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(gpu::PrintfOp op,
                                PatternRewriter &rewriter) const override {
    auto module = op->getParentOfType<ModuleOp>();
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    FailureOr<LLVM::LLVMFuncOp> printf = [&] {
      OpBuilder::InsertionGuard guard(rewriter);
      return LLVM::lookupOrCreateFn(
          rewriter, module, "__recur_emu_printf", {ptrType},
          LLVM::LLVMVoidType::get(rewriter.getContext()), /*isVarArg=*/true);
    }();
    if (failed(printf))
      return failure();
    SmallVector<Value> args = {getStringAddress(rewriter, op, op.getFormat())};
    args.append(op.getArgs().begin(), op.getArgs().end());
    LLVM::CallOp::create(rewriter, op.getLoc(), *printf, args);
    rewriter.eraseOp(op);
    return success();
  }
};

/// `cf.assert` is checked by the emulator, which fails the launch with the
/// message and the thread that failed.
struct AssertOpLowering : public OpRewritePattern<cf::AssertOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(cf::AssertOp op,
                                PatternRewriter &rewriter) const override {
    Value ok = arith::ExtUIOp::create(rewriter, op.getLoc(),
                                      rewriter.getI32Type(), op.getArg());
    callIntrinsic(rewriter, op, "__recur_emu_assert", {},
                  {ok, getStringAddress(rewriter, op, op.getMsg())});
    rewriter.eraseOp(op);
    return success();
  }
};

/// `amdgpu.mfma` is a wavefront collective of the emulator, which takes each
/// lane's fragments by address in the element order of the op's vector
/// types (a scalar f32 operand is one element).
struct MfmaOpLowering : public OpRewritePattern<amdgpu::MFMAOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(amdgpu::MFMAOp op,
                                PatternRewriter &rewriter) const override {
    Type element = getElementTypeOrSelf(op.getSourceA().getType());
    auto shape = std::make_tuple(op.getM(), op.getN(), op.getK());
    StringRef name;
    if (shape == std::make_tuple(16u, 16u, 16u) && element.isF16())
      name = "__recur_emu_mfma_f32_16x16x16f16";
    else if (shape == std::make_tuple(16u, 16u, 16u) && element.isBF16())
      name = "__recur_emu_mfma_f32_16x16x16bf16_1k";
    else if (shape == std::make_tuple(16u, 16u, 4u) && element.isF32())
      name = "__recur_emu_mfma_f32_16x16x4f32";
    else if (shape == std::make_tuple(32u, 32u, 8u) && element.isF16())
      name = "__recur_emu_mfma_f32_32x32x8f16";
    else
      return rewriter.notifyMatchFailure(op, "no emulated MFMA of this kind");
    if (op.getBlocks() != 1 || op.getCbsz() || op.getAbid() ||
        op.getBlgp() != amdgpu::MFMAPermB::none || op.getNegateA() ||
        op.getNegateB() || op.getNegateC() || op.getReducePrecision())
      return rewriter.notifyMatchFailure(op, "only plain one-block MFMAs");

    // One slot per operand, in the entry block (loops must not grow the
    // stack).
    Location loc = op.getLoc();
    auto fn = op->getParentOfType<func::FuncOp>();
    OpBuilder entry(&fn.getBody().front(), fn.getBody().front().begin());
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    auto slot = [&](Type type) {
      return LLVM::AllocaOp::create(
          entry, loc, ptrType, type,
          arith::ConstantIntOp::create(entry, loc, 1, 64));
    };
    SmallVector<Value> addresses;
    for (Value fragment : {op.getSourceA(), op.getSourceB(), op.getDestC()}) {
      Value address = slot(fragment.getType());
      LLVM::StoreOp::create(rewriter, loc, fragment, address);
      addresses.push_back(address);
    }
    Value d = slot(op.getType());
    addresses.push_back(d);
    callIntrinsic(rewriter, op, name, {}, addresses);
    rewriter.replaceOpWithNewOp<LLVM::LoadOp>(op, op.getType(), d);
    return success();
  }
};

/// An entry-block slot for `type` (loops must not grow the stack).
Value allocateSlot(Operation *op, Type type) {
  auto fn = op->getParentOfType<func::FuncOp>();
  OpBuilder entry(&fn.getBody().front(), fn.getBody().front().begin());
  return LLVM::AllocaOp::create(
      entry, op->getLoc(), LLVM::LLVMPointerType::get(op->getContext()), type,
      arith::ConstantIntOp::create(entry, op->getLoc(), 1, 64));
}

/// `nvvm.mma.sync` with bf16 operands (the tile lowering's bf16 mma, which
/// nvgpu cannot express): the emulator's mma, with the packed 32-bit
/// registers as its pairs of bf16.
struct NVVMMmaOpLowering : public OpRewritePattern<NVVM::MmaOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NVVM::MmaOp op,
                                PatternRewriter &rewriter) const override {
    NVVM::MMAShapeAttr shape = op.getShape();
    if (op.getMultiplicandAPtxType() != NVVM::MMATypes::bf16 ||
        op.getMultiplicandBPtxType() != NVVM::MMATypes::bf16 ||
        shape.getM() != 16 || shape.getN() != 8 || shape.getK() != 16 ||
        op.getOperandA().size() != 4 || op.getOperandB().size() != 2 ||
        op.getOperandC().size() != 4 ||
        !op.getOperandC().front().getType().isF32())
      return rewriter.notifyMatchFailure(op, "only m16n8k16 bf16 -> f32");
    Location loc = op.getLoc();
    SmallVector<Value> addresses;
    for (ValueRange values :
         {op.getOperandA(), op.getOperandB(), op.getOperandC()}) {
      auto type = VectorType::get({static_cast<int64_t>(values.size())},
                                  values.front().getType());
      Value address = allocateSlot(op, type);
      LLVM::StoreOp::create(
          rewriter, loc,
          vector::FromElementsOp::create(rewriter, loc, type, values), address);
      addresses.push_back(address);
    }
    auto dType = VectorType::get({4}, rewriter.getF32Type());
    Value d = allocateSlot(op, dType);
    addresses.push_back(d);
    callIntrinsic(rewriter, op, "__recur_emu_mma_m16n8k16_f32_bf16", {},
                  addresses);
    Value values = LLVM::LoadOp::create(rewriter, loc, dType, d);
    Value result = LLVM::UndefOp::create(rewriter, loc, op.getType());
    for (int64_t i = 0; i < 4; ++i)
      result = LLVM::InsertValueOp::create(
          rewriter, loc, result,
          vector::ExtractOp::create(rewriter, loc, values, i),
          ArrayRef<int64_t>{i});
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `nvvm.wgmma.mma_async` is a warpgroup collective of the emulator, which
/// reads A and B through the descriptors and updates each thread's
/// accumulator registers in place (the op's struct, through memory).
struct WgmmaOpLowering : public OpRewritePattern<NVVM::WgmmaMmaAsyncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NVVM::WgmmaMmaAsyncOp op,
                                PatternRewriter &rewriter) const override {
    NVVM::WGMMATypes type = op.getTypeA();
    int64_t code = type == NVVM::WGMMATypes::f16    ? 0
                   : type == NVVM::WGMMATypes::bf16 ? 1
                   : type == NVVM::WGMMATypes::tf32 ? 2
                                                    : -1;
    NVVM::MMAShapeAttr shape = op.getShape();
    if (code < 0 || op.getTypeB() != type ||
        op.getTypeD() != NVVM::WGMMATypes::f32 || shape.getM() != 64 ||
        shape.getK() != (code == 2 ? 8 : 16) ||
        op.getLayoutA() != NVVM::MMALayout::row ||
        op.getLayoutB() != NVVM::MMALayout::col ||
        op.getScaleA() != NVVM::WGMMAScaleIn::one ||
        op.getScaleB() != NVVM::WGMMAScaleIn::one)
      return rewriter.notifyMatchFailure(
          op, "only K-major f16/bf16/tf32 -> f32 wgmma");
    Location loc = op.getLoc();
    Value acc = allocateSlot(op, op.getInouts().getType());
    LLVM::StoreOp::create(rewriter, loc, op.getInouts(), acc);
    bool scale = op.getScaleD() == NVVM::WGMMAScaleOut::one;
    callIntrinsic(rewriter, op, "__recur_emu_wgmma", {},
                  {createI32(rewriter, loc, code),
                   createI32(rewriter, loc, shape.getN()), op.getDescriptorA(),
                   op.getDescriptorB(), createI32(rewriter, loc, scale), acc});
    rewriter.replaceOpWithNewOp<LLVM::LoadOp>(op, op.getType(), acc);
    return success();
  }
};

/// wgmma's fence, commit and wait and `fence.proxy.async` become the
/// emulator's calls of the same names (which order nothing: its wgmma has
/// finished when the collective returns); so do cp.async's commit and wait,
/// which complete the queued copies.
template <typename NVVMOp>
struct OrderingOpLowering : public OpRewritePattern<NVVMOp> {
  OrderingOpLowering(MLIRContext *context, StringRef intrinsic)
      : OpRewritePattern<NVVMOp>(context), intrinsic(intrinsic) {}

  LogicalResult matchAndRewrite(NVVMOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> operands;
    if constexpr (std::is_same_v<NVVMOp, NVVM::WgmmaWaitGroupSyncOp>)
      operands.push_back(createI32(rewriter, op.getLoc(), op.getGroup()));
    if constexpr (std::is_same_v<NVVMOp, NVVM::CpAsyncWaitGroupOp>)
      operands.push_back(createI32(rewriter, op.getLoc(), op.getN()));
    if constexpr (std::is_same_v<NVVMOp, NVVM::FenceProxyOp>)
      if (op.getKind() != NVVM::ProxyKind::async &&
          op.getKind() != NVVM::ProxyKind::async_shared)
        return rewriter.notifyMatchFailure(op, "only async proxy fences");
    callIntrinsic(rewriter, op, intrinsic, {}, operands);
    rewriter.eraseOp(op);
    return success();
  }

  std::string intrinsic;
};

/// cp.async becomes a copy the emulated thread queues until a wait
/// completes its group, so a kernel that reads a slot too early reads what
/// was there before, as it could on the GPU.
struct CpAsyncOpLowering : public OpRewritePattern<NVVM::CpAsyncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NVVM::CpAsyncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value size = createI32(rewriter, loc, op.getSize());
    Value srcSize = op.getCpSize() ? op.getCpSize() : size;
    callIntrinsic(rewriter, op, "__recur_emu_cp_async", {},
                  {op.getDst(), op.getSrc(), size, srcSize});
    rewriter.eraseOp(op);
    return success();
  }
};

/// An op that is one call of the emulator's `intrinsic` with the operands
/// `getOperands` picks; it leaves alone (an empty list) the forms the
/// emulator does not have. How mbarriers and bulk copies are emulated: the
/// emulator keeps each mbarrier's phase and queues the copies on it.
template <typename NVVMOp>
struct IntrinsicCallLowering : public OpRewritePattern<NVVMOp> {
  using GetOperands = SmallVector<Value> (*)(NVVMOp);
  IntrinsicCallLowering(MLIRContext *context, StringRef intrinsic,
                        GetOperands getOperands)
      : OpRewritePattern<NVVMOp>(context), intrinsic(intrinsic),
        getOperands(getOperands) {}

  LogicalResult matchAndRewrite(NVVMOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> operands = getOperands(op);
    if (operands.empty())
      return rewriter.notifyMatchFailure(op, "a form the emulator lacks");
    callIntrinsic(rewriter, op, intrinsic, {}, operands);
    rewriter.eraseOp(op);
    return success();
  }

  std::string intrinsic;
  GetOperands getOperands;
};

void populateMbarrierPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<IntrinsicCallLowering<NVVM::MBarrierInitOp>>(
      context, "__recur_emu_mbarrier_init",
      [](NVVM::MBarrierInitOp op) -> SmallVector<Value> {
        if (op.getPredicate())
          return {};
        return {op.getAddr(), op.getCount()};
      });
  patterns.add<IntrinsicCallLowering<NVVM::MBarrierArriveOp>>(
      context, "__recur_emu_mbarrier_arrive",
      [](NVVM::MBarrierArriveOp op) -> SmallVector<Value> {
        if (op.getCount() || (op.getRes() && !op.getRes().use_empty()))
          return {};
        return {op.getAddr()};
      });
  patterns.add<IntrinsicCallLowering<NVVM::MBarrierExpectTxOp>>(
      context, "__recur_emu_mbarrier_expect_tx",
      [](NVVM::MBarrierExpectTxOp op) -> SmallVector<Value> {
        return {op.getAddr(), op.getTxcount()};
      });
  patterns.add<IntrinsicCallLowering<NVVM::MBarrierTryWaitParityOp>>(
      context, "__recur_emu_mbarrier_try_wait_parity",
      [](NVVM::MBarrierTryWaitParityOp op) -> SmallVector<Value> {
        return {op.getAddr(), op.getPhase()};
      });
  patterns.add<IntrinsicCallLowering<NVVM::CpAsyncBulkGlobalToSharedClusterOp>>(
      context, "__recur_emu_cp_async_bulk",
      [](NVVM::CpAsyncBulkGlobalToSharedClusterOp op) -> SmallVector<Value> {
        if (op.getMulticastMask() || op.getL2CacheHint())
          return {};
        return {op.getDstMem(), op.getSrcMem(), op.getSize(), op.getMbar()};
      });
}

/// Casts between address spaces are no-ops once every pointer is the
/// host's (a block's shared window is inside its cluster's).
struct AddrSpaceCastOpLowering
    : public OpRewritePattern<LLVM::AddrSpaceCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LLVM::AddrSpaceCastOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getArg().getType() != op.getType())
      return failure();
    rewriter.replaceOp(op, op.getArg());
    return success();
  }
};

/// A shared-memory address taken as an integer (wgmma's descriptors) is its
/// offset in the block's shared memory, as on the GPU, where the shared
/// window starts at 0. Runs before the pointers lose their address space.
void rebaseSharedAddresses(func::FuncOp fn) {
  fn.walk([&](LLVM::PtrToIntOp op) {
    auto ptr = dyn_cast<LLVM::LLVMPointerType>(op.getArg().getType());
    if (!ptr || ptr.getAddressSpace() != 3)
      return;
    OpBuilder b(op);
    b.setInsertionPointAfter(op);
    Value base =
        LLVM::AddressOfOp::create(b, op.getLoc(), ptr, kSharedScratchName);
    Value baseInt =
        LLVM::PtrToIntOp::create(b, op.getLoc(), op.getType(), base);
    auto offset = LLVM::SubOp::create(b, op.getLoc(), op.getResult(), baseInt);
    op.getResult().replaceAllUsesExcept(offset, offset);
  });
}

/// The shared-memory scratch is the emulated block's shared memory.
struct SharedScratchLowering : public OpRewritePattern<LLVM::AddressOfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LLVM::AddressOfOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGlobalName() != kSharedScratchName)
      return failure();
    rewriter.replaceOp(
        op,
        callIntrinsic(rewriter, op, "__recur_emu_shared_memory",
                      LLVM::LLVMPointerType::get(rewriter.getContext()), {}));
    return success();
  }
};

/// Every pointer in the host's address space.
void retypePointers(func::FuncOp fn) {
  auto host = LLVM::LLVMPointerType::get(fn.getContext());
  auto retype = [&](Value value) {
    auto ptr = dyn_cast<LLVM::LLVMPointerType>(value.getType());
    if (ptr && ptr.getAddressSpace() != 0)
      value.setType(host);
  };
  fn.walk([&](Operation *op) {
    for (Value result : op->getResults())
      retype(result);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          retype(arg);
  });
}

struct ConvertGPUToEmuPass
    : public recur::impl::ConvertGPUToEmuBase<ConvertGPUToEmuPass> {
  using ConvertGPUToEmuBase::ConvertGPUToEmuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    OpBuilder builder(context);
    SmallVector<func::FuncOp> kernels;
    for (auto gpuModule :
         llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>())) {
      int64_t sharedBytes = 0;
      if (auto dynamic = gpuModule->getAttrOfType<IntegerAttr>(
              kDynamicSharedBytesAttrName))
        sharedBytes = dynamic.getInt();
      else if (auto scratch =
                   gpuModule.lookupSymbol<LLVM::GlobalOp>(kSharedScratchName))
        sharedBytes =
            cast<LLVM::LLVMArrayType>(scratch.getGlobalType()).getNumElements();
      for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
        builder.setInsertionPoint(gpuModule);
        auto fn =
            func::FuncOp::create(builder, kernel.getLoc(), kernel.getName(),
                                 kernel.getFunctionType());
        fn.getBody().takeBody(kernel.getBody());
        fn->setAttr("recur.kernel", builder.getUnitAttr());
        fn->setAttr("recur.emu.shared_bytes",
                    builder.getI64IntegerAttr(sharedBytes));
        if (auto block = kernel.getKnownBlockSizeAttr())
          fn->setAttr("recur.emu.threads", builder.getI64IntegerAttr(block[0]));
        fn.walk([&](gpu::ReturnOp ret) {
          OpBuilder at(ret);
          func::ReturnOp::create(at, ret.getLoc());
          ret.erase();
        });
        rebaseSharedAddresses(fn);
        retypePointers(fn);
        kernels.push_back(fn);
      }
      gpuModule.erase();
    }
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());

    RewritePatternSet patterns(context);
    patterns.add<IdOpLowering<gpu::ThreadIdOp>>(context,
                                                "__recur_emu_thread_id");
    patterns.add<IdOpLowering<gpu::BlockIdOp>>(context, "__recur_emu_block_id");
    patterns.add<IdOpLowering<gpu::BlockDimOp>>(context,
                                                "__recur_emu_block_dim");
    patterns.add<IdOpLowering<gpu::GridDimOp>>(context, "__recur_emu_grid_dim");
    patterns.add<AssertOpLowering, BarrierOpLowering, MmaSyncOpLowering,
                 PrintfOpLowering, SharedScratchLowering>(context);
    patterns.add<ShuffleOpLowering>(context, warpSize);
    patterns.add<NVVMMmaOpLowering, WgmmaOpLowering>(context);
    patterns.add<OrderingOpLowering<NVVM::WgmmaFenceAlignedOp>>(
        context, "__recur_emu_wgmma_fence");
    patterns.add<OrderingOpLowering<NVVM::WgmmaGroupSyncAlignedOp>>(
        context, "__recur_emu_wgmma_commit_group");
    patterns.add<OrderingOpLowering<NVVM::WgmmaWaitGroupSyncOp>>(
        context, "__recur_emu_wgmma_wait_group");
    patterns.add<OrderingOpLowering<NVVM::FenceProxyOp>>(
        context, "__recur_emu_fence_proxy_async");
    patterns.add<OrderingOpLowering<NVVM::CpAsyncCommitGroupOp>>(
        context, "__recur_emu_cp_async_commit_group");
    patterns.add<OrderingOpLowering<NVVM::CpAsyncWaitGroupOp>>(
        context, "__recur_emu_cp_async_wait_group");
    patterns.add<CpAsyncOpLowering, MfmaOpLowering>(context);
    populateMbarrierPatterns(patterns);
    patterns.add<AddrSpaceCastOpLowering>(context);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (func::FuncOp fn : kernels)
      if (failed(applyPatternsGreedily(fn, frozen)))
        return signalPassFailure();
    WalkResult left = module.walk([&](Operation *op) {
      if (isa<amdgpu::AMDGPUDialect, gpu::GPUDialect, nvgpu::NVGPUDialect,
              NVVM::NVVMDialect>(op->getDialect()))
        return WalkResult(
            op->emitOpError("has no emulation in runtime/emu yet"));
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
