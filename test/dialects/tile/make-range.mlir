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
