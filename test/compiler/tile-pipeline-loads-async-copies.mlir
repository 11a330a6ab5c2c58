// RUN: recur-opt %s -split-input-file -tile-pipeline-loads="num-stages=3 async-copies=true" | FileCheck %s
// RUN: recur-opt %s -split-input-file -tile-pipeline-loads="num-stages=2 async-copies=true" | FileCheck %s --check-prefix=TWO
// RUN: recur-opt %s -split-input-file -tile-pipeline-loads="num-stages=1 async-copies=true" | FileCheck %s --check-prefix=ONE

// With one stage nothing moves.
// ONE-NOT: local_alloc
// ONE-NOT: async_copy

// A matmul K loop that writes no global memory: with three stages each tile
// gets three slots and is copied two iterations ahead. The prologue copies
// iterations 0 and 1 (one group each), advancing the pointers as the body
// does; the loop carries the pointers of iteration k + 2 and the slots to
// read and to write. Each iteration waits until one group is left in flight
// (its own has landed), copies iteration k + 2 into the slot that iteration
// k - 1 read, and reads its tiles where the loads were.
// CHECK-LABEL: tile.func @matmul
// CHECK-SAME:    (%{{.*}}: !tile.ptr<f16>, %{{.*}}: !tile.ptr<f16>, %{{.*}}: !tile.ptr<f32>, %[[N:.*]]: i32, %[[SA:.*]]: i32, %[[SB:.*]]: i32)
// CHECK:         %[[PA0:.*]] = addptr
// CHECK:         %[[PB0:.*]] = addptr
// CHECK:         %[[BA:.*]] = local_alloc : !tile.shared<3x16x16xf16>
// CHECK:         %[[BB:.*]] = local_alloc : !tile.shared<3x16x16xf16>
// CHECK:         %[[IN0:.*]] = arith.cmpi slt, %[[C0:.*]], %[[N]] : i32
// CHECK:         %[[M0:.*]] = splat %[[IN0]] : tensor<16x16xi1>
// CHECK:         async_copy %[[PA0]], %[[M0]] into %[[BA]][%{{.*}}] : tensor<16x16x!tile.ptr<f16>>, !tile.shared<3x16x16xf16>
// CHECK:         async_copy %[[PB0]], %{{.*}} into %[[BB]][%{{.*}}]
// CHECK-NEXT:    async_commit
// CHECK:         %[[PA1:.*]] = addptr %[[PA0]], %{{.*}}
// CHECK:         %[[PB1:.*]] = addptr %[[PB0]], %{{.*}}
// CHECK:         %[[IV1:.*]] = arith.addi %[[C0]], %[[C1:.*]] : i32
// CHECK:         %[[IN1:.*]] = arith.cmpi slt, %[[IV1]], %[[N]] : i32
// CHECK:         async_copy %[[PA1]], %{{.*}} into %[[BA]][%{{.*}}]
// CHECK:         async_copy %[[PB1]], %{{.*}} into %[[BB]][%{{.*}}]
// CHECK-NEXT:    async_commit
// CHECK:         %[[PA2:.*]] = addptr %[[PA1]], %{{.*}}
// CHECK:         %[[PB2:.*]] = addptr %[[PB1]], %{{.*}}
// CHECK:         %[[R:.*]]:7 = scf.for %[[K:.*]] = %[[C0]] to %[[N]] step %[[C1]] iter_args(%[[ACC:.*]] = %{{.*}}, %{{.*}} = %[[PA0]], %{{.*}} = %[[PB0]], %[[PA:.*]] = %[[PA2]], %[[PB:.*]] = %[[PB2]], %[[READ:.*]] = %{{.*}}, %[[WRITE:.*]] = %{{.*}})
// CHECK-NEXT:      tile.async_wait 1
// CHECK-NEXT:      %[[K1:.*]] = arith.addi %[[K]], %[[C1]] : i32
// CHECK-NEXT:      %[[K2:.*]] = arith.addi %[[K1]], %[[C1]] : i32
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[K2]], %[[N]] : i32
// CHECK-NEXT:      %[[MA:.*]] = tile.splat %[[MORE]] : tensor<16x16xi1>
// CHECK-NEXT:      tile.async_copy %[[PA]], %[[MA]] into %[[BA]][%[[WRITE]]]
// CHECK-NEXT:      %[[MB:.*]] = tile.splat %[[MORE]] : tensor<16x16xi1>
// CHECK-NEXT:      tile.async_copy %[[PB]], %[[MB]] into %[[BB]][%[[WRITE]]]
// CHECK-NEXT:      tile.async_commit
// CHECK:           %[[PAN:.*]] = tile.addptr %[[PA]], %{{.*}}
// CHECK:           %[[PBN:.*]] = tile.addptr %[[PB]], %{{.*}}
// CHECK:           %[[R1:.*]] = arith.addi %[[READ]], %{{.*}} : i32
// CHECK:           %[[RW:.*]] = arith.cmpi eq, %[[R1]], %{{.*}} : i32
// CHECK:           %[[RN:.*]] = arith.select %[[RW]], %{{.*}}, %[[R1]] : i32
// CHECK:           %[[W1:.*]] = arith.addi %[[WRITE]], %{{.*}} : i32
// CHECK:           %[[WN:.*]] = arith.select %{{.*}}, %{{.*}}, %[[W1]] : i32
// CHECK-NEXT:      %[[X:.*]] = tile.local_load %[[BA]][%[[READ]]] : !tile.shared<3x16x16xf16> -> tensor<16x16xf16>
// CHECK-NEXT:      %[[Y:.*]] = tile.local_load %[[BB]][%[[READ]]] : !tile.shared<3x16x16xf16> -> tensor<16x16xf16>
// CHECK-NEXT:      %[[D:.*]] = tile.dot %[[X]], %[[Y]], %[[ACC]]
// CHECK-NOT:       tile.load
// CHECK:           scf.yield %[[D]], %{{.*}}, %{{.*}}, %[[PAN]], %[[PBN]], %[[RN]], %[[WN]] :
// CHECK:         async_wait 0
// CHECK-NEXT:    splat
// CHECK:         store %{{.*}}, %[[R]]#0

