// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// Loops and branches that carry pointers carry i64 addresses instead.
// CHECK-LABEL: func.func @pointer_loop
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64,
// CHECK:         %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Q:.*]] = %[[P]]) -> (i64)  : i32 {
// CHECK:           %[[NEXT:.*]] = arith.addi %[[Q]], %{{.*}} : i64
// CHECK:           scf.yield %[[NEXT]] : i64
// CHECK:         %[[S:.*]] = scf.if %{{.*}} -> (i64) {
// CHECK:           scf.yield %[[R]] : i64
// CHECK:         } else {
// CHECK:           scf.yield %[[P]] : i64
// CHECK:         llvm.inttoptr %[[S]] : i64 to !llvm.ptr
tile.func @pointer_loop(%p: !tile.ptr<f32>, %n: i32, %c: i1) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%q = %p) -> (!tile.ptr<f32>) : i32 {
    %q2 = tile.addptr %q, %c1 : !tile.ptr<f32>, i32
    scf.yield %q2 : !tile.ptr<f32>
  }
  %s = scf.if %c -> !tile.ptr<f32> {
    scf.yield %r : !tile.ptr<f32>
  } else {
    scf.yield %p : !tile.ptr<f32>
  }
  %v = arith.constant 1.0 : f32
  tile.store %s, %v : !tile.ptr<f32>
  tile.return
}

// -----

// Tiles of pointers as loop-carried values (the K loop of a matmul). The
// pointer tile stays unit-stride in every iteration (it advances by a
// splat), so its loads are vector loads.
// CHECK-LABEL: func.func @pointer_tile_loop
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<16xf32>, tensor<16xi64>)  : i32
// CHECK:           llvm.intr.masked.load
// CHECK:           arith.addi %{{.*}}, %{{.*}} : tensor<16xi64>
// CHECK:           scf.yield %{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16xi64>
tile.func @pointer_tile_loop(%p: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c16 = arith.constant 16 : i32
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %ps = tile.splat %p : tensor<16x!tile.ptr<f32>>
  %p0 = tile.addptr %ps, %r : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  %zero = arith.constant dense<0.0> : tensor<16xf32>
  %step = tile.splat %c16 : tensor<16xi32>
  %acc, %last = scf.for %k = %c0 to %n step %c16 iter_args(%a = %zero, %q = %p0)
      -> (tensor<16xf32>, tensor<16x!tile.ptr<f32>>) : i32 {
    %v = tile.load %q : tensor<16x!tile.ptr<f32>>
    %a2 = arith.addf %a, %v : tensor<16xf32>
    %q2 = tile.addptr %q, %step : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
    scf.yield %a2, %q2 : tensor<16xf32>, tensor<16x!tile.ptr<f32>>
  }
  tile.store %p0, %acc : tensor<16x!tile.ptr<f32>>
  tile.return
}

// -----

// A loop that turns the pointer tile into a stride-2 one breaks the run:
// loads of the loop-carried tile fall back to gathers.
// CHECK-LABEL: func.func @pointer_tile_loop_strided
// CHECK:         scf.for
// CHECK:           llvm.intr.masked.gather
// CHECK-NOT:       llvm.intr.masked.load
tile.func @pointer_tile_loop_strided(%p: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %ps = tile.splat %p : tensor<16x!tile.ptr<f32>>
  %p0 = tile.addptr %ps, %r : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  %zero = arith.constant dense<0.0> : tensor<16xf32>
  %acc, %last = scf.for %k = %c0 to %n step %c1 iter_args(%a = %zero, %q = %p0)
      -> (tensor<16xf32>, tensor<16x!tile.ptr<f32>>) : i32 {
    %v = tile.load %q : tensor<16x!tile.ptr<f32>>
    %a2 = arith.addf %a, %v : tensor<16xf32>
    %q2 = tile.addptr %q, %r : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
    scf.yield %a2, %q2 : tensor<16xf32>, tensor<16x!tile.ptr<f32>>
  }
  tile.store %p0, %acc : tensor<16x!tile.ptr<f32>>
  tile.return
}

// -----

// scf.while carries addresses in both regions.
// CHECK-LABEL: func.func @pointer_while
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64,
// CHECK:         %[[R:.*]]:2 = scf.while (%[[Q:.*]] = %[[P]], %{{.*}} = %{{.*}}) : (i64, i32) -> (i64, i32) {
// CHECK:           scf.condition(%{{.*}}) %[[Q]], %{{.*}} : i64, i32
// CHECK:         } do {
// CHECK-NEXT:    ^bb0(%[[Q2:.*]]: i64, %{{.*}}: i32):
// CHECK:           %[[NEXT:.*]] = arith.addi %[[Q2]], %{{.*}} : i64
// CHECK:           scf.yield %[[NEXT]], %{{.*}} : i64, i32
// CHECK:         llvm.inttoptr %[[R]]#0 : i64 to !llvm.ptr
tile.func @pointer_while(%p: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %r:2 = scf.while (%q = %p, %i = %c0) : (!tile.ptr<f32>, i32) -> (!tile.ptr<f32>, i32) {
    %c = arith.cmpi slt, %i, %n : i32
    scf.condition(%c) %q, %i : !tile.ptr<f32>, i32
  } do {
  ^bb0(%q: !tile.ptr<f32>, %i: i32):
    %c1 = arith.constant 1 : i32
    %q2 = tile.addptr %q, %c1 : !tile.ptr<f32>, i32
    %i2 = arith.addi %i, %c1 : i32
    scf.yield %q2, %i2 : !tile.ptr<f32>, i32
  }
  %v = arith.constant 1.0 : f32
  tile.store %r#0, %v : !tile.ptr<f32>
  tile.return
}
