// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @addptr_mixed(%p: !tile.ptr<f32>, %o: tensor<4xi32>) {
  // expected-error @+1 {{'tile.addptr' op pointer and offset must both be scalars or both be tensors; splat the scalar first}}
  %a = "tile.addptr"(%p, %o) : (!tile.ptr<f32>, tensor<4xi32>) -> !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @addptr_mixed_tensor_ptr(%p: tensor<4x!tile.ptr<f32>>, %o: i32) {
  // expected-error @+1 {{pointer and offset must both be scalars or both be tensors; splat the scalar first}}
  %a = tile.addptr %p, %o : tensor<4x!tile.ptr<f32>>, i32
  tile.return
}

// -----

tile.func private @addptr_shape(%p: tensor<4x!tile.ptr<f32>>, %o: tensor<8xi32>) {
  // expected-error @+1 {{offset shape differs from pointer shape}}
  %a = tile.addptr %p, %o : tensor<4x!tile.ptr<f32>>, tensor<8xi32>
  tile.return
}

// -----

tile.func private @addptr_float_offset(%p: !tile.ptr<f32>, %o: f32) {
  // expected-error @+1 {{operand #1 must be signless integer or statically shaped tensor of signless integer values}}
  %a = "tile.addptr"(%p, %o) : (!tile.ptr<f32>, f32) -> !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @addptr_not_pointer(%p: i64, %o: i32) {
  // expected-error @+1 {{operand #0 must be tile pointer or statically shaped tensor of tile pointer values}}
  %a = "tile.addptr"(%p, %o) : (i64, i32) -> i64
  tile.return
}

// -----

tile.func private @addptr_result_type(%p: !tile.ptr<f32>, %o: i32) {
  // expected-error @+1 {{failed to verify that all of {ptr, result} have same type}}
  %a = "tile.addptr"(%p, %o) : (!tile.ptr<f32>, i32) -> !tile.ptr<f16>
  tile.return
}

// -----

tile.func private @load_other_without_mask(%p: tensor<4x!tile.ptr<f32>>, %o: tensor<4xf32>) {
  // expected-error @+1 {{'tile.load' op 'other' needs a mask: without one every lane loads}}
  %v = "tile.load"(%p, %o) <{operandSegmentSizes = array<i32: 1, 0, 1>}>
      : (tensor<4x!tile.ptr<f32>>, tensor<4xf32>) -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @load_result_type(%p: tensor<4x!tile.ptr<f32>>) {
  // expected-error @+1 {{failed to verify that result is the pointee of ptr}}
  %v = "tile.load"(%p) <{operandSegmentSizes = array<i32: 1, 0, 0>}>
      : (tensor<4x!tile.ptr<f32>>) -> tensor<4xf16>
  tile.return
}

// -----

tile.func private @load_mask_shape(%p: tensor<4x!tile.ptr<f32>>, %m: tensor<8xi1>) {
  // expected-error @+1 {{failed to verify that mask is i1 of the shape of ptr}}
  %v = "tile.load"(%p, %m) <{operandSegmentSizes = array<i32: 1, 1, 0>}>
      : (tensor<4x!tile.ptr<f32>>, tensor<8xi1>) -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @load_tensor_mask_scalar_ptr(%p: !tile.ptr<f32>, %m: tensor<4xi1>) {
  // expected-error @+1 {{failed to verify that mask is i1 of the shape of ptr}}
  %v = "tile.load"(%p, %m) <{operandSegmentSizes = array<i32: 1, 1, 0>}>
      : (!tile.ptr<f32>, tensor<4xi1>) -> f32
  tile.return
}

// -----

tile.func private @load_other_type(%p: tensor<4x!tile.ptr<f32>>, %m: tensor<4xi1>, %o: tensor<4xf16>) {
  // expected-error @+1 {{failed to verify that other matches the result}}
  %v = "tile.load"(%p, %m, %o) <{operandSegmentSizes = array<i32: 1, 1, 1>}>
      : (tensor<4x!tile.ptr<f32>>, tensor<4xi1>, tensor<4xf16>) -> tensor<4xf32>
  tile.return
}

// -----

// `other` is not broadcast: a scalar fill for a tensor load must be splat.
tile.func private @load_scalar_other(%p: tensor<4x!tile.ptr<f32>>, %m: tensor<4xi1>, %o: f32) {
  // expected-error @+1 {{failed to verify that other matches the result}}
  %v = "tile.load"(%p, %m, %o) <{operandSegmentSizes = array<i32: 1, 1, 1>}>
      : (tensor<4x!tile.ptr<f32>>, tensor<4xi1>, f32) -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @load_not_pointer(%p: tensor<4xi64>) {
  // expected-error @+1 {{operand #0 must be tile pointer or statically shaped tensor of tile pointer values}}
  %v = "tile.load"(%p) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4xi64>) -> tensor<4xi64>
  tile.return
}

// -----

tile.func private @store_value_type(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf16>) {
  // expected-error @+1 {{'tile.store' op failed to verify that value is the pointee of ptr}}
  "tile.store"(%p, %v) : (tensor<4x!tile.ptr<f32>>, tensor<4xf16>) -> ()
  tile.return
}

// -----

tile.func private @store_value_shape(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<8xf32>) {
  // expected-error @+1 {{failed to verify that value is the pointee of ptr}}
  "tile.store"(%p, %v) : (tensor<4x!tile.ptr<f32>>, tensor<8xf32>) -> ()
  tile.return
}

// -----

tile.func private @store_mask_shape(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf32>, %m: tensor<2x2xi1>) {
  // expected-error @+1 {{failed to verify that mask is i1 of the shape of ptr}}
  "tile.store"(%p, %v, %m) : (tensor<4x!tile.ptr<f32>>, tensor<4xf32>, tensor<2x2xi1>) -> ()
  tile.return
}

// -----

tile.func private @store_mask_type(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf32>, %m: tensor<4xi8>) {
  // expected-error @+1 {{operand #2 must be 1-bit signless integer or statically shaped tensor of 1-bit signless integer values}}
  "tile.store"(%p, %v, %m) : (tensor<4x!tile.ptr<f32>>, tensor<4xf32>, tensor<4xi8>) -> ()
  tile.return
}

// -----

tile.func private @fadd_on_ints(%p: !tile.ptr<i32>, %v: i32) {
  // expected-error @+1 {{'tile.atomic_rmw' op 'fadd' needs floating-point values, got 'i32'}}
  %o = tile.atomic_rmw fadd, relaxed, gpu, %p, %v : !tile.ptr<i32>
  tile.return
}

// -----

tile.func private @fmax_on_ints(%p: tensor<4x!tile.ptr<i64>>, %v: tensor<4xi64>) {
  // expected-error @+1 {{'fmax' needs floating-point values, got 'i64'}}
  %o = tile.atomic_rmw fmax, relaxed, gpu, %p, %v : tensor<4x!tile.ptr<i64>>
  tile.return
}

// -----

tile.func private @fmin_on_ints(%p: !tile.ptr<i8>, %v: i8) {
  // expected-error @+1 {{'fmin' needs floating-point values, got 'i8'}}
  %o = tile.atomic_rmw fmin, relaxed, gpu, %p, %v : !tile.ptr<i8>
  tile.return
}

// -----

tile.func private @add_on_floats(%p: !tile.ptr<f32>, %v: f32) {
  // expected-error @+1 {{'tile.atomic_rmw' op 'add' needs integer values, got 'f32'}}
  %o = tile.atomic_rmw add, relaxed, gpu, %p, %v : !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @umax_on_floats(%p: tensor<4x!tile.ptr<f16>>, %v: tensor<4xf16>) {
  // expected-error @+1 {{'umax' needs integer values, got 'f16'}}
  %o = tile.atomic_rmw umax, relaxed, gpu, %p, %v : tensor<4x!tile.ptr<f16>>
  tile.return
}

// -----

tile.func private @and_on_floats(%p: !tile.ptr<f32>, %v: f32) {
  // expected-error @+1 {{'and' needs integer values, got 'f32'}}
  %o = tile.atomic_rmw and, relaxed, gpu, %p, %v : !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @atomic_value_type(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf16>) {
  // expected-error @+1 {{failed to verify that value is the pointee of ptr}}
  %o = "tile.atomic_rmw"(%p, %v) <{kind = 1 : i32, scope = 0 : i32, sem = 0 : i32}>
      : (tensor<4x!tile.ptr<f32>>, tensor<4xf16>) -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @atomic_mask_shape(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf32>, %m: i1) {
  // expected-error @+1 {{failed to verify that mask is i1 of the shape of ptr}}
  %o = "tile.atomic_rmw"(%p, %v, %m) <{kind = 1 : i32, scope = 0 : i32, sem = 0 : i32}>
      : (tensor<4x!tile.ptr<f32>>, tensor<4xf32>, i1) -> tensor<4xf32>
  tile.return
}

// -----

tile.func private @atomic_on_pointers(%p: !tile.ptr<!tile.ptr<f32>>, %v: !tile.ptr<f32>) {
  // expected-error @+1 {{operand #1 must be floating-point or signless integer}}
  %o = "tile.atomic_rmw"(%p, %v) <{kind = 11 : i32, scope = 0 : i32, sem = 0 : i32}>
      : (!tile.ptr<!tile.ptr<f32>>, !tile.ptr<f32>) -> !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @atomic_bad_kind(%p: !tile.ptr<f32>, %v: f32) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind'}}
  %o = tile.atomic_rmw mul, relaxed, gpu, %p, %v : !tile.ptr<f32>
  tile.return
}
