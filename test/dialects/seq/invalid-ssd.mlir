// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @ssd_heads_groups(%x: tensor<1x9x3x4xf32>, %dt: tensor<1x9x3xf32>,
                            %A: tensor<3xf32>, %B: tensor<1x9x2x8xf32>) {
  // expected-error @+1 {{'x' dimension 2 (h) is 3, not a multiple of 'B' dimension 2 (g) = 2}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B
      : (tensor<1x9x3x4xf32>, tensor<1x9x3xf32>, tensor<3xf32>,
         tensor<1x9x2x8xf32>, tensor<1x9x2x8xf32>)
      -> (tensor<1x9x3x4xf32>, tensor<1x3x4x8xf32>)
  return
}

// -----

func.func @ssd_dt(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x8x2xf32>,
                  %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>) {
  // expected-error @+1 {{'dt' dimension 1 (l) is 8, but 'x' dimension 1 (l) is 9}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B
      : (tensor<1x9x2x4xf32>, tensor<1x8x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_state(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                     %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>,
                     %s0: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{'initial_states' dimension 2 (p) is 8, but 'x' dimension 3 (p) is 4}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B initial_states(%s0)
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<1x2x8x4xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_chunk(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                     %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>) {
  // expected-error @+1 {{attribute 'chunk_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B {chunk_size = 0 : i64}
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_D_rank(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                      %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>, %D: tensor<2x4x1xf32>) {
  // expected-error @+1 {{'D' must be [h], got rank 3}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B D(%D)
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<2x4x1xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_D_head_dim(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                          %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>, %D: tensor<2x8xf32>) {
  // expected-error @+1 {{'D' dimension 1 (p) is 8, but 'x' dimension 3 (p) is 4}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B D(%D)
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<2x8xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_C_state_dim(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                           %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>, %C: tensor<1x9x1x16xf32>) {
  // expected-error @+1 {{'C' dimension 3 (n) is 16, but 'B' dimension 3 (n) is 8}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %C
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x16xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_A(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                 %A: tensor<3xf32>, %B: tensor<1x9x1x8xf32>) {
  // expected-error @+1 {{'A' dimension 0 (h) is 3, but 'x' dimension 2 (h) is 2}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<3xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_dt_bias(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                       %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>, %bias: tensor<4xf32>) {
  // expected-error @+1 {{'dt_bias' dimension 0 (h) is 4, but 'x' dimension 2 (h) is 2}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B dt_bias(%bias) {dt_softplus}
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<4xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_z(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                 %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>, %z: tensor<1x9x2x5xf32>) {
  // expected-error @+1 {{'z' dimension 3 (p) is 5, but 'x' dimension 3 (p) is 4}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B z(%z)
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<1x9x2x5xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @ssd_states_f32(%x: tensor<1x9x2x4xf16>, %dt: tensor<1x9x2xf16>,
                          %A: tensor<2xf32>, %B: tensor<1x9x1x8xf16>, %s0: tensor<1x2x4x8xf16>) {
  // expected-error @+1 {{operand #5 must be ranked tensor of 32-bit float values}}
  %y, %s = seq.ssd %x, %dt, %A, %B, %B initial_states(%s0)
      : (tensor<1x9x2x4xf16>, tensor<1x9x2xf16>, tensor<2xf32>,
         tensor<1x9x1x8xf16>, tensor<1x9x1x8xf16>, tensor<1x2x4x8xf16>)
      -> (tensor<1x9x2x4xf16>, tensor<1x2x4x8xf32>)
  return
}
