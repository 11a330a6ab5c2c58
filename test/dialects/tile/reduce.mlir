// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// Reducing a 1-D tensor yields a scalar.
// CHECK-LABEL: tile.func private @reduce_1d
// CHECK-SAME:    (%[[X:.*]]: tensor<128xf32>)
// CHECK:         %[[R:.*]] = reduce(%[[X]]) axis = 0 : (tensor<128xf32>) -> f32 {
// CHECK-NEXT:    ^bb0(%[[L:.*]]: f32, %[[RHS:.*]]: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.maximumf %[[L]], %[[RHS]] : f32
// CHECK-NEXT:      tile.yield %[[M]] : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f32
tile.func private @reduce_1d(%x: tensor<128xf32>) -> f32 {
  %a = tile.reduce(%x) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%l: f32, %r: f32):
    %s = arith.maximumf %l, %r : f32
    tile.yield %s : f32
  }
  tile.return %a : f32
}

// -----

// A 2-D tensor reduces along either axis.
// CHECK-LABEL: tile.func private @reduce_2d
// CHECK:         reduce(%{{.*}}) axis = 0 : (tensor<4x8xf32>) -> tensor<8xf32> {
// CHECK:           arith.addf
// CHECK:         reduce(%{{.*}}) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32> {
// CHECK:           arith.addf
// CHECK:         reduce(%{{.*}}) axis = 1 : (tensor<4x8xi32>) -> tensor<4xi32> {
// CHECK:           arith.maxsi
tile.func private @reduce_2d(%m: tensor<4x8xf32>, %n: tensor<4x8xi32>)
    -> (tensor<8xf32>, tensor<4xf32>, tensor<4xi32>) {
  %a = tile.reduce(%m) axis = 0 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  %b = tile.reduce(%m) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  %c = tile.reduce(%n) axis = 1 : (tensor<4x8xi32>) -> tensor<4xi32> {
  ^bb0(%l: i32, %r: i32):
    %s = arith.maxsi %l, %r : i32
    tile.yield %s : i32
  }
  tile.return %a, %b, %c : tensor<8xf32>, tensor<4xf32>, tensor<4xi32>
}

// -----

// A 3-D tensor reduced along its middle axis.
// CHECK-LABEL: tile.func private @reduce_3d
// CHECK:         reduce(%{{.*}}) axis = 1 : (tensor<2x3x4xf16>) -> tensor<2x4xf16>
tile.func private @reduce_3d(%x: tensor<2x3x4xf16>) -> tensor<2x4xf16> {
  %a = tile.reduce(%x) axis = 1 : (tensor<2x3x4xf16>) -> tensor<2x4xf16> {
  ^bb0(%l: f16, %r: f16):
    %s = arith.addf %l, %r : f16
    tile.yield %s : f16
  }
  tile.return %a : tensor<2x4xf16>
}

// -----

// argmax: two operands reduced together along axis 0 of a 2-D tile; the
// region takes the accumulators first, then the next elements.
// CHECK-LABEL: tile.func private @argmax
// CHECK:         %[[R:.*]]:2 = reduce(%{{.*}}, %{{.*}}) axis = 0 : (tensor<8x4xf32>, tensor<8x4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
// CHECK-NEXT:    ^bb0(%{{.*}}: f32, %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: i32):
// CHECK:           tile.yield %{{.*}}, %{{.*}} : f32, i32
// CHECK:         return %[[R]]#1 : tensor<4xi32>
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

// -----

// Two 1-D operands reduce to two scalars.
// CHECK-LABEL: tile.func private @argmin_1d
// CHECK:         reduce(%{{.*}}, %{{.*}}) axis = 0 : (tensor<16xf32>, tensor<16xi32>) -> (f32, i32)
tile.func private @argmin_1d(%v: tensor<16xf32>, %i: tensor<16xi32>) -> i32 {
  %m, %a = tile.reduce(%v, %i) axis = 0 : (tensor<16xf32>, tensor<16xi32>) -> (f32, i32) {
  ^bb0(%v1: f32, %i1: i32, %v2: f32, %i2: i32):
    %lt = arith.cmpf olt, %v2, %v1 : f32
    %v3 = arith.select %lt, %v2, %v1 : f32
    %i3 = arith.select %lt, %i2, %i1 : i32
    tile.yield %v3, %i3 : f32, i32
  }
  tile.return %a : i32
}
