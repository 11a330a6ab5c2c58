// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @store_scalar
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<i32>, %[[V:.*]]: i32, %[[M:.*]]: i1)
// CHECK:         store %[[P]], %[[V]] : !tile.ptr<i32>
// CHECK:         store %[[P]], %[[V]], %[[M]] : !tile.ptr<i32>
tile.func @store_scalar(%p: !tile.ptr<i32>, %v: i32, %m: i1) {
  tile.store %p, %v : !tile.ptr<i32>
  tile.store %p, %v, %m : !tile.ptr<i32>
  tile.return
}

// -----

// CHECK-LABEL: tile.func @store_tensor
// CHECK:         %[[PS:.*]] = splat %{{.*}} : tensor<8x!tile.ptr<f32>>
// CHECK:         %[[XS:.*]] = splat %{{.*}} : tensor<8xf32>
// CHECK:         %[[M:.*]] = arith.constant dense<true> : tensor<8xi1>
// CHECK:         store %[[PS]], %[[XS]] : tensor<8x!tile.ptr<f32>>
// CHECK:         store %[[PS]], %[[XS]], %[[M]] : tensor<8x!tile.ptr<f32>>
// CHECK:         store %[[PS]], %[[XS]] {cache = #tile.cache<wt>} : tensor<8x!tile.ptr<f32>>
// CHECK:         store %[[PS]], %[[XS]], %[[M]] {cache = #tile.cache<wb>, evict = #tile.evict<evict_first>} : tensor<8x!tile.ptr<f32>>
tile.func @store_tensor(%p: !tile.ptr<f32>, %x: f32) {
  %ps = tile.splat %p : tensor<8x!tile.ptr<f32>>
  %xs = tile.splat %x : tensor<8xf32>
  %m = arith.constant dense<true> : tensor<8xi1>
  tile.store %ps, %xs : tensor<8x!tile.ptr<f32>>
  tile.store %ps, %xs, %m : tensor<8x!tile.ptr<f32>>
  tile.store %ps, %xs {cache = #tile.cache<wt>} : tensor<8x!tile.ptr<f32>>
  tile.store %ps, %xs, %m {cache = #tile.cache<wb>, evict = #tile.evict<evict_first>} : tensor<8x!tile.ptr<f32>>
  tile.return
}

// -----

// Storing pointers through pointers to pointers.
// CHECK-LABEL: tile.func private @store_pointers
// CHECK:         store %{{.*}}, %{{.*}} : tensor<4x!tile.ptr<!tile.ptr<i8>>>
tile.func private @store_pointers(%pp: tensor<4x!tile.ptr<!tile.ptr<i8>>>, %p: tensor<4x!tile.ptr<i8>>) {
  tile.store %pp, %p : tensor<4x!tile.ptr<!tile.ptr<i8>>>
  tile.return
}
