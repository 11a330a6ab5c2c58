//===- ConvertSeqToTile.cpp - Operator functions to chunked tile kernels --===//
//
// An operator function applies one seq operator to its arguments and returns
// its results. This pass replaces it by a tile kernel over pointers (see the
// pass description in Passes.td for the calling convention), whose body is
// the operator's chunked algorithm.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/SeqToTile/OperatorKernels.h"
#include "compiler/SeqToTile/TileBuilder.h"
#include "dialects/seq/SeqOps.h"
#include "dialects/tile/TileOps.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

namespace recur {
#define GEN_PASS_DEF_CONVERTSEQTOTILE
#include "compiler/Passes.h.inc"
} // namespace recur

using namespace mlir;
using namespace recur;

int64_t recur::nextPowerOf2(int64_t n) {
  return llvm::PowerOf2Ceil(std::max<int64_t>(n, 1));
}

int64_t recur::getValueBlock(int64_t keyDim, int64_t valueDim, bool gpu) {
  constexpr int64_t kMaxStateElements = 8192;
  int64_t blockK = nextPowerOf2(keyDim), blockV = nextPowerOf2(valueDim);
  if (!gpu || blockK * blockV <= kMaxStateElements)
    return blockV;
  return std::max<int64_t>(16, kMaxStateElements / blockK);
}

