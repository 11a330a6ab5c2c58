// RUN: recur-opt %s -recur-cpu-pipeline | FileCheck %s

// The whole CPU pipeline leaves only the LLVM dialect: the kernel, its grid
// wrapper, and declarations of what the JIT resolves (libc, the runtime).
// CHECK-NOT:   tile.
// CHECK-NOT:   scf.
// CHECK-NOT:   tensor.
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.
// CHECK-NOT:   vector.
// CHECK-DAG:   llvm.func @recur_cpu_assert_fail(!llvm.ptr, i32, i32, i32)
// CHECK-DAG:   llvm.func @add(%{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) attributes {recur.kernel}
// CHECK-DAG:   llvm.func @add_grid(%{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i64, %{{.*}}: i64)
// Unit-stride pointer tiles become masked vector loads and stores.
// CHECK-DAG:   llvm.intr.masked.load
// CHECK-DAG:   llvm.intr.masked.store
// Tile buffers live on the stack: no heap allocation for this kernel.
// CHECK-NOT:   llvm.call @malloc
tile.func @add(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %pid = tile.program_id x
  %c64 = arith.constant 64 : i32
  %start = arith.muli %pid, %c64 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %s = tile.splat %start : tensor<64xi32>
  %offs = arith.addi %s, %r : tensor<64xi32>
  %ns = tile.splat %n : tensor<64xi32>
  %mask = arith.cmpi slt, %offs, %ns : tensor<64xi32>
  %xs = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  %ys = tile.splat %y : tensor<64x!tile.ptr<f32>>
  %yp = tile.addptr %ys, %offs : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  %a = tile.load %xp, %mask : tensor<64x!tile.ptr<f32>>
  %b = tile.load %yp, %mask : tensor<64x!tile.ptr<f32>>
  %c = arith.addf %a, %b : tensor<64xf32>
  %nonneg = arith.constant dense<0> : tensor<64xi32>
  %ok = arith.cmpi sge, %offs, %nonneg : tensor<64xi32>
  tile.assert %ok, "negative offset" : tensor<64xi1>
  %os = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %op = tile.addptr %os, %offs : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %op, %c, %mask : tensor<64x!tile.ptr<f32>>
  tile.return
}
