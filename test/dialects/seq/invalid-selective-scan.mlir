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
  // expected-error @+1 {{'u' dimension 1 (d) is 8, not a multiple of 'B' dimension 1 (g) = 3}}
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

func.func @selective_scan_C_groups(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                   %B: tensor<2x2x4x100xf32>, %C: tensor<2x4x4x100xf32>) {
  // expected-error @+1 {{'C' dimension 1 (g) is 4, but 'B' dimension 1 (g) is 2}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %C
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x2x4x100xf32>, tensor<2x4x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_B_length(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                   %B: tensor<2x4x99xf32>) {
  // expected-error @+1 {{'B' dimension 2 (l) is 99, but 'u' dimension 2 (l) is 100}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x99xf32>, tensor<2x4x99xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_delta(%u: tensor<2x8x100xf32>, %delta: tensor<2x8x50xf32>,
                                %A: tensor<8x4xf32>, %B: tensor<2x4x100xf32>) {
  // expected-error @+1 {{'delta' dimension 2 (l) is 50, but 'u' dimension 2 (l) is 100}}
  %y, %s = seq.selective_scan %u, %delta, %A, %B, %B
      : (tensor<2x8x100xf32>, tensor<2x8x50xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_z(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                            %B: tensor<2x4x100xf32>, %z: tensor<1x8x100xf32>) {
  // expected-error @+1 {{'z' dimension 0 (b) is 1, but 'u' dimension 0 (b) is 2}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B z(%z)
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>, tensor<1x8x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_delta_bias(%u: tensor<2x8x100xf32>, %A: tensor<8x4xf32>,
                                     %B: tensor<2x4x100xf32>, %bias: tensor<8x1xf32>) {
  // expected-error @+1 {{'delta_bias' must be [d], got rank 2}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B delta_bias(%bias) {delta_softplus}
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>, tensor<8x1xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @selective_scan_state_f32(%u: tensor<2x8x100xbf16>, %A: tensor<8x4xf32>,
                                    %B: tensor<2x4x100xbf16>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 32-bit float values}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B
      : (tensor<2x8x100xbf16>, tensor<2x8x100xbf16>, tensor<8x4xf32>,
         tensor<2x4x100xbf16>, tensor<2x4x100xbf16>)
      -> (tensor<2x8x100xbf16>, tensor<2x8x4xbf16>)
  return
}

// -----

func.func @initial_state_shape(%u: tensor<2x8x5xf32>, %A: tensor<8x4xf32>, %B: tensor<2x4x5xf32>,
                               %s0: tensor<2x8x3xf32>) {
  // expected-error @+1 {{'initial_state' dimension 2 (n) is 3, but 'A' dimension 1 (n) is 4}}
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B initial_state(%s0)
      : (tensor<2x8x5xf32>, tensor<2x8x5xf32>, tensor<8x4xf32>, tensor<2x4x5xf32>,
         tensor<2x4x5xf32>, tensor<2x8x3xf32>) -> (tensor<2x8x5xf32>, tensor<2x8x4xf32>)
  return
}
