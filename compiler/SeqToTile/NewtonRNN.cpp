//===- NewtonRNN.cpp - seq.newton_rnn as a Newton solve in one kernel -----===//
//
// ParaRNN's method. A diagonal cell couples a channel's state only with
// itself, so once the input projections u_g = W_g x_t are known, every
// channel of every batch row is an independent nonlinear recurrence
// s_t = f(s_{t-1}, u_t) with S states (1, or 2 for the LSTM's (c, h)). One
// program owns a block of W channels of one batch row:
//
//   1. it computes the projections of its channels for all t (a dot per
//      chunk and block of D) into the workspace, and the first iterate s = 0;
//   2. Newton: per sweep over the chunks it evaluates the cell at the
//      current iterate, the residual r_t = f(s_{t-1}) - s_t and the S x S
//      Jacobian J_t = df/ds_{t-1}, then solves δ_t = J_t δ_{t-1} + r_t with
//      a tile.scan of the affine maps (J_t, r_t) inside the chunk and the
//      carried δ across chunks, writing s + δ to the other iterate buffer;
//   3. it stops at the first iterate whose residual max |r| / (1 + |s|) is
//      at most `tol`
//      (absolute for small states, relative for large ones such as an
//      LSTM's c) or after `max_iters` steps, copies h out, and raises the
//      operator's `iterations` and `residual` results to its own by atomic
//      maxima.
//
// Channels are independent, so the per-program stopping test decides exactly
// what a global one would: the reported residual is the largest over all
// programs and `iterations` the most any program needed.
//
// Workspace (compute type), with B = num_programs(1):
//   [B, T, G, H] projections, then two [B, T, S, H] iterate buffers.
//
//===----------------------------------------------------------------------===//

#include "compiler/SeqToTile/OperatorKernels.h"
#include "compiler/SeqToTile/TileBuilder.h"
#include "dialects/tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace recur;

