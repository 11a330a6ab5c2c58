// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @pointers
// CHECK-SAME:    !tile.ptr<f32>, !tile.ptr<f16>, !tile.ptr<bf16>, !tile.ptr<f64>
// CHECK-SAME:    !tile.ptr<i1>, !tile.ptr<i8>, !tile.ptr<i32>, !tile.ptr<i64>
// CHECK-SAME:    !tile.ptr<!tile.ptr<f32>>
tile.func private @pointers(%a: !tile.ptr<f32>, %b: !tile.ptr<f16>, %c: !tile.ptr<bf16>,
                            %d: !tile.ptr<f64>, %e: !tile.ptr<i1>, %f: !tile.ptr<i8>,
                            %g: !tile.ptr<i32>, %h: !tile.ptr<i64>,
                            %i: !tile.ptr<!tile.ptr<f32>>)

// -----

// CHECK-LABEL: tile.func private @pointer_tiles
// CHECK-SAME:    tensor<128x!tile.ptr<f32>>, tensor<64x32x!tile.ptr<bf16>>
// CHECK-SAME:    -> tensor<2x2x2x!tile.ptr<i8>>
tile.func private @pointer_tiles(%a: tensor<128x!tile.ptr<f32>>,
                                 %b: tensor<64x32x!tile.ptr<bf16>>)
    -> tensor<2x2x2x!tile.ptr<i8>>
