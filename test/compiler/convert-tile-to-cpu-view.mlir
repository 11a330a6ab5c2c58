// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// CHECK-LABEL: func.func private @make_range
// CHECK:         arith.constant dense<[3, 4, 5, 6]> : tensor<4xi32>
tile.func private @make_range() -> tensor<4xi32> {
  %r = tile.make_range 3, 7 : tensor<4xi32>
  tile.return %r : tensor<4xi32>
}

// -----

// A pointer splat fills an i64 tensor with the address.
// CHECK-LABEL: func.func private @splat
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: f32, %[[P:[a-z0-9_]+]]: i64,
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         linalg.fill ins(%[[X]] : f32) outs(%[[E]] : tensor<4x8xf32>)
// CHECK:         %[[EP:.*]] = tensor.empty() : tensor<16xi64>
// CHECK:         linalg.fill ins(%[[P]] : i64) outs(%[[EP]] : tensor<16xi64>)
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

// The new unit dimension joins the group of the source dimension it
// precedes, or of the last one when it is appended.
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

// linalg.transpose uses the same convention as tile.trans: result
// dimension i is source dimension order[i].
// CHECK-LABEL: func.func private @trans
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
tile.func private @trans(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %t = tile.trans %x order = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  tile.return %t : tensor<4x2x3xf32>
}

// -----

// A 2-D tile gains a unit dimension in front, in the middle or at the end.
// CHECK-LABEL: func.func private @expand_dims_2d
// CHECK-SAME:    (%[[M:[a-z0-9_]+]]: tensor<4x8xf32>
// CHECK:         %[[F:.*]] = tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [1, 4, 8] : tensor<4x8xf32> into tensor<1x4x8xf32>
// CHECK:         %[[I:.*]] = tensor.expand_shape %[[M]] {{\[\[}}0], [1, 2]] output_shape [4, 1, 8] : tensor<4x8xf32> into tensor<4x1x8xf32>
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[M]] {{\[\[}}0], [1, 2]] output_shape [4, 8, 1] : tensor<4x8xf32> into tensor<4x8x1xf32>
// CHECK:         return %[[F]], %[[I]], %[[E]]
tile.func private @expand_dims_2d(%m: tensor<4x8xf32>)
    -> (tensor<1x4x8xf32>, tensor<4x1x8xf32>, tensor<4x8x1xf32>) {
  %f = tile.expand_dims %m axis = 0 : tensor<4x8xf32> -> tensor<1x4x8xf32>
  %i = tile.expand_dims %m axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
  %e = tile.expand_dims %m axis = 2 : tensor<4x8xf32> -> tensor<4x8x1xf32>
  tile.return %f, %i, %e : tensor<1x4x8xf32>, tensor<4x1x8xf32>, tensor<4x8x1xf32>
}

// -----

// To 1-D a collapse is enough; 3-D to 2-D goes through 1-D.
// CHECK-LABEL: func.func private @reshape_flat
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<4x8xf32>, %[[Y:[a-z0-9_]+]]: tensor<2x3x4xi8>
// CHECK-NEXT:    %[[A:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<4x8xf32> into tensor<32xf32>
// CHECK-NEXT:    %[[FLAT:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xi8> into tensor<24xi8>
// CHECK-NEXT:    %[[B:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xi8> into tensor<6x4xi8>
// CHECK-NEXT:    return %[[A]], %[[B]]
tile.func private @reshape_flat(%x: tensor<4x8xf32>, %y: tensor<2x3x4xi8>)
    -> (tensor<32xf32>, tensor<6x4xi8>) {
  %a = tile.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
  %b = tile.reshape %y : tensor<2x3x4xi8> -> tensor<6x4xi8>
  tile.return %a, %b : tensor<32xf32>, tensor<6x4xi8>
}

// -----

// CHECK-LABEL: func.func private @trans_2d
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<4x8xf16>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<8x4xf16>
// CHECK:         linalg.transpose ins(%[[X]] : tensor<4x8xf16>) outs(%[[E]] : tensor<8x4xf16>) permutation = [1, 0]
tile.func private @trans_2d(%x: tensor<4x8xf16>) -> tensor<8x4xf16> {
  %t = tile.trans %x order = [1, 0] : tensor<4x8xf16> -> tensor<8x4xf16>
  tile.return %t : tensor<8x4xf16>
}

// -----

// A broadcast along the middle dimension and a 1-D one.
// CHECK-DAG:   #[[MID:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG:   #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[ZERO:.*]] = affine_map<(d0) -> (0)>
// CHECK-DAG:   #[[ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func private @broadcast_more
// CHECK:         linalg.generic {indexing_maps = [#[[MID]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%{{.*}} : tensor<4x1x8xf32>) outs(%{{.*}} : tensor<4x2x8xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ZERO]], #[[ID1]]], iterator_types = ["parallel"]}
// CHECK-SAME:      ins(%{{.*}} : tensor<1xi32>) outs(%{{.*}} : tensor<16xi32>)
tile.func private @broadcast_more(%x: tensor<4x1x8xf32>, %y: tensor<1xi32>)
    -> (tensor<4x2x8xf32>, tensor<16xi32>) {
  %b = tile.broadcast %x : tensor<4x1x8xf32> -> tensor<4x2x8xf32>
  %c = tile.broadcast %y : tensor<1xi32> -> tensor<16xi32>
  tile.return %b, %c : tensor<4x2x8xf32>, tensor<16xi32>
}

// -----

// Shape ops on pointer tiles move i64 addresses.
// CHECK-LABEL: func.func private @pointer_views
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<8xi64>
// CHECK-SAME:    -> (tensor<4x8xi64>, tensor<2x4xi64>, tensor<8x4xi64>)
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xi64> into tensor<1x8xi64>
// CHECK:         %[[B:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[E]] : tensor<1x8xi64>) outs(%{{.*}} : tensor<4x8xi64>)
// CHECK:         tensor.expand_shape %[[P]] {{\[\[}}0, 1]] output_shape [2, 4] : tensor<8xi64> into tensor<2x4xi64>
// CHECK:         linalg.transpose ins(%[[B]] : tensor<4x8xi64>) outs(%{{.*}} : tensor<8x4xi64>) permutation = [1, 0]
tile.func private @pointer_views(%p: tensor<8x!tile.ptr<f32>>)
    -> (tensor<4x8x!tile.ptr<f32>>, tensor<2x4x!tile.ptr<f32>>, tensor<8x4x!tile.ptr<f32>>) {
  %e = tile.expand_dims %p axis = 0 : tensor<8x!tile.ptr<f32>> -> tensor<1x8x!tile.ptr<f32>>
  %b = tile.broadcast %e : tensor<1x8x!tile.ptr<f32>> -> tensor<4x8x!tile.ptr<f32>>
  %r = tile.reshape %p : tensor<8x!tile.ptr<f32>> -> tensor<2x4x!tile.ptr<f32>>
  %t = tile.trans %b order = [1, 0] : tensor<4x8x!tile.ptr<f32>> -> tensor<8x4x!tile.ptr<f32>>
  tile.return %b, %r, %t : tensor<4x8x!tile.ptr<f32>>, tensor<2x4x!tile.ptr<f32>>,
      tensor<8x4x!tile.ptr<f32>>
}
