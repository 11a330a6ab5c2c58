// RUN: recur-opt %s -split-input-file -convert-gpu-to-emu | FileCheck %s
// RUN: recur-opt %s -split-input-file -convert-gpu-to-emu=warp-size=64 | FileCheck %s --check-prefix=WAVE64

// Kernels leave the GPU module as host functions; ids, barriers and the
// shared scratch become calls into runtime/emu, and pointers of every
// address space become host pointers.
// CHECK-LABEL: module {
// CHECK-NOT:     gpu.module
// CHECK-DAG:     func.func private @__recur_emu_thread_id(i32) -> i32
// CHECK-DAG:     func.func private @__recur_emu_barrier()
// CHECK-DAG:     func.func private @__recur_emu_shared_memory() -> !llvm.ptr
// CHECK:         func.func @k(%[[X:.+]]: i64) attributes {recur.emu.shared_bytes = 64 : i64, recur.emu.threads = 128 : i64, recur.kernel}
// CHECK-DAG:       %[[DIM:.+]] = arith.constant 0 : i32
// CHECK-DAG:       %[[SHARED:.+]] = call @__recur_emu_shared_memory() : () -> !llvm.ptr
// CHECK:           call @__recur_emu_thread_id(%[[DIM]]) : (i32) -> i32
// CHECK:           call @__recur_emu_block_id(%[[DIM]]) : (i32) -> i32
// CHECK:           call @__recur_emu_barrier() : () -> ()
// CHECK:           llvm.getelementptr %[[SHARED]][%{{.+}}] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK:           llvm.inttoptr %[[X]] : i64 to !llvm.ptr
// CHECK:           return
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<64 x i8>
    gpu.func @k(%x: i64) kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
      %t = gpu.thread_id x
      %b = gpu.block_id x
      %ti = arith.index_castui %t : index to i32
      %bi = arith.index_castui %b : index to i32
      %s = arith.addi %ti, %bi : i32
      %v = arith.sitofp %s : i32 to f32
      gpu.barrier
      %base = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
      %slot = llvm.getelementptr %base[%ti] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
      llvm.store %v, %slot : f32, !llvm.ptr<3>
      %p = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      llvm.store %v, %p : f32, !llvm.ptr<1>
      gpu.return
    }
  }
}

// -----

// A shuffle packs its segment like upstream's NVVM lowering:
// c = ((warp size - width) << 8) | (warp size - 1), and reads "valid" back
// through a slot allocated once in the entry block (unused here: folded away).
// CHECK-LABEL: func.func @shuffle
// CHECK-SAME:    (%[[X:.+]]: i64, %[[V:.+]]: f32, %[[MASK:.+]]: i32, %[[WIDTH:.+]]: i32)
// CHECK-DAG:     %[[SLOT:.+]] = llvm.alloca %{{.+}} x i32 : (i64) -> !llvm.ptr
// CHECK-DAG:     %[[WARP:.+]] = arith.constant 32 : i32
// CHECK-DAG:     %[[EIGHT:.+]] = arith.constant 8 : i32
// CHECK-DAG:     %[[CLAMP:.+]] = arith.constant 31 : i32
// CHECK:         %[[WORD:.+]] = arith.bitcast %[[V]] : f32 to i32
// CHECK:         %[[SEG:.+]] = arith.subi %[[WARP]], %[[WIDTH]] : i32
// CHECK:         %[[SHIFTED:.+]] = arith.shli %[[SEG]], %[[EIGHT]] : i32
// CHECK:         %[[C:.+]] = arith.ori %[[SHIFTED]], %[[CLAMP]] : i32
// CHECK:         %[[R:.+]] = call @__recur_emu_shfl_xor(%[[WORD]], %[[MASK]], %[[C]], %[[SLOT]]) : (i32, i32, i32, !llvm.ptr) -> i32
// CHECK:         arith.bitcast %[[R]] : i32 to f32
// WAVE64-LABEL: func.func @shuffle
// WAVE64-DAG:     arith.constant 64 : i32
// WAVE64-DAG:     arith.constant 63 : i32
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    gpu.func @shuffle(%x: i64, %f: f32, %mask: i32, %width: i32) kernel {
      %r, %valid = gpu.shuffle xor %f, %mask, %width : f32
      %p = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      llvm.store %r, %p : f32, !llvm.ptr<1>
      gpu.return
    }
  }
}

