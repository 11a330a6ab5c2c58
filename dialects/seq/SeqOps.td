//===- SeqOps.td - Seq dialect operations ------------------*- tablegen -*-===//

#ifndef RECUR_SEQ_OPS_TD
#define RECUR_SEQ_OPS_TD

include "dialects/seq/SeqDialect.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Seq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Seq_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// The chunked scan
//===----------------------------------------------------------------------===//

def Seq_ScanOp : Seq_Op<"scan", [
    AttrSizedOperandSegments, RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">
  ]> {
  let summary = "Chunked scan of a state over the sequence";
  let description = [{
    Splits the time dimension (dim 1) of every input into chunks of
    `chunk_size` steps and runs the body once per chunk, in order, carrying
    the states. Inputs are `[B, T, ...]` tensors of f16/bf16/f32/f64 that
    share `B` and `T`; states are f32 tensors of any shape.

    The body's block takes the states (the types of `init`), then one chunk
    of each input (the input type with `T` replaced by `chunk_size`). Its
    `seq.yield` returns the new states (the same types), then the chunk's
    outputs, each `[B, chunk_size, ...]`. The op returns every output at
    full length (the yielded type with `chunk_size` replaced by `T`), then
    the final states.

    The last chunk may be partial: lowerings mask the steps past `T`. With
    `offsets` (cumulative sequence lengths `[N + 1]`, i32 or i64) the batch
    is 1, sequences are packed along `T` and may end mid-chunk, and every
    state has a leading dimension of `N`: each sequence starts from its own
    row of the initial states and ends in its own row of the final states.

    ```mlir
    %o, %s = seq.scan chunk_size = 64
        ins(%k, %v : tensor<2x100x4x16xf32>, tensor<2x100x4x32xf32>)
        init(%s0 : tensor<2x4x16x32xf32>)
        -> tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32> {
    ^bb0(%state: tensor<2x4x16x32xf32>, %kc: tensor<2x64x4x16xf32>,
         %vc: tensor<2x64x4x32xf32>):
      ...
      seq.yield %next, %out : tensor<2x4x16x32xf32>, tensor<2x64x4x32xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Seq_Tensor>:$inputs,
                       Variadic<Seq_State>:$inits,
                       Optional<Seq_Offsets>:$offsets,
                       ConfinedAttr<I64Attr, [IntPositive]>:$chunk_size);
  let results = (outs Variadic<Seq_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `chunk_size` `=` $chunk_size `ins` `(` $inputs `:` type($inputs) `)`
    `init` `(` $inits `:` type($inits) `)`
    (`offsets` `(` $offsets^ `:` type($offsets) `)`)? attr-dict
    `->` type($results) $body
  }];
  let hasRegionVerifier = 1;
}

def Seq_YieldOp : Seq_Op<"yield", [
    Pure, HasParent<"ScanOp">, ReturnLike, Terminator
  ]> {
  let summary = "Yield a chunk's new states, then its outputs";
  let description = [{
    Terminates the body of `seq.scan`: first one value per carried state,
    of the state's type, then one `[B, chunk_size, ...]` output per chunk.

    ```mlir
    seq.yield %next, %out : tensor<2x4x16x32xf32>, tensor<2x64x4x32xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// Linear-attention family: state [N, H, K, V]
//===----------------------------------------------------------------------===//

class Seq_LinearOp<string mnemonic, dag gates, string gateFormat,
                   string doc> : Seq_Op<mnemonic, [
    Pure, AttrSizedOperandSegments
  ]> {
  let description = doc # [{

    `q`, `k` are `[B, T, H, K]`, `v` and the output `[B, T, H, V]`; the
    initial and final states are f32 `[N, H, K, V]` with `N = B`, or with
    `cu_seqlens` (`[N + 1]`, batch 1) one row per packed sequence. `scale`
    defaults to `K ** -0.5`.
  }];
  let arguments = !con((ins Seq_Tensor:$q, Seq_Tensor:$k, Seq_Tensor:$v),
                       gates,
                       (ins Optional<Seq_State>:$initial_state,
                            Optional<Seq_Offsets>:$cu_seqlens,
                            OptionalAttr<F64Attr>:$scale));
  let results = (outs Seq_Tensor:$o, Seq_State:$final_state);
  let assemblyFormat = "$q `,` $k `,` $v " # gateFormat # [{
    (`initial_state` `(` $initial_state^ `)`)?
    (`cu_seqlens` `(` $cu_seqlens^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_LinearAttnOp : Seq_LinearOp<"linear_attn", (ins UnitAttr:$normalize),
    "", [{
    Linear attention: `S_t = S_{t-1} + k_tᵀ v_t`, `o_t = scale · q_t S_t`.
    With `normalize`, outputs are divided by `(scale · q_t · Σ_{s≤t} k_s) +
    1e-10`, as FLA's `chunk_linear_attn` does by default.

    ```mlir
    %o, %s = seq.linear_attn %q, %k, %v {normalize}
        : (tensor<2x100x4x16xf32>, tensor<2x100x4x16xf32>,
           tensor<2x100x4x32xf32>)
        -> (tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32>)
    ```
  }]> {
  let summary = "Linear attention";
}

def Seq_GLAOp : Seq_LinearOp<"gla", (ins Seq_Tensor:$g), "`,` $g", [{
    Gated linear attention: `S_t = diag(exp g_t) S_{t-1} + k_tᵀ v_t` with a
    per-key-channel log-space gate `g` of the shape of `k`.

    ```mlir
    %o, %s = seq.gla %q, %k, %v, %g initial_state(%s0) cu_seqlens(%cu)
        : (tensor<1x300x4x16xbf16>, tensor<1x300x4x16xbf16>,
           tensor<1x300x4x32xbf16>, tensor<1x300x4x16xf32>,
           tensor<3x4x16x32xf32>, tensor<4xi32>)
        -> (tensor<1x300x4x32xbf16>, tensor<3x4x16x32xf32>)
    ```
  }]> {
  let summary = "Gated linear attention";
}

def Seq_DeltaRuleOp : Seq_LinearOp<"delta_rule", (ins Seq_Tensor:$beta),
    "`,` $beta", [{
    DeltaNet: `S_t = (I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ v_t`, with
    `beta` of shape `[B, T, H]`.

    ```mlir
    %o, %s = seq.delta_rule %q, %k, %v, %beta {scale = 2.500000e-01 : f64}
        : (tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>,
           tensor<2x64x2xf32>) -> (tensor<2x64x2x16xf32>, tensor<2x2x16x16xf32>)
    ```
  }]> {
  let summary = "Delta rule (DeltaNet)";
}

def Seq_GatedDeltaRuleOp : Seq_LinearOp<"gated_delta_rule",
    (ins Seq_Tensor:$g, Seq_Tensor:$beta), "`,` $g `,` $beta", [{
    Gated DeltaNet: `S_t = exp(g_t) (I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ
    v_t`; the state decays before the delta correction. `g` (scalar log
    decay per step) and `beta` are `[B, T, H]`.

    ```mlir
    %o, %s = seq.gated_delta_rule %q, %k, %v, %g, %beta
        : (tensor<1x50x1x8xf32>, tensor<1x50x1x8xf32>, tensor<1x50x1x8xf32>,
           tensor<1x50x1xf32>, tensor<1x50x1xf32>)
        -> (tensor<1x50x1x8xf32>, tensor<1x1x8x8xf32>)
    ```
  }]> {
  let summary = "Gated delta rule (Gated DeltaNet)";
}

//===----------------------------------------------------------------------===//
// State-space models
//===----------------------------------------------------------------------===//

def Seq_SelectiveScanOp : Seq_Op<"selective_scan", [
    Pure, AttrSizedOperandSegments
  ]> {
  let summary = "Mamba's selective scan (mamba_ssm layout)";
  let description = [{
    `S_t = exp(Δ_t A) ⊙ S_{t-1} + Δ_t B_t x_t`, `y_t = C_t S_t + D x_t`,
    optionally gated by `silu(z)`. `u`, `delta`, `z`, `y` are `[b, d, l]`;
    `A` is `[d, n]`; `B` and `C` are `[b, n, l]` or grouped `[b, g, n, l]`
    with `d % g == 0`; `D` and `delta_bias` are `[d]`; the last state is f32
    `[b, d, n]`, and so is `initial_state` (zero when absent; an extension of
    mamba_ssm's signature that sequence parallelism needs).

    ```mlir
    %y, %s = seq.selective_scan %u, %delta, %A, %B, %C D(%D) {delta_softplus}
        : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
           tensor<2x4x100xf32>, tensor<2x4x100xf32>, tensor<8xf32>)
        -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
    ```
  }];
  let arguments = (ins Seq_Tensor:$u, Seq_Tensor:$delta, Seq_Tensor:$A,
                       Seq_Tensor:$B, Seq_Tensor:$C,
                       Optional<Seq_Tensor>:$D, Optional<Seq_Tensor>:$z,
                       Optional<Seq_Tensor>:$delta_bias,
                       Optional<Seq_State>:$initial_state,
                       UnitAttr:$delta_softplus);
  let results = (outs Seq_Tensor:$y, Seq_State:$last_state);
  let assemblyFormat = [{
    $u `,` $delta `,` $A `,` $B `,` $C (`D` `(` $D^ `)`)? (`z` `(` $z^ `)`)?
    (`delta_bias` `(` $delta_bias^ `)`)?
    (`initial_state` `(` $initial_state^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_SSDOp : Seq_Op<"ssd", [Pure, AttrSizedOperandSegments]> {
  let summary = "Mamba-2 state-space duality (chunked SSD)";
  let description = [{
    Scalar-decay SSM per head: `S_t = exp(dt_t A) S_{t-1} + dt_t x_tᵀ B_t`,
    `y_t = S_t C_t + D x_t`. `x`, `z`, `y` are `[b, l, h, p]`; `dt` is
    `[b, l, h]`; `A` and `dt_bias` are `[h]`; `B`, `C` are `[b, l, g, n]`
    with `h % g == 0`; `D` is `[h]` or `[h, p]`; states are f32
    `[b, h, p, n]`.

    ```mlir
    %y, %s = seq.ssd %x, %dt, %A, %B, %C initial_states(%s0)
        {chunk_size = 32 : i64, dt_softplus}
        : (tensor<2x100x4x8xf32>, tensor<2x100x4xf32>, tensor<4xf32>,
           tensor<2x100x1x16xf32>, tensor<2x100x1x16xf32>, tensor<2x4x8x16xf32>)
        -> (tensor<2x100x4x8xf32>, tensor<2x4x8x16xf32>)
    ```
  }];
  let arguments = (ins Seq_Tensor:$x, Seq_Tensor:$dt, Seq_Tensor:$A,
                       Seq_Tensor:$B, Seq_Tensor:$C,
                       Optional<Seq_Tensor>:$D, Optional<Seq_Tensor>:$z,
                       Optional<Seq_Tensor>:$dt_bias,
                       Optional<Seq_State>:$initial_states,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "64">:$chunk_size,
                       UnitAttr:$dt_softplus);
  let results = (outs Seq_Tensor:$y, Seq_State:$final_states);
  let assemblyFormat = [{
    $x `,` $dt `,` $A `,` $B `,` $C (`D` `(` $D^ `)`)? (`z` `(` $z^ `)`)?
    (`dt_bias` `(` $dt_bias^ `)`)?
    (`initial_states` `(` $initial_states^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Softmax attention and nonlinear RNNs
//===----------------------------------------------------------------------===//

def Seq_AttentionOp : Seq_Op<"attention", [Pure, AttrSizedOperandSegments]> {
  let summary = "Softmax attention (flash-attention semantics)";
  let description = [{
    `q` is `[B, Tq, Hq, D]`, `k` `[B, Tk, Hkv, D]`, `v` `[B, Tk, Hkv, Dv]`,
    the output `[B, Tq, Hq, Dv]`; `Hq % Hkv == 0` (GQA/MQA). `causal` aligns
    the mask bottom-right when `Tq != Tk`; `window_left`/`window_right`
    bound the keys each query sees (-1: unbounded). With `cu_seqlens_q` and
    `cu_seqlens_k` (both or neither) the batch is 1 and sequences are packed.

    `diagonal` (a 0-d i32 tensor, no packed sequences) replaces the
    bottom-right alignment `Tk - Tq` by a given one: query `i` is aligned
    with key `i + diagonal`, so under `causal` it sees keys
    `j <= i + diagonal` and windows bound `j - (i + diagonal)`. Blocks of one
    sequence held in different places (ring attention) mask by it with the
    difference of their global starts.

    The optional second result `lse` is each query's softmax log-sum-exp,
    `log Σ_j exp(softmax_scale · q·k_j)` over the keys it sees, `[B, Hq, Tq]`
    in the compute type (f32, or f64 for f64 inputs): what merging partial
    outputs over disjoint key sets needs (ring attention). A query that sees
    no key has `lse = -inf` and output 0.

    ```mlir
    %o = seq.attention %q, %k, %v {causal, window_left = 128 : i64}
        : (tensor<2x77x8x64xf16>, tensor<2x77x2x64xf16>, tensor<2x77x2x64xf16>)
        -> tensor<2x77x8x64xf16>
    %o2, %lse = seq.attention %q, %k, %v {causal}
        : (tensor<2x77x8x64xf16>, tensor<2x77x2x64xf16>, tensor<2x77x2x64xf16>)
        -> (tensor<2x77x8x64xf16>, tensor<2x8x77xf32>)
    ```
  }];
  let arguments = (ins Seq_Tensor:$q, Seq_Tensor:$k, Seq_Tensor:$v,
                       Optional<Seq_Offsets>:$cu_seqlens_q,
                       Optional<Seq_Offsets>:$cu_seqlens_k,
                       Optional<0DTensorOf<[I32]>>:$diagonal,
                       UnitAttr:$causal,
                       OptionalAttr<F64Attr>:$softmax_scale,
                       DefaultValuedAttr<I64Attr, "-1">:$window_left,
                       DefaultValuedAttr<I64Attr, "-1">:$window_right);
  let results = (outs Seq_Tensor:$o, Optional<RankedTensorOf<[F32, F64]>>:$lse);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`cu_seqlens_q` `(` $cu_seqlens_q^ `)`)?
    (`cu_seqlens_k` `(` $cu_seqlens_k^ `)`)?
    (`diagonal` `(` $diagonal^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_NewtonRNNOp : Seq_Op<"newton_rnn", [
    Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Nonlinear RNN solved over the whole sequence by Newton";
  let description = [{
    Solves `h_t = f(h_{t-1}, x_t)` for all `t` at once (ParaRNN): each Newton
    iteration linearises the cell and solves the linear recurrence
    `δh_t = J_t δh_{t-1} + r_t` with the chunked scan. `x` is `[B, T, D]`,
    `h` is `[B, T, H]`. Cells and their parameters, in order:

    * `"gru_diag"`: `W_z, W_r, W_c` `[H, D]`, `a_z, a_r, a_c` `[H]`,
      `b_z, b_r, b_c` `[H]`; `h0` is `[B, H]`.
    * `"lstm_diag"`: `W_i, W_f, W_o, W_c` `[H, D]`, `a_i, a_f, a_o, a_c`
      `[H]`, `b_i, b_f, b_o, b_c` `[H]`; `h0` is `[B, 2, H]` (c, h); the
      Jacobian is a 2x2 block per channel.
    * `"custom"`: a cell given by two functions, `step` (the new state) and
      `jacobian` (its derivative by the previous state). The first `gates`
      parameters are `[H, D]` input weights `W_g`, the others `[H]`
      per-channel vectors `p_j`; both functions take `(h, u_0, ..,
      u_{gates-1}, p_0, ..)` elementwise, with `u_g = W_g x_t`, and return
      one value; `h0` is `[B, H]`.

    `h` is the Newton iterate whose residual, the largest
    `|f(s_{t-1}, x_t) - s_t| / (1 + |s_t|)` over steps, channels and state
    components, is `residual`, after `iterations` Newton steps from `s = 0`:
    the first iterate with residual at most `tol`, or the one after
    `max_iters` steps.
    Without `max_iters` (> 0) and `tol` (> 0) the operator library's defaults
    apply.

    ```mlir
    %h, %iterations, %residual = seq.newton_rnn "gru_diag" %x
        params(%wz, %wr, %wc, %az, %ar, %ac, %bz, %br, %bc) h0(%h0)
        {max_iters = 8 : i64, tol = 1.000000e-04 : f64}
        : (tensor<2x100x3xf32>, tensor<16x3xf32>, tensor<16x3xf32>,
           tensor<16x3xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<2x16xf32>)
        -> (tensor<2x100x16xf32>, tensor<i32>, tensor<f32>)
    ```
  }];
  let arguments = (ins StrAttr:$cell, Seq_Tensor:$x,
                       Variadic<Seq_Tensor>:$params, Optional<Seq_Tensor>:$h0,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>
                           :$max_iters,
                       OptionalAttr<F64Attr>:$tol,
                       OptionalAttr<FlatSymbolRefAttr>:$step,
                       OptionalAttr<FlatSymbolRefAttr>:$jacobian,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>
                           :$gates);
  let results = (outs Seq_Tensor:$h, 0DTensorOf<[I32]>:$iterations,
                      0DTensorOf<[F32, F64]>:$residual);
  let extraClassDeclaration = [{
    /// The limits without `max_iters` and `tol`. Newton converges
    /// quadratically near the solution, so a handful of steps usually
    /// suffices. The tolerance sits about ten times above the rounding
    /// floor of evaluating a cell in the compute type (cancellation in
    /// `f c + i g` leaves ~1e-6 in f32 and ~1e-15 in f64), so the solve
    /// reaches it instead of stalling, and one more step would already be at
    /// the floor.
    static int64_t getDefaultMaxIters() { return 100; }
    static double getDefaultTol(bool computeInF64) {
      return computeInF64 ? 1e-12 : 1e-5;
    }
  }];
  let assemblyFormat = [{
    $cell $x `params` `(` $params `)` (`h0` `(` $h0^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // RECUR_SEQ_OPS_TD
