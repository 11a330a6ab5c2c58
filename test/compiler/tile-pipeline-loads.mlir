// RUN: recur-opt %s -split-input-file -tile-pipeline-loads | FileCheck %s
// RUN: recur-opt %s -split-input-file -tile-pipeline-loads=num-stages=3 | FileCheck %s
// RUN: recur-opt %s -split-input-file -tile-pipeline-loads=num-stages=1 | FileCheck %s --check-prefix=STAGES1

// With one stage every loop stays as written.
// STAGES1-LABEL: tile.func @matmul
// STAGES1:         scf.for {{.*}} -> (tensor<16x16xf32>, tensor<16x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>) : i32 {
// STAGES1-NEXT:      tile.load
// STAGES1-NEXT:      tile.load
// STAGES1-NEXT:      tile.dot
// STAGES1-LABEL: tile.func @masked
// STAGES1:         scf.for {{.*}} -> (tensor<64xf32>) : i32 {
// STAGES1-LABEL: tile.func @gather
// STAGES1:         scf.for {{.*}} -> (tensor<64xf32>) : i32 {

// A matmul-like K loop: both pointers are iteration arguments advanced by
// addptr. The prologue loads iteration 0 under `lb < ub`; the body loads the
// next iteration through the advanced pointers, under `k + 1 < n`, before
// the dot, which reads the carried tiles.
// CHECK-LABEL: tile.func @matmul
// CHECK:         %[[FIRST:.*]] = arith.cmpi slt, %[[C0:.*]], %[[N:.*]] : i32
// CHECK:         %[[M0:.*]] = splat %[[FIRST]] : tensor<16x16xi1>
// CHECK:         %[[X0:.*]] = load %[[PA0:.*]], %[[M0]] : tensor<16x16x!tile.ptr<f32>>
// CHECK:         %[[M1:.*]] = splat %[[FIRST]] : tensor<16x16xi1>
// CHECK:         %[[Y0:.*]] = load %[[PB0:.*]], %[[M1]] : tensor<16x16x!tile.ptr<f32>>
// CHECK:         %[[R:.*]]:5 = scf.for %[[K:.*]] = %[[C0]] to %[[N]] step %[[C1:.*]] iter_args(%[[ACC:.*]] = %{{.*}}, %[[PA:.*]] = %[[PA0]], %[[PB:.*]] = %[[PB0]], %[[X:.*]] = %[[X0]], %[[Y:.*]] = %[[Y0]])
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[K]], %[[C1]] : i32
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]], %[[N]] : i32
// CHECK-NEXT:      %[[MA:.*]] = tile.splat %[[MORE]] : tensor<16x16xi1>
// CHECK-NEXT:      %[[SA:.*]] = tile.splat %{{.*}} : tensor<16x16xi32>
// CHECK-NEXT:      %[[PA1:.*]] = tile.addptr %[[PA]], %[[SA]]
// CHECK-NEXT:      %[[XN:.*]] = tile.load %[[PA1]], %[[MA]] : tensor<16x16x!tile.ptr<f32>>
// CHECK:           %[[PB1:.*]] = tile.addptr %[[PB]], %{{.*}}
// CHECK-NEXT:      %[[YN:.*]] = tile.load %[[PB1]], %{{.*}} : tensor<16x16x!tile.ptr<f32>>
// CHECK-NEXT:      %[[D:.*]] = tile.dot %[[X]], %[[Y]], %[[ACC]]
// CHECK-NOT:       tile.load
// CHECK:           scf.yield %[[D]], %{{.*}}, %{{.*}}, %[[XN]], %[[YN]] :
// CHECK:         store %{{.*}}, %[[R]]#0
tile.func @matmul(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>, %c: !tile.ptr<f32>, %n: i32, %sa: i32, %sb: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant dense<0.0> : tensor<16x16xf32>
  %r = tile.make_range 0, 256 : tensor<256xi32>
  %off = tile.reshape %r : tensor<256xi32> -> tensor<16x16xi32>
  %ab = tile.splat %a : tensor<16x16x!tile.ptr<f32>>
  %bb = tile.splat %b : tensor<16x16x!tile.ptr<f32>>
  %pa0 = tile.addptr %ab, %off : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  %pb0 = tile.addptr %bb, %off : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  %res:3 = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero, %pa = %pa0, %pb = %pb0) -> (tensor<16x16xf32>, tensor<16x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>) : i32 {
    %x = tile.load %pa : tensor<16x16x!tile.ptr<f32>>
    %y = tile.load %pb : tensor<16x16x!tile.ptr<f32>>
    %d = tile.dot %x, %y, %acc : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
    %sas = tile.splat %sa : tensor<16x16xi32>
    %sbs = tile.splat %sb : tensor<16x16xi32>
    %pa1 = tile.addptr %pa, %sas : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
    %pb1 = tile.addptr %pb, %sbs : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
    scf.yield %d, %pa1, %pb1 : tensor<16x16xf32>, tensor<16x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>
  }
  %cb = tile.splat %c : tensor<16x16x!tile.ptr<f32>>
  %pc = tile.addptr %cb, %off : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  tile.store %pc, %res#0 : tensor<16x16x!tile.ptr<f32>>
  tile.return
}


