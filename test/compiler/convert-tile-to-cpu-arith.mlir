// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// arith.select between pointers (Triton's `tl.where(mask, p, q)`) picks
// between the i64 addresses.

// CHECK-LABEL: func.func @select_scalar
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[Q:[a-z0-9_]+]]: i64, %[[C:[a-z0-9_]+]]: i1,
// CHECK:         %[[S:.*]] = arith.select %[[C]], %[[P]], %[[Q]] : i64
// CHECK:         llvm.inttoptr %[[S]] : i64 to !llvm.ptr
tile.func @select_scalar(%p: !tile.ptr<f32>, %q: !tile.ptr<f32>, %c: i1) {
  %s = arith.select %c, %p, %q : !tile.ptr<f32>
  %v = arith.constant 1.0 : f32
  tile.store %s, %v : !tile.ptr<f32>
  tile.return
}

// -----

// CHECK-LABEL: func.func private @select_tile
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<8xi64>, %[[Q:[a-z0-9_]+]]: tensor<8xi64>, %[[C:[a-z0-9_]+]]: tensor<8xi1>,
// CHECK:         %[[S:.*]] = arith.select %[[C]], %[[P]], %[[Q]] : tensor<8xi1>, tensor<8xi64>
// CHECK:         return %[[S]] : tensor<8xi64>
tile.func private @select_tile(%p: tensor<8x!tile.ptr<f32>>, %q: tensor<8x!tile.ptr<f32>>,
                               %c: tensor<8xi1>) -> tensor<8x!tile.ptr<f32>> {
  %s = arith.select %c, %p, %q : tensor<8xi1>, tensor<8x!tile.ptr<f32>>
  tile.return %s : tensor<8x!tile.ptr<f32>>
}
