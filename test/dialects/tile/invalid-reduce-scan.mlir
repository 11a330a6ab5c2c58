// RUN: recur-opt %s -split-input-file -verify-diagnostics

tile.func private @reduce_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'tile.reduce' op axis 2 out of range for rank 2}}
  %r = tile.reduce(%x) axis = 2 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @reduce_negative_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis -1 out of range for rank 2}}
  %r = tile.reduce(%x) axis = -1 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @reduce_no_source() {
  // expected-error @+1 {{'tile.reduce' op needs at least one source}}
  tile.reduce() axis = 0 : () -> () {
  ^bb0:
    tile.yield
  }
  tile.return
}

// -----

tile.func private @reduce_arg_count(%x: tensor<8xf32>) {
  // expected-error @+1 {{combine region takes 3 arguments, expected 2}}
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32, %c: f32):
    tile.yield %a : f32
  }
  tile.return
}

// -----

// Two sources need four arguments: both accumulators, then both elements.
tile.func private @reduce_arg_count_two(%x: tensor<8xf32>, %i: tensor<8xi32>) {
  // expected-error @+1 {{combine region takes 2 arguments, expected 4}}
  %r, %j = tile.reduce(%x, %i) axis = 0 : (tensor<8xf32>, tensor<8xi32>) -> (f32, i32) {
  ^bb0(%a: f32, %ia: i32):
    tile.yield %a, %ia : f32, i32
  }
  tile.return
}

// -----

tile.func private @reduce_arg_type(%x: tensor<8xf32>) {
  // expected-error @+1 {{combine arguments 0 and 1 must be 'f32'}}
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f16, %b: f16):
    %c = arith.extf %a : f16 to f32
    tile.yield %c : f32
  }
  tile.return
}

// -----

// Arguments are (acc0, acc1, elt0, elt1), not (acc0, elt0, acc1, elt1).
tile.func private @reduce_arg_order(%x: tensor<8xf32>, %i: tensor<8xi32>) {
  // expected-error @+1 {{combine arguments 0 and 2 must be 'f32'}}
  %r, %j = tile.reduce(%x, %i) axis = 0 : (tensor<8xf32>, tensor<8xi32>) -> (f32, i32) {
  ^bb0(%a: f32, %b: f32, %ia: i32, %ib: i32):
    tile.yield %a, %ia : f32, i32
  }
  tile.return
}

// -----

tile.func private @reduce_yield_count(%x: tensor<8xf32>) {
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    // expected-error @+1 {{'tile.yield' op yields 2 values, expected 1}}
    tile.yield %a, %b : f32, f32
  }
  tile.return
}

// -----

tile.func private @reduce_yield_type(%x: tensor<8xf32>) {
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.truncf %a : f32 to f16
    // expected-error @+1 {{'tile.yield' op value 0 must be 'f32'}}
    tile.yield %t : f16
  }
  tile.return
}

// -----

tile.func private @reduce_result_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result type 'tensor<8xf32>' should be 'tensor<4xf32>'}}
  %r = tile.reduce(%x) axis = 1 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

