// RUN: recur-opt %s -split-input-file -verify-diagnostics -tile-gpu-assign-layouts | FileCheck %s
// RUN: recur-opt %s -split-input-file -verify-diagnostics -tile-gpu-assign-layouts=num-warps=8 | FileCheck %s --check-prefix=WARPS8
// RUN: recur-opt %s -split-input-file -verify-diagnostics -tile-gpu-assign-layouts=mma-layouts=true | FileCheck %s --check-prefix=MMA

// A 1-D kernel: runs of four elements (16-byte accesses), 32 lanes, the
// four warps one after another; the kernel records its block size.
// CHECK: #[[L1:blocked]] = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: tile.func @vadd
// CHECK-SAME:    attributes {tile.num_threads = 128 : i32}
// CHECK:         make_range 0, 1024 : tensor<1024xi32, #[[L1]]>
// CHECK:         arith.constant dense<0.000000e+00> : tensor<1024xf32, #[[L1]]>
// CHECK:         load {{.*}} : tensor<1024x!tile.ptr<f32>, #[[L1]]>
// CHECK-NOT:     convert_layout
// WARPS8: #blocked = #tile.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>
// WARPS8-LABEL: tile.func @vadd
// WARPS8-SAME:    tile.num_threads = 256

tile.func @vadd(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>) {
  %r = tile.make_range 0, 1024 : tensor<1024xi32>
  %zero = arith.constant dense<0.0> : tensor<1024xf32>
  %xb = tile.splat %x : tensor<1024x!tile.ptr<f32>>
  %xp = tile.addptr %xb, %r : tensor<1024x!tile.ptr<f32>>, tensor<1024xi32>
  %v = tile.load %xp : tensor<1024x!tile.ptr<f32>>
  %s = arith.addf %v, %zero : tensor<1024xf32>
  %ob = tile.splat %out : tensor<1024x!tile.ptr<f32>>
  %op = tile.addptr %ob, %r : tensor<1024x!tile.ptr<f32>>, tensor<1024xi32>
  tile.store %op, %s : tensor<1024x!tile.ptr<f32>>
  tile.return
}

// -----