// -----

// gpu.printf calls the emulator's variadic printf with the format as a
// constant string; cf.assert passes its condition and message to the
// emulator, which fails the launch naming the thread.
// CHECK-LABEL: module {
// CHECK-DAG:     llvm.mlir.global internal constant @[[FMT:__recur_emu_str_[0-9a-f]+]]("v = %d\0A\00")
// CHECK-DAG:     llvm.mlir.global internal constant @[[MSG:__recur_emu_str_[0-9a-f]+]]("v is small\00")
// CHECK-DAG:     llvm.func @__recur_emu_printf(!llvm.ptr, ...)
// CHECK-DAG:     func.func private @__recur_emu_assert(i32, !llvm.ptr)
// CHECK-LABEL:   func.func @debug
// CHECK-DAG:       %[[F:.+]] = llvm.mlir.addressof @[[FMT]]
// CHECK-DAG:       %[[M:.+]] = llvm.mlir.addressof @[[MSG]]
// CHECK:           llvm.call @__recur_emu_printf(%[[F]], %arg0) vararg(!llvm.func<void (ptr, ...)>) : (!llvm.ptr, i32) -> ()
// CHECK:           %[[OK:.+]] = arith.extui %{{.+}} : i1 to i32
// CHECK:           call @__recur_emu_assert(%[[OK]], %[[M]]) : (i32, !llvm.ptr) -> ()
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    gpu.func @debug(%v: i32) kernel attributes {known_block_size = array<i32: 32, 1, 1>} {
      gpu.printf "v = %d\n", %v : i32
      %c = arith.constant 8 : i32
      %ok = arith.cmpi slt, %v, %c : i32
      cf.assert %ok, "v is small"
      gpu.return
    }
  }
}

// -----

// amdgpu.mfma is the emulator's wavefront collective of the same shape and
// types: each lane's fragments go by address, from slots in the entry block
// (a scalar f32 operand is one element), and D comes back through its slot.
// CHECK-LABEL: func.func @mfma
// CHECK-SAME:    (%{{.+}}: i64, %[[A:.+]]: vector<4xf16>, %[[B:.+]]: vector<4xbf16>, %[[S:.+]]: f32, %[[C:.+]]: vector<4xf32>)
// CHECK-DAG:     %[[SA:.+]] = llvm.alloca %{{.+}} x vector<4xf16> : (i64) -> !llvm.ptr
// CHECK-DAG:     %[[SS:.+]] = llvm.alloca %{{.+}} x f32 : (i64) -> !llvm.ptr
// CHECK:         llvm.store %[[A]], %[[SA]] : vector<4xf16>, !llvm.ptr
// CHECK:         call @__recur_emu_mfma_f32_16x16x16f16(%[[SA]], %{{.+}}, %{{.+}}, %[[D0:.+]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK:         llvm.load %[[D0]] : !llvm.ptr -> vector<4xf32>
// CHECK:         llvm.store %[[B]], %{{.+}} : vector<4xbf16>, !llvm.ptr
// CHECK:         call @__recur_emu_mfma_f32_16x16x16bf16_1k(
// CHECK:         llvm.store %[[S]], %[[SS]] : f32, !llvm.ptr
// CHECK:         call @__recur_emu_mfma_f32_16x16x4f32(%[[SS]],
// CHECK-NOT:     amdgpu.mfma
// WAVE64-LABEL: func.func @mfma
// WAVE64:         call @__recur_emu_mfma_f32_16x16x4f32(
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    gpu.func @mfma(%x: i64, %a: vector<4xf16>, %b: vector<4xbf16>, %s: f32, %c: vector<4xf32>) kernel {
      %0 = amdgpu.mfma 16x16x16 %a * %a + %c blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
      %1 = amdgpu.mfma 16x16x16 %b * %b + %0 blgp = none : vector<4xbf16>, vector<4xbf16>, vector<4xf32>
      %2 = amdgpu.mfma 16x16x4 %s * %s + %1 blgp = none : f32, f32, vector<4xf32>
      %p = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      llvm.store %2, %p : vector<4xf32>, !llvm.ptr<1>
      gpu.return
    }
  }
}

