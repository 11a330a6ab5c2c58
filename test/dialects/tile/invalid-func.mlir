// RUN: recur-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{kernel argument #1 must be a scalar or pointer, got 'tensor<4xf32>'}}
tile.func @tensor_arg(%p: !tile.ptr<f32>, %t: tensor<4xf32>) {
  tile.return
}

// -----

// expected-error @+1 {{kernel 'returns' must return nothing}}
tile.func @returns(%x: i32) -> i32 {
  tile.return %x : i32
}

// -----

// expected-error @+1 {{kernel 'no_body' has no body}}
tile.func @no_body(i32)

// -----

tile.func @unknown_callee(%x: i32) {
  // expected-error @+1 {{'missing' does not reference a tile.func}}
  tile.call @missing(%x) : (i32) -> ()
  tile.return
}

// -----

tile.func private @takes_f32(%x: f32) {
  tile.return
}
tile.func @wrong_call_type(%x: i32) {
  // expected-error @+1 {{type '(i32) -> ()' does not match callee type '(f32) -> ()'}}
  tile.call @takes_f32(%x) : (i32) -> ()
  tile.return
}

// -----

tile.func private @wrong_return(%x: i32) -> f32 {
  // expected-error @+1 {{returns 'i32' but the function returns 'f32'}}
  tile.return %x : i32
}

// -----

func.func @program_id_outside() {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'axis' [x, y, z]}}
  %0 = tile.program_id w
  return
}
