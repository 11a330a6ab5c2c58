// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @gqa_ratio(%q: tensor<1x5x6x32xf16>, %k: tensor<1x5x4x32xf16>) {
  // expected-error @+1 {{query heads (6) must be a multiple of key/value heads (4) for GQA/MQA}}
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
