// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gru
// CHECK:         seq.newton_rnn "gru_diag" %{{.*}} params(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) h0(%{{.*}}) {max_iters = 8 : i64, tol = 1.000000e-03 : f64}
func.func @gru(%x: tensor<2x100x3xf32>, %w: tensor<16x3xf32>, %a: tensor<16xf32>,
               %h0: tensor<2x16xf32>) -> tensor<2x100x16xf32> {
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a) h0(%h0)
      {max_iters = 8 : i64, tol = 1.0e-3 : f64}
      : (tensor<2x100x3xf32>, tensor<16x3xf32>, tensor<16x3xf32>, tensor<16x3xf32>,
         tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
         tensor<16xf32>, tensor<16xf32>, tensor<2x16xf32>) -> (tensor<2x100x16xf32>, tensor<i32>, tensor<f32>)
  return %h#0 : tensor<2x100x16xf32>
}

// -----

// CHECK-LABEL: func.func @lstm
// CHECK:         seq.newton_rnn "lstm_diag" %{{.*}} params(
func.func @lstm(%x: tensor<1x10x4xf64>, %w: tensor<8x4xf64>, %a: tensor<8xf64>,
                %h0: tensor<1x2x8xf64>) -> tensor<1x10x8xf64> {
  %h:3 = seq.newton_rnn "lstm_diag" %x params(%w, %w, %w, %w, %a, %a, %a, %a, %a, %a, %a, %a) h0(%h0)
      : (tensor<1x10x4xf64>, tensor<8x4xf64>, tensor<8x4xf64>, tensor<8x4xf64>,
         tensor<8x4xf64>, tensor<8xf64>, tensor<8xf64>, tensor<8xf64>, tensor<8xf64>,
         tensor<8xf64>, tensor<8xf64>, tensor<8xf64>, tensor<8xf64>, tensor<1x2x8xf64>)
      -> (tensor<1x10x8xf64>, tensor<i32>, tensor<f64>)
  return %h#0 : tensor<1x10x8xf64>
}

// -----

// No initial state, dynamic batch and length, bf16.
// CHECK-LABEL: func.func @gru_dynamic
// CHECK:         seq.newton_rnn "gru_diag" %{{.*}} params({{.*}}) :
// CHECK-SAME:      -> (tensor<?x?x4xbf16>, tensor<i32>, tensor<f32>)
func.func @gru_dynamic(%x: tensor<?x?x2xbf16>, %w: tensor<4x2xbf16>, %a: tensor<4xbf16>)
    -> tensor<?x?x4xbf16> {
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<?x?x2xbf16>, tensor<4x2xbf16>, tensor<4x2xbf16>, tensor<4x2xbf16>,
         tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>,
         tensor<4xbf16>, tensor<4xbf16>) -> (tensor<?x?x4xbf16>, tensor<i32>, tensor<f32>)
  return %h#0 : tensor<?x?x4xbf16>
}

// -----

// A custom cell: two gates and one per-channel vector; the functions take
// (h, u_0, u_1, p_0).
// CHECK-LABEL: func.func @custom
// CHECK:         seq.newton_rnn "custom" %{{.*}} params(%{{.*}}, %{{.*}}, %{{.*}}) {gates = 2 : i64, jacobian = @cell_jacobian, step = @cell_step}
func.func private @cell_step(tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func private @cell_jacobian(tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @custom(%x: tensor<2x10x3xf32>, %w: tensor<8x3xf32>, %p: tensor<8xf32>)
    -> tensor<2x10x8xf32> {
  %h:3 = seq.newton_rnn "custom" %x params(%w, %w, %p)
      {gates = 2 : i64, step = @cell_step, jacobian = @cell_jacobian}
      : (tensor<2x10x3xf32>, tensor<8x3xf32>, tensor<8x3xf32>, tensor<8xf32>)
      -> (tensor<2x10x8xf32>, tensor<i32>, tensor<f32>)
  return %h#0 : tensor<2x10x8xf32>
}