// Reducing a 1-D tensor yields a scalar, not a one-element tensor.
tile.func private @reduce_1d_result(%x: tensor<8xf32>) {
  // expected-error @+1 {{result type 'tensor<1xf32>' should be 'f32'}}
  %r = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> tensor<1xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @reduce_result_element(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result type 'tensor<4xf16>' should be 'tensor<4xf32>'}}
  %r = tile.reduce(%x) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf16> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @reduce_result_count(%x: tensor<8xf32>) {
  // expected-error @+1 {{'tile.reduce' op has 2 results for 1 sources}}
  %r:2 = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> (f32, f32) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @reduce_source_shapes(%x: tensor<8xf32>, %i: tensor<4xi32>) {
  // expected-error @+1 {{'tile.reduce' op sources must share one shape}}
  %r, %j = tile.reduce(%x, %i) axis = 0 : (tensor<8xf32>, tensor<4xi32>) -> (f32, i32) {
  ^bb0(%a: f32, %ia: i32, %b: f32, %ib: i32):
    tile.yield %a, %ia : f32, i32
  }
  tile.return
}

// -----

tile.func private @reduce_pointers(%p: tensor<8x!tile.ptr<f32>>) {
  // expected-error @+1 {{operand #0 must be variadic of statically shaped tensor of floating-point or signless integer values}}
  %r = "tile.reduce"(%p) <{axis = 0 : i32}> ({
  ^bb0(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>):
    "tile.yield"(%a) : (!tile.ptr<f32>) -> ()
  }) : (tensor<8x!tile.ptr<f32>>) -> !tile.ptr<f32>
  tile.return
}

// -----

tile.func private @scan_result(%x: tensor<8xf32>) {
  // expected-error @+1 {{'tile.scan' op result types must equal source types}}
  %r = tile.scan(%x) axis = 0 : (tensor<8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_result_element(%x: tensor<8xf32>) {
  // expected-error @+1 {{result types must equal source types}}
  %r = tile.scan(%x) axis = 0 : (tensor<8xf32>) -> tensor<8xf16> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_result_count(%x: tensor<8xf32>) {
  // expected-error @+1 {{result types must equal source types}}
  %r:2 = tile.scan(%x) axis = 0 : (tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{'tile.scan' op axis 1 out of range for rank 1}}
  %r = tile.scan(%x) axis = 1 reverse : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_negative_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{'tile.scan' op axis -1 out of range for rank 1}}
  %r = tile.scan(%x) axis = -1 : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tile.yield %s : f32
  }
  tile.return
}

// -----

tile.func private @scan_arg_count(%a: tensor<8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'tile.scan' op combine region takes 2 arguments, expected 4}}
  %ra, %rb = tile.scan(%a, %b) axis = 0 : (tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%x: f32, %y: f32):
    tile.yield %x, %y : f32, f32
  }
  tile.return
}

// -----

tile.func private @scan_arg_type(%x: tensor<8xi32>) {
  // expected-error @+1 {{combine arguments 0 and 1 must be 'i32'}}
  %r = tile.scan(%x) axis = 0 : (tensor<8xi32>) -> tensor<8xi32> {
  ^bb0(%a: i64, %b: i64):
    %s = arith.trunci %a : i64 to i32
    tile.yield %s : i32
  }
  tile.return
}

// -----

tile.func private @scan_yield_count(%a: tensor<8xf32>, %b: tensor<8xf32>) {
  %ra, %rb = tile.scan(%a, %b) axis = 0 : (tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    // expected-error @+1 {{'tile.yield' op yields 1 values, expected 2}}
    tile.yield %a1 : f32
  }
  tile.return
}

// -----

tile.func private @scan_yield_type(%a: tensor<8xf32>, %b: tensor<8xi32>) {
  %ra, %rb = tile.scan(%a, %b) axis = 0 : (tensor<8xf32>, tensor<8xi32>) -> (tensor<8xf32>, tensor<8xi32>) {
  ^bb0(%a1: f32, %b1: i32, %a2: f32, %b2: i32):
    // expected-error @+1 {{'tile.yield' op value 1 must be 'i32'}}
    tile.yield %a1, %a2 : f32, f32
  }
  tile.return
}

// -----

tile.func private @scan_source_shapes(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{sources must share one shape}}
  %ra, %rb = tile.scan(%a, %b) axis = 0 : (tensor<4x8xf32>, tensor<8x4xf32>) -> (tensor<4x8xf32>, tensor<8x4xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    tile.yield %a1, %b1 : f32, f32
  }
  tile.return
}

// -----

tile.func private @yield_outside(%x: f32) {
  // expected-error @+1 {{'tile.yield' op expects parent op to be one of 'tile.reduce, tile.scan'}}
  tile.yield %x : f32
}
