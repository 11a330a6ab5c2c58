// RUN: recur-opt %s -split-input-file -convert-tile-to-gpu=cp-async=true | FileCheck %s --check-prefixes=CHECK,CPASYNC
// RUN: recur-opt %s -split-input-file -convert-tile-to-gpu | FileCheck %s --check-prefixes=CHECK,SYNC
// RUN: recur-opt %s -split-input-file -convert-tile-to-gpu="mma-sync=true cp-async=true" | FileCheck %s --check-prefix=MMA

// A masked copy of 128 f32 whose base is 16-byte aligned, four per thread.
// The buffer's two 512-byte slots are the shared memory (no scratch). With
// cp.async a run with every lane set is one 16-byte copy (`cg`); otherwise
// each element is a 4-byte copy whose source size is 4 or 0 (zero fill).
// Without it the same runs are a vector load and store, or per-element
// predicated loads (zero when masked off) and stores. The wait is a
// barrier, after cp.async's wait_group; the read takes each thread's four
// consecutive elements of the slot as one vector.
// CHECK:       llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<1024 x i8>
// CHECK-LABEL: gpu.func @copy_f32
// CHECK-SAME:    (%[[X:.*]]: i64, %[[N:.*]]: i32, %[[S:.*]]: i32)
// CHECK:         %[[SHARED:.*]] = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
// CHECK:         %[[BUF:.*]] = llvm.getelementptr %[[SHARED]][0] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK:         %[[OFF:.*]] = arith.muli %[[S]], %{{.*}} : i32
// CHECK:         %[[SLOT:.*]] = llvm.getelementptr %[[BUF]][%[[OFF]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// CHECK:         %[[DST:.*]] = llvm.getelementptr %[[SLOT]][%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
// CHECK:         scf.if %{{.*}} {
// CPASYNC-NEXT:    %[[SRC:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// CPASYNC-NEXT:    nvvm.cp.async.shared.global %[[DST]], %[[SRC]], 16, cache =  cg : !llvm.ptr<3>, !llvm.ptr<1>
// CPASYNC-NEXT:  } else {
// CPASYNC:         %[[SIZE:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i32
// CPASYNC-NEXT:    %[[SRC0:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// CPASYNC-NEXT:    nvvm.cp.async.shared.global %[[DST]], %[[SRC0]], 4, cache =  ca, %[[SIZE]] : !llvm.ptr<3>, !llvm.ptr<1>, i32
// CPASYNC-COUNT-3: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 4, cache =  ca, %{{.*}} :
// CPASYNC:       nvvm.cp.async.commit.group
// CPASYNC-NEXT:  nvvm.cp.async.wait.group 0
// SYNC-NEXT:       %[[SRC:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// SYNC-NEXT:       %[[V:.*]] = llvm.load %[[SRC]] {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// SYNC-NEXT:       llvm.store %[[V]], %[[DST]] {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<3>
// SYNC-NEXT:     } else {
// SYNC:            scf.if %{{.*}} -> (f32) {
// SYNC-NOT:      nvvm.cp.async
// CHECK:         gpu.barrier
// CHECK:         %[[OFF2:.*]] = arith.muli %[[S]], %c512_i32{{.*}} : i32
// CHECK-NEXT:    %[[SLOT2:.*]] = llvm.getelementptr %[[BUF]][%[[OFF2]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// CHECK:         llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xf32>
#blocked = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
tile.func @copy_f32(%x: !tile.ptr<f32> {tile.divisibility = 16 : i32}, %n: i32, %s: i32) attributes {tile.num_threads = 32 : i32} {
  %r = tile.make_range 0, 128 : tensor<128xi32, #blocked>
  %xb = tile.splat %x : tensor<128x!tile.ptr<f32>, #blocked>
  %p = tile.addptr %xb, %r : tensor<128x!tile.ptr<f32>, #blocked>, tensor<128xi32, #blocked>
  %ns = tile.splat %n : tensor<128xi32, #blocked>
  %m = arith.cmpi slt, %r, %ns : tensor<128xi32, #blocked>
  %b = tile.local_alloc : !tile.shared<2x128xf32>
  tile.async_copy %p, %m into %b[%s] : tensor<128x!tile.ptr<f32>, #blocked>, !tile.shared<2x128xf32>
  tile.async_commit
  tile.async_wait 0
  %t = tile.local_load %b[%s] : !tile.shared<2x128xf32> -> tensor<128xf32, #blocked>
  tile.store %p, %t : tensor<128x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

// One f16 per thread is under cp.async's 4 bytes: an ordinary load and
// store, which the wait's barrier orders like the copies. The three slots
// of 64 bytes start at 16-byte boundaries.
// CHECK:       llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<192 x i8>
// CHECK-LABEL: gpu.func @copy_f16
// CHECK:         %[[OFF:.*]] = arith.muli %{{.*}}, %c64_i32 : i32
// CHECK:         %[[DST:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f16
// CHECK:         %[[V:.*]] = llvm.load %{{.*}} {alignment = 2 : i64} : !llvm.ptr<1> -> f16
// CHECK-NEXT:    llvm.store %[[V]], %[[DST]] {alignment = 2 : i64} : f16, !llvm.ptr<3>
// CHECK-NOT:     nvvm.cp.async.shared.global
#blocked = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
tile.func @copy_f16(%x: !tile.ptr<f16>, %s: i32) attributes {tile.num_threads = 32 : i32} {
  %r = tile.make_range 0, 32 : tensor<32xi32, #blocked>
  %xb = tile.splat %x : tensor<32x!tile.ptr<f16>, #blocked>
  %p = tile.addptr %xb, %r : tensor<32x!tile.ptr<f16>, #blocked>, tensor<32xi32, #blocked>
  %b = tile.local_alloc : !tile.shared<3x32xf16>
  tile.async_copy %p into %b[%s] : tensor<32x!tile.ptr<f16>, #blocked>, !tile.shared<3x32xf16>
  tile.async_commit
  tile.return
}

// -----

// Buffers follow the scratch (a layout conversion's 512 bytes here), each
// with bytes of its own.
// CHECK:       llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<1792 x i8>
// CHECK-LABEL: gpu.func @after_scratch
// CHECK:         llvm.getelementptr %{{.*}}[512] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK:         llvm.getelementptr %{{.*}}[1536] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
#a = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
#b = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
tile.func @after_scratch(%x: !tile.ptr<f32>) attributes {tile.num_threads = 32 : i32} {
  %r = tile.make_range 0, 128 : tensor<128xi32, #a>
  %c = tile.convert_layout %r : tensor<128xi32, #a> -> tensor<128xi32, #b>
  %one = tile.local_alloc : !tile.shared<2x128xf32>
  %two = tile.local_alloc : !tile.shared<1x64xf32>
  tile.return
}

// -----

// A dot whose operands a `tile.local_load` read from the copies' slots takes
// its mma.sync fragments from the slots themselves: no scratch, no staging
// stores and no barriers around them (the slots stay put until the next
// wait).
// MMA:         llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<2048 x i8>
// MMA-LABEL: gpu.func @dot_from_slots
// MMA-SAME:    (%[[S:.*]]: i32, %{{.*}}: i64)
// MMA:         %[[SHARED:.*]] = llvm.mlir.addressof @__recur_shared
// MMA:         %[[A:.*]] = llvm.getelementptr %[[SHARED]][0] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// MMA:         %[[B:.*]] = llvm.getelementptr %{{.*}}[1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// The local_loads' reads, which nothing uses any more:
// MMA-COUNT-4: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<3> -> vector<4xf16>
// MMA:         %[[AOFF:.*]] = arith.muli %[[S]], %{{.*}} : i32
// MMA-NEXT:    %[[ASLOT:.*]] = llvm.getelementptr %[[A]][%[[AOFF]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// MMA:         %[[BOFF:.*]] = arith.muli %[[S]], %{{.*}} : i32
// MMA-NEXT:    %[[BSLOT:.*]] = llvm.getelementptr %[[B]][%[[BOFF]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// MMA-NOT:     gpu.barrier
// MMA-NOT:     llvm.store
// MMA:         scf.for
// MMA:           llvm.getelementptr %[[ASLOT]][%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f16
// MMA:           llvm.getelementptr %[[BSLOT]][%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f16
// MMA:           nvgpu.mma.sync
// MMA-NOT:     gpu.barrier
// MMA:         gpu.return
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [1, 1], order = [1, 0]}>
#mma = #tile.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [1, 1], order = [1, 0]}>
tile.func @dot_from_slots(%s: i32, %c: !tile.ptr<f32>) attributes {tile.num_threads = 32 : i32} {
  %ba = tile.local_alloc : !tile.shared<2x16x16xf16>
  %bb = tile.local_alloc : !tile.shared<2x16x16xf16>
  %a = tile.local_load %ba[%s] : !tile.shared<2x16x16xf16> -> tensor<16x16xf16, #blocked>
  %b = tile.local_load %bb[%s] : !tile.shared<2x16x16xf16> -> tensor<16x16xf16, #blocked>
  %zero = arith.constant dense<0.0> : tensor<16x16xf32, #mma>
  %d = tile.dot %a, %b, %zero : tensor<16x16xf16, #blocked> * tensor<16x16xf16, #blocked> -> tensor<16x16xf32, #mma>
  %cb = tile.splat %c : tensor<16x16x!tile.ptr<f32>, #mma>
  tile.store %cb, %d : tensor<16x16x!tile.ptr<f32>, #mma>
  tile.return
}

