// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @copy_shape(%p: tensor<64x!tile.ptr<f32>>, %s: i32) {
  %b = tile.local_alloc : !tile.shared<2x32xf32>
  // expected-error @+1 {{'tile.async_copy' op the tile at 'ptr', 'tensor<64xf32>' does not match the buffer's slots of 'tensor<32xf32>'}}
  tile.async_copy %p into %b[%s] : tensor<64x!tile.ptr<f32>>, !tile.shared<2x32xf32>
  tile.return
}

// -----

tile.func private @copy_element(%p: tensor<32x!tile.ptr<f16>>, %s: i32) {
  %b = tile.local_alloc : !tile.shared<2x32xf32>
  // expected-error @+1 {{does not match the buffer's slots}}
  tile.async_copy %p into %b[%s] : tensor<32x!tile.ptr<f16>>, !tile.shared<2x32xf32>
  tile.return
}

// -----

tile.func private @read_shape(%s: i32) {
  %b = tile.local_alloc : !tile.shared<2x32xf32>
  // expected-error @+1 {{'tile.local_load' op the result 'tensor<16xf32>' does not match the buffer's slots of 'tensor<32xf32>'}}
  %t = tile.local_load %b[%s] : !tile.shared<2x32xf32> -> tensor<16xf32>
  tile.return
}

// -----

tile.func private @read_order_shape(%s: i32) {
  %b = tile.local_alloc : !tile.shared<2x16x32xf32>
  // expected-error @+1 {{'tile.local_load' op result dimension 0 must be source dimension 1 of size 32}}
  %t = tile.local_load %b[%s] order = [1, 0] : !tile.shared<2x16x32xf32> -> tensor<16x32xf32>
  tile.return
}

// -----

tile.func private @read_order_permutation(%s: i32) {
  %b = tile.local_alloc : !tile.shared<2x16x32xf32>
  // expected-error @+1 {{'tile.local_load' op order must be a permutation of [0, 2)}}
  %t = tile.local_load %b[%s] order = [1, 1] : !tile.shared<2x16x32xf32> -> tensor<32x32xf32>
  tile.return
}

// -----

tile.func private @negative_wait() {
  // expected-error @+1 {{attribute 'pending' failed to satisfy constraint}}
  tile.async_wait -1
  tile.return
}

// -----

// expected-error @+1 {{needs a slot count and a tile shape, got 1 dimension(s)}}
tile.func private @no_slots(%b: !tile.shared<32xf32>)

// -----

// expected-error @+1 {{element must be a float or an integer of 8 to 64 bits, got 'i1'}}
tile.func private @bool_slots(%b: !tile.shared<2x32xi1>)

// -----

// expected-error @+1 {{sizes must be positive}}
tile.func private @empty_slots(%b: !tile.shared<0x32xf32>)