// -----

// wgmma is the emulator's warpgroup collective: the accumulator struct goes
// by address (an entry-block slot), with the operand type (0 f16, 1 bf16,
// 2 tf32), N, the descriptors and scale-d; its fences, commit and wait are
// calls. A shared address taken as an integer is its offset from the
// block's shared memory. nvvm.mma.sync (bf16) is the emulator's bf16 mma,
// the packed registers stored as they are.
// CHECK-LABEL: func.func @wgmma
// CHECK-DAG:     %[[ACC:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(f32, f32, f32, f32)> : (i64) -> !llvm.ptr
// CHECK-DAG:     %[[SA:.+]] = llvm.alloca %{{.+}} x vector<4xi32> : (i64) -> !llvm.ptr
// CHECK:         %[[BASE:.+]] = call @__recur_emu_shared_memory()
// CHECK:         %[[ADDR:.+]] = llvm.ptrtoint %[[BASE]] : !llvm.ptr to i64
// CHECK:         %[[ORIGIN:.+]] = llvm.ptrtoint %[[BASE]] : !llvm.ptr to i64
// CHECK:         %[[OFFSET:.+]] = llvm.sub %[[ADDR]], %[[ORIGIN]] : i64
// CHECK:         call @__recur_emu_fence_proxy_async() : () -> ()
// CHECK:         call @__recur_emu_wgmma_fence() : () -> ()
// CHECK:         llvm.store %{{.+}}, %[[ACC]] : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr
// CHECK:         call @__recur_emu_wgmma(%{{.+}}, %{{.+}}, %[[OFFSET]], %[[OFFSET]], %{{.+}}, %[[ACC]]) : (i32, i32, i64, i64, i32, !llvm.ptr) -> ()
// CHECK:         llvm.load %[[ACC]] : !llvm.ptr -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK:         call @__recur_emu_wgmma_commit_group() : () -> ()
// CHECK:         call @__recur_emu_wgmma_wait_group(%{{.+}}) : (i32) -> ()
// CHECK:         llvm.store %{{.+}}, %[[SA]] : vector<4xi32>, !llvm.ptr
// CHECK:         call @__recur_emu_mma_m16n8k16_f32_bf16(%[[SA]], %{{.+}}, %{{.+}}, %{{.+}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NOT:     nvvm.
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<4096 x i8>
    gpu.func @wgmma(%x: i64, %acc: !llvm.struct<(f32, f32, f32, f32)>, %r: i32, %f: f32) kernel {
      %shared = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
      %desc = llvm.ptrtoint %shared : !llvm.ptr<3> to i64
      nvvm.fence.proxy {kind = #nvvm.proxy_kind<async>}
      nvvm.wgmma.fence.aligned
      %d = nvvm.wgmma.mma_async %desc, %desc, %acc, <m = 64, n = 8, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
      nvvm.wgmma.commit.group.sync.aligned
      nvvm.wgmma.wait.group.sync.aligned 0
      %m = nvvm.mma.sync A[%r, %r, %r, %r] B[%r, %r] C[%f, %f, %f, %f] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
      %p = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      llvm.store %d, %p : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr<1>
      llvm.store %m, %p : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr<1>
      gpu.return
    }
  }
}

// -----

