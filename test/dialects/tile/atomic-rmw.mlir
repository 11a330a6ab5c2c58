// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// Floating-point kinds on a masked tensor of pointers.
// CHECK-LABEL: tile.func private @atomic_float
// CHECK-SAME:    (%[[P:.*]]: tensor<64x!tile.ptr<f32>>, %[[V:.*]]: tensor<64xf32>, %[[M:.*]]: tensor<64xi1>)
// CHECK:         atomic_rmw fadd, acq_rel, gpu, %[[P]], %[[V]], %[[M]] : tensor<64x!tile.ptr<f32>>
// CHECK:         atomic_rmw fmax, relaxed, cta, %[[P]], %[[V]] : tensor<64x!tile.ptr<f32>>
// CHECK:         atomic_rmw fmin, release, sys, %[[P]], %[[V]], %[[M]] : tensor<64x!tile.ptr<f32>>
// CHECK:         atomic_rmw xchg, acquire, gpu, %[[P]], %[[V]] : tensor<64x!tile.ptr<f32>>
tile.func private @atomic_float(%p: tensor<64x!tile.ptr<f32>>, %v: tensor<64xf32>, %m: tensor<64xi1>)
    -> tensor<64xf32> {
  %a = tile.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : tensor<64x!tile.ptr<f32>>
  %b = tile.atomic_rmw fmax, relaxed, cta, %p, %v : tensor<64x!tile.ptr<f32>>
  %c = tile.atomic_rmw fmin, release, sys, %p, %v, %m : tensor<64x!tile.ptr<f32>>
  %d = tile.atomic_rmw xchg, acquire, gpu, %p, %v : tensor<64x!tile.ptr<f32>>
  tile.return %a : tensor<64xf32>
}

// -----

// Integer kinds on scalar pointers, every semantic and scope.
// CHECK-LABEL: tile.func private @atomic_int
// CHECK:         atomic_rmw add, relaxed, cta, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw max, acquire, sys, %{{.*}}, %{{.*}} : !tile.ptr<i64>
// CHECK:         atomic_rmw min, release, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw umax, acq_rel, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw umin, relaxed, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i64>
// CHECK:         atomic_rmw and, relaxed, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw or, relaxed, gpu, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw xor, relaxed, gpu, %{{.*}}, %{{.*}}, %{{.*}} : !tile.ptr<i32>
// CHECK:         atomic_rmw xchg, relaxed, sys, %{{.*}}, %{{.*}} : !tile.ptr<i64>
tile.func private @atomic_int(%pi: !tile.ptr<i32>, %i: i32, %pl: !tile.ptr<i64>, %l: i64, %m: i1) -> i32 {
  %a = tile.atomic_rmw add, relaxed, cta, %pi, %i : !tile.ptr<i32>
  %b = tile.atomic_rmw max, acquire, sys, %pl, %l : !tile.ptr<i64>
  %c = tile.atomic_rmw min, release, gpu, %pi, %i : !tile.ptr<i32>
  %d = tile.atomic_rmw umax, acq_rel, gpu, %pi, %i : !tile.ptr<i32>
  %e = tile.atomic_rmw umin, relaxed, gpu, %pl, %l : !tile.ptr<i64>
  %f = tile.atomic_rmw and, relaxed, gpu, %pi, %i : !tile.ptr<i32>
  %g = tile.atomic_rmw or, relaxed, gpu, %pi, %i : !tile.ptr<i32>
  %h = tile.atomic_rmw xor, relaxed, gpu, %pi, %i, %m : !tile.ptr<i32>
  %k = tile.atomic_rmw xchg, relaxed, sys, %pl, %l : !tile.ptr<i64>
  tile.return %a : i32
}

// -----

// Half-precision accumulation into a 2-D tile (e.g. split-K reductions).
// CHECK-LABEL: tile.func private @atomic_f16_2d
// CHECK:         atomic_rmw fadd, relaxed, gpu, %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16x!tile.ptr<f16>>
tile.func private @atomic_f16_2d(%p: tensor<16x16x!tile.ptr<f16>>, %v: tensor<16x16xf16>,
                                 %m: tensor<16x16xi1>) -> tensor<16x16xf16> {
  %a = tile.atomic_rmw fadd, relaxed, gpu, %p, %v, %m : tensor<16x16x!tile.ptr<f16>>
  tile.return %a : tensor<16x16xf16>
}
