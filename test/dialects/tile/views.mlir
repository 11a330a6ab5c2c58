// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @make_range
// CHECK:         make_range 0, 128 : tensor<128xi32>
// CHECK:         make_range 16, 48 : tensor<32xi32>
tile.func private @make_range() -> (tensor<128xi32>, tensor<32xi32>) {
  %a = tile.make_range 0, 128 : tensor<128xi32>
  %b = tile.make_range 16, 48 : tensor<32xi32>
  tile.return %a, %b : tensor<128xi32>, tensor<32xi32>
}

// -----

// CHECK-LABEL: tile.func private @splat
// CHECK:         splat %{{.*}} : tensor<64x64xf16>
// CHECK:         splat %{{.*}} : tensor<8x!tile.ptr<f32>>
tile.func private @splat(%x: f16, %p: !tile.ptr<f32>)
    -> (tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %p : tensor<8x!tile.ptr<f32>>
  tile.return %a, %b : tensor<64x64xf16>, tensor<8x!tile.ptr<f32>>
}

// -----

// CHECK-LABEL: tile.func private @broadcast
// CHECK:         broadcast %{{.*}} : tensor<1x128xf32> -> tensor<64x128xf32>
// CHECK:         broadcast %{{.*}} : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
tile.func private @broadcast(%r: tensor<1x128xf32>, %p: tensor<32x1x!tile.ptr<f32>>)
    -> (tensor<64x128xf32>, tensor<32x16x!tile.ptr<f32>>) {
  %a = tile.broadcast %r : tensor<1x128xf32> -> tensor<64x128xf32>
  %b = tile.broadcast %p : tensor<32x1x!tile.ptr<f32>> -> tensor<32x16x!tile.ptr<f32>>
  tile.return %a, %b : tensor<64x128xf32>, tensor<32x16x!tile.ptr<f32>>
}

// -----

// CHECK-LABEL: tile.func private @expand_dims
// CHECK:         expand_dims %{{.*}} axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
// CHECK:         expand_dims %{{.*}} axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
tile.func private @expand_dims(%v: tensor<16xi32>, %m: tensor<4x8xf32>)
    -> (tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>) {
  %a = tile.expand_dims %v axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %b = tile.expand_dims %v axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
  %c = tile.expand_dims %m axis = 1 : tensor<4x8xf32> -> tensor<4x1x8xf32>
  tile.return %a, %b, %c : tensor<1x16xi32>, tensor<16x1xi32>, tensor<4x1x8xf32>
}

// -----

// CHECK-LABEL: tile.func private @reshape
// CHECK:         reshape %{{.*}} : tensor<8x16xf32> -> tensor<128xf32>
// CHECK:         reshape %{{.*}} : tensor<8x16xf32> -> tensor<2x4x16xf32>
tile.func private @reshape(%x: tensor<8x16xf32>) -> (tensor<128xf32>, tensor<2x4x16xf32>) {
  %a = tile.reshape %x : tensor<8x16xf32> -> tensor<128xf32>
  %b = tile.reshape %x : tensor<8x16xf32> -> tensor<2x4x16xf32>
  tile.return %a, %b : tensor<128xf32>, tensor<2x4x16xf32>
}

// -----

// CHECK-LABEL: tile.func private @trans
// CHECK:         trans %{{.*}} order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
// CHECK:         trans %{{.*}} order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
tile.func private @trans(%x: tensor<16x32xf32>, %y: tensor<2x3x4xf16>)
    -> (tensor<32x16xf32>, tensor<4x2x3xf16>) {
  %a = tile.trans %x order = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
  %b = tile.trans %y order = [2, 0, 1] : tensor<2x3x4xf16> -> tensor<4x2x3xf16>
  tile.return %a, %b : tensor<32x16xf32>, tensor<4x2x3xf16>
}