// With two stages: two slots, one iteration ahead, and every group waited
// for.
// TWO-LABEL: tile.func @matmul
// TWO-COUNT-2: local_alloc : !tile.shared<2x16x16xf16>
// TWO-COUNT-1: async_commit
// TWO:         scf.for
// TWO-NEXT:      tile.async_wait 0
tile.func @matmul(%a: !tile.ptr<f16>, %b: !tile.ptr<f16>, %c: !tile.ptr<f32>, %n: i32, %sa: i32, %sb: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant dense<0.0> : tensor<16x16xf32>
  %r = tile.make_range 0, 256 : tensor<256xi32>
  %off = tile.reshape %r : tensor<256xi32> -> tensor<16x16xi32>
  %ab = tile.splat %a : tensor<16x16x!tile.ptr<f16>>
  %bb = tile.splat %b : tensor<16x16x!tile.ptr<f16>>
  %pa0 = tile.addptr %ab, %off : tensor<16x16x!tile.ptr<f16>>, tensor<16x16xi32>
  %pb0 = tile.addptr %bb, %off : tensor<16x16x!tile.ptr<f16>>, tensor<16x16xi32>
  %res:3 = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero, %pa = %pa0, %pb = %pb0) -> (tensor<16x16xf32>, tensor<16x16x!tile.ptr<f16>>, tensor<16x16x!tile.ptr<f16>>) : i32 {
    %x = tile.load %pa : tensor<16x16x!tile.ptr<f16>>
    %y = tile.load %pb : tensor<16x16x!tile.ptr<f16>>
    %d = tile.dot %x, %y, %acc : tensor<16x16xf16> * tensor<16x16xf16> -> tensor<16x16xf32>
    %sas = tile.splat %sa : tensor<16x16xi32>
    %sbs = tile.splat %sb : tensor<16x16xi32>
    %pa1 = tile.addptr %pa, %sas : tensor<16x16x!tile.ptr<f16>>, tensor<16x16xi32>
    %pb1 = tile.addptr %pb, %sbs : tensor<16x16x!tile.ptr<f16>>, tensor<16x16xi32>
    scf.yield %d, %pa1, %pb1 : tensor<16x16xf32>, tensor<16x16x!tile.ptr<f16>>, tensor<16x16x!tile.ptr<f16>>
  }
  %cb = tile.splat %c : tensor<16x16x!tile.ptr<f32>>
  %pc = tile.addptr %cb, %off : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
  tile.store %pc, %res#0 : tensor<16x16x!tile.ptr<f32>>
  tile.return
}

