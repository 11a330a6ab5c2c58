//===- DotOpToGPU.cpp - tile.dot on GPU targets: the FMA form -------------===//
//
// The operands go to shared memory in row-major order (any layout can be
// stored there; an operand an asynchronous copy left in a slot is already
// there, read in the order its tile.local_load gives), then each thread
// accumulates its own elements of the result over k: per step it reads the
// rows of `a` and the columns of `b` its elements need, once each, and
// does one multiply-add per element, as Triton's FMA dot does. Correct for
// every shape and element type.
//
// On NVIDIA targets, f16 and bf16 operands (and f32 operands that allow
// tf32) with an f32 accumulator and shapes that divide into 16x8x16
// (16x8x8) go to the tensor cores instead (bf16 as nvvm.mma.sync, which
// nvgpu cannot lower; sm_90 prefers wgmma, DotOpToWgmma.cpp, where it
// fits): after the same staging of the operands (and
// of the accumulator) in shared memory, each warp takes 16x8 tiles of the
// result in turn and runs `mma.sync` over k, loading its lanes' fragments
// as the PTX ISA lays them out (groupID g = lane / 4, t = lane % 4; see
// docs/gpu.md), then the accumulator returns to its blocked layout.
//
//===----------------------------------------------------------------------===//

#include "compiler/TileToGPU/PatternsToGPU.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace recur;

void recur::storeRowMajor(OpBuilder &b, Location loc, Value scratch, Type type,
                          int64_t start, ArrayRef<Value> elements,
                          const tile::ThreadMapping &mapping) {
  SmallVector<Value> base = getBaseCoordinates(b, loc, mapping);
  for (auto [e, element] : llvm::enumerate(elements)) {
    Value index = getRowMajorIndex(
        b, loc,
        getElementCoordinates(b, loc, mapping, base, static_cast<int64_t>(e)),
        mapping.shape);
    index = arith::AddIOp::create(b, loc, index, createI32(b, loc, start));
    Value address = LLVM::GEPOp::create(b, loc, scratch.getType(), type,
                                        scratch, ValueRange{index});
    LLVM::StoreOp::create(b, loc, element, address);
  }
}

SmallVector<Value> recur::loadRowMajor(OpBuilder &b, Location loc,
                                       Value scratch, Type type, int64_t start,
                                       const tile::ThreadMapping &mapping) {
  SmallVector<Value> base = getBaseCoordinates(b, loc, mapping);
  SmallVector<Value> elements;
  for (int64_t e = 0; e < mapping.getNumElements(); ++e) {
    Value index = getRowMajorIndex(
        b, loc, getElementCoordinates(b, loc, mapping, base, e), mapping.shape);
    index = arith::AddIOp::create(b, loc, index, createI32(b, loc, start));
    Value address = LLVM::GEPOp::create(b, loc, scratch.getType(), type,
                                        scratch, ValueRange{index});
    elements.push_back(LLVM::LoadOp::create(b, loc, type, address));
  }
  return elements;
}

Value recur::getStagedAccumulator(OpBuilder &b, Location loc,
                                  int64_t operandBytes) {
  Value scratch = getSharedScratch(b, loc);
  return LLVM::GEPOp::create(
      b, loc, scratch.getType(), b.getI8Type(), scratch,
      ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(operandBytes)});
}

Value recur::stageDotRowMajor(OpBuilder &b, Location loc, tile::DotOp op,
                              Value a, Value bOperand, Value acc) {
  RankedTensorType aType = op.getA().getType(), bType = op.getB().getType();
  Type element = aType.getElementType();
  Value scratch = getSharedScratch(b, loc);
  Value accumulator =
      getStagedAccumulator(b, loc,
                           (aType.getNumElements() + bType.getNumElements()) *
                               getStorageBytes(element));
  gpu::BarrierOp::create(b, loc);
  storeRowMajor(b, loc, scratch, element, 0, unpackElements(b, loc, a),
                getMapping(aType));
  storeRowMajor(b, loc, scratch, element, aType.getNumElements(),
                unpackElements(b, loc, bOperand), getMapping(bType));
  storeRowMajor(b, loc, accumulator, b.getF32Type(), 0,
                unpackElements(b, loc, acc), getMapping(op.getType()));
  gpu::BarrierOp::create(b, loc);
  return accumulator;
}

