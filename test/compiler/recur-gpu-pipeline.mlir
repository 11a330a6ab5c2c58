// RUN: recur-opt %s -split-input-file -recur-gpu-pipeline=target=cuda:sm_80 | FileCheck %s --check-prefix=SM80
// RUN: recur-opt %s -split-input-file -recur-gpu-pipeline=target=cuda:sm_90 | FileCheck %s --check-prefix=SM90
// RUN: recur-opt %s -split-input-file -recur-gpu-pipeline=target=rocm:gfx942 | FileCheck %s --check-prefix=GFX942
// RUN: recur-opt %s -split-input-file -recur-gpu-pipeline=target=rocm:gfx90a | FileCheck %s --check-prefix=GFX90A

// The whole GPU pipeline ends in a gpu.binary holding the target's assembly
// (escaped: \0A is a newline, \09 a tab). A masked 1-D kernel: 16-byte
// vector accesses on the aligned, unmasked path, 128 threads per block.
// SM80: gpu.binary @recur_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">
// SM80-SAME: .target sm_80
// SM80-SAME: .visible .entry vadd(
// SM80-SAME: .maxntid 128, 1, 1
// SM80-SAME: ld.global.v4.b32
// SM80-SAME: st.global.v4.b32
// sm_90 compiles for sm_90a, whose arch-specific features include wgmma.
// SM90: #nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">
// SM90-SAME: .target sm_90a
// SM90-SAME: ld.global.v4.b32
// GFX942: #rocdl.target<O = 3, chip = "gfx942">
// GFX942-SAME: .amdgcn_target \22amdgcn-amd-amdhsa--gfx942\22
// GFX942-SAME: global_load_dwordx4
// GFX942-SAME: global_store_dwordx4
// GFX90A: #rocdl.target<O = 3, chip = "gfx90a">
// GFX90A-SAME: .amdgcn_target \22amdgcn-amd-amdhsa--gfx90a\22
tile.func @vadd(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %pid = tile.program_id x
  %c1024 = arith.constant 1024 : i32
  %start = arith.muli %pid, %c1024 : i32
  %r = tile.make_range 0, 1024 : tensor<1024xi32>
  %s = tile.splat %start : tensor<1024xi32>
  %off = arith.addi %s, %r : tensor<1024xi32>
  %ns = tile.splat %n : tensor<1024xi32>
  %mask = arith.cmpi slt, %off, %ns : tensor<1024xi32>
  %xb = tile.splat %x : tensor<1024x!tile.ptr<f32>>
  %xp = tile.addptr %xb, %off : tensor<1024x!tile.ptr<f32>>, tensor<1024xi32>
  %yb = tile.splat %y : tensor<1024x!tile.ptr<f32>>
  %yp = tile.addptr %yb, %off : tensor<1024x!tile.ptr<f32>>, tensor<1024xi32>
  %xv = tile.load %xp, %mask : tensor<1024x!tile.ptr<f32>>
  %yv = tile.load %yp, %mask : tensor<1024x!tile.ptr<f32>>
  %sum = arith.addf %xv, %yv : tensor<1024xf32>
  %ob = tile.splat %out : tensor<1024x!tile.ptr<f32>>
  %op = tile.addptr %ob, %off : tensor<1024x!tile.ptr<f32>>, tensor<1024xi32>
  tile.store %op, %sum, %mask : tensor<1024x!tile.ptr<f32>>
  tile.return
}

// -----

