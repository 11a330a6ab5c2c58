// RUN: recur-opt %s -split-input-file -convert-seq-to-tile=chunk-size=32 -verify-diagnostics | FileCheck %s
// RUN: recur-opt %s -split-input-file -convert-seq-to-tile="chunk-size=32 gpu=true" -verify-diagnostics | FileCheck %s --check-prefix=GPU

// An operator function becomes a kernel over pointers (each `tile.noalias`:
// outputs never overlap inputs): the arguments, then the results, then the
// sequence length. Program (h, n) walks the chunks of
// sequence n with the state [K, V] carried by the loop.

// CHECK-LABEL: tile.func @linear_attn(
// CHECK-SAME:    %[[Q:.*]]: !tile.ptr<f32> {tile.noalias}, %[[K:.*]]: !tile.ptr<f32> {tile.noalias}, %[[V:.*]]: !tile.ptr<f32> {tile.noalias}, %[[O:.*]]: !tile.ptr<f32> {tile.noalias}, %[[S:.*]]: !tile.ptr<f32> {tile.noalias}, %[[T:.*]]: i32) {
// CHECK-DAG:     %[[HEAD:.*]] = program_id x
// CHECK-DAG:     %[[SEQ:.*]] = program_id y
// CHECK:         %[[START:.*]] = arith.muli %[[SEQ]], %[[T]] : i32
// CHECK:         %[[END:.*]] = arith.addi %[[START]], %[[T]] : i32
// CHECK:         %[[FINAL:.*]]:2 = scf.for %[[C0:.*]] = %[[START]] to %[[END]] step %{{.*}} iter_args(%[[STATE:.*]] = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<16x32xf32>, tensor<16xf32>) : i32 {
// CHECK:           tile.load %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16x!tile.ptr<f32>>
// The causal intra-chunk scores, then the inter-chunk term q S.
// CHECK:           %[[CAUSAL:.*]] = arith.cmpi sge
// CHECK:           %[[SCORES:.*]] = tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16xf32> * tensor<16x32xf32> -> tensor<32x32xf32>
// CHECK:           arith.select %[[CAUSAL]], %[[SCORES]]
// CHECK:           tile.dot %{{.*}}, %[[STATE]], %{{.*}} : tensor<32x16xf32> * tensor<16x32xf32> -> tensor<32x32xf32>
// CHECK:           tile.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x32x!tile.ptr<f32>>
// The state update kᵀ v + S.
// CHECK:           %[[NEXT:.*]] = tile.dot %{{.*}}, %{{.*}}, %[[STATE]] : tensor<16x32xf32> * tensor<32x32xf32> -> tensor<16x32xf32>
// CHECK:           scf.yield %[[NEXT]]
// CHECK:         store %{{.*}}, %[[FINAL]]#0, %{{.*}} : tensor<16x32x!tile.ptr<f32>>
// CHECK:         return
// CHECK-NOT:   func.func
func.func @linear_attn(%q: tensor<?x?x3x16xf32>, %k: tensor<?x?x3x16xf32>, %v: tensor<?x?x3x24xf32>) -> (tensor<?x?x3x24xf32>, tensor<?x3x16x24xf32>) {
  %o, %s = seq.linear_attn %q, %k, %v : (tensor<?x?x3x16xf32>, tensor<?x?x3x16xf32>, tensor<?x?x3x24xf32>) -> (tensor<?x?x3x24xf32>, tensor<?x3x16x24xf32>)
  return %o, %s : tensor<?x?x3x24xf32>, tensor<?x3x16x24xf32>
}

// -----

// Packed sequences read their bounds from cu_seqlens; bf16 inputs are
// computed in f32; normalize keeps a running key sum.

