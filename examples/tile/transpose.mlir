// out = inᵀ for a row-major [M, N] matrix, in 16x16 tiles on a 2-D grid.
// Loads read rows (unit stride: vector loads); stores write columns (stride
// M: scatters). Both are masked at the matrix edges.

tile.func @transpose(%in: !tile.ptr<f32>, %out: !tile.ptr<f32>, %M: i32, %N: i32) {
  %pm = tile.program_id x
  %pn = tile.program_id y
  %c16 = arith.constant 16 : i32
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %om = arith.muli %pm, %c16 : i32
  %on = arith.muli %pn, %c16 : i32
  %oms = tile.splat %om : tensor<16xi32>
  %ons = tile.splat %on : tensor<16xi32>
  %rm = arith.addi %oms, %r : tensor<16xi32>
  %rn = arith.addi %ons, %r : tensor<16xi32>
  %rows = tile.expand_dims %rm axis = 1 : tensor<16xi32> -> tensor<16x1xi32>
  %cols = tile.expand_dims %rn axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %rowsb = tile.broadcast %rows : tensor<16x1xi32> -> tensor<16x16xi32>
  %colsb = tile.broadcast %cols : tensor<1x16xi32> -> tensor<16x16xi32>

  // in[i, j] at i*N + j; out[j, i] at j*M + i.
  %Ns = tile.splat %N : tensor<16x16xi32>
  %Ms = tile.splat %M : tensor<16x16xi32>
  %inrow = arith.muli %rowsb, %Ns : tensor<16x16xi32>
  %inoff = arith.addi %inrow, %colsb : tensor<16x16xi32>
  %outcol = arith.muli %colsb, %Ms : tensor<16x16xi32>
  %outoff = arith.addi %outcol, %rowsb : tensor<16x16xi32>
  %mrow = arith.cmpi slt, %rowsb, %Ms : tensor<16x16xi32>
  %mcol = arith.cmpi slt, %colsb, %Ns : tensor<16x16xi32>
  %mask = arith.andi %mrow, %mcol : tensor<16x16xi1>

  %inbase = tile.splat %in : tensor<16x16x!tile.ptr<f32>>
  %inptr = tile.addptr %inbase, %inoff : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  %v = tile.load %inptr, %mask : tensor<16x16x!tile.ptr<f32>>
  %outbase = tile.splat %out : tensor<16x16x!tile.ptr<f32>>
  %outptr = tile.addptr %outbase, %outoff : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  tile.store %outptr, %v, %mask : tensor<16x16x!tile.ptr<f32>>
  tile.return
}
