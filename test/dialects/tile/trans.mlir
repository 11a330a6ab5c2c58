// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @trans_2d
// CHECK:         trans %{{.*}} order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
tile.func private @trans_2d(%x: tensor<16x32xf32>) -> tensor<32x16xf32> {
  %a = tile.trans %x order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
  tile.return %a : tensor<32x16xf32>
}

// -----

// CHECK-LABEL: tile.func private @trans_3d
// CHECK:         trans %{{.*}} order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
// CHECK:         trans %{{.*}} order = [0, 2, 1] : tensor<2x3x4xf16> -> tensor<2x4x3xf16>
tile.func private @trans_3d(%y: tensor<2x3x4xf16>) -> (tensor<4x2x3xf16>, tensor<2x4x3xf16>) {
  %a = tile.trans %y order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
  %b = tile.trans %y order = [0, 2, 1] : tensor<2x3x4xf16> -> tensor<2x4x3xf16>
  tile.return %a, %b : tensor<4x2x3xf16>, tensor<2x4x3xf16>
}

// -----

// The identity order parses and prints (canonicalization removes it).
// CHECK-LABEL: tile.func private @trans_identity_pointers
// CHECK:         trans %{{.*}} order = [0, 1] : tensor<4x8x!tile.ptr<f32>> -> tensor<4x8x!tile.ptr<f32>>
tile.func private @trans_identity_pointers(%p: tensor<4x8x!tile.ptr<f32>>) -> tensor<4x8x!tile.ptr<f32>> {
  %a = tile.trans %p order = [0, 1] : tensor<4x8x!tile.ptr<f32>> -> tensor<4x8x!tile.ptr<f32>>
  tile.return %a : tensor<4x8x!tile.ptr<f32>>
}
