// RUN: recur-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: tile.func private @splat_constant
// CHECK:         %[[C:.*]] = arith.constant dense<2.500000e+00> : tensor<16xf32>
// CHECK-NEXT:    return %[[C]]
tile.func private @splat_constant() -> tensor<16xf32> {
  %c = arith.constant 2.5 : f32
  %s = tile.splat %c : tensor<16xf32>
  tile.return %s : tensor<16xf32>
}

// -----

// CHECK-LABEL: tile.func private @addptr_zero
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f32>, %[[T:.*]]: tensor<8x!tile.ptr<f32>>)
// CHECK-NOT:     addptr
// CHECK:         return %[[P]], %[[T]]
tile.func private @addptr_zero(%p: !tile.ptr<f32>, %t: tensor<8x!tile.ptr<f32>>)
    -> (!tile.ptr<f32>, tensor<8x!tile.ptr<f32>>) {
  %z = arith.constant 0 : i32
  %a = tile.addptr %p, %z : !tile.ptr<f32>, i32
  %zs = arith.constant dense<0> : tensor<8xi64>
  %b = tile.addptr %t, %zs : tensor<8x!tile.ptr<f32>>, tensor<8xi64>
  tile.return %a, %b : !tile.ptr<f32>, tensor<8x!tile.ptr<f32>>
}

// -----

// CHECK-LABEL: tile.func private @broadcast_same
// CHECK-NOT:     broadcast
tile.func private @broadcast_same(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = tile.broadcast %x : tensor<4x8xf32> -> tensor<4x8xf32>
  tile.return %b : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @broadcast_twice
// CHECK:         %[[B:.*]] = broadcast %{{.*}} : tensor<1x1xf32> -> tensor<4x8xf32>
// CHECK-NOT:     broadcast
// CHECK:         return %[[B]]
tile.func private @broadcast_twice(%x: tensor<1x1xf32>) -> tensor<4x8xf32> {
  %a = tile.broadcast %x : tensor<1x1xf32> -> tensor<1x8xf32>
  %b = tile.broadcast %a : tensor<1x8xf32> -> tensor<4x8xf32>
  tile.return %b : tensor<4x8xf32>
}

// -----

// Shape ops of a splat are splats of the result shape.
// CHECK-LABEL: tile.func private @shape_of_splat
// CHECK-NOT:     broadcast
// CHECK-NOT:     expand_dims
// CHECK-NOT:     reshape
// CHECK-NOT:     trans
// CHECK-DAG:     splat %{{.*}} : tensor<4x8xf32>
// CHECK-DAG:     splat %{{.*}} : tensor<8x1xf32>
// CHECK-DAG:     splat %{{.*}} : tensor<32xf32>
// CHECK-DAG:     splat %{{.*}} : tensor<8x4xf32>
tile.func private @shape_of_splat(%x: f32)
    -> (tensor<4x8xf32>, tensor<8x1xf32>, tensor<32xf32>, tensor<8x4xf32>) {
  %s = tile.splat %x : tensor<1x8xf32>
  %v = tile.splat %x : tensor<8xf32>
  %m = tile.splat %x : tensor<4x8xf32>
  %a = tile.broadcast %s : tensor<1x8xf32> -> tensor<4x8xf32>
  %b = tile.expand_dims %v axis = 1 : tensor<8xf32> -> tensor<8x1xf32>
  %c = tile.reshape %m : tensor<4x8xf32> -> tensor<32xf32>
  %d = tile.trans %m order = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  tile.return %a, %b, %c, %d : tensor<4x8xf32>, tensor<8x1xf32>, tensor<32xf32>, tensor<8x4xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_chain
// CHECK:         %[[R:.*]] = reshape %{{.*}} : tensor<4x8xf32> -> tensor<2x16xf32>
// CHECK-NEXT:    return %[[R]]
tile.func private @reshape_chain(%x: tensor<4x8xf32>) -> tensor<2x16xf32> {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
  %b = tile.reshape %a : tensor<32xf32> -> tensor<2x16xf32>
  tile.return %b : tensor<2x16xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_same
// CHECK-NOT:     reshape
tile.func private @reshape_same(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<4x8xf32>
  tile.return %a : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @trans_identity_and_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT:     trans
// CHECK:         return %[[X]], %[[X]]
tile.func private @trans_identity_and_inverse(%x: tensor<2x3x4xf32>)
    -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %a = tile.trans %x order = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %b = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %c = tile.trans %b order = [1, 2, 0] : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  tile.return %a, %c : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// A composition that is not the identity stays.
// CHECK-LABEL: tile.func private @trans_not_inverse
// CHECK-COUNT-2: trans
tile.func private @trans_not_inverse(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %b = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %c = tile.trans %b order = [2, 0, 1] : tensor<4x2x3xf32> -> tensor<3x4x2xf32>
  tile.return %c : tensor<3x4x2xf32>
}
