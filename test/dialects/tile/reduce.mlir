// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @reduce
// CHECK:         reduce(%{{.*}}) axis = 0 : (tensor<128xf32>) -> f32 {
// CHECK:           arith.maximumf
// CHECK:           tile.yield %{{.*}} : f32
// CHECK:         reduce(%{{.*}}) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32>
tile.func private @reduce(%x: tensor<128xf32>, %m: tensor<4x8xf32>) -> (f32, tensor<4xf32>) {
  %a = tile.reduce(%x) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%l: f32, %r: f32):
    %s = arith.maximumf %l, %r : f32
    tile.yield %s : f32
  }
  %b = tile.reduce(%m) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  tile.return %a, %b : f32, tensor<4xf32>
}

// -----

// argmax: two operands reduced together along axis 0 of a 2-D tile.
// CHECK-LABEL: tile.func private @argmax
// CHECK:         reduce(%{{.*}}, %{{.*}}) axis = 0 : (tensor<8x4xf32>, tensor<8x4xi32>) -> (tensor<4xf32>, tensor<4xi32>)
// CHECK:           tile.yield %{{.*}}, %{{.*}} : f32, i32
tile.func private @argmax(%v: tensor<8x4xf32>, %i: tensor<8x4xi32>) -> tensor<4xi32> {
  %m, %a = tile.reduce(%v, %i) axis = 0 : (tensor<8x4xf32>, tensor<8x4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  ^bb0(%v1: f32, %i1: i32, %v2: f32, %i2: i32):
    %gt = arith.cmpf ogt, %v2, %v1 : f32
    %v3 = arith.select %gt, %v2, %v1 : f32
    %i3 = arith.select %gt, %i2, %i1 : i32
    tile.yield %v3, %i3 : f32, i32
  }
  tile.return %a : tensor<4xi32>
}
