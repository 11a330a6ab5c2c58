// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu | FileCheck %s --check-prefixes=CHECK,FMA
// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu=mma-sync=true | FileCheck %s --check-prefixes=CHECK,MMA
// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu=mfma=true | FileCheck %s --check-prefixes=CHECK,MFMA
// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu="mma-sync=true wgmma=true" | FileCheck %s --check-prefixes=CHECK,WGMMA
// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu=dynamic-shared-above=2048 | FileCheck %s --check-prefix=DYN

#blocked = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>

// Kernels move into the GPU module; each thread holds 8 of the 1024
// elements: two runs of four, 512 apart. A run is one 16-byte load when its
// first address is aligned (tested at run time), else four scalar loads.
// CHECK:       module attributes {gpu.container_module}
// CHECK:       gpu.module @recur_kernels
// CHECK-LABEL: gpu.func @copy
// CHECK-SAME:    (%[[X:.+]]: i64, %[[OUT:.+]]: i64) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK:         %[[TID:.+]] = gpu.thread_id x
// CHECK:         %[[BASE:.+]] = vector.broadcast %{{.+}} : i32 to vector<8xi32>
// CHECK:         %[[OFFSETS:.+]] = arith.constant dense<[0, 1, 2, 3, 512, 513, 514, 515]> : vector<8xi32>
// CHECK:         arith.addi %[[BASE]], %[[OFFSETS]] : vector<8xi32>
// CHECK:         vector.broadcast %[[X]] : i64 to vector<8xi64>
// CHECK:         arith.extsi %{{.+}} : vector<8xi32> to vector<8xi64>
// CHECK:         arith.constant dense<4> : vector<8xi64>
// CHECK:         %[[ALIGNED:.+]] = arith.cmpi eq
// CHECK:         scf.if %[[ALIGNED]] -> (f32, f32, f32, f32)
// CHECK:           llvm.load %{{.+}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// CHECK:         } else {
// CHECK-COUNT-4:   llvm.load %{{.+}} : !llvm.ptr<1> -> f32
// CHECK:         llvm.store %{{.+}}, %{{.+}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// CHECK:         gpu.return
tile.func @copy(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %r = tile.make_range 0, 1024 : tensor<1024xi32, #blocked>
  %xb = tile.splat %x : tensor<1024x!tile.ptr<f32>, #blocked>
  %xp = tile.addptr %xb, %r : tensor<1024x!tile.ptr<f32>, #blocked>, tensor<1024xi32, #blocked>
  %v = tile.load %xp : tensor<1024x!tile.ptr<f32>, #blocked>
  %ob = tile.splat %out : tensor<1024x!tile.ptr<f32>, #blocked>
  %op = tile.addptr %ob, %r : tensor<1024x!tile.ptr<f32>, #blocked>, tensor<1024xi32, #blocked>
  tile.store %op, %v : tensor<1024x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>

// Masked loads without a vector run: one scf.if per element, `other` on
// the masked-off path; program_id reads the block id.
// CHECK-LABEL: gpu.func @masked
// CHECK:         gpu.block_id x
// CHECK:         %[[M:.+]] = vector.extract %{{.+}}[0] : i1 from vector<1xi1>
// CHECK:         scf.if %[[M]] -> (f32)
// CHECK:           llvm.load %{{.+}} : !llvm.ptr<1> -> f32
// CHECK:         } else {
// CHECK:           scf.yield %{{.+}} : f32
tile.func @masked(%x: !tile.ptr<f32>, %n: i32) attributes {tile.num_threads = 128 : i32} {
  %pid = tile.program_id x
  %r = tile.make_range 0, 128 : tensor<128xi32, #blocked>
  %ns = tile.splat %n : tensor<128xi32, #blocked>
  %m = arith.cmpi slt, %r, %ns : tensor<128xi32, #blocked>
  %zero = arith.constant dense<0.0> : tensor<128xf32, #blocked>
  %xb = tile.splat %x : tensor<128x!tile.ptr<f32>, #blocked>
  %xp = tile.addptr %xb, %r : tensor<128x!tile.ptr<f32>, #blocked>, tensor<128xi32, #blocked>
  %v = tile.load %xp, %m, %zero : tensor<128x!tile.ptr<f32>, #blocked>
  tile.store %xp, %v, %m : tensor<128x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>
#slice = #tile.slice<{dim = 1, parent = #blocked}>
#slice0 = #tile.slice<{dim = 0, parent = #blocked}>

// Expanding a slice moves nothing; a broadcast picks elements inside the
// thread. Row sums fold the thread's 4 elements per row, then 16 lanes with
// xor shuffles (4 steps); no warp shares a row, so no shared memory.
// CHECK-LABEL: gpu.func @row_sums
// CHECK-NOT:     gpu.barrier
// CHECK:         vector.shuffle %{{.+}}, %{{.+}} [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7] : vector<8xi32>, vector<8xi32>
// CHECK:         gpu.shuffle  xor %{{.+}}, %[[C1:.+]], %[[C32:.+]] : f32
// CHECK:         gpu.shuffle  xor {{.+}} : f32
// CHECK-NOT:     gpu.barrier
// CHECK:         gpu.return
tile.func @row_sums(%x: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %rows = tile.make_range 0, 64 : tensor<64xi32, #slice>
  %r2 = tile.expand_dims %rows axis = 1 : tensor<64xi32, #slice> -> tensor<64x1xi32, #blocked>
  %rb = tile.broadcast %r2 : tensor<64x1xi32, #blocked> -> tensor<64x64xi32, #blocked>
  %base = tile.splat %x : tensor<64x64x!tile.ptr<f32>, #blocked>
  %p = tile.addptr %base, %rb : tensor<64x64x!tile.ptr<f32>, #blocked>, tensor<64x64xi32, #blocked>
  %v = tile.load %p : tensor<64x64x!tile.ptr<f32>, #blocked>
  %s = tile.reduce(%v) axis = 1 : (tensor<64x64xf32, #blocked>) -> tensor<64xf32, #slice> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %ob = tile.splat %x : tensor<64x!tile.ptr<f32>, #slice>
  %op = tile.addptr %ob, %rows : tensor<64x!tile.ptr<f32>, #slice>, tensor<64xi32, #slice>
  tile.store %op, %s : tensor<64x!tile.ptr<f32>, #slice>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>

// Column maxima cross the four warps: per period of 8 rows (2 lanes x 4
// warps), partials go to shared memory between barriers and every thread
// folds them in warp order.
// CHECK:       llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<1024 x i8>
// CHECK-LABEL: gpu.func @column_max
// CHECK:         gpu.shuffle  xor
// CHECK:         llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
// CHECK:         gpu.barrier
// CHECK:         llvm.store %{{.+}}, %{{.+}} : f32, !llvm.ptr<3>
// CHECK:         gpu.barrier
// CHECK-COUNT-4: llvm.load %{{.+}} : !llvm.ptr<3> -> f32
tile.func @column_max(%x: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %v = arith.constant dense<1.0> : tensor<64x64xf32, #blocked>
  %s = tile.reduce(%v) axis = 0 : (tensor<64x64xf32, #blocked>) -> tensor<64xf32, #tile.slice<{dim = 0, parent = #blocked}>> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %b : f32
    tile.yield %r : f32
  }
  %r = tile.make_range 0, 64 : tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  %ob = tile.splat %x : tensor<64x!tile.ptr<f32>, #tile.slice<{dim = 0, parent = #blocked}>>
  %op = tile.addptr %ob, %r : tensor<64x!tile.ptr<f32>, #tile.slice<{dim = 0, parent = #blocked}>>, tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  tile.store %op, %s : tensor<64x!tile.ptr<f32>, #tile.slice<{dim = 0, parent = #blocked}>>
  tile.return
}

// -----

#a = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#b = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>

// A layout conversion stores every element at its row-major index in
// shared memory and loads the new layout's elements back, between barriers.
// CHECK-LABEL: gpu.func @convert
// CHECK:         gpu.barrier
// CHECK:         llvm.store %{{.+}}, %{{.+}} : i32, !llvm.ptr<3>
// CHECK:         gpu.barrier
// CHECK-COUNT-4: llvm.load %{{.+}} : !llvm.ptr<3> -> i32
tile.func @convert(%x: !tile.ptr<i32>) attributes {tile.num_threads = 128 : i32} {
  %r = tile.make_range 0, 128 : tensor<128xi32, #a>
  %c = tile.convert_layout %r : tensor<128xi32, #a> -> tensor<128xi32, #b>
  %xb = tile.splat %x : tensor<128x!tile.ptr<i32>, #b>
  %xp = tile.addptr %xb, %c : tensor<128x!tile.ptr<i32>, #b>, tensor<128xi32, #b>
  tile.store %xp, %c : tensor<128x!tile.ptr<i32>, #b>
  tile.return
}

// -----

tile.func @unlaid(%x: !tile.ptr<f32>) {
  // expected-error@+1 {{has a tile without a layout; run tile-gpu-assign-layouts first}}
  %r = tile.make_range 0, 128 : tensor<128xi32>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>

// f32 dots accumulate with FMAs from operands staged in shared memory; with
// mma-sync, f16 operands go to nvgpu.mma.sync on 16x8 tiles per warp.
// CHECK-LABEL: gpu.func @dot_f16
// CHECK:         gpu.barrier
// FMA:           scf.for
// FMA:             math.fma %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
// FMA-NOT:         nvgpu.mma.sync
// MMA:           scf.for
// MMA:             scf.for
// MMA:               nvgpu.mma.sync(%{{.+}}, %{{.+}}, %{{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
tile.func @dot_f16(%pa: !tile.ptr<f16>, %pb: !tile.ptr<f16>) attributes {tile.num_threads = 128 : i32} {
  %a = arith.constant dense<1.0> : tensor<32x32xf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<32x32xf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<32x32xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<32x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
  %r = tile.make_range 0, 32 : tensor<32xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  %r2 = tile.expand_dims %r axis = 0 : tensor<32xi32, #tile.slice<{dim = 0, parent = #blocked}>> -> tensor<1x32xi32, #blocked>
  %rb = tile.broadcast %r2 : tensor<1x32xi32, #blocked> -> tensor<32x32xi32, #blocked>
  %p = tile.splat %pa : tensor<32x32x!tile.ptr<f16>, #blocked>
  %q = tile.addptr %p, %rb : tensor<32x32x!tile.ptr<f16>, #blocked>, tensor<32x32xi32, #blocked>
  %h = arith.truncf %d : tensor<32x32xf32, #blocked> to tensor<32x32xf16, #blocked>
  tile.store %q, %h : tensor<32x32x!tile.ptr<f16>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>

// With wgmma, a dot whose 64 rows and 4 warps fill a warpgroup stages A and
// B in core-matrix order, fences the generic-proxy stores for the async
// proxy, and runs one m64n64k16 per k step from matrix descriptors
// (leading byte offset 128 = 8 << 4 in bits 16-29, stride 512 = 32 << 4 in
// bits 32-45: 137439477760 = 8 << 16 | 32 << 32), then commits and waits.
// bf16 without wgmma goes to nvvm.mma.sync (nvgpu cannot lower it).
// CHECK-LABEL: gpu.func @dot_warpgroup
// WGMMA:         gpu.barrier
// WGMMA:         nvvm.fence.proxy {kind = #nvvm.proxy_kind<async>}
// WGMMA-NEXT:    gpu.barrier
// WGMMA:         %[[FIELDS:.+]] = arith.constant 137439477760 : i64
// WGMMA:         scf.for
// WGMMA:           nvvm.wgmma.fence.aligned
// WGMMA:           nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %{{.+}}, <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// WGMMA:           nvvm.wgmma.mma_async
// WGMMA-NEXT:      nvvm.wgmma.commit.group.sync.aligned
// WGMMA-NEXT:      nvvm.wgmma.wait.group.sync.aligned 0
// WGMMA-NOT:       nvvm.wgmma.mma_async
// WGMMA:         gpu.barrier
// MMA:           nvvm.mma.sync A[{{.+}}] B[{{.+}}] C[{{.+}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
tile.func @dot_warpgroup(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %a = arith.constant dense<1.0> : tensor<64x32xbf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<32x64xbf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<64x64xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<64x32xbf16, #blocked> * tensor<32x64xbf16, #blocked> -> tensor<64x64xf32, #blocked>
  %r = tile.make_range 0, 64 : tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  %r2 = tile.expand_dims %r axis = 0 : tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>> -> tensor<1x64xi32, #blocked>
  %rb = tile.broadcast %r2 : tensor<1x64xi32, #blocked> -> tensor<64x64xi32, #blocked>
  %p = tile.splat %pc : tensor<64x64x!tile.ptr<f32>, #blocked>
  %q = tile.addptr %p, %rb : tensor<64x64x!tile.ptr<f32>, #blocked>, tensor<64x64xi32, #blocked>
  tile.store %q, %d : tensor<64x64x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [2, 1], order = [1, 0]}>

// Two warps are half a warpgroup: the same dot falls back to mma.sync.
// CHECK-LABEL: gpu.func @dot_two_warps
// WGMMA-NOT:     nvvm.wgmma
// WGMMA:         nvgpu.mma.sync
// WGMMA-NOT:     nvvm.wgmma
// CHECK:         gpu.return
tile.func @dot_two_warps(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 64 : i32} {
  %a = arith.constant dense<1.0> : tensor<64x32xf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<32x64xf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<64x64xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<64x32xf16, #blocked> * tensor<32x64xf16, #blocked> -> tensor<64x64xf32, #blocked>
  %r = tile.make_range 0, 64 : tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>>
  %r2 = tile.expand_dims %r axis = 0 : tensor<64xi32, #tile.slice<{dim = 0, parent = #blocked}>> -> tensor<1x64xi32, #blocked>
  %rb = tile.broadcast %r2 : tensor<1x64xi32, #blocked> -> tensor<64x64xi32, #blocked>
  %p = tile.splat %pc : tensor<64x64x!tile.ptr<f32>, #blocked>
  %q = tile.addptr %p, %rb : tensor<64x64x!tile.ptr<f32>, #blocked>, tensor<64x64xi32, #blocked>
  tile.store %q, %d : tensor<64x64x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 8], warpsPerCTA = [2, 1], order = [1, 0]}>

// With mfma (64-lane wavefronts), f16 operands go to amdgpu.mfma on 16x16
// tiles per wavefront, k in steps of 16: the C fragment comes from the staged
// accumulator, A's four elements (consecutive in a row) in one 8-byte load,
// B's four down a column; D goes back to the staging.
// CHECK-LABEL: gpu.func @dot_mfma_f16
// CHECK:         gpu.barrier
// FMA:           math.fma
// MFMA:          scf.for
// MFMA:            vector.from_elements %{{.+}} : vector<4xf32>
// MFMA:            scf.for {{.*}} iter_args(%{{.+}} = %{{.+}}) -> (vector<4xf32>)
// MFMA:              llvm.load %{{.+}} {alignment = 8 : i64} : !llvm.ptr<3> -> vector<4xf16>
// MFMA:              vector.from_elements %{{.+}} : vector<4xf16>
// MFMA:              amdgpu.mfma 16x16x16 %{{.+}} * %{{.+}} + %{{.+}} blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
// MFMA:          gpu.barrier
// MFMA-NOT:      math.fma
tile.func @dot_mfma_f16(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %a = arith.constant dense<1.0> : tensor<32x32xf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<32x32xf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<32x32xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<32x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
  %p = tile.splat %pc : tensor<32x32x!tile.ptr<f32>, #blocked>
  tile.store %p, %d : tensor<32x32x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 8], warpsPerCTA = [1, 1], order = [1, 0]}>

// bf16 operands take the 16x16x16 bf16 MFMA (bf16_1k on gfx90a and later).
// CHECK-LABEL: gpu.func @dot_mfma_bf16
// MFMA:          amdgpu.mfma 16x16x16 %{{.+}} * %{{.+}} + %{{.+}} blgp = none : vector<4xbf16>, vector<4xbf16>, vector<4xf32>
tile.func @dot_mfma_bf16(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 64 : i32} {
  %a = arith.constant dense<1.0> : tensor<16x32xbf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<32x16xbf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<16x16xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<16x32xbf16, #blocked> * tensor<32x16xbf16, #blocked> -> tensor<16x16xf32, #blocked>
  %p = tile.splat %pc : tensor<16x16x!tile.ptr<f32>, #blocked>
  tile.store %p, %d : tensor<16x16x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 8], warpsPerCTA = [2, 1], order = [1, 0]}>

// f32 operands run the exact f32 MFMA, 16x16x4, one element of A and B per
// lane: no tf32 rounding.
// CHECK-LABEL: gpu.func @dot_mfma_f32
// MFMA:          scf.for {{.*}} step %{{.+}} iter_args
// MFMA:            llvm.load %{{.+}} : !llvm.ptr<3> -> f32
// MFMA:            llvm.load %{{.+}} : !llvm.ptr<3> -> f32
// MFMA:            amdgpu.mfma 16x16x4 %{{.+}} * %{{.+}} + %{{.+}} blgp = none : f32, f32, vector<4xf32>
tile.func @dot_mfma_f32(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %a = arith.constant dense<1.0> : tensor<32x8xf32, #blocked>
  %b = arith.constant dense<1.0> : tensor<8x32xf32, #blocked>
  %c = arith.constant dense<0.0> : tensor<32x32xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<32x8xf32, #blocked> * tensor<8x32xf32, #blocked> -> tensor<32x32xf32, #blocked>
  %p = tile.splat %pc : tensor<32x32x!tile.ptr<f32>, #blocked>
  tile.store %p, %d : tensor<32x32x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 1], threadsPerWarp = [8, 8], warpsPerCTA = [1, 1], order = [1, 0]}>

// 8 rows do not fill a 16x16 MFMA tile: the FMA form.
// CHECK-LABEL: gpu.func @dot_mfma_fallback
// CHECK:         math.fma
// CHECK-NOT:     amdgpu.mfma
// CHECK:         gpu.return
tile.func @dot_mfma_fallback(%pc: !tile.ptr<f32>) attributes {tile.num_threads = 64 : i32} {
  %a = arith.constant dense<1.0> : tensor<8x16xf16, #blocked>
  %b = arith.constant dense<1.0> : tensor<16x8xf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<8x8xf32, #blocked>
  %d = tile.dot %a, %b, %c : tensor<8x16xf16, #blocked> * tensor<16x8xf16, #blocked> -> tensor<8x8xf32, #blocked>
  %p = tile.splat %pc : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.store %p, %d : tensor<8x8x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>

// Arguments marked divisible by 16 prove every run of four f32 aligned
// (base + 4 · k · 4 bytes): the runs are vector accesses with no alignment
// test; a masked run tests only its mask.
// CHECK-LABEL: gpu.func @copy_aligned
// CHECK-NOT:     arith.andi %{{.+}}, %c15_i64
// CHECK:         %[[V:.+]] = llvm.load %{{.+}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// CHECK:         llvm.store %{{.+}}, %{{.+}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// CHECK:         %[[ALL:.+]] = arith.andi
// CHECK:         scf.if
// CHECK:           llvm.store %{{.+}}, %{{.+}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// CHECK:         gpu.return
tile.func @copy_aligned(%x: !tile.ptr<f32> {tile.divisibility = 16 : i32}, %out: !tile.ptr<f32> {tile.divisibility = 16 : i32}, %n: i32) attributes {tile.num_threads = 128 : i32} {
  %r = tile.make_range 0, 512 : tensor<512xi32, #blocked>
  %xb = tile.splat %x : tensor<512x!tile.ptr<f32>, #blocked>
  %xp = tile.addptr %xb, %r : tensor<512x!tile.ptr<f32>, #blocked>, tensor<512xi32, #blocked>
  %v = tile.load %xp : tensor<512x!tile.ptr<f32>, #blocked>
  %ob = tile.splat %out : tensor<512x!tile.ptr<f32>, #blocked>
  %op = tile.addptr %ob, %r : tensor<512x!tile.ptr<f32>, #blocked>, tensor<512xi32, #blocked>
  tile.store %op, %v : tensor<512x!tile.ptr<f32>, #blocked>
  %ns = tile.splat %n : tensor<512xi32, #blocked>
  %m = arith.cmpi slt, %r, %ns : tensor<512xi32, #blocked>
  tile.store %op, %v, %m : tensor<512x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>

// An offset of 2 elements breaks the proof: the alignment is tested.
// CHECK-LABEL: gpu.func @copy_offset
// CHECK:         arith.andi %{{.+}}, %c15_i64
// CHECK:         scf.if
tile.func @copy_offset(%x: !tile.ptr<f32> {tile.divisibility = 16 : i32}) attributes {tile.num_threads = 128 : i32} {
  %r = tile.make_range 2, 514 : tensor<512xi32, #blocked>
  %xb = tile.splat %x : tensor<512x!tile.ptr<f32>, #blocked>
  %xp = tile.addptr %xb, %r : tensor<512x!tile.ptr<f32>, #blocked>, tensor<512xi32, #blocked>
  %v = tile.load %xp : tensor<512x!tile.ptr<f32>, #blocked>
  tile.store %xp, %v : tensor<512x!tile.ptr<f32>, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1, 8], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
#acc = #tile.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>

// An accumulator in mma.sync's fragment layout stays in registers: only a
// and b are staged; per k step each thread loads the A fragments of its
// two row tiles and the B fragments of its two column tiles once and runs
// the four mma.sync on its own elements. The FMA form ignores the layout.
// CHECK-LABEL: gpu.func @dot_registers
// MMA:           gpu.barrier
// MMA:           gpu.barrier
// MMA:           scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// MMA-COUNT-4:     nvgpu.mma.sync
// MMA:             scf.yield
// MMA:           gpu.barrier
// MMA-NOT:       llvm.store {{.+}} : f32, !llvm.ptr<3>
// MMA:           gpu.return
// FMA:           math.fma
tile.func @dot_registers(%out: !tile.ptr<f32>) attributes {tile.num_threads = 128 : i32} {
  %a = arith.constant dense<1.0> : tensor<64x32xf16, #blocked>
  %b = arith.constant dense<2.0> : tensor<32x32xf16, #blocked>
  %c = arith.constant dense<0.0> : tensor<64x32xf32, #acc>
  %d = tile.dot %a, %b, %c : tensor<64x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<64x32xf32, #acc>
  %o = tile.splat %out : tensor<64x32x!tile.ptr<f32>, #acc>
  tile.store %o, %d : tensor<64x32x!tile.ptr<f32>, #acc>
  tile.return
}

// -----

#a = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#b = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>

// A scratch above dynamic-shared-above bytes (4 KiB here) is dynamic shared
// memory: an external zero-length array, its size on the GPU module for the
// launch. Without the option it stays a static array.
// DYN:         gpu.module @recur_kernels attributes {recur.dynamic_shared_bytes = 4096 : i64}
// DYN-NEXT:      llvm.mlir.global external @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// DYN-LABEL:     gpu.func @convert_dynamic
// DYN:           llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
// CHECK:       llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<4096 x i8>
// CHECK-LABEL: gpu.func @convert_dynamic
tile.func @convert_dynamic(%x: !tile.ptr<i32>) attributes {tile.num_threads = 128 : i32} {
  %r = tile.make_range 0, 1024 : tensor<1024xi32, #a>
  %c = tile.convert_layout %r : tensor<1024xi32, #a> -> tensor<1024xi32, #b>
  %xb = tile.splat %x : tensor<1024x!tile.ptr<i32>, #b>
  %xp = tile.addptr %xb, %c : tensor<1024x!tile.ptr<i32>, #b>, tensor<1024xi32, #b>
  tile.store %xp, %c : tensor<1024x!tile.ptr<i32>, #b>
  tile.return
}
