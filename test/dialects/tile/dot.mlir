// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @dot_f32
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
tile.func private @dot_f32(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>)
    -> tensor<16x32xf32> {
  %d = tile.dot %a, %b, %c : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
  tile.return %d : tensor<16x32xf32>
}

// -----

// Mixed precision, sizes below 16, and the tf32 hint.
// CHECK-LABEL: tile.func private @dot_mixed
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} {inputPrecision = #tile.precision<tf32>}
tile.func private @dot_mixed(%a: tensor<3x5xf16>, %b: tensor<5x7xf16>, %c: tensor<3x7xf32>,
                             %i: tensor<1x1xi8>, %j: tensor<1x1xi32>,
                             %x: tensor<4x4xf32>) -> tensor<3x7xf32> {
  %d = tile.dot %a, %b, %c : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
  %e = tile.dot %i, %i, %j : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
  %f = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return %d : tensor<3x7xf32>
}
