// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @plain
// CHECK:         seq.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
func.func @plain(%u: tensor<2x8x100xf32>, %delta: tensor<2x8x100xf32>,
                 %A: tensor<8x4xf32>, %B: tensor<2x4x100xf32>,
                 %C: tensor<2x4x100xf32>) -> tensor<2x8x100xf32> {
  %y, %s = seq.selective_scan %u, %delta, %A, %B, %C
      : (tensor<2x8x100xf32>, tensor<2x8x100xf32>, tensor<8x4xf32>,
         tensor<2x4x100xf32>, tensor<2x4x100xf32>)
      -> (tensor<2x8x100xf32>, tensor<2x8x4xf32>)
  return %y : tensor<2x8x100xf32>
}

// -----

// Grouped B/C, every optional operand and softplus.
// CHECK-LABEL: func.func @grouped_full
// CHECK:         seq.selective_scan {{.*}} D(%{{.*}}) z(%{{.*}}) delta_bias(%{{.*}}) {delta_softplus}
func.func @grouped_full(%u: tensor<1x8x33xbf16>, %delta: tensor<1x8x33xbf16>,
                        %A: tensor<8x16xf32>, %B: tensor<1x2x16x33xbf16>,
                        %C: tensor<1x2x16x33xbf16>, %D: tensor<8xf32>,
                        %z: tensor<1x8x33xbf16>, %bias: tensor<8xf32>)
    -> tensor<1x8x16xf32> {
  %y, %s = seq.selective_scan %u, %delta, %A, %B, %C D(%D) z(%z) delta_bias(%bias) {delta_softplus}
      : (tensor<1x8x33xbf16>, tensor<1x8x33xbf16>, tensor<8x16xf32>,
         tensor<1x2x16x33xbf16>, tensor<1x2x16x33xbf16>, tensor<8xf32>,
         tensor<1x8x33xbf16>, tensor<8xf32>)
      -> (tensor<1x8x33xbf16>, tensor<1x8x16xf32>)
  return %s : tensor<1x8x16xf32>
}

// -----

// Dynamic batch and length; B grouped, C not.
// CHECK-LABEL: func.func @dynamic_mixed_groups
// CHECK:         seq.selective_scan {{.*}} D(%{{.*}}) :
// CHECK-SAME:      -> (tensor<?x8x?xf16>, tensor<?x8x4xf32>)
func.func @dynamic_mixed_groups(%u: tensor<?x8x?xf16>, %delta: tensor<?x8x?xf16>,
                                %A: tensor<8x4xf32>, %B: tensor<?x4x4x?xf16>,
                                %C: tensor<?x4x?xf16>, %D: tensor<8xf32>)
    -> tensor<?x8x4xf32> {
  %y, %s = seq.selective_scan %u, %delta, %A, %B, %C D(%D)
      : (tensor<?x8x?xf16>, tensor<?x8x?xf16>, tensor<8x4xf32>,
         tensor<?x4x4x?xf16>, tensor<?x4x?xf16>, tensor<8xf32>)
      -> (tensor<?x8x?xf16>, tensor<?x8x4xf32>)
  return %s : tensor<?x8x4xf32>
}

// -----

// An initial state [b, d, n] (float32), as sequence parallelism passes it.
// CHECK-LABEL: func.func @initial_state
// CHECK:         seq.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} initial_state(%{{.*}}) :
func.func @initial_state(%u: tensor<2x8x?xf32>, %A: tensor<8x4xf32>, %B: tensor<2x4x?xf32>,
                         %s0: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %y, %s = seq.selective_scan %u, %u, %A, %B, %B initial_state(%s0)
      : (tensor<2x8x?xf32>, tensor<2x8x?xf32>, tensor<8x4xf32>, tensor<2x4x?xf32>,
         tensor<2x4x?xf32>, tensor<2x8x4xf32>) -> (tensor<2x8x?xf32>, tensor<2x8x4xf32>)
  return %s : tensor<2x8x4xf32>
}
