// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @addptr
// CHECK:         addptr %{{.*}}, %{{.*}} : !tile.ptr<f32>, i32
// CHECK:         addptr %{{.*}}, %{{.*}} : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
tile.func private @addptr(%p: !tile.ptr<f32>, %o: i32, %ps: tensor<128x!tile.ptr<f32>>,
                          %os: tensor<128xi64>) -> (!tile.ptr<f32>, tensor<128x!tile.ptr<f32>>) {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i32
  %b = tile.addptr %ps, %os : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
  tile.return %a, %b : !tile.ptr<f32>, tensor<128x!tile.ptr<f32>>
}

// -----

// CHECK-LABEL: tile.func private @load
// CHECK:         load %{{.*}} : !tile.ptr<f16>
// CHECK:         load %{{.*}} : tensor<64x!tile.ptr<f32>>
// CHECK:         load %{{.*}}, %{{.*}} : tensor<64x!tile.ptr<f32>>
// CHECK:         load %{{.*}}, %{{.*}}, %{{.*}} {cache = #tile.cache<cg>, evict = #tile.evict<evict_last>} : tensor<64x!tile.ptr<f32>>
// CHECK:         load %{{.*}} {isVolatile} : tensor<64x!tile.ptr<f32>>
tile.func private @load(%s: !tile.ptr<f16>, %p: tensor<64x!tile.ptr<f32>>,
                        %m: tensor<64xi1>, %o: tensor<64xf32>) -> f16 {
  %a = tile.load %s : !tile.ptr<f16>
  %b = tile.load %p : tensor<64x!tile.ptr<f32>>
  %c = tile.load %p, %m : tensor<64x!tile.ptr<f32>>
  %d = tile.load %p, %m, %o {cache = #tile.cache<cg>, evict = #tile.evict<evict_last>} : tensor<64x!tile.ptr<f32>>
  %e = tile.load %p {isVolatile} : tensor<64x!tile.ptr<f32>>
  tile.return %a : f16
}

// -----

// Loading through a pointer to pointers yields pointers.
// CHECK-LABEL: tile.func private @load_pointers
// CHECK:         load %{{.*}} : tensor<4x!tile.ptr<!tile.ptr<bf16>>>
tile.func private @load_pointers(%p: tensor<4x!tile.ptr<!tile.ptr<bf16>>>)
    -> tensor<4x!tile.ptr<bf16>> {
  %a = tile.load %p : tensor<4x!tile.ptr<!tile.ptr<bf16>>>
  tile.return %a : tensor<4x!tile.ptr<bf16>>
}

// -----

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

// -----

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