// CHECK-LABEL: tile.func @varlen(
// CHECK-SAME:    %{{.*}}: !tile.ptr<bf16> {tile.noalias}, %{{.*}}: !tile.ptr<bf16> {tile.noalias}, %{{.*}}: !tile.ptr<bf16> {tile.noalias}, %[[CU:.*]]: !tile.ptr<i32> {tile.noalias}, %{{.*}}: !tile.ptr<bf16> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: i32)
// CHECK:         %[[SEQ:.*]] = program_id y
// CHECK:         %[[FIRST:.*]] = addptr %[[CU]], %[[SEQ]] : !tile.ptr<i32>, i32
// CHECK:         load %[[FIRST]] : !tile.ptr<i32>
// CHECK:         scf.for
// CHECK:           arith.extf %{{.*}} : tensor<32x16xbf16> to tensor<32x16xf32>
// CHECK:           tile.scan(%{{.*}}) axis = 0
// CHECK:           arith.divf
// CHECK:           arith.truncf %{{.*}} : tensor<32x8xf32> to tensor<32x8xbf16>
func.func @varlen(%q: tensor<1x?x2x16xbf16>, %k: tensor<1x?x2x16xbf16>, %v: tensor<1x?x2x8xbf16>, %cu: tensor<?xi32>) -> (tensor<1x?x2x8xbf16>, tensor<?x2x16x8xf32>) {
  %o, %s = seq.linear_attn %q, %k, %v cu_seqlens(%cu) {normalize, scale = 5.000000e-01 : f64} : (tensor<1x?x2x16xbf16>, tensor<1x?x2x16xbf16>, tensor<1x?x2x8xbf16>, tensor<?xi32>) -> (tensor<1x?x2x8xbf16>, tensor<?x2x16x8xf32>)
  return %o, %s : tensor<1x?x2x8xbf16>, tensor<?x2x16x8xf32>
}

// -----

// Functions that are not operator functions are left alone.

// CHECK-LABEL: func.func @not_an_operator
func.func @not_an_operator(%x: f32) -> f32 {
  return %x : f32
}

// -----

func.func @dynamic_heads(%q: tensor<?x?x?x16xf32>, %k: tensor<?x?x?x16xf32>, %v: tensor<?x?x?x8xf32>) -> (tensor<?x?x?x8xf32>, tensor<?x?x16x8xf32>) {
  // expected-error@+1 {{needs static H, K and V to be lowered to tile}}
  %o, %s = seq.linear_attn %q, %k, %v : (tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x8xf32>) -> (tensor<?x?x?x8xf32>, tensor<?x?x16x8xf32>)
  return %o, %s : tensor<?x?x?x8xf32>, tensor<?x?x16x8xf32>
}

// -----

// GLA: chunk-local cumulative gates. A chunk whose gates allow it takes the
// factored matmul; the others build the intra-chunk weights exp(G_t - G_s)
// as a [C, C, K] tile whose masked exponents are -inf, so only non-positive
// differences are ever exponentiated. With `gpu` the exact form sums them
// key by key instead, a [C, C] term per key from the key's columns (no
// [C, C, K] tile).

// CHECK-LABEL: tile.func @gla(
// CHECK:         scf.for
// CHECK:           %[[G:.*]] = tile.scan(%{{.*}}) axis = 0
// CHECK:           scf.if
// CHECK:             tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16xf32> * tensor<16x32xf32> -> tensor<32x32xf32>
// CHECK:           } else {
// CHECK:             %[[DIFF:.*]] = arith.subf %{{.*}}, %{{.*}} : tensor<32x32x16xf32>
// CHECK:             %[[NEGINF:.*]] = tile.splat %{{.*}} : tensor<32x32x16xf32>
// CHECK:             %[[EXPONENT:.*]] = arith.select %{{.*}}, %[[DIFF]], %[[NEGINF]] : tensor<32x32x16xi1>, tensor<32x32x16xf32>
// CHECK:             math.exp %[[EXPONENT]] : tensor<32x32x16xf32>
// CHECK:             tile.reduce(%{{.*}}) axis = 2 : (tensor<32x32x16xf32>) -> tensor<32x32xf32>
// CHECK:             math.exp %[[G]] : tensor<32x16xf32>

