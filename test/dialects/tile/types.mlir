// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// A pointer to each element type the dialect computes on.
// CHECK-LABEL: tile.func private @pointers
// CHECK-SAME:    (!tile.ptr<f16>, !tile.ptr<bf16>, !tile.ptr<f32>, !tile.ptr<f64>,
// CHECK-SAME:     !tile.ptr<i1>, !tile.ptr<i8>, !tile.ptr<i16>, !tile.ptr<i32>, !tile.ptr<i64>)
tile.func private @pointers(!tile.ptr<f16>, !tile.ptr<bf16>, !tile.ptr<f32>, !tile.ptr<f64>,
                            !tile.ptr<i1>, !tile.ptr<i8>, !tile.ptr<i16>, !tile.ptr<i32>,
                            !tile.ptr<i64>)

// -----

// CHECK-LABEL: tile.func private @pointer_to_pointer
// CHECK-SAME:    (!tile.ptr<!tile.ptr<f32>>, !tile.ptr<!tile.ptr<!tile.ptr<i8>>>)
// CHECK-SAME:    -> !tile.ptr<!tile.ptr<f32>>
tile.func private @pointer_to_pointer(!tile.ptr<!tile.ptr<f32>>, !tile.ptr<!tile.ptr<!tile.ptr<i8>>>)
    -> !tile.ptr<!tile.ptr<f32>>

// -----

// CHECK-LABEL: tile.func private @pointer_tiles
// CHECK-SAME:    (tensor<128x!tile.ptr<f32>>, tensor<64x32x!tile.ptr<bf16>>, tensor<4x!tile.ptr<!tile.ptr<f16>>>)
// CHECK-SAME:    -> tensor<2x2x2x!tile.ptr<i8>>
tile.func private @pointer_tiles(tensor<128x!tile.ptr<f32>>, tensor<64x32x!tile.ptr<bf16>>,
                                 tensor<4x!tile.ptr<!tile.ptr<f16>>>)
    -> tensor<2x2x2x!tile.ptr<i8>>

// -----

// Pointer types as kernel arguments and as values inside a body.
// CHECK-LABEL: tile.func @kernel_pointers
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f32>, %[[Q:.*]]: !tile.ptr<!tile.ptr<i32>>)
// CHECK:         splat %[[P]] : tensor<16x!tile.ptr<f32>>
// CHECK:         splat %[[Q]] : tensor<16x!tile.ptr<!tile.ptr<i32>>>
tile.func @kernel_pointers(%p: !tile.ptr<f32>, %q: !tile.ptr<!tile.ptr<i32>>) {
  %a = tile.splat %p : tensor<16x!tile.ptr<f32>>
  %b = tile.splat %q : tensor<16x!tile.ptr<!tile.ptr<i32>>>
  tile.return
}
