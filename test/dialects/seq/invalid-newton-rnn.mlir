// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @unknown_cell(%x: tensor<1x10x4xf32>) {
  // expected-error @+1 {{unknown cell 'rnn_tanh'; cells are "gru_diag", "lstm_diag" and "custom"}}
  %h:3 = seq.newton_rnn "rnn_tanh" %x params() : (tensor<1x10x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @param_count(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{cell 'gru_diag' takes 9 parameters (W_*, a_*, b_* per gate), got 1}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w) : (tensor<1x10x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @weight_input_dim(%x: tensor<1x10x4xf32>, %w: tensor<8x5xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'W_z' dimension 1 (D) is 5, but 'x' dimension 2 (D) is 4}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<1x10x4xf32>, tensor<8x5xf32>, tensor<8x5xf32>, tensor<8x5xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @bias_width(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>, %b: tensor<7xf32>) {
  // expected-error @+1 {{'b_z' dimension 0 (H) is 7, but 'W_z' dimension 0 (H) is 8}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %b, %b, %b)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<7xf32>, tensor<7xf32>,
         tensor<7xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @lstm_h0(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>, %h0: tensor<1x8xf32>) {
  // expected-error @+1 {{'h0' must be [B, 2, H], got rank 2}}
  %h:3 = seq.newton_rnn "lstm_diag" %x params(%w, %w, %w, %w, %a, %a, %a, %a, %a, %a, %a, %a) h0(%h0)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<1x8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @lstm_h0_pair(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>, %h0: tensor<1x3x8xf32>) {
  // expected-error @+1 {{'h0' dimension 1 must be 2, got 3}}
  %h:3 = seq.newton_rnn "lstm_diag" %x params(%w, %w, %w, %w, %a, %a, %a, %a, %a, %a, %a, %a) h0(%h0)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<1x3x8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @tolerance(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{tol must be positive, got 0}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a) {tol = 0.0 : f64}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @lstm_param_count(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{cell 'lstm_diag' takes 12 parameters (W_*, a_*, b_* per gate), got 9}}
  %h:3 = seq.newton_rnn "lstm_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @diag_rank(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'a_z' must be [H], got rank 2}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %w, %a, %a, %a, %a, %a)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @input_rank(%x: tensor<10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'x' must be [B, T, D], got rank 2}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @hidden_width(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'h' dimension 2 (H) is 6, but 'W_z' dimension 0 (H) is 8}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x6xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @gru_h0_batch(%x: tensor<2x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>, %h0: tensor<3x8xf32>) {
  // expected-error @+1 {{'h0' dimension 0 (B) is 3, but 'x' dimension 0 (B) is 2}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a) h0(%h0)
      : (tensor<2x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>, tensor<3x8xf32>) -> (tensor<2x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @max_iters(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'max_iters' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a) {max_iters = 0 : i64}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @residual_type(%x: tensor<1x10x4xf64>, %w: tensor<8x4xf64>, %a: tensor<8xf64>) {
  // expected-error @+1 {{residual must be 'f64' (the compute type of x), got 'f32'}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      : (tensor<1x10x4xf64>, tensor<8x4xf64>, tensor<8x4xf64>, tensor<8x4xf64>,
         tensor<8xf64>, tensor<8xf64>, tensor<8xf64>, tensor<8xf64>, tensor<8xf64>,
         tensor<8xf64>) -> (tensor<1x10x8xf64>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @custom_without_functions(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{cell "custom" needs 'step', 'jacobian' and 'gates'}}
  %h:3 = seq.newton_rnn "custom" %x params(%w) {gates = 1 : i64}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func private @step(tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>

func.func @functions_on_builtin_cell(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'step', 'jacobian' and 'gates' belong to cell "custom"}}
  %h:3 = seq.newton_rnn "gru_diag" %x params(%w, %w, %w, %a, %a, %a, %a, %a, %a)
      {gates = 3 : i64, step = @step, jacobian = @step}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func private @step(tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>

func.func @custom_gate_count(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{cell "custom" has 2 gates but only 1 parameters}}
  %h:3 = seq.newton_rnn "custom" %x params(%w) {gates = 2 : i64, step = @step, jacobian = @step}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func private @step(tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>

func.func @custom_vector_shape(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'p_0' must be [H], got rank 2}}
  %h:3 = seq.newton_rnn "custom" %x params(%w, %w) {gates = 1 : i64, step = @step, jacobian = @step}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func private @step(tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>

func.func @custom_arity(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'step' function @step must take 2 arguments (h, one projection per gate, each vector) and return one value; it takes 3 and returns 1}}
  %h:3 = seq.newton_rnn "custom" %x params(%w) {gates = 1 : i64, step = @step, jacobian = @step}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}

// -----

func.func @custom_missing_function(%x: tensor<1x10x4xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'step' names @nowhere, which is not a function}}
  %h:3 = seq.newton_rnn "custom" %x params(%w) {gates = 1 : i64, step = @nowhere, jacobian = @nowhere}
      : (tensor<1x10x4xf32>, tensor<8x4xf32>) -> (tensor<1x10x8xf32>, tensor<i32>, tensor<f32>)
  return
}