Value recur::loadStagedAccumulator(OpBuilder &b, Location loc,
                                   Value accumulator, RankedTensorType type,
                                   Type vectorType) {
  gpu::BarrierOp::create(b, loc);
  SmallVector<Value> result =
      loadRowMajor(b, loc, accumulator, b.getF32Type(), 0, getMapping(type));
  gpu::BarrierOp::create(b, loc);
  return packElements(b, loc, vectorType, result);
}

std::optional<MmaShape> recur::getMmaShape(tile::DotOp op) {
  RankedTensorType a = op.getA().getType(), b = op.getB().getType();
  Type element = a.getElementType();
  if (element != b.getElementType() || !op.getType().getElementType().isF32())
    return std::nullopt;
  MmaShape shape;
  if (element.isF16() || element.isBF16()) {
    shape = {16, false, element.isBF16()};
  } else if (element.isF32() && op.getInputPrecision() &&
             *op.getInputPrecision() == tile::InputPrecision::tf32) {
    shape = {8, true};
  } else {
    return std::nullopt;
  }
  if (a.getDimSize(0) % 16 || b.getDimSize(1) % 8 || a.getDimSize(1) % shape.k)
    return std::nullopt;
  return shape;
}

tile::BlockedLayoutAttr recur::getMmaAccumulatorLayout(MLIRContext *context,
                                                       int64_t m, int64_t n,
                                                       unsigned numWarps) {
  // Per k step a warp loads one A fragment per 16 rows and one B fragment
  // per 8 columns of its share: split the warps to load the fewest.
  std::optional<std::pair<unsigned, unsigned>> best;
  int64_t fewest = 0;
  for (unsigned wm = 1; wm <= numWarps; wm *= 2) {
    unsigned wn = numWarps / wm;
    if (m % (16 * wm) || n % (8 * wn))
      continue;
    int64_t loads = m / (16 * wm) + n / (8 * wn);
    if (!best || loads <= fewest) {
      best = {wm, wn};
      fewest = loads;
    }
  }
  if (!best)
    return {};
  return tile::BlockedLayoutAttr::get(context, {1, 2}, {8, 4},
                                      {best->first, best->second}, {1, 0});
}

bool recur::isMmaAccumulatorLayout(Attribute layout, ArrayRef<int64_t> shape) {
  auto blocked = dyn_cast_or_null<tile::BlockedLayoutAttr>(layout);
  if (!blocked || shape.size() != 2)
    return false;
  ArrayRef<unsigned> warps = blocked.getWarpsPerCTA();
  return blocked.getSizePerThread() == ArrayRef<unsigned>{1, 2} &&
         blocked.getThreadsPerWarp() == ArrayRef<unsigned>{8, 4} &&
         blocked.getOrder() == ArrayRef<unsigned>{1, 0} &&
         shape[0] % (16 * warps[0]) == 0 && shape[1] % (8 * warps[1]) == 0;
}

namespace {

/// `mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32` straight in NVVM,
/// since nvgpu.mma.sync does not lower bf16: the fragments' pairs packed
/// into 32-bit registers (the first element in the low half), the
/// accumulator a vector<2x2xf32> as in the nvgpu form.
Value mmaSyncBf16(OpBuilder &b, Location loc, ArrayRef<Value> aValues,
                  ArrayRef<Value> bValues, Value c) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto pack = [&](ArrayRef<Value> values) {
    SmallVector<Value> words;
    auto pairType = VectorType::get({2}, values.front().getType());
    for (size_t i = 0; i < values.size(); i += 2) {
      Value pair =
          vector::FromElementsOp::create(b, loc, pairType, values.slice(i, 2));
      words.push_back(LLVM::BitcastOp::create(b, loc, i32, pair));
    }
    return words;
  };
  SmallVector<Value> cValues;
  for (int64_t i = 0; i < 4; ++i)
    cValues.push_back(
        vector::ExtractOp::create(b, loc, c, ArrayRef<int64_t>{i >> 1, i & 1}));
  auto resultType = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                     SmallVector<Type>(4, f32));
  Value d = NVVM::MmaOp::create(
      b, loc, resultType, pack(aValues), pack(bValues), cValues,
      ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> dValues;
  for (int64_t i = 0; i < 4; ++i)
    dValues.push_back(
        LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{i}));
  return vector::FromElementsOp::create(b, loc, c.getType(), dValues);
}

