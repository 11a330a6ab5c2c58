// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @broadcast
// CHECK:         broadcast %{{.*}} : tensor<1x128xf32> -> tensor<64x128xf32>
// CHECK:         broadcast %{{.*}} : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
tile.func private @broadcast(%r: tensor<1x128xf32>, %p: tensor<32x1x!tile.ptr<f32>>)
    -> (tensor<64x128xf32>, tensor<32x16x!tile.ptr<f32>>) {
  %a = tile.broadcast %r : tensor<1x128xf32> -> tensor<64x128xf32>
  %b = tile.broadcast %p : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
  tile.return %a, %b : tensor<64x128xf32>, tensor<32x16x!tile.ptr<f32>>
}
