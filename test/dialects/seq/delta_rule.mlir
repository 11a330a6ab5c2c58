// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @delta_rule
// CHECK:         seq.delta_rule %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} initial_state(%{{.*}})
func.func @delta_rule(%q: tensor<2x64x2x16xf32>, %k: tensor<2x64x2x16xf32>,
                      %v: tensor<2x64x2x8xf32>, %beta: tensor<2x64x2xf32>,
                      %s0: tensor<2x2x16x8xf32>) -> tensor<2x64x2x8xf32> {
  %o, %s = seq.delta_rule %q, %k, %v, %beta initial_state(%s0)
      : (tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64x2x8xf32>,
         tensor<2x64x2xf32>, tensor<2x2x16x8xf32>)
      -> (tensor<2x64x2x8xf32>, tensor<2x2x16x8xf32>)
  return %o : tensor<2x64x2x8xf32>
}

// -----

// Varlen with an explicit scale and dynamic total length.
// CHECK-LABEL: func.func @varlen_scaled
// CHECK:         seq.delta_rule {{.*}} initial_state(%{{.*}}) cu_seqlens(%{{.*}}) {scale = 2.500000e-01 : f64}
// CHECK-SAME:      tensor<1x?x2x16xbf16>
func.func @varlen_scaled(%q: tensor<1x?x2x16xbf16>, %k: tensor<1x?x2x16xbf16>,
                         %v: tensor<1x?x2x32xbf16>, %beta: tensor<1x?x2xbf16>,
                         %s0: tensor<3x2x16x32xf32>, %cu: tensor<4xi64>)
    -> tensor<3x2x16x32xf32> {
  %o, %s = seq.delta_rule %q, %k, %v, %beta initial_state(%s0) cu_seqlens(%cu) {scale = 0.25 : f64}
      : (tensor<1x?x2x16xbf16>, tensor<1x?x2x16xbf16>, tensor<1x?x2x32xbf16>,
         tensor<1x?x2xbf16>, tensor<3x2x16x32xf32>, tensor<4xi64>)
      -> (tensor<1x?x2x32xbf16>, tensor<3x2x16x32xf32>)
  return %s : tensor<3x2x16x32xf32>
}
