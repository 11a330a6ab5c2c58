// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @rank(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{operands must be 2-D}}
  %d = "tile.dot"(%a, %b, %c) : (tensor<2x4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @contraction(%a: tensor<4x8xf32>, %b: tensor<6x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{contraction sizes differ: a is 4x8, b is 6x4}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<6x4xf32> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @accumulator(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{accumulator must be 4x5, got 'tensor<4x4xf32>'}}
  %d = "tile.dot"(%a, %b, %c) : (tensor<4x8xf32>, tensor<8x5xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @operand_types(%a: tensor<4x8xf16>, %b: tensor<8x4xbf16>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{a and b element types differ: 'f16' vs 'bf16'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf16> * tensor<8x4xbf16> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @int_acc_float_in(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xi32>) {
  // expected-error @+1 {{cannot accumulate 'f32' products in 'i32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<8x4xf32> -> tensor<4x4xi32>
  tile.return
}

// -----

tile.func private @narrow_acc(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf16>) {
  // expected-error @+1 {{accumulator 'f16' is narrower than the operands 'f32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<8x4xf32> -> tensor<4x4xf16>
  tile.return
}

// -----

tile.func private @result_type(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{failed to verify that all of {acc, result} have same type}}
  %d = "tile.dot"(%a, %b, %c) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf64>
  tile.return
}