// cp.async is queued by the emulated thread (its source size defaults to
// the copy's size); its commit and wait complete the queued groups.
// CHECK-LABEL: func.func @cp_async
// CHECK-SAME:    (%[[X:.+]]: i64, %[[SIZE:.+]]: i32)
// CHECK-DAG:     %[[SIXTEEN:.+]] = arith.constant 16 : i32
// CHECK-DAG:     %[[FOUR:.+]] = arith.constant 4 : i32
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1 : i32
// CHECK:         %[[SHARED:.+]] = call @__recur_emu_shared_memory() : () -> !llvm.ptr
// CHECK:         %[[SRC:.+]] = llvm.inttoptr %[[X]] : i64 to !llvm.ptr
// CHECK:         call @__recur_emu_cp_async(%[[SHARED]], %[[SRC]], %[[SIXTEEN]], %[[SIXTEEN]]) : (!llvm.ptr, !llvm.ptr, i32, i32) -> ()
// CHECK:         call @__recur_emu_cp_async(%[[SHARED]], %[[SRC]], %[[FOUR]], %[[SIZE]]) : (!llvm.ptr, !llvm.ptr, i32, i32) -> ()
// CHECK:         call @__recur_emu_cp_async_commit_group() : () -> ()
// CHECK:         call @__recur_emu_cp_async_wait_group(%[[ONE]]) : (i32) -> ()
// CHECK-NOT:     nvvm.
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<64 x i8>
    gpu.func @cp_async(%x: i64, %size: i32) kernel {
      %shared = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
      %src = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      nvvm.cp.async.shared.global %shared, %src, 16, cache = cg : !llvm.ptr<3>, !llvm.ptr<1>
      nvvm.cp.async.shared.global %shared, %src, 4, cache = ca, %size : !llvm.ptr<3>, !llvm.ptr<1>, i32
      nvvm.cp.async.commit.group
      nvvm.cp.async.wait.group 1
      gpu.return
    }
  }
}

// -----

// mbarriers keep their phases in the emulator, which queues bulk copies on
// them; the cast to the cluster's shared window is a no-op on the host.
// CHECK-LABEL: func.func @bulk_copy
// CHECK-SAME:    (%[[X:.+]]: i64, %[[N:.+]]: i32, %[[PARITY:.+]]: i32)
// CHECK:         %[[SHARED:.+]] = call @__recur_emu_shared_memory() : () -> !llvm.ptr
// CHECK:         call @__recur_emu_mbarrier_init(%[[SHARED]], %[[N]]) : (!llvm.ptr, i32) -> ()
// CHECK:         call @__recur_emu_mbarrier_expect_tx(%[[SHARED]], %[[BYTES:.+]]) : (!llvm.ptr, i32) -> ()
// CHECK:         %[[SRC:.+]] = llvm.inttoptr %[[X]] : i64 to !llvm.ptr
// CHECK:         call @__recur_emu_cp_async_bulk(%[[DST:.+]], %[[SRC]], %[[BYTES]], %[[SHARED]]) : (!llvm.ptr, !llvm.ptr, i32, !llvm.ptr) -> ()
// CHECK:         call @__recur_emu_mbarrier_arrive(%[[SHARED]]) : (!llvm.ptr) -> ()
// CHECK:         call @__recur_emu_mbarrier_try_wait_parity(%[[SHARED]], %[[PARITY]]) : (!llvm.ptr, i32) -> ()
// CHECK-NOT:     llvm.addrspacecast
// CHECK-NOT:     nvvm.
module attributes {gpu.container_module} {
  gpu.module @recur_kernels {
    llvm.mlir.global internal @__recur_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<272 x i8>
    gpu.func @bulk_copy(%x: i64, %n: i32, %parity: i32) kernel {
      %c256 = arith.constant 256 : i32
      %ticks = arith.constant 10000000 : i32
      %shared = llvm.mlir.addressof @__recur_shared : !llvm.ptr<3>
      %slot = llvm.getelementptr %shared[16] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
      nvvm.mbarrier.init %shared, %n : !llvm.ptr<3>, i32
      nvvm.mbarrier.expect_tx %shared, %c256 : !llvm.ptr<3>, i32
      %src = llvm.inttoptr %x : i64 to !llvm.ptr<1>
      %dst = llvm.addrspacecast %slot : !llvm.ptr<3> to !llvm.ptr<7>
      nvvm.cp.async.bulk.shared.cluster.global %dst, %src, %shared, %c256 : !llvm.ptr<7>, !llvm.ptr<1>
      nvvm.mbarrier.arrive %shared : !llvm.ptr<3>
      nvvm.mbarrier.try_wait.parity %shared, %parity, %ticks : !llvm.ptr<3>, i32, i32
      gpu.return
    }
  }
}
