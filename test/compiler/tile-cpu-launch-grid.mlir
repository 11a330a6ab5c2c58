// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu -tile-cpu-launch-grid | FileCheck %s

// The wrapper takes the kernel's arguments, the grid size and a range of
// linear program ids, and calls the kernel for each one, x fastest.
// CHECK-LABEL: func.func @k(
// CHECK-SAME:    attributes {recur.kernel}
// CHECK-LABEL: func.func @k_grid
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[N:[a-z0-9_]+]]: i32, %[[GX:[a-z0-9_]+]]: i32, %[[GY:[a-z0-9_]+]]: i32, %[[GZ:[a-z0-9_]+]]: i32, %[[BEGIN:[a-z0-9_]+]]: i64, %[[END:[a-z0-9_]+]]: i64) {
// CHECK-NOT:     recur.kernel
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i64
// CHECK:         %[[GX64:.*]] = arith.extsi %[[GX]] : i32 to i64
// CHECK:         %[[GY64:.*]] = arith.extsi %[[GY]] : i32 to i64
// CHECK:         scf.for %[[L:[a-z0-9_]+]] = %[[BEGIN]] to %[[END]] step %[[ONE]]  : i64 {
// CHECK-NEXT:      %[[X:.*]] = arith.remsi %[[L]], %[[GX64]] : i64
// CHECK-NEXT:      %[[REST:.*]] = arith.divsi %[[L]], %[[GX64]] : i64
// CHECK-NEXT:      %[[Y:.*]] = arith.remsi %[[REST]], %[[GY64]] : i64
// CHECK-NEXT:      %[[Z:.*]] = arith.divsi %[[REST]], %[[GY64]] : i64
// CHECK-NEXT:      %[[X32:.*]] = arith.trunci %[[X]] : i64 to i32
// CHECK-NEXT:      %[[Y32:.*]] = arith.trunci %[[Y]] : i64 to i32
// CHECK-NEXT:      %[[Z32:.*]] = arith.trunci %[[Z]] : i64 to i32
// CHECK-NEXT:      func.call @k(%[[P]], %[[N]], %[[X32]], %[[Y32]], %[[Z32]], %[[GX]], %[[GY]], %[[GZ]]) : (i64, i32, i32, i32, i32, i32, i32, i32) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
tile.func @k(%p: !tile.ptr<i32>, %n: i32) {
  %x = tile.program_id x
  tile.store %p, %x : !tile.ptr<i32>
  tile.return
}

// -----

// Device functions are not entry points: no wrapper.
// CHECK-LABEL: func.func private @device
// CHECK-NOT:   @device_grid
tile.func private @device(%a: i32) -> i32 {
  tile.return %a : i32
}

// -----

// One wrapper per kernel.
// CHECK-DAG: func.func @first_grid(
// CHECK-DAG: func.func @second_grid(
tile.func @first(%a: i32) {
  tile.return
}
tile.func @second(%a: f32) {
  tile.return
}

// -----

// A kernel without arguments of its own: the wrapper takes only the grid
// and the range.
// CHECK-LABEL: func.func @noargs_grid
// CHECK-SAME:    (%[[GX:[a-z0-9_]+]]: i32, %[[GY:[a-z0-9_]+]]: i32, %[[GZ:[a-z0-9_]+]]: i32, %[[BEGIN:[a-z0-9_]+]]: i64, %[[END:[a-z0-9_]+]]: i64) {
// CHECK:         scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step %{{.*}} : i64 {
// CHECK:           func.call @noargs(%{{.*}}, %{{.*}}, %{{.*}}, %[[GX]], %[[GY]], %[[GZ]]) : (i32, i32, i32, i32, i32, i32) -> ()
tile.func @noargs() {
  tile.return
}
