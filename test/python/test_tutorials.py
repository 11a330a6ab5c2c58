# Numerical tests of recur.language written as Triton users write kernels.
#
# Covers: the classic Triton tutorials ported with triton->recur, tl->rl (vector
# add, fused softmax, matmul with a K loop and masks, layer-norm forward),
# cumsum/cumprod, linear recurrences through rl.associative_scan (forward and
# reverse, non-commutative combine), reductions (sum/max/min/argmax/argmin,
# rl.reduce with custom and tuple combines), elementwise math, integer ops with
# C semantics, comparisons, Triton's type-promotion rules, .to() casts (float
# to int truncation, bf16/f16 round-to-nearest-even checked bit-exactly against
# ml_dtypes/numpy), views (trans, reshape, expand_dims, broadcast_to, full,
# zeros), control flow (runtime if/else, while, for with steps, static_range,
# nested device functions, tuple returns, constexpr globals, default
# arguments), atomics and multi-dimensional grids.
#
# Every test takes the `mode` fixture (conftest.py), so it runs both compiled
# and under RECUR_INTERPRET=1 and must give the same results in both. Sizes are
# deliberately not multiples of the block sizes so that masks matter.

import ml_dtypes
import numpy as np
import pytest

import recur
import recur.language as rl

BF16 = ml_dtypes.bfloat16

# Tolerance for results stored as bfloat16. bf16 keeps 8 significant bits, so
# round-to-nearest-even onto bf16 moves a value by at most half an ulp, i.e.
# 2**-8 = 3.9e-3 relative. The kernels compute in float32 (error ~1e-7
# relative), which is covered by the small atol plus the margin 4e-3 > 2**-8.
BF16_RTOL = 4e-3


def next_power_of_2(n):
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def as_f32(a):
    return np.asarray(a).astype(np.float32)


def as_f64(a):
    return np.asarray(a).astype(np.float64)


# ---------------------------------------------------------------------------
# Tutorial 01: vector add
# ---------------------------------------------------------------------------


@recur.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK: rl.constexpr):
    pid = rl.program_id(axis=0)
    block_start = pid * BLOCK
    offsets = block_start + rl.arange(0, BLOCK)
    mask = offsets < n_elements
    x = rl.load(x_ptr + offsets, mask=mask)
    y = rl.load(y_ptr + offsets, mask=mask)
    output = x + y
    rl.store(out_ptr + offsets, output, mask=mask)


@recur.jit
def add_f32_compute_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK: rl.constexpr):
    pid = rl.program_id(0)
    offsets = pid * BLOCK + rl.arange(0, BLOCK)
    mask = offsets < n_elements
    x = rl.load(x_ptr + offsets, mask=mask).to(rl.float32)
    y = rl.load(y_ptr + offsets, mask=mask).to(rl.float32)
    rl.store(out_ptr + offsets, (x + y).to(out_ptr.dtype.element_ty), mask=mask)


@recur.jit
def add_hinted_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK: rl.constexpr):
    pid = rl.program_id(0)
    offsets = pid * BLOCK + rl.arange(0, BLOCK)
    offsets = rl.max_contiguous(rl.multiple_of(offsets, BLOCK), BLOCK)
    mask = offsets < n_elements
    x = rl.load(x_ptr + offsets, mask=mask)
    y = rl.load(y_ptr + offsets, mask=mask)
    rl.store(out_ptr + offsets, x + y, mask=mask)


@pytest.mark.parametrize("n", [1, 97, 1000, 4099])
def test_vector_add_f32(mode, rng, n):
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    # Padding after the n outputs must stay untouched (the mask works).
    out = np.full(n + 37, -7.0, dtype=np.float32)
    grid = lambda meta: (recur.cdiv(n, meta["BLOCK"]),)  # noqa: E731
    add_kernel[grid](x, y, out, n, BLOCK=128)
    # float32 addition is exact IEEE arithmetic in both numpy and the kernel.
    np.testing.assert_array_equal(out[:n], x + y)
    np.testing.assert_array_equal(out[n:], -7.0)


def test_vector_add_tuple_grid(mode, rng):
    n = 300
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, dtype=np.float32)
    add_kernel[(recur.cdiv(n, 64),)](x, y, out, n, BLOCK=64)
    np.testing.assert_array_equal(out, x + y)


@pytest.mark.parametrize("n", [97, 4099])
def test_vector_add_bf16(mode, rng, n):
    x = rng.standard_normal(n).astype(BF16)
    y = rng.standard_normal(n).astype(BF16)
    out = np.zeros(n, dtype=BF16)
    grid = lambda meta: (recur.cdiv(n, meta["BLOCK"]),)  # noqa: E731
    add_f32_compute_kernel[grid](x, y, out, n, BLOCK=256)
    ref = as_f64(x) + as_f64(y)
    # Only the final rounding onto bf16 differs from the f64 reference.
    np.testing.assert_allclose(as_f32(out), ref, rtol=BF16_RTOL, atol=1e-6)
    # Stronger: the f32 sum rounded to nearest even is exactly ml_dtypes' cast.
    expected = (as_f32(x) + as_f32(y)).astype(BF16)
    np.testing.assert_array_equal(out.view(np.uint16), expected.view(np.uint16))


@pytest.mark.parametrize(
    "dtype,rtol",
    [(np.float64, 0), (np.int32, 0), (np.float16, 1e-3)],
    ids=["f64", "i32", "f16"],
)
def test_vector_add_other_dtypes(mode, rng, dtype, rtol):
    n = 97
    if np.issubdtype(dtype, np.integer):
        x = rng.integers(-1000, 1000, n).astype(dtype)
        y = rng.integers(-1000, 1000, n).astype(dtype)
    else:
        x = rng.standard_normal(n).astype(dtype)
        y = rng.standard_normal(n).astype(dtype)
    out = np.zeros(n, dtype=dtype)
    add_kernel[(recur.cdiv(n, 32),)](x, y, out, n, BLOCK=32)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, x + y, rtol=rtol)


def test_vector_add_with_hints(mode, rng):
    n = 1000
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, dtype=np.float32)
    add_hinted_kernel[(recur.cdiv(n, 128),)](x, y, out, n, BLOCK=128)
    np.testing.assert_array_equal(out, x + y)


# ---------------------------------------------------------------------------
# Tutorial 02: fused softmax
# ---------------------------------------------------------------------------


@recur.jit
def softmax_kernel(
    output_ptr, input_ptr, input_row_stride, output_row_stride, n_cols, BLOCK_SIZE: rl.constexpr
):
    row_idx = rl.program_id(0)
    row_start_ptr = input_ptr + row_idx * input_row_stride
    col_offsets = rl.arange(0, BLOCK_SIZE)
    input_ptrs = row_start_ptr + col_offsets
    mask = col_offsets < n_cols
    row = rl.load(input_ptrs, mask=mask, other=-float("inf")).to(rl.float32)
    row_minus_max = row - rl.max(row, axis=0)
    numerator = rl.exp(row_minus_max)
    denominator = rl.sum(numerator, axis=0)
    softmax_output = numerator / denominator
    output_row_start_ptr = output_ptr + row_idx * output_row_stride
    rl.store(output_row_start_ptr + col_offsets, softmax_output, mask=mask)


def softmax_ref(x):
    x = as_f64(x)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("n_rows,n_cols", [(3, 1), (5, 37), (4, 100)])
