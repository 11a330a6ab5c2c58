// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @broadcast
// CHECK-SAME:    (%[[R:.*]]: tensor<1x128xf32>, %[[C:.*]]: tensor<64x1xf32>)
// CHECK:         broadcast %[[R]] : tensor<1x128xf32> -> tensor<64x128xf32>
// CHECK:         broadcast %[[C]] : tensor<64x1xf32> -> tensor<64x128xf32>
tile.func private @broadcast(%r: tensor<1x128xf32>, %c: tensor<64x1xf32>)
    -> (tensor<64x128xf32>, tensor<64x128xf32>) {
  %a = tile.broadcast %r : tensor<1x128xf32> -> tensor<64x128xf32>
  %b = tile.broadcast %c : tensor<64x1xf32> -> tensor<64x128xf32>
  tile.return %a, %b : tensor<64x128xf32>, tensor<64x128xf32>
}

// -----

// Several unit dimensions at once, and tensors of pointers.
// CHECK-LABEL: tile.func private @broadcast_multi
// CHECK:         broadcast %{{.*}} : tensor<1x1x4xi8> -> tensor<2x3x4xi8>
// CHECK:         broadcast %{{.*}} : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
tile.func private @broadcast_multi(%x: tensor<1x1x4xi8>, %p: tensor<32x1x!tile.ptr<f32>>)
    -> (tensor<2x3x4xi8>, tensor<32x16x!tile.ptr<f32>>) {
  %a = tile.broadcast %x : tensor<1x1x4xi8> -> tensor<2x3x4xi8>
  %b = tile.broadcast %p : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
  tile.return %a, %b : tensor<2x3x4xi8>, tensor<32x16x!tile.ptr<f32>>
}
