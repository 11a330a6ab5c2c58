// C[M, N] = A[M, K] B[K, N], row-major, 32x16 output tiles on a 2-D grid,
// a K loop of 16-wide slices; every access is masked, so any M, N, K work.

tile.func @matmul(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>, %c: !tile.ptr<f32>,
                  %M: i32, %N: i32, %K: i32) {
  %pm = tile.program_id x
  %pn = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c16 = arith.constant 16 : i32
  %c32 = arith.constant 32 : i32
  %rm0 = tile.make_range 0, 32 : tensor<32xi32>
  %rn0 = tile.make_range 0, 16 : tensor<16xi32>
  %rk = tile.make_range 0, 16 : tensor<16xi32>
  %om = arith.muli %pm, %c32 : i32
  %on = arith.muli %pn, %c16 : i32
  %oms = tile.splat %om : tensor<32xi32>
  %ons = tile.splat %on : tensor<16xi32>
  %rm = arith.addi %oms, %rm0 : tensor<32xi32>
  %rn = arith.addi %ons, %rn0 : tensor<16xi32>
  %rmc = tile.expand_dims %rm axis = 1 : tensor<32xi32> -> tensor<32x1xi32>
  %rnr = tile.expand_dims %rn axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %rkr = tile.expand_dims %rk axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %rkc = tile.expand_dims %rk axis = 1 : tensor<16xi32> -> tensor<16x1xi32>

  // a[m, k] at a + m*K + k; b[k, n] at b + k*N + n.
  %Kc = tile.splat %K : tensor<32x1xi32>
  %arow = arith.muli %rmc, %Kc : tensor<32x1xi32>
  %arowb = tile.broadcast %arow : tensor<32x1xi32> -> tensor<32x16xi32>
  %acolb = tile.broadcast %rkr : tensor<1x16xi32> -> tensor<32x16xi32>
  %aoff = arith.addi %arowb, %acolb : tensor<32x16xi32>
  %abase = tile.splat %a : tensor<32x16x!tile.ptr<f32>>
  %aptr0 = tile.addptr %abase, %aoff : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
  %Nc = tile.splat %N : tensor<16x1xi32>
  %brow = arith.muli %rkc, %Nc : tensor<16x1xi32>
  %browb = tile.broadcast %brow : tensor<16x1xi32> -> tensor<16x16xi32>
  %bcolb = tile.broadcast %rnr : tensor<1x16xi32> -> tensor<16x16xi32>
  %boff = arith.addi %browb, %bcolb : tensor<16x16xi32>
  %bbase = tile.splat %b : tensor<16x16x!tile.ptr<f32>>
  %bptr0 = tile.addptr %bbase, %boff : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>

  %Mc = tile.splat %M : tensor<32x1xi32>
  %mmask = arith.cmpi slt, %rmc, %Mc : tensor<32x1xi32>
  %Nr = tile.splat %N : tensor<1x16xi32>
  %nmask = arith.cmpi slt, %rnr, %Nr : tensor<1x16xi32>
  %zero_a = arith.constant dense<0.0> : tensor<32x16xf32>
  %zero_b = arith.constant dense<0.0> : tensor<16x16xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x16xf32>
  %KN = arith.muli %c16, %N : i32
  %res:3 = scf.for %k = %c0 to %K step %c16
      iter_args(%acc = %acc0, %ap = %aptr0, %bp = %bptr0)
      -> (tensor<32x16xf32>, tensor<32x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>) : i32 {
    %ks = tile.splat %k : tensor<16xi32>
    %kk = arith.addi %ks, %rk : tensor<16xi32>
    %Kv = tile.splat %K : tensor<16xi32>
    %kmask = arith.cmpi slt, %kk, %Kv : tensor<16xi32>
    %kmr = tile.expand_dims %kmask axis = 0 : tensor<16xi1> -> tensor<1x16xi1>
    %kmc = tile.expand_dims %kmask axis = 1 : tensor<16xi1> -> tensor<16x1xi1>
    %am1 = tile.broadcast %mmask : tensor<32x1xi1> -> tensor<32x16xi1>
    %am2 = tile.broadcast %kmr : tensor<1x16xi1> -> tensor<32x16xi1>
    %amask = arith.andi %am1, %am2 : tensor<32x16xi1>
    %bm1 = tile.broadcast %kmc : tensor<16x1xi1> -> tensor<16x16xi1>
    %bm2 = tile.broadcast %nmask : tensor<1x16xi1> -> tensor<16x16xi1>
    %bmask = arith.andi %bm1, %bm2 : tensor<16x16xi1>
    %at = tile.load %ap, %amask, %zero_a : tensor<32x16x!tile.ptr<f32>>
    %bt = tile.load %bp, %bmask, %zero_b : tensor<16x16x!tile.ptr<f32>>
    %acc2 = tile.dot %at, %bt, %acc : tensor<32x16xf32> * tensor<16x16xf32> -> tensor<32x16xf32>
    %sa = tile.splat %c16 : tensor<32x16xi32>
    %ap2 = tile.addptr %ap, %sa : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
    %sb = tile.splat %KN : tensor<16x16xi32>
    %bp2 = tile.addptr %bp, %sb : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
    scf.yield %acc2, %ap2, %bp2 : tensor<32x16xf32>, tensor<32x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>
  }

  %Nc2 = tile.splat %N : tensor<32x1xi32>
  %crow = arith.muli %rmc, %Nc2 : tensor<32x1xi32>
  %crowb = tile.broadcast %crow : tensor<32x1xi32> -> tensor<32x16xi32>
  %ccolb = tile.broadcast %rnr : tensor<1x16xi32> -> tensor<32x16xi32>
  %coff = arith.addi %crowb, %ccolb : tensor<32x16xi32>
  %cbase = tile.splat %c : tensor<32x16x!tile.ptr<f32>>
  %cptr = tile.addptr %cbase, %coff : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
  %cm1 = tile.broadcast %mmask : tensor<32x1xi1> -> tensor<32x16xi1>
  %cm2 = tile.broadcast %nmask : tensor<1x16xi1> -> tensor<32x16xi1>
  %cmask = arith.andi %cm1, %cm2 : tensor<32x16xi1>
  tile.store %cptr, %res#0, %cmask : tensor<32x16x!tile.ptr<f32>>
  tile.return
}
