// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// CHECK-LABEL: func.func private @make_range
// CHECK:         arith.constant dense<[3, 4, 5, 6]> : tensor<4xi32>
tile.func private @make_range() -> tensor<4xi32> {
  %r = tile.make_range 3, 7 : tensor<4xi32>
  tile.return %r : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func private @splat
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x8xf32>)
// CHECK:         %[[EP:.*]] = tensor.empty() : tensor<16xi64>
// CHECK:         linalg.fill ins(%{{.*}} : i64) outs(%[[EP]] : tensor<16xi64>)
tile.func private @splat(%x: f32, %p: !tile.ptr<f32>) -> (tensor<4x8xf32>, tensor<16x!tile.ptr<f32>>) {
  %a = tile.splat %x : tensor<4x8xf32>
  %b = tile.splat %p : tensor<16x!tile.ptr<f32>>
  tile.return %a, %b : tensor<4x8xf32>, tensor<16x!tile.ptr<f32>>
}

// -----

// Size-1 source dimensions read index 0.
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @broadcast
// CHECK:         linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%{{.*}} : tensor<1x8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK:           linalg.yield
tile.func private @broadcast(%x: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %b = tile.broadcast %x : tensor<1x8xf32> -> tensor<4x8xf32>
  tile.return %b : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func private @expand_dims
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 16] : tensor<16xi32> into tensor<1x16xi32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [16, 1] : tensor<16xi32> into tensor<16x1xi32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 1, 8] : tensor<4x8xf32> into tensor<4x1x8xf32>
tile.func private @expand_dims(%v: tensor<16xi32>, %m: tensor<4x8xf32>)
    -> (tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>) {
  %a = tile.expand_dims %v axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %b = tile.expand_dims %v axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
  %c = tile.expand_dims %m axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
  tile.return %a, %b, %c : tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>
}

// -----

// Row-major reshape: collapse to 1-D, then expand.
// CHECK-LABEL: func.func private @reshape
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<4x8xf32> into tensor<32xf32>
// CHECK:         tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2]] output_shape [2, 2, 8] : tensor<32xf32> into tensor<2x2x8xf32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [8, 4] : tensor<32xf32> into tensor<8x4xf32>
tile.func private @reshape(%x: tensor<4x8xf32>, %y: tensor<32xf32>)
    -> (tensor<2x2x8xf32>, tensor<8x4xf32>) {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<2x2x8xf32>
  %b = tile.reshape %y : tensor<32xf32> -> tensor<8x4xf32>
  tile.return %a, %b : tensor<2x2x8xf32>, tensor<8x4xf32>
}

// -----

// CHECK-LABEL: func.func private @trans
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
tile.func private @trans(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %t = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  tile.return %t : tensor<4x2x3xf32>
}
