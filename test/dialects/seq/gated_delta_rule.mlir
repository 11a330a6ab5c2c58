// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gated_delta_rule
// CHECK:         seq.gated_delta_rule %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} cu_seqlens(%{{.*}})
func.func @gated_delta_rule(%q: tensor<1x50x1x8xf32>, %k: tensor<1x50x1x8xf32>,
                            %v: tensor<1x50x1x8xf32>, %g: tensor<1x50x1xf32>,
                            %beta: tensor<1x50x1xf32>, %cu: tensor<5xi32>)
    -> tensor<4x1x8x8xf32> {
  %o, %s = seq.gated_delta_rule %q, %k, %v, %g, %beta cu_seqlens(%cu)
      : (tensor<1x50x1x8xf32>, tensor<1x50x1x8xf32>, tensor<1x50x1x8xf32>,
         tensor<1x50x1xf32>, tensor<1x50x1xf32>, tensor<5xi32>)
      -> (tensor<1x50x1x8xf32>, tensor<4x1x8x8xf32>)
  return %s : tensor<4x1x8x8xf32>
}

// -----

// Dynamic batch and time, initial state, scale.
// CHECK-LABEL: func.func @dynamic
// CHECK:         seq.gated_delta_rule {{.*}} initial_state(%{{.*}}) {scale = 1.250000e-01 : f64}
// CHECK-SAME:      -> (tensor<?x?x4x32xf16>, tensor<?x4x16x32xf32>)
func.func @dynamic(%q: tensor<?x?x4x16xf16>, %k: tensor<?x?x4x16xf16>,
                   %v: tensor<?x?x4x32xf16>, %g: tensor<?x?x4xf32>,
                   %beta: tensor<?x?x4xf16>, %s0: tensor<?x4x16x32xf32>)
    -> tensor<?x4x16x32xf32> {
  %o, %s = seq.gated_delta_rule %q, %k, %v, %g, %beta initial_state(%s0) {scale = 0.125 : f64}
      : (tensor<?x?x4x16xf16>, tensor<?x?x4x16xf16>, tensor<?x?x4x32xf16>,
         tensor<?x?x4xf32>, tensor<?x?x4xf16>, tensor<?x4x16x32xf32>)
      -> (tensor<?x?x4x32xf16>, tensor<?x4x16x32xf32>)
  return %s : tensor<?x4x16x32xf32>
}
