//===- DotOpToWgmma.cpp - tile.dot on sm_90a: warpgroup MMA ---------------===//
//
// Where a dot fits `wgmma.mma_async` (f16 or bf16 operands, or f32 operands
// read as tf32, an f32 accumulator, M a multiple of 64, N of 8, K of 16 or
// 8, and whole warpgroups of four warps), each warpgroup computes 64xN'
// tiles of the result with one instruction per k step, reading A and B
// from shared memory through matrix descriptors (PTX ISA, "Matrix
// Descriptor Format"):
//
//  - Both operands are staged K-major in the no-swizzle layout: core
//    matrices of 8 rows x 16 bytes, each 128 contiguous bytes, ordered with
//    k fastest. A's rows are its M rows, B's are its N columns (B^T), so
//    the leading-dimension byte offset (between core matrices adjacent in
//    k) is 128 and the stride-dimension byte offset (adjacent in M or N) is
//    128 * K / (elements per 16 bytes).
//  - The accumulator goes through shared memory row-major in f32, as in the
//    mma.sync form; a warpgroup loads its 64xN' tile in the wgmma D
//    fragment layout (warp w of the group holds rows 16w..16w+15, lane l the
//    m16n8 C-fragment elements of every 8 columns), runs the k steps after
//    `wgmma.fence`, commits, waits for the group, and stores D back.
//
// The generic-proxy stores of the staging are made visible to the async
// proxy that wgmma reads through with `fence.proxy.async` before the
// barrier. The k loop is unrolled: consecutive wgmmas on one accumulator
// need no wait between them, and a loop-carried accumulator would make
// ptxas serialise them.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace recur;

namespace {

/// One wgmma instruction of a dot: m64 x `n` x `k` on `type` operands.
struct WgmmaShape {
  NVVM::WGMMATypes type;
  int64_t n, k;
  int64_t elementBytes;
};

/// The largest N per instruction (a multiple of 8 dividing the dot's N, at
/// most 256) that still gives every warpgroup a tile where the dot has
/// enough of them.
int64_t chooseInstructionN(int64_t m, int64_t n, int64_t warpgroups) {
  int64_t best = 8;
  for (int64_t candidate = std::min<int64_t>(n, 256); candidate >= 8;
       candidate -= 8) {
    if (n % candidate)
      continue;
    if ((m / 64) * (n / candidate) >= warpgroups)
      return candidate;
    best = candidate;
  }
  return best;
}

std::optional<WgmmaShape> getWgmmaShape(tile::DotOp op) {
  RankedTensorType a = op.getA().getType(), b = op.getB().getType();
  RankedTensorType c = op.getType();
  Type element = a.getElementType();
  if (element != b.getElementType() || !c.getElementType().isF32())
    return std::nullopt;
  WgmmaShape shape;
  if (element.isF16())
    shape = {NVVM::WGMMATypes::f16, 0, 16, 2};
  else if (element.isBF16())
    shape = {NVVM::WGMMATypes::bf16, 0, 16, 2};
  else if (element.isF32() && op.getInputPrecision() &&
           *op.getInputPrecision() == tile::InputPrecision::tf32)
    shape = {NVVM::WGMMATypes::tf32, 0, 8, 4};
  else
    return std::nullopt;
  int64_t m = a.getDimSize(0), k = a.getDimSize(1), n = b.getDimSize(1);
  tile::ThreadMapping acc = getMapping(c);
  if (m % 64 || n % 8 || k % shape.k || acc.warpSize != 32 || acc.numWarps % 4)
    return std::nullopt;
  // The descriptors' 14-bit fields count 16-byte units: the operands must
  // lie in the first 256 KiB of shared memory (all of it on sm_90).
  if ((m + n) * k * shape.elementBytes >= (1 << 18))
    return std::nullopt;
  shape.n = chooseInstructionN(m, n, acc.numWarps / 4);
  return shape;
}

struct DotOpToWgmma : public OpConversionPattern<tile::DotOp> {
  DotOpToWgmma(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(tile::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tile::BlockedLayoutAttr>(op.getType().getEncoding()))
      return rewriter.notifyMatchFailure(op, "accumulator layout not blocked");
    std::optional<WgmmaShape> shape = getWgmmaShape(op);
    if (!shape)
      return rewriter.notifyMatchFailure(op, "does not fit wgmma");
    rewriter.replaceOp(op, lower(op, adaptor, *shape, rewriter));
    return success();
  }

