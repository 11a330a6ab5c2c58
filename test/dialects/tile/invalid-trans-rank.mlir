// RUN: recur-opt %s -split-input-file -verify-diagnostics

// tile.trans keeps the rank.

tile.func private @trans_higher_rank_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tile.trans' op result rank 3 differs from source rank 2}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<3x2x5xf32>
  tile.return
}

// -----

tile.func private @trans_lower_rank_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tile.trans' op result rank 1 differs from source rank 2}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<3xf32>
  tile.return
}
