// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// Pointers become i64 addresses; six i32 grid arguments follow the user's;
// program_id and num_programs read them.
// CHECK-LABEL: func.func @kernel
// CHECK-SAME:    (%[[P:.*]]: i64, %[[N:.*]]: i32, %[[PX:.*]]: i32, %[[PY:.*]]: i32, %[[PZ:.*]]: i32, %[[NX:.*]]: i32, %[[NY:.*]]: i32, %[[NZ:.*]]: i32)
// CHECK-SAME:    attributes {recur.kernel}
// CHECK:         arith.addi %[[PX]], %[[PZ]]
// CHECK:         arith.addi %[[NY]], %[[N]]
tile.func @kernel(%p: !tile.ptr<i32>, %n: i32) {
  %x = tile.program_id x
  %z = tile.program_id z
  %ny = tile.num_programs y
  %a = arith.addi %x, %z : i32
  %b = arith.addi %ny, %n : i32
  %c = arith.addi %a, %b : i32
  tile.store %p, %c : !tile.ptr<i32>
  tile.return
}

// -----

// Device functions get the grid arguments too, and calls forward the
// caller's; only kernels carry recur.kernel.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME:    (%{{.*}}: tensor<4xf32>, %{{.*}}: i32, %[[HY:.*]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) -> tensor<4xf32>
// CHECK-NOT:     recur.kernel
// CHECK:         arith.sitofp %[[HY]]
// CHECK-LABEL: func.func @caller
// CHECK-SAME:    (%[[X:.*]]: i32, %[[G0:.*]]: i32, %[[G1:.*]]: i32, %[[G2:.*]]: i32, %[[G3:.*]]: i32, %[[G4:.*]]: i32, %[[G5:.*]]: i32)
// CHECK:         call @helper(%{{.*}}, %[[G0]], %[[G1]], %[[G2]], %[[G3]], %[[G4]], %[[G5]])
tile.func private @helper(%v: tensor<4xf32>) -> tensor<4xf32> {
  %y = tile.program_id y
  %f = arith.sitofp %y : i32 to f32
  %s = tile.splat %f : tensor<4xf32>
  %r = arith.addf %v, %s : tensor<4xf32>
  tile.return %r : tensor<4xf32>
}
tile.func @caller(%x: i32) {
  %f = arith.sitofp %x : i32 to f32
  %t = tile.splat %f : tensor<4xf32>
  %r = tile.call @helper(%t) : (tensor<4xf32>) -> tensor<4xf32>
  tile.return
}

// -----

// CHECK-LABEL: func.func private @decl(f32, i32, i32, i32, i32, i32, i32) -> f32
tile.func private @decl(f32) -> f32

// -----

// Pointer results and tensors of pointers convert as well.
// CHECK-LABEL: func.func private @pointers
// CHECK-SAME:    (%{{.*}}: tensor<8xi64>, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) -> tensor<8xi64>
tile.func private @pointers(%p: tensor<8x!tile.ptr<f16>>) -> tensor<8x!tile.ptr<f16>> {
  tile.return %p : tensor<8x!tile.ptr<f16>>
}
