// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// Default windows (-1) are not printed.
// CHECK-LABEL: func.func @mha
// CHECK:         seq.attention %{{.*}}, %{{.*}}, %{{.*}} :
func.func @mha(%q: tensor<2x77x8x64xf16>, %k: tensor<2x77x8x64xf16>,
               %v: tensor<2x77x8x64xf16>) -> tensor<2x77x8x64xf16> {
  %o = seq.attention %q, %k, %v
      : (tensor<2x77x8x64xf16>, tensor<2x77x8x64xf16>, tensor<2x77x8x64xf16>)
      -> tensor<2x77x8x64xf16>
  return %o : tensor<2x77x8x64xf16>
}

// -----

// GQA with Tq != Tk, a causal sliding window and an explicit scale.
// CHECK-LABEL: func.func @gqa_causal_window
// CHECK:         seq.attention {{.*}} {causal, softmax_scale = 1.250000e-01 : f64, window_left = 128 : i64, window_right = 0 : i64}
func.func @gqa_causal_window(%q: tensor<1x5x8x32xbf16>, %k: tensor<1x300x2x32xbf16>,
                             %v: tensor<1x300x2x48xbf16>) -> tensor<1x5x8x48xbf16> {
  %o = seq.attention %q, %k, %v
      {causal, softmax_scale = 0.125 : f64, window_left = 128 : i64, window_right = 0 : i64}
      : (tensor<1x5x8x32xbf16>, tensor<1x300x2x32xbf16>, tensor<1x300x2x48xbf16>)
      -> tensor<1x5x8x48xbf16>
  return %o : tensor<1x5x8x48xbf16>
}

// -----

// CHECK-LABEL: func.func @varlen_mqa
// CHECK:         seq.attention {{.*}} cu_seqlens_q(%{{.*}}) cu_seqlens_k(%{{.*}})
func.func @varlen_mqa(%q: tensor<1x200x4x16xf32>, %k: tensor<1x220x1x16xf32>,
                      %v: tensor<1x220x1x16xf32>, %cq: tensor<3xi32>,
                      %ck: tensor<3xi32>) -> tensor<1x200x4x16xf32> {
  %o = seq.attention %q, %k, %v cu_seqlens_q(%cq) cu_seqlens_k(%ck)
      : (tensor<1x200x4x16xf32>, tensor<1x220x1x16xf32>, tensor<1x220x1x16xf32>,
         tensor<3xi32>, tensor<3xi32>) -> tensor<1x200x4x16xf32>
  return %o : tensor<1x200x4x16xf32>
}

// -----

// Dynamic batch and lengths, cross attention (Tq != Tk), MQA.
// CHECK-LABEL: func.func @dynamic_cross
// CHECK:         seq.attention %{{.*}}, %{{.*}}, %{{.*}} {softmax_scale = 1.000000e+00 : f64} :
// CHECK-SAME:      -> tensor<?x?x8x32xf32>
func.func @dynamic_cross(%q: tensor<?x?x8x16xf32>, %k: tensor<?x?x1x16xf32>,
                         %v: tensor<?x?x1x32xf32>) -> tensor<?x?x8x32xf32> {
  %o = seq.attention %q, %k, %v {softmax_scale = 1.0 : f64}
      : (tensor<?x?x8x16xf32>, tensor<?x?x1x16xf32>, tensor<?x?x1x32xf32>)
      -> tensor<?x?x8x32xf32>
  return %o : tensor<?x?x8x32xf32>
}

// -----

// The optional log-sum-exp result, [B, Hq, Tq] in the compute type (f32 for
// f16 inputs).
// CHECK-LABEL: func.func @with_lse
// CHECK:         %{{.*}}, %{{.*}} = seq.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} :
// CHECK-SAME:      -> (tensor<2x77x8x64xf16>, tensor<2x8x77xf32>)
func.func @with_lse(%q: tensor<2x77x8x64xf16>, %k: tensor<2x77x2x64xf16>,
                    %v: tensor<2x77x2x64xf16>) -> (tensor<2x77x8x64xf16>, tensor<2x8x77xf32>) {
  %o, %lse = seq.attention %q, %k, %v {causal}
      : (tensor<2x77x8x64xf16>, tensor<2x77x2x64xf16>, tensor<2x77x2x64xf16>)
      -> (tensor<2x77x8x64xf16>, tensor<2x8x77xf32>)
  return %o, %lse : tensor<2x77x8x64xf16>, tensor<2x8x77xf32>
}

// -----

// CHECK-LABEL: func.func @varlen_lse_f64
// CHECK:         seq.attention {{.*}} cu_seqlens_q(%{{[^)]*}}) cu_seqlens_k(%{{[^)]*}})
// CHECK-SAME:      -> (tensor<1x?x4x16xf64>, tensor<1x4x?xf64>)
func.func @varlen_lse_f64(%q: tensor<1x?x4x16xf64>, %k: tensor<1x?x1x16xf64>,
                          %v: tensor<1x?x1x16xf64>, %cq: tensor<3xi64>, %ck: tensor<3xi64>)
    -> (tensor<1x?x4x16xf64>, tensor<1x4x?xf64>) {
  %o, %lse = seq.attention %q, %k, %v cu_seqlens_q(%cq) cu_seqlens_k(%ck)
      : (tensor<1x?x4x16xf64>, tensor<1x?x1x16xf64>, tensor<1x?x1x16xf64>,
         tensor<3xi64>, tensor<3xi64>) -> (tensor<1x?x4x16xf64>, tensor<1x4x?xf64>)
  return %o, %lse : tensor<1x?x4x16xf64>, tensor<1x4x?xf64>
}

// -----

// A given diagonal (ring attention's blocks at different global offsets).
// CHECK-LABEL: func.func @diagonal
// CHECK:         seq.attention %{{.*}}, %{{.*}}, %{{.*}} diagonal(%{{[^)]*}}) {causal, window_left = 8 : i64} :
func.func @diagonal(%q: tensor<1x16x4x32xf32>, %k: tensor<1x24x4x32xf32>, %d: tensor<i32>)
    -> (tensor<1x16x4x32xf32>, tensor<1x4x16xf32>) {
  %o, %lse = seq.attention %q, %k, %k diagonal(%d) {causal, window_left = 8 : i64}
      : (tensor<1x16x4x32xf32>, tensor<1x24x4x32xf32>, tensor<1x24x4x32xf32>, tensor<i32>)
      -> (tensor<1x16x4x32xf32>, tensor<1x4x16xf32>)
  return %o, %lse : tensor<1x16x4x32xf32>, tensor<1x4x16xf32>
}