namespace {

/// The bounds [start, end) of `sequence` on the flattened token axis: read
/// from the packed offsets when there are any, else `sequence * length`.
std::pair<Value, Value> sequenceBounds(TileBuilder &tb,
                                       const KernelOperands &kernel,
                                       Value offsets, Value sequence,
                                       Value length) {
  if (!offsets) {
    Value start = tb.mul(sequence, length);
    return {start, tb.add(start, length)};
  }
  Value pointer = kernel.pointers.lookup(offsets);
  OpBuilder &b = tb.builder();
  auto at = [&](Value index) {
    Value value = tb.loadScalar(pointer, index);
    if (!value.getType().isInteger(32))
      value = arith::TruncIOp::create(b, tb.getLoc(), b.getI32Type(), value);
    return value;
  };
  return {at(sequence), at(tb.add(sequence, tb.i32(1)))};
}

/// What the kernels with a [K, V] state (linear attention, GLA, the delta
/// rules) share: sizes, the program's (head, sequence) and bounds, and the
/// state tile with its initial value.
struct LinearFamilyProgram {
  int64_t heads, keyDim, valueDim, blockK, blockV;
  /// f64 inputs are computed in f64; everything narrower in f32.
  Type compute;
  double scale;
  Value head, start, end;
  Value keys, values, keyMask, valueMask;
  /// The state of (sequence, head): [K, V] at ((n H + h) K + k) V + v.
  Value stateOffsets, stateMask, initialState;
};

template <typename OpTy>
FailureOr<LinearFamilyProgram> setUpLinearFamily(TileBuilder &tb, OpTy op,
                                                 const KernelOperands &kernel,
                                                 bool gpu) {
  auto qType = cast<RankedTensorType>(op.getQ().getType());
  auto vType = cast<RankedTensorType>(op.getV().getType());
  LinearFamilyProgram p;
  p.heads = qType.getDimSize(2);
  p.keyDim = qType.getDimSize(3);
  p.valueDim = vType.getDimSize(3);
  if (ShapedType::isDynamic(p.heads) || ShapedType::isDynamic(p.keyDim) ||
      ShapedType::isDynamic(p.valueDim))
    return op.emitOpError("needs static H, K and V to be lowered to tile");
  Type element = qType.getElementType();
  p.compute = element.isF64() ? element : tb.builder().getF32Type();
  p.scale = op.getScale() ? op.getScale()->convertToDouble()
                          : 1.0 / std::sqrt(double(p.keyDim));
  p.blockK = nextPowerOf2(p.keyDim);
  p.blockV = getValueBlock(p.keyDim, p.valueDim, gpu);

  p.head = tb.programId(0);
  Value sequence = tb.programId(1);
  std::tie(p.start, p.end) = sequenceBounds(tb, kernel, op.getCuSeqlens(),
                                            sequence, kernel.lengths[0]);
  p.keys = tb.range(p.blockK);
  p.values = tb.range(p.blockV);
  // A program of a split state holds the columns of its value block.
  if (p.blockV < nextPowerOf2(p.valueDim))
    p.values = tb.add(tb.mul(tb.programId(2), tb.i32(p.blockV)), p.values);
  p.keyMask = tb.lt(p.keys, tb.i32(p.keyDim));
  p.valueMask = tb.lt(p.values, tb.i32(p.valueDim));
  Value stateBase = tb.mul(tb.add(tb.mul(sequence, tb.i32(p.heads)), p.head),
                           tb.i32(p.keyDim * p.valueDim));
  p.stateOffsets = tb.add(
      stateBase, tb.add(tb.mul(tb.expandDims(p.keys, 1), tb.i32(p.valueDim)),
                        tb.expandDims(p.values, 0)));
  p.stateMask =
      tb.logicalAnd(tb.expandDims(p.keyMask, 1), tb.expandDims(p.valueMask, 0));
  p.initialState = tb.zeros({p.blockK, p.blockV}, p.compute);
  if (Value initial = op.getInitialState())
    p.initialState = tb.castFloat(
        tb.load(kernel.pointers.lookup(initial), p.stateOffsets, p.stateMask),
        p.compute);
  return p;
}

/// One chunk's rows of q, k and v (in the compute type), with the offsets
/// and masks of key-wide and value-wide rows and of per-step values.
struct LinearFamilyChunk {
  Value timeMask, rows, kOffsets, vOffsets, kMask, vMask, q, k, v;
};

template <typename OpTy>
LinearFamilyChunk
loadChunk(TileBuilder &cb, OpTy op, const LinearFamilyProgram &p,
          const KernelOperands &kernel, Value first, Value steps) {
  LinearFamilyChunk c;
  Value time = cb.add(first, steps);
  c.timeMask = cb.lt(time, p.end);
  // Row t of head h starts at (t H + h) * dim.
  c.rows = cb.add(cb.mul(time, cb.i32(p.heads)), p.head);
  c.kOffsets = cb.add(cb.expandDims(cb.mul(c.rows, cb.i32(p.keyDim)), 1),
                      cb.expandDims(p.keys, 0));
  c.vOffsets = cb.add(cb.expandDims(cb.mul(c.rows, cb.i32(p.valueDim)), 1),
                      cb.expandDims(p.values, 0));
  c.kMask =
      cb.logicalAnd(cb.expandDims(c.timeMask, 1), cb.expandDims(p.keyMask, 0));
  c.vMask = cb.logicalAnd(cb.expandDims(c.timeMask, 1),
                          cb.expandDims(p.valueMask, 0));
  auto load = [&](Value tensor, Value offsets, Value mask) {
    return cb.castFloat(cb.load(kernel.pointers.lookup(tensor), offsets, mask),
                        p.compute);
  };
  c.q = load(op.getQ(), c.kOffsets, c.kMask);
  c.k = load(op.getK(), c.kOffsets, c.kMask);
  c.v = load(op.getV(), c.vOffsets, c.vMask);
  return c;
}

/// The largest span of a key's chunk-local log gates for which GLA's
/// intra-chunk weights are factored into a matmul (factors within e^±40).
constexpr double kFactorSpan = 80.0;

/// GLA's intra-chunk weights of a chunk, exactly: sum_k q_tk k_sk
/// exp(G_tk - G_sk) for s <= t, 0 above the diagonal, exponentiating only
/// differences <= 0 (masked exponents are -inf).
///
/// On the CPU they come from one [C, C, K] tile. For GPUs (`gpu`) the sum
/// runs over the keys in a loop, one [C, C] term per key from the key's
/// columns of q, k and g (G by a cumulative sum of the column): the tile
/// would take C C K / threads registers per GPU thread (2048 at C = K = 64
/// and 128 threads). The terms are added in key order, as the tile's sum
/// adds them. (On the CPU the loop takes about twice the tile's time.)
template <typename OpTy>
Value exactGatedScores(TileBuilder &eb, OpTy op, const LinearFamilyProgram &p,
                       const KernelOperands &kernel, const LinearFamilyChunk &c,
                       Value causal, Value q, Value k, Value G, Value gPtr,
                       int64_t chunk, bool gpu) {
  Type compute = p.compute;
  if (!gpu) {
    Value exponent =
        eb.sub(eb.expandDims(G, 1), eb.expandDims(G, 0)); // [C, C, K]
    exponent = eb.select(eb.expandDims(causal, 2), exponent,
                         eb.floatConst(-INFINITY, compute));
    Value pairs = eb.mul(eb.expandDims(q, 1), eb.expandDims(k, 0));
    return eb.sum(eb.mul(pairs, eb.exp(exponent)), 2);
  }
  Value qPtr = kernel.pointers.lookup(op.getQ());
  Value kPtr = kernel.pointers.lookup(op.getK());
  Value rowStarts = eb.mul(c.rows, eb.i32(p.keyDim));
  auto loop = scf::ForOp::create(
      eb.builder(), eb.getLoc(), eb.i32(0), eb.i32(p.keyDim), eb.i32(1),
      ValueRange{eb.zeros({chunk, chunk}, compute)},
      [&](OpBuilder &b, Location l, Value key, ValueRange carried) {
        TileBuilder kb(b, l);
        Value offsets = kb.add(rowStarts, key);
        auto column = [&](Value pointer) {
          return kb.castFloat(kb.load(pointer, offsets, c.timeMask), compute);
        };
        Value keyG = kb.cumsum(column(gPtr), 0);
        Value exponent = kb.select(
            causal, kb.sub(kb.expandDims(keyG, 1), kb.expandDims(keyG, 0)),
            kb.floatConst(-INFINITY, compute));
        Value pairs = kb.mul(kb.expandDims(column(qPtr), 1),
                             kb.expandDims(column(kPtr), 0));
        scf::YieldOp::create(
            b, l,
            ValueRange{kb.add(carried[0], kb.mul(pairs, kb.exp(exponent)))});
      });
  return loop.getResult(0);
}

/// The chunked linear attention (ungated, or GLA's per-key gates) of one
/// (head, sequence) program.
///
/// GLA's decays come from chunk-local cumulative log gates G (G_t = g_1 +
/// ... + g_t within the chunk). The intra-chunk weights exp(G_t - G_s),
/// s <= t, are a matmul of q exp(G - r) and k exp(r - G) when every key's G
/// spans at most kFactorSpan in the chunk (r the middle of the span, so no
/// factor leaves e^±40). Otherwise the chunk computes them exactly
/// (exactGatedScores), exponentiating only differences <= 0, so
/// arbitrarily strong gates never overflow: a global factorisation
/// q exp(G) * k exp(-G) is what overflows.
template <typename OpTy>
LogicalResult buildLinearAttn(OpBuilder &builder, OpTy op,
                              const KernelOperands &kernel, int64_t chunk,
                              bool gpu) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  FailureOr<LinearFamilyProgram> program =
      setUpLinearFamily(tb, op, kernel, gpu);
  if (failed(program))
    return failure();
  const LinearFamilyProgram &p = *program;
  Type compute = p.compute;
  int64_t blockV = p.blockV;
  Value steps = tb.range(chunk);
  Value keySum = tb.zeros({p.blockK}, compute);
  bool normalize = false;
  Value gPtr;
  if constexpr (std::is_same_v<OpTy, seq::LinearAttnOp>)
    normalize = op.getNormalize();
  else
    gPtr = kernel.pointers.lookup(op.getG());

  Value oPtr = kernel.resultPointers[0];
  Type outElement =
      cast<RankedTensorType>(op.getO().getType()).getElementType();