namespace {

/// A cell evaluated on [C, W] tiles: the next state and its Jacobian by the
/// previous state (row-major S x S), from the previous state `s`, the
/// projections `u` ([C, W]) and the per-channel vectors `p` ([W]).
struct CellEvaluation {
  SmallVector<Value> next, jacobian;
};

using CellModel = std::function<CellEvaluation(TileBuilder &, ValueRange s,
                                               ValueRange u, ValueRange p)>;

/// gru_diag, vectors (a_z, a_r, a_c, b_z, b_r, b_c):
///   z = σ(u_z + a_z h + b_z), r = σ(u_r + a_r h + b_r),
///   c = tanh(u_c + a_c (r h) + b_c), h' = (1 - z) h + z c,
///   dh'/dh = (1 - z) + z (1 - z) a_z (c - h) + z (1 - c²) a_c (r + h r (1 - r)
///   a_r).
CellEvaluation evaluateGRU(TileBuilder &tb, ValueRange s, ValueRange u,
                           ValueRange p) {
  Type type = TileBuilder::elementTypeOf(s[0]);
  Value one = tb.floatConst(1.0, type);
  Value h = s[0];
  auto gate = [&](unsigned g, Value state) {
    return tb.add(tb.add(u[g], tb.mul(p[g], state)), p[3 + g]);
  };
  Value z = tb.sigmoid(gate(0, h));
  Value r = tb.sigmoid(gate(1, h));
  Value c = tb.tanh(gate(2, tb.mul(r, h)));
  Value next = tb.add(h, tb.mul(z, tb.sub(c, h)));
  Value dz = tb.mul(tb.mul(z, tb.sub(one, z)), p[0]);
  Value dr = tb.mul(tb.mul(r, tb.sub(one, r)), p[1]);
  Value dc =
      tb.mul(tb.mul(tb.sub(one, tb.mul(c, c)), p[2]), tb.add(r, tb.mul(h, dr)));
  Value jacobian =
      tb.add(tb.add(tb.sub(one, z), tb.mul(dz, tb.sub(c, h))), tb.mul(z, dc));
  return {{next}, {jacobian}};
}

/// lstm_diag, state (c, h), vectors (a_i, a_f, a_o, a_c, b_i, b_f, b_o, b_c):
///   i, f, o = σ(u + a h + b), g = tanh(u_c + a_c h + b_c),
///   c' = f c + i g, h' = o tanh(c').
CellEvaluation evaluateLSTM(TileBuilder &tb, ValueRange s, ValueRange u,
                            ValueRange p) {
  Type type = TileBuilder::elementTypeOf(s[0]);
  Value one = tb.floatConst(1.0, type);
  Value c = s[0], h = s[1];
  auto preactivation = [&](unsigned g) {
    return tb.add(tb.add(u[g], tb.mul(p[g], h)), p[4 + g]);
  };
  Value i = tb.sigmoid(preactivation(0));
  Value f = tb.sigmoid(preactivation(1));
  Value o = tb.sigmoid(preactivation(2));
  Value g = tb.tanh(preactivation(3));
  Value cNext = tb.add(tb.mul(f, c), tb.mul(i, g));
  Value tc = tb.tanh(cNext);
  Value hNext = tb.mul(o, tc);
  auto sigmoidSlope = [&](Value sigma, Value a) {
    return tb.mul(tb.mul(sigma, tb.sub(one, sigma)), a);
  };
  Value dcdc = f;
  Value dcdh = tb.add(tb.add(tb.mul(c, sigmoidSlope(f, p[1])),
                             tb.mul(g, sigmoidSlope(i, p[0]))),
                      tb.mul(tb.mul(i, tb.sub(one, tb.mul(g, g))), p[3]));
  Value outSlope = tb.mul(o, tb.sub(one, tb.mul(tc, tc)));
  Value dhdc = tb.mul(outSlope, dcdc);
  Value dhdh =
      tb.add(tb.mul(sigmoidSlope(o, p[2]), tc), tb.mul(outSlope, dcdh));
  return {{cNext, hNext}, {dcdc, dcdh, dhdc, dhdh}};
}

/// A custom cell: calls of its `step` and `jacobian` functions on [C, W]
/// tiles (the per-channel vectors broadcast to [C, W]).
CellModel customCell(FlatSymbolRefAttr step, FlatSymbolRefAttr jacobian) {
  return [=](TileBuilder &tb, ValueRange s, ValueRange u, ValueRange p) {
    SmallVector<Value> operands{s[0]};
    llvm::append_range(operands, u);
    for (Value vector : p)
      operands.push_back(
          tb.broadcastTo(tb.expandDims(vector, 0), TileBuilder::shapeOf(s[0])));
    auto call = [&](FlatSymbolRefAttr callee) {
      return tile::CallOp::create(tb.builder(), tb.getLoc(),
                                  TypeRange{s[0].getType()}, callee, operands,
                                  /*arg_attrs=*/nullptr, /*res_attrs=*/nullptr)
          .getResult(0);
    };
    return CellEvaluation{{call(step)}, {call(jacobian)}};
  };
}

/// The S x S matrix product a b of row-major tiles.
SmallVector<Value> matmul(TileBuilder &tb, ValueRange a, ValueRange b,
                          unsigned n) {
  SmallVector<Value> product;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j) {
      Value sum = tb.mul(a[i * n], b[j]);
      for (unsigned k = 1; k < n; ++k)
        sum = tb.add(sum, tb.mul(a[i * n + k], b[k * n + j]));
      product.push_back(sum);
    }
  return product;
}

/// m v + w for a row-major S x S matrix m and S-vectors v, w.
SmallVector<Value> affine(TileBuilder &tb, ValueRange m, ValueRange v,
                          ValueRange w) {
  unsigned n = v.size();
  SmallVector<Value> result;
  for (unsigned i = 0; i < n; ++i) {
    Value sum = w[i];
    for (unsigned k = 0; k < n; ++k)
      sum = tb.add(sum, tb.mul(m[i * n + k], v[k]));
    result.push_back(sum);
  }
  return result;
}

} // namespace

