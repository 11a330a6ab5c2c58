// RUN: recur-opt %s -split-input-file -verify-diagnostics

// Known bug: TransOp::verify checks that `order` has one entry per source
// dimension but never compares the result rank with it. A higher-rank result
// is accepted, and a lower-rank one makes the verifier read
// dst.getDimSize(i) past the end of the result shape. The diagnostic below is
// matched loosely (any tile.trans error) so that the fix turns this into an
// unexpected pass; then drop the XFAIL and pin the message.
// XFAIL: *

tile.func private @trans_higher_rank_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tile.trans' op}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<3x2x5xf32>
  tile.return
}

// -----

tile.func private @trans_lower_rank_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tile.trans' op}}
  %t = tile.trans %x order = [1, 0] : tensor<2x3xf32> -> tensor<3xf32>
  tile.return
}
