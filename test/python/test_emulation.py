"""GPU lowering checked on the CPU: kernels run under RECUR_DEVICE=emu:*.

Each kernel goes through a GPU target's layouts and distribution over the
threads of a block, then runs on the SIMT emulator (runtime/emu) with one
fiber per GPU thread, real barriers, shared memory and warp shuffles. The
results must equal numpy's: the same IR becomes PTX or AMDGCN for the GPU.
Tolerances: f32 sums over up to 1000 elements in a different order than
numpy's pairwise sum, 1e-5 relative; integer and exactly representable
results are compared exactly.
"""

import ml_dtypes
import numpy as np
import pytest

import recur
import recur.language as rl
from test_tutorials import (
    add_kernel,
    assert_matmul_close,
    layer_norm_fwd_kernel,
    run_matmul,
    softmax_kernel,
)

DEVICES = ["emu:sm_80", "emu:sm_90", "emu:gfx942"]


@pytest.fixture(params=DEVICES)
def device(request, monkeypatch, compiled):
    monkeypatch.setenv("RECUR_DEVICE", request.param)
    return request.param


@pytest.mark.parametrize("n", [1, 1000, 3000, 4097])
def test_vector_add(device, rng, n):
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, np.float32)
    kernel = add_kernel[(-(-n // 1024),)](x, y, out, n, BLOCK=1024)
    assert kernel.metadata["target"] == device
    np.testing.assert_array_equal(out, x + y)


@pytest.mark.parametrize("rows,cols,block", [(3, 1000, 1024), (5, 37, 64), (1, 256, 256)])
def test_softmax_reduces_across_warps(device, rng, rows, cols, block):
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    out = np.zeros_like(x)
    softmax_kernel[(rows,)](out, x, cols, cols, cols, BLOCK_SIZE=block)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)


def test_layer_norm_loops_and_scalar_stores(device, rng):
    M, N, block = 4, 300, 128
    x = rng.standard_normal((M, N)).astype(np.float32)
    w = rng.standard_normal(N).astype(np.float32)
    b = rng.standard_normal(N).astype(np.float32)
    y = np.zeros_like(x)
    mean = np.zeros(M, np.float32)
    rstd = np.zeros(M, np.float32)
    layer_norm_fwd_kernel[(M,)](x, y, w, b, mean, rstd, N, N, 1e-5, BLOCK_SIZE=block)
    ref_mean = x.mean(axis=1)
    ref_rstd = 1 / np.sqrt(x.var(axis=1) + 1e-5)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rstd, ref_rstd, rtol=1e-5)
    ref = (x - ref_mean[:, None]) * ref_rstd[:, None] * w + b
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


@recur.jit
def compose(a1, b1, a2, b2):
    # (a1, b1) is the earlier map: h -> a2 * (a1 * h + b1) + b2.
    return a1 * a2, b1 * a2 + b2


@recur.jit
def compose_rows_kernel(
    a_ptr, b_ptr, out_a, out_b, R: rl.constexpr, T: rl.constexpr, AXIS: rl.constexpr
):
    r = rl.arange(0, R)[:, None]
    t = rl.arange(0, T)[None, :]
    a = rl.load(a_ptr + r * T + t)
    b = rl.load(b_ptr + r * T + t)
    ra, rb = rl.reduce((a, b), axis=AXIS, combine_fn=compose)
    if AXIS == 1:
        rl.store(out_a + rl.arange(0, R), ra)
        rl.store(out_b + rl.arange(0, R), rb)
    else:
        rl.store(out_a + rl.arange(0, T), ra)
        rl.store(out_b + rl.arange(0, T), rb)


@pytest.mark.parametrize("R,T,axis", [(4, 256, 1), (64, 64, 0), (64, 64, 1), (256, 8, 0)])
def test_non_commutative_reduction_keeps_index_order(device, rng, R, T, axis):
    # Affine maps with small integer coefficients compose exactly in f32, so
    # any reordering of the combine shows as a different result.
    a = rng.choice([-1.0, 1.0], size=(R, T)).astype(np.float32)
    b = rng.integers(-3, 4, size=(R, T)).astype(np.float32)
    n = R if axis == 1 else T
    out_a = np.zeros(n, np.float32)
    out_b = np.zeros(n, np.float32)
    compose_rows_kernel[(1,)](a, b, out_a, out_b, R=R, T=T, AXIS=axis)
    aa = a if axis == 1 else a.T
    bb = b if axis == 1 else b.T
    ref_a = np.ones(n, np.float64)
    ref_b = np.zeros(n, np.float64)
    for t in range(aa.shape[1]):
        ref_a, ref_b = ref_a * aa[:, t], ref_b * aa[:, t] + bb[:, t]
    np.testing.assert_array_equal(out_a, ref_a.astype(np.float32))
    np.testing.assert_array_equal(out_b, ref_b.astype(np.float32))


@recur.jit
def compose_all_kernel(a_ptr, b_ptr, out_ptr, R: rl.constexpr, T: rl.constexpr):
    r = rl.arange(0, R)[:, None]
    t = rl.arange(0, T)[None, :]
    a = rl.load(a_ptr + r * T + t)
    b = rl.load(b_ptr + r * T + t)
    ra, rb = rl.reduce((a, b), axis=1, combine_fn=compose)
    # The rows' maps come in a slice layout; composing them to scalars
    # reduces the slice as it is.
    ta, tb = rl.reduce((ra, rb), axis=0, combine_fn=compose)
    rl.store(out_ptr, ta)
    rl.store(out_ptr + 1, tb)


@pytest.mark.parametrize("R,T", [(64, 64), (256, 4), (8, 128)])
def test_reduction_of_a_slice_to_scalars_keeps_index_order(device, rng, R, T):
    a = rng.choice([-1.0, 1.0], size=(R, T)).astype(np.float32)
    b = rng.integers(-3, 4, size=(R, T)).astype(np.float32)
    out = np.zeros(2, np.float32)
    compose_all_kernel[(1,)](a, b, out, R=R, T=T)
    ref_a, ref_b = 1.0, 0.0
    for x, y in zip(a.ravel().astype(np.float64), b.ravel().astype(np.float64)):
        ref_a, ref_b = ref_a * x, ref_b * x + y
    np.testing.assert_array_equal(out, np.array([ref_a, ref_b], np.float32))


@recur.jit
def transpose_kernel(x_ptr, y_ptr, M: rl.constexpr, N: rl.constexpr):
    r = rl.arange(0, M)[:, None]
    c = rl.arange(0, N)[None, :]
    x = rl.load(x_ptr + r * N + c)
    rl.store(y_ptr + c * M + r, x)


def test_uncoalesced_store(device, rng):
    x = rng.integers(0, 1000, size=(32, 64)).astype(np.int32)
    y = np.zeros((64, 32), np.int32)
    transpose_kernel[(1,)](x, y, M=32, N=64)
    np.testing.assert_array_equal(y, x.T)


@pytest.mark.parametrize("M,N,K,blocks", [(100, 50, 70, (32, 32, 16)), (16, 8, 16, (16, 16, 16))])
def test_matmul_fma(device, rng, M, N, K, blocks):
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    assert_matmul_close(run_matmul(a, b, *blocks), a, b)


@pytest.mark.parametrize("dtype", [np.float16, "bfloat16"])
@pytest.mark.parametrize("M,N,K,blocks", [(100, 72, 70, (64, 64, 32)), (64, 64, 48, (32, 32, 16))])
def test_matmul_k_loop_on_tensor_cores(device, rng, dtype, M, N, K, blocks):
    # `acc += dot(a, b)` accumulates into the loop-carried tile; on sm_80
    # it lives in mma.sync's fragment layout across the k loop (in
    # registers), elsewhere wgmma or MFMA stage it. Masked edges (M, N, K
    # not multiples of the blocks) load zeros. Products of f16/bf16 values
    # are exact in f32: only the f32 accumulation order differs from f64.
    import ml_dtypes

    dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
    a = rng.standard_normal((M, K)).astype(dtype)
    b = rng.standard_normal((K, N)).astype(dtype)
    assert_matmul_close(run_matmul(a, b, *blocks), a, b)


def test_matmul_transposed_operand(device, rng):
    a = rng.standard_normal((48, 40)).astype(np.float32)
    b = rng.standard_normal((40, 24)).astype(np.float32)
    assert_matmul_close(run_matmul(a, b, 16, 16, 16, b_transposed=True), a, b)


@recur.jit
def dot_kernel(
    a_ptr, b_ptr, c_ptr, M: rl.constexpr, N: rl.constexpr, K: rl.constexpr, PRECISION: rl.constexpr
):
    m = rl.arange(0, M)[:, None]
    n = rl.arange(0, N)[None, :]
    k = rl.arange(0, K)
    a = rl.load(a_ptr + m * K + k[None, :])
    b = rl.load(b_ptr + k[:, None] * N + n)
    rl.store(c_ptr + m * N + n, rl.dot(a, b, input_precision=PRECISION))


def tf32(x):
    """The tf32 value mma.sync reads: the low 13 mantissa bits dropped."""
    return (x.view(np.uint32) & np.uint32(0xFFFFE000)).view(np.float32)


@pytest.mark.parametrize("M,N,K", [(16, 8, 16), (64, 32, 64), (32, 64, 128)])
def test_tensor_core_dot_f16(monkeypatch, compiled, rng, M, N, K):
    # f16 operands on an NVIDIA target go to mma.sync: the products are exact
    # in f32, so only the f32 accumulation order differs from f64's sum.
    monkeypatch.setenv("RECUR_DEVICE", "emu:sm_80")
    a = rng.standard_normal((M, K)).astype(np.float16)
    b = rng.standard_normal((K, N)).astype(np.float16)
    c = np.zeros((M, N), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=M, N=N, K=K, PRECISION="ieee")
    assert "__recur_emu_mma_m16n8k16_f32_f16" in kernel.asm["llir"]
    assert_matmul_close(c, a, b)


def test_tensor_core_dot_tf32(monkeypatch, compiled, rng):
    # tf32: the tensor cores read 10 mantissa bits of each f32 operand.
    monkeypatch.setenv("RECUR_DEVICE", "emu:sm_90")
    M, N, K = 32, 16, 64
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = np.zeros((M, N), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=M, N=N, K=K, PRECISION="tf32")
    assert "__recur_emu_mma_m16n8k8_f32_tf32" in kernel.asm["llir"]
    assert_matmul_close(c, tf32(a), tf32(b))


def test_dot_without_tensor_core_shape_uses_fma(device, rng):
    # 8 rows do not fill a 16-row mma tile: the FMA form, on every target.
    a = rng.standard_normal((8, 16)).astype(np.float16)
    b = rng.standard_normal((16, 8)).astype(np.float16)
    c = np.zeros((8, 8), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=8, N=8, K=16, PRECISION="ieee")
    assert "__recur_emu_mma" not in kernel.asm["llir"]
    assert_matmul_close(c, a, b)


# Warpgroup MMA on the emulated sm_90: dots with 64-row tiles and whole
# warpgroups run wgmma from shared memory. The inputs are rounded first (to
# f16, bf16, or tf32 by dropping the 13 mantissa bits the tensor cores do
# not read), so every product is exact and the result differs from float64
# on the same inputs only by the f32 accumulation over K <= 64 terms, about
# K 2^-24 (|a| @ |b|) at most: the tolerance is 1e-4 (|a| @ |b|).
WGMMA_DTYPES = {
    "f16": (np.float16, "ieee"),
    "bf16": (ml_dtypes.bfloat16, "ieee"),
    "tf32": (np.float32, "tf32"),
}


@pytest.mark.parametrize("dtype", sorted(WGMMA_DTYPES))
@pytest.mark.parametrize(
    "M,N,K,num_warps", [(64, 64, 64, 4), (128, 32, 32, 4), (128, 32, 32, 8), (64, 64, 32, 8)]
)
def test_wgmma_dot(monkeypatch, compiled, rng, dtype, M, N, K, num_warps):
    monkeypatch.setenv("RECUR_DEVICE", "emu:sm_90")
    element, precision = WGMMA_DTYPES[dtype]
    a = rng.standard_normal((M, K)).astype(element)
    b = rng.standard_normal((K, N)).astype(element)
    c = np.zeros((M, N), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=M, N=N, K=K, PRECISION=precision, num_warps=num_warps)
    assert "__recur_emu_wgmma" in kernel.asm["llir"]
    assert "__recur_emu_mma_" not in kernel.asm["llir"]
    if dtype == "tf32":
        a, b = tf32(a), tf32(b)
    assert_dot_close(c, a, b, 1e-4)


@pytest.mark.parametrize("M,num_warps", [(16, 4), (64, 2)])
def test_wgmma_falls_back_without_a_whole_warpgroup_tile(monkeypatch, compiled, rng, M, num_warps):
    # 16 rows do not fill a 64-row wgmma tile, and 2 warps are half a
    # warpgroup: mma.sync instead, with the same tolerance.
    monkeypatch.setenv("RECUR_DEVICE", "emu:sm_90")
    a = rng.standard_normal((M, 32)).astype(np.float16)
    b = rng.standard_normal((32, 32)).astype(np.float16)
    c = np.zeros((M, 32), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=M, N=32, K=32, PRECISION="ieee", num_warps=num_warps)
    assert "__recur_emu_wgmma" not in kernel.asm["llir"]
    assert "__recur_emu_mma_m16n8k16_f32_f16" in kernel.asm["llir"]
    assert_dot_close(c, a, b, 1e-4)


def test_bf16_dot_on_sm80_uses_mma_sync(monkeypatch, compiled, rng):
    # bf16 on sm_80: nvvm.mma.sync m16n8k16, the emulator's bf16 mma.
    monkeypatch.setenv("RECUR_DEVICE", "emu:sm_80")
    a = rng.standard_normal((64, 32)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((32, 64)).astype(ml_dtypes.bfloat16)
    c = np.zeros((64, 64), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=64, N=64, K=32, PRECISION="ieee")
    assert "__recur_emu_mma_m16n8k16_f32_bf16" in kernel.asm["llir"]
    assert_dot_close(c, a, b, 1e-4)


# AMD matrix cores (MFMA), on every emulated AMD device. Each product of
# f16 or bf16 values is exact in f32, so the result differs from float64 on
# the same inputs only by the f32 accumulation over K <= 64 terms, at most
# about K 2^-24 (|a| @ |b|): 1e-4 (|a| @ |b|) bounds it with room to spare.
# f32 operands are multiplied exactly as well (16x16x4 f32 reads all 24
# bits, no tf32), so the same bound holds there ten times tighter.
AMD_DEVICES = ["emu:gfx942", "emu:gfx90a"]
MFMA_TOLERANCE = {np.float16: 1e-4, ml_dtypes.bfloat16: 1e-4, np.float32: 1e-5}


def assert_dot_close(c, a, b, rtol):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    err = np.abs(c - a64 @ b64)
    bound = rtol * (np.abs(a64) @ np.abs(b64))
    assert np.all(err <= bound), f"max error {err.max()}"


@pytest.mark.parametrize("device_name", AMD_DEVICES)
@pytest.mark.parametrize("dtype", list(MFMA_TOLERANCE), ids=["f16", "bf16", "f32"])
@pytest.mark.parametrize("M,N,K", [(64, 64, 64), (32, 16, 16), (128, 64, 32)])
@pytest.mark.parametrize("num_warps", [1, 2, 4])
def test_matrix_core_dot(monkeypatch, compiled, rng, device_name, dtype, M, N, K, num_warps):
    monkeypatch.setenv("RECUR_DEVICE", device_name)
    a = rng.standard_normal((M, K)).astype(dtype)
    b = rng.standard_normal((K, N)).astype(dtype)
    c = np.zeros((M, N), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=M, N=N, K=K, PRECISION="ieee", num_warps=num_warps)
    suffix = {np.float16: "16x16x16f16", ml_dtypes.bfloat16: "16x16x16bf16_1k"}
    assert f"__recur_emu_mfma_f32_{suffix.get(dtype, '16x16x4f32')}" in kernel.asm["llir"]
    assert_dot_close(c, a, b, MFMA_TOLERANCE[dtype])


@pytest.mark.parametrize("device_name", AMD_DEVICES)
def test_dot_without_matrix_core_shape_uses_fma(monkeypatch, compiled, rng, device_name):
    # 8 rows do not fill a 16x16 MFMA tile: the FMA form.
    monkeypatch.setenv("RECUR_DEVICE", device_name)
    a = rng.standard_normal((8, 32)).astype(np.float16)
    b = rng.standard_normal((32, 16)).astype(np.float16)
    c = np.zeros((8, 16), np.float32)
    kernel = dot_kernel[(1,)](a, b, c, M=8, N=16, K=32, PRECISION="ieee", num_warps=2)
    assert "__recur_emu_mfma" not in kernel.asm["llir"]
    assert_dot_close(c, a, b, 1e-4)


@recur.jit
def print_kernel(x_ptr, N: rl.constexpr):
    offs = rl.arange(0, N)
    rl.device_print("x = ", rl.load(x_ptr + offs))
    rl.device_print("n = ", N)


def test_device_print_prints_each_element_once(device, capfd):
    # 64 elements over 128 (or 256) threads: the layout holds copies, and
    # only each element's canonical holder prints it.
    x = np.arange(64, dtype=np.float32) * 0.5
    print_kernel[(2,)](x, N=64)
    lines = capfd.readouterr().out.splitlines()
    for pid in (0, 1):
        mine = [line for line in lines if line.startswith(f"pid ({pid}, 0, 0) idx (")]
        assert sorted(mine) == sorted(
            f"pid ({pid}, 0, 0) idx ({i}) x = {x[i]:.9g}" for i in range(64)
        )
        assert lines.count(f"pid ({pid}, 0, 0) n = 64") == 1


@recur.jit
def assert_kernel(x_ptr, N: rl.constexpr):
    x = rl.load(x_ptr + rl.arange(0, N))
    rl.device_assert(x < 100.0, "x below 100")


def test_device_assert_fails_the_launch_with_its_message(device):
    x = np.zeros(256, np.float32)
    assert_kernel[(1,)](x, N=256)
    x[200] = 1e3
    with pytest.raises(
        Exception,
        match=r"block \(0, 0, 0\).*assertion failed: x below 100 at .*test_emulation.py:\d+",
    ):
        assert_kernel[(1,)](x, N=256)


@recur.jit
def floor_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offsets = rl.arange(0, BLOCK)
    mask = offsets < n
    rl.store(out_ptr + offsets, rl.floor(rl.load(x_ptr + offsets, mask=mask)), mask=mask)


def test_floor_is_exact_at_the_edges(device):
    # AMD targets compute f32 floor in arithmetic through i32 (no device
    # library); every target must agree with numpy bit for bit, signed zeros,
    # values beyond 2^23 and 2^31, infinities and NaN included.
    x = np.array(
        [
            0.0,
            -0.0,
            0.5,
            -0.5,
            -1.0,
            1.0,
            -1.5,
            2.75,
            -2.75,
            8388607.5,
            -8388607.5,
            8388608.0,
            -8388609.0,
            3e9,
            -3e9,
            1e30,
            -1e30,
            np.inf,
            -np.inf,
            np.nan,
            1e-45,
            -1e-45,
            0.99999994,
            -0.99999994,
        ],
        np.float32,
    )
    out = np.zeros_like(x)
    floor_kernel[(1,)](x, out, x.size, BLOCK=32)
    np.testing.assert_array_equal(out.view(np.uint32), np.floor(x).view(np.uint32))


@recur.jit
def trans_kernel(x_ptr, y_ptr, M: rl.constexpr, N: rl.constexpr):
    x = rl.load(x_ptr + rl.arange(0, M)[:, None] * N + rl.arange(0, N)[None, :])
    y_offsets = rl.arange(0, N)[:, None] * M + rl.arange(0, M)[None, :]
    rl.store(y_ptr + y_offsets, rl.trans(x))


def test_shared_memory_beyond_48_kib(device, rng):
    # rl.trans of a 128x128 f32 tile goes through 64 KiB of shared memory:
    # dynamic shared memory on NVIDIA targets (above the static 48 KiB),
    # static LDS on AMD; the emulated block gets all of it either way.
    x = rng.standard_normal((128, 128)).astype(np.float32)
    y = np.zeros_like(x)
    kernel = trans_kernel[(1,)](x, y, M=128, N=128)
    assert kernel.metadata["blocks"][0][2] >= 64 * 1024
    np.testing.assert_array_equal(y, x.T)
