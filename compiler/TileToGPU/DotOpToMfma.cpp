//===- DotOpToMfma.cpp - tile.dot on AMD matrix cores (MFMA) --------------===//
//
// On CDNA2 and CDNA3 (gfx90a, gfx942; 64-lane wavefronts), a dot whose
// operands are f16, bf16 or f32 with an f32 accumulator, and whose shape
// divides into 16x16 result tiles and k steps of the instruction, runs on
// the matrix cores:
//
//   f16  -> v_mfma_f32_16x16x16f16       (16x16x16, 4 elements per lane)
//   bf16 -> v_mfma_f32_16x16x16bf16_1k   (16x16x16, 4 elements per lane)
//   f32  -> v_mfma_f32_16x16x4f32        (16x16x4, 1 element per lane; the
//                                         products are exact f32, no tf32)
//
// The operands and the accumulator are staged in shared memory as the FMA
// and mma.sync forms stage them (a [M, K] and b [K, N] in their own type,
// then the accumulator [M, N] in f32, all row-major), so any layout feeds
// them. Each wavefront then takes the 16x16 tiles of the result in turn
// and runs `amdgpu.mfma` over k, with lane l holding, as the CDNA3 ISA
// lays out one-block MFMAs (docs/gpu.md, "MFMA"):
//
//   A element v: (l % 16, kPerLane (l / 16) + v)
//   B element v: (kPerLane (l / 16) + v, l % 16)
//   C, D element v (4 f32): (4 (l / 16) + v, l % 16)
//
// and the accumulator returns to its blocked layout through shared memory.
// Everything else (other types, shapes that do not divide, 32-lane warps)
// is left to the FMA form of DotOpToGPU.cpp, which this pattern outranks.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

namespace {

constexpr int64_t kWavefront = 64;
constexpr int64_t kTile = 16;

/// The one-block 16x16 MFMA that fits a dot: its k and the operand
/// elements each lane holds per instruction.
struct MfmaShape {
  int64_t k;
  int64_t perLane;
};

std::optional<MfmaShape> getMfmaShape(tile::DotOp op) {
  RankedTensorType a = op.getA().getType(), b = op.getB().getType();
  Type element = a.getElementType();
  if (element != b.getElementType() || !op.getType().getElementType().isF32())
    return std::nullopt;
  MfmaShape shape;
  if (element.isF16() || element.isBF16())
    shape = {16, 4};
  else if (element.isF32())
    shape = {4, 1};
  else
    return std::nullopt;
  if (a.getDimSize(0) % kTile || b.getDimSize(1) % kTile ||
      a.getDimSize(1) % shape.k)
    return std::nullopt;
  return shape;
}

struct DotOpToMfma : public OpConversionPattern<tile::DotOp> {
  DotOpToMfma(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(tile::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tile::BlockedLayoutAttr>(op.getType().getEncoding()))
      return rewriter.notifyMatchFailure(op, "accumulator layout not blocked");
    if (getMapping(op.getType()).warpSize != kWavefront)
      return rewriter.notifyMatchFailure(op, "MFMA needs 64-lane wavefronts");
    std::optional<MfmaShape> shape = getMfmaShape(op);
    if (!shape)
      return rewriter.notifyMatchFailure(op, "no MFMA for these types/shapes");
    rewriter.replaceOp(op, lower(op, adaptor, *shape, rewriter));
    return success();
  }