// -----

// A loop that stores: the copies go one iteration ahead, after the store,
// into two slots. The load's mask gains `k + 64 < n`; its `other` of +0 is
// what a masked-off lane of a copy holds.
// CHECK-LABEL: tile.func @masked
// CHECK:         %[[B:.*]] = local_alloc : !tile.shared<2x64xf32>
// CHECK:         async_copy %{{.*}}, %{{.*}} into %[[B]][%{{.*}}] : tensor<64x!tile.ptr<f32>>, !tile.shared<2x64xf32>
// CHECK-NEXT:    async_commit
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %[[N:.*]] step %[[C64:.*]] iter_args(%[[ACC:.*]] = %{{.*}}, %[[READ:.*]] = %{{.*}}, %[[WRITE:.*]] = %{{.*}})
// CHECK-NEXT:      tile.async_wait 0
// CHECK:           %[[V:.*]] = tile.local_load %[[B]][%[[READ]]] : !tile.shared<2x64xf32> -> tensor<64xf32>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : tensor<64xf32>
// CHECK:           tile.store %{{.*}}, %[[S]], %{{.*}} : tensor<64x!tile.ptr<f32>>
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[K]], %[[C64]] : i32
// CHECK-NEXT:      %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]], %[[N]] : i32
// CHECK:           %[[IN:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : tensor<64xi32>
// CHECK:           %[[FM:.*]] = tile.splat %[[MORE]] : tensor<64xi1>
// CHECK-NEXT:      %[[MN:.*]] = arith.andi %[[IN]], %[[FM]] : tensor<64xi1>
// CHECK-NEXT:      tile.async_copy %{{.*}}, %[[MN]] into %[[B]][%[[WRITE]]]
// CHECK-NEXT:      tile.async_commit
// CHECK:         async_wait 0
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

// A load whose masked-off lanes read 1.0, which a copy cannot write, is
// pipelined in registers instead.
// CHECK-LABEL: tile.func @other_one
// CHECK-NOT:     local_alloc
// CHECK:         %[[V0:.*]] = load %{{.*}}, %{{.*}}, %[[OTHER:.*]] : tensor<64x!tile.ptr<f32>>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[V0]])
// CHECK:           tile.load %{{.*}}, %{{.*}}, %[[OTHER]] : tensor<64x!tile.ptr<f32>>
// CHECK-NOT:     async_copy
tile.func @other_one(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %one = arith.constant dense<1.0> : tensor<64xf32>
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %ns = tile.splat %n : tensor<64xi32>
  %prod = scf.for %k = %c0 to %n step %c64 iter_args(%acc = %one) -> (tensor<64xf32>) : i32 {
    %ks = tile.splat %k : tensor<64xi32>
    %i = arith.addi %ks, %r : tensor<64xi32>
    %m = arith.cmpi slt, %i, %ns : tensor<64xi32>
    %p = tile.addptr %xb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    %v = tile.load %p, %m, %one : tensor<64x!tile.ptr<f32>>
    %s = arith.mulf %acc, %v : tensor<64xf32>
    scf.yield %s : tensor<64xf32>
  }
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %po = tile.addptr %ob, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %po, %prod : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// The index tile is copied ahead; the gather through it reads the slot's
// indices and stays a load in the body.
// CHECK-LABEL: tile.func @gather
// CHECK:         %[[B:.*]] = local_alloc : !tile.shared<3x64xi32>
// CHECK:         scf.for
// CHECK:           %[[J:.*]] = tile.local_load %[[B]][%{{.*}}] : !tile.shared<3x64xi32> -> tensor<64xi32>
// CHECK-NEXT:      %[[PX:.*]] = tile.addptr %{{.*}}, %[[J]]
// CHECK-NEXT:      %{{.*}} = tile.load %[[PX]] : tensor<64x!tile.ptr<f32>>
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

// The pointer advances through an scf.if, which cannot be computed two
// iterations early: the load is pipelined in registers, one iteration ahead.
// CHECK-LABEL: tile.func @late
// CHECK-NOT:     local_alloc
// CHECK:         scf.for
// CHECK:           %[[Q:.*]] = scf.if
// CHECK:           tile.load %[[Q]], %{{.*}} : tensor<64x!tile.ptr<f32>>
tile.func @late(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32, %c: i1) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %p0 = tile.addptr %xb, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  %s64 = arith.constant dense<64> : tensor<64xi32>
  %s128 = arith.constant dense<128> : tensor<64xi32>
  %res:2 = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero, %p = %p0) -> (tensor<64xf32>, tensor<64x!tile.ptr<f32>>) : i32 {
    %v = tile.load %p : tensor<64x!tile.ptr<f32>>
    %s = arith.addf %acc, %v : tensor<64xf32>
    %q = scf.if %c -> (tensor<64x!tile.ptr<f32>>) {
      %a = tile.addptr %p, %s64 : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
      scf.yield %a : tensor<64x!tile.ptr<f32>>
    } else {
      %b = tile.addptr %p, %s128 : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
      scf.yield %b : tensor<64x!tile.ptr<f32>>
    }
    scf.yield %s, %q : tensor<64xf32>, tensor<64x!tile.ptr<f32>>
  }
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %po = tile.addptr %ob, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %po, %res#0 : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// The loop stores, but through a `tile.noalias` argument it does not load
// from: the stores cannot change what the copies read, so the copies go
// two iterations ahead into three slots, at the start of the body.
// CHECK-LABEL: tile.func @noalias_store
// CHECK:         %[[B:.*]] = local_alloc : !tile.shared<3x64xf32>
// CHECK:         scf.for
// CHECK-NEXT:      tile.async_wait 1
// CHECK:           tile.async_copy %{{.*}}, %{{.*}} into %[[B]][%{{.*}}]
// CHECK-NEXT:      tile.async_commit
// CHECK:           tile.local_load %[[B]]
// CHECK:           tile.store
// CHECK-NEXT:      scf.yield
tile.func @noalias_store(%x: !tile.ptr<f32>, %y: !tile.ptr<f32> {tile.noalias}, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %yb = tile.splat %y : tensor<64x!tile.ptr<f32>>
  %ns = tile.splat %n : tensor<64xi32>
  scf.for %k = %c0 to %n step %c64 : i32 {
    %ks = tile.splat %k : tensor<64xi32>
    %i = arith.addi %ks, %r : tensor<64xi32>
    %m = arith.cmpi slt, %i, %ns : tensor<64xi32>
    %p = tile.addptr %xb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    %v = tile.load %p, %m : tensor<64x!tile.ptr<f32>>
    %q = tile.addptr %yb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    tile.store %q, %v, %m : tensor<64x!tile.ptr<f32>>
  }
  tile.return
}

