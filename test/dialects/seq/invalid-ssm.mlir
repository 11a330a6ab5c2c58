// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @selective_scan_A(%u: tensor<2x8x100xf32>, %A: tensor<4x4xf32>,
                            %B: tensor<2x4x100xf32>) {
  // expected-error @+1 {{'A' dimension 0 (d) is 4, but 'u' dimension 1 (d) is 8}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<4x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_B_rank(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                 %B: tensor<4x100xf32>) {
  // expected-error @+1 {{'B' must be [b, n, l] or grouped [b, g, n, l]}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<4x100xf32>, tensor<4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_groups(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                 %B: tensor<2x3x4x100xf32>) {
  // expected-error @+1 {{d = 8 must be a multiple of g = 3}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x3x4x100xf32>, tensor<2x3x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_state(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                %B: tensor<2x4x100xf32>) {
  // expected-error @+1 {{'last_state' dimension 2 (n) is 8, but 'A' dimension 1 (n) is 4}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x8xf32>)
  return
}

// -----

func.func @selective_scan_D(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                            %B: tensor<2x4x100xf32>, %D: tensor<4xf32>) {
  // expected-error @+1 {{'D' dimension 0 (d) is 4, but 'u' dimension 1 (d) is 8}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B D(%D)
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>, tensor<4xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @ssd_heads_groups(%x: tensor<1x9x3x4xf32>, %dt: tensor<1x9x3xf32>,
                            %A: tensor<3xf32>, %B: tensor<1x9x2x8xf32>) {
  // expected-error @+1 {{h = 3 must be a multiple of g = 2}}
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
