// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @dot_f32
// CHECK-SAME:    (%[[A:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8x32xf32>, %[[C:.*]]: tensor<16x32xf32>)
// CHECK:         %[[D:.*]] = dot %[[A]], %[[B]], %[[C]] : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
// CHECK:         return %[[D]]
tile.func private @dot_f32(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>)
    -> tensor<16x32xf32> {
  %d = tile.dot %a, %b, %c : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
  tile.return %d : tensor<16x32xf32>
}

// -----

// Half-precision operands accumulate in f32.
// CHECK-LABEL: tile.func private @dot_f16_f32
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16xbf16> * tensor<16x16xbf16> -> tensor<16x16xf32>
tile.func private @dot_f16_f32(%a: tensor<64x32xf16>, %b: tensor<32x64xf16>, %c: tensor<64x64xf32>,
                               %x: tensor<16x16xbf16>, %y: tensor<16x16xf32>)
    -> (tensor<64x64xf32>, tensor<16x16xf32>) {
  %d = tile.dot %a, %b, %c : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
  %e = tile.dot %x, %x, %y : tensor<16x16xbf16> * tensor<16x16xbf16> -> tensor<16x16xf32>
  tile.return %d, %e : tensor<64x64xf32>, tensor<16x16xf32>
}

// -----

// CHECK-LABEL: tile.func private @dot_i8_i32
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x64xi8> * tensor<64x16xi8> -> tensor<32x16xi32>
tile.func private @dot_i8_i32(%a: tensor<32x64xi8>, %b: tensor<64x16xi8>, %c: tensor<32x16xi32>)
    -> tensor<32x16xi32> {
  %d = tile.dot %a, %b, %c : tensor<32x64xi8> * tensor<64x16xi8> -> tensor<32x16xi32>
  tile.return %d : tensor<32x16xi32>
}

// -----

// Any M, N, K >= 1: not multiples of 16, and the degenerate 1x1x1.
// CHECK-LABEL: tile.func private @dot_odd_sizes
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x5xf32> * tensor<5x7xf32> -> tensor<3x7xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
tile.func private @dot_odd_sizes(%a: tensor<3x5xf32>, %b: tensor<5x7xf32>, %c: tensor<3x7xf32>,
                                 %h: tensor<3x5xf16>, %k: tensor<5x7xf16>,
                                 %i: tensor<1x1xi8>, %j: tensor<1x1xi32>)
    -> (tensor<3x7xf32>, tensor<3x7xf32>, tensor<1x1xi32>) {
  %d = tile.dot %a, %b, %c : tensor<3x5xf32> * tensor<5x7xf32> -> tensor<3x7xf32>
  %e = tile.dot %h, %k, %c : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
  %f = tile.dot %i, %i, %j : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
  tile.return %d, %e, %f : tensor<3x7xf32>, tensor<3x7xf32>, tensor<1x1xi32>
}

// -----

// CHECK-LABEL: tile.func private @dot_input_precision
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} {inputPrecision = #tile.precision<tf32x3>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} {inputPrecision = #tile.precision<ieee>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
tile.func private @dot_input_precision(%x: tensor<4x4xf32>)
    -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %a = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  %b = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32x3>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  %c = tile.dot %x, %x, %x {inputPrecision = #tile.precision<ieee>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return %a, %b, %c : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