// -----

// The same loop storing into the argument it loads from (here through a
// carried pointer), or into one not marked `tile.noalias`: one iteration
// ahead, after the store.
// CHECK-LABEL: tile.func @store_to_loaded
// CHECK:         local_alloc : !tile.shared<2x64xf32>
// CHECK:         scf.for
// CHECK:           tile.store
// CHECK-NEXT:      arith.addi
// CHECK:           tile.async_copy
// CHECK-LABEL: tile.func @store_without_noalias
// CHECK:         local_alloc : !tile.shared<2x64xf32>
tile.func @store_to_loaded(%x: !tile.ptr<f32> {tile.noalias}, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %p0 = tile.addptr %xb, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  %s64 = arith.constant dense<64> : tensor<64xi32>
  %last = scf.for %k = %c0 to %n step %c1 iter_args(%p = %p0) -> (tensor<64x!tile.ptr<f32>>) : i32 {
    %v = tile.load %p : tensor<64x!tile.ptr<f32>>
    %w = arith.addf %v, %v : tensor<64xf32>
    %next = tile.addptr %p, %s64 : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    tile.store %next, %w : tensor<64x!tile.ptr<f32>>
    scf.yield %next : tensor<64x!tile.ptr<f32>>
  }
  tile.return
}
tile.func @store_without_noalias(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %xb = tile.splat %x : tensor<64x!tile.ptr<f32>>
  %yb = tile.splat %y : tensor<64x!tile.ptr<f32>>
  scf.for %k = %c0 to %n step %c64 : i32 {
    %ks = tile.splat %k : tensor<64xi32>
    %i = arith.addi %ks, %r : tensor<64xi32>
    %p = tile.addptr %xb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    %v = tile.load %p : tensor<64x!tile.ptr<f32>>
    %q = tile.addptr %yb, %i : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
    tile.store %q, %v : tensor<64x!tile.ptr<f32>>
  }
  tile.return
}