@pytest.mark.parametrize("dtype", [np.float32, BF16], ids=["f32", "bf16"])
def test_fused_softmax(mode, rng, n_rows, n_cols, dtype):
    # Rows live inside wider arrays: the row strides differ from n_cols and
    # from each other, and the padding columns must not be read or written.
    x_full = (rng.standard_normal((n_rows, n_cols + 5)) * 3).astype(dtype)
    out_full = np.full((n_rows, n_cols + 3), 9.0, dtype=dtype)
    BLOCK_SIZE = next_power_of_2(n_cols)
    softmax_kernel[(n_rows,)](
        out_full, x_full, x_full.shape[1], out_full.shape[1], n_cols, BLOCK_SIZE=BLOCK_SIZE
    )
    ref = softmax_ref(x_full[:, :n_cols])
    if dtype is BF16:
        # Inputs are exact bf16 values; the output is rounded onto bf16.
        np.testing.assert_allclose(as_f32(out_full[:, :n_cols]), ref, rtol=BF16_RTOL, atol=1e-6)
    else:
        np.testing.assert_allclose(out_full[:, :n_cols], ref, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(as_f32(out_full[:, n_cols:]), 9.0)


# ---------------------------------------------------------------------------
# Tutorial 03: matrix multiplication with a K loop and masks
# ---------------------------------------------------------------------------


@recur.jit
def matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_M: rl.constexpr,
    BLOCK_N: rl.constexpr,
    BLOCK_K: rl.constexpr,
):
    pid_m = rl.program_id(0)
    pid_n = rl.program_id(1)
    offs_m = pid_m * BLOCK_M + rl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + rl.arange(0, BLOCK_N)
    offs_k = rl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + (offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak)
    b_ptrs = b_ptr + (offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn)
    acc = rl.zeros((BLOCK_M, BLOCK_N), dtype=rl.float32)
    for k in range(0, rl.cdiv(K, BLOCK_K)):
        k_remaining = K - k * BLOCK_K
        a = rl.load(a_ptrs, mask=(offs_m[:, None] < M) & (offs_k[None, :] < k_remaining), other=0.0)
        b = rl.load(b_ptrs, mask=(offs_k[:, None] < k_remaining) & (offs_n[None, :] < N), other=0.0)
        acc += rl.dot(a, b)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk
    c_ptrs = c_ptr + stride_cm * offs_m[:, None] + stride_cn * offs_n[None, :]
    c_mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    rl.store(c_ptrs, acc, mask=c_mask)