  Value lower(tile::DotOp op, OpAdaptor adaptor, MfmaShape shape,
              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType aType = op.getA().getType(), cType = op.getType();
    int64_t M = aType.getDimSize(0), K = aType.getDimSize(1);
    int64_t N = cType.getDimSize(1);
    Type element = aType.getElementType();
    Type f32 = b.getF32Type();
    tile::ThreadMapping acc = getMapping(cType);
    // a [M, K] and b [K, N] in elements of their own type, then the
    // accumulator [M, N] in f32 (its byte offset is a multiple of 4 since
    // 16 divides M).
    int64_t bStart = M * K;
    Value scratch = getSharedScratch(b, loc);
    Value accBase = stageDotRowMajor(b, loc, op, adaptor.getA(), adaptor.getB(),
                                     adaptor.getAcc());

    auto add = [&](OpBuilder &ob, Value x, int64_t c) -> Value {
      return c == 0 ? x
                    : arith::AddIOp::create(ob, loc, x, createI32(ob, loc, c))
                          .getResult();
    };
    auto mul = [&](OpBuilder &ob, Value x, int64_t c) -> Value {
      return arith::MulIOp::create(ob, loc, x, createI32(ob, loc, c));
    };
    auto at = [&](OpBuilder &ob, Value base, Type type, Value row, Value col,
                  int64_t stride, int64_t start) -> Value {
      Value index = add(
          ob, arith::AddIOp::create(ob, loc, mul(ob, row, stride), col), start);
      return LLVM::GEPOp::create(ob, loc, base.getType(), type, base,
                                 ValueRange{index});
    };

    LaneAndWarp ids = getLaneAndWarp(b, loc, kWavefront);
    Value lane = ids.lane, wave = ids.warp;
    // The lane's row of A (column of B, C and D) inside a tile, and its
    // group of 16 lanes: which k (rows of C and D) it holds.
    Value inner =
        arith::RemUIOp::create(b, loc, lane, createI32(b, loc, kTile));
    Value group =
        arith::DivUIOp::create(b, loc, lane, createI32(b, loc, kTile));

    // Wavefronts take the 16x16 tiles of the result in turn.
    int64_t tilesN = N / kTile, tiles = (M / kTile) * tilesN;
    Value waveIndex =
        arith::IndexCastOp::create(b, loc, b.getIndexType(), wave);
    scf::ForOp::create(
        b, loc, waveIndex, arith::ConstantIndexOp::create(b, loc, tiles),
        arith::ConstantIndexOp::create(b, loc, acc.numWarps), ValueRange{},
        [&](OpBuilder &ob, Location, Value tileIndex, ValueRange) {
          Value tile =
              arith::IndexCastOp::create(ob, loc, ob.getI32Type(), tileIndex);
          Value row0 = mul(
              ob,
              arith::DivUIOp::create(ob, loc, tile, createI32(ob, loc, tilesN)),
              kTile);
          Value col0 = mul(
              ob,
              arith::RemUIOp::create(ob, loc, tile, createI32(ob, loc, tilesN)),
              kTile);
          Value aRow = arith::AddIOp::create(ob, loc, row0, inner);
          Value bCol = arith::AddIOp::create(ob, loc, col0, inner);

          // C, D element v: (4 group + v, inner).
          Value cRow = arith::AddIOp::create(ob, loc, row0, mul(ob, group, 4));
          SmallVector<Value> cAddresses, cValues;
          for (int64_t v = 0; v < 4; ++v) {
            cAddresses.push_back(
                at(ob, accBase, f32, add(ob, cRow, v), bCol, N, 0));
            cValues.push_back(
                LLVM::LoadOp::create(ob, loc, f32, cAddresses.back()));
          }
          auto fragmentType = VectorType::get({4}, f32);
          Value c =
              vector::FromElementsOp::create(ob, loc, fragmentType, cValues);

          auto kLoop = scf::ForOp::create(
              ob, loc, arith::ConstantIndexOp::create(ob, loc, 0),
              arith::ConstantIndexOp::create(ob, loc, K),
              arith::ConstantIndexOp::create(ob, loc, shape.k), ValueRange{c},
              [&](OpBuilder &kb, Location, Value kIndex, ValueRange carried) {
                Value k0 = arith::IndexCastOp::create(kb, loc, kb.getI32Type(),
                                                      kIndex);
                // This lane's first k: k0 + perLane * group.
                Value kLane = arith::AddIOp::create(
                    kb, loc, k0, mul(kb, group, shape.perLane));
                Value a, bFragment;
                if (shape.perLane == 1) {
                  a = LLVM::LoadOp::create(
                      kb, loc, element,
                      at(kb, scratch, element, aRow, kLane, K, 0));
                  bFragment = LLVM::LoadOp::create(
                      kb, loc, element,
                      at(kb, scratch, element, kLane, bCol, N, bStart));
                } else {
                  // A's four elements are consecutive in a row: one 8-byte
                  // load (K and the lane's k are multiples of 4). B's run
                  // down a column.
                  auto operandType = VectorType::get({shape.perLane}, element);
                  a = LLVM::LoadOp::create(
                      kb, loc, operandType,
                      at(kb, scratch, element, aRow, kLane, K, 0),
                      /*alignment=*/shape.perLane * getStorageBytes(element));
                  SmallVector<Value> bValues;
                  for (int64_t v = 0; v < shape.perLane; ++v)
                    bValues.push_back(LLVM::LoadOp::create(
                        kb, loc, element,
                        at(kb, scratch, element, add(kb, kLane, v), bCol, N,
                           bStart)));
                  bFragment = vector::FromElementsOp::create(
                      kb, loc, operandType, bValues);
                }
                Value d = amdgpu::MFMAOp::create(
                    kb, loc, fragmentType, kTile, kTile, shape.k,
                    /*blocks=*/1, a, bFragment, carried[0]);
                scf::YieldOp::create(kb, loc, d);
              });
          Value d = kLoop.getResult(0);
          for (int64_t v = 0; v < 4; ++v)
            LLVM::StoreOp::create(ob, loc,
                                  vector::ExtractOp::create(ob, loc, d, v),
                                  cAddresses[v]);
          scf::YieldOp::create(ob, loc);
        });

    return loadStagedAccumulator(b, loc, accBase, cType,
                                 getTypeConverter()->convertType(cType));
  }
};

} // namespace

void recur::populateDotOpToMfmaPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<DotOpToMfma>(converter, patterns.getContext());
}