LogicalResult recur::buildNewtonRNN(OpBuilder &builder, seq::NewtonRNNOp op,
                                    const KernelOperands &kernel, int64_t chunk,
                                    bool gpu) {
  Location loc = op.getLoc();
  TileBuilder tb(builder, loc);
  auto xType = op.getX().getType();
  auto hType = op.getH().getType();
  int64_t inputDim = xType.getDimSize(2), hidden = hType.getDimSize(2);
  if (ShapedType::isDynamic(inputDim) || ShapedType::isDynamic(hidden))
    return op.emitOpError("needs static D and H to be lowered to tile");
  Type compute = op.getResidual().getType().getElementType();
  StringRef cellName = op.getCell();

  CellModel cell;
  unsigned states = 1, gates;
  int64_t width = std::min<int64_t>(nextPowerOf2(hidden), 16);
  if (cellName == "gru_diag") {
    cell = evaluateGRU;
    gates = 3;
  } else if (cellName == "lstm_diag") {
    cell = evaluateLSTM;
    gates = 4;
    states = 2;
  } else {
    // The functions' tile type fixes the chunk and the channel block.
    gates = *op.getGates();
    auto step = SymbolTable::lookupNearestSymbolFrom<tile::FuncOp>(
        op, op.getStepAttr());
    auto jacobian = SymbolTable::lookupNearestSymbolFrom<tile::FuncOp>(
        op, op.getJacobianAttr());
    if (!step || !jacobian)
      return op.emitOpError("'step' and 'jacobian' must be tile.func device "
                            "functions to be lowered to tile");
    auto tileType =
        dyn_cast<RankedTensorType>(step.getFunctionType().getNumInputs()
                                       ? step.getFunctionType().getInput(0)
                                       : Type());
    for (tile::FuncOp function : {step, jacobian}) {
      FunctionType type = function.getFunctionType();
      bool uniform =
          tileType && tileType.getRank() == 2 &&
          tileType.getElementType() == compute &&
          llvm::isPowerOf2_64(tileType.getDimSize(0)) &&
          llvm::isPowerOf2_64(tileType.getDimSize(1)) &&
          type.getNumResults() == 1 && type.getResult(0) == tileType &&
          llvm::all_of(type.getInputs(), [&](Type t) { return t == tileType; });
      if (!uniform)
        return op.emitOpError("custom cell function @")
               << function.getSymName()
               << " must take and return [C, W] tiles of " << compute
               << " (C and W powers of two), got " << type;
    }
    chunk = tileType.getDimSize(0);
    width = tileType.getDimSize(1);
    cell = customCell(op.getStepAttr(), op.getJacobianAttr());
  }
  unsigned numVectors = op.getParams().size() - gates;
  // Inputs in blocks of 64, or of 16 on GPUs: there the [C, 16] blocks of x
  // are no larger than the [C, W] tiles of the sweeps, so a layout sized on
  // the largest rank-2 tile holds those without copies (blocks of 64 made
  // the LSTM's scan spill on sm_80 and sm_90).
  int64_t blockD = std::min<int64_t>(nextPowerOf2(inputDim), gpu ? 16 : 64);
  int64_t numBlocksD = (inputDim + blockD - 1) / blockD;
  int64_t maxIters =
      op.getMaxIters().value_or(seq::NewtonRNNOp::getDefaultMaxIters());
  double tol = op.getTol() ? op.getTol()->convertToDouble()
                           : seq::NewtonRNNOp::getDefaultTol(compute.isF64());

  Value channelBlock = tb.programId(0), row = tb.programId(1);
  Value rows = tile::NumProgramsOp::create(builder, loc, builder.getI32Type(),
                                           static_cast<tile::GridAxis>(1));
  Value length = kernel.lengths[0];
  Value channels = tb.add(tb.mul(channelBlock, tb.i32(width)), tb.range(width));
  Value channelMask = tb.lt(channels, tb.i32(hidden));
  Value steps = tb.range(chunk);
  Value zero = tb.floatConst(0.0, compute), one = tb.floatConst(1.0, compute);
  Value workspace = kernel.workspace;
  auto param = [&](unsigned i) {
    return kernel.pointers.lookup(op.getParams()[i]);
  };

  SmallVector<Value> vectors;
  for (unsigned j = 0; j < numVectors; ++j)
    vectors.push_back(tb.castFloat(
        tb.load(param(gates + j), channels, channelMask), compute));
  // The state before t = 0: h0 is [B, H] or, for (c, h), [B, 2, H].
  SmallVector<Value> initial;
  for (unsigned s = 0; s < states; ++s) {
    Value value = tb.zeros({width}, compute);
    if (Value h0 = op.getH0()) {
      Value offsets =
          tb.add(tb.mul(tb.add(tb.mul(row, tb.i32(states)), tb.i32(s)),
                        tb.i32(hidden)),
                 channels);
      value = tb.castFloat(
          tb.load(kernel.pointers.lookup(h0), offsets, channelMask), compute);
    }
    initial.push_back(value);
  }

  // Per-chunk addressing: token rows b T + t, and [C, W] offsets into the
  // projections and into iterate buffer `base`.
  Value projectionSize = tb.mul(tb.mul(rows, length), tb.i32(gates * hidden));
  Value iterateSize = tb.mul(tb.mul(rows, length), tb.i32(states * hidden));
  struct Chunk {
    Value time, timeMask, tokens, mask;
  };
  auto chunkAt = [&](TileBuilder &cb, Value first) {
    Chunk c;
    c.time = cb.add(first, steps);
    c.timeMask = cb.lt(c.time, length);
    c.tokens = cb.add(cb.mul(row, length), c.time);
    c.mask = cb.logicalAnd(cb.expandDims(c.timeMask, 1),
                           cb.expandDims(channelMask, 0));
    return c;
  };
  auto rowOffsets = [&](TileBuilder &cb, Value tokens, unsigned count,
                        unsigned index) {
    Value base = cb.mul(cb.add(cb.mul(tokens, cb.i32(count)), cb.i32(index)),
                        cb.i32(hidden));
    return cb.add(cb.expandDims(base, 1), cb.expandDims(channels, 0));
  };
  auto iterateOffsets = [&](TileBuilder &cb, Value base, Value tokens,
                            unsigned s) {
    return cb.add(cb.add(projectionSize, base),
                  rowOffsets(cb, tokens, states, s));
  };
  auto forChunks = [&](TileBuilder &ob, ValueRange inits,
                       function_ref<SmallVector<Value>(
                           TileBuilder &, const Chunk &, ValueRange)>
                           body) {
    return scf::ForOp::create(
        ob.builder(), ob.getLoc(), ob.i32(0), length, ob.i32(chunk), inits,
        [&](OpBuilder &b, Location l, Value first, ValueRange carried) {
          TileBuilder cb(b, l);
          SmallVector<Value> results = body(cb, chunkAt(cb, first), carried);
          scf::YieldOp::create(b, l, results);
        });
  };

  // 1. Projections u_g = W_g x_t and the first iterate s = 0.
  forChunks(tb, {}, [&](TileBuilder &cb, const Chunk &c, ValueRange) {
    SmallVector<Value> inits(gates, cb.zeros({chunk, width}, compute));
    auto blocks = scf::ForOp::create(
        cb.builder(), loc, cb.i32(0), cb.i32(numBlocksD * blockD),
        cb.i32(blockD), inits,
        [&](OpBuilder &b, Location l, Value d0, ValueRange acc) {
          TileBuilder db(b, l);
          Value ds = db.add(d0, db.range(blockD));
          Value dMask = db.lt(ds, db.i32(inputDim));
          Value xOffsets =
              db.add(db.expandDims(db.mul(c.tokens, db.i32(inputDim)), 1),
                     db.expandDims(ds, 0));
          Value xs =
              db.castFloat(db.load(kernel.pointers.lookup(op.getX()), xOffsets,
                                   db.logicalAnd(db.expandDims(c.timeMask, 1),
                                                 db.expandDims(dMask, 0))),
                           compute); // [C, BD]
          Value wOffsets =
              db.add(db.expandDims(ds, 1),
                     db.expandDims(db.mul(channels, db.i32(inputDim)), 0));
          Value wMask = db.logicalAnd(db.expandDims(dMask, 1),
                                      db.expandDims(channelMask, 0));
          SmallVector<Value> next;
          for (unsigned g = 0; g < gates; ++g)
            next.push_back(db.dot(
                xs, db.castFloat(db.load(param(g), wOffsets, wMask), compute),
                acc[g])); // [C, W]
          scf::YieldOp::create(b, l, next);
        });
    for (unsigned g = 0; g < gates; ++g)
      cb.store(workspace, rowOffsets(cb, c.tokens, gates, g),
               blocks.getResult(g), c.mask);
    for (unsigned s = 0; s < states; ++s)
      cb.store(workspace, iterateOffsets(cb, cb.i32(0), c.tokens, s),
               cb.zeros({chunk, width}, compute), c.mask);
    return SmallVector<Value>{};
  });

  // 2. Newton. One sweep reads iterate k from buffer k % 2 and writes
  // iterate k + 1 to the other; it returns iterate k's residual.
  auto bufferBase = [&](TileBuilder &cb, Value parity) {
    return cb.mul(parity, iterateSize);
  };
  auto parityOf = [&](TileBuilder &cb, Value k) {
    return arith::AndIOp::create(cb.builder(), cb.getLoc(), k, cb.i32(1))
        .getResult();
  };
  auto sweep = [&](TileBuilder &sb, Value k) -> Value {
    Value source = bufferBase(sb, parityOf(sb, k));
    Value target = bufferBase(sb, sb.sub(sb.i32(1), parityOf(sb, k)));
    SmallVector<Value> inits(states, sb.zeros({width}, compute));
    inits.push_back(zero);
    auto loop = forChunks(
        sb, inits, [&](TileBuilder &cb, const Chunk &c, ValueRange carried) {
          ValueRange carry = carried.take_front(states);
          Value residual = carried.back();
          Value hasPrevious = cb.expandDims(cb.ge(c.time, cb.i32(1)), 1);
          SmallVector<Value> current, previous, projections;
          for (unsigned s = 0; s < states; ++s) {
            current.push_back(cb.load(
                workspace, iterateOffsets(cb, source, c.tokens, s), c.mask));
            Value before = cb.load(
                workspace,
                iterateOffsets(cb, source, cb.sub(c.tokens, cb.i32(1)), s),
                cb.logicalAnd(c.mask, hasPrevious));
            previous.push_back(
                cb.select(hasPrevious, before, cb.expandDims(initial[s], 0)));
          }
          for (unsigned g = 0; g < gates; ++g)
            projections.push_back(
                cb.load(workspace, rowOffsets(cb, c.tokens, gates, g), c.mask));
          CellEvaluation f = cell(cb, previous, projections, vectors);

          // Outside the sequence and the channel block: the identity map, so
          // the last row carries the chunk's final δ and r adds nothing.
          SmallVector<Value> maps;
          for (unsigned i = 0; i < states * states; ++i)
            maps.push_back(cb.select(c.mask, f.jacobian[i],
                                     i % (states + 1) ? zero : one));
          for (unsigned s = 0; s < states; ++s) {
            Value r = cb.select(c.mask, cb.sub(f.next[s], current[s]), zero);
            Value relative = cb.div(cb.abs(r), cb.add(one, cb.abs(current[s])));
            residual = cb.maximum(residual, cb.max(cb.max(relative, 1), 0));
            maps.push_back(r);
          }
          // (M1, v1) then (M2, v2) is δ -> M2 (M1 δ + v1) + v2.
          SmallVector<Value> scanned = cb.scan(
              maps, 0,
              [&](TileBuilder &inner, ValueRange first, ValueRange then) {
                unsigned n2 = states * states;
                SmallVector<Value> result = matmul(
                    inner, then.take_front(n2), first.take_front(n2), states);
                llvm::append_range(result, affine(inner, then.take_front(n2),
                                                  first.drop_front(n2),
                                                  then.drop_front(n2)));
                return result;
              });
          SmallVector<Value> carryRows;
          for (Value value : carry)
            carryRows.push_back(cb.expandDims(value, 0));
          SmallVector<Value> delta = affine(
              cb, ArrayRef<Value>(scanned).take_front(states * states),
              carryRows, ArrayRef<Value>(scanned).drop_front(states * states));
          Value lastRow = cb.expandDims(cb.ge(steps, cb.i32(chunk - 1)), 1);
          SmallVector<Value> results;
          for (unsigned s = 0; s < states; ++s) {
            cb.store(workspace, iterateOffsets(cb, target, c.tokens, s),
                     cb.add(current[s], delta[s]), c.mask);
            results.push_back(cb.sum(cb.select(lastRow, delta[s], zero), 0));
          }
          results.push_back(residual);
          return results;
        });
    return loop.getResults().back();
  };

  Type i32 = builder.getI32Type();
  auto newton = scf::WhileOp::create(
      builder, loc, TypeRange{i32, compute}, ValueRange{tb.i32(0)},
      [&](OpBuilder &b, Location l, ValueRange args) {
        TileBuilder wb(b, l);
        Value k = args[0];
        Value residual = sweep(wb, k);
        Value more = wb.logicalAnd(
            wb.floatGtOrNaN(residual, wb.floatConst(tol, compute)),
            wb.lt(k, wb.i32(maxIters)));
        scf::ConditionOp::create(b, l, more, ValueRange{k, residual});
      },
      [&](OpBuilder &b, Location l, ValueRange args) {
        TileBuilder wb(b, l);
        scf::YieldOp::create(b, l, ValueRange{wb.add(args[0], wb.i32(1))});
      });
  Value iterations = newton.getResult(0), residual = newton.getResult(1);

  // 3. h out of the final iterate; the operator's iteration count and
  // residual are the maxima over programs (NaN counts as +inf, since an
  // atomic float max would ignore it).
  Value final = bufferBase(tb, parityOf(tb, iterations));
  Type outElement = hType.getElementType();
  forChunks(tb, {}, [&](TileBuilder &cb, const Chunk &c, ValueRange) {
    Value h = cb.load(workspace,
                      iterateOffsets(cb, final, c.tokens, states - 1), c.mask);
    cb.store(kernel.resultPointers[0], rowOffsets(cb, c.tokens, 1, 0),
             cb.castFloat(h, outElement), c.mask);
    return SmallVector<Value>{};
  });
  tb.atomicMax(kernel.resultPointers[1], iterations);
  tb.atomicMax(kernel.resultPointers[2],
               tb.select(tb.floatEq(residual, residual), residual,
                         tb.floatConst(INFINITY, compute)));
  return success();
}
