// RUN: recur-opt %s -split-input-file -recur-cpu-pipeline | FileCheck %s

// Tile atomics on tensors go through bufferization and buffer deallocation,
// which need the memory effects of llvm.atomicrmw (declared by Recur).

// CHECK-LABEL: llvm.func @atomic_add_tile(
// CHECK:         llvm.atomicrmw add %{{.*}}, %{{.*}} acq_rel : !llvm.ptr, i32
// CHECK-LABEL: llvm.func @atomic_add_tile_grid(
tile.func @atomic_add_tile(%p: !tile.ptr<i32>, %n: i32) {
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %b = tile.splat %p : tensor<16x!tile.ptr<i32>>
  %q = tile.addptr %b, %r : tensor<16x!tile.ptr<i32>>, tensor<16xi32>
  %ns = tile.splat %n : tensor<16xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<16xi32>
  %old = tile.atomic_rmw add, acq_rel, gpu, %q, %r, %m : tensor<16x!tile.ptr<i32>>
  tile.store %q, %old, %m : tensor<16x!tile.ptr<i32>>
  tile.return
}

// -----

// CHECK-LABEL: llvm.func @atomic_fmax_tile(
// CHECK:         llvm.atomicrmw fmax %{{.*}}, %{{.*}} acq_rel : !llvm.ptr, f32
tile.func @atomic_fmax_tile(%p: !tile.ptr<f32>) {
  %r = tile.make_range 0, 8 : tensor<8xi32>
  %b = tile.splat %p : tensor<8x!tile.ptr<f32>>
  %q = tile.addptr %b, %r : tensor<8x!tile.ptr<f32>>, tensor<8xi32>
  %v = arith.sitofp %r : tensor<8xi32> to tensor<8xf32>
  %old = tile.atomic_rmw fmax, acq_rel, gpu, %q, %v : tensor<8x!tile.ptr<f32>>
  tile.return
}
