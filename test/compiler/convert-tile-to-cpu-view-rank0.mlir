// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s
// XFAIL: *

// Known bug: tile.reshape to or from a rank-0 tile (a legal static tensor
// type) builds an invalid tensor.collapse_shape/expand_shape. The lowering
// always goes through a 1-D tile, collapsing with the reassociation of the
// source rank; for rank 0 that is a "collapse" from tensor<f32> to
// tensor<1xf32> (or an "expand" from tensor<1xf32> to tensor<f32>), which
// the tensor verifier rejects, and the pass fails. Rank 0 needs the opposite
// op with an empty reassociation. Remove the XFAIL once it lowers.

// CHECK-LABEL: func.func private @reshape_from_scalar_tile
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<f32>
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[X]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK:         return %[[R]] : tensor<1xf32>
tile.func private @reshape_from_scalar_tile(%x: tensor<f32>) -> tensor<1xf32> {
  %a = tile.reshape %x : tensor<f32> -> tensor<1xf32>
  tile.return %a : tensor<1xf32>
}

// -----

// CHECK-LABEL: func.func private @reshape_to_scalar_tile
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<1x1xf32>
// CHECK:         %[[R:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<{{1x1|1}}xf32> into tensor<f32>
// CHECK:         return %[[R]] : tensor<f32>
tile.func private @reshape_to_scalar_tile(%x: tensor<1x1xf32>) -> tensor<f32> {
  %a = tile.reshape %x : tensor<1x1xf32> -> tensor<f32>
  tile.return %a : tensor<f32>
}