// Ranges that feed expand_dims take the slice of the 2-D layout, so the
// expansion and the broadcasts move no data; the row sums come out as the
// slice along the reduced axis and are converted for the 1-D store.
// CHECK: #[[B2:blocked]] = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK: #[[B1:blocked1]] = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK: #[[ROW:slice]] = #tile.slice<{dim = 1, parent = #[[B2]]}>
// CHECK: #[[COL:slice1]] = #tile.slice<{dim = 0, parent = #[[B2]]}>
// CHECK-LABEL: tile.func @row_sums
// CHECK:         %[[ROWS:.+]] = make_range 0, 64 : tensor<64xi32, #[[ROW]]>
// CHECK:         %[[COLS:.+]] = make_range 0, 64 : tensor<64xi32, #[[COL]]>
// CHECK:         expand_dims %[[ROWS]] axis = 1 {{.*}} -> tensor<64x1xi32, #[[B2]]>
// CHECK:         expand_dims %[[COLS]] axis = 0 {{.*}} -> tensor<1x64xi32, #[[B2]]>
// CHECK:         %[[SUM:.+]] = reduce({{.*}}) axis = 1 : (tensor<64x64xf32, #[[B2]]>) -> tensor<64xf32, #[[ROW]]>
// CHECK:         convert_layout %[[SUM]] : {{.*}} -> tensor<64xf32, #[[B1]]>
tile.func @row_sums(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>) {
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
  %s = tile.reduce(%v) axis = 1 : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %idx = tile.make_range 0, 64 : tensor<64xi32>
  %op = tile.addptr %ob, %idx : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %op, %s : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// Each shape gets a layout of its own: the [32, 128] tile of q and the
// [32, 32] scores each spread over the 128 threads without copies (in the
// larger tile's layout, a [32, 32] tile would be held four times over).
// The row indices feed both shapes: the second use recomputes them in its
// layout (make_range and expand_dims again) instead of converting them
// through shared memory.
// CHECK: #[[SCORES:blocked]] = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK: #[[Q:blocked1]] = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK-LABEL: tile.func @scores
// CHECK-NOT:     convert_layout
// CHECK:         %[[R:.+]] = make_range 0, 32 : tensor<32xi32, #slice1>
// CHECK:         %[[RQ:.+]] = make_range 0, 32 : tensor<32xi32, #slice2>
// CHECK:         expand_dims %[[R]] axis = 1 {{.*}} -> tensor<32x1xi32, #[[SCORES]]>
// CHECK:         expand_dims %[[RQ]] axis = 1 {{.*}} -> tensor<32x1xi32, #[[Q]]>
// CHECK:         load {{.*}} : tensor<32x128x!tile.ptr<f32>, #[[Q]]>
// CHECK:         dot {{.*}} -> tensor<32x32xf32, #[[SCORES]]>
// CHECK:         store {{.*}} : tensor<32x32x!tile.ptr<f32>, #[[SCORES]]>
// CHECK-NOT:     convert_layout
tile.func @scores(%pq: !tile.ptr<f32>, %ps: !tile.ptr<f32>) {
  %r = tile.make_range 0, 32 : tensor<32xi32>
  %k = tile.make_range 0, 128 : tensor<128xi32>
  %rows = tile.expand_dims %r axis = 1 : tensor<32xi32> -> tensor<32x1xi32>
  %c128 = arith.constant dense<128> : tensor<32x1xi32>
  %rq = arith.muli %rows, %c128 : tensor<32x1xi32>
  %rqb = tile.broadcast %rq : tensor<32x1xi32> -> tensor<32x128xi32>
  %kc = tile.expand_dims %k axis = 0 : tensor<128xi32> -> tensor<1x128xi32>
  %kb = tile.broadcast %kc : tensor<1x128xi32> -> tensor<32x128xi32>
  %qo = arith.addi %rqb, %kb : tensor<32x128xi32>
  %qs = tile.splat %pq : tensor<32x128x!tile.ptr<f32>>
  %qp = tile.addptr %qs, %qo : tensor<32x128x!tile.ptr<f32>>, tensor<32x128xi32>
  %q = tile.load %qp : tensor<32x128x!tile.ptr<f32>>
  %qt = tile.trans %q order = [1, 0] : tensor<32x128xf32> -> tensor<128x32xf32>
  %zero = arith.constant dense<0.0> : tensor<32x32xf32>
  %s = tile.dot %q, %qt, %zero : tensor<32x128xf32> * tensor<128x32xf32> -> tensor<32x32xf32>
  %c32 = arith.constant dense<32> : tensor<32x1xi32>
  %rs = arith.muli %rows, %c32 : tensor<32x1xi32>
  %rsb = tile.broadcast %rs : tensor<32x1xi32> -> tensor<32x32xi32>
  %cols = tile.expand_dims %r axis = 0 : tensor<32xi32> -> tensor<1x32xi32>
  %cb = tile.broadcast %cols : tensor<1x32xi32> -> tensor<32x32xi32>
  %so = arith.addi %rsb, %cb : tensor<32x32xi32>
  %ss = tile.splat %ps : tensor<32x32x!tile.ptr<f32>>
  %sp = tile.addptr %ss, %so : tensor<32x32x!tile.ptr<f32>>, tensor<32x32xi32>
  tile.store %sp, %s : tensor<32x32x!tile.ptr<f32>>
  tile.return
}

// -----

// A running row maximum and sum, as flash attention carries them: the loop
// carries both in the slice layout that the body's expand_dims wants, and
// `l * alpha + rowsum` stays in it (elementwise ops with no user to suit
// follow their operands): nothing converts inside the loop. After it, the
// maximum converts once for its two 1-D stores.
// CHECK: #[[B2:blocked]] = #tile.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK: #[[ROW:slice1]] = #tile.slice<{dim = 1, parent = #[[B2]]}>
// CHECK-LABEL: tile.func @running_max
// CHECK:         scf.for {{.*}} -> (tensor<64xf32, #[[ROW]]>, tensor<64xf32, #[[ROW]]>)
// CHECK-NOT:       convert_layout
// CHECK:           scf.yield
// CHECK:         %[[M:.+]] = convert_layout %{{.+}}#0 : tensor<64xf32, #[[ROW]]> -> tensor<64xf32, #{{.+}}>
// CHECK-NOT:     convert_layout
// CHECK:         store %{{.+}}, %[[M]]
// CHECK-NEXT:    store %{{.+}}, %[[M]]
tile.func @running_max(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %rows = tile.expand_dims %r axis = 1 : tensor<64xi32> -> tensor<64x1xi32>
  %cols = tile.expand_dims %r axis = 0 : tensor<64xi32> -> tensor<1x64xi32>
  %c64 = arith.constant dense<64> : tensor<64x1xi32>
  %ro = arith.muli %rows, %c64 : tensor<64x1xi32>
  %rb = tile.broadcast %ro : tensor<64x1xi32> -> tensor<64x64xi32>
  %cb = tile.broadcast %cols : tensor<1x64xi32> -> tensor<64x64xi32>
  %off = arith.addi %rb, %cb : tensor<64x64xi32>
  %base = tile.splat %x : tensor<64x64x!tile.ptr<f32>>
  %p = tile.addptr %base, %off : tensor<64x64x!tile.ptr<f32>>, tensor<64x64xi32>
  %ninf = arith.constant dense<0xFF800000> : tensor<64xf32>
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %m:2 = scf.for %i = %c0 to %n step %c1 iter_args(%mi = %ninf, %li = %zero) -> (tensor<64xf32>, tensor<64xf32>) : i32 {
    %v = tile.load %p : tensor<64x64x!tile.ptr<f32>>
    %rowmax = tile.reduce(%v) axis = 1 : (tensor<64x64xf32>) -> tensor<64xf32> {
    ^bb0(%a: f32, %b: f32):
      %mx = arith.maximumf %a, %b : f32
      tile.yield %mx : f32
    }
    %mn = arith.maximumf %mi, %rowmax : tensor<64xf32>
    %me = tile.expand_dims %mn axis = 1 : tensor<64xf32> -> tensor<64x1xf32>
    %mb = tile.broadcast %me : tensor<64x1xf32> -> tensor<64x64xf32>
    %d = arith.subf %v, %mb : tensor<64x64xf32>
    %e = math.exp %d : tensor<64x64xf32>
    %rs = tile.reduce(%e) axis = 1 : (tensor<64x64xf32>) -> tensor<64xf32> {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      tile.yield %s : f32
    }
    %diff = arith.subf %mi, %mn : tensor<64xf32>
    %alpha = math.exp %diff : tensor<64xf32>
    %ls = arith.mulf %li, %alpha : tensor<64xf32>
    %ln = arith.addf %ls, %rs : tensor<64xf32>
    scf.yield %mn, %ln : tensor<64xf32>, tensor<64xf32>
  }
  %le = tile.expand_dims %m#1 axis = 1 : tensor<64xf32> -> tensor<64x1xf32>
  %lb = tile.broadcast %le : tensor<64x1xf32> -> tensor<64x64xf32>
  %w = tile.load %p : tensor<64x64x!tile.ptr<f32>>
  %normalised = arith.divf %w, %lb : tensor<64x64xf32>
  tile.store %p, %normalised : tensor<64x64x!tile.ptr<f32>>
  %ob = tile.splat %out : tensor<64x!tile.ptr<f32>>
  %op = tile.addptr %ob, %r : tensor<64x!tile.ptr<f32>>, tensor<64xi32>
  tile.store %op, %m#0 : tensor<64x!tile.ptr<f32>>
  tile.store %op, %m#0 : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// A reduction to a scalar takes the slice its operand comes in (the row
// sums' squares here): its result needs no layout, so nothing converts.
// CHECK-LABEL: tile.func @total_of_row_sums
// CHECK-NOT:     convert_layout
// CHECK:         %[[SUMS:.+]] = reduce({{.*}}) axis = 1 : (tensor<64x64xf32, #{{.+}}>) -> tensor<64xf32, #[[ROWS:.+]]>
// CHECK:         %[[SQ:.+]] = arith.mulf %[[SUMS]], %[[SUMS]] : tensor<64xf32, #[[ROWS]]>
// CHECK:         reduce(%[[SQ]]) axis = 0 : (tensor<64xf32, #[[ROWS]]>) -> f32
// CHECK-NOT:     convert_layout
tile.func @total_of_row_sums(%x: !tile.ptr<f32>, %out: !tile.ptr<f32>) {
  %rows = tile.make_range 0, 64 : tensor<64xi32>
  %r2 = tile.expand_dims %rows axis = 1 : tensor<64xi32> -> tensor<64x1xi32>
  %c2 = tile.expand_dims %rows axis = 0 : tensor<64xi32> -> tensor<1x64xi32>
  %c64 = arith.constant dense<64> : tensor<64x1xi32>
  %ro = arith.muli %r2, %c64 : tensor<64x1xi32>
  %rb = tile.broadcast %ro : tensor<64x1xi32> -> tensor<64x64xi32>
  %cb = tile.broadcast %c2 : tensor<1x64xi32> -> tensor<64x64xi32>
  %off = arith.addi %rb, %cb : tensor<64x64xi32>
  %base = tile.splat %x : tensor<64x64x!tile.ptr<f32>>
  %p = tile.addptr %base, %off : tensor<64x64x!tile.ptr<f32>>, tensor<64x64xi32>
  %v = tile.load %p : tensor<64x64x!tile.ptr<f32>>
  %s = tile.reduce(%v) axis = 1 : (tensor<64x64xf32>) -> tensor<64xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %sq = arith.mulf %s, %s : tensor<64xf32>
  %t = tile.reduce(%sq) axis = 0 : (tensor<64xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  tile.store %out, %t : !tile.ptr<f32>
  tile.return
}

// -----

// A loop-carried tile keeps one layout on entry, in the body and on exit.
// CHECK-LABEL: tile.func @carried
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<128xf32, #[[C:.+]]>)
// CHECK:           scf.yield %{{.*}} : tensor<128xf32, #[[C]]>
tile.func @carried(%x: !tile.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant dense<0.0> : tensor<128xf32>
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %xb = tile.splat %x : tensor<128x!tile.ptr<f32>>
  %p = tile.addptr %xb, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %acc = scf.for %i = %c0 to %n step %c1 iter_args(%a = %zero) -> (tensor<128xf32>) : i32 {
    %v = tile.load %p : tensor<128x!tile.ptr<f32>>
    %s = arith.addf %a, %v : tensor<128xf32>
    scf.yield %s : tensor<128xf32>
  }
  tile.store %p, %acc : tensor<128x!tile.ptr<f32>>
  tile.return
}

// -----

// expected-error@+1 {{device functions must be inlined before GPU lowering}}
tile.func private @helper(%v: tensor<16xf32>) -> tensor<16xf32> {
  tile.return %v : tensor<16xf32>
}

// -----

// With mma-layouts, a dot that mma.sync runs (f16, 64x64x64, 4 warps) gives
// its result mma.sync's accumulator fragment layout, split 2 x 2 over the
// warps; the loop carries the accumulator in it, so it stays in registers.
// The zero it starts from is rematerialised in that layout, and only the
// final store converts, right after the loop.
// MMA:       #[[ACC:blocked[0-9]*]] = #tile.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
// MMA-LABEL: tile.func @matmul_loop
// MMA:         %[[INIT:.+]] = arith.constant dense<0.000000e+00> : tensor<64x64xf32, #[[ACC]]>
// MMA:         scf.for {{.+}} iter_args(%[[ACC_I:.+]] = %[[INIT]]) -> (tensor<64x64xf32, #[[ACC]]>)
// MMA:           tile.dot %{{.+}}, %{{.+}}, %[[ACC_I]] : {{.+}} -> tensor<64x64xf32, #[[ACC]]>
// MMA-NEXT:      scf.yield %{{.+}} : tensor<64x64xf32, #[[ACC]]>
// MMA:         %[[C:.+]] = convert_layout %{{.+}} : tensor<64x64xf32, #[[ACC]]> -> tensor<64x64xf32, #{{.+}}>
// MMA:         store %{{.+}}, %[[C]]
tile.func @matmul_loop(%pa: !tile.ptr<f16>, %pb: !tile.ptr<f16>, %pc: !tile.ptr<f32>, %n: i32) {
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %rows = tile.expand_dims %r axis = 1 : tensor<64xi32> -> tensor<64x1xi32>
  %cols = tile.expand_dims %r axis = 0 : tensor<64xi32> -> tensor<1x64xi32>
  %c64 = arith.constant dense<64> : tensor<64x1xi32>
  %rs = arith.muli %rows, %c64 : tensor<64x1xi32>
  %rb = tile.broadcast %rs : tensor<64x1xi32> -> tensor<64x64xi32>
  %cb = tile.broadcast %cols : tensor<1x64xi32> -> tensor<64x64xi32>
  %offs = arith.addi %rb, %cb : tensor<64x64xi32>
  %a0 = tile.splat %pa : tensor<64x64x!tile.ptr<f16>>
  %ap = tile.addptr %a0, %offs : tensor<64x64x!tile.ptr<f16>>, tensor<64x64xi32>
  %b0 = tile.splat %pb : tensor<64x64x!tile.ptr<f16>>
  %bp = tile.addptr %b0, %offs : tensor<64x64x!tile.ptr<f16>>, tensor<64x64xi32>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ni = arith.index_cast %n : i32 to index
  %acc = scf.for %i = %c0 to %ni step %c1 iter_args(%acc_i = %zero) -> (tensor<64x64xf32>) {
    %a = tile.load %ap : tensor<64x64x!tile.ptr<f16>>
    %b = tile.load %bp : tensor<64x64x!tile.ptr<f16>>
    %d = tile.dot %a, %b, %acc_i : tensor<64x64xf16> * tensor<64x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  %c0p = tile.splat %pc : tensor<64x64x!tile.ptr<f32>>
  %cp = tile.addptr %c0p, %offs : tensor<64x64x!tile.ptr<f32>>, tensor<64x64xi32>
  tile.store %cp, %acc : tensor<64x64x!tile.ptr<f32>>
  tile.return
}
