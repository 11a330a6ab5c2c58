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

// A single-element range, and one near the top of the i32 range.
// CHECK-LABEL: tile.func private @make_range_edges
// CHECK:         make_range 7, 8 : tensor<1xi32>
// CHECK:         make_range 2147483519, 2147483647 : tensor<128xi32>
tile.func private @make_range_edges() -> (tensor<1xi32>, tensor<128xi32>) {
  %a = tile.make_range 7, 8 : tensor<1xi32>
  %b = tile.make_range 2147483519, 2147483647 : tensor<128xi32>
  tile.return %a, %b : tensor<1xi32>, tensor<128xi32>
}

// -----

// Ranges may start below zero.
// CHECK-LABEL: tile.func private @make_range_negative
// CHECK:         make_range -4, 4 : tensor<8xi32>
// CHECK:         make_range -16, -8 : tensor<8xi32>
tile.func private @make_range_negative() -> (tensor<8xi32>, tensor<8xi32>) {
  %a = tile.make_range -4, 4 : tensor<8xi32>
  %b = tile.make_range -16, -8 : tensor<8xi32>
  tile.return %a, %b : tensor<8xi32>, tensor<8xi32>
}
