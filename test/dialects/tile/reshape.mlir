// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<8x16xf32>)
// CHECK:         reshape %[[X]] : tensor<8x16xf32> -> tensor<128xf32>
// CHECK:         reshape %[[X]] : tensor<8x16xf32> -> tensor<2x4x16xf32>
// CHECK:         reshape %[[X]] : tensor<8x16xf32> -> tensor<16x8xf32>
tile.func private @reshape(%x: tensor<8x16xf32>)
    -> (tensor<128xf32>, tensor<2x4x16xf32>, tensor<16x8xf32>) {
  %a = tile.reshape %x : tensor<8x16xf32> -> tensor<128xf32>
  %b = tile.reshape %x : tensor<8x16xf32> -> tensor<2x4x16xf32>
  %c = tile.reshape %x : tensor<8x16xf32> -> tensor<16x8xf32>
  tile.return %a, %b, %c : tensor<128xf32>, tensor<2x4x16xf32>, tensor<16x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_pointers
// CHECK:         reshape %{{.*}} : tensor<4x4x!tile.ptr<i8>> -> tensor<16x!tile.ptr<i8>>
tile.func private @reshape_pointers(%p: tensor<4x4x!tile.ptr<i8>>) -> tensor<16x!tile.ptr<i8>> {
  %a = tile.reshape %p : tensor<4x4x!tile.ptr<i8>> -> tensor<16x!tile.ptr<i8>>
  tile.return %a : tensor<16x!tile.ptr<i8>>
}
