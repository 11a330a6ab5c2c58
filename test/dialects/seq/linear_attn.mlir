// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @plain
// CHECK:         seq.linear_attn %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-SAME:      -> (tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32>)
func.func @plain(%q: tensor<2x100x4x16xf32>, %k: tensor<2x100x4x16xf32>,
                 %v: tensor<2x100x4x32xf32>) -> tensor<2x100x4x32xf32> {
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<2x100x4x16xf32>, tensor<2x100x4x16xf32>, tensor<2x100x4x32xf32>)
      -> (tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32>)
  return %o : tensor<2x100x4x32xf32>
}

// -----

// CHECK-LABEL: func.func @normalized_with_state
// CHECK:         seq.linear_attn %{{.*}}, %{{.*}}, %{{.*}} initial_state(%{{.*}}) {normalize, scale = 1.250000e-01 : f64}
func.func @normalized_with_state(%q: tensor<1x7x1x8xbf16>, %k: tensor<1x7x1x8xbf16>,
                                 %v: tensor<1x7x1x8xbf16>, %s0: tensor<1x1x8x8xf32>)
    -> tensor<1x1x8x8xf32> {
  %o, %s = seq.linear_attn %q, %k, %v initial_state(%s0) {normalize, scale = 0.125 : f64}
      : (tensor<1x7x1x8xbf16>, tensor<1x7x1x8xbf16>, tensor<1x7x1x8xbf16>, tensor<1x1x8x8xf32>)
      -> (tensor<1x7x1x8xbf16>, tensor<1x1x8x8xf32>)
  return %s : tensor<1x1x8x8xf32>
}

// -----

// Varlen: three packed sequences, one state row each.
// CHECK-LABEL: func.func @varlen
// CHECK:         seq.linear_attn {{.*}} initial_state(%{{.*}}) cu_seqlens(%{{.*}})
func.func @varlen(%q: tensor<1x300x2x16xf16>, %k: tensor<1x300x2x16xf16>,
                  %v: tensor<1x300x2x24xf16>, %s0: tensor<3x2x16x24xf32>,
                  %cu: tensor<4xi32>) -> tensor<3x2x16x24xf32> {
  %o, %s = seq.linear_attn %q, %k, %v initial_state(%s0) cu_seqlens(%cu)
      : (tensor<1x300x2x16xf16>, tensor<1x300x2x16xf16>, tensor<1x300x2x24xf16>,
         tensor<3x2x16x24xf32>, tensor<4xi32>)
      -> (tensor<1x300x2x24xf16>, tensor<3x2x16x24xf32>)
  return %s : tensor<3x2x16x24xf32>
}

// -----

// Dynamic batch and time match anything.
// CHECK-LABEL: func.func @dynamic
// CHECK:         seq.linear_attn
// CHECK-SAME:      tensor<?x?x4x16xf32>
func.func @dynamic(%q: tensor<?x?x4x16xf32>, %k: tensor<?x?x4x16xf32>,
                   %v: tensor<?x?x4x16xf32>) -> tensor<?x4x16x16xf32> {
  %o, %s = seq.linear_attn %q, %k, %v
      : (tensor<?x?x4x16xf32>, tensor<?x?x4x16xf32>, tensor<?x?x4x16xf32>)
      -> (tensor<?x?x4x16xf32>, tensor<?x4x16x16xf32>)
  return %s : tensor<?x4x16x16xf32>
}
