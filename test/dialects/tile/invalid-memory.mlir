// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @addptr_mixed(%p: !tile.ptr<f32>, %o: tensor<4xi32>) {
  // expected-error @+1 {{pointer and offset must both be scalars or both be tensors; splat the scalar first}}
  %a = "tile.addptr"(%p, %o) : (!tile.ptr<f32>, tensor<4xi32>) -> !tile.ptr<f32>
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

tile.func private @load_other_without_mask(%p: tensor<4x!tile.ptr<f32>>, %o: tensor<4xf32>) {
  // expected-error @+1 {{'other' needs a mask: without one every lane loads}}
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

tile.func private @store_value_type(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf16>) {
  // expected-error @+1 {{failed to verify that value is the pointee of ptr}}
  "tile.store"(%p, %v) : (tensor<4x!tile.ptr<f32>>, tensor<4xf16>) -> ()
  tile.return
}

// -----

tile.func private @fadd_on_ints(%p: !tile.ptr<i32>, %v: i32) {
  // expected-error @+1 {{'fadd' needs floating-point values, got 'i32'}}
  %o = tile.atomic_rmw fadd, relaxed, gpu, %p, %v : !tile.ptr<i32>
  tile.return
}

// -----

tile.func private @add_on_floats(%p: !tile.ptr<f32>, %v: f32) {
  // expected-error @+1 {{'add' needs integer values, got 'f32'}}
  %o = tile.atomic_rmw add, relaxed, gpu, %p, %v : !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @atomic_on_pointers(%p: !tile.ptr<!tile.ptr<f32>>, %v: !tile.ptr<f32>) {
  // expected-error @+1 {{operand #1 must be floating-point or signless integer}}
  %o = "tile.atomic_rmw"(%p, %v) <{kind = 11 : i32, scope = 0 : i32, sem = 0 : i32, operandSegmentSizes = array<i32: 1, 1, 0>}>
      : (!tile.ptr<!tile.ptr<f32>>, !tile.ptr<f32>) -> !tile.ptr<f32>
  tile.return
}
