// RUN: recur-opt %s -split-input-file -verify-diagnostics

// Pointers point at tile elements only: integers, floats and pointers.

// expected-error @+1 {{pointee must be an integer, float or pointer type, got 'tensor<4xf32>'}}
tile.func private @pointer_to_tensor(%p: !tile.ptr<tensor<4xf32>>) -> tensor<4xf32> {
  %v = tile.load %p : !tile.ptr<tensor<4xf32>>
  tile.return %v : tensor<4xf32>
}

// -----

// expected-error @+1 {{pointee must be an integer, float or pointer type, got 'index'}}
tile.func private @pointer_to_index(!tile.ptr<index>)
