//===- ConvertSeqToTile.cpp - Operator functions to chunked tile kernels --===//
//
// An operator function applies one seq operator to its arguments and returns
// its results. This pass replaces it by a tile kernel over pointers (see the
// pass description in Passes.td for the calling convention), whose body is
// the operator's chunked algorithm.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
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

namespace {

/// The pointers and sizes a kernel body works with.
struct KernelOperands {
  /// Pointer of each function argument and result, by SSA value.
  DenseMap<Value, Value> pointers;
  SmallVector<Value> resultPointers;
  Value length; // T, i32
};

int64_t nextPowerOf2(int64_t n) {
  return llvm::PowerOf2Ceil(std::max<int64_t>(n, 1));
}

/// The chunked linear attention (ungated, or GLA's per-key gates) of one
/// (head, sequence) program.
///
/// GLA's decays are taken from chunk-local cumulative log gates G (G_t =
/// g_1 + ... + g_t within the chunk) and only ever exponentiated as
/// differences that are <= 0: the intra-chunk weights exp(G_t - G_s), s <= t,
/// as a [C, C, K] tile (masked exponents are -inf, so they never overflow),
/// the inter-chunk decay exp(G_t), and the state's exp(G_C - G_s). No
/// factorisation q exp(G) * k exp(-G) is formed, which is what overflows
/// for strong gates.
template <typename OpTy>
LogicalResult buildLinearAttn(OpBuilder &builder, OpTy op,
                              const KernelOperands &kernel, int64_t chunk) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  auto qType = cast<RankedTensorType>(op.getQ().getType());
  auto vType = cast<RankedTensorType>(op.getV().getType());
  int64_t heads = qType.getDimSize(2), keyDim = qType.getDimSize(3);
  int64_t valueDim = vType.getDimSize(3);
  if (ShapedType::isDynamic(heads) || ShapedType::isDynamic(keyDim) ||
      ShapedType::isDynamic(valueDim))
    return op.emitOpError("needs static H, K and V to be lowered to tile");

  Type f32 = builder.getF32Type();
  Type element = qType.getElementType();
  // f64 inputs are computed in f64; everything narrower in f32.
  Type compute = element.isF64() ? element : f32;
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(double(keyDim));
  int64_t blockK = nextPowerOf2(keyDim), blockV = nextPowerOf2(valueDim);

  Value head = tb.programId(0), sequence = tb.programId(1);
  Value start, end;
  if (Value offsets = op.getCuSeqlens()) {
    Value pointer = kernel.pointers.lookup(offsets);
    auto bound = [&](Value index) {
      Value value = tb.loadScalar(pointer, index);
      if (!value.getType().isInteger(32))
        value =
            arith::TruncIOp::create(builder, loc, builder.getI32Type(), value);
      return value;
    };
    start = bound(sequence);
    end = bound(tb.add(sequence, tb.i32(1)));
  } else {
    start = tb.mul(sequence, kernel.length);
    end = tb.add(start, kernel.length);
  }

  Value keys = tb.range(blockK), values = tb.range(blockV);
  Value steps = tb.range(chunk);
  Value keyMask = tb.lt(keys, tb.i32(keyDim));
  Value valueMask = tb.lt(values, tb.i32(valueDim));

  // The state of this (sequence, head): [K, V] at ((n H + h) K + k) V + v.
  Value stateBase = tb.mul(tb.add(tb.mul(sequence, tb.i32(heads)), head),
                           tb.i32(keyDim * valueDim));
  Value stateOffsets =
      tb.add(stateBase, tb.add(tb.mul(tb.expandDims(keys, 1), tb.i32(valueDim)),
                               tb.expandDims(values, 0)));
  Value stateMask =
      tb.logicalAnd(tb.expandDims(keyMask, 1), tb.expandDims(valueMask, 0));
  Value state = tb.zeros({blockK, blockV}, compute);
  if (Value initial = op.getInitialState())
    state = tb.castFloat(
        tb.load(kernel.pointers.lookup(initial), stateOffsets, stateMask),
        compute);
  Value keySum = tb.zeros({blockK}, compute);
  bool normalize = false;
  Value gPtr;
  if constexpr (std::is_same_v<OpTy, seq::LinearAttnOp>)
    normalize = op.getNormalize();
  else
    gPtr = kernel.pointers.lookup(op.getG());

  Value qPtr = kernel.pointers.lookup(op.getQ());
  Value kPtr = kernel.pointers.lookup(op.getK());
  Value vPtr = kernel.pointers.lookup(op.getV());
  Value oPtr = kernel.resultPointers[0];
  Type outElement =
      cast<RankedTensorType>(op.getO().getType()).getElementType();

