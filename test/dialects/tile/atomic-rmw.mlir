// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @atomics
// CHECK:         atomic_rmw fadd, acq_rel, gpu, %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x!tile.ptr<f32>>
// CHECK:         atomic_rmw add, relaxed, cta, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw max, acquire, sys, %{{.*}}, %{{.*}} : !tile.ptr<i64>
// CHECK:         atomic_rmw xchg, release, gpu, %{{.*}}, %{{.*}} : !tile.ptr<f32>
// CHECK:         atomic_rmw and, relaxed, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i32>
tile.func private @atomics(%p: tensor<64x!tile.ptr<f32>>, %v: tensor<64xf32>, %m: tensor<64xi1>,
                           %pi: !tile.ptr<i32>, %i: i32, %pl: !tile.ptr<i64>, %l: i64,
                           %pf: !tile.ptr<f32>, %f: f32) -> tensor<64xf32> {
  %a = tile.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : tensor<64x!tile.ptr<f32>>
  %b = tile.atomic_rmw add, relaxed, cta, %pi, %i : !tile.ptr<i32>
  %c = tile.atomic_rmw max, acquire, sys, %pl, %l : !tile.ptr<i64>
  %d = tile.atomic_rmw xchg, release, gpu, %pf, %f : !tile.ptr<f32>
  %e = tile.atomic_rmw and, relaxed, gpu, %pi, %i : !tile.ptr<i32>
  tile.return %a : tensor<64xf32>
}
