// Row-wise softmax of a row-major [rows, ncols] matrix, ncols <= 128: one
// program per row, max and sum by tile.reduce.

tile.func @softmax(%in: !tile.ptr<f32>, %out: !tile.ptr<f32>, %ncols: i32) {
  %row = tile.program_id x
  %start = arith.muli %row, %ncols : i32
  %cols = tile.make_range 0, 128 : tensor<128xi32>
  %n = tile.splat %ncols : tensor<128xi32>
  %mask = arith.cmpi slt, %cols, %n : tensor<128xi32>
  %s = tile.splat %start : tensor<128xi32>
  %offs = arith.addi %s, %cols : tensor<128xi32>
  %base = tile.splat %in : tensor<128x!tile.ptr<f32>>
  %ptrs = tile.addptr %base, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %ninf = arith.constant dense<0xFF800000> : tensor<128xf32>
  %x = tile.load %ptrs, %mask, %ninf : tensor<128x!tile.ptr<f32>>
  %m = tile.reduce(%x) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %b : f32
    tile.yield %r : f32
  }
  %ms = tile.splat %m : tensor<128xf32>
  %d = arith.subf %x, %ms : tensor<128xf32>
  %e = math.exp %d : tensor<128xf32>
  %sum = tile.reduce(%e) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %ss = tile.splat %sum : tensor<128xf32>
  %y = arith.divf %e, %ss : tensor<128xf32>
  %obase = tile.splat %out : tensor<128x!tile.ptr<f32>>
  %optrs = tile.addptr %obase, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %optrs, %y, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
