// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// A failed lane calls the runtime with the message (and the source line) and
// the program id; the launch, not the process, fails.
// CHECK:       llvm.mlir.global internal constant @[[MSG:__recur_str_[0-9a-f]+]]("bad lane at {{.*}}convert-tile-to-cpu-debug.mlir:{{[0-9]+}}\00")
// CHECK:       llvm.func @recur_cpu_assert_fail(!llvm.ptr, i32, i32, i32)
// CHECK-LABEL: func.func private @assert
// CHECK-SAME:    (%[[C:[a-z0-9_]+]]: tensor<4xi1>, %[[PX:[a-z0-9_]+]]: i32, %[[PY:[a-z0-9_]+]]: i32, %[[PZ:[a-z0-9_]+]]: i32,
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK:           %[[OK:.*]] = tensor.extract %[[C]][%[[I]]]
// CHECK:           %[[FAILED:.*]] = arith.xori %[[OK]], %{{.*}} : i1
// CHECK:           scf.if %[[FAILED]] {
// CHECK:             %[[TEXT:.*]] = llvm.mlir.addressof @[[MSG]]
// CHECK:             llvm.call @recur_cpu_assert_fail(%[[TEXT]], %[[PX]], %[[PY]], %[[PZ]])
tile.func private @assert(%c: tensor<4xi1>) {
  tile.assert %c, "bad lane" : tensor<4xi1>
  tile.return
}

// -----

// Floats print as f64, integers as i64 with a hex flag; scalars pass index
// -1, a print without values passes -2.
// CHECK-DAG:   llvm.func @recur_cpu_print_f64(!llvm.ptr, i32, i32, i32, i64, f64)
// CHECK-DAG:   llvm.func @recur_cpu_print_i64(!llvm.ptr, i32, i32, i32, i64, i64, i32)
// CHECK-LABEL: func.func private @print
// CHECK:         %[[SCALAR:.*]] = arith.constant -1 : i64
// CHECK:         %[[WIDE:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK:         llvm.call @recur_cpu_print_f64(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[SCALAR]], %[[WIDE]])
// CHECK:         scf.for
// CHECK:           arith.index_cast %{{.*}} : index to i64
// CHECK:           arith.extsi %{{.*}} : i32 to i64
// CHECK:           %[[HEX:.*]] = arith.constant 1 : i32
// CHECK:           llvm.call @recur_cpu_print_i64({{.*}}, %[[HEX]])
// CHECK:         %[[NONE:.*]] = arith.constant -2 : i64
// CHECK:         llvm.call @recur_cpu_print_i64(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[NONE]]
tile.func private @print(%x: f32, %v: tensor<4xi32>) {
  tile.print "x = " %x : f32
  tile.print "v = " hex %v : tensor<4xi32>
  tile.print "only a prefix"
  tile.return
}
