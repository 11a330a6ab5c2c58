// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @rank3(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{'tile.dot' op operands must be 2-D, got 'tensor<2x4x8xf32>', 'tensor<8x4xf32>', 'tensor<4x4xf32>'}}
  %d = "tile.dot"(%a, %b, %c) : (tensor<2x4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @rank1(%a: tensor<8xf32>, %b: tensor<8x4xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{operands must be 2-D}}
  %d = tile.dot %a, %b, %c : tensor<8xf32> * tensor<8x4xf32> -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @contraction(%a: tensor<4x8xf32>, %b: tensor<6x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{contraction sizes differ: a is 4x8, b is 6x4}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<6x4xf32> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @accumulator_n(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{accumulator must be 4x5, got 'tensor<4x4xf32>'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<8x5xf32> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @accumulator_m(%a: tensor<3x8xf32>, %b: tensor<8x5xf32>, %c: tensor<5x5xf32>) {
  // expected-error @+1 {{accumulator must be 3x5, got 'tensor<5x5xf32>'}}
  %d = tile.dot %a, %b, %c : tensor<3x8xf32> * tensor<8x5xf32> -> tensor<5x5xf32>
  tile.return
}

// -----

tile.func private @operand_types(%a: tensor<4x8xf16>, %b: tensor<8x4xbf16>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{a and b element types differ: 'f16' vs 'bf16'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf16> * tensor<8x4xbf16> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @operand_int_widths(%a: tensor<4x8xi8>, %b: tensor<8x4xi16>, %c: tensor<4x4xi32>) {
  // expected-error @+1 {{a and b element types differ: 'i8' vs 'i16'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xi8> * tensor<8x4xi16> -> tensor<4x4xi32>
  tile.return
}

// -----

tile.func private @int_acc_float_in(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xi32>) {
  // expected-error @+1 {{cannot accumulate 'f32' products in 'i32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<8x4xf32> -> tensor<4x4xi32>
  tile.return
}

// -----

tile.func private @float_acc_int_in(%a: tensor<4x8xi8>, %b: tensor<8x4xi8>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{cannot accumulate 'i8' products in 'f32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xi8> * tensor<8x4xi8> -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @narrow_acc(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf16>) {
  // expected-error @+1 {{accumulator 'f16' is narrower than the operands 'f32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf32> * tensor<8x4xf32> -> tensor<4x4xf16>
  tile.return
}

// -----

tile.func private @narrow_int_acc(%a: tensor<4x8xi32>, %b: tensor<8x4xi32>, %c: tensor<4x4xi16>) {
  // expected-error @+1 {{accumulator 'i16' is narrower than the operands 'i32'}}
  %d = tile.dot %a, %b, %c : tensor<4x8xi32> * tensor<8x4xi32> -> tensor<4x4xi16>
  tile.return
}

// -----

tile.func private @result_type(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{failed to verify that all of {acc, result} have same type}}
  %d = "tile.dot"(%a, %b, %c) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf64>
  tile.return
}

// -----

tile.func private @pointer_operands(%a: tensor<4x4x!tile.ptr<f32>>, %c: tensor<4x4xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of floating-point or signless integer values}}
  %d = "tile.dot"(%a, %a, %c) : (tensor<4x4x!tile.ptr<f32>>, tensor<4x4x!tile.ptr<f32>>, tensor<4x4xf32>) -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @bad_precision(%a: tensor<4x4xf32>) {
  // expected-error @+2 {{expected ::recur::tile::InputPrecision to be one of: ieee, tf32, tf32x3}}
  // expected-error @+1 {{failed to parse Tile_InputPrecisionAttr parameter 'value'}}
  %d = tile.dot %a, %a, %a {inputPrecision = #tile.precision<bf16x3>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return
}