  Value lower(tile::DotOp op, OpAdaptor adaptor, const WgmmaShape &shape,
              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MLIRContext *context = b.getContext();
    RankedTensorType aType = op.getA().getType(), cType = op.getType();
    int64_t M = aType.getDimSize(0), K = aType.getDimSize(1);
    int64_t N = cType.getDimSize(1);
    Type element = aType.getElementType();
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    tile::ThreadMapping acc = getMapping(cType);
    int64_t bytes = shape.elementBytes;
    // Elements per 16-byte row of a core matrix, core matrices along k.
    int64_t perRow = 16 / bytes, coresK = K / perRow;
    int64_t aStart = 0, bStart = M * K * bytes;
    int64_t accStart = (M * K + K * N) * bytes;
    Value scratch = getSharedScratch(b, loc);
    Value accBase = getStagedAccumulator(b, loc, accStart);

    auto constant = [&](int64_t value) { return createI32(b, loc, value); };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(b, loc, x, y);
    };
    auto mul = [&](Value x, int64_t c) -> Value {
      return arith::MulIOp::create(b, loc, x, constant(c));
    };
    auto div = [&](Value x, int64_t c) -> Value {
      return arith::DivUIOp::create(b, loc, x, constant(c));
    };
    auto rem = [&](Value x, int64_t c) -> Value {
      return arith::RemUIOp::create(b, loc, x, constant(c));
    };

    // Staging: element (row, k) of a K-major operand at its place in the
    // core-matrix order, in elements from the operand's start.
    auto coreIndex = [&](Value row, Value k) {
      Value core = add(mul(div(row, 8), coresK), div(k, perRow));
      return add(add(mul(core, 128 / bytes), mul(rem(row, 8), perRow)),
                 rem(k, perRow));
    };
    auto stage = [&](Value operand, const tile::ThreadMapping &mapping,
                     bool transposed, int64_t startBytes) {
      SmallVector<Value> base = getBaseCoordinates(b, loc, mapping);
      for (auto [e, value] : llvm::enumerate(unpackElements(b, loc, operand))) {
        SmallVector<Value> at = getElementCoordinates(b, loc, mapping, base,
                                                      static_cast<int64_t>(e));
        Value row = transposed ? at[1] : at[0];
        Value k = transposed ? at[0] : at[1];
        Value index = add(coreIndex(row, k), constant(startBytes / bytes));
        Value address = LLVM::GEPOp::create(b, loc, scratch.getType(), element,
                                            scratch, ValueRange{index});
        LLVM::StoreOp::create(b, loc, value, address);
      }
    };
    gpu::BarrierOp::create(b, loc);
    stage(adaptor.getA(), getMapping(aType), /*transposed=*/false, aStart);
    stage(adaptor.getB(), getMapping(op.getB().getType()),
          /*transposed=*/true, bStart);
    storeRowMajor(b, loc, accBase, f32, 0,
                  unpackElements(b, loc, adaptor.getAcc()), acc);
    NVVM::FenceProxyOp::create(b, loc, NVVM::ProxyKind::async,
                               NVVM::SharedSpaceAttr());
    gpu::BarrierOp::create(b, loc);

    // Descriptors: start address (bits 0-13), leading-dimension byte
    // offset (16-29) and stride-dimension byte offset (32-45), each in
    // 16-byte units; swizzle mode 0 (bits 62-63) and base offset 0.
    Value address = LLVM::PtrToIntOp::create(b, loc, i64, scratch);
    Value startField = arith::ShRUIOp::create(
        b, loc,
        arith::AndIOp::create(
            b, loc, address, arith::ConstantIntOp::create(b, loc, 0x3FFFF, 64)),
        arith::ConstantIntOp::create(b, loc, 4, 64));
    int64_t leading = 128, stride = 128 * coresK;
    int64_t fields = (leading >> 4) << 16 | (stride >> 4) << 32;
    Value descriptorBase = arith::OrIOp::create(
        b, loc, startField, arith::ConstantIntOp::create(b, loc, fields, 64));
    // The descriptor of the core matrix at (rowCore, k0) of an operand.
    auto descriptor = [&](OpBuilder &ob, int64_t startBytes, Value rowCore,
                          int64_t k0) -> Value {
      Value core = arith::AddIOp::create(
          ob, loc,
          arith::MulIOp::create(ob, loc, rowCore, createI32(ob, loc, coresK)),
          createI32(ob, loc, k0 / perRow));
      Value offset = arith::AddIOp::create(
          ob, loc,
          arith::MulIOp::create(ob, loc, core, createI32(ob, loc, 128 / 16)),
          createI32(ob, loc, startBytes / 16));
      return arith::AddIOp::create(
          ob, loc, descriptorBase,
          arith::ExtUIOp::create(ob, loc, i64, offset));
    };

