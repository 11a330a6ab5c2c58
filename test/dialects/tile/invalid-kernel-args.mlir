// RUN: recur-opt %s -split-input-file -verify-diagnostics

// Kernel arguments are tile elements: integers, floats and pointers.

// expected-error @+1 {{kernel argument #0 must be a scalar or pointer, got 'index'}}
tile.func @index_arg(%i: index) {
  tile.return
}

// -----

// expected-error @+1 {{kernel argument #0 must be a scalar or pointer, got 'complex<f32>'}}
tile.func @complex_arg(%c: complex<f32>) {
  tile.return
}

// -----

// expected-error @+1 {{kernel argument #0 must be a scalar or pointer, got 'none'}}
tile.func @none_arg(%n: none) {
  tile.return
}
