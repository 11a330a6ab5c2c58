// RUN: recur-opt %s -recur-cpu-pipeline | FileCheck %s
// RUN: recur-opt %s -recur-cpu-pipeline | FileCheck %s --check-prefix=ONLY-LLVM

// The whole CPU pipeline leaves only the LLVM dialect: the kernel, its grid
// wrapper, and declarations of what the JIT resolves (libc, the runtime).
// A prefix with nothing but CHECK-NOT lines scans the whole output.
// ONLY-LLVM-NOT: tile.
// ONLY-LLVM-NOT: scf.
// ONLY-LLVM-NOT: tensor.
// ONLY-LLVM-NOT: linalg.
// ONLY-LLVM-NOT: memref.
// ONLY-LLVM-NOT: vector.
// ONLY-LLVM-NOT: arith.
// ONLY-LLVM-NOT: func.func
// ONLY-LLVM-NOT: func.call
// ONLY-LLVM-NOT: cf.
// ONLY-LLVM-NOT: unrealized_conversion_cast
// Tile buffers live on the stack: no heap allocation for this kernel.
// ONLY-LLVM-NOT: @malloc

// CHECK-DAG:   llvm.func @recur_cpu_assert_fail(!llvm.ptr, i32, i32, i32)
// CHECK-DAG:   llvm.mlir.global internal constant @{{__recur_str_[0-9a-f]+}}("negative offset at {{.*}}recur-cpu-pipeline.mlir:{{[0-9]+}}\00")
// CHECK-LABEL: llvm.func @add(
// CHECK-SAME:    %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) attributes {recur.kernel}
// Unit-stride pointer tiles become masked vector loads and stores.
// CHECK:         llvm.intr.masked.load
// CHECK:         llvm.call @recur_cpu_assert_fail
// CHECK:         llvm.intr.masked.store
// CHECK:         llvm.return
// The wrapper: a loop over [begin, end) that splits the linear id and calls
// the kernel.
// CHECK-LABEL: llvm.func @add_grid(
// CHECK-SAME:    %[[X:[a-z0-9_]+]]: i64, %[[Y:[a-z0-9_]+]]: i64, %[[OUT:[a-z0-9_]+]]: i64, %[[N:[a-z0-9_]+]]: i32, %[[GX:[a-z0-9_]+]]: i32, %[[GY:[a-z0-9_]+]]: i32, %[[GZ:[a-z0-9_]+]]: i32, %[[BEGIN:[a-z0-9_]+]]: i64, %[[END:[a-z0-9_]+]]: i64) {
// CHECK-NOT:     recur.kernel
// CHECK:         llvm.br ^[[HEAD:bb[0-9]+]](%[[BEGIN]] : i64)
// CHECK:       ^[[HEAD]](%[[L:[0-9]+]]: i64):
// CHECK-NEXT:    %[[MORE:[0-9]+]] = llvm.icmp "slt" %[[L]], %[[END]] : i64
// CHECK-NEXT:    llvm.cond_br %[[MORE]]
// CHECK:         llvm.srem %[[L]]
// CHECK-NEXT:    llvm.sdiv %[[L]]
// CHECK:         llvm.call @add(%[[X]], %[[Y]], %[[OUT]], %[[N]], %{{.*}}, %{{.*}}, %{{.*}}, %[[GX]], %[[GY]], %[[GZ]])
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