  auto loop = scf::ForOp::create(
      builder, loc, p.start, p.end, tb.i32(chunk),
      ValueRange{p.initialState, keySum},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value S = carried[0], sum = carried[1];
        LinearFamilyChunk c = loadChunk(cb, op, p, kernel, first, steps);
        Value q = c.q, k = c.k, v = c.v;

        Value causal = cb.ge(cb.expandDims(steps, 1), cb.expandDims(steps, 0));
        Value scores, inter, keysIn = k, stateIn = S;
        if (gPtr) {
          // Masked rows load g = 0, so the last row of G is the chunk's total.
          Value g = cb.castFloat(cb.load(gPtr, c.kOffsets, c.kMask), compute);
          Value G = cb.cumsum(g, 0);
          Value total = cb.sum(g, 0);
          // Where each key's G spans at most kFactorSpan within the chunk,
          // q exp(G - r) and k exp(r - G), with r the middle of the span,
          // stay within exp(±kFactorSpan / 2): the intra-chunk weights become
          // one matmul. Chunks with stronger gates (or NaN) take the exact
          // form, which exponentiates only differences <= 0.
          Value zero = cb.floatConst(0.0, compute);
          Value high = cb.max(G, 0),
                low = cb.sub(zero, cb.max(cb.sub(zero, G), 0));
          Value spread = cb.max(cb.sub(high, low), 0);
          Value factorable =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, spread,
                                    cb.floatConst(kFactorSpan, compute));
          auto branches = scf::IfOp::create(
              b, l, factorable,
              [&](OpBuilder &tb2, Location l2) {
                TileBuilder fb(tb2, l2);
                Value middle =
                    fb.mul(fb.add(high, low), fb.floatConst(0.5, compute));
                Value scale = fb.exp(fb.sub(G, fb.expandDims(middle, 0)));
                Value qs = fb.mul(q, scale), ks = fb.div(k, scale);
                Value product =
                    fb.dot(qs, fb.trans(ks), fb.zeros({chunk, chunk}, compute));
                Value intra = fb.select(causal, product, zero);
                Value inner =
                    fb.dot(fb.mul(qs, fb.expandDims(fb.exp(middle), 0)), S,
                           fb.zeros({chunk, blockV}, compute));
                Value keys =
                    fb.mul(ks, fb.expandDims(fb.exp(fb.sub(total, middle)), 0));
                scf::YieldOp::create(tb2, l2, ValueRange{intra, inner, keys});
              },
              [&](OpBuilder &tb2, Location l2) {
                TileBuilder eb(tb2, l2);
                Value intra = exactGatedScores(eb, op, p, kernel, c, causal, q,
                                               k, G, gPtr, chunk, gpu);
                Value inner = eb.dot(eb.mul(q, eb.exp(G)), S,
                                     eb.zeros({chunk, blockV}, compute));
                Value keys =
                    eb.mul(k, eb.exp(eb.sub(eb.expandDims(total, 0), G)));
                scf::YieldOp::create(tb2, l2, ValueRange{intra, inner, keys});
              });
          scores = branches.getResult(0);
          inter = branches.getResult(1);
          keysIn = branches.getResult(2);
          stateIn = cb.mul(cb.expandDims(cb.exp(total), 1), S);
        } else {
          // Intra-chunk: causal (q kᵀ) v; inter-chunk: q S.
          scores = cb.dot(q, cb.trans(k), cb.zeros({chunk, chunk}, compute));
          scores = cb.select(causal, scores, cb.floatConst(0.0, compute));
          inter = cb.dot(q, S, cb.zeros({chunk, blockV}, compute));
        }
        Value out = cb.dot(scores, v, inter);
        out = cb.mul(out, cb.floatConst(p.scale, compute));
        Value nextSum = sum;
        if (normalize) {
          Value running = cb.add(cb.cumsum(k, 0), cb.expandDims(sum, 0));
          Value z = cb.add(cb.mul(cb.sum(cb.mul(q, running), 1),
                                  cb.floatConst(p.scale, compute)),
                           cb.floatConst(1e-10, compute));
          out = cb.div(out, cb.expandDims(z, 1));
          nextSum = cb.add(sum, cb.sum(k, 0));
        }
        cb.store(oPtr, c.vOffsets, cb.castFloat(out, outElement), c.vMask);
        Value nextState = cb.dot(cb.trans(keysIn), v, stateIn);
        scf::YieldOp::create(b, l, ValueRange{nextState, nextSum});
      });

  tb.store(kernel.resultPointers[1], p.stateOffsets,
           tb.castFloat(loop.getResult(0), builder.getF32Type()), p.stateMask);
  return success();
}