/// One `mma.sync` on a lane's fragments (A: 8 or, for tf32, 4 elements;
/// B: 4 or 2; C: a vector<2x2xf32>) in the PTX ISA's element order.
Value mmaSync(OpBuilder &b, Location loc, MmaShape shape,
              ArrayRef<Value> aValues, ArrayRef<Value> bValues, Value c) {
  if (shape.bf16)
    return mmaSyncBf16(b, loc, aValues, bValues, c);
  Type element = aValues.front().getType();
  int64_t pair = shape.tf32 ? 1 : 2;
  Value a = vector::FromElementsOp::create(
      b, loc, VectorType::get({4, pair}, element), aValues);
  Value bFragment = vector::FromElementsOp::create(
      b, loc, VectorType::get({2, pair}, element), bValues);
  return nvgpu::MmaSyncOp::create(b, loc, a, bFragment, c,
                                  ArrayRef<int64_t>{16, 8, shape.k}, shape.tf32)
      .getResult();
}

/// Where a dot's k loop reads an operand in shared memory: element (r, c)
/// at `base[start + r * rowStride + c * colStride]` (elements of the type
/// the loop reads).
struct SharedOperand {
  Value base;
  int64_t rowStride = 0, colStride = 1, start = 0;

  Value getAddress(OpBuilder &b, Location loc, Type element, Value row,
                   Value col) const {
    Value index = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, row, createI32(b, loc, rowStride)),
        arith::MulIOp::create(b, loc, col, createI32(b, loc, colStride)));
    if (start)
      index = arith::AddIOp::create(b, loc, index, createI32(b, loc, start));
    return LLVM::GEPOp::create(b, loc, base.getType(), element, base,
                               ValueRange{index});
  }
};

/// Where a dot can read `operand` without staging it: the slot a
/// `tile.local_load` read it from (an asynchronous copy's destination,
/// which no thread overwrites before the next `tile.async_wait`), in the
/// read's order; nothing for any other operand.
std::optional<SharedOperand>
getSlotResidentOperand(ConversionPatternRewriter &rewriter, Location loc,
                       Value operand) {
  auto read = operand.getDefiningOp<tile::LocalLoadOp>();
  if (!read)
    return std::nullopt;
  Value buffer = rewriter.getRemappedValue(read.getBuffer());
  Value slot = rewriter.getRemappedValue(read.getSlot());
  if (!buffer || !slot)
    return std::nullopt;
  ArrayRef<int64_t> shape = read.getType().getShape();
  SharedOperand resident{
      getSlotAddress(rewriter, loc, buffer, slot, read.getBuffer().getType())};
  // Transposed, element (r, c) is the slot's (c, r), in rows of shape[0].
  if (read.getOrder())
    resident.rowStride = 1, resident.colStride = shape[0];
  else
    resident.rowStride = shape[1];
  return resident;
}

/// Where a dot's k loop reads its operands. `staged`: an operand went
/// through the scratch, which another op may reuse only after a barrier.
struct DotOperands {
  SharedOperand a, b;
  bool staged = false;
};

/// Operands of the type the k loop reads (`storage`) that a
/// `tile.local_load` produced are read in their slot; the others are stored
/// to the scratch row-major as `storage` (`convert`ed), A at 0 and B after
/// it when both are, between barriers.
DotOperands placeDotOperands(ConversionPatternRewriter &rewriter, Location loc,
                             tile::DotOp op, Value a, Value b, Type storage,
                             function_ref<Value(Value)> convert) {
  auto resident = [&](Value operand) -> std::optional<SharedOperand> {
    if (getElementTypeOrSelf(operand.getType()) != storage)
      return std::nullopt;
    return getSlotResidentOperand(rewriter, loc, operand);
  };
  std::optional<SharedOperand> residentA = resident(op.getA());
  std::optional<SharedOperand> residentB = resident(op.getB());
  RankedTensorType aType = op.getA().getType(), bType = op.getB().getType();
  Value scratch = getSharedScratch(rewriter, loc);
  DotOperands placed;
  placed.a =
      residentA ? *residentA : SharedOperand{scratch, aType.getDimSize(1)};
  placed.b = residentB ? *residentB
                       : SharedOperand{scratch, bType.getDimSize(1), 1,
                                       residentA ? 0 : aType.getNumElements()};
  placed.staged = !residentA || !residentB;
  if (placed.staged) {
    gpu::BarrierOp::create(rewriter, loc);
    auto stage = [&](Value values, Type type, int64_t start) {
      SmallVector<Value> elements;
      for (Value v : unpackElements(rewriter, loc, values))
        elements.push_back(convert(v));
      storeRowMajor(rewriter, loc, scratch, storage, start, elements,
                    getMapping(type));
    };
    if (!residentA)
      stage(a, aType, 0);
    if (!residentB)
      stage(b, bType, placed.b.start);
    gpu::BarrierOp::create(rewriter, loc);
  }
  return placed;
}

