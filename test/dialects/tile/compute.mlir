// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @dot_f32
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
tile.func private @dot_f32(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>)
    -> tensor<16x32xf32> {
  %d = tile.dot %a, %b, %c : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
  tile.return %d : tensor<16x32xf32>
}

// -----

// Mixed precision, sizes below 16, and the tf32 hint.
// CHECK-LABEL: tile.func private @dot_mixed
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
// CHECK:         dot %{{.*}}, %{{.*}}, %{{.*}} {inputPrecision = #tile.precision<tf32>}
tile.func private @dot_mixed(%a: tensor<3x5xf16>, %b: tensor<5x7xf16>, %c: tensor<3x7xf32>,
                             %i: tensor<1x1xi8>, %j: tensor<1x1xi32>,
                             %x: tensor<4x4xf32>) -> tensor<3x7xf32> {
  %d = tile.dot %a, %b, %c : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
  %e = tile.dot %i, %i, %j : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
  %f = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return %d : tensor<3x7xf32>
}

// -----

// CHECK-LABEL: tile.func private @reduce
// CHECK:         reduce(%{{.*}}) axis = 0 : (tensor<128xf32>) -> f32 {
// CHECK:           arith.maximumf
// CHECK:           tile.yield %{{.*}} : f32
// CHECK:         reduce(%{{.*}}) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32>
tile.func private @reduce(%x: tensor<128xf32>, %m: tensor<4x8xf32>) -> (f32, tensor<4xf32>) {
  %a = tile.reduce(%x) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%l: f32, %r: f32):
    %s = arith.maximumf %l, %r : f32
    tile.yield %s : f32
  }
  %b = tile.reduce(%m) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  tile.return %a, %b : f32, tensor<4xf32>
}

// -----

// argmax: two operands reduced together along axis 0 of a 2-D tile.
// CHECK-LABEL: tile.func private @argmax
// CHECK:         reduce(%{{.*}}, %{{.*}}) axis = 0 : (tensor<8x4xf32>, tensor<8x4xi32>) -> (tensor<4xf32>, tensor<4xi32>)
// CHECK:           tile.yield %{{.*}}, %{{.*}} : f32, i32
tile.func private @argmax(%v: tensor<8x4xf32>, %i: tensor<8x4xi32>) -> tensor<4xi32> {
  %m, %a = tile.reduce(%v, %i) axis = 0 : (tensor<8x4xf32>, tensor<8x4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  ^bb0(%v1: f32, %i1: i32, %v2: f32, %i2: i32):
    %gt = arith.cmpf ogt, %v2, %v1 : f32
    %v3 = arith.select %gt, %v2, %v1 : f32
    %i3 = arith.select %gt, %i2, %i1 : i32
    tile.yield %v3, %i3 : f32, i32
  }
  tile.return %a : tensor<4xi32>
}

// -----

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
