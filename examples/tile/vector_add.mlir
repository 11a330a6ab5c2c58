// c = a + b over n elements, 128 per program; the last program is masked.

tile.func @add(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %out: !tile.ptr<f32>,
               %n: i32) {
  %pid = tile.program_id x
  %c128 = arith.constant 128 : i32
  %start = arith.muli %pid, %c128 : i32
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %s = tile.splat %start : tensor<128xi32>
  %offs = arith.addi %s, %r : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %offs, %ns : tensor<128xi32>
  %xs = tile.splat %x : tensor<128x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %ys = tile.splat %y : tensor<128x!tile.ptr<f32>>
  %yp = tile.addptr %ys, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %a = tile.load %xp, %mask : tensor<128x!tile.ptr<f32>>
  %b = tile.load %yp, %mask : tensor<128x!tile.ptr<f32>>
  %c = arith.addf %a, %b : tensor<128xf32>
  %os = tile.splat %out : tensor<128x!tile.ptr<f32>>
  %op = tile.addptr %os, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %op, %c, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
