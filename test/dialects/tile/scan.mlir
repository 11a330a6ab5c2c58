// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @cumsum
// CHECK-SAME:    (%[[X:.*]]: tensor<128xf32>)
// CHECK:         %[[C:.*]] = scan(%[[X]]) axis = 0 : (tensor<128xf32>) -> tensor<128xf32> {
// CHECK-NEXT:    ^bb0(%[[L:.*]]: f32, %[[R:.*]]: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[L]], %[[R]] : f32
// CHECK-NEXT:      tile.yield %[[S]] : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[C]] : tensor<128xf32>
tile.func private @cumsum(%x: tensor<128xf32>) -> tensor<128xf32> {
  %c = tile.scan(%x) axis = 0 : (tensor<128xf32>) -> tensor<128xf32> {
  ^bb0(%l: f32, %r: f32):
    %s = arith.addf %l, %r : f32
    tile.yield %s : f32
  }
  tile.return %c : tensor<128xf32>
}

// -----

// CHECK-LABEL: tile.func private @reverse_cumprod
// CHECK:         scan(%{{.*}}) axis = 0 reverse : (tensor<64xi32>) -> tensor<64xi32>
tile.func private @reverse_cumprod(%x: tensor<64xi32>) -> tensor<64xi32> {
  %c = tile.scan(%x) axis = 0 reverse : (tensor<64xi32>) -> tensor<64xi32> {
  ^bb0(%l: i32, %r: i32):
    %s = arith.muli %l, %r : i32
    tile.yield %s : i32
  }
  tile.return %c : tensor<64xi32>
}

// -----

// A 2-D scan along each axis.
// CHECK-LABEL: tile.func private @scan_2d
// CHECK:         scan(%{{.*}}) axis = 0 : (tensor<4x8xf16>) -> tensor<4x8xf16>
// CHECK:         scan(%{{.*}}) axis = 1 : (tensor<4x8xf16>) -> tensor<4x8xf16>
tile.func private @scan_2d(%x: tensor<4x8xf16>) -> (tensor<4x8xf16>, tensor<4x8xf16>) {
  %a = tile.scan(%x) axis = 0 : (tensor<4x8xf16>) -> tensor<4x8xf16> {
  ^bb0(%l: f16, %r: f16):
    %s = arith.maximumf %l, %r : f16
    tile.yield %s : f16
  }
  %b = tile.scan(%x) axis = 1 : (tensor<4x8xf16>) -> tensor<4x8xf16> {
  ^bb0(%l: f16, %r: f16):
    %s = arith.maximumf %l, %r : f16
    tile.yield %s : f16
  }
  tile.return %a, %b : tensor<4x8xf16>, tensor<4x8xf16>
}

// -----

// The linear recurrence h = a * h + b as a two-operand scan along axis 1:
// (a1, b1) o (a2, b2) = (a1 a2, b1 a2 + b2).
// CHECK-LABEL: tile.func private @linear_recurrence
// CHECK:         %[[R:.*]]:2 = scan(%{{.*}}, %{{.*}}) axis = 1 reverse : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
// CHECK-NEXT:    ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK:           tile.yield %{{.*}}, %{{.*}} : f32, f32
// CHECK:         return %[[R]]#1 : tensor<4x8xf32>
tile.func private @linear_recurrence(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %ra, %rb = tile.scan(%a, %b) axis = 1 reverse : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  tile.return %rb : tensor<4x8xf32>
}

// -----

// Operands of different element types scan together.
// CHECK-LABEL: tile.func private @scan_mixed_types
// CHECK:         scan(%{{.*}}, %{{.*}}) axis = 0 : (tensor<16xf32>, tensor<16xi32>) -> (tensor<16xf32>, tensor<16xi32>)
tile.func private @scan_mixed_types(%v: tensor<16xf32>, %i: tensor<16xi32>) -> tensor<16xi32> {
  %rv, %ri = tile.scan(%v, %i) axis = 0 : (tensor<16xf32>, tensor<16xi32>) -> (tensor<16xf32>, tensor<16xi32>) {
  ^bb0(%v1: f32, %i1: i32, %v2: f32, %i2: i32):
    %gt = arith.cmpf ogt, %v2, %v1 : f32
    %v3 = arith.select %gt, %v2, %v1 : f32
    %i3 = arith.select %gt, %i2, %i1 : i32
    tile.yield %v3, %i3 : f32, i32
  }
  tile.return %ri : tensor<16xi32>
}
