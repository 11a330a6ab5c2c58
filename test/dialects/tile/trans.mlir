// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @trans
// CHECK:         trans %{{.*}} order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
// CHECK:         trans %{{.*}} order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
tile.func private @trans(%x: tensor<16x32xf32>, %y: tensor<2x3x4xf16>)
    -> (tensor<32x16xf32>, tensor<4x2x3xf16>) {
  %a = tile.trans %x order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
  %b = tile.trans %y order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
  tile.return %a, %b : tensor<32x16xf32>, tensor<4x2x3xf16>
}
