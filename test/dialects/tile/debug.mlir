// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @debug
// CHECK:         assert %{{.*}}, "must hold" : i1
// CHECK:         assert %{{.*}}, "lanes" : tensor<4xi1>
// CHECK:         print "nothing"
// CHECK:         print "x = " %{{.*}} : tensor<4xf32>
// CHECK:         print "bits " hex %{{.*}}, %{{.*}} : i32, tensor<4xi32>
tile.func @debug(%c: i1, %i: i32) {
  %m = tile.splat %c : tensor<4xi1>
  %x = arith.constant dense<1.0> : tensor<4xf32>
  %r = tile.make_range 0, 4 : tensor<4xi32>
  tile.assert %c, "must hold" : i1
  tile.assert %m, "lanes" : tensor<4xi1>
  tile.print "nothing"
  tile.print "x = " %x : tensor<4xf32>
  tile.print "bits " hex %i, %r : i32, tensor<4xi32>
  tile.return
}