// -----

// The FMA form reads an operand of the accumulator's type from its slot
// too: with both operands there, no staging and no barrier.
// CHECK-LABEL: gpu.func @fma_dot_from_slots
// CHECK-SAME:    (%[[S:.*]]: i32, %{{.*}}: i64)
// CHECK:         %[[AOFF:.*]] = arith.muli %[[S]], %c256_i32{{.*}} : i32
// CHECK:         %[[BOFF:.*]] = arith.muli %[[S]], %c256_i32{{.*}} : i32
// CHECK-NOT:     gpu.barrier
// CHECK:         scf.for
// CHECK:           llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK:           math.fma
// CHECK-NOT:     gpu.barrier
// CHECK:         gpu.return
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [1, 1], order = [1, 0]}>
tile.func @fma_dot_from_slots(%s: i32, %c: !tile.ptr<f32>) attributes {tile.num_threads = 32 : i32} {
  %ba = tile.local_alloc : !tile.shared<2x8x8xf32>
  %bb = tile.local_alloc : !tile.shared<2x8x8xf32>
  %a = tile.local_load %ba[%s] : !tile.shared<2x8x8xf32> -> tensor<8x8xf32, #blocked>
  %b = tile.local_load %bb[%s] : !tile.shared<2x8x8xf32> -> tensor<8x8xf32, #blocked>
  %zero = arith.constant dense<0.0> : tensor<8x8xf32, #blocked>
  %d = tile.dot %a, %b, %zero : tensor<8x8xf32, #blocked> * tensor<8x8xf32, #blocked> -> tensor<8x8xf32, #blocked>
  %cb = tile.splat %c : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.store %cb, %d : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

// A transposed read of a slot (what tile.trans of a local_load
// canonicalizes to) feeds the FMA dot in place as well: B's element (k, n)
// is the slot's (n, k), at n * 8 + k. Nothing is staged, so there is no
// barrier around the dot.
// CHECK-LABEL: gpu.func @fma_dot_from_transposed_slot
// CHECK-NOT:     gpu.barrier
// CHECK-NOT:     llvm.store
// CHECK:         scf.for
// CHECK:           llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK:           math.fma
// CHECK-NOT:     gpu.barrier
// CHECK:         gpu.return
#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [1, 1], order = [1, 0]}>
tile.func @fma_dot_from_transposed_slot(%s: i32, %c: !tile.ptr<f32>) attributes {tile.num_threads = 32 : i32} {
  %ba = tile.local_alloc : !tile.shared<2x8x8xf32>
  %bb = tile.local_alloc : !tile.shared<2x8x8xf32>
  %a = tile.local_load %ba[%s] : !tile.shared<2x8x8xf32> -> tensor<8x8xf32, #blocked>
  %b = tile.local_load %bb[%s] order = [1, 0] : !tile.shared<2x8x8xf32> -> tensor<8x8xf32, #blocked>
  %zero = arith.constant dense<0.0> : tensor<8x8xf32, #blocked>
  %d = tile.dot %a, %b, %zero : tensor<8x8xf32, #blocked> * tensor<8x8xf32, #blocked> -> tensor<8x8xf32, #blocked>
  %cb = tile.splat %c : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.store %cb, %d : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

// Read on its own, a transposed slot is loaded element by element (a
// thread's run is contiguous in the result, strided in the slot).
// CHECK-LABEL: gpu.func @transposed_read
// CHECK-COUNT-4: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT:     vector<4xf32>, !llvm.ptr<3>
#row = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [1, 1], order = [1, 0]}>
tile.func @transposed_read(%s: i32, %c: !tile.ptr<f32>) attributes {tile.num_threads = 32 : i32} {
  %b = tile.local_alloc : !tile.shared<1x16x8xf32>
  %t = tile.local_load %b[%s] order = [1, 0] : !tile.shared<1x16x8xf32> -> tensor<8x16xf32, #row>
  %cb = tile.splat %c : tensor<8x16x!tile.ptr<f32>, #row>
  tile.store %cb, %t : tensor<8x16x!tile.ptr<f32>, #row>
  tile.return
}