/// Flash attention for one (query block, head, sequence) program: the
/// online softmax over the key blocks this query block can see. Key blocks
/// outside the causal or window bounds are not visited at all; inside the
/// visited ones the mask sets scores to -inf.
LogicalResult buildAttention(OpBuilder &builder, seq::AttentionOp op,
                             const KernelOperands &kernel, int64_t block) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  auto qType = cast<RankedTensorType>(op.getQ().getType());
  auto kType = cast<RankedTensorType>(op.getK().getType());
  auto vType = cast<RankedTensorType>(op.getV().getType());
  int64_t heads = qType.getDimSize(2), kvHeads = kType.getDimSize(2);
  int64_t dim = qType.getDimSize(3), valueDim = vType.getDimSize(3);
  for (int64_t size : {heads, kvHeads, dim, valueDim})
    if (ShapedType::isDynamic(size))
      return op.emitOpError("needs static heads and head dimensions to be "
                            "lowered to tile");
  Type element = qType.getElementType();
  Type compute = element.isF64() ? element : builder.getF32Type();
  double scale = op.getSoftmaxScale() ? op.getSoftmaxScale()->convertToDouble()
                                      : 1.0 / std::sqrt(double(dim));
  int64_t blockD = nextPowerOf2(dim), blockDv = nextPowerOf2(valueDim);
  int64_t left = op.getWindowLeft(), right = op.getWindowRight();

  Value queryBlock = tb.programId(0), head = tb.programId(1);
  Value sequence = tb.programId(2);
  Value kvHead = tb.divSigned(head, tb.i32(heads / kvHeads));
  // Plain values rather than structured bindings: lambdas below capture them.
  Value qStart, qEnd, kStart, kEnd;
  std::tie(qStart, qEnd) = sequenceBounds(tb, kernel, op.getCuSeqlensQ(),
                                          sequence, kernel.lengths[0]);
  std::tie(kStart, kEnd) = sequenceBounds(tb, kernel, op.getCuSeqlensK(),
                                          sequence, kernel.lengths[1]);
  Value queries = tb.sub(qEnd, qStart), keys = tb.sub(kEnd, kStart);
  // Query i is aligned with key i + shift (causal: it sees keys j <= i +
  // shift): bottom-right (Tk - Tq) unless the op gives the diagonal.
  Value shift = tb.sub(keys, queries);
  if (Value diagonal = op.getDiagonal())
    shift = tb.loadScalar(kernel.pointers.lookup(diagonal), tb.i32(0));
  Value firstRow = tb.mul(queryBlock, tb.i32(block));
  Value lastRow = tb.add(firstRow, tb.i32(block - 1));

  // The key range [lo, hi) this block can see.
  Value lo = tb.i32(0), hi = keys;
  if (op.getCausal())
    hi = tb.minSigned(hi, tb.add(tb.add(lastRow, shift), tb.i32(1)));
  if (right >= 0)
    hi = tb.minSigned(hi, tb.add(tb.add(lastRow, shift), tb.i32(right + 1)));
  if (left >= 0) {
    lo = tb.maximum(lo, tb.sub(tb.add(firstRow, shift), tb.i32(left)));
    lo = tb.mul(tb.divSigned(lo, tb.i32(block)), tb.i32(block));
  }

  Value rowRange = tb.range(block), dims = tb.range(blockD);
  Value valueDims = tb.range(blockDv);
  Value rows = tb.add(firstRow, rowRange);
  Value rowMask = tb.lt(rows, queries);
  Value dimMask = tb.lt(dims, tb.i32(dim));
  Value valueDimMask = tb.lt(valueDims, tb.i32(valueDim));
  auto offsets = [&](Value start, Value positions, int64_t numHeads,
                     Value headIndex, int64_t width, Value columns) {
    Value tokens = tb.add(start, positions);
    Value rowBase = tb.mul(tb.add(tb.mul(tokens, tb.i32(numHeads)), headIndex),
                           tb.i32(width));
    return tb.add(tb.expandDims(rowBase, 1), tb.expandDims(columns, 0));
  };
  Value qMask =
      tb.logicalAnd(tb.expandDims(rowMask, 1), tb.expandDims(dimMask, 0));
  Value q = tb.castFloat(tb.load(kernel.pointers.lookup(op.getQ()),
                                 offsets(qStart, rows, heads, head, dim, dims),
                                 qMask),
                         compute);

  Value negInf = tb.floatConst(-INFINITY, compute);
  Value m0 = tb.broadcastTo(negInf, {block});
  Value l0 = tb.zeros({block}, compute);
  Value acc0 = tb.zeros({block, blockDv}, compute);
  Value kPtr = kernel.pointers.lookup(op.getK());
  Value vPtr = kernel.pointers.lookup(op.getV());
  bool causal = op.getCausal();

  auto loop = scf::ForOp::create(
      builder, loc, lo, hi, tb.i32(block), ValueRange{m0, l0, acc0},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value m = carried[0], sum = carried[1], acc = carried[2];
        Value columns = cb.add(first, rowRange);
        Value columnMask = cb.lt(columns, keys);
        Value kMask = cb.logicalAnd(cb.expandDims(columnMask, 1),
                                    cb.expandDims(dimMask, 0));
        Value vMask = cb.logicalAnd(cb.expandDims(columnMask, 1),
                                    cb.expandDims(valueDimMask, 0));
        Value k = cb.castFloat(
            cb.load(kPtr, offsets(kStart, columns, kvHeads, kvHead, dim, dims),
                    kMask),
            compute);
        Value v = cb.castFloat(cb.load(vPtr,
                                       offsets(kStart, columns, kvHeads, kvHead,
                                               valueDim, valueDims),
                                       vMask),
                               compute);
        // Scaled after the dot, as flash-attention does: q and k reach it
        // as loaded, so f16/bf16 inputs take the matrix units
        // (tile-narrow-dot-operands).
        Value scores =
            cb.mul(cb.dot(q, cb.trans(k), cb.zeros({block, block}, compute)),
                   cb.floatConst(scale, compute));
        Value row = cb.expandDims(rows, 1), column = cb.expandDims(columns, 0);
        Value allowed =
            cb.broadcastTo(cb.expandDims(columnMask, 0), {block, block});
        Value diagonal = cb.add(row, shift);
        if (causal)
          allowed = cb.logicalAnd(allowed, cb.le(column, diagonal));
        if (right >= 0)
          allowed = cb.logicalAnd(
              allowed, cb.le(column, cb.add(diagonal, cb.i32(right))));
        if (left >= 0)
          allowed = cb.logicalAnd(
              allowed, cb.le(cb.sub(diagonal, cb.i32(left)), column));
        scores = cb.select(allowed, scores, negInf);
        // The online softmax; rows that have seen no key keep m = -inf and
        // are shifted by 0 instead, so no -inf - -inf appears.
        Value mNew = cb.maximum(m, cb.max(scores, 1));
        Value safe = cb.select(cb.floatEq(mNew, negInf),
                               cb.floatConst(0.0, compute), mNew);
        Value p = cb.exp(cb.sub(scores, cb.expandDims(safe, 1)));
        Value alpha = cb.exp(cb.sub(m, safe));
        Value nextSum = cb.add(cb.mul(sum, alpha), cb.sum(p, 1));
        Value nextAcc = cb.dot(p, v, cb.mul(acc, cb.expandDims(alpha, 1)));
        scf::YieldOp::create(b, l, ValueRange{mNew, nextSum, nextAcc});
      });

  // Rows that saw no key have l = 0 and an all-zero accumulator: output 0.
  Value sum = loop.getResult(1);
  Value denominator = tb.select(tb.floatGt(sum, tb.floatConst(0.0, compute)),
                                sum, tb.floatConst(1.0, compute));
  Value out = tb.div(loop.getResult(2), tb.expandDims(denominator, 1));
  Value outMask =
      tb.logicalAnd(tb.expandDims(rowMask, 1), tb.expandDims(valueDimMask, 0));
  Type outElement =
      cast<RankedTensorType>(op.getO().getType()).getElementType();
  tb.store(kernel.resultPointers[0],
           offsets(qStart, rows, heads, head, valueDim, valueDims),
           tb.castFloat(out, outElement), outMask);
  if (!op.getLse())
    return success();

  // The log-sum-exp m + log l of the scaled scores; -inf where no key was
  // seen (l = 0). It is [B, H, Tq]: packed sequences (B = 1) index their
  // queries by their place in the packed axis.
  Value lse = tb.add(loop.getResult(0), tb.log(denominator));
  lse = tb.select(tb.floatGt(sum, tb.floatConst(0.0, compute)), lse,
                  tb.broadcastTo(negInf, {block}));
  Value batch = op.getCuSeqlensQ() ? tb.i32(0) : sequence;
  Value tokens = op.getCuSeqlensQ() ? tb.add(qStart, rows) : rows;
  Value lseBase =
      tb.mul(tb.add(tb.mul(batch, tb.i32(heads)), head), kernel.lengths[0]);
  tb.store(kernel.resultPointers[1], tb.add(lseBase, tokens), lse, rowMask);
  return success();
}