// -----

// A masked load with `other`, its mask and pointer computed from the
// induction variable: the next iteration's are computed from `k + 64`, and
// the mask gains `k + 64 < n`. The store of this iteration comes first.
// CHECK-LABEL: tile.func @masked
// CHECK:         %[[FIRST:.*]] = arith.cmpi slt, %[[C0:.*]], %[[N:.*]] : i32
// CHECK:         %[[S0:.*]] = splat %[[C0]] : tensor<64xi32>
// CHECK:         %[[I0:.*]] = arith.addi %[[S0]], %[[R:.*]] : tensor<64xi32>
// CHECK:         %[[IN0:.*]] = arith.cmpi slt, %[[I0]], %{{.*}} : tensor<64xi32>
// CHECK:         %[[P0:.*]] = addptr %{{.*}}, %[[I0]]
// CHECK:         %[[F0:.*]] = splat %[[FIRST]] : tensor<64xi1>
// CHECK:         %[[M0:.*]] = arith.andi %[[IN0]], %[[F0]] : tensor<64xi1>
// CHECK:         %[[V0:.*]] = load %[[P0]], %[[M0]], %[[ZERO:.*]] : tensor<64x!tile.ptr<f32>>
// CHECK:         scf.for %[[K:.*]] = %[[C0]] to %[[N]] step %[[C64:.*]] iter_args(%[[ACC:.*]] = %{{.*}}, %[[V:.*]] = %[[V0]])
// CHECK:           %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : tensor<64xf32>
// CHECK:           tile.store %{{.*}}, %[[S]], %{{.*}} : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[K]], %[[C64]] : i32
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]], %[[N]] : i32
// CHECK-NEXT:      %[[SN:.*]] = tile.splat %[[NEXT]] : tensor<64xi32>
// CHECK-NEXT:      %[[IN:.*]] = arith.addi %[[SN]], %[[R]] : tensor<64xi32>
// CHECK-NEXT:      %[[INB:.*]] = arith.cmpi slt, %[[IN]], %{{.*}} : tensor<64xi32>
// CHECK-NEXT:      %[[FM:.*]] = tile.splat %[[MORE]] : tensor<64xi1>
// CHECK-NEXT:      %[[MN:.*]] = arith.andi %[[INB]], %[[FM]] : tensor<64xi1>
// CHECK-NEXT:      %[[PN:.*]] = tile.addptr %{{.*}}, %[[IN]]
// CHECK-NEXT:      %[[VN:.*]] = tile.load %[[PN]], %[[MN]], %[[ZERO]] : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      scf.yield %[[S]], %[[VN]] : tensor<64xf32>, tensor<64xf32>
tile.func @masked(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %yb = tile.splat %y : tensor<64x!tile.ptr<f32>>
  %ns = tile.splat %n : tensor<64xi32>
  %sum = scf.for %k = %c0 to %n step %c64 iter_args(%acc = %zero) -> (tensor<64xf32>) : i32 {
    %ks = tile.splat %k : tensor<64xi32>
    %i = arith.addi %ks, %r : tensor<64xi32>
    %m = arith.cmpi slt, %i, %ns : tensor<64xi32>
    %p = tile.addptr %xb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    %v = tile.load %p, %m, %zero : tensor<64x!tile.ptr<f32>>
    %s = arith.addf %acc, %v : tensor<64xf32>
    %q = tile.addptr %yb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    tile.store %q, %s, %m : tensor<64x!tile.ptr<f32>>
    scf.yield %s : tensor<64xf32>
  }
  tile.return
}


// -----

// The index load is pipelined; the load whose pointer depends on it stays
// in place and reads the carried indices.
// CHECK-LABEL: tile.func @gather
// CHECK:         %[[J0:.*]] = load %{{.*}}, %{{.*}} : tensor<64x!tile.ptr<i32>>
// CHECK:         scf.for %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[J:.*]] = %[[J0]]) -> (tensor<64xf32>, tensor<64xi32>)
// CHECK:           %[[JN:.*]] = tile.load %{{.*}}, %{{.*}} : tensor<64x!tile.ptr<i32>>
// CHECK-NEXT:      %[[PX:.*]] = tile.addptr %{{.*}}, %[[J]] : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
// CHECK-NEXT:      %[[V:.*]] = tile.load %[[PX]] : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[V]]
// CHECK-NEXT:      scf.yield %[[S]], %[[JN]] : tensor<64xf32>, tensor<64xi32>
tile.func @gather(%idx: !tile.ptr<i32>, %x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %ib = tile.splat %idx : tensor<64x!tile.ptr<i32>>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %sum = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero) -> (tensor<64xf32>) : i32 {
    %base = arith.muli %k, %c64 : i32
    %bs = tile.splat %base : tensor<64xi32>
    %o = arith.addi %bs, %r : tensor<64xi32>
    %pi = tile.addptr %ib, %o : tensor<64x!tile.ptr<i32>>, tensor<64xi32>
    %j = tile.load %pi : tensor<64x!tile.ptr<i32>>
    %px = tile.addptr %xb, %j : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    %v = tile.load %px : tensor<64x!tile.ptr<f32>>
    %s = arith.addf %acc, %v : tensor<64xf32>
    scf.yield %s : tensor<64xf32>
  }
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %po = tile.addptr %ob, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %po, %sum : tensor<64x!tile.ptr<f32>>
  tile.return
}


