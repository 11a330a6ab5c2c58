// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @assert
// CHECK-SAME:    (%[[C:.*]]: i1)
// CHECK:         assert %[[C]], "must hold" : i1
// CHECK:         %[[M:.*]] = splat %[[C]] : tensor<4xi1>
// CHECK:         assert %[[M]], "lanes" : tensor<4xi1>
// CHECK:         assert %{{.*}}, "2-D" : tensor<2x8xi1>
tile.func @assert(%c: i1) {
  tile.assert %c, "must hold" : i1
  %m = tile.splat %c : tensor<4xi1>
  tile.assert %m, "lanes" : tensor<4xi1>
  %n = tile.splat %c : tensor<2x8xi1>
  tile.assert %n, "2-D" : tensor<2x8xi1>
  tile.return
}

// -----

// CHECK-LABEL: tile.func @print
// CHECK-SAME:    (%[[I:.*]]: i32, %[[F:.*]]: f16)
// CHECK:         %[[X:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         print "nothing"{{$}}
// CHECK:         print "x = " %[[X]] : tensor<4xf32>
// CHECK:         print "scalars " %[[I]], %[[F]] : i32, f16
tile.func @print(%i: i32, %f: f16) {
  %x = arith.constant dense<1.0> : tensor<4xf32>
  tile.print "nothing"
  tile.print "x = " %x : tensor<4xf32>
  tile.print "scalars " %i, %f : i32, f16
  tile.return
}

// -----

// CHECK-LABEL: tile.func @print_hex
// CHECK:         %[[R:.*]] = make_range 0, 4 : tensor<4xi32>
// CHECK:         print "bits " hex %{{.*}}, %[[R]] : i32, tensor<4xi32>
// CHECK:         print "" hex %{{.*}} : i32
tile.func @print_hex(%i: i32) {
  %r = tile.make_range 0, 4 : tensor<4xi32>
  tile.print "bits " hex %i, %r : i32, tensor<4xi32>
  tile.print "" hex %i : i32
  tile.return
}