/// Mamba-2's SSD for one (head, batch row) program: the linear family with
/// a scalar log decay dt_t A per step, keys dt_t B_t, queries C_t and values
/// x_t; the state is kept as [N, P] (its transpose is stored, [P, N], as
/// mamba_ssm lays states out). Decays are exponentiated only as
/// non-positive differences of chunk-local cumulative sums.
LogicalResult buildSSD(OpBuilder &builder, seq::SSDOp op,
                       const KernelOperands &kernel) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto bType = cast<RankedTensorType>(op.getB().getType());
  int64_t heads = xType.getDimSize(2), headDim = xType.getDimSize(3);
  int64_t groups = bType.getDimSize(2), stateDim = bType.getDimSize(3);
  for (int64_t size : {heads, headDim, groups, stateDim})
    if (ShapedType::isDynamic(size))
      return op.emitOpError("needs static heads, groups and head/state "
                            "dimensions to be lowered to tile");
  int64_t chunk = nextPowerOf2(op.getChunkSize());
  Type element = xType.getElementType();
  Type compute = element.isF64() ? element : builder.getF32Type();
  int64_t blockP = nextPowerOf2(headDim), blockN = nextPowerOf2(stateDim);

  Value head = tb.programId(0), row = tb.programId(1);
  Value group = tb.divSigned(head, tb.i32(heads / groups));
  Value start = tb.mul(row, kernel.lengths[0]);
  Value end = tb.add(start, kernel.lengths[0]);
  auto scalar = [&](Value tensor, Value index) {
    return tb.castFloat(tb.loadScalar(kernel.pointers.lookup(tensor), index),
                        compute);
  };
  Value decayRate = scalar(op.getA(), head);
  Value dtBias = op.getDtBias() ? scalar(op.getDtBias(), head)
                                : tb.floatConst(0.0, compute);

  Value ps = tb.range(blockP), ns = tb.range(blockN), steps = tb.range(chunk);
  Value pMask = tb.lt(ps, tb.i32(headDim)), nMask = tb.lt(ns, tb.i32(stateDim));
  // Skip weights D: one per head, or one per (head, p).
  Value skip;
  if (Value d = op.getD()) {
    if (cast<RankedTensorType>(d.getType()).getRank() == 1)
      skip = scalar(d, head);
    else
      skip = tb.castFloat(tb.load(kernel.pointers.lookup(d),
                                  tb.add(tb.mul(head, tb.i32(headDim)), ps),
                                  pMask),
                          compute);
  }

  // The state of (row, head) is [P, N] in memory; it is carried as [N, P].
  Value stateOffsets =
      tb.add(tb.mul(tb.add(tb.mul(row, tb.i32(heads)), head),
                    tb.i32(headDim * stateDim)),
             tb.add(tb.expandDims(ns, 1),
                    tb.mul(tb.expandDims(ps, 0), tb.i32(stateDim))));
  Value stateMask =
      tb.logicalAnd(tb.expandDims(nMask, 1), tb.expandDims(pMask, 0));
  Value state = tb.zeros({blockN, blockP}, compute);
  if (Value initial = op.getInitialStates())
    state = tb.castFloat(
        tb.load(kernel.pointers.lookup(initial), stateOffsets, stateMask),
        compute);
  Value zero = tb.floatConst(0.0, compute);
  bool softplus = op.getDtSoftplus();

  auto loop = scf::ForOp::create(
      builder, loc, start, end, tb.i32(chunk), ValueRange{state},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value S = carried[0];
        Value time = cb.add(first, steps);
        Value timeMask = cb.lt(time, end);
        Value tokenHead = cb.add(cb.mul(time, cb.i32(heads)), head);
        Value tokenGroup = cb.add(cb.mul(time, cb.i32(groups)), group);
        auto rowsOf = [&](Value index, int64_t width, Value columns,
                          Value columnMask) {
          Value offsets = cb.add(cb.expandDims(cb.mul(index, cb.i32(width)), 1),
                                 cb.expandDims(columns, 0));
          Value mask = cb.logicalAnd(cb.expandDims(timeMask, 1),
                                     cb.expandDims(columnMask, 0));
          return std::make_pair(offsets, mask);
        };
        Value dt =
            cb.add(cb.castFloat(cb.load(kernel.pointers.lookup(op.getDt()),
                                        tokenHead, timeMask),
                                compute),
                   dtBias);
        if (softplus) // log(1 + e^dt), exact for large dt without overflow
          dt = cb.select(cb.floatGt(dt, cb.floatConst(20.0, compute)), dt,
                         cb.log1p(cb.exp(dt)));
        dt = cb.select(timeMask, dt, zero); // steps past the end do nothing
        Value logDecay = cb.mul(dt, decayRate);
        Value G = cb.cumsum(logDecay, 0);
        Value total = cb.sum(logDecay, 0);

        auto [xOffsets, xMask] = rowsOf(tokenHead, headDim, ps, pMask);
        auto [bOffsets, bMask] = rowsOf(tokenGroup, stateDim, ns, nMask);
        Value x = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getX()), xOffsets, xMask),
            compute);
        Value Bm = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getB()), bOffsets, bMask),
            compute);
        Value Cm = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getC()), bOffsets, bMask),
            compute);

        Value causal = cb.ge(cb.expandDims(steps, 1), cb.expandDims(steps, 0));
        Value exponent =
            cb.select(causal, cb.sub(cb.expandDims(G, 1), cb.expandDims(G, 0)),
                      cb.floatConst(-INFINITY, compute));
        Value scores =
            cb.dot(Cm, cb.trans(Bm), cb.zeros({chunk, chunk}, compute));
        scores = cb.mul(cb.mul(scores, cb.exp(exponent)), cb.expandDims(dt, 0));
        Value inter = cb.dot(cb.mul(Cm, cb.expandDims(cb.exp(G), 1)), S,
                             cb.zeros({chunk, blockP}, compute));
        Value y = cb.dot(scores, x, inter);
        if (skip)
          y = cb.add(y, cb.mul(x, skip));
        if (Value z = op.getZ()) {
          Value gate = cb.castFloat(
              cb.load(kernel.pointers.lookup(z), xOffsets, xMask), compute);
          Value one = cb.floatConst(1.0, compute);
          // y * silu(z) = y * z / (1 + e^-z)
          y = cb.mul(y, cb.div(gate, cb.add(one, cb.exp(cb.sub(zero, gate)))));
        }
        Type outElement =
            cast<RankedTensorType>(op.getY().getType()).getElementType();
        cb.store(kernel.resultPointers[0], xOffsets,
                 cb.castFloat(y, outElement), xMask);
        Value weights = cb.mul(dt, cb.exp(cb.sub(total, G)));
        Value keys = cb.mul(Bm, cb.expandDims(weights, 1));
        Value next = cb.dot(cb.trans(keys), x, cb.mul(S, cb.exp(total)));
        scf::YieldOp::create(b, l, ValueRange{next});
      });
  tb.store(kernel.resultPointers[1], stateOffsets,
           tb.castFloat(loop.getResult(0), builder.getF32Type()), stateMask);
  return success();
}

