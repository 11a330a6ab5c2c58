// Column sums (reduce along axis 0) and reverse column cumulative sums (scan
// along axis 0) of one 4x8 row-major tile.

tile.func @columns(%in: !tile.ptr<f32>, %sums: !tile.ptr<f32>,
                   %cums: !tile.ptr<f32>) {
  // A 4x8 row-major tile: column sums (reduce axis 0, a 2-D reduce) and
  // reverse cumulative sums down each column (scan axis 0 of a 2-D tile).
  %rr = tile.make_range 0, 4 : tensor<4xi32>
  %rc = tile.make_range 0, 8 : tensor<8xi32>
  %r2 = tile.expand_dims %rr axis = 1 : tensor<4xi32> -> tensor<4x1xi32>
  %c2 = tile.expand_dims %rc axis = 0 : tensor<8xi32> -> tensor<1x8xi32>
  %c8 = arith.constant dense<8> : tensor<4x1xi32>
  %row = arith.muli %r2, %c8 : tensor<4x1xi32>
  %rowb = tile.broadcast %row : tensor<4x1xi32> -> tensor<4x8xi32>
  %colb = tile.broadcast %c2 : tensor<1x8xi32> -> tensor<4x8xi32>
  %offs = arith.addi %rowb, %colb : tensor<4x8xi32>
  %base = tile.splat %in : tensor<4x8x!tile.ptr<f32>>
  %ptrs = tile.addptr %base, %offs : tensor<4x8x!tile.ptr<f32>>, tensor<4x8xi32>
  %x = tile.load %ptrs : tensor<4x8x!tile.ptr<f32>>
  %s = tile.reduce(%x) axis = 0 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %sbase = tile.splat %sums : tensor<8x!tile.ptr<f32>>
  %sptr = tile.addptr %sbase, %rc : tensor<8x!tile.ptr<f32>>, tensor<8xi32>
  tile.store %sptr, %s : tensor<8x!tile.ptr<f32>>
  %c = tile.scan(%x) axis = 0 reverse : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %cbase = tile.splat %cums : tensor<4x8x!tile.ptr<f32>>
  %cptr = tile.addptr %cbase, %offs : tensor<4x8x!tile.ptr<f32>>, tensor<4x8xi32>
  tile.store %cptr, %c : tensor<4x8x!tile.ptr<f32>>
  tile.return
}
