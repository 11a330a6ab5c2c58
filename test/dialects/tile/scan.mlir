// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @scan
// CHECK:         scan(%{{.*}}) axis = 0 : (tensor<128xf32>) -> tensor<128xf32>
// CHECK:         scan(%{{.*}}, %{{.*}}) axis = 1 reverse : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
tile.func private @scan(%x: tensor<128xf32>, %a: tensor<4x8xf32>, %b: tensor<4x8xf32>)
    -> tensor<128xf32> {
  %c = tile.scan(%x) axis = 0 : (tensor<128xf32>) -> tensor<128xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  %ra, %rb = tile.scan(%a, %b) axis = 1 reverse : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  tile.return %c : tensor<128xf32>
}
