// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @kernel
// CHECK-SAME:    (%{{.*}}: !tile.ptr<f32>, %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: i64)
// CHECK:         return
tile.func @kernel(%x: !tile.ptr<f32>, %n: i32, %alpha: f32, %m: i64) {
  tile.return
}

// -----

// CHECK-LABEL: tile.func private @square
// CHECK:         %[[R:.*]] = arith.mulf
// CHECK:         return %[[R]] : tensor<16xf32>
// CHECK-LABEL: tile.func @caller
// CHECK:         call @square(%{{.*}}) : (tensor<16xf32>) -> tensor<16xf32>
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

// A device function returning several values, and an external declaration.
// CHECK-LABEL: tile.func private @pair
// CHECK:         return %{{.*}}, %{{.*}} : i32, f32
// CHECK-LABEL: tile.func private @extern_helper(f32) -> f32
tile.func private @pair(%a: i32, %b: f32) -> (i32, f32) {
  tile.return %a, %b : i32, f32
}
tile.func private @extern_helper(f32) -> f32
