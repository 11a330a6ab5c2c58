// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @store
// CHECK:         store %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         store %{{.*}}, %{{.*}}, %{{.*}} : tensor<8x!tile.ptr<f32>>
// CHECK:         store %{{.*}}, %{{.*}} {cache = #tile.cache<wt>} : tensor<8x!tile.ptr<f32>>
tile.func @store(%s: !tile.ptr<i32>, %v: i32, %p: !tile.ptr<f32>, %x: f32) {
  tile.store %s, %v : !tile.ptr<i32>
  %ps = tile.splat %p : tensor<8x!tile.ptr<f32>>
  %xs = tile.splat %x : tensor<8xf32>
  %true = arith.constant dense<true> : tensor<8xi1>
  tile.store %ps, %xs, %true : tensor<8x!tile.ptr<f32>>
  tile.store %ps, %xs {cache = #tile.cache<wt>} : tensor<8x!tile.ptr<f32>>
  tile.return
}