// GPU-LABEL: tile.func @gla(
// GPU:         scf.for
// GPU:           %[[G:.*]] = tile.scan(%{{.*}}) axis = 0
// GPU:           scf.if
// GPU:           } else {
// GPU:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<32x32xf32>)
// GPU:               tile.scan(%{{.*}}) axis = 0 : (tensor<32xf32>) -> tensor<32xf32>
// GPU:               %[[DIFF:.*]] = arith.subf %{{.*}}, %{{.*}} : tensor<32x32xf32>
// GPU:               %[[NEGINF:.*]] = tile.splat %{{.*}} : tensor<32x32xf32>
// GPU:               %[[EXPONENT:.*]] = arith.select %{{.*}}, %[[DIFF]], %[[NEGINF]] : tensor<32x32xi1>, tensor<32x32xf32>
// GPU:               math.exp %[[EXPONENT]] : tensor<32x32xf32>
// GPU:             math.exp %[[G]] : tensor<32x16xf32>
// GPU-NOT:       tensor<32x32x16xf32>
func.func @gla(%q: tensor<?x?x2x16xf32>, %k: tensor<?x?x2x16xf32>, %v: tensor<?x?x2x8xf32>, %g: tensor<?x?x2x16xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>) {
  %o, %s = seq.gla %q, %k, %v, %g : (tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x16xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>)
  return %o, %s : tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>
}

// -----

// Attention: grid (query blocks, heads, sequences) and lengths Tq, Tk. A
// query block visits only the key blocks below its causal bound, with the
// online softmax carried by the loop; kv head = h / (H / Hkv).

// CHECK-LABEL: tile.func @attention(
// CHECK-SAME:    %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %[[TQ:.*]]: i32, %[[TK:.*]]: i32)
// CHECK-DAG:     %[[BLOCK:.*]] = program_id x
// CHECK-DAG:     %[[HEAD:.*]] = program_id y
// CHECK-DAG:     %[[SEQ:.*]] = program_id z
// CHECK:         arith.divsi %[[HEAD]], %{{.*}} : i32
// CHECK:         %[[HI:.*]] = arith.minsi
// CHECK:         %[[LOOP:.*]]:3 = scf.for %{{.*}} = %{{.*}} to %[[HI]] step %{{.*}} iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}}) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x16xf32>) : i32 {
// CHECK:           arith.cmpi sle
// CHECK:           tile.reduce(%{{.*}}) axis = 1
// CHECK:             arith.maximumf
// CHECK:           math.exp
// CHECK:           scf.yield
// CHECK:         arith.divf %[[LOOP]]#2
func.func @attention(%q: tensor<?x?x4x16xf32>, %k: tensor<?x?x2x16xf32>, %v: tensor<?x?x2x16xf32>) -> tensor<?x?x4x16xf32> {
  %o = seq.attention %q, %k, %v {causal} : (tensor<?x?x4x16xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>) -> tensor<?x?x4x16xf32>
  return %o : tensor<?x?x4x16xf32>
}

// -----

// The log-sum-exp result: one more pointer after the output's; m + log l
// where the row saw a key (l > 0), -inf elsewhere, stored at
// (n H + h) Tq + row under the rows' mask.

// CHECK-LABEL: tile.func @attention_lse(
// CHECK-SAME:    %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %[[LSE:.*]]: !tile.ptr<f32> {tile.noalias}, %[[TQ:.*]]: i32, %[[TK:.*]]: i32)
// CHECK:         %[[LOOP:.*]]:3 = scf.for
// CHECK:         store
// CHECK:         %[[LOG:.*]] = math.log
// CHECK:         %[[SUM:.*]] = arith.addf %[[LOOP]]#0, %[[LOG]] : tensor<32xf32>
// CHECK:         %[[SEEN:.*]] = arith.cmpf ogt, %[[LOOP]]#1
// CHECK:         %[[VALUE:.*]] = arith.select %[[SEEN]], %[[SUM]]
// CHECK:         arith.muli %{{.*}}, %[[TQ]] : i32
// CHECK:         splat %[[LSE]]
// CHECK:         store %{{.*}}, %[[VALUE]]
func.func @attention_lse(%q: tensor<?x?x4x16xf32>, %k: tensor<?x?x2x16xf32>, %v: tensor<?x?x2x16xf32>) -> (tensor<?x?x4x16xf32>, tensor<?x4x?xf32>) {
  %o, %lse = seq.attention %q, %k, %v {causal} : (tensor<?x?x4x16xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>) -> (tensor<?x?x4x16xf32>, tensor<?x4x?xf32>)
  return %o, %lse : tensor<?x?x4x16xf32>, tensor<?x4x?xf32>
}

