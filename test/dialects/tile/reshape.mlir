// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @reshape
// CHECK:         reshape %{{.*}} : tensor<8x16xf32> -> tensor<128xf32>
// CHECK:         reshape %{{.*}} : tensor<8x16xf32> -> tensor<2x4x16xf32>
tile.func private @reshape(%x: tensor<8x16xf32>) -> (tensor<128xf32>, tensor<2x4x16xf32>) {
  %a = tile.reshape %x : tensor<8x16xf32> -> tensor<128xf32>
  %b = tile.reshape %x : tensor<8x16xf32> -> tensor<2x4x16xf32>
  tile.return %a, %b : tensor<128xf32>, tensor<2x4x16xf32>
}
