// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// A kernel: public, scalar and pointer arguments, no results.
// CHECK-LABEL: tile.func @kernel
// CHECK-SAME:    (%{{.*}}: !tile.ptr<f32>, %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: i64, %{{.*}}: i1, %{{.*}}: bf16)
// CHECK-NOT:     ->
// CHECK-NEXT:    return{{$}}
tile.func @kernel(%x: !tile.ptr<f32>, %n: i32, %alpha: f32, %m: i64, %flag: i1, %h: bf16) {
  tile.return
}

// -----

// A device function takes and returns tensors; a kernel calls it.
// CHECK-LABEL: tile.func private @square
// CHECK-SAME:    (%[[V:.*]]: tensor<16xf32>) -> tensor<16xf32>
// CHECK:         %[[R:.*]] = arith.mulf %[[V]], %[[V]] : tensor<16xf32>
// CHECK:         return %[[R]] : tensor<16xf32>
// CHECK-LABEL: tile.func @caller
// CHECK:         %[[T:.*]] = splat %{{.*}} : tensor<16xf32>
// CHECK:         %{{.*}} = call @square(%[[T]]) : (tensor<16xf32>) -> tensor<16xf32>
tile.func private @square(%v: tensor<16xf32>) -> tensor<16xf32> {
  %0 = arith.mulf %v, %v : tensor<16xf32>
  tile.return %0 : tensor<16xf32>
}
tile.func @caller(%x: f32) {
  %t = tile.splat %x : tensor<16xf32>
  %r = tile.call @square(%t) : (tensor<16xf32>) -> tensor<16xf32>
  tile.return
}

// -----

// Device functions returning several values and none, called from another
// device function.
// CHECK-LABEL: tile.func private @pair
// CHECK-SAME:    (%[[A:.*]]: i32, %[[B:.*]]: tensor<4xf32>) -> (i32, tensor<4xf32>)
// CHECK:         return %[[A]], %[[B]] : i32, tensor<4xf32>
// CHECK-LABEL: tile.func private @sink
// CHECK:         return{{$}}
// CHECK-LABEL: tile.func private @use_pair
// CHECK:         %[[R:.*]]:2 = call @pair(%{{.*}}, %{{.*}}) : (i32, tensor<4xf32>) -> (i32, tensor<4xf32>)
// CHECK:         call @sink(%[[R]]#0) : (i32) -> ()
// CHECK:         return %[[R]]#1 : tensor<4xf32>
tile.func private @pair(%a: i32, %b: tensor<4xf32>) -> (i32, tensor<4xf32>) {
  tile.return %a, %b : i32, tensor<4xf32>
}
tile.func private @sink(%a: i32) {
  tile.return
}
tile.func private @use_pair(%a: i32, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r:2 = tile.call @pair(%a, %b) : (i32, tensor<4xf32>) -> (i32, tensor<4xf32>)
  tile.call @sink(%r#0) : (i32) -> ()
  tile.return %r#1 : tensor<4xf32>
}

// -----

// An external declaration is private and has no body; calls may target it.
// CHECK-LABEL: tile.func private @extern_helper(f32) -> f32{{$}}
// CHECK-LABEL: tile.func @call_extern
// CHECK:         call @extern_helper(%{{.*}}) : (f32) -> f32
tile.func private @extern_helper(f32) -> f32
tile.func @call_extern(%x: f32) {
  %y = tile.call @extern_helper(%x) : (f32) -> f32
  tile.return
}

// -----

// Argument attributes survive the round trip.
// CHECK-LABEL: tile.func @arg_attrs
// CHECK-SAME:    (%{{.*}}: !tile.ptr<f32> {tt.divisibility = 16 : i32}, %{{.*}}: i32)
tile.func @arg_attrs(%p: !tile.ptr<f32> {tt.divisibility = 16 : i32}, %n: i32) {
  tile.return
}
