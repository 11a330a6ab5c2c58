//===- OperatorFunctions.h - Operator functions of the seq ops --*- C++ -*-===//
//
// An operator function applies one seq op to its arguments and returns its
// results; convert-seq-to-tile turns it into a chunked kernel. These
// builders are the one place that knows each operator's operands, layouts
// and attributes: recur.ops (through the Python bindings), recurc and C++
// users build their operators here. Sizes that define the kernel (heads,
// head dimensions, state sizes) are static; batch, time and the number of
// packed sequences stay dynamic, so one kernel serves every batch and length.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_OPS_OPERATORFUNCTIONS_H
#define RECUR_OPS_OPERATORFUNCTIONS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace recur::ops {

/// The element types of an operator's operands: `element` unless
/// `overrides` names the operand (e.g. float32 gates beside bf16 q).
struct Elements {
  mlir::Type element;
  std::map<std::string, mlir::Type> overrides;
  mlir::Type of(const std::string &operand) const;
};

/// linear_attn, gla, delta_rule, gated_delta_rule. Operands q, k, v
/// `[B, T, H, K|V]`; gla's g `[B, T, H, K]`; the delta rules' g (gated)
/// and beta `[B, T, H]`; initial_state `[N, H, K, V]` f32; cu_seqlens `[N+1]`.
/// Results: o and the final state.
struct LinearSpec {
  std::string op; // "linear_attn", "gla", "delta_rule", "gated_delta_rule"
  int64_t heads = 0, keyDim = 0, valueDim = 0;
  Elements elements;
  bool initialState = false;
  /// The cu_seqlens element type (i32 or i64); null without packed sequences.
  mlir::Type offsets;
  std::optional<double> scale; // K ** -0.5 when unset
  bool normalize = false;      // linear_attn only
};

/// seq.attention: q `[B, Tq, H, D]`, k and v `[B, Tk, Hk, D|Dv]`.
struct AttentionSpec {
  int64_t heads = 0, kvHeads = 0, headDim = 0, valueDim = 0;
  Elements elements;
  bool causal = false;
  std::optional<double> softmaxScale; // D ** -0.5 when unset
  int64_t windowLeft = -1, windowRight = -1;
  mlir::Type offsets; // cu_seqlens_q and cu_seqlens_k element, or null
  /// Also return each query's softmax log-sum-exp, `[B, H, Tq]` in the
  /// compute type (f32, f64 for f64 inputs): ring attention merges by it.
  bool lse = false;
  /// Take the diagonal (query i aligned with key i + diagonal) as a 0-d i32
  /// operand instead of aligning bottom-right; not with offsets.
  bool diagonal = false;
};

/// seq.ssd (Mamba-2): x `[b, l, h, p]`, dt `[b, l, h]`, A `[h]`, B and C
/// `[b, l, g, n]`, D `[h]` or `[h, p]`, z like x, dt_bias `[h]`.
struct SSDSpec {
  int64_t heads = 0, headDim = 0, groups = 0, stateDim = 0, chunkSize = 64;
  Elements elements;
  /// 0: no D; 1: D per head; 2: D per head and channel.
  int dRank = 0;
  bool z = false, dtBias = false, dtSoftplus = false, initialStates = false;
};

/// seq.selective_scan (Mamba): u, delta, z `[b, d, l]`, A `[d, n]`, B and C
/// `[b, n, l]` or grouped `[b, g, n, l]`, D and delta_bias `[d]`.
struct SelectiveScanSpec {
  int64_t channels = 0, stateDim = 0;
  int64_t groups = 0; // 0: B and C ungrouped
  Elements elements;
  bool D = false, z = false, deltaBias = false, deltaSoftplus = false;
  /// An initial state `[b, d, n]` float32 (zero when false).
  bool initialState = false;
};

/// seq.newton_rnn: x `[B, T, D]`; the cell's parameters in order (`gates`
/// weights `[H, D]`, then `vectors` per-channel `[H]`); h0 `[B, H]` (LSTM
/// `[B, 2, H]`). A custom cell names its step and Jacobian functions.
struct NewtonSpec {
  std::string cell; // "gru_diag", "lstm_diag" or "custom"
  int64_t inputDim = 0, hidden = 0;
  int64_t gates = 0, vectors = 0; // custom cells only
  Elements elements;              // x, the parameters p0, p1, ..., h0
  bool h0 = false;
  std::optional<int64_t> maxIters;
  std::optional<double> tol;
  std::string step, jacobian; // custom cells only
};

/// Each builder validates its spec (a recur::Error naming the bad field) and
/// appends `func.func @<name>` to the insertion block of `builder`.
mlir::func::FuncOp buildLinearFamily(mlir::OpBuilder &builder,
                                     const LinearSpec &spec);
mlir::func::FuncOp buildAttention(mlir::OpBuilder &builder,
                                  const AttentionSpec &spec);
mlir::func::FuncOp buildSSD(mlir::OpBuilder &builder, const SSDSpec &spec);
mlir::func::FuncOp buildSelectiveScan(mlir::OpBuilder &builder,
                                      const SelectiveScanSpec &spec);
mlir::func::FuncOp buildNewtonRNN(mlir::OpBuilder &builder,
                                  const NewtonSpec &spec);

} // namespace recur::ops

#endif // RECUR_OPS_OPERATORFUNCTIONS_H