@recur.jit
def matmul_acc_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    BLOCK_M: rl.constexpr,
    BLOCK_N: rl.constexpr,
    BLOCK_K: rl.constexpr,
):
    # Same product through rl.dot(a, b, acc) on contiguous row-major operands.
    offs_m = rl.program_id(0) * BLOCK_M + rl.arange(0, BLOCK_M)
    offs_n = rl.program_id(1) * BLOCK_N + rl.arange(0, BLOCK_N)
    acc = rl.zeros((BLOCK_M, BLOCK_N), dtype=rl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + rl.arange(0, BLOCK_K)
        a = rl.load(
            a_ptr + offs_m[:, None] * K + offs_k[None, :],
            mask=(offs_m[:, None] < M) & (offs_k[None, :] < K),
            other=0.0,
        )
        b = rl.load(
            b_ptr + offs_k[:, None] * N + offs_n[None, :],
            mask=(offs_k[:, None] < K) & (offs_n[None, :] < N),
            other=0.0,
        )
        acc = rl.dot(a, b, acc)
    rl.store(
        c_ptr + offs_m[:, None] * N + offs_n[None, :],
        acc,
        mask=(offs_m[:, None] < M) & (offs_n[None, :] < N),
    )


def assert_matmul_close(c, a, b):
    # float32 accumulation over K terms: error <= ~K * 2**-24 * (|a| @ |b|).
    # 1e-4 relative to the size of the terms is a comfortable bound for K <= 70.
    ref = as_f64(a) @ as_f64(b)
    scale = np.abs(as_f64(a)) @ np.abs(as_f64(b))
    err = np.abs(as_f64(c) - ref)
    assert np.all(err <= 1e-4 * scale + 1e-6), f"max error {err.max()}"


def run_matmul(a, b, block_m, block_n, block_k, b_transposed=False):
    M, K = a.shape
    N = b.shape[1]
    c = np.full((M, N), np.nan, dtype=np.float32)
    if b_transposed:
        # b given as the transpose of an (N, K) row-major array: strides (1, K).
        bt = np.ascontiguousarray(b.T)
        b_arg, stride_bk, stride_bn = bt, 1, K
    else:
        b_arg, stride_bk, stride_bn = b, N, 1

    def grid(meta):
        return (recur.cdiv(M, meta["BLOCK_M"]), recur.cdiv(N, meta["BLOCK_N"]))

    matmul_kernel[grid](
        a,
        b_arg,
        c,
        M,
        N,
        K,
        K,
        1,
        stride_bk,
        stride_bn,
        N,
        1,
        BLOCK_M=block_m,
        BLOCK_N=block_n,
        BLOCK_K=block_k,
    )
    return c


@pytest.mark.parametrize(
    "M,N,K,blocks",
    [(33, 47, 70, (16, 16, 16)), (5, 17, 3, (16, 16, 16)), (33, 47, 70, (32, 16, 32))],
)
def test_matmul_f32(mode, rng, M, N, K, blocks):
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = run_matmul(a, b, *blocks)
    assert_matmul_close(c, a, b)


def test_matmul_strided_b(mode, rng):
    M, N, K = 33, 47, 70
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = run_matmul(a, b, 16, 16, 16, b_transposed=True)
    assert_matmul_close(c, a, b)


def test_matmul_bf16_inputs(mode, rng):
    # bf16 operands, float32 accumulator: products of two bf16 values are exact
    # in float32 (8 + 8 significant bits), so the only error is the float32
    # accumulation, checked against f64 on the same bf16 values.
    M, N, K = 33, 47, 70
    a = rng.standard_normal((M, K)).astype(BF16)
    b = rng.standard_normal((K, N)).astype(BF16)
    c = run_matmul(a, b, 16, 16, 16)
    assert_matmul_close(c, a, b)


def test_matmul_dot_with_acc_argument(mode, rng):
    M, N, K = 20, 18, 40
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = np.zeros((M, N), dtype=np.float32)
    matmul_acc_kernel[(recur.cdiv(M, 16), recur.cdiv(N, 16))](
        a, b, c, M, N, K, BLOCK_M=16, BLOCK_N=16, BLOCK_K=16
    )
    assert_matmul_close(c, a, b)


# ---------------------------------------------------------------------------
# Tutorial 05: layer-norm forward
# ---------------------------------------------------------------------------


@recur.jit
def layer_norm_fwd_kernel(X, Y, W, B, Mean, Rstd, stride, N, eps, BLOCK_SIZE: rl.constexpr):
    row = rl.program_id(0)
    Y += row * stride
    X += row * stride
    mean = 0
    _mean = rl.zeros([BLOCK_SIZE], dtype=rl.float32)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + rl.arange(0, BLOCK_SIZE)
        a = rl.load(X + cols, mask=cols < N, other=0.0).to(rl.float32)
        _mean += a
    mean = rl.sum(_mean, axis=0) / N
    _var = rl.zeros([BLOCK_SIZE], dtype=rl.float32)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + rl.arange(0, BLOCK_SIZE)
        x = rl.load(X + cols, mask=cols < N, other=0.0).to(rl.float32)
        x = rl.where(cols < N, x - mean, 0.0)
        _var += x * x
    var = rl.sum(_var, axis=0) / N
    rstd = 1 / rl.sqrt(var + eps)
    rl.store(Mean + row, mean)
    rl.store(Rstd + row, rstd)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + rl.arange(0, BLOCK_SIZE)
        mask = cols < N
        w = rl.load(W + cols, mask=mask)
        b = rl.load(B + cols, mask=mask)
        x = rl.load(X + cols, mask=mask, other=0.0).to(rl.float32)
        x_hat = (x - mean) * rstd
        y = x_hat * w + b
        rl.store(Y + cols, y, mask=mask)


@pytest.mark.parametrize("M,N,BLOCK_SIZE", [(4, 100, 32), (3, 7, 16)])
@pytest.mark.parametrize("dtype", [np.float32, BF16], ids=["f32", "bf16"])
def test_layer_norm_forward(mode, rng, M, N, BLOCK_SIZE, dtype):
    eps = 1e-5
    x = (rng.standard_normal((M, N)) * 2 + 0.5).astype(dtype)
    w = rng.standard_normal(N).astype(np.float32)
    b = rng.standard_normal(N).astype(np.float32)
    y = np.zeros((M, N), dtype=dtype)
    mean = np.zeros(M, dtype=np.float32)
    rstd = np.zeros(M, dtype=np.float32)
    layer_norm_fwd_kernel[(M,)](x, y, w, b, mean, rstd, x.shape[1], N, eps, BLOCK_SIZE=BLOCK_SIZE)

    x64 = as_f64(x)
    mean_ref = x64.mean(axis=1)
    var_ref = ((x64 - mean_ref[:, None]) ** 2).mean(axis=1)
    rstd_ref = 1 / np.sqrt(var_ref + eps)
    y_ref = (x64 - mean_ref[:, None]) * rstd_ref[:, None] * w + b
    np.testing.assert_allclose(mean, mean_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rstd, rstd_ref, rtol=1e-5)
    if dtype is BF16:
        np.testing.assert_allclose(as_f32(y), y_ref, rtol=BF16_RTOL, atol=1e-5)
    else:
        np.testing.assert_allclose(y, y_ref, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------
# Scans: cumsum, cumprod
# ---------------------------------------------------------------------------


@recur.jit
def cumsum_2d_kernel(
    x_ptr,
    out_ptr,
    R,
    C,
    BR: rl.constexpr,
    BC: rl.constexpr,
    AXIS: rl.constexpr,
    REVERSE: rl.constexpr,
):
    r = rl.arange(0, BR)[:, None]
    c = rl.arange(0, BC)[None, :]
    mask = (r < R) & (c < C)
    x = rl.load(x_ptr + r * C + c, mask=mask, other=0)
    rl.store(out_ptr + r * C + c, rl.cumsum(x, axis=AXIS, reverse=REVERSE), mask=mask)


@recur.jit
def cumprod_rows_kernel(x_ptr, out_ptr, n_cols, stride, BLOCK: rl.constexpr, REVERSE: rl.constexpr):
    row = rl.program_id(0)
    offs = rl.arange(0, BLOCK)
    mask = offs < n_cols
    x = rl.load(x_ptr + row * stride + offs, mask=mask, other=1.0)
    rl.store(out_ptr + row * stride + offs, rl.cumprod(x, axis=0, reverse=REVERSE), mask=mask)


def np_cumsum(x, axis, reverse):
    if reverse:
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)
    return np.cumsum(x, axis=axis)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_int32(mode, rng, axis, reverse):
    R, C = 5, 13
    x = rng.integers(-50, 50, (R, C)).astype(np.int32)
    out = np.zeros_like(x)
    cumsum_2d_kernel[(1,)](x, out, R, C, BR=8, BC=16, AXIS=axis, REVERSE=reverse)
    np.testing.assert_array_equal(out, np_cumsum(x, axis, reverse).astype(np.int32))


@pytest.mark.parametrize("axis", [0, 1])
def test_cumsum_f32(mode, rng, axis):
    R, C = 5, 13
    x = rng.standard_normal((R, C)).astype(np.float32)
    out = np.zeros_like(x)
    cumsum_2d_kernel[(1,)](x, out, R, C, BR=8, BC=16, AXIS=axis, REVERSE=False)
    # Summation order may differ (tree scan); terms are O(1) and few.
    np.testing.assert_allclose(out, np_cumsum(as_f64(x), axis, False), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reverse", [False, True])
def test_cumprod(mode, rng, reverse):
    rows, n_cols = 3, 20
    x = rng.uniform(0.5, 1.5, (rows, n_cols)).astype(np.float32)
    out = np.zeros_like(x)
    cumprod_rows_kernel[(rows,)](x, out, n_cols, x.shape[1], BLOCK=32, REVERSE=reverse)
    x64 = as_f64(x)
    ref = np.flip(np.cumprod(np.flip(x64, 1), axis=1), 1) if reverse else np.cumprod(x64, axis=1)
    np.testing.assert_allclose(out, ref, rtol=1e-5)


# ---------------------------------------------------------------------------
# Linear recurrence through associative_scan (non-commutative combine)
# ---------------------------------------------------------------------------


@recur.jit
def combine(a1, b1, a2, b2):
    # (a1, b1) is the earlier element: h -> a2 * (a1 * h + b1) + b2.
    return a1 * a2, b1 * a2 + b2


@recur.jit
def linear_recurrence_kernel(a_ptr, b_ptr, h_ptr, n, BLOCK: rl.constexpr, REVERSE: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    # Masked lanes hold the identity element (a=1, b=0), so they are neutral
    # whichever end of the block the scan starts from.
    a = rl.load(a_ptr + offs, mask=mask, other=1.0)
    b = rl.load(b_ptr + offs, mask=mask, other=0.0)
    _, h = rl.associative_scan((a, b), axis=0, combine_fn=combine, reverse=REVERSE)
    rl.store(h_ptr + offs, h, mask=mask)


@recur.jit
def linear_recurrence_rows_kernel(
    a_ptr, b_ptr, h_ptr, R, T, BR: rl.constexpr, BT: rl.constexpr, REVERSE: rl.constexpr
):
    r = rl.arange(0, BR)[:, None]
    t = rl.arange(0, BT)[None, :]
    mask = (r < R) & (t < T)
    a = rl.load(a_ptr + r * T + t, mask=mask, other=1.0)
    b = rl.load(b_ptr + r * T + t, mask=mask, other=0.0)
    _, h = rl.associative_scan((a, b), axis=1, combine_fn=combine, reverse=REVERSE)
    rl.store(h_ptr + r * T + t, h, mask=mask)


def recurrence_ref(a, b, reverse):
    """h_t = a_t h_{t-1} + b_t (forward) or a_t h_{t+1} + b_t (reverse), h = 0 outside."""
    a, b = as_f64(a), as_f64(b)
    h = np.zeros_like(b)
    prev = np.zeros(b.shape[:-1])
    order = range(b.shape[-1] - 1, -1, -1) if reverse else range(b.shape[-1])
    for t in order:
        prev = a[..., t] * prev + b[..., t]
        h[..., t] = prev
    return h


@pytest.mark.parametrize("n,BLOCK", [(1, 16), (5, 8), (16, 16), (37, 64), (64, 64)])
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_linear_recurrence_scan(mode, rng, n, BLOCK, reverse):
    a = rng.uniform(0.5, 1.0, n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    h = np.full(n, np.nan, dtype=np.float32)
    linear_recurrence_kernel[(1,)](a, b, h, n, BLOCK=BLOCK, REVERSE=reverse)
    np.testing.assert_allclose(h, recurrence_ref(a, b, reverse), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_linear_recurrence_scan_axis1(mode, rng, reverse):
    R, T = 3, 21
    a = rng.uniform(0.5, 1.0, (R, T)).astype(np.float32)
    b = rng.standard_normal((R, T)).astype(np.float32)
    h = np.full((R, T), np.nan, dtype=np.float32)
    linear_recurrence_rows_kernel[(1,)](a, b, h, R, T, BR=4, BT=32, REVERSE=reverse)
    np.testing.assert_allclose(h, recurrence_ref(a, b, reverse), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


@recur.jit
def reduce_2d_kernel(
    x_ptr, out_ptr, R, C, BR: rl.constexpr, BC: rl.constexpr, AXIS: rl.constexpr, OP: rl.constexpr
):
    r = rl.arange(0, BR)
    c = rl.arange(0, BC)
    mask = (r[:, None] < R) & (c[None, :] < C)
    ptrs = x_ptr + r[:, None] * C + c[None, :]
    if OP == "sum":
        x = rl.load(ptrs, mask=mask, other=0)
        y = rl.sum(x, axis=AXIS)
    elif OP == "max":
        x = rl.load(ptrs, mask=mask, other=-float("inf"))
        y = rl.max(x, axis=AXIS)
    elif OP == "min":
        x = rl.load(ptrs, mask=mask, other=float("inf"))
        y = rl.min(x, axis=AXIS)
    elif OP == "argmax":
        x = rl.load(ptrs, mask=mask, other=-float("inf"))
        y = rl.argmax(x, axis=AXIS)
    else:
        x = rl.load(ptrs, mask=mask, other=float("inf"))
        y = rl.argmin(x, axis=AXIS)
    if AXIS == 0:
        rl.store(out_ptr + c, y, mask=c < C)
    else:
        rl.store(out_ptr + r, y, mask=r < R)


@recur.jit
def reduce_int_kernel(
    x_ptr, out_ptr, BR: rl.constexpr, BC: rl.constexpr, AXIS: rl.constexpr, OP: rl.constexpr
):
    # Whole power-of-2 tile, no mask; integer data with many ties.
    r = rl.arange(0, BR)
    c = rl.arange(0, BC)
    x = rl.load(x_ptr + r[:, None] * BC + c[None, :])
    if OP == "sum":
        y = rl.sum(x, axis=AXIS)
    elif OP == "max":
        y = rl.max(x, axis=AXIS)
    elif OP == "min":
        y = rl.min(x, axis=AXIS)
    elif OP == "argmax":
        y = rl.argmax(x, axis=AXIS)
    else:
        y = rl.argmin(x, axis=AXIS)
    if AXIS == 0:
        rl.store(out_ptr + c, y)
    else:
        rl.store(out_ptr + r, y)


NP_REDUCE = {"sum": np.sum, "max": np.max, "min": np.min, "argmax": np.argmax, "argmin": np.argmin}


@pytest.mark.parametrize("op", ["sum", "max", "min", "argmax", "argmin"])
@pytest.mark.parametrize("axis", [0, 1])
def test_reduce_f32(mode, rng, op, axis):
    R, C = 6, 13
    x = rng.standard_normal((R, C)).astype(np.float32)  # distinct values: no ties
    out_dtype = np.int32 if op.startswith("arg") else np.float32
    out = np.full(C if axis == 0 else R, -1, dtype=out_dtype)
    reduce_2d_kernel[(1,)](x, out, R, C, BR=8, BC=16, AXIS=axis, OP=op)
    ref = NP_REDUCE[op](as_f64(x), axis=axis)
    if op.startswith("arg"):
        np.testing.assert_array_equal(out, ref)
    else:
        np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["sum", "max", "min", "argmax", "argmin"])
@pytest.mark.parametrize("axis", [0, 1])
def test_reduce_int32_with_ties(mode, rng, op, axis):
    BR, BC = 8, 16
    x = rng.integers(-3, 3, (BR, BC)).astype(np.int32)
    out = np.full(BC if axis == 0 else BR, -99, dtype=np.int32)
    reduce_int_kernel[(1,)](x, out, BR=BR, BC=BC, AXIS=axis, OP=op)
    # numpy's argmax/argmin return the first index on ties, like Triton's
    # default tie_break_left=True.
    np.testing.assert_array_equal(out, NP_REDUCE[op](x, axis=axis))


@recur.jit
def _mul_combine(a, b):
    return a * b


@recur.jit
def _argmax_combine(v1, i1, v2, i2):
    take_left = (v1 > v2) | ((v1 == v2) & (i1 < i2))
    return rl.where(take_left, v1, v2), rl.where(take_left, i1, i2)


@recur.jit
def custom_reduce_kernel(
    x_ptr, prod_ptr, val_ptr, idx_ptr, R, C, BR: rl.constexpr, BC: rl.constexpr
):
    r = rl.arange(0, BR)
    c = rl.arange(0, BC)
    mask = (r[:, None] < R) & (c[None, :] < C)
    ptrs = x_ptr + r[:, None] * C + c[None, :]
    x = rl.load(ptrs, mask=mask, other=1.0)
    rl.store(prod_ptr + r, rl.reduce(x, 1, _mul_combine), mask=r < R)
    v = rl.load(ptrs, mask=mask, other=-float("inf"))
    idx = rl.broadcast_to(c[None, :], (BR, BC))
    best, best_idx = rl.reduce((v, idx), 1, _argmax_combine)
    rl.store(val_ptr + r, best, mask=r < R)
    rl.store(idx_ptr + r, best_idx, mask=r < R)


def test_reduce_custom_combine(mode, rng):
    R, C = 5, 11
    # Small integers as floats: products and comparisons are exact, ties occur.
    x = rng.integers(1, 4, (R, C)).astype(np.float32) * rng.choice([-1, 1], (R, C))
    x = x.astype(np.float32)
    prod = np.zeros(R, np.float32)
    val = np.zeros(R, np.float32)
    idx = np.full(R, -1, np.int32)
    custom_reduce_kernel[(1,)](x, prod, val, idx, R, C, BR=8, BC=16)
    np.testing.assert_array_equal(prod, np.prod(x, axis=1))
    np.testing.assert_array_equal(val, np.max(x, axis=1))
    np.testing.assert_array_equal(idx, np.argmax(x, axis=1))


# ---------------------------------------------------------------------------
# Elementwise math
# ---------------------------------------------------------------------------


@recur.jit
def unary_kernel(x_ptr, out_ptr, n, OP: rl.constexpr, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask, other=1.0)
    if OP == "exp":
        y = rl.exp(x)
    elif OP == "exp2":
        y = rl.exp2(x)
    elif OP == "log":
        y = rl.log(x)
    elif OP == "log2":
        y = rl.log2(x)
    elif OP == "sqrt":
        y = rl.sqrt(x)
    elif OP == "rsqrt":
        y = rl.rsqrt(x)
    elif OP == "sigmoid":
        y = rl.sigmoid(x)
    elif OP == "abs":
        y = rl.abs(x)
    else:
        y = -x
    rl.store(out_ptr + offs, y, mask=mask)


UNARY = {
    # name: (numpy reference on float64, input range)
    "exp": (np.exp, (-10, 10)),
    "exp2": (np.exp2, (-10, 10)),
    "log": (np.log, (0.01, 100)),
    "log2": (np.log2, (0.01, 100)),
    "sqrt": (np.sqrt, (0.0, 100)),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.01, 100)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), (-10, 10)),
    "abs": (np.abs, (-10, 10)),
    "neg": (np.negative, (-10, 10)),
}


@pytest.mark.parametrize("op", list(UNARY))
def test_unary_math(mode, rng, op):
    fn, (lo, hi) = UNARY[op]
    n = 203
    x = rng.uniform(lo, hi, n).astype(np.float32)
    out = np.zeros(n, dtype=np.float32)
    unary_kernel[(recur.cdiv(n, 64),)](x, out, n, OP=op, BLOCK=64)
    # float32 library functions: a few ulps (1e-5 relative is ~80 ulps).
    np.testing.assert_allclose(out, fn(as_f64(x)), rtol=1e-5, atol=1e-30)


@recur.jit
def binary_float_kernel(x_ptr, y_ptr, z_ptr, out_ptr, n, OP: rl.constexpr, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    y = rl.load(y_ptr + offs, mask=mask)
    z = rl.load(z_ptr + offs, mask=mask)
    if OP == "maximum":
        r = rl.maximum(x, y)
    elif OP == "minimum":
        r = rl.minimum(x, y)
    elif OP == "fma":
        r = rl.fma(x, y, z)
    elif OP == "where":
        r = rl.where(x > y, x * 2.0, z)
    elif OP == "div":
        r = x / y
    elif OP == "mod":
        r = x % y
    elif OP == "lt":
        r = (x < y).to(rl.float32)
    else:
        r = ((x >= y) & (z != 0.0)).to(rl.float32)
    rl.store(out_ptr + offs, r, mask=mask)


BINARY_FLOAT = {
    "maximum": lambda x, y, z: np.maximum(x, y),
    "minimum": lambda x, y, z: np.minimum(x, y),
    "fma": lambda x, y, z: x * y + z,
    "where": lambda x, y, z: np.where(x > y, x * 2.0, z),
    "div": lambda x, y, z: x / y,
    # Triton's % on floats is C's fmod (result has the sign of the dividend).
    "mod": lambda x, y, z: np.fmod(x, y),
    "lt": lambda x, y, z: (x < y).astype(np.float64),
    "ge_and_nonzero": lambda x, y, z: ((x >= y) & (z != 0)).astype(np.float64),
}


@pytest.mark.parametrize("op", list(BINARY_FLOAT))
def test_binary_float(mode, rng, op):
    n = 150
    x = rng.standard_normal(n).astype(np.float32) * 4
    y = rng.standard_normal(n).astype(np.float32) * 4
    y[::7] = x[::7]  # some equal pairs for the comparisons
    y[np.abs(y) < 0.1] = 0.5  # no tiny divisors
    z = rng.standard_normal(n).astype(np.float32)
    z[::5] = 0.0
    out = np.zeros(n, dtype=np.float32)
    binary_float_kernel[(recur.cdiv(n, 64),)](x, y, z, out, n, OP=op, BLOCK=64)
    # fma is computed in f32 with one or two roundings: 1e-6 relative to the
    # size of its terms covers both.
    ref = BINARY_FLOAT[op](as_f64(x), as_f64(y), as_f64(z))
    np.testing.assert_allclose(out, ref, rtol=1e-6, atol=1e-5 if op == "fma" else 0)


@recur.jit
def int_ops_kernel(a_ptr, b_ptr, out_ptr, n, OP: rl.constexpr, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    a = rl.load(a_ptr + offs, mask=mask, other=0)
    b = rl.load(b_ptr + offs, mask=mask, other=1)
    if OP == "add":
        r = a + b
    elif OP == "sub":
        r = a - b
    elif OP == "mul":
        r = a * b
    elif OP == "floordiv":
        r = a // b
    elif OP == "mod":
        r = a % b
    elif OP == "shl":
        r = a << b
    elif OP == "shr":
        r = a >> b
    elif OP == "and":
        r = a & b
    elif OP == "or":
        r = a | b
    elif OP == "xor":
        r = a ^ b
    elif OP == "invert":
        r = ~a
    elif OP == "neg":
        r = -a
    elif OP == "abs":
        r = rl.abs(a)
    elif OP == "maximum":
        r = rl.maximum(a, b)
    elif OP == "minimum":
        r = rl.minimum(a, b)
    elif OP == "lt":
        r = (a < b).to(rl.int32)
    elif OP == "le":
        r = (a <= b).to(rl.int32)
    elif OP == "gt":
        r = (a > b).to(rl.int32)
    elif OP == "ge":
        r = (a >= b).to(rl.int32)
    elif OP == "eq":
        r = (a == b).to(rl.int32)
    else:
        r = (a != b).to(rl.int32)
    rl.store(out_ptr + offs, r, mask=mask)


def c_div(a, b):
    """C (truncating) integer division, which Triton uses for // on integers."""
    q = np.abs(a) // np.abs(b)
    return np.where((a < 0) != (b < 0), -q, q)


INT_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "floordiv": c_div,
    "mod": lambda a, b: a - b * c_div(a, b),  # C remainder: sign of the dividend
    "shl": lambda a, b: a << b,
    "shr": lambda a, b: a >> b,  # arithmetic shift for signed int32
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "invert": lambda a, b: ~a,
    "neg": lambda a, b: -a,
    "abs": lambda a, b: np.abs(a),
    "maximum": np.maximum,
    "minimum": np.minimum,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}


@pytest.mark.parametrize("op", list(INT_OPS))
def test_int32_ops(mode, rng, op):
    n = 100
    a = rng.integers(-1000, 1000, n).astype(np.int32)
    if op in ("shl", "shr"):
        b = rng.integers(0, 20, n).astype(np.int32)
    else:
        b = rng.integers(-30, 30, n).astype(np.int32)
        b[b == 0] = 7
        b[::9] = a[::9]  # equal pairs for the comparisons
        b[b == 0] = 3
    out = np.zeros(n, dtype=np.int32)
    int_ops_kernel[(recur.cdiv(n, 32),)](a, b, out, n, OP=op, BLOCK=32)
    np.testing.assert_array_equal(out, INT_OPS[op](a, b).astype(np.int32))


def test_int_division_truncates_like_c(mode):
    # Spelled out: -7 // 2 == -3 and -7 % 2 == -1 in Triton (not Python's -4, 1).
    a = np.array([-7, 7, -7, 7, -1, 0, 9, -9], dtype=np.int32)
    b = np.array([2, -2, -2, 2, 3, 5, 4, 4], dtype=np.int32)
    q = np.zeros_like(a)
    r = np.zeros_like(a)
    int_ops_kernel[(1,)](a, b, q, 8, OP="floordiv", BLOCK=8)
    int_ops_kernel[(1,)](a, b, r, 8, OP="mod", BLOCK=8)
    np.testing.assert_array_equal(q, [-3, -3, 3, 3, 0, 0, 2, -2])
    np.testing.assert_array_equal(r, [-1, 1, -1, 1, -1, 0, 1, -1])


# ---------------------------------------------------------------------------
# Type promotion (Triton's rules) and scalar argument types
# ---------------------------------------------------------------------------


@recur.jit
def promotion_kernel(
    i8_ptr, i32_ptr, i64_ptr, u32_ptr, f16_ptr, bf16_ptr, f32_ptr, f64_ptr, out_ptr
):
    i8 = rl.load(i8_ptr)
    i32 = rl.load(i32_ptr)
    i64 = rl.load(i64_ptr)
    u32 = rl.load(u32_ptr)
    f16 = rl.load(f16_ptr)
    bf16 = rl.load(bf16_ptr)
    f32 = rl.load(f32_ptr)
    f64 = rl.load(f64_ptr)
    rl.static_assert(i8.dtype == rl.int8)
    rl.static_assert(bf16.dtype == rl.bfloat16)
    rl.static_assert((i32 + f32).dtype == rl.float32)
    rl.static_assert((i8 + i32).dtype == rl.int32)
    rl.static_assert((f16 * f32).dtype == rl.float32)
    rl.static_assert((i32 + i64).dtype == rl.int64)
    rl.static_assert((i32 + u32).dtype == rl.uint32)
    rl.static_assert((f32 + f64).dtype == rl.float64)
    rl.static_assert((bf16 + bf16).dtype == rl.bfloat16)
    rl.static_assert((bf16 + f32).dtype == rl.float32)
    rl.static_assert((f16 + f16).dtype == rl.float16)
    rl.static_assert((f16 / f16).dtype == rl.float32)
    rl.static_assert((i32 / i32).dtype == rl.float32)
    rl.static_assert((i8 < i32).dtype == rl.int1)
    # Python scalars of the same or a lower kind do not widen a tensor.
    rl.static_assert((i8 + 1).dtype == rl.int8)
    rl.static_assert((f16 * 2.0).dtype == rl.float16)
    rl.static_assert((i32 * 2.0).dtype == rl.float32)
    rl.static_assert(i8.to(rl.float32).dtype == rl.float32)
    # The same promotions, observed through the values (out is float64).
    rl.store(out_ptr + 0, i32 + f32)
    rl.store(out_ptr + 1, i8 + i32)
    rl.store(out_ptr + 2, f16 * f32)
    rl.store(out_ptr + 3, i32 / i32)
    rl.store(out_ptr + 4, i8 * i32)


def test_type_promotion(mode):
    i8 = np.array([100], np.int8)
    i32 = np.array([1000], np.int32)
    i64 = np.array([2**40], np.int64)
    u32 = np.array([7], np.uint32)
    f16 = np.array([1.5], np.float16)
    bf16 = np.array([2.5], BF16)
    f32 = np.array([0.25], np.float32)
    f64 = np.array([0.125], np.float64)
    out = np.zeros(5, np.float64)
    promotion_kernel[(1,)](i8, i32, i64, u32, f16, bf16, f32, f64, out)
    # i8 * i32 computed in int32 does not overflow at 100 * 1000 (it would in int8).
    np.testing.assert_array_equal(out, [1000.25, 1100.0, 0.375, 1.0, 100000.0])


@recur.jit
def scalar_args_kernel(i_out, f_out, i_val, f_val, EXPECT_I64: rl.constexpr):
    if EXPECT_I64:
        rl.static_assert(i_val.dtype == rl.int64)
    else:
        rl.static_assert(i_val.dtype == rl.int32)
    rl.static_assert(f_val.dtype == rl.float32)
    rl.store(i_out, i_val)
    rl.store(f_out, f_val)


@pytest.mark.parametrize("value", [7, -5, 2**31 - 1, 2**31 + 5, 2**40 + 3, -(2**35) - 1])
def test_scalar_argument_types(mode, value):
    i_out = np.zeros(1, np.int64)
    f_out = np.zeros(1, np.float64)
    expect_i64 = not (-(2**31) <= value < 2**31)
    scalar_args_kernel[(1,)](i_out, f_out, value, 0.1, EXPECT_I64=expect_i64)
    assert i_out[0] == value
    # A Python float argument is passed as float32.
    assert f_out[0] == float(np.float32(0.1))


# ---------------------------------------------------------------------------
# Casts with .to()
# ---------------------------------------------------------------------------


@recur.jit
def cast_kernel(x_ptr, out_ptr, n, DST: rl.constexpr, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    rl.store(out_ptr + offs, x.to(DST), mask=mask)


CASTS = [
    # (id, source values, source dtype, DST, numpy destination dtype)
    (
        "f32-i32-trunc",
        [-2.7, -0.5, 0.5, 2.7, 3.0, -3.0, 100.9, -100.9, 0.0],
        np.float32,
        rl.int32,
        np.int32,
    ),
    ("f32-i8-trunc", [-127.9, -1.5, 1.5, 126.99], np.float32, rl.int8, np.int8),
    ("f32-u8-trunc", [0.5, 1.9, 200.7, 255.0], np.float32, rl.uint8, np.uint8),
    ("f64-i64-trunc", [-1e12 - 0.5, 3.99, -3.99], np.float64, rl.int64, np.int64),
    ("i32-i8-wrap", [300, -200, 127, -128, 1000, -1], np.int32, rl.int8, np.int8),
    ("i32-i16-wrap", [70000, -40000, 32767, -5], np.int32, rl.int16, np.int16),
    ("u8-i32-zext", [0, 200, 255, 17], np.uint8, rl.int32, np.int32),
    ("i8-i32-sext", [-100, -1, 5, 127, -128], np.int8, rl.int32, np.int32),
    ("u32-i64-zext", [3_000_000_000, 1, 4_294_967_295], np.uint32, rl.int64, np.int64),
    ("i32-f32", [-16777216, 12345, -3, 0], np.int32, rl.float32, np.float32),
    ("i64-f64", [2**50 + 1, -(2**40)], np.int64, rl.float64, np.float64),
    ("bf16-f32", [1.5, -2.25, 3.0e38, 1e-30], BF16, rl.float32, np.float32),
    ("f16-f32", [1.5, -65504.0, 6.1e-5], np.float16, rl.float32, np.float32),
    (
        "f64-f32-rne",
        [0.1, 1 / 3, -2.0 / 3, 1e300, 1 + 2.0**-24],
        np.float64,
        rl.float32,
        np.float32,
    ),
]


@pytest.mark.parametrize("case", CASTS, ids=[c[0] for c in CASTS])
def test_casts(mode, case):
    _, values, src, dst, np_dst = case
    x = np.array(
        values,
        dtype=np.float64 if np.issubdtype(np.dtype(src), np.floating) or src is BF16 else np.int64,
    )
    x = x.astype(src)
    out = np.zeros(len(values), dtype=np_dst)
    cast_kernel[(1,)](x, out, len(values), DST=dst, BLOCK=16)
    if np.issubdtype(np.dtype(src), np.integer) or np.issubdtype(np_dst, np.floating):
        # Integer wrap/extension and float conversions: numpy's astype matches
        # C/LLVM semantics here (values chosen to stay in range where needed).
        with np.errstate(over="ignore"):
            expected = x.astype(np_dst)
    else:
        # float -> int truncates toward zero.
        expected = np.trunc(as_f64(x)).astype(np_dst)
    np.testing.assert_array_equal(out, expected)


def rounding_cases(rng):
    """float32 values around bf16/f16 rounding boundaries, incl. exact ties."""
    base = rng.standard_normal(256).astype(np.float32) * 100
    hi = base.view(np.uint32) & np.uint32(0xFFFF0000)
    ties = (hi | np.uint32(0x8000)).view(np.float32)  # exactly halfway: ties to even
    above = (hi | np.uint32(0x8001)).view(np.float32)
    below = (hi | np.uint32(0x7FFF)).view(np.float32)
    specials = np.array(
        [
            0.0,
            -0.0,
            1.0,
            -1.0,
            np.inf,
            -np.inf,
            1 + 2.0**-8,
            1 + 3 * 2.0**-8,
            1 + 2.0**-9,
            np.finfo(np.float32).max,
            65519.0,
            65520.0,
            3.0e38,
        ],
        dtype=np.float32,
    )
    return np.concatenate([base, ties, above, below, specials])


def test_cast_f32_to_bf16_round_to_nearest_even(mode, rng):
    x = rounding_cases(rng)
    out = np.zeros(x.size, dtype=BF16)
    cast_kernel[(1,)](x, out, x.size, DST=rl.bfloat16, BLOCK=2048)
    expected = x.astype(BF16)  # ml_dtypes rounds to nearest, ties to even
    np.testing.assert_array_equal(out.view(np.uint16), expected.view(np.uint16))


def test_cast_f32_to_f16_round_to_nearest_even(mode, rng):
    x = rounding_cases(rng)
    x = x[np.isinf(x) | (np.abs(x) < 60000)]  # stay in f16's finite range
    out = np.zeros(x.size, dtype=np.float16)
    cast_kernel[(1,)](x, out, x.size, DST=rl.float16, BLOCK=2048)
    np.testing.assert_array_equal(out.view(np.uint16), x.astype(np.float16).view(np.uint16))


# ---------------------------------------------------------------------------
# Views and constructors
# ---------------------------------------------------------------------------


@recur.jit
def views_kernel(
    x_ptr,
    v_ptr,
    trans_ptr,
    flat_ptr,
    reshaped_ptr,
    bcast0_ptr,
    bcast1_ptr,
    full_ptr,
    R: rl.constexpr,
    C: rl.constexpr,
):
    r = rl.arange(0, R)
    c = rl.arange(0, C)
    x = rl.load(x_ptr + r[:, None] * C + c[None, :])  # (R, C)
    rl.store(trans_ptr + c[:, None] * R + r[None, :], rl.trans(x))  # (C, R)
    rl.store(flat_ptr + rl.arange(0, R * C), rl.reshape(x, (R * C,)))
    rl.store(reshaped_ptr + c[:, None] * R + r[None, :], rl.reshape(x, (C, R)))
    v = rl.load(v_ptr + c)  # (C,)
    rl.store(
        bcast0_ptr + r[:, None] * C + c[None, :], rl.broadcast_to(rl.expand_dims(v, 0), (R, C))
    )
    rl.store(
        bcast1_ptr + c[:, None] * R + r[None, :], rl.broadcast_to(rl.expand_dims(v, 1), (C, R))
    )
    f = rl.full((R, C), 3.5, rl.float32) + rl.zeros((R, C), dtype=rl.float32) + x * 0
    rl.store(full_ptr + r[:, None] * C + c[None, :], f)


def test_views(mode, rng):
    R, C = 4, 8
    x = rng.standard_normal((R, C)).astype(np.float32)
    v = rng.standard_normal(C).astype(np.float32)
    trans = np.zeros((C, R), np.float32)
    flat = np.zeros(R * C, np.float32)
    reshaped = np.zeros((C, R), np.float32)
    bcast0 = np.zeros((R, C), np.float32)
    bcast1 = np.zeros((C, R), np.float32)
    full = np.zeros((R, C), np.float32)
    views_kernel[(1,)](x, v, trans, flat, reshaped, bcast0, bcast1, full, R=R, C=C)
    np.testing.assert_array_equal(trans, x.T)
    np.testing.assert_array_equal(flat, x.ravel())
    np.testing.assert_array_equal(reshaped, x.reshape(C, R))
    np.testing.assert_array_equal(bcast0, np.broadcast_to(v[None, :], (R, C)))
    np.testing.assert_array_equal(bcast1, np.broadcast_to(v[:, None], (C, R)))
    np.testing.assert_array_equal(full, 3.5)


# ---------------------------------------------------------------------------
# Control flow
# ---------------------------------------------------------------------------


@recur.jit
def if_else_kernel(x_ptr, out_ptr, flag, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    if flag > 0:
        y = x * 2.0
    else:
        y = x - 1.0
    rl.store(out_ptr + offs, y, mask=mask)


@pytest.mark.parametrize("flag", [-3, 1, 5])
def test_if_else_on_runtime_scalar(mode, rng, flag):
    n = 50
    x = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, np.float32)
    if_else_kernel[(recur.cdiv(n, 32),)](x, out, flag, n, BLOCK=32)
    np.testing.assert_array_equal(out, x * 2 if flag > 0 else x - 1)


@recur.jit
def classify_kernel(v_ptr, out_ptr):
    pid = rl.program_id(0)
    v = rl.load(v_ptr + pid)  # a runtime scalar loaded from memory
    if v < 0:
        r = -1
    elif v == 0:
        r = 0
    else:
        r = 1
    bonus = 0
    if v > 100:
        bonus = 1000
    rl.store(out_ptr + pid, r + bonus)


def test_if_elif_on_loaded_scalar(mode):
    v = np.array([-5, 0, 7, 101, -200, 100], np.int32)
    out = np.zeros_like(v)
    classify_kernel[(v.size,)](v, out)
    np.testing.assert_array_equal(out, [-1, 0, 1, 1001, -1, 1])


@recur.jit
def while_kernel(x_ptr, steps_ptr, out_ptr):
    pid = rl.program_id(0)
    x = rl.load(x_ptr + pid)
    steps = 0
    while x > 1.0:
        x = x * 0.5
        steps += 1
    rl.store(steps_ptr + pid, steps)
    rl.store(out_ptr + pid, x)


@recur.jit
def while_count_kernel(out_ptr, n):
    i = 0
    acc = 0
    while i < n:
        acc += i
        i += 1
    rl.store(out_ptr, acc)
    rl.store(out_ptr + 1, i)


def test_while_loop(mode):
    x = np.array([0.5, 1.0, 3.0, 1000.0, 1e6, 1.5], np.float32)
    steps = np.zeros(x.size, np.int32)
    out = np.zeros(x.size, np.float32)
    while_kernel[(x.size,)](x, steps, out)
    exp_steps, exp_out = [], []
    for v in x.astype(np.float64):
        s = 0
        while v > 1.0:
            v *= 0.5
            s += 1
        exp_steps.append(s)
        exp_out.append(v)
    np.testing.assert_array_equal(steps, exp_steps)
    np.testing.assert_array_equal(out, np.array(exp_out, np.float32))


@pytest.mark.parametrize("n", [0, 10, 37])
def test_while_loop_runtime_bound(mode, n):
    out = np.zeros(2, np.int32)
    while_count_kernel[(1,)](out, n)
    np.testing.assert_array_equal(out, [n * (n - 1) // 2, n])


@recur.jit
def for_step_kernel(out_ptr, start, end, step, STEP: rl.constexpr):
    acc = 0
    count = 0
    for i in range(start, end, step):
        acc += i
        count += 1
    acc2 = 0
    for j in range(start, end, STEP):
        acc2 += j * j
    rl.store(out_ptr + 0, acc)
    rl.store(out_ptr + 1, count)
    rl.store(out_ptr + 2, acc2)


@pytest.mark.parametrize(
    "start,end,step", [(3, 50, 4), (0, 10, 3), (5, 5, 2), (7, 3, 2), (2, 100, 7)]
)
def test_for_with_step(mode, start, end, step):
    out = np.zeros(3, np.int32)
    for_step_kernel[(1,)](out, start, end, step, STEP=step)
    r = range(start, end, step)
    np.testing.assert_array_equal(out, [sum(r), len(r), sum(i * i for i in r)])


@recur.jit
def reverse_for_kernel(out_ptr, n):
    j = 0
    for i in range(n - 1, -1, -1):
        rl.store(out_ptr + j, i)
        j += 1


def test_for_with_negative_constant_step(mode):
    n = 9
    out = np.full(n, -1, np.int32)
    reverse_for_kernel[(1,)](out, n)
    np.testing.assert_array_equal(out, np.arange(n - 1, -1, -1))


@recur.jit
def static_range_kernel(x_ptr, out_ptr, out2_ptr, BLOCK: rl.constexpr, N_CHUNKS: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    acc = rl.zeros((BLOCK,), dtype=rl.float32)
    for i in rl.static_range(N_CHUNKS):
        x = rl.load(x_ptr + i * BLOCK + offs)
        if i % 2 == 0:  # i is a compile-time constant inside static_range
            acc += x
        else:
            acc -= x
    rl.store(out_ptr + offs, acc)
    acc2 = rl.zeros((BLOCK,), dtype=rl.float32)
    for i in rl.static_range(1, N_CHUNKS, 2):
        acc2 += rl.load(x_ptr + i * BLOCK + offs) * (i + 1)
    rl.store(out2_ptr + offs, acc2)


def test_static_range(mode, rng):
    BLOCK, N_CHUNKS = 16, 5
    x = rng.integers(-8, 8, (N_CHUNKS, BLOCK)).astype(np.float32)
    out = np.zeros(BLOCK, np.float32)
    out2 = np.zeros(BLOCK, np.float32)
    static_range_kernel[(1,)](x, out, out2, BLOCK=BLOCK, N_CHUNKS=N_CHUNKS)
    signs = np.array([1 if i % 2 == 0 else -1 for i in range(N_CHUNKS)], np.float32)
    np.testing.assert_array_equal(out, (signs[:, None] * x).sum(0))
    np.testing.assert_array_equal(out2, sum(x[i] * (i + 1) for i in range(1, N_CHUNKS, 2)))


@recur.jit
def _square(x):
    return x * x


@recur.jit
def _poly(x, a, b):
    # A device function calling another device function.
    return a * _square(x) + b * x


@recur.jit
def _masked_stats(x, mask):
    lo = rl.min(rl.where(mask, x, float("inf")), axis=0)
    hi = rl.max(rl.where(mask, x, -float("inf")), axis=0)
    total = rl.sum(rl.where(mask, x, 0.0), axis=0)
    return lo, hi, total


@recur.jit
def _scaled(x, factor: rl.constexpr = 3):
    return x * factor


@recur.jit
def device_fn_kernel(x_ptr, poly_ptr, stats_ptr, scaled_ptr, n, a, b, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask, other=0.0)
    rl.store(poly_ptr + offs, _poly(x, a, b), mask=mask)
    lo, hi, total = _masked_stats(x, mask)
    rl.store(stats_ptr + 0, lo)
    rl.store(stats_ptr + 1, hi)
    rl.store(stats_ptr + 2, total)
    rl.store(scaled_ptr + offs, _scaled(x), mask=mask)
    rl.store(scaled_ptr + n + offs, _scaled(x, 5), mask=mask)


def test_device_functions_and_tuple_returns(mode, rng):
    n = 27
    x = rng.integers(-10, 10, n).astype(np.float32)  # exact arithmetic
    poly = np.zeros(n, np.float32)
    stats = np.zeros(3, np.float32)
    scaled = np.zeros(2 * n, np.float32)
    device_fn_kernel[(1,)](x, poly, stats, scaled, n, 2.0, -3.0, BLOCK=32)
    np.testing.assert_array_equal(poly, 2.0 * x * x - 3.0 * x)
    np.testing.assert_array_equal(stats, [x.min(), x.max(), x.sum()])
    np.testing.assert_array_equal(scaled[:n], 3 * x)
    np.testing.assert_array_equal(scaled[n:], 5 * x)


GLOBAL_BLOCK = rl.constexpr(64)
GLOBAL_SCALE = rl.constexpr(2.5)
USE_OFFSET = rl.constexpr(True)


@recur.jit
def constexpr_globals_kernel(x_ptr, out_ptr, n):
    offs = rl.program_id(0) * GLOBAL_BLOCK + rl.arange(0, GLOBAL_BLOCK)
    mask = offs < n
    y = rl.load(x_ptr + offs, mask=mask) * GLOBAL_SCALE
    if USE_OFFSET:
        y = y + 1.0
    rl.store(out_ptr + offs, y, mask=mask)


def test_constexpr_globals(mode, rng):
    n = 150
    x = rng.integers(-10, 10, n).astype(np.float32)
    out = np.zeros(n, np.float32)
    constexpr_globals_kernel[(recur.cdiv(n, GLOBAL_BLOCK.value),)](x, out, n)
    np.testing.assert_array_equal(out, x * 2.5 + 1.0)


@recur.jit
def default_args_kernel(
    x_ptr, out_ptr, n, alpha=2.0, BLOCK: rl.constexpr = 32, ACTIVATION: rl.constexpr = "none"
):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    y = rl.load(x_ptr + offs, mask=mask) * alpha
    if ACTIVATION == "relu":
        y = rl.maximum(y, 0.0)
    rl.store(out_ptr + offs, y, mask=mask)


def test_default_arguments(mode, rng):
    n = 70
    x = rng.integers(-10, 10, n).astype(np.float32)
    out = np.zeros(n, np.float32)
    grid = lambda meta: (recur.cdiv(n, meta["BLOCK"]),)  # noqa: E731  (meta holds defaults)
    default_args_kernel[grid](x, out, n)
    np.testing.assert_array_equal(out, x * 2.0)
    out[:] = 0
    default_args_kernel[grid](x, out, n, 0.5, BLOCK=64, ACTIVATION="relu")
    np.testing.assert_array_equal(out, np.maximum(x * 0.5, 0))
    out[:] = 0
    default_args_kernel[grid](x, out, n, alpha=-1.0)
    np.testing.assert_array_equal(out, -x)


# ---------------------------------------------------------------------------
# Grids
# ---------------------------------------------------------------------------


@recur.jit
def grid_kernel(out_ptr):
    p0 = rl.program_id(0)
    p1 = rl.program_id(1)
    p2 = rl.program_id(2)
    n0 = rl.num_programs(0)
    n1 = rl.num_programs(1)
    n2 = rl.num_programs(2)
    base = ((p2 * n1 + p1) * n0 + p0) * 6
    rl.store(out_ptr + base + 0, p0)
    rl.store(out_ptr + base + 1, p1)
    rl.store(out_ptr + base + 2, p2)
    rl.store(out_ptr + base + 3, n0)
    rl.store(out_ptr + base + 4, n1)
    rl.store(out_ptr + base + 5, n2)


@pytest.mark.parametrize("grid", [(7,), (3, 5), (2, 3, 4)])
def test_program_id_and_num_programs(mode, grid):
    g = tuple(grid) + (1,) * (3 - len(grid))
    out = np.full((g[2], g[1], g[0], 6), -1, np.int32)
    grid_kernel[grid](out)
    p2, p1, p0 = np.meshgrid(np.arange(g[2]), np.arange(g[1]), np.arange(g[0]), indexing="ij")
    expected = np.stack(
        [p0, p1, p2, np.full_like(p0, g[0]), np.full_like(p0, g[1]), np.full_like(p0, g[2])],
        axis=-1,
    )
    np.testing.assert_array_equal(out, expected)


@recur.jit
def add_2d_kernel(x_ptr, y_ptr, out_ptr, M, N, BM: rl.constexpr, BN: rl.constexpr):
    offs_m = rl.program_id(0) * BM + rl.arange(0, BM)
    offs_n = rl.program_id(1) * BN + rl.arange(0, BN)
    mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    idx = offs_m[:, None] * N + offs_n[None, :]
    rl.store(
        out_ptr + idx, rl.load(x_ptr + idx, mask=mask) + rl.load(y_ptr + idx, mask=mask), mask=mask
    )


def test_2d_grid_tiles(mode, rng):
    M, N = 19, 45
    x = rng.standard_normal((M, N)).astype(np.float32)
    y = rng.standard_normal((M, N)).astype(np.float32)
    out = np.zeros((M, N), np.float32)
    grid = lambda meta: (recur.cdiv(M, meta["BM"]), recur.cdiv(N, meta["BN"]))  # noqa: E731
    add_2d_kernel[grid](x, y, out, M, N, BM=8, BN=16)
    np.testing.assert_array_equal(out, x + y)


# ---------------------------------------------------------------------------
# Atomics
# ---------------------------------------------------------------------------


@recur.jit
def atomic_counter_kernel(counter_ptr, tickets_ptr):
    pid = rl.program_id(0)
    old = rl.atomic_add(counter_ptr, 1)  # returns the previous value
    rl.store(tickets_ptr + pid, old)


def test_atomic_add_counter(mode):
    programs = 64
    counter = np.zeros(1, np.int32)
    tickets = np.full(programs, -1, np.int32)
    atomic_counter_kernel[(programs,)](counter, tickets)
    assert counter[0] == programs
    # Every program saw a distinct previous value: the adds were atomic.
    np.testing.assert_array_equal(np.sort(tickets), np.arange(programs))


@recur.jit
def atomic_accumulate_kernel(x_ptr, sum_ptr, max_ptr, n, BLOCK: rl.constexpr):
    pid = rl.program_id(0)
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + pid * n + offs, mask=mask)
    rl.atomic_add(sum_ptr + offs, x, mask=mask)
    rl.atomic_max(max_ptr + offs, x, mask=mask)


@pytest.mark.parametrize("dtype", [np.int32, np.float32], ids=["i32", "f32"])
def test_atomic_add_and_max_vectors(mode, rng, dtype):
    rows, n = 32, 19
    # Integer-valued data: float sums are exact in any order.
    x = rng.integers(-100, 100, (rows, n)).astype(dtype)
    pad = 5
    sums = np.zeros(n + pad, dtype)
    if dtype == np.int32:
        maxes = np.full(n + pad, np.iinfo(np.int32).min, dtype)
    else:
        maxes = np.full(n + pad, -np.inf, dtype)
    init_max = maxes[n:].copy()
    atomic_accumulate_kernel[(rows,)](x, sums, maxes, n, BLOCK=32)
    np.testing.assert_array_equal(sums[:n], x.sum(axis=0))
    np.testing.assert_array_equal(maxes[:n], x.max(axis=0))
    np.testing.assert_array_equal(sums[n:], 0)  # masked lanes did nothing
    np.testing.assert_array_equal(maxes[n:], init_max)


@recur.jit
def atomic_max_scalar_kernel(x_ptr, out_ptr):
    rl.atomic_max(out_ptr, rl.load(x_ptr + rl.program_id(0)))


def test_atomic_max_scalar(mode, rng):
    x = rng.integers(-(10**6), 10**6, 50).astype(np.int32)
    out = np.array([np.iinfo(np.int32).min], np.int32)
    atomic_max_scalar_kernel[(x.size,)](x, out)
    assert out[0] == x.max()


# ---------------------------------------------------------------------------
# Compile-time printing
# ---------------------------------------------------------------------------


@recur.jit
def static_print_kernel(out_ptr, BLOCK: rl.constexpr):
    rl.static_print("static-print-block", BLOCK)
    rl.store(out_ptr + rl.arange(0, BLOCK), rl.arange(0, BLOCK))


def test_static_print(mode, capfd):
    out = np.zeros(8, np.int32)
    # A BLOCK no other test uses, so the kernel is traced (not found in a cache).
    static_print_kernel[(1,)](out, BLOCK=8 if mode == "compiled" else 4)
    captured = capfd.readouterr()
    assert "static-print-block" in captured.out + captured.err
    n = 8 if mode == "compiled" else 4
    np.testing.assert_array_equal(out[:n], np.arange(n))


def test_cdiv_on_the_host():
    assert recur.cdiv(10, 4) == 3
    assert recur.cdiv(8, 4) == 2
    assert recur.cdiv(1, 128) == 1
