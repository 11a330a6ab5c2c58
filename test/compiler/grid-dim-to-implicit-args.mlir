// RUN: recur-opt %s -split-input-file -pass-pipeline='builtin.module(gpu.module(grid-dim-to-implicit-args))' | FileCheck %s

// Each grid size is a 32-bit word of the hidden kernel arguments, x at
// offset 0, y at 4, z at 8 (code object v5), loaded as invariant.
// CHECK-LABEL: gpu.func @grid_sizes
// CHECK:         %[[X_BASE:.*]] = llvm.call_intrinsic "llvm.amdgcn.implicitarg.ptr"() : () -> !llvm.ptr<4>
// CHECK:         %[[X:.*]] = llvm.load %[[X_BASE]] invariant {alignment = 4 : i64} : !llvm.ptr<4> -> i32
// CHECK:         arith.index_castui %[[X]] : i32 to index
// CHECK:         llvm.getelementptr %{{.*}}[4] : (!llvm.ptr<4>) -> !llvm.ptr<4>, i8
// CHECK:         llvm.getelementptr %{{.*}}[8] : (!llvm.ptr<4>) -> !llvm.ptr<4>, i8
// CHECK-NOT:     gpu.grid_dim
gpu.module @kernels {
  gpu.func @grid_sizes(%out: memref<3xindex>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %x = gpu.grid_dim x
    %y = gpu.grid_dim y
    %z = gpu.grid_dim z
    memref.store %x, %out[%c0] : memref<3xindex>
    memref.store %y, %out[%c1] : memref<3xindex>
    memref.store %z, %out[%c2] : memref<3xindex>
    gpu.return
  }
}

// -----

// Block ids and sizes are left to the ROCDL conversion (they need no
// device library).
// CHECK-LABEL: gpu.func @block_ids_stay
// CHECK:         gpu.block_id x
// CHECK:         gpu.block_dim x
// CHECK-NOT:     llvm.call_intrinsic
gpu.module @kernels {
  gpu.func @block_ids_stay(%out: memref<2xindex>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %b = gpu.block_id x
    %d = gpu.block_dim x
    memref.store %b, %out[%c0] : memref<2xindex>
    memref.store %d, %out[%c1] : memref<2xindex>
    gpu.return
  }
}
