// RUN: recur-opt %s -split-input-file -canonicalize | FileCheck %s

// A splat of a constant folds to a dense constant.
// CHECK-LABEL: tile.func private @splat_constant
// CHECK-DAG:     %[[F:.*]] = arith.constant dense<2.500000e+00> : tensor<16xf32>
// CHECK-DAG:     %[[I:.*]] = arith.constant dense<7> : tensor<4x4xi32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<true> : tensor<8xi1>
// CHECK-NOT:     splat
// CHECK:         return %[[F]], %[[I]], %[[B]]
tile.func private @splat_constant() -> (tensor<16xf32>, tensor<4x4xi32>, tensor<8xi1>) {
  %c = arith.constant 2.5 : f32
  %s = tile.splat %c : tensor<16xf32>
  %i = arith.constant 7 : i32
  %t = tile.splat %i : tensor<4x4xi32>
  %true = arith.constant true
  %u = tile.splat %true : tensor<8xi1>
  tile.return %s, %t, %u : tensor<16xf32>, tensor<4x4xi32>, tensor<8xi1>
}

// -----

// A splat of a non-constant stays.
// CHECK-LABEL: tile.func private @splat_argument
// CHECK-SAME:    (%[[X:.*]]: f32)
// CHECK:         %[[S:.*]] = splat %[[X]] : tensor<16xf32>
// CHECK:         return %[[S]]
tile.func private @splat_argument(%x: f32) -> tensor<16xf32> {
  %s = tile.splat %x : tensor<16xf32>
  tile.return %s : tensor<16xf32>
}

// -----

// Adding zero to a pointer, scalar or tensor, is the pointer.
// CHECK-LABEL: tile.func private @addptr_zero
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f32>, %[[T:.*]]: tensor<8x!tile.ptr<f32>>)
// CHECK-NOT:     addptr
// CHECK:         return %[[P]], %[[T]], %[[T]] : !tile.ptr<f32>, tensor<8x!tile.ptr<f32>>, tensor<8x!tile.ptr<f32>>
tile.func private @addptr_zero(%p: !tile.ptr<f32>, %t: tensor<8x!tile.ptr<f32>>)
    -> (!tile.ptr<f32>, tensor<8x!tile.ptr<f32>>, tensor<8x!tile.ptr<f32>>) {
  %z = arith.constant 0 : i32
  %a = tile.addptr %p, %z : !tile.ptr<f32>, i32
  %zs = arith.constant dense<0> : tensor<8xi64>
  %b = tile.addptr %t, %zs : tensor<8x!tile.ptr<f32>>, tensor<8xi64>
  %zt = tile.splat %z : tensor<8xi32>
  %c = tile.addptr %t, %zt : tensor<8x!tile.ptr<f32>>, tensor<8xi32>
  tile.return %a, %b, %c : !tile.ptr<f32>, tensor<8x!tile.ptr<f32>>, tensor<8x!tile.ptr<f32>>
}

// -----

// Non-zero offsets stay.
// CHECK-LABEL: tile.func private @addptr_nonzero
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i32
// CHECK:         %[[A:.*]] = addptr %{{.*}}, %[[ONE]] : !tile.ptr<f32>, i32
// CHECK:         return %[[A]]
tile.func private @addptr_nonzero(%p: !tile.ptr<f32>) -> !tile.ptr<f32> {
  %one = arith.constant 1 : i32
  %a = tile.addptr %p, %one : !tile.ptr<f32>, i32
  tile.return %a : !tile.ptr<f32>
}

// -----

// CHECK-LABEL: tile.func private @broadcast_same
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     broadcast
// CHECK:         return %[[X]]
tile.func private @broadcast_same(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = tile.broadcast %x : tensor<4x8xf32> -> tensor<4x8xf32>
  tile.return %b : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @broadcast_twice
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1xf32>)
// CHECK-NEXT:    %[[B:.*]] = broadcast %[[X]] : tensor<1x1xf32> -> tensor<4x8xf32>
// CHECK-NOT:     broadcast
// CHECK:         return %[[B]]
tile.func private @broadcast_twice(%x: tensor<1x1xf32>) -> tensor<4x8xf32> {
  %a = tile.broadcast %x : tensor<1x1xf32> -> tensor<1x8xf32>
  %b = tile.broadcast %a : tensor<1x8xf32> -> tensor<4x8xf32>
  tile.return %b : tensor<4x8xf32>
}

// -----

