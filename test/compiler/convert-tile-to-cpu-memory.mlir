// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// addptr scales element offsets by the pointee size: ptr + sext(off) * size.
// CHECK-LABEL: func.func private @addptr_scalar
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i32,
// CHECK:         %[[O64:.*]] = arith.extsi %[[O]] : i32 to i64
// CHECK:         %[[FOUR:.*]] = arith.constant 4 : i64
// CHECK:         %[[BYTES:.*]] = arith.muli %[[O64]], %[[FOUR]] : i64
// CHECK:         arith.addi %[[P]], %[[BYTES]] : i64
tile.func private @addptr_scalar(%p: !tile.ptr<f32>, %o: i32) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i32
  tile.return %a : !tile.ptr<f32>
}

// -----

// CHECK-LABEL: func.func private @addptr_sizes
// CHECK:         arith.constant dense<2> : tensor<8xi64>
// CHECK:         arith.constant dense<1> : tensor<8xi64>
// CHECK:         arith.constant dense<8> : tensor<8xi64>
// CHECK:         arith.constant dense<8> : tensor<8xi64>
tile.func private @addptr_sizes(%h: tensor<8x!tile.ptr<f16>>, %b: tensor<8x!tile.ptr<i8>>,
                                %d: tensor<8x!tile.ptr<f64>>,
                                %pp: tensor<8x!tile.ptr<!tile.ptr<f32>>>, %o: tensor<8xi32>)
    -> (tensor<8x!tile.ptr<f16>>, tensor<8x!tile.ptr<i8>>, tensor<8x!tile.ptr<f64>>,
        tensor<8x!tile.ptr<!tile.ptr<f32>>>) {
  %a1 = tile.addptr %h, %o : tensor<8x!tile.ptr<f16>>, tensor<8xi32>
  %a2 = tile.addptr %b, %o : tensor<8x!tile.ptr<i8>>, tensor<8xi32>
  %a3 = tile.addptr %d, %o : tensor<8x!tile.ptr<f64>>, tensor<8xi32>
  %a4 = tile.addptr %pp, %o : tensor<8x!tile.ptr<!tile.ptr<f32>>>, tensor<8xi32>
  tile.return %a1, %a2, %a3, %a4 : tensor<8x!tile.ptr<f16>>, tensor<8x!tile.ptr<i8>>,
      tensor<8x!tile.ptr<f64>>, tensor<8x!tile.ptr<!tile.ptr<f32>>>
}

// -----

// i64 offsets need no extension.
// CHECK-LABEL: func.func private @addptr_i64
// CHECK-NOT:     arith.extsi
// CHECK:         arith.muli
tile.func private @addptr_i64(%p: !tile.ptr<f32>, %o: i64) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i64
  tile.return %a : !tile.ptr<f32>
}

// -----

// A masked tile load is a masked gather, 16 lanes at a time; the i1 mask is
// read as bytes, and masked-off lanes take `other`.
// CHECK-LABEL: func.func private @load_masked
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<32xi64>, %[[M:[a-z0-9_]+]]: tensor<32xi1>, %[[O:[a-z0-9_]+]]: tensor<32xf16>,
// CHECK:         %[[MB:.*]] = arith.extui %[[M]] : tensor<32xi1> to tensor<32xi8>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<32xf16>)
// CHECK:           %[[A:.*]] = vector.transfer_read %[[P]][%[[I]]]{{.*}} : tensor<32xi64>, vector<16xi64>
// CHECK:           %[[PTRS:.*]] = llvm.inttoptr %[[A]] : vector<16xi64> to vector<16x!llvm.ptr>
// CHECK:           %[[B:.*]] = vector.transfer_read %[[MB]][%[[I]]]{{.*}} : tensor<32xi8>, vector<16xi8>
// CHECK:           %[[LANES:.*]] = arith.cmpi ne, %[[B]], %{{.*}} : vector<16xi8>
// CHECK:           %[[PASS:.*]] = vector.transfer_read %[[O]][%[[I]]]{{.*}} : tensor<32xf16>, vector<16xf16>
// CHECK:           %[[V:.*]] = llvm.intr.masked.gather %[[PTRS]], %[[LANES]], %[[PASS]] {alignment = 2 : i32}
// CHECK:           vector.transfer_write %[[V]], %[[ACC]][%[[I]]]
tile.func private @load_masked(%p: tensor<32x!tile.ptr<f16>>, %m: tensor<32xi1>,
                               %o: tensor<32xf16>) -> tensor<32xf16> {
  %v = tile.load %p, %m, %o : tensor<32x!tile.ptr<f16>>
  tile.return %v : tensor<32xf16>
}

