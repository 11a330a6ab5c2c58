// RUN: recur-opt %s -split-input-file -verify-diagnostics

// Operands extend to the accumulator: f16 and bf16 do not convert into each
// other.

tile.func private @f16_into_bf16(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>, %c: tensor<4x4xbf16>) {
  // expected-error @+1 {{cannot extend 'f16' operands to a 'bf16' accumulator}}
  %d = tile.dot %a, %b, %c : tensor<4x8xf16> * tensor<8x4xf16> -> tensor<4x4xbf16>
  tile.return
}

// -----

tile.func private @bf16_into_f16(%a: tensor<4x8xbf16>, %b: tensor<8x4xbf16>, %c: tensor<4x4xf16>) {
  // expected-error @+1 {{cannot extend 'bf16' operands to a 'f16' accumulator}}
  %d = tile.dot %a, %b, %c : tensor<4x8xbf16> * tensor<8x4xbf16> -> tensor<4x4xf16>
  tile.return
}
