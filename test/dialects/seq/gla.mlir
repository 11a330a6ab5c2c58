// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gla
// CHECK:         seq.gla %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
func.func @gla(%q: tensor<2x100x4x16xf32>, %k: tensor<2x100x4x16xf32>,
               %v: tensor<2x100x4x32xf32>, %g: tensor<2x100x4x16xf32>)
    -> tensor<2x100x4x32xf32> {
  %o, %s = seq.gla %q, %k, %v, %g
      : (tensor<2x100x4x16xf32>, tensor<2x100x4x16xf32>, tensor<2x100x4x32xf32>,
         tensor<2x100x4x16xf32>) -> (tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32>)
  return %o : tensor<2x100x4x32xf32>
}

// -----

// CHECK-LABEL: func.func @gla_varlen
// CHECK:         seq.gla {{.*}} initial_state(%{{.*}}) cu_seqlens(%{{.*}}) {scale = 2.500000e-01 : f64}
func.func @gla_varlen(%q: tensor<1x50x1x16xbf16>, %k: tensor<1x50x1x16xbf16>,
                      %v: tensor<1x50x1x8xbf16>, %g: tensor<1x50x1x16xf32>,
                      %s0: tensor<2x1x16x8xf32>, %cu: tensor<3xi64>)
    -> tensor<2x1x16x8xf32> {
  %o, %s = seq.gla %q, %k, %v, %g initial_state(%s0) cu_seqlens(%cu) {scale = 0.25 : f64}
      : (tensor<1x50x1x16xbf16>, tensor<1x50x1x16xbf16>, tensor<1x50x1x8xbf16>,
         tensor<1x50x1x16xf32>, tensor<2x1x16x8xf32>, tensor<3xi64>)
      -> (tensor<1x50x1x8xbf16>, tensor<2x1x16x8xf32>)
  return %s : tensor<2x1x16x8xf32>
}

// -----

// Dynamic dims, f64 inputs.
// CHECK-LABEL: func.func @gla_dynamic
// CHECK:         seq.gla %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} initial_state(%{{.*}}) :
// CHECK-SAME:      -> (tensor<?x?x?x8xf64>, tensor<?x?x4x8xf32>)
func.func @gla_dynamic(%q: tensor<?x?x?x4xf64>, %k: tensor<?x?x?x4xf64>,
                       %v: tensor<?x?x?x8xf64>, %g: tensor<?x?x?x4xf64>,
                       %s0: tensor<?x?x4x8xf32>) -> tensor<?x?x?x8xf64> {
  %o, %s = seq.gla %q, %k, %v, %g initial_state(%s0)
      : (tensor<?x?x?x4xf64>, tensor<?x?x?x4xf64>, tensor<?x?x?x8xf64>,
         tensor<?x?x?x4xf64>, tensor<?x?x4x8xf32>)
      -> (tensor<?x?x?x8xf64>, tensor<?x?x4x8xf32>)
  return %o : tensor<?x?x?x8xf64>
}