struct DotOpLowering : public OpConversionPattern<tile::DotOp> {
  DotOpLowering(const TypeConverter &converter, MLIRContext *context,
                bool useMmaSync)
      : OpConversionPattern(converter, context), useMmaSync(useMmaSync) {}

  LogicalResult
  matchAndRewrite(tile::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tile::BlockedLayoutAttr>(op.getType().getEncoding()))
      return rewriter.notifyMatchFailure(op, "accumulator layout not blocked");
    if (useMmaSync)
      if (std::optional<MmaShape> shape = getMmaShape(op)) {
        rewriter.replaceOp(
            op, isMmaAccumulatorLayout(op.getType().getEncoding(),
                                       op.getType().getShape())
                    ? lowerWithMmaRegisters(op, adaptor, *shape, rewriter)
                    : lowerWithMmaSync(op, adaptor, *shape, rewriter));
        return success();
      }
    Location loc = op.getLoc();
    RankedTensorType cType = op.getType();
    int64_t K = op.getA().getType().getDimSize(1);
    Type accElement = cType.getElementType();
    bool isFloat = isa<FloatType>(accElement);
    tile::ThreadMapping acc = getMapping(cType);

    // Operands in shared memory, extended to the accumulator's type so
    // the k loop reads them ready to use.
    auto extend = [&](Value v) -> Value {
      if (v.getType() == accElement)
        return v;
      if (isFloat)
        return arith::ExtFOp::create(rewriter, loc, accElement, v);
      return arith::ExtSIOp::create(rewriter, loc, accElement, v);
    };
    // An operand of the accumulator's type that a copy left in a slot is
    // read there.
    DotOperands operands = placeDotOperands(rewriter, loc, op, adaptor.getA(),
                                            adaptor.getB(), accElement, extend);