// -----

// No load to pipeline: a volatile load, and a load after a store (it might
// read what the store wrote). The loop is unchanged.
// CHECK-LABEL: tile.func @none
// CHECK-NOT:     tile.load
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : i32 {
// CHECK-NEXT:      %[[V:.*]] = tile.load %[[PX:.*]] {isVolatile} : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      tile.store %[[PY:.*]], %[[V]] : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      %[[W:.*]] = tile.load %[[PY]] : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      tile.store %[[PX]], %[[W]] : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:    }
tile.func @none(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %yb = tile.splat %y : tensor<64x!tile.ptr<f32>>
  %px = tile.addptr %xb, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  %py = tile.addptr %yb, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  scf.for %k = %c0 to %n step %c1 : i32 {
    %v = tile.load %px {isVolatile} : tensor<64x!tile.ptr<f32>>
    tile.store %py, %v : tensor<64x!tile.ptr<f32>>
    %w = tile.load %py : tensor<64x!tile.ptr<f32>>
    tile.store %px, %w : tensor<64x!tile.ptr<f32>>
  }
  tile.return
}

// -----

// A scalar load takes the scalar `k + 1 < n` as its mask.
// CHECK-LABEL: tile.func @scalar
// CHECK:         %[[FIRST:.*]] = arith.cmpi slt, %[[C0:.*]], %[[N:.*]] : i32
// CHECK:         %[[P0:.*]] = addptr %{{.*}}, %[[C0]] : !tile.ptr<f32>, i32
// CHECK:         %[[V0:.*]] = load %[[P0]], %[[FIRST]] : !tile.ptr<f32>
// CHECK:         scf.for %[[K:.*]] = %[[C0]] to %[[N]] step %[[C1:.*]] iter_args(%[[ACC:.*]] = %{{.*}}, %[[V:.*]] = %[[V0]]) -> (f32, f32)
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[K]], %[[C1]] : i32
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]], %[[N]] : i32
// CHECK-NEXT:      %[[PN:.*]] = tile.addptr %{{.*}}, %[[NEXT]] : !tile.ptr<f32>, i32
// CHECK-NEXT:      %[[VN:.*]] = tile.load %[[PN]], %[[MORE]] : !tile.ptr<f32>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:      scf.yield %[[S]], %[[VN]] : f32, f32
tile.func @scalar(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %p = tile.addptr %x, %k : !tile.ptr<f32>, i32
    %v = tile.load %p : !tile.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  tile.store %out, %sum : !tile.ptr<f32>
  tile.return
}

// -----

// The next pointer comes out of an scf.if, which is not computed again: the
// next load follows it.
// CHECK-LABEL: tile.func @late
// CHECK:         scf.for %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[P:.*]] = %{{.*}}, %[[V:.*]] = %{{.*}}) -> (f32, !tile.ptr<f32>, f32)
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:      %[[Q:.*]] = scf.if
// CHECK:           } else {
// CHECK:           }
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]]
// CHECK-NEXT:      %[[VN:.*]] = tile.load %[[Q]], %[[MORE]] : !tile.ptr<f32>
// CHECK-NEXT:      scf.yield %[[S]], %[[Q]], %[[VN]] : f32, !tile.ptr<f32>, f32
tile.func @late(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32, %c: i1) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero, %p = %x) -> (f32, !tile.ptr<f32>) : i32 {
    %v = tile.load %p : !tile.ptr<f32>
    %s = arith.addf %acc, %v : f32
    %q = scf.if %c -> (!tile.ptr<f32>) {
      %a = tile.addptr %p, %c1 : !tile.ptr<f32>, i32
      scf.yield %a : !tile.ptr<f32>
    } else {
      %b = tile.addptr %p, %c2 : !tile.ptr<f32>, i32
      scf.yield %b : !tile.ptr<f32>
    }
    scf.yield %s, %q : f32, !tile.ptr<f32>
  }
  tile.store %out, %r#0 : !tile.ptr<f32>
  tile.return
}