/// Mamba's selective scan for one (channel, batch row) program. Each
/// channel has its own diagonal recurrence over N states: per chunk, a scan
/// of the steps' affine maps gives all C states from the carried one.
LogicalResult buildSelectiveScan(OpBuilder &builder, seq::SelectiveScanOp op,
                                 const KernelOperands &kernel, int64_t chunk) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  auto uType = cast<RankedTensorType>(op.getU().getType());
  auto bType = cast<RankedTensorType>(op.getB().getType());
  auto aType = cast<RankedTensorType>(op.getA().getType());
  int64_t channels = uType.getDimSize(1), states = aType.getDimSize(1);
  int64_t groups = bType.getRank() == 4 ? bType.getDimSize(1) : 1;
  for (int64_t size : {channels, states, groups})
    if (ShapedType::isDynamic(size))
      return op.emitOpError("needs static channels, states and groups to be "
                            "lowered to tile");
  Type element = uType.getElementType();
  Type compute = element.isF64() ? element : builder.getF32Type();
  int64_t blockN = nextPowerOf2(states);

  Value channel = tb.programId(0), row = tb.programId(1);
  Value length = kernel.lengths[0];
  Value group = tb.divSigned(channel, tb.i32(channels / groups));
  // u, delta, z, y: [b, d, l]; B, C: [b, g, n, l].
  Value base = tb.mul(tb.add(tb.mul(row, tb.i32(channels)), channel), length);
  Value ns = tb.range(blockN), steps = tb.range(chunk);
  Value nMask = tb.lt(ns, tb.i32(states));
  Value bRows = tb.mul(
      tb.add(tb.mul(tb.add(tb.mul(row, tb.i32(groups)), group), tb.i32(states)),
             ns),
      length); // [N]
  auto scalar = [&](Value tensor, Value index) {
    return tb.castFloat(tb.loadScalar(kernel.pointers.lookup(tensor), index),
                        compute);
  };
  Value a =
      tb.castFloat(tb.load(kernel.pointers.lookup(op.getA()),
                           tb.add(tb.mul(channel, tb.i32(states)), ns), nMask),
                   compute);
  Value bias = op.getDeltaBias() ? scalar(op.getDeltaBias(), channel)
                                 : tb.floatConst(0.0, compute);
  Value skip = op.getD() ? scalar(op.getD(), channel) : Value();
  Value zero = tb.floatConst(0.0, compute);
  bool softplus = op.getDeltaSoftplus();

  Value stateOffsets = tb.add(
      tb.mul(tb.add(tb.mul(row, tb.i32(channels)), channel), tb.i32(states)),
      ns);
  Value initialState = tb.zeros({blockN}, compute);
  if (Value initial = op.getInitialState())
    initialState = tb.castFloat(
        tb.load(kernel.pointers.lookup(initial), stateOffsets, nMask), compute);
  auto loop = scf::ForOp::create(
      builder, loc, tb.i32(0), length, tb.i32(chunk), ValueRange{initialState},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value x = carried[0];
        Value time = cb.add(first, steps);
        Value timeMask = cb.lt(time, length);
        Value offsets = cb.add(base, time);
        auto channelLoad = [&](Value tensor) {
          return cb.castFloat(
              cb.load(kernel.pointers.lookup(tensor), offsets, timeMask),
              compute);
        };
        Value delta = cb.add(channelLoad(op.getDelta()), bias);
        if (softplus)
          delta = cb.select(cb.floatGt(delta, cb.floatConst(20.0, compute)),
                            delta, cb.log1p(cb.exp(delta)));
        delta = cb.select(timeMask, delta, zero);
        Value u = channelLoad(op.getU());
        Value bcOffsets =
            cb.add(cb.expandDims(time, 1), cb.expandDims(bRows, 0)); // [C, N]
        Value bcMask =
            cb.logicalAnd(cb.expandDims(timeMask, 1), cb.expandDims(nMask, 0));
        Value Bm = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getB()), bcOffsets, bcMask),
            compute);
        Value Cm = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getC()), bcOffsets, bcMask),
            compute);
        // The per-step affine maps x -> exp(Δ_t A) x + Δ_t u_t B_t, composed
        // along the chunk by a scan, give every step's state from the
        // carried one: C N exponentials per chunk, no [C, C, N] tile.
        Value decay =
            cb.exp(cb.mul(cb.expandDims(delta, 1), cb.expandDims(a, 0)));
        Value input = cb.mul(cb.expandDims(cb.mul(delta, u), 1), Bm); // [C, N]
        SmallVector<Value> maps =
            cb.scan({decay, input}, 0,
                    [](TileBuilder &inner, ValueRange first, ValueRange then) {
                      return SmallVector<Value>{
                          inner.mul(first[0], then[0]),
                          inner.add(inner.mul(first[1], then[0]), then[1])};
                    });
        Value states = cb.add(cb.mul(maps[0], cb.expandDims(x, 0)), maps[1]);
        Value y = cb.sum(cb.mul(Cm, states), 1); // [C]
        if (skip)
          y = cb.add(y, cb.mul(u, skip));
        if (Value z = op.getZ()) {
          Value gate = channelLoad(z);
          Value one = cb.floatConst(1.0, compute);
          y = cb.mul(y, cb.div(gate, cb.add(one, cb.exp(cb.sub(zero, gate)))));
        }
        Type outElement =
            cast<RankedTensorType>(op.getY().getType()).getElementType();
        cb.store(kernel.resultPointers[0], offsets, cb.castFloat(y, outElement),
                 timeMask);
        // Steps past the end have Δ = 0, the identity map: the last row is
        // the state after the chunk.
        Value lastRow = cb.expandDims(cb.ge(steps, cb.i32(chunk - 1)), 1);
        Value next = cb.sum(cb.select(lastRow, states, zero), 0);
        scf::YieldOp::create(b, l, ValueRange{next});
      });
  tb.store(kernel.resultPointers[1], stateOffsets,
           tb.castFloat(loop.getResult(0), builder.getF32Type()), nMask);
  return success();
}

