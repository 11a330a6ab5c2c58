// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// tile.reshape to or from a rank-0 tile expands or collapses with an empty
// reassociation.

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