// The inner broadcast keeps its other use.
// CHECK-LABEL: tile.func private @broadcast_twice_shared
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1xf32>)
// CHECK-DAG:     %[[A:.*]] = broadcast %[[X]] : tensor<1x1xf32> -> tensor<1x8xf32>
// CHECK-DAG:     %[[B:.*]] = broadcast %[[X]] : tensor<1x1xf32> -> tensor<4x8xf32>
// CHECK:         return %[[A]], %[[B]]
tile.func private @broadcast_twice_shared(%x: tensor<1x1xf32>) -> (tensor<1x8xf32>, tensor<4x8xf32>) {
  %a = tile.broadcast %x : tensor<1x1xf32> -> tensor<1x8xf32>
  %b = tile.broadcast %a : tensor<1x8xf32> -> tensor<4x8xf32>
  tile.return %a, %b : tensor<1x8xf32>, tensor<4x8xf32>
}

// -----

// Shape ops of a splat are splats of the result shape.
// CHECK-LABEL: tile.func private @broadcast_of_splat
// CHECK-SAME:    (%[[X:.*]]: f32)
// CHECK-NOT:     broadcast
// CHECK:         %[[S:.*]] = splat %[[X]] : tensor<4x8xf32>
// CHECK-NOT:     broadcast
// CHECK:         return %[[S]]
tile.func private @broadcast_of_splat(%x: f32) -> tensor<4x8xf32> {
  %s = tile.splat %x : tensor<1x8xf32>
  %a = tile.broadcast %s : tensor<1x8xf32> -> tensor<4x8xf32>
  tile.return %a : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @expand_dims_of_splat
// CHECK-SAME:    (%[[X:.*]]: i32)
// CHECK-NOT:     expand_dims
// CHECK:         %[[S:.*]] = splat %[[X]] : tensor<8x1xi32>
// CHECK-NOT:     expand_dims
// CHECK:         return %[[S]]
tile.func private @expand_dims_of_splat(%x: i32) -> tensor<8x1xi32> {
  %v = tile.splat %x : tensor<8xi32>
  %b = tile.expand_dims %v axis = 1 : tensor<8xi32> -> tensor<8x1xi32>
  tile.return %b : tensor<8x1xi32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_of_splat
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f16>)
// CHECK-NOT:     reshape
// CHECK:         %[[S:.*]] = splat %[[P]] : tensor<32x!tile.ptr<f16>>
// CHECK-NOT:     reshape
// CHECK:         return %[[S]]
tile.func private @reshape_of_splat(%p: !tile.ptr<f16>) -> tensor<32x!tile.ptr<f16>> {
  %m = tile.splat %p : tensor<4x8x!tile.ptr<f16>>
  %c = tile.reshape %m : tensor<4x8x!tile.ptr<f16>> -> tensor<32x!tile.ptr<f16>>
  tile.return %c : tensor<32x!tile.ptr<f16>>
}

// -----

// CHECK-LABEL: tile.func private @trans_of_splat
// CHECK-SAME:    (%[[X:.*]]: f32)
// CHECK-NOT:     trans
// CHECK:         %[[S:.*]] = splat %[[X]] : tensor<8x4xf32>
// CHECK-NOT:     trans
// CHECK:         return %[[S]]
tile.func private @trans_of_splat(%x: f32) -> tensor<8x4xf32> {
  %m = tile.splat %x : tensor<4x8xf32>
  %d = tile.trans %m order = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  tile.return %d : tensor<8x4xf32>
}

// -----

// Broadcast, reshape and trans of a constant splat fold to a constant.
// CHECK-LABEL: tile.func private @shape_of_constant
// CHECK-DAG:     %[[A:.*]] = arith.constant dense<1.000000e+00> : tensor<4x8xf32>
// CHECK-DAG:     %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<32xf32>
// CHECK-DAG:     %[[D:.*]] = arith.constant dense<1.000000e+00> : tensor<8x4xf32>
// CHECK-NOT:     broadcast
// CHECK-NOT:     reshape
// CHECK-NOT:     trans
// CHECK:         return %[[A]], %[[C]], %[[D]]
tile.func private @shape_of_constant() -> (tensor<4x8xf32>, tensor<32xf32>, tensor<8x4xf32>) {
  %s = arith.constant dense<1.0> : tensor<1x8xf32>
  %m = arith.constant dense<1.0> : tensor<4x8xf32>
  %a = tile.broadcast %s : tensor<1x8xf32> -> tensor<4x8xf32>
  %c = tile.reshape %m : tensor<4x8xf32> -> tensor<32xf32>
  %d = tile.trans %m order = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  tile.return %a, %c, %d : tensor<4x8xf32>, tensor<32xf32>, tensor<8x4xf32>
}

// -----

// Shape ops of anything else stay.
// CHECK-LABEL: tile.func private @shape_of_argument
// CHECK:         broadcast
// CHECK:         expand_dims
// CHECK:         reshape
// CHECK:         trans
tile.func private @shape_of_argument(%s: tensor<1x8xf32>, %v: tensor<8xf32>, %m: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<8x1xf32>, tensor<32xf32>, tensor<8x4xf32>) {
  %a = tile.broadcast %s : tensor<1x8xf32> -> tensor<4x8xf32>
  %b = tile.expand_dims %v axis = 1 : tensor<8xf32> -> tensor<8x1xf32>
  %c = tile.reshape %m : tensor<4x8xf32> -> tensor<32xf32>
  %d = tile.trans %m order = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  tile.return %a, %b, %c, %d : tensor<4x8xf32>, tensor<8x1xf32>, tensor<32xf32>, tensor<8x4xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_chain
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NEXT:    %[[R:.*]] = reshape %[[X]] : tensor<4x8xf32> -> tensor<2x16xf32>
// CHECK-NEXT:    return %[[R]]
tile.func private @reshape_chain(%x: tensor<4x8xf32>) -> tensor<2x16xf32> {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
  %b = tile.reshape %a : tensor<32xf32> -> tensor<2x16xf32>
  tile.return %b : tensor<2x16xf32>
}

// -----

// A chain of reshapes back to the source shape folds away.
// CHECK-LABEL: tile.func private @reshape_round_trip
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     reshape
// CHECK:         return %[[X]]
tile.func private @reshape_round_trip(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
  %b = tile.reshape %a : tensor<32xf32> -> tensor<2x2x8xf32>
  %c = tile.reshape %b : tensor<2x2x8xf32> -> tensor<4x8xf32>
  tile.return %c : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape_same
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     reshape
// CHECK:         return %[[X]]
tile.func private @reshape_same(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<4x8xf32>
  tile.return %a : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @trans_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[Y:.*]]: tensor<4x8xi8>)
// CHECK-NOT:     trans
// CHECK:         return %[[X]], %[[Y]]
tile.func private @trans_identity(%x: tensor<2x3x4xf32>, %y: tensor<4x8xi8>)
    -> (tensor<2x3x4xf32>, tensor<4x8xi8>) {
  %a = tile.trans %x order = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %b = tile.trans %y order = [0, 1] : tensor<4x8xi8> -> tensor<4x8xi8>
  tile.return %a, %b : tensor<2x3x4xf32>, tensor<4x8xi8>
}

// -----

// A transpose followed by its inverse is the source.
// CHECK-LABEL: tile.func private @trans_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[Y:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     trans
// CHECK:         return %[[X]], %[[Y]]
tile.func private @trans_inverse(%x: tensor<2x3x4xf32>, %y: tensor<4x8xf32>)
    -> (tensor<2x3x4xf32>, tensor<4x8xf32>) {
  %b = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %c = tile.trans %b order = [1, 2, 0] : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  %d = tile.trans %y order = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %e = tile.trans %d order = [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  tile.return %c, %e : tensor<2x3x4xf32>, tensor<4x8xf32>
}

// -----

// A composition that is not the identity stays.
// CHECK-LABEL: tile.func private @trans_not_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[B:.*]] = trans %[[X]] order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK:         %[[C:.*]] = trans %[[B]] order = [2, 0, 1] : tensor<4x2x3xf32> -> tensor<3x4x2xf32>
// CHECK:         return %[[C]]
tile.func private @trans_not_inverse(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %b = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %c = tile.trans %b order = [2, 0, 1] : tensor<4x2x3xf32> -> tensor<3x4x2xf32>
  tile.return %c : tensor<3x4x2xf32>
}

// -----

// A transpose of a slot's read is a transposed read of the slot, made at
// the original read; transposing a transposed read gives the plain read.
// CHECK-LABEL: tile.func private @trans_of_local_load
// CHECK-DAG:     %[[T:.*]] = local_load %{{.*}}[%{{.*}}] order = [1, 0] : !tile.shared<2x16x32xf32> -> tensor<32x16xf32>
// CHECK-DAG:     %[[P:.*]] = local_load %{{.*}}[%{{.*}}] : !tile.shared<2x16x32xf32> -> tensor<16x32xf32>
// CHECK-NOT:     trans
// CHECK:         return %[[T]], %[[P]]
tile.func private @trans_of_local_load(%s: i32) -> (tensor<32x16xf32>, tensor<16x32xf32>) {
  %b = tile.local_alloc : !tile.shared<2x16x32xf32>
  %t = tile.local_load %b[%s] : !tile.shared<2x16x32xf32> -> tensor<16x32xf32>
  %tt = tile.trans %t order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
  %r = tile.local_load %b[%s] order = [1, 0] : !tile.shared<2x16x32xf32> -> tensor<32x16xf32>
  %rt = tile.trans %r order = [1, 0] : tensor<32x16xf32> -> tensor<16x32xf32>
  tile.return %tt, %rt : tensor<32x16xf32>, tensor<16x32xf32>
}
