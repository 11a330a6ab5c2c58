// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %r = tile.reduce(%x) axis = 2 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @arg_count(%x: tensor<8xf32>) {
  // expected-error @+1 {{combine region takes 3 arguments, expected 2}}
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32, %c: f32):
    tile.yield %a : f32
  }
  tile.return
}

// -----

tile.func private @arg_type(%x: tensor<8xf32>) {
  // expected-error @+1 {{combine arguments 0 and 1 must be 'f32'}}
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f16, %b: f16):
    %c = arith.extf %a : f16 to f32
    tile.yield %c : f32
  }
  tile.return
}

// -----

tile.func private @yield_count(%x: tensor<8xf32>) {
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    // expected-error @+1 {{yields 2 values, expected 1}}
    tile.yield %a, %b : f32, f32
  }
  tile.return
}

// -----

tile.func private @yield_type(%x: tensor<8xf32>) {
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.truncf %a : f32 to f16
    // expected-error @+1 {{value 0 must be 'f32'}}
    tile.yield %t : f16
  }
  tile.return
}

// -----

tile.func private @result_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result type 'tensor<8xf32>' should be 'tensor<4xf32>'}}
  %r = tile.reduce(%x) axis = 1 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @source_shapes(%x: tensor<8xf32>, %i: tensor<4xi32>) {
  // expected-error @+1 {{sources must share one shape}}
  %r, %j = tile.reduce(%x, %i) axis = 0 : (tensor<8xf32>, tensor<4xi32>) -> (f32, i32) {
  ^bb0(%a: f32, %ia: i32, %b: f32, %ib: i32):
    tile.yield %a, %ia : f32, i32
  }
  tile.return
}

// -----

tile.func private @scan_result(%x: tensor<8xf32>) {
  // expected-error @+1 {{result types must equal source types}}
  %r = tile.scan(%x) axis = 0 : (tensor<8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %r = tile.scan(%x) axis = 1 reverse : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @yield_outside(%x: f32) {
  // expected-error @+1 {{'tile.yield' op expects parent op to be one of 'tile.reduce, tile.scan'}}
  tile.yield %x : f32
}
