// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @load_scalar
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f16>, %[[M:.*]]: i1, %[[O:.*]]: f16)
// CHECK:         load %[[P]] : !tile.ptr<f16>
// CHECK:         load %[[P]], %[[M]] : !tile.ptr<f16>
// CHECK:         load %[[P]], %[[M]], %[[O]] : !tile.ptr<f16>
tile.func private @load_scalar(%p: !tile.ptr<f16>, %m: i1, %o: f16) -> (f16, f16, f16) {
  %a = tile.load %p : !tile.ptr<f16>
  %b = tile.load %p, %m : !tile.ptr<f16>
  %c = tile.load %p, %m, %o : !tile.ptr<f16>
  tile.return %a, %b, %c : f16, f16, f16
}

// -----

// CHECK-LABEL: tile.func private @load_tensor
// CHECK-SAME:    (%[[P:.*]]: tensor<64x!tile.ptr<f32>>, %[[M:.*]]: tensor<64xi1>, %[[O:.*]]: tensor<64xf32>)
// CHECK:         %{{.*}} = load %[[P]] : tensor<64x!tile.ptr<f32>>
// CHECK:         %{{.*}} = load %[[P]], %[[M]] : tensor<64x!tile.ptr<f32>>
// CHECK:         %{{.*}} = load %[[P]], %[[M]], %[[O]] : tensor<64x!tile.ptr<f32>>
tile.func private @load_tensor(%p: tensor<64x!tile.ptr<f32>>, %m: tensor<64xi1>, %o: tensor<64xf32>)
    -> (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) {
  %a = tile.load %p : tensor<64x!tile.ptr<f32>>
  %b = tile.load %p, %m : tensor<64x!tile.ptr<f32>>
  %c = tile.load %p, %m, %o : tensor<64x!tile.ptr<f32>>
  tile.return %a, %b, %c : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>
}

// -----

// Cache and eviction hints and the volatile flag.
// CHECK-LABEL: tile.func private @load_attributes
// CHECK:         load %{{.*}}, %{{.*}}, %{{.*}} {cache = #tile.cache<cg>, evict = #tile.evict<evict_last>} : tensor<8x!tile.ptr<f32>>
// CHECK:         load %{{.*}} {cache = #tile.cache<ca>} : tensor<8x!tile.ptr<f32>>
// CHECK:         load %{{.*}} {cache = #tile.cache<cv>, evict = #tile.evict<evict_first>} : tensor<8x!tile.ptr<f32>>
// CHECK:         load %{{.*}} {evict = #tile.evict<normal>} : tensor<8x!tile.ptr<f32>>
// CHECK:         load %{{.*}} {isVolatile} : tensor<8x!tile.ptr<f32>>
// CHECK:         load %{{.*}}, %{{.*}} {cache = #tile.cache<cs>, isVolatile} : tensor<8x!tile.ptr<f32>>
tile.func private @load_attributes(%p: tensor<8x!tile.ptr<f32>>, %m: tensor<8xi1>, %o: tensor<8xf32>) {
  %a = tile.load %p, %m, %o {cache = #tile.cache<cg>, evict = #tile.evict<evict_last>} : tensor<8x!tile.ptr<f32>>
  %b = tile.load %p {cache = #tile.cache<ca>} : tensor<8x!tile.ptr<f32>>
  %c = tile.load %p {cache = #tile.cache<cv>, evict = #tile.evict<evict_first>} : tensor<8x!tile.ptr<f32>>
  %d = tile.load %p {evict = #tile.evict<normal>} : tensor<8x!tile.ptr<f32>>
  %e = tile.load %p {isVolatile} : tensor<8x!tile.ptr<f32>>
  %f = tile.load %p, %m {cache = #tile.cache<cs>, isVolatile} : tensor<8x!tile.ptr<f32>>
  tile.return
}

// -----

// Loading through pointers to pointers yields pointers.
// CHECK-LABEL: tile.func private @load_pointers
// CHECK:         load %{{.*}} : tensor<4x!tile.ptr<!tile.ptr<bf16>>>
tile.func private @load_pointers(%p: tensor<4x!tile.ptr<!tile.ptr<bf16>>>)
    -> tensor<4x!tile.ptr<bf16>> {
  %a = tile.load %p : tensor<4x!tile.ptr<!tile.ptr<bf16>>>
  tile.return %a : tensor<4x!tile.ptr<bf16>>
}