// -----

// Without a mask every lane loads; without `other` masked lanes read zero.
// 2-D tiles are walked flat; 24 lanes go 8 at a time.
// CHECK-LABEL: func.func private @load_unmasked_2d
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x8xi64> into tensor<24xi64>
// CHECK:         arith.constant dense<true> : vector<8xi1>
// CHECK:         arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK:         llvm.intr.masked.gather
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [3, 8] : tensor<24xf32> into tensor<3x8xf32>
tile.func private @load_unmasked_2d(%p: tensor<3x8x!tile.ptr<f32>>) -> tensor<3x8xf32> {
  %v = tile.load %p : tensor<3x8x!tile.ptr<f32>>
  tile.return %v : tensor<3x8xf32>
}

// -----

// Scalar and volatile loads go lane by lane; a masked scalar load yields
// zero when the mask is off.
// CHECK-LABEL: func.func private @load_scalar
// CHECK:         %[[PTR:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK:         llvm.load %[[PTR]] : !llvm.ptr -> f64
// CHECK:         scf.if %{{.*}} -> (f64) {
// CHECK:           llvm.load
// CHECK:         } else {
// CHECK:           arith.constant 0.000000e+00 : f64
tile.func private @load_scalar(%p: !tile.ptr<f64>, %m: i1) -> (f64, f64) {
  %a = tile.load %p : !tile.ptr<f64>
  %b = tile.load %p, %m : !tile.ptr<f64>
  tile.return %a, %b : f64, f64
}

// -----

// CHECK-LABEL: func.func private @load_volatile
// CHECK-NOT:     masked.gather
// CHECK:         scf.for
// CHECK:           llvm.load volatile %{{.*}} : !llvm.ptr -> i32
// CHECK:           tensor.insert
tile.func private @load_volatile(%p: tensor<4x!tile.ptr<i32>>) -> tensor<4xi32> {
  %v = tile.load %p {isVolatile} : tensor<4x!tile.ptr<i32>>
  tile.return %v : tensor<4xi32>
}

// -----

