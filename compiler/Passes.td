//===- Passes.td - Recur compiler passes -------------------*- tablegen -*-===//

#ifndef RECUR_COMPILER_PASSES_TD
#define RECUR_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTileToCPU : Pass<"convert-tile-to-cpu", "::mlir::ModuleOp"> {
  let summary = "Lower tile programs to tensors, loops and LLVM memory ops";
  let description = [{
    Rewrites every tile op into upstream dialects that the CPU pipeline
    bufferizes and lowers to LLVM:

    * `tile.func`/`tile.call`/`tile.return` become `func` ops. The launch
      grid becomes explicit: every function takes six trailing `i32`
      arguments (program id x, y, z, then the grid size x, y, z) that
      replace `tile.program_id` and `tile.num_programs`. Kernels are marked
      with the `recur.kernel` attribute.
    * `!tile.ptr<T>` becomes an `i64` address; `tile.addptr` scales element
      offsets by the size of `T`.
    * Shape ops become `tensor`/`linalg` ops on tensors; `tile.dot` becomes
      a `linalg.generic` matmul in (m, k, n) loop order, with operands
      extended to the accumulator type.
    * Tile loads and stores walk the flattened tile in vectors of up to 16
      lanes with `llvm.intr.masked.gather`/`masked.scatter`; volatile loads,
      i1 tiles, scalar accesses and atomics go lane by lane under `scf.if`.
    * `tile.reduce` and `tile.scan` become loops over each line along the
      axis; the combine regions are inlined in index order, so
      non-commutative combines stay correct.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def TileCPULaunchGrid : Pass<"tile-cpu-launch-grid", "::mlir::ModuleOp"> {
  let summary = "Wrap each CPU kernel in a loop over a range of programs";
  let description = [{
    For every `func.func` marked `recur.kernel` (the output of
    `convert-tile-to-cpu`), adds `@<kernel>_grid` taking the kernel's own
    arguments, the grid size (x, y, z as `i32`) and a half-open range
    `[begin, end)` of linear program ids (`i64`). It runs the kernel for each
    program in the range, x fastest. The runtime's thread pool hands each
    worker one such range, so the launch grid is the outermost loop of the
    compiled code.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def PromoteLoopFreeBuffersToStack
    : Pass<"promote-loop-free-buffers-to-stack", "::mlir::func::FuncOp"> {
  let summary = "Turn small static heap buffers outside loops into stack buffers";
  let description = [{
    Replaces `memref.alloc` by `memref.alloca` when the buffer has a static
    shape of at most `max-bytes` bytes, sits outside every loop of its
    function, and the function returns no memref (so no buffer can outlive
    it). Tiles are small and static, so after buffer hoisting almost every
    one qualifies, which removes a malloc/free pair per tile per program.

    Upstream `promote-buffers-to-stack` also promotes buffers inside loops,
    where each iteration would grow the stack; a grid or K loop of many
    iterations would then overflow it. Buffers left inside loops stay on the
    heap and are freed by the deallocation pipeline that runs afterwards.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "unsigned", /*default=*/"65536",
           "Largest buffer, in bytes, to place on the stack">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ApproximateMath : Pass<"recur-approximate-math"> {
  let summary = "Polynomial f32 exp, expm1, tanh, log, log1p, log2 and erf";
  let description = [{
    Rewrites f32 (scalar and vector) `math` functions with upstream's
    polynomial approximations, so that vectorised kernels keep them in
    vector registers instead of calling libm once per lane. f64 functions
    are left to libm.

    With `arith-floor`, f32 floor (which the polynomials use) becomes exact
    integer-conversion arithmetic: AMD's lowering would otherwise call the
    ROCm device libraries for it.
  }];
  let options = [
    Option<"arithFloor", "arith-floor", "bool", /*default=*/"false",
           "Rewrite f32 floor as exact arith (no device-library call)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def VectorizeTileLinalg
    : Pass<"vectorize-tile-linalg", "::mlir::func::FuncOp"> {
  let summary = "Vectorize linalg ops on small static tiles as whole vectors";
  let description = [{
    Rewrites each linalg op on statically shaped tensors of at most
    `max-elements` elements per operand into vector ops on whole tiles
    (`vector.transfer_read`, elementwise vector math), using upstream
    linalg vectorization. Contractions (`tile.dot`) are left to the loop
    lowering, whose (m, k, n) loops LLVM vectorises better than an
    outer-product `vector.contract`. Ops the vectorizer does not handle, or
    larger ones, stay for
    `convert-linalg-to-loops`.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"4096",
           "Largest operand, in elements, to turn into one vector">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertSeqToTile : Pass<"convert-seq-to-tile", "::mlir::ModuleOp"> {
  let summary = "Lower sequence-operator functions to chunked tile kernels";
  let description = [{
    Rewrites each operator function — a `func.func` whose body applies one
    `seq` operator to its arguments and returns the operator's results — into
    a kernel `tile.func` of the same name. The kernel takes one pointer per
    function argument, then one per result, in order, then the sequence
    lengths (`i32`: `T`, or `Tq` and `Tk` for attention). Tensors are
    contiguous, row-major. The linear family runs on the grid `(H, N)`:
    program `(h, n)` computes head `h` of sequence `n` (`N = B`, or the
    number of packed sequences with `cu_seqlens`); with `gpu`, a `[K, V]`
    state of more than 8192 elements splits over V, on the grid
    `(H, N, ceil(V / B))` with `B = max(16, 8192 / K)` columns per program
    (`recur::getValueBlock`). Attention runs on `(query blocks, H, N)`.

    `seq.linear_attn` becomes the chunked form: per chunk of `chunk-size`
    steps, the causal intra-chunk product `(q kᵀ ⊙ M) v`, the inter-chunk
    term `q S` with the carried state, and the state update `S += kᵀ v`;
    with `normalize`, the running key sum divides each output. `seq.gla`
    adds per-key decays taken from chunk-local cumulative log gates `G` and
    exponentiated only as non-positive differences: the intra-chunk weights
    `exp(G_t - G_s)` (`s <= t`, a `[C, C, K]` tile, or with `gpu` a loop
    over the keys of `[C, C]` terms), `exp(G_t)` on `q S`, and
    `exp(G_C - G_s)` on the state update, so strong gates cannot overflow.
    `seq.ssd` is the same chunked form with a scalar log decay `dt A` per
    step (its own `chunk_size`), keys `dt B` of the head's group, queries
    `C`, the `D` skip and the `silu(z)` gate.
    `seq.delta_rule` and `seq.gated_delta_rule` go through the WY/UT
    representation: per chunk, `T = (I + tril(diag(β) K Kᵀ Γ, -1))⁻¹ diag(β)`
    by forward substitution, `W = T K`, `U = T V`, and the corrected values
    `U - W S` drive outputs and state.
    `seq.selective_scan` runs one channel per program, its `N` states
    carried, and scans the steps' affine maps `(exp(Δ A), Δ u B)` inside a
    chunk.
    `seq.attention` becomes flash attention: per block of `chunk-size`
    queries, the online softmax over the key blocks the causal/window bounds
    leave visible (the others are never visited), GQA by `h / (H / Hkv)`.
    `seq.newton_rnn` runs on `(ceil(H / W), B)`, a block of `W` channels
    per program (`W = min(16, H)` rounded up to a power of two, or the tile
    width of a custom cell's functions): it projects `u_g = W_g x` once,
    then iterates Newton in an `scf.while`, each sweep scanning the affine
    maps `(J_t, r_t)` along the chunk (`tile.scan`) and carrying `δ` across
    chunks, and raises the `iterations` and `residual` results by atomic
    maxima (the caller zeroes them). Its kernel takes one more pointer
    before `T`: a workspace of `B T (G + 2 S) H` elements of the compute
    type (`G` gates, `S` = 1, or 2 for the LSTM's `(c, h)`).
    Chunks are
    read and written with masks, so `T` need not divide by the chunk, and
    packed sequences may end mid-chunk.
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", /*default=*/"64",
           "Time steps per chunk (a power of two)">,
    Option<"gpu", "gpu", "bool", /*default=*/"false",
           "Shape the kernels for GPU threads, which hold tiles in "
           "registers: GLA's exact intra-chunk weights are summed key by key "
           "rather than built as a [C, C, K] tile, the linear family splits "
           "large states over V, and the Newton RNN projects its inputs in "
           "blocks of 16 rather than 64">,
  ];
  let dependentDialects = [
    "::recur::tile::TileDialect", "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
  ];
}

def TilePipelineLoads : Pass<"tile-pipeline-loads", "::mlir::ModuleOp"> {
  let summary = "Software-pipeline the global loads of scf.for loops";
  let description = [{
    With `num-stages` of 2 or more, each `scf.for` of a tile kernel loads
    one iteration ahead: the loop carries, per pipelined `tile.load`, the
    tile loaded for its current iteration, and issues the next iteration's
    load early in the body, before that iteration's compute (a dot, a
    reduction) needs it. A prologue before the loop loads the first
    iteration's tiles.

    ```mlir
    %r = scf.for %k = %lb to %ub step %s iter_args(%p = %p0) -> (...) {
      %a = tile.load %p : tensor<64x32x!tile.ptr<f32>>
      ...
      %q = tile.addptr %p, %step : ...
      scf.yield %q : ...
    }
    ```

    becomes

    ```mlir
    %in = arith.cmpi slt, %lb, %ub : i32
    %m0 = tile.splat %in : tensor<64x32xi1>
    %a0 = tile.load %p0, %m0 : tensor<64x32x!tile.ptr<f32>>
    %r:2 = scf.for %k = %lb to %ub step %s
        iter_args(%p = %p0, %a = %a0) -> (...) {
      %q = tile.addptr %p, %step : ...
      %next = arith.addi %k, %s : i32
      %more = arith.cmpi slt, %next, %ub : i32
      %m = tile.splat %more : tensor<64x32xi1>
      %an = tile.load %q, %m : tensor<64x32x!tile.ptr<f32>>
      ...
      scf.yield %q, %an : ...
    }
    ```

    A load is pipelined when it is not volatile, sits in the loop's body
    itself (not in a nested region), follows no op that may write memory,
    and its pointer, mask and `other` are computed in the body only by
    side-effect-free ops without regions that read no other load; values
    from outside the loop, the induction variable and the iteration
    arguments may feed them. The next iteration's operands are recomputed
    from the values the body yields, and the next load's mask is ANDed with
    `iv + step < ub` (the prologue's with `lb < ub`; a load without a mask
    gets one), so the loads of iterations that do not run touch no memory.
    The next loads are placed after every op of the body that may write
    memory, so loads and stores keep their order. Values are bit-identical
    to the loop's.

    The prefetch distance in registers is one iteration for every
    `num-stages` >= 2: loading further ahead would keep `num-stages - 1`
    copies of each tile in registers, which the dots' operands cannot
    afford. With `num-stages` 1 the pass does nothing.

    With `async-copies` (targets with `cp.async`), loads of tiles whose
    `other` is absent or +0 go through shared memory instead, before the
    rest are pipelined in registers: the loop's tiles get a
    `tile.local_alloc` of `D + 1` slots, the prologue copies the first `D`
    iterations' tiles (`tile.async_copy`, one `tile.async_commit` per
    iteration), and each iteration waits for its own group
    (`tile.async_wait D - 1`), reads its tiles where the loads were
    (`tile.local_load`) and starts the copies of iteration `i + D` into the
    slot that iteration `i - 1` read. The distance `D` is `num-stages - 1`
    in loops that write no global memory the copies may read (stores and
    atomics through a `tile.noalias` kernel argument no copy reads from
    do not count); any other loop that writes copies one iteration ahead,
    after its writes, since a later iteration may read what an earlier one
    stores. The iteration arguments the copies' pointers
    and masks read (pointers advanced by `tile.addptr`) are carried `D`
    iterations ahead in iteration arguments of their own; a load whose
    operands need an iteration argument that the body does not advance by
    side-effect-free ops alone stays in registers. An `async_wait 0` after
    the loop retires the copies of iterations that did not run (masked
    off: they read nothing).
  }];
  let options = [
    Option<"numStages", "num-stages", "unsigned", /*default=*/"2",
           "Pipeline stages; 2 or more loads one iteration ahead">,
    Option<"asyncCopies", "async-copies", "bool", /*default=*/"false",
           "Pipeline loads through shared memory with asynchronous copies, "
           "num-stages - 1 iterations ahead">,
  ];
  let dependentDialects = [
    "::recur::tile::TileDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def TileNarrowDotOperands
    : Pass<"tile-narrow-dot-operands", "::mlir::ModuleOp"> {
  let summary = "Give dots the f16/bf16 values their f32 operands extend";
  let description = [{
    A `tile.dot` with an f32 accumulator whose `a` and `b` are both
    `arith.extf` of f16 (or both of bf16) values, possibly through a
    `tile.trans`, takes the narrow values instead:

    ```mlir
    %a = arith.extf %x : tensor<64x64xbf16> to tensor<64x64xf32>
    %b = arith.extf %y : tensor<64x64xbf16> to tensor<64x64xf32>
    %bt = tile.trans %b order = [1, 0] : ...
    %d = tile.dot %a, %bt, %c : ... -> tensor<64x64xf32>
    // becomes
    %yt = tile.trans %y order = [1, 0] : tensor<64x64xbf16> -> ...
    %d = tile.dot %x, %yt, %c : ... -> tensor<64x64xf32>
    ```

    The result is the same: the product of two f16 (11-bit significands)
    or bf16 (8-bit) values is exact in f32, and the dot accumulates in the
    accumulator's type either way. What changes is the instruction: the
    narrow form runs on the tensor cores (`mma.sync`, `wgmma`) or AMD's
    matrix cores, and moves half the bytes through shared memory. The GPU
    pipelines run it first, so that operators written in f32 over narrow
    inputs (`recur.ops` with f16/bf16 tensors) reach the matrix units.
  }];
  let dependentDialects = ["::recur::tile::TileDialect"];
}

def TileGPUAssignLayouts
    : Pass<"tile-gpu-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "Give every tile tensor a GPU layout";
  let description = [{
    Encodes each tensor type in a kernel with the `#tile.blocked` or
    `#tile.slice` layout that places its elements on the threads of a block
    of `num-warps` warps, and inserts `tile.convert_layout` where an op needs
    its operands in another layout than they were made in.

    Each tensor rank gets one blocked layout, sized on the largest tile of
    that rank in the kernel: runs of up to four elements along the last
    (contiguous) dimension, so loads and stores of unit-stride tiles become
    16-byte accesses, lanes along the last dimension first and warps along
    the first. Tiles that feed `tile.expand_dims` (directly or through
    elementwise ops) take the slice of the next rank's layout, which makes
    the expansion free; reductions produce slices. Elementwise ops, loads,
    stores, atomics and `tile.broadcast` need their operands in their result's
    layout; `tile.dot`, `tile.trans` and `tile.reshape` accept any (they
    exchange data through shared memory). Loop-carried and `scf.if` values
    keep one layout on every path. Device functions must be inlined first.

    With `mma-layouts`, a `tile.dot` that `mma.sync` can run gives its
    result (and the loop-carried accumulator it updates) the blocked layout
    whose elements are exactly the accumulator fragments of `mma.sync`:
    `sizePerThread = [1, 2]`, `threadsPerWarp = [8, 4]`, warps split over
    both dimensions. The accumulator then stays in registers across the
    dots of a loop.
  }];
  let options = [
    Option<"numWarps", "num-warps", "unsigned", /*default=*/"4",
           "Warps per block">,
    Option<"warpSize", "warp-size", "unsigned", /*default=*/"32",
           "Threads per warp (32 on NVIDIA GPUs, 64 on AMD CDNA)">,
    Option<"mmaLayouts", "mma-layouts", "bool", /*default=*/"false",
           "Give the results of dots that mma.sync can run its accumulator "
           "fragment layout (NVIDIA targets without wgmma)">,
  ];
}

def ConvertTileToGPU : Pass<"convert-tile-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Distribute laid-out tile kernels over GPU threads";
  let description = [{
    Moves every kernel into `gpu.module @recur_kernels` as a `gpu.func`
    kernel (the module becomes a `gpu.container_module`) and rewrites each
    tile, whose layout `tile-gpu-assign-layouts` chose, into the vector of
    the elements one thread holds:

    * `tile.program_id`/`tile.num_programs` read `gpu.block_id`/
      `gpu.grid_dim`; the block is `num_threads` threads along x
      (`known_block_size`).
    * `tile.make_range` adds the thread's base coordinate to constant
      offsets; `tile.splat`, `tile.broadcast` and `tile.expand_dims` stay in
      the thread (a splat, a shuffle, nothing); arith and math ops apply to
      the vectors.
    * Pointers are i64 addresses. Loads and stores access runs of up to 16
      bytes that the layout keeps in one thread and the contiguity analysis
      proves consecutive as one vector access when the run is aligned and
      unmasked (tested at run time), else element by element under their
      masks; replicated elements are stored by one thread only.
    * `tile.reduce` folds in the thread, across lanes with xor shuffles and
      across warps through shared memory, in index order.
    * `tile.convert_layout`, `tile.trans` and `tile.reshape` exchange
      elements through the module's shared-memory scratch
      (`@__recur_shared`, sized for the largest user). A scratch above
      `dynamic-shared-above` bytes is dynamic shared memory instead (an
      external zero-length array; NVIDIA's static limit is 48 KiB), its size
      kept as the GPU module's `recur.dynamic_shared_bytes` for the launch.
    * `tile.dot` accumulates with FMAs from operands in shared memory, or
      with `mma-sync`, runs `nvgpu.mma.sync` on 16x8 tiles per warp where
      the types and shapes fit.
      With `wgmma` (sm_90a), each warpgroup runs `nvvm.wgmma.mma_async`
      on 64xN tiles, its operands read from shared memory through matrix
      descriptors.
      With `mfma`, each wavefront runs `amdgpu.mfma` on 16x16 tiles where
      they fit.
    * `tile.async_copy` starts `cp.async` copies of each thread's runs, or
      with `bulk-copies` one `cp.async.bulk` per row, issued by the thread
      holding the row's first element, for rows found contiguous and
      aligned (at run time); `tile.async_commit` and `tile.async_wait`
      then also arrive at and wait on a ring of mbarriers, one per group.
    * `tile.print` becomes `gpu.printf` (one line per element, from the
      element's canonical holder) and `tile.assert` becomes `cf.assert`,
      or with `trap-asserts` (AMD targets) a printf of the message and a
      trap where it fails.
  }];
  let options = [
    Option<"mmaSync", "mma-sync", "bool", /*default=*/"false",
           "Use NVIDIA tensor cores (nvgpu.mma.sync) for the dots that fit "
           "them (f16, or f32 with tf32 precision; shapes of 16x8x16 or 16x8x8)">,
    Option<"wgmma", "wgmma", "bool", /*default=*/"false",
           "Use NVIDIA warpgroup MMA (sm_90a wgmma.mma_async, operands in "
           "shared memory) for the dots that fit it (f16/bf16, or f32 with "
           "tf32 precision, f32 accumulator; M a multiple of 64, N of 8, K of "
           "16 or 8; warps a multiple of 4), preferred over mma-sync">,
    Option<"mfma", "mfma", "bool", /*default=*/"false",
           "Use AMD matrix cores (amdgpu.mfma, CDNA2/3, 64-lane wavefronts) "
           "for the dots that fit them (f16, bf16 or f32 operands, f32 "
           "accumulator; M, N multiples of 16, K of 16 or 4)">,
    Option<"trapAsserts", "trap-asserts", "bool", /*default=*/"false",
           "Lower a failing tile.assert to a gpu.printf of its message and a "
           "trap (llvm.trap) instead of cf.assert, which has no lowering on "
           "AMD GPUs">,
    Option<"cpAsync", "cp-async", "bool", /*default=*/"false",
           "Lower tile.async_copy to cp.async (NVIDIA sm_80 and later); "
           "without it the copies are ordinary loads and stores, complete "
           "when they return">,
    Option<"bulkCopies", "bulk-copies", "bool", /*default=*/"false",
           "Copy whole rows of a tile.async_copy with the Tensor Memory "
           "Accelerator's bulk copies (sm_90 cp.async.bulk), their groups "
           "completing on mbarriers, where the rows are contiguous, 16-byte "
           "multiples and masked whole">,
    Option<"dynamicSharedAbove", "dynamic-shared-above", "int64_t",
           /*default=*/"0",
           "Make a shared-memory scratch larger than this many bytes dynamic "
           "shared memory, sized at launch (0: always static)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::amdgpu::AMDGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def GridDimToImplicitArgs
    : Pass<"grid-dim-to-implicit-args", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Read AMD grid sizes from the implicit kernel arguments";
  let description = [{
    ROCDL lowers `gpu.grid_dim` to a call to `__ockl_get_num_groups`, which
    lives in the ROCm device libraries. Code object v5 (LLVM's default)
    passes the grid's block counts as the first three hidden kernel
    arguments (`hidden_block_count_x/y/z`, 32 bits each, filled by the HIP
    runtime); this pass loads them through `llvm.amdgcn.implicitarg.ptr`,
    so kernels that use `num_programs` build and link without ROCm. It runs
    on AMD targets before the ROCDL conversion.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def ConvertGPUToEmu : Pass<"convert-gpu-to-emu", "::mlir::ModuleOp"> {
  let summary = "Turn GPU kernels into host functions for the SIMT emulator";
  let description = [{
    Replaces each `gpu.func` kernel of the module's GPU modules by a
    `func.func` of the same name and signature marked `recur.kernel`, which
    runtime/emu runs once per emulated thread. `gpu.thread_id`,
    `gpu.block_id`, `gpu.block_dim`, `gpu.grid_dim`, `gpu.barrier` and
    `gpu.shuffle` become calls to `__recur_emu_*` (docs/gpu.md lists
    them), the shared-memory scratch is the block's shared memory
    (`__recur_emu_shared_memory`), and pointers of every address space
    become host pointers. The block size and the scratch size are kept as
    `recur.emu.threads` and `recur.emu.shared_bytes`; `nvgpu.mma.sync`
    becomes the emulator's `mma` of the same shape and types, and
    `amdgpu.mfma` its `mfma`; `nvvm.mma.sync` (bf16) becomes its `mma`,
    `nvvm.wgmma.mma_async` its warpgroup `wgmma` (wgmma's fence, commit
    and wait and `nvvm.fence.proxy` calls of those names), and a
    shared-memory address taken as an integer is its offset in the block's
    shared memory. It runs on
    the output of `convert-tile-to-gpu`, before the NVVM or ROCDL
    conversion would.
  }];
  let options = [
    Option<"warpSize", "warp-size", "unsigned", /*default=*/"32",
           "Lanes per warp of the emulated target">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::vector::VectorDialect",
  ];
}

#endif // RECUR_COMPILER_PASSES_TD
