// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// CHECK-LABEL: func.func private @dot_f32
// CHECK-SAME:    (%[[A:[a-z0-9_]+]]: tensor<16x8xf32>, %[[B:[a-z0-9_]+]]: tensor<8x32xf32>, %[[C:[a-z0-9_]+]]: tensor<16x32xf32>
// CHECK:         %[[D:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<16x8xf32>, tensor<8x32xf32>) outs(%[[C]] : tensor<16x32xf32>)
// CHECK:         return %[[D]]
tile.func private @dot_f32(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>)
    -> tensor<16x32xf32> {
  %d = tile.dot %a, %b, %c : tensor<16x8xf32> * tensor<8x32xf32> -> tensor<16x32xf32>
  tile.return %d : tensor<16x32xf32>
}

// -----

// f16 operands are extended to the f32 accumulator first; sizes below 16.
// CHECK-LABEL: func.func private @dot_f16
// CHECK:         %[[A:.*]] = arith.extf %{{.*}} : tensor<3x5xf16> to tensor<3x5xf32>
// CHECK:         %[[B:.*]] = arith.extf %{{.*}} : tensor<5x7xf16> to tensor<5x7xf32>
// CHECK:         linalg.matmul ins(%[[A]], %[[B]] : tensor<3x5xf32>, tensor<5x7xf32>)
tile.func private @dot_f16(%a: tensor<3x5xf16>, %b: tensor<5x7xf16>, %c: tensor<3x7xf32>)
    -> tensor<3x7xf32> {
  %d = tile.dot %a, %b, %c : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
  tile.return %d : tensor<3x7xf32>
}

// -----

// CHECK-LABEL: func.func private @dot_i8
// CHECK:         arith.extsi %{{.*}} : tensor<1x1xi8> to tensor<1x1xi32>
// CHECK:         arith.extsi %{{.*}} : tensor<1x1xi8> to tensor<1x1xi32>
// CHECK:         linalg.matmul
tile.func private @dot_i8(%a: tensor<1x1xi8>, %c: tensor<1x1xi32>) -> tensor<1x1xi32> {
  %d = tile.dot %a, %a, %c : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
  tile.return %d : tensor<1x1xi32>
}

// -----

// The tf32 hint does not change CPU code: products stay IEEE f32.
// CHECK-LABEL: func.func private @dot_tf32
// CHECK-NOT:     arith.truncf
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x4xf32>)
tile.func private @dot_tf32(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %d = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return %d : tensor<4x4xf32>
}
