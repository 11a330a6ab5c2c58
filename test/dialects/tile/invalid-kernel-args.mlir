// RUN: recur-opt %s -split-input-file -verify-diagnostics

// Known bug: FuncOp::verify rejects only shaped kernel arguments, so types the
// dialect cannot compute on (index, complex, none) pass as "scalars" and
// convert-tile-to-cpu carries them into the kernel's signature. Kernel
// arguments should be tile elements: integers, floats and pointers.
// XFAIL: *

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