// -----

// A given diagonal: one more pointer after k and v's, whose value replaces
// Tk - Tq as the queries' alignment in the key-range bound and the mask.

// CHECK-LABEL: tile.func @attention_diagonal(
// CHECK-SAME:    %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %[[D:.*]]: !tile.ptr<i32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: i32, %{{.*}}: i32)
// CHECK:         %[[AT:.*]] = addptr %[[D]], %{{.*}} : !tile.ptr<i32>, i32
// CHECK:         %[[SHIFT:.*]] = load %[[AT]]
// CHECK:         arith.addi %{{.*}}, %[[SHIFT]] : i32
// CHECK:         scf.for
// CHECK:           tile.splat %[[SHIFT]]
// CHECK:           arith.cmpi sle
func.func @attention_diagonal(%q: tensor<?x?x4x16xf32>, %k: tensor<?x?x2x16xf32>, %v: tensor<?x?x2x16xf32>, %d: tensor<i32>) -> tensor<?x?x4x16xf32> {
  %o = seq.attention %q, %k, %v diagonal(%d) {causal} : (tensor<?x?x4x16xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>, tensor<i32>) -> tensor<?x?x4x16xf32>
  return %o : tensor<?x?x4x16xf32>
}

// -----

// SSD: a scalar log decay dt A per step (cumulated within the chunk), B
// rows of the head's group as keys; the state is carried [N, P] and stored
// [P, N]. The op's own chunk_size (16) sets the chunk.

