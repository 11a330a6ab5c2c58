// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @expand_dims_1d
// CHECK:         expand_dims %{{.*}} axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
tile.func private @expand_dims_1d(%v: tensor<16xi32>) -> (tensor<1x16xi32>, tensor<16x1xi32>) {
  %a = tile.expand_dims %v axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %b = tile.expand_dims %v axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
  tile.return %a, %b : tensor<1x16xi32>, tensor<16x1xi32>
}

// -----

// Every position of a 2-D source, including the end (axis = rank).
// CHECK-LABEL: tile.func private @expand_dims_2d
// CHECK:         expand_dims %{{.*}} axis = 0 : tensor<4x8xf32> -> tensor<1x4x8xf32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
// CHECK:         expand_dims %{{.*}} axis = 2 : tensor<4x8xf32> -> tensor<4x8x1xf32>
tile.func private @expand_dims_2d(%m: tensor<4x8xf32>)
    -> (tensor<1x4x8xf32>, tensor<4x1x8xf32>, tensor<4x8x1xf32>) {
  %a = tile.expand_dims %m axis = 0 : tensor<4x8xf32> -> tensor<1x4x8xf32>
  %b = tile.expand_dims %m axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
  %c = tile.expand_dims %m axis = 2 : tensor<4x8xf32> -> tensor<4x8x1xf32>
  tile.return %a, %b, %c : tensor<1x4x8xf32>, tensor<4x1x8xf32>, tensor<4x8x1xf32>
}

// -----

// CHECK-LABEL: tile.func private @expand_dims_pointers
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<8x!tile.ptr<f16>> -> tensor<8x1x!tile.ptr<f16>>
tile.func private @expand_dims_pointers(%p: tensor<8x!tile.ptr<f16>>) -> tensor<8x1x!tile.ptr<f16>> {
  %a = tile.expand_dims %p axis = 1 : tensor<8x!tile.ptr<f16>> -> tensor<8x1x!tile.ptr<f16>>
  tile.return %a : tensor<8x1x!tile.ptr<f16>>
}
