// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @addptr_scalar
// CHECK-SAME:    (%[[P:.*]]: !tile.ptr<f32>, %[[O:.*]]: i32, %[[L:.*]]: i64)
// CHECK:         %[[A:.*]] = addptr %[[P]], %[[O]] : !tile.ptr<f32>, i32
// CHECK:         addptr %[[A]], %[[L]] : !tile.ptr<f32>, i64
tile.func private @addptr_scalar(%p: !tile.ptr<f32>, %o: i32, %l: i64) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i32
  %b = tile.addptr %a, %l : !tile.ptr<f32>, i64
  tile.return %b : !tile.ptr<f32>
}

// -----

// CHECK-LABEL: tile.func private @addptr_tensor
// CHECK:         addptr %{{.*}}, %{{.*}} : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
// CHECK:         addptr %{{.*}}, %{{.*}} : tensor<16x32x!tile.ptr<bf16>>, tensor<16x32xi32>
tile.func private @addptr_tensor(%ps: tensor<128x!tile.ptr<f32>>, %os: tensor<128xi64>,
                                 %qs: tensor<16x32x!tile.ptr<bf16>>, %ms: tensor<16x32xi32>)
    -> (tensor<128x!tile.ptr<f32>>, tensor<16x32x!tile.ptr<bf16>>) {
  %a = tile.addptr %ps, %os : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
  %b = tile.addptr %qs, %ms : tensor<16x32x!tile.ptr<bf16>>, tensor<16x32xi32>
  tile.return %a, %b : tensor<128x!tile.ptr<f32>>, tensor<16x32x!tile.ptr<bf16>>
}

// -----

// The usual kernel prologue: base + program offset + lane offsets.
// CHECK-LABEL: tile.func @addptr_prologue
// CHECK:         %[[PID:.*]] = program_id x
// CHECK:         %[[BASE:.*]] = addptr %{{.*}}, %[[PID]] : !tile.ptr<f16>, i32
// CHECK:         %[[SPLAT:.*]] = splat %[[BASE]] : tensor<64x!tile.ptr<f16>>
// CHECK:         %[[OFFS:.*]] = make_range 0, 64 : tensor<64xi32>
// CHECK:         addptr %[[SPLAT]], %[[OFFS]] : tensor<64x!tile.ptr<f16>>, tensor<64xi32>
tile.func @addptr_prologue(%x: !tile.ptr<f16>) {
  %pid = tile.program_id x
  %base = tile.addptr %x, %pid : !tile.ptr<f16>, i32
  %ptrs = tile.splat %base : tensor<64x!tile.ptr<f16>>
  %offs = tile.make_range 0, 64 : tensor<64xi32>
  %p = tile.addptr %ptrs, %offs : tensor<64x!tile.ptr<f16>>, tensor<64xi32>
  %v = tile.load %p : tensor<64x!tile.ptr<f16>>
  tile.store %p, %v : tensor<64x!tile.ptr<f16>>
  tile.return
}
