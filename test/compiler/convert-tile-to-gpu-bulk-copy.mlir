// RUN: recur-opt %s -split-input-file -convert-tile-to-gpu="cp-async=true bulk-copies=true" -canonicalize -cse | FileCheck %s

// A [16, 32] f32 tile whose rows are 128 contiguous bytes, masked by row.
// The kernel gets two mbarriers after its buffer (at 4096 and 4104), which
// thread 0 initialises for the whole block, and two counters. Each run
// tests its row: a row starting on 16 bytes with its mask set is one bulk
// copy of 128 bytes, started by the thread holding its first element after
// announcing the bytes; other rows take the per-thread cp.async path. The
// commit arrives at the group's mbarrier, then makes sure the next group's
// mbarrier is free; the wait waits for the phases of the groups it
// completes and fences the async proxy before its barrier.
// CHECK:       llvm.mlir.global internal @__recur_shared() {{.*}} : !llvm.array<4112 x i8>
// CHECK-LABEL: gpu.func @rows_in_bulk
// CHECK-DAG:     %[[SHARED:.*]] = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
// CHECK:         %[[COMMITTED:.*]] = llvm.alloca %{{.*}} x i32
// CHECK-NEXT:    llvm.store %{{.*}}, %[[COMMITTED]]
// CHECK-NEXT:    %[[WAITED:.*]] = llvm.alloca %{{.*}} x i32
// CHECK-NEXT:    llvm.store %{{.*}}, %[[WAITED]]
// CHECK:         %[[DIM:.*]] = gpu.block_dim x
// CHECK-NEXT:    %[[THREADS:.*]] = arith.index_castui %[[DIM]] : index to i32
// CHECK:         scf.if %{{.*}} {
// CHECK-NEXT:      %[[M0:.*]] = llvm.getelementptr %[[SHARED]][4096]
// CHECK-NEXT:      nvvm.mbarrier.init %[[M0]], %[[THREADS]]
// CHECK-NEXT:      %[[M1:.*]] = llvm.getelementptr %[[SHARED]][4104]
// CHECK-NEXT:      nvvm.mbarrier.init %[[M1]], %[[THREADS]]
// CHECK-NEXT:    }
// CHECK-NEXT:    gpu.barrier
// CHECK:         %[[GROUP:.*]] = llvm.load %[[COMMITTED]] : !llvm.ptr -> i32
// CHECK:         %[[MBAR:.*]] = llvm.getelementptr %[[SHARED]][%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// CHECK:         %[[ROW:.*]] = llvm.sub %{{.*}}, %{{.*}} : i64
// CHECK-NEXT:    %[[LOW:.*]] = arith.andi %[[ROW]], %c15_i64 : i64
// CHECK-NEXT:    %[[ALIGNED:.*]] = arith.cmpi eq, %[[LOW]], %c0_i64 : i64
// CHECK-NEXT:    %[[WHOLE:.*]] = arith.andi %[[ALIGNED]], %{{.*}} : i1
// CHECK-NEXT:    scf.if %[[WHOLE]] {
// CHECK-NEXT:      %[[FIRST:.*]] = arith.cmpi eq, %{{.*}}, %c0_i32 : i32
// CHECK-NEXT:      scf.if %[[FIRST]] {
// CHECK-NEXT:        nvvm.mbarrier.expect_tx %[[MBAR]], %c128_i32
// CHECK-NEXT:        %[[SRC:.*]] = llvm.inttoptr %[[ROW]] : i64 to !llvm.ptr<1>
// CHECK-NEXT:        %[[DST:.*]] = llvm.addrspacecast %{{.*}} : !llvm.ptr<3> to !llvm.ptr<7>
// CHECK-NEXT:        nvvm.cp.async.bulk.shared.cluster.global %[[DST]], %[[SRC]], %[[MBAR]], %c128_i32
// CHECK-NEXT:      }
// CHECK-NEXT:    } else {
// CHECK:           nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg
// CHECK:           nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 4, cache =  ca, %{{.*}}
// CHECK-COUNT-3: nvvm.cp.async.bulk.shared.cluster.global
// CHECK:         nvvm.cp.async.commit.group
// CHECK:         nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK:         llvm.store %{{.*}}, %[[COMMITTED]]
// CHECK:         scf.for
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK:         nvvm.cp.async.wait.group 0
// CHECK:         scf.for %[[G:.*]] = %{{.*}} to %{{.*}} step %c1_i32 : i32 {
// CHECK-NEXT:      %[[PHASE:.*]] = arith.divui %[[G]], %c2_i32 : i32
// CHECK-NEXT:      %[[PARITY:.*]] = arith.andi %[[PHASE]], %c1_i32 : i32
// CHECK-NEXT:      %[[INRING:.*]] = arith.remui %[[G]], %c2_i32 : i32
// CHECK:           %[[WAITON:.*]] = llvm.getelementptr %[[SHARED]][%{{.*}}]
// CHECK-NEXT:      nvvm.mbarrier.try_wait.parity %[[WAITON]], %[[PARITY]], %{{.*}}
// CHECK-NEXT:    }
// CHECK:         llvm.store %{{.*}}, %[[WAITED]]
// CHECK-NEXT:    nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT:    gpu.barrier
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#rows = #tile.slice<{dim = 1, parent = #blocked}>
#cols = #tile.slice<{dim = 0, parent = #blocked}>
tile.func @rows_in_bulk(%x: !tile.ptr<f32>, %n: i32, %s: i32) attributes {tile.num_threads = 32 : i32} {
  %r = tile.make_range 0, 16 : tensor<16xi32, #rows>
  %c = tile.make_range 0, 32 : tensor<32xi32, #cols>
  %c32 = arith.constant dense<32> : tensor<16x1xi32, #blocked>
  %re = tile.expand_dims %r axis = 1 : tensor<16xi32, #rows> -> tensor<16x1xi32, #blocked>
  %ce = tile.expand_dims %c axis = 0 : tensor<32xi32, #cols> -> tensor<1x32xi32, #blocked>
  %ro = arith.muli %re, %c32 : tensor<16x1xi32, #blocked>
  %rb = tile.broadcast %ro : tensor<16x1xi32, #blocked> -> tensor<16x32xi32, #blocked>
  %cb = tile.broadcast %ce : tensor<1x32xi32, #blocked> -> tensor<16x32xi32, #blocked>
  %off = arith.addi %rb, %cb : tensor<16x32xi32, #blocked>
  %xb = tile.splat %x : tensor<16x32x!tile.ptr<f32>, #blocked>
  %p = tile.addptr %xb, %off : tensor<16x32x!tile.ptr<f32>, #blocked>, tensor<16x32xi32, #blocked>
  %ns = tile.splat %n : tensor<16x1xi32, #blocked>
  %m1 = arith.cmpi slt, %re, %ns : tensor<16x1xi32, #blocked>
  %m = tile.broadcast %m1 : tensor<16x1xi1, #blocked> -> tensor<16x32xi1, #blocked>
  %b = tile.local_alloc : !tile.shared<2x16x32xf32>
  tile.async_copy %p, %m into %b[%s] : tensor<16x32x!tile.ptr<f32>, #blocked>, !tile.shared<2x16x32xf32>
  tile.async_commit
  tile.async_wait 0
  %t = tile.local_load %b[%s] : !tile.shared<2x16x32xf32> -> tensor<16x32xf32, #blocked>
  tile.store %p, %t : tensor<16x32x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

// `cols < K` with K a multiple of 32 holds or fails for whole rows, like a
// row mask, and a base known 16-byte aligned with rows of 32 f32 needs no
// alignment test: each row's copy depends on its mask alone. The ring has
// one mbarrier per slot of the deepest buffer (three).
// CHECK:       llvm.mlir.global internal @__recur_shared() {{.*}} : !llvm.array<6168 x i8>
// CHECK-LABEL: gpu.func @column_mask_of_whole_rows
// CHECK-COUNT-3: nvvm.mbarrier.init
// CHECK-NOT:     arith.andi %{{.*}}, %c15_i64
// CHECK:         scf.if %{{.*}} {
// CHECK:           nvvm.cp.async.bulk.shared.cluster.global
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#cols = #tile.slice<{dim = 0, parent = #blocked}>
tile.func @column_mask_of_whole_rows(%x: !tile.ptr<f32> {tile.divisibility = 16 : i32}, %s: i32) attributes {tile.num_threads = 32 : i32} {
  %r = tile.make_range 0, 16 : tensor<16xi32, #tile.slice<{dim = 1, parent = #blocked}>>
  %c = tile.make_range 0, 32 : tensor<32xi32, #cols>
  %k = arith.constant dense<64> : tensor<32xi32, #cols>
  %cm = arith.cmpi slt, %c, %k : tensor<32xi32, #cols>
  %c32 = arith.constant dense<32> : tensor<16x1xi32, #blocked>
  %re = tile.expand_dims %r axis = 1 : tensor<16xi32, #tile.slice<{dim = 1, parent = #blocked}>> -> tensor<16x1xi32, #blocked>
  %ce = tile.expand_dims %c axis = 0 : tensor<32xi32, #cols> -> tensor<1x32xi32, #blocked>
  %me = tile.expand_dims %cm axis = 0 : tensor<32xi1, #cols> -> tensor<1x32xi1, #blocked>
  %ro = arith.muli %re, %c32 : tensor<16x1xi32, #blocked>
  %rb = tile.broadcast %ro : tensor<16x1xi32, #blocked> -> tensor<16x32xi32, #blocked>
  %cb = tile.broadcast %ce : tensor<1x32xi32, #blocked> -> tensor<16x32xi32, #blocked>
  %m = tile.broadcast %me : tensor<1x32xi1, #blocked> -> tensor<16x32xi1, #blocked>
  %off = arith.addi %rb, %cb : tensor<16x32xi32, #blocked>
  %xb = tile.splat %x : tensor<16x32x!tile.ptr<f32>, #blocked>
  %p = tile.addptr %xb, %off : tensor<16x32x!tile.ptr<f32>, #blocked>, tensor<16x32xi32, #blocked>
  %b = tile.local_alloc : !tile.shared<3x16x32xf32>
  tile.async_copy %p, %m into %b[%s] : tensor<16x32x!tile.ptr<f32>, #blocked>, !tile.shared<3x16x32xf32>
  tile.async_commit
  tile.async_wait 0
  tile.return
}

// -----

// Copies that stay per-thread cp.async: a mask that changes along the row
// (`cols < n`), rows of 8 bytes, and a thread's share that is one 16-byte
// run (its cp.async is one instruction already). The kernel has no
// mbarriers.
// CHECK-LABEL: gpu.func @per_thread_copies
// CHECK-NOT:     nvvm.mbarrier
// CHECK-NOT:     nvvm.cp.async.bulk
// CHECK:         gpu.barrier
// CHECK-NOT:     nvvm.mbarrier
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#narrow = #tile.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#one = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
tile.func @per_thread_copies(%x: !tile.ptr<f32> {tile.divisibility = 16 : i32}, %n: i32, %s: i32) attributes {tile.num_threads = 32 : i32} {
  %c = tile.make_range 0, 32 : tensor<32xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  %ce = tile.expand_dims %c axis = 0 : tensor<32xi32, #tile.slice<{dim = 0, parent = #blocked}>> -> tensor<1x32xi32, #blocked>
  %cb = tile.broadcast %ce : tensor<1x32xi32, #blocked> -> tensor<16x32xi32, #blocked>
  %ns = tile.splat %n : tensor<16x32xi32, #blocked>
  %m = arith.cmpi slt, %cb, %ns : tensor<16x32xi32, #blocked>
  %xb = tile.splat %x : tensor<16x32x!tile.ptr<f32>, #blocked>
  %p = tile.addptr %xb, %cb : tensor<16x32x!tile.ptr<f32>, #blocked>, tensor<16x32xi32, #blocked>
  %b = tile.local_alloc : !tile.shared<2x16x32xf32>
  tile.async_copy %p, %m into %b[%s] : tensor<16x32x!tile.ptr<f32>, #blocked>, !tile.shared<2x16x32xf32>
  %c2 = tile.make_range 0, 2 : tensor<2xi32, #tile.slice<{dim = 0, parent = #narrow}>>
  %c2e = tile.expand_dims %c2 axis = 0 : tensor<2xi32, #tile.slice<{dim = 0, parent = #narrow}>> -> tensor<1x2xi32, #narrow>
  %c2b = tile.broadcast %c2e : tensor<1x2xi32, #narrow> -> tensor<32x2xi32, #narrow>
  %xn = tile.splat %x : tensor<32x2x!tile.ptr<f32>, #narrow>
  %pn = tile.addptr %xn, %c2b : tensor<32x2x!tile.ptr<f32>, #narrow>, tensor<32x2xi32, #narrow>
  %bn = tile.local_alloc : !tile.shared<2x32x2xf32>
  tile.async_copy %pn into %bn[%s] : tensor<32x2x!tile.ptr<f32>, #narrow>, !tile.shared<2x32x2xf32>
  %c4 = tile.make_range 0, 32 : tensor<32xi32, #tile.slice<{dim = 0, parent = #one}>>
  %c4e = tile.expand_dims %c4 axis = 0 : tensor<32xi32, #tile.slice<{dim = 0, parent = #one}>> -> tensor<1x32xi32, #one>
  %c4b = tile.broadcast %c4e : tensor<1x32xi32, #one> -> tensor<4x32xi32, #one>
  %xo = tile.splat %x : tensor<4x32x!tile.ptr<f32>, #one>
  %po = tile.addptr %xo, %c4b : tensor<4x32x!tile.ptr<f32>, #one>, tensor<4x32xi32, #one>
  %bo = tile.local_alloc : !tile.shared<2x4x32xf32>
  tile.async_copy %po into %bo[%s] : tensor<4x32x!tile.ptr<f32>, #one>, !tile.shared<2x4x32xf32>
  tile.async_commit
  tile.async_wait 0
  tile.return
}