  auto loop = scf::ForOp::create(
      builder, loc, start, end, tb.i32(chunk), ValueRange{state, keySum},
      [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
        TileBuilder cb(b, l);
        Value S = carried[0], sum = carried[1];
        Value time = cb.add(first, steps);
        Value timeMask = cb.lt(time, end);
        // Row t of head h starts at (t H + h) * dim.
        Value rows = cb.add(cb.mul(time, cb.i32(heads)), head);
        Value kOffsets = cb.add(cb.expandDims(cb.mul(rows, cb.i32(keyDim)), 1),
                                cb.expandDims(keys, 0));
        Value vOffsets =
            cb.add(cb.expandDims(cb.mul(rows, cb.i32(valueDim)), 1),
                   cb.expandDims(values, 0));
        Value kMask = cb.logicalAnd(cb.expandDims(timeMask, 1),
                                    cb.expandDims(keyMask, 0));
        Value vMask = cb.logicalAnd(cb.expandDims(timeMask, 1),
                                    cb.expandDims(valueMask, 0));
        Value q = cb.castFloat(cb.load(qPtr, kOffsets, kMask), compute);
        Value k = cb.castFloat(cb.load(kPtr, kOffsets, kMask), compute);
        Value v = cb.castFloat(cb.load(vPtr, vOffsets, vMask), compute);

        Value causal = cb.ge(cb.expandDims(steps, 1), cb.expandDims(steps, 0));
        Value scores, inter, keysIn = k, stateIn = S;
        if (gPtr) {
          // Masked rows load g = 0, so the last row of G is the chunk's total.
          Value g = cb.castFloat(cb.load(gPtr, kOffsets, kMask), compute);
          Value G = cb.cumsum(g, 0);
          Value total = cb.sum(g, 0);
          Value exponent =
              cb.sub(cb.expandDims(G, 1), cb.expandDims(G, 0)); // [C, C, K]
          exponent = cb.select(cb.expandDims(causal, 2), exponent,
                               cb.floatConst(-INFINITY, compute));
          Value pairs = cb.mul(cb.expandDims(q, 1), cb.expandDims(k, 0));
          scores = cb.sum(cb.mul(pairs, cb.exp(exponent)), 2);
          inter = cb.dot(cb.mul(q, cb.exp(G)), S,
                         cb.zeros({chunk, blockV}, compute));
          keysIn = cb.mul(k, cb.exp(cb.sub(cb.expandDims(total, 0), G)));
          stateIn = cb.mul(cb.expandDims(cb.exp(total), 1), S);
        } else {
          // Intra-chunk: causal (q kᵀ) v; inter-chunk: q S.
          scores = cb.dot(q, cb.trans(k), cb.zeros({chunk, chunk}, compute));
          scores = cb.select(causal, scores, cb.floatConst(0.0, compute));
          inter = cb.dot(q, S, cb.zeros({chunk, blockV}, compute));
        }
        Value out = cb.dot(scores, v, inter);
        out = cb.mul(out, cb.floatConst(scale, compute));
        Value nextSum = sum;
        if (normalize) {
          Value running = cb.add(cb.cumsum(k, 0), cb.expandDims(sum, 0));
          Value z = cb.add(cb.mul(cb.sum(cb.mul(q, running), 1),
                                  cb.floatConst(scale, compute)),
                           cb.floatConst(1e-10, compute));
          out = cb.div(out, cb.expandDims(z, 1));
          nextSum = cb.add(sum, cb.sum(k, 0));
        }
        cb.store(oPtr, vOffsets, cb.castFloat(out, outElement), vMask);
        Value nextState = cb.dot(cb.trans(keysIn), v, stateIn);
        scf::YieldOp::create(b, l, ValueRange{nextState, nextSum});
      });

  tb.store(kernel.resultPointers[1], stateOffsets,
           tb.castFloat(loop.getResult(0), f32), stateMask);
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

LogicalResult convertFunction(func::FuncOp function, int64_t chunk) {
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
  inputs.push_back(builder.getI32Type());

  auto kernel = tile::FuncOp::create(builder, loc, function.getSymName(),
                                     builder.getFunctionType(inputs, {}));
  Block *entry = kernel.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  KernelOperands operands;
  unsigned numArgs = function.getNumArguments();
  for (unsigned i = 0; i < numArgs; ++i)
    operands.pointers[function.getArgument(i)] = entry->getArgument(i);
  for (unsigned i = 0; i < function.getNumResults(); ++i)
    operands.resultPointers.push_back(entry->getArgument(numArgs + i));
  operands.length = entry->getArguments().back();

  LogicalResult built =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](seq::LinearAttnOp attn) {
            return buildLinearAttn(builder, attn, operands, chunk);
          })
          .Case([&](seq::GLAOp gla) {
            return buildLinearAttn(builder, gla, operands, chunk);
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
      if (failed(convertFunction(function, chunkSize)))
        return signalPassFailure();
  }
};

} // namespace
