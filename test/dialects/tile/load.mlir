// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

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
