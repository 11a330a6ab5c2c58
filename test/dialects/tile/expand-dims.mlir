// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @expand_dims
// CHECK:         expand_dims %{{.*}} axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
tile.func private @expand_dims(%v: tensor<16xi32>, %m: tensor<4x8xf32>)
    -> (tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>) {
  %a = tile.expand_dims %v axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %b = tile.expand_dims %v axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
  %c = tile.expand_dims %m axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
  tile.return %a, %b, %c : tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>
}
