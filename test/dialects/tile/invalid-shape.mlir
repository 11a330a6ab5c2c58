// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @range_empty() {
  // expected-error @+1 {{'tile.make_range' op needs start < end, got [8, 8)}}
  %r = tile.make_range 8, 8 : tensor<0xi32>
  tile.return
}

// -----

tile.func private @range_reversed() {
  // expected-error @+1 {{needs start < end, got [8, 4)}}
  %r = tile.make_range 8, 4 : tensor<4xi32>
  tile.return
}

// -----

// Bounds are signed: [-4, -8) is empty, not a range near 2^32.
tile.func private @range_negative_reversed() {
  // expected-error @+1 {{needs start < end, got [-4, -8)}}
  %r = tile.make_range -4, -8 : tensor<4xi32>
  tile.return
}

// -----

tile.func private @range_length() {
  // expected-error @+1 {{result must be tensor<4xi32>, got 'tensor<8xi32>'}}
  %r = tile.make_range 0, 4 : tensor<8xi32>
  tile.return
}

// -----

tile.func private @range_rank() {
  // expected-error @+1 {{result must be tensor<4xi32>, got 'tensor<2x2xi32>'}}
  %r = tile.make_range 0, 4 : tensor<2x2xi32>
  tile.return
}

// -----

tile.func private @range_type() {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit signless integer values}}
  %r = tile.make_range 0, 4 : tensor<4xi64>
  tile.return
}

// -----

tile.func private @splat_type(%x: f32) {
  // expected-error @+1 {{'tile.splat' op failed to verify that source matches the result element type}}
  %s = "tile.splat"(%x) : (f32) -> tensor<4xf16>
  tile.return
}

// -----

tile.func private @splat_tensor_source(%x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be floating-point or signless integer or tile pointer}}
  %s = "tile.splat"(%x) : (tensor<4xf32>) -> tensor<4x4xf32>
  tile.return
}

// -----

tile.func private @splat_dynamic(%x: f32) {
  // expected-error @+1 {{'result' must be statically shaped tensor of floating-point or signless integer or tile pointer values, but got 'tensor<?xf32>'}}
  %s = tile.splat %x : tensor<?xf32>
  tile.return
}

// -----

tile.func private @broadcast_rank(%x: tensor<128xf32>) {
  // expected-error @+1 {{'tile.broadcast' op source rank 1 differs from result rank 2; insert dimensions with tile.expand_dims first}}
  %b = tile.broadcast %x : tensor<128xf32> -> tensor<4x128xf32>
  tile.return
}

// -----

tile.func private @broadcast_size(%x: tensor<2x128xf32>) {
  // expected-error @+1 {{dimension 0 of size 2 cannot broadcast to 4}}
  %b = tile.broadcast %x : tensor<2x128xf32> -> tensor<4x128xf32>
  tile.return
}

// -----

// Broadcasting never shrinks a dimension either.
tile.func private @broadcast_shrink(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{dimension 1 of size 8 cannot broadcast to 1}}
  %b = tile.broadcast %x : tensor<4x8xf32> -> tensor<4x1xf32>
  tile.return
}

// -----

tile.func private @broadcast_element(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %b = tile.broadcast %x : tensor<1x4xf32> -> tensor<4x4xf16>
  tile.return
}

// -----

tile.func private @expand_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tile.expand_dims' op axis 2 out of range [0, 1]}}
  %e = tile.expand_dims %x axis = 2 : tensor<4xf32> -> tensor<4x1xf32>
  tile.return
}

// -----

tile.func private @expand_negative_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{axis -1 out of range [0, 1]}}
  %e = tile.expand_dims %x axis = -1 : tensor<4xf32> -> tensor<4x1xf32>
  tile.return
}

// -----

tile.func private @expand_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{result type 'tensor<4x1xf32>' does not insert a unit dimension at axis 0}}
  %e = tile.expand_dims %x axis = 0 : tensor<4xf32> -> tensor<4x1xf32>
  tile.return
}

// -----

tile.func private @expand_not_unit(%x: tensor<4xf32>) {
  // expected-error @+1 {{result type 'tensor<4x2xf32>' does not insert a unit dimension at axis 1}}
  %e = tile.expand_dims %x axis = 1 : tensor<4xf32> -> tensor<4x2xf32>
  tile.return
}

// -----

tile.func private @reshape_count(%x: tensor<8x16xf32>) {
  // expected-error @+1 {{'tile.reshape' op cannot reshape 128 elements into 64}}
  %r = tile.reshape %x : tensor<8x16xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.func private @reshape_element(%x: tensor<8x16xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %r = tile.reshape %x : tensor<8x16xf32> -> tensor<128xi32>
  tile.return
}

// -----

tile.func private @trans_length(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tile.trans' op order has 3 entries for a rank-2 source}}
  %t = tile.trans %x order = [0, 1, 2] : tensor<2x3xf32> -> tensor<3x2xf32>
  tile.return
}

// -----

tile.func private @trans_repeated(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{order must be a permutation of [0, 2)}}
  %t = tile.trans %x order = [1, 1] : tensor<2x3xf32> -> tensor<3x3xf32>
  tile.return
}

// -----

tile.func private @trans_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{order must be a permutation of [0, 2)}}
  %t = tile.trans %x order = [0, 2] : tensor<2x3xf32> -> tensor<2x3xf32>
  tile.return
}

// -----

tile.func private @trans_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{order must be a permutation of [0, 2)}}
  %t = tile.trans %x order = [-1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  tile.return
}

// -----

tile.func private @trans_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result dimension 0 must be source dimension 1 of size 3}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  tile.return
}

// -----

tile.func private @trans_element(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf16>
  tile.return
}
