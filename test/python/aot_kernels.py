# Kernels that test_aot.py compiles with recurc (which loads them by file)
# and runs through the JIT for comparison.

import recur
import recur.language as rl


@recur.jit
def add(x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    rl.store(out_ptr + offs, x + rl.load(y_ptr + offs, mask=mask), mask=mask)


@recur.jit
def matmul(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    BLOCK_M: rl.constexpr,
    BLOCK_N: rl.constexpr,
    BLOCK_K: rl.constexpr,
):
    # Row-major b and c (unit column strides).
    offs_m = rl.program_id(0) * BLOCK_M + rl.arange(0, BLOCK_M)
    offs_n = rl.program_id(1) * BLOCK_N + rl.arange(0, BLOCK_N)
    offs_k = rl.arange(0, BLOCK_K)
    acc = rl.zeros((BLOCK_M, BLOCK_N), dtype=rl.float32)
    for k0 in range(0, K, BLOCK_K):
        a_mask = (offs_m[:, None] < M) & (offs_k[None, :] + k0 < K)
        b_mask = (offs_k[:, None] + k0 < K) & (offs_n[None, :] < N)
        a_offs = offs_m[:, None] * stride_am + (offs_k[None, :] + k0) * stride_ak
        a = rl.load(a_ptr + a_offs, mask=a_mask, other=0.0)
        b_offs = (offs_k[:, None] + k0) * stride_bk + offs_n[None, :]
        b = rl.load(b_ptr + b_offs, mask=b_mask, other=0.0)
        acc += rl.dot(a, b)
    c_mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    rl.store(c_ptr + offs_m[:, None] * N + offs_n[None, :], acc, mask=c_mask)


@recur.jit
def scale(x_ptr, out_ptr, n, FACTOR: rl.constexpr, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) * FACTOR, mask=mask)


@recur.jit
def transpose_tile(x_ptr, y_ptr, N: rl.constexpr):
    # rl.trans goes through shared memory: 64 KiB at N = 128 (f32).
    x = rl.load(x_ptr + rl.arange(0, N)[:, None] * N + rl.arange(0, N)[None, :])
    rl.store(y_ptr + rl.arange(0, N)[:, None] * N + rl.arange(0, N)[None, :], rl.trans(x))