// CHECK-LABEL: tile.func @ssd(
// CHECK-SAME:    %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %[[A:.*]]: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: !tile.ptr<f32> {tile.noalias}, %{{.*}}: i32)
// CHECK:         %[[HEAD:.*]] = program_id x
// CHECK:         arith.divsi %[[HEAD]], %{{.*}} : i32
// CHECK:         addptr %[[A]], %[[HEAD]] : !tile.ptr<f32>, i32
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<16x8xf32>) : i32 {
// CHECK:           math.log1p
// CHECK:           tile.scan(%{{.*}}) axis = 0 : (tensor<16xf32>) -> tensor<16xf32>
// CHECK:           tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
// CHECK:           scf.yield
func.func @ssd(%x: tensor<?x?x4x8xf32>, %dt: tensor<?x?x4xf32>, %A: tensor<4xf32>, %B: tensor<?x?x2x16xf32>, %C: tensor<?x?x2x16xf32>) -> (tensor<?x?x4x8xf32>, tensor<?x4x8x16xf32>) {
  %y, %s = seq.ssd %x, %dt, %A, %B, %C {chunk_size = 16 : i64, dt_softplus} : (tensor<?x?x4x8xf32>, tensor<?x?x4xf32>, tensor<4xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>) -> (tensor<?x?x4x8xf32>, tensor<?x4x8x16xf32>)
  return %y, %s : tensor<?x?x4x8xf32>, tensor<?x4x8x16xf32>
}

// -----

// Selective scan: one program per (channel, batch row), the N states of a
// channel carried by the loop; per chunk, a scan of the steps' affine maps
// (exp(Δ A), Δ u B) gives every step's state, and C reads them out.

// CHECK-LABEL: tile.func @selective_scan(
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[X:.*]] = %{{.*}}) -> (tensor<16xf32>) : i32 {
// CHECK:           %[[DECAY:.*]] = math.exp %{{.*}} : tensor<32x16xf32>
// CHECK:           %[[MAPS:.*]]:2 = tile.scan(%[[DECAY]], %{{.*}}) axis = 0 : (tensor<32x16xf32>, tensor<32x16xf32>) -> (tensor<32x16xf32>, tensor<32x16xf32>)
// CHECK:             arith.mulf
// CHECK:             arith.mulf
// CHECK:             arith.addf
// CHECK:           tile.expand_dims %[[X]] axis = 0 : tensor<16xf32> -> tensor<1x16xf32>
// CHECK:           tile.reduce(%{{.*}}) axis = 1 : (tensor<32x16xf32>) -> tensor<32xf32>
// CHECK:           scf.yield
func.func @selective_scan(%u: tensor<?x8x?xf32>, %delta: tensor<?x8x?xf32>, %A: tensor<8x16xf32>, %B: tensor<?x2x16x?xf32>, %C: tensor<?x2x16x?xf32>) -> (tensor<?x8x?xf32>, tensor<?x8x16xf32>) {
  %y, %s = seq.selective_scan %u, %delta, %A, %B, %C : (tensor<?x8x?xf32>, tensor<?x8x?xf32>, tensor<8x16xf32>, tensor<?x2x16x?xf32>, tensor<?x2x16x?xf32>) -> (tensor<?x8x?xf32>, tensor<?x8x16xf32>)
  return %y, %s : tensor<?x8x?xf32>, tensor<?x8x16xf32>
}

// -----

// DeltaNet through the WY/UT representation: per chunk, L = tril(diag(β)
// K Kᵀ, -1) (strictly below the diagonal), the rows of T = (I + L)⁻¹ diag(β)
// by forward substitution, then W = T K, U = T V and the corrected values
// U - W S, which feed both the outputs and the state update.

// CHECK-LABEL: tile.func @delta_rule(
// CHECK:         scf.for
// CHECK:           %[[STRICT:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : tensor<32x32xi32>
// CHECK:           %[[KK:.*]] = tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16xf32> * tensor<16x32xf32> -> tensor<32x32xf32>
// CHECK:           %[[SCALED:.*]] = arith.mulf %[[KK]]
// CHECK:           arith.select %[[STRICT]], %[[SCALED]]
// CHECK-COUNT-32:  tile.reduce(%{{.*}}) axis = 0 : (tensor<32x32xf32>) -> tensor<32xf32>
// CHECK:           %[[W:.*]] = tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x32xf32> * tensor<32x16xf32> -> tensor<32x16xf32>
// CHECK:           %[[U:.*]] = tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x32xf32> * tensor<32x8xf32> -> tensor<32x8xf32>
// CHECK:           %[[WS:.*]] = tile.dot %[[W]]
// CHECK:           arith.subf %[[U]], %[[WS]]
// CHECK:           scf.yield
func.func @delta_rule(%q: tensor<?x?x2x16xf32>, %k: tensor<?x?x2x16xf32>, %v: tensor<?x?x2x8xf32>, %beta: tensor<?x?x2xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>) {
  %o, %s = seq.delta_rule %q, %k, %v, %beta : (tensor<?x?x2x16xf32>, tensor<?x?x2x16xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>)
  return %o, %s : tensor<?x?x2x8xf32>, tensor<?x2x16x8xf32>
}

// -----

// seq.newton_rnn: one program per (channel block, batch row). It projects
// its channels' inputs once (a dot per gate and block of D), then runs
// Newton in an scf.while: each sweep scans the affine maps (J_t, r_t) along
// the chunk and writes the next iterate; it stops at the residual tolerance
// (NaN counts as not converged) or max_iters. The kernel takes a workspace
// pointer before the length and reports by atomic maxima.

// CHECK-LABEL: tile.func @gru(
// CHECK-SAME:    %{{.*}}: !tile.ptr<f32> {tile.noalias}, %[[ITERS:[^:]*]]: !tile.ptr<i32> {tile.noalias}, %[[RESIDUAL:[^:]*]]: !tile.ptr<f32> {tile.noalias}, %[[WORK:[^:]*]]: !tile.ptr<f32> {tile.noalias}, %[[T:.*]]: i32) {
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[T]] step %{{.*}} : i32 {
// CHECK:           scf.for {{.*}} -> (tensor<32x8xf32>, tensor<32x8xf32>, tensor<32x8xf32>)
// CHECK-COUNT-3:     tile.dot %{{.*}} : tensor<32x4xf32> * tensor<4x8xf32> -> tensor<32x8xf32>
// CHECK:         %[[NEWTON:.*]]:2 = scf.while (%[[K:.*]] = %{{.*}}) : (i32) -> (i32, f32) {
// CHECK:           %[[SWEEP:.*]]:2 = scf.for {{.*}} iter_args({{.*}}) -> (tensor<8xf32>, f32)
// CHECK:             math.tanh
// CHECK:             tile.scan(%{{.*}}, %{{.*}}) axis = 0 : (tensor<32x8xf32>, tensor<32x8xf32>)
// CHECK-DAG:       %[[MORE:.*]] = arith.cmpf ugt, %[[SWEEP]]#1, %{{.*}} : f32
// CHECK-DAG:       %[[CAP:.*]] = arith.cmpi slt, %[[K]], %{{.*}} : i32
// CHECK:           %[[GO:.*]] = arith.andi %[[MORE]], %[[CAP]] : i1
// CHECK:           scf.condition(%[[GO]]) %[[K]], %[[SWEEP]]#1 : i32, f32
// CHECK:         atomic_rmw max, acq_rel, gpu, %[[ITERS]], %[[NEWTON]]#0 : !tile.ptr<i32>
// CHECK:         atomic_rmw fmax, acq_rel, gpu, %[[RESIDUAL]], %{{.*}} : !tile.ptr<f32>
func.func @gru(%x: tensor<?x?x3xf32>, %w: tensor<5x3xf32>, %a: tensor<5xf32>, %h0: tensor<?x5xf32>) -> (tensor<?x?x5xf32>, tensor<i32>, tensor<f32>) {
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a) h0(%h0) {max_iters = 7 : i64, tol = 1.0e-4 : f64}
      : (tensor<?x?x3xf32>, tensor<5x3xf32>, tensor<5x3xf32>, tensor<5x3xf32>,
         tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
         tensor<5xf32>, tensor<5xf32>, tensor<?x5xf32>) -> (tensor<?x?x5xf32>, tensor<i32>, tensor<f32>)
  return %h#0, %h#1, %h#2 : tensor<?x?x5xf32>, tensor<i32>, tensor<f32>
}