/// DeltaNet (and gated DeltaNet) for one (head, sequence) program, through
/// the WY/UT representation of a chunk: with L = tril(diag(β) (K Kᵀ ⊙ Γ),
/// -1) and Γ_ts = exp(G_t - G_s) the chunk-local decays (all ones without
/// gates), T = (I + L)⁻¹ diag(β) is found by forward substitution, one row
/// per step; then W = T (K ⊙ exp G), U = T V, the corrected values are
/// V' = U - W S, the outputs (Q ⊙ exp G) S + tril(Q Kᵀ ⊙ Γ) V', and the state
/// exp(G_C) S + (K ⊙ exp(G_C - G))ᵀ V'. Gated DeltaNet decays the state
/// before the delta correction, as FLA's reference does.
template <typename OpTy>
LogicalResult buildDeltaRule(OpBuilder &builder, OpTy op,
                             const KernelOperands &kernel, int64_t chunk,
                             bool gpu) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  FailureOr<LinearFamilyProgram> program =
      setUpLinearFamily(tb, op, kernel, gpu);
  if (failed(program))
    return failure();
  const LinearFamilyProgram &p = *program;
  Type compute = p.compute;
  int64_t blockK = p.blockK, blockV = p.blockV;
  constexpr bool gated = std::is_same_v<OpTy, seq::GatedDeltaRuleOp>;
  Value steps = tb.range(chunk);
  Value zero = tb.floatConst(0.0, compute);

  auto loop = scf::ForOp::create(
      builder, loc, p.start, p.end, tb.i32(chunk), ValueRange{p.initialState},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value S = carried[0];
        LinearFamilyChunk c = loadChunk(cb, op, p, kernel, first, steps);
        Value q = c.q, k = c.k, v = c.v, rows = c.rows, timeMask = c.timeMask;
        Value beta = cb.castFloat(
            cb.load(kernel.pointers.lookup(op.getBeta()), rows, timeMask),
            compute);
        Value row = cb.expandDims(steps, 1), column = cb.expandDims(steps, 0);
        Value inclusive = cb.ge(row, column);
        Value strict = cb.lt(column, row);

        // Chunk-local decays (ones without gates).
        Value decayQ, decayKeys, decayState, pairDecay;
        if constexpr (gated) {
          Value g = cb.castFloat(
              cb.load(kernel.pointers.lookup(op.getG()), rows, timeMask),
              compute);
          Value G = cb.cumsum(g, 0);
          Value total = cb.sum(g, 0);
          pairDecay = cb.exp(cb.select(
              inclusive, cb.sub(cb.expandDims(G, 1), cb.expandDims(G, 0)),
              cb.floatConst(-INFINITY, compute)));
          decayQ = cb.exp(G);
          decayKeys = cb.exp(cb.sub(total, G));
          decayState = cb.exp(total);
        }
        Value kk = cb.dot(k, cb.trans(k), cb.zeros({chunk, chunk}, compute));
        if (pairDecay)
          kk = cb.mul(kk, pairDecay);
        // L = tril(diag(β) K Kᵀ Γ, -1); solve (I + L) T = diag(β) row by row.
        Value L = cb.select(strict, cb.mul(kk, cb.expandDims(beta, 1)), zero);
        Value T = cb.zeros({chunk, chunk}, compute);
        for (int64_t i = 0; i < chunk; ++i) {
          Value isRow = cb.logicalAnd(cb.le(steps, cb.i32(i)),
                                      cb.ge(steps, cb.i32(i))); // [C]
          Value rowL = cb.sum(cb.select(cb.expandDims(isRow, 1), L, zero), 0);
          Value betaI = cb.sum(cb.select(isRow, beta, zero), 0);
          Value solved =
              cb.sub(cb.select(isRow, cb.broadcastTo(betaI, {chunk}), zero),
                     cb.sum(cb.mul(cb.expandDims(rowL, 1), T), 0));
          T = cb.select(cb.expandDims(isRow, 1), cb.expandDims(solved, 0), T);
        }
        Value keysW = decayQ ? cb.mul(k, cb.expandDims(decayQ, 1)) : k;
        Value W = cb.dot(T, keysW, cb.zeros({chunk, blockK}, compute));
        Value U = cb.dot(T, v, cb.zeros({chunk, blockV}, compute));
        Value corrected =
            cb.sub(U, cb.dot(W, S, cb.zeros({chunk, blockV}, compute)));
        Value qk = cb.dot(q, cb.trans(k), cb.zeros({chunk, chunk}, compute));
        if (pairDecay)
          qk = cb.mul(qk, pairDecay);
        qk = cb.select(inclusive, qk, zero);
        Value qState = decayQ ? cb.mul(q, cb.expandDims(decayQ, 1)) : q;
        Value out =
            cb.dot(qk, corrected,
                   cb.dot(qState, S, cb.zeros({chunk, blockV}, compute)));
        out = cb.mul(out, cb.floatConst(p.scale, compute));
        Type outElement =
            cast<RankedTensorType>(op.getO().getType()).getElementType();
        cb.store(kernel.resultPointers[0], c.vOffsets,
                 cb.castFloat(out, outElement), c.vMask);
        Value keysS = decayKeys ? cb.mul(k, cb.expandDims(decayKeys, 1)) : k;
        Value carriedS = decayState ? cb.mul(S, decayState) : S;
        Value next = cb.dot(cb.trans(keysS), corrected, carriedS);
        scf::YieldOp::create(b, l, ValueRange{next});
      });
  tb.store(kernel.resultPointers[1], p.stateOffsets,
           tb.castFloat(loop.getResult(0), builder.getF32Type()), p.stateMask);
  return success();
}