// A pointer tile of unknown layout is stored with a masked scatter.
// CHECK-LABEL: func.func private @store_masked
// CHECK:         scf.for
// CHECK:           llvm.inttoptr %{{.*}} : vector<16xi64> to vector<16x!llvm.ptr>
// CHECK:           arith.cmpi ne
// CHECK:           %[[V:.*]] = vector.transfer_read %{{.*}} : tensor<64xf32>, vector<16xf32>
// CHECK:           llvm.intr.masked.scatter %[[V]], %{{.*}}, %{{.*}} {alignment = 4 : i32}
tile.func private @store_masked(%pp: tensor<64x!tile.ptr<f32>>, %x: f32, %n: i32) {
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %ns = tile.splat %n : tensor<64xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<64xi32>
  %v = tile.splat %x : tensor<64xf32>
  tile.store %pp, %v, %m : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// i1 tiles are one byte per element in memory, so they are stored lane by
// lane; so is a scalar store.
// CHECK-LABEL: func.func @store_bools
// CHECK:         scf.for
// CHECK:           llvm.store %{{.*}}, %{{.*}} : i1, !llvm.ptr
// CHECK:         llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr
tile.func @store_bools(%p: !tile.ptr<i1>, %q: !tile.ptr<i32>, %c: i32) {
  %ps = tile.splat %p : tensor<8x!tile.ptr<i1>>
  %t = arith.constant dense<true> : tensor<8xi1>
  tile.store %ps, %t : tensor<8x!tile.ptr<i1>>
  tile.store %q, %c : !tile.ptr<i32>
  tile.return
}

// -----

// Atomics go lane by lane; masked-off lanes return zero.
// CHECK-LABEL: func.func private @atomics
// CHECK:         scf.for
// CHECK:           scf.if %{{.*}} -> (f32) {
// CHECK:             llvm.atomicrmw fadd %{{.*}}, %{{.*}} acq_rel : !llvm.ptr, f32
// CHECK:         llvm.atomicrmw add %{{.*}}, %{{.*}} monotonic : !llvm.ptr, i32
// CHECK:         llvm.atomicrmw _and %{{.*}}, %{{.*}} acquire : !llvm.ptr, i32
tile.func private @atomics(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf32>, %m: tensor<4xi1>,
                           %q: !tile.ptr<i32>, %i: i32) -> (tensor<4xf32>, i32, i32) {
  %a = tile.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : tensor<4x!tile.ptr<f32>>
  %b = tile.atomic_rmw add, relaxed, gpu, %q, %i : !tile.ptr<i32>
  %c = tile.atomic_rmw and, acquire, sys, %q, %i : !tile.ptr<i32>
  tile.return %a, %b, %c : tensor<4xf32>, i32, i32
}

// -----

// splat(base) + make_range is unit-stride: each 16-lane vector is one masked
// vector load (store) at its first lane's address.
// CHECK-LABEL: func.func @contiguous_1d
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK:           %[[A:[a-z0-9_]+]] = tensor.extract %{{.*}}[%[[I]]] : tensor<128xi64>
// CHECK:           %[[PTR:[a-z0-9_]+]] = llvm.inttoptr %[[A]] : i64 to !llvm.ptr
// CHECK:           llvm.intr.masked.load %[[PTR]], %{{.*}}, %{{.*}} {alignment = 4 : i32} : (!llvm.ptr, vector<16xi1>, vector<16xf32>) -> vector<16xf32>
// CHECK:         scf.for
// CHECK:           llvm.intr.masked.store %{{.*}}, %{{.*}}, %{{.*}} {alignment = 4 : i32} : vector<16xf32>, vector<16xi1> into !llvm.ptr
tile.func @contiguous_1d(%x: !tile.ptr<f32>, %n: i32) {
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
  %v = tile.load %xp, %mask : tensor<128x!tile.ptr<f32>>
  tile.store %xp, %v, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}

// -----

// Rows of a row-major matrix: row * ld broadcast along columns plus the
// column range is unit-stride within each row of 8, so vectors are 8 wide.
// CHECK-LABEL: func.func @contiguous_rows
// CHECK:         llvm.intr.masked.load {{.*}} -> vector<8xf16>
// CHECK-NOT:     masked.gather
tile.func @contiguous_rows(%a: !tile.ptr<f16>, %ld: i32) {
  %rows = tile.make_range 0, 4 : tensor<4xi32>
  %cols = tile.make_range 0, 8 : tensor<8xi32>
  %r2 = tile.expand_dims %rows axis = 1 : tensor<4xi32> -> tensor<4x1xi32>
  %lds = tile.splat %ld : tensor<4x1xi32>
  %rowoff = arith.muli %r2, %lds : tensor<4x1xi32>
  %rowb = tile.broadcast %rowoff : tensor<4x1xi32> -> tensor<4x8xi32>
  %c2 = tile.expand_dims %cols axis = 0 : tensor<8xi32> -> tensor<1x8xi32>
  %colb = tile.broadcast %c2 : tensor<1x8xi32> -> tensor<4x8xi32>
  %off = arith.addi %rowb, %colb : tensor<4x8xi32>
  %base = tile.splat %a : tensor<4x8x!tile.ptr<f16>>
  %p = tile.addptr %base, %off : tensor<4x8x!tile.ptr<f16>>, tensor<4x8xi32>
  %v = tile.load %p : tensor<4x8x!tile.ptr<f16>>
  tile.store %p, %v : tensor<4x8x!tile.ptr<f16>>
  tile.return
}

// -----

// A stride of 2 (offsets * 2) is not unit-stride: gathers.
// CHECK-LABEL: func.func @strided
// CHECK:         llvm.intr.masked.gather
// CHECK-NOT:     llvm.intr.masked.load
tile.func @strided(%x: !tile.ptr<f32>) {
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %two = arith.constant dense<2> : tensor<16xi32>
  %offs = arith.muli %r, %two : tensor<16xi32>
  %xs = tile.splat %x : tensor<16x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  %v = tile.load %xp : tensor<16x!tile.ptr<f32>>
  %o = tile.splat %x : tensor<16x!tile.ptr<f32>>
  %op = tile.addptr %o, %r : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  tile.store %op, %v : tensor<16x!tile.ptr<f32>>
  tile.return
}