// -----

// The LSTM's (c, h) state has a 2x2 Jacobian per channel: the scan carries
// four matrix entries and two vector entries.

// CHECK-LABEL: tile.func @lstm(
// CHECK:         scf.while
// CHECK:           tile.scan(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) axis = 0 : (tensor<32x16xf64>, tensor<32x16xf64>, tensor<32x16xf64>, tensor<32x16xf64>, tensor<32x16xf64>, tensor<32x16xf64>)
// CHECK:         atomic_rmw fmax, acq_rel, gpu, %{{.*}}, %{{.*}} : !tile.ptr<f64>
func.func @lstm(%x: tensor<?x?x2xf64>, %w: tensor<20x2xf64>, %a: tensor<20xf64>) -> (tensor<?x?x20xf64>, tensor<i32>, tensor<f64>) {
  %h:3 = seq.newton_rnn "lstm_diag" %x params(%w, %w, %w, %w, %a, %a, %a, %a, %a, %a, %a, %a)
      : (tensor<?x?x2xf64>, tensor<20x2xf64>, tensor<20x2xf64>, tensor<20x2xf64>, tensor<20x2xf64>,
         tensor<20xf64>, tensor<20xf64>, tensor<20xf64>, tensor<20xf64>, tensor<20xf64>,
         tensor<20xf64>, tensor<20xf64>, tensor<20xf64>) -> (tensor<?x?x20xf64>, tensor<i32>, tensor<f64>)
  return %h#0, %h#1, %h#2 : tensor<?x?x20xf64>, tensor<i32>, tensor<f64>
}

// -----

// A custom cell calls its functions on [C, W] tiles; their type sets the
// chunk (16 here, not the pass option) and the channel block.

tile.func private @cell_step(%h: tensor<16x4xf32>, %u: tensor<16x4xf32>, %a: tensor<16x4xf32>) -> tensor<16x4xf32> {
  %0 = arith.mulf %a, %h : tensor<16x4xf32>
  %1 = arith.addf %u, %0 : tensor<16x4xf32>
  %2 = math.tanh %1 : tensor<16x4xf32>
  tile.return %2 : tensor<16x4xf32>
}
tile.func private @cell_jacobian(%h: tensor<16x4xf32>, %u: tensor<16x4xf32>, %a: tensor<16x4xf32>) -> tensor<16x4xf32> {
  tile.return %a : tensor<16x4xf32>
}