/// The seq operator an operator function applies, or null.
Operation *getOperator(func::FuncOp function) {
  Block &body = function.getBody().front();
  if (!llvm::hasNItems(body, 2))
    return nullptr;
  Operation *op = &body.front();
  if (op->getDialect() == nullptr || op->getDialect()->getNamespace() !=
                                         seq::SeqDialect::getDialectNamespace())
    return nullptr;
  auto ret = dyn_cast<func::ReturnOp>(body.back());
  if (!ret || ret.getOperands() != op->getResults())
    return nullptr;
  return op;
}

LogicalResult convertFunction(func::FuncOp function, int64_t chunk, bool gpu) {
  Operation *op = getOperator(function);
  if (!op)
    return success(); // not an operator function
  for (Value operand : op->getOperands())
    if (!isa<BlockArgument>(operand))
      return op->emitOpError("operands must be arguments of the operator "
                             "function to be lowered to tile");

  OpBuilder builder(function);
  Location loc = function.getLoc();
  auto pointerTo = [](Type tensor) -> Type {
    return tile::PtrType::get(cast<ShapedType>(tensor).getElementType());
  };
  SmallVector<Type> inputs;
  for (Type type : function.getArgumentTypes())
    inputs.push_back(pointerTo(type));
  for (Type type : function.getResultTypes())
    inputs.push_back(pointerTo(type));
  // seq.newton_rnn works in scratch memory of its compute type.
  auto newton = dyn_cast<seq::NewtonRNNOp>(op);
  if (newton)
    inputs.push_back(pointerTo(newton.getResidual().getType()));
  // Sequence lengths: Tq and Tk for attention, T for the others.
  unsigned numLengths = isa<seq::AttentionOp>(op) ? 2 : 1;
  for (unsigned i = 0; i < numLengths; ++i)
    inputs.push_back(builder.getI32Type());

  auto kernel = tile::FuncOp::create(builder, loc, function.getSymName(),
                                     builder.getFunctionType(inputs, {}));
  // Outputs and the workspace are memory of their own: the runtime
  // allocates them, and AOT callers must not pass overlapping buffers.
  for (auto [i, type] : llvm::enumerate(inputs))
    if (isa<tile::PtrType>(type))
      kernel.setArgAttr(i, tile::kNoAliasAttrName, builder.getUnitAttr());
  Block *entry = kernel.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  KernelOperands operands;
  unsigned numArgs = function.getNumArguments();
  for (unsigned i = 0; i < numArgs; ++i)
    operands.pointers[function.getArgument(i)] = entry->getArgument(i);
  for (unsigned i = 0; i < function.getNumResults(); ++i)
    operands.resultPointers.push_back(entry->getArgument(numArgs + i));
  if (newton)
    operands.workspace = entry->getArgument(entry->getNumArguments() - 2);
  for (unsigned i = 0; i < numLengths; ++i)
    operands.lengths.push_back(
        entry->getArgument(entry->getNumArguments() - numLengths + i));

  LogicalResult built =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](seq::LinearAttnOp attn) {
            return buildLinearAttn(builder, attn, operands, chunk, gpu);
          })
          .Case([&](seq::GLAOp gla) {
            return buildLinearAttn(builder, gla, operands, chunk, gpu);
          })
          .Case([&](seq::AttentionOp attention) {
            return buildAttention(builder, attention, operands, chunk);
          })
          .Case(
              [&](seq::SSDOp ssd) { return buildSSD(builder, ssd, operands); })
          .Case([&](seq::SelectiveScanOp scan) {
            return buildSelectiveScan(builder, scan, operands, chunk);
          })
          .Case([&](seq::DeltaRuleOp delta) {
            return buildDeltaRule(builder, delta, operands, chunk, gpu);
          })
          .Case([&](seq::GatedDeltaRuleOp delta) {
            return buildDeltaRule(builder, delta, operands, chunk, gpu);
          })
          .Case([&](seq::NewtonRNNOp newton) {
            return buildNewtonRNN(builder, newton, operands, chunk, gpu);
          })
          .Default([&](Operation *other) {
            return other->emitOpError("has no tile lowering yet");
          });
  if (failed(built)) {
    kernel.erase();
    return failure();
  }
  tile::ReturnOp::create(builder, loc);
  function.erase();
  return success();
}

struct ConvertSeqToTilePass
    : public recur::impl::ConvertSeqToTileBase<ConvertSeqToTilePass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunkSize <= 0 || !llvm::isPowerOf2_64(chunkSize)) {
      getOperation().emitError("chunk-size must be a power of two, got ")
          << chunkSize;
      return signalPassFailure();
    }
    for (auto function :
         llvm::make_early_inc_range(getOperation().getOps<func::FuncOp>()))
      if (failed(convertFunction(function, chunkSize, gpu)))
        return signalPassFailure();
  }
};

} // namespace