// Column sums of a 64x64 tile: xor shuffles across lanes, shared memory and
// barriers across warps. Shared addresses are 32-bit registers (%r, not
// %rd pairs: -nvptx-short-ptr).
// SM80: .shared .align 16 .b8 __recur_shared
// SM80-SAME: shfl.sync.bfly.b32
// SM80-SAME: bar.sync \090
// SM80-SAME: st.shared.b32 \09[%r{{[0-9]+}}
// SM80-SAME: ld.shared.b32 {{.*}}, [%r{{[0-9]+}}
// SM90: shfl.sync.bfly.b32
// GFX942: ds_swizzle_b32
// GFX942-SAME: s_barrier
tile.func @column_sums(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>) {
  %rows = tile.make_range 0, 64 : tensor<64xi32>
  %cols = tile.make_range 0, 64 : tensor<64xi32>
  %r2 = tile.expand_dims %rows axis = 1 : tensor<64xi32> -> tensor<64x1xi32>
  %c2 = tile.expand_dims %cols axis = 0 : tensor<64xi32> -> tensor<1x64xi32>
  %c64 = arith.constant dense<64> : tensor<64x1xi32>
  %ro = arith.muli %r2, %c64 : tensor<64x1xi32>
  %rb = tile.broadcast %ro : tensor<64x1xi32> -> tensor<64x64xi32>
  %cb = tile.broadcast %c2 : tensor<1x64xi32> -> tensor<64x64xi32>
  %off = arith.addi %rb, %cb : tensor<64x64xi32>
  %base = tile.splat %x : tensor<64x64x!tile.ptr<f32>>
  %p = tile.addptr %base, %off : tensor<64x64x!tile.ptr<f32>>, tensor<64x64xi32>
  %v = tile.load %p : tensor<64x64x!tile.ptr<f32>>
  %s = tile.reduce(%v) axis = 0 : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %op = tile.addptr %ob, %cols : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %op, %s : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// f16 operands with an f32 accumulator run on the tensor cores on NVIDIA
// targets (mma.sync on sm_80 and sm_90) and on the matrix cores on AMD
// (MFMA; gfx942 spells it with an underscore before the type).
// SM80: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// SM90: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// GFX942: v_mfma_f32_16x16x16_f16
// GFX90A: v_mfma_f32_16x16x16f16
tile.func @dot_f16(%pa: !tile.ptr<f16>, %pc: !tile.ptr<f32>) {
  %r = tile.make_range 0, 32 : tensor<32xi32>
  %r2 = tile.expand_dims %r axis = 0 : tensor<32xi32> -> tensor<1x32xi32>
  %rb = tile.broadcast %r2 : tensor<1x32xi32> -> tensor<32x32xi32>
  %p = tile.splat %pa : tensor<32x32x!tile.ptr<f16>>
  %q = tile.addptr %p, %rb : tensor<32x32x!tile.ptr<f16>>, tensor<32x32xi32>
  %a = tile.load %q : tensor<32x32x!tile.ptr<f16>>
  %c = arith.constant dense<0.0> : tensor<32x32xf32>
  %d = tile.dot %a, %a, %c : tensor<32x32xf16> * tensor<32x32xf16> -> tensor<32x32xf32>
  %o = tile.splat %pc : tensor<32x32x!tile.ptr<f32>>
  %oq = tile.addptr %o, %rb : tensor<32x32x!tile.ptr<f32>>, tensor<32x32xi32>
  tile.store %oq, %d : tensor<32x32x!tile.ptr<f32>>
  tile.return
}

// -----

// bf16 and f32 operands on AMD: the 16x16x16 bf16 MFMA (bf16_1k) and the
// exact f32 one, 16x16x4. bf16 on NVIDIA: nvvm.mma.sync (32 rows are too
// few for sm_90's wgmma).
// SM80: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// SM90: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// GFX942: v_mfma_f32_16x16x16_bf16
// GFX90A: v_mfma_f32_16x16x16bf16_1k
tile.func @dot_bf16(%pa: !tile.ptr<bf16>, %pc: !tile.ptr<f32>) {
  %r = tile.make_range 0, 32 : tensor<32xi32>
  %r2 = tile.expand_dims %r axis = 0 : tensor<32xi32> -> tensor<1x32xi32>
  %rb = tile.broadcast %r2 : tensor<1x32xi32> -> tensor<32x32xi32>
  %p = tile.splat %pa : tensor<32x32x!tile.ptr<bf16>>
  %q = tile.addptr %p, %rb : tensor<32x32x!tile.ptr<bf16>>, tensor<32x32xi32>
  %a = tile.load %q : tensor<32x32x!tile.ptr<bf16>>
  %c = arith.constant dense<0.0> : tensor<32x32xf32>
  %d = tile.dot %a, %a, %c : tensor<32x32xbf16> * tensor<32x32xbf16> -> tensor<32x32xf32>
  %o = tile.splat %pc : tensor<32x32x!tile.ptr<f32>>
  %oq = tile.addptr %o, %rb : tensor<32x32x!tile.ptr<f32>>, tensor<32x32xi32>
  tile.store %oq, %d : tensor<32x32x!tile.ptr<f32>>
  tile.return
}

// -----

// GFX942: v_mfma_f32_16x16x4_f32
// GFX90A: v_mfma_f32_16x16x4f32
tile.func @dot_f32(%pa: !tile.ptr<f32>, %pc: !tile.ptr<f32>) {
  %r = tile.make_range 0, 32 : tensor<32xi32>
  %r2 = tile.expand_dims %r axis = 0 : tensor<32xi32> -> tensor<1x32xi32>
  %rb = tile.broadcast %r2 : tensor<1x32xi32> -> tensor<32x32xi32>
  %p = tile.splat %pa : tensor<32x32x!tile.ptr<f32>>
  %q = tile.addptr %p, %rb : tensor<32x32x!tile.ptr<f32>>, tensor<32x32xi32>
  %a = tile.load %q : tensor<32x32x!tile.ptr<f32>>
  %c = arith.constant dense<0.0> : tensor<32x32xf32>
  %d = tile.dot %a, %a, %c : tensor<32x32xf32> * tensor<32x32xf32> -> tensor<32x32xf32>
  %o = tile.splat %pc : tensor<32x32x!tile.ptr<f32>>
  %oq = tile.addptr %o, %rb : tensor<32x32x!tile.ptr<f32>>, tensor<32x32xi32>
  tile.store %oq, %d : tensor<32x32x!tile.ptr<f32>>
  tile.return
}

// -----

// 64 rows and 4 warps fill a warpgroup: sm_90a runs wgmma with A and B in
// shared memory (after fence.proxy.async makes the staging stores visible
// to it), one m64n64k16 per k step, then commits and waits; sm_80 stays on
// mma.sync.
// SM80-NOT: wgmma.mma_async
// SM80: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// SM90: fence.proxy.async;
// SM90-SAME: wgmma.fence.sync.aligned;
// SM90-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// SM90-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// SM90-SAME: wgmma.commit_group.sync.aligned;
// SM90-SAME: wgmma.wait_group.sync.aligned \090;
tile.func @dot_wgmma(%pa: !tile.ptr<f16>, %pc: !tile.ptr<f32>) {
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %r2 = tile.expand_dims %r axis = 0 : tensor<64xi32> -> tensor<1x64xi32>
  %rb = tile.broadcast %r2 : tensor<1x64xi32> -> tensor<64x64xi32>
  %ra = tile.broadcast %r2 : tensor<1x64xi32> -> tensor<32x64xi32>
  %p = tile.splat %pa : tensor<32x64x!tile.ptr<f16>>
  %q = tile.addptr %p, %ra : tensor<32x64x!tile.ptr<f16>>, tensor<32x64xi32>
  %b = tile.load %q : tensor<32x64x!tile.ptr<f16>>
  %a = tile.trans %b order = [1, 0] : tensor<32x64xf16> -> tensor<64x32xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  %d = tile.dot %a, %b, %c : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
  %o = tile.splat %pc : tensor<64x64x!tile.ptr<f32>>
  %oq = tile.addptr %o, %rb : tensor<64x64x!tile.ptr<f32>>, tensor<64x64xi32>
  tile.store %oq, %d : tensor<64x64x!tile.ptr<f32>>
  tile.return
}

// -----

// f32 tanh on AMD is arithmetic (the polynomial of recur-approximate-math),
// not a call into the ROCm device libraries, which are not linked.
// GFX942-LABEL: tanh_f32:
// GFX942-NOT: __ocml
// GFX942: .end_amdhsa_kernel
tile.func @tanh_f32(%px: !tile.ptr<f32>) {
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %p = tile.splat %px : tensor<128x!tile.ptr<f32>>
  %q = tile.addptr %p, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %x = tile.load %q : tensor<128x!tile.ptr<f32>>
  %y = math.tanh %x : tensor<128xf32>
  tile.store %q, %y : tensor<128x!tile.ptr<f32>>
  tile.return
}

// -----

// num_programs on AMD reads the hidden kernel arguments instead of calling
// ockl, so the kernel needs no ROCm device library: hidden_block_count_y
// follows the 8-byte pointer and hidden_block_count_x, at offset 12 (0xc).
// GFX942-LABEL: grid_size_y:
// GFX942-NOT: __ockl
// GFX942: s_load_dword s{{[0-9]+}}, s[0:1], 0xc
// GFX942: .end_amdhsa_kernel
// GFX942-SAME: .offset: 12\0A .size: 4\0A .value_kind: hidden_block_count_y
tile.func @grid_size_y(%px: !tile.ptr<i32>) {
  %n = tile.num_programs y
  tile.store %px, %n : !tile.ptr<i32>
  tile.return
}

// -----

// A 128x128 f32 transpose goes through 64 KiB of shared memory: above
// NVIDIA's static 48 KiB it is dynamic (`.extern .shared`, sized at launch);
// AMD's LDS holds it statically.
// SM80: .extern .shared .align 16 .b8 __recur_shared[];
// SM90: .extern .shared .align 16 .b8 __recur_shared[];
// GFX942: .amdhsa_group_segment_fixed_size 65536
tile.func @transpose_64k(%px: !tile.ptr<f32>, %py: !tile.ptr<f32>) {
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %rows = tile.expand_dims %r axis = 1 : tensor<128xi32> -> tensor<128x1xi32>
  %cols = tile.expand_dims %r axis = 0 : tensor<128xi32> -> tensor<1x128xi32>
  %c128 = arith.constant dense<128> : tensor<128x1xi32>
  %rs = arith.muli %rows, %c128 : tensor<128x1xi32>
  %rb = tile.broadcast %rs : tensor<128x1xi32> -> tensor<128x128xi32>
  %cb = tile.broadcast %cols : tensor<1x128xi32> -> tensor<128x128xi32>
  %offs = arith.addi %rb, %cb : tensor<128x128xi32>
  %xs = tile.splat %px : tensor<128x128x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<128x128x!tile.ptr<f32>>, tensor<128x128xi32>
  %x = tile.load %xp : tensor<128x128x!tile.ptr<f32>>
  %t = tile.trans %x order = [1, 0] : tensor<128x128xf32> -> tensor<128x128xf32>
  %ys = tile.splat %py : tensor<128x128x!tile.ptr<f32>>
  %yp = tile.addptr %ys, %offs : tensor<128x128x!tile.ptr<f32>>, tensor<128x128xi32>
  tile.store %yp, %t : tensor<128x128x!tile.ptr<f32>>
  tile.return
}
