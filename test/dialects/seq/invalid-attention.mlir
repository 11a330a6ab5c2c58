// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @gqa_ratio(%q: tensor<1x5x6x32xf16>, %k: tensor<1x5x4x32xf16>) {
  // expected-error @+1 {{'q' dimension 2 (Hq) is 6, not a multiple of 'k' dimension 2 (Hkv) = 4 for GQA/MQA}}
  %o = seq.attention %q, %k, %k
      : (tensor<1x5x6x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>) -> tensor<1x5x6x32xf16>
  return
}

// -----

func.func @head_dim(%q: tensor<1x5x4x32xf16>, %k: tensor<1x5x4x64xf16>) {
  // expected-error @+1 {{'k' dimension 3 (D) is 64, but 'q' dimension 3 (D) is 32}}
  %o = seq.attention %q, %k, %k
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x64xf16>, tensor<1x5x4x64xf16>) -> tensor<1x5x4x64xf16>
  return
}

// -----

func.func @kv_length(%q: tensor<1x5x4x32xf16>, %k: tensor<1x7x4x32xf16>, %v: tensor<1x8x4x32xf16>) {
  // expected-error @+1 {{'v' dimension 1 (Tk) is 8, but 'k' dimension 1 (Tk) is 7}}
  %o = seq.attention %q, %k, %v
      : (tensor<1x5x4x32xf16>, tensor<1x7x4x32xf16>, tensor<1x8x4x32xf16>) -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @one_offsets(%q: tensor<1x5x4x32xf16>, %cu: tensor<3xi32>) {
  // expected-error @+1 {{needs both cu_seqlens_q and cu_seqlens_k, or neither}}
  %o = seq.attention %q, %q, %q cu_seqlens_q(%cu)
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<3xi32>)
      -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @offsets_count(%q: tensor<1x5x4x32xf16>, %cq: tensor<3xi32>, %ck: tensor<4xi32>) {
  // expected-error @+1 {{'cu_seqlens_k' length - 1 (N) is 3, but 'cu_seqlens_q' length - 1 (N) is 2}}
  %o = seq.attention %q, %q, %q cu_seqlens_q(%cq) cu_seqlens_k(%ck)
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<3xi32>, tensor<4xi32>)
      -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @window(%q: tensor<1x5x4x32xf16>) {
  // expected-error @+1 {{window sizes must be >= -1 (-1: unbounded), got (-2, -1)}}
  %o = seq.attention %q, %q, %q {window_left = -2 : i64}
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>) -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @integer_inputs(%q: tensor<1x5x4x32xi8>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %o = seq.attention %q, %q, %q
      : (tensor<1x5x4x32xi8>, tensor<1x5x4x32xi8>, tensor<1x5x4x32xi8>) -> tensor<1x5x4x32xi8>
  return
}

// -----

func.func @value_heads(%q: tensor<1x5x4x32xf16>, %k: tensor<1x5x2x32xf16>, %v: tensor<1x5x1x32xf16>) {
  // expected-error @+1 {{'v' dimension 2 (Hkv) is 1, but 'k' dimension 2 (Hkv) is 2}}
  %o = seq.attention %q, %k, %v
      : (tensor<1x5x4x32xf16>, tensor<1x5x2x32xf16>, tensor<1x5x1x32xf16>) -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @output_value_dim(%q: tensor<1x5x4x32xf16>, %k: tensor<1x5x4x32xf16>, %v: tensor<1x5x4x16xf16>) {
  // expected-error @+1 {{'o' dimension 3 (Dv) is 32, but 'v' dimension 3 (Dv) is 16}}
  %o = seq.attention %q, %k, %v
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x16xf16>) -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @output_query_length(%q: tensor<1x5x4x32xf16>, %k: tensor<1x9x4x32xf16>) {
  // expected-error @+1 {{'o' dimension 1 (Tq) is 9, but 'q' dimension 1 (Tq) is 5}}
  %o = seq.attention %q, %k, %k
      : (tensor<1x5x4x32xf16>, tensor<1x9x4x32xf16>, tensor<1x9x4x32xf16>) -> tensor<1x9x4x32xf16>
  return
}

// -----

func.func @varlen_batch(%q: tensor<2x5x4x32xf16>, %cq: tensor<3xi32>, %ck: tensor<3xi32>) {
  // expected-error @+1 {{'q' dimension 0 (B) is 2, but the batch with 'cu_seqlens_q' must be 1}}
  %o = seq.attention %q, %q, %q cu_seqlens_q(%cq) cu_seqlens_k(%ck)
      : (tensor<2x5x4x32xf16>, tensor<2x5x4x32xf16>, tensor<2x5x4x32xf16>, tensor<3xi32>, tensor<3xi32>)
      -> tensor<2x5x4x32xf16>
  return
}

// -----

func.func @window_right(%q: tensor<1x5x4x32xf16>) {
  // expected-error @+1 {{window sizes must be >= -1 (-1: unbounded), got (16, -3)}}
  %o = seq.attention %q, %q, %q {window_left = 16 : i64, window_right = -3 : i64}
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>) -> tensor<1x5x4x32xf16>
  return
}

// -----

func.func @lse_heads(%q: tensor<1x5x4x32xf32>) {
  // expected-error @+1 {{'lse' dimension 1 (Hq) is 2, but 'q' dimension 2 (Hq) is 4}}
  %o, %lse = seq.attention %q, %q, %q
      : (tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>)
      -> (tensor<1x5x4x32xf32>, tensor<1x2x5xf32>)
  return
}

// -----

func.func @lse_length(%q: tensor<1x5x4x32xf32>, %k: tensor<1x9x4x32xf32>) {
  // expected-error @+1 {{'lse' dimension 2 (Tq) is 9, but 'q' dimension 1 (Tq) is 5}}
  %o, %lse = seq.attention %q, %k, %k
      : (tensor<1x5x4x32xf32>, tensor<1x9x4x32xf32>, tensor<1x9x4x32xf32>)
      -> (tensor<1x5x4x32xf32>, tensor<1x4x9xf32>)
  return
}

// -----

func.func @lse_element(%q: tensor<1x5x4x32xf16>) {
  // expected-error @+1 {{lse must be 'f32' (the compute type of q), got 'f64'}}
  %o, %lse = seq.attention %q, %q, %q
      : (tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>, tensor<1x5x4x32xf16>)
      -> (tensor<1x5x4x32xf16>, tensor<1x4x5xf64>)
  return
}

// -----

func.func @diagonal_varlen(%q: tensor<1x5x4x32xf32>, %cu: tensor<3xi32>, %d: tensor<i32>) {
  // expected-error @+1 {{takes 'diagonal' only without packed sequences}}
  %o = seq.attention %q, %q, %q cu_seqlens_q(%cu) cu_seqlens_k(%cu) diagonal(%d)
      : (tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>, tensor<3xi32>,
         tensor<3xi32>, tensor<i32>) -> tensor<1x5x4x32xf32>
  return
}

// -----

func.func @diagonal_type(%q: tensor<1x5x4x32xf32>, %d: tensor<i64>) {
  // expected-error @+1 {{operand #3 must be 0D tensor of 32-bit signless integer values}}
  %o = seq.attention %q, %q, %q diagonal(%d)
      : (tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>, tensor<1x5x4x32xf32>, tensor<i64>)
      -> tensor<1x5x4x32xf32>
  return
}
