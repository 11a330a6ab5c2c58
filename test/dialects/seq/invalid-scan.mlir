// RUN: recur-opt %s -split-input-file -verify-diagnostics

func.func @no_state(%x: tensor<2x10x4xf32>) {
  // The custom form cannot spell an empty init list; the generic form can.
  // expected-error @+1 {{needs at least one carried state}}
  %y = "seq.scan"(%x) <{chunk_size = 4 : i64, operandSegmentSizes = array<i32: 1, 0, 0>}> ({
  ^bb0(%xc: tensor<2x4x4xf32>):
    seq.yield %xc : tensor<2x4x4xf32>
  }) : (tensor<2x10x4xf32>) -> tensor<2x10x4xf32>
  return
}

// -----

func.func @no_input(%s0: tensor<4xf32>) {
  // expected-error @+1 {{needs at least one sequence input}}
  %s = "seq.scan"(%s0) <{chunk_size = 4 : i64, operandSegmentSizes = array<i32: 0, 1, 0>}> ({
  ^bb0(%s: tensor<4xf32>):
    seq.yield %s : tensor<4xf32>
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @input_rank(%x: tensor<10xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{input #0 must be [B, T, ...], got 'tensor<10xf32>'}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<10xf32>) init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<4xf32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @time_mismatch(%x: tensor<2x10x4xf32>, %y: tensor<2x12x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{'input #1' dimension 1 (T) is 12, but 'input #0' dimension 1 (T) is 10}}
  %s = seq.scan chunk_size = 4 ins(%x, %y : tensor<2x10x4xf32>, tensor<2x12x4xf32>)
      init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>, %yc: tensor<2x4x4xf32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @chunk_arg(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{body must take the states, then one chunk of each input: expected ('tensor<4xf32>', 'tensor<2x4x4xf32>')}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x10x4xf32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @yield_state_first(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    // expected-error @+1 {{must first yield the new states, of the types of the initial states}}
    seq.yield %xc : tensor<2x4x4xf32>
  }
  return
}

// -----

func.func @chunk_output_length(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  %y, %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>)
      -> tensor<2x10x4xf32>, tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    %bad = tensor.extract_slice %xc[0, 0, 0] [2, 2, 4] [1, 1, 1] : tensor<2x4x4xf32> to tensor<2x2x4xf32>
    // expected-error @+1 {{chunk output #0 must be [B, 4, ...], got 'tensor<2x2x4xf32>'}}
    seq.yield %s, %bad : tensor<4xf32>, tensor<2x2x4xf32>
  }
  return
}

// -----

func.func @result_length(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be 'tensor<2x10x4xf32>', the full-length output}}
  %y, %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>)
      -> tensor<2x12x4xf32>, tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    seq.yield %s, %xc : tensor<4xf32>, tensor<2x4x4xf32>
  }
  return
}

// -----

func.func @result_count(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{has 1 results; expected one per chunk output (1) and per state (1)}}
  %y = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>)
      -> tensor<2x10x4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    seq.yield %s, %xc : tensor<4xf32>, tensor<2x4x4xf32>
  }
  return
}

// -----

func.func @varlen_batch(%x: tensor<2x10x4xf32>, %s0: tensor<1x4xf32>, %cu: tensor<2xi32>) {
  // expected-error @+1 {{'input #0' dimension 0 (B) is 2, but the batch with 'offsets' must be 1}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<1x4xf32>)
      offsets(%cu : tensor<2xi32>) -> tensor<1x4xf32> {
  ^bb0(%s: tensor<1x4xf32>, %xc: tensor<2x4x4xf32>):
    seq.yield %s : tensor<1x4xf32>
  }
  return
}

// -----

func.func @varlen_state_rows(%x: tensor<1x10x4xf32>, %s0: tensor<2x4xf32>, %cu: tensor<4xi32>) {
  // expected-error @+1 {{'state #0' dimension 0 (N) is 2, but 'offsets' length - 1 (N) is 3}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<1x10x4xf32>) init(%s0 : tensor<2x4xf32>)
      offsets(%cu : tensor<4xi32>) -> tensor<2x4xf32> {
  ^bb0(%s: tensor<2x4xf32>, %xc: tensor<1x4x4xf32>):
    seq.yield %s : tensor<2x4xf32>
  }
  return
}

