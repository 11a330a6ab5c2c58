// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s
// XFAIL: *

// Known bug: arith ops that carry tile pointers are not converted. The pass
// marks the whole arith dialect legal whatever its types, so an arith.select
// between pointers (Triton's `tl.where(mask, p, q)`) keeps its !tile.ptr
// operands; the i64 addresses around it need casts that never go away and
// the pass fails with "failed to legalize unresolved materialization from
// ('i64') to ('!tile.ptr<f32>')". The select should pick between the i64
// addresses. Remove the XFAIL once it lowers.

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
