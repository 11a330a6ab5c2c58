// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @splat
// CHECK-SAME:    (%[[X:.*]]: f16, %[[P:.*]]: !tile.ptr<f32>, %[[B:.*]]: i1, %[[I:.*]]: i64)
// CHECK:         splat %[[X]] : tensor<64x64xf16>
// CHECK:         splat %[[P]] : tensor<8x!tile.ptr<f32>>
// CHECK:         splat %[[B]] : tensor<4x4x4xi1>
// CHECK:         splat %[[I]] : tensor<1xi64>
tile.func private @splat(%x: f16, %p: !tile.ptr<f32>, %b: i1, %i: i64)
    -> (tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>, tensor<4x4x4xi1>, tensor<1xi64>) {
  %t0 = tile.splat %x : tensor<64x64xf16>
  %t1 = tile.splat %p : tensor<8x!tile.ptr<f32>>
  %t2 = tile.splat %b : tensor<4x4x4xi1>
  %t3 = tile.splat %i : tensor<1xi64>
  tile.return %t0, %t1, %t2, %t3 : tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>, tensor<4x4x4xi1>, tensor<1xi64>
}
