// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// Pointers become i64 addresses; six i32 grid arguments follow the user's;
// program_id and num_programs read them.
// CHECK-LABEL: func.func @kernel
// CHECK-SAME:    (%[[P:.*]]: i64, %[[N:.*]]: i32, %[[PX:.*]]: i32, %[[PY:.*]]: i32, %[[PZ:.*]]: i32, %[[NX:.*]]: i32, %[[NY:.*]]: i32, %[[NZ:.*]]: i32)
// CHECK-SAME:    attributes {recur.kernel}
// CHECK-NOT:     tile.program_id
// CHECK-NOT:     tile.num_programs
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

// -----

// Each grid query reads its own argument: program id x, y, z are the first
// three grid arguments, the grid size x, y, z the last three.
// CHECK-LABEL: func.func private @grid_ids
// CHECK-SAME:    (%[[PX:[a-z0-9_]+]]: i32, %[[PY:[a-z0-9_]+]]: i32, %[[PZ:[a-z0-9_]+]]: i32, %[[NX:[a-z0-9_]+]]: i32, %[[NY:[a-z0-9_]+]]: i32, %[[NZ:[a-z0-9_]+]]: i32)
// CHECK-NEXT:    return %[[NZ]], %[[NY]], %[[NX]], %[[PZ]], %[[PY]], %[[PX]] : i32, i32, i32, i32, i32, i32
tile.func private @grid_ids() -> (i32, i32, i32, i32, i32, i32) {
  %px = tile.program_id x
  %py = tile.program_id y
  %pz = tile.program_id z
  %nx = tile.num_programs x
  %ny = tile.num_programs y
  %nz = tile.num_programs z
  tile.return %nz, %ny, %nx, %pz, %py, %px : i32, i32, i32, i32, i32, i32
}

// -----

// A call passes and returns pointers as i64 addresses; the grid arguments
// follow the user's, after a user argument that is itself a program id.
// CHECK-LABEL: func.func private @advance
// CHECK-SAME:    (%{{.*}}: i64, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) -> i64
// CHECK-LABEL: func.func @kernel
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[PX:[a-z0-9_]+]]: i32, %[[PY:[a-z0-9_]+]]: i32, %[[PZ:[a-z0-9_]+]]: i32, %[[NX:[a-z0-9_]+]]: i32, %[[NY:[a-z0-9_]+]]: i32, %[[NZ:[a-z0-9_]+]]: i32)
// CHECK-SAME:    attributes {recur.kernel}
// CHECK-NEXT:    %[[Q:.*]] = call @advance(%[[P]], %[[PX]], %[[PX]], %[[PY]], %[[PZ]], %[[NX]], %[[NY]], %[[NZ]]) : (i64, i32, i32, i32, i32, i32, i32, i32) -> i64
// CHECK:         %[[ADDR:.*]] = llvm.inttoptr %[[Q]] : i64 to !llvm.ptr
// CHECK-NEXT:    llvm.store %{{.*}}, %[[ADDR]] : f16, !llvm.ptr
tile.func private @advance(%p: !tile.ptr<f16>, %o: i32) -> !tile.ptr<f16> {
  %q = tile.addptr %p, %o : !tile.ptr<f16>, i32
  tile.return %q : !tile.ptr<f16>
}
tile.func @kernel(%p: !tile.ptr<f16>) {
  %x = tile.program_id x
  %q = tile.call @advance(%p, %x) : (!tile.ptr<f16>, i32) -> !tile.ptr<f16>
  %v = arith.constant 0.0 : f16
  tile.store %q, %v : !tile.ptr<f16>
  tile.return
}
