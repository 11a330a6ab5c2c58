// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @splat
// CHECK:         splat %{{.*}} : tensor<64x64xf16>
// CHECK:         splat %{{.*}} : tensor<8x!tile.ptr<f32>>
tile.func private @splat(%x: f16, %p: !tile.ptr<f32>)
    -> (tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %p : tensor<8x!tile.ptr<f32>>
  tile.return %a, %b : tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>
}
