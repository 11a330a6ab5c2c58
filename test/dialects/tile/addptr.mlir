// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func private @addptr
// CHECK:         addptr %{{.*}}, %{{.*}} : !tile.ptr<f32>, i32
// CHECK:         addptr %{{.*}}, %{{.*}} : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
tile.func private @addptr(%p: !tile.ptr<f32>, %o: i32, %ps: tensor<128x!tile.ptr<f32>>,
                          %os: tensor<128xi64>) -> (!tile.ptr<f32>, tensor<128x!tile.ptr<f32>>) {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i32
  %b = tile.addptr %ps, %os : tensor<128x!tile.ptr<f32>>, tensor<128xi64>
  tile.return %a, %b : !tile.ptr<f32>, tensor<128x!tile.ptr<f32>>
}
