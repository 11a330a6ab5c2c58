// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @copy_and_read
// CHECK-SAME:    (%[[P:.*]]: tensor<64x32x!tile.ptr<f16>>, %[[M:.*]]: tensor<64x32xi1>, %[[S:.*]]: i32)
// CHECK:         %[[B:.*]] = local_alloc : !tile.shared<3x64x32xf16>
// CHECK:         async_copy %[[P]] into %[[B]][%[[S]]] : tensor<64x32x!tile.ptr<f16>>, !tile.shared<3x64x32xf16>
// CHECK:         async_copy %[[P]], %[[M]] into %[[B]][%[[S]]] {cache = #tile.cache<cg>} : tensor<64x32x!tile.ptr<f16>>, !tile.shared<3x64x32xf16>
// CHECK:         async_commit
// CHECK:         async_wait 1
// CHECK:         %{{.*}} = local_load %[[B]][%[[S]]] : !tile.shared<3x64x32xf16> -> tensor<64x32xf16>
// CHECK:         %{{.*}} = local_load %[[B]][%[[S]]] order = [1, 0] : !tile.shared<3x64x32xf16> -> tensor<32x64xf16>
tile.func private @copy_and_read(%p: tensor<64x32x!tile.ptr<f16>>, %m: tensor<64x32xi1>, %s: i32) -> (tensor<64x32xf16>, tensor<32x64xf16>) {
  %b = tile.local_alloc : !tile.shared<3x64x32xf16>
  tile.async_copy %p into %b[%s] : tensor<64x32x!tile.ptr<f16>>, !tile.shared<3x64x32xf16>
  tile.async_copy %p, %m into %b[%s] {cache = #tile.cache<cg>} : tensor<64x32x!tile.ptr<f16>>, !tile.shared<3x64x32xf16>
  tile.async_commit
  tile.async_wait 1
  %t = tile.local_load %b[%s] : !tile.shared<3x64x32xf16> -> tensor<64x32xf16>
  %tt = tile.local_load %b[%s] order = [1, 0] : !tile.shared<3x64x32xf16> -> tensor<32x64xf16>
  tile.return %t, %tt : tensor<64x32xf16>, tensor<32x64xf16>
}
