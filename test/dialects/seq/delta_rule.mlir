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
