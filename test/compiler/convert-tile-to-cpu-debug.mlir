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

// -----

// A scalar condition needs no loop; the program id is that of the
// enclosing function. Print prefixes are deduplicated by text: two prints
// of "p" share one global.
// CHECK:       module {
// CHECK-NEXT:    llvm.mlir.global internal constant @[[P:__recur_str_[0-9a-f]+]]("p\00")
// CHECK-NOT:     "p\00"
// CHECK:         llvm.mlir.global internal constant @[[MSG:__recur_str_[0-9a-f]+]]("scalar at {{.*}}.mlir:{{[0-9]+}}\00")
// CHECK-NOT:     "p\00"
// CHECK-LABEL: func.func @assert_scalar
// CHECK-SAME:    (%[[C:[a-z0-9_]+]]: i1, %[[PX:[a-z0-9_]+]]: i32, %[[PY:[a-z0-9_]+]]: i32, %[[PZ:[a-z0-9_]+]]: i32,
// CHECK-NOT:     scf.for
// CHECK:         %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT:    %[[FAILED:.*]] = arith.xori %[[C]], %[[TRUE]] : i1
// CHECK-NEXT:    scf.if %[[FAILED]] {
// CHECK-NEXT:      %[[TEXT:.*]] = llvm.mlir.addressof @[[MSG]] : !llvm.ptr
// CHECK-NEXT:      llvm.call @recur_cpu_assert_fail(%[[TEXT]], %[[PX]], %[[PY]], %[[PZ]]) : (!llvm.ptr, i32, i32, i32) -> ()
// CHECK-NEXT:    }
// CHECK:         llvm.mlir.addressof @[[P]]
// CHECK:         llvm.mlir.addressof @[[P]]
tile.func @assert_scalar(%c: i1) {
  tile.assert %c, "scalar" : i1
  tile.print "p"
  tile.print "p"
  tile.return
}

// -----

// Each element of a 2-D tile prints with its row-major index i * 3 + j;
// f16 widens to f64, f64 passes as is, i1 zero-extends.
// CHECK-LABEL: func.func private @print_2d
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<2x3xf16>, %[[D:[a-z0-9_]+]]: f64, %[[B:[a-z0-9_]+]]: i1, %[[PX:[a-z0-9_]+]]: i32, %[[PY:[a-z0-9_]+]]: i32, %[[PZ:[a-z0-9_]+]]: i32,
// CHECK:         %[[PREFIX:.*]] = llvm.mlir.addressof @{{.*}} : !llvm.ptr
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[J:[a-z0-9_]+]] =
// CHECK:             %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:        %[[ROWS:.*]] = arith.constant 2 : index
// CHECK-NEXT:        %[[M0:.*]] = arith.muli %[[Z]], %[[ROWS]] : index
// CHECK-NEXT:        %[[L0:.*]] = arith.addi %[[M0]], %[[I]] : index
// CHECK-NEXT:        %[[COLS:.*]] = arith.constant 3 : index
// CHECK-NEXT:        %[[M1:.*]] = arith.muli %[[L0]], %[[COLS]] : index
// CHECK-NEXT:        %[[L1:.*]] = arith.addi %[[M1]], %[[J]] : index
// CHECK-NEXT:        %[[LIN:.*]] = arith.index_cast %[[L1]] : index to i64
// CHECK-NEXT:        %[[E:.*]] = tensor.extract %[[X]][%[[I]], %[[J]]] : tensor<2x3xf16>
// CHECK-NEXT:        %[[W:.*]] = arith.extf %[[E]] : f16 to f64
// CHECK-NEXT:        llvm.call @recur_cpu_print_f64(%[[PREFIX]], %[[PX]], %[[PY]], %[[PZ]], %[[LIN]], %[[W]])
// CHECK-NOT:     arith.extf
// CHECK:         llvm.call @recur_cpu_print_f64(%[[PREFIX]], %[[PX]], %[[PY]], %[[PZ]], %{{.*}}, %[[D]])
// CHECK:         %[[BW:.*]] = arith.extui %[[B]] : i1 to i64
// CHECK-NEXT:    %[[DEC:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    llvm.call @recur_cpu_print_i64(%[[PREFIX]], %[[PX]], %[[PY]], %[[PZ]], %{{.*}}, %[[BW]], %[[DEC]])
tile.func private @print_2d(%x: tensor<2x3xf16>, %d: f64, %b: i1) {
  tile.print "x" %x, %d, %b : tensor<2x3xf16>, f64, i1
  tile.return
}
