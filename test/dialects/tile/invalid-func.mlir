// RUN: recur-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'tile.func' op kernel argument #1 must be a scalar or pointer, got 'tensor<4xf32>'}}
tile.func @tensor_arg(%p: !tile.ptr<f32>, %t: tensor<4xf32>) {
  tile.return
}

// -----

// expected-error @+1 {{kernel argument #0 must be a scalar or pointer, got 'tensor<4x!tile.ptr<f32>>'}}
tile.func @pointer_tensor_arg(%p: tensor<4x!tile.ptr<f32>>) {
  tile.return
}

// -----

// expected-error @+1 {{kernel argument #0 must be a scalar or pointer, got 'vector<4xf32>'}}
tile.func @vector_arg(%v: vector<4xf32>) {
  tile.return
}

// -----

// expected-error @+1 {{'tile.func' op kernel 'returns' must return nothing}}
tile.func @returns(%x: i32) -> i32 {
  tile.return %x : i32
}

// -----

// expected-error @+1 {{'tile.func' op kernel 'no_body' has no body}}
tile.func @no_body(i32)

// -----

// Visibility decides: a public function is a kernel even when it only
// computes like a device function.
// expected-error @+1 {{kernel 'public_device' must return nothing}}
tile.func @public_device(%v: f32) -> f32 {
  tile.return %v : f32
}

// -----

tile.func @unknown_callee(%x: i32) {
  // expected-error @+1 {{'tile.call' op 'missing' does not reference a tile.func}}
  tile.call @missing(%x) : (i32) -> ()
  tile.return
}

// -----

func.func private @builtin_func(i32)

tile.func @func_func_callee(%x: i32) {
  // expected-error @+1 {{'builtin_func' does not reference a tile.func}}
  tile.call @builtin_func(%x) : (i32) -> ()
  tile.return
}

// -----

tile.func private @takes_f32(%x: f32) {
  tile.return
}
tile.func @wrong_call_type(%x: i32) {
  // expected-error @+1 {{'tile.call' op type '(i32) -> ()' does not match callee type '(f32) -> ()'}}
  tile.call @takes_f32(%x) : (i32) -> ()
  tile.return
}

// -----

tile.func private @takes_f32(%x: f32) {
  tile.return
}
tile.func @wrong_call_arity(%x: f32) {
  // expected-error @+1 {{type '(f32, f32) -> ()' does not match callee type '(f32) -> ()'}}
  tile.call @takes_f32(%x, %x) : (f32, f32) -> ()
  tile.return
}

// -----

tile.func private @returns_f32(%x: f32) -> f32 {
  tile.return %x : f32
}
tile.func @wrong_call_result(%x: f32) {
  // expected-error @+1 {{type '(f32) -> f16' does not match callee type '(f32) -> f32'}}
  %r = tile.call @returns_f32(%x) : (f32) -> f16
  tile.return
}

// -----

tile.func private @wrong_return(%x: i32) -> f32 {
  // expected-error @+1 {{'tile.return' op returns 'i32' but the function returns 'f32'}}
  tile.return %x : i32
}

// -----

tile.func private @missing_return_value(%x: i32) -> i32 {
  // expected-error @+1 {{'tile.return' op returns  but the function returns 'i32'}}
  tile.return
}

// -----

tile.func private @extra_return_value(%x: i32, %y: i32) -> i32 {
  // expected-error @+1 {{returns 'i32', 'i32' but the function returns 'i32'}}
  tile.return %x, %y : i32, i32
}

// -----

func.func @return_outside() {
  // expected-error @+1 {{'tile.return' op expects parent op 'tile.func'}}
  tile.return
}

// -----

tile.func @bad_grid_axis() {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'axis' [x, y, z]}}
  %0 = tile.program_id w
  tile.return
}
