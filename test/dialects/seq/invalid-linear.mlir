// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @key_dim_mismatch(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x8xf32>,
                            %v: tensor<2x10x4x32xf32>) {
  // expected-error @+1 {{'k' dimension 3 (K) is 8, but 'q' dimension 3 (K) is 16}}
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x8xf32>, tensor<2x10x4x32xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @time_mismatch(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                         %v: tensor<2x11x4x32xf32>) {
  // expected-error @+1 {{'v' dimension 1 (T) is 11, but 'q' dimension 1 (T) is 10}}
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x11x4x32xf32>)
      -> (tensor<2x11x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @wrong_rank(%q: tensor<10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                      %v: tensor<2x10x4x32xf32>) {
  // expected-error @+1 {{'q' must be [B, T, H, K], got rank 3}}
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @state_shape(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                       %v: tensor<2x10x4x32xf32>, %s0: tensor<2x4x32x16xf32>) {
  // expected-error @+1 {{'initial_state' dimension 2 (K) is 32, but 'q' dimension 3 (K) is 16}}
  %o, %s = seq.linear_attn %q, %k, %v initial_state(%s0)
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<2x4x32x16xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @state_not_f32(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                         %v: tensor<2x10x4x32xf32>, %s0: tensor<2x4x16x32xf16>) {
  // expected-error @+1 {{operand #3 must be ranked tensor of 32-bit float values}}
  %o, %s = seq.linear_attn %q, %k, %v initial_state(%s0)
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<2x4x16x32xf16>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @output_shape(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                        %v: tensor<2x10x4x32xf32>) {
  // expected-error @+1 {{'o' dimension 3 (V) is 16, but 'v' dimension 3 (V) is 32}}
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>)
      -> (tensor<2x10x4x16xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @varlen_batch(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                        %v: tensor<2x10x4x32xf32>, %cu: tensor<3xi32>) {
  // expected-error @+1 {{'q' dimension 0 (B) is 2, but the batch with 'cu_seqlens' must be 1}}
  %o, %s = seq.linear_attn %q, %k, %v cu_seqlens(%cu)
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<3xi32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @varlen_state_rows(%q: tensor<1x10x4x16xf32>, %k: tensor<1x10x4x16xf32>,
                             %v: tensor<1x10x4x32xf32>, %cu: tensor<4xi32>) {
  // expected-error @+1 {{'final_state' dimension 0 (N) is 2, but 'cu_seqlens' length - 1 (N) is 3}}
  %o, %s = seq.linear_attn %q, %k, %v cu_seqlens(%cu)
      : (tensor<1x10x4x16xf32>, tensor<1x10x4x16xf32>, tensor<1x10x4x32xf32>, tensor<4xi32>)
      -> (tensor<1x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @varlen_empty_offsets(%q: tensor<1x10x4x16xf32>, %k: tensor<1x10x4x16xf32>,
                                %v: tensor<1x10x4x32xf32>, %cu: tensor<1xi32>) {
  // expected-error @+1 {{'cu_seqlens' needs at least 2 entries (one sequence), got 1}}
  %o, %s = seq.linear_attn %q, %k, %v cu_seqlens(%cu)
      : (tensor<1x10x4x16xf32>, tensor<1x10x4x16xf32>, tensor<1x10x4x32xf32>, tensor<1xi32>)
      -> (tensor<1x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @gla_gate_shape(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                          %v: tensor<2x10x4x32xf32>, %g: tensor<2x10x4xf32>) {
  // expected-error @+1 {{'g' must be [B, T, H, K], got rank 3}}
  %o, %s = seq.gla %q, %k, %v, %g
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<2x10x4xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @beta_heads(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                      %v: tensor<2x10x4x32xf32>, %beta: tensor<2x10x2xf32>) {
  // expected-error @+1 {{'beta' dimension 2 (H) is 2, but 'q' dimension 2 (H) is 4}}
  %o, %s = seq.delta_rule %q, %k, %v, %beta
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<2x10x2xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @gated_delta_gate_rank(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                                 %v: tensor<2x10x4x32xf32>, %g: tensor<2x10x4x16xf32>,
                                 %beta: tensor<2x10x4xf32>) {
  // expected-error @+1 {{'g' must be [B, T, H], got rank 4}}
  %o, %s = seq.gated_delta_rule %q, %k, %v, %g, %beta
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>,
         tensor<2x10x4x16xf32>, tensor<2x10x4xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @gated_delta_beta_time(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                                 %v: tensor<2x10x4x32xf32>, %g: tensor<2x10x4xf32>,
                                 %beta: tensor<2x12x4xf32>) {
  // expected-error @+1 {{'beta' dimension 1 (T) is 12, but 'q' dimension 1 (T) is 10}}
  %o, %s = seq.gated_delta_rule %q, %k, %v, %g, %beta
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>,
         tensor<2x10x4xf32>, tensor<2x12x4xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @state_batch(%q: tensor<2x10x4x16xf32>, %k: tensor<2x10x4x16xf32>,
                       %v: tensor<2x10x4x32xf32>, %s0: tensor<3x4x16x32xf32>) {
  // expected-error @+1 {{'initial_state' dimension 0 (B) is 3, but 'q' dimension 0 (B) is 2}}
  %o, %s = seq.linear_attn %q, %k, %v initial_state(%s0)
      : (tensor<2x10x4x16xf32>, tensor<2x10x4x16xf32>, tensor<2x10x4x32xf32>, tensor<3x4x16x32xf32>)
      -> (tensor<2x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}

// -----

func.func @final_state_not_f32(%q: tensor<2x10x4x16xbf16>, %k: tensor<2x10x4x16xbf16>,
                               %v: tensor<2x10x4x32xbf16>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 32-bit float values}}
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<2x10x4x16xbf16>, tensor<2x10x4x16xbf16>, tensor<2x10x4x32xbf16>)
      -> (tensor<2x10x4x32xbf16>, tensor<2x4x16x32xbf16>)
  return
}

// -----

func.func @float_offsets(%q: tensor<1x10x4x16xf32>, %k: tensor<1x10x4x16xf32>,
                         %v: tensor<1x10x4x32xf32>, %cu: tensor<3xf32>) {
  // expected-error @+1 {{operand #3 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values}}
  %o, %s = seq.linear_attn %q, %k, %v cu_seqlens(%cu)
      : (tensor<1x10x4x16xf32>, tensor<1x10x4x16xf32>, tensor<1x10x4x32xf32>, tensor<3xf32>)
      -> (tensor<1x10x4x32xf32>, tensor<2x4x16x32xf32>)
  return
}