    // The rows and columns of this thread's accumulator elements.
    SmallVector<Value> base = getBaseCoordinates(rewriter, loc, acc);
    SmallVector<Value> rows, cols;
    for (int64_t i = 0; i < acc.perThread[0]; ++i) {
      SmallVector<int64_t> indices = {i, 0};
      SmallVector<int64_t> offsets =
          acc.getOffsets(acc.getElementIndex(indices));
      rows.push_back(arith::AddIOp::create(
          rewriter, loc, base[0], createI32(rewriter, loc, offsets[0])));
    }
    for (int64_t j = 0; j < acc.perThread[1]; ++j) {
      SmallVector<int64_t> indices = {0, j};
      SmallVector<int64_t> offsets =
          acc.getOffsets(acc.getElementIndex(indices));
      cols.push_back(arith::AddIOp::create(
          rewriter, loc, base[1], createI32(rewriter, loc, offsets[1])));
    }

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value bound = arith::ConstantIndexOp::create(rewriter, loc, K);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, bound, one, ValueRange{adaptor.getAcc()},
        [&](OpBuilder &b, Location l, Value iv, ValueRange args) {
          Value k = arith::IndexCastOp::create(b, l, b.getI32Type(), iv);
          auto load = [&](const SharedOperand &operand, Value row,
                          Value col) -> Value {
            return LLVM::LoadOp::create(
                b, l, accElement,
                operand.getAddress(b, l, accElement, row, col));
          };
          SmallVector<Value> aRow, bCol;
          for (Value row : rows)
            aRow.push_back(load(operands.a, row, k));
          for (Value col : cols)
            bCol.push_back(load(operands.b, k, col));
          SmallVector<Value> lhs, rhs;
          for (int64_t e = 0; e < acc.getNumElements(); ++e) {
            SmallVector<int64_t> indices = acc.getIndices(e);
            lhs.push_back(aRow[indices[0]]);
            rhs.push_back(bCol[indices[1]]);
          }
          Type vectorType = args[0].getType();
          Value x = packElements(b, l, vectorType, lhs);
          Value y = packElements(b, l, vectorType, rhs);
          Value next =
              isFloat ? math::FmaOp::create(b, l, x, y, args[0]).getResult()
                      : arith::AddIOp::create(
                            b, l, arith::MulIOp::create(b, l, x, y), args[0])
                            .getResult();
          scf::YieldOp::create(b, l, next);
        });
    // Another exchange may reuse the scratch once every thread is done.
    if (operands.staged)
      gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }

  /// The accumulator in mma.sync's fragment layout (see
  /// getMmaAccumulatorLayout) stays in registers: each thread's elements
  /// are its fragments, and only a and b go through shared memory. Warp
  /// (wm_i, wn_j) owns the 16x8 tiles whose rows are 8 wm_i + 16 wm p + g
  /// and that + 8 wm (the instruction's row halves), and whose columns are
  /// 8 wn_j + 8 wn c + [0, 8).
  Value lowerWithMmaRegisters(tile::DotOp op, OpAdaptor adaptor, MmaShape shape,
                              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType aType = op.getA().getType(), cType = op.getType();
    int64_t M = aType.getDimSize(0), K = aType.getDimSize(1);
    int64_t N = cType.getDimSize(1);
    Type element = aType.getElementType();
    auto layout = cast<tile::BlockedLayoutAttr>(cType.getEncoding());
    int64_t wm = layout.getWarpsPerCTA()[0], wn = layout.getWarpsPerCTA()[1];
    tile::ThreadMapping acc = getMapping(cType);
    // Operands an asynchronous copy left in a slot are read there; the
    // others are staged row-major in the scratch (A, then B).
    DotOperands operands =
        placeDotOperands(rewriter, loc, op, adaptor.getA(), adaptor.getB(),
                         element, [](Value v) { return v; });

    auto constant = [&](OpBuilder &ob, int64_t c) {
      return createI32(ob, loc, c);
    };
    auto add = [&](OpBuilder &ob, Value x, Value y) -> Value {
      return arith::AddIOp::create(ob, loc, x, y);
    };
    auto mul = [&](OpBuilder &ob, Value x, int64_t c) -> Value {
      return arith::MulIOp::create(ob, loc, x, constant(ob, c));
    };
    LaneAndWarp ids = getLaneAndWarp(b, loc, 32);
    Value lane = ids.lane, warp = ids.warp;
    Value g = arith::DivUIOp::create(b, loc, lane, constant(b, 4));
    Value t = arith::RemUIOp::create(b, loc, lane, constant(b, 4));
    // Order [1, 0]: the warp's column index varies fastest.
    Value warpRow = arith::DivUIOp::create(b, loc, warp, constant(b, wn));
    Value warpCol = arith::RemUIOp::create(b, loc, warp, constant(b, wn));
    Value rowBase = add(b, mul(b, warpRow, 8), g);
    Value colBase = add(b, mul(b, warpCol, 8), g);

    // The thread's element at compile-time offsets (row, col) of its base.
    llvm::DenseMap<std::pair<int64_t, int64_t>, int64_t> elementAt;
    for (int64_t e = 0; e < acc.getNumElements(); ++e) {
      SmallVector<int64_t> offsets = acc.getOffsets(e);
      elementAt[{offsets[0], offsets[1]}] = e;
    }
    int64_t rowTiles = M / (16 * wm), colTiles = N / (8 * wn);
    auto fragmentElements = [&](int64_t p, int64_t c) {
      SmallVector<int64_t> elements;
      for (int64_t half : {0, 1})
        for (int64_t column : {0, 1})
          elements.push_back(
              elementAt.at({16 * wm * p + 8 * wm * half, 8 * wn * c + column}));
      return elements;
    };
    SmallVector<Value> accElements = unpackElements(b, loc, adaptor.getAcc());
    auto fragmentType = VectorType::get({2, 2}, b.getF32Type());
    SmallVector<Value> initial;
    for (int64_t p = 0; p < rowTiles; ++p)
      for (int64_t c = 0; c < colTiles; ++c) {
        SmallVector<Value> values;
        for (int64_t e : fragmentElements(p, c))
          values.push_back(accElements[e]);
        initial.push_back(
            vector::FromElementsOp::create(b, loc, fragmentType, values));
      }

    auto load = [&](OpBuilder &ob, const SharedOperand &operand, Value row,
                    Value col) -> Value {
      return LLVM::LoadOp::create(
          ob, loc, element, operand.getAddress(ob, loc, element, row, col));
    };
    auto kLoop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, K),
        arith::ConstantIndexOp::create(b, loc, shape.k), initial,
        [&](OpBuilder &kb, Location, Value kIndex, ValueRange carried) {
          Value k0 =
              arith::IndexCastOp::create(kb, loc, kb.getI32Type(), kIndex);
          // A fragments per row tile, B fragments per column tile, each
          // loaded once per k step (see lowerWithMmaSync for the lane
          // layouts).
          SmallVector<SmallVector<Value>> aFragments, bFragments;
          for (int64_t p = 0; p < rowTiles; ++p) {
            Value rows[2] = {
                add(kb, rowBase, constant(kb, 16 * wm * p)),
                add(kb, rowBase, constant(kb, 16 * wm * p + 8 * wm))};
            SmallVector<Value> values;
            for (int64_t i = 0; i < (shape.tf32 ? 4 : 8); ++i) {
              Value row, col;
              if (shape.tf32) {
                row = rows[i & 1];
                col = add(kb, t, constant(kb, 4 * (i >> 1)));
              } else {
                row = rows[(i >> 1) & 1];
                col = add(kb, mul(kb, t, 2),
                          constant(kb, (i & 1) + 8 * (i >> 2)));
              }
              values.push_back(load(kb, operands.a, row, add(kb, col, k0)));
            }
            aFragments.push_back(values);
          }
          for (int64_t c = 0; c < colTiles; ++c) {
            Value col = add(kb, colBase, constant(kb, 8 * wn * c));
            SmallVector<Value> values;
            for (int64_t i = 0; i < (shape.tf32 ? 2 : 4); ++i) {
              Value row = shape.tf32
                              ? add(kb, t, constant(kb, 4 * i))
                              : add(kb, mul(kb, t, 2),
                                    constant(kb, (i & 1) + 8 * (i >> 1)));
              values.push_back(load(kb, operands.b, add(kb, row, k0), col));
            }
            bFragments.push_back(values);
          }
          SmallVector<Value> next;
          for (int64_t p = 0; p < rowTiles; ++p)
            for (int64_t c = 0; c < colTiles; ++c)
              next.push_back(mmaSync(kb, loc, shape, aFragments[p],
                                     bFragments[c], carried[p * colTiles + c]));
          scf::YieldOp::create(kb, loc, next);
        });
    // Another exchange may reuse the scratch once every warp is done.
    if (operands.staged)
      gpu::BarrierOp::create(b, loc);

    SmallVector<Value> result(accElements);
    for (int64_t p = 0; p < rowTiles; ++p)
      for (int64_t c = 0; c < colTiles; ++c) {
        Value d = kLoop.getResult(p * colTiles + c);
        for (auto [i, e] : llvm::enumerate(fragmentElements(p, c)))
          result[e] = vector::ExtractOp::create(
              b, loc, d,
              ArrayRef<int64_t>{static_cast<int64_t>(i >> 1),
                                static_cast<int64_t>(i & 1)});
      }
    return packElements(b, loc, getTypeConverter()->convertType(cType), result);
  }

  Value lowerWithMmaSync(tile::DotOp op, OpAdaptor adaptor, MmaShape shape,
                         ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType aType = op.getA().getType(), cType = op.getType();
    int64_t M = aType.getDimSize(0), K = aType.getDimSize(1);
    int64_t N = cType.getDimSize(1);
    Type element = aType.getElementType();
    Type f32 = b.getF32Type();
    tile::ThreadMapping acc = getMapping(cType);
    int64_t bStart = M * K;
    Value scratch = getSharedScratch(b, loc);
    Value accBase = stageDotRowMajor(b, loc, op, adaptor.getA(), adaptor.getB(),
                                     adaptor.getAcc());

    LaneAndWarp ids = getLaneAndWarp(b, loc, 32);
    Value lane = ids.lane, warp = ids.warp;
    Value g = arith::DivUIOp::create(b, loc, lane, createI32(b, loc, 4));
    Value t = arith::RemUIOp::create(b, loc, lane, createI32(b, loc, 4));
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

    // Warps take the 16x8 tiles of the result in turn.
    int64_t tilesN = N / 8, tiles = (M / 16) * tilesN;
    int64_t numWarps = acc.numWarps;
    Value warpIndex =
        arith::IndexCastOp::create(b, loc, b.getIndexType(), warp);
    scf::ForOp::create(
        b, loc, warpIndex, arith::ConstantIndexOp::create(b, loc, tiles),
        arith::ConstantIndexOp::create(b, loc, numWarps), ValueRange{},
        [&](OpBuilder &ob, Location, Value tileIndex, ValueRange) {
          Value tile =
              arith::IndexCastOp::create(ob, loc, ob.getI32Type(), tileIndex);
          Value row0 = mul(
              ob,
              arith::DivUIOp::create(ob, loc, tile, createI32(ob, loc, tilesN)),
              16);
          Value col0 = mul(
              ob,
              arith::RemUIOp::create(ob, loc, tile, createI32(ob, loc, tilesN)),
              8);
          // C/D fragment element i: (g + 8 (i >> 1), 2t + (i & 1)).
          Value rowBase = arith::AddIOp::create(ob, loc, g, row0);
          Value colBase = arith::AddIOp::create(ob, loc, mul(ob, t, 2), col0);
          SmallVector<Value> cAddresses;
          for (int64_t i = 0; i < 4; ++i)
            cAddresses.push_back(at(ob, accBase, f32,
                                    add(ob, rowBase, 8 * (i >> 1)),
                                    add(ob, colBase, i & 1), N, 0));
          SmallVector<Value> cValues;
          for (Value address : cAddresses)
            cValues.push_back(LLVM::LoadOp::create(ob, loc, f32, address));
          auto cType = VectorType::get({2, 2}, f32);
          Value c = vector::FromElementsOp::create(ob, loc, cType, cValues);

          Value kBound = arith::ConstantIndexOp::create(ob, loc, K);
          auto kLoop = scf::ForOp::create(
              ob, loc, arith::ConstantIndexOp::create(ob, loc, 0), kBound,
              arith::ConstantIndexOp::create(ob, loc, shape.k), ValueRange{c},
              [&](OpBuilder &kb, Location, Value kIndex, ValueRange carried) {
                Value k0 = arith::IndexCastOp::create(kb, loc, kb.getI32Type(),
                                                      kIndex);
                SmallVector<Value> aValues, bValues;
                int64_t aCount = shape.tf32 ? 4 : 8;
                int64_t bCount = shape.tf32 ? 2 : 4;
                for (int64_t i = 0; i < aCount; ++i) {
                  Value row, col;
                  if (shape.tf32) {
                    row = add(kb, g, 8 * (i & 1));
                    col = add(kb, t, 4 * (i >> 1));
                  } else {
                    row = add(kb, g, 8 * ((i >> 1) & 1));
                    col = add(kb, mul(kb, t, 2), (i & 1) + 8 * (i >> 2));
                  }
                  row = arith::AddIOp::create(kb, loc, row, row0);
                  col = arith::AddIOp::create(kb, loc, col, k0);
                  aValues.push_back(LLVM::LoadOp::create(
                      kb, loc, element,
                      at(kb, scratch, element, row, col, K, 0)));
                }
                for (int64_t i = 0; i < bCount; ++i) {
                  Value row = shape.tf32 ? add(kb, t, 4 * i)
                                         : add(kb, mul(kb, t, 2),
                                               (i & 1) + 8 * (i >> 1));
                  row = arith::AddIOp::create(kb, loc, row, k0);
                  Value col = arith::AddIOp::create(kb, loc, g, col0);
                  bValues.push_back(LLVM::LoadOp::create(
                      kb, loc, element,
                      at(kb, scratch, element, row, col, N, bStart)));
                }
                scf::YieldOp::create(
                    kb, loc,
                    mmaSync(kb, loc, shape, aValues, bValues, carried[0]));
              });
          Value d = kLoop.getResult(0);
          for (int64_t i = 0; i < 4; ++i) {
            Value value = vector::ExtractOp::create(
                ob, loc, d, ArrayRef<int64_t>{i >> 1, i & 1});
            LLVM::StoreOp::create(ob, loc, value, cAddresses[i]);
          }
          scf::YieldOp::create(ob, loc);
        });

    return loadStagedAccumulator(b, loc, accBase, cType,
                                 getTypeConverter()->convertType(cType));
  }

  bool useMmaSync;
};

} // namespace

void recur::populateDotOpToGPUPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns,
                                       bool useMmaSync) {
  patterns.add<DotOpLowering>(converter, patterns.getContext(), useMmaSync);
}