// -----

func.func @chunk_size(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{attribute 'chunk_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %s = seq.scan chunk_size = 0 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x0x4xf32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @batch_mismatch(%x: tensor<2x10x4xf32>, %y: tensor<3x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{'input #1' dimension 0 (B) is 3, but 'input #0' dimension 0 (B) is 2}}
  %s = seq.scan chunk_size = 4 ins(%x, %y : tensor<2x10x4xf32>, tensor<3x10x4xf32>)
      init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>, %yc: tensor<3x4x4xf32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @integer_input(%x: tensor<2x10x4xi32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be variadic of ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xi32>) init(%s0 : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xi32>):
    seq.yield %s : tensor<4xf32>
  }
  return
}

// -----

func.func @state_not_f32(%x: tensor<2x10x4xbf16>, %s0: tensor<4xbf16>) {
  // expected-error @+1 {{operand #1 must be variadic of ranked tensor of 32-bit float values}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xbf16>) init(%s0 : tensor<4xbf16>) -> tensor<4xbf16> {
  ^bb0(%s: tensor<4xbf16>, %xc: tensor<2x4x4xbf16>):
    seq.yield %s : tensor<4xbf16>
  }
  return
}

// -----

func.func @final_state_type(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // expected-error @+1 {{final state #0 must have the type of its initial state 'tensor<4xf32>'}}
  %y, %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>)
      -> tensor<2x10x4xf32>, tensor<8xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    seq.yield %s, %xc : tensor<4xf32>, tensor<2x4x4xf32>
  }
  return
}

// -----

func.func @varlen_scalar_state(%x: tensor<1x10x4xf32>, %s0: tensor<f32>, %cu: tensor<2xi32>) {
  // expected-error @+1 {{with offsets, state #0 needs a leading sequence dimension}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<1x10x4xf32>) init(%s0 : tensor<f32>)
      offsets(%cu : tensor<2xi32>) -> tensor<f32> {
  ^bb0(%s: tensor<f32>, %xc: tensor<1x4x4xf32>):
    seq.yield %s : tensor<f32>
  }
  return
}

// -----

func.func @float_offsets(%x: tensor<1x10x4xf32>, %s0: tensor<1x4xf32>, %cu: tensor<2xf32>) {
  // expected-error @+1 {{operand #2 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values}}
  %s = seq.scan chunk_size = 4 ins(%x : tensor<1x10x4xf32>) init(%s0 : tensor<1x4xf32>)
      offsets(%cu : tensor<2xf32>) -> tensor<1x4xf32> {
  ^bb0(%s: tensor<1x4xf32>, %xc: tensor<1x4x4xf32>):
    seq.yield %s : tensor<1x4xf32>
  }
  return
}

// -----

func.func @dynamic_time_result(%x: tensor<2x?x4xf32>, %y: tensor<2x10x4xf32>, %s0: tensor<4xf32>) {
  // The static T of input #1 fixes the results' length even where input #0 is dynamic.
  // expected-error @+1 {{result #0 must be 'tensor<2x10x4xf32>', the full-length output}}
  %o, %s = seq.scan chunk_size = 4 ins(%x, %y : tensor<2x?x4xf32>, tensor<2x10x4xf32>)
      init(%s0 : tensor<4xf32>) -> tensor<2x?x4xf32>, tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>, %yc: tensor<2x4x4xf32>):
    seq.yield %s, %xc : tensor<4xf32>, tensor<2x4x4xf32>
  }
  return
}

// -----

func.func @chunk_output_batch(%x: tensor<2x10x4xf32>, %s0: tensor<4xf32>, %other: tensor<3x4x4xf32>) {
  // expected-error @+1 {{'chunk output #0' dimension 0 (B) is 3, but 'input #0' dimension 0 (B) is 2}}
  %y, %s = seq.scan chunk_size = 4 ins(%x : tensor<2x10x4xf32>) init(%s0 : tensor<4xf32>)
      -> tensor<3x10x4xf32>, tensor<4xf32> {
  ^bb0(%s: tensor<4xf32>, %xc: tensor<2x4x4xf32>):
    seq.yield %s, %other : tensor<4xf32>, tensor<3x4x4xf32>
  }
  return
}
