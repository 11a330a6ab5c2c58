// The linear recurrence h_i = a_i h_{i-1} + b_i as a scan of (a, b) pairs
// under the non-commutative combine (a1, b1) o (a2, b2) = (a1 a2, b1 a2 + b2),
// forwards and in reverse, for n <= 128.

tile.func @linrec(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>, %fa: !tile.ptr<f32>,
                  %fb: !tile.ptr<f32>, %ra: !tile.ptr<f32>, %rb: !tile.ptr<f32>,
                  %n: i32) {
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %r, %ns : tensor<128xi32>
  // Padding lanes hold the identity (1, 0) of the combine.
  %one = arith.constant dense<1.0> : tensor<128xf32>
  %zero = arith.constant dense<0.0> : tensor<128xf32>
  %as = tile.splat %a : tensor<128x!tile.ptr<f32>>
  %ap = tile.addptr %as, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %av = tile.load %ap, %mask, %one : tensor<128x!tile.ptr<f32>>
  %bs = tile.splat %b : tensor<128x!tile.ptr<f32>>
  %bp = tile.addptr %bs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %bv = tile.load %bp, %mask, %zero : tensor<128x!tile.ptr<f32>>
  %sa, %sb = tile.scan(%av, %bv) axis = 0
      : (tensor<128xf32>, tensor<128xf32>) -> (tensor<128xf32>, tensor<128xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  %xa, %xb = tile.scan(%av, %bv) axis = 0 reverse
      : (tensor<128xf32>, tensor<128xf32>) -> (tensor<128xf32>, tensor<128xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  %fas = tile.splat %fa : tensor<128x!tile.ptr<f32>>
  %fap = tile.addptr %fas, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %fap, %sa, %mask : tensor<128x!tile.ptr<f32>>
  %fbs = tile.splat %fb : tensor<128x!tile.ptr<f32>>
  %fbp = tile.addptr %fbs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %fbp, %sb, %mask : tensor<128x!tile.ptr<f32>>
  %ras = tile.splat %ra : tensor<128x!tile.ptr<f32>>
  %rap = tile.addptr %ras, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %rap, %xa, %mask : tensor<128x!tile.ptr<f32>>
  %rbs = tile.splat %rb : tensor<128x!tile.ptr<f32>>
  %rbp = tile.addptr %rbs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %rbp, %xb, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