// CHECK-LABEL: tile.func @custom(
// CHECK:         scf.while
// CHECK:           %[[NEXT:.*]] = tile.call @cell_step(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) -> tensor<16x4xf32>
// CHECK:           %[[JAC:.*]] = tile.call @cell_jacobian(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK:           tile.scan
func.func @custom(%x: tensor<?x?x3xf32>, %w: tensor<4x3xf32>, %a: tensor<4xf32>) -> (tensor<?x?x4xf32>, tensor<i32>, tensor<f32>) {
  %h:3 = seq.newton_rnn "custom" %x params(%w, %a) {gates = 1 : i64, step = @cell_step, jacobian = @cell_jacobian}
      : (tensor<?x?x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> (tensor<?x?x4xf32>, tensor<i32>, tensor<f32>)
  return %h#0, %h#1, %h#2 : tensor<?x?x4xf32>, tensor<i32>, tensor<f32>
}

// -----

tile.func private @cell_step(%h: tensor<16x4xf64>, %u: tensor<16x4xf64>) -> tensor<16x4xf64> {
  tile.return %u : tensor<16x4xf64>
}

func.func @custom_wrong_type(%x: tensor<?x?x3xf32>, %w: tensor<4x3xf32>) -> (tensor<?x?x4xf32>, tensor<i32>, tensor<f32>) {
  // expected-error@+1 {{custom cell function @cell_step must take and return [C, W] tiles of 'f32' (C and W powers of two), got '(tensor<16x4xf64>, tensor<16x4xf64>) -> tensor<16x4xf64>'}}
  %h:3 = seq.newton_rnn "custom" %x params(%w) {gates = 1 : i64, step = @cell_step, jacobian = @cell_step}
      : (tensor<?x?x3xf32>, tensor<4x3xf32>) -> (tensor<?x?x4xf32>, tensor<i32>, tensor<f32>)
  return %h#0, %h#1, %h#2 : tensor<?x?x4xf32>, tensor<i32>, tensor<f32>
}

// -----

// On GPU targets a state of more than 8192 elements splits over V: program
// (h, n, z) holds columns [64 z, 64 z + 64) of the [128, 96] state, masked
// at V. The CPU keeps the whole [128, 128] tile in one program.

// CHECK-LABEL: tile.func @split_state(
// CHECK-NOT:     program_id z
// CHECK:         scf.for {{.*}} -> (tensor<128x128xf32>)
// GPU-LABEL:   tile.func @split_state(
// GPU:           %[[VALUES:.*]] = make_range 0, 64 : tensor<64xi32>
// GPU:           %[[BLOCK:.*]] = program_id z
// GPU:           %[[FIRST:.*]] = arith.muli %[[BLOCK]], %{{.*}} : i32
// GPU:           %[[FIRSTS:.*]] = splat %[[FIRST]] : tensor<64xi32>
// GPU:           %[[COLUMNS:.*]] = arith.addi %[[FIRSTS]], %[[VALUES]] : tensor<64xi32>
// GPU:           arith.cmpi slt, %[[COLUMNS]], %{{.*}} : tensor<64xi32>
// GPU:           scf.for {{.*}} -> (tensor<128x64xf32>)
// GPU:             tile.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x64x!tile.ptr<f32>>
func.func @split_state(%q: tensor<?x?x2x128xf32>, %k: tensor<?x?x2x128xf32>, %v: tensor<?x?x2x96xf32>, %beta: tensor<?x?x2xf32>) -> (tensor<?x?x2x96xf32>, tensor<?x2x128x96xf32>) {
  %o, %s = seq.delta_rule %q, %k, %v, %beta : (tensor<?x?x2x128xf32>, tensor<?x?x2x128xf32>, tensor<?x?x2x96xf32>, tensor<?x?x2xf32>) -> (tensor<?x?x2x96xf32>, tensor<?x2x128x96xf32>)
  return %o, %s : tensor<?x?x2x96xf32>, tensor<?x2x128x96xf32>
}