    Value tid = getThreadId(b, loc);
    Value lane = rem(tid, 32);
    Value warpInGroup = rem(div(tid, 32), 4);
    Value group = div(tid, 128);
    Value g = div(lane, 4), t = rem(lane, 4);
    int64_t tilesN = N / shape.n, tiles = (M / 64) * tilesN;
    int64_t groups = acc.numWarps / 4, count = shape.n / 2;
    auto structType = LLVM::LLVMStructType::getLiteral(
        context, SmallVector<Type>(count, f32));

    // Warpgroups take the 64 x n tiles of the result in turn (the loop is
    // uniform within a warpgroup, as wgmma requires).
    scf::ForOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, b.getIndexType(), group),
        arith::ConstantIndexOp::create(b, loc, tiles),
        arith::ConstantIndexOp::create(b, loc, groups), ValueRange{},
        [&](OpBuilder &ob, Location, Value tileIndex, ValueRange) {
          auto c = [&](int64_t v) { return createI32(ob, loc, v); };
          Value tile =
              arith::IndexCastOp::create(ob, loc, ob.getI32Type(), tileIndex);
          Value rowTile = arith::DivUIOp::create(ob, loc, tile, c(tilesN));
          Value colTile = arith::RemUIOp::create(ob, loc, tile, c(tilesN));
          // D fragment element i: row 16 w + g + 8 ((i >> 1) & 1), column
          // 8 (i >> 2) + 2 t + (i & 1) of the warpgroup's tile.
          Value row0 = arith::AddIOp::create(
              ob, loc,
              arith::AddIOp::create(
                  ob, loc, arith::MulIOp::create(ob, loc, rowTile, c(64)),
                  arith::MulIOp::create(ob, loc, warpInGroup, c(16))),
              g);
          Value col0 = arith::AddIOp::create(
              ob, loc, arith::MulIOp::create(ob, loc, colTile, c(shape.n)),
              arith::MulIOp::create(ob, loc, t, c(2)));
          Value first = arith::AddIOp::create(
              ob, loc, arith::MulIOp::create(ob, loc, row0, c(N)), col0);
          SmallVector<Value> addresses;
          Value fragment = LLVM::UndefOp::create(ob, loc, structType);
          for (int64_t i = 0; i < count; ++i) {
            int64_t offset = 8 * ((i >> 1) & 1) * N + 8 * (i >> 2) + (i & 1);
            Value index = arith::AddIOp::create(ob, loc, first, c(offset));
            addresses.push_back(LLVM::GEPOp::create(
                ob, loc, accBase.getType(), f32, accBase, ValueRange{index}));
            Value value = LLVM::LoadOp::create(ob, loc, f32, addresses.back());
            fragment = LLVM::InsertValueOp::create(ob, loc, fragment, value,
                                                   ArrayRef<int64_t>{i});
          }

          Value aRowCore = arith::MulIOp::create(ob, loc, rowTile, c(64 / 8));
          Value bRowCore =
              arith::MulIOp::create(ob, loc, colTile, c(shape.n / 8));
          auto layoutA = NVVM::MMALayout::row, layoutB = NVVM::MMALayout::col;
          NVVM::WgmmaFenceAlignedOp::create(ob, loc);
          for (int64_t k0 = 0; k0 < K; k0 += shape.k)
            fragment = NVVM::WgmmaMmaAsyncOp::create(
                ob, loc, structType, fragment,
                descriptor(ob, aStart, aRowCore, k0),
                descriptor(ob, bStart, bRowCore, k0),
                NVVM::MMAShapeAttr::get(context, 64, shape.n, shape.k),
                shape.type, shape.type, NVVM::WGMMATypes::f32,
                NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
                NVVM::WGMMAScaleIn::one, layoutA, layoutB,
                NVVM::MMAIntOverflowAttr());
          NVVM::WgmmaGroupSyncAlignedOp::create(ob, loc);
          NVVM::WgmmaWaitGroupSyncOp::create(ob, loc, 0);
          for (int64_t i = 0; i < count; ++i)
            LLVM::StoreOp::create(ob, loc,
                                  LLVM::ExtractValueOp::create(
                                      ob, loc, fragment, ArrayRef<int64_t>{i}),
                                  addresses[i]);
          scf::YieldOp::create(ob, loc);
        });

    return loadStagedAccumulator(b, loc, accBase, cType,
                                 getTypeConverter()->convertType(cType));
  }
};

} // namespace

void recur::populateDotOpToWgmmaPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<DotOpToWgmma>(converter, patterns.getContext());
}
